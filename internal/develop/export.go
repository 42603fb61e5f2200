package develop

import (
	"context"
	"fmt"

	"liangxin/internal/sheetexport"
)

// ExportHeaders are the Chinese headers of the 发展党员 export: one row per person.
var ExportHeaders = []string{"姓名", "身份证号", "性别", "出生日期", "党组织", "阶段", "递交申请书日期", "最近步骤", "最近步骤日期", "预备期满日期"}

// exportPageSize is the page the export walks the list with (the list's largest).
const exportPageSize = 200

// Export streams the people of the pipeline matching f, in the caller's
// scope, to t — the 身份证号 masked as the list shows it — and records the
// export.
func (s *Service) Export(ctx context.Context, t sheetexport.Target, f Filter) error {
	src := sheetexport.PagedBy(exportPageSize, func(ctx context.Context, page, size int) ([]Person, int, error) {
		f.Page, f.PageSize = page, size
		items, total, err := s.List(ctx, f)
		return items, total.Ceiling(), err
	})
	sheet := sheetexport.One("发展党员", ExportHeaders, []float64{12, 22, 6, 12, 36, 12, 14, 24, 12, 12}, src, func(p Person) []any {
		last := ""
		if p.LastStep >= 1 && p.LastStep <= len(Steps) {
			last = fmt.Sprintf("第%d步 %s", p.LastStep, p.LastStepName)
		} else if p.LastStep > 0 {
			last = p.LastStepName // 延长预备期
		}
		probation := ""
		if p.ProbationEndsOn != nil {
			probation = *p.ProbationEndsOn
		}
		return []any{p.Name, p.IDNumber, p.Gender, p.BirthDate, p.PartyOrgName, p.StageName, p.AppliedOn, last, p.LastStepOn, probation}
	})
	filters := f
	filters.Page, filters.PageSize = 0, 0
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "dev_person", Filters: filters,
		Note: func(n int) string { return fmt.Sprintf("导出发展党员名册 %d 人", n) }}, sheet)
	return err
}
