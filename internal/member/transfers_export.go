package member

import (
	"context"
	"fmt"

	"liangxin/internal/sheetexport"
)

// TransferHeaders are the Chinese headers of the transfers export.
var TransferHeaders = []string{"党员姓名", "转接类型", "转出党组织", "接收党组织", "介绍信编号", "开具日期", "有效期至", "状态",
	"接收日期", "回执日期", "办结日期", "备注"}

var transferWidths = []float64{10, 14, 30, 30, 16, 12, 12, 10, 12, 12, 12, 30}

// ExportTransfers streams the transfers of f that the caller sees (the
// sending or receiving side in scope; page and size ignored) to t page by
// page and records the export. A transfer carries no identity number or
// phone; an outside side is written by its name.
func (s *Service) ExportTransfers(ctx context.Context, t sheetexport.Target, f TransferFilter) error {
	either := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	src := sheetexport.Paged(func(ctx context.Context, page, size int) ([]Transfer, int, error) {
		f.Page, f.PageSize = page, size
		items, total, err := s.ListTransfers(ctx, f)
		return items, total.Ceiling(), err
	})
	sheet := sheetexport.One("组织关系转接", TransferHeaders, transferWidths, src, func(t Transfer) []any {
		return []any{t.MemberName, t.KindName, either(t.FromPartyOrgName, t.FromOutside), either(t.ToPartyOrgName, t.ToOutside), t.LetterNo,
			t.IssuedOn, t.ValidUntil, t.StatusName, deref(t.AcceptedOn), deref(t.ReturnSlipOn), deref(t.ClosedOn), t.Note}
	})
	filters := map[string]any{}
	if f.Status != "" {
		filters["status"] = f.Status
	}
	if f.Kind != "" {
		filters["kind"] = f.Kind
	}
	if f.PartyOrgID != 0 {
		filters["party_org_id"] = f.PartyOrgID
	}
	if f.MemberID != 0 {
		filters["member_id"] = f.MemberID
	}
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "transfer", Filters: filters,
		Note: func(n int) string { return fmt.Sprintf("导出组织关系转接 %d 条", n) }}, sheet)
	return err
}
