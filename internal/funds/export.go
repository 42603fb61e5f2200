package funds

import (
	"context"
	"fmt"

	"liangxin/internal/sheetexport"
)

// ReportHeaders are the Chinese headers of the yearly 党建经费 export.
var ReportHeaders = []string{"街道（乡镇）", "党组织", "类别", "组建方式", "计算月数", "工作经费（元）", "启动经费（元）", "收缴党费（元）", "党费返还（元）", "配套（元）",
	"应拨合计（元）", "已拨（元）", "孵化基金资助（元）", "已支出（元）", "未拨（元）", "结余（元）"}

// ReportTitle is the sheet name and Chinese file name of the yearly export.
func ReportTitle(year int) string { return fmt.Sprintf("%d年度党建经费", year) }

// ExportReport writes the finance office's sheet of year in the region
// (GetReport) to t — one row per party organization, a subtotal row after
// each street, the total last; amounts in 元 with two decimals from integer
// 分 — and records the export with the party organizations' count.
func (s *Service) ExportReport(ctx context.Context, t sheetexport.Target, year int, regionCode string) error {
	rep, err := s.GetReport(ctx, year, regionCode)
	if err != nil {
		return err
	}
	kinds, forms := Kinds(), Formations()
	name := func(opts []Option, c string) string {
		for _, o := range opts {
			if o.Code == c {
				return o.Name
			}
		}
		return c
	}
	y := FormatYuan
	sheet := sheetexport.Func(ReportTitle(rep.Year), ReportHeaders, sheetexport.Widths(16, 36, 8, 10, 8, 14, 14, 14, 14, 12, 14, 14, 16, 14, 14, 14),
		func(emit sheetexport.Emit) (int, error) {
			total := func(label, who string, t Totals) error {
				return emit(label, who, "", "", "", y(t.StandardCents), y(t.StartupCents), y(t.DuesCents), y(t.ReturnedCents), y(t.MatchedCents),
					y(t.EntitledCents), y(t.AllocatedCents), y(t.GrantedCents), y(t.SpentCents), y(t.OutstandingCent), y(t.BalanceCents))
			}
			for i, row := range rep.Rows {
				if err := emit(row.StreetName, row.PartyOrgName, name(kinds, row.Kind), name(forms, row.Formation), row.Months, y(row.StandardCents), y(row.StartupCents),
					y(row.DuesCents), y(row.ReturnedCents), y(row.MatchedCents), y(row.EntitledCents), y(row.AllocatedCents), y(row.GrantedCents), y(row.SpentCents),
					y(row.OutstandingCent), y(row.BalanceCents)); err != nil {
					return 0, err
				}
				if i == len(rep.Rows)-1 || rep.Rows[i+1].StreetCode != row.StreetCode {
					for _, st := range rep.Streets {
						if st.Code == row.StreetCode {
							if err := total(row.StreetName+" 小计", fmt.Sprintf("%d 个党组织", st.PartyOrgs), st); err != nil {
								return 0, err
							}
						}
					}
				}
			}
			return len(rep.Rows), total("合计", fmt.Sprintf("%d 个党组织", rep.Total.PartyOrgs), rep.Total)
		})
	_, err = sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "funds",
		Filters: map[string]any{"year": year, "region_code": regionCode},
		Note:    func(n int) string { return fmt.Sprintf("导出%s %d 条", ReportTitle(rep.Year), n) }}, sheet)
	return err
}
