package sheetimport_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/org"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// claimInputs is n new organizations for an import.
func claimInputs(n, from int) []org.Input {
	ins := make([]org.Input, n)
	for i := range ins {
		name := fmt.Sprintf("租约测试单位%d", from+i)
		code := uscc.Generate('9', '1', "430426", 900000+from+i)
		cat, place := "private_enterprise", testenv.Hongqiao
		ins[i] = org.Input{Name: &name, USCC: &code, Category: &cat, RegionCode: &place}
	}
	return ins
}

func countLeaseOrgs(t *testing.T, e *testenv.Env) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT COUNT(*) FROM organizations WHERE name LIKE ?`, "租约测试单位%").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A node paused past its lease (SIGSTOP, a long GC, a network stall) while
// another node fails its import job must not commit the job's rows when it
// wakes: the claim is re-checked inside the write transaction just before
// the commit (Jobs.Claim), on both databases. The job stays failed with
// the takeover's reason and no row of it is written. A run whose claim
// still holds commits as before.
func TestPausedNodeCannotCommitAfterTakeover(t *testing.T) {
	e := testenv.New(t)
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	t0 := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	at := t0
	clock := func() time.Time { return at }
	lease := 20 * time.Second
	nodeA := &sheetimport.Jobs{DB: e.App.DB, Now: clock, Instance: "node-a", Lease: lease}
	nodeB := &sheetimport.Jobs{DB: e.App.DB, Now: clock, Instance: "node-b", Lease: lease}

	// The reference run: the claim holds, the rows commit.
	if err := nodeA.Start(ctx, "lease-ok-0001", "organizations"); err != nil {
		t.Fatal(err)
	}
	res, rowErrs, err := e.App.Orgs.UpsertAll(nodeA.Claim(ctx, "lease-ok-0001"), claimInputs(3, 0), nil)
	if err != nil || len(rowErrs) > 0 || res.Created != 3 {
		t.Fatalf("import with its claim held: %+v %v %v", res, rowErrs, err)
	}
	if n := countLeaseOrgs(t, e); n != 3 {
		t.Fatalf("rows after the held claim's import: %d, want 3", n)
	}
	if err := nodeA.Finish(ctx, "lease-ok-0001", sheetimport.StatusSucceeded, "ok", 3, res, nil); err != nil {
		t.Fatal(err)
	}

	// Node A starts a job, then is paused before its write transaction
	// (reading the file, say) past the lease: node B fails the job.
	if err := nodeA.Start(ctx, "lease-paused-1", "organizations"); err != nil {
		t.Fatal(err)
	}
	at = t0.Add(lease + time.Second)
	if n, err := nodeB.RecoverAbandoned(context.Background()); err != nil || n != 1 {
		t.Fatalf("takeover of the paused job: %d %v, want 1", n, err)
	}
	// Node A wakes and writes: the commit is refused.
	_, _, err = e.App.Orgs.UpsertAll(nodeA.Claim(ctx, "lease-paused-1"), claimInputs(4, 10), nil)
	if !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("import after the takeover: err %v, want a conflict (claim lost)", err)
	}
	if e, _ := apperr.As(err); e.Message != sheetimport.ReasonClaimLost {
		t.Fatalf("claim lost message %q", e.Message)
	}
	if n := countLeaseOrgs(t, e); n != 3 {
		t.Fatalf("rows after the refused commit: %d, want 3 (nothing of the taken-over job)", n)
	}
	if ss, err := nodeA.Get(ctx, "lease-paused-1"); err != nil || ss.Status != sheetimport.StatusFailed || ss.Message != sheetimport.ReasonRestarted {
		t.Fatalf("taken-over job: %+v %v", ss, err)
	}

	if e.App.DB.Dialect != store.Postgres {
		return
	}
	// PostgreSQL: node A is paused in the middle of its write transaction
	// (rows already written, uncommitted) while node B, on its own
	// connection, fails the job; node A wakes and reaches its commit.
	at = t0.Add(time.Minute)
	if err := nodeA.Start(ctx, "lease-paused-2", "organizations"); err != nil {
		t.Fatal(err)
	}
	ins := claimInputs(1200, 100)
	i := 0
	next := func() (org.Input, bool) {
		if i == 1100 { // past the first chunks: rows are written in the open transaction
			at = at.Add(lease + time.Second)
			if n, err := nodeB.RecoverAbandoned(context.Background()); err != nil || n != 1 {
				t.Errorf("takeover during the write transaction: %d %v, want 1", n, err)
			}
		}
		if i == len(ins) {
			return org.Input{}, false
		}
		i++
		return ins[i-1], true
	}
	_, _, err = e.App.Orgs.UpsertEach(nodeA.Claim(ctx, "lease-paused-2"), next, nil, nil)
	if !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("import whose job was failed mid-transaction: err %v, want a conflict (claim lost)", err)
	}
	if n := countLeaseOrgs(t, e); n != 3 {
		t.Fatalf("rows after the refused commit: %d, want 3", n)
	}
	if ss, err := nodeA.Get(ctx, "lease-paused-2"); err != nil || ss.Status != sheetimport.StatusFailed {
		t.Fatalf("job failed mid-transaction: %+v %v", ss, err)
	}
}

// The lease is configurable; the default is 30 s with a beat every 5 s, and
// a job is failed only once its heartbeat is strictly older than the lease.
func TestLeaseBounds(t *testing.T) {
	e := testenv.New(t)
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	if s := (&sheetimport.Jobs{}); s.LeaseOrDefault() != 30*time.Second || s.HeartbeatEvery() != 5*time.Second {
		t.Fatalf("default lease %s beat %s, want 30s 5s", s.LeaseOrDefault(), s.HeartbeatEvery())
	}
	t0 := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	at := t0
	clock := func() time.Time { return at }
	a := &sheetimport.Jobs{DB: e.App.DB, Now: clock, Instance: "node-a"}
	b := &sheetimport.Jobs{DB: e.App.DB, Now: clock, Instance: "node-b"}
	if err := a.Start(ctx, "lease-bound-1", "organizations"); err != nil {
		t.Fatal(err)
	}
	at = t0.Add(30 * time.Second) // exactly the lease: still alive
	if n, err := b.RecoverAbandoned(context.Background()); err != nil || n != 0 {
		t.Fatalf("at the lease: %d %v, want 0", n, err)
	}
	at = t0.Add(31 * time.Second)
	if n, err := b.RecoverAbandoned(context.Background()); err != nil || n != 1 {
		t.Fatalf("past the lease: %d %v, want 1", n, err)
	}
}
