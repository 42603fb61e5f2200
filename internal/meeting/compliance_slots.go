package meeting

import (
	"context"
	"database/sql"
	"liangxin/internal/partyorg"
	"sort"
	"time"

	"liangxin/internal/store"
)

// The paged compliance report served from the compliance slots: the
// summary, the counts by status and a page are sums over the slots wholly
// inside [from, to] of the scope's party organizations, in a fixed number
// of queries whatever the scope. Used when from is the first day of a
// month, to the last day of one and both lie in the years the table covers
// (the meetings and attendance are kept by month); otherwise, and while the
// table is not built, the report is computed from the meetings.

// slotsOff is set by tests to compare the two computations.
var slotsOff bool

// slotsServe reports whether the slots can answer [from, to].
func (s *Service) slotsServe(ctx context.Context, from, to time.Time) (bool, error) {
	if slotsOff || from.Day() != 1 || to.AddDate(0, 0, 1).Day() != 1 {
		return false, nil
	}
	y0, y1, ok, err := s.slotYears(ctx, s.DB)
	if err != nil || !ok {
		return false, err
	}
	return from.Year() >= y0 && to.Year() <= y1, nil
}

// compliancePagedSQL is CompliancePaged over the slots.
func (s *Service) compliancePagedSQL(ctx context.Context, f ReportFilter, q PageQuery, from, to time.Time) (CompliancePage, error) {
	w, wargs, err := s.scopeWhere(ctx, f)
	if err != nil {
		return CompliancePage{}, err
	}
	fromS, toS := from.Format(store.DateFormat), to.Format(store.DateFormat)
	// agg: one row per party organization of the scope with something
	// required or held, and its figures.
	agg := `SELECT s.party_org_id AS id, SUM(s.required) AS r, SUM(s.held_capped) AS h,
		SUM(CASE WHEN s.kind = '' THEN s.total ELSE 0 END) AS m,
		SUM(CASE WHEN s.kind = '' THEN s.att_sum ELSE 0 END) AS asum,
		SUM(CASE WHEN s.kind = '' THEN s.att_n ELSE 0 END) AS an
		FROM compliance_slots s WHERE s.party_org_id IN (SELECT p.id FROM party_orgs p` + w + `) AND s.slot_start >= ? AND s.slot_start <= ? AND s.slot_end <= ?
		GROUP BY s.party_org_id HAVING SUM(s.required) > 0 OR SUM(CASE WHEN s.kind = '' THEN s.total ELSE 0 END) > 0`
	aggArgs := append(append([]any{}, wargs...), fromS, toS, toS)

	out := CompliancePage{Report: Report{From: f.From, To: f.To, Orgs: []OrgCompliance{}, Missing: []string{}, ByStreet: []GroupRate{}, ByKind: []GroupRate{}},
		Page: q.Page, PageSize: q.PageSize}
	// 1. By street and kind of party organization: the totals, the counts
	// by status and the kinds of party organizations counted.
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return CompliancePage{}, err
	}
	if cond, cargs, ok := rollupWhere(ctx, f); ok {
		err = s.summaryFromRollup(ctx, cond, cargs, fromS, toS, fs, &out)
	} else {
		err = s.summaryFromSlots(ctx, agg, aggArgs, w, fs, &out)
	}
	if err != nil {
		return CompliancePage{}, err
	}
	// 4. The page.
	cond := ""
	switch q.Status {
	case StatusComplete:
		cond, out.Total = " WHERE a.r > 0 AND a.h >= a.r", out.Counts.Complete
	case StatusIncomplete:
		cond, out.Total = " WHERE a.r > 0 AND a.h < a.r", out.Counts.Incomplete
	case StatusNone:
		cond, out.Total = " WHERE a.r = 0", out.Counts.None
	default:
		out.Total = out.Counts.All
	}
	dir := ""
	if q.Desc {
		dir = " DESC"
	}
	collate := ""
	if s.DB.Dialect == store.Postgres {
		collate = ` COLLATE "C"` // Go's byte order, as the sort in memory had it
	}
	// Descending is the ascending order reversed whole, ties included;
	// rows without a rate or an attendance stay last either way (h-ytd).
	report := "p.region_code" + dir + ", p.name" + dir + ", p.id" + dir
	var order string
	switch q.Sort {
	case "", "region":
		order = "p.region_code" + dir + ", p.name" + dir + ", p.id" + dir
	case "name":
		order = "p.name" + collate + dir + ", p.region_code" + dir + ", p.id" + dir
	case "rate":
		order = "CASE WHEN a.r > 0 THEN 0 ELSE 1 END, CASE WHEN a.r > 0 THEN CAST(a.h AS DOUBLE PRECISION) / a.r END" + dir + ", " + report
	case "attendance":
		order = "CASE WHEN a.an > 0 THEN 0 ELSE 1 END, CASE WHEN a.an > 0 THEN a.asum / a.an END" + dir + ", " + report
	case "required":
		order = "a.r" + dir + ", " + report
	case "held":
		order = "a.h" + dir + ", " + report
	case "meetings":
		order = "a.m" + dir + ", " + report
	}
	var rows []indexRow
	if windowOf(from, to) {
		// A year-to-date window: the page from the stored sums (windows.go).
		var ok bool
		rows, ok, err = s.pageByWindows(ctx, f, q, toS, out.Total, out.Counts.None)
		if err != nil {
			return CompliancePage{}, err
		}
		if ok {
			if len(rows) == 0 {
				return out, nil
			}
			return s.fillPage(ctx, out, rows, fs, from, to)
		}
	}
	if walk := walkOrder(q.Sort, dir, collate); walk != "" && !regionPageOff {
		// In the region's or the name's order the page is found by walking
		// the scope's party organizations in that order (an index of
		// party_orgs, migration 0049) with an existence test on their
		// slots, and only its own party organizations are summed.
		rows, err = s.pageByWalk(ctx, w, wargs, q, walk, fromS, toS)
		if err != nil || len(rows) == 0 {
			return out, err
		}
		return s.fillPage(ctx, out, rows, fs, from, to)
	}
	err = s.eachRow(ctx, `SELECT p.id, p.name, p.kind, p.region_code, p.established_on, COALESCE(p.dissolved_on, ''), COALESCE(p.term_started_on, p.established_on),
		a.r, a.h, a.m, a.asum, a.an FROM (`+agg+`) a JOIN party_orgs p ON p.id = a.id`+cond+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(append([]any{}, aggArgs...), q.PageSize, (q.Page-1)*q.PageSize), func(r *sql.Rows) error {
			var x indexRow
			if err := r.Scan(&x.P.ID, &x.P.Name, &x.P.Kind, &x.P.RegionCode, &x.P.Established, &x.P.Dissolved, &x.P.TermStarted,
				&x.Required, &x.Held, &x.Meetings, &x.AttSum, &x.AttN); err != nil {
				return err
			}
			rows = append(rows, x)
			return nil
		})
	if err != nil || len(rows) == 0 {
		return out, err
	}
	return s.fillPage(ctx, out, rows, fs, from, to)
}

