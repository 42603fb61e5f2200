package memberself

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/compliancehook"
	"liangxin/internal/dues"
	"liangxin/internal/meeting"
	"liangxin/internal/member"
	"liangxin/internal/store"
	"liangxin/internal/wish"
)

// Profile is the member's own record as the phone shows it: personal data
// masked, nothing of anyone else.
type Profile struct {
	Name             string     `json:"name"`
	Gender           string     `json:"gender"`
	IDNumber         string     `json:"id_number"` // masked
	Phone            string     `json:"phone"`     // masked
	Category         string     `json:"category"`
	CategoryName     string     `json:"category_name"`
	PartyOrgName     string     `json:"party_org_name"`
	OrganizationName string     `json:"organization_name"`
	JoinedOn         *string    `json:"joined_on"`
	ConfirmedOn      *string    `json:"confirmed_on"`
	Status           string     `json:"status"`
	StatusName       string     `json:"status_name"`
	Username         string     `json:"username"`
	Community        *Community `json:"community"` // nil: not reported, or no lookup wired
	// CommunityEnabled tells the phone whether to show 我的社区 at all.
	CommunityEnabled bool `json:"community_enabled"`
}

var categoryNames = map[string]string{"full": "正式党员", "probationary": "预备党员"}

// Profile returns the caller's own roster entry.
func (s *Service) Profile(ctx context.Context) (Profile, error) {
	ctx = store.WithOp(ctx, "memberself.Profile")
	a, id, err := s.bound(ctx)
	if err != nil {
		return Profile{}, err
	}
	var p Profile
	var joined, confirmed sql.NullString
	err = s.DB.QueryRow(ctx, s.DB, `SELECT m.name, m.gender, m.id_number_mask, m.phone_mask, m.category, p.name, COALESCE(o.name, ''),
		m.joined_on, m.confirmed_on, m.status FROM members m JOIN party_orgs p ON p.id = m.party_org_id
		LEFT JOIN organizations o ON o.id = m.organization_id WHERE m.id = ?`, id).
		Scan(&p.Name, &p.Gender, &p.IDNumber, &p.Phone, &p.Category, &p.PartyOrgName, &p.OrganizationName, &joined, &confirmed, &p.Status)
	if err != nil {
		return Profile{}, fmt.Errorf("memberself: profile: %w", err)
	}
	if joined.Valid {
		p.JoinedOn = &joined.String
	}
	if confirmed.Valid {
		p.ConfirmedOn = &confirmed.String
	}
	p.CategoryName, p.StatusName, p.Username = categoryNames[p.Category], member.Statuses[p.Status], a.Username
	if s.Community != nil {
		p.CommunityEnabled = true
		c, ok, err := s.Community.MemberCommunity(actor.System(ctx, "memberself"), id)
		if err != nil {
			return Profile{}, err
		}
		if ok {
			p.Community = &c
		}
	}
	return p, nil
}

// MyMeeting is one meeting of the member's party organization (or one the
// member was recorded at) with the member's own attendance.
type MyMeeting struct {
	ID             int64  `json:"id"`
	Kind           string `json:"kind"`
	KindName       string `json:"kind_name"`
	Status         string `json:"status"`
	StatusName     string `json:"status_name"`
	HeldOn         string `json:"held_on"`
	Place          string `json:"place"`
	Topic          string `json:"topic"`
	PartyOrgName   string `json:"party_org_name"`
	Attendance     string `json:"attendance"` // present | excused | absent | "" (not recorded)
	AttendanceName string `json:"attendance_name"`
}

// MeetingYear is the member's meetings of a year with counts.
type MeetingYear struct {
	Year     int         `json:"year"`
	Items    []MyMeeting `json:"items"`
	Held     int         `json:"held"`
	Attended int         `json:"attended"`
	Excused  int         `json:"excused"`
	Absent   int         `json:"absent"`
}

const myMeetingCols = `SELECT mt.id, mt.kind, mt.status, mt.held_on, mt.place, mt.topic, p.name, COALESCE(a.status, '')
	FROM meetings mt JOIN party_orgs p ON p.id = mt.party_org_id
	LEFT JOIN meeting_attendance a ON a.meeting_id = mt.id AND a.member_id = ?
	WHERE (mt.party_org_id = (SELECT party_org_id FROM members WHERE id = ?) OR a.member_id IS NOT NULL)`

var attendanceNames = map[string]string{meeting.Present: "出席", meeting.Excused: "请假", meeting.Absent: "缺席", "": "未登记"}
var meetingStatusNames = map[string]string{meeting.StatusPlanned: "计划", meeting.StatusHeld: "已召开"}

