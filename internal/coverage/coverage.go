// Package coverage computes 两个覆盖 (organizational and work coverage) of the
// 两新组织 in any region or area on any date, and the work lists that follow
// from it. See domain.md §7 and docs/ledger.md for the formulas.
package coverage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"liangxin/internal/actor"
	"sort"
	"strings"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/backdate"
	"liangxin/internal/civil"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/readcache"
	"liangxin/internal/region"
	"liangxin/internal/store"
)

// Scope rules: which organizations count in the denominator.
const (
	RuleAll          = "all"           // every operating organization
	RuleAboveScale   = "above_scale"   // 规模以上 only
	RuleMinEmployees = "min_employees" // at least N staff
)

// Rule is the configured scope rule.
type Rule struct {
	Kind         string `json:"kind"`
	MinEmployees int    `json:"min_employees,omitempty"`
	// The size rule (规模口径, one of the named rules computed side by side):
	// 企业 with at least EnterpriseMinEmployees staff, 社会组织 with at least
	// SocialMinEmployees (defaults 10 and 30).
	EnterpriseMinEmployees int    `json:"enterprise_min_employees"`
	SocialMinEmployees     int    `json:"social_min_employees"`
	Description            string `json:"description"`
}

// Default size thresholds of the 规模口径 rule (domain.md §7).
const (
	DefaultEnterpriseMinEmployees = 10
	DefaultSocialMinEmployees     = 30
)

// Describe fills the Chinese description.
func (r Rule) describe() Rule {
	if r.EnterpriseMinEmployees <= 0 {
		r.EnterpriseMinEmployees = DefaultEnterpriseMinEmployees
	}
	if r.SocialMinEmployees <= 0 {
		r.SocialMinEmployees = DefaultSocialMinEmployees
	}
	switch r.Kind {
	case RuleAboveScale:
		r.Description = "仅统计规模以上单位（营业收入 2000 万元以上或从业人员 100 人以上）"
	case RuleMinEmployees:
		r.Description = fmt.Sprintf("仅统计从业人员 %d 人以上的单位", r.MinEmployees)
	default:
		r.Kind = RuleAll
		r.Description = "统计全部存续的两新组织"
	}
	return r
}

// SettingRule is the settings key of the scope rule.
const SettingRule = "coverage_scope_rule"

// Service computes coverage.
type Service struct {
	DB      *store.DB
	Audit   *audit.Logger
	Regions *region.Service
	Orgs    *org.Service
	Now     func() time.Time
	// SpanPath makes Coverage and Trend compute from the spans even where
	// the pre-aggregated counts could answer (the equality tests and the
	// benchmarks compare the two).
	SpanPath bool
	// Cache keeps Coverage and Trend results while the data generation
	// stays the same (nil: compute every time).
	Cache *readcache.Cache
}

// GetRule returns the configured scope rule (all organizations by default).
func (s *Service) GetRule(ctx context.Context) (Rule, error) {
	var v string
	err := s.DB.QueryRow(ctx, s.DB, `SELECT value FROM settings WHERE key = ?`, SettingRule).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return Rule{Kind: RuleAll}.describe(), nil
	}
	if err != nil {
		return Rule{}, err
	}
	var r Rule
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return Rule{Kind: RuleAll}.describe(), nil
	}
	return r.describe(), nil
}