// summaryFromSlots fills out's summary from the slots of the scope's party
// organizations (agg: their sums in the period): a scope below a street.
func (s *Service) summaryFromSlots(ctx context.Context, agg string, aggArgs []any, w string, fs frequencies, out *CompliancePage) error {
	byKind := map[string]*GroupRate{}
	byStreet := map[string]*GroupRate{}
	var attSum float64
	var attN int
	var streets []string
	err := s.eachRow(ctx, `SELECT SUBSTR(p.region_code, 1, 9), p.kind, COUNT(*), SUM(a.r), SUM(a.h), SUM(a.asum), SUM(a.an),
		SUM(CASE WHEN a.r = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN a.r > 0 AND a.h >= a.r THEN 1 ELSE 0 END)
		FROM (`+agg+`) a JOIN party_orgs p ON p.id = a.id GROUP BY SUBSTR(p.region_code, 1, 9), p.kind`, aggArgs, func(r *sql.Rows) error {
		var code, kind string
		var orgs, req, held, an, none, complete int
		var as float64
		if err := r.Scan(&code, &kind, &orgs, &req, &held, &as, &an, &none, &complete); err != nil {
			return err
		}
		g := byStreet[code]
		if g == nil {
			g = &GroupRate{Code: code}
			byStreet[code] = g
			streets = append(streets, code)
		}
		g.Orgs += orgs
		g.Required += req
		g.Held += held
		out.Required += req
		out.Held += held
		attSum += as
		attN += an
		out.Counts.All += orgs
		out.Counts.None += none
		out.Counts.Complete += complete
		out.Counts.Incomplete += orgs - none - complete
		// Every kind asked of a kind of party organization counted is listed.
		for _, k := range fs.kinds(kind) {
			if byKind[k.Code] == nil {
				byKind[k.Code] = &GroupRate{Code: k.Code}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	out.Rate = rate(out.Held, out.Required)
	if attN > 0 {
		v := attSum / float64(attN)
		out.Attendance = &v
	}
	names, err := s.regionNames(ctx, streets)
	if err != nil {
		return err
	}
	for _, g := range byStreet {
		g.Name = names[g.Code]
		g.Rate = rate(g.Held, g.Required)
		out.ByStreet = append(out.ByStreet, *g)
	}
	sort.Slice(out.ByStreet, func(i, j int) bool { return out.ByStreet[i].Code < out.ByStreet[j].Code })
	// 2. By kind. A party organization with a row of a kind in [from, to]
	// is counted (the row has something required or held, so has its
	// party organization), so the scope is enough.
	err = s.eachRow(ctx, `SELECT k.kind, SUM(k.r), SUM(k.h), SUM(CASE WHEN k.r > 0 THEN 1 ELSE 0 END) FROM (
		SELECT s.party_org_id, s.kind, SUM(s.required) AS r, SUM(s.held_capped) AS h FROM compliance_slots s
		WHERE s.party_org_id IN (SELECT p.id FROM party_orgs p`+w+`) AND s.kind <> '' AND s.slot_start >= ? AND s.slot_start <= ? AND s.slot_end <= ?
		GROUP BY s.party_org_id, s.kind) k GROUP BY k.kind`, aggArgs, func(r *sql.Rows) error {
		var g GroupRate
		if err := r.Scan(&g.Code, &g.Required, &g.Held, &g.Orgs); err != nil {
			return err
		}
		byKind[g.Code] = &g
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range Kinds() {
		if g := byKind[k.Code]; g != nil {
			g.Name = k.Name
			g.Rate = rate(g.Held, g.Required)
			out.ByKind = append(out.ByKind, *g)
		}
	}
	return nil
}

// regionPageOff is set by tests and the benchmark to page by region and by
// name through the aggregate over the scope's slots, as the other sorts do.
var regionPageOff bool

// nameDescScan is set by the benchmark to walk the page by name descending
// in the order it had before h-sort (ties ascending), which no index
// serves: the "before" of its measurement.
var nameDescScan bool

// walkOrder is the ORDER BY of party_orgs p by which a page of sort key
// sort is found by walking (the columns of an index of migration 0049), or
// "" when the key is a figure of the period (those pages sort the scope's
// sums). Descending is the ascending order reversed whole, ties included
// (by name: name, region, id descending), so that both walk one index,
// the descending order backwards.
func walkOrder(sort, dir, collate string) string {
	if nameDescScan && sort == "name" && dir != "" {
		return "p.name" + collate + dir + ", p.region_code, p.id"
	}
	switch sort {
	case "", "region":
		return "p.region_code" + dir + ", p.name" + dir + ", p.id" + dir
	case "name":
		return "p.name" + collate + dir + ", p.region_code" + dir + ", p.id" + dir
	}
	return ""
}

// pageByWalk is the page q (any status) of the scope (w, wargs) in the
// order walk: the party organizations found in that order with an
// existence test on their slots wholly inside [fromS, toS] — the status's
// rule written as slots (complete: something required and no slot held
// below it; incomplete: a slot held below it; none: counted, nothing
// required) — then their sums.
func (s *Service) pageByWalk(ctx context.Context, w string, wargs []any, q PageQuery, walk, fromS, toS string) ([]indexRow, error) {
	var args []any
	exists := func(c string) string {
		args = append(args, fromS, toS, toS)
		return `EXISTS (SELECT 1 FROM compliance_slots s WHERE s.party_org_id = p.id AND s.slot_start >= ? AND s.slot_start <= ? AND s.slot_end <= ? AND ` + c + `)`
	}
	const counted = "(s.required > 0 OR (s.kind = '' AND s.total > 0))"
	var cond string
	switch q.Status {
	case StatusComplete:
		cond = exists("s.required > 0") + " AND NOT " + exists("s.held_capped < s.required")
	case StatusIncomplete:
		cond = exists("s.held_capped < s.required")
	case StatusNone:
		cond = exists(counted) + " AND NOT " + exists("s.required > 0")
	default:
		cond = exists(counted)
	}
	ids, err := s.idsQ(ctx, s.DB, `SELECT p.id FROM party_orgs p`+w+` AND p.kind <> ? AND `+cond+`
		ORDER BY `+walk+` LIMIT ? OFFSET ?`,
		append(append(append(append([]any{}, wargs...), partyorg.KindGroup), args...), q.PageSize, (q.Page-1)*q.PageSize))
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return s.rowsOfIDs(ctx, ids, fromS, toS)
}

// rowsOfIDs is the compact rows of the party organizations ids, in that
// order, summed over the slots wholly inside [fromS, toS].
func (s *Service) rowsOfIDs(ctx context.Context, ids []int64, fromS, toS string) ([]indexRow, error) {
	in, inArgs := inList(ids)
	byID := map[int64]indexRow{}
	err := s.eachRow(ctx, `SELECT `+indexCols+` FROM (`+slotAgg(`s.party_org_id IN (`+in+`)`)+`) a JOIN party_orgs p ON p.id = a.id`,
		append(inArgs, fromS, toS, toS), func(r *sql.Rows) error {
			x, err := scanIndexRow(r)
			byID[x.P.ID] = x
			return err
		})
	if err != nil {
		return nil, err
	}
	rows := make([]indexRow, 0, len(ids))
	for _, id := range ids {
		if x, ok := byID[id]; ok {
			rows = append(rows, x)
		}
	}
	return rows, nil
}
