package develop

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// next works out what a person is due for: deadlines of the time rules
// and the day from which the next stage may be decided.
func (s *Service) next(p Person) []Due {
	last := map[int]time.Time{}
	for _, st := range p.Steps {
		t, _ := civil.Read(st.DoneOn)
		if t.After(last[st.N]) {
			last[st.N] = t
		}
	}
	has := func(n int) bool { _, ok := last[n]; return ok }
	name := func(n int) string { d, _ := stepDef(n); return d.Name }
	var out []Due
	add := func(n int, on time.Time, kind, label string) {
		out = append(out, Due{Step: n, Name: name(n), On: day(on), Kind: kind, Label: label})
	}
	switch {
	case !has(2):
		add(2, addMonths(last[1], 1), "deadline", "收到入党申请书后1个月内谈话")
	case p.Stage == StageActivist && !has(7):
		review := last[3]
		if last[6].After(review) {
			review = last[6]
		}
		add(6, addMonths(review, 6), "deadline", "每半年进行一次培养教育考察")
		add(7, addYears(last[3], 1), "eligible", "积极分子满1年后可确定为发展对象")
	case has(15) && !has(17):
		add(17, addMonths(last[15], 3), "deadline", "支部党员大会后3个月内报上级党委审批")
	case p.Stage == StageProbationary && !has(23) && p.ProbationEndsOn != nil:
		ends, _ := civil.Read(*p.ProbationEndsOn)
		add(23, ends, "deadline", "预备期满时支部党员大会讨论转正")
	case has(23) && !has(24):
		add(24, addMonths(last[23], 3), "deadline", "支部党员大会后3个月内报上级党委审批转正")
	}
	if out == nil {
		out = []Due{}
	}
	return out
}

// Filter selects people of the pipeline.
type Filter struct {
	PartyOrgID int64
	Stage      string
	Name       string
	Page       int
	PageSize   int
}

func (s *Service) where(ctx context.Context, f Filter) (string, []any, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "p.party_org_id")
	if err != nil {
		return "", nil, err
	}
	conds := []string{cond}
	if f.PartyOrgID != 0 {
		conds = append(conds, `p.party_org_id IN (WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT c.id FROM party_orgs c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub)`)
		args = append(args, f.PartyOrgID)
	}
	if f.Stage != "" {
		if StageName(f.Stage) == f.Stage {
			return "", nil, apperr.InvalidField("stage", "阶段应为 applicant、activist、candidate、probationary 或 full")
		}
		conds = append(conds, "p.stage = ?")
		args = append(args, f.Stage)
	}
	if n := strings.TrimSpace(f.Name); n != "" {
		conds = append(conds, `p.name LIKE ? ESCAPE '\'`)
		args = append(args, "%"+store.LikeEscape(n)+"%")
	}
	return strings.Join(conds, " AND "), args, nil
}

// List returns one page of people in the caller's scope, newest applications first.
func (s *Service) List(ctx context.Context, f Filter) ([]Person, store.Total, error) {
	ctx = store.WithOp(ctx, "develop.List")
	where, args, err := s.where(ctx, f)
	if err != nil {
		return nil, store.Total{}, err
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PageSize < 1 || f.PageSize > 200 {
		f.PageSize = 20
	}
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: personCols, From: strings.TrimSpace(personFrom), Cond: where, Args: args,
		Order: "p.applied_on DESC, p.id DESC"}, store.Page{Number: f.Page, Size: f.PageSize}, scanPerson)
	if err != nil {
		return nil, store.Total{}, err
	}
	for i := range out {
		st, err := s.steps(ctx, s.DB, out[i].ID)
		if err != nil {
			return nil, store.Total{}, err
		}
		out[i].Steps = st
		out[i].Next = s.next(out[i])
		out[i].Steps = nil
	}
	return out, total, nil
}

// ScheduleItem is one person's due step.
type ScheduleItem struct {
	PersonID     int64  `json:"person_id"`
	Name         string `json:"name"`
	PartyOrgID   int64  `json:"party_org_id"`
	PartyOrgName string `json:"party_org_name"`
	Stage        string `json:"stage"`
	StageName    string `json:"stage_name"`
	Due
	Overdue bool `json:"overdue"`
}

