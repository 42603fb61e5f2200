package instructor

import (
	"context"
	"fmt"

	"liangxin/internal/org"
	"liangxin/internal/sheetexport"
)

func derefStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Export streams the instructors matching q to t, one row per assignment
// (one row without a unit for an instructor without any) in the import
// template's layout, and records the export with the instructors' count.
func (s *Service) Export(ctx context.Context, t sheetexport.Target, q string) error {
	src := sheetexport.Paged(func(ctx context.Context, page, size int) ([]Instructor, int, error) {
		items, total, err := s.List(ctx, q, page, size)
		return items, total.Ceiling(), err
	})
	sheet := sheetexport.Rows("党建指导员", ImportHeaders(), ExportWidths, src, func(in Instructor, emit sheetexport.Emit) error {
		kind := "兼职"
		if in.FullTime {
			kind = "专职"
		}
		if len(in.Assignments) == 0 {
			return emit(in.Name, in.Phone, in.Unit, kind, in.Level, in.RegionName, "", "", "")
		}
		for _, a := range in.Assignments {
			if err := emit(in.Name, in.Phone, in.Unit, kind, in.Level, in.RegionName, org.Label(a.OrganizationName, a.OrganizationUSCC, a.OrganizationRegion), a.From, derefStr(a.To)); err != nil {
				return err
			}
		}
		return nil
	}, nil)
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "instructor", Filters: map[string]string{"q": q},
		Note: func(n int) string { return fmt.Sprintf("导出党建指导员 %d 名", n) }}, sheet)
	return err
}

// ExportDueVisits streams the district's overdue visits (of full-time or
// part-time instructors when fullTime is set), most overdue first, to t and
// records the export.
func (s *Service) ExportDueVisits(ctx context.Context, t sheetexport.Target, fullTime *bool) error {
	src := sheetexport.Paged(func(ctx context.Context, page, size int) ([]OverdueVisit, int, error) {
		return s.AllDueVisits(ctx, fullTime, page, size)
	})
	sheet := sheetexport.One("应走访未走访", []string{"指导员", "类别", "走访频次", "联系单位", "所在区划", "开始联系", "上次走访", "应走访日期", "逾期天数"},
		[]float64{12, 8, 10, 36, 16, 12, 12, 12, 10}, src, func(v OverdueVisit) []any {
			return []any{v.InstructorName, v.KindName, fmt.Sprintf("每 %d 个月", v.EveryMonths), v.Name, v.RegionName, v.From, derefStr(v.LastVisitOn), v.DueOn, v.DaysOverdue}
		})
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "instructor", Filters: map[string]*bool{"full_time": fullTime},
		Note: func(n int) string { return fmt.Sprintf("导出应走访未走访 %d 条", n) }}, sheet)
	return err
}
