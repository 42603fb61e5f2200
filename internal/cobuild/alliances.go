package cobuild

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
	"liangxin/internal/workloop"
)

// Alliance is a 党建联盟 with its member units.
type Alliance struct {
	ID             int64            `json:"id"`
	Name           string           `json:"name"`
	RegionCode     string           `json:"region_code"`
	RegionName     string           `json:"region_name"`
	LeadPartyOrgID *int64           `json:"lead_party_org_id"`
	LeadPartyOrg   string           `json:"lead_party_org_name"`
	Note           string           `json:"note"`
	MemberCount    int              `json:"member_count"`
	MeetingCount   int              `json:"meeting_count"`
	Members        []AllianceMember `json:"members"`
	CreatedAt      string           `json:"created_at"`
}

// AllianceMember is a unit's membership of an alliance.
type AllianceMember struct {
	ID       int64   `json:"id"`
	UnitID   int64   `json:"unit_id"`
	UnitName string  `json:"unit_name"`
	UnitKind string  `json:"unit_kind_name"`
	JoinedOn string  `json:"joined_on"`
	LeftOn   *string `json:"left_on"`
}

// AllianceInput creates or changes an alliance.
type AllianceInput struct {
	Name           string `json:"name"`
	RegionCode     string `json:"region_code"`
	LeadPartyOrgID *int64 `json:"lead_party_org_id"`
	Note           string `json:"note"`
}

// MemberInput adds a unit to an alliance.
type MemberInput struct {
	UnitID   int64  `json:"unit_id"`
	JoinedOn string `json:"joined_on"`
}

// LeaveInput removes a unit from an alliance on a day.
type LeaveInput struct {
	LeftOn string `json:"left_on"`
}

const allianceCols = `a.id, a.name, a.region_code, COALESCE(g.name, ''), a.lead_party_org_id, COALESCE(p.name, ''), a.note, a.created_at,
	(SELECT COUNT(*) FROM cobuild_alliance_members m WHERE m.alliance_id = a.id AND m.left_on IS NULL),
	(SELECT COUNT(*) FROM cobuild_meetings mt WHERE mt.alliance_id = a.id)`

const allianceFrom = `FROM cobuild_alliances a LEFT JOIN regions g ON g.code = a.region_code LEFT JOIN party_orgs p ON p.id = a.lead_party_org_id`

func scanAlliance(row interface{ Scan(...any) error }) (Alliance, error) {
	var a Alliance
	var lead sql.NullInt64
	err := row.Scan(&a.ID, &a.Name, &a.RegionCode, &a.RegionName, &lead, &a.LeadPartyOrg, &a.Note, &a.CreatedAt, &a.MemberCount, &a.MeetingCount)
	a.LeadPartyOrgID = nullInt(lead)
	a.Members = []AllianceMember{}
	return a, err
}

