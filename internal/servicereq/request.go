package servicereq

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// States of a request.
const (
	StateReceived    = "received"    // 已接单
	StateHandling    = "handling"    // 做单中 (the receiving party organization handles it)
	StateTransferred = "transferred" // 已转单 (a handler unit handles it)
	StateDone        = "done"        // 已办结
	StateReplied     = "replied"     // 已回单
	StateClosed      = "closed"      // 已关闭
)

// States lists the states in life-cycle order.
func States() []Option {
	return []Option{{StateReceived, "已接单"}, {StateHandling, "做单中"}, {StateTransferred, "已转单"},
		{StateDone, "已办结"}, {StateReplied, "已回单"}, {StateClosed, "已关闭"}}
}

// Actions on a request.
const (
	ActReceive  = "receive"   // 接单 (the request is taken in; only on create)
	ActHandle   = "handle"    // 做单
	ActTransfer = "transfer"  // 转单
	ActSendBack = "send_back" // 退回
	ActFinish   = "finish"    // 办结
	ActReply    = "reply"     // 回单
	ActClose    = "close"     // 关闭
	ActReopen   = "reopen"    // 重新办理
	ActPause    = "pause"     // 暂停计时
	ActResume   = "resume"    // 恢复计时
)

// Actions lists every action with its Chinese name.
func Actions() []Option {
	return []Option{{ActReceive, "接单"}, {ActHandle, "做单"}, {ActTransfer, "转单"}, {ActSendBack, "退回"},
		{ActFinish, "办结"}, {ActReply, "回单"}, {ActClose, "关闭"}, {ActReopen, "重新办理"},
		{ActPause, "暂停计时"}, {ActResume, "恢复计时"}}
}

// stepsFrom is the life cycle: the actions each state allows.
var stepsFrom = map[string][]string{
	StateReceived:    {ActHandle, ActTransfer},
	StateHandling:    {ActTransfer, ActFinish, ActPause, ActResume},
	StateTransferred: {ActTransfer, ActSendBack, ActFinish, ActPause, ActResume},
	StateDone:        {ActReply},
	StateReplied:     {ActClose, ActReopen},
	StateClosed:      {ActReopen},
}

// open reports whether the deadline clock applies to the state.
func open(state string) bool {
	return state == StateReceived || state == StateHandling || state == StateTransferred
}

// Request is a service request (诉求/订单).
type Request struct {
	ID                    int64    `json:"id"`
	Source                string   `json:"source"`
	SourceName            string   `json:"source_name"`
	CategoryID            int64    `json:"category_id"`
	CategoryName          string   `json:"category_name"`
	DeadlineDays          int      `json:"deadline_days"`
	Content               string   `json:"content"`
	RequesterName         string   `json:"requester_name"`
	RequesterPhone        string   `json:"requester_phone"` // masked (138****5678) unless revealed
	OrgID                 *int64   `json:"org_id"`
	OrgName               string   `json:"org_name"`
	RegionCode            string   `json:"region_code"`
	RegionName            string   `json:"region_name"`
	ReceivingPartyOrgID   *int64   `json:"receiving_party_org_id"`
	ReceivingPartyOrgName string   `json:"receiving_party_org_name"`
	HandlerUnitID         *int64   `json:"handler_unit_id"`
	HandlerUnitName       string   `json:"handler_unit_name"`
	State                 string   `json:"state"`
	StateName             string   `json:"state_name"`
	ReceivedOn            string   `json:"received_on"`
	DueOn                 string   `json:"due_on"`
	Paused                bool     `json:"paused"`
	PausedOn              *string  `json:"paused_on"`
	PauseReason           string   `json:"pause_reason"`
	Result                string   `json:"result"`
	RepliedOn             *string  `json:"replied_on"`
	Satisfaction          string   `json:"satisfaction"`
	SatisfactionName      string   `json:"satisfaction_name"`
	ReopenCount           int      `json:"reopen_count"`
	Overdue               bool     `json:"overdue"`
	DaysOverdue           int      `json:"days_overdue"` // working days past due_on
	Version               int      `json:"version"`
	AllowedActions        []string `json:"allowed_actions"`
	CreatedBy             string   `json:"created_by"`
	CreatedAt             string   `json:"created_at"`
	UpdatedAt             string   `json:"updated_at"`
	// OriginKind is where the request was raised: "dialogue" (a 政企对话
	// record) or "visit" (an instructor's visit), empty otherwise.
	OriginKind  string  `json:"origin_kind"`
	OriginID    *int64  `json:"origin_id"`
	OriginTitle string  `json:"origin_title"` // set on the detail
	DoneOn      *string `json:"done_on"`      // the day it was last finished (办结)
	// DoneByUnitID is the handler unit that finished it (none when the
	// receiving party organization finished it itself).
	DoneByUnitID   *int64 `json:"done_by_unit_id"`
	DoneByUnitName string `json:"done_by_unit_name"`

	phoneEnc string
}

