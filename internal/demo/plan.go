package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"liangxin/internal/partyorg"
	"liangxin/internal/uscc"
)

// The plan is computed in memory first, from the seed, today's date and the
// real divisions, and only then written through the services. Nothing in
// here touches the database, so the same seed and day always give the same
// plan (see plan_test.go).

// place is a town (乡镇/街道) or a village (村/社区) of the jurisdiction.
type place struct {
	Code      string
	Name      string
	Short     string
	Street    bool // a 街道 (乡级 code 001–099)
	Community bool // a 社区 (村级 code 001–199)
	Kids      []place
}

// geo is the jurisdiction as the planner sees it.
type geo struct {
	County   place
	Towns    []place
	Hub      int    // the town of the 商圈 and the 楼宇 (洪桥街道)
	ParkTown int    // the town of the 园区
	District string // area codes
	Building string
	Park     string
	Grids    []grid
}

type grid struct{ Code, Village string }

// Zones of a unit.
const (
	zoneNone = iota
	zoneDistrict
	zoneBuilding
	zonePark
)

// Coverage mechanisms (how a unit is meant to be covered).
const (
	mechNone = iota
	mechSingle
	mechJoint
	mechDistrict
	mechBuilding
	mechPark
	mechIndustry
	mechCommunity
)

// unit is one planned organization.
type unit struct {
	Name, USCC, Category, Region, Industry string
	Areas                                  []string
	Employees, Full, Prob                  int
	Above, Owner, Charter, CharterParty    bool
	Tags                                   []string
	Reg, Closed, Planned                   time.Time
	Reason                                 string

	town  int // index in geo.Towns
	zone  int
	mech  int
	cover time.Time // planned start of coverage (zero: not covered)
	party int       // index of the covering party organization (-1: none)
	id    int64
}

func (u *unit) operating(day time.Time) bool {
	return !u.Reg.After(day) && (u.Closed.IsZero() || u.Closed.After(day))
}

// partyPlan is one planned party organization.
type partyPlan struct {
	Name, Kind, Formation, Region string
	Parent                        int // index, -1 for none
	Est, Term                     time.Time
	Initial                       []int // units covered from Est
	Later                         []int // units added later, each from its cover date
	Dissolve                      time.Time
	community                     bool // a 社区 regional branch, set up with its first unit
	id                            int64
}

// instructorPlan is one planned 党建指导员 with assignments and visits.
type instructorPlan struct {
	Name, Phone, Unit, Level, Region string
	FullTime                         bool
	Assign                           []assignPlan
	Visits                           []visitPlan
	id                               int64
}

type assignPlan struct {
	Unit     int
	From, To time.Time
}

type visitPlan struct {
	Unit                    int
	On                      time.Time
	Content, Problems, Done string
}

