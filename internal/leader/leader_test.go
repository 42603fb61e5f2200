package leader_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liangxin/internal/leader"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// waitFor polls cond every 20 ms for at most limit (a bounded wait, not a
// timed assertion: the bound is far above the expected takeover).
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type node struct {
	e     *leader.Elector
	leads atomic.Int32 // how many times lead was entered
	in    atomic.Int32 // 1 while lead runs
}

func start(t *testing.T, db *store.DB, name string, ctx context.Context, wg *sync.WaitGroup) *node {
	n := &node{e: &leader.Elector{DB: db, Name: "test", Node: name, Every: 100 * time.Millisecond}}
	wg.Add(1)
	go func() {
		defer wg.Done()
		n.e.Run(ctx, func(lctx context.Context) {
			n.leads.Add(1)
			n.in.Store(1)
			<-lctx.Done()
			n.in.Store(0)
		})
	}()
	return n
}

// Two electors on one PostgreSQL database: exactly one leads; when the
// leader's lock connection is ended (as when its node dies), its work is
// stopped and the other node leads within the bound.
func TestOneLeaderAndTakeover(t *testing.T) {
	db := storetest.Open(t)
	if db.Dialect != store.Postgres {
		t.Skip("the election runs on PostgreSQL; on SQLite the one process leads (TestSQLiteAlwaysLeads)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	a := start(t, db, "node-a", ctx, &wg)
	b := start(t, db, "node-b", ctx, &wg)
	leaders := func() int {
		n := 0
		for _, x := range []*node{a, b} {
			if x.e.Leading() {
				n++
			}
		}
		return n
	}
	waitFor(t, 20*time.Second, "one leader elected", func() bool { return leaders() == 1 })
	// For ten more rounds the other node keeps trying and never leads too.
	for i := 0; i < 10; i++ {
		time.Sleep(100 * time.Millisecond)
		if n := leaders(); n != 1 || a.in.Load()+b.in.Load() != 1 {
			t.Fatalf("round %d: %d leaders, %d running the work", i, n, a.in.Load()+b.in.Load())
		}
	}
	old, other := a, b
	if b.e.Leading() {
		old, other = b, a
	}
	pid := old.e.BackendPID()
	if pid == 0 {
		t.Fatal("the leader reports no lock connection")
	}
	var ended bool
	if err := db.QueryRowContext(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&ended); err != nil || !ended {
		t.Fatalf("terminate the leader's connection: %v %v", ended, err)
	}
	// Bound: the follower tries every Every (100 ms) and the old leader
	// notices within Every; 20 s only guards a loaded machine.
	waitFor(t, 20*time.Second, "the other node takes over", func() bool { return other.e.Leading() && other.in.Load() == 1 })
	waitFor(t, 20*time.Second, "the old leader stops its work", func() bool { return old.in.Load() == 0 })
	if old.e.Leading() {
		t.Fatal("both nodes lead after the takeover")
	}
	if old.leads.Load() != 1 || other.leads.Load() != 1 {
		t.Fatalf("leads entered: old %d, other %d; want 1 each", old.leads.Load(), other.leads.Load())
	}
	// A clean stop releases the lock at once (pg_advisory_unlock).
	cancel()
	wg.Wait()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var free bool
	if err := conn.QueryRowContext(context.Background(), `SELECT pg_try_advisory_lock($1)`, other.e.Key()).Scan(&free); err != nil {
		t.Fatal(err)
	}
	if !free {
		t.Fatal("the lock is still held after both nodes stopped")
	}
	_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, other.e.Key())
}

// On SQLite the one serving process is the leader at once.
func TestSQLiteAlwaysLeads(t *testing.T) {
	db := storetest.Open(t)
	if db.Dialect != store.SQLite {
		t.Skip("SQLite only")
	}
	e := &leader.Elector{DB: db, Name: "test", Node: "only"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Run(ctx, func(lctx context.Context) { <-lctx.Done() })
	}()
	waitFor(t, 5*time.Second, "the SQLite process leads", e.Leading)
	cancel()
	<-done
	if e.Leading() {
		t.Fatal("still leading after the stop")
	}
}

// One claim per job and period succeeds; its end is recorded.
func TestClaimOncePerPeriod(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 6, 10, 15, 0, 0, time.UTC)
	for i, c := range []struct {
		job, period, node string
		want              bool
	}{
		{"sweep", "2026-12-06T10", "node-a", true},
		{"sweep", "2026-12-06T10", "node-b", false}, // taken over within the hour
		{"sweep", "2026-12-06T10", "node-a", false}, // restarted within the hour
		{"expiry", "2026-12-06T10", "node-b", true},
		{"sweep", "2026-12-06T11", "node-b", true},
	} {
		got, err := leader.Claim(ctx, db, c.job, c.period, c.node, now)
		if err != nil || got != c.want {
			t.Fatalf("claim %d %+v: %v %v", i, c, got, err)
		}
	}
	if err := leader.Finish(ctx, db, "sweep", "2026-12-06T10", "done", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	runs, err := leader.Runs(ctx, db, "sweep")
	if err != nil {
		t.Fatal(err)
	}
	want := []leader.Run{
		{Job: "sweep", Period: "2026-12-06T10", Node: "node-a", Outcome: "done", Finished: true},
		{Job: "sweep", Period: "2026-12-06T11", Node: "node-b"},
	}
	if len(runs) != 2 || runs[0] != want[0] || runs[1] != want[1] {
		t.Fatalf("runs %+v, want %+v", runs, want)
	}
	// Records older than the cut are pruned.
	if err := leader.Prune(ctx, db, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if runs, _ := leader.Runs(ctx, db, "sweep"); len(runs) != 0 {
		t.Fatalf("after prune: %+v", runs)
	}
}
