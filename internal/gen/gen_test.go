package gen_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/gen"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/pdata"
	"liangxin/internal/racetest"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func small(seed uint64) gen.Options {
	return gen.Options{Orgs: 2000, PartyOrgs: 400, Members: 3000, Instructors: -1, Assignments: -1, Years: 10, Seed: seed, Today: today, Workers: 2}
}

func districtCtx() context.Context {
	return actor.With(context.Background(), actor.Actor{Username: "d", Role: "district", Scope: testenv.Jurisdiction})
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), db.Rebind(q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func generate(t *testing.T, o gen.Options) *testenv.Env { return generateIn(t, o, "") }

// generateIn is generate with the deployment's jurisdiction set to j first
// ("": the test county; "4304": its city, whose counts keep the upper
// series).
func generateIn(t *testing.T, o gen.Options, j string) *testenv.Env {
	t.Helper()
	e := testenv.New(t)
	if j != "" {
		if _, err := e.App.DB.ExecContext(context.Background(), e.App.DB.Rebind(`UPDATE settings SET value = ? WHERE key = 'jurisdiction'`), j); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := gen.Run(context.Background(), e.App.DB, e.App.Prot, o)
	if err != nil {
		t.Fatalf("gen.Run: %v", err)
	}
	// 2,000 organizations and 400 party organizations as asked; instructors
	// default to one per 500 organizations (4) and assignments to one per
	// ten (200).
	if sum.Orgs != 2000 || sum.PartyOrgs != 400 || sum.Members != 3000 || sum.Instructors != 4 || sum.Assignments != 200 {
		t.Fatalf("summary %+v", sum)
	}
	return e
}

func TestGeneratedLedger(t *testing.T) {
	racetest.Skip(t, "one generation checked against the rules, one goroutine")
	e := generate(t, small(7))
	db := e.App.DB
	ctx := districtCtx()

	// Counts in the database match the flags.
	for q, want := range map[string]int{
		"SELECT COUNT(*) FROM organizations":          2000,
		"SELECT COUNT(*) FROM party_orgs":             400,
		"SELECT COUNT(*) FROM members":                3000,
		"SELECT COUNT(*) FROM member_memberships":     3000,
		"SELECT COUNT(*) FROM instructors":            4,
		"SELECT COUNT(*) FROM instructor_assignments": 200,
	} {
		if n := count(t, db, q); n != want {
			t.Errorf("%s = %d, want %d", q, n, want)
		}
	}
	// Every organization sits in a town or village of the jurisdiction.
	if n := count(t, db, `SELECT COUNT(*) FROM organizations o JOIN regions r ON r.code = o.region_code WHERE r.level IN (4, 5) AND o.region_code LIKE '430426%'`); n != 2000 {
		t.Errorf("organizations in towns/villages of 430426: %d", n)
	}

	// Invariants: each must hold for zero rows.
	for _, q := range []string{
		// links point at rows that exist
		`SELECT COUNT(*) FROM party_org_covers c LEFT JOIN party_orgs p ON p.id = c.party_org_id WHERE p.id IS NULL`,
		`SELECT COUNT(*) FROM party_org_covers c LEFT JOIN organizations o ON o.id = c.organization_id WHERE o.id IS NULL`,
		`SELECT COUNT(*) FROM members m LEFT JOIN party_orgs p ON p.id = m.party_org_id WHERE p.id IS NULL`,
		// dates ordered
		`SELECT COUNT(*) FROM organizations WHERE registered_on IS NULL OR closed_on <= registered_on`,
		`SELECT COUNT(*) FROM organizations WHERE full_members + probationary_members > employees`,
		`SELECT COUNT(*) FROM organizations WHERE uscc IS NULL AND category <> 'individual_business'`,
		`SELECT COUNT(*) FROM party_orgs WHERE dissolved_on <= established_on OR term_started_on < established_on`,
		`SELECT COUNT(*) FROM party_org_covers WHERE to_on <= from_on`,
		`SELECT COUNT(*) FROM party_org_covers c JOIN party_orgs p ON p.id = c.party_org_id WHERE c.from_on < p.established_on OR c.to_on > p.dissolved_on OR (p.dissolved_on IS NOT NULL AND c.to_on IS NULL)`,
		`SELECT COUNT(*) FROM party_org_covers c JOIN organizations o ON o.id = c.organization_id WHERE c.from_on < o.registered_on OR c.from_on >= o.closed_on OR c.to_on > o.closed_on OR (o.closed_on IS NOT NULL AND c.to_on IS NULL)`,
		`SELECT COUNT(*) FROM instructor_assignments a JOIN organizations o ON o.id = a.organization_id WHERE a.from_on < o.registered_on OR a.to_on <= a.from_on OR a.from_on >= o.closed_on`,
		`SELECT COUNT(*) FROM members WHERE confirmed_on <= joined_on OR (category = 'full') <> (confirmed_on IS NOT NULL) OR joined_on <= birth_date`,
		`SELECT COUNT(*) FROM member_memberships mm JOIN members m ON m.id = mm.member_id WHERE mm.party_org_id <> m.party_org_id OR mm.started_on < m.joined_on OR mm.ended_on IS NOT NULL`,
		// nothing in the future
		`SELECT COUNT(*) FROM organizations WHERE registered_on > '2026-11-23'`,
		`SELECT COUNT(*) FROM party_orgs WHERE established_on > '2026-11-23' OR dissolved_on > '2026-11-23'`,
		`SELECT COUNT(*) FROM party_org_covers WHERE from_on > '2026-11-23'`,
		// members sit in party organizations that are not dissolved
		`SELECT COUNT(*) FROM members m JOIN party_orgs p ON p.id = m.party_org_id WHERE p.dissolved_on IS NOT NULL`,
		// a single party organization covers one unit at most
		`SELECT COUNT(*) FROM (SELECT c.party_org_id FROM party_org_covers c JOIN party_orgs p ON p.id = c.party_org_id WHERE p.formation = 'single' GROUP BY c.party_org_id HAVING COUNT(*) > 1) x`,
		// no organization covered by two links at once
		`SELECT COUNT(*) FROM party_org_covers a JOIN party_org_covers b ON a.organization_id = b.organization_id AND a.id < b.id
			AND a.from_on < COALESCE(b.to_on, '9999-12-31') AND b.from_on < COALESCE(a.to_on, '9999-12-31')`,
	} {
		if n := count(t, db, q); n != 0 {
			t.Errorf("%d rows break: %s", n, q)
		}
	}
	// Every 统一社会信用代码 is valid.
	rows, err := db.QueryContext(context.Background(), `SELECT uscc FROM organizations WHERE uscc IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	codes := 0
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		if codes++; !uscc.Valid(c) {
			t.Errorf("invalid uscc %q", c)
		}
	}
	rows.Close()
	if codes < 1000 {
		t.Errorf("%d codes", codes)
	}
	// The shape is realistic: some closings, dissolutions, ended links,
	// probationary members and joint formations.
	for _, q := range []string{
		`SELECT COUNT(*) FROM organizations WHERE closed_on IS NOT NULL`,
		`SELECT COUNT(*) FROM party_orgs WHERE dissolved_on IS NOT NULL`,
		`SELECT COUNT(*) FROM party_org_covers WHERE to_on IS NOT NULL`,
		`SELECT COUNT(*) FROM members WHERE category = 'probationary'`,
		`SELECT COUNT(*) FROM party_orgs WHERE formation = 'joint'`,
		`SELECT COUNT(*) FROM organizations WHERE above_scale`,
		`SELECT COUNT(*) FROM coverage_spans`,
	} {
		if n := count(t, db, q); n == 0 {
			t.Errorf("none: %s", q)
		}
	}

	// The services read it: coverage agrees with the ledger counted by hand
	// in SQL, and the lists answer.
	const asOf = "2026-06-30"
	rep, err := e.App.Cover.Coverage(ctx, testenv.Jurisdiction, asOf)
	if err != nil {
		t.Fatal(err)
	}
	wantTotal := count(t, db, `SELECT COUNT(*) FROM organizations WHERE registered_on <= ? AND (closed_on IS NULL OR closed_on > ?)`, asOf, asOf)
	wantCovered := count(t, db, `SELECT COUNT(DISTINCT o.id) FROM organizations o JOIN party_org_covers c ON c.organization_id = o.id
		JOIN party_orgs p ON p.id = c.party_org_id
		WHERE o.registered_on <= ? AND (o.closed_on IS NULL OR o.closed_on > ?) AND c.from_on <= ? AND (c.to_on IS NULL OR c.to_on > ?)
		AND p.established_on <= ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)`, asOf, asOf, asOf, asOf, asOf, asOf)
	if rep.Total != wantTotal || rep.OrgCovered != wantCovered || wantCovered == 0 {
		t.Errorf("coverage total %d covered %d, ledger %d and %d", rep.Total, rep.OrgCovered, wantTotal, wantCovered)
	}
	if _, n, err := e.App.Orgs.List(ctx, org.Filter{RegionCode: testenv.Hongqiao, Page: 1, PageSize: 20}); err != nil || n.N == 0 {
		t.Errorf("organization list: %s, %v", n, err)
	}
	ms, n, err := e.App.Members.List(ctx, member.Filter{Page: 1, PageSize: 50})
	if err != nil || n != store.Exact(3000) || len(ms) != 50 {
		t.Fatalf("member list: %+v (%d), %v", n, len(ms), err)
	}
	// Sealed fields open with the key and agree with the plain columns.
	for _, m := range ms[:20] {
		full, err := e.App.Members.Get(ctx, m.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		info, err := pdata.ParseID(full.IDNumber, today)
		if err != nil {
			t.Fatalf("member %d: %q: %v", m.ID, full.IDNumber, err)
		}
		if info.BirthDate.Format("2006-01-02") != full.BirthDate || info.Gender != full.Gender || pdata.MaskID(full.IDNumber) != m.IDNumber {
			t.Errorf("member %d: id %s, birth %s, gender %s, mask %s", m.ID, full.IDNumber, full.BirthDate, full.Gender, m.IDNumber)
		}
		var hash string
		if err := db.QueryRowContext(context.Background(), db.Rebind(`SELECT id_number_hash FROM members WHERE id = ?`), m.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if hash != e.App.Prot.Hash(full.IDNumber) {
			t.Errorf("member %d: hash does not match", m.ID)
		}
		if full.Phone != "" && !pdata.ValidPhone(full.Phone) {
			t.Errorf("member %d: phone %q", m.ID, full.Phone)
		}
	}
	// The sequences follow the loaded ids: a new organization gets the next one.
	name, cat, region := "新登记个体户", "individual_business", testenv.Hongqiao
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region})
	if err != nil || o.ID != 2001 {
		t.Errorf("new organization %d, %v", o.ID, err)
	}

	// A second run refuses the non-empty ledger and writes nothing.
	if _, err := gen.Run(context.Background(), db, e.App.Prot, small(7)); !apperr.IsKind(err, apperr.KindConflict) {
		t.Errorf("second run: %v", err)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM organizations"); n != 2001 {
		t.Errorf("organizations after refused run: %d", n)
	}
}

// digest hashes the plain data of the generated ledger.
func digest(t *testing.T, db *store.DB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, name, category, region_code, industry, employees, above_scale, full_members, registered_on, closed_on FROM organizations ORDER BY id`,
		`SELECT id, name, kind, formation, region_code, established_on, dissolved_on, term_started_on FROM party_orgs ORDER BY id`,
		`SELECT id, party_org_id, organization_id, from_on, to_on FROM party_org_covers ORDER BY id`,
		`SELECT id, instructor_id, organization_id, from_on, to_on FROM instructor_assignments ORDER BY id`,
		`SELECT id, name, gender, birth_date, id_number_mask, phone_mask, joined_on, confirmed_on, category, party_org_id, organization_id FROM members ORDER BY id`,
		`SELECT member_id, party_org_id, started_on FROM member_memberships ORDER BY id`,
	} {
		rows, err := db.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestDeterministicForASeed(t *testing.T) {
	racetest.Skip(t, "two whole generations compared, one goroutine")
	a := digest(t, generate(t, small(11)).App.DB)
	b := digest(t, generate(t, small(11)).App.DB)
	c := digest(t, generate(t, small(12)).App.DB)
	if a != b {
		t.Error("same seed, different ledgers")
	}
	if a == c {
		t.Error("different seeds, same ledger")
	}
}

func TestBadOptions(t *testing.T) {
	e := testenv.New(t)
	for _, c := range []struct {
		o     gen.Options
		field string
	}{
		{gen.Options{Orgs: 0, Years: 10}, "orgs"},
		{gen.Options{Orgs: 10, PartyOrgs: 11, Years: 10}, "party_orgs"},
		{gen.Options{Orgs: 10, PartyOrgs: 0, Members: 5, Years: 10}, "members"},
		{gen.Options{Orgs: 10, PartyOrgs: 2, Years: 0}, "years"},
		{gen.Options{Orgs: 10, PartyOrgs: 2, Years: 51}, "years"},
	} {
		_, err := gen.Run(context.Background(), e.App.DB, e.App.Prot, c.o)
		ae, ok := apperr.As(err)
		if !ok || ae.Fields[c.field] == "" {
			t.Errorf("%+v: %v", c.o, err)
		}
	}
	if n := count(t, e.App.DB, "SELECT COUNT(*) FROM organizations"); n != 0 {
		t.Errorf("bad options wrote %d organizations", n)
	}
}

func TestPresets(t *testing.T) {
	p, ok := gen.PresetByName("province")
	if !ok || p.Options.Orgs != 1000000 || p.Options.PartyOrgs != 200000 || p.Options.Members != 3000000 || p.Options.Years != 10 || p.Jurisdiction != "43" {
		t.Errorf("province preset %+v", p)
	}
	if p, ok := gen.PresetByName("10m"); !ok || p.Options.Orgs != 10000000 || p.Options.PartyOrgs != 2000000 {
		t.Errorf("10m preset %+v", p)
	}
}
