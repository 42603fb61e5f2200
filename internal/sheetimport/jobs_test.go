package sheetimport_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

// TestProgressDuringTheImportTransaction: an import writes in one long
// transaction; the progress it reports meanwhile must reach a poller at once
// (on SQLite a progress row written beside the transaction would wait for
// it to end, and the poller would see nothing until the import is over).
func TestProgressDuringTheImportTransaction(t *testing.T) {
	e := testenv.New(t)
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	s := &sheetimport.Jobs{DB: e.App.DB, Now: time.Now}
	if err := s.Start(ctx, "progress-test-1", "organizations"); err != nil {
		t.Fatal(err)
	}
	err := e.App.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := e.App.DB.Exec(ctx, tx, `UPDATE organizations SET employees = employees WHERE id = -1`); err != nil {
			return err
		}
		start := time.Now()
		s.Progress(ctx, "progress-test-1", "write", 1500)
		// Blocked, the write would wait out busy_timeout (10 s) and then fail;
		// the bound sits well under that and far above a loaded machine's delay.
		if d := time.Since(start); d > 8*time.Second {
			t.Errorf("Progress waited %s for the transaction", d)
		}
		ss, err := s.Get(ctx, "progress-test-1")
		if err != nil {
			return err
		}
		if ss.Phase != "write" || ss.Processed != 1500 || ss.Status != sheetimport.StatusRunning {
			t.Errorf("session during the import: %+v", ss)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, "progress-test-1", sheetimport.StatusSucceeded, "ok", 1500, sheetimport.Result{Created: 1500}, nil); err != nil {
		t.Fatal(err)
	}
	ss, err := s.Get(ctx, "progress-test-1")
	if err != nil || ss.Status != sheetimport.StatusSucceeded || ss.Processed != 1500 || ss.Created != 1500 {
		t.Fatalf("finished session: %+v %v", ss, err)
	}
}

// An import whose writer panics ends its session failed (the deferred
// Abandon of the HTTP runner), not running; Abandon leaves a finished
// session as it was; a failed session's id may be started again by its
// owner only.
func TestAbandonedSessionFailsAndItsIDIsFree(t *testing.T) {
	e := testenv.New(t)
	u := e.User("importer", "district", testenv.Jurisdiction)
	v := e.User("neighbour", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	other := actor.With(context.Background(), actor.Actor{UserID: v.ID, Username: v.Username, Role: "district", Scope: testenv.Jurisdiction})
	s := &sheetimport.Jobs{DB: e.App.DB, Now: time.Now, Instance: "this-process"}
	const reason = "导入因服务内部错误中止，数据已回滚，请重新导入；如再次出现请联系系统管理员"

	run := func(id string, write func()) (panicked bool) {
		defer func() { panicked = recover() != nil }()
		if err := s.Start(ctx, id, "organizations"); err != nil {
			t.Fatal(err)
		}
		defer s.Abandon(context.Background(), id, sheetimport.ReasonInternal)
		s.Progress(ctx, id, "write", 200)
		write()
		return false
	}
	if !run("panicking-job", func() { panic("writer bug") }) {
		t.Fatal("the writer's panic was swallowed")
	}
	ss, err := s.Get(ctx, "panicking-job")
	if err != nil || ss.Status != sheetimport.StatusFailed || ss.Message != reason {
		t.Fatalf("after the panic: %+v %v", ss, err)
	}
	// Another user may not take the id; its owner may.
	if err := s.Start(other, "panicking-job", "organizations"); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("another user's failed id: %v", err)
	}
	run("panicking-job", func() {
		if err := s.Finish(ctx, "panicking-job", sheetimport.StatusSucceeded, "ok", 3, sheetimport.Result{Created: 3}, nil); err != nil {
			t.Fatal(err)
		}
	})
	ss, err = s.Get(ctx, "panicking-job")
	if err != nil || ss.Status != sheetimport.StatusSucceeded || ss.Created != 3 || ss.Message != "ok" {
		t.Fatalf("finished session after the deferred Abandon: %+v %v", ss, err)
	}
	if err := s.Start(ctx, "panicking-job", "organizations"); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("a succeeded id started again: %v", err)
	}
	// A running job of this process survives the start-up recovery; one of
	// another process does not (SQLite) or once its heartbeat is stale.
	if err := s.Start(ctx, "mine-running", "organizations"); err != nil {
		t.Fatal(err)
	}
	gone := &sheetimport.Jobs{DB: e.App.DB, Now: func() time.Time { return time.Now().Add(-time.Hour) }, Instance: "gone-process"}
	if err := gone.Start(ctx, "theirs-running", "organizations"); err != nil {
		t.Fatal(err)
	}
	n, err := s.RecoverAbandoned(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("recovered %d %v, want 1", n, err)
	}
	for id, want := range map[string]string{"mine-running": sheetimport.StatusRunning, "theirs-running": sheetimport.StatusFailed} {
		if ss, err := s.Get(ctx, id); err != nil || ss.Status != want {
			t.Errorf("%s: %+v %v, want %s", id, ss, err, want)
		}
	}
}

