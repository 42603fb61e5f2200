package workloop

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// PlanKinds lists the kinds of plan: 督导 and 调研.
func PlanKinds() []Option {
	return []Option{{"supervision", "督导"}, {"research", "调研"}}
}

// Finding is a problem found at a visit; with a deadline it is a
// rectification item (整改事项). It can become a task (TaskID).
type Finding struct {
	ID       int64   `json:"id"`
	VisitID  int64   `json:"visit_id"`
	Content  string  `json:"content"`
	Deadline *string `json:"deadline"`
	DoneOn   *string `json:"done_on"`
	Outcome  string  `json:"outcome"`
	Overdue  bool    `json:"overdue"`
	TaskID   *int64  `json:"task_id"`
}

// Visit is a visit of a plan to a party organization.
type Visit struct {
	ID           int64     `json:"id"`
	PartyOrgID   int64     `json:"party_org_id"`
	PartyOrgName string    `json:"party_org_name"`
	VisitedOn    string    `json:"visited_on"`
	Visitors     string    `json:"visitors"`
	Summary      string    `json:"summary"`
	Findings     []Finding `json:"findings"`
}

// Plan is a 督导 or 调研 plan for a period and a subtree.
type Plan struct {
	ID         int64   `json:"id"`
	Kind       string  `json:"kind"`
	KindName   string  `json:"kind_name"`
	Title      string  `json:"title"`
	PeriodFrom string  `json:"period_from"`
	PeriodTo   string  `json:"period_to"`
	RegionCode string  `json:"region_code"`
	RegionName string  `json:"region_name"`
	Note       string  `json:"note"`
	VisitCount int     `json:"visit_count"`
	OpenItems  int     `json:"open_items"`
	Visits     []Visit `json:"visits"`
	CreatedAt  string  `json:"created_at"`
}

// PlanInput writes a plan.
type PlanInput struct {
	Kind       string `json:"kind"`
	Title      string `json:"title"`
	PeriodFrom string `json:"period_from"`
	PeriodTo   string `json:"period_to"`
	RegionCode string `json:"region_code"`
	Note       string `json:"note"`
}

// FindingInput is a finding recorded with a visit.
type FindingInput struct {
	Content  string `json:"content"`
	Deadline string `json:"deadline"`
}

// VisitInput records a visit with its findings.
type VisitInput struct {
	PartyOrgID int64          `json:"party_org_id"`
	VisitedOn  string         `json:"visited_on"`
	Visitors   string         `json:"visitors"`
	Summary    string         `json:"summary"`
	Findings   []FindingInput `json:"findings"`
}

// FindingDoneInput records a finding as rectified.
type FindingDoneInput struct {
	DoneOn  string `json:"done_on"`
	Outcome string `json:"outcome"`
}

// FindingTaskInput makes a task of a finding (assigned to the visited party
// organization; the deadline defaults to the finding's).
type FindingTaskInput struct {
	Title    string `json:"title"`
	Deadline string `json:"deadline"`
}

const planCols = `v.id, v.kind, v.title, v.period_from, v.period_to, v.region_code, COALESCE(g.name, ''), v.note, v.created_at,
	(SELECT COUNT(*) FROM supervision_visits x WHERE x.plan_id = v.id),
	(SELECT COUNT(*) FROM supervision_findings f JOIN supervision_visits x ON x.id = f.visit_id WHERE x.plan_id = v.id AND f.done_on IS NULL AND f.deadline IS NOT NULL)`
const planFrom = ` FROM supervision_plans v LEFT JOIN regions g ON g.code = v.region_code`

func scanPlan(row interface{ Scan(...any) error }) (Plan, error) {
	var p Plan
	err := row.Scan(&p.ID, &p.Kind, &p.Title, &p.PeriodFrom, &p.PeriodTo, &p.RegionCode, &p.RegionName, &p.Note, &p.CreatedAt, &p.VisitCount, &p.OpenItems)
	p.KindName, p.Visits = optionName(PlanKinds(), p.Kind), []Visit{}
	return p, err
}

// planScope: plans for a subtree inside the caller's scope or containing
// it; a party-organization account sees the plans that visited it.
func planScope(ctx context.Context) (string, []any, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return "", nil, apperr.Unauthenticated("")
	}
	if !a.System && a.PartyOrgID != 0 {
		c, args := store.PartyOrgSubtreeFilter(ctx, "sx.party_org_id")
		return "EXISTS (SELECT 1 FROM supervision_visits sx WHERE sx.plan_id = v.id AND " + c + ")", args, nil
	}
	return overlapScope(ctx, "v.region_code")
}

