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
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Task states (挂牌 → 申请销号 → 销号, or back to 退回 and again).
const (
	TaskOpen      = "open"
	TaskRequested = "requested"
	TaskReturned  = "returned"
	TaskClosed    = "closed"
)

// Task actions.
const (
	ActProgress     = "progress"
	ActRequestClose = "request_close"
	ActAccept       = "accept"
	ActSendBack     = "send_back"
)

// Origins a task can come from; joint_meeting (联席会议决定) is kept ready
// for the co-building module.
const (
	OriginRectification = "rectification"
	OriginFinding       = "supervision_finding"
	OriginJointMeeting  = "joint_meeting"
)

// TaskStates lists the task states.
func TaskStates() []Option {
	return []Option{{TaskOpen, "已挂牌"}, {TaskRequested, "待销号"}, {TaskReturned, "已退回"}, {TaskClosed, "已销号"}}
}

// TaskActions lists the task actions.
func TaskActions() []Option {
	return []Option{{ActProgress, "记录进展"}, {ActRequestClose, "申请销号"}, {ActAccept, "销号"}, {ActSendBack, "退回"}}
}

// Origins lists where a task came from.
func Origins() []Option {
	return []Option{{"", "直接挂牌"}, {OriginRectification, "软弱涣散整改"}, {OriginFinding, "督导调研发现问题"}, {OriginJointMeeting, "联席会议决定"}}
}

// stepsFrom are the actions each state allows (the state machine).
var stepsFrom = map[string][]string{
	TaskOpen:      {ActProgress, ActRequestClose},
	TaskReturned:  {ActProgress, ActRequestClose},
	TaskRequested: {ActAccept, ActSendBack},
	TaskClosed:    {},
}

// taskAuditActions are the audit-trail codes of the steps (each with a
// Chinese name in internal/audit).
var taskAuditActions = map[string]string{
	ActProgress:     "task_progress",
	ActRequestClose: "task_request_close",
	ActAccept:       "task_accept",
	ActSendBack:     "task_send_back",
}

// assignerActions are taken by the side that assigned the task (销号, 退回);
// the others by the assignee (the assigner may record progress too).
var assignerActions = map[string]bool{ActAccept: true, ActSendBack: true}

// Task is a 挂牌销号 task.
type Task struct {
	ID           int64   `json:"id"`
	Title        string  `json:"title"`
	Detail       string  `json:"detail"`
	AssigneeKind string  `json:"assignee_kind"`
	PartyOrgID   *int64  `json:"party_org_id"`
	AssigneeName string  `json:"assignee_name"`
	RegionCode   string  `json:"region_code"`
	StreetCode   string  `json:"street_code"`
	StreetName   string  `json:"street_name"`
	Deadline     string  `json:"deadline"`
	State        string  `json:"state"`
	StateName    string  `json:"state_name"`
	Overdue      bool    `json:"overdue"`
	DaysOverdue  int     `json:"days_overdue"`
	OriginKind   string  `json:"origin_kind"`
	OriginName   string  `json:"origin_name"`
	OriginID     int64   `json:"origin_id"`
	ClosedOn     *string `json:"closed_on"`
	Version      int     `json:"version"`
	// Steps are the actions the state allows next; the HTTP layer keeps
	// those the caller's role may take.
	Steps     []string `json:"steps"`
	CreatedAt string   `json:"created_at"`
}

// TaskInput lists a task (挂牌). AssigneeKind is region (a street or area:
// RegionCode) or party_org (PartyOrgID).
type TaskInput struct {
	Title        string `json:"title"`
	Detail       string `json:"detail"`
	AssigneeKind string `json:"assignee_kind"`
	RegionCode   string `json:"region_code"`
	PartyOrgID   int64  `json:"party_org_id"`
	Deadline     string `json:"deadline"`
	OriginKind   string `json:"origin_kind"`
	OriginID     int64  `json:"origin_id"`
}