func scanMyMeeting(row interface{ Scan(...any) error }) (MyMeeting, error) {
	var m MyMeeting
	err := row.Scan(&m.ID, &m.Kind, &m.Status, &m.HeldOn, &m.Place, &m.Topic, &m.PartyOrgName, &m.Attendance)
	m.KindName, m.StatusName, m.AttendanceName = meeting.KindName(m.Kind), meetingStatusNames[m.Status], attendanceNames[m.Attendance]
	return m, err
}

// Meetings lists the member's meetings of a year (0: this year), newest
// first. Attendance is what the branch recorded: members read it, they do
// not mark it (the meeting module records attendance by staff only).
func (s *Service) Meetings(ctx context.Context, year int) (MeetingYear, error) {
	ctx = store.WithOp(ctx, "memberself.Meetings")
	_, id, err := s.bound(ctx)
	if err != nil {
		return MeetingYear{}, err
	}
	if year == 0 {
		year, _ = strconv.Atoi(s.today()[:4])
	}
	if year < 2000 || year > 2100 {
		return MeetingYear{}, apperr.InvalidField("year", "年度无效")
	}
	rows, err := s.DB.Query(ctx, s.DB, myMeetingCols+` AND mt.held_on >= ? AND mt.held_on <= ? ORDER BY mt.held_on DESC, mt.id DESC`,
		id, id, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
	if err != nil {
		return MeetingYear{}, fmt.Errorf("memberself: meetings: %w", err)
	}
	defer rows.Close()
	out := MeetingYear{Year: year, Items: []MyMeeting{}}
	for rows.Next() {
		m, err := scanMyMeeting(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, m)
		if m.Status == meeting.StatusHeld {
			out.Held++
		}
		switch m.Attendance {
		case meeting.Present:
			out.Attended++
		case meeting.Excused:
			out.Excused++
		case meeting.Absent:
			out.Absent++
		}
	}
	return out, rows.Err()
}

// Meeting returns one of the member's meetings; any other answers 404.
func (s *Service) Meeting(ctx context.Context, meetingID int64) (MyMeeting, error) {
	_, id, err := s.bound(ctx)
	if err != nil {
		return MyMeeting{}, err
	}
	m, err := scanMyMeeting(s.DB.QueryRow(ctx, s.DB, myMeetingCols+` AND mt.id = ?`, id, id, meetingID))
	if errors.Is(err, sql.ErrNoRows) {
		return MyMeeting{}, apperr.NotFound("会议")
	}
	return m, err
}

// MyDues is the member's dues year (0: this year): base, months, payments.
func (s *Service) MyDues(ctx context.Context, year int) (dues.MemberYear, error) {
	_, id, err := s.bound(ctx)
	if err != nil {
		return dues.MemberYear{}, err
	}
	if year == 0 {
		year, _ = strconv.Atoi(s.today()[:4])
	}
	return s.Dues.MemberYear(actor.System(ctx, "memberself"), id, year)
}

// MyWish is a wish as a member sees it: the board's fields, no phone.
type MyWish struct {
	ID           int64   `json:"id"`
	Category     string  `json:"category"`
	CategoryName string  `json:"category_name"`
	Content      string  `json:"content"`
	DisplayName  string  `json:"display_name"` // masked name or 匿名
	RegionName   string  `json:"region_name"`
	ValueCents   *int64  `json:"value_cents"`
	State        string  `json:"state"`
	StateName    string  `json:"state_name"`
	ClaimedOn    *string `json:"claimed_on"`
	ClaimDueOn   *string `json:"claim_due_on"`
	Version      int     `json:"version"`
}

func myWish(w wish.Wish) MyWish {
	return MyWish{ID: w.ID, Category: w.Category, CategoryName: w.CategoryName, Content: w.Content, DisplayName: w.DisplayName,
		RegionName: w.RegionName, ValueCents: w.ValueCents, State: w.State, StateName: w.StateName, ClaimedOn: w.ClaimedOn,
		ClaimDueOn: w.ClaimDueOn, Version: w.Version}
}

// WishBoard is what the member may claim and what it has claimed.
type WishBoard struct {
	Open  []MyWish `json:"open"`
	Total int      `json:"total"` // open wishes in reach (the list shows up to 50)
	// TotalCapped: the count stopped at the list's cap and Total is a lower bound.
	TotalCapped bool     `json:"total_capped"`
	Mine        []MyWish `json:"mine"`
}

// MyWishes lists the open wishes in the member's area (the region of its
// party organization and below) and the wishes it claimed.
func (s *Service) MyWishes(ctx context.Context) (WishBoard, error) {
	_, id, err := s.bound(ctx)
	if err != nil {
		return WishBoard{}, err
	}
	open, total, err := s.Wishes.List(ctx, wish.Filter{State: wish.StateOpen, Page: 1, PageSize: 50})
	if err != nil {
		return WishBoard{}, err
	}
	out := WishBoard{Open: []MyWish{}, Mine: []MyWish{}, Total: total.N, TotalCapped: total.Capped}
	for _, w := range open {
		out.Open = append(out.Open, myWish(w))
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT id FROM wishes WHERE claimant_member_id = ? ORDER BY id DESC LIMIT 20`, id)
	if err != nil {
		return out, err
	}
	var ids []int64
	for rows.Next() {
		var w int64
		if err := rows.Scan(&w); err != nil {
			rows.Close()
			return out, err
		}
		ids = append(ids, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	sys := actor.System(ctx, "memberself")
	for _, wid := range ids {
		w, err := s.Wishes.Get(sys, wid)
		if err != nil {
			return out, err
		}
		if w.ClaimantMemberID != nil && *w.ClaimantMemberID == id {
			out.Mine = append(out.Mine, myWish(w))
		}
	}
	return out, nil
}

// ClaimInput claims a wish; Version is the version the member saw.
type ClaimInput struct {
	Version int `json:"version"`
}

// ClaimWish claims an open wish in the member's area as the member (the
// wish rules apply: one claim wins, the per-member limit, the due date). A
// wish outside the area answers 404.
func (s *Service) ClaimWish(ctx context.Context, wishID int64, in ClaimInput) (MyWish, error) {
	_, id, err := s.bound(ctx)
	if err != nil {
		return MyWish{}, err
	}
	w, err := s.Wishes.Act(ctx, wishID, wish.ActionInput{Action: wish.ActClaim, Version: in.Version, ClaimantMemberID: &id})
	if err != nil {
		return MyWish{}, err
	}
	return myWish(w), nil
}

// SignInMeeting marks the member present at a meeting of its own party
// organization held today (China time): the member's own 签到 on the day.
// A repeated sign-in changes nothing. Attendance the branch records later
// for the meeting replaces it, as every attendance list does. Another
// branch's meeting answers 404, a meeting of another day 422.
func (s *Service) SignInMeeting(ctx context.Context, meetingID int64) (MyMeeting, error) {
	a, id, err := s.bound(ctx)
	if err != nil {
		return MyMeeting{}, err
	}
	var heldOn, status string
	err = s.DB.QueryRow(ctx, s.DB, `SELECT mt.held_on, COALESCE(at.status, '') FROM meetings mt
		LEFT JOIN meeting_attendance at ON at.meeting_id = mt.id AND at.member_id = ?
		WHERE mt.id = ? AND mt.party_org_id = (SELECT party_org_id FROM members WHERE id = ?)`, id, meetingID, id).Scan(&heldOn, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return MyMeeting{}, apperr.NotFound("会议")
	}
	if err != nil {
		return MyMeeting{}, fmt.Errorf("memberself: meeting %d for sign-in: %w", meetingID, err)
	}
	if heldOn != s.today() {
		return MyMeeting{}, apperr.InvalidField("id", fmt.Sprintf("只能在会议当天签到（本次会议日期为 %s）", heldOn))
	}
	if status != meeting.Present {
		err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO meeting_attendance (meeting_id, member_id, status) VALUES (?, ?, ?)
				ON CONFLICT (meeting_id, member_id) DO UPDATE SET status = excluded.status`, meetingID, id, meeting.Present); err != nil {
				return fmt.Errorf("memberself: meeting sign-in: %w", err)
			}
			// The meeting's attendance counts in its party organization's compliance slots.
			var po int64
			if err := s.DB.QueryRow(ctx, tx, `SELECT party_org_id FROM meetings WHERE id = ?`, meetingID).Scan(&po); err != nil {
				return err
			}
			if err := compliancehook.Refresh(ctx, s.DB, tx, po); err != nil {
				return err
			}
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting_self_sign_in", Entity: "meeting", EntityID: fmt.Sprint(meetingID),
				Before: map[string]any{"member_id": id, "attendance": status}, After: map[string]any{"member_id": id, "attendance": meeting.Present},
				Note: "党员本人会议签到（" + a.Username + "）"})
		})
		if err != nil {
			return MyMeeting{}, err
		}
	}
	return s.Meeting(ctx, meetingID)
}
