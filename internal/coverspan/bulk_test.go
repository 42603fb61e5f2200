package coverspan_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// countsDump reads the non-zero coverage count rows and the count snapshots
// as sorted text lines.
func countsDump(t *testing.T, db *store.DB) (counts, snaps []string) {
	t.Helper()
	read := func(q string) []string {
		rows, err := db.Query(context.Background(), db, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%v|", v)
			}
			out = append(out, b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	counts = read(`SELECT region_code, grain, bucket, dim, key, ` + coverspan.MeasureCols + ` FROM coverage_counts
		WHERE total <> 0 OR has_charter <> 0 OR charter_has_party <> 0 OR org_covered <> 0 OR single_covered <> 0 OR work_covered <> 0
		OR effective_covered <> 0 OR instructed <> 0 ORDER BY region_code, grain, bucket, dim, key`)
	snaps = read(`SELECT organization_id, region_code, category, industry, employees, full_members, registered_on, closed_on
		FROM coverage_count_orgs ORDER BY organization_id`)
	return counts, snaps
}

// TestBulkImportKeepsTheCountsInStep imports enough organizations that the
// coverage counts are refreshed in several chunks and flushed several times
// during the write (coverspan.Bulk), on top of organizations already
// counted, then re-imports part of them with changed dates and sizes. After
// each import the counts kept in step must equal a rebuild from the ledger.
func TestBulkImportKeepsTheCountsInStep(t *testing.T) {
	// A small bound: the changes are written several times during each import.
	defer coverspan.SetBulkFlushAt(coverspan.SetBulkFlushAt(500))
	e := testenv.New(t)
	ctx := actor.System(context.Background(), "test")
	db := e.App.DB
	cats := []string{"private_enterprise", "social_group", "private_non_enterprise", "individual_business"}
	places := []string{testenv.Hongqiao, testenv.Yuhe}
	// Registration days spread over ~9 years so the count changes exceed one
	// flush of the bulk refresh (tens of thousands of series-days).
	input := func(i int, shift int) org.Input {
		name := fmt.Sprintf("批量单位%05d", i)
		code := uscc.Generate('9', '1', "430426", i+1)
		cat := cats[i%len(cats)]
		place := places[i%len(places)]
		reg := fmt.Sprintf("%04d-%02d-%02d", 2015+(i+shift)%9, 1+(i*7+shift)%12, 1+(i*13)%28)
		emp := (i*shift + i) % 60
		fm := i % 5
		in := org.Input{Name: &name, USCC: &code, Category: &cat, RegionCode: &place, RegisteredOn: &reg, Employees: &emp, FullMembers: &fm}
		if i%11 == 0 {
			closed := fmt.Sprintf("%04d-06-30", 2025+i%2)
			in.ClosedOn = &closed
		}
		return in
	}
	check := func(stage string) {
		t.Helper()
		kept, keptSnaps := countsDump(t, db)
		if err := coverspan.Rebuild(ctx, db); err != nil {
			t.Fatal(err)
		}
		rebuilt, rebuiltSnaps := countsDump(t, db)
		if len(rebuilt) < 1000 {
			t.Fatalf("%s: only %d count rows", stage, len(rebuilt))
		}
		if !reflect.DeepEqual(keptSnaps, rebuiltSnaps) {
			t.Fatalf("%s: %d snapshots kept, %d rebuilt", stage, len(keptSnaps), len(rebuiltSnaps))
		}
		if !reflect.DeepEqual(kept, rebuilt) {
			for i := range min(len(kept), len(rebuilt)) {
				if kept[i] != rebuilt[i] {
					t.Logf("%s: first difference: kept %s, rebuilt %s", stage, kept[i], rebuilt[i])
					break
				}
			}
			t.Fatalf("%s: the counts kept by the import differ from a rebuild: %d rows kept, %d rebuilt", stage, len(kept), len(rebuilt))
		}
	}
	// Some organizations are counted before the import (a created one).
	var pre []org.Input
	for i := 3000; i < 3040; i++ {
		pre = append(pre, input(i, 0))
	}
	if _, errs, err := e.App.Orgs.UpsertAll(ctx, pre, nil); err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	var ins []org.Input
	for i := range 2600 {
		ins = append(ins, input(i, 0))
	}
	res, errs, err := e.App.Orgs.UpsertAll(ctx, ins, nil)
	if err != nil || len(errs) > 0 || res.Created != 2600 {
		t.Fatalf("first import: %+v %v %v", res, errs, err)
	}
	check("after the first import")
	// A re-import: 600 changed (dates, sizes), 900 unchanged, 300 new.
	ins = ins[:0]
	for i := range 1500 {
		if i < 600 {
			ins = append(ins, input(i, 5))
		} else {
			ins = append(ins, input(i, 0))
		}
	}
	for i := 5000; i < 5300; i++ {
		ins = append(ins, input(i, 0))
	}
	res, errs, err = e.App.Orgs.UpsertAll(ctx, ins, nil)
	if err != nil || len(errs) > 0 || res.Created != 300 || res.Updated != 600 || res.Unchanged != 900 {
		t.Fatalf("second import: %+v %v %v", res, errs, err)
	}
	check("after the re-import")
}