// TaskAction is one step on a task, guarded by the version the caller saw.
type TaskAction struct {
	Action  string  `json:"action"`
	Version int     `json:"version"`
	Note    string  `json:"note"`
	FileIDs []int64 `json:"file_ids"`
}

// TaskEvent is one entry of a task's timeline.
type TaskEvent struct {
	ID         int64  `json:"id"`
	Action     string `json:"action"`
	ActionName string `json:"action_name"`
	FromState  string `json:"from_state"`
	ToState    string `json:"to_state"`
	Note       string `json:"note"`
	By         string `json:"by"`
	At         string `json:"at"`
	Files      []File `json:"files"`
}

const taskCols = `t.id, t.title, t.detail, t.assignee_kind, t.party_org_id, COALESCE(p.name, g.name, ''), t.region_code, COALESCE(st.code, ''), COALESCE(st.name, ''),
	t.deadline, t.state, t.origin_kind, t.origin_id, t.closed_on, t.version, t.created_at`

var taskFrom = ` FROM tasks t LEFT JOIN party_orgs p ON p.id = t.party_org_id LEFT JOIN regions g ON g.code = t.region_code` + streetJoin("t.region_code")

func scanTask(row interface{ Scan(...any) error }, today string) (Task, error) {
	var t Task
	var org sql.NullInt64
	var closed sql.NullString
	err := row.Scan(&t.ID, &t.Title, &t.Detail, &t.AssigneeKind, &org, &t.AssigneeName, &t.RegionCode, &t.StreetCode, &t.StreetName,
		&t.Deadline, &t.State, &t.OriginKind, &t.OriginID, &closed, &t.Version, &t.CreatedAt)
	if org.Valid {
		t.PartyOrgID = &org.Int64
	}
	if closed.Valid {
		t.ClosedOn = &closed.String
	}
	t.StateName, t.OriginName = optionName(TaskStates(), t.State), optionName(Origins(), t.OriginKind)
	t.Steps = append([]string{}, stepsFrom[t.State]...)
	if t.State != TaskClosed && t.Deadline < today {
		t.Overdue = true
		d, _ := civil.Read(t.Deadline)
		n, _ := civil.Read(today)
		t.DaysOverdue = int(n.Sub(d).Hours() / 24)
	}
	return t, err
}

// taskScope limits tasks (alias t): a party-organization account sees the
// tasks of its party organization and those under it; others the tasks
// assigned inside their scope (so the level above sees its children's).
func taskScope(ctx context.Context) (string, []any, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return "", nil, apperr.Unauthenticated("")
	}
	if !a.System && a.PartyOrgID != 0 {
		c, args := store.PartyOrgSubtreeFilter(ctx, "t.party_org_id")
		return "t.party_org_id IS NOT NULL AND " + c, args, nil
	}
	return store.ScopeFilter(ctx, "t.region_code")
}

func (s *Service) getTask(ctx context.Context, q store.Querier, id int64) (Task, error) {
	cond, args, err := taskScope(ctx)
	if err != nil {
		return Task{}, err
	}
	t, err := scanTask(s.DB.QueryRow(ctx, q, `SELECT `+taskCols+taskFrom+` WHERE t.id = ? AND `+cond, append([]any{id}, args...)...), s.today())
	if errors.Is(err, sql.ErrNoRows) {
		return t, apperr.NotFound("任务")
	}
	if err != nil {
		return t, fmt.Errorf("workloop: task %d: %w", id, err)
	}
	return t, nil
}

// GetTask returns a task the caller may see.
func (s *Service) GetTask(ctx context.Context, id int64) (Task, error) {
	ctx = store.WithOp(ctx, "workloop.GetTask")
	return s.getTask(ctx, s.DB, id)
}

// CreateTask lists a task (挂牌) for a region or a party organization in
// the caller's scope. From a rectification, the assignee defaults to the
// rectified party organization.
func (s *Service) CreateTask(ctx context.Context, in TaskInput) (Task, error) {
	ctx = store.WithOp(ctx, "workloop.CreateTask")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Task, error) { return s.createTask(ctx, tx, in) })
}

