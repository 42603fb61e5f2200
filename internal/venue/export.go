package venue

import (
	"context"
	"fmt"
	"strconv"

	"liangxin/internal/sheetexport"
)

// ReportHeaders are the Chinese headers of the venue statistics export.
var ReportHeaders = []string{"街道（乡镇）", "阵地名称", "类型", "所在区域", "所属党组织", "是否在用", "达标状态",
	"预约次数", "预约时长（小时）", "活动次数", "活动参加人次", "来访人次", "服务单位数", "服务单位"}

// ExportReport writes the venue statistics of year in the region to t — one
// row per venue, a subtotal row after each street, the total last — and
// records the export.
func (s *Service) ExportReport(ctx context.Context, t sheetexport.Target, year int, regionCode string) error {
	rep, rows, err := s.VenueReport(ctx, year, regionCode)
	if err != nil {
		return err
	}
	hours := func(min int) string { return strconv.FormatFloat(float64(min)/60, 'f', 1, 64) }
	status := func(t Tally) string {
		return fmt.Sprintf("达标 %d、未达标 %d、未检查 %d", t.Met, t.NotMet, t.Unchecked)
	}
	streets := map[string]Tally{}
	for _, st := range rep.ByStreet {
		streets[st.Code] = st
	}
	sheet := sheetexport.Func(fmt.Sprintf("%d年阵地统计", year), ReportHeaders, []float64{16, 30, 14, 16, 30, 8, 10, 10, 14, 10, 14, 10, 10, 50},
		func(emit sheetexport.Emit) (int, error) {
			subtotal := func(label string, t Tally) error {
				return emit(label, fmt.Sprintf("%d 个阵地", t.Venues), "", "", "", "", status(t), t.Bookings, hours(t.BookedMinutes), t.Activities, t.Participants, t.Visitors, t.Units, "")
			}
			for i, v := range rows {
				inUse := "在用"
				if !v.Active {
					inUse = "停用"
				}
				street := streets[v.StreetCode].Name
				if err := emit(street, v.Name, v.KindName, v.RegionName, v.PartyOrgName, inUse, v.StatusName,
					v.Bookings, hours(v.BookedMinutes), v.Activities, v.Participants, v.Visitors, v.Units, v.UnitNames); err != nil {
					return 0, err
				}
				if i == len(rows)-1 || rows[i+1].StreetCode != v.StreetCode {
					if err := subtotal(street+" 小计", streets[v.StreetCode]); err != nil {
						return 0, err
					}
				}
			}
			return len(rows), subtotal("合计", rep.Total)
		})
	_, err = sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "venue",
		Filters: map[string]any{"year": year, "region_code": regionCode},
		Note:    func(n int) string { return fmt.Sprintf("导出 %d 年阵地统计 %d 个阵地", year, n) }}, sheet)
	return err
}