// A node's heartbeat keeps its running job alive for the other nodes, on
// both databases; a job whose heartbeat is older than StaleAfter (90 s) is
// failed by them.
func TestHeartbeatKeepsAJobAlive(t *testing.T) {
	e := testenv.New(t)
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	t0 := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	at := t0
	clock := func() time.Time { return at }
	nodeA := &sheetimport.Jobs{DB: e.App.DB, Now: clock, Instance: "node-a"}
	nodeB := &sheetimport.Jobs{DB: e.App.DB, Now: clock, Instance: "node-b"}
	if err := nodeA.Start(ctx, "long-import", "organizations"); err != nil {
		t.Fatal(err)
	}
	at = t0.Add(2 * time.Minute)
	if err := nodeA.Heartbeat(context.Background()); err != nil {
		t.Fatal(err)
	}
	// 2 min 30 s: the heartbeat is 30 s old on PostgreSQL.
	at = t0.Add(150 * time.Second)
	n, err := nodeB.RecoverAbandoned(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("recovered %d with a 30 s old heartbeat, want 0", n)
	}
	// 3 min 31 s: the last heartbeat (2 min) is 91 s old.
	at = t0.Add(211 * time.Second)
	if n, err := nodeB.RecoverAbandoned(context.Background()); err != nil || n != 1 {
		t.Fatalf("recovered %d %v with a 91 s old heartbeat, want 1", n, err)
	}
	if ss, err := nodeA.Get(ctx, "long-import"); err != nil || ss.Status != sheetimport.StatusFailed || ss.Message != "服务重启，导入未完成，数据已回滚，请重新导入" {
		t.Fatalf("stale job: %+v %v", ss, err)
	}
}

// A starting server on SQLite holds the data folder: every running job of
// another process is failed at once, however fresh its heartbeat. On
// PostgreSQL other nodes may be alive, and the lease applies.
func TestRecoverAtStart(t *testing.T) {
	e := testenv.New(t)
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	at := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	clock := func() time.Time { return at }
	old := &sheetimport.Jobs{DB: e.App.DB, Now: clock, Instance: "killed-process"}
	fresh := &sheetimport.Jobs{DB: e.App.DB, Now: clock, Instance: "new-process"}
	if err := old.Start(ctx, "fresh-job-0001", "organizations"); err != nil {
		t.Fatal(err)
	}
	at = at.Add(10 * time.Second)
	n, err := fresh.RecoverAtStart(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[bool]int64{true: 0, false: 1}[e.App.DB.Dialect == store.Postgres]
	if n != want {
		t.Fatalf("start-up recovery of a 10 s old job: %d, want %d", n, want)
	}
}