func (s *Service) getPlan(ctx context.Context, q store.Querier, id int64) (Plan, error) {
	cond, args, err := planScope(ctx)
	if err != nil {
		return Plan{}, err
	}
	p, err := scanPlan(s.DB.QueryRow(ctx, q, `SELECT `+planCols+planFrom+` WHERE v.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.NotFound("督导调研计划")
	}
	return p, err
}

// GetPlan returns a plan with the visits (and findings) the caller sees:
// visits to party organizations in its scope.
func (s *Service) GetPlan(ctx context.Context, id int64) (Plan, error) {
	ctx = store.WithOp(ctx, "workloop.GetPlan")
	p, err := s.getPlan(ctx, s.DB, id)
	if err != nil {
		return p, err
	}
	cond, args, err := store.PartyOrgFilter(ctx, "x.party_org_id")
	if err != nil {
		return p, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT x.id, x.party_org_id, o.name, x.visited_on, x.visitors, x.summary FROM supervision_visits x
		JOIN party_orgs o ON o.id = x.party_org_id WHERE x.plan_id = ? AND `+cond+` ORDER BY x.visited_on, x.id`, append([]any{id}, args...)...)
	if err != nil {
		return p, fmt.Errorf("workloop: plan %d: %w", id, err)
	}
	at := map[int64]int{}
	for rows.Next() {
		var v Visit
		if err := rows.Scan(&v.ID, &v.PartyOrgID, &v.PartyOrgName, &v.VisitedOn, &v.Visitors, &v.Summary); err != nil {
			rows.Close()
			return p, err
		}
		v.Findings = []Finding{}
		at[v.ID] = len(p.Visits)
		p.Visits = append(p.Visits, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, err
	}
	frows, err := s.DB.Query(ctx, s.DB, `SELECT f.id, f.visit_id, f.content, f.deadline, f.done_on, f.outcome, f.task_id FROM supervision_findings f
		JOIN supervision_visits x ON x.id = f.visit_id WHERE x.plan_id = ? ORDER BY f.id`, id)
	if err != nil {
		return p, err
	}
	defer frows.Close()
	today := s.today()
	for frows.Next() {
		f, err := scanFinding(frows, today)
		if err != nil {
			return p, err
		}
		if i, ok := at[f.VisitID]; ok {
			p.Visits[i].Findings = append(p.Visits[i].Findings, f)
		}
	}
	return p, frows.Err()
}

func scanFinding(row interface{ Scan(...any) error }, today string) (Finding, error) {
	var f Finding
	var dl, done sql.NullString
	var task sql.NullInt64
	err := row.Scan(&f.ID, &f.VisitID, &f.Content, &dl, &done, &f.Outcome, &task)
	if dl.Valid {
		f.Deadline = &dl.String
	}
	if done.Valid {
		f.DoneOn = &done.String
	}
	if task.Valid {
		f.TaskID = &task.Int64
	}
	f.Overdue = f.DoneOn == nil && f.Deadline != nil && *f.Deadline < today
	return f, err
}

// PlanFilter selects plans.
type PlanFilter struct {
	Kind     string
	Q        string
	Page     int
	PageSize int
}

// ListPlans returns one page of the plans the caller sees, newest first.
func (s *Service) ListPlans(ctx context.Context, f PlanFilter) ([]Plan, store.Total, error) {
	ctx = store.WithOp(ctx, "workloop.ListPlans")
	if f.Kind != "" && optionName(PlanKinds(), f.Kind) == "" {
		return nil, store.Total{}, apperr.InvalidField("kind", "类型应为 supervision（督导）或 research（调研）")
	}
	cond, args, err := planScope(ctx)
	if err != nil {
		return nil, store.Total{}, err
	}
	if f.Kind != "" {
		cond += " AND v.kind = ?"
		args = append(args, f.Kind)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond += ` AND v.title LIKE ? ESCAPE '\'`
		args = append(args, "%"+store.LikeEscape(q)+"%")
	}
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: planCols, From: planFrom[1:], CountFrom: "FROM supervision_plans v", Cond: cond, Args: args,
		Order: "v.period_from DESC, v.id DESC"}, store.Page{Number: f.Page, Size: f.PageSize}, scanPlan)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("workloop: list plans: %w", err)
	}
	return out, total, nil
}

