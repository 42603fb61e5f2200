package store_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

func TestParseLSN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want store.LSN
	}{
		{"0/0", 0},
		{"0/16B3748", 0x16B3748},
		{"16/B374D848", 0x16<<32 | 0xB374D848},
		{"FFFFFFFF/FFFFFFFF", 1<<64 - 1},
	} {
		got, err := store.ParseLSN(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseLSN(%q) = %v %v, want %d", c.in, got, err, c.want)
		}
		if err == nil && got.String() != c.in {
			t.Errorf("String() = %q, want %q", got.String(), c.in)
		}
	}
	for _, bad := range []string{"", "16", "x/1", "1/100000000", "-1/0"} {
		if _, err := store.ParseLSN(bad); err == nil {
			t.Errorf("ParseLSN(%q) accepted", bad)
		}
	}
}

// SQLite has no replica: attaching one is refused in Chinese.
func TestReplicaRefusedOnSQLite(t *testing.T) {
	db := storetest.Open(t)
	if db.Dialect != store.SQLite {
		t.Skip("SQLite only")
	}
	_, err := db.AttachReplica(context.Background(), "postgres://u@127.0.0.1:5434/x", 5*time.Second, nil)
	if err == nil || !strings.Contains(err.Error(), "只读副本") || !strings.Contains(err.Error(), "SQLite") {
		t.Fatalf("replica on SQLite: %v", err)
	}
}

// fakeProbe returns a set state or error (lag injection).
type fakeProbe struct {
	mu  sync.Mutex
	st  store.ReplicaState
	err error
}

func (f *fakeProbe) set(st store.ReplicaState, err error) {
	f.mu.Lock()
	f.st, f.err = st, err
	f.mu.Unlock()
}

func (f *fakeProbe) Probe(context.Context) (store.ReplicaState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st, f.err
}