// Schedule is who is due for what within the next days, and what is overdue.
type Schedule struct {
	From    string         `json:"from"`
	To      string         `json:"to"`
	Due     []ScheduleItem `json:"due"`
	Overdue []ScheduleItem `json:"overdue"`
}

// Schedule lists the deadlines and eligible days falling within the next
// `within` days (7 = next week, 30 = next month) and the overdue deadlines.
func (s *Service) Schedule(ctx context.Context, partyOrgID int64, within int) (Schedule, error) {
	if within < 1 || within > 366 {
		return Schedule{}, apperr.InvalidField("within", "天数应为 1–366")
	}
	where, args, err := s.where(ctx, Filter{PartyOrgID: partyOrgID})
	if err != nil {
		return Schedule{}, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+personCols+personFrom+` WHERE `+where+` AND p.stage <> ?`, append(args, StageFull)...)
	if err != nil {
		return Schedule{}, err
	}
	var people []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			rows.Close()
			return Schedule{}, err
		}
		people = append(people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Schedule{}, err
	}
	today := s.today()
	to := today.AddDate(0, 0, within)
	out := Schedule{From: day(today), To: day(to), Due: []ScheduleItem{}, Overdue: []ScheduleItem{}}
	for _, p := range people {
		if p.Steps, err = s.steps(ctx, s.DB, p.ID); err != nil {
			return Schedule{}, err
		}
		for _, d := range s.next(p) {
			it := ScheduleItem{PersonID: p.ID, Name: p.Name, PartyOrgID: p.PartyOrgID, PartyOrgName: p.PartyOrgName, Stage: p.Stage, StageName: p.StageName, Due: d}
			switch {
			case d.Kind == "deadline" && d.On < day(today):
				it.Overdue = true
				out.Overdue = append(out.Overdue, it)
			case d.On >= day(today) && d.On <= day(to):
				out.Due = append(out.Due, it)
			}
		}
	}
	sort.SliceStable(out.Due, func(i, j int) bool { return out.Due[i].On < out.Due[j].On })
	sort.SliceStable(out.Overdue, func(i, j int) bool { return out.Overdue[i].On < out.Overdue[j].On })
	return out, nil
}

// StageCounts are the counts per stage of one party organization.
type StageCounts struct {
	PartyOrgID   int64          `json:"party_org_id"`
	PartyOrgName string         `json:"party_org_name"`
	Counts       map[string]int `json:"counts"`
	Total        int            `json:"total"`
}

// Stats counts the people per stage per party organization in the caller's scope.
func (s *Service) Stats(ctx context.Context, partyOrgID int64) ([]StageCounts, map[string]int, error) {
	where, args, err := s.where(ctx, Filter{PartyOrgID: partyOrgID})
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT p.party_org_id, o.name, p.stage, COUNT(*)`+personFrom+` WHERE `+where+` GROUP BY p.party_org_id, o.name, p.stage ORDER BY p.party_org_id`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []StageCounts
	totals := map[string]int{}
	for _, st := range StageNames {
		totals[st.Code] = 0
	}
	for rows.Next() {
		var id int64
		var name, stage string
		var n int
		if err := rows.Scan(&id, &name, &stage, &n); err != nil {
			return nil, nil, err
		}
		if len(out) == 0 || out[len(out)-1].PartyOrgID != id {
			c := map[string]int{}
			for _, st := range StageNames {
				c[st.Code] = 0
			}
			out = append(out, StageCounts{PartyOrgID: id, PartyOrgName: name, Counts: c})
		}
		out[len(out)-1].Counts[stage] += n
		out[len(out)-1].Total += n
		totals[stage] += n
	}
	if out == nil {
		out = []StageCounts{}
	}
	return out, totals, rows.Err()
}

// LastDevelopmentObject is the latest day a 发展对象 was decided (step ⑦) in a
// party organization, for the 软弱涣散 signal "no 发展对象 for 2 years"; ok
// is false when there is none on record.
func (s *Service) LastDevelopmentObject(ctx context.Context, partyOrgID int64) (string, bool, error) {
	var d sql.NullString
	err := s.DB.QueryRow(ctx, s.DB, `SELECT MAX(st.done_on) FROM dev_steps st JOIN dev_people p ON p.id = st.person_id WHERE st.step = 7 AND p.party_org_id = ?`, partyOrgID).Scan(&d)
	if err != nil || !d.Valid {
		return "", false, err
	}
	return d.String, true, nil
}
