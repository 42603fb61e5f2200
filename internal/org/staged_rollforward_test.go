package org_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/xlsx"
)

// A staged import publishes in one short commit (the organizations, their
// snapshots, the import's entry, a marker) and then rolls its count
// changes and per-row audit entries forward in short transactions
// (store.Stage.PublishRollForward). These tests stop the roll-forward
// where a kill would (the test hook's error stops it as SIGKILL would:
// the marker and the stage file stay), look at what a reader sees, then
// "restart": open the database again (the start-up clean-up must keep the
// stage file) and finish (store.DB.FinishPublishes, as app.Open does).
// Afterwards every row has exactly one creation entry, the import's entry
// is there once, and the counts equal a rebuild. SQLite only.
func TestStagedImportRollsForwardAfterAKill(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stopAt  string // the step in which the roll-forward stops
		rebuild bool   // a counts rebuild runs before the restart
	}{
		{"killed while adding the counts", coverspan.RollForwardStep, false},
		{"killed while appending the audit entries", "audit_log", false},
		{"killed while adding the counts, then a rebuild", coverspan.RollForwardStep, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := testenv.New(t)
			if e.App.DB.Dialect != store.SQLite {
				t.Skip("staging is SQLite's")
			}
			db := e.App.DB
			u := e.User("importer", "district", testenv.Jurisdiction)
			ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
			// The counts are built (a fresh test database asks for a
			// rebuild), so that their readiness means something.
			if err := coverspan.Rebuild(actor.System(context.Background(), "test"), db); err != nil {
				t.Fatal(err)
			}
			if ready, err := coverspan.CountsReady(ctx, db, db); err != nil || !ready {
				t.Fatalf("counts ready before the import: %v %v", ready, err)
			}
			prevRows := store.RollForwardRows
			store.RollForwardRows = 97 // several transactions per step
			defer func() { store.RollForwardRows = prevRows }()
			killed := errors.New("killed")
			var seen []string
			store.SetRollForwardHook(func(step string, after int64) error {
				seen = append(seen, fmt.Sprintf("%s>%d", step, after))
				if step == tc.stopAt && after >= 2*97 {
					return killed
				}
				return nil
			})
			defer store.SetRollForwardHook(nil)

			const rows = 600
			ledger := countsLedger(t, rows, 0)
			res, errs, err := org.Import(ctx, e.App.Orgs, e.App.Regions, bytes.NewReader(ledger), int64(len(ledger)), xlsx.Limits{}, nil)
			if err != nil || len(errs) != 0 || res.Created != rows {
				t.Fatalf("import: %+v %v %v", res, errs, err)
			}
			store.SetRollForwardHook(nil)
			count := func(d *store.DB, q string, args ...any) int {
				t.Helper()
				var n int
				if err := d.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			// What a reader sees at the kill: every organization (they
			// came with the commit), the import's entry, part of the
			// creation entries, and counts not to be read (the spans
			// serve) while their changes are being added.
			if n := countOrgs(t, db); n != rows {
				t.Fatalf("%d organizations after the commit, want %d", n, rows)
			}
			if n := count(db, `SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'organization'`); n != 1 {
				t.Fatalf("%d import entries after the commit, want 1", n)
			}
			creates := count(db, `SELECT COUNT(*) FROM audit_log WHERE action = 'organization_create'`)
			wantCreates := 0
			if tc.stopAt == "audit_log" {
				wantCreates = 2 * 97
			}
			if creates != wantCreates {
				t.Fatalf("%d creation entries at the kill, want %d (steps seen: %v)", creates, wantCreates, seen)
			}
			ready, err := coverspan.CountsReady(ctx, db, db)
			if err != nil {
				t.Fatal(err)
			}
			if ready != (tc.stopAt == "audit_log") {
				t.Fatalf("counts ready at the kill: %v (stopped in %s)", ready, tc.stopAt)
			}
			if n := count(db, `SELECT COUNT(*) FROM settings WHERE key LIKE ?`, store.PublishKeyPrefix+"%"); n != 1 {
				t.Fatalf("%d publish markers at the kill, want 1", n)
			}
			if tc.rebuild {
				if err := coverspan.Rebuild(actor.System(context.Background(), "test"), db); err != nil {
					t.Fatal(err)
				}
			}

			// The restart: a second open of the file keeps the stage (its
			// marker names it) and finishes it.
			db2, err := store.OpenSQLite(context.Background(), db.Path)
			if err != nil {
				t.Fatal(err)
			}
			defer db2.Close()
			if n, err := db2.FinishPublishes(context.Background()); err != nil || n != 1 {
				t.Fatalf("finish publishes at the restart: %d, %v; want 1 finished", n, err)
			}
			if n := count(db2, `SELECT COUNT(*) FROM settings WHERE key LIKE ? OR key LIKE ?`, store.PublishKeyPrefix+"%", coverspan.SettingCountsPending+"%"); n != 0 {
				t.Fatalf("%d markers left after the restart", n)
			}
			if m := stageFiles(t, db); len(m) != 0 {
				t.Fatalf("stage files left after the restart: %v", m)
			}
			if n := count(db2, `SELECT COUNT(*) FROM audit_log WHERE action = 'organization_create'`); n != rows {
				t.Fatalf("%d creation entries after the restart, want %d", n, rows)
			}
			if n := count(db2, `SELECT COUNT(DISTINCT entity_id) FROM audit_log WHERE action = 'organization_create'`); n != rows {
				t.Fatalf("%d organizations with a creation entry, want %d (one each)", n, rows)
			}
			if n := count(db2, `SELECT COUNT(*) FROM organizations o WHERE NOT EXISTS (SELECT 1 FROM audit_log a
				WHERE a.action = 'organization_create' AND a.entity_id = CAST(o.id AS TEXT) AND a.detail LIKE '%"after"%')`); n != 0 {
				t.Fatalf("%d organizations without their creation entry (with the after state)", n)
			}
			if n := count(db2, `SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'organization'`); n != 1 {
				t.Fatalf("%d import entries after the restart, want 1", n)
			}
			if ready, err := coverspan.CountsReady(ctx, db2, db2); err != nil || !ready {
				t.Fatalf("counts ready after the restart: %v %v", ready, err)
			}
			kept := dumpCounts(t, db2)
			if err := coverspan.Rebuild(actor.System(context.Background(), "test"), db2); err != nil {
				t.Fatal(err)
			}
			rebuilt := dumpCounts(t, db2)
			if len(rebuilt) < 100 || !reflect.DeepEqual(kept, rebuilt) {
				t.Fatalf("counts after the restart: %d rows kept, %d rebuilt (want equal)", len(kept), len(rebuilt))
			}
		})
	}
}

