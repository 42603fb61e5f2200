package briefing

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"liangxin/internal/civil"
	"liangxin/internal/coverage"
	"liangxin/internal/dangtong"
	"liangxin/internal/meeting"
	"liangxin/internal/region"
	"liangxin/internal/servicereq"
	"liangxin/internal/store"
)

// VolunteerHours is the optional hook to the volunteering module (issue 14,
// built elsewhere): the volunteer service hours recorded in a region over a
// period. ok is false while the module is not there; the briefing then says
// the figure is not available.
type VolunteerHours interface {
	VolunteerHours(ctx context.Context, regionCode, from, to string) (hours float64, ok bool, err error)
}

// NoVolunteerHours is the hook until the volunteering module exists.
type NoVolunteerHours struct{}

// VolunteerHours reports the figure as not available.
func (NoVolunteerHours) VolunteerHours(context.Context, string, string, string) (float64, bool, error) {
	return 0, false, nil
}

// CoverageFig is the coverage of the region on one day. Rates are
// percentages with one decimal.
type CoverageFig struct {
	AsOf        string  `json:"as_of"`
	Total       int     `json:"total"`
	OrgCovered  int     `json:"org_covered"`
	OrgRate     float64 `json:"org_rate"`
	WorkCovered int     `json:"work_covered"`
	WorkRate    float64 `json:"work_rate"`
}

// StreetRank is one child region (street) ranked by organizational coverage
// at the month's end, with its change since the previous month's end.
type StreetRank struct {
	Rank        int     `json:"rank"`
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	Total       int     `json:"total"`
	OrgCovered  int     `json:"org_covered"`
	OrgRate     float64 `json:"org_rate"`
	PrevOrgRate float64 `json:"prev_org_rate"`
	Change      float64 `json:"change"` // percentage points
}

// Count is a named count.
type Count struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Laggard is a party organization behind on 三会一课 in the year to date.
type Laggard struct {
	Name     string  `json:"name"`
	Street   string  `json:"street"`
	Required int     `json:"required"`
	Held     int     `json:"held"`
	Rate     float64 `json:"rate"`
}

// Overdue is a party organization whose term ran out without 换届.
type Overdue struct {
	Name   string `json:"name"`
	Region string `json:"region"`
	Detail string `json:"detail"`
}

// LateTask is a task past its deadline and not closed at the month's end.
type LateTask struct {
	Title    string `json:"title"`
	Assignee string `json:"assignee"`
	Street   string `json:"street"`
	Deadline string `json:"deadline"`
	Days     int    `json:"days"`
}

// Figures are the frozen figures of a briefing: a month and a region as
// they stood at the month's end (or on AsOf while the month runs).
type Figures struct {
	Month      string `json:"month"` // YYYY-MM
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	From       string `json:"from"`  // the month's first day
	AsOf       string `json:"as_of"` // the month's last day, or the day computed while it runs
	ScopeRule  string `json:"scope_rule"`

	Coverage     CoverageFig  `json:"coverage"`
	PrevCoverage CoverageFig  `json:"prev_coverage"` // the previous month's end
	YearCoverage CoverageFig  `json:"year_coverage"` // the previous year's end (年初)
	Streets      []StreetRank `json:"streets"`

	NewPartyOrgs int     `json:"new_party_orgs"`
	ByFormation  []Count `json:"by_formation"`

	MeetingFrom     string    `json:"meeting_from"`
	MeetingRate     float64   `json:"meeting_rate"` // 三会一课 year to date; 100 when nothing was due
	MeetingOrgs     int       `json:"meeting_orgs"`
	LaggardCount    int       `json:"laggard_count"`
	Laggards        []Laggard `json:"laggards"` // the 10 furthest behind
	RenewalsOverdue int       `json:"renewals_overdue"`
	OverdueOrgs     []Overdue `json:"overdue_orgs"` // the first 10

	Stages         []Count `json:"stages"` // people in each stage of 发展党员 at AsOf
	DevelopedMonth int     `json:"developed_month"`
	ConfirmedMonth int     `json:"confirmed_month"`
	DevelopedYear  int     `json:"developed_year"`

	DuesDue     int     `json:"dues_due"`  // member-months due in the month
	DuesPaid    int     `json:"dues_paid"` // of those, paid (or 免交) by AsOf
	DuesRate    float64 `json:"dues_rate"`
	ServiceRecv int     `json:"service_received"`
	ServiceDone int     `json:"service_done"`
	ServiceOnT  int     `json:"service_on_time"`
	ServiceRate float64 `json:"service_on_time_rate"`
	WishesDone  int     `json:"wishes_fulfilled"`
	WishesYear  int     `json:"wishes_fulfilled_year"`

	VolunteerAvailable bool    `json:"volunteer_available"`
	VolunteerHours     float64 `json:"volunteer_hours"`

	OverdueTasks int        `json:"overdue_tasks"`
	LateTasks    []LateTask `json:"late_tasks"` // the first 20
	TasksStreet  []Count    `json:"tasks_by_street"`
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)*1000/float64(d)) / 10
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func coverFig(r coverage.Report) CoverageFig {
	return CoverageFig{AsOf: r.AsOf, Total: r.Total, OrgCovered: r.OrgCovered, OrgRate: pct(r.OrgCovered, r.Total),
		WorkCovered: r.WorkCovered, WorkRate: pct(r.WorkCovered, r.Total)}
}

