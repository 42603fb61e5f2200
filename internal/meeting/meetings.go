package meeting

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
)

// Meeting statuses and attendance statuses.
const (
	StatusPlanned = "planned"
	StatusHeld    = "held"

	Present = "present"
	Excused = "excused"
	Absent  = "absent"
)

// Statuses lists the meeting statuses.
func Statuses() []Code { return []Code{{StatusPlanned, "计划"}, {StatusHeld, "已召开"}} }

// AttendanceStatuses lists how an attendee took part.
func AttendanceStatuses() []Code {
	return []Code{{Present, "出席"}, {Excused, "请假"}, {Absent, "缺席"}}
}

// Attendee is one roster member's attendance.
type Attendee struct {
	MemberID   int64  `json:"member_id"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	StatusName string `json:"status_name"`
}

// Attachment is a stored photo or document of a meeting.
type Attachment struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
}

// Meeting is one meeting of a party organization.
type Meeting struct {
	ID           int64        `json:"id"`
	PartyOrgID   int64        `json:"party_org_id"`
	PartyOrgName string       `json:"party_org_name"`
	Kind         string       `json:"kind"`
	KindName     string       `json:"kind_name"`
	Status       string       `json:"status"`
	StatusName   string       `json:"status_name"`
	Date         string       `json:"date"`
	Place        string       `json:"place"`
	Topic        string       `json:"topic"`
	Presenter    string       `json:"presenter"`
	Host         string       `json:"host"`
	Recorder     string       `json:"recorder"`
	Minutes      string       `json:"minutes"`
	Resolutions  string       `json:"resolutions"`
	Late         bool         `json:"late"`
	LateNote     string       `json:"late_note"`
	Expected     int          `json:"expected"`
	Present      int          `json:"present"`
	Excused      int          `json:"excused"`
	Absent       int          `json:"absent"`
	Attendance   *float64     `json:"attendance"` // present / (expected − excused); nil without attendees
	Attendees    []Attendee   `json:"attendees"`
	Attachments  []Attachment `json:"attachments"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
}

// AttendeeInput is one attendee of a recorded meeting.
type AttendeeInput struct {
	MemberID int64  `json:"member_id"`
	Status   string `json:"status"`
}

// Input records or replaces a meeting.
type Input struct {
	PartyOrgID  int64           `json:"party_org_id"`
	Kind        string          `json:"kind"`
	Status      string          `json:"status"`
	Date        string          `json:"date"`
	Place       string          `json:"place"`
	Topic       string          `json:"topic"`
	Presenter   string          `json:"presenter"`
	Host        string          `json:"host"`
	Recorder    string          `json:"recorder"`
	Minutes     string          `json:"minutes"`
	Resolutions string          `json:"resolutions"`
	Late        bool            `json:"late"`
	LateNote    string          `json:"late_note"`
	Attendees   []AttendeeInput `json:"attendees"`
}

// Attendance is present / (expected − excused), nil when nobody is expected.
func Attendance(expected, present, excused int) *float64 {
	d := expected - excused
	if d <= 0 {
		return nil
	}
	v := float64(present) / float64(d)
	return &v
}

const meetingCols = `m.id, m.party_org_id, p.name, m.kind, m.status, m.held_on, m.place, m.topic, m.presenter, m.host, m.recorder, m.minutes, m.resolutions,
	m.late, m.late_note, m.created_at, m.updated_at`

func scanMeeting(row interface{ Scan(...any) error }) (Meeting, error) {
	var m Meeting
	var created, updated string
	if err := row.Scan(&m.ID, &m.PartyOrgID, &m.PartyOrgName, &m.Kind, &m.Status, &m.Date, &m.Place, &m.Topic, &m.Presenter,
		&m.Host, &m.Recorder, &m.Minutes, &m.Resolutions, &m.Late, &m.LateNote, &created, &updated); err != nil {
		return m, err
	}
	m.KindName, m.StatusName = KindName(m.Kind), name(Statuses(), m.Status)
	m.CreatedAt, _ = store.ParseTime(created)
	m.UpdatedAt, _ = store.ParseTime(updated)
	m.Attendees, m.Attachments = []Attendee{}, []Attachment{}
	return m, nil
}

