package orgimport_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/orgimport"
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
	s := &orgimport.Sessions{DB: e.App.DB, Now: time.Now}
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
		if ss.Phase != "write" || ss.Processed != 1500 || ss.Status != orgimport.StatusRunning {
			t.Errorf("session during the import: %+v", ss)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, "progress-test-1", orgimport.StatusSucceeded, "ok", 1500, org.BulkResult{Created: 1500}, nil); err != nil {
		t.Fatal(err)
	}
	ss, err := s.Get(ctx, "progress-test-1")
	if err != nil || ss.Status != orgimport.StatusSucceeded || ss.Processed != 1500 || ss.Created != 1500 {
		t.Fatalf("finished session: %+v %v", ss, err)
	}
}