// RequestInput takes a request in (接单).
type RequestInput struct {
	Source              string `json:"source"`
	CategoryID          int64  `json:"category_id"`
	Content             string `json:"content"`
	RequesterName       string `json:"requester_name"`
	RequesterPhone      string `json:"requester_phone"`
	OrgID               *int64 `json:"org_id"`
	RegionCode          string `json:"region_code"`
	ReceivingPartyOrgID *int64 `json:"receiving_party_org_id"`
	// ReceivedOn defaults to today; it may not be in the future.
	ReceivedOn string `json:"received_on"`
	// OriginKind and OriginID raise the request from a 政企对话 record
	// ("dialogue") or an instructor's visit ("visit"); the source follows.
	OriginKind string `json:"origin_kind"`
	OriginID   *int64 `json:"origin_id"`
}

// ActionInput is one step of the life cycle. Version is the version of the
// request the caller saw: a request changed since answers 409.
type ActionInput struct {
	Action        string `json:"action"`
	Version       int    `json:"version"`
	HandlerUnitID *int64 `json:"handler_unit_id"` // transfer
	Reason        string `json:"reason"`          // send_back, pause, reopen (required); transfer (optional)
	Result        string `json:"result"`          // finish
	RepliedBy     string `json:"replied_by"`      // reply: who told the requester
	ReplyMethod   string `json:"reply_method"`    // reply: how
	Satisfaction  string `json:"satisfaction"`    // reply
}

// Event is one entry of a request's timeline.
type Event struct {
	ID              int64             `json:"id"`
	Action          string            `json:"action"`
	ActionName      string            `json:"action_name"`
	FromState       string            `json:"from_state"`
	ToState         string            `json:"to_state"`
	ToStateName     string            `json:"to_state_name"`
	HandlerUnitID   *int64            `json:"handler_unit_id"`
	HandlerUnitName string            `json:"handler_unit_name"`
	Note            string            `json:"note"`
	Detail          map[string]string `json:"detail"`
	DueOn           string            `json:"due_on"`
	Username        string            `json:"username"`
	At              string            `json:"at"`
}

const reqCols = `r.id, r.source, r.category_id, c.name, c.deadline_days, r.content, r.requester_name, r.requester_phone_mask, r.requester_phone_enc,
	r.org_id, COALESCE(o.name, ''), r.region_code, COALESCE(g.name, ''), r.receiving_party_org_id, COALESCE(p.name, ''),
	r.handler_unit_id, COALESCE(u.name, ''), r.state, r.received_on, r.due_on, r.paused_on, r.pause_reason, r.result, r.replied_on,
	r.satisfaction, r.reopen_count, r.version, r.created_by, r.created_at, r.updated_at,
	r.origin_kind, r.origin_id, r.done_on, r.done_by_unit_id, COALESCE(du.name, '')`

const reqFrom = ` FROM service_requests r JOIN service_categories c ON c.id = r.category_id
	LEFT JOIN organizations o ON o.id = r.org_id LEFT JOIN regions g ON g.code = r.region_code
	LEFT JOIN party_orgs p ON p.id = r.receiving_party_org_id LEFT JOIN service_handler_units u ON u.id = r.handler_unit_id
	LEFT JOIN service_handler_units du ON du.id = r.done_by_unit_id`