// SetRule changes the scope rule (audited, with the reason given, which is
// optional: the rule applies to every date, past ones included).
func (s *Service) SetRule(ctx context.Context, r Rule, reason string) (Rule, error) {
	bad := apperr.Invalid()
	if reason = backdate.Check(bad, "", "", reason); bad.OrNil() != nil {
		return Rule{}, bad
	}
	if r.EnterpriseMinEmployees < 0 || r.EnterpriseMinEmployees > 100000 {
		bad.Field("enterprise_min_employees", "企业从业人员下限应为 1–100000 的整数")
	}
	if r.SocialMinEmployees < 0 || r.SocialMinEmployees > 100000 {
		bad.Field("social_min_employees", "社会组织从业人员下限应为 1–100000 的整数")
	}
	if err := bad.OrNil(); err != nil {
		return Rule{}, err
	}
	switch r.Kind {
	case RuleAll, RuleAboveScale:
		r.MinEmployees = 0
	case RuleMinEmployees:
		if r.MinEmployees < 1 || r.MinEmployees > 100000 {
			return Rule{}, apperr.InvalidField("min_employees", "从业人员下限应为 1–100000 的整数")
		}
	default:
		return Rule{}, apperr.InvalidField("kind", "统计口径应为 all（全部）、above_scale（规模以上）或 min_employees（从业人员达到一定人数）")
	}
	before, err := s.GetRule(ctx)
	if err != nil {
		return Rule{}, err
	}
	// A threshold left out (0) keeps the one in force.
	if r.EnterpriseMinEmployees == 0 {
		r.EnterpriseMinEmployees = before.EnterpriseMinEmployees
	}
	if r.SocialMinEmployees == 0 {
		r.SocialMinEmployees = before.SocialMinEmployees
	}
	r = r.describe()
	b, _ := json.Marshal(Rule{Kind: r.Kind, MinEmployees: r.MinEmployees, EnterpriseMinEmployees: r.EnterpriseMinEmployees, SocialMinEmployees: r.SocialMinEmployees})
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, SettingRule, string(b)); err != nil {
			return err
		}
		if countsKeyed(before, r) {
			// The counts are keyed by the rule's flags: recount them.
			if err := coverspan.RebuildTx(ctx, s.DB, tx); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "setting_update", Entity: "setting", EntityID: SettingRule, Before: before, After: r,
			Note: backdate.Note("", "", reason)})
	})
	return r, err
}

// Counts are the coverage figures of one group.
type Counts struct {
	Total         int `json:"total"`
	OrgCovered    int `json:"org_covered"`
	SingleCovered int `json:"single_covered"`
	WorkCovered   int `json:"work_covered"`
	// EffectiveCovered (有效覆盖): covered by at least one party organization
	// meeting the ≥3 正式党员 rule; Ineffective (有形无效) = OrgCovered − it.
	EffectiveCovered int `json:"effective_covered"`
	Ineffective      int `json:"ineffective"`
	// Instructed: with an active instructor assignment, covered or not
	// (其中党建工作指导员联系的).
	Instructed int `json:"instructed"`
	// HasCharter: units with a charter (章程); CharterHasParty: of those, the
	// ones whose charter includes party building (党建入章).
	HasCharter      int     `json:"has_charter"`
	CharterHasParty int     `json:"charter_has_party"`
	OrgRate         float64 `json:"org_rate"`
	SingleRate      float64 `json:"single_rate"`
	WorkRate        float64 `json:"work_rate"`
	EffectiveRate   float64 `json:"effective_rate"`
	// CharterRate (党建入章率) = CharterHasParty ÷ HasCharter (0 when none).
	CharterRate float64 `json:"charter_rate"`
}

func (c *Counts) add(o Counts) {
	c.Total += o.Total
	c.OrgCovered += o.OrgCovered
	c.SingleCovered += o.SingleCovered
	c.WorkCovered += o.WorkCovered
	c.EffectiveCovered += o.EffectiveCovered
	c.Instructed += o.Instructed
	c.HasCharter += o.HasCharter
	c.CharterHasParty += o.CharterHasParty
}

// addSpans counts n organizations in a coverage state (coverspan.Guided,
// Covered or Single): each is work-covered, the last two organizationally
// covered, the last one by a single party organization; effective ones by a
// party organization meeting the ≥3 正式党员 rule; instructed ones with an
// instructor.
func (c *Counts) addSpans(state int, effective, instructed bool, n int) {
	c.WorkCovered += n
	if state >= coverspan.Covered {
		c.OrgCovered += n
		if effective {
			c.EffectiveCovered += n
		}
	}
	if state == coverspan.Single {
		c.SingleCovered += n
	}
	if instructed {
		c.Instructed += n
	}
}

func (c *Counts) rates() {
	c.Ineffective = c.OrgCovered - c.EffectiveCovered
	c.CharterRate = 0
	if c.HasCharter > 0 {
		c.CharterRate = float64(c.CharterHasParty) / float64(c.HasCharter)
	}
	if c.Total == 0 {
		c.OrgRate, c.SingleRate, c.WorkRate, c.EffectiveRate = 0, 0, 0, 0
		return
	}
	t := float64(c.Total)
	c.OrgRate, c.SingleRate, c.WorkRate = float64(c.OrgCovered)/t, float64(c.SingleCovered)/t, float64(c.WorkCovered)/t
	c.EffectiveRate = float64(c.EffectiveCovered) / t
}

// Named rules: the denominators computed side by side in every report.
const (
	NamedAll         = "all"          // 全部存续单位
	NamedShouldBuild = "should_build" // 应建单位: ≥3 正式党员 declared
	NamedSize        = "size"         // 规模口径: 企业 ≥N staff, 社会组织 ≥M staff
	NamedAboveScale  = "above_scale"  // 规模以上
)

