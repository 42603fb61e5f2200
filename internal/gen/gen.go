// Package gen fills an empty ledger with a large synthetic but realistic
// jurisdiction — 两新组织 spread over the jurisdiction's real towns and
// villages, party organizations covering them with dated cover links,
// instructor assignments and a member roster whose personal data is sealed
// exactly as the member service seals it — fast enough for province scale:
// COPY on PostgreSQL, one transaction of prepared multi-row INSERTs on SQLite,
// secondary indexes and foreign keys set aside during the load.
//
// The plain data depends only on the seed, the sizes and the end date
// (sealed values use random nonces, like every sealed value).
package gen

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"runtime"
	"strings"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
	"liangxin/internal/coverspan"
	"liangxin/internal/meeting"
	"liangxin/internal/org"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// Options are the sizes and shape of a generated ledger.
type Options struct {
	Orgs        int // 两新组织
	PartyOrgs   int // party organizations
	Members     int // roster members
	Instructors int // 党建指导员 (-1: Orgs/500, at least 1)
	Assignments int // instructor assignments (-1: Orgs/10)
	Years       int // years of history ending at Today
	Seed        uint64
	// Today is the last day of the history (zero: today).
	Today time.Time
	// Workers seal members in parallel (0: GOMAXPROCS).
	Workers int
	// Log receives progress lines (nil: none).
	Log io.Writer
}

// Preset is a named set of options with its default jurisdiction.
type Preset struct {
	Name         string
	Jurisdiction string
	Options      Options
}

// Presets lists the named sizes: county (the demo county at a million
// organizations, for SQLite), province (issue 19: 1,000,000 organizations,
// 200,000 party organizations, 3,000,000 members, ten years) and 10m (ten
// million organizations with a proportional number of party organizations
// and no roster: what coverage needs).
func Presets() []Preset {
	return []Preset{
		{"small", "430426", Options{Orgs: 10000, PartyOrgs: 2000, Members: 20000, Instructors: -1, Assignments: -1, Years: 10}},
		{"county", "430426", Options{Orgs: 1000000, PartyOrgs: 200000, Members: 1000000, Instructors: -1, Assignments: -1, Years: 10}},
		{"province", "43", Options{Orgs: 1000000, PartyOrgs: 200000, Members: 3000000, Instructors: -1, Assignments: -1, Years: 10}},
		{"10m", "43", Options{Orgs: 10000000, PartyOrgs: 2000000, Members: 0, Instructors: -1, Assignments: -1, Years: 10}},
	}
}

// PresetByName finds a preset.
func PresetByName(name string) (Preset, bool) {
	for _, p := range Presets() {
		if p.Name == name {
			return p, true
		}
	}
	return Preset{}, false
}

// Summary is what a run wrote and how long it took.
type Summary struct {
	Jurisdiction string
	Regions      int
	Orgs         int
	PartyOrgs    int
	Covers       int
	Instructors  int
	Assignments  int
	Members      int
	Load         time.Duration
	Indexes      time.Duration
	Derived      time.Duration
	Analyze      time.Duration
}

// Print writes the summary in Chinese.
func (s Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "辖区 %s：%d 个乡镇（街道）和村（社区）\n", s.Jurisdiction, s.Regions)
	fmt.Fprintf(w, "两新组织 %d 个，党组织 %d 个，覆盖关系 %d 条，党建指导员 %d 名，选派记录 %d 条，党员 %d 名\n",
		s.Orgs, s.PartyOrgs, s.Covers, s.Instructors, s.Assignments, s.Members)
	fmt.Fprintf(w, "载入 %.1f 秒，重建索引 %.1f 秒，重建覆盖数据 %.1f 秒，更新统计信息 %.1f 秒\n",
		s.Load.Seconds(), s.Indexes.Seconds(), s.Derived.Seconds(), s.Analyze.Seconds())
}

// maxMembersPerDay bounds the members born on one day (ID numbers: odd
// sequence numbers for men, even for women, 001–998).
const maxMembersPerDay = 499

// birthSpan is the number of birth days members are drawn from (ages 20–75).
const birthSpan = 55 * 365