// monthDays returns the first and last day of month (YYYY-MM).
func monthDays(month string) (time.Time, time.Time, error) {
	t, err := civil.ReadMonth(month)
	if err != nil {
		return t, t, err
	}
	return t, t.AddDate(0, 1, -1), nil
}

const day = civil.Layout

// compute gathers the figures of a month for a region as of asOf (the
// month's last day, or today while the month runs).
func (s *Service) compute(ctx context.Context, rg region.Region, month, asOf string) (Figures, error) {
	first, _, err := monthDays(month)
	if err != nil {
		return Figures{}, err
	}
	f := Figures{Month: month, RegionCode: rg.Code, RegionName: rg.Name, From: first.Format(day), AsOf: asOf,
		Streets: []StreetRank{}, ByFormation: []Count{}, Laggards: []Laggard{}, OverdueOrgs: []Overdue{}, Stages: []Count{},
		LateTasks: []LateTask{}, TasksStreet: []Count{}}
	prevEnd := first.AddDate(0, 0, -1).Format(day)
	yearEnd := time.Date(first.Year()-1, 12, 31, 0, 0, 0, 0, time.UTC).Format(day)
	yearStart := time.Date(first.Year(), 1, 1, 0, 0, 0, 0, time.UTC).Format(day)

	// Coverage now, at the previous month's end and the year's start.
	now, err := s.Cover.Coverage(ctx, rg.Code, asOf)
	if err != nil {
		return f, err
	}
	prev, err := s.Cover.Coverage(ctx, rg.Code, prevEnd)
	if err != nil {
		return f, err
	}
	year, err := s.Cover.Coverage(ctx, rg.Code, yearEnd)
	if err != nil {
		return f, err
	}
	f.ScopeRule = now.Rule.Description
	f.Coverage, f.PrevCoverage, f.YearCoverage = coverFig(now), coverFig(prev), coverFig(year)
	prevBy := map[string]coverage.RegionCounts{}
	for _, r := range prev.ByRegion {
		prevBy[r.RegionCode] = r
	}
	for _, r := range now.ByRegion {
		p := prevBy[r.RegionCode]
		sr := StreetRank{Code: r.RegionCode, Name: r.Name, Total: r.Total, OrgCovered: r.OrgCovered, OrgRate: pct(r.OrgCovered, r.Total),
			PrevOrgRate: pct(p.OrgCovered, p.Total)}
		sr.Change = round1(sr.OrgRate - sr.PrevOrgRate)
		f.Streets = append(f.Streets, sr)
	}
	sort.SliceStable(f.Streets, func(i, j int) bool {
		a, b := f.Streets[i], f.Streets[j]
		if a.OrgRate != b.OrgRate {
			return a.OrgRate > b.OrgRate
		}
		return a.Code < b.Code
	})
	for i := range f.Streets {
		f.Streets[i].Rank = i + 1
		if i > 0 && f.Streets[i].OrgRate == f.Streets[i-1].OrgRate {
			f.Streets[i].Rank = f.Streets[i-1].Rank
		}
	}

	// New party organizations and 发展/转正 in the month; 发展 in the year.
	per, err := s.Dangtong.Period(ctx, rg.Code, f.From, asOf)
	if err != nil {
		return f, err
	}
	f.NewPartyOrgs, f.DevelopedMonth, f.ConfirmedMonth = per.NewPartyOrgs, per.Developed, per.Confirmed
	for _, c := range per.ByFormation {
		f.ByFormation = append(f.ByFormation, Count{Code: c.Code, Name: c.Name, Count: c.Count})
	}
	perYear, err := s.Dangtong.Period(ctx, rg.Code, yearStart, asOf)
	if err != nil {
		return f, err
	}
	f.DevelopedYear = perYear.Developed

	// 三会一课 in the year to date.
	f.MeetingFrom = yearStart
	rep, err := s.Meet.Compliance(ctx, meeting.ReportFilter{From: yearStart, To: asOf, RegionCode: rg.Code})
	if err != nil {
		return f, err
	}
	f.MeetingRate, f.MeetingOrgs = 100, len(rep.Orgs)
	if rep.Rate != nil {
		f.MeetingRate = round1(*rep.Rate * 100)
	}
	var lag []meeting.OrgCompliance
	for _, o := range rep.Orgs {
		if o.Rate != nil && *o.Rate < 1 {
			lag = append(lag, o)
		}
	}
	sort.SliceStable(lag, func(i, j int) bool {
		if *lag[i].Rate != *lag[j].Rate {
			return *lag[i].Rate < *lag[j].Rate
		}
		return lag[i].PartyOrgName < lag[j].PartyOrgName
	})
	f.LaggardCount = len(lag)
	for i, o := range lag {
		if i == 10 {
			break
		}
		f.Laggards = append(f.Laggards, Laggard{Name: o.PartyOrgName, Street: o.StreetName, Required: o.Required, Held: o.Held, Rate: round1(*o.Rate * 100)})
	}

	// 换届 overdue at the day (table 24, last column: 任届期满尚未换届的).
	if rg.Level != "area" {
		t24, err := s.Dangtong.Get(ctx, dangtong.T24, rg.Code, asOf)
		if err != nil {
			return f, err
		}
		col := len(t24.Columns)
		f.RenewalsOverdue = t24.Rows[0].Cells[col-1]
		if f.RenewalsOverdue > 0 {
			c, err := s.Dangtong.Cell(ctx, dangtong.T24, rg.Code, asOf, 1, col, 1, 10)
			if err != nil {
				return f, err
			}
			for _, it := range c.Items {
				f.OverdueOrgs = append(f.OverdueOrgs, Overdue{Name: it.Name, Region: it.RegionName, Detail: it.Detail})
			}
		}
	}

	if err := s.ledgerFigures(ctx, &f, rg.Code); err != nil {
		return f, err
	}

	st, err := s.Services.Stats(ctx, servicereq.StatsFilter{From: f.From, To: asOf, RegionCode: rg.Code})
	if err != nil {
		return f, err
	}
	f.ServiceRecv, f.ServiceDone, f.ServiceOnT, f.ServiceRate = st.Total.Received, st.Total.Done, st.Total.OnTime, st.Total.OnTimeRate

	hook := s.Volunteer
	if hook == nil {
		hook = NoVolunteerHours{}
	}
	h, ok, err := hook.VolunteerHours(ctx, rg.Code, f.From, asOf)
	if err != nil {
		return f, err
	}
	f.VolunteerAvailable, f.VolunteerHours = ok, round1(h)
	return f, nil
}

