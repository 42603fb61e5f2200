package demo

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"liangxin/internal/partyorg"
)

// The demo tells the story of 祁东县's report (seed 001): in one year the
// county set up 88 new 两新 party branches (26 单建, 62 联建) covering 282
// enterprises and 48 social organizations, organizational coverage rose from
// 28.57% at the start of the year to 82.43%, 14 town-level 两新组织综合党委
// lead them, and 225 党建指导员 reach every one of the county's 425
// enterprises and 186 social organizations.
//
// The year is the demo's "today" year: it starts on 1 January (the year
// before when today is in January or February, so that the year has happened)
// and ends today, the day the report is read. Coverage is counted by the
// product on those two days: 609 units operate on both (611 in the ledger, two
// registered during the year and two closed during it, both covered at the
// start), 174 are covered on 1 January (174/609 = 28.57%) and 502 today
// (174 − 2 + 330 = 502, 502/609 = 82.43%).
const (
	seedOrgs           = 611 // DefaultOrgs: 425 enterprises + 186 social organizations
	seedSocial         = 186
	seedStartCovered   = 174 // on 1 January, of 609 operating
	seedNewSingle      = 26
	seedNewJoint       = 62
	seedNewEconomic    = 282 // covered by the new branches
	seedNewSocial      = 48
	seedTownCommittees = 14
	seedInstructors    = 225
	seedNewRegistered  = 2 // units registered during the year (covered by new joint branches)
	seedOldSingle      = 45
)

// yearStart is 1 January of the demo's year.
func yearStart(today time.Time) time.Time {
	y := date(today.Year(), 1, 1)
	if today.Before(y.AddDate(0, 2, 0)) {
		y = y.AddDate(-1, 0, 0)
	}
	return y
}

// targets are the seed's figures scaled to the number of units planned
// (exactly the seed's for DefaultOrgs).
type targets struct {
	social, startCovered, newSingle, newJoint, newEconomic, newSocial, towns, instructors, oldSingle int
}

func scaledTargets(n int) targets {
	s := func(x int) int { return max(1, int(math.Round(float64(x)*float64(n)/seedOrgs))) }
	t := targets{social: s(seedSocial), startCovered: s(seedStartCovered), newSingle: s(seedNewSingle), newJoint: s(seedNewJoint),
		newEconomic: s(seedNewEconomic), newSocial: s(seedNewSocial), towns: seedTownCommittees, instructors: s(seedInstructors), oldSingle: s(seedOldSingle)}
	if n == seedOrgs {
		return t
	}
	// Keep the joint branches between 2 and 5 units each.
	joint := t.newEconomic + t.newSocial - t.newSingle
	t.newJoint = max(1, min(t.newJoint, joint/2))
	for joint > 5*t.newJoint {
		t.newJoint++
	}
	return t
}

func isSocialCategory(c string) bool {
	return c == catGroup || c == catNonProfit || c == catFoundation || c == catIntermed
}