func (o *Options) check() error {
	verr := apperr.Invalid()
	if o.Orgs < 1 {
		verr.Field("orgs", "两新组织数量应为正整数")
	}
	if o.PartyOrgs < 0 || o.PartyOrgs > o.Orgs {
		verr.Field("party_orgs", "党组织数量应在 0 到两新组织数量之间")
	}
	if o.Members < 0 || o.Members > maxMembersPerDay*birthSpan {
		verr.Field("members", fmt.Sprintf("党员数量应在 0 到 %d 之间", maxMembersPerDay*birthSpan))
	} else if o.Members > 0 && o.PartyOrgs == 0 {
		verr.Field("members", "生成党员须先有党组织（党组织数量大于 0）")
	}
	if o.Years < 1 || o.Years > 50 {
		verr.Field("years", "历史年数应在 1 到 50 之间")
	}
	if len(verr.Fields) > 0 {
		return verr
	}
	if o.Instructors < 0 {
		o.Instructors = max(1, o.Orgs/500)
	}
	if o.Assignments < 0 {
		o.Assignments = o.Orgs / 10
	}
	if o.Instructors == 0 {
		o.Assignments = 0
	}
	if o.Today.IsZero() {
		o.Today = time.Now()
	}
	o.Today = time.Date(o.Today.Year(), o.Today.Month(), o.Today.Day(), 0, 0, 0, 0, time.UTC)
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return nil
}

// tables are the tables a run fills, in load order.
var tables = []string{"organizations", "party_orgs", "party_org_covers", "instructors", "instructor_assignments", "members", "member_memberships"}

