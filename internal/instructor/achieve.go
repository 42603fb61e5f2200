package instructor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// What an instructor's work achieved over a period (issue 22 item 4). Every
// figure comes with the records it counts, so it can be drilled down:
//
//   - assigned: distinct organizations the instructor was assigned to on at
//     least one day of the period (assignment from_on ≤ to and to_on, the
//     first day no longer assigned, after from);
//   - reached: distinct organizations among the visits made in the period;
//   - visits: visits with from ≤ visited_on ≤ to;
//   - on time: a visit is on time when it came no later than the visit
//     frequency after the previous visit of the same instructor to the same
//     organization, or after the start of the assignment in force on the
//     visit day when that is later or there is no previous visit (the rule of
//     DueVisits). The frequency is the one of the instructor's kind in force
//     on the visit day. A visit on a day with no assignment and no previous
//     visit has no clock running and counts as on time;
//   - problems raised: visits of the period whose problems text is not
//     empty; solved: those of them marked solved (SolveVisit) on or before
//     the end of the period;
//   - 孵化 organizations: organizations of which a party organization's cover
//     started on a day of the period while the instructor was assigned to
//     them, when no other cover was in force the day before (the unit went
//     from no party organization to one);
//   - members developed: 发展党员 steps recorded in the period for people
//     whose unit (dev_people.organization_id) the instructor was assigned to
//     on the step's day: step 1 (递交入党申请书, the application received) and
//     step 17 (上级党委审批, admitted as 预备党员). The "②/⑰" names
//     the application and the admission; in the catalogue of internal/develop
//     the application is step 1.

// Development steps counted as 孵化 results.
const (
	StepApplication = 1  // 递交入党申请书
	StepAdmission   = 17 // 上级党委审批（接收预备党员）
)

