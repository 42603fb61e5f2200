package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	ms := time.Millisecond
	var rs []result
	// 100 successful requests taking 1..100 ms, one started every 10 ms from t0.
	for i := 1; i <= 100; i++ {
		rs = append(rs, result{kind: "list", status: 200, start: t0.Add(time.Duration(i-1) * 10 * ms), took: time.Duration(i) * ms})
	}
	// Two failures: a 500 and a transport error (status 0); they do not count in the latencies.
	rs = append(rs, result{kind: "write", status: 500, start: t0, took: 5 * time.Second})
	rs = append(rs, result{kind: "login", err: errors.New("EOF"), start: t0, took: ms})
	s := summarize(rs)
	// By hand: sorted latencies 1..100 ms; index 50 is 51 ms, index 99 is 100 ms.
	if s.sent != 102 || s.ok != 100 || s.errs != 2 {
		t.Fatalf("sent %d ok %d errs %d", s.sent, s.ok, s.errs)
	}
	if s.p50 != 51*ms || s.p99 != 100*ms {
		t.Fatalf("p50 %s p99 %s, want 51ms 100ms", s.p50, s.p99)
	}
	// Wall time: from t0 to the end of the 500 (t0 + 5 s), the latest end.
	if s.wall != 5*time.Second {
		t.Fatalf("wall %s", s.wall)
	}
	if s.perSec != 20 { // 100 ok in 5 s
		t.Fatalf("ok/s %v", s.perSec)
	}
	if len(s.firstErrors) != 2 || s.firstErrors[0] != "write 500" || s.firstErrors[1] != "login 0 EOF" {
		t.Fatalf("errors %q", s.firstErrors)
	}
}

func TestResultOK(t *testing.T) {
	for _, c := range []struct {
		r    result
		want bool
	}{
		{result{status: 200}, true},
		{result{status: 201}, true},
		{result{status: 204}, true},
		{result{status: 302}, false},
		{result{status: 401}, false},
		{result{status: 502}, false},
		{result{status: 201, err: errors.New("body cut")}, false},
	} {
		if got := c.r.ok(); got != c.want {
			t.Errorf("%+v: ok %v, want %v", c.r, got, c.want)
		}
	}
}

func TestReadCluster(t *testing.T) {
	dir := t.TempDir()
	env := "CLUSTER_DIR=" + dir + "\nPGBIN=/usr/lib/postgresql/15/bin\n" +
		"DB_URL='postgres://postgres@127.0.0.1:5433,127.0.0.1:5434/liangxin?sslmode=disable&target_session_attrs=read-write'\n" +
		"LB_URL=http://127.0.0.1:18200\nNODE_URLS=http://127.0.0.1:18201,http://127.0.0.1:18202,http://127.0.0.1:18203\n" +
		"LOAD_USER=clusterload\nLOAD_INITIAL='Initial#Cluster-2026'\nLOAD_PASSWORD='Cluster#Qidong-2026'\n"
	if err := os.WriteFile(filepath.Join(dir, "cluster.env"), []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := readCluster(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.dbURL != "postgres://postgres@127.0.0.1:5433,127.0.0.1:5434/liangxin?sslmode=disable&target_session_attrs=read-write" ||
		len(c.nodes) != 3 || c.nodes[2] != "http://127.0.0.1:18203" || c.initial != "Initial#Cluster-2026" || c.pass != "Cluster#Qidong-2026" {
		t.Fatalf("%+v", c)
	}
	if _, err := readCluster(t.TempDir()); err == nil {
		t.Fatal("no error without cluster.env")
	}
	if err := os.WriteFile(filepath.Join(dir, "cluster.env"), []byte("LB_URL=http://x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readCluster(dir); err == nil {
		t.Fatal("no error for an incomplete cluster.env")
	}
}