// Without a kill the roll-forward finishes inside the import: no marker,
// no stage file, and the trail and counts are complete (the other staged
// tests check them); here, that it took several transactions.
func TestStagedImportRollsForwardInShortTransactions(t *testing.T) {
	e := testenv.New(t)
	if e.App.DB.Dialect != store.SQLite {
		t.Skip("staging is SQLite's")
	}
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	prevRows := store.RollForwardRows
	store.RollForwardRows = 250
	defer func() { store.RollForwardRows = prevRows }()
	var seen []string
	store.SetRollForwardHook(func(step string, after int64) error {
		seen = append(seen, fmt.Sprintf("%s>%d", step, after))
		return nil
	})
	defer store.SetRollForwardHook(nil)
	const rows = 600
	ledger := stagedLedger(t, rows)
	if res, errs, err := org.Import(ctx, e.App.Orgs, e.App.Regions, bytes.NewReader(ledger), int64(len(ledger)), xlsx.Limits{}, nil); err != nil || len(errs) != 0 || res.Created != rows {
		t.Fatalf("import: %+v %v %v", res, errs, err)
	}
	// 600 audit entries in chunks of 250: after 0, 250, 500.
	var audits []string
	for _, s := range seen {
		if len(s) > 9 && s[:9] == "audit_log" {
			audits = append(audits, s)
		}
	}
	if fmt.Sprint(audits) != "[audit_log>0 audit_log>250 audit_log>500]" {
		t.Fatalf("audit roll-forward transactions %v, want three", audits)
	}
	if m := stageFiles(t, e.App.DB); len(m) != 0 {
		t.Fatalf("stage files left: %v", m)
	}
}

func stageFiles(t *testing.T, db *store.DB) []string {
	t.Helper()
	var out []string
	entries, err := os.ReadDir(filepath.Dir(db.Path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if bytes.Contains([]byte(e.Name()), []byte(".stage-")) {
			out = append(out, e.Name())
		}
	}
	return out
}
