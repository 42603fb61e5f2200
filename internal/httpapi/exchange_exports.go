package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/coverage"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/xlsx"
)

// exportPageSize is the page size used to walk a list while streaming it.
const exportPageSize = 500

// partyOrgExportHeaders are the Chinese headers of the party-organization export.
// They are the import template's, so an exported file imports as it is.
var partyOrgExportHeaders = partyorg.ImportHeaders()

func xlsxHeaders(w http.ResponseWriter, ascii, chinese string) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"; filename*=UTF-8''%s.xlsx`, ascii, urlEscape(chinese)))
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// exportPartyOrgs streams the party organizations with the filters of the list endpoint.
func (s *Server) exportPartyOrgs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := partyorg.Filter{Q: q.Get("q"), Kind: q.Get("kind"), Formation: q.Get("formation"), RegionCode: q.Get("region_code"), Status: q.Get("status"), Page: 1, PageSize: exportPageSize}
	if v := q.Get("parent_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return apperr.InvalidField("parent_id", "上级党组织编号应为整数")
		}
		f.ParentID = &id
	}
	items, total, err := s.Party.List(r.Context(), f)
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("党组织", partyOrgExportHeaders, []float64{36, 10, 12, 30, 16, 12, 12, 12, 12, 60})
	if err != nil {
		return err
	}
	n := 0
	for {
		for _, p := range items {
			n++
			covers := make([]string, 0, len(p.Covers))
			for _, c := range p.Covers {
				// A dissolved one lists the units it covered until the end.
				if c.To == nil || (p.DissolvedOn != nil && *c.To == *p.DissolvedOn) {
					covers = append(covers, org.Label(c.OrganizationName, c.OrganizationUSCC, c.OrganizationRegion))
				}
			}
			if err := sw.Row(p.Name, p.KindName, p.FormationName, p.ParentName, p.RegionName, p.EstablishedOn, p.TermStartedOn, p.TermDueOn, deref(p.DissolvedOn), strings.Join(covers, "、")); err != nil {
				return err
			}
		}
		if n >= total || len(items) == 0 {
			break
		}
		f.Page++
		if items, _, err = s.Party.List(r.Context(), f); err != nil {
			return err
		}
	}
	if err := s.Audit.Record(r.Context(), s.DB, audit.Entry{Action: "export", Entity: "party_org", Note: fmt.Sprintf("导出党组织 %d 条", n)}); err != nil {
		return err
	}
	xlsxHeaders(w, "party-orgs", "党组织")
	return sw.Finish(w)
}

// exportInstructors streams the instructors, one row per assignment.
func (s *Server) exportInstructors(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	items, total, err := s.Instr.List(r.Context(), q, 1, exportPageSize)
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("党建指导员", instructor.ImportHeaders(), instructor.ExportWidths)
	if err != nil {
		return err
	}
	n, page := 0, 1
	for {
		for _, in := range items {
			n++
			kind := "兼职"
			if in.FullTime {
				kind = "专职"
			}
			if len(in.Assignments) == 0 {
				if err := sw.Row(in.Name, in.Phone, in.Unit, kind, in.Level, in.RegionName, "", "", ""); err != nil {
					return err
				}
			}
			for _, a := range in.Assignments {
				if err := sw.Row(in.Name, in.Phone, in.Unit, kind, in.Level, in.RegionName, org.Label(a.OrganizationName, a.OrganizationUSCC, a.OrganizationRegion), a.From, deref(a.To)); err != nil {
					return err
				}
			}
		}
		if n >= total || len(items) == 0 {
			break
		}
		page++
		if items, _, err = s.Instr.List(r.Context(), q, page, exportPageSize); err != nil {
			return err
		}
	}
	if err := s.Audit.Record(r.Context(), s.DB, audit.Entry{Action: "export", Entity: "instructor", Note: fmt.Sprintf("导出党建指导员 %d 名", n)}); err != nil {
		return err
	}
	xlsxHeaders(w, "instructors", "党建指导员")
	return sw.Finish(w)
}

