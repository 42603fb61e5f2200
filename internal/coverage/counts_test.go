package coverage_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/coverage"
	"liangxin/internal/coverspan"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// villagesOf returns up to n village codes (12 digits) under a street.
func villagesOf(t *testing.T, w *world, street string, n int) []string {
	t.Helper()
	db := w.e.App.DB
	rows, err := db.Query(w.ctx, db, `SELECT code FROM regions WHERE code LIKE ? AND LENGTH(code) = 12 ORDER BY code`, street+"%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() && len(out) < n {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if len(out) < n {
		t.Fatalf("%d villages under %s", len(out), street)
	}
	return out
}

// TestCountsByHand checks the counts against figures worked out by hand for
// one village: an organization counted from its registration day to the day
// before it closes, covered by a single branch from its founding day, across
// the month and year boundaries the prefix sums split at.
func TestCountsByHand(t *testing.T) {
	w := newWorld(t)
	village := villagesOf(t, w, testenv.Hongqiao, 1)[0]
	a := w.org(t, orgSpec{region: village, registered: "2024-03-15", closed: "2025-02-10", charter: true, inCharter: true, full: 3})
	w.org(t, orgSpec{region: testenv.Hongqiao, registered: "2024-12-31"}) // directly under the street
	w.party(t, "single", "2024-06-01", a)
	// The village keeps only its main series (for the street's breakdown):
	// a day, a month and a year row per change — registered 2024-03-15,
	// covered 2024-06-01, closed 2025-02-10 — 3 day rows, 3 month rows,
	// 2 year rows (2024, 2025), and nothing of the joint, industry or 直属
	// series.
	var villageRows, villageMain int
	if err := w.e.App.DB.QueryRow(w.ctx, w.e.App.DB, `SELECT COUNT(*), COUNT(CASE WHEN dim = ? THEN 1 END) FROM coverage_counts WHERE region_code = ?`,
		coverspan.DimMain, village).Scan(&villageRows, &villageMain); err != nil {
		t.Fatal(err)
	}
	if villageRows != 8 || villageMain != 8 {
		t.Fatalf("village count rows: %d, of them main series %d; want 8 and 8", villageRows, villageMain)
	}
	for _, c := range []struct {
		region, day                        string
		total, covered, single, charterful int
	}{
		{village, "2024-03-14", 0, 0, 0, 0},
		{village, "2024-03-15", 1, 0, 0, 1},
		{village, "2024-05-31", 1, 0, 0, 1},
		{village, "2024-06-01", 1, 1, 1, 1},
		{village, "2024-12-31", 1, 1, 1, 1},
		{testenv.Hongqiao, "2024-12-30", 1, 1, 1, 1},
		{testenv.Hongqiao, "2024-12-31", 2, 1, 1, 1},
		{testenv.Jurisdiction, "2025-01-01", 2, 1, 1, 1},
		{testenv.Jurisdiction, "2025-02-09", 2, 1, 1, 1},
		{testenv.Jurisdiction, "2025-02-10", 1, 0, 0, 0},
		{village, "2025-02-10", 0, 0, 0, 0},
		{village, "2031-07-04", 0, 0, 0, 0},
	} {
		rg, err := w.e.App.Regions.Get(w.ctx, c.region)
		if err != nil {
			t.Fatal(err)
		}
		// A village is read from its spans (its counts keep only the
		// series of its street's breakdown); the street and county from the
		// counts.
		if ok, err := w.e.App.Cover.FromCounts(w.ctx, rg); err != nil || ok != (c.region != village) {
			t.Fatalf("%s read from the counts: %v (%v)", c.region, ok, err)
		}
		r := w.report(t, c.region, c.day)
		if r.Total != c.total || r.OrgCovered != c.covered || r.SingleCovered != c.single || r.CharterHasParty != c.charterful {
			t.Fatalf("%s on %s: %+v, want total %d covered %d single %d 党建入章 %d", c.region, c.day, r.Counts, c.total, c.covered, c.single, c.charterful)
		}
		if c.region == testenv.Hongqiao && c.day == "2024-12-31" {
			// the village and the street's own organization (直属)
			var own, vil int
			for _, rc := range r.ByRegion {
				switch rc.RegionCode {
				case testenv.Hongqiao:
					own = rc.Total
				case village:
					vil = rc.Total
				}
			}
			if own != 1 || vil != 1 {
				t.Fatalf("by region: 直属 %d, village %d: %+v", own, vil, r.ByRegion)
			}
		}
	}
}

