package wish

import (
	"context"
	"fmt"

	"liangxin/internal/sheetexport"
)

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Export writes the wishes of f (the list's filters, in the caller's scope)
// to t, phones masked and the wisher named as on the board, and records the
// export.
func (s *Service) Export(ctx context.Context, t sheetexport.Target, f Filter) error {
	items, err := s.All(ctx, f)
	if err != nil {
		return err
	}
	sheet := sheetexport.One("微心愿", []string{"编号", "受理编号", "状态", "类别", "心愿内容", "心愿人", "联系电话", "估计价值（元）", "所在区域", "发布党组织",
		"认领人", "认领日期", "应完成日期", "完成日期", "完成情况", "确认日期", "撤回原因", "来源", "登记时间"},
		[]float64{8, 20, 12, 12, 40, 10, 14, 12, 16, 24, 16, 12, 12, 12, 30, 12, 20, 12, 20}, sheetexport.Slice(items), func(x Wish) []any {
			value := ""
			if x.ValueCents != nil {
				value = fmt.Sprintf("%d.%02d", *x.ValueCents/100, *x.ValueCents%100)
			}
			return []any{x.ID, x.Ticket, x.StateName, x.CategoryName, x.Content, x.DisplayName, x.WisherPhone, value, x.RegionName, x.PosterPartyOrgName,
				x.ClaimantName, deref(x.ClaimedOn), deref(x.ClaimDueOn), deref(x.FulfilledOn), x.FulfilNote, deref(x.ConfirmedOn), x.CancelReason, x.SourceName, x.CreatedAt}
		})
	_, err = sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "wish", Filters: f,
		Note: func(n int) string { return fmt.Sprintf("导出微心愿 %d 条", n) }}, sheet)
	return err
}