// CreateMeetingTask lists a task made from a 联席会议 decision inside the
// caller's transaction (internal/cobuild, which keeps the task id on the
// decision); its origin is joint_meeting and decisionID.
func (s *Service) CreateMeetingTask(ctx context.Context, tx *sql.Tx, in TaskInput, decisionID int64) (Task, error) {
	ctx = store.WithOp(ctx, "workloop.CreateMeetingTask")
	in.OriginKind, in.OriginID = OriginJointMeeting, decisionID
	return s.createTaskFrom(ctx, tx, in, true)
}

func (s *Service) createTask(ctx context.Context, tx *sql.Tx, in TaskInput) (Task, error) {
	return s.createTaskFrom(ctx, tx, in, false)
}

func (s *Service) createTaskFrom(ctx context.Context, tx *sql.Tx, in TaskInput, fromMeeting bool) (Task, error) {
	bad := apperr.Invalid()
	in.Title = textField(bad, "title", "任务名称", in.Title, true, 100)
	in.Detail = textField(bad, "detail", "任务要求", in.Detail, false, 2000)
	in.Deadline = dateField(bad, "deadline", "完成时限", in.Deadline, true)
	switch in.OriginKind {
	case "":
		in.OriginID = 0
	case OriginRectification:
		if s.Rect == nil || in.OriginID <= 0 {
			bad.Field("origin_id", "请选择软弱涣散整改记录")
			break
		}
		org, _, _, err := s.Rect.RectificationBrief(ctx, in.OriginID)
		if err != nil {
			if apperr.IsKind(err, apperr.KindNotFound) {
				bad.Field("origin_id", "整改记录不存在或不在您的管辖范围内")
				break
			}
			return Task{}, err
		}
		if in.AssigneeKind == "" {
			in.AssigneeKind, in.PartyOrgID = "party_org", org
		}
	case OriginFinding:
		if in.OriginID <= 0 {
			bad.Field("origin_id", "请选择督导发现的问题")
		}
	case OriginJointMeeting:
		// Only CreateMeetingTask makes these (the decision checked there).
		if !fromMeeting || in.OriginID <= 0 {
			bad.Field("origin_kind", "联席会议决定转任务请在区域化共建的联席会议记录中办理")
		}
	default:
		bad.Field("origin_kind", "来源应为空（直接挂牌）、rectification（软弱涣散整改）或 supervision_finding（督导调研发现问题）")
	}
	a := who(ctx)
	var region string
	var org any
	switch in.AssigneeKind {
	case "region":
		region = strings.TrimSpace(in.RegionCode)
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM regions WHERE code = ?`, region).Scan(&n); err != nil {
			return Task{}, err
		}
		if region == "" || n == 0 || !a.InScope(region) {
			bad.Field("region_code", "请选择您管辖范围内的街道（乡镇）或片区")
		}
	case "party_org":
		cond, args, err := store.PartyOrgFilter(ctx, "id")
		if err != nil {
			return Task{}, err
		}
		err = s.DB.QueryRow(ctx, tx, `SELECT region_code FROM party_orgs WHERE id = ? AND dissolved_on IS NULL AND `+cond, append([]any{in.PartyOrgID}, args...)...).Scan(&region)
		if errors.Is(err, sql.ErrNoRows) {
			bad.Field("party_org_id", "党组织不存在、已撤销或不在您的管辖范围内")
		} else if err != nil {
			return Task{}, err
		}
		org = in.PartyOrgID
	default:
		bad.Field("assignee_kind", "请选择承办对象：街道/片区（region）或党组织（party_org）")
	}
	if err := bad.OrNil(); err != nil {
		return Task{}, err
	}
	now := s.stamp()
	var id int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO tasks (title, detail, assignee_kind, party_org_id, region_code, deadline, state, origin_kind, origin_id, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?) RETURNING id`, in.Title, in.Detail, in.AssigneeKind, org, region, in.Deadline, in.OriginKind, in.OriginID, a.UserID, now, now).Scan(&id); err != nil {
		return Task{}, err
	}
	if err := s.taskEvent(ctx, tx, id, "create", "", TaskOpen, in.Detail); err != nil {
		return Task{}, err
	}
	t, err := s.getTask(actor.System(ctx, "workloop"), tx, id)
	if err != nil {
		return t, err
	}
	return t, s.Audit.Record(ctx, tx, audit.Entry{Action: "task_create", Entity: "task", EntityID: fmt.Sprint(id), After: t,
		Note: fmt.Sprintf("挂牌任务「%s」，承办：%s，时限 %s", t.Title, t.AssigneeName, t.Deadline)})
}