// RuleCounts are the figures of one named rule.
type RuleCounts struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Counts
}

// namedRules lists the named rules with their Chinese names, in report order.
func namedRules(r Rule) []RuleCounts {
	return []RuleCounts{
		{Key: NamedAll, Name: "全部单位", Description: "全部存续的两新组织"},
		{Key: NamedShouldBuild, Name: "应建单位", Description: "正式党员 3 名以上的单位（应建尽建）"},
		{Key: NamedSize, Name: "规模口径", Description: fmt.Sprintf("企业从业人员 %d 人以上、社会组织从业人员 %d 人以上（台账无固定场所字段，按从业人员计）",
			r.EnterpriseMinEmployees, r.SocialMinEmployees)},
		{Key: NamedAboveScale, Name: "规模以上", Description: "营业收入 2000 万元以上或从业人员 100 人以上"},
	}
}

// Flag bits of a counted row (see ruleFlags).
const (
	flagMain         = 1  // meets the configured scope rule
	flagShouldBuild  = 2  // ≥3 正式党员 declared
	flagSize         = 4  // meets the size rule
	flagCharter      = 8  // has a charter (organizations only)
	flagCharterParty = 16 // its charter includes party building (organizations only)
)

// ruleFlags is the SQL of the flag bits of a row of the table aliased a
// (organizations or coverage_spans, which copies the columns read), with its
// arguments; charter adds the charter bits (organizations only).
func ruleFlags(a string, rule Rule, charter bool) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString("(CASE WHEN ")
	switch rule.Kind {
	case RuleAboveScale:
		b.WriteString(a + ".above_scale = ?")
		args = append(args, true)
	case RuleMinEmployees:
		b.WriteString(a + ".employees >= ?")
		args = append(args, rule.MinEmployees)
	default:
		b.WriteString("1 = 1")
	}
	fmt.Fprintf(&b, " THEN %d ELSE 0 END + CASE WHEN %s.full_members >= %d THEN %d ELSE 0 END", flagMain, a, coverspan.MinFullMembers, flagShouldBuild)
	var econ, social []any
	for _, c := range org.Categories() {
		if c.Sector == org.SectorEconomic {
			econ = append(econ, c.Code)
		} else {
			social = append(social, c.Code)
		}
	}
	fmt.Fprintf(&b, " + CASE WHEN (%s.category IN (%s) AND %s.employees >= ?) OR (%s.category IN (%s) AND %s.employees >= ?) THEN %d ELSE 0 END",
		a, marks(len(econ)), a, a, marks(len(social)), a, flagSize)
	args = append(append(append(append(args, econ...), rule.EnterpriseMinEmployees), social...), rule.SocialMinEmployees)
	if charter {
		fmt.Fprintf(&b, " + CASE WHEN %s.has_charter THEN %d ELSE 0 END + CASE WHEN %s.has_charter AND %s.charter_has_party THEN %d ELSE 0 END",
			a, flagCharter, a, a, flagCharterParty)
	}
	b.WriteString(")")
	return b.String(), args
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// RegionCounts are the figures of one child region.
type RegionCounts struct {
	RegionCode string `json:"region_code"`
	Name       string `json:"name"`
	Counts
}

// KeyCounts are the figures of one category, industry or the like.
type KeyCounts struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Counts
}

// Report is the coverage of a region on a day.
type Report struct {
	RegionCode   string            `json:"region_code"`
	RegionName   string            `json:"region_name"`
	AsOf         string            `json:"as_of"`
	Rule         Rule              `json:"scope_rule"`
	Rules        []RuleCounts      `json:"rules,omitempty"`
	BySector     map[string]Counts `json:"by_sector"`
	ByCategory   []KeyCounts       `json:"by_category"`
	ByIndustry   []KeyCounts       `json:"by_industry"`
	ByAboveScale []KeyCounts       `json:"by_above_scale"`
	ByRegion     []RegionCounts    `json:"by_region"`
	Counts
}

// childLen is the code length of the next level down (0 when none).
func childLen(code string) int {
	switch len(code) {
	case 2:
		return 4
	case 4:
		return 6
	case 6:
		return 9
	case 9:
		return 12
	}
	return 0
}