func scanRequest(row interface{ Scan(...any) error }) (Request, error) {
	var r Request
	var org, po, unit, origin, doneBy sql.NullInt64
	var paused, replied, done sql.NullString
	err := row.Scan(&r.ID, &r.Source, &r.CategoryID, &r.CategoryName, &r.DeadlineDays, &r.Content, &r.RequesterName, &r.RequesterPhone, &r.phoneEnc,
		&org, &r.OrgName, &r.RegionCode, &r.RegionName, &po, &r.ReceivingPartyOrgName,
		&unit, &r.HandlerUnitName, &r.State, &r.ReceivedOn, &r.DueOn, &paused, &r.PauseReason, &r.Result, &replied,
		&r.Satisfaction, &r.ReopenCount, &r.Version, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt,
		&r.OriginKind, &origin, &done, &doneBy, &r.DoneByUnitName)
	if origin.Valid {
		r.OriginID = &origin.Int64
	}
	if done.Valid {
		r.DoneOn = &done.String
	}
	if doneBy.Valid {
		r.DoneByUnitID = &doneBy.Int64
	}
	if org.Valid {
		r.OrgID = &org.Int64
	}
	if po.Valid {
		r.ReceivingPartyOrgID = &po.Int64
	}
	if unit.Valid {
		r.HandlerUnitID = &unit.Int64
	}
	if paused.Valid {
		r.PausedOn, r.Paused = &paused.String, true
	}
	if replied.Valid {
		r.RepliedOn = &replied.String
	}
	return r, err
}

// decorate sets the names, the overdue flag and the allowed actions.
func (r *Request) decorate(cal Calendar, today string) {
	r.SourceName = optionName(Sources(), r.Source)
	r.StateName = optionName(States(), r.State)
	r.SatisfactionName = optionName(Satisfactions(), r.Satisfaction)
	if open(r.State) && !r.Paused && r.DueOn < today {
		r.Overdue = true
		r.DaysOverdue, _ = cal.WorkingDaysBetween(r.DueOn, today)
	}
	r.AllowedActions = []string{}
	for _, a := range stepsFrom[r.State] {
		if (a == ActPause && r.Paused) || (a == ActResume && !r.Paused) {
			continue
		}
		if a == ActReopen && r.Satisfaction != NotSatisfied {
			continue
		}
		r.AllowedActions = append(r.AllowedActions, a)
	}
}

// HandlerActions are the steps a handler unit (承办单位经办人) takes on a
// request transferred to it: 办结 with the result, or 退回 to the receiving
// party organization with the reason. 转单 onward, pausing the clock, 回单,
// 关闭 and 重新办理 stay with the receiving party organization.
var HandlerActions = []string{ActFinish, ActSendBack}

// requestScope limits the requests (alias r) to what the actor may see: a
// handler account the requests currently transferred to its unit, everyone
// else the requests of the regions in its scope.
func requestScope(ctx context.Context) (string, []any, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return "", nil, apperr.Unauthenticated("")
	}
	if unit, bound := a.BoundHandlerUnit(); bound {
		return "((r.handler_unit_id = ? AND r.state = ?) OR (r.done_by_unit_id = ? AND r.state IN (?, ?, ?)))",
			[]any{unit, StateTransferred, unit, StateDone, StateReplied, StateClosed}, nil
	}
	return store.ScopeFilter(ctx, "r.region_code")
}

// handlerListScope narrows a handler account's list: its inbox (the requests
// transferred to its unit) or, with ScopeDoneByMyUnit, the requests its unit
// finished earlier (read-only history).
func handlerListScope(ctx context.Context, scope string) (string, []any, bool) {
	a, _ := actor.From(ctx)
	unit, bound := a.BoundHandlerUnit()
	if !bound {
		return "", nil, false
	}
	if scope == ScopeDoneByMyUnit {
		return "r.done_by_unit_id = ? AND r.state IN (?, ?, ?)", []any{unit, StateDone, StateReplied, StateClosed}, true
	}
	return "r.handler_unit_id = ? AND r.state = ?", []any{unit, StateTransferred}, true
}

