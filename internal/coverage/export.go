package coverage

import (
	"context"
	"fmt"
	"strconv"

	"liangxin/internal/org"
	"liangxin/internal/sheetexport"
)

// WorkListNames are the Chinese titles of the work lists.
var WorkListNames = map[string]string{ListShouldBuild: "应建未建", ListFewMembers: "有党员未建", ListNoMembers: "无党员", ListIneffective: "有形无效"}

// WorkListTitle is the Chinese title of work list kind.
func WorkListTitle(kind string) string {
	if t := WorkListNames[kind]; t != "" {
		return t
	}
	return "工作清单"
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }

// ExportWorkList streams one work list (应建未建/有党员未建/无党员/有形无效)
// of the region as of the date to t and records the export.
func (s *Service) ExportWorkList(ctx context.Context, t sheetexport.Target, kind, regionCode, asOf string) error {
	title := WorkListTitle(kind)
	src := sheetexport.Paged(func(ctx context.Context, page, size int) ([]org.Organization, int, error) {
		items, total, err := s.WorkList(ctx, kind, regionCode, asOf, page, size)
		return items, total.Ceiling(), err
	})
	sheet := sheetexport.One(title, []string{"单位名称", "统一社会信用代码", "单位类别", "所属区划", "从业人员数", "正式党员数", "预备党员数", "是否规模以上", "未建原因", "拟建时间"},
		[]float64{36, 22, 16, 14, 10, 10, 10, 12, 24, 12}, src, func(o org.Organization) []any {
			planned := ""
			if o.PlannedOn != nil {
				planned = *o.PlannedOn
			}
			return []any{o.Name, o.USCC, o.CategoryName, o.RegionCode, o.Employees, o.FullMembers, o.ProbationaryMembers, yesNo(o.AboveScale), o.NoOrgReason, planned}
		})
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "worklist",
		Filters: map[string]string{"kind": kind, "region_code": regionCode, "as_of": asOf},
		Note:    func(n int) string { return fmt.Sprintf("导出工作清单%s %d 条", title, n) }}, sheet)
	return err
}

type coverageRow struct {
	scope, code, name string
	c                 Counts
}

// ExportCoverage writes the coverage report of the region as of the date to
// t: the totals, one row per child region, the named rules side by side,
// then the date and scope rule the figures used; and records the export.
func (s *Service) ExportCoverage(ctx context.Context, t sheetexport.Target, regionCode, asOf string) error {
	rep, err := s.Coverage(ctx, regionCode, asOf)
	if err != nil {
		return err
	}
	rows := []coverageRow{{"合计", rep.RegionCode, rep.RegionName, rep.Counts}}
	for _, rc := range rep.ByRegion {
		rows = append(rows, coverageRow{"下级区划", rc.RegionCode, rc.Name, rc.Counts})
	}
	// The named rules side by side, each with its own denominator.
	for _, rc := range rep.Rules {
		rows = append(rows, coverageRow{"口径", rc.Key, rc.Name + "（" + rc.Description + "）", rc.Counts})
	}
	sheet := sheetexport.Rows("两个覆盖", []string{"范围", "区划代码", "名称", "单位总数", "组织覆盖", "单独组建", "工作覆盖", "组织覆盖率", "单独组建率", "工作覆盖率",
		"有效覆盖", "有效覆盖率", "有形无效", "其中党建工作指导员联系的", "有章程", "党建入章", "党建入章率"},
		[]float64{10, 14, 20, 10, 10, 10, 10, 12, 12, 12, 10, 12, 10, 14, 10, 10, 12}, sheetexport.Slice(rows),
		func(r coverageRow, emit sheetexport.Emit) error {
			c := r.c
			return emit(r.scope, r.code, r.name, c.Total, c.OrgCovered, c.SingleCovered, c.WorkCovered, pct(c.OrgRate), pct(c.SingleRate), pct(c.WorkRate),
				c.EffectiveCovered, pct(c.EffectiveRate), c.Ineffective, c.Instructed, c.HasCharter, c.CharterHasParty, pct(c.CharterRate))
		}, func(emit sheetexport.Emit) error {
			if err := emit(); err != nil {
				return err
			}
			if err := emit("统计日期", rep.AsOf); err != nil {
				return err
			}
			return emit("统计口径", rep.Rule.Description)
		})
	_, err = sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "coverage",
		Filters: map[string]string{"region_code": regionCode, "as_of": asOf},
		Note:    func(int) string { return "导出两个覆盖统计 " + rep.RegionCode + " " + rep.AsOf }}, sheet)
	return err
}