// activeSpan is the SQL condition "o has a coverage span of state ≥ %d alive
// on day ?" (two day arguments): 3 for a single party organization of its
// own, 2 for covered by any party organization.
const activeSpan = `EXISTS (SELECT 1 FROM coverage_spans s WHERE s.organization_id = o.id AND s.state >= %d
	AND s.from_on <= ? AND (s.to_on IS NULL OR s.to_on > ?))`

// regionScope returns the conditions shared by every coverage query on the
// table aliased a (organizations, or coverage_spans with its copied columns;
// idCol is the organization id there): inside the caller's scope, inside the
// region or area, and meeting the rule.
func regionScope(ctx context.Context, a, idCol, code string, rule Rule, isArea bool) ([]string, []any, error) {
	cond, args, err := store.ScopeFilter(ctx, a+".region_code")
	if err != nil {
		return nil, nil, err
	}
	// A region inside the caller's scope: its own range implies the
	// scope's, and left beside it the scope's wider range is the one
	// SQLite seeks the region_code index with (a village then scanned the
	// whole county's entries).
	if act, ok := actor.From(ctx); ok && !isArea && !act.System && act.Scope != "" && strings.HasPrefix(code, act.Scope) {
		cond, args = "1=1", nil
	}
	conds := []string{cond}
	if isArea {
		rc, ra := store.PrefixRange("oa.area_code", code)
		conds, args = append(conds, `EXISTS (SELECT 1 FROM organization_areas oa WHERE oa.organization_id = `+a+"."+idCol+` AND `+rc+`)`), append(args, ra...)
	} else {
		rc, ra := store.PrefixRange(a+".region_code", code)
		conds, args = append(conds, rc), append(args, ra...)
	}
	switch rule.Kind {
	case RuleAboveScale:
		conds = append(conds, a+".above_scale = ?")
		args = append(args, true)
	case RuleMinEmployees:
		conds = append(conds, a+".employees >= ?")
		args = append(args, rule.MinEmployees)
	}
	return conds, args, nil
}

// inScope returns the condition for the organizations (aliased o) counted on
// day: inside the caller's scope and the region/area, operating on the day,
// and meeting the rule.
func (s *Service) inScope(ctx context.Context, code, day string, rule Rule, isArea bool) (string, []any, error) {
	conds, args, err := regionScope(ctx, "o", "id", code, rule, isArea)
	if err != nil {
		return "", nil, err
	}
	conds = append(conds, "(o.registered_on IS NULL OR o.registered_on <= ?)", "(o.closed_on IS NULL OR o.closed_on > ?)")
	args = append(args, day, day)
	return strings.Join(conds, " AND "), args, nil
}

func (s *Service) day(asOf string) (string, error) {
	if asOf == "" {
		return civil.Today(s.Now()), nil
	}
	d, err := civil.Day("as_of", asOf)
	if err != nil {
		return "", apperr.InvalidField("as_of", "统计日期格式应为 YYYY-MM-DD")
	}
	return d, nil
}

func (s *Service) target(ctx context.Context, code string) (region.Region, error) {
	if code == "" {
		return s.Regions.ScopeRoot(ctx)
	}
	rg, err := s.Regions.Get(ctx, code)
	if err != nil {
		return rg, apperr.NotFound("区划")
	}
	return rg, nil
}

// Coverage computes the report for a region or area (default: the caller's
// scope) on a day (default: today). An organization counts once however many
// party organizations cover it.
func (s *Service) Coverage(ctx context.Context, regionCode, asOf string) (Report, error) {
	day, err := s.day(asOf)
	if err != nil {
		return Report{}, err
	}
	return readcache.Get(ctx, s.Cache, "coverage", readcache.Key("coverage", "region_code", regionCode, "as_of", day, "span_path", s.SpanPath),
		func(ctx context.Context) (Report, error) { return s.computeCoverage(ctx, regionCode, day) })
}

