package cobuild

import (
	"context"
	"fmt"

	"liangxin/internal/sheetexport"
)

// ExportRows writes one sheet of rows already mapped from a list to t and
// records the export as 导出<name> n 条 through the co-building area's own
// logger and database.
func (s *Service) ExportRows(ctx context.Context, t sheetexport.Target, name string, headers []string, widths []float64, rows [][]any, filters any) error {
	sheet := sheetexport.One(name, headers, widths, sheetexport.Slice(rows), func(r []any) []any { return r })
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "cobuild", Filters: filters,
		Note: func(n int) string { return fmt.Sprintf("导出%s %d 条", name, n) }}, sheet)
	return err
}

// ExportUnitYearReport writes unit id's 双报到 report of year — the
// activities with a total row, then the communities' ratings — to the target
// target answers for the report's title, and records the export.
func (s *Service) ExportUnitYearReport(ctx context.Context, target func(title string) sheetexport.Target, id int64, year int) error {
	rep, err := s.UnitYearReport(ctx, id, year)
	if err != nil {
		return err
	}
	activities := sheetexport.Func(fmt.Sprintf("%d年双报到参与情况", year), []string{"参与者", "身份", "报到社区", "活动日期", "活动内容", "时长（小时）"}, []float64{16, 12, 20, 12, 40, 12},
		func(emit sheetexport.Emit) (int, error) {
			for _, x := range rep.Rows {
				if err := emit(x.Who, x.Kind, x.CommunityName, x.HeldOn, x.Activity, x.Hours); err != nil {
					return 0, err
				}
			}
			return len(rep.Rows), emit("合计", fmt.Sprintf("报到党员 %d 名，参与 %d 名", rep.Members, rep.ActiveMembers), "", "", fmt.Sprintf("%d 次", len(rep.Rows)), rep.Hours)
		})
	ratings := sheetexport.Func("社区评价", []string{"社区", "年度", "得分", "等次", "评价意见"}, []float64{20, 8, 8, 10, 50}, func(emit sheetexport.Emit) (int, error) {
		for _, x := range rep.Ratings {
			if err := emit(x.CommunityName, x.Year, x.Score, x.GradeName, x.Comment); err != nil {
				return 0, err
			}
		}
		return len(rep.Ratings), nil
	})
	_, err = sheetexport.Write(ctx, target(fmt.Sprintf("%s%d年度双报到报告", rep.Unit.Name, year)), sheetexport.Audit{Logger: s.Audit, DB: s.DB,
		Entity: "cobuild_unit", EntityID: fmt.Sprint(id), Filters: map[string]int{"year": year},
		Note: func(int) string { return fmt.Sprintf("导出「%s」%d 年度双报到报告", rep.Unit.Name, year) }}, activities, ratings)
	return err
}