// Plan is everything the demo will write.
type plan struct {
	Today, YearAgo time.Time
	Units          []*unit
	Parties        []*partyPlan
	Instructors    []*instructorPlan
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func fmtDate(t time.Time) string { return t.Format("2006-01-02") }

func maxTime(ts ...time.Time) time.Time {
	m := ts[0]
	for _, t := range ts[1:] {
		if t.After(m) {
			m = t
		}
	}
	return m
}

// between returns a day in [lo, hi] (lo when the range is empty).
func between(r *rand.Rand, lo, hi time.Time) time.Time {
	n := int(hi.Sub(lo).Hours() / 24)
	if n <= 0 {
		return lo
	}
	return lo.AddDate(0, 0, r.IntN(n+1))
}

type planner struct {
	r       *rand.Rand
	g       *geo
	today   time.Time
	yearAgo time.Time
	p       *plan
	names   map[string]bool
	seqs    map[int]bool
	groups  []string // social group names still free
}

// makePlan builds the plan for n organizations.
func makePlan(seed uint64, today time.Time, g *geo, n int) *plan {
	pl := &planner{
		r:       rand.New(rand.NewPCG(seed, 0x6c69616e67786e)),
		g:       g,
		today:   today,
		yearAgo: today.AddDate(-1, 0, 0),
		p:       &plan{Today: today, YearAgo: today.AddDate(-1, 0, 0)},
		names:   map[string]bool{},
		seqs:    map[int]bool{},
		groups:  slices.Clone(groupNames),
	}
	pl.units(n)
	pl.closures()
	pl.coverage()
	pl.terms()
	pl.instructors()
	pl.reasons()
	return pl.p
}

// ---------------------------------------------------------------------------
// Organizations

func (pl *planner) units(n int) {
	g := pl.g
	hub := &g.Towns[g.Hub]
	// The 商圈 and its 楼宇 lie in the first communities of the hub street.
	centre := hub.Kids[:min(5, len(hub.Kids))]
	if g.District != "" {
		for i := range 10 {
			pl.add(g.Hub, centre[0].Code, zoneBuilding, i)
		}
		for i := range 14 {
			pl.add(g.Hub, pick(pl.r, centre).Code, zoneDistrict, i)
		}
	}
	if g.Park != "" {
		pt := &g.Towns[g.ParkTown]
		sites := pt.Kids
		if len(sites) > 3 {
			sites = sites[len(sites)-3:] // villages at the edge of town
		}
		for i := range 14 {
			pl.add(g.ParkTown, pick(pl.r, sites).Code, zonePark, i)
		}
	}
	// Two foundations registered at the county seat.
	for i := range 2 {
		u := pl.base(g.Hub, hub.Code, zoneNone)
		pl.foundation(u, i)
		pl.finish(u)
	}
	// The rest spread over every town, the streets weighted heavier.
	weights := make([]int, len(g.Towns))
	total := 0
	for i, t := range g.Towns {
		w := len(t.Kids) + 4
		if t.Street {
			w *= 6
		}
		if i == g.Hub {
			w = w * 3 / 2
		}
		weights[i] = w
		total += w
	}
	for len(pl.p.Units) < n {
		x, ti := pl.r.IntN(total), 0
		for x >= weights[ti] {
			x -= weights[ti]
			ti++
		}
		t := &g.Towns[ti]
		region := t.Code
		if len(t.Kids) > 0 && pl.r.Float64() >= 0.12 {
			v := pick(pl.r, t.Kids)
			if t.Street && !v.Community && pl.r.Float64() < 0.75 {
				// Streets: businesses cluster in the 社区.
				for _, k := range t.Kids {
					if k.Community && pl.r.IntN(3) == 0 {
						v = k
						break
					}
				}
			}
			region = v.Code
		}
		pl.add(ti, region, zoneNone, -1)
	}
	// Grid membership for the units of gridded villages.
	for _, gr := range g.Grids {
		for _, u := range pl.p.Units {
			if u.Region == gr.Village && pl.r.Float64() < 0.6 {
				u.Areas = append(u.Areas, gr.Code)
			}
		}
	}
}

// base starts a unit in a town and region.
func (pl *planner) base(town int, region string, zone int) *unit {
	u := &unit{town: town, Region: region, zone: zone, party: -1}
	switch zone {
	case zoneBuilding:
		u.Areas = []string{pl.g.Building}
		u.Tags = append(u.Tags, "楼宇经济")
	case zoneDistrict:
		u.Areas = []string{pl.g.District}
	case zonePark:
		u.Areas = []string{pl.g.Park}
	}
	return u
}

// add plans one organization of the zone; i is its rank inside a special zone.
func (pl *planner) add(town int, region string, zone, i int) {
	r := pl.r
	u := pl.base(town, region, zone)
	switch zone {
	case zoneBuilding:
		switch {
		case i == 0:
			pl.enterprise(u, pl.tradeOf("K", "物业管理"))
		case r.Float64() < 0.35:
			pl.intermediary(u)
		default:
			pl.enterprise(u, pl.tradeIn("J", "L", "I", "M"))
		}
	case zoneDistrict:
		if r.IntN(2) == 0 {
			pl.individual(u)
		} else {
			pl.enterprise(u, pl.tradeIn("F", "H", "O", "R", "L", "I"))
		}
	case zonePark:
		switch x := r.Float64(); {
		case x < 0.7:
			pl.enterprise(u, pl.tradeIn("C"))
		case x < 0.85:
			pl.enterprise(u, pl.tradeOf("G", "物流"))
		default:
			pl.enterprise(u, pl.tradeIn("M", "E"))
		}
	default:
		switch x := r.Float64(); {
		case x < 0.36:
			pl.individual(u)
		case x < 0.86:
			pl.enterprise(u, pl.weightedTrade(enterpriseTrades))
		case x < 0.915 && len(pl.groups) > 0:
			pl.toCountySeat(u) // county-wide associations sit in town
			pl.group(u)
		case x < 0.97:
			pl.nonProfit(u)
		default:
			pl.intermediary(u)
		}
	}
	pl.finish(u)
}

// toCountySeat moves a unit planned in a rural town to a street.
func (pl *planner) toCountySeat(u *unit) {
	if pl.g.Towns[u.town].Street {
		return
	}
	var streets []int
	for i, t := range pl.g.Towns {
		if t.Street {
			streets = append(streets, i)
		}
	}
	if len(streets) == 0 {
		return
	}
	u.town = pick(pl.r, streets)
	t := pl.g.Towns[u.town]
	u.Region = t.Code
	if len(t.Kids) > 0 {
		u.Region = pick(pl.r, t.Kids).Code
	}
}

func (pl *planner) weightedTrade(list []trade) trade {
	total := 0
	for _, t := range list {
		total += t.weight
	}
	x := pl.r.IntN(total)
	for _, t := range list {
		if x < t.weight {
			return t
		}
		x -= t.weight
	}
	return list[len(list)-1]
}

func (pl *planner) tradeIn(industries ...string) trade {
	var list []trade
	for _, t := range enterpriseTrades {
		if t.category == catPrivate && slices.Contains(industries, t.industry) && t.tag != "网约车" {
			list = append(list, t)
		}
	}
	return pl.weightedTrade(list)
}

func (pl *planner) tradeOf(industry, word string) trade {
	for _, t := range enterpriseTrades {
		if t.industry == industry && slices.Contains(t.words, word) {
			t.words = []string{word}
			return t
		}
	}
	panic("demo: no trade " + industry + " " + word)
}

func (pl *planner) county() string { return pl.g.County.Name }

// unique retries fn until it gives a name not used yet.
func (pl *planner) unique(fn func() string) string {
	for range 50 {
		if n := fn(); !pl.names[n] {
			pl.names[n] = true
			return n
		}
	}
	for i := 2; ; i++ {
		if n := fn() + fmt.Sprintf("（%d）", i); !pl.names[n] {
			pl.names[n] = true
			return n
		}
	}
}

// logUniform draws a staff count skewed towards small units.
func (pl *planner) logUniform(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	f := float64(lo) * math.Pow(float64(hi)/float64(lo), math.Pow(pl.r.Float64(), 1.6))
	return max(lo, min(hi, int(f+0.5)))
}

func (pl *planner) enterprise(u *unit, t trade) {
	r := pl.r
	u.Category, u.Industry = t.category, t.industry
	word := pick(r, t.words)
	c, town := pl.county(), pl.g.Towns[u.town].Short
	u.Name = pl.unique(func() string {
		suffix := pick(r, t.suffixes)
		if t.category == catForeign {
			return "湖南" + pick(r, brands) + word + suffix
		}
		switch x := r.Float64(); {
		case x < 0.45:
			return c + pick(r, brands) + word + suffix
		case x < 0.60:
			return "湖南" + pick(r, brands) + word + suffix
		case x < 0.70:
			return "衡阳" + pick(r, brands) + word + suffix
		case x < 0.85:
			return c + town + word + suffix
		default:
			return shortName(c) + pick(r, brands) + word + suffix
		}
	})
	u.Employees = pl.logUniform(t.minEmp, t.maxEmp)
	if t.tag != "" && r.Float64() < t.tagP {
		u.Tags = append(u.Tags, t.tag)
	}
	u.Charter = r.Float64() < 0.6 || u.Employees >= 100
}

func (pl *planner) individual(u *unit) {
	r := pl.r
	s := pick(r, shops)
	u.Category, u.Industry = catIndividual, s.industry
	t := pl.g.Towns[u.town]
	u.Name = pl.unique(func() string {
		var owner string
		switch r.IntN(3) {
		case 0:
			owner = pick(r, surnames) + "记"
		case 1:
			owner = "老" + pick(r, surnames)
		default:
			owner = pick(r, brands)
		}
		return pl.county() + t.Name + owner + s.word
	})
	u.Employees = 3 + r.IntN(10)
	if s.tag != "" {
		u.Tags = append(u.Tags, s.tag)
	}
}

func (pl *planner) fill(pattern string, u *unit) string {
	return strings.NewReplacer("{c}", pl.county(), "{p}", pl.g.Towns[u.town].Short, "{b}", pick(pl.r, brands)).Replace(pattern)
}

func (pl *planner) group(u *unit) {
	i := pl.r.IntN(len(pl.groups))
	pattern := pl.groups[i]
	if !strings.Contains(pattern, "{p}") {
		pl.groups = slices.Delete(pl.groups, i, i+1)
	}
	u.Category, u.Industry = catGroup, "S"
	u.Name = pl.unique(func() string { return pl.fill(pattern, u) })
	u.Employees = 3 + pl.r.IntN(18)
	u.Charter = true
}

func (pl *planner) nonProfit(u *unit) {
	n := pick(pl.r, nonProfitNames)
	u.Category, u.Industry = catNonProfit, n.industry
	u.Name = pl.unique(func() string { return pl.fill(n.pattern, u) })
	u.Employees = pl.logUniform(6, 150)
	u.Charter = true
}

func (pl *planner) foundation(u *unit, i int) {
	u.Category, u.Industry = catFoundation, "S"
	u.Name = pl.unique(func() string { return pl.fill(foundationNames[i%len(foundationNames)], u) })
	u.Employees = 3 + pl.r.IntN(5)
	u.Charter = true
}

func (pl *planner) intermediary(u *unit) {
	n := pick(pl.r, intermediaryNames)
	u.Category, u.Industry = catIntermed, n.industry
	u.Name = pl.unique(func() string { return pl.fill(n.pattern, u) })
	u.Employees = pl.logUniform(3, 40)
	u.Charter = true
	u.USCC = pl.code(n.registering, n.kind, pl.g.County.Code)
}

// code generates a fresh, valid 统一社会信用代码.
func (pl *planner) code(registering, kind byte, division string) string {
	for {
		seq := 10000000 + pl.r.IntN(89999999)
		if !pl.seqs[seq] {
			pl.seqs[seq] = true
			return uscc.Generate(registering, kind, division, seq)
		}
	}
}

// finish draws the staff-dependent fields: members, scale, dates, the code.
func (pl *planner) finish(u *unit) {
	r := pl.r
	// Members.
	switch {
	case u.Category == catIndividual:
		switch x := r.Float64(); {
		case x < 0.80:
		case x < 0.95:
			u.Full = 1
		default:
			u.Full = 2
		}
	case u.Category == catFoundation:
		u.Full = 1 + r.IntN(3)
	default:
		e := u.Employees
		x := r.Float64()
		var p0, p12 float64
		var lo, hi int
		switch {
		case e < 15:
			p0, p12, lo, hi = 0.55, 0.30, 3, 4
		case e < 50:
			p0, p12, lo, hi = 0.35, 0.30, 3, 8
		case e < 150:
			p0, p12, lo, hi = 0.15, 0.20, 3, 20
		default:
			p0, p12, lo, hi = 0.05, 0.05, 8, min(120, e/4)
		}
		switch {
		case x < p0:
		case x < p0+p12:
			u.Full = 1 + r.IntN(2)
		default:
			u.Full = lo + r.IntN(hi-lo+1)
		}
	}
	if u.Full >= 3 && r.Float64() < 0.3 {
		u.Prob = 1 + r.IntN(2)
	} else if u.Full > 0 && r.Float64() < 0.1 {
		u.Prob = 1
	}
	if u.Full >= 3 && 2*(u.Full+u.Prob) > u.Employees {
		u.Employees = 2*(u.Full+u.Prob) + r.IntN(8)
	} else if u.Full+u.Prob > u.Employees {
		u.Employees = u.Full + u.Prob + r.IntN(5)
	}
	u.Owner = u.Full > 0 && r.Float64() < 0.3
	u.CharterParty = u.Charter && u.Full >= 3 && r.Float64() < 0.5
	switch u.Industry {
	case "C", "E", "F":
		u.Above = u.Employees >= 100 || (u.Employees >= 50 && r.Float64() < 0.3)
	default:
		u.Above = u.Employees >= 100
	}
	// Registered: 2005 onwards, more in recent years.
	first := 2005
	last := pl.today.Year()
	total := 0.0
	for y := first; y <= last; y++ {
		total += 1 + 0.3*float64(y-first)
	}
	x := r.Float64() * total
	y := first
	for ; y < last; y++ {
		w := 1 + 0.3*float64(y-first)
		if x < w {
			break
		}
		x -= w
	}
	u.Reg = between(r, date(y, 1, 1), date(y, 12, 31))
	if lim := pl.today.AddDate(0, 0, -20); u.Reg.After(lim) {
		u.Reg = between(r, pl.yearAgo, lim)
	}
	// The code.
	if u.USCC == "" {
		switch u.Category {
		case catIndividual:
			if u.Reg.Before(date(2016, 10, 1)) && r.IntN(2) == 0 {
				break // an old 个体工商户 never given a unified code
			}
			u.USCC = pl.code('9', '2', pl.g.County.Code)
		case catGroup:
			u.USCC = pl.code('5', '1', pl.g.County.Code)
		case catNonProfit:
			u.USCC = pl.code('5', '2', pl.g.County.Code)
		case catFoundation:
			u.USCC = pl.code('5', '3', pl.g.County.Code)
		default:
			division := pl.g.County.Code
			if u.Employees >= 100 && r.Float64() < 0.3 {
				division = division[:4] + "00" // registered with the city
			}
			u.USCC = pl.code('9', '1', division)
		}
	}
	pl.p.Units = append(pl.p.Units, u)
}

// closures: a handful of units closed (注销/吊销) during the past year, one
// of them a unit with its own old branch (dissolved when it closed).
func (pl *planner) closures() {
	r := pl.r
	old := pl.yearAgo.AddDate(-3, 0, 0)
	var withBranch, others []*unit
	for _, u := range pl.p.Units {
		if !u.Reg.Before(old) || u.zone != zoneNone {
			continue
		}
		if u.Full >= 3 && u.Full < 20 && u.Category == catPrivate {
			withBranch = append(withBranch, u)
		} else if u.Full < 3 {
			others = append(others, u)
		}
	}
	close := func(u *unit) {
		u.Closed = between(r, pl.yearAgo.AddDate(0, 0, 60), pl.today.AddDate(0, 0, -10))
	}
	if len(withBranch) > 0 {
		u := pick(r, withBranch)
		close(u)
		u.mech = mechSingle
		u.cover = between(r, u.Reg.AddDate(1, 0, 0), pl.yearAgo.AddDate(-2, 0, 0))
	}
	r.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	for _, u := range others[:min(6, len(others))] {
		close(u)
	}
}

// ---------------------------------------------------------------------------
// Coverage: the party organizations and whom they cover from when.

func (pl *planner) party(p *partyPlan) int {
	pl.p.Parties = append(pl.p.Parties, p)
	return len(pl.p.Parties) - 1
}

// choose draws the day a unit becomes covered under a party organization
// that exists from lo: with chance pOld before a year ago (within span
// before it), otherwise during the past year; zero when not covered.
func (pl *planner) choose(u *unit, lo time.Time, pCover, pOld float64, span int) time.Time {
	r := pl.r
	if r.Float64() >= pCover {
		return time.Time{}
	}
	earliest := maxTime(lo, u.Reg.AddDate(0, 2, 0))
	old := r.Float64() < pOld
	if !u.Closed.IsZero() {
		old = true
	}
	if old {
		hi := pl.yearAgo.AddDate(0, 0, -10)
		if !u.Closed.IsZero() && u.Closed.AddDate(0, 0, -30).Before(hi) {
			hi = u.Closed.AddDate(0, 0, -30)
		}
		from := maxTime(earliest, pl.yearAgo.AddDate(0, 0, -span))
		if !from.After(hi) {
			return between(r, from, hi)
		}
		if !u.Closed.IsZero() {
			return time.Time{}
		}
	}
	from := maxTime(earliest, pl.yearAgo.AddDate(0, 0, 5))
	hi := pl.today.AddDate(0, 0, -7)
	if from.After(hi) {
		return time.Time{}
	}
	return between(r, from, hi)
}

func (pl *planner) coverage() {
	r, g := pl.r, pl.g
	y := pl.today.Year()
	root := pl.party(&partyPlan{Name: g.County.Name + "两新组织综合党委", Kind: partyorg.KindCommittee, Formation: partyorg.FormationRegional,
		Region: g.County.Code, Parent: -1, Est: between(r, date(y-14, 6, 1), date(y-14, 7, 31))})
	// The "7": street committees, the 商圈, the 园区 and the industry.
	streetParty := make([]int, len(g.Towns))
	n := 0
	for i, t := range g.Towns {
		streetParty[i] = root
		if !t.Street {
			continue
		}
		kind, suffix := partyorg.KindCommittee, "两新组织综合党委"
		if n >= 2 {
			kind, suffix = partyorg.KindGeneralBranch, "两新组织综合党总支"
		}
		streetParty[i] = pl.party(&partyPlan{Name: t.Name + suffix, Kind: kind, Formation: partyorg.FormationRegional,
			Region: t.Code, Parent: root, Est: between(r, date(y-11+n, 3, 1), date(y-11+n, 10, 31))})
		n++
	}
	district, building, park := -1, -1, -1
	if g.District != "" {
		district = pl.party(&partyPlan{Name: g.Towns[g.Hub].Short + "商圈党委", Kind: partyorg.KindCommittee, Formation: partyorg.FormationRegional,
			Region: g.District, Parent: streetParty[g.Hub], Est: between(r, pl.yearAgo.AddDate(-2, -4, 0), pl.yearAgo.AddDate(-2, 0, 0))})
		building = pl.party(&partyPlan{Name: "金融大厦楼宇党支部", Kind: partyorg.KindBranch, Formation: partyorg.FormationRegional,
			Region: g.Building, Parent: district, Est: between(r, pl.yearAgo.AddDate(0, 0, -300), pl.yearAgo.AddDate(0, 0, -150))})
	}
	if g.Park != "" {
		park = pl.party(&partyPlan{Name: shortName(g.County.Name) + "工业园综合党委", Kind: partyorg.KindCommittee, Formation: partyorg.FormationRegional,
			Region: g.Park, Parent: streetParty[g.ParkTown], Est: between(r, pl.yearAgo.AddDate(-1, -6, 0), pl.yearAgo.AddDate(-1, 0, 0))})
	}
	industry := pl.party(&partyPlan{Name: g.County.Name + "快递物流行业党总支", Kind: partyorg.KindGeneralBranch, Formation: partyorg.FormationIndustry,
		Region: g.County.Code, Parent: root, Est: between(r, pl.yearAgo.AddDate(0, 0, -200), pl.yearAgo.AddDate(0, 0, -60))})

	// Where the units' own branches hang in the tree.
	parentOf := func(u *unit) int {
		switch {
		case (u.zone == zoneBuilding || u.zone == zoneDistrict) && district >= 0:
			return district
		case u.zone == zonePark && park >= 0:
			return park
		case hasTag(u, "快递"):
			return industry
		}
		return streetParty[u.town]
	}
	// Communities (and villages) with a regional branch: in each street up to
	// five with the most units that have no member.
	community := map[string]int{}
	for ti, t := range g.Towns {
		if !t.Street {
			continue
		}
		count := map[string]int{}
		for _, u := range pl.p.Units {
			if u.town == ti && u.zone == zoneNone && u.Full == 0 && len(u.Region) == 12 && u.Region != "" {
				count[u.Region]++
			}
		}
		var vs []place
		for _, v := range t.Kids {
			if count[v.Code] >= 2 {
				vs = append(vs, v)
			}
		}
		sort.SliceStable(vs, func(i, j int) bool { return count[vs[i].Code] > count[vs[j].Code] })
		for _, v := range vs[:min(5, len(vs))] {
			community[v.Code] = pl.party(&partyPlan{Name: t.Name + v.Short + "两新组织区域党支部", Kind: partyorg.KindBranch,
				Formation: partyorg.FormationRegional, Region: v.Code, Parent: streetParty[ti], community: true})
		}
	}
	// Towns (镇/乡) with several such units get one regional branch for the town.
	for ti, t := range g.Towns {
		if t.Street {
			continue
		}
		n := 0
		for _, u := range pl.p.Units {
			if u.town == ti && u.zone == zoneNone && u.Full == 0 {
				n++
			}
		}
		if n >= 4 {
			community[t.Code] = pl.party(&partyPlan{Name: t.Name + "两新组织区域党支部", Kind: partyorg.KindBranch,
				Formation: partyorg.FormationRegional, Region: t.Code, Parent: root, community: true})
		}
	}
	areaBranch := func(u *unit) int {
		if c := community[u.Region]; c > 0 {
			return c
		}
		if !g.Towns[u.town].Street {
			return community[g.Towns[u.town].Code]
		}
		return 0
	}

	// Decide each unit's mechanism and day: pOld is the chance that a unit
	// covered today was already covered a year ago.
	const pOld = 0.63
	for _, u := range pl.p.Units {
		if u.mech == mechSingle { // the closed unit with an old branch
			par := parentOf(u)
			u.cover = maxTime(u.cover, pl.partyAt(par).Est.AddDate(0, 1, 0))
			u.party = pl.single(u, par)
			continue
		}
		switch {
		case u.Full >= partyorg.MinSingleMembers:
			u.mech = mechSingle
			par := parentOf(u)
			span := 365
			if r.Float64() < 0.25 {
				span = 365 * 10
			}
			if u.cover = pl.choose(u, pl.partyAt(par).Est, 0.92, pOld, span); !u.cover.IsZero() {
				u.party = pl.single(u, par)
			}
		case u.zone == zoneBuilding:
			pl.regional(u, building, mechBuilding, 0.92, pOld)
		case u.zone == zoneDistrict:
			pl.regional(u, district, mechDistrict, 0.88, pOld)
		case u.zone == zonePark:
			pl.regional(u, park, mechPark, 0.88, pOld-0.05)
		case u.Industry == "G" && (hasTag(u, "快递") || hasTag(u, "外卖")) && u.Closed.IsZero():
			pl.regional(u, industry, mechIndustry, 0.9, pOld-0.2)
		case u.Full > 0 && u.Closed.IsZero():
			u.mech = mechJoint
			u.cover = pl.choose(u, pl.partyAt(streetParty[u.town]).Est, 0.93, pOld, 730)
		case areaBranch(u) > 0:
			u.mech = mechCommunity
			if u.cover = pl.choose(u, pl.partyAt(streetParty[u.town]).Est, 0.92, pOld, 730); !u.cover.IsZero() {
				u.party = areaBranch(u)
			}
		case u.Closed.IsZero() && g.Towns[u.town].Street:
			u.mech = mechJoint
			u.cover = pl.choose(u, pl.partyAt(streetParty[u.town]).Est, 0.72, pOld-0.1, 730)
		case u.Closed.IsZero():
			u.mech = mechJoint
			u.cover = pl.choose(u, pl.partyAt(streetParty[u.town]).Est, 0.7, pOld-0.1, 730)
		}
	}
	// Joint branches, town by town; units left over go to the regional
	// branch of their town or community when there is one.
	for ti := range g.Towns {
		pl.joint(ti, streetParty[ti], areaBranch)
	}
	// Community branches: set up when their first unit is covered.
	for pi, p := range pl.p.Parties {
		if !p.community {
			continue
		}
		var us []int
		for ui, u := range pl.p.Units {
			if u.party == pi && !u.cover.IsZero() {
				us = append(us, ui)
			}
		}
		sort.SliceStable(us, func(i, j int) bool { return pl.p.Units[us[i]].cover.Before(pl.p.Units[us[j]].cover) })
		if len(us) == 0 {
			p.Est = pl.yearAgo.AddDate(0, 0, 30)
			continue
		}
		p.Est = pl.p.Units[us[0]].cover
		for _, ui := range us {
			if pl.p.Units[ui].cover.Equal(p.Est) {
				p.Initial = append(p.Initial, ui)
			} else {
				p.Later = append(p.Later, ui)
			}
		}
	}
	// Units planned but not placed are not covered.
	for _, u := range pl.p.Units {
		if u.party < 0 {
			u.cover = time.Time{}
		}
	}
}

func (pl *planner) partyAt(i int) *partyPlan { return pl.p.Parties[i] }

func hasTag(u *unit, tag string) bool { return slices.Contains(u.Tags, tag) }

// single plans the unit's own party organization, sized by its members.
func (pl *planner) single(u *unit, parent int) int {
	kind, suffix := partyorg.KindBranch, "党支部"
	switch {
	case u.Full >= partyorg.MinCommittee:
		kind, suffix = partyorg.KindCommittee, "委员会"
	case u.Full >= partyorg.MinGeneralBranch:
		kind, suffix = partyorg.KindGeneralBranch, "总支部委员会"
	}
	p := &partyPlan{Name: "中共" + u.Name + suffix, Kind: kind, Formation: partyorg.FormationSingle, Parent: parent, Est: u.cover}
	if !u.Closed.IsZero() {
		p.Dissolve = u.Closed
	}
	i := pl.party(p)
	p.Initial = []int{pl.index(u)}
	return i
}

func (pl *planner) index(u *unit) int { return slices.Index(pl.p.Units, u) }

// regional puts the unit under a regional or industry party organization:
// at its setting up, or added later.
func (pl *planner) regional(u *unit, party, mech int, pCover, pOld float64) {
	if party < 0 {
		return
	}
	p := pl.p.Parties[party]
	u.mech = mech
	u.cover = pl.choose(u, p.Est, pCover, pOld, 730)
	if u.cover.IsZero() {
		return
	}
	u.party = party
	i := pl.index(u)
	if u.cover.Before(pl.yearAgo) && !u.Reg.AddDate(0, 2, 0).After(p.Est) && pl.r.Float64() < 0.5 {
		u.cover = p.Est // one of the units it was set up with
	}
	if u.cover.Equal(p.Est) {
		p.Initial = append(p.Initial, i)
	} else {
		p.Later = append(p.Later, i)
	}
}

// joint groups the town's small units into 联合党支部 of 2–5 units with at
// least 3 full members between them.
func (pl *planner) joint(ti, parent int, fallback func(*unit) int) {
	r := pl.r
	var ms, zs []int
	for i, u := range pl.p.Units {
		if u.town != ti || u.mech != mechJoint || u.cover.IsZero() {
			continue
		}
		if u.Full > 0 {
			ms = append(ms, i)
		} else {
			zs = append(zs, i)
		}
	}
	byDay := func(list []int) {
		sort.SliceStable(list, func(a, b int) bool { return pl.p.Units[list[a]].cover.Before(pl.p.Units[list[b]].cover) })
	}
	byDay(ms)
	byDay(zs)
	type group struct {
		party int
		room  int
	}
	var groups []*group
	var cur []int
	members := 0
	t := pl.g.Towns[ti]
	words := map[string]int{}
	flush := func() {
		// Set up on the day one of them planned, once all of them exist.
		est := pl.p.Units[pick(r, cur)].cover
		for _, ui := range cur {
			est = maxTime(est, pl.p.Units[ui].Reg.AddDate(0, 2, 0))
		}
		name := t.Name + pl.jointWord(cur) + "联合党支部"
		words[name]++
		if k := words[name]; k > 1 {
			name = t.Name + pl.jointWord(cur) + "第" + []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}[min(k, 10)] + "联合党支部"
		}
		p := &partyPlan{Name: name, Kind: partyorg.KindBranch, Formation: partyorg.FormationJoint, Parent: parent, Est: est}
		pi := pl.party(p)
		for _, ui := range cur {
			p.Initial = append(p.Initial, ui)
			pl.p.Units[ui].party = pi
			pl.p.Units[ui].cover = est
		}
		groups = append(groups, &group{party: pi, room: min(5-len(cur), 2+r.IntN(2))})
		cur, members = nil, 0
	}
	for _, ui := range ms {
		cur = append(cur, ui)
		members += pl.p.Units[ui].Full
		if members >= 3 && len(cur) >= 2 {
			flush()
		}
	}
	// Left-over small units join the last group when it has room.
	var left []int
	for _, ui := range cur {
		if len(groups) > 0 {
			g := groups[len(groups)-1]
			if p := pl.p.Parties[g.party]; len(p.Initial)+len(p.Later) < 5 {
				p.Later = append(p.Later, ui)
				pl.p.Units[ui].party = g.party
				continue
			}
		}
		left = append(left, ui)
	}
	// Units without members fill the remaining room, in turn.
	k := 0
	for _, ui := range zs {
		placed := false
		for range groups {
			g := groups[k%len(groups)]
			k++
			if g.room > 0 {
				g.room--
				p := pl.p.Parties[g.party]
				u := pl.p.Units[ui]
				if u.cover.Before(p.Est) {
					u.cover = p.Est
					p.Initial = append(p.Initial, ui)
				} else {
					p.Later = append(p.Later, ui)
				}
				u.party = g.party
				placed = true
				break
			}
		}
		if !placed {
			left = append(left, ui)
		}
	}
	for _, ui := range left {
		if b := fallback(pl.p.Units[ui]); b > 0 {
			pl.p.Units[ui].party = b
		}
	}
}

