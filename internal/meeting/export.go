package meeting

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"liangxin/internal/partyorg"
	"liangxin/internal/sheetexport"
)

func pctPtr(v *float64) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(*v*100, 'f', 1, 64) + "%"
}

// orgHeaders are the headers of the compliance exports.
var orgHeaders = []string{"党组织", "街道（乡镇）", "应开次数", "已开次数", "落实率", "平均出席率", "会议总数", "缺项"}

func orgSheet(name string, orgs []OrgCompliance) sheetexport.Sheet {
	return orgSheetOf(name, sheetexport.Slice(orgs))
}

func orgSheetOf(name string, src sheetexport.Source[OrgCompliance]) sheetexport.Sheet {
	return sheetexport.One(name, orgHeaders, []float64{36, 14, 10, 10, 10, 12, 10, 80}, src, func(o OrgCompliance) []any {
		return []any{o.PartyOrgName, o.StreetName, o.Required, o.Held, pctPtr(o.Rate), pctPtr(o.Attendance), o.Meetings, strings.Join(o.Missing, "；")}
	})
}

// write runs an export of the meetings area, noted 导出<what> n 条.
func (s *Service) write(ctx context.Context, t sheetexport.Target, entity, what string, filters any, sheet sheetexport.Sheet) error {
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: entity, Filters: filters,
		Note: func(n int) string { return fmt.Sprintf("导出%s %d 条", what, n) }}, sheet)
	return err
}

// ExportCompliance writes the organizations' 组织生活 compliance of f to t and records the export.
func (s *Service) ExportCompliance(ctx context.Context, t sheetexport.Target, f ReportFilter) error {
	from, to, err := checkRange(f)
	if err != nil {
		return err
	}
	if ok, err := s.slotsServe(ctx, from, to); err != nil {
		return err
	} else if ok {
		// Streamed from the slots, 500 party organizations at a time.
		src := sheetexport.Source[OrgCompliance](func(ctx context.Context, yield func(OrgCompliance) error) error {
			return s.eachComplianceRowSQL(ctx, f, from, to, yield)
		})
		return s.write(ctx, t, "compliance", "组织生活落实情况", f, orgSheetOf("组织生活落实情况", src))
	}
	rep, err := s.Compliance(ctx, f)
	if err != nil {
		return err
	}
	return s.write(ctx, t, "compliance", "组织生活落实情况", f, orgSheet("组织生活落实情况", rep.Orgs))
}

// ExportLaggards writes the organizations whose 组织生活 falls short under f to t and records the export.
func (s *Service) ExportLaggards(ctx context.Context, t sheetexport.Target, f ReportFilter) error {
	items, err := s.Laggards(ctx, f)
	if err != nil {
		return err
	}
	return s.write(ctx, t, "compliance", "组织生活未落实到位", f, orgSheet("组织生活未落实", items))
}

// ExportMeetings streams the meetings of f with the meetings' cursor to t and records the export.
func (s *Service) ExportMeetings(ctx context.Context, t sheetexport.Target, f Filter) error {
	src := sheetexport.Source[Meeting](func(ctx context.Context, yield func(Meeting) error) error { return s.Each(ctx, f, yield) })
	sheet := sheetexport.One("会议记录", []string{"党组织", "会议类型", "状态", "日期", "地点", "主题", "授课人", "主持人", "记录人", "应到", "实到", "请假", "缺席", "出席率", "补开/补报", "决议"},
		[]float64{32, 14, 8, 12, 20, 30, 10, 10, 10, 6, 6, 6, 6, 8, 10, 40}, src, func(m Meeting) []any {
			late := ""
			if m.Late {
				late = "是"
			}
			return []any{m.PartyOrgName, m.KindName, m.StatusName, m.Date, m.Place, m.Topic, m.Presenter, m.Host, m.Recorder, m.Expected, m.Present, m.Excused, m.Absent,
				pctPtr(m.Attendance), late, m.Resolutions}
		})
	return s.write(ctx, t, "meeting", "会议记录", f, sheet)
}

// ExportRenewals writes the committees due or overdue for 换届 to t and records the export.
func (s *Service) ExportRenewals(ctx context.Context, t sheetexport.Target) error {
	items, err := s.Renewals(ctx)
	if err != nil {
		return err
	}
	sheet := sheetexport.One("换届提醒", []string{"党组织", "类别", "本届开始", "届满日期", "剩余天数", "状态"}, []float64{36, 10, 12, 12, 10, 10},
		sheetexport.Slice(items), func(p partyorg.Renewal) []any {
			st := "即将到期"
			if p.Overdue {
				st = "逾期未换届"
			}
			return []any{p.Name, p.KindName, p.TermStartedOn, p.TermDueOn, p.DaysLeft, st}
		})
	return s.write(ctx, t, "party_org", "换届提醒", nil, sheet)
}

// ExportVacancies writes the secretary vacancies to t and records the export.
func (s *Service) ExportVacancies(ctx context.Context, t sheetexport.Target) error {
	items, err := s.Vacancies(ctx)
	if err != nil {
		return err
	}
	sheet := sheetexport.One("书记空缺", []string{"党组织", "空缺起始", "空缺天数", "超过三个月"}, []float64{36, 12, 10, 12}, sheetexport.Slice(items), func(v Vacancy) []any {
		flagged := "否"
		if v.Flagged {
			flagged = "是"
		}
		return []any{v.PartyOrgName, v.VacantSince, v.Days, flagged}
	})
	return s.write(ctx, t, "party_org", "书记空缺", nil, sheet)
}
