package region_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/region"
	"liangxin/internal/region/divisions"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

const (
	county   = "430426"       // 祁东县
	hongqiao = "430426001"    // 洪桥街道
	yuhe     = "430426002"    // 玉合街道
	daxiao   = "430426001001" // 达孝社区居委会, below 洪桥街道
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

type fixture struct {
	t     *testing.T
	db    *store.DB
	clock *clock
	svc   *region.Service
	sys   context.Context
}

// newFixture opens a fresh database; init says whether to load 祁东县.
func newFixture(t *testing.T, init bool) *fixture {
	t.Helper()
	db := storetest.Open(t)
	clk := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	svc := &region.Service{DB: db, Audit: &audit.Logger{DB: db, Now: clk.Now}, Now: clk.Now}
	f := &fixture{t: t, db: db, clock: clk, svc: svc, sys: actor.System(context.Background(), "t")}
	if init {
		if _, err := svc.Init(f.sys, county); err != nil {
			t.Fatalf("init: %v", err)
		}
	}
	return f
}

// scoped returns a context for a user scoped to code.
func scoped(code string) context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: 7, Username: "clerk_" + code, Role: "street", Scope: code, IP: "10.0.0.1"})
}

func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), f.db, query, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return n
}

type auditRow struct {
	Username, EntityID, Result string
	Detail                     map[string]any
}

func (f *fixture) auditRows(action string) []auditRow {
	f.t.Helper()
	rows, err := f.db.Query(context.Background(), f.db, `SELECT username, entity_id, result, detail FROM audit_log WHERE action = ? ORDER BY id`, action)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		var d sql.NullString
		if err := rows.Scan(&r.Username, &r.EntityID, &r.Result, &d); err != nil {
			f.t.Fatal(err)
		}
		if d.Valid {
			if err := json.Unmarshal([]byte(d.String), &r.Detail); err != nil {
				f.t.Fatal(err)
			}
		}
		out = append(out, r)
	}
	return out
}

func wantErr(t *testing.T, err error, k apperr.Kind) *apperr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want kind %v", k)
	}
	e, ok := apperr.As(err)
	if !ok || e.Kind != k {
		t.Fatalf("got %v, want kind %v", err, k)
	}
	return e
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	e := wantErr(t, err, apperr.KindInvalid)
	if _, ok := e.Fields[field]; !ok {
		t.Fatalf("error %v names %v, want field %q", err, e.Fields, field)
	}
}