// CreatePlan writes a plan for a subtree in the caller's scope.
func (s *Service) CreatePlan(ctx context.Context, in PlanInput) (Plan, error) {
	ctx = store.WithOp(ctx, "workloop.CreatePlan")
	bad := apperr.Invalid()
	if optionName(PlanKinds(), in.Kind) == "" {
		bad.Field("kind", "请选择类型：督导（supervision）或调研（research）")
	}
	in.Title = textField(bad, "title", "计划名称", in.Title, true, 100)
	in.Note = textField(bad, "note", "工作安排", in.Note, false, 2000)
	in.PeriodFrom = dateField(bad, "period_from", "开始日期", in.PeriodFrom, true)
	in.PeriodTo = dateField(bad, "period_to", "结束日期", in.PeriodTo, true)
	if in.PeriodFrom != "" && in.PeriodTo != "" && in.PeriodTo < in.PeriodFrom {
		bad.Field("period_to", "结束日期不能早于开始日期")
	}
	in.RegionCode = strings.TrimSpace(in.RegionCode)
	var n int
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*) FROM regions WHERE code = ?`, in.RegionCode).Scan(&n); err != nil {
		return Plan{}, err
	}
	if n == 0 || !who(ctx).InScope(in.RegionCode) {
		bad.Field("region_code", "请选择您管辖范围内的区划")
	}
	if err := bad.OrNil(); err != nil {
		return Plan{}, err
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Plan, error) {
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO supervision_plans (kind, title, period_from, period_to, region_code, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Kind, in.Title, in.PeriodFrom, in.PeriodTo, in.RegionCode, in.Note, who(ctx).UserID, s.stamp()).Scan(&id); err != nil {
			return Plan{}, err
		}
		p, err := s.getPlan(ctx, tx, id)
		if err != nil {
			return p, err
		}
		return p, s.Audit.Record(ctx, tx, audit.Entry{Action: "supervision_plan_create", Entity: "supervision_plan", EntityID: fmt.Sprint(id), After: p})
	})
	if err != nil {
		return Plan{}, fmt.Errorf("workloop: create plan: %w", err)
	}
	return out, nil
}

// AddVisit records a visit of a plan to a party organization of its
// subtree (and the caller's scope), with its findings.
func (s *Service) AddVisit(ctx context.Context, planID int64, in VisitInput) (Plan, error) {
	bad := apperr.Invalid()
	in.VisitedOn = dateField(bad, "visited_on", "督导日期", in.VisitedOn, true)
	if in.VisitedOn > s.today() {
		bad.Field("visited_on", "督导日期不能晚于今天")
	}
	in.Visitors = textField(bad, "visitors", "督导人员", in.Visitors, true, 200)
	in.Summary = textField(bad, "summary", "督导情况", in.Summary, false, 2000)
	if len(in.Findings) > 30 {
		bad.Field("findings", "每次最多 30 条发现问题")
	}
	for i := range in.Findings {
		in.Findings[i].Content = textField(bad, fmt.Sprintf("findings[%d].content", i), "发现的问题", in.Findings[i].Content, true, 1000)
		in.Findings[i].Deadline = dateField(bad, fmt.Sprintf("findings[%d].deadline", i), "整改时限", in.Findings[i].Deadline, false)
	}
	if err := bad.OrNil(); err != nil {
		return Plan{}, err
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.getPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		if !who(ctx).InScope(p.RegionCode) {
			return apperr.NotFound("督导调研计划")
		}
		cond, args, err := store.PartyOrgFilter(ctx, "id")
		if err != nil {
			return err
		}
		var region string
		err = s.DB.QueryRow(ctx, tx, `SELECT region_code FROM party_orgs WHERE id = ? AND `+cond, append([]any{in.PartyOrgID}, args...)...).Scan(&region)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !strings.HasPrefix(region, p.RegionCode)) {
			return apperr.InvalidField("party_org_id", "党组织不存在或不在本计划的范围内")
		}
		if err != nil {
			return err
		}
		var vid int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO supervision_visits (plan_id, party_org_id, visited_on, visitors, summary, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			planID, in.PartyOrgID, in.VisitedOn, in.Visitors, in.Summary, s.stamp()).Scan(&vid); err != nil {
			return err
		}
		for _, f := range in.Findings {
			var dl any
			if f.Deadline != "" {
				dl = f.Deadline
			}
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO supervision_findings (visit_id, content, deadline) VALUES (?, ?, ?)`, vid, f.Content, dl); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "supervision_visit_add", Entity: "supervision_plan", EntityID: fmt.Sprint(planID), After: in,
			Note: fmt.Sprintf("「%s」督导党组织 %d，发现问题 %d 条", p.Title, in.PartyOrgID, len(in.Findings))})
	})
	if err != nil {
		return Plan{}, fmt.Errorf("workloop: add visit: %w", err)
	}
	return s.GetPlan(ctx, planID)
}