// exportAllDueVisits streams the district's list of overdue visits, most overdue first.
func (s *Server) exportAllDueVisits(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Invalid()
	kind := optBool(r.URL.Query(), "full_time", bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	items, total, err := s.Instr.AllDueVisits(r.Context(), kind, 1, exportPageSize)
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("应走访未走访", []string{"指导员", "类别", "走访频次", "联系单位", "所在区划", "开始联系", "上次走访", "应走访日期", "逾期天数"},
		[]float64{12, 8, 10, 36, 16, 12, 12, 12, 10})
	if err != nil {
		return err
	}
	n, p := 0, 1
	for {
		for _, v := range items {
			n++
			if err := sw.Row(v.InstructorName, v.KindName, fmt.Sprintf("每 %d 个月", v.EveryMonths), v.Name, v.RegionName, v.From, deref(v.LastVisitOn), v.DueOn, v.DaysOverdue); err != nil {
				return err
			}
		}
		if n >= total || len(items) == 0 {
			break
		}
		p++
		if items, _, err = s.Instr.AllDueVisits(r.Context(), kind, p, exportPageSize); err != nil {
			return err
		}
	}
	if err := s.Audit.Record(r.Context(), s.DB, audit.Entry{Action: "export", Entity: "instructor", Note: fmt.Sprintf("导出应走访未走访 %d 条", n)}); err != nil {
		return err
	}
	xlsxHeaders(w, "due-visits", "应走访未走访")
	return sw.Finish(w)
}

// worklistNames are the Chinese titles of the work lists.
var worklistNames = map[string]string{coverage.ListShouldBuild: "应建未建", coverage.ListFewMembers: "有党员未建", coverage.ListNoMembers: "无党员",
	coverage.ListIneffective: "有形无效"}

// exportWorklist streams one work list (应建未建/有党员未建/无党员/有形无效).
func (s *Server) exportWorklist(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	kind := r.PathValue("kind")
	items, total, err := s.Cover.WorkList(r.Context(), kind, q.Get("region_code"), q.Get("as_of"), 1, exportPageSize)
	if err != nil {
		return err
	}
	title := worklistNames[kind]
	if title == "" {
		title = "工作清单"
	}
	sw, err := xlsx.NewWriter(title, []string{"单位名称", "统一社会信用代码", "单位类别", "所属区划", "从业人员数", "正式党员数", "预备党员数", "是否规模以上", "未建原因", "拟建时间"}, []float64{36, 22, 16, 14, 10, 10, 10, 12, 24, 12})
	if err != nil {
		return err
	}
	n, page := 0, 1
	for {
		for _, o := range items {
			n++
			if err := sw.Row(o.Name, o.USCC, o.CategoryName, o.RegionCode, o.Employees, o.FullMembers, o.ProbationaryMembers, yesNo(o.AboveScale), o.NoOrgReason, deref(o.PlannedOn)); err != nil {
				return err
			}
		}
		if n >= total || len(items) == 0 {
			break
		}
		page++
		if items, _, err = s.Cover.WorkList(r.Context(), kind, q.Get("region_code"), q.Get("as_of"), page, exportPageSize); err != nil {
			return err
		}
	}
	if err := s.Audit.Record(r.Context(), s.DB, audit.Entry{Action: "export", Entity: "worklist", Note: fmt.Sprintf("导出工作清单%s %d 条", title, n)}); err != nil {
		return err
	}
	xlsxHeaders(w, "worklist-"+kind, title)
	return sw.Finish(w)
}

// exportRenewals streams the 换届 due and overdue list.
func (s *Server) exportRenewals(w http.ResponseWriter, r *http.Request) error {
	days := partyorg.DefaultRenewalRange
	if v := r.URL.Query().Get("within_days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return apperr.InvalidField("within_days", "天数应为整数")
		}
		days = n
	}
	items, err := s.Party.Renewals(r.Context(), days)
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("换届提醒", []string{"党组织名称", "组织类别", "所属街道（乡镇）", "本届开始日期", "换届到期日", "状态", "剩余天数"}, []float64{36, 10, 16, 12, 12, 10, 10})
	if err != nil {
		return err
	}
	for _, p := range items {
		state := "即将到期"
		if p.Overdue {
			state = "已逾期"
		}
		if err := sw.Row(p.Name, p.KindName, p.RegionName, p.TermStartedOn, p.TermDueOn, state, p.DaysLeft); err != nil {
			return err
		}
	}
	if err := s.Audit.Record(r.Context(), s.DB, audit.Entry{Action: "export", Entity: "renewal", Note: fmt.Sprintf("导出换届提醒 %d 条", len(items))}); err != nil {
		return err
	}
	xlsxHeaders(w, "renewals", "换届提醒")
	return sw.Finish(w)
}

func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }

// exportCoverage writes the coverage report: the totals, one row per child
// region, and the scope rule and date the figures used.
func (s *Server) exportCoverage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rep, err := s.Cover.Coverage(r.Context(), q.Get("region_code"), q.Get("as_of"))
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("两个覆盖", []string{"范围", "区划代码", "名称", "单位总数", "组织覆盖", "单独组建", "工作覆盖", "组织覆盖率", "单独组建率", "工作覆盖率",
		"有效覆盖", "有效覆盖率", "有形无效", "其中党建工作指导员联系的", "有章程", "党建入章", "党建入章率"},
		[]float64{10, 14, 20, 10, 10, 10, 10, 12, 12, 12, 10, 12, 10, 14, 10, 10, 12})
	if err != nil {
		return err
	}
	row := func(scope, code, name string, c coverage.Counts) error {
		return sw.Row(scope, code, name, c.Total, c.OrgCovered, c.SingleCovered, c.WorkCovered, pct(c.OrgRate), pct(c.SingleRate), pct(c.WorkRate),
			c.EffectiveCovered, pct(c.EffectiveRate), c.Ineffective, c.Instructed, c.HasCharter, c.CharterHasParty, pct(c.CharterRate))
	}
	if err := row("合计", rep.RegionCode, rep.RegionName, rep.Counts); err != nil {
		return err
	}
	for _, rc := range rep.ByRegion {
		if err := row("下级区划", rc.RegionCode, rc.Name, rc.Counts); err != nil {
			return err
		}
	}
	// The named rules side by side, each with its own denominator.
	for _, rc := range rep.Rules {
		if err := row("口径", rc.Key, rc.Name+"（"+rc.Description+"）", rc.Counts); err != nil {
			return err
		}
	}
	if err := sw.Row(); err != nil {
		return err
	}
	if err := sw.Row("统计日期", rep.AsOf); err != nil {
		return err
	}
	if err := sw.Row("统计口径", rep.Rule.Description); err != nil {
		return err
	}
	if err := s.Audit.Record(r.Context(), s.DB, audit.Entry{Action: "export", Entity: "coverage", Note: "导出两个覆盖统计 " + rep.RegionCode + " " + rep.AsOf}); err != nil {
		return err
	}
	xlsxHeaders(w, "coverage", "两个覆盖统计")
	return sw.Finish(w)
}
