package coverage_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/coverage"
	"liangxin/internal/coverspan"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

// referenceState is each operating organization's state on day, straight
// from the ledger tables (the rules of domain.md §7 as correlated EXISTS, the
// way coverage was computed before the spans), keyed by id, with its street
// and category.
type refRow struct {
	street, category      string
	state                 int
	effective, instructed bool
}

func referenceStates(t *testing.T, w *world, day string) map[int64]refRow {
	t.Helper()
	const cover = `EXISTS (SELECT 1 FROM party_org_covers c JOIN party_orgs p ON p.id = c.party_org_id
		WHERE c.organization_id = o.id AND c.from_on <= ? AND (c.to_on IS NULL OR c.to_on > ?)
		AND p.established_on <= ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)%s)`
	q := `SELECT o.id, SUBSTR(o.region_code, 1, 9), o.category, CASE WHEN ` + fmt.Sprintf(cover, " AND p.formation = 'single'") +
		` THEN 3 WHEN ` + fmt.Sprintf(cover, "") + ` THEN 2 WHEN EXISTS (SELECT 1 FROM instructor_assignments a
		WHERE a.organization_id = o.id AND a.from_on <= ? AND (a.to_on IS NULL OR a.to_on > ?)) THEN 1 ELSE 0 END,
		CASE WHEN EXISTS (SELECT 1 FROM instructor_assignments a
		WHERE a.organization_id = o.id AND a.from_on <= ? AND (a.to_on IS NULL OR a.to_on > ?)) THEN 1 ELSE 0 END
		FROM organizations o WHERE (o.registered_on IS NULL OR o.registered_on <= ?) AND (o.closed_on IS NULL OR o.closed_on > ?)`
	args := make([]any, 14)
	for i := range args {
		args[i] = day
	}
	db := w.e.App.DB
	rows, err := db.Query(w.ctx, db, q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]refRow{}
	for rows.Next() {
		var id int64
		var r refRow
		var instructed int
		if err := rows.Scan(&id, &r.street, &r.category, &r.state, &instructed); err != nil {
			t.Fatal(err)
		}
		r.instructed = instructed == 1
		out[id] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	for id, c := range effectiveOn(t, w, day) {
		if r, ok := out[id]; ok && c {
			r.effective = true
			out[id] = r
		}
	}
	return out
}

// effectiveOn tells, straight from the tables and worked out in Go, which
// organizations a party organization meeting the ≥3 正式党员 rule covers on
// day: its roster (active members of it and of the party organizations
// directly under it) where it has one, else the 正式党员 declared by every
// unit it has covered.
func effectiveOn(t *testing.T, w *world, day string) map[int64]bool {
	t.Helper()
	db := w.e.App.DB
	scan := func(q string, each func(rows interface{ Scan(...any) error }) error) {
		t.Helper()
		rows, err := db.Query(w.ctx, db, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	parent := map[int64]int64{}
	alive := map[int64][2]string{}
	scan(`SELECT id, COALESCE(parent_id, 0), established_on, COALESCE(dissolved_on, '') FROM party_orgs`, func(r interface{ Scan(...any) error }) error {
		var id, p int64
		var est, diss string
		err := r.Scan(&id, &p, &est, &diss)
		parent[id], alive[id] = p, [2]string{est, diss}
		return err
	})
	full, all := map[int64]int{}, map[int64]int{}
	scan(`SELECT party_org_id, category FROM members WHERE status = 'active'`, func(r interface{ Scan(...any) error }) error {
		var p int64
		var cat string
		if err := r.Scan(&p, &cat); err != nil {
			return err
		}
		for _, q := range []int64{p, parent[p]} {
			all[q]++
			if cat == "full" {
				full[q]++
			}
		}
		return nil
	})
	declaredOf := map[int64]int{}
	scan(`SELECT id, full_members FROM organizations`, func(r interface{ Scan(...any) error }) error {
		var id int64
		var n int
		err := r.Scan(&id, &n)
		declaredOf[id] = n
		return err
	})
	type cover struct {
		p, o     int64
		from, to string
	}
	var covers []cover
	units := map[int64]map[int64]bool{}
	scan(`SELECT party_org_id, organization_id, from_on, COALESCE(to_on, '') FROM party_org_covers`, func(r interface{ Scan(...any) error }) error {
		var c cover
		if err := r.Scan(&c.p, &c.o, &c.from, &c.to); err != nil {
			return err
		}
		covers = append(covers, c)
		if units[c.p] == nil {
			units[c.p] = map[int64]bool{}
		}
		units[c.p][c.o] = true
		return nil
	})
	valid := func(p int64) bool {
		if all[p] > 0 {
			return full[p] >= 3
		}
		n := 0
		for o := range units[p] {
			n += declaredOf[o]
		}
		return n >= 3
	}
	on := func(from, to string) bool { return from <= day && (to == "" || to > day) }
	out := map[int64]bool{}
	for _, c := range covers {
		if on(c.from, c.to) && on(alive[c.p][0], alive[c.p][1]) && valid(c.p) {
			out[c.o] = true
		}
	}
	return out
}

func countsOf(rows map[int64]refRow, keep func(refRow) bool) coverage.Counts {
	var c coverage.Counts
	for _, r := range rows {
		if !keep(r) {
			continue
		}
		c.Total++
		if r.state >= 1 {
			c.WorkCovered++
		}
		if r.state >= 2 {
			c.OrgCovered++
		}
		if r.state == 3 {
			c.SingleCovered++
		}
		if r.state >= 2 && r.effective {
			c.EffectiveCovered++
		}
		if r.instructed {
			c.Instructed++
		}
	}
	return c
}

func figures(c coverage.Counts) [6]int {
	return [6]int{c.Total, c.OrgCovered, c.SingleCovered, c.WorkCovered, c.EffectiveCovered, c.Instructed}
}

type spanRow struct {
	org         int64
	from, to    string
	state       int
	region, cat string
	industry    string
	above       bool
	employees   int
	effective   bool
	instructed  bool
	full        int
}

func spansTable(t *testing.T, w *world) []spanRow {
	t.Helper()
	db := w.e.App.DB
	rows, err := db.Query(w.ctx, db, `SELECT organization_id, from_on, COALESCE(to_on, ''), state, region_code, category, industry, above_scale, employees,
		effective, instructed, full_members FROM coverage_spans ORDER BY organization_id, from_on`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []spanRow
	for rows.Next() {
		var s spanRow
		if err := rows.Scan(&s.org, &s.from, &s.to, &s.state, &s.region, &s.cat, &s.industry, &s.above, &s.employees, &s.effective, &s.instructed, &s.full); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCoverageFromSpansMatchesTheLedger builds a random history through the
// services (party organizations founded, dissolved, taking in and letting go
// of units; instructors assigned and withdrawn; organizations closed, moved
// and recategorised) and checks that the coverage read from the precomputed
// spans equals the figures worked out from the ledger tables, on every day
// where something changed and the days around it, for the county and for
// each street and category. It also checks that rebuilding the spans from
// scratch gives the table the services kept in step.
func TestCoverageFromSpansMatchesTheLedger(t *testing.T) {
	w := newWorld(t)
	r := rand.New(rand.NewPCG(3, 5))
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(n int) string { return start.AddDate(0, 0, n).Format("2006-01-02") }
	const horizon = 900
	events := map[string]bool{}
	done := map[string]int{} // successful changes by kind
	kind := 0
	// check compares the county's figures with the ledger's on a day.
	check := func(when, d string) {
		t.Helper()
		if got, want := figures(w.report(t, testenv.Jurisdiction, d).Counts), figures(countsOf(referenceStates(t, w, d), func(refRow) bool { return true })); got != want {
			t.Fatalf("%s, on %s: spans give %v, the ledger %v", when, d, got, want)
		}
	}
	mark := func(d string) {
		t.Helper()
		events[d] = true
		done[fmt.Sprint(kind)]++
		check(fmt.Sprintf("after change %d of kind %d", len(events), kind), d)
	}

	streets := []string{testenv.Hongqiao, testenv.Yuhe}
	var orgs []org.Organization
	for i := 0; i < 24; i++ {
		s := orgSpec{region: streets[i%2], full: r.IntN(6)}
		if i%4 == 3 {
			s.category = "social_group"
		}
		if r.IntN(3) == 0 {
			s.registered = day(r.IntN(horizon / 2))
			mark(s.registered)
		}
		orgs = append(orgs, w.org(t, s))
	}
	name := "王指导"
	in, err := w.e.App.Instr.Create(w.ctx, instructor.Input{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	var parties []partyorg.PartyOrg
	var assigns []instructor.Assignment
	refused := 0
	// ok tolerates a refusal by the ledger's own rules (a unit already has a
	// single branch, a date before a founding day, …): the history is random.
	ok := func(err error) bool {
		if err == nil {
			return true
		}
		if _, isApp := apperr.As(err); isApp {
			refused++
			return false
		}
		t.Fatal(err)
		return false
	}
	pick := func() org.Organization { return orgs[r.IntN(len(orgs))] }
	for step := 0; step < 160; step++ {
		d := day(r.IntN(horizon))
		kind = r.IntN(11)
		switch kind {
		case 0, 1: // a single branch
			p, err := w.e.App.Party.Create(w.ctx, partyorg.Input{Name: fmt.Sprintf("单独支部%d", step), Kind: "branch", Formation: "single", EstablishedOn: d, Covers: []int64{pick().ID}})
			if ok(err) {
				parties = append(parties, p)
				mark(d)
			}
		case 2: // a joint branch over 2–4 units
			ids := map[int64]bool{}
			for n := 2 + r.IntN(3); len(ids) < n; {
				ids[pick().ID] = true
			}
			var covers []int64
			for id := range ids {
				covers = append(covers, id)
			}
			sort.Slice(covers, func(i, j int) bool { return covers[i] < covers[j] })
			formation := "joint"
			if r.IntN(3) == 0 {
				formation = "regional"
			}
			p, err := w.e.App.Party.Create(w.ctx, partyorg.Input{Name: fmt.Sprintf("联合支部%d", step), Kind: "branch", Formation: formation, EstablishedOn: d, Covers: covers})
			if ok(err) {
				parties = append(parties, p)
				mark(d)
			}
		case 3: // a dissolution
			if len(parties) > 0 {
				p := parties[r.IntN(len(parties))]
				if _, err := w.e.App.Party.Dissolve(w.ctx, p.ID, d); ok(err) {
					mark(d)
				}
			}
		case 4: // a joint branch takes in a unit, or lets one go
			if len(parties) == 0 {
				continue
			}
			p, err := w.e.App.Party.Get(w.ctx, parties[r.IntN(len(parties))].ID)
			if err != nil {
				t.Fatal(err)
			}
			if r.IntN(2) == 0 || len(p.Covers) == 0 {
				if _, err := w.e.App.Party.AddCover(w.ctx, p.ID, pick().ID, d); ok(err) {
					mark(d)
				}
			} else if _, err := w.e.App.Party.EndCover(w.ctx, p.ID, p.Covers[r.IntN(len(p.Covers))].ID, d); ok(err) {
				mark(d)
			}
		case 5: // an instructor starts guiding a unit
			if a, err := w.e.App.Instr.Assign(w.ctx, in.ID, pick().ID, d, ""); ok(err) {
				assigns = append(assigns, a)
				mark(d)
			}
		case 8: // an instructor stops guiding a unit
			if len(assigns) > 0 {
				if _, err := w.e.App.Instr.EndAssignment(w.ctx, in.ID, assigns[r.IntN(len(assigns))].ID, d); ok(err) {
					mark(d)
				}
			}
		case 6: // an organization closes
			o := pick()
			if _, err := w.e.App.Orgs.Update(w.ctx, o.ID, org.Input{ClosedOn: &d}); ok(err) {
				mark(d)
			}
		case 9: // members join a party organization's roster (its validity reads it)
			if len(parties) > 0 {
				category := "full"
				if r.IntN(3) == 0 {
					category = "probationary"
				}
				w.addMembers(t, parties[r.IntN(len(parties))].ID, category, 1+r.IntN(2))
				mark(d)
			}
		case 10: // an organization declares another number of 正式党员
			o := pick()
			n := r.IntN(6)
			if _, err := w.e.App.Orgs.Update(w.ctx, o.ID, org.Input{FullMembers: &n}); ok(err) {
				mark(d)
			}
		case 7: // an organization moves to the other street and changes category
			o := pick()
			to, cat := testenv.Hongqiao, "social_group"
			if o.RegionCode == to {
				to, cat = testenv.Yuhe, "private_enterprise"
			}
			if u, err := w.e.App.Orgs.Update(w.ctx, o.ID, org.Input{RegionCode: &to, Category: &cat}); ok(err) {
				done["7"]++
				for i := range orgs {
					if orgs[i].ID == u.ID {
						orgs[i] = u
					}
				}
			}
		}
	}
	for k := 0; k <= 10; k++ {
		if done[fmt.Sprint(k)] < 2 {
			t.Fatalf("the random history is too thin: changes by kind %v (%d refusals)", done, refused)
		}
	}
	var days []string
	for d := range events {
		t0, _ := time.Parse("2006-01-02", d)
		days = append(days, t0.AddDate(0, 0, -1).Format("2006-01-02"), d)
	}
	for n := 0; n <= horizon+30; n += 45 {
		days = append(days, day(n))
	}
	sort.Strings(days)
	covered, ineffective := 0, 0
	for _, d := range days {
		ref := referenceStates(t, w, d)
		rep := w.report(t, testenv.Jurisdiction, d)
		want := countsOf(ref, func(refRow) bool { return true })
		if figures(rep.Counts) != figures(want) {
			t.Fatalf("%s: spans give %v, the ledger %v", d, figures(rep.Counts), figures(want))
		}
		covered += want.OrgCovered
		ineffective += want.OrgCovered - want.EffectiveCovered
		for _, rc := range rep.ByRegion {
			code := rc.RegionCode
			if got, want := figures(rc.Counts), figures(countsOf(ref, func(r refRow) bool { return r.street == code })); got != want {
				t.Fatalf("%s, %s: spans give %v, the ledger %v", d, rc.Name, got, want)
			}
		}
		for _, kc := range rep.ByCategory {
			cat := kc.Key
			if got, want := figures(kc.Counts), figures(countsOf(ref, func(r refRow) bool { return r.category == cat })); got != want {
				t.Fatalf("%s, %s: spans give %v, the ledger %v", d, kc.Name, got, want)
			}
		}
		street := w.report(t, testenv.Hongqiao, d)
		if got, want := figures(street.Counts), figures(countsOf(ref, func(r refRow) bool { return r.street == testenv.Hongqiao })); got != want {
			t.Fatalf("%s, the street's own report: spans give %v, the ledger %v", d, got, want)
		}
	}
	if covered == 0 || ineffective == 0 || ineffective == covered {
		t.Fatalf("covered %d, of which not effective %d over the days: the comparison proved little", covered, ineffective)
	}

	// The trend's points (sector split only) agree with the full report of
	// each month end.
	for _, region := range []string{testenv.Jurisdiction, testenv.Hongqiao} {
		trend, err := w.e.App.Cover.Trend(w.ctx, region, day(horizon), 30)
		if err != nil || len(trend) != 30 {
			t.Fatalf("trend: %d points, %v", len(trend), err)
		}
		for _, pt := range trend {
			full := w.report(t, region, pt.AsOf)
			if figures(pt.Counts) != figures(full.Counts) || !reflect.DeepEqual(pt.BySector, full.BySector) || pt.RegionCode != region {
				t.Fatalf("%s, trend point %s: %v %v, the report %v %v", region, pt.AsOf, figures(pt.Counts), pt.BySector, figures(full.Counts), full.BySector)
			}
		}
		if trend[0].AsOf != "2023-01-31" || trend[29].AsOf != day(horizon) {
			t.Fatalf("trend from %s to %s", trend[0].AsOf, trend[29].AsOf)
		}
	}

	kept := spansTable(t, w)
	if err := coverspan.Rebuild(w.ctx, w.e.App.DB); err != nil {
		t.Fatal(err)
	}
	if rebuilt := spansTable(t, w); !reflect.DeepEqual(kept, rebuilt) {
		t.Fatalf("the spans kept in step differ from a rebuild:\nkept    %v\nrebuilt %v", kept, rebuilt)
	}
	if len(kept) == 0 {
		t.Fatal("no spans")
	}
}

// A migration that adds or changes the spans asks for a rebuild; the next
// start (EnsureBuilt) recomputes them from the ledger once.
func TestEnsureBuiltRebuildsWhenAsked(t *testing.T) {
	w := newWorld(t)
	a := w.org(t, orgSpec{full: 3})
	w.party(t, "single", "2025-01-01", a)
	db := w.e.App.DB
	if err := coverspan.EnsureBuilt(w.ctx, db); err != nil { // the migration's request on a fresh database
		t.Fatal(err)
	}
	for _, table := range []string{"coverage_spans", "coverage_counts", "coverage_count_orgs"} { // the derived data
		if _, err := db.Exec(w.ctx, db, `DELETE FROM `+table); err != nil {
			t.Fatal(err)
		}
	}
	if err := coverspan.EnsureBuilt(w.ctx, db); err != nil {
		t.Fatal(err)
	}
	if r := w.report(t, testenv.Jurisdiction, "2025-06-30"); r.OrgCovered != 0 {
		t.Fatalf("without a request nothing is rebuilt, got %d covered", r.OrgCovered)
	}
	if _, err := db.Exec(w.ctx, db, `INSERT INTO settings (key, value) VALUES (?, '1')`, coverspan.SettingRebuild); err != nil {
		t.Fatal(err)
	}
	if err := coverspan.EnsureBuilt(w.ctx, db); err != nil {
		t.Fatal(err)
	}
	if r := w.report(t, testenv.Jurisdiction, "2025-06-30"); r.OrgCovered != 1 || r.SingleCovered != 1 {
		t.Fatalf("after the rebuild: %+v", r.Counts)
	}
	var n int
	if err := db.QueryRow(w.ctx, db, `SELECT COUNT(*) FROM settings WHERE key = ?`, coverspan.SettingRebuild).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the request stays: %d, %v", n, err)
	}
}
