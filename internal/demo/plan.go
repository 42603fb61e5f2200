package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"liangxin/internal/civil"
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
	id                            int64
}

// instructorPlan is one planned 党建指导员 with assignments and visits.
type instructorPlan struct {
	Name, Phone, Unit, Level, Region string
	FullTime                         bool
	Assign                           []assignPlan
	Visits                           []visitPlan
	// Account is the demo account bound to this record, if any
	// (accountInstructors).
	Account string
	id      int64
}

type assignPlan struct {
	Unit     int
	From, To time.Time
}

type visitPlan struct {
	Unit                          int
	On                            time.Time
	Form, Content, Problems, Done string // Form "" is 走访
}

// Plan is everything the demo will write.
type plan struct {
	Today, YearStart time.Time // the demo's year: see fit.go
	Units            []*unit
	Parties          []*partyPlan
	Instructors      []*instructorPlan
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func fmtDate(t time.Time) string { return t.Format(civil.Layout) }

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
	yearAgo time.Time // the year start (fit.go)
	t       targets
	n       int
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
		yearAgo: yearStart(today),
		t:       scaledTargets(n),
		n:       n,
		p:       &plan{Today: today, YearStart: yearStart(today)},
		names:   map[string]bool{},
		seqs:    map[int]bool{},
		groups:  slices.Clone(groupNames),
	}
	pl.units(n)
	pl.fit()
	pl.terms()
	pl.instructors()
	pl.reasons()
	pl.accountInstructors()
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
		// As many social organizations as the seed has (186 of 611).
		social := 0
		for _, v := range pl.p.Units {
			if isSocialCategory(v.Category) {
				social++
			}
		}
		need, slots := pl.t.social-social, pl.n-len(pl.p.Units)
		if need > 0 && (need >= slots || r.Float64() < float64(need)/float64(slots)) {
			switch x := r.Float64(); {
			case x < 0.35 && len(pl.groups) > 0:
				pl.toCountySeat(u) // county-wide associations sit in town
				pl.group(u)
			case x < 0.8:
				pl.nonProfit(u)
			default:
				pl.intermediary(u)
			}
		} else if r.Float64() < 0.12 {
			pl.individual(u)
		} else {
			pl.enterprise(u, pl.weightedTrade(enterpriseTrades))
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

// ---------------------------------------------------------------------------
// Coverage: the party organizations and whom they cover from when.

func (pl *planner) party(p *partyPlan) int {
	pl.p.Parties = append(pl.p.Parties, p)
	return len(pl.p.Parties) - 1
}

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
	u.party = i
	return i
}

func (pl *planner) index(u *unit) int { return slices.Index(pl.p.Units, u) }

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
				if i > 0 { // the county's 综合党委 stays due (fit.go)
					soon = append(soon, p)
				}
			} else if i > 0 && p.Est.Before(pl.today.AddDate(-years, 0, -200)) {
				older = append(older, p)
			}
		}
	}
	// Beyond four falling due (the county's and three others), the others
	// held their election a little early.
	r.Shuffle(len(soon), func(i, j int) { soon[i], soon[j] = soon[j], soon[i] })
	for _, p := range soon[min(3, len(soon)):] {
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