// Get returns one meeting with its attendees and attachments.
func (s *Service) Get(ctx context.Context, id int64) (Meeting, error) {
	ctx = store.WithOp(ctx, "meeting.Get")
	return s.get(ctx, s.DB, id)
}

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (Meeting, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return Meeting{}, err
	}
	m, err := scanMeeting(s.DB.QueryRow(ctx, q, `SELECT `+meetingCols+` FROM meetings m JOIN party_orgs p ON p.id = m.party_org_id
		WHERE m.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return m, apperr.NotFound("会议记录")
	}
	if err != nil {
		return m, err
	}
	rows, err := s.DB.Query(ctx, q, `SELECT a.member_id, mb.name, a.status FROM meeting_attendance a JOIN members mb ON mb.id = a.member_id
		WHERE a.meeting_id = ? ORDER BY mb.name, a.member_id`, id)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	for rows.Next() {
		var a Attendee
		if err := rows.Scan(&a.MemberID, &a.Name, &a.Status); err != nil {
			return m, err
		}
		a.StatusName = name(AttendanceStatuses(), a.Status)
		m.Attendees = append(m.Attendees, a)
	}
	if err := rows.Err(); err != nil {
		return m, err
	}
	rows.Close()
	countAttendance(&m)
	ar, err := s.DB.Query(ctx, q, `SELECT id, name, content_type, size, created_at FROM meeting_attachments WHERE meeting_id = ? ORDER BY id`, id)
	if err != nil {
		return m, err
	}
	defer ar.Close()
	for ar.Next() {
		var a Attachment
		var created string
		if err := ar.Scan(&a.ID, &a.Name, &a.ContentType, &a.Size, &created); err != nil {
			return m, err
		}
		a.CreatedAt, _ = store.ParseTime(created)
		m.Attachments = append(m.Attachments, a)
	}
	return m, ar.Err()
}

func countAttendance(m *Meeting) {
	m.Expected, m.Present, m.Excused, m.Absent = len(m.Attendees), 0, 0, 0
	for _, a := range m.Attendees {
		switch a.Status {
		case Present:
			m.Present++
		case Excused:
			m.Excused++
		case Absent:
			m.Absent++
		}
	}
	m.Attendance = Attendance(m.Expected, m.Present, m.Excused)
}

func checkText(bad *apperr.Error, field, v string, max int) string {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) > max {
		bad.Field(field, fmt.Sprintf("不能超过 %d 个字", max))
	}
	return v
}

// validate checks in against the party organization and the calendar.
func (s *Service) validate(ctx context.Context, q store.Querier, in *Input) (poInfo, error) {
	bad := apperr.Invalid()
	if KindName(in.Kind) == "" {
		bad.Field("kind", "会议类型无效")
	}
	if in.Status == "" {
		in.Status = StatusHeld
	}
	if name(Statuses(), in.Status) == "" {
		bad.Field("status", "状态应为 planned（计划）或 held（已召开）")
	}
	in.Place = checkText(bad, "place", in.Place, 200)
	in.Topic = checkText(bad, "topic", in.Topic, 200)
	in.Presenter = checkText(bad, "presenter", in.Presenter, 50)
	in.Host = checkText(bad, "host", in.Host, 50)
	in.Recorder = checkText(bad, "recorder", in.Recorder, 50)
	in.Minutes = checkText(bad, "minutes", in.Minutes, 20000)
	in.Resolutions = checkText(bad, "resolutions", in.Resolutions, 5000)
	in.LateNote = checkText(bad, "late_note", in.LateNote, 500)
	if in.Topic == "" && in.Status == StatusHeld {
		bad.Field("topic", "请填写会议主题")
	}
	if in.Kind == KindPartyLecture && in.Status == StatusHeld && in.Presenter == "" {
		bad.Field("presenter", "党课须填写授课人")
	}
	if in.PartyOrgID <= 0 {
		bad.Field("party_org_id", "请选择党组织")
		return poInfo{}, bad
	}
	p, err := s.partyOrg(ctx, q, in.PartyOrgID)
	if err != nil {
		return p, err
	}
	if p.Kind == partyorg.KindBranch && in.Kind == KindMemberAssembly {
		in.Kind = KindBranchAssembly // a branch's 党员大会 is its 支部党员大会
	}
	if p.Kind == partyorg.KindGroup && in.Kind != KindGroupMeeting {
		bad.Field("kind", "党小组只召开党小组会（计入所属党支部），其他会议请以党支部名义登记")
	}
	day, ok := civil.Check(bad, "date", in.Date)
	if ok {
		today := s.today()
		switch {
		case in.Status == StatusHeld && in.Date > today:
			bad.Field("date", "已召开的会议日期不能晚于今天；未来的会议请登记为计划")
		case in.Date < p.Established:
			bad.Field("date", "会议日期不能早于党组织成立日期（"+p.Established+"）")
		case p.Dissolved != "" && in.Date >= p.Dissolved:
			bad.Field("date", "党组织已于 "+p.Dissolved+" 撤销")
		}
		// Recorded after the period it belongs to ended: 补开/补报.
		if in.Status == StatusHeld {
			_, end, _ := slotOf(day, s.periodOf(ctx, q, p.Kind, in.Kind, in.Date))
			if end.Format(civil.Layout) < today {
				in.Late = true
			}
		}
	}
	seen := map[int64]bool{}
	for i, a := range in.Attendees {
		if name(AttendanceStatuses(), a.Status) == "" {
			bad.Field(fmt.Sprintf("attendees[%d].status", i), "出席情况应为 present（出席）、excused（请假）或 absent（缺席）")
		}
		if seen[a.MemberID] {
			bad.Field(fmt.Sprintf("attendees[%d].member_id", i), "同一党员重复登记")
		}
		seen[a.MemberID] = true
	}
	if in.Status == StatusPlanned && len(in.Attendees) > 0 {
		bad.Field("attendees", "计划中的会议尚未召开，不能登记出席情况")
	}
	if err := bad.OrNil(); err != nil {
		return p, err
	}
	// Attendees must be on the roster of the party organization or its subtree.
	for i, a := range in.Attendees {
		var n int
		if err := s.DB.QueryRow(ctx, q, `WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) UNION ALL
			SELECT c.id FROM party_orgs c JOIN sub ON c.parent_id = sub.id)
			SELECT COUNT(*) FROM members WHERE id = ? AND (party_org_id IN (SELECT id FROM sub)
				OR id IN (SELECT member_id FROM party_group_members WHERE group_id = ? AND to_on IS NULL))`, in.PartyOrgID, a.MemberID, in.PartyOrgID).Scan(&n); err != nil {
			return p, err
		}
		if n == 0 {
			bad.Field(fmt.Sprintf("attendees[%d].member_id", i), "不是本党组织的党员")
		}
	}
	return p, bad.OrNil()
}

func (s *Service) writeAttendees(ctx context.Context, tx *sql.Tx, id int64, list []AttendeeInput) error {
	if _, err := s.DB.Exec(ctx, tx, `DELETE FROM meeting_attendance WHERE meeting_id = ?`, id); err != nil {
		return err
	}
	for _, a := range list {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO meeting_attendance (meeting_id, member_id, status) VALUES (?, ?, ?)`, id, a.MemberID, a.Status); err != nil {
			return err
		}
	}
	return nil
}