// Period is a span of civil days, both ends included.
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// ParsePeriod reads a period from explicit from/to dates or from the year
// and quarter shorthands (year=2026 is the whole year, with quarter=3 its
// third quarter). With nothing given it is the current year. Bad input (a
// blank value too) is a 422 naming the field.
func (s *Service) ParsePeriod(from, to, year, quarter string) (Period, error) {
	bad := apperr.Invalid()
	var p Period
	if from != "" || to != "" {
		if year != "" || quarter != "" {
			bad.Field("year", "按年度、季度统计时不能同时指定起止日期")
		}
		if from == "" {
			bad.Field("from", "请填写开始日期")
		} else if _, ok := civil.Check(bad, "from", from); ok {
			p.From = from
		}
		if to == "" {
			bad.Field("to", "请填写结束日期")
		} else if _, ok := civil.Check(bad, "to", to); ok {
			p.To = to
		}
		if p.From != "" && p.To != "" && p.From > p.To {
			bad.Field("to", "结束日期不能早于开始日期")
		}
		return p, bad.OrNil()
	}
	y := s.today()[:4]
	if year != "" {
		n, err := strconv.Atoi(year)
		if err != nil || n < 1949 || n > 2100 {
			bad.Field("year", "年度应为四位数字，如 2026")
		}
		y = year
	}
	p = Period{From: y + "-01-01", To: y + "-12-31"}
	if quarter != "" {
		q, err := strconv.Atoi(quarter)
		if err != nil || q < 1 || q > 4 {
			bad.Field("quarter", "季度应为 1–4")
		} else {
			start := time.Date(2000, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
			p.From = y + start.Format("-01-02")
			p.To = y + start.AddDate(0, 3, -1).Format("-01-02")
		}
	}
	return p, bad.OrNil()
}

// OrgRef names an organization counted in a figure.
type OrgRef struct {
	OrganizationID int64  `json:"organization_id"`
	Name           string `json:"name"`
}

// VisitRef is a visit counted in the period, with whether it was on time.
type VisitRef struct {
	VisitID          int64   `json:"visit_id"`
	OrganizationID   int64   `json:"organization_id"`
	OrganizationName string  `json:"organization_name"`
	VisitedOn        string  `json:"visited_on"`
	Form             string  `json:"form"`
	DueOn            *string `json:"due_on"`
	OnTime           bool    `json:"on_time"`
	Problems         string  `json:"problems"`
	SolvedOn         *string `json:"solved_on"`
	SolvedNote       string  `json:"solved_note"`
}

// IncubatedOrg is an organization that got a party organization while the
// instructor was assigned to it.
type IncubatedOrg struct {
	OrganizationID int64  `json:"organization_id"`
	Name           string `json:"name"`
	PartyOrgID     int64  `json:"party_org_id"`
	PartyOrgName   string `json:"party_org_name"`
	CoveredFrom    string `json:"covered_from"`
}

// DevelopedStep is a 发展党员 step counted as a 孵化 result.
type DevelopedStep struct {
	PersonID         int64  `json:"person_id"`
	Name             string `json:"name"`
	OrganizationID   int64  `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	Step             int    `json:"step"`
	StepName         string `json:"step_name"`
	DoneOn           string `json:"done_on"`
}

// Figures are the counts of an instructor's achievements in a period.
type Figures struct {
	Assigned       int `json:"assigned"`
	Reached        int `json:"reached"`
	Visits         int `json:"visits"`
	OnTime         int `json:"on_time"`
	ProblemsRaised int `json:"problems_raised"`
	ProblemsSolved int `json:"problems_solved"`
	Incubated      int `json:"incubated"`
	Applications   int `json:"applications"`
	Admitted       int `json:"admitted"`
}

// AchievementRow is one instructor in the ranking.
type AchievementRow struct {
	InstructorID   int64  `json:"instructor_id"`
	InstructorName string `json:"instructor_name"`
	Unit           string `json:"unit"`
	KindName       string `json:"kind_name"`
	RegionName     string `json:"region_name"`
	Rank           int    `json:"rank"`
	Figures
}

// Achievement is one instructor's figures in a period with the records
// behind each of them.
type Achievement struct {
	AchievementRow
	Period
	AssignedOrgs  []OrgRef        `json:"assigned_orgs"`
	ReachedOrgs   []OrgRef        `json:"reached_orgs"`
	VisitList     []VisitRef      `json:"visit_list"`
	IncubatedOrgs []IncubatedOrg  `json:"incubated_orgs"`
	Developed     []DevelopedStep `json:"developed"`
}

// achieveData is what the figures are computed from, loaded in a few
// queries for every instructor at once.
type achieveData struct {
	fs      frequencies
	assigns map[int64][]assignSpan // by instructor
	visits  map[int64][]visitRow   // by instructor, oldest first, up to the period's end
	covers  map[int64][]coverSpan  // by organization, oldest first
	steps   []stepRow
}

type assignSpan struct {
	org        int64
	name, from string
	to         *string
}

type visitRow struct {
	VisitRef
}

type coverSpan struct {
	partyOrg   int64
	name, from string
	to         *string
}

type stepRow struct {
	person, org   int64
	name, orgName string
	step          int
	doneOn        string
}

func (a assignSpan) on(day string) bool { return a.from <= day && (a.to == nil || *a.to > day) }
func (c coverSpan) on(day string) bool  { return c.from <= day && (c.to == nil || *c.to > day) }

// load reads the data of the instructors selected by cond (over instructors
// i) up to the end of the period.
func (s *Service) load(ctx context.Context, cond string, args []any, p Period) (*achieveData, error) {
	d := &achieveData{assigns: map[int64][]assignSpan{}, visits: map[int64][]visitRow{}, covers: map[int64][]coverSpan{}}
	var err error
	if d.fs, err = s.loadFrequencies(ctx, s.DB); err != nil {
		return nil, err
	}
	sel := `(SELECT i.id FROM instructors i WHERE ` + cond + `)`
	rows, err := s.DB.Query(ctx, s.DB, `SELECT a.instructor_id, a.organization_id, o.name, a.from_on, a.to_on FROM instructor_assignments a
		JOIN organizations o ON o.id = a.organization_id WHERE a.instructor_id IN `+sel+` AND a.from_on <= ? ORDER BY a.from_on, a.id`, append(append([]any{}, args...), p.To)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var who int64
		var a assignSpan
		var to sql.NullString
		if err := rows.Scan(&who, &a.org, &a.name, &a.from, &to); err != nil {
			rows.Close()
			return nil, err
		}
		if to.Valid {
			a.to = &to.String
		}
		d.assigns[who] = append(d.assigns[who], a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.DB.Query(ctx, s.DB, `SELECT v.instructor_id, v.id, v.organization_id, o.name, v.visited_on, v.form, v.problems, v.solved_on, v.solved_note
		FROM instructor_visits v JOIN organizations o ON o.id = v.organization_id WHERE v.instructor_id IN `+sel+` AND v.visited_on <= ?
		ORDER BY v.visited_on, v.id`, append(append([]any{}, args...), p.To)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var who int64
		var v visitRow
		var solved sql.NullString
		if err := rows.Scan(&who, &v.VisitID, &v.OrganizationID, &v.OrganizationName, &v.VisitedOn, &v.Form, &v.Problems, &solved, &v.SolvedNote); err != nil {
			rows.Close()
			return nil, err
		}
		if solved.Valid {
			v.SolvedOn = &solved.String
		}
		d.visits[who] = append(d.visits[who], v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	assigned := `(SELECT a.organization_id FROM instructor_assignments a WHERE a.instructor_id IN ` + sel + `)`
	rows, err = s.DB.Query(ctx, s.DB, `SELECT c.organization_id, c.party_org_id, p.name, c.from_on, c.to_on FROM party_org_covers c
		JOIN party_orgs p ON p.id = c.party_org_id WHERE c.organization_id IN `+assigned+` AND c.from_on <= ? ORDER BY c.from_on, c.id`, append(append([]any{}, args...), p.To)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o int64
		var c coverSpan
		var to sql.NullString
		if err := rows.Scan(&o, &c.partyOrg, &c.name, &c.from, &to); err != nil {
			rows.Close()
			return nil, err
		}
		if to.Valid {
			c.to = &to.String
		}
		d.covers[o] = append(d.covers[o], c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.DB.Query(ctx, s.DB, `SELECT p.id, p.organization_id, p.name, o.name, st.step, st.done_on FROM dev_steps st
		JOIN dev_people p ON p.id = st.person_id JOIN organizations o ON o.id = p.organization_id
		WHERE st.step IN (?, ?) AND st.done_on >= ? AND st.done_on <= ? AND p.organization_id IN `+assigned+` ORDER BY st.done_on, st.id`,
		append([]any{StepApplication, StepAdmission, p.From, p.To}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var st stepRow
		if err := rows.Scan(&st.person, &st.org, &st.name, &st.orgName, &st.step, &st.doneOn); err != nil {
			return nil, err
		}
		d.steps = append(d.steps, st)
	}
	return d, rows.Err()
}

var stepNames = map[int]string{StepApplication: "递交入党申请书", StepAdmission: "接收预备党员（上级党委审批）"}

// compute works out one instructor's achievement from the loaded data.
func (d *achieveData) compute(row AchievementRow, fullTime bool, p Period) (Achievement, error) {
	a := Achievement{AchievementRow: row, Period: p, AssignedOrgs: []OrgRef{}, ReachedOrgs: []OrgRef{}, VisitList: []VisitRef{},
		IncubatedOrgs: []IncubatedOrg{}, Developed: []DevelopedStep{}}
	a.Figures = Figures{}
	spans := d.assigns[row.InstructorID]
	seen := map[int64]bool{}
	for _, s := range spans {
		if s.from <= p.To && (s.to == nil || *s.to > p.From) && !seen[s.org] {
			seen[s.org] = true
			a.AssignedOrgs = append(a.AssignedOrgs, OrgRef{s.org, s.name})
		}
	}
	assignedOn := func(org int64, day string) *assignSpan {
		for i := range spans {
			if spans[i].org == org && spans[i].on(day) {
				return &spans[i]
			}
		}
		return nil
	}
	last := map[int64]string{} // latest earlier visit per organization
	reached := map[int64]bool{}
	for _, v := range d.visits[row.InstructorID] {
		prev, had := last[v.OrganizationID]
		last[v.OrganizationID] = v.VisitedOn
		if v.VisitedOn < p.From {
			continue
		}
		ref := v.VisitRef
		var base *string
		if had {
			base = &prev
		}
		from := ""
		if as := assignedOn(v.OrganizationID, v.VisitedOn); as != nil {
			from = as.from
		}
		if from == "" && base == nil {
			ref.OnTime = true
		} else {
			if from == "" {
				from = *base
			}
			due, err := nextDue(from, base, d.fs.at(fullTime, v.VisitedOn))
			if err != nil {
				return a, err
			}
			ds := due.Format(civil.Layout)
			ref.DueOn, ref.OnTime = &ds, v.VisitedOn <= ds
		}
		a.VisitList = append(a.VisitList, ref)
		if !reached[v.OrganizationID] {
			reached[v.OrganizationID] = true
			a.ReachedOrgs = append(a.ReachedOrgs, OrgRef{v.OrganizationID, v.OrganizationName})
		}
	}
	for _, v := range a.VisitList {
		a.Visits++
		if v.OnTime {
			a.OnTime++
		}
		if strings.TrimSpace(v.Problems) != "" {
			a.ProblemsRaised++
			if v.SolvedOn != nil && *v.SolvedOn <= p.To {
				a.ProblemsSolved++
			}
		}
	}
	// Newest visits first, as the visit log reads.
	sort.SliceStable(a.VisitList, func(i, j int) bool {
		x, y := a.VisitList[i], a.VisitList[j]
		if x.VisitedOn != y.VisitedOn {
			return x.VisitedOn > y.VisitedOn
		}
		return x.VisitID > y.VisitID
	})
	a.Reached = len(a.ReachedOrgs)
	a.Assigned = len(a.AssignedOrgs)
	for _, o := range a.AssignedOrgs {
		covers := d.covers[o.OrganizationID]
		for _, c := range covers {
			if c.from < p.From || c.from > p.To || assignedOn(o.OrganizationID, c.from) == nil {
				continue
			}
			before, err := dayBefore(c.from)
			if err != nil {
				return a, err
			}
			had := false
			for _, other := range covers {
				had = had || other.on(before)
			}
			if !had {
				a.IncubatedOrgs = append(a.IncubatedOrgs, IncubatedOrg{OrganizationID: o.OrganizationID, Name: o.Name, PartyOrgID: c.partyOrg, PartyOrgName: c.name, CoveredFrom: c.from})
				break
			}
		}
	}
	a.Incubated = len(a.IncubatedOrgs)
	for _, st := range d.steps {
		if assignedOn(st.org, st.doneOn) == nil {
			continue
		}
		a.Developed = append(a.Developed, DevelopedStep{PersonID: st.person, Name: st.name, OrganizationID: st.org, OrganizationName: st.orgName,
			Step: st.step, StepName: stepNames[st.step], DoneOn: st.doneOn})
		if st.step == StepApplication {
			a.Applications++
		} else {
			a.Admitted++
		}
	}
	return a, nil
}

func dayBefore(day string) (string, error) {
	t, err := civil.Read(day)
	if err != nil {
		return "", err
	}
	return t.AddDate(0, 0, -1).Format(civil.Layout), nil
}

// Achievement is one instructor's figures in a period with the records
// behind them. Another instructor's record is not found for an instructor
// account (404), as are records outside the caller's scope.
func (s *Service) Achievement(ctx context.Context, id int64, p Period) (Achievement, error) {
	in, err := s.get(ctx, s.DB, id)
	if err != nil {
		return Achievement{}, err
	}
	d, err := s.load(ctx, "i.id = ?", []any{id}, p)
	if err != nil {
		return Achievement{}, err
	}
	return d.compute(AchievementRow{InstructorID: in.ID, InstructorName: in.Name, Unit: in.Unit, KindName: KindName(in.FullTime), RegionName: in.RegionName},
		in.FullTime, p)
}

// RankingSorts are the figures the ranking can be sorted by (largest
// first), and name (by instructor name).
var RankingSorts = []string{"visits", "reached", "on_time", "problems_solved", "incubated", "developed", "assigned", "name"}

// RankingFilter selects and orders the ranking.
type RankingFilter struct {
	Period
	Region string // a region code; instructors of its subtree
	Sort   string
}

// Contacted is the 党统 figure "其中党建工作指导员联系的": the organizations
// of a region's subtree, open on a day, with an instructor assigned that day.
type Contacted struct {
	On              string  `json:"on"`
	Count           int     `json:"count"`
	OrganizationIDs []int64 `json:"organization_ids"`
}

// DistrictTotals sum the ranking over every instructor in it.
type DistrictTotals struct {
	Instructors int `json:"instructors"`
	Figures
	Contacted Contacted `json:"contacted"`
}

// Ranking lists the instructors of the caller's scope (narrowed to a region
// subtree when given) with their figures in the period, ranked by the sort
// figure (largest first; ties by name, then id), one page at a time, with
// the totals over all of them. Rank is the place in the whole list.
func (s *Service) Ranking(ctx context.Context, f RankingFilter, page, size int) ([]AchievementRow, int, DistrictTotals, error) {
	var tot DistrictTotals
	if f.Sort == "" {
		f.Sort = "visits"
	}
	ok := false
	for _, k := range RankingSorts {
		ok = ok || k == f.Sort
	}
	if !ok {
		return nil, 0, tot, apperr.InvalidField("sort", "排序应为 "+strings.Join(RankingSorts, "、")+" 之一")
	}
	cond, args, err := s.recordFilter(ctx)
	if err != nil {
		return nil, 0, tot, err
	}
	if f.Region = strings.TrimSpace(f.Region); f.Region != "" {
		rc, ra := store.PrefixRange("i.region_code", f.Region)
		cond, args = cond+" AND "+rc, append(args, ra...)
	}
	d, err := s.load(ctx, cond, args, f.Period)
	if err != nil {
		return nil, 0, tot, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT i.id, i.name, i.unit, i.full_time, COALESCE(r.name, '')`+from+` WHERE `+cond+` ORDER BY i.id`, args...)
	if err != nil {
		return nil, 0, tot, err
	}
	all := []AchievementRow{}
	kinds := map[int64]bool{}
	for rows.Next() {
		var r AchievementRow
		var full bool
		if err := rows.Scan(&r.InstructorID, &r.InstructorName, &r.Unit, &full, &r.RegionName); err != nil {
			rows.Close()
			return nil, 0, tot, err
		}
		r.KindName, kinds[r.InstructorID] = KindName(full), full
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, tot, err
	}
	for i := range all {
		a, err := d.compute(all[i], kinds[all[i].InstructorID], f.Period)
		if err != nil {
			return nil, 0, tot, err
		}
		all[i].Figures = a.Figures
		t := &tot.Figures
		t.Assigned, t.Reached, t.Visits, t.OnTime = t.Assigned+a.Assigned, t.Reached+a.Reached, t.Visits+a.Visits, t.OnTime+a.OnTime
		t.ProblemsRaised, t.ProblemsSolved = t.ProblemsRaised+a.ProblemsRaised, t.ProblemsSolved+a.ProblemsSolved
		t.Incubated, t.Applications, t.Admitted = t.Incubated+a.Incubated, t.Applications+a.Applications, t.Admitted+a.Admitted
	}
	tot.Instructors = len(all)
	key := func(r AchievementRow) int {
		switch f.Sort {
		case "reached":
			return r.Reached
		case "on_time":
			return r.OnTime
		case "problems_solved":
			return r.ProblemsSolved
		case "incubated":
			return r.Incubated
		case "developed":
			return r.Applications + r.Admitted
		case "assigned":
			return r.Assigned
		}
		return r.Visits
	}
	sort.SliceStable(all, func(i, j int) bool {
		x, y := all[i], all[j]
		if f.Sort != "name" && key(x) != key(y) {
			return key(x) > key(y)
		}
		if x.InstructorName != y.InstructorName {
			return x.InstructorName < y.InstructorName
		}
		return x.InstructorID < y.InstructorID
	})
	for i := range all {
		all[i].Rank = i + 1
	}
	// The contacted organizations of the region asked, within the caller's
	// scope: the scope itself when the region holds it, none when the two do
	// not meet; an instructor account gets none.
	region := f.Region
	a, _ := actor.From(ctx)
	_, bound := a.BoundInstructor()
	switch {
	case bound:
		region = ""
	case a.System:
	case region == "" || strings.HasPrefix(a.Scope, region):
		region = a.Scope
	case !strings.HasPrefix(region, a.Scope):
		region = ""
	}
	on := min(f.To, s.today())
	if tot.Contacted, err = s.ContactedOrganizations(ctx, region, on); err != nil {
		return nil, 0, tot, err
	}
	page, size = store.ClampPage(page, size, 500)
	start := min((page-1)*size, len(all))
	return all[start:min(start+size, len(all))], len(all), tot, nil
}

