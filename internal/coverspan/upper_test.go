package coverspan_test

import (
	"context"
	"fmt"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// EnsureBuilt rebuilds the counts when coverspan.SettingCountsUpper
// disagrees with the jurisdiction (a city deployment without the upper
// series, a county one with them), and not otherwise: a sentinel row in
// coverage_counts survives a start-up that does not rebuild.
func TestEnsureBuiltRebuildsOnAnUpperMismatchOnly(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.System(context.Background(), "test")
	db := e.App.DB
	var ins []org.Input
	for i := range 3 {
		name, code, cat, place, reg := fmt.Sprintf("单位%d", i), uscc.Generate('9', '1', "430426", i+1), "private_enterprise", testenv.Hongqiao, "2024-03-01"
		ins = append(ins, org.Input{Name: &name, USCC: &code, Category: &cat, RegionCode: &place, RegisteredOn: &reg})
	}
	if _, errs, err := e.App.Orgs.UpsertAll(ctx, ins, nil); err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	sentinel := func() {
		t.Helper()
		if _, err := db.Exec(ctx, db, `INSERT INTO coverage_counts (region_code, grain, bucket, dim, key, `+coverspan.MeasureCols+`)
			VALUES ('999999', 'y', '2000', 'k', 'sentinel', 1, 0, 0, 0, 0, 0, 0, 0)`); err != nil {
			t.Fatal(err)
		}
	}
	rebuilt := func() bool {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, db, `SELECT COUNT(*) FROM coverage_counts WHERE key = 'sentinel'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			if _, err := db.Exec(ctx, db, `DELETE FROM coverage_counts WHERE key = 'sentinel'`); err != nil {
				t.Fatal(err)
			}
		}
		return n == 0
	}
	state := func(j string) (bool, int) {
		t.Helper()
		up, err := coverspan.CountsUpper(ctx, db, db)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow(ctx, db, `SELECT COUNT(*) FROM coverage_counts WHERE LENGTH(region_code) <= 4`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return up, n
	}
	setJurisdiction := func(j string) {
		t.Helper()
		if _, err := db.Exec(ctx, db, `UPDATE settings SET value = ? WHERE key = 'jurisdiction'`, j); err != nil {
			t.Fatal(err)
		}
	}
	start := func() {
		t.Helper()
		if err := coverspan.EnsureBuilt(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	start() // the migrations' rebuild request of a new database
	for _, step := range []struct {
		what, jurisdiction string
		rebuild, upper     bool
	}{
		{"a county deployment without upper series", "430426", false, false},
		{"a city deployment without them", "4304", true, true},
		{"the city deployment with them", "4304", false, true},
		{"a province deployment with them", "43", false, true},
		{"a county deployment with them", "430426", true, false},
		{"the county deployment without them", "430426", false, false},
	} {
		setJurisdiction(step.jurisdiction)
		sentinel()
		start()
		if got := rebuilt(); got != step.rebuild {
			t.Fatalf("%s: rebuilt %v, want %v", step.what, got, step.rebuild)
		}
		up, rows := state(step.jurisdiction)
		if up != step.upper || (rows > 0) != step.upper {
			t.Fatalf("%s: upper series %v, %d rows at a province's or city's code; want %v", step.what, up, rows, step.upper)
		}
	}
	// An older binary rebuilt the city deployment's counts without the
	// upper series and left the row: a mismatch too.
	setJurisdiction("4304")
	start()
	if _, err := db.Exec(ctx, db, `DELETE FROM coverage_counts WHERE LENGTH(region_code) <= 4`); err != nil {
		t.Fatal(err)
	}
	sentinel()
	start()
	if !rebuilt() {
		t.Fatal("counts without upper series under the row: no rebuild")
	}
	if up, rows := state("4304"); !up || rows == 0 {
		t.Fatalf("after the rebuild: upper %v, %d rows", up, rows)
	}
	setJurisdiction("430426")
	start()
	// A test database (migrated, no jurisdiction yet) keeps none and does
	// not rebuild for them.
	if _, err := db.Exec(ctx, db, `DELETE FROM settings WHERE key = 'jurisdiction'`); err != nil {
		t.Fatal(err)
	}
	sentinel()
	start()
	if rebuilt() {
		t.Fatal("a database without a jurisdiction rebuilt at start-up")
	}
}