// limitSteps keeps, for a handler account, only the handler's steps among
// the allowed actions.
func limitSteps(ctx context.Context, r *Request) {
	a, _ := actor.From(ctx)
	if _, bound := a.BoundHandlerUnit(); !bound {
		return
	}
	steps := []string{}
	for _, x := range r.AllowedActions {
		if slices.Contains(HandlerActions, x) {
			steps = append(steps, x)
		}
	}
	r.AllowedActions = steps
}

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (Request, error) {
	cond, args, err := requestScope(ctx)
	if err != nil {
		return Request{}, err
	}
	r, err := scanRequest(s.DB.QueryRow(ctx, q, `SELECT `+reqCols+reqFrom+` WHERE r.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound("诉求")
	}
	if err != nil {
		return r, fmt.Errorf("servicereq: get %d: %w", id, err)
	}
	cal, err := s.calendar(ctx, q)
	if err != nil {
		return r, err
	}
	r.decorate(cal, s.today())
	limitSteps(ctx, &r)
	return r, nil
}

// Get returns one request inside the caller's scope, phone masked, with the
// title of the dialogue or visit it was raised at.
func (s *Service) Get(ctx context.Context, id int64) (Request, error) {
	ctx = store.WithOp(ctx, "servicereq.Get")
	r, err := s.get(ctx, s.DB, id)
	if err != nil || r.OriginID == nil {
		return r, err
	}
	r.OriginTitle, err = s.originTitle(ctx, s.DB, r.OriginKind, *r.OriginID)
	return r, err
}

func (s *Service) protector() (*pdata.Protector, error) {
	if s.Protector == nil {
		return nil, errors.New("servicereq: no personal-data protector wired")
	}
	return s.Protector()
}

// Create takes a request in (接单): state received, due on the category's
// deadline in working days after the day it was received.
func (s *Service) Create(ctx context.Context, in RequestInput) (Request, error) {
	ctx = store.WithOp(ctx, "servicereq.Create")
	return s.create(ctx, in, nil)
}

func (s *Service) create(ctx context.Context, in RequestInput, ticket *string) (Request, error) {
	bad := apperr.Invalid()
	switch in.OriginKind {
	case "":
		in.OriginID = nil
	case OriginDialogue, OriginVisit:
		in.Source = originSource[in.OriginKind]
		if in.OriginID == nil || *in.OriginID <= 0 {
			bad.Field("origin_id", "请指明提出诉求的政企对话或走访记录")
		}
	default:
		bad.Field("origin_kind", "诉求出处应为 dialogue（政企对话）或 visit（指导员走访）")
	}
	if optionName(Sources(), in.Source) == "" {
		bad.Field("source", "请选择诉求来源（接待台、电话、线上群、政企对话、指导员走访、网格、公开表单、阵地检查）")
	}
	if in.CategoryID <= 0 {
		bad.Field("category_id", "请选择诉求类别")
	}
	in.Content = textField(bad, "content", "诉求内容", in.Content, true, 2000)
	in.RequesterName = textField(bad, "requester_name", "诉求人姓名", in.RequesterName, true, 50)
	phone := ""
	if strings.TrimSpace(in.RequesterPhone) != "" {
		p, ok := pdata.NormalizePhone(in.RequesterPhone)
		if !ok {
			bad.Field("requester_phone", "联系电话应为11位手机号或带区号的固定电话（如 0734-1234567）")
		}
		phone = p
	}
	if strings.TrimSpace(in.RegionCode) == "" {
		bad.Field("region_code", "请选择诉求所在区域")
	}
	today := s.today()
	received := today
	if strings.TrimSpace(in.ReceivedOn) != "" {
		d, err := civil.Day("received_on", in.ReceivedOn)
		switch {
		case err != nil:
			bad.Field("received_on", "接单日期格式应为 YYYY-MM-DD")
		case d > today:
			bad.Field("received_on", "接单日期不能晚于今天")
		default:
			received = d
		}
	}
	if err := bad.OrNil(); err != nil {
		return Request{}, err
	}
	var out Request
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.regionInScope(ctx, tx, in.RegionCode); err != nil {
			return err
		}
		if in.OriginKind != "" {
			org, err := s.originInScope(ctx, tx, in.OriginKind, *in.OriginID)
			if err != nil {
				return err
			}
			if in.OrgID == nil && org != nil {
				in.OrgID = org
			}
		}
		var days int
		var active bool
		err := s.DB.QueryRow(ctx, tx, `SELECT deadline_days, active FROM service_categories WHERE id = ?`, in.CategoryID).Scan(&days, &active)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !active) {
			return apperr.InvalidField("category_id", "所选诉求类别不存在或已停用")
		}
		if err != nil {
			return err
		}
		if in.OrgID != nil {
			if err := s.orgInScope(ctx, tx, *in.OrgID); err != nil {
				return err
			}
		}
		if in.ReceivingPartyOrgID != nil {
			if err := s.partyOrgInScope(ctx, tx, *in.ReceivingPartyOrgID); err != nil {
				return err
			}
		}
		cal, err := s.calendar(ctx, tx)
		if err != nil {
			return err
		}
		due, err := cal.AddWorkingDays(received, days)
		if err != nil {
			return err
		}
		enc, hash, mask := "", "", ""
		if phone != "" {
			p, err := s.protector()
			if err != nil {
				return err
			}
			if enc, err = p.Encrypt(phone); err != nil {
				return err
			}
			hash, mask = p.Hash(phone), pdata.MaskPhone(phone)
		}
		who, now := s.username(ctx), s.stamp()
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO service_requests (source, category_id, content, requester_name, requester_phone_enc,
			requester_phone_hash, requester_phone_mask, org_id, region_code, receiving_party_org_id, state, received_on, due_on,
			created_by, created_at, updated_at, ticket, origin_kind, origin_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Source, in.CategoryID, in.Content, in.RequesterName, enc, hash, mask, in.OrgID, in.RegionCode, in.ReceivingPartyOrgID,
			StateReceived, received, due, who, now, now, ticket, in.OriginKind, in.OriginID).Scan(&id); err != nil {
			return err
		}
		detail := map[string]string{"received_on": received}
		note := ""
		if ticket != nil {
			detail["ticket"] = *ticket
			note = "公开表单提交，受理编号 " + *ticket
		}
		if err := s.event(ctx, tx, id, ActReceive, "", StateReceived, nil, note, detail, due); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		if err := s.notifyAssigned(ctx, tx, out); err != nil {
			return err
		}
		action, note := "service_request_create", fmt.Sprintf("接单：%s诉求（编号 %d），%s 前办结", out.CategoryName, id, due)
		if ticket != nil {
			action, note = "public_request_submit", fmt.Sprintf("公开表单提交诉求（编号 %d，受理编号 %s），%s 前办结", id, *ticket, due)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "service_request", EntityID: fmt.Sprint(id), After: out, Note: note})
	})
	if err != nil {
		return Request{}, fmt.Errorf("servicereq: create: %w", err)
	}
	return out, nil
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, id int64, action, from, to string, unit *int64, note string, detail map[string]string, due string) error {
	if detail == nil {
		detail = map[string]string{}
	}
	_, err := s.DB.Exec(ctx, tx, `INSERT INTO service_request_events (request_id, action, from_state, to_state, handler_unit_id, note, detail, due_on, username, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, action, from, to, unit, note, mustJSON(detail), due, s.username(ctx), s.stamp())
	return err
}

// stepError names the steps the request's state allows.
func stepError(r Request, action string) error {
	var names []string
	for _, a := range r.AllowedActions {
		names = append(names, "「"+optionName(Actions(), a)+"」")
	}
	next := "无（诉求已关闭且不能重新办理）"
	if len(names) > 0 {
		next = strings.Join(names, "或")
	}
	name := optionName(Actions(), action)
	if name == "" {
		return apperr.InvalidField("action", "未知的操作："+action+"；当前可以："+next)
	}
	return apperr.InvalidField("action", fmt.Sprintf("诉求当前为「%s」，不能%s；下一步应为%s", r.StateName, name, next))
}

func allowed(r Request, action string) bool {
	for _, a := range r.AllowedActions {
		if a == action {
			return true
		}
	}
	return false
}
