package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/coverage"
	"liangxin/internal/partyorg"
	"liangxin/internal/sheetexport"
)

func xlsxHeaders(w http.ResponseWriter, ascii, chinese string) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"; filename*=UTF-8''%s.xlsx`, ascii, urlEscape(chinese)))
}

// xlsxTarget is where an export driven by sheetexport goes: the response,
// with the workbook's headers set once the export is audited (an error
// before that still answers as JSON).
func xlsxTarget(w http.ResponseWriter, ascii, chinese string) sheetexport.Target {
	return sheetexport.Target{W: w, Ready: func() { xlsxHeaders(w, ascii, chinese) }}
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
	f := partyorg.Filter{Q: q.Get("q"), Kind: q.Get("kind"), Formation: q.Get("formation"), RegionCode: q.Get("region_code"), Status: q.Get("status")}
	if v := q.Get("parent_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return apperr.InvalidField("parent_id", "上级党组织编号应为整数")
		}
		f.ParentID = &id
	}
	return s.Party.Export(r.Context(), xlsxTarget(w, "party-orgs", "党组织"), f)
}

// exportInstructors streams the instructors, one row per assignment.
func (s *Server) exportInstructors(w http.ResponseWriter, r *http.Request) error {
	return s.Instr.Export(r.Context(), xlsxTarget(w, "instructors", "党建指导员"), r.URL.Query().Get("q"))
}

// exportAllDueVisits streams the district's list of overdue visits, most overdue first.
func (s *Server) exportAllDueVisits(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Invalid()
	kind := optBool(r.URL.Query(), "full_time", bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	return s.Instr.ExportDueVisits(r.Context(), xlsxTarget(w, "due-visits", "应走访未走访"), kind)
}

// exportWorklist streams one work list (应建未建/有党员未建/无党员/有形无效).
func (s *Server) exportWorklist(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	kind := r.PathValue("kind")
	return s.Cover.ExportWorkList(r.Context(), xlsxTarget(w, "worklist-"+kind, coverage.WorkListTitle(kind)), kind, q.Get("region_code"), q.Get("as_of"))
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
	return s.Party.ExportRenewals(r.Context(), xlsxTarget(w, "renewals", "换届提醒"), days)
}

// exportCoverage writes the coverage report: the totals, one row per child
// region, and the scope rule and date the figures used.
func (s *Server) exportCoverage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return s.Cover.ExportCoverage(r.Context(), xlsxTarget(w, "coverage", "两个覆盖统计"), q.Get("region_code"), q.Get("as_of"))
}
