package workloop

import (
	"context"
	"fmt"

	"liangxin/internal/sheetexport"
)

// ExportReceipts writes notice id's receipts (f as the list's filters) and
// the per-street counts to the target target answers for the notice's
// title, and records the export.
func (s *Service) ExportReceipts(ctx context.Context, target func(title string) sheetexport.Target, id int64, f ReceiptFilter) error {
	n, err := s.GetNotice(ctx, id)
	if err != nil {
		return err
	}
	items, _, err := s.Receipts(ctx, id, f)
	if err != nil {
		return err
	}
	sum, err := s.ReceiptsByStreet(ctx, id)
	if err != nil {
		return err
	}
	receipts := sheetexport.One("阅读和完成情况", []string{"街道（乡镇）", "党组织", "阅读时间", "阅读人", "已完成学习内容", "学习内容总数"}, []float64{16, 36, 20, 12, 14, 12},
		sheetexport.Slice(items), func(it Receipt) []any {
			read := "未阅读"
			if it.ReadAt != nil {
				read = *it.ReadAt
			}
			return []any{it.StreetName, it.PartyOrgName, read, it.ReadBy, it.ItemsDone, it.ItemsTotal}
		})
	streets := sheetexport.One("按街道统计", []string{"街道（乡镇）", "接收党组织", "已阅读", "未阅读", "全部完成", "未全部完成"}, []float64{16, 12, 10, 10, 10, 12},
		sheetexport.Slice(append(sum.Streets, sum.Total)), func(st StreetReceipts) []any {
			return []any{st.StreetName, st.Recipients, st.Read, st.Unread, st.AllDone, st.NotDone}
		})
	_, err = sheetexport.Write(ctx, target(n.Title+"-阅读和完成情况"), sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "notice", EntityID: fmt.Sprint(id),
		Filters: f, Note: func(c int) string { return fmt.Sprintf("导出「%s」阅读和完成情况 %d 条", n.Title, c) }}, receipts, streets)
	return err
}