// replicaDB opens a test database on PostgreSQL with the "replica" pool
// pointing at the same database (lag 0), or skips.
func replicaDB(t *testing.T) (*store.DB, *store.Replica) {
	t.Helper()
	url := os.Getenv(storetest.EnvPostgres)
	if url == "" {
		t.Skip("a read replica needs PostgreSQL (" + storetest.EnvPostgres + ")")
	}
	db := storetest.Open(t)
	// The test's own database (storetest gives each test one) is its replica.
	r, err := db.AttachReplica(context.Background(), db.URL, 5*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	return db, r
}

func counter(t *testing.T, r *store.Replica, name, target string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(r.Collectors()...)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if target != "" && !hasLabel(m, "target", target) {
				continue
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

func hasLabel(m *dto.Metric, k, v string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == k && l.GetValue() == v {
			return true
		}
	}
	return false
}

// where runs a report and tells which pool served it: the replica pool
// names itself in application_name.
func where(t *testing.T, ctx context.Context, db *store.DB) string {
	t.Helper()
	var name string
	err := db.Report(ctx, func(q store.Querier) error {
		return q.QueryRowContext(ctx, `SELECT current_setting('application_name')`).Scan(&name)
	})
	if err != nil {
		t.Fatal(err)
	}
	if name == "liangxin-replica" {
		return "replica"
	}
	return "primary"
}

// With the replica pool on the same database (lag 0), a read the HTTP layer
// marks goes to the replica; an unmarked read (background work, a write's
// request) stays on the primary.
func TestReportsRouteToTheReplica(t *testing.T) {
	db, r := replicaDB(t)
	ctx := context.Background()
	reads := store.ReadFromReplica(ctx, 0)
	// Before the first probe the replica is not trusted.
	if got := where(t, reads, db); got != "primary" {
		t.Fatalf("before a probe: %s", got)
	}
	r.Refresh(ctx)
	if got := where(t, reads, db); got != "replica" {
		t.Fatalf("marked read after the probe: %s", got)
	}
	if got := where(t, ctx, db); got != "primary" {
		t.Fatalf("unmarked read: %s", got)
	}
	if n := counter(t, r, "liangxin_db_report_reads_total", "replica"); n != 1 {
		t.Fatalf("replica reads %v, want 1", n)
	}
	if n := counter(t, r, "liangxin_db_report_reads_total", "primary"); n != 2 {
		t.Fatalf("primary reads %v, want 2", n)
	}
	if n := counter(t, r, "liangxin_db_replica_usable", ""); n != 1 {
		t.Fatalf("usable gauge %v, want 1", n)
	}
}

// Lag above the limit or an unreachable replica sends the reads to the
// primary, counted once per switch; they come back when it recovers.
func TestReplicaLagFallsBackToThePrimary(t *testing.T) {
	db, r := replicaDB(t)
	ctx := context.Background()
	reads := store.ReadFromReplica(ctx, 0)
	fake := &fakeProbe{}
	r.SetProbe(fake)
	steps := []struct {
		st        store.ReplicaState
		err       error
		want      string
		fallbacks float64
	}{
		{store.ReplicaState{InRecovery: true, ReplayLSN: 100, LagSeconds: 4.9, LagBytes: 4096}, nil, "replica", 0},
		{store.ReplicaState{InRecovery: true, ReplayLSN: 100, LagSeconds: 5.1, LagBytes: 9000}, nil, "primary", 1}, // limit 5 s
		{store.ReplicaState{InRecovery: true, ReplayLSN: 100, LagSeconds: 60, LagBytes: 90000}, nil, "primary", 1}, // still behind: no new switch
		{store.ReplicaState{}, errors.New("connection refused"), "primary", 1},                                     // down while behind: same episode
		{store.ReplicaState{InRecovery: true, ReplayLSN: 200, LagSeconds: 0}, nil, "replica", 1},
		{store.ReplicaState{}, errors.New("connection refused"), "primary", 2},
		{store.ReplicaState{InRecovery: false, ReplayLSN: 300}, nil, "replica", 2}, // promoted: never behind
	}
	for i, s := range steps {
		fake.set(s.st, s.err)
		r.Refresh(ctx)
		if got := where(t, reads, db); got != s.want {
			t.Fatalf("step %d (%+v %v): read on %s, want %s", i, s.st, s.err, got, s.want)
		}
		if n := counter(t, r, "liangxin_db_replica_fallbacks_total", ""); n != s.fallbacks {
			t.Fatalf("step %d: %v fallbacks, want %v", i, n, s.fallbacks)
		}
	}
	if lag := counter(t, r, "liangxin_db_replica_lag_seconds", ""); lag != 0 {
		t.Fatalf("lag gauge %v after the catch-up, want 0", lag)
	}
}

// Read-your-own-writes: a read carrying the position of the caller's last
// write goes to the primary until the replica has replayed that position.
func TestReadYourWritesByLSN(t *testing.T) {
	db, r := replicaDB(t)
	ctx := context.Background()
	fake := &fakeProbe{}
	r.SetProbe(fake)
	fake.set(store.ReplicaState{InRecovery: true, ReplayLSN: 0x5000}, nil)
	r.Refresh(ctx)
	for _, c := range []struct {
		min  store.LSN
		want string
	}{{0, "replica"}, {0x4FFF, "replica"}, {0x5000, "replica"}, {0x5001, "primary"}} {
		if got := where(t, store.ReadFromReplica(ctx, c.min), db); got != c.want {
			t.Errorf("last write at %v, replayed 0/5000: read on %s, want %s", c.min, got, c.want)
		}
	}
	// The real probe on the same database: a write's position is replayed
	// at once (the "replica" is the primary itself).
	if _, err := db.ExecContext(ctx, `CREATE TABLE ryw (n int)`); err != nil {
		t.Fatal(err)
	}
	lsn, err := db.WriteLSN(ctx)
	if err != nil || lsn == 0 {
		t.Fatalf("WriteLSN %v %v", lsn, err)
	}
	if got := where(t, store.ReadFromReplica(ctx, lsn), db); got != "primary" {
		t.Fatalf("before the probe saw the write: %s", got)
	}
	r.SetProbe(store.PostgresProbe(db, r))
	r.Refresh(ctx)
	if got := where(t, store.ReadFromReplica(ctx, lsn), db); got != "replica" {
		t.Fatalf("after the probe saw the write: %s", got)
	}
}