func (s *Service) taskEvent(ctx context.Context, tx *sql.Tx, id int64, action, from, to, note string) error {
	_, err := s.taskEventID(ctx, tx, id, action, from, to, note)
	return err
}

func (s *Service) taskEventID(ctx context.Context, tx *sql.Tx, id int64, action, from, to, note string) (int64, error) {
	a := who(ctx)
	var ev int64
	err := s.DB.QueryRow(ctx, tx, `INSERT INTO task_events (task_id, action, from_state, to_state, note, by_user, by_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		id, action, from, to, note, a.UserID, a.Username, s.stamp()).Scan(&ev)
	return ev, err
}

// stepError names the step the task expects next.
func stepError(t Task, action string) error {
	names := []string{}
	for _, st := range stepsFrom[t.State] {
		names = append(names, optionName(TaskActions(), st))
	}
	next := "无（任务已销号）"
	if len(names) > 0 {
		next = strings.Join(names, "或")
	}
	return apperr.InvalidField("action", fmt.Sprintf("任务当前为「%s」，不能%s；下一步应为：%s", t.StateName, optionName(TaskActions(), action), next))
}

// Act takes one step on a task. asAssigner and asAssignee say which side's
// steps the caller's role may take (销号 and 退回 are the assigner's, 申请销号
// the assignee's, progress either's). A step the state does not allow
// answers 422 naming the expected step; a stale version 409.
func (s *Service) Act(ctx context.Context, id int64, in TaskAction, asAssigner, asAssignee bool) (Task, error) {
	if optionName(TaskActions(), in.Action) == "" {
		return Task{}, apperr.InvalidField("action", "操作应为 progress、request_close、accept 或 send_back")
	}
	switch {
	case assignerActions[in.Action] && !asAssigner, in.Action == ActRequestClose && !asAssignee:
		return Task{}, apperr.Forbidden()
	}
	bad := apperr.Invalid()
	switch in.Action {
	case ActProgress:
		in.Note = textField(bad, "note", "进展情况", in.Note, true, 2000)
	case ActRequestClose:
		in.Note = textField(bad, "note", "完成情况（销号依据）", in.Note, true, 2000)
	case ActSendBack:
		in.Note = textField(bad, "note", "退回原因", in.Note, true, 500)
	default:
		in.Note = textField(bad, "note", "销号意见", in.Note, false, 500)
	}
	if len(in.FileIDs) > 10 {
		bad.Field("file_ids", "每次最多 10 个附件")
	}
	if err := bad.OrNil(); err != nil {
		return Task{}, err
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Task, error) {
		t, err := s.getTask(ctx, tx, id)
		if err != nil {
			return t, err
		}
		if in.Version != t.Version {
			return t, apperr.Conflict("该任务已被他人处理（数据已更新），请刷新后重试")
		}
		ok := false
		for _, st := range stepsFrom[t.State] {
			ok = ok || st == in.Action
		}
		if !ok {
			return t, stepError(t, in.Action)
		}
		to := t.State
		var closed any
		switch in.Action {
		case ActRequestClose:
			to = TaskRequested
		case ActAccept:
			to, closed = TaskClosed, s.today()
		case ActSendBack:
			to = TaskReturned
		}
		res, err := s.DB.Exec(ctx, tx, `UPDATE tasks SET state = ?, closed_on = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			to, closed, s.stamp(), id, in.Version)
		if err != nil {
			return t, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return t, apperr.Conflict("该任务已被他人处理（数据已更新），请刷新后重试")
		}
		ev, err := s.taskEventID(ctx, tx, id, in.Action, t.State, to, in.Note)
		if err != nil {
			return t, err
		}
		if err := s.attach(ctx, tx, "file_ids", in.FileIDs, "task_event", ev); err != nil {
			return t, err
		}
		after, err := s.getTask(actor.System(ctx, "workloop"), tx, id)
		if err != nil {
			return after, err
		}
		return after, s.Audit.Record(ctx, tx, audit.Entry{Action: taskAuditActions[in.Action], Entity: "task", EntityID: fmt.Sprint(id), Before: t, After: after,
			Note: fmt.Sprintf("%s：任务「%s」（%s → %s）%s", optionName(TaskActions(), in.Action), t.Title, t.StateName, after.StateName, in.Note)})
	})
	if err != nil {
		return Task{}, fmt.Errorf("workloop: task %s %d: %w", in.Action, id, err)
	}
	return out, nil
}