func (s *Service) computeCoverage(ctx context.Context, regionCode, day string) (Report, error) {
	rg, err := s.target(ctx, regionCode)
	if err != nil {
		return Report{}, err
	}
	rule, err := s.GetRule(ctx)
	if err != nil {
		return Report{}, err
	}
	if ok, err := s.fromCounts(ctx, rg); err != nil {
		return Report{}, err
	} else if ok {
		rep, ok, err := s.coverageFromCounts(ctx, rg, day, rule)
		if err != nil || ok {
			return rep, err
		}
	}
	isArea := rg.Level == "area"
	// Every organization in the region is read once; the configured rule and
	// the named rules are flag bits of each row (ruleFlags), so all of them
	// come out of the same pass.
	all := Rule{Kind: RuleAll}
	where, args, err := s.inScope(ctx, rg.Code, day, all, isArea)
	if err != nil {
		return Report{}, err
	}
	spanConds, spanArgs, err := regionScope(ctx, "s", "organization_id", rg.Code, all, isArea)
	if err != nil {
		return Report{}, err
	}
	spanWhere := strings.Join(append(spanConds, "s.from_on <= ?", "(s.to_on IS NULL OR s.to_on > ?)"), " AND ")
	spanArgs = append(spanArgs, day, day)
	orgFlags, orgFlagArgs := ruleFlags("o", rule, true)
	spanFlags, spanFlagArgs := ruleFlags("s", rule, false)
	args = append(orgFlagArgs, args...)
	spanArgs = append(spanFlagArgs, spanArgs...)
	cl := childLen(rg.Code)
	// The organizations in scope are counted from the ledger and the covered
	// ones from their precomputed spans (internal/coverspan), each by
	// (category, industry, above-scale, child region, rule flags) in one pass
	// over one table. PostgreSQL groups in SQL (in parallel); SQLite, which
	// would sort the rows into a temporary B-tree, hands them over one by one
	// and Go adds them up. A span is one organization on one day, so an
	// organization counts once however many party organizations cover it.
	// See docs/benchmarks.md.
	groupInSQL := s.DB.Dialect == store.Postgres
	child := func(alias string) string {
		if isArea || cl == 0 {
			return "''"
		}
		if !groupInSQL {
			return alias + ".region_code"
		}
		return fmt.Sprintf("SUBSTR(%s.region_code, 1, %d)", alias, cl)
	}
	totals := `SELECT o.category, o.industry, o.above_scale, ` + child("o") + `, ` + orgFlags + `, 1 FROM organizations o WHERE ` + where
	covered := `SELECT s.category, s.industry, s.above_scale, ` + child("s") + `, ` + spanFlags + `, s.state, s.effective, s.instructed, 1 FROM coverage_spans s WHERE ` + spanWhere
	totals, covered = s.counted(totals, 5), s.counted(covered, 8)
	type key struct {
		cat, ind, child string
		above           bool
		flags           int
	}
	groups := map[key]*Counts{}
	group := func(k key) *Counts {
		if len(k.child) > cl {
			k.child = k.child[:cl]
		}
		c := groups[k]
		if c == nil {
			c = &Counts{}
			groups[k] = c
		}
		return c
	}
	err = s.DB.Report(ctx, func(q store.Querier) error {
		rows, err := s.DB.Query(ctx, q, totals, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var k key
		var n int
		for rows.Next() {
			if err := rows.Scan(&k.cat, &k.ind, &k.above, &k.child, &k.flags, &n); err != nil {
				return err
			}
			// The charter bits are folded into counts, so that organization
			// and span rows of the same rule flags share a group.
			g := group(key{k.cat, k.ind, k.child, k.above, k.flags &^ (flagCharter | flagCharterParty)})
			g.Total += n
			if k.flags&flagCharter != 0 {
				g.HasCharter += n
			}
			if k.flags&flagCharterParty != 0 {
				g.CharterHasParty += n
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		rows, err = s.DB.Query(ctx, q, covered, spanArgs...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var state int
		var effective, instructed bool
		for rows.Next() {
			if err := rows.Scan(&k.cat, &k.ind, &k.above, &k.child, &k.flags, &state, &effective, &instructed, &n); err != nil {
				return err
			}
			group(k).addSpans(state, effective, instructed, n)
		}
		return rows.Err()
	})
	if err != nil {
		return Report{}, err
	}
	rep := Report{RegionCode: rg.Code, RegionName: rg.Name, AsOf: day, Rule: rule, BySector: map[string]Counts{"economic": {}, "social": {}},
		ByCategory: []KeyCounts{}, ByIndustry: []KeyCounts{}, ByAboveScale: []KeyCounts{}}
	byCat, byInd, byScale, byChild := map[string]*Counts{}, map[string]*Counts{}, map[string]*Counts{}, map[string]*Counts{}
	get := func(m map[string]*Counts, k string) *Counts {
		if m[k] == nil {
			m[k] = &Counts{}
		}
		return m[k]
	}
	rep.Rules = namedRules(rule)
	for k, pc := range groups {
		c := *pc
		for i := range rep.Rules {
			var in bool
			switch rep.Rules[i].Key {
			case NamedAll:
				in = true
			case NamedShouldBuild:
				in = k.flags&flagShouldBuild != 0
			case NamedSize:
				in = k.flags&flagSize != 0
			case NamedAboveScale:
				in = k.above
			}
			if in {
				rep.Rules[i].Counts.add(c)
			}
		}
		if k.flags&flagMain == 0 {
			continue
		}
		rep.Counts.add(c)
		if category, ok := org.CategoryByCode(k.cat); ok {
			sec := rep.BySector[category.Sector]
			sec.add(c)
			rep.BySector[category.Sector] = sec
		}
		get(byCat, k.cat).add(c)
		get(byInd, k.ind).add(c)
		get(byScale, fmt.Sprint(k.above)).add(c)
		get(byChild, k.child).add(c)
	}
	rep.Counts.rates()
	for i := range rep.Rules {
		rep.Rules[i].rates()
	}
	for k, v := range rep.BySector {
		v.rates()
		rep.BySector[k] = v
	}
	for _, c := range org.Categories() {
		kc := KeyCounts{Key: c.Code, Name: c.Name}
		if v := byCat[c.Code]; v != nil {
			kc.Counts = *v
		}
		kc.rates()
		rep.ByCategory = append(rep.ByCategory, kc)
	}
	for k, v := range byInd {
		name := "未填写"
		if in, ok := org.IndustryByCodeOrName(k); ok {
			name = in.Name
		}
		kc := KeyCounts{Key: k, Name: name, Counts: *v}
		kc.rates()
		rep.ByIndustry = append(rep.ByIndustry, kc)
	}
	sort.Slice(rep.ByIndustry, func(i, j int) bool { return rep.ByIndustry[i].Key < rep.ByIndustry[j].Key })
	for _, k := range []string{"true", "false"} {
		kc := KeyCounts{Key: k, Name: map[string]string{"true": "规模以上", "false": "规模以下"}[k]}
		if v := byScale[k]; v != nil {
			kc.Counts = *v
		}
		kc.rates()
		rep.ByAboveScale = append(rep.ByAboveScale, kc)
	}
	rep.ByRegion = []RegionCounts{}
	if !isArea && cl > 0 {
		kids, err := s.Regions.Children(ctx, rg.Code)
		if err != nil {
			return Report{}, err
		}
		for _, k := range kids {
			if k.Level == "area" {
				continue
			}
			rc := RegionCounts{RegionCode: k.Code, Name: k.Name}
			if v := byChild[k.Code]; v != nil {
				rc.Counts = *v
			}
			rc.rates()
			rep.ByRegion = append(rep.ByRegion, rc)
		}
		// Organizations registered at this region itself (e.g. directly under a street).
		if v := byChild[rg.Code]; v != nil {
			rc := RegionCounts{RegionCode: rg.Code, Name: rg.Name + "（直属）", Counts: *v}
			rc.rates()
			rep.ByRegion = append(rep.ByRegion, rc)
		}
	}
	return rep, nil
}

// counted finishes a query whose last column is 1 for every row: PostgreSQL
// groups the rows by the first keys columns and counts them (in parallel);
// SQLite, which would first sort them into a temporary B-tree, hands them
// over one by one and Go adds them up.
func (s *Service) counted(q string, keys int) string {
	if s.DB.Dialect != store.Postgres {
		return q
	}
	cols := make([]string, keys)
	for i := range cols {
		cols[i] = fmt.Sprint(i + 1)
	}
	return strings.Replace(q, ", 1 FROM", ", COUNT(*) FROM", 1) + " GROUP BY " + strings.Join(cols, ", ")
}

// Trend returns the coverage of a region at the end of each of the last n
// months (the last point is asOf), each with its sector split.
//
// All points come from one pass over each table: with the days sorted, the
// days on which an organization is in scope (or a span alive) are a run of
// consecutive points [i, j), where i counts the days before its first day
// and j those before its end. SQL works out (category, [state,] i, j) per row
// and Go adds each group to the points of its run.
func (s *Service) Trend(ctx context.Context, regionCode, asOf string, months int) ([]Report, error) {
	if months < 1 || months > 60 {
		return nil, apperr.InvalidField("months", "月数应为 1–60")
	}
	day, err := s.day(asOf)
	if err != nil {
		return nil, err
	}
	return readcache.Get(ctx, s.Cache, "coverage_trend", readcache.Key("coverage_trend", "region_code", regionCode, "as_of", day, "months", months, "span_path", s.SpanPath),
		func(ctx context.Context) ([]Report, error) { return s.computeTrend(ctx, regionCode, day, months) })
}

func (s *Service) computeTrend(ctx context.Context, regionCode, day string, months int) ([]Report, error) {
	rg, err := s.target(ctx, regionCode)
	if err != nil {
		return nil, err
	}
	rule, err := s.GetRule(ctx)
	if err != nil {
		return nil, err
	}
	end, _ := time.Parse(store.DateFormat, day)
	days := make([]string, 0, months)
	for i := months - 1; i >= 0; i-- {
		d := end
		if i > 0 {
			// last day of the month i months before
			first := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -i+1, 0)
			d = first.AddDate(0, 0, -1)
		}
		days = append(days, d.Format(store.DateFormat))
	}
	if ok, err := s.fromCounts(ctx, rg); err != nil {
		return nil, err
	} else if ok {
		return s.trendFromCounts(ctx, rg, days, rule)
	}
	n := len(days)
	// run(col, null) is the number of days before col's day (null when col is NULL).
	run := func(col string, null int) (string, []any) {
		var b strings.Builder
		fmt.Fprintf(&b, "CASE WHEN %s IS NULL THEN %d", col, null)
		args := make([]any, 0, n)
		for k, d := range days {
			fmt.Fprintf(&b, " WHEN %s <= ? THEN %d", col, k)
			args = append(args, d)
		}
		fmt.Fprintf(&b, " ELSE %d END", n)
		return b.String(), args
	}
	isArea := rg.Level == "area"
	orgConds, orgArgs, err := regionScope(ctx, "o", "id", rg.Code, rule, isArea)
	if err != nil {
		return nil, err
	}
	spanConds, spanArgs, err := regionScope(ctx, "s", "organization_id", rg.Code, rule, isArea)
	if err != nil {
		return nil, err
	}
	// Only rows alive on some point: begun by the last day, not ended by the first.
	orgConds = append(orgConds, "(o.registered_on IS NULL OR o.registered_on <= ?)", "(o.closed_on IS NULL OR o.closed_on > ?)")
	orgArgs = append(orgArgs, days[n-1], days[0])
	spanConds = append(spanConds, "s.from_on <= ?", "(s.to_on IS NULL OR s.to_on > ?)")
	spanArgs = append(spanArgs, days[n-1], days[0])
	regI, regArgs := run("o.registered_on", 0)
	closedJ, closedArgs := run("o.closed_on", n)
	fromI, fromArgs := run("s.from_on", 0)
	toJ, toArgs := run("s.to_on", n)
	totals := s.counted(`SELECT o.category, -1 - CASE WHEN o.has_charter THEN 1 ELSE 0 END - CASE WHEN o.has_charter AND o.charter_has_party THEN 2 ELSE 0 END, `+regI+`, `+closedJ+`, 1 FROM organizations o WHERE `+strings.Join(orgConds, " AND "), 4)
	covered := s.counted(`SELECT s.category, s.state + CASE WHEN s.effective THEN 4 ELSE 0 END + CASE WHEN s.instructed THEN 8 ELSE 0 END, `+fromI+`, `+toJ+`, 1 FROM coverage_spans s WHERE `+strings.Join(spanConds, " AND "), 4)
	totalArgs := append(append(regArgs, closedArgs...), orgArgs...)
	coveredArgs := append(append(fromArgs, toArgs...), spanArgs...)

	// points[k][sector] are the counts of day k. A negative state marks the
	// totals (−1 minus the charter bits: 1 has a charter, 2 党建入章); a
	// span's state carries bit 4 when effective and 8 when instructed.
	points := make([]map[string]*Counts, n)
	for k := range points {
		points[k] = map[string]*Counts{"economic": {}, "social": {}}
	}
	add := func(cat string, state, i, j, c int) {
		sector := "" // an unknown category counts in the totals only, as in Coverage
		if category, ok := org.CategoryByCode(cat); ok {
			sector = category.Sector
		}
		for k := max(i, 0); k < min(j, n); k++ {
			p := points[k][sector]
			if p == nil {
				p = &Counts{}
				points[k][sector] = p
			}
			if state < 0 {
				b := -state - 1
				p.Total += c
				if b&1 != 0 {
					p.HasCharter += c
				}
				if b&2 != 0 {
					p.CharterHasParty += c
				}
			} else {
				p.addSpans(state&3, state&4 != 0, state&8 != 0, c)
			}
		}
	}
	err = s.DB.Report(ctx, func(q store.Querier) error {
		for _, part := range []struct {
			sql  string
			args []any
		}{{totals, totalArgs}, {covered, coveredArgs}} {
			rows, err := s.DB.Query(ctx, q, part.sql, part.args...)
			if err != nil {
				return err
			}
			var cat string
			var state, i, j, c int
			for rows.Next() {
				if err := rows.Scan(&cat, &state, &i, &j, &c); err != nil {
					rows.Close()
					return err
				}
				add(cat, state, i, j, c)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Report, n)
	for k, d := range days {
		r := Report{RegionCode: rg.Code, RegionName: rg.Name, AsOf: d, Rule: rule, BySector: map[string]Counts{}}
		for sec, c := range points[k] {
			v := *c
			r.Counts.add(v)
			if sec != "" {
				v.rates()
				r.BySector[sec] = v
			}
		}
		r.Counts.rates()
		out[k] = r
	}
	return out, nil
}

// Work lists.
const (
	ListShouldBuild = "should_build" // 应建未建: ≥3 正式党员 and no party org of its own
	ListFewMembers  = "few_members"  // 有党员未建: 1–2 members (fewer than 3 full), not covered
	ListNoMembers   = "no_members"   // 无党员: no member, not covered (needs an instructor)
	ListIneffective = "ineffective"  // 有形无效: covered only by party organizations below the ≥3 正式党员 rule
)

// WorkListKinds are the work lists WorkList accepts (the {kind} of the API).
var WorkListKinds = []string{ListShouldBuild, ListFewMembers, ListNoMembers, ListIneffective}

// WorkList returns one page of a work list for a region on a day.
func (s *Service) WorkList(ctx context.Context, kind, regionCode, asOf string, page, size int) ([]org.Organization, store.Total, error) {
	day, err := s.day(asOf)
	if err != nil {
		return nil, store.Total{}, err
	}
	rg, err := s.target(ctx, regionCode)
	if err != nil {
		return nil, store.Total{}, err
	}
	rule, err := s.GetRule(ctx)
	if err != nil {
		return nil, store.Total{}, err
	}
	where, args, err := s.inScope(ctx, rg.Code, day, rule, rg.Level == "area")
	if err != nil {
		return nil, store.Total{}, err
	}
	cover := fmt.Sprintf(activeSpan, coverspan.Covered)
	single := fmt.Sprintf(activeSpan, coverspan.Single)
	two := []any{day, day}
	switch kind {
	case ListShouldBuild:
		where += " AND o.full_members >= 3 AND NOT " + single
		args = append(args, two...)
	case ListFewMembers:
		where += " AND o.full_members < 3 AND (o.full_members + o.probationary_members) >= 1 AND NOT " + cover
		args = append(args, two...)
	case ListNoMembers:
		where += " AND (o.full_members + o.probationary_members) = 0 AND NOT " + cover
		args = append(args, two...)
	case ListIneffective:
		// Spans never overlap, so the one alive on the day tells.
		where += ` AND EXISTS (SELECT 1 FROM coverage_spans s WHERE s.organization_id = o.id AND s.state >= ? AND NOT s.effective
			AND s.from_on <= ? AND (s.to_on IS NULL OR s.to_on > ?))`
		args = append(args, coverspan.Covered, day, day)
	default:
		return nil, store.Total{}, apperr.InvalidField("kind", "清单应为 should_build（应建未建）、few_members（有党员未建）、no_members（无党员）或 ineffective（有形无效）")
	}
	return s.Orgs.ListCond(ctx, org.Filter{Page: page, PageSize: size}, where, args)
}

// Scope is what Coverage counts for a region (or area) on a day: the
// condition on the organizations (aliased o) in its denominator, with its
// arguments, under the configured rule. Other reports (the 党统 tables) use it
// so that their totals are the coverage report's.
type Scope struct {
	Region region.Region
	Day    string
	Rule   Rule
	Where  string
	Args   []any
}

// ScopeOf returns the Scope of a region (default: the caller's scope) on a
// day (default: today).
func (s *Service) ScopeOf(ctx context.Context, regionCode, asOf string) (Scope, error) {
	day, err := s.day(asOf)
	if err != nil {
		return Scope{}, err
	}
	rg, err := s.target(ctx, regionCode)
	if err != nil {
		return Scope{}, err
	}
	rule, err := s.GetRule(ctx)
	if err != nil {
		return Scope{}, err
	}
	where, args, err := s.inScope(ctx, rg.Code, day, rule, rg.Level == "area")
	if err != nil {
		return Scope{}, err
	}
	return Scope{Region: rg, Day: day, Rule: rule, Where: where, Args: args}, nil
}