func (s *Service) getAlliance(ctx context.Context, q store.Querier, id int64) (Alliance, error) {
	cond, args, err := store.ScopeFilter(ctx, "a.region_code")
	if err != nil {
		return Alliance{}, err
	}
	a, err := scanAlliance(s.DB.QueryRow(ctx, q, `SELECT `+allianceCols+` `+allianceFrom+` WHERE a.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.NotFound("党建联盟")
	}
	if err != nil {
		return a, fmt.Errorf("cobuild: alliance %d: %w", id, err)
	}
	rows, err := s.DB.Query(ctx, q, `SELECT m.id, m.unit_id, u.name, u.kind, m.joined_on, m.left_on FROM cobuild_alliance_members m
		JOIN cobuild_units u ON u.id = m.unit_id WHERE m.alliance_id = ? ORDER BY m.left_on IS NOT NULL, m.joined_on, m.id`, id)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var m AllianceMember
		var left sql.NullString
		if err := rows.Scan(&m.ID, &m.UnitID, &m.UnitName, &m.UnitKind, &m.JoinedOn, &left); err != nil {
			return a, err
		}
		m.LeftOn = nullStr(left)
		m.UnitKind = optionName(UnitKinds(), m.UnitKind)
		a.Members = append(a.Members, m)
	}
	return a, rows.Err()
}

// GetAlliance returns an alliance in the caller's scope with its members.
func (s *Service) GetAlliance(ctx context.Context, id int64) (Alliance, error) {
	ctx = store.WithOp(ctx, "cobuild.GetAlliance")
	return s.getAlliance(ctx, s.DB, id)
}

// AllianceFilter selects alliances.
type AllianceFilter struct {
	RegionCode string
	Q          string
	Sort       string
	Page
}

var allianceSorts = map[string]string{"name": "a.name, a.id", "created_desc": "a.created_at DESC, a.id DESC"}

// AllianceSortCodes lists the sorts.
func AllianceSortCodes() []string { return []string{"name", "created_desc"} }

// ListAlliances returns a page of the alliances in scope.
func (s *Service) ListAlliances(ctx context.Context, f AllianceFilter) ([]Alliance, store.Total, error) {
	ctx = store.WithOp(ctx, "cobuild.ListAlliances")
	order, err := sortOrder(allianceSorts, "name", f.Sort)
	if err != nil {
		return nil, store.Total{}, apperr.InvalidField("sort", "排序应为 "+strings.Join(AllianceSortCodes(), "、")+" 之一")
	}
	cond, args, err := store.ScopeFilter(ctx, "a.region_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("a.region_code", f.RegionCode)
		cond, args = cond+" AND "+rc, append(args, ra...)
	}
	if strings.TrimSpace(f.Q) != "" {
		c, a := likeAny(f.Q, "a.name", "a.note")
		cond += " AND " + c
		args = append(args, a...)
	}
	out, total, err := store.ListPage(ctx, s.DB, allianceCols, allianceFrom, cond, args, order, f.Page.store(), scanAlliance)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("cobuild: list alliances: %w", err)
	}
	return out, total, nil
}

func (s *Service) validateAlliance(ctx context.Context, q store.Querier, in *AllianceInput) error {
	bad := apperr.Invalid()
	in.Name = textField(bad, "name", "联盟名称", in.Name, true, 100)
	in.Note = textField(bad, "note", "说明", in.Note, false, 1000)
	if strings.TrimSpace(in.RegionCode) == "" {
		bad.Field("region_code", "请选择联盟所在区域（如商圈）")
	}
	if err := bad.OrNil(); err != nil {
		return err
	}
	if _, err := s.regionLevel(ctx, q, "region_code", in.RegionCode); err != nil {
		return err
	}
	if in.LeadPartyOrgID != nil {
		if _, err := s.partyOrgInScope(ctx, q, "lead_party_org_id", *in.LeadPartyOrgID); err != nil {
			return err
		}
	}
	return nil
}

// CreateAlliance creates an alliance.
func (s *Service) CreateAlliance(ctx context.Context, in AllianceInput) (Alliance, error) {
	ctx = store.WithOp(ctx, "cobuild.CreateAlliance")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Alliance, error) {
		if err := s.validateAlliance(ctx, tx, &in); err != nil {
			return Alliance{}, err
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM cobuild_alliances WHERE region_code = ? AND name = ?`, in.RegionCode, in.Name).Scan(&n); err != nil {
			return Alliance{}, err
		}
		if n > 0 {
			return Alliance{}, apperr.InvalidField("name", "同一区域已有同名党建联盟")
		}
		now := s.stamp()
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO cobuild_alliances (name, region_code, lead_party_org_id, note, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Name, in.RegionCode, in.LeadPartyOrgID, in.Note, username(ctx), now, now).Scan(&id); err != nil {
			return Alliance{}, err
		}
		a, err := s.getAlliance(ctx, tx, id)
		if err != nil {
			return a, err
		}
		return a, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_alliance_create", Entity: "cobuild_alliance", EntityID: fmt.Sprint(id), After: a,
			Note: fmt.Sprintf("成立党建联盟「%s」", a.Name)})
	})
}

// UpdateAlliance changes an alliance's name, region, lead and note.
func (s *Service) UpdateAlliance(ctx context.Context, id int64, in AllianceInput) (Alliance, error) {
	ctx = store.WithOp(ctx, "cobuild.UpdateAlliance")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Alliance, error) {
		before, err := s.getAlliance(ctx, tx, id)
		if err != nil {
			return before, err
		}
		if err := s.validateAlliance(ctx, tx, &in); err != nil {
			return Alliance{}, err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_alliances SET name = ?, region_code = ?, lead_party_org_id = ?, note = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.RegionCode, in.LeadPartyOrgID, in.Note, s.stamp(), id); err != nil {
			if store.IsUniqueViolation(err) {
				return Alliance{}, apperr.InvalidField("name", "同一区域已有同名党建联盟")
			}
			return Alliance{}, err
		}
		a, err := s.getAlliance(ctx, tx, id)
		if err != nil {
			return a, err
		}
		return a, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_alliance_update", Entity: "cobuild_alliance", EntityID: fmt.Sprint(id), Before: before, After: a,
			Note: fmt.Sprintf("修改党建联盟「%s」", a.Name)})
	})
}