// Run generates the ledger into db, which must be migrated, have its
// jurisdiction initialised and hold no organization, party organization,
// instructor or member. prot seals the members' personal data.
func Run(ctx context.Context, db *store.DB, prot *pdata.Protector, o Options) (Summary, error) {
	if err := o.check(); err != nil {
		return Summary{}, err
	}
	var sum Summary
	if err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'jurisdiction'`).Scan(&sum.Jurisdiction); err != nil {
		if err == sql.ErrNoRows {
			return sum, apperr.InvalidField("jurisdiction", "数据库尚未设置辖区，请先用 --jurisdiction 指定")
		}
		return sum, err
	}
	for _, t := range []string{"organizations", "party_orgs", "instructors", "members"} {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return sum, err
		}
		if n > 0 {
			return sum, apperr.Conflict("台账不是空的（" + t + " 已有数据）：生成数据只能写入新建的空数据库")
		}
	}
	codes, err := regionCodes(ctx, db, sum.Jurisdiction)
	if err != nil {
		return sum, err
	}
	sum.Regions = len(codes)
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	start := time.Now()
	g := newLedger(o, codes)
	logf("生成台账（内存中）用时 %s", time.Since(start).Round(time.Millisecond))

	l, err := openLoader(ctx, db)
	if err != nil {
		return sum, err
	}
	defer l.close()
	if l.journal != "" {
		logf("SQLite 载入期间的日志模式：%s", l.journal)
	}
	if err := l.begin(); err != nil {
		return sum, err
	}
	saved, err := l.dropSecondary()
	if err != nil {
		l.rollback()
		return sum, err
	}
	now := store.FormatTime(time.Now())
	counts := map[string]int{}
	ts0, stop := g.tables(now, prot, o.Workers)
	defer stop()
	for _, t := range ts0 {
		ts := time.Now()
		n, err := l.load(t)
		if err != nil {
			l.rollback()
			return sum, fmt.Errorf("写入 %s 失败：%w", t.name, err)
		}
		counts[t.name] = n
		logf("%-24s %9d 行，用时 %s", t.name, n, time.Since(ts).Round(time.Millisecond))
	}
	sum.Load = time.Since(start)
	ts := time.Now()
	if err := l.restore(saved); err != nil {
		l.rollback()
		return sum, fmt.Errorf("重建索引失败：%w", err)
	}
	if err := l.commit(); err != nil {
		return sum, err
	}
	sum.Indexes = time.Since(ts)
	logf("重建索引和外键用时 %s", sum.Indexes.Round(time.Millisecond))
	if err := l.close(); err != nil {
		return sum, err
	}
	sum.Orgs, sum.PartyOrgs, sum.Covers = counts["organizations"], counts["party_orgs"], counts["party_org_covers"]
	sum.Instructors, sum.Assignments, sum.Members = counts["instructors"], counts["instructor_assignments"], counts["members"]

	// Statistics first, so that the rebuild's queries are planned on the
	// loaded sizes rather than on empty tables.
	ts = time.Now()
	if err := analyze(ctx, db, tables, false); err != nil {
		return sum, err
	}
	sum.Analyze = time.Since(ts)
	ts = time.Now()
	if err := rebuildDerived(ctx, db, logf); err != nil {
		return sum, fmt.Errorf("重建覆盖数据失败：%w", err)
	}
	sum.Derived = time.Since(ts)
	logf("重建覆盖数据用时 %s", sum.Derived.Round(time.Millisecond))
	ts = time.Now()
	if err := analyze(ctx, db, append(append([]string{}, tables...), "coverage_spans"), true); err != nil {
		return sum, err
	}
	sum.Analyze += time.Since(ts)
	logf("更新统计信息用时 %s", sum.Analyze.Round(time.Millisecond))
	return sum, nil
}

// rebuildDerived recomputes every table derived from the ledger after a
// load that bypassed the services. Add further derived data here. The
// coverage spans and counts go through coverspan.RebuildBulk, which writes
// what coverspan.Rebuild writes without staging the count changes in the
// database (issue 18 target 4).
func rebuildDerived(ctx context.Context, db *store.DB, logf func(format string, args ...any)) error {
	ts := time.Now()
	if err := coverspan.RebuildBulkLog(ctx, db, logf); err != nil {
		return err
	}
	logf("重建覆盖区间和覆盖计数用时 %s", time.Since(ts).Round(time.Millisecond))
	ts = time.Now()
	if err := meeting.RebuildSlots(ctx, db, time.Now); err != nil {
		return err
	}
	logf("重建组织生活合规时段用时 %s", time.Since(ts).Round(time.Millisecond))
	return nil
}

// analyze gathers the planner's statistics of the tables; on PostgreSQL
// with vacuum it also sets the visibility map and hint bits that autovacuum
// would otherwise set in the middle of the first reads.
func analyze(ctx context.Context, db *store.DB, names []string, vacuum bool) error {
	if db.Dialect == store.Postgres {
		cmd := "ANALYZE "
		if vacuum {
			cmd = "VACUUM (ANALYZE) "
		}
		_, err := db.ExecContext(ctx, cmd+strings.Join(names, ", "))
		return err
	}
	if !vacuum {
		// The rebuild reads every table: ANALYZE once before it.
		_, err := db.ExecContext(ctx, "ANALYZE")
		return err
	}
	_, err := db.ExecContext(ctx, "ANALYZE coverage_spans")
	return err
}

// regionCodes lists the towns and villages of the jurisdiction.
func regionCodes(ctx context.Context, db *store.DB, j string) ([]string, error) {
	rows, err := db.QueryContext(ctx, db.Rebind(`SELECT code FROM regions WHERE code >= ? AND code < ? AND level IN (4, 5) ORDER BY code`), j, j+"~")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		codes = append(codes, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(codes) == 0 {
		return nil, apperr.InvalidField("jurisdiction", "辖区 "+j+" 下没有乡镇（街道）或村（社区）区划")
	}
	return codes, nil
}

// ---------------------------------------------------------------- the ledger in memory

// Days are counted from 1970-01-01; 0 means none.
type day int32

func toDay(t time.Time) day { return day(t.Unix() / 86400) }

type orgRow struct {
	region     int32
	registered day
	closed     day
	category   uint8
	industry   int8 // -1: none
	employees  int32
	full, prob uint8
}

type partyRow struct {
	formation   uint8
	kind        uint8
	region      int32
	established day
	dissolved   day
	firstUnit   int32 // 0: none
}

type coverRow struct {
	party, org int32
	from, to   day
}

type assignRow struct {
	instructor, org int32
	from, to        day
}

var formations = []string{"single", "joint", "regional", "industry"}
var kinds = []string{"branch", "general_branch", "committee"}

type ledger struct {
	o        Options
	codes    []string
	start    day // first day of the history
	end      day // last day (today)
	dates    map[day]string
	orgs     []orgRow // index = id - 1
	party    []partyRow
	covers   []coverRow
	assigns  []assignRow
	nInstr   int
	instrReg []int32
}

func (g *ledger) date(d day) string {
	if s, ok := g.dates[d]; ok {
		return s
	}
	s := time.Unix(int64(d)*86400, 0).UTC().Format(civil.Layout)
	g.dates[d] = s
	return s
}

func (g *ledger) dateOrNil(d day) any {
	if d == 0 {
		return nil
	}
	return g.date(d)
}

func between(r *mrand.Rand, from, to day) day {
	if to <= from {
		return from
	}
	return from + day(r.IntN(int(to-from)+1))
}

// newLedger draws everything but the members (drawn while they are written).
func newLedger(o Options, codes []string) *ledger {
	g := &ledger{o: o, codes: codes, end: toDay(o.Today), dates: map[day]string{}}
	g.start = toDay(o.Today.AddDate(-o.Years, 0, 0))
	r := mrand.New(mrand.NewPCG(o.Seed, 1))
	catWeights := []int{40, 35, 2, 5, 8, 7, 1, 2} // per cent, in org.Categories() order
	nInd := len(org.Industries())
	// Organizations: 80% registered during the history, the rest up to
	// twenty years before it; 3% closed since.
	g.orgs = make([]orgRow, o.Orgs)
	for i := range g.orgs {
		x := &g.orgs[i]
		x.region = int32(r.IntN(len(codes)))
		w, ci := r.IntN(100), 0
		for w >= catWeights[ci] {
			w -= catWeights[ci]
			ci++
		}
		x.category = uint8(ci)
		x.industry = -1
		if r.IntN(20) > 0 {
			x.industry = int8(r.IntN(nInd))
		}
		x.employees = int32(1 + r.IntN(10))
		if r.IntN(10) == 0 {
			x.employees = int32(10 + r.IntN(500))
		}
		// Declared members never exceed the staff (org rules).
		full := min(int32(r.IntN(8)), x.employees)
		x.full, x.prob = uint8(full), uint8(min(int32(r.IntN(3)), x.employees-full))
		if r.IntN(5) == 0 {
			x.registered = between(r, g.start-20*365, g.start)
		} else {
			x.registered = between(r, g.start, g.end)
		}
		if r.IntN(100) < 3 && x.registered < g.end {
			x.closed = between(r, x.registered+1, g.end)
		}
	}
	// Party organizations: formation, then the units they cover, drawn
	// without replacement from a permutation of the organizations, so that
	// no organization is covered twice at once.
	perm := make([]int32, o.Orgs)
	for i := range perm {
		perm[i] = int32(i)
	}
	r.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	g.party = make([]partyRow, o.PartyOrgs)
	units := make([]int32, o.PartyOrgs)
	singleJoint, regional := 0, 0
	for i := range g.party {
		p := &g.party[i]
		switch w := r.IntN(100); {
		case w < 45:
			p.formation, units[i] = 0, 1
		case w < 80:
			p.formation, units[i] = 1, int32(2+r.IntN(4))
		case w < 90:
			p.formation = 2
		default:
			p.formation = 3
		}
		singleJoint += int(units[i])
		if units[i] == 0 {
			regional++
		}
		switch w := r.IntN(100); {
		case w < 5:
			p.kind = 2
		case w < 20:
			p.kind = 1
		}
	}
	// Regional and industry organizations take the rest of about 70% covered.
	avg := 2
	if regional > 0 && o.Orgs*7/10 > singleJoint {
		avg = max(2, (o.Orgs*7/10-singleJoint)/regional)
	}
	cursor := 0
	for i := range g.party {
		p := &g.party[i]
		if units[i] == 0 {
			units[i] = int32(max(1, avg/2+r.IntN(avg+1)))
		}
		// Established during the history (a third before it), at least a
		// month before today; 5% dissolved since.
		if r.IntN(3) == 0 {
			p.established = between(r, g.start-10*365, g.start)
		} else {
			p.established = between(r, g.start, g.end-30)
		}
		if r.IntN(100) < 5 {
			p.dissolved = between(r, p.established+1, g.end)
		}
		limit := g.end + 1
		if p.dissolved != 0 {
			limit = p.dissolved
		}
		for u := int32(0); u < units[i] && cursor < len(perm); u++ {
			// A unit closed before the party organization could cover it
			// is skipped for the next one (at most three tries).
			for try := 0; try < 3 && cursor < len(perm); try++ {
				oi := perm[cursor]
				cursor++
				x := g.orgs[oi]
				from := max(p.established, x.registered) + day(r.IntN(60))
				to := limit
				if x.closed != 0 && x.closed < to {
					to = x.closed
				}
				if from >= to || from > g.end {
					continue
				}
				if r.IntN(100) < 8 {
					// Ended early (the unit left, or the link was redrawn).
					if e := from + 1 + day(r.IntN(3*365)); e < to {
						to = e
					}
				}
				if to > g.end {
					to = 0
				}
				g.covers = append(g.covers, coverRow{party: int32(i), org: oi, from: from, to: to})
				if p.firstUnit == 0 {
					p.firstUnit = oi + 1
				}
				break
			}
		}
		if p.firstUnit != 0 {
			p.region = g.orgs[p.firstUnit-1].region
		} else {
			p.region = int32(r.IntN(len(codes)))
		}
	}
	// Instructors and their assignments (from the unit's registration on).
	g.nInstr = o.Instructors
	g.instrReg = make([]int32, g.nInstr)
	for i := range g.instrReg {
		g.instrReg[i] = int32(r.IntN(len(codes)))
	}
	for len(g.assigns) < o.Assignments {
		oi := int32(r.IntN(o.Orgs))
		x := g.orgs[oi]
		from := between(r, max(x.registered, g.start), g.end)
		to := day(0)
		if x.closed != 0 {
			if x.closed <= from {
				continue
			}
			to = x.closed
		}
		if r.IntN(5) == 0 {
			if e := from + 1 + day(r.IntN(2*365)); (to == 0 || e < to) && e <= g.end {
				to = e
			}
		}
		g.assigns = append(g.assigns, assignRow{instructor: int32(r.IntN(g.nInstr)), org: oi, from: from, to: to})
	}
	return g
}