// stageByStep maps the steps that enter a stage of 发展党员 to the stage.
var stageByStep = []struct {
	step       int
	code, name string
}{{1, "applicant", "入党申请人"}, {3, "activist", "入党积极分子"}, {7, "candidate", "发展对象"}, {17, "probationary", "预备党员"}}

// ledgerFigures are the figures read straight from the ledger as of the
// day: stages of 发展党员, 党费 collection, wishes and overdue tasks.
func (s *Service) ledgerFigures(ctx context.Context, f *Figures, code string) error {
	scope, args, err := store.ScopeFilter(ctx, "p.region_code")
	if err != nil {
		return err
	}
	rc, ra := store.PrefixRange("p.region_code", code)
	scope, args = scope+" AND "+rc, append(args, ra...)
	with := func(a ...any) []any { return append(append([]any{}, a...), args...) }
	y, m := f.Month[:4], f.Month[5:]
	return s.DB.Report(ctx, func(q store.Querier) error {
		// Each person's stage on the day: the last stage-entering step done by then.
		rows, err := s.DB.Query(ctx, q, `SELECT MAX(t.step) FROM dev_steps t JOIN dev_people d ON d.id = t.person_id JOIN party_orgs p ON p.id = d.party_org_id
			WHERE t.step IN (1, 3, 7, 17, 24) AND t.done_on <= ? AND `+scope+` GROUP BY d.id`, with(f.AsOf)...)
		if err != nil {
			return err
		}
		counts := map[int]int{}
		for rows.Next() {
			var n int
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return err
			}
			counts[n]++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, st := range stageByStep {
			f.Stages = append(f.Stages, Count{Code: st.code, Name: st.name, Count: counts[st.step]})
		}

		// 党费: active members who had joined by the month's end owe the
		// month; paid when a payment for it was made by the day.
		if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*), COUNT(dp.id) FROM members m JOIN party_orgs p ON p.id = m.party_org_id
			LEFT JOIN dues_payments dp ON dp.member_id = m.id AND dp.year = ? AND dp.month = ? AND dp.paid_on <= ?
			WHERE m.status = 'active' AND m.joined_on IS NOT NULL AND m.joined_on <= ? AND `+scope,
			with(atoi(y), atoi(m), f.AsOf, f.AsOf)...).Scan(&f.DuesDue, &f.DuesPaid); err != nil {
			return err
		}
		f.DuesRate = pct(f.DuesPaid, f.DuesDue)

		// 微心愿 fulfilled in the month and in the year.
		wscope := strings.ReplaceAll(scope, "p.region_code", "w.region_code")
		if err := s.DB.QueryRow(ctx, q, `SELECT COALESCE(SUM(CASE WHEN w.fulfilled_on >= ? THEN 1 ELSE 0 END), 0), COUNT(*) FROM wishes w
			WHERE w.fulfilled_on IS NOT NULL AND w.fulfilled_on >= ? AND w.fulfilled_on <= ? AND `+wscope,
			with(f.From, y+"-01-01", f.AsOf)...).Scan(&f.WishesDone, &f.WishesYear); err != nil {
			return err
		}

		// Tasks past their deadline and not closed on the day.
		tscope := strings.ReplaceAll(scope, "p.region_code", "t.region_code")
		rows, err = s.DB.Query(ctx, q, `SELECT t.title, COALESCE(po.name, g.name, ''), COALESCE(st.name, ''), t.deadline FROM tasks t
			LEFT JOIN party_orgs po ON po.id = t.party_org_id LEFT JOIN regions g ON g.code = t.region_code
			LEFT JOIN regions st ON st.code = substr(t.region_code, 1, 9) AND st.level = 4
			WHERE t.deadline < ? AND substr(t.created_at, 1, 10) <= ? AND (t.closed_on IS NULL OR t.closed_on > ?) AND `+tscope+`
			ORDER BY t.deadline, t.id`, with(f.AsOf, f.AsOf, f.AsOf)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		byStreet := map[string]int{}
		var streets []string
		asOf, _ := civil.Read(f.AsOf)
		for rows.Next() {
			var t LateTask
			if err := rows.Scan(&t.Title, &t.Assignee, &t.Street, &t.Deadline); err != nil {
				return err
			}
			d, _ := civil.Read(t.Deadline)
			t.Days = int(asOf.Sub(d).Hours() / 24)
			f.OverdueTasks++
			if len(f.LateTasks) < 20 {
				f.LateTasks = append(f.LateTasks, t)
			}
			name := t.Street
			if name == "" {
				name = "（区县直属）"
			}
			if _, ok := byStreet[name]; !ok {
				streets = append(streets, name)
			}
			byStreet[name]++
		}
		sort.Strings(streets)
		for _, n := range streets {
			f.TasksStreet = append(f.TasksStreet, Count{Name: n, Count: byStreet[n]})
		}
		return rows.Err()
	})
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// Percent formats a percentage with one decimal.
func Percent(v float64) string { return fmt.Sprintf("%.1f%%", v) }

// Points formats a change in percentage points with its sign.
func Points(v float64) string {
	switch {
	case v > 0:
		return fmt.Sprintf("提高 %.1f 个百分点", v)
	case v < 0:
		return fmt.Sprintf("下降 %.1f 个百分点", -v)
	}
	return "持平"
}