// AddMember adds a unit in the caller's scope to an alliance.
func (s *Service) AddMember(ctx context.Context, id int64, in MemberInput) (Alliance, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Alliance, error) {
		a, err := s.getAlliance(ctx, tx, id)
		if err != nil {
			return a, err
		}
		bad := apperr.Invalid()
		in.JoinedOn = dateField(bad, "joined_on", "加入日期", in.JoinedOn, true)
		if err := bad.OrNil(); err != nil {
			return a, err
		}
		u, err := s.getUnit(ctx, tx, in.UnitID)
		if err != nil {
			return a, apperr.InvalidField("unit_id", "共建单位不存在或不在您的管辖范围内")
		}
		for _, m := range a.Members {
			if m.UnitID == in.UnitID && m.LeftOn == nil {
				return a, apperr.InvalidField("unit_id", "该单位已是联盟成员")
			}
		}
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO cobuild_alliance_members (alliance_id, unit_id, joined_on) VALUES (?, ?, ?)`, id, in.UnitID, in.JoinedOn); err != nil {
			return a, err
		}
		out, err := s.getAlliance(ctx, tx, id)
		if err != nil {
			return out, err
		}
		return out, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_alliance_join", Entity: "cobuild_alliance", EntityID: fmt.Sprint(id), After: in,
			Note: fmt.Sprintf("「%s」于 %s 加入党建联盟「%s」", u.Name, in.JoinedOn, a.Name)})
	})
}

// RemoveMember ends a unit's membership (kept in history with its dates).
func (s *Service) RemoveMember(ctx context.Context, id, memberID int64, in LeaveInput) (Alliance, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Alliance, error) {
		a, err := s.getAlliance(ctx, tx, id)
		if err != nil {
			return a, err
		}
		var m *AllianceMember
		for i := range a.Members {
			if a.Members[i].ID == memberID && a.Members[i].LeftOn == nil {
				m = &a.Members[i]
			}
		}
		if m == nil {
			return a, apperr.NotFound("联盟成员")
		}
		bad := apperr.Invalid()
		in.LeftOn = dateField(bad, "left_on", "退出日期", in.LeftOn, false)
		if in.LeftOn == "" {
			in.LeftOn = s.today()
		}
		if in.LeftOn < m.JoinedOn {
			bad.Field("left_on", "退出日期不能早于加入日期 "+m.JoinedOn)
		}
		if err := bad.OrNil(); err != nil {
			return a, err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_alliance_members SET left_on = ? WHERE id = ?`, in.LeftOn, memberID); err != nil {
			return a, err
		}
		out, err := s.getAlliance(ctx, tx, id)
		if err != nil {
			return out, err
		}
		return out, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_alliance_leave", Entity: "cobuild_alliance", EntityID: fmt.Sprint(id), After: in,
			Note: fmt.Sprintf("「%s」于 %s 退出党建联盟「%s」", m.UnitName, in.LeftOn, a.Name)})
	})
}