// fit decides, from the units drawn, who is covered from when and by whom,
// so that the product's counts give the seed's figures.
func (pl *planner) fit() {
	r, g, p := pl.r, pl.g, pl.p
	y0, today := p.YearStart, pl.today
	t := pl.t
	n := len(p.Units)

	// Everything registered well before the year, but the few new ones.
	for _, u := range p.Units {
		u.party = -1
		if u.Reg.After(y0.AddDate(0, 0, -120)) {
			u.Reg = between(r, y0.AddDate(-5, 0, 0), y0.AddDate(0, 0, -120))
		}
		u.CharterParty = u.Charter // 有章程的两新组织 100% 党建入章
	}

	// The tree: the county's 综合党委, the 14 town committees, the 商圈, its
	// 楼宇, the 园区 and the 快递物流 industry.
	// The county's 综合党委 was set up three terms ago and its 换届 falls due
	// in one to three months: an election recorded today is on time.
	y := y0.Year()
	root := pl.party(&partyPlan{Name: g.County.Name + "两新组织综合党委", Kind: partyorg.KindCommittee, Formation: partyorg.FormationRegional,
		Region: g.County.Code, Parent: -1, Est: between(r, today.AddDate(-15, 0, 30), today.AddDate(-15, 0, 80))})
	econ := make([]int, len(g.Towns))
	for _, u := range p.Units {
		if !isSocialCategory(u.Category) {
			econ[u.town]++
		}
	}
	order := make([]int, len(g.Towns))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ta, tb := g.Towns[order[a]], g.Towns[order[b]]
		if ta.Street != tb.Street {
			return ta.Street
		}
		return econ[order[a]] > econ[order[b]]
	})
	townParty := make([]int, len(g.Towns))
	for i := range townParty {
		townParty[i] = root
	}
	chosen := order[:min(t.towns, len(order))]
	slices.Sort(chosen)
	for k, ti := range chosen {
		tw := g.Towns[ti]
		townParty[ti] = pl.party(&partyPlan{Name: tw.Name + "两新组织综合党委", Kind: partyorg.KindCommittee, Formation: partyorg.FormationRegional,
			Region: tw.Code, Parent: root, Est: between(r, date(y-8+k/7, 3, 1), date(y-8+k/7, 10, 31))})
	}
	district, building, park := -1, -1, -1
	if g.District != "" {
		district = pl.party(&partyPlan{Name: g.Towns[g.Hub].Short + "商圈党委", Kind: partyorg.KindCommittee, Formation: partyorg.FormationRegional,
			Region: g.District, Parent: townParty[g.Hub], Est: between(r, y0.AddDate(-3, 0, 0), y0.AddDate(-2, 0, 0))})
		building = pl.party(&partyPlan{Name: "金融大厦楼宇党支部", Kind: partyorg.KindBranch, Formation: partyorg.FormationRegional,
			Region: g.Building, Parent: district, Est: between(r, y0.AddDate(0, 0, -600), y0.AddDate(0, 0, -300))})
	}
	if g.Park != "" {
		park = pl.party(&partyPlan{Name: shortName(g.County.Name) + "工业园企业党委", Kind: partyorg.KindCommittee, Formation: partyorg.FormationRegional,
			Region: g.Park, Parent: townParty[g.ParkTown], Est: between(r, y0.AddDate(-3, 0, 0), y0.AddDate(-2, 0, 0))})
	}
	industry := pl.party(&partyPlan{Name: g.County.Name + "快递物流行业党总支", Kind: partyorg.KindGeneralBranch, Formation: partyorg.FormationIndustry,
		Region: g.County.Code, Parent: root, Est: between(r, y0.AddDate(0, 0, -500), y0.AddDate(0, 0, -200))})

	covered := 0 // covered on 1 January
	take := make([]bool, n)
	cover := func(ui, pi int) {
		u, pp := p.Units[ui], p.Parties[pi]
		take[ui] = true
		u.party, u.cover = pi, pp.Est
		if lim := pp.Est.AddDate(0, -1, 0); u.Reg.After(lim) {
			u.Reg = between(r, lim.AddDate(-3, 0, 0), lim)
		}
		pp.Initial = append(pp.Initial, ui)
		if pp.Est.Before(y0) {
			covered++
		}
	}
	// The 商圈, 楼宇 and 园区 units: most covered since before the year.
	buildingFull := 0
	for ui, u := range p.Units {
		var pi int
		switch {
		case u.zone == zoneBuilding:
			pi = building
		case u.zone == zoneDistrict:
			pi = district
		case u.zone == zonePark:
			pi = park
		case u.Industry == "G" && (hasTag(u, "快递") || hasTag(u, "外卖")):
			pi = industry
		default:
			continue
		}
		take[ui] = true // not planned otherwise
		if pi < 0 || r.Float64() >= 0.8 {
			u.Full = min(u.Full, 2)
			continue
		}
		u.Full = min(u.Full, 6)
		if pi == building {
			if buildingFull == 0 {
				u.Full = max(u.Full, 3) // the 物业 company's members carry the branch
			}
			buildingFull += u.Full
		}
		cover(ui, pi)
	}

	// Plain units, shuffled: the pool for everything else.
	var pool []int
	for ui := range p.Units {
		if !take[ui] {
			pool = append(pool, ui)
		}
	}
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	pickOne := func(ok func(*unit) bool) int {
		for k, ui := range pool {
			if ok(p.Units[ui]) {
				pool = slices.Delete(pool, k, k+1)
				take[ui] = true
				return ui
			}
		}
		panic("demo: the plan ran out of units")
	}
	private := func(u *unit) bool { return u.Category == catPrivate }
	fixStaff := func(u *unit) {
		if u.Full+u.Prob > u.Employees {
			u.Employees = 2*(u.Full+u.Prob) + r.IntN(8)
		}
		u.Owner = u.Owner && u.Full > 0
	}

	// Two units covered at the start of the year close during it: one with
	// a branch of its own (dissolved on closing), one in a joint branch.
	closeDay := func() time.Time { return between(r, y0.AddDate(0, 2, 0), today.AddDate(0, 0, -30)) }
	a := p.Units[pickOne(func(u *unit) bool { return private(u) && u.Employees >= 10 })]
	a.Full, a.Prob = 4, 0
	a.Reg = between(r, y0.AddDate(-9, 0, 0), y0.AddDate(-7, 0, 0))
	fixStaff(a)
	a.cover = between(r, maxTime(a.Reg.AddDate(1, 0, 0), p.Parties[townParty[a.town]].Est.AddDate(0, 1, 0)), y0.AddDate(-3, 0, 0))
	pa := pl.single(a, townParty[a.town])
	covered++
	a.Closed = closeDay()
	p.Parties[pa].Dissolve = a.Closed
	bi := pickOne(private)
	b := p.Units[bi]
	b.Full, b.Prob, b.Owner = 0, 0, false
	b.Closed = closeDay()

	// Two units registered during the year, taken in by new joint branches.
	var fresh []int
	for range seedNewRegistered {
		ui := pickOne(private)
		u := p.Units[ui]
		u.Reg = between(r, y0.AddDate(0, 0, 15), y0.AddDate(0, 0, 75))
		fresh = append(fresh, ui)
	}

	// 26 new single branches (enterprises with three or more 正式党员) and
	// the old ones.
	var newSingle []int
	for range t.newSingle {
		ui := pickOne(func(u *unit) bool { return private(u) && u.Employees >= 20 })
		u := p.Units[ui]
		u.Full = max(u.Full, 3+r.IntN(6))
		u.Full = min(u.Full, partyorg.MinGeneralBranch-1)
		fixStaff(u)
		newSingle = append(newSingle, ui)
	}
	sort.SliceStable(pool, func(i, j int) bool { return p.Units[pool[i]].Full > p.Units[pool[j]].Full })
	for range t.oldSingle {
		ui := pickOne(func(u *unit) bool { return u.Category != catIndividual && u.Category != catFoundation })
		u := p.Units[ui]
		u.Full = max(u.Full, 3+r.IntN(4))
		fixStaff(u)
		u.cover = between(r, maxTime(u.Reg.AddDate(0, 6, 0), p.Parties[townParty[u.town]].Est.AddDate(0, 1, 0)), y0.AddDate(0, 0, -20))
		if u.cover.After(y0.AddDate(0, 0, -20)) {
			u.cover = y0.AddDate(0, 0, -20)
			u.Reg = minTime(u.Reg, u.cover.AddDate(-1, 0, 0))
		}
		pl.single(u, townParty[u.town])
		covered++
	}
	// Nobody else has three 正式党员 of their own: they would have a branch.
	for _, ui := range pool {
		p.Units[ui].Full = min(p.Units[ui].Full, 2)
	}
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })

	// New joint branches: 62 of four or five units, 48 of them social
	// organizations, town by town.
	jointUnits := t.newEconomic + t.newSocial - t.newSingle
	sizes := make([]int, t.newJoint)
	for k := range sizes {
		sizes[k] = jointUnits / t.newJoint
		if k < jointUnits%t.newJoint {
			sizes[k]++
		}
	}
	socialLeft, slotsLeft := t.newSocial, jointUnits
	countIn := func(ti int) int {
		c := 0
		for _, ui := range pool {
			if p.Units[ui].town == ti {
				c++
			}
		}
		return c
	}
	var newJoint [][]int
	for k, size := range sizes {
		var grp []int
		ti := -1
		if k < len(fresh) {
			grp = append(grp, fresh[k])
			ti = p.Units[fresh[k]].town
			slotsLeft--
		} else {
			best := -1
			for i := range g.Towns {
				if c := countIn(i); c > best {
					best, ti = c, i
				}
			}
		}
		for len(grp) < size {
			social := socialLeft > 0 && (socialLeft >= slotsLeft || r.Float64() < float64(socialLeft)/float64(slotsLeft))
			want := func(u *unit) bool { return isSocialCategory(u.Category) == social }
			ok := func(u *unit) bool { return want(u) && u.town == ti }
			if !slices.ContainsFunc(pool, func(ui int) bool { return ok(p.Units[ui]) }) {
				ok = want
			}
			grp = append(grp, pickOne(ok))
			if social {
				socialLeft--
			}
			slotsLeft--
		}
		newJoint = append(newJoint, grp)
	}

	// Old joint branches fill the coverage of 1 January up to 174.
	oldUnits := t.startCovered - covered - 1 // b is one of them
	var oldJoint [][]int
	for oldUnits > 0 {
		size := min(oldUnits, 4)
		if oldUnits-size == 1 || oldUnits-size == 2 {
			size = oldUnits - 3
			if size < 2 {
				size = oldUnits
			}
		}
		var grp []int
		if len(oldJoint) == 0 {
			grp = append(grp, bi)
			size--
		}
		ti := -1
		for range size {
			ok := func(u *unit) bool { return ti < 0 || u.town == ti }
			if !slices.ContainsFunc(pool, func(ui int) bool { return ok(p.Units[ui]) }) {
				ok = func(*unit) bool { return true }
			}
			ui := pickOne(ok)
			if ti < 0 {
				ti = p.Units[ui].town
			}
			grp = append(grp, ui)
		}
		oldUnits -= len(grp)
		if len(oldJoint) == 0 {
			oldUnits++ // b was counted apart
		}
		oldJoint = append(oldJoint, grp)
	}

	// Set the joint branches up: old ones before the year, new ones spread
	// over it so that coverage rises month by month.
	words := map[string]int{}
	joint := func(grp []int, est time.Time) {
		full := 0
		for _, ui := range grp {
			full += p.Units[ui].Full
		}
		limit := 2
		if len(grp) < 3 {
			limit = 3
		}
		for k := 0; full < 3; k = (k + 1) % len(grp) {
			if u := p.Units[grp[k]]; u.Full < limit && grp[k] != bi {
				u.Full++
				full++
				fixStaff(u)
			}
		}
		for _, ui := range grp {
			est = maxTime(est, p.Units[ui].Reg.AddDate(0, 1, 0))
		}
		u0 := p.Units[grp[0]]
		tw := g.Towns[u0.town]
		name := tw.Name + pl.jointWord(grp) + "联合党支部"
		words[name]++
		if k := words[name]; k > 1 {
			name = tw.Name + pl.jointWord(grp) + "第" + chineseNumber(k) + "联合党支部"
		}
		pi := pl.party(&partyPlan{Name: name, Kind: partyorg.KindBranch, Formation: partyorg.FormationJoint, Parent: townParty[u0.town], Est: est})
		for _, ui := range grp {
			cover(ui, pi)
		}
	}
	for _, grp := range oldJoint {
		joint(grp, between(r, y0.AddDate(-3, 0, 0), y0.AddDate(0, 0, -30)))
	}
	first, last := y0.AddDate(0, 0, 10), today.AddDate(0, 0, -10)
	span := int(last.Sub(first).Hours() / 24)
	events := len(newJoint) + len(newSingle)
	perm := r.Perm(events)
	day := func(k int) time.Time {
		d := first.AddDate(0, 0, perm[k]*span/events)
		return between(r, d, minTime(last, d.AddDate(0, 0, span/events)))
	}
	for k, grp := range newJoint {
		joint(grp, day(k))
	}
	for k, ui := range newSingle {
		u := p.Units[ui]
		u.cover = day(len(newJoint) + k)
		if lim := u.cover.AddDate(0, -2, 0); u.Reg.After(lim) {
			u.Reg = lim
		}
		pl.single(u, townParty[u.town])
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func chineseNumber(k int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	if k <= 10 {
		return digits[k]
	}
	if k < 20 {
		return "十" + digits[k-10]
	}
	return fmt.Sprint(k)
}

// instructors: 225 党建指导员 reach every operating unit, town by town,
// each with two or three units and a visit or two.
func (pl *planner) instructors() {
	r, g, p := pl.r, pl.g, pl.p
	y0, today := p.YearStart, pl.today
	c := g.County.Name
	add := func(level, region, unitName string, fullTime bool) *instructorPlan {
		name := pl.unique(func() string { return personName(r) })
		phone := pick(r, []string{"135", "136", "137", "138", "139", "150", "151", "152", "158", "173", "177", "180", "187", "189", "199"}) +
			fmt.Sprintf("%08d", r.IntN(100000000))
		in := &instructorPlan{Name: name, Phone: phone, Unit: unitName, Level: level, Region: region, FullTime: fullTime}
		p.Instructors = append(p.Instructors, in)
		return in
	}
	county := []*instructorPlan{}
	for i, u := range []string{"中共" + c + "委组织部", c + "市场监督管理局", c + "工商业联合会", c + "民政局", c + "人力资源和社会保障局"} {
		county = append(county, add("区级", g.County.Code, u, i == 0))
	}
	byTown := make([][]int, len(g.Towns))
	total := 0
	for ui, u := range p.Units {
		if u.operating(pl.today) {
			byTown[u.town] = append(byTown[u.town], ui)
			total++
		}
	}
	left := pl.t.instructors - len(county)
	share := make([]int, len(g.Towns))
	given := 0
	for ti, us := range byTown {
		if len(us) > 0 {
			share[ti] = max(1, len(us)*left/total)
			given += share[ti]
		}
	}
	for ti := 0; given < left; ti = (ti + 1) % len(share) {
		if share[ti] > 0 && share[ti] < len(byTown[ti]) {
			share[ti]++
			given++
		}
	}
	for ti := len(share) - 1; given > left; ti = (ti + len(share) - 1) % len(share) {
		if share[ti] > 1 {
			share[ti]--
			given--
		}
	}
	for ti, us := range byTown {
		if share[ti] == 0 {
			continue
		}
		tw := g.Towns[ti]
		sort.SliceStable(us, func(a, b int) bool { return p.Units[us[a]].Region < p.Units[us[b]].Region })
		k := share[ti]
		for i := range k {
			part := us[i*len(us)/k : (i+1)*len(us)/k]
			region, level, unitName := tw.Code, "街道（乡镇）级", tw.Name+"党工委"
			if !tw.Street {
				unitName = tw.Name + "党委"
			}
			v := p.Units[part[0]].Region
			if len(v) == 12 && !slices.ContainsFunc(part, func(ui int) bool { return p.Units[ui].Region != v }) {
				region, level = v, "社区（村）级"
				for _, kid := range tw.Kids {
					if kid.Code == v {
						unitName = kid.Short + "党总支"
					}
				}
			}
			in := add(level, region, unitName, r.IntN(4) == 0)
			for _, ui := range part {
				u := p.Units[ui]
				from := between(r, maxTime(y0.AddDate(0, -10, 0), u.Reg.AddDate(0, 0, 15)), maxTime(y0.AddDate(0, 2, 0), u.Reg.AddDate(0, 0, 20)))
				from = minTime(from, today.AddDate(0, 0, -14))
				in.Assign = append(in.Assign, assignPlan{Unit: ui, From: from})
			}
		}
	}
	// The county's instructors keep an eye on the largest units too.
	var big []int
	for ui, u := range p.Units {
		if u.operating(today) && u.Employees >= 200 {
			big = append(big, ui)
		}
	}
	for i, ui := range big[:min(len(big), 2*len(county))] {
		in := county[i%len(county)]
		in.Assign = append(in.Assign, assignPlan{Unit: ui, From: maxTime(y0, p.Units[ui].Reg.AddDate(0, 0, 15))})
	}
	// Visits: one or two to the first units of each.
	for _, in := range p.Instructors {
		for k, a := range in.Assign {
			if k >= 2 {
				break
			}
			for range 1 + r.IntN(2) {
				in.Visits = append(in.Visits, visitPlan{Unit: a.Unit, On: between(r, a.From, today.AddDate(0, 0, -1)),
					Content: pick(r, visitContents), Problems: pick(r, visitProblems), Done: pick(r, visitSolved)})
			}
		}
		sort.SliceStable(in.Visits, func(i, j int) bool { return in.Visits[i].On.Before(in.Visits[j].On) })
	}
}
