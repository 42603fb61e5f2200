package dues

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"liangxin/internal/sheetexport"
)

// ArrearsHeaders are the Chinese headers of the 党费欠交名单 export.
var ArrearsHeaders = []string{"党组织", "姓名", "入党日期", "截至月份", "连续未交月数", "连续6个月未交", "本年未交月份"}

// SummaryHeaders are the Chinese headers of the 党费收缴公示 export.
var SummaryHeaders = []string{"姓名", "类别", "月交纳额（元）", "应交月数", "已交月数", "免交月数", "应交金额（元）", "已交金额（元）", "未交金额（元）"}

// ExportArrears writes the 党费欠交名单 of f (Arrears: members in the
// caller's scope with unpaid months, f.AsOf written as the 截至月份 of every
// row) to t and records the export.
func (s *Service) ExportArrears(ctx context.Context, t sheetexport.Target, f ArrearsFilter) error {
	items, err := s.Arrears(ctx, f)
	if err != nil {
		return err
	}
	sheet := sheetexport.One("党费欠交名单", ArrearsHeaders, []float64{36, 12, 12, 10, 12, 14, 60}, sheetexport.Slice(items), func(a Arrear) []any {
		flag := ""
		if a.Flagged {
			flag = "是"
		}
		return []any{a.PartyOrgName, a.Name, a.JoinedOn, f.AsOf, a.Consecutive, flag, strings.Join(a.Unpaid, "、")}
	})
	filters := map[string]any{"as_of": f.AsOf}
	if f.PartyOrgID != 0 {
		filters["party_org_id"] = f.PartyOrgID
	}
	if f.FlaggedOnly {
		filters["flagged"] = true
	}
	_, err = sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "dues_arrears", Filters: filters,
		Note: func(n int) string { return fmt.Sprintf("导出党费欠交名单 %d 条", n) }}, sheet)
	return err
}

// ExportSummary writes the 党费收缴公示 of a party organization for a year
// (Summary): one row per member, the total last, to t and records the
// export with the members' count.
func (s *Service) ExportSummary(ctx context.Context, t sheetexport.Target, partyOrgID int64, year int) error {
	sum, err := s.Summary(ctx, partyOrgID, year)
	if err != nil {
		return err
	}
	sheet := sheetexport.Rows("党费收缴公示", SummaryHeaders, []float64{12, 16, 14, 10, 10, 10, 14, 14, 14}, sheetexport.Slice(sum.Lines),
		func(l SummaryLine, emit sheetexport.Emit) error {
			monthly := l.Monthly
			if monthly == "" {
				monthly = "未申报"
			}
			return emit(l.Name, l.KindName, monthly, l.MonthsDue, l.MonthsPaid, l.MonthsWaived, l.AmountDue, l.AmountPaid, l.Unpaid)
		},
		func(emit sheetexport.Emit) error {
			return emit("合计（"+sum.PartyOrgName+"，"+strconv.Itoa(sum.Year)+"年，截至"+sum.Through+"）", "", "", sum.MonthsDue, sum.MonthsPaid, sum.MonthsWaived,
				sum.AmountDue, sum.AmountPaid, sum.Unpaid)
		})
	_, err = sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "dues_summary",
		Filters: map[string]any{"party_org_id": partyOrgID, "year": year},
		Note:    func(n int) string { return fmt.Sprintf("导出党费收缴公示 %d 条", n) }}, sheet)
	return err
}
