package store_test

import (
	"context"
	"slices"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// scopeDB holds regions and party organizations whose codes test the scope
// filters at their edges: 1430426001 contains 430426001 but not as a prefix;
// 4304260010 starts with it; 43042600 is its parent's prefix only; and
// 4304%6 / 4304_6 would match 430426 if LIKE's wildcards were not escaped.
func scopeDB(t *testing.T) (*store.DB, map[string]int64) {
	t.Helper()
	db := storetest.Open(t)
	now := "2026-01-01T00:00:00Z"
	codes := []string{"430426", "430426001", "4304260010", "430426001002", "430426002", "1430426001", "43042600", "4304%6", "4304_6"}
	ids := map[string]int64{}
	var parent any
	for _, c := range codes {
		exec(t, db, `INSERT INTO regions (code, name, level, created_at, updated_at) VALUES (?, ?, 3, ?, ?)`, c, "区划"+c, now, now)
		// One party organization per region, each under the previous one.
		var id int64
		if err := db.QueryRow(ctx, db, `INSERT INTO party_orgs (name, kind, formation, parent_id, region_code, established_on, created_at, updated_at)
			VALUES (?, 'branch', 'single', ?, ?, '2020-01-01', ?, ?) RETURNING id`, "党组织"+c, parent, c, now, now).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[c] = id
		parent = id
	}
	return db, ids
}

func regionsIn(t *testing.T, db *store.DB, c context.Context) []string {
	t.Helper()
	cond, args, err := store.ScopeFilter(c, "code")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(ctx, db, `SELECT code FROM regions WHERE `+cond+` ORDER BY code`, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func TestScopeFilterIsAPrefixMatch(t *testing.T) {
	t.Parallel()
	db, _ := scopeDB(t)
	for _, c := range []struct {
		scope string
		want  []string
	}{
		{"430426001", []string{"430426001", "4304260010", "430426001002"}}, // not 1430426001, not 43042600
		{"430426", []string{"430426", "43042600", "430426001", "4304260010", "430426001002", "430426002"}},
		{"4304_6", []string{"4304_6"}}, // '_' is a literal, not any character
		{"4304%6", []string{"4304%6"}},
		{"9", []string{}},
	} {
		got := regionsIn(t, db, actor.With(ctx, actor.Actor{Username: "u", Role: "street", Scope: c.scope}))
		if !slices.Equal(got, c.want) {
			t.Errorf("scope %q sees %v, want %v", c.scope, got, c.want)
		}
	}
	// An actor without a scope sees nothing (not everything); the system sees all.
	if got := regionsIn(t, db, actor.With(ctx, actor.Actor{Username: "u", Role: "street"})); len(got) != 0 {
		t.Errorf("empty scope sees %v, want nothing", got)
	}
	if got := regionsIn(t, db, actor.System(ctx, "test")); len(got) != 9 {
		t.Errorf("system sees %d regions, want 9", len(got))
	}
	if _, _, err := store.ScopeFilter(ctx, "code"); !apperr.IsKind(err, apperr.KindUnauthenticated) {
		t.Errorf("no actor: %v, want unauthenticated", err)
	}
}

func partyOrgsIn(t *testing.T, db *store.DB, c context.Context, ids map[string]int64) []string {
	t.Helper()
	cond, args, err := store.PartyOrgFilter(c, "id")
	if err != nil {
		t.Fatal(err)
	}
	sub, sargs := store.PartyOrgSubtreeFilter(c, "id")
	rows, err := db.Query(ctx, db, `SELECT id FROM party_orgs WHERE `+cond+` AND `+sub+` ORDER BY id`, append(args, sargs...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	names := map[int64]string{}
	for c, id := range ids {
		names[id] = c
	}
	out := []string{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, names[id])
	}
	return out
}

func TestPartyOrgFilter(t *testing.T) {
	t.Parallel()
	db, ids := scopeDB(t)
	street := func(scope string, po int64) context.Context {
		return actor.With(ctx, actor.Actor{Username: "u", Role: "street", Scope: scope, PartyOrgID: po})
	}
	cases := []struct {
		name string
		ctx  context.Context
		want []string
	}{
		{"region prefix", street("430426001", 0), []string{"430426001", "4304260010", "430426001002"}},
		{"empty scope", street("", 0), []string{}},
		// Bound to a party organization: it and those under it (the chain is in insertion order).
		{"subtree", street("430426", ids["1430426001"]), []string{"1430426001", "43042600", "4304%6", "4304_6"}},
		{"system", actor.System(ctx, "test"), []string{"430426", "430426001", "4304260010", "430426001002", "430426002", "1430426001", "43042600", "4304%6", "4304_6"}},
	}
	for _, c := range cases {
		if got := partyOrgsIn(t, db, c.ctx, ids); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if _, _, err := store.PartyOrgFilter(ctx, "id"); !apperr.IsKind(err, apperr.KindUnauthenticated) {
		t.Errorf("no actor: %v", err)
	}
}
