package venue

import (
	"context"
	"fmt"
	"sort"

	"liangxin/internal/apperr"
)

// Tally counts venues by standard status and sums their figures of a year.
type Tally struct {
	Code          string `json:"code"` // street region code, kind code or "" for the total
	Name          string `json:"name"`
	Venues        int    `json:"venues"`
	Met           int    `json:"met"`
	NotMet        int    `json:"not_met"`
	Unchecked     int    `json:"unchecked"`
	Bookings      int    `json:"bookings"`
	BookedMinutes int    `json:"booked_minutes"`
	Activities    int    `json:"activities"`
	Participants  int    `json:"participants"`
	Visitors      int    `json:"visitors"`
	// Units is the number of distinct 两新组织 served (服务单位) by the
	// venues counted: a unit served by two of them counts once.
	Units int `json:"units"`
}

// Report is the venue report of a year over a region subtree: venues by kind
// × standard status (and the units they serve), per street, month by month, and the total.
type Report struct {
	Year       int          `json:"year"`
	RegionCode string       `json:"region_code"`
	AsOf       string       `json:"as_of"` // the standard status is that of the latest inspection on or before this day
	Total      Tally        `json:"total"`
	ByKind     []Tally      `json:"by_kind"`
	ByStreet   []Tally      `json:"by_street"`
	Months     []MonthStats `json:"months"`
}

// ReportRow is one venue of the report (the Excel export's rows).
type ReportRow struct {
	Tally
	VenueID      int64
	StreetCode   string
	StreetName   string
	KindName     string
	RegionName   string
	PartyOrgName string
	Active       bool
	StatusName   string
	UnitNames    string // the names of the units served, joined by 、
}

