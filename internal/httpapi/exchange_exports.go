package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/partyorg"
	"liangxin/internal/xlsx"
)

// exportPageSize is the page size used to walk a list while streaming it.
const exportPageSize = 500

// partyOrgExportHeaders are the Chinese headers of the party-organization export.
var partyOrgExportHeaders = []string{"党组织名称", "组织类别", "组建方式", "上级党组织", "所属街道（乡镇）", "成立日期", "本届开始日期", "换届到期日", "撤销日期", "覆盖单位（统一社会信用代码或单位名称，多个用、分隔）"}

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
				if c.To == nil {
					covers = append(covers, c.OrganizationName)
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
	sw, err := xlsx.NewWriter("党建指导员", []string{"指导员姓名", "联系电话", "工作单位", "专职/兼职", "级别", "所属街道（乡镇）", "联系单位", "联系开始日期", "联系结束日期"}, []float64{14, 16, 30, 10, 10, 16, 36, 14, 14})
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
				if err := sw.Row(in.Name, in.Phone, in.Unit, kind, in.Level, in.RegionName, a.OrganizationName, a.From, deref(a.To)); err != nil {
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