// Create records a meeting (held or planned) with its attendance.
func (s *Service) Create(ctx context.Context, in Input) (Meeting, error) {
	ctx = store.WithOp(ctx, "meeting.Create")
	var out Meeting
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.validate(ctx, tx, &in); err != nil {
			return err
		}
		now := store.FormatTime(s.Now())
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO meetings (party_org_id, kind, status, held_on, place, topic, presenter, host, recorder, minutes, resolutions, late, late_note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.PartyOrgID, in.Kind, in.Status, in.Date, in.Place, in.Topic, in.Presenter,
			in.Host, in.Recorder, in.Minutes, in.Resolutions, in.Late, in.LateNote, now, now).Scan(&id); err != nil {
			return err
		}
		if err := s.writeAttendees(ctx, tx, id, in.Attendees); err != nil {
			return err
		}
		if err := s.refreshSlots(ctx, tx, in.PartyOrgID); err != nil {
			return err
		}
		m, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		out = m
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting.create", Entity: "meeting", EntityID: fmt.Sprint(id), After: m})
	})
	return out, err
}

// Update replaces a meeting's fields and attendance (e.g. a planned meeting now held).
func (s *Service) Update(ctx context.Context, id int64, in Input) (Meeting, error) {
	ctx = store.WithOp(ctx, "meeting.Update")
	var out Meeting
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.PartyOrgID == 0 {
			in.PartyOrgID = before.PartyOrgID
		}
		if in.PartyOrgID != before.PartyOrgID {
			return apperr.InvalidField("party_org_id", "会议记录不能改到其他党组织")
		}
		if before.Late {
			in.Late = true
		}
		if _, err := s.validate(ctx, tx, &in); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE meetings SET kind = ?, status = ?, held_on = ?, place = ?, topic = ?, presenter = ?, host = ?, recorder = ?,
			minutes = ?, resolutions = ?, late = ?, late_note = ?, updated_at = ? WHERE id = ?`, in.Kind, in.Status, in.Date, in.Place, in.Topic, in.Presenter,
			in.Host, in.Recorder, in.Minutes, in.Resolutions, in.Late, in.LateNote, store.FormatTime(s.Now()), id); err != nil {
			return err
		}
		if err := s.writeAttendees(ctx, tx, id, in.Attendees); err != nil {
			return err
		}
		if err := s.refreshSlots(ctx, tx, before.PartyOrgID, in.PartyOrgID); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting.update", Entity: "meeting", EntityID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

// Delete removes a meeting, its attendance and its attachments.
func (s *Service) Delete(ctx context.Context, id int64) error {
	var files []string
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		rows, err := s.DB.Query(ctx, tx, `SELECT stored_name FROM meeting_attachments WHERE meeting_id = ?`, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var f string
			if err := rows.Scan(&f); err != nil {
				rows.Close()
				return err
			}
			files = append(files, f)
		}
		rows.Close()
		for _, q := range []string{`DELETE FROM meeting_attachments WHERE meeting_id = ?`, `DELETE FROM meeting_attendance WHERE meeting_id = ?`, `DELETE FROM meetings WHERE id = ?`} {
			if _, err := s.DB.Exec(ctx, tx, q, id); err != nil {
				return err
			}
		}
		if err := s.refreshSlots(ctx, tx, before.PartyOrgID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting.delete", Entity: "meeting", EntityID: fmt.Sprint(id), Before: before})
	})
	if err == nil {
		s.removeFiles(files)
	}
	return err
}

// Filter selects meetings.
type Filter struct {
	PartyOrgID int64
	RegionCode string
	Kind       string
	Status     string
	From, To   string
	Late       *bool
	Page       int
	PageSize   int
}

func (s *Service) where(ctx context.Context, f Filter) (string, []any, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return "", nil, err
	}
	w := " WHERE " + cond
	bad := apperr.Invalid()
	if f.PartyOrgID != 0 {
		w += " AND m.party_org_id = ?"
		args = append(args, f.PartyOrgID)
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("p.region_code", f.RegionCode)
		w, args = w+" AND "+rc, append(args, ra...)
	}
	if f.Kind != "" {
		if KindName(f.Kind) == "" {
			bad.Field("kind", "会议类型无效")
		}
		w += " AND m.kind = ?"
		args = append(args, f.Kind)
	}
	if f.Status != "" {
		if name(Statuses(), f.Status) == "" {
			bad.Field("status", "状态应为 planned 或 held")
		}
		w += " AND m.status = ?"
		args = append(args, f.Status)
	}
	if f.From != "" {
		civil.Check(bad, "from", f.From)
		w += " AND m.held_on >= ?"
		args = append(args, f.From)
	}
	if f.To != "" {
		civil.Check(bad, "to", f.To)
		w += " AND m.held_on <= ?"
		args = append(args, f.To)
	}
	if f.Late != nil {
		w += " AND m.late = ?"
		args = append(args, *f.Late)
	}
	return w, args, bad.OrNil()
}

const attendanceAgg = `, (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id),
	(SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.status = 'present'),
	(SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.status = 'excused')`

// List returns one page of meetings, newest first, with attendance counts.
func (s *Service) List(ctx context.Context, f Filter) ([]Meeting, store.Total, error) {
	ctx = store.WithOp(ctx, "meeting.List")
	w, args, err := s.where(ctx, f)
	if err != nil {
		return nil, store.Total{}, err
	}
	if f.PageSize <= 0 {
		f.PageSize = 20
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	return store.List(ctx, s.DB, store.ListQuery{Cols: meetingCols + attendanceAgg, From: meetingFrom, Cond: strings.TrimPrefix(w, " WHERE "),
		Args: args, Order: meetingOrder}, store.Page{Number: f.Page, Size: f.PageSize}, scanListed)
}

// Each calls fn for every meeting matching f (for exports).
func (s *Service) Each(ctx context.Context, f Filter, fn func(Meeting) error) error {
	w, args, err := s.where(ctx, f)
	if err != nil {
		return err
	}
	return s.each(ctx, w, args, fn)
}

func (s *Service) each(ctx context.Context, w string, args []any, fn func(Meeting) error) error {
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+meetingCols+attendanceAgg+` `+meetingFrom+w+` ORDER BY `+meetingOrder, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var list []Meeting
	for rows.Next() {
		m, err := scanListed(rows)
		if err != nil {
			return err
		}
		list = append(list, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	for _, m := range list {
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}

// The meetings a list reads, and their order (newest first).
const (
	meetingFrom  = `FROM meetings m JOIN party_orgs p ON p.id = m.party_org_id`
	meetingOrder = `m.held_on DESC, m.id DESC`
)

// scanListed reads a row of meetingCols and attendanceAgg.
func scanListed(r store.Scanner) (Meeting, error) {
	var m Meeting
	var created, updated string
	if err := r.Scan(&m.ID, &m.PartyOrgID, &m.PartyOrgName, &m.Kind, &m.Status, &m.Date, &m.Place, &m.Topic, &m.Presenter,
		&m.Host, &m.Recorder, &m.Minutes, &m.Resolutions, &m.Late, &m.LateNote, &created, &updated, &m.Expected, &m.Present, &m.Excused); err != nil {
		return m, err
	}
	m.KindName, m.StatusName = KindName(m.Kind), name(Statuses(), m.Status)
	m.CreatedAt, _ = store.ParseTime(created)
	m.UpdatedAt, _ = store.ParseTime(updated)
	m.Absent = m.Expected - m.Present - m.Excused
	m.Attendance = Attendance(m.Expected, m.Present, m.Excused)
	m.Attendees, m.Attachments = []Attendee{}, []Attachment{}
	return m, nil
}

// Candidate is a roster member who may attend a party organization's meetings.
type Candidate struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Category     string `json:"category"`
	PartyOrgName string `json:"party_org_name"`
}

// Candidates lists the active roster members of a party organization and its subtree.
func (s *Service) Candidates(ctx context.Context, partyOrgID int64) ([]Candidate, error) {
	if _, err := s.partyOrg(ctx, s.DB, partyOrgID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) UNION ALL
		SELECT c.id FROM party_orgs c JOIN sub ON c.parent_id = sub.id)
		SELECT mb.id, mb.name, mb.category, p.name FROM members mb JOIN party_orgs p ON p.id = mb.party_org_id
		WHERE (mb.party_org_id IN (SELECT id FROM sub) OR mb.id IN (SELECT member_id FROM party_group_members WHERE group_id = ? AND to_on IS NULL))
		AND mb.status = 'active' ORDER BY mb.name, mb.id`, partyOrgID, partyOrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Candidate{}
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.ID, &c.Name, &c.Category, &c.PartyOrgName); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
