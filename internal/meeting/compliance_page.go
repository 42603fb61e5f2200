package meeting

import (
	"context"
	"slices"
	"sort"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
	"liangxin/internal/readcache"
)

// Compliance page (issue 18 target 2): the summary of the whole scope and
// one page of party-organization rows, instead of every row with its
// kinds and missing items. The summary and a compact row per party
// organization (its figures, no kinds, no missing items) are computed once
// per scope, period and data generation and cached; a page sorts and
// filters the compact rows and computes the full rows of its own party
// organizations only, in a fixed number of queries.

// Compliance statuses of a party organization over a period.
const (
	StatusComplete   = "complete"   // 落实率 100%
	StatusIncomplete = "incomplete" // below 100%
	StatusNone       = "none"       // nothing required (only meetings held)
)

// ComplianceStatuses lists the statuses with their Chinese names.
func ComplianceStatuses() []Code {
	return []Code{{StatusComplete, "全部落实"}, {StatusIncomplete, "未落实到位"}, {StatusNone, "无应开要求"}}
}

// Sort keys of a compliance page.
var complianceSorts = []string{"region", "name", "rate", "required", "held", "attendance", "meetings"}

// ComplianceSorts lists the sort keys of a compliance page ("region", the
// default, is by region code, then name).
func ComplianceSorts() []string { return append([]string{}, complianceSorts...) }

// StatusCounts counts the party organizations of a report by status.
type StatusCounts struct {
	All        int `json:"all"`
	Complete   int `json:"complete"`
	Incomplete int `json:"incomplete"`
	None       int `json:"none"`
}

// PageQuery selects one page of a compliance report.
type PageQuery struct {
	Page, PageSize int
	Sort           string // one of ComplianceSorts ("" = region)
	Desc           bool
	Status         string // one of the statuses ("" = all)
}

// CompliancePage is the summary of the whole scope (the totals, rates,
// groups and counts by status) with one page of party organizations. Orgs
// and Missing hold the page's rows and their missing items only.
type CompliancePage struct {
	Report
	Counts   StatusCounts `json:"counts"`
	Total    int          `json:"total"` // rows matching the status filter
	Page     int          `json:"page"`
	PageSize int          `json:"page_size"`
}

// indexRow is one party organization's figures in the cached index.
type indexRow struct {
	P        poInfo  `json:"p"`
	Required int     `json:"r"`
	Held     int     `json:"h"`
	Meetings int     `json:"m"`
	AttSum   float64 `json:"as"`
	AttN     int     `json:"an"`
}

func (r indexRow) rate() *float64 { return rate(r.Held, r.Required) }

func (r indexRow) attendance() *float64 {
	if r.AttN == 0 {
		return nil
	}
	v := r.AttSum / float64(r.AttN)
	return &v
}

func (r indexRow) status() string {
	switch {
	case r.Required == 0:
		return StatusNone
	case r.Held >= r.Required:
		return StatusComplete
	default:
		return StatusIncomplete
	}
}

// complianceIndex is the cached summary of a scope and period with its
// compact rows (exported fields: the cache bounds entries by their JSON size).
type complianceIndex struct {
	Summary Report       `json:"summary"` // Orgs and Missing empty
	Counts  StatusCounts `json:"counts"`
	Rows    []indexRow   `json:"rows"` // in the report's order (region, name, id)
}

// checkRange validates a report's period.
func checkRange(f ReportFilter) (from, to time.Time, err error) {
	bad := apperr.Invalid()
	from, ok1 := civil.Check(bad, "from", f.From)
	to, ok2 := civil.Check(bad, "to", f.To)
	if ok1 && ok2 && (to.Before(from) || to.Sub(from) > 10*366*24*time.Hour) {
		bad.Field("to", "结束日期应不早于开始日期，且区间不超过 10 年")
	}
	return from, to, bad.OrNil()
}

// CheckPageQuery validates a page query, naming the wrong fields; page
// sizes run to 500.
func CheckPageQuery(q PageQuery) error {
	bad := apperr.Invalid()
	if q.Page < 1 || q.Page > 1_000_000 {
		bad.Field("page", "页码应为 1–1000000")
	}
	if q.PageSize < 1 || q.PageSize > 500 {
		bad.Field("page_size", "每页条数应为 1–500")
	}
	if q.Sort != "" && !contains(complianceSorts, q.Sort) {
		bad.Field("sort", "排序应为 region、name、rate、required、held、attendance 或 meetings")
	}
	if q.Status != "" && name(ComplianceStatuses(), q.Status) == "" {
		bad.Field("status", "状态应为 complete（全部落实）、incomplete（未落实到位）或 none（无应开要求）")
	}
	return bad.OrNil()
}

// CompliancePaged is Compliance as a summary of the whole scope and one
// page of party organizations, filtered by status and sorted.
func (s *Service) CompliancePaged(ctx context.Context, f ReportFilter, q PageQuery) (CompliancePage, error) {
	from, to, err := checkRange(f)
	if err != nil {
		return CompliancePage{}, err
	}
	if err := CheckPageQuery(q); err != nil {
		return CompliancePage{}, err
	}
	if ok, err := s.slotsServe(ctx, from, to); err != nil {
		return CompliancePage{}, err
	} else if ok {
		return s.compliancePagedSQL(ctx, f, q, from, to)
	}
	idx, err := readcache.Get(ctx, s.Cache, "compliance_index", readcache.Key("compliance_index", "from", f.From, "to", f.To, "region_code", f.RegionCode, "party_org_id", f.PartyOrgID),
		func(ctx context.Context) (complianceIndex, error) { return s.complianceIndex(ctx, f, from, to) })
	if err != nil {
		return CompliancePage{}, err
	}
	rows := selectRows(idx.Rows, q)
	out := CompliancePage{Report: idx.Summary, Counts: idx.Counts, Total: len(rows), Page: q.Page, PageSize: q.PageSize}
	out.Orgs, out.Missing = []OrgCompliance{}, []string{}
	lo := min((q.Page-1)*q.PageSize, len(rows))
	rows = rows[lo:min(lo+q.PageSize, len(rows))]
	if len(rows) == 0 {
		return out, nil
	}
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return CompliancePage{}, err
	}
	return s.fillPage(ctx, out, rows, fs, from, to)
}