// jointWord names a joint branch after what its units do.
func (pl *planner) jointWord(us []int) string {
	count := map[string]int{}
	best, bestN := "", 0
	for _, ui := range us {
		u := pl.p.Units[ui]
		w := "非公企业"
		switch {
		case u.Category == catIndividual:
			w = "个体工商户"
		case u.Category == catGroup || u.Category == catNonProfit || u.Category == catFoundation || u.Category == catIntermed:
			w = "社会组织"
		case u.Industry == "F":
			w = "商贸流通"
		case u.Industry == "C":
			w = "工业企业"
		case u.Industry == "E":
			w = "建筑企业"
		case u.Industry == "H":
			w = "餐饮服务"
		}
		count[w]++
		if count[w] > bestN || (count[w] == bestN && w < best) {
			best, bestN = w, count[w]
		}
	}
	return best
}

// ---------------------------------------------------------------------------
// Terms (换届): the current term started at the last re-election; a few are
// due within 90 days and two are overdue.

func (pl *planner) terms() {
	r := pl.r
	var older, soon []*partyPlan
	dueSoon := 0
	for i, p := range pl.p.Parties {
		years := partyorg.TermYears(p.Kind)
		p.Term = p.Est
		for p.Term.AddDate(years, 0, 0).Before(pl.today) {
			p.Term = p.Term.AddDate(years, 0, 0)
		}
		if p.Dissolve.IsZero() {
			if !p.Term.AddDate(years, 0, 0).After(pl.today.AddDate(0, 0, partyorg.RenewalNoticeDays)) {
				dueSoon++
				soon = append(soon, p)
			} else if i > 0 && p.Est.Before(pl.today.AddDate(-years, 0, -200)) {
				older = append(older, p)
			}
		}
	}
	// Beyond four falling due, the others held their election a little early.
	r.Shuffle(len(soon), func(i, j int) { soon[i], soon[j] = soon[j], soon[i] })
	for _, p := range soon[min(4, len(soon)):] {
		if t := pl.today.AddDate(0, 0, -(5 + r.IntN(55))); !t.Before(p.Est) {
			p.Term = t
			dueSoon--
		}
	}
	r.Shuffle(len(older), func(i, j int) { older[i], older[j] = older[j], older[i] })
	for i, p := range older {
		years := partyorg.TermYears(p.Kind)
		switch {
		case i < 2: // overdue by three weeks to five months
			p.Term = pl.today.AddDate(-years, 0, -(20 + r.IntN(130)))
		case dueSoon < 4:
			p.Term = pl.today.AddDate(-years, 0, 10+r.IntN(75))
			dueSoon++
		}
	}
}