type countRow struct{ region, dim, grain, bucket, key string }

func countsTable(t *testing.T, w *world) (map[countRow][8]int64, []string) {
	t.Helper()
	db := w.e.App.DB
	rows, err := db.Query(w.ctx, db, `SELECT region_code, dim, grain, bucket, key, `+coverspan.MeasureCols+` FROM coverage_counts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[countRow][8]int64{}
	for rows.Next() {
		var k countRow
		var m [8]int64
		if err := rows.Scan(&k.region, &k.dim, &k.grain, &k.bucket, &k.key, &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &m[6], &m[7]); err != nil {
			t.Fatal(err)
		}
		if m != ([8]int64{}) { // a row whose changes cancelled out counts nothing
			out[k] = m
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	var snaps []string
	rows, err = db.Query(w.ctx, db, `SELECT organization_id, region_code, category, industry, above_scale, employees, full_members, has_charter,
		charter_has_party, COALESCE(registered_on, ''), COALESCE(closed_on, '') FROM coverage_count_orgs ORDER BY organization_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var reg, cat, ind, r1, r2 string
		var above, hc, hcp bool
		var emp, full int
		if err := rows.Scan(&id, &reg, &cat, &ind, &above, &emp, &full, &hc, &hcp, &r1, &r2); err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, fmt.Sprint(id, reg, cat, ind, above, emp, full, hc, hcp, r1, r2))
	}
	return out, snaps
}

// TestCountsEqualSpans builds a random ledger through the services (units
// in several villages, streets and directly under a street; party
// organizations founded, dissolved, taking in and letting go of units;
// instructors; closings, moves, recategorisations, charters, staff numbers,
// backdated edits, a bulk import, deletions and a scope rule change) and
// checks that Coverage and Trend read from the counts equal the span
// computation (Service.SpanPath) on many random days for every region level,
// and that a rebuild gives the table kept in step.
func TestCountsEqualSpans(t *testing.T) { countsEqualSpans(t, false) }

// TestCountsEqualSpansCityDeployment is TestCountsEqualSpans in a city
// deployment (the jurisdiction 4304, the counts rebuilt with the upper
// series): the city's and the province's reports read their own series
// and equal the span path, as the sum of their counties does in the
// county deployment (TestCountsEqualSpans).
func TestCountsEqualSpansCityDeployment(t *testing.T) { countsEqualSpans(t, true) }

// cityDeployment makes w's deployment the city 4304 (its jurisdiction)
// and rebuilds the counts, which then keep the upper series.
func cityDeployment(t *testing.T, w *world) {
	t.Helper()
	db := w.e.App.DB
	if _, err := db.Exec(w.ctx, db, `UPDATE settings SET value = '4304' WHERE key = 'jurisdiction'`); err != nil {
		t.Fatal(err)
	}
	if err := coverspan.Rebuild(w.ctx, db); err != nil {
		t.Fatal(err)
	}
	if up, err := coverspan.CountsUpper(w.ctx, db, db); err != nil || !up {
		t.Fatalf("the rebuild of a city deployment did not set %s: %v, %v", coverspan.SettingCountsUpper, up, err)
	}
}