// Meeting is a 联席会议 record.
type Meeting struct {
	ID         int64      `json:"id"`
	AllianceID int64      `json:"alliance_id"`
	HeldOn     string     `json:"held_on"`
	Place      string     `json:"place"`
	Topics     string     `json:"topics"`
	Attendees  []Attendee `json:"attendees"`
	Decisions  []Decision `json:"decisions"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  string     `json:"created_at"`
}

// Attendee is a unit that attended a meeting.
type Attendee struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
}

// Decision is one decision of a meeting; followed as a task, it shows the
// task's state.
type Decision struct {
	ID            int64  `json:"id"`
	Content       string `json:"content"`
	TaskID        *int64 `json:"task_id"`
	TaskState     string `json:"task_state"`
	TaskStateName string `json:"task_state_name"`
	TaskDeadline  string `json:"task_deadline"`
	TaskAssignee  string `json:"task_assignee"`
	TaskOverdue   bool   `json:"task_overdue"`
}

// MeetingInput records a meeting.
type MeetingInput struct {
	HeldOn    string   `json:"held_on"`
	Place     string   `json:"place"`
	Topics    string   `json:"topics"`
	Attendees []int64  `json:"attendee_unit_ids"`
	Decisions []string `json:"decisions"`
}

// FollowInput follows a decision as a 挂牌 task: the owner is a region
// (街道/片区) or a party organization, with a deadline.
type FollowInput struct {
	AssigneeKind string `json:"assignee_kind"`
	RegionCode   string `json:"region_code"`
	PartyOrgID   int64  `json:"party_org_id"`
	Deadline     string `json:"deadline"`
	Detail       string `json:"detail"`
}

func (s *Service) meetings(ctx context.Context, q store.Querier, allianceID int64, only int64) ([]Meeting, error) {
	query := `SELECT id, alliance_id, held_on, place, topics, created_by, created_at FROM cobuild_meetings WHERE alliance_id = ?`
	args := []any{allianceID}
	if only != 0 {
		query += ` AND id = ?`
		args = append(args, only)
	}
	rows, err := s.DB.Query(ctx, q, query+` ORDER BY held_on DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	out := []Meeting{}
	for rows.Next() {
		var m Meeting
		if err := rows.Scan(&m.ID, &m.AllianceID, &m.HeldOn, &m.Place, &m.Topics, &m.CreatedBy, &m.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		m.Attendees, m.Decisions = []Attendee{}, []Decision{}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		ar, err := s.DB.Query(ctx, q, `SELECT u.id, u.name FROM cobuild_meeting_attendees t JOIN cobuild_units u ON u.id = t.unit_id WHERE t.meeting_id = ? ORDER BY u.name, u.id`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for ar.Next() {
			var a Attendee
			if err := ar.Scan(&a.UnitID, &a.UnitName); err != nil {
				ar.Close()
				return nil, err
			}
			out[i].Attendees = append(out[i].Attendees, a)
		}
		ar.Close()
		dr, err := s.DB.Query(ctx, q, `SELECT id, content, task_id FROM cobuild_decisions WHERE meeting_id = ? ORDER BY id`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for dr.Next() {
			var d Decision
			var task sql.NullInt64
			if err := dr.Scan(&d.ID, &d.Content, &task); err != nil {
				dr.Close()
				return nil, err
			}
			d.TaskID = nullInt(task)
			out[i].Decisions = append(out[i].Decisions, d)
		}
		dr.Close()
	}
	return out, nil
}

// taskStates fills in the state of the tasks that follow decisions. The
// task is read as the system (the decision is already in the caller's
// scope; the task may be assigned outside a party-organization account's).
func (s *Service) taskStates(ctx context.Context, ms []Meeting) {
	if s.Tasks == nil {
		return
	}
	sys := actor.System(ctx, "cobuild")
	for i := range ms {
		for j := range ms[i].Decisions {
			d := &ms[i].Decisions[j]
			if d.TaskID == nil {
				continue
			}
			t, err := s.Tasks.GetTask(sys, *d.TaskID)
			if err != nil {
				continue
			}
			d.TaskState, d.TaskStateName, d.TaskDeadline, d.TaskAssignee, d.TaskOverdue = t.State, t.StateName, t.Deadline, t.AssigneeName, t.Overdue
		}
	}
}

// ListMeetings returns the meetings of an alliance, newest first, each
// with its attendees and decisions (and their tasks' states).
func (s *Service) ListMeetings(ctx context.Context, allianceID int64) ([]Meeting, error) {
	ctx = store.WithOp(ctx, "cobuild.ListMeetings")
	if _, err := s.getAlliance(ctx, s.DB, allianceID); err != nil {
		return nil, err
	}
	out, err := s.meetings(ctx, s.DB, allianceID, 0)
	if err != nil {
		return nil, fmt.Errorf("cobuild: meetings: %w", err)
	}
	s.taskStates(ctx, out)
	return out, nil
}

// RecordMeeting records a 联席会议 of an alliance.
func (s *Service) RecordMeeting(ctx context.Context, allianceID int64, in MeetingInput) (Meeting, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Meeting, error) {
		a, err := s.getAlliance(ctx, tx, allianceID)
		if err != nil {
			return Meeting{}, err
		}
		bad := apperr.Invalid()
		in.HeldOn = dateField(bad, "held_on", "会议日期", in.HeldOn, true)
		in.Place = textField(bad, "place", "会议地点", in.Place, false, 100)
		in.Topics = textField(bad, "topics", "会议议题", in.Topics, true, 2000)
		if in.HeldOn > s.today() {
			bad.Field("held_on", "会议日期不能晚于今天")
		}
		var decisions []string
		for i, d := range in.Decisions {
			d = textField(bad, fmt.Sprintf("decisions[%d]", i), "决定事项", d, false, 500)
			if d != "" {
				decisions = append(decisions, d)
			}
		}
		seen := map[int64]bool{}
		for _, u := range in.Attendees {
			if seen[u] {
				continue
			}
			seen[u] = true
			if _, err := s.getUnit(ctx, tx, u); err != nil {
				bad.Field("attendee_unit_ids", fmt.Sprintf("参会单位 %d 不存在或不在您的管辖范围内", u))
			}
		}
		if err := bad.OrNil(); err != nil {
			return Meeting{}, err
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO cobuild_meetings (alliance_id, held_on, place, topics, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			allianceID, in.HeldOn, in.Place, in.Topics, username(ctx), s.stamp()).Scan(&id); err != nil {
			return Meeting{}, err
		}
		for u := range seen {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO cobuild_meeting_attendees (meeting_id, unit_id) VALUES (?, ?)`, id, u); err != nil {
				return Meeting{}, err
			}
		}
		for _, d := range decisions {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO cobuild_decisions (meeting_id, content) VALUES (?, ?)`, id, d); err != nil {
				return Meeting{}, err
			}
		}
		ms, err := s.meetings(ctx, tx, allianceID, id)
		if err != nil || len(ms) != 1 {
			return Meeting{}, fmt.Errorf("cobuild: reread meeting %d: %w", id, err)
		}
		return ms[0], s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_meeting_create", Entity: "cobuild_alliance", EntityID: fmt.Sprint(allianceID), After: ms[0],
			Note: fmt.Sprintf("登记党建联盟「%s」%s 联席会议（%d 个单位参会，%d 项决定）", a.Name, in.HeldOn, len(seen), len(decisions))})
	})
}

