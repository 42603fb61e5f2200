package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/coverage"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/xlsx"
)

var orgQuery = []string{"q", "category", "sector", "region_code", "area_code", "industry", "above_scale", "min_employees", "max_employees",
	"has_members", "owner_is_member", "has_charter", "charter_has_party", "tag", "status", "coverage", "registered_from", "registered_to", "sort", "order", "page", "page_size"}

func optBool(q url.Values, name string, bad *apperr.Error) *bool {
	v := q.Get(name)
	if v == "" {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		bad.Field(name, "应为 true 或 false")
		return nil
	}
	return &b
}

func optInt(q url.Values, name string, bad *apperr.Error) *int {
	v := q.Get(name)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		bad.Field(name, "应为非负整数")
		return nil
	}
	return &n
}

func orgFilter(r *http.Request, paged bool) (org.Filter, error) {
	q := r.URL.Query()
	bad := apperr.Invalid()
	f := org.Filter{
		Q: q.Get("q"), Category: q.Get("category"), Sector: q.Get("sector"), RegionCode: q.Get("region_code"), AreaCode: q.Get("area_code"),
		Industry: q.Get("industry"), Tag: q.Get("tag"), Status: q.Get("status"), Coverage: q.Get("coverage"),
		RegFrom: q.Get("registered_from"), RegTo: q.Get("registered_to"), Sort: q.Get("sort"),
		AboveScale: optBool(q, "above_scale", bad), MinEmployees: optInt(q, "min_employees", bad), MaxEmployees: optInt(q, "max_employees", bad),
		HasMembers: optBool(q, "has_members", bad), OwnerMember: optBool(q, "owner_is_member", bad), HasCharter: optBool(q, "has_charter", bad),
		CharterHasParty: optBool(q, "charter_has_party", bad),
	}
	switch q.Get("order") {
	case "", "asc":
	case "desc":
		f.Desc = true
	default:
		bad.Field("order", "排序方向应为 asc 或 desc")
	}
	if paged {
		p, size, err := pageParams(r)
		if err != nil {
			return f, err
		}
		f.Page, f.PageSize = p, size
	}
	return f, bad.OrNil()
}

func (s *Server) listOrganizations(w http.ResponseWriter, r *http.Request) error {
	f, err := orgFilter(r, true)
	if err != nil {
		return err
	}
	items, total, err := s.Orgs.List(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, f.Page, f.PageSize))
	return nil
}

func (s *Server) createOrganization(w http.ResponseWriter, r *http.Request) error {
	var in org.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	o, err := s.Orgs.Create(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) getOrganization(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.Orgs.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) updateOrganization(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in org.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	o, err := s.Orgs.Update(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) deleteOrganization(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Orgs.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type historyEntry struct {
	At         time.Time       `json:"at"`
	Username   string          `json:"username"`
	Action     string          `json:"action"`
	ActionName string          `json:"action_name"`
	Detail     json.RawMessage `json:"detail"`
}

// organizationHistory shows the changes of one organization (from the audit
// trail, limited to that record, which the caller may see).
func (s *Server) organizationHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Orgs.Get(r.Context(), id); err != nil {
		return err
	}
	items := []historyEntry{}
	err = s.Audit.Each(actor.System(r.Context(), "history"), audit.Filter{Entity: "organization", EntityID: fmt.Sprint(id)}, func(row audit.Row) error {
		items = append(items, historyEntry{At: row.At, Username: row.Username, Action: row.Action, ActionName: row.ActionName, Detail: row.Detail})
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[historyEntry]{Items: items})
	return nil
}

func (s *Server) ledgerOptions(w http.ResponseWriter, r *http.Request) error {
	levels, err := s.Instr.Levels(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"categories": org.Categories(), "industries": org.Industries(), "tags": org.Tags(),
		"party_org_kinds": partyorg.Kinds(), "formations": partyorg.Formations(), "instructor_levels": levels,
	})
	return nil
}

// Cell text of the exports written here (one copy, in internal/xlsx).
var deref = xlsx.OrEmpty

func (s *Server) exportOrganizations(w http.ResponseWriter, r *http.Request) error {
	f, err := orgFilter(r, false)
	if err != nil {
		return err
	}
	return org.Export(r.Context(), xlsxTarget(w, "organizations", "两新组织"), s.Orgs, s.Regions, f)
}

func (s *Server) listPartyOrgs(w http.ResponseWriter, r *http.Request) error {
	p, size, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := partyorg.Filter{Q: q.Get("q"), Kind: q.Get("kind"), Formation: q.Get("formation"), RegionCode: q.Get("region_code"), Status: q.Get("status"), Page: p, PageSize: size}
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
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, p, size))
	return nil
}