// Timeline lists a task's steps with their documents, oldest first.
func (s *Service) Timeline(ctx context.Context, id int64) ([]TaskEvent, error) {
	if _, err := s.getTask(ctx, s.DB, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT id, action, from_state, to_state, note, by_name, at FROM task_events WHERE task_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("workloop: timeline: %w", err)
	}
	out := []TaskEvent{}
	for rows.Next() {
		var e TaskEvent
		if err := rows.Scan(&e.ID, &e.Action, &e.FromState, &e.ToState, &e.Note, &e.By, &e.At); err != nil {
			rows.Close()
			return nil, err
		}
		e.ActionName = optionName(TaskActions(), e.Action)
		if e.Action == "create" {
			e.ActionName = "挂牌"
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Files, err = s.files(ctx, s.DB, "task_event", out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) taskEventVisible(ctx context.Context, ev int64) error {
	var task int64
	err := s.DB.QueryRow(ctx, s.DB, `SELECT task_id FROM task_events WHERE id = ?`, ev).Scan(&task)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound("附件")
	}
	if err != nil {
		return err
	}
	_, err = s.getTask(ctx, s.DB, task)
	return err
}

// TaskFilter selects tasks; empty fields do not filter.
type TaskFilter struct {
	State      string
	Overdue    bool
	RegionCode string
	OriginKind string
	OriginID   int64
	Q          string
	Page       int
	PageSize   int
}

// Validate names a wrong filter field.
func (f TaskFilter) Validate() error {
	bad := apperr.Invalid()
	if f.State != "" && optionName(TaskStates(), f.State) == "" {
		bad.Field("state", "状态应为 open、requested、returned 或 closed")
	}
	if f.OriginKind != "" && optionName(Origins(), f.OriginKind) == "" {
		bad.Field("origin_kind", "来源应为 rectification、supervision_finding 或 joint_meeting")
	}
	return bad.OrNil()
}

func (s *Service) taskWhere(ctx context.Context, f TaskFilter, withState bool) (string, []any, error) {
	cond, args, err := taskScope(ctx)
	if err != nil {
		return "", nil, err
	}
	add := func(c string, a ...any) { cond += " AND " + c; args = append(args, a...) }
	if withState && f.State != "" {
		add("t.state = ?", f.State)
	}
	if f.Overdue {
		add("t.state <> 'closed' AND t.deadline < ?", s.today())
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("t.region_code", f.RegionCode)
		add(rc, ra...)
	}
	if f.OriginKind != "" {
		add("t.origin_kind = ?", f.OriginKind)
	}
	if f.OriginID != 0 {
		add("t.origin_id = ?", f.OriginID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + store.LikeEscape(q) + "%"
		add(`(t.title LIKE ? ESCAPE '\' OR t.detail LIKE ? ESCAPE '\' OR COALESCE(p.name, '') LIKE ? ESCAPE '\')`, like, like, like)
	}
	return cond, args, nil
}

// ListTasks returns one page of the tasks the caller sees, the most urgent
// (open, nearest deadline) first, with the total.
func (s *Service) ListTasks(ctx context.Context, f TaskFilter) ([]Task, store.Total, error) {
	ctx = store.WithOp(ctx, "workloop.ListTasks")
	if err := f.Validate(); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := s.taskWhere(ctx, f, true)
	if err != nil {
		return nil, store.Total{}, err
	}
	today := s.today()
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: taskCols, From: taskFrom[1:], Cond: cond, Args: args,
		Order: "CASE WHEN t.state = 'closed' THEN 1 ELSE 0 END, t.deadline, t.id"}, store.Page{Number: f.Page, Size: f.PageSize},
		func(r store.Scanner) (Task, error) { return scanTask(r, today) })
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("workloop: list tasks: %w", err)
	}
	return out, total, nil
}

