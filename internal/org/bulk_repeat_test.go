package org_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// An UpsertAll whose inputs name the same organization twice (the first
// creates it, the second updates it) ends as the two writes one after the
// other: the same organizations, the same coverage counts and snapshots,
// and those counts equal a rebuild. It used to fail on a unique violation
// of coverage_count_orgs: the update refreshed an organization whose
// creation was still queued in the bulk count (coverspan.Bulk), and both
// wrote its snapshot. The repeats stand in the same chunk of 200 inputs
// and in a later one, and change both a counted field (employees, the
// category) and the declared 正式党员 (which refreshes the peers too).
func TestUpsertAllCreatesThenUpdatesTheSameOrganization(t *testing.T) {
	mk := func(i int, cat, reg string, employees, members int) org.Input {
		name := fmt.Sprintf("重复单位%03d", i)
		code := uscc.Generate('9', '1', "430426", 700+i)
		place := []string{testenv.Hongqiao, testenv.Yuhe}[i%2]
		return org.Input{Name: &name, USCC: &code, Category: &cat, RegionCode: &place, RegisteredOn: &reg,
			Employees: &employees, FullMembers: &members}
	}
	// 260 new organizations; three of them written again with changes:
	// #1 right after (same chunk), #5 with its 正式党员 changed (same
	// chunk), #2 in the second chunk.
	var first []org.Input
	for i := range 260 {
		first = append(first, mk(i, "private_enterprise", "2020-03-15", 10, 0))
	}
	again := map[int]org.Input{
		2:   mk(1, "social_group", "2019-07-01", 45, 0),
		7:   mk(5, "private_enterprise", "2020-03-15", 10, 3),
		230: mk(2, "private_enterprise", "2021-01-10", 80, 0),
	}
	var once []org.Input // every input, the repeats where they stand
	for i, in := range first {
		once = append(once, in)
		if r, ok := again[i]; ok {
			once = append(once, r)
		}
	}
	var rest []org.Input // the repeats alone, in order
	for _, i := range []int{2, 7, 230} {
		rest = append(rest, again[i])
	}

	type outcome struct {
		counts []string
		orgs   []string
	}
	read := func(e *testenv.Env) outcome {
		t.Helper()
		rows, err := e.App.DB.QueryContext(context.Background(), `SELECT id || '|' || name || '|' || category || '|' || employees || '|' ||
			full_members || '|' || COALESCE(registered_on, '') FROM organizations ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out outcome
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out.orgs = append(out.orgs, s)
		}
		out.counts = dumpCounts(t, e.App.DB)
		return out
	}
	ctx := actor.System(context.Background(), "test")

	// In one call.
	e := testenv.New(t)
	res, errs, err := e.App.Orgs.UpsertAll(ctx, once, nil)
	if err != nil || len(errs) > 0 {
		t.Fatalf("one call: %+v %v %v", res, errs, err)
	}
	if res.Created != 260 || res.Updated != 3 || res.Unchanged != 0 {
		t.Fatalf("one call: %+v, want 260 created and 3 updated", res)
	}
	got := read(e)
	// Each repeated organization's audit trail reads as it happened: its
	// creation, then its update (the update's entry was once written
	// straight away and the creation's later, from the write's buffer).
	for _, i := range []int{1, 5, 2} {
		name := fmt.Sprintf("重复单位%03d", i)
		var id int64
		if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT id FROM organizations WHERE name = ?`, name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		rows, err := e.App.DB.Query(ctx, e.App.DB, `SELECT action FROM audit_log WHERE entity = 'organization' AND entity_id = ? ORDER BY id`, fmt.Sprint(id))
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				t.Fatal(err)
			}
			trail = append(trail, a)
		}
		rows.Close()
		if want := []string{"organization_create", "organization_update"}; !reflect.DeepEqual(trail, want) {
			t.Errorf("%s: audit trail %v, want %v", name, trail, want)
		}
	}
	if err := coverspan.Rebuild(ctx, e.App.DB); err != nil {
		t.Fatal(err)
	}
	if rebuilt := dumpCounts(t, e.App.DB); !reflect.DeepEqual(got.counts, rebuilt) {
		t.Errorf("counts kept by one call: %d rows, a rebuild: %d", len(got.counts), len(rebuilt))
	}

	// The same writes one after the other, in a database of their own.
	e2 := testenv.New(t)
	if _, errs, err := e2.App.Orgs.UpsertAll(ctx, first, nil); err != nil || len(errs) > 0 {
		t.Fatal(errs, err)
	}
	res2, errs, err := e2.App.Orgs.UpsertAll(ctx, rest, nil)
	if err != nil || len(errs) > 0 || res2.Updated != 3 {
		t.Fatalf("the repeats alone: %+v %v %v", res2, errs, err)
	}
	want := read(e2)
	if !reflect.DeepEqual(got.orgs, want.orgs) {
		t.Errorf("organizations differ from two calls:\none call  %v\ntwo calls %v", got.orgs[:3], want.orgs[:3])
	}
	if !reflect.DeepEqual(got.counts, want.counts) {
		t.Errorf("counts differ from two calls: %d rows against %d", len(got.counts), len(want.counts))
	}
	// By hand: 260 organizations, one snapshot each; one 社会团体 (#1).
	var n int
	if err := e.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM coverage_count_orgs`).Scan(&n); err != nil || n != 260 {
		t.Errorf("%d count snapshots (%v), want 260", n, err)
	}
	if err := e.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM organizations WHERE category = 'social_group'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d social organizations (%v), want 1", n, err)
	}
}