// ContactedOrganizations is the 党统 figure "其中党建工作指导员联系的" (tables
// 27 and 30): the 两新组织 of the region's subtree (every organization of the
// ledger is one) not closed on the day, to which at least one instructor is
// assigned that day (from_on ≤ on < to_on). The ids are in ascending order.
// An empty region counts nothing.
func (s *Service) ContactedOrganizations(ctx context.Context, region, on string) (Contacted, error) {
	out := Contacted{On: on, OrganizationIDs: []int64{}}
	if region == "" {
		return out, nil
	}
	rc, ra := store.PrefixRange("o.region_code", region)
	rows, err := s.DB.Query(ctx, s.DB, `SELECT o.id FROM organizations o WHERE `+rc+`
		AND (o.closed_on IS NULL OR o.closed_on > ?)
		AND EXISTS (SELECT 1 FROM instructor_assignments a WHERE a.organization_id = o.id AND a.from_on <= ? AND (a.to_on IS NULL OR a.to_on > ?))
		ORDER BY o.id`, append(ra, on, on, on)...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return out, err
		}
		out.OrganizationIDs = append(out.OrganizationIDs, id)
	}
	out.Count = len(out.OrganizationIDs)
	return out, rows.Err()
}

// SolveInput marks the problems raised on a visit solved.
type SolveInput struct {
	SolvedOn string `json:"solved_on"`
	Note     string `json:"note"`
}