// StateCount is the number of tasks in one state.
type StateCount struct {
	State string `json:"state"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// TaskCounts are the tab counts of the task list.
type TaskCounts struct {
	States  []StateCount `json:"states"`
	All     int          `json:"all"`
	Overdue int          `json:"overdue"`
}

// CountTasks counts the tasks per state (filters as the list, without the state).
func (s *Service) CountTasks(ctx context.Context, f TaskFilter) (TaskCounts, error) {
	out := TaskCounts{States: []StateCount{}}
	if err := f.Validate(); err != nil {
		return out, err
	}
	f.Overdue = false
	cond, args, err := s.taskWhere(ctx, f, false)
	if err != nil {
		return out, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT t.state, COUNT(*), SUM(CASE WHEN t.state <> 'closed' AND t.deadline < ? THEN 1 ELSE 0 END)`+taskFrom+` WHERE `+cond+` GROUP BY t.state`,
		append([]any{s.today()}, args...)...)
	if err != nil {
		return out, fmt.Errorf("workloop: count tasks: %w", err)
	}
	defer rows.Close()
	by := map[string]int{}
	for rows.Next() {
		var st string
		var n, od int
		if err := rows.Scan(&st, &n, &od); err != nil {
			return out, err
		}
		by[st] = n
		out.All += n
		out.Overdue += od
	}
	for _, o := range TaskStates() {
		out.States = append(out.States, StateCount{State: o.Code, Name: o.Name, Count: by[o.Code]})
	}
	return out, rows.Err()
}

// StreetTasks are the task counts of one street.
type StreetTasks struct {
	StreetCode string `json:"street_code"`
	StreetName string `json:"street_name"`
	Open       int    `json:"open"`
	Overdue    int    `json:"overdue"`
	Closed     int    `json:"closed"`
}

// TasksByStreet counts the tasks the caller sees per street: not yet
// closed, overdue, closed.
func (s *Service) TasksByStreet(ctx context.Context) ([]StreetTasks, error) {
	cond, args, err := taskScope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT COALESCE(st.code, ''), COALESCE(MAX(st.name), ''),
		SUM(CASE WHEN t.state <> 'closed' THEN 1 ELSE 0 END), SUM(CASE WHEN t.state <> 'closed' AND t.deadline < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.state = 'closed' THEN 1 ELSE 0 END)`+taskFrom+` WHERE `+cond+` GROUP BY COALESCE(st.code, '') ORDER BY COALESCE(st.code, '')`,
		append([]any{s.today()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("workloop: tasks by street: %w", err)
	}
	defer rows.Close()
	out := []StreetTasks{}
	for rows.Next() {
		var r StreetTasks
		if err := rows.Scan(&r.StreetCode, &r.StreetName, &r.Open, &r.Overdue, &r.Closed); err != nil {
			return nil, err
		}
		if r.StreetCode == "" {
			r.StreetName = "区直属"
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