// FollowDecision lists a decision as a work-loop task (挂牌) with an owner
// and deadline; the decision keeps the task id. A decision is followed once.
func (s *Service) FollowDecision(ctx context.Context, allianceID, decisionID int64, in FollowInput) (Decision, error) {
	if s.Tasks == nil {
		return Decision{}, errors.New("cobuild: no task service wired")
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Decision, error) {
		a, err := s.getAlliance(ctx, tx, allianceID)
		if err != nil {
			return Decision{}, err
		}
		var d Decision
		var task sql.NullInt64
		var heldOn string
		err = s.DB.QueryRow(ctx, tx, `SELECT d.id, d.content, d.task_id, m.held_on FROM cobuild_decisions d JOIN cobuild_meetings m ON m.id = d.meeting_id
			WHERE d.id = ? AND m.alliance_id = ?`, decisionID, allianceID).Scan(&d.ID, &d.Content, &task, &heldOn)
		if errors.Is(err, sql.ErrNoRows) {
			return d, apperr.NotFound("会议决定")
		}
		if err != nil {
			return d, err
		}
		if task.Valid {
			return d, apperr.Conflict("这项决定已转为任务跟踪")
		}
		title := []rune(d.Content)
		if len(title) > 60 {
			title = append(title[:59], '…')
		}
		detail := fmt.Sprintf("党建联盟「%s」%s 联席会议决定：%s", a.Name, heldOn, d.Content)
		if strings.TrimSpace(in.Detail) != "" {
			detail += "\n" + strings.TrimSpace(in.Detail)
		}
		t, err := s.Tasks.CreateMeetingTask(ctx, tx, workloop.TaskInput{Title: string(title), Detail: detail, AssigneeKind: in.AssigneeKind,
			RegionCode: in.RegionCode, PartyOrgID: in.PartyOrgID, Deadline: in.Deadline}, decisionID)
		if err != nil {
			return d, err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_decisions SET task_id = ? WHERE id = ?`, t.ID, decisionID); err != nil {
			return d, err
		}
		d.TaskID = &t.ID
		d.TaskState, d.TaskStateName, d.TaskDeadline, d.TaskAssignee, d.TaskOverdue = t.State, t.StateName, t.Deadline, t.AssigneeName, t.Overdue
		return d, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_decision_follow", Entity: "cobuild_alliance", EntityID: fmt.Sprint(allianceID), After: d,
			Note: fmt.Sprintf("联席会议决定转为任务（编号 %d），承办：%s，时限 %s", t.ID, t.AssigneeName, t.Deadline)})
	})
	if err != nil {
		return Decision{}, fmt.Errorf("cobuild: follow decision: %w", err)
	}
	return out, nil
}