// partyOrgOption is a party organization a party_org account can be bound to.
type partyOrgOption struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	RegionCode string `json:"region_code"`
}

// partyOrgOptions lets user managers (who do not read the ledger) find the
// existing party organization to bind a 党组织书记 account to.
// optionsLimit is the most candidates a binding-options search returns.
const optionsLimit = 50

func (s *Server) partyOrgOptions(w http.ResponseWriter, r *http.Request) error {
	items, _, err := s.Party.List(r.Context(), partyorg.Filter{Q: r.URL.Query().Get("q"), Status: "active", Page: 1, PageSize: optionsLimit})
	if err != nil {
		return err
	}
	out := make([]partyOrgOption, 0, len(items))
	for _, p := range items {
		out = append(out, partyOrgOption{ID: p.ID, Name: p.Name, RegionCode: p.RegionCode})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// instructorOption is an instructor record the security administrator may
// bind an instructor account to (no phone).
type instructorOption struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	RegionName string `json:"region_name"`
}

func (s *Server) instructorOptions(w http.ResponseWriter, r *http.Request) error {
	items, _, err := s.Instr.List(r.Context(), r.URL.Query().Get("q"), 1, optionsLimit)
	if err != nil {
		return err
	}
	out := make([]instructorOption, 0, len(items))
	for _, in := range items {
		out = append(out, instructorOption{ID: in.ID, Name: in.Name, Unit: in.Unit, RegionName: in.RegionName})
	}
	writeJSON(w, http.StatusOK, list[instructorOption]{Items: out})
	return nil
}

func (s *Server) createPartyOrg(w http.ResponseWriter, r *http.Request) error {
	var in partyorg.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Party.Create(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) partyOrgTree(w http.ResponseWriter, r *http.Request) error {
	t, err := s.Party.Tree(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[partyorg.TreeNode]{Items: t})
	return nil
}

func (s *Server) renewals(w http.ResponseWriter, r *http.Request) error {
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
	return writePaged(w, r, items)
}

func (s *Server) getPartyOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.Party.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) updatePartyOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in partyorg.Patch
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Party.Update(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

type dateOn struct {
	On string `json:"on"`
}

func (s *Server) dissolvePartyOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in dateOn
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Party.Dissolve(r.Context(), id, in.On)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) addCover(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		OrganizationID int64  `json:"organization_id"`
		From           string `json:"from"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Party.AddCover(r.Context(), id, in.OrganizationID, in.From)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) endCover(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cid, err := pathID(r, "cover_id")
	if err != nil {
		return err
	}
	var in dateOn
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Party.EndCover(r.Context(), id, cid, in.On)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) listInstructors(w http.ResponseWriter, r *http.Request) error {
	p, size, err := pageParams(r)
	if err != nil {
		return err
	}
	items, total, err := s.Instr.List(r.Context(), r.URL.Query().Get("q"), p, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, p, size))
	return nil
}

func (s *Server) createInstructor(w http.ResponseWriter, r *http.Request) error {
	var in instructor.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Instr.Create(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getInstructor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	reveal, err := revealParam(r)
	if err != nil {
		return err
	}
	get := s.Instr.Get
	if reveal {
		get = s.Instr.Reveal
	}
	out, err := get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) updateInstructor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in instructor.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Instr.Update(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		OrganizationID int64  `json:"organization_id"`
		From           string `json:"from"`
		To             string `json:"to"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := s.Instr.Assign(r.Context(), id, in.OrganizationID, in.From, in.To)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) endAssignment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	aid, err := pathID(r, "assignment_id")
	if err != nil {
		return err
	}
	var in dateOn
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := s.Instr.EndAssignment(r.Context(), id, aid, in.On)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) listVisits(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	items, err := s.Instr.Visits(r.Context(), id)
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

func (s *Server) instructorOrganizations(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	items, err := s.Instr.Organizations(r.Context(), id)
	if err != nil {
		return err
	}
	return writePaged(w, r, items)
}

// dueVisitList is the answer of GET /instructors/{id}/due-visits: one page
// of the overdue organizations and the instructor's visit frequency.
type dueVisitList struct {
	EveryMonths int                   `json:"every_months"`
	Items       []instructor.DueVisit `json:"items"`
	Total       int                   `json:"total"`
	Page        int                   `json:"page"`
	PageSize    int                   `json:"page_size"`
}

func (s *Server) dueVisits(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	every, items, err := s.Instr.DueVisits(r.Context(), id)
	if err != nil {
		return err
	}
	pg, err := pageSlice(r, items)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dueVisitList{EveryMonths: every, Items: pg.Items, Total: pg.Total, Page: pg.Page, PageSize: pg.PageSize})
	return nil
}