// finding reads a finding whose visited party organization the caller may see.
func (s *Service) finding(ctx context.Context, q store.Querier, id int64) (Finding, int64, int64, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "x.party_org_id")
	if err != nil {
		return Finding{}, 0, 0, err
	}
	var org, plan int64
	var f Finding
	var dl, done sql.NullString
	var task sql.NullInt64
	err = s.DB.QueryRow(ctx, q, `SELECT f.id, f.visit_id, f.content, f.deadline, f.done_on, f.outcome, f.task_id, x.party_org_id, x.plan_id FROM supervision_findings f
		JOIN supervision_visits x ON x.id = f.visit_id WHERE f.id = ? AND `+cond, append([]any{id}, args...)...).Scan(&f.ID, &f.VisitID, &f.Content, &dl, &done, &f.Outcome, &task, &org, &plan)
	if errors.Is(err, sql.ErrNoRows) {
		return f, 0, 0, apperr.NotFound("督导发现的问题")
	}
	if err != nil {
		return f, 0, 0, err
	}
	if dl.Valid {
		f.Deadline = &dl.String
	}
	if done.Valid {
		f.DoneOn = &done.String
	}
	if task.Valid {
		f.TaskID = &task.Int64
	}
	f.Overdue = f.DoneOn == nil && f.Deadline != nil && *f.Deadline < s.today()
	return f, org, plan, nil
}

// FindingDone records a finding as rectified (by the district, the street
// or the visited party organization).
func (s *Service) FindingDone(ctx context.Context, id int64, in FindingDoneInput) (Finding, error) {
	bad := apperr.Invalid()
	in.DoneOn = dateField(bad, "done_on", "整改完成日期", in.DoneOn, true)
	if in.DoneOn > s.today() {
		bad.Field("done_on", "整改完成日期不能晚于今天")
	}
	in.Outcome = textField(bad, "outcome", "整改情况", in.Outcome, true, 1000)
	if err := bad.OrNil(); err != nil {
		return Finding{}, err
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Finding, error) {
		before, _, plan, err := s.finding(ctx, tx, id)
		if err != nil {
			return before, err
		}
		if before.DoneOn != nil {
			return before, apperr.Conflict("该问题已于 " + *before.DoneOn + " 整改完成")
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE supervision_findings SET done_on = ?, outcome = ? WHERE id = ? AND done_on IS NULL`, in.DoneOn, in.Outcome, id); err != nil {
			return before, err
		}
		after, _, _, err := s.finding(ctx, tx, id)
		if err != nil {
			return after, err
		}
		return after, s.Audit.Record(ctx, tx, audit.Entry{Action: "supervision_finding_done", Entity: "supervision_plan", EntityID: fmt.Sprint(plan), Before: before, After: after})
	})
	if err != nil {
		return Finding{}, fmt.Errorf("workloop: finding done %d: %w", id, err)
	}
	return out, nil
}

// FindingToTask makes a task of a finding, assigned to the visited party
// organization, linking back both ways. A finding becomes one task at most.
func (s *Service) FindingToTask(ctx context.Context, id int64, in FindingTaskInput) (Task, error) {
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Task, error) {
		f, org, plan, err := s.finding(ctx, tx, id)
		if err != nil {
			return Task{}, err
		}
		if f.TaskID != nil {
			return Task{}, apperr.Conflict(fmt.Sprintf("该问题已转为任务（编号 %d）", *f.TaskID))
		}
		title := strings.TrimSpace(in.Title)
		if title == "" {
			r := []rune(f.Content)
			title = "督导整改：" + string(r[:min(len(r), 60)])
		}
		deadline := in.Deadline
		if deadline == "" && f.Deadline != nil {
			deadline = *f.Deadline
		}
		t, err := s.createTask(ctx, tx, TaskInput{Title: title, Detail: f.Content, AssigneeKind: "party_org", PartyOrgID: org, Deadline: deadline,
			OriginKind: OriginFinding, OriginID: f.ID})
		if err != nil {
			return t, err
		}
		res, err := s.DB.Exec(ctx, tx, `UPDATE supervision_findings SET task_id = ? WHERE id = ? AND task_id IS NULL`, t.ID, id)
		if err != nil {
			return t, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return t, apperr.Conflict("该问题已被他人转为任务，请刷新")
		}
		return t, s.Audit.Record(ctx, tx, audit.Entry{Action: "supervision_finding_task", Entity: "supervision_plan", EntityID: fmt.Sprint(plan),
			Note: fmt.Sprintf("督导发现问题 %d 转为任务 %d", id, t.ID)})
	})
	if err != nil {
		return Task{}, fmt.Errorf("workloop: finding to task %d: %w", id, err)
	}
	return out, nil
}
