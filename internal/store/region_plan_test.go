package store_test

import (
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// planDB holds a county of 6 streets × 10 villages, 3,000 organizations, 600
// party organizations with 3,000 members and 3,000 coverage spans, analysed,
// so that the planners choose by the statistics as they would in production.
func planDB(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	now := "2026-01-01T00:00:00Z"
	var villages []string
	exec(t, db, `INSERT INTO regions (code, name, level, created_at, updated_at) VALUES ('430426', '县', 3, ?, ?)`, now, now)
	for s := 1; s <= 6; s++ {
		street := fmt.Sprintf("430426%03d", s)
		exec(t, db, `INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) VALUES (?, ?, 4, '430426', ?, ?)`, street, "街道"+street, now, now)
		for v := 1; v <= 10; v++ {
			village := fmt.Sprintf("%s%03d", street, v)
			exec(t, db, `INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) VALUES (?, ?, 5, ?, ?, ?)`, village, "村"+village, street, now, now)
			villages = append(villages, village)
		}
	}
	batch := func(n int, row func(i int) (string, []any), head string) {
		t.Helper()
		for start := 0; start < n; start += 200 {
			var vals []string
			var args []any
			for i := start; i < min(n, start+200); i++ {
				v, a := row(i)
				vals = append(vals, v)
				args = append(args, a...)
			}
			exec(t, db, head+strings.Join(vals, ", "), args...)
		}
	}
	batch(3000, func(i int) (string, []any) {
		return "(?, 'enterprise', ?, '2020-01-01', ?, ?)", []any{fmt.Sprintf("企业%05d", i), villages[i%len(villages)], now, now}
	}, `INSERT INTO organizations (name, category, region_code, registered_on, created_at, updated_at) VALUES `)
	batch(600, func(i int) (string, []any) {
		return "(?, 'branch', 'single', ?, '2020-01-01', ?, ?)", []any{fmt.Sprintf("党支部%04d", i), villages[i%len(villages)], now, now}
	}, `INSERT INTO party_orgs (name, kind, formation, region_code, established_on, created_at, updated_at) VALUES `)
	batch(3000, func(i int) (string, []any) {
		return "(?, '男', '1980-01-01', 'x', ?, 'x', 'formal', ?, ?, ?)", []any{fmt.Sprintf("党员%05d", i), fmt.Sprintf("h%05d", i), int64(i%600 + 1), now, now}
	}, `INSERT INTO members (name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask, category, party_org_id, created_at, updated_at) VALUES `)
	exec(t, db, `INSERT INTO coverage_spans (organization_id, from_on, state, region_code, category, industry, above_scale, employees)
		SELECT id, '2020-01-01', 1, region_code, category, industry, above_scale, employees FROM organizations`)
	if err := db.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	if db.Dialect == store.Postgres { // Analyze leaves PostgreSQL to autovacuum
		exec(t, db, `ANALYZE regions, organizations, party_orgs, members, coverage_spans`)
	}
	return db
}

// plan returns the query plan of query as one string: EXPLAIN QUERY PLAN on
// SQLite, EXPLAIN with sequential scans discouraged on PostgreSQL (a few
// thousand rows fit in a page or two, where a scan would win on cost alone).
func plan(t *testing.T, db *store.DB, query string, args ...any) string {
	t.Helper()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	prefix := "EXPLAIN QUERY PLAN "
	if db.Dialect == store.Postgres {
		prefix = "EXPLAIN "
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query(ctx, tx, prefix+query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
	}
	return strings.Join(lines, "\n")
}

// usesIndexRange reports whether p reads index by a range on col: SQLite
// "SEARCH … USING [COVERING ]INDEX index (col>? AND col<?)", PostgreSQL an
// Index, Index Only or Bitmap Index scan on index whose Index Cond bounds col
// from below by prefix.
func usesIndexRange(p, index, col, prefix string) bool {
	if strings.Contains(p, "SEARCH") {
		return strings.Contains(p, "INDEX "+index+" ("+col+">? AND "+col+"<?)")
	}
	for _, node := range strings.Split(p, "->") {
		if (strings.Contains(node, " on "+index+" ") || strings.Contains(node, " using "+index+" ")) &&
			strings.Contains(node, "Index Cond: ") && strings.Contains(node, "("+col+" >= '"+prefix+"'::text)") {
			return true
		}
	}
	return false
}

func TestHotRegionFiltersUseTheRegionIndexes(t *testing.T) {
	t.Parallel()
	db := planDB(t)
	street := actor.With(ctx, actor.Actor{Username: "s", Role: "street", Scope: "430426002"})
	scope := func(col string) (string, []any) {
		t.Helper()
		c, a, err := store.ScopeFilter(street, col)
		if err != nil {
			t.Fatal(err)
		}
		return c, a
	}
	type check struct {
		name, query, index, col, prefix string
		args                            []any
	}
	var checks []check
	{ // the organization list of one village, as org.Service.List counts it
		sc, sa := scope("o.region_code")
		rc, ra := store.PrefixRange("o.region_code", "430426002003")
		checks = append(checks, check{"organizations of a village",
			`SELECT COUNT(*) FROM organizations o WHERE ` + sc + ` AND ` + rc + ` AND (o.closed_on IS NULL OR o.closed_on > ?)`,
			"organizations_region", "region_code", "430426002003", append(append(sa, ra...), "2026-01-01")})
	}
	{ // a street user's count of organizations (ScopeFilter alone)
		sc, sa := scope("o.region_code")
		checks = append(checks, check{"street scope", `SELECT COUNT(*) FROM organizations o WHERE ` + sc,
			"organizations_region", "region_code", "430426002", sa})
	}
	{ // the member list of a village, as member.Service.List filters it
		rc, ra := store.PrefixRange("region_code", "430426002004")
		pc, pa, err := store.PartyOrgFilter(street, "m.party_org_id")
		if err != nil {
			t.Fatal(err)
		}
		checks = append(checks, check{"members of a village",
			`SELECT COUNT(*) FROM members m WHERE ` + pc + ` AND m.party_org_id IN (SELECT id FROM party_orgs WHERE ` + rc + `)`,
			"party_orgs_region", "region_code", "430426002004", append(pa, ra...)})
	}
	{ // coverage of a village over the spans, as coverage.regionScope builds it
		sc, sa := scope("s.region_code")
		rc, ra := store.PrefixRange("s.region_code", "430426002003")
		checks = append(checks, check{"coverage spans of a village",
			`SELECT COUNT(*) FROM coverage_spans s WHERE ` + sc + ` AND ` + rc + ` AND s.from_on <= ? AND (s.to_on IS NULL OR s.to_on > ?)`,
			"coverage_spans_region", "region_code", "430426002003", append(append(sa, ra...), "2026-01-01", "2026-01-01")})
	}
	for _, c := range checks {
		p := plan(t, db, c.query, c.args...)
		t.Logf("%s:\n%s", c.name, p)
		if !usesIndexRange(p, c.index, c.col, c.prefix) {
			t.Errorf("%s: the plan does not read %s by a range on %s:\n%s", c.name, c.index, c.col, p)
		}
	}
	// The check can fail: the LIKE the range replaced reads no index by a
	// range on SQLite (LIKE is case-insensitive there) nor on PostgreSQL under
	// a collation other than C.
	like := plan(t, db, `SELECT COUNT(*) FROM organizations o WHERE o.region_code LIKE ? ESCAPE '\'`, "430426002003%")
	t.Logf("LIKE:\n%s", like)
	if usesIndexRange(like, "organizations_region", "region_code", "430426002003") {
		t.Errorf("the LIKE filter seems to read the index by a range:\n%s", like)
	}
}