func countsEqualSpans(t *testing.T, city bool) {
	w := newWorld(t)
	if city {
		cityDeployment(t, w)
	}
	sys := actor.System(context.Background(), "test")
	r := rand.New(rand.NewPCG(7, 11))
	start := time.Date(2022, 11, 1, 0, 0, 0, 0, time.UTC)
	day := func(n int) string { return start.AddDate(0, 0, n).Format("2006-01-02") }
	const horizon = 1000
	places := append(append(villagesOf(t, w, testenv.Hongqiao, 2), villagesOf(t, w, testenv.Yuhe, 1)...), testenv.Hongqiao, testenv.Yuhe)
	cats := []string{"private_enterprise", "social_group", "private_non_enterprise", "individual_business"}
	regions := []string{testenv.Jurisdiction, testenv.Hongqiao, testenv.Yuhe, places[0], places[1], places[2]}
	spans := *w.e.App.Cover
	spans.SpanPath = true

	provinces := 0
	compare := func(stage string, n int) {
		t.Helper()
		days := []string{day(0), day(horizon), "2023-12-31", "2024-01-01", "2024-02-29", "2024-03-01"}
		for len(days) < n {
			days = append(days, day(r.IntN(horizon+60)-30))
		}
		for _, code := range regions {
			rg, err := w.e.App.Regions.Get(w.ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			// Villages take the span path (their street's breakdown by
			// village still comes from the counts, compared below).
			if ok, err := w.e.App.Cover.FromCounts(w.ctx, rg); err != nil || ok != (len(code) <= coverspan.FullLevel) {
				t.Fatalf("%s: %s read from the counts: %v (%v)", stage, code, ok, err)
			}
			for _, d := range days {
				got, err := w.e.App.Cover.Coverage(w.ctx, code, d)
				if err != nil {
					t.Fatal(err)
				}
				want, err := spans.Coverage(w.ctx, code, d)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, %s on %s:\ncounts %+v\nspans  %+v", stage, code, d, got, want)
				}
			}
			got, err := w.e.App.Cover.Trend(w.ctx, code, days[len(days)-1], 14)
			if err != nil {
				t.Fatal(err)
			}
			want, err := spans.Trend(w.ctx, code, days[len(days)-1], 14)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, trend of %s:\ncounts %+v\nspans  %+v", stage, code, got, want)
			}
		}
		// The province and city levels, seen by the system.
		for _, code := range []string{"43", "4304"} {
			a, errA := w.e.App.Cover.Coverage(sys, code, days[1])
			b, errB := spans.Coverage(sys, code, days[1])
			if apperr.IsKind(errA, apperr.KindNotFound) && apperr.IsKind(errB, apperr.KindNotFound) {
				continue // the region is not in the table
			}
			if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
				t.Fatalf("%s, %s: %v %v\ncounts %+v\nspans  %+v", stage, code, errA, errB, a, b)
			}
			for _, d := range append(days[2:4:4], days[len(days)-3:]...) {
				a, errA := w.e.App.Cover.Coverage(sys, code, d)
				b, errB := spans.Coverage(sys, code, d)
				if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
					t.Fatalf("%s, %s on %s: %v %v\ncounts %+v\nspans  %+v", stage, code, d, errA, errB, a, b)
				}
			}
			rg, err := w.e.App.Regions.Get(sys, code)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := w.e.App.Cover.FromCounts(sys, rg); err != nil || !ok {
				t.Fatalf("%s: %s is not read from the counts (%v)", stage, code, err)
			}
			provinces++
			ta, errA := w.e.App.Cover.Trend(sys, code, days[len(days)-1], 14)
			tb, errB := spans.Trend(sys, code, days[len(days)-1], 14)
			if errA != nil || errB != nil || !reflect.DeepEqual(ta, tb) {
				t.Fatalf("%s, trend of %s: %v %v\ncounts %+v\nspans  %+v", stage, code, errA, errB, ta, tb)
			}
		}
	}

	var orgs []org.Organization
	newOrg := func() org.Organization {
		full := r.IntN(6)
		s := orgSpec{region: places[r.IntN(len(places))], category: cats[r.IntN(len(cats))], full: full, employees: full + r.IntN(60),
			aboveScale: r.IntN(4) == 0, charter: r.IntN(2) == 0, inCharter: r.IntN(2) == 0}
		if r.IntN(4) > 0 {
			s.registered = day(r.IntN(horizon / 2))
		}
		o := w.org(t, s)
		orgs = append(orgs, o)
		return o
	}
	for i := 0; i < 30; i++ {
		newOrg()
	}
	name := "李指导"
	in, err := w.e.App.Instr.Create(w.ctx, instructor.Input{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	var parties []partyorg.PartyOrg
	var assigns []instructor.Assignment
	ok := func(err error) bool {
		if err == nil {
			return true
		}
		if _, isApp := apperr.As(err); isApp {
			return false
		}
		t.Fatal(err)
		return false
	}
	pick := func() org.Organization { return orgs[r.IntN(len(orgs))] }
	done := map[int]int{}
	history := func(steps int) {
		for step := 0; step < steps; step++ {
			d := day(r.IntN(horizon))
			kind := r.IntN(14)
			var err error
			switch kind {
			case 0:
				var p partyorg.PartyOrg
				p, err = w.e.App.Party.Create(w.ctx, partyorg.Input{Name: fmt.Sprintf("单独支部%d-%d", len(parties), step), Kind: "branch", Formation: "single", EstablishedOn: d, Covers: []int64{pick().ID}})
				if err == nil {
					parties = append(parties, p)
				}
			case 1:
				ids := map[int64]bool{}
				for n := 2 + r.IntN(3); len(ids) < n; {
					ids[pick().ID] = true
				}
				var covers []int64
				for id := range ids {
					covers = append(covers, id)
				}
				sort.Slice(covers, func(i, j int) bool { return covers[i] < covers[j] })
				var p partyorg.PartyOrg
				p, err = w.e.App.Party.Create(w.ctx, partyorg.Input{Name: fmt.Sprintf("联合支部%d-%d", len(parties), step), Kind: "branch", Formation: "joint", EstablishedOn: d, Covers: covers})
				if err == nil {
					parties = append(parties, p)
				}
			case 2:
				if len(parties) == 0 {
					continue
				}
				_, err = w.e.App.Party.Dissolve(w.ctx, parties[r.IntN(len(parties))].ID, d)
			case 3:
				if len(parties) == 0 {
					continue
				}
				p, gerr := w.e.App.Party.Get(w.ctx, parties[r.IntN(len(parties))].ID)
				if gerr != nil {
					t.Fatal(gerr)
				}
				if r.IntN(2) == 0 || len(p.Covers) == 0 {
					_, err = w.e.App.Party.AddCover(w.ctx, p.ID, pick().ID, d)
				} else {
					_, err = w.e.App.Party.EndCover(w.ctx, p.ID, p.Covers[r.IntN(len(p.Covers))].ID, d)
				}
			case 4:
				var a instructor.Assignment
				if a, err = w.e.App.Instr.Assign(w.ctx, in.ID, pick().ID, d, ""); err == nil {
					assigns = append(assigns, a)
				}
			case 5:
				if len(assigns) == 0 {
					continue
				}
				_, err = w.e.App.Instr.EndAssignment(w.ctx, in.ID, assigns[r.IntN(len(assigns))].ID, d)
			case 6: // a closing (or a backdated correction of one)
				_, err = w.e.App.Orgs.Update(w.ctx, pick().ID, org.Input{ClosedOn: &d})
			case 7: // a backdated registration day
				reg := day(r.IntN(horizon / 2))
				_, err = w.e.App.Orgs.Update(w.ctx, pick().ID, org.Input{RegisteredOn: &reg})
			case 8: // a move to another village or street, and another category
				to, cat := places[r.IntN(len(places))], cats[r.IntN(len(cats))]
				_, err = w.e.App.Orgs.Update(w.ctx, pick().ID, org.Input{RegionCode: &to, Category: &cat})
			case 9: // charter, staff and scale
				hc, hcp, emp, above := r.IntN(2) == 0, r.IntN(2) == 0, 5+r.IntN(55), r.IntN(3) == 0
				_, err = w.e.App.Orgs.Update(w.ctx, pick().ID, org.Input{HasCharter: &hc, CharterHasParty: &hcp, Employees: &emp, AboveScale: &above})
			case 10:
				n := r.IntN(6)
				_, err = w.e.App.Orgs.Update(w.ctx, pick().ID, org.Input{FullMembers: &n})
			case 11:
				if len(parties) == 0 {
					continue
				}
				w.addMembers(t, parties[r.IntN(len(parties))].ID, "full", 1+r.IntN(2))
			case 12: // a new unit, and one entered by mistake deleted
				o := newOrg()
				if r.IntN(2) == 0 {
					if err = w.e.App.Orgs.Delete(w.ctx, o.ID); err == nil {
						orgs = orgs[:len(orgs)-1]
					}
				}
			case 13: // an import: new units and changed ones
				var ins []org.Input
				for j := 0; j < 3; j++ {
					w.n++
					nm := fmt.Sprintf("导入单位%d", w.n)
					cat, reg, place := cats[r.IntN(3)], day(r.IntN(horizon)), places[r.IntN(len(places))]
					emp := r.IntN(40)
					code := uscc.Generate('9', '1', "430426", w.n)
					ins = append(ins, org.Input{Name: &nm, USCC: &code, Category: &cat, RegionCode: &place, RegisteredOn: &reg, Employees: &emp})
				}
				res, rowErrs, ierr := w.e.App.Orgs.UpsertAll(w.ctx, ins, nil)
				if ierr != nil || len(rowErrs) > 0 || res.Created != 3 {
					t.Fatalf("import: %+v %v %v", res, rowErrs, ierr)
				}
			}
			if ok(err) {
				done[kind]++
			}
		}
	}
	history(150)
	compare("after the history", 25)
	if _, err := w.e.App.Cover.SetRule(w.ctx, coverage.Rule{Kind: coverage.RuleMinEmployees, MinEmployees: 20, EnterpriseMinEmployees: 15, SocialMinEmployees: 25}, ""); err != nil {
		t.Fatal(err)
	}
	compare("after the rule change", 15)
	history(80)
	compare("after more history under the new rule", 25)
	if provinces == 0 {
		t.Fatal("the province and city were never compared")
	}
	for k := 0; k < 14; k++ {
		if done[k] < 2 {
			t.Fatalf("the random history is too thin: changes by kind %v", done)
		}
	}

	kept, keptSnaps := countsTable(t, w)
	if err := coverspan.Rebuild(w.ctx, w.e.App.DB); err != nil {
		t.Fatal(err)
	}
	rebuilt, rebuiltSnaps := countsTable(t, w)
	if !reflect.DeepEqual(kept, rebuilt) || !reflect.DeepEqual(keptSnaps, rebuiltSnaps) {
		t.Fatalf("the counts kept in step differ from a rebuild: %d rows kept, %d rebuilt", len(kept), len(rebuilt))
	}
	if len(kept) < 100 {
		t.Fatalf("only %d count rows", len(kept))
	}
	// The upper series are kept in a city deployment, and only there.
	upper := 0
	for k := range kept {
		if len(k.region) <= 4 {
			upper++
		}
	}
	if city != (upper > 0) {
		t.Fatalf("city deployment %v: %d count rows at a province's or city's code", city, upper)
	}
}

// Without a registered classification (a program that does not link the
// coverage package) a write cannot keep the counts: it marks them stale,
// reads take the spans, and the next EnsureBuilt recounts.
func TestCountsStaleFallBackToSpans(t *testing.T) {
	w := newWorld(t)
	db := w.e.App.DB
	a := w.org(t, orgSpec{full: 3, registered: "2024-01-01"})
	if err := coverspan.MarkCountsStale(w.ctx, db, db); err != nil {
		t.Fatal(err)
	}
	w.party(t, "single", "2024-05-01", a) // not counted: the counts wait for a rebuild
	rg, err := w.e.App.Regions.Get(w.ctx, testenv.Hongqiao)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := w.e.App.Cover.FromCounts(w.ctx, rg); ok {
		t.Fatal("stale counts are read")
	}
	if r := w.report(t, testenv.Hongqiao, "2024-06-01"); r.SingleCovered != 1 || r.Total != 1 {
		t.Fatalf("from the spans: %+v", r.Counts)
	}
	if err := coverspan.EnsureBuilt(w.ctx, db); err != nil {
		t.Fatal(err)
	}
	if ok, _ := w.e.App.Cover.FromCounts(w.ctx, rg); !ok {
		t.Fatal("the rebuilt counts are not read")
	}
	if r := w.report(t, testenv.Hongqiao, "2024-06-01"); r.SingleCovered != 1 || r.Total != 1 {
		t.Fatalf("from the rebuilt counts: %+v", r.Counts)
	}
}

// TestBulkChangedKeepsTheCountsInStep refreshes, through one coverspan.Bulk
// (the count changes of the whole write added up in memory and written once
// at the end), organizations with spans (single and joint covers, valid and
// not) whose dates, sizes and categories were changed behind its back, in
// several chunks: the old side (their snapshots and old spans) and the new
// side must both be counted, so the counts must equal a rebuild.
func TestBulkChangedKeepsTheCountsInStep(t *testing.T) {
	w := newWorld(t)
	r := rand.New(rand.NewPCG(3, 5))
	places := append(append(villagesOf(t, w, testenv.Hongqiao, 2), villagesOf(t, w, testenv.Yuhe, 1)...), testenv.Hongqiao, testenv.Yuhe)
	cats := []string{"private_enterprise", "social_group", "private_non_enterprise", "individual_business"}
	day := func() string {
		return time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(2500)).Format("2006-01-02")
	}
	var orgs []org.Organization
	for i := range 90 {
		full := r.IntN(5)
		if i%3 == 0 {
			full = 3 + r.IntN(3) // enough for a 单独组建 branch
		}
		orgs = append(orgs, w.org(t, orgSpec{region: places[r.IntN(len(places))], category: cats[r.IntN(len(cats))], full: full,
			employees: full + r.IntN(80), aboveScale: r.IntN(3) == 0, registered: day(), charter: r.IntN(2) == 0, inCharter: r.IntN(2) == 0}))
	}
	for i := 0; i+3 <= len(orgs); i += 3 {
		w.party(t, "single", day(), orgs[i])
		w.party(t, "joint", day(), orgs[i+1:i+3]...)
	}
	db := w.e.App.DB
	var spans int
	if err := db.QueryRowContext(w.ctx, `SELECT COUNT(*) FROM coverage_spans`).Scan(&spans); err != nil || spans < 30 {
		t.Fatalf("%d spans (%v)", spans, err)
	}
	// 1,200 changes of the same 90 organizations' rows, refreshed in chunks
	// of 500 ids (the declared 正式党员 stay: they would change the validity
	// of the party organizations, which is RefreshPeers' business).
	err := db.InTx(w.ctx, func(tx *sql.Tx) error {
		b := coverspan.NewBulk(db, tx)
		for range 1200 {
			o := orgs[r.IntN(len(orgs))]
			var closed any
			if r.IntN(4) == 0 {
				closed = "2026-0" + itoa(1+r.IntN(9)) + "-15"
			}
			if _, err := db.Exec(w.ctx, tx, `UPDATE organizations SET registered_on = ?, closed_on = ?, employees = ?, category = ?,
				above_scale = ?, has_charter = ? WHERE id = ?`, day(), closed, 5+r.IntN(80), cats[r.IntN(len(cats))], r.IntN(3) == 0,
				r.IntN(2) == 0, o.ID); err != nil {
				return err
			}
			if err := b.Changed(w.ctx, o.ID); err != nil {
				return err
			}
		}
		return b.Flush(w.ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := coverspan.RebuildAndCompare(w.ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if res.Differ != 0 || res.After < 500 {
		t.Fatalf("counts kept by the bulk refresh against a rebuild: %+v", res)
	}
}

// Migration 0047 drops the village rows of the earlier layout (joint,
// industry, 直属 series at a code longer than a street's), keeps the
// village main series and every county and street row, and leaves
// exactly the table a recount gives, so it asks for none.
func TestMigration0047DropsVillageSeries(t *testing.T) {
	w := newWorld(t)
	db := w.e.App.DB
	village := villagesOf(t, w, testenv.Hongqiao, 1)[0]
	w.org(t, orgSpec{region: village, registered: "2024-03-15", full: 3})
	before, _ := countsTable(t, w)
	// What the previous release wrote besides: the village's own series.
	for _, dim := range []string{coverspan.DimJoint, coverspan.DimIndustry, coverspan.DimSelf} {
		if _, err := db.Exec(w.ctx, db, `INSERT INTO coverage_counts (region_code, grain, bucket, dim, key, total) VALUES (?, 'd', '2024-03-15', ?, 'x', 1)`,
			village, dim); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := store.Migrations(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	var m0047 *store.Migration
	for i := range ms {
		if ms[i].Version == 47 {
			m0047 = &ms[i]
		}
	}
	if m0047 == nil || m0047.KeepsPrevious {
		t.Fatalf("migration 0047: %+v", m0047)
	}
	for _, s := range m0047.Statements {
		if _, err := db.Exec(w.ctx, db, s); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := countsTable(t, w)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("after 0047: %d rows, want the %d of the new layout", len(after), len(before))
	}
	var villageMain int
	if err := db.QueryRow(w.ctx, db, `SELECT COUNT(*) FROM coverage_counts WHERE region_code = ? AND dim = ?`, village, coverspan.DimMain).Scan(&villageMain); err != nil {
		t.Fatal(err)
	}
	if villageMain != 3 { // registered 2024-03-15: its day, month and year
		t.Fatalf("village main rows %d, want 3", villageMain)
	}
	if ready, err := coverspan.CountsReady(w.ctx, db, db); err != nil || !ready {
		t.Fatalf("0047 asked for a recount (%v)", err)
	}
	res, err := coverspan.RebuildAndCompare(w.ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if res.Differ != 0 {
		t.Fatalf("counts left by 0047 against a rebuild: %+v", res)
	}
}
