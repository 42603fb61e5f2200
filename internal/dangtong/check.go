package dangtong

import (
	"context"

	"liangxin/internal/coverage"
)

// CheckLine is one figure compared between a table and the coverage report.
type CheckLine struct {
	Table    string `json:"table"`
	Name     string `json:"name"`
	Tables   int    `json:"tables"`
	Coverage int    `json:"coverage"`
	OK       bool   `json:"ok"`
}

// Check is the agreement of tables 27 and 30 with the coverage report of the
// same region and day.
type Check struct {
	RegionCode string      `json:"region_code"`
	RegionName string      `json:"region_name"`
	AsOf       string      `json:"as_of"`
	OK         bool        `json:"ok"`
	Lines      []CheckLine `json:"lines"`
	// IndividualBusinesses are the 个体工商户 the coverage report counts and
	// table 27 leaves out (they are not legal persons).
	IndividualBusinesses int `json:"individual_businesses"`
}

// Row numbers (1-based) of tables 27 and 30 the check reads.
const (
	rowUnits      = 1
	rowInstructed = 2
	rowSingle     = 3
	rowJoint      = 7
	rowNone       = 10
)

// Check compares the totals of tables 27 and 30 with the coverage report:
// units, 其中指导员联系的, 单独建立, 单独 + 联合 (组织覆盖) and 未建立.
func (s *Service) Check(ctx context.Context, regionCode, asOf string) (Check, error) {
	rep, err := s.Cover.Coverage(ctx, regionCode, asOf)
	if err != nil {
		return Check{}, err
	}
	out := Check{RegionCode: rep.RegionCode, RegionName: rep.RegionName, AsOf: rep.AsOf, OK: true, Lines: []CheckLine{}}
	byCat := map[string]coverage.Counts{}
	for _, c := range rep.ByCategory {
		byCat[c.Key] = c.Counts
	}
	out.IndividualBusinesses = byCat["individual_business"].Total
	for _, t := range []struct {
		code string
		cats []string
	}{{T27, enterpriseCats}, {T30, socialCats}} {
		tab, err := s.Get(ctx, t.code, rep.RegionCode, rep.AsOf)
		if err != nil {
			return Check{}, err
		}
		var c coverage.Counts
		for _, k := range t.cats {
			v := byCat[k]
			c.Total += v.Total
			c.OrgCovered += v.OrgCovered
			c.SingleCovered += v.SingleCovered
			c.Instructed += v.Instructed
		}
		cell := func(row int) int { return tab.Rows[row-1].Cells[0] }
		for _, l := range []CheckLine{
			{Name: "单位数", Tables: cell(rowUnits), Coverage: c.Total},
			{Name: "其中党建工作指导员联系的", Tables: cell(rowInstructed), Coverage: c.Instructed},
			{Name: "已单独建立党组织的单位", Tables: cell(rowSingle), Coverage: c.SingleCovered},
			{Name: "已建立党组织的单位（单独 + 联合，组织覆盖）", Tables: cell(rowSingle) + cell(rowJoint), Coverage: c.OrgCovered},
			{Name: "未建立党组织的单位", Tables: cell(rowNone), Coverage: c.Total - c.OrgCovered},
		} {
			l.Table = t.code
			l.OK = l.Tables == l.Coverage
			out.OK = out.OK && l.OK
			out.Lines = append(out.Lines, l)
		}
	}
	return out, nil
}