// subtree returns the divisions at and below code, from the embedded data.
func subtree(t *testing.T, code string) []divisions.Division {
	t.Helper()
	var out []divisions.Division
	if err := divisions.Subtree(code, func(d divisions.Division) error {
		out = append(out, d)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLevelName(t *testing.T) {
	t.Parallel()
	cases := []struct {
		level int
		code  string
		want  string
	}{
		{region.LevelProvince, "43", "省"},
		{region.LevelPrefecture, "4304", "市"},
		{region.LevelCounty, "430426", "县（区）"},
		// 乡级: 001–099 街道, 100–199 镇, 200–399 乡
		{region.LevelTown, "430426001", "街道"},
		{region.LevelTown, "430426099", "街道"},
		{region.LevelTown, "430426100", "镇"},
		{region.LevelTown, "430426199", "镇"},
		{region.LevelTown, "430426200", "乡"},
		{region.LevelTown, "430426399", "乡"},
		{region.LevelTown, "430426400", "乡镇（街道）"},
		{region.LevelTown, "430426000", "乡镇（街道）"},
		{region.LevelTown, "43042600x", "乡镇（街道）"},
		{region.LevelTown, "4304261", "乡镇（街道）"},
		// 村级: 001–199 居委会 (社区), 200–399 村委会 (村)
		{region.LevelVillage, "430426001001", "社区"},
		{region.LevelVillage, "430426001199", "社区"},
		{region.LevelVillage, "430426001200", "村"},
		{region.LevelVillage, "430426001399", "村"},
		{region.LevelVillage, "430426001400", "村（社区）"},
		{region.LevelVillage, "430426001000", "村（社区）"},
		{region.LevelVillage, "430426001", "村（社区）"},
		{region.LevelArea, "430426001A001", "片区"},
		{0, "43", ""},
		{7, "43", ""},
	}
	for _, c := range cases {
		if got := region.LevelName(c.level, c.code); got != c.want {
			t.Errorf("LevelName(%d, %q) = %q, want %q", c.level, c.code, got, c.want)
		}
	}
}

// TestLevelNameMatchesData checks the rule against the names in the data:
// towns called 街道 are numbered 001–099, 镇 100–199 and 乡 200–399.
func TestLevelNameMatchesData(t *testing.T) {
	t.Parallel()
	checked := 0
	for _, d := range subtree(t, "4304") { // 衡阳市
		var want string
		switch {
		case d.Level == divisions.Town && strings.HasSuffix(d.Name, "街道"):
			want = "街道"
		case d.Level == divisions.Town && strings.HasSuffix(d.Name, "镇"):
			want = "镇"
		case d.Level == divisions.Town && strings.HasSuffix(d.Name, "乡"):
			want = "乡"
		case d.Level == divisions.Village && strings.HasSuffix(d.Name, "村委会"):
			want = "村"
		case d.Level == divisions.Village && strings.HasSuffix(d.Name, "社区居委会"):
			want = "社区"
		default:
			continue
		}
		checked++
		if got := region.LevelName(int(d.Level), d.Code); got != want {
			t.Errorf("%s %s: LevelName = %q, want %q", d.Code, d.Name, got, want)
		}
	}
	if checked < 1000 {
		t.Errorf("only %d divisions checked", checked)
	}
}

func TestInit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	if j, err := f.svc.Jurisdiction(f.sys); err != nil || j != "" {
		t.Fatalf("Jurisdiction before init = %q, %v", j, err)
	}
	n, err := f.svc.Init(f.sys, county)
	if err != nil {
		t.Fatal(err)
	}
	want := len(divisions.Ancestors(county)) + len(subtree(t, county))
	if n != want || n != f.count(`SELECT COUNT(*) FROM regions`) {
		t.Errorf("Init loaded %d, table has %d, want %d", n, f.count(`SELECT COUNT(*) FROM regions`), want)
	}
	if j, err := f.svc.Jurisdiction(f.sys); err != nil || j != county {
		t.Errorf("Jurisdiction = %q, %v", j, err)
	}
	// Ancestors are there, with their parents, for full names.
	for _, c := range []struct{ code, name, parent, level string }{
		{"43", "湖南省", "", "province"},
		{"4304", "衡阳市", "43", "prefecture"},
		{county, "祁东县", "4304", "county"},
		{hongqiao, "洪桥街道", county, "town"},
		{daxiao, "达孝社区居委会", hongqiao, "village"},
	} {
		r, err := f.svc.Get(f.sys, c.code)
		if err != nil {
			t.Errorf("Get(%s): %v", c.code, err)
			continue
		}
		if r.Name != c.name || r.ParentCode != c.parent || r.Level != c.level {
			t.Errorf("Get(%s) = %+v", c.code, r)
		}
	}
	full, err := f.svc.FullName(f.sys, daxiao)
	if err != nil || full != "湖南省/衡阳市/祁东县/洪桥街道/达孝社区居委会" {
		t.Errorf("FullName = %q, %v", full, err)
	}
	// Only the jurisdiction is loaded: not its siblings.
	if n := f.count(`SELECT COUNT(*) FROM regions WHERE code LIKE '4304%' AND code NOT LIKE '430426%' AND code <> '4304'`); n != 0 {
		t.Errorf("%d regions of other counties loaded", n)
	}
	rows := f.auditRows("region_init")
	if len(rows) != 1 || rows[0].EntityID != county || rows[0].Username != "t" {
		t.Errorf("region_init rows = %+v", rows)
	}

	// Again with the same code (any accepted form): a no-op.
	for _, same := range []string{county, " 430426 ", "430426000000"} {
		n, err := f.svc.Init(f.sys, same)
		if err != nil || n != 0 {
			t.Errorf("Init(%q) again = %d, %v; want 0, nil", same, n, err)
		}
	}
	if got := f.count(`SELECT COUNT(*) FROM regions`); got != want {
		t.Errorf("regions after re-init = %d, want %d", got, want)
	}
	if len(f.auditRows("region_init")) != 1 {
		t.Error("no-op init was audited")
	}
	// A different code conflicts.
	for _, other := range []string{"430421", "4304", "110101"} {
		_, err := f.svc.Init(f.sys, other)
		wantErr(t, err, apperr.KindConflict)
	}
	if j, _ := f.svc.Jurisdiction(f.sys); j != county {
		t.Errorf("jurisdiction changed to %q", j)
	}
}

func TestInitRefusesBadCodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	for _, code := range []string{
		hongqiao,       // a town
		"430426001000", // a town, padded
		daxiao,         // a village
		"",             // empty
		"abc",          // not a code
		"43042",        // wrong length
		"990000",       // no such province
		"430499",       // no such county
	} {
		_, err := f.svc.Init(f.sys, code)
		wantField(t, err, "jurisdiction")
	}
	if n := f.count(`SELECT COUNT(*) FROM regions`); n != 0 {
		t.Errorf("%d regions after refused inits", n)
	}
	if j, _ := f.svc.Jurisdiction(f.sys); j != "" {
		t.Errorf("jurisdiction = %q after refused inits", j)
	}
}

func TestScopedReads(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := scoped(hongqiao)

	// Get
	for _, code := range []string{hongqiao, daxiao, "430426001000", " 430426001 "} {
		r, err := f.svc.Get(ctx, code)
		if err != nil || !strings.HasPrefix(r.Code, hongqiao) {
			t.Errorf("Get(%q) = %+v, %v", code, r, err)
		}
	}
	if r, _ := f.svc.Get(ctx, "430426001000"); r.Code != hongqiao {
		t.Errorf("12-digit code normalised to %q", r.Code)
	}
	yuheVillage := subtree(t, yuhe)[1].Code
	for _, code := range []string{yuhe, yuheVillage, county, "4304", "43", "430426001999", "430426002000", "x"} {
		_, err := f.svc.Get(ctx, code)
		e := wantErr(t, err, apperr.KindNotFound)
		if _, missing := f.svc.Get(f.sys, "430426999"); missing.Error() != e.Error() {
			t.Errorf("out of scope %q answers %q, a missing region %q", code, e, missing)
		}
	}
	_, err := f.svc.Get(context.Background(), hongqiao)
	wantErr(t, err, apperr.KindUnauthenticated)
	// An actor without a scope sees nothing.
	_, err = f.svc.Get(actor.With(context.Background(), actor.Actor{UserID: 1, Role: "street"}), hongqiao)
	wantErr(t, err, apperr.KindNotFound)

	// ScopeRoot
	root, err := f.svc.ScopeRoot(ctx)
	if err != nil || root.Code != hongqiao || root.Name != "洪桥街道" || root.LevelName != "街道" {
		t.Errorf("ScopeRoot = %+v, %v", root, err)
	}

	// Children
	wantKids := 0
	for _, d := range subtree(t, hongqiao) {
		if d.Parent == hongqiao {
			wantKids++
		}
	}
	kids, err := f.svc.Children(ctx, "430426001000")
	if err != nil || len(kids) != wantKids || wantKids == 0 {
		t.Errorf("Children(洪桥) = %d, %v; want %d", len(kids), err, wantKids)
	}
	for _, k := range kids {
		if k.ParentCode != hongqiao || k.Level != "village" {
			t.Errorf("child %+v", k)
		}
	}
	for _, code := range []string{yuhe, county} {
		_, err := f.svc.Children(ctx, code)
		wantErr(t, err, apperr.KindNotFound)
	}

	// Search
	inScope := subtree(t, hongqiao)
	all, total, err := f.svc.Search(ctx, "", 1, 200)
	if err != nil || total != store.Exact(len(inScope)) || len(all) != min(200, len(inScope)) {
		t.Errorf("Search(\"\") = %v of %v, %v; want %v", len(all), total, err, len(inScope))
	}
	for _, r := range all {
		if !strings.HasPrefix(r.Code, hongqiao) {
			t.Errorf("Search found %s outside the scope", r.Code)
		}
		if r.Code != hongqiao && !strings.HasPrefix(r.Path, "洪桥街道/") {
			t.Errorf("path %q of %s does not start at the scope root", r.Path, r.Code)
		}
	}
	// Names of regions outside the scope find nothing; the system finds them.
	for _, q := range []string{"玉合", "祁东", "湖南", yuhe} {
		if _, total, err := f.svc.Search(ctx, q, 1, 20); err != nil || total != store.Exact(0) {
			t.Errorf("scoped Search(%q) total = %v, %v; want 0", q, total, err)
		}
		if _, total, err := f.svc.Search(f.sys, q, 1, 20); err != nil || total == store.Exact(0) {
			t.Errorf("system Search(%q) total = %v, %v; want > 0", q, total, err)
		}
	}
	// A name inside the scope.
	got, total, err := f.svc.Search(ctx, "达孝", 1, 20)
	if err != nil || total != store.Exact(1) || got[0].Code != daxiao || got[0].Path != "洪桥街道/达孝社区居委会" {
		t.Errorf("Search(达孝) = %+v (total %v), %v", got, total, err)
	}
	// LIKE wildcards are literal.
	if _, total, _ := f.svc.Search(ctx, "%", 1, 20); total != store.Exact(0) {
		t.Errorf("Search(%%) total = %v, want 0", total)
	}
	if _, total, _ := f.svc.Search(ctx, "_", 1, 20); total != store.Exact(0) {
		t.Errorf("Search(_) total = %v, want 0", total)
	}
	_, _, err = f.svc.Search(ctx, strings.Repeat("洪", 51), 1, 20)
	wantField(t, err, "q")

	// Stats
	st, err := f.svc.Stats(ctx, hongqiao)
	if err != nil {
		t.Fatal(err)
	}
	if st.Counts["village"] != len(inScope)-1 || len(st.Children) != wantKids || st.Counts["town"] != 0 {
		t.Errorf("Stats(洪桥) = %+v", st)
	}
	for _, code := range []string{yuhe, county} {
		_, err := f.svc.Stats(ctx, code)
		wantErr(t, err, apperr.KindNotFound)
	}
	cst, err := f.svc.Stats(f.sys, county)
	if err != nil {
		t.Fatal(err)
	}
	var towns, villages int
	for _, d := range subtree(t, county) {
		switch d.Level {
		case divisions.Town:
			towns++
		case divisions.Village:
			villages++
		}
	}
	if cst.Counts["town"] != towns || cst.Counts["village"] != villages || len(cst.Children) != towns {
		t.Errorf("Stats(county) = %v, %d children; want %d towns %d villages", cst.Counts, len(cst.Children), towns, villages)
	}
	sum := 0
	for _, c := range cst.Children {
		sum += c.Villages
	}
	if sum != villages {
		t.Errorf("villages per town sum to %d, want %d", sum, villages)
	}

	// Tree
	tree, err := f.svc.Tree(ctx, hongqiao, 5)
	if err != nil || tree.Code != hongqiao || len(tree.Children) != wantKids {
		t.Errorf("Tree(洪桥) = %s with %d children, %v", tree.Code, len(tree.Children), err)
	}
	for _, code := range []string{yuhe, county} {
		_, err := f.svc.Tree(ctx, code, 2)
		wantErr(t, err, apperr.KindNotFound)
	}
	flat, err := f.svc.Tree(ctx, hongqiao, 0)
	if err != nil || len(flat.Children) != 0 || !flat.HasChildren {
		t.Errorf("Tree depth 0 = %+v, %v", flat, err)
	}
}

func TestScopeName(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	for code, want := range map[string]string{county: "祁东县", hongqiao: "洪桥街道", daxiao: "达孝社区居委会"} {
		if got, err := f.svc.ScopeName(f.sys, code); err != nil || got != want {
			t.Errorf("ScopeName(%s) = %q, %v", code, got, err)
		}
	}
	// Ancestors are loaded but are not part of the jurisdiction.
	for _, code := range []string{"43", "4304", "430421", "430426999", "", "4304260"} {
		_, err := f.svc.ScopeName(f.sys, code)
		wantErr(t, err, apperr.KindNotFound)
	}
}

func TestSearchPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := scoped(county)
	seen := map[string]bool{}
	total := 0
	for page := 1; ; page++ {
		got, n, err := f.svc.Search(ctx, "", page, 50)
		if err != nil {
			t.Fatal(err)
		}
		total = n.N
		if len(got) == 0 {
			break
		}
		for _, r := range got {
			if seen[r.Code] {
				t.Errorf("%s on two pages", r.Code)
			}
			seen[r.Code] = true
		}
	}
	if want := len(subtree(t, county)); total != want || len(seen) != want {
		t.Errorf("paged through %d of total %d, want %d", len(seen), total, want)
	}
}

func ExampleLevelName() {
	fmt.Println(region.LevelName(region.LevelTown, "430426001"), region.LevelName(region.LevelTown, "430426102"),
		region.LevelName(region.LevelVillage, "430426001201"))
	// Output: 街道 镇 村
}