// ---------------------------------------------------------------------------
// Instructors: guide units without a party organization (工作覆盖).

func (pl *planner) instructors() {
	r, g := pl.r, pl.g
	c := g.County.Name
	add := func(level, region, unit string, fullTime bool) {
		name := pl.unique(func() string { return personName(r) })
		phone := pick(r, []string{"135", "136", "137", "138", "139", "150", "151", "152", "158", "173", "177", "180", "187", "189", "199"}) +
			fmt.Sprintf("%08d", r.IntN(100000000))
		pl.p.Instructors = append(pl.p.Instructors, &instructorPlan{Name: name, Phone: phone, Unit: unit, Level: level, Region: region, FullTime: fullTime})
	}
	for i, u := range []string{"中共" + c + "委组织部", c + "市场监督管理局", c + "工商业联合会"} {
		add("区级", g.County.Code, u, i == 0)
	}
	// Uncovered units today, by town and village.
	uncovered := func(u *unit) bool { return u.cover.IsZero() && u.operating(pl.today) }
	byTown, byVillage := map[int]int{}, map[string]int{}
	for _, u := range pl.p.Units {
		if uncovered(u) {
			byTown[u.town]++
			if len(u.Region) == 12 {
				byVillage[u.Region]++
			}
		}
	}
	for ti, t := range g.Towns {
		if !t.Street {
			continue
		}
		k := 1
		if ti == g.Hub || byTown[ti] > 8 {
			k = 2
		}
		for range k {
			add("街道（乡镇）级", t.Code, t.Name+"党工委", r.IntN(2) == 0)
		}
	}
	towns := make([]int, 0, len(g.Towns))
	for ti, t := range g.Towns {
		if !t.Street {
			towns = append(towns, ti)
		}
	}
	sort.SliceStable(towns, func(i, j int) bool { return byTown[towns[i]] > byTown[towns[j]] })
	for _, ti := range towns[:min(4, len(towns))] {
		add("街道（乡镇）级", g.Towns[ti].Code, g.Towns[ti].Name+"党委", false)
	}
	var villages []place
	for _, t := range g.Towns {
		for _, v := range t.Kids {
			if byVillage[v.Code] > 0 {
				villages = append(villages, v)
			}
		}
	}
	sort.SliceStable(villages, func(i, j int) bool { return byVillage[villages[i].Code] > byVillage[villages[j].Code] })
	for _, v := range villages[:max(0, min(15-len(pl.p.Instructors), len(villages)))] {
		add("社区（村）级", v.Code, v.Short+"党总支", false)
	}
	// Assign: the nearest instructor with room.
	assign := func(ui int, from, to time.Time) bool {
		u := pl.p.Units[ui]
		best := -1
		for i, in := range pl.p.Instructors {
			if !strings.HasPrefix(u.Region, in.Region) || len(in.Assign) >= 7 {
				continue
			}
			if best < 0 || len(in.Region) > len(pl.p.Instructors[best].Region) ||
				(len(in.Region) == len(pl.p.Instructors[best].Region) && len(in.Assign) < len(pl.p.Instructors[best].Assign)) {
				best = i
			}
		}
		if best < 0 {
			return false
		}
		pl.p.Instructors[best].Assign = append(pl.p.Instructors[best].Assign, assignPlan{Unit: ui, From: from, To: to})
		return true
	}
	for ui, u := range pl.p.Units {
		lo := maxTime(pl.yearAgo.AddDate(0, 0, 3), u.Reg.AddDate(0, 0, 15))
		hi := pl.today.AddDate(0, 0, -14)
		switch {
		case uncovered(u) && r.Float64() < 0.7 && !lo.After(hi):
			assign(ui, between(r, lo, hi), time.Time{})
		case !u.cover.IsZero() && u.cover.After(pl.yearAgo.AddDate(0, 0, 60)) && u.mech != mechSingle && r.Float64() < 0.25:
			// Guided until the party organization took the unit in.
			from := between(r, maxTime(pl.yearAgo, u.Reg.AddDate(0, 0, 15)), u.cover.AddDate(0, 0, -30))
			if from.Before(u.cover) {
				var to time.Time
				if r.IntN(2) == 0 {
					to = u.cover
				}
				assign(ui, from, to)
			}
		}
	}
	// Visits: one or two to each unit guided, at least two per instructor.
	for _, in := range pl.p.Instructors {
		for k, a := range in.Assign {
			nv := r.IntN(3)
			if k < 2 {
				nv = max(nv, 1)
			}
			end := pl.today.AddDate(0, 0, -1)
			if !a.To.IsZero() {
				end = a.To
			}
			if len(in.Assign) == 1 {
				nv = 2 + r.IntN(2)
			}
			for range nv {
				in.Visits = append(in.Visits, visitPlan{Unit: a.Unit, On: between(r, a.From, end),
					Content: pick(r, visitContents), Problems: pick(r, visitProblems), Done: pick(r, visitSolved)})
			}
		}
		sort.SliceStable(in.Visits, func(i, j int) bool { return in.Visits[i].On.Before(in.Visits[j].On) })
	}
}

// reasons fills the ledger's "why no party organization yet" for units
// without one today.
func (pl *planner) reasons() {
	r := pl.r
	guided := map[int]bool{}
	for _, in := range pl.p.Instructors {
		for _, a := range in.Assign {
			if a.To.IsZero() {
				guided[a.Unit] = true
			}
		}
	}
	for ui, u := range pl.p.Units {
		if !u.cover.IsZero() || !u.operating(pl.today) {
			continue
		}
		switch {
		case u.Full >= partyorg.MinSingleMembers:
			u.Reason = pick(r, []string{"党员组织关系尚未转入，正在办理转接", "正在筹备，拟近期召开党员大会选举支部委员会", "党员分散在外地项目部，正在研究组建方式"})
			u.Planned = pl.today.AddDate(0, 0, 30+r.IntN(90))
		case u.Full > 0:
			u.Reason = "正式党员不足 3 名，拟与邻近单位联合组建党支部"
			if r.IntN(2) == 0 {
				u.Planned = pl.today.AddDate(0, 0, 60+r.IntN(120))
			}
		case guided[ui]:
			u.Reason = "暂无党员，已选派党建指导员开展工作覆盖"
		case r.IntN(2) == 0:
			u.Reason = "暂无党员"
		}
	}
}
