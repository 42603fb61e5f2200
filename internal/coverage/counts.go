package coverage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/region"
	"liangxin/internal/store"
)

// Coverage and Trend read the pre-aggregated counts (internal/coverspan,
// table coverage_counts) whenever they can give the same answer as the
// spans: a region (not an area) whose code and children's codes have a
// counted length, inside the caller's scope, and no rebuild pending.
// Everything else keeps the span path (Service.SpanPath forces it, which
// the equality tests compare against).

func init() { coverspan.SetClassifier(classifier) }

// readRule reads the scope rule through q (inside a writer's transaction).
func readRule(ctx context.Context, db *store.DB, q store.Querier) (Rule, error) {
	var v string
	err := db.QueryRow(ctx, q, `SELECT value FROM settings WHERE key = ?`, SettingRule).Scan(&v)
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

// classifier gives the counts the flag bits of the rules in force: the same
// tests as ruleFlags, in Go.
func classifier(ctx context.Context, db *store.DB, q store.Querier) (func(coverspan.Org) int, error) {
	r, err := readRule(ctx, db, q)
	if err != nil {
		return nil, err
	}
	return func(o coverspan.Org) int { return orgFlags(r, o) }, nil
}

func orgFlags(r Rule, o coverspan.Org) int {
	f := 0
	switch r.Kind {
	case RuleAboveScale:
		if o.AboveScale {
			f |= coverspan.CountMain
		}
	case RuleMinEmployees:
		if o.Employees >= r.MinEmployees {
			f |= coverspan.CountMain
		}
	default:
		f |= coverspan.CountMain
	}
	if o.FullMembers >= coverspan.MinFullMembers {
		f |= coverspan.CountShouldBuild
	}
	if c, ok := org.CategoryByCode(o.Category); ok {
		min := r.SocialMinEmployees
		if c.Sector == org.SectorEconomic {
			min = r.EnterpriseMinEmployees
		}
		if o.Employees >= min {
			f |= coverspan.CountSize
		}
	}
	return f
}

// countsKeyed tells whether a rule change changes what the counts are keyed by.
func countsKeyed(a, b Rule) bool {
	return a.Kind != b.Kind || a.MinEmployees != b.MinEmployees || a.EnterpriseMinEmployees != b.EnterpriseMinEmployees ||
		a.SocialMinEmployees != b.SocialMinEmployees
}

// counted tells whether the report of a region code may come from the
// counts: a county or street (a village keeps only the series its street's
// breakdown reads), or a province or city, from its own series in a city or
// province deployment, else as the sum of its counties (countUnits).
func counted(code string) bool { return coverspan.Full(code) }

// fromCounts tells whether the report of rg may come from the counts.
func (s *Service) fromCounts(ctx context.Context, rg region.Region) (bool, error) {
	if s.SpanPath || rg.Level == "area" || !counted(rg.Code) {
		return false, nil
	}
	a, ok := actor.From(ctx)
	if !ok || (!a.System && (a.Scope == "" || !strings.HasPrefix(rg.Code, a.Scope))) {
		return false, nil
	}
	return coverspan.CountsReady(ctx, s.DB, s.DB)
}

// countUnits are the region codes whose series add up to the subtree of
// code: the code itself at a counted level, or a province or city when the
// counts keep its own series (coverspan.SettingCountsUpper: upper is then
// true); else, for a province or city, every region code under it (itself
// included) no longer than a county's — the counties hold the
// organizations registered at or below them, the shorter codes those
// registered at exactly that code (coverspan.SeriesCodes).
func (s *Service) countUnits(ctx context.Context, q store.Querier, code string) (units []string, upper bool, err error) {
	if len(code) > 4 {
		return []string{code}, false, nil
	}
	upper, err = coverspan.CountsUpper(ctx, s.DB, q)
	if err != nil || upper {
		return []string{code}, upper, err
	}
	cond, args := store.PrefixRange("code", code)
	rows, err := s.DB.Query(ctx, q, `SELECT code FROM regions WHERE `+cond+` AND LENGTH(code) <= 6 ORDER BY code`, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, false, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(out) == 0 || out[0] != code {
		out = append([]string{code}, out...)
	}
	return out, false, nil
}

type seriesKey struct{ region, dim, key string }

func toCounts(m coverspan.Measures) Counts {
	return Counts{Total: int(m[0]), HasCharter: int(m[1]), CharterHasParty: int(m[2]), OrgCovered: int(m[3]), SingleCovered: int(m[4]),
		WorkCovered: int(m[5]), EffectiveCovered: int(m[6]), Instructed: int(m[7])}
}

// sumCounts returns the value on day of every series of the given regions
// and dimensions: the year buckets before the day's year, the month buckets
// of its year before its month, the day buckets of its month up to it. With
// byRegion false the regions' series of the same dimension and key are added
// up in the database (the region of every returned key is then "").
func (s *Service) sumCounts(ctx context.Context, q store.Querier, regions, dims []string, day string, byRegion bool) (map[seriesKey]Counts, error) {
	in := func(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
	regionCol, group := "region_code", "region_code, dim, key"
	if !byRegion {
		regionCol, group = "''", "dim, key"
	}
	regionCond := "region_code = ?"
	if len(regions) > 1 {
		regionCond = "region_code IN (" + in(len(regions)) + ")"
	}
	dimCond := "dim = ?"
	if len(dims) > 1 {
		dimCond = "dim IN (" + in(len(dims)) + ")"
	}
	sel := `SELECT ` + regionCol + `, dim, key, SUM(total), SUM(has_charter), SUM(charter_has_party), SUM(org_covered), SUM(single_covered),
		SUM(work_covered), SUM(effective_covered), SUM(instructed) FROM coverage_counts WHERE ` + regionCond + ` AND ` + dimCond + ` AND grain = ? AND `
	var base []any
	for _, r := range regions {
		base = append(base, r)
	}
	for _, d := range dims {
		base = append(base, d)
	}
	var parts []string
	var args []any
	for _, p := range []struct {
		grain, cond string
		args        []any
	}{
		{"y", "bucket < ?", []any{day[:4]}},
		{"m", "bucket >= ? AND bucket < ?", []any{day[:4] + "-01", day[:7]}},
		{"d", "bucket >= ? AND bucket <= ?", []any{day[:7] + "-01", day}},
	} {
		parts = append(parts, sel+p.cond+` GROUP BY `+group)
		args = append(append(append(args, base...), p.grain), p.args...)
	}
	rows, err := s.DB.Query(ctx, q, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[seriesKey]Counts{}
	for rows.Next() {
		var k seriesKey
		var m coverspan.Measures
		if err := rows.Scan(&k.region, &k.dim, &k.key, &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &m[6], &m[7]); err != nil {
			return nil, err
		}
		c := out[k]
		c.add(toCounts(m))
		out[k] = c
	}
	return out, rows.Err()
}

func nonZero(c Counts) bool {
	return c.Total != 0 || c.HasCharter != 0 || c.CharterHasParty != 0 || c.OrgCovered != 0 || c.SingleCovered != 0 || c.WorkCovered != 0 ||
		c.EffectiveCovered != 0 || c.Instructed != 0
}

// coverageFromCounts is Coverage read from the counts; ok is false when a
// child region has a code the counts are not kept for (the caller then
// takes the span path).
func (s *Service) coverageFromCounts(ctx context.Context, rg region.Region, day string, rule Rule) (Report, bool, error) {
	var kids []region.Region
	cl := childLen(rg.Code)
	if cl > 0 {
		all, err := s.Regions.Children(ctx, rg.Code)
		if err != nil {
			return Report{}, false, err
		}
		for _, k := range all {
			if k.Level == "area" {
				continue
			}
			if len(k.Code) != cl {
				return Report{}, false, nil
			}
			kids = append(kids, k)
		}
	}
	var own, child map[seriesKey]Counts
	self := Counts{}
	err := s.DB.Report(ctx, func(q store.Querier) error {
		units, upper, err := s.countUnits(ctx, q, rg.Code)
		if err != nil {
			return err
		}
		own, err = s.sumCounts(ctx, q, units, []string{coverspan.DimJoint, coverspan.DimIndustry}, day, false)
		if err != nil || cl == 0 {
			return err
		}
		// 直属: registered at the region itself.
		sc, err := s.sumCounts(ctx, q, []string{rg.Code}, []string{coverspan.DimSelf}, day, false)
		if err != nil {
			return err
		}
		self = sc[seriesKey{"", coverspan.DimSelf, ""}]
		// Each child's series: its own code at a counted level or kept as
		// an upper series, else (a province's cities) the units under it,
		// added up below.
		var codes []string
		if len(rg.Code) > 2 || upper {
			for _, k := range kids {
				codes = append(codes, k.Code)
			}
		} else {
			for _, u := range units {
				if len(u) >= cl {
					codes = append(codes, u)
				}
			}
		}
		if len(codes) > 0 {
			child, err = s.sumCounts(ctx, q, codes, []string{coverspan.DimMain}, day, true)
		}
		return err
	})
	if err != nil {
		return Report{}, false, err
	}
	rep := Report{RegionCode: rg.Code, RegionName: rg.Name, AsOf: day, Rule: rule, BySector: map[string]Counts{"economic": {}, "social": {}},
		ByCategory: []KeyCounts{}, ByIndustry: []KeyCounts{}, ByAboveScale: []KeyCounts{}, ByRegion: []RegionCounts{}}
	rep.Rules = namedRules(rule)
	byCat, byAbove := map[string]Counts{}, map[bool]Counts{}
	for k, c := range own {
		switch k.dim {
		case coverspan.DimJoint:
			flags, cat := coverspan.ParseJointKey(k.key)
			for i := range rep.Rules {
				var in bool
				switch rep.Rules[i].Key {
				case NamedAll:
					in = true
				case NamedShouldBuild:
					in = flags&coverspan.CountShouldBuild != 0
				case NamedSize:
					in = flags&coverspan.CountSize != 0
				case NamedAboveScale:
					in = flags&coverspan.FlagAbove != 0
				}
				if in {
					rep.Rules[i].Counts.add(c)
				}
			}
			if flags&coverspan.CountMain == 0 {
				continue
			}
			rep.Counts.add(c)
			v := byCat[cat]
			v.add(c)
			byCat[cat] = v
			a := byAbove[flags&coverspan.FlagAbove != 0]
			a.add(c)
			byAbove[flags&coverspan.FlagAbove != 0] = a
			if category, ok := org.CategoryByCode(cat); ok {
				sec := rep.BySector[category.Sector]
				sec.add(c)
				rep.BySector[category.Sector] = sec
			}
		case coverspan.DimIndustry:
			if !nonZero(c) {
				continue
			}
			name := "未填写"
			if in, ok := org.IndustryByCodeOrName(k.key); ok {
				name = in.Name
			}
			kc := KeyCounts{Key: k.key, Name: name, Counts: c}
			kc.rates()
			rep.ByIndustry = append(rep.ByIndustry, kc)
		}
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
		kc := KeyCounts{Key: c.Code, Name: c.Name, Counts: byCat[c.Code]}
		kc.rates()
		rep.ByCategory = append(rep.ByCategory, kc)
	}
	sort.Slice(rep.ByIndustry, func(i, j int) bool { return rep.ByIndustry[i].Key < rep.ByIndustry[j].Key })
	for _, k := range []string{"true", "false"} {
		kc := KeyCounts{Key: k, Name: map[string]string{"true": "规模以上", "false": "规模以下"}[k], Counts: byAbove[k == "true"]}
		kc.rates()
		rep.ByAboveScale = append(rep.ByAboveScale, kc)
	}
	if cl > 0 {
		sums := map[string]Counts{}
		for k, c := range child {
			v := sums[k.region[:cl]]
			v.add(c)
			sums[k.region[:cl]] = v
		}
		for _, k := range kids {
			rc := RegionCounts{RegionCode: k.Code, Name: k.Name, Counts: sums[k.Code]}
			rc.rates()
			rep.ByRegion = append(rep.ByRegion, rc)
		}
		if nonZero(self) {
			rc := RegionCounts{RegionCode: rg.Code, Name: rg.Name + "（直属）", Counts: self}
			rc.rates()
			rep.ByRegion = append(rep.ByRegion, rc)
		}
	}
	return rep, true, nil
}

// trendFromCounts is Trend read from the counts in one query: the value on
// a month's last day is the year buckets before its year plus the month
// buckets of its year up to and including its month, so only the last point
// (asOf, which may fall inside a month) needs day buckets.
func (s *Service) trendFromCounts(ctx context.Context, rg region.Region, days []string, rule Rule) ([]Report, error) {
	first, last := days[0], days[len(days)-1]
	type row struct {
		grain, bucket string
		flags         int
		cat           string
		c             Counts
	}
	var rows []row
	err := s.DB.Report(ctx, func(q store.Querier) error {
		units, _, err := s.countUnits(ctx, q, rg.Code)
		if err != nil {
			return err
		}
		regionCond := "region_code = ?"
		if len(units) > 1 {
			regionCond = "region_code IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(units)), ", ") + ")"
		}
		sel := `SELECT grain, bucket, key, SUM(total), SUM(has_charter), SUM(charter_has_party), SUM(org_covered), SUM(single_covered),
			SUM(work_covered), SUM(effective_covered), SUM(instructed) FROM coverage_counts WHERE ` + regionCond + ` AND dim = ? AND grain = ? AND `
		grp := ` GROUP BY grain, bucket, key`
		var args []any
		for _, p := range [][]any{{"y", last[:4]}, {"m", first[:4] + "-01", last[:7]}, {"d", last[:7] + "-01", last}} {
			for _, u := range units {
				args = append(args, u)
			}
			args = append(append(args, coverspan.DimJoint), p...)
		}
		rs, err := s.DB.Query(ctx, q, sel+`bucket < ?`+grp+` UNION ALL `+sel+`bucket >= ? AND bucket <= ?`+grp+` UNION ALL `+sel+`bucket >= ? AND bucket <= ?`+grp, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var r row
			var key string
			var m coverspan.Measures
			if err := rs.Scan(&r.grain, &r.bucket, &key, &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &m[6], &m[7]); err != nil {
				return err
			}
			r.flags, r.cat = coverspan.ParseJointKey(key)
			if r.flags&coverspan.CountMain == 0 {
				continue
			}
			r.c = toCounts(m)
			rows = append(rows, r)
		}
		return rs.Err()
	})
	if err != nil {
		return nil, err
	}
	out := make([]Report, len(days))
	for i, d := range days {
		t, _ := time.Parse(store.DateFormat, d)
		monthEnd := t.AddDate(0, 0, 1).Day() == 1
		in := func(r row) bool {
			switch r.grain {
			case "y":
				return r.bucket < d[:4]
			case "m":
				return r.bucket >= d[:4]+"-01" && (r.bucket < d[:7] || (monthEnd && r.bucket == d[:7]))
			}
			return !monthEnd && d == last && r.bucket <= d
		}
		rep := Report{RegionCode: rg.Code, RegionName: rg.Name, AsOf: d, Rule: rule, BySector: map[string]Counts{"economic": {}, "social": {}}}
		for _, r := range rows {
			if !in(r) {
				continue
			}
			rep.Counts.add(r.c)
			if category, ok := org.CategoryByCode(r.cat); ok {
				sec := rep.BySector[category.Sector]
				sec.add(r.c)
				rep.BySector[category.Sector] = sec
			}
		}
		for k, v := range rep.BySector {
			v.rates()
			rep.BySector[k] = v
		}
		rep.Counts.rates()
		out[i] = rep
	}
	return out, nil
}
