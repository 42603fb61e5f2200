package demo

import (
	"fmt"
	"hash/fnv"
	"strings"
	"testing"
	"time"

	"liangxin/internal/partyorg"
	"liangxin/internal/region"
	"liangxin/internal/region/divisions"
	"liangxin/internal/uscc"
)

// testGeo builds the planner's view of 祁东县 straight from the divisions
// data, with the area codes the region service would give.
func testGeo(t testing.TB) *geo {
	t.Helper()
	g := &geo{County: place{Code: "430426", Name: "祁东县", Short: "祁东"}}
	err := divisions.Subtree("430426", func(d divisions.Division) error {
		switch len(d.Code) {
		case 9:
			g.Towns = append(g.Towns, place{Code: d.Code, Name: d.Name, Short: shortName(d.Name), Street: region.LevelName(region.LevelTown, d.Code) == "街道"})
		case 12:
			tw := &g.Towns[len(g.Towns)-1]
			tw.Kids = append(tw.Kids, place{Code: d.Code, Name: d.Name, Short: shortName(d.Name), Community: region.LevelName(region.LevelVillage, d.Code) == "社区"})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Towns) != 24 || g.Towns[0].Name != "洪桥街道" || g.Towns[2].Name != "永昌街道" {
		t.Fatalf("unexpected divisions of 430426: %d towns", len(g.Towns))
	}
	g.Hub, g.ParkTown = 0, 2
	g.District, g.Building, g.Park = "430426001A001", "430426001A001A001", "430426003A001"
	g.Grids = []grid{{"430426001001A001", "430426001001"}, {"430426001001A002", "430426001001"}, {"430426002001A001", "430426002001"}}
	return g
}

// simulate computes organizational coverage on a day from the plan alone,
// the way coverage.Service counts it.
func simulate(p *plan, day time.Time) (covered, total int) {
	for _, u := range p.Units {
		if !u.operating(day) {
			continue
		}
		total++
		if !u.cover.IsZero() && !u.cover.After(day) {
			covered++
		}
	}
	return
}

// fingerprint hashes everything the plan would write.
func fingerprint(p *plan) uint64 {
	h := fnv.New64a()
	for _, u := range p.Units {
		fmt.Fprintf(h, "%+v|%s|%d\n", *u, u.cover, u.party)
	}
	for _, pp := range p.Parties {
		fmt.Fprintf(h, "%+v\n", *pp)
	}
	for _, in := range p.Instructors {
		fmt.Fprintf(h, "%+v\n", *in)
	}
	return h.Sum64()
}

func TestPlanIsDeterministic(t *testing.T) {
	today := date(2026, 11, 24)
	a := fingerprint(makePlan(1, today, testGeo(t), DefaultOrgs))
	if b := fingerprint(makePlan(1, today, testGeo(t), DefaultOrgs)); a != b {
		t.Fatal("the same seed and day gave two different plans")
	}
	if b := fingerprint(makePlan(2, today, testGeo(t), DefaultOrgs)); a == b {
		t.Fatal("two seeds gave the same plan")
	}
}

// TestPlanKeepsTheRules checks, for many seeds and days, what the services
// would refuse and what the demo promises.
func TestPlanKeepsTheRules(t *testing.T) {
	for _, today := range []time.Time{date(2026, 11, 24), date(2027, 2, 28), date(2031, 6, 15)} {
		for seed := uint64(0); seed < 12; seed++ {
			t.Run(fmt.Sprintf("%s/%d", fmtDate(today), seed), func(t *testing.T) {
				checkPlan(t, makePlan(seed, today, testGeo(t), DefaultOrgs))
			})
		}
	}
}

func checkPlan(t *testing.T, p *plan) {
	t.Helper()
	names, codes := map[string]bool{}, map[string]bool{}
	members := [3]int{}
	for _, u := range p.Units {
		if names[u.Name] {
			t.Errorf("duplicate name %s", u.Name)
		}
		names[u.Name] = true
		if u.USCC == "" {
			if u.Category != catIndividual {
				t.Errorf("%s: no code", u.Name)
			}
		} else if err := uscc.Validate(u.USCC); err != nil || codes[u.USCC] {
			t.Errorf("%s: bad or duplicate code %s: %v", u.Name, u.USCC, err)
		}
		codes[u.USCC] = true
		if u.Employees < 3 || u.Employees > 800 || u.Full+u.Prob > u.Employees {
			t.Errorf("%s: staff %d, members %d+%d", u.Name, u.Employees, u.Full, u.Prob)
		}
		if u.Reg.Year() < 2005 || u.Reg.After(p.Today) || (!u.Closed.IsZero() && !u.Closed.After(u.Reg)) {
			t.Errorf("%s: registered %s closed %s", u.Name, u.Reg, u.Closed)
		}
		if !u.cover.IsZero() && (u.cover.Before(u.Reg) || u.cover.After(p.Today) || (!u.Closed.IsZero() && !u.cover.Before(u.Closed))) {
			t.Errorf("%s: covered from %s (registered %s, closed %s)", u.Name, u.cover, u.Reg, u.Closed)
		}
		if u.cover.IsZero() != (u.party < 0) {
			t.Errorf("%s: cover %s but party %d", u.Name, u.cover, u.party)
		}
		switch {
		case u.Full == 0:
			members[0]++
		case u.Full < 3:
			members[1]++
		default:
			members[2]++
		}
		for _, a := range u.Areas {
			if !strings.HasPrefix(a, u.Region[:9]) {
				t.Errorf("%s in %s linked to area %s of another street", u.Name, u.Region, a)
			}
		}
	}
	if members[0] < len(p.Units)/4 || members[1] < 30 || members[2] < 40 {
		t.Errorf("member mix 0:%d 1–2:%d ≥3:%d", members[0], members[1], members[2])
	}
	// Party organizations: the service's hard rules and the dates.
	kinds, forms := map[string]int{}, map[string]int{}
	due, overdue, dissolved := 0, 0, 0
	for i, pp := range p.Parties {
		kinds[pp.Kind]++
		forms[pp.Formation]++
		if pp.Parent >= i || (i > 0 && pp.Parent < 0) {
			t.Errorf("%s: parent %d must be set up before it", pp.Name, pp.Parent)
		}
		if pp.Est.After(p.Today) || pp.Term.Before(pp.Est) {
			t.Errorf("%s: established %s, term %s", pp.Name, pp.Est, pp.Term)
		}
		switch pp.Formation {
		case partyorg.FormationSingle:
			if len(pp.Initial) != 1 || len(pp.Later) != 0 || p.Units[pp.Initial[0]].Full < partyorg.MinSingleMembers {
				t.Errorf("%s: single with %v", pp.Name, pp.Initial)
			}
		case partyorg.FormationJoint:
			full := 0
			for _, ui := range pp.Initial {
				full += p.Units[ui].Full
			}
			if len(pp.Initial) < 2 || full < 3 {
				t.Errorf("%s: joint of %d units with %d members", pp.Name, len(pp.Initial), full)
			}
		}
		for _, ui := range pp.Initial {
			u := p.Units[ui]
			if !u.cover.Equal(pp.Est) || u.party != i || (!u.Closed.IsZero() && !u.Closed.After(pp.Est)) {
				t.Errorf("%s: initial unit %s covered %s, est %s", pp.Name, u.Name, u.cover, pp.Est)
			}
		}
		for _, ui := range pp.Later {
			if u := p.Units[ui]; u.cover.Before(pp.Est) || u.party != i {
				t.Errorf("%s: later unit %s covered %s before est %s", pp.Name, u.Name, u.cover, pp.Est)
			}
		}
		if !pp.Dissolve.IsZero() {
			dissolved++
			continue
		}
		left := int(pp.Term.AddDate(partyorg.TermYears(pp.Kind), 0, 0).Sub(p.Today).Hours() / 24)
		switch {
		case left < 0:
			overdue++
		case left <= partyorg.RenewalNoticeDays:
			due++
		}
	}
	if len(p.Parties) < 60 || kinds[partyorg.KindCommittee] < 4 || forms[partyorg.FormationJoint] < 5 || forms[partyorg.FormationIndustry] != 1 ||
		forms[partyorg.FormationRegional] < 10 || forms[partyorg.FormationSingle] < 30 {
		t.Errorf("party organizations: %d, kinds %v, formations %v", len(p.Parties), kinds, forms)
	}
	if dissolved != 1 || overdue != 2 || due < 2 || due > 4 {
		t.Errorf("dissolved %d, overdue %d, due within 90 days %d", dissolved, overdue, due)
	}
	// Coverage rises over the year, month by month on the whole.
	c0, t0 := simulate(p, p.YearStart)
	c1, t1 := simulate(p, p.Today)
	before, now := float64(c0)/float64(t0), float64(c1)/float64(t1)
	if before < 0.25 || before > 0.32 || now < 0.78 || now > 0.86 {
		t.Errorf("coverage %.2f%% → %.2f%%", 100*before, 100*now)
	}
	prev := 0.0
	for m := 12; m >= 0; m -= 3 {
		c, n := simulate(p, p.Today.AddDate(0, -m, 0))
		if r := float64(c) / float64(n); r+0.02 < prev {
			t.Errorf("coverage falls to %.1f%% %d months ago", 100*r, m)
		} else {
			prev = r
		}
	}
	// Instructors reach every operating unit.
	reached := map[int]bool{}
	for _, in := range p.Instructors {
		if len(in.Assign) > 0 && len(in.Visits) < 1 {
			t.Errorf("instructor %s: %d visits", in.Name, len(in.Visits))
		}
		for _, a := range in.Assign {
			reached[a.Unit] = true
			u := p.Units[a.Unit]
			if !strings.HasPrefix(u.Region, in.Region) || a.From.After(p.Today) || a.From.Before(u.Reg) {
				t.Errorf("%s (%s) guides %s (%s, registered %s) from %s", in.Name, in.Region, u.Name, u.Region, u.Reg, a.From)
			}
		}
		for _, v := range in.Visits {
			if v.On.After(p.Today) || v.On.Before(p.YearStart.AddDate(-1, 0, 0)) {
				t.Errorf("visit on %s", v.On)
			}
		}
	}
	for ui, u := range p.Units {
		if u.operating(p.Today) && !reached[ui] {
			t.Errorf("%s: no instructor", u.Name)
		}
	}
}

func TestShortName(t *testing.T) {
	for in, want := range map[string]string{
		"达孝社区居委会": "达孝社区", "井塘居委会": "井塘社区", "马头村委会": "马头村", "洪桥街道": "洪桥",
		"归阳镇": "归阳", "马杜桥乡": "马杜桥", "祁东县": "祁东", "乡": "乡",
	} {
		if got := shortName(in); got != want {
			t.Errorf("shortName(%s) = %s, want %s", in, got, want)
		}
	}
}
