package servicereq

import (
	"context"
	"fmt"

	"liangxin/internal/audit"
	"liangxin/internal/xlsx"
)

// exportPage is the page size used to walk the list while streaming it.
const exportPage = 500

// ExportHeaders are the headers of the request export: the number, the
// template's columns (the phone masked), then what the desk shows.
func ExportHeaders() []string {
	return append(append([]string{"编号"}, ImportHeaders()...), "状态", "办理期限", "承办单位", "办结单位", "所涉组织", "是否超期", "重新办理次数", "诉求出处")
}

var exportWidths = []float64{8, 12, 10, 10, 50, 10, 14, 16, 12, 40, 12, 10, 10, 12, 24, 24, 30, 8, 10, 30}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ExportRequests streams the requests of f (the list's filters, in the
// caller's scope) into a workbook, phones masked, every text cell
// neutralised, and audits the export with the count. The caller writes the
// workbook out with Finish.
func (s *Service) ExportRequests(ctx context.Context, f Filter) (*xlsx.Writer, int, error) {
	f.Page, f.PageSize = 1, exportPage
	items, total, err := s.List(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	w, err := xlsx.NewWriter("诉求", ExportHeaders(), exportWidths)
	if err != nil {
		return nil, 0, err
	}
	n := 0
	for {
		for _, r := range items {
			n++
			over := ""
			if r.Overdue {
				over = fmt.Sprintf("超期 %d 个工作日", r.DaysOverdue)
			}
			origin := ""
			if r.OriginID != nil {
				origin = map[string]string{OriginDialogue: "政企对话", OriginVisit: "指导员走访"}[r.OriginKind] + fmt.Sprintf(" #%d", *r.OriginID)
			}
			if err := w.Row(r.ID, r.ReceivedOn, r.SourceName, r.CategoryName, r.Content, r.RequesterName, r.RequesterPhone, r.RegionName,
				deref(r.DoneOn), r.Result, deref(r.RepliedOn), r.SatisfactionName, r.StateName, r.DueOn, r.HandlerUnitName, r.DoneByUnitName,
				r.OrgName, over, r.ReopenCount, origin); err != nil {
				return nil, 0, err
			}
		}
		if n >= total.Ceiling() || len(items) == 0 {
			break
		}
		f.Page++
		if items, _, err = s.List(ctx, f); err != nil {
			return nil, 0, err
		}
	}
	if err := s.Audit.Record(ctx, s.DB, audit.Entry{Action: "service_request_export", Entity: "service_request",
		After: map[string]any{"count": n, "state": f.State, "region_code": f.RegionCode, "overdue": f.Overdue, "q": f.Q},
		Note:  fmt.Sprintf("导出诉求 %d 件（电话已脱敏）", n)}); err != nil {
		return nil, 0, err
	}
	return w, n, nil
}

// ExportStats writes the figures of a period into a workbook (总体, 按类别,
// 按承办单位, 按月) and audits the export.
func (s *Service) ExportStats(ctx context.Context, f StatsFilter) (*xlsx.Writer, error) {
	st, err := s.Stats(ctx, f)
	if err != nil {
		return nil, err
	}
	figHeaders := []string{"受理", "办结", "按期办结", "按期办结率(%)", "回单", "满意及基本满意", "满意率(%)", "平均办理天数", "重新办理", "重新办理率(%)"}
	row := func(x Figures) []any {
		return []any{x.Received, x.Done, x.OnTime, x.OnTimeRate, x.Replied, x.Satisfied, x.SatisfactionRate, x.AvgDays, x.Reopened, x.ReopenRate}
	}
	widths := []float64{18, 8, 8, 10, 12, 8, 14, 10, 12, 10, 12}
	w, err := xlsx.NewWriter("总体", append([]string{"统计区间"}, figHeaders...), widths)
	if err != nil {
		return nil, err
	}
	if err := w.Row(append([]any{st.From + " 至 " + st.To}, row(st.Total)...)...); err != nil {
		return nil, err
	}
	if err := w.Sheet("按类别", append([]string{"类别"}, figHeaders...), widths); err != nil {
		return nil, err
	}
	for _, c := range st.ByCategory {
		if err := w.Row(append([]any{c.CategoryName}, row(c.Figures)...)...); err != nil {
			return nil, err
		}
	}
	if err := w.Sheet("按承办单位", []string{"排名", "承办单位", "办结", "按期办结", "按期办结率(%)", "平均办理天数"}, []float64{6, 30, 8, 10, 14, 14}); err != nil {
		return nil, err
	}
	for _, u := range st.ByUnit {
		if err := w.Row(u.Rank, u.UnitName, u.Done, u.OnTime, u.OnTimeRate, u.AvgDays); err != nil {
			return nil, err
		}
	}
	if err := w.Sheet("按月", append([]string{"月份"}, figHeaders...), widths); err != nil {
		return nil, err
	}
	for _, m := range st.Monthly {
		if err := w.Row(append([]any{m.Month}, row(m.Figures)...)...); err != nil {
			return nil, err
		}
	}
	if err := s.Audit.Record(ctx, s.DB, audit.Entry{Action: "service_stats_export", Entity: "service_request",
		After: map[string]any{"from": st.From, "to": st.To, "region_code": st.RegionCode},
		Note:  fmt.Sprintf("导出诉求办理统计（%s 至 %s）", st.From, st.To)}); err != nil {
		return nil, err
	}
	return w, nil
}