// fillPage computes the full rows (kinds, missing items, street names) of
// a page's party organizations, in a fixed number of queries.
func (s *Service) fillPage(ctx context.Context, out CompliancePage, rows []indexRow, fs frequencies, from, to time.Time) (CompliancePage, error) {
	orgs := make([]poInfo, len(rows))
	var streets []string
	for i, r := range rows {
		orgs[i] = r.P
		streets = append(streets, streetOf(r.P.RegionCode))
	}
	results, err := s.complianceOf(ctx, orgs, orgSet{}, fs, from, to)
	if err != nil {
		return CompliancePage{}, err
	}
	names, err := s.regionNames(ctx, streets)
	if err != nil {
		return CompliancePage{}, err
	}
	byID := make(map[int64]OrgCompliance, len(results))
	for _, r := range results {
		byID[r.oc.PartyOrgID] = r.oc
	}
	for _, r := range rows {
		oc, ok := byID[r.P.ID]
		if !ok {
			// Left out by a write after the index was computed: its figures as indexed.
			oc = OrgCompliance{PartyOrgID: r.P.ID, PartyOrgName: r.P.Name, RegionCode: r.P.RegionCode, Required: r.Required, Held: r.Held,
				Rate: r.rate(), Attendance: r.attendance(), Meetings: r.Meetings, Kinds: []KindCompliance{}, Missing: []string{}}
		}
		oc.StreetCode = streetOf(oc.RegionCode)
		oc.StreetName = names[oc.StreetCode]
		out.Orgs = append(out.Orgs, oc)
		out.Missing = append(out.Missing, oc.Missing...)
	}
	return out, nil
}

// complianceIndex computes the summary and compact rows of a scope and
// period: the report of computeCompliance without its rows.
func (s *Service) complianceIndex(ctx context.Context, f ReportFilter, from, to time.Time) (complianceIndex, error) {
	orgs, scope, err := s.scopeOrgSet(ctx, f)
	if err != nil {
		return complianceIndex{}, err
	}
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return complianceIndex{}, err
	}
	results, err := s.complianceOf(ctx, orgs, scope, fs, from, to)
	if err != nil {
		return complianceIndex{}, err
	}
	byID := make(map[int64]poInfo, len(orgs))
	for _, p := range orgs {
		byID[p.ID] = p
	}
	idx := complianceIndex{Rows: make([]indexRow, 0, len(results))}
	var streetCodes []string
	for _, r := range results {
		streetCodes = append(streetCodes, streetOf(r.oc.RegionCode))
	}
	names, err := s.regionNames(ctx, streetCodes)
	if err != nil {
		return complianceIndex{}, err
	}
	rep := Report{From: f.From, To: f.To, Orgs: []OrgCompliance{}, Missing: []string{}}
	sum := newSummary(&rep, names)
	for _, r := range results {
		oc := r.oc
		row := indexRow{P: byID[oc.PartyOrgID], Required: oc.Required, Held: oc.Held, Meetings: oc.Meetings, AttSum: r.attSum, AttN: r.attN}
		idx.Rows = append(idx.Rows, row)
		idx.Counts.All++
		switch row.status() {
		case StatusComplete:
			idx.Counts.Complete++
		case StatusIncomplete:
			idx.Counts.Incomplete++
		default:
			idx.Counts.None++
		}
		sum.add(r)
	}
	sum.finish()
	idx.Summary = rep
	return idx, nil
}

// selectRows filters the index's rows by status and sorts them by q's key
// (rows without a rate or an attendance last in either order; ties in the
// report's order, reversed when descending). The index's slice is shared and left as it is.
func selectRows(all []indexRow, q PageQuery) []indexRow {
	rows := make([]indexRow, 0, len(all))
	for _, r := range all {
		if q.Status == "" || r.status() == q.Status {
			rows = append(rows, r)
		}
	}
	if q.Sort == "" || q.Sort == "region" {
		if q.Desc {
			slices.Reverse(rows)
		}
		return rows
	}
	// key gives the sort value of a row and whether it has one.
	key := func(r indexRow) (float64, bool) {
		switch q.Sort {
		case "rate":
			if v := r.rate(); v != nil {
				return *v, true
			}
			return 0, false
		case "attendance":
			if v := r.attendance(); v != nil {
				return *v, true
			}
			return 0, false
		case "required":
			return float64(r.Required), true
		case "held":
			return float64(r.Held), true
		case "meetings":
			return float64(r.Meetings), true
		}
		return 0, true
	}
	if q.Sort == "name" {
		// By name, ties in the report's order (region, id); descending is
		// that order reversed whole, as the walk of the name index
		// backwards has it.
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].P.Name < rows[j].P.Name })
		if q.Desc {
			slices.Reverse(rows)
		}
		return rows
	}
	// Descending: the report's order reversed first, so that the ties
	// (and the rows without a value, last either way) are reversed too, as
	// the walk of a figure's index backwards has them (h-ytd).
	if q.Desc {
		slices.Reverse(rows)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, okA := key(rows[i])
		b, okB := key(rows[j])
		if okA != okB {
			return okA
		}
		if q.Desc {
			return a > b
		}
		return a < b
	})
	return rows
}
