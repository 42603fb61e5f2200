package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"liangxin/internal/store"
)

// EnvReplica names the variable that runs the tests against a real
// streaming replica: "<primary URL> <replica URL>", for example
// "postgres://postgres@127.0.0.1:5435/postgres?sslmode=disable postgres://postgres@127.0.0.1:5436/postgres?sslmode=disable".
// The user must be allowed to pause the replica's replay (a superuser).
const EnvReplica = "LIANGXIN_TEST_REPLICA"

func realReplica(t *testing.T) (*store.DB, *store.Replica, *store.DB) {
	t.Helper()
	urls := strings.Fields(os.Getenv(EnvReplica))
	if len(urls) != 2 {
		t.Skip("no real replica (" + EnvReplica + ")")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "r_" + hex.EncodeToString(b)
	admin, err := store.OpenPostgres(ctx, urls[0], "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenPostgres(ctx, urls[0], schema)
	if err != nil {
		t.Fatal(err)
	}
	// A direct connection to the standby, to pause and resume its replay.
	standby, err := store.OpenPostgres(ctx, urls[1], "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = standby.ExecContext(context.Background(), `SELECT pg_wal_replay_resume()`)
		standby.Close()
		db.Close()
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	if _, err := db.ExecContext(ctx, `CREATE TABLE notes (id int PRIMARY KEY, body text)`); err != nil {
		t.Fatal(err)
	}
	r, err := db.AttachReplica(ctx, urls[1], time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	return db, r, standby
}

func until(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A real streaming replica: a write is read back from the replica once its
// LSN is replayed (and from the primary before); with replay paused the lag
// grows past the limit and reads fall back to the primary, and they return
// when replay resumes. The replay delay of a write is logged as a figure.
func TestRealReplica(t *testing.T) {
	db, r, standby := realReplica(t)
	ctx := context.Background()
	r.Refresh(ctx)
	if st := r.Status(); st["usable"] != true {
		t.Fatalf("idle replica not usable: %v", st)
	}
	var delays []time.Duration
	for i := 1; i <= 50; i++ {
		if _, err := db.ExecContext(ctx, `INSERT INTO notes VALUES ($1, 'x')`, i); err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		lsn, err := db.WriteLSN(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mine := store.ReadFromReplica(ctx, lsn)
		until(t, 10*time.Second, "the write replayed", func() bool {
			r.Refresh(ctx)
			return where(t, mine, db) == "replica"
		})
		delays = append(delays, time.Since(t0))
		var n int
		err = db.Report(mine, func(q store.Querier) error {
			return q.QueryRowContext(ctx, `SELECT count(*) FROM notes`).Scan(&n)
		})
		if err != nil || n != i {
			t.Fatalf("write %d read back from the replica: %d rows %v", i, n, err)
		}
	}
	sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
	t.Logf("replay delay of a write seen by the writer (50 writes, probe and read included): p50 %v, max %v", delays[25], delays[49])

	// Replay paused: the replica falls behind.
	if _, err := standby.ExecContext(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	until(t, 10*time.Second, "replay paused", func() bool {
		var state string
		_ = standby.QueryRowContext(ctx, `SELECT pg_get_wal_replay_pause_state()`).Scan(&state)
		return state == "paused"
	})
	if _, err := db.ExecContext(ctx, `INSERT INTO notes VALUES (1000, 'behind')`); err != nil {
		t.Fatal(err)
	}
	reads := store.ReadFromReplica(ctx, 0)
	until(t, 20*time.Second, "lag above the 1 s limit", func() bool {
		r.Refresh(ctx)
		return where(t, reads, db) == "primary"
	})
	st := r.Status()
	if st["lag_bytes"].(int64) <= 0 || st["lag_seconds"].(float64) <= 1 || st["fallback"] != "lag" {
		t.Fatalf("paused replica: %v", st)
	}
	t.Logf("paused replica: %v", st)
	if _, err := standby.ExecContext(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	until(t, 20*time.Second, "reads back on the replica", func() bool {
		r.Refresh(ctx)
		return where(t, reads, db) == "replica"
	})
	if st := r.Status(); st["lag_bytes"].(int64) != 0 || st["lag_seconds"].(float64) != 0 {
		t.Fatalf("caught-up replica: %v", st)
	}
}

// A multi-host URL with target_session_attrs=read-write connects to the
// primary whichever host comes first.
func TestMultiHostURL(t *testing.T) {
	urls := strings.Fields(os.Getenv(EnvReplica))
	if len(urls) != 2 {
		t.Skip("no real replica (" + EnvReplica + ")")
	}
	hostOf := func(u string) string { return strings.SplitN(strings.SplitN(u, "@", 2)[1], "/", 2)[0] }
	user := strings.SplitN(urls[0], "@", 2)[0]
	rest := strings.SplitN(strings.SplitN(urls[0], "@", 2)[1], "/", 2)[1]
	multi := user + "@" + hostOf(urls[1]) + "," + hostOf(urls[0]) + "/" + rest
	if strings.Contains(multi, "?") {
		multi += "&target_session_attrs=read-write"
	} else {
		multi += "?target_session_attrs=read-write"
	}
	db, err := store.OpenPostgres(context.Background(), multi, "")
	if err != nil {
		t.Fatalf("%s: %v", multi, err)
	}
	defer db.Close()
	var standby bool
	if err := db.QueryRowContext(context.Background(), `SELECT pg_is_in_recovery()`).Scan(&standby); err != nil || standby {
		t.Fatalf("multi-host URL reached a standby: %v %v", standby, err)
	}
	if !strings.Contains(db.URL, hostOf(urls[1])+","+hostOf(urls[0])) {
		t.Fatalf("URL for the tools lost a host: %s", db.URL)
	}
}