// SolveVisit marks the problems raised on a visit solved on a day (not
// before the visit, not in the future) with a note of how. Only a visit
// with problems can be solved; marking it again replaces the day and note.
// Who may record visits for the instructor may do it (the instructor
// itself, the district and the street in scope). A later link to service
// requests would set it from the request's closing (docs/ledger.md).
func (s *Service) SolveVisit(ctx context.Context, id, visitID int64, in SolveInput) (Visit, error) {
	bad := apperr.Invalid()
	in.Note = strings.TrimSpace(in.Note)
	day, dayOK := civil.Check(bad, "solved_on", in.SolvedOn)
	if dayOK && day.Format(civil.Layout) > s.today() {
		bad.Field("solved_on", "解决日期不能晚于今天")
	}
	if in.Note == "" {
		bad.Field("note", "请填写问题是如何解决的")
	} else if utf8.RuneCountInString(in.Note) > 2000 {
		bad.Field("note", "不能超过 2000 个字")
	}
	if err := bad.OrNil(); err != nil {
		return Visit{}, err
	}
	var out Visit
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.get(ctx, tx, id); err != nil {
			return err
		}
		var before sql.NullString
		var beforeNote string
		err := s.DB.QueryRow(ctx, tx, `SELECT v.id, v.instructor_id, v.organization_id, o.name, v.visited_on, v.form, v.content, v.problems, v.solved, v.solved_on, v.solved_note
			FROM instructor_visits v JOIN organizations o ON o.id = v.organization_id WHERE v.id = ? AND v.instructor_id = ?`, visitID, id).
			Scan(&out.ID, &out.InstructorID, &out.OrganizationID, &out.OrganizationName, &out.VisitedOn, &out.Form, &out.Content, &out.Problems, &out.Solved, &before, &beforeNote)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("走访记录")
		}
		if err != nil {
			return err
		}
		if strings.TrimSpace(out.Problems) == "" {
			return apperr.InvalidField("visit_id", "这次走访没有登记发现的问题，无需标记解决")
		}
		d := day.Format(civil.Layout)
		if d < out.VisitedOn {
			return apperr.InvalidField("solved_on", "解决日期不能早于走访日期 "+out.VisitedOn)
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE instructor_visits SET solved_on = ?, solved_note = ? WHERE id = ?`, d, in.Note, visitID); err != nil {
			return err
		}
		out.SolvedOn, out.SolvedNote = &d, in.Note
		var b any
		if before.Valid {
			b = map[string]any{"solved_on": before.String, "solved_note": beforeNote}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "instructor_visit_solve", Entity: "instructor", EntityID: fmt.Sprint(id), Before: b,
			After: map[string]any{"visit_id": visitID, "solved_on": d, "solved_note": in.Note}})
	})
	if err != nil {
		return Visit{}, err
	}
	visits := []Visit{out}
	if err := s.loadPhotos(ctx, id, visits); err != nil {
		return Visit{}, err
	}
	return visits[0], nil
}