// VenueReport computes the report of a year over the venues in the caller's
// scope under regionCode ("" = the whole scope). A venue's standard status is
// that of its latest inspection on or before the year's last day (today for
// the current year).
func (s *Service) VenueReport(ctx context.Context, year int, regionCode string) (Report, []ReportRow, error) {
	if year < 2000 || year > 2100 {
		return Report{}, nil, apperr.InvalidField("year", "年份应为 2000–2100")
	}
	asOf := fmt.Sprintf("%04d-12-31", year)
	if t := s.today(); t < asOf {
		asOf = t
	}
	cond, args, err := s.listCond(ctx, Filter{RegionCode: regionCode})
	if err != nil {
		return Report{}, nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT v.id, v.name, v.kind, v.region_code, COALESCE(g.name, ''), COALESCE(p.name, ''), v.active,
		substr(v.region_code, 1, 9), COALESCE((SELECT st.name FROM regions st WHERE st.code = substr(v.region_code, 1, 9)), '')`+venueFrom+
		` WHERE `+cond+` ORDER BY substr(v.region_code, 1, 9), v.region_code, v.name, v.id`, args...)
	if err != nil {
		return Report{}, nil, fmt.Errorf("venue: report: %w", err)
	}
	var list []ReportRow
	at := map[int64]int{}
	for rows.Next() {
		var r ReportRow
		var kind string
		if err := rows.Scan(&r.VenueID, &r.Name, &kind, &r.Code, &r.RegionName, &r.PartyOrgName, &r.Active, &r.StreetCode, &r.StreetName); err != nil {
			rows.Close()
			return Report{}, nil, err
		}
		r.Code, r.KindName, r.Venues = kind, optionName(Kinds(), kind), 1
		at[r.VenueID] = len(list)
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Report{}, nil, err
	}
	// Standard status as of asOf: the last inspection per venue in date order.
	status := map[int64]string{}
	irows, err := s.DB.Query(ctx, s.DB, `SELECT i.venue_id, i.result FROM venue_inspections i JOIN venues v ON v.id = i.venue_id
		WHERE i.inspected_on <= ? AND `+cond+` ORDER BY i.venue_id, i.inspected_on, i.id`, append([]any{asOf}, args...)...)
	if err != nil {
		return Report{}, nil, fmt.Errorf("venue: report inspections: %w", err)
	}
	for irows.Next() {
		var id int64
		var res string
		if err := irows.Scan(&id, &res); err != nil {
			irows.Close()
			return Report{}, nil, err
		}
		status[id] = res
	}
	irows.Close()
	if err := irows.Err(); err != nil {
		return Report{}, nil, err
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	sums := []struct {
		sql  string
		args []any
		fill func(r *ReportRow, a, b int)
	}{
		{`SELECT a.venue_id, COUNT(*), COALESCE(SUM(a.participants), 0) FROM venue_activities a JOIN venues v ON v.id = a.venue_id
			WHERE a.held_on >= ? AND a.held_on <= ? AND ` + cond + ` GROUP BY a.venue_id`, []any{from, to},
			func(r *ReportRow, a, b int) { r.Activities, r.Participants = a, b }},
		{`SELECT b.venue_id, COUNT(*), COALESCE(SUM(b.end_min - b.start_min), 0) FROM venue_bookings b JOIN venues v ON v.id = b.venue_id
			WHERE b.status = 'confirmed' AND b.day >= ? AND b.day <= ? AND ` + cond + ` GROUP BY b.venue_id`, []any{from, to},
			func(r *ReportRow, a, b int) { r.Bookings, r.BookedMinutes = a, b }},
		{`SELECT x.venue_id, COALESCE(SUM(x.visitors), 0), 0 FROM venue_visitors x JOIN venues v ON v.id = x.venue_id
			WHERE x.month >= ? AND x.month <= ? AND ` + cond + ` GROUP BY x.venue_id`, []any{from[:7], to[:7]},
			func(r *ReportRow, a, _ int) { r.Visitors = a }},
	}
	for _, q := range sums {
		rows, err := s.DB.Query(ctx, s.DB, q.sql, append(q.args, args...)...)
		if err != nil {
			return Report{}, nil, fmt.Errorf("venue: report sums: %w", err)
		}
		for rows.Next() {
			var id, a, b int64
			if err := rows.Scan(&id, &a, &b); err != nil {
				rows.Close()
				return Report{}, nil, err
			}
			if i, ok := at[id]; ok {
				q.fill(&list[i], int(a), int(b))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return Report{}, nil, err
		}
	}
	rep := Report{Year: year, RegionCode: regionCode, AsOf: asOf, Total: Tally{Name: "合计"}, ByKind: []Tally{}, ByStreet: []Tally{}}
	kinds := map[string]*Tally{}
	for _, k := range Kinds() {
		rep.ByKind = append(rep.ByKind, Tally{Code: k.Code, Name: k.Name})
	}
	for i := range rep.ByKind {
		kinds[rep.ByKind[i].Code] = &rep.ByKind[i]
	}
	served, err := s.reportUnits(ctx, cond, args)
	if err != nil {
		return Report{}, nil, err
	}
	distinct := distinctUnits{}
	streets := map[string]*Tally{}
	var streetOrder []string
	for i := range list {
		r := &list[i]
		r.Units, r.UnitNames = len(served[r.VenueID]), unitNames(served[r.VenueID])
		switch status[r.VenueID] {
		case ResultPass:
			r.Met, r.StatusName = 1, "达标"
		case ResultFail:
			r.NotMet, r.StatusName = 1, "未达标"
		default:
			r.Unchecked, r.StatusName = 1, "未检查"
		}
		st, ok := streets[r.StreetCode]
		if !ok {
			name := r.StreetName
			if name == "" || len(r.StreetCode) < 9 {
				name = "县（区）直属"
			}
			st = &Tally{Code: r.StreetCode, Name: name}
			streets[r.StreetCode] = st
			streetOrder = append(streetOrder, r.StreetCode)
		}
		for _, t := range []*Tally{&rep.Total, st, kinds[r.Code]} {
			if t != nil {
				t.add(r.Tally)
				distinct.add(t, served[r.VenueID])
			}
		}
	}
	sort.Strings(streetOrder)
	for _, c := range streetOrder {
		rep.ByStreet = append(rep.ByStreet, *streets[c])
	}
	if rep.Months, err = s.monthly(ctx, year, cond, args); err != nil {
		return Report{}, nil, err
	}
	return rep, list, nil
}

func (t *Tally) add(o Tally) {
	t.Venues += o.Venues
	t.Met += o.Met
	t.NotMet += o.NotMet
	t.Unchecked += o.Unchecked
	t.Bookings += o.Bookings
	t.BookedMinutes += o.BookedMinutes
	t.Activities += o.Activities
	t.Participants += o.Participants
	t.Visitors += o.Visitors
}