// allDueVisits is GET /instructors/due-visits: the district's list of who is
// behind, over every instructor, organizations of the caller's scope.
func (s *Server) allDueVisits(w http.ResponseWriter, r *http.Request) error {
	bad := apperr.Invalid()
	kind := optBool(r.URL.Query(), "full_time", bad)
	if err := bad.OrNil(); err != nil {
		return err
	}
	p, size, err := pageParams(r)
	if err != nil {
		return err
	}
	items, total, err := s.Instr.AllDueVisits(r.Context(), kind, p, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page[instructor.OverdueVisit]{Items: items, Total: total, Page: p, PageSize: size})
	return nil
}

func (s *Server) visitFrequencies(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Instr.Frequencies(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[instructor.Frequency]{Items: items})
	return nil
}

func (s *Server) setVisitFrequency(w http.ResponseWriter, r *http.Request) error {
	var in instructor.FrequencyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.Instr.SetFrequency(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, f)
	return nil
}

func (s *Server) addVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in instructor.Visit
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := s.Instr.AddVisit(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) coverageReport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rep, err := s.Cover.Coverage(r.Context(), q.Get("region_code"), q.Get("as_of"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) coverageTrend(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	months := 12
	if v := q.Get("months"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return apperr.InvalidField("months", "月数应为整数")
		}
		months = n
	}
	items, err := s.Cover.Trend(r.Context(), q.Get("region_code"), q.Get("as_of"), months)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[coverage.Report]{Items: items})
	return nil
}

func (s *Server) workList(w http.ResponseWriter, r *http.Request) error {
	p, size, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, total, err := s.Cover.WorkList(r.Context(), r.PathValue("kind"), q.Get("region_code"), q.Get("as_of"), p, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOfTotal(items, total, p, size))
	return nil
}

func (s *Server) getCoverageRule(w http.ResponseWriter, r *http.Request) error {
	rule, err := s.Cover.GetRule(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rule)
	return nil
}

func (s *Server) setCoverageRule(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Kind         string `json:"kind"`
		MinEmployees int    `json:"min_employees"`
		// The 规模口径 thresholds (0: keep the default 10 / 30).
		EnterpriseMinEmployees int    `json:"enterprise_min_employees"`
		SocialMinEmployees     int    `json:"social_min_employees"`
		Description            string `json:"description"`
		Reason                 string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	rule, err := s.Cover.SetRule(r.Context(), coverage.Rule{Kind: in.Kind, MinEmployees: in.MinEmployees,
		EnterpriseMinEmployees: in.EnterpriseMinEmployees, SocialMinEmployees: in.SocialMinEmployees}, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rule)
	return nil
}
