package volunteer

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// LocalTimeFormat is how activity times are kept: China time, to the minute.
const LocalTimeFormat = "2006-01-02 15:04"

// Activity is a volunteer activity.
type Activity struct {
	ID             int64  `json:"id"`
	Title          string `json:"title"`
	Kind           string `json:"kind"`
	KindName       string `json:"kind_name"`
	StartsAt       string `json:"starts_at"`
	EndsAt         string `json:"ends_at"`
	Place          string `json:"place"`
	PlannedMinutes int64  `json:"planned_minutes"`
	PlannedHours   string `json:"planned_hours"`
	Capacity       int    `json:"capacity"`
	SignedUp       int    `json:"signed_up"`
	SignedIn       int    `json:"signed_in"`
	Confirmed      int    `json:"confirmed"`
	TeamID         *int64 `json:"team_id"`
	TeamName       string `json:"team_name"`
	RegionCode     string `json:"region_code"`
	RegionName     string `json:"region_name"`
	Description    string `json:"description"`
	Status         string `json:"status"`
	StatusName     string `json:"status_name"`
	CreatedBy      string `json:"created_by"`
	CreatedAt      string `json:"created_at"`
}

// ActivityInput creates or changes an activity.
type ActivityInput struct {
	Title          string `json:"title"`
	Kind           string `json:"kind"`
	StartsAt       string `json:"starts_at"` // YYYY-MM-DD HH:MM, China time
	EndsAt         string `json:"ends_at"`
	Place          string `json:"place"`
	PlannedMinutes int64  `json:"planned_minutes"`
	Capacity       int    `json:"capacity"`
	TeamID         *int64 `json:"team_id"`
	RegionCode     string `json:"region_code"`
	Description    string `json:"description"`
}

// ActivityFilter selects activities.
type ActivityFilter struct {
	Q        string
	Kind     string
	TeamID   int64
	From     string // date, inclusive
	To       string // date, inclusive
	Status   string
	Page     int
	PageSize int
}

const actCols = `a.id, a.title, a.kind, a.starts_at, a.ends_at, a.place, a.planned_minutes, a.capacity, a.signed_up,
	(SELECT COUNT(*) FROM vol_participants p WHERE p.activity_id = a.id AND p.signed_in_at IS NOT NULL),
	(SELECT COUNT(*) FROM vol_participants p WHERE p.activity_id = a.id AND p.confirmed_minutes IS NOT NULL),
	a.team_id, COALESCE(t.name, ''), a.region_code, COALESCE(g.name, ''), a.description, a.status, a.created_by, a.created_at`

const actFrom = ` FROM vol_activities a LEFT JOIN vol_teams t ON t.id = a.team_id LEFT JOIN regions g ON g.code = a.region_code`

func scanActivity(sc interface{ Scan(...any) error }) (Activity, error) {
	var a Activity
	var team sql.NullInt64
	err := sc.Scan(&a.ID, &a.Title, &a.Kind, &a.StartsAt, &a.EndsAt, &a.Place, &a.PlannedMinutes, &a.Capacity, &a.SignedUp, &a.SignedIn, &a.Confirmed,
		&team, &a.TeamName, &a.RegionCode, &a.RegionName, &a.Description, &a.Status, &a.CreatedBy, &a.CreatedAt)
	if team.Valid {
		a.TeamID = &team.Int64
	}
	a.KindName = optionName(Kinds(), a.Kind)
	a.PlannedHours = FormatMinutes(a.PlannedMinutes)
	a.StatusName = map[string]string{"open": "进行中", "cancelled": "已取消"}[a.Status]
	return a, err
}

// ActivityStatuses lists the activity statuses.
func ActivityStatuses() []Option { return []Option{{"open", "进行中"}, {"cancelled", "已取消"}} }

// ListActivities lists the activities in the caller's scope, by start time.
func (s *Service) ListActivities(ctx context.Context, f ActivityFilter) ([]Activity, store.Total, error) {
	ctx = store.WithOp(ctx, "volunteer.ListActivities")
	cond, args, err := store.ScopeFilter(ctx, "a.region_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	where := " WHERE " + cond
	if f.Q != "" {
		where += ` AND (a.title LIKE ? ESCAPE '\' OR a.place LIKE ? ESCAPE '\')`
		like := "%" + store.LikeEscape(f.Q) + "%"
		args = append(args, like, like)
	}
	if f.Kind != "" {
		where += " AND a.kind = ?"
		args = append(args, f.Kind)
	}
	if f.TeamID != 0 {
		where += " AND a.team_id = ?"
		args = append(args, f.TeamID)
	}
	if f.From != "" {
		where += " AND a.starts_at >= ?"
		args = append(args, f.From)
	}
	if f.To != "" {
		where += " AND a.starts_at < ?"
		args = append(args, f.To+"~")
	}
	if f.Status != "" {
		where += " AND a.status = ?"
		args = append(args, f.Status)
	}
	return store.List(ctx, s.DB, store.ListQuery{Cols: actCols, From: actFrom[1:], CountFrom: "FROM vol_activities a", Cond: strings.TrimPrefix(where, " WHERE "), Args: args,
		Order: "a.starts_at DESC, a.id DESC"}, store.Page{Number: max(f.Page, 1), Size: max(f.PageSize, 0)}, scanActivity)
}

func (s *Service) activity(ctx context.Context, q store.Querier, id int64) (Activity, error) {
	cond, args, err := store.ScopeFilter(ctx, "a.region_code")
	if err != nil {
		return Activity{}, err
	}
	a, err := scanActivity(s.DB.QueryRow(ctx, q, `SELECT `+actCols+actFrom+` WHERE a.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.NotFound("志愿活动")
	}
	return a, err
}

// activityAny reads an activity with no scope (a member's own sign-up).
func (s *Service) activityAny(ctx context.Context, q store.Querier, id int64) (Activity, error) {
	a, err := scanActivity(s.DB.QueryRow(ctx, q, `SELECT `+actCols+actFrom+` WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.NotFound("志愿活动")
	}
	return a, err
}

// GetActivity returns one activity in the caller's scope.
func (s *Service) GetActivity(ctx context.Context, id int64) (Activity, error) {
	ctx = store.WithOp(ctx, "volunteer.GetActivity")
	return s.activity(ctx, s.DB, id)
}

func (s *Service) checkActivity(ctx context.Context, tx *sql.Tx, in *ActivityInput) error {
	bad := apperr.Invalid()
	in.Title = textField(bad, "title", "活动名称", in.Title, true, 80)
	in.Place = textField(bad, "place", "活动地点", in.Place, true, 100)
	in.Description = textField(bad, "description", "活动内容", in.Description, false, 1000)
	if optionName(Kinds(), in.Kind) == "" {
		bad.Field("kind", "请选择活动类别（助老、环保、宣讲、帮扶、文明实践、其他）")
	}
	in.StartsAt, in.EndsAt = strings.TrimSpace(in.StartsAt), strings.TrimSpace(in.EndsAt)
	st, err1 := time.Parse(LocalTimeFormat, in.StartsAt)
	if err1 != nil {
		bad.Field("starts_at", "开始时间应为 YYYY-MM-DD HH:MM 格式")
	}
	en, err2 := time.Parse(LocalTimeFormat, in.EndsAt)
	if err2 != nil {
		bad.Field("ends_at", "结束时间应为 YYYY-MM-DD HH:MM 格式")
	}
	if err1 == nil && err2 == nil && !en.After(st) {
		bad.Field("ends_at", "结束时间应晚于开始时间")
	}
	if in.PlannedMinutes <= 0 || in.PlannedMinutes > 24*60 {
		bad.Field("planned_minutes", "计划服务时长应为 1–1440 分钟")
	}
	if in.Capacity <= 0 || in.Capacity > 10000 {
		bad.Field("capacity", "招募人数应为 1–10000")
	}
	if strings.TrimSpace(in.RegionCode) == "" {
		bad.Field("region_code", "请选择活动所在区域（社区）")
	}
	if err := bad.OrNil(); err != nil {
		return err
	}
	if err := s.regionInScope(ctx, tx, "region_code", in.RegionCode); err != nil {
		return err
	}
	if in.TeamID != nil {
		if _, err := s.team(ctx, tx, *in.TeamID); err != nil {
			return apperr.InvalidField("team_id", "所选服务队不存在或不在管辖范围内")
		}
	}
	return nil
}

// CreateActivity publishes an activity (audited).
func (s *Service) CreateActivity(ctx context.Context, in ActivityInput) (Activity, error) {
	ctx = store.WithOp(ctx, "volunteer.CreateActivity")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Activity, error) {
		if err := s.checkActivity(ctx, tx, &in); err != nil {
			return Activity{}, err
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO vol_activities (title, kind, starts_at, ends_at, place, planned_minutes, capacity, team_id, region_code, description,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Title, in.Kind, in.StartsAt, in.EndsAt, in.Place,
			in.PlannedMinutes, in.Capacity, in.TeamID, in.RegionCode, in.Description, username(ctx), s.stamp(), s.stamp()).Scan(&id); err != nil {
			return Activity{}, err
		}
		a, err := s.activity(ctx, tx, id)
		if err != nil {
			return a, err
		}
		return a, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_activity_create", Entity: "vol_activity", EntityID: fmt.Sprint(id), After: a,
			Note: "发布志愿活动：" + a.Title})
	})
}

// UpdateActivity changes an activity (audited); the capacity cannot fall
// below those already signed up.
func (s *Service) UpdateActivity(ctx context.Context, id int64, in ActivityInput) (Activity, error) {
	ctx = store.WithOp(ctx, "volunteer.UpdateActivity")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Activity, error) {
		before, err := s.activity(ctx, tx, id)
		if err != nil {
			return Activity{}, err
		}
		if err := s.checkActivity(ctx, tx, &in); err != nil {
			return Activity{}, err
		}
		res, err := s.DB.Exec(ctx, tx, `UPDATE vol_activities SET title = ?, kind = ?, starts_at = ?, ends_at = ?, place = ?, planned_minutes = ?, capacity = ?, team_id = ?,
			region_code = ?, description = ?, updated_at = ? WHERE id = ? AND signed_up <= ?`, in.Title, in.Kind, in.StartsAt, in.EndsAt, in.Place, in.PlannedMinutes,
			in.Capacity, in.TeamID, in.RegionCode, in.Description, s.stamp(), id, in.Capacity)
		if err != nil {
			return Activity{}, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Activity{}, apperr.InvalidField("capacity", fmt.Sprintf("已有 %d 人报名，招募人数不能少于报名人数", before.SignedUp))
		}
		a, err := s.activity(ctx, tx, id)
		if err != nil {
			return a, err
		}
		return a, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_activity_update", Entity: "vol_activity", EntityID: fmt.Sprint(id), Before: before, After: a,
			Note: "修改志愿活动：" + a.Title})
	})
}

// CancelActivity cancels an activity (audited); confirmed hours stay.
func (s *Service) CancelActivity(ctx context.Context, id int64) (Activity, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Activity, error) {
		before, err := s.activity(ctx, tx, id)
		if err != nil {
			return Activity{}, err
		}
		if before.Status == "cancelled" {
			return before, apperr.Conflict("活动已取消")
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE vol_activities SET status = 'cancelled', updated_at = ? WHERE id = ?`, s.stamp(), id); err != nil {
			return Activity{}, err
		}
		a, err := s.activity(ctx, tx, id)
		if err != nil {
			return a, err
		}
		return a, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_activity_cancel", Entity: "vol_activity", EntityID: fmt.Sprint(id), Before: before, After: a,
			Note: "取消志愿活动：" + a.Title})
	})
}

// Participant is one person in an activity.
type Participant struct {
	ID               int64   `json:"id"`
	ActivityID       int64   `json:"activity_id"`
	MemberID         *int64  `json:"member_id"`
	PersonID         *int64  `json:"person_id"`
	Name             string  `json:"name"`
	Affiliation      string  `json:"affiliation"`
	SignedUpAt       string  `json:"signed_up_at"`
	SignedInAt       *string `json:"signed_in_at"`
	SignInMethod     string  `json:"sign_in_method"`
	SignedInBy       string  `json:"signed_in_by"`
	ConfirmedMinutes *int64  `json:"confirmed_minutes"`
	ConfirmedHours   string  `json:"confirmed_hours"`
	ConfirmedBy      string  `json:"confirmed_by"`
	ConfirmedAt      *string `json:"confirmed_at"`
	// Already is true when a sign-in found the participant signed in
	// before (nothing was counted again).
	Already bool `json:"already"`
}

const partCols = `p.id, p.activity_id, p.member_id, p.person_id, COALESCE(m.name, v.name, ''), COALESCE(po.name, '登记志愿者'), p.signed_up_at, p.signed_in_at,
	p.sign_in_method, p.signed_in_by, p.confirmed_minutes, p.confirmed_by, p.confirmed_at`

const partFrom = ` FROM vol_participants p LEFT JOIN members m ON m.id = p.member_id LEFT JOIN party_orgs po ON po.id = m.party_org_id LEFT JOIN vol_people v ON v.id = p.person_id`

func scanParticipant(sc interface{ Scan(...any) error }) (Participant, error) {
	var p Participant
	var m, v, cm sql.NullInt64
	var in, cat sql.NullString
	err := sc.Scan(&p.ID, &p.ActivityID, &m, &v, &p.Name, &p.Affiliation, &p.SignedUpAt, &in, &p.SignInMethod, &p.SignedInBy, &cm, &p.ConfirmedBy, &cat)
	if m.Valid {
		p.MemberID = &m.Int64
	}
	if v.Valid {
		p.PersonID = &v.Int64
	}
	if in.Valid {
		p.SignedInAt = &in.String
	}
	if cm.Valid {
		p.ConfirmedMinutes = &cm.Int64
		p.ConfirmedHours = FormatMinutes(cm.Int64)
	}
	if cat.Valid {
		p.ConfirmedAt = &cat.String
	}
	return p, err
}

// ListParticipants lists an activity's participants.
func (s *Service) ListParticipants(ctx context.Context, activityID int64) ([]Participant, error) {
	ctx = store.WithOp(ctx, "volunteer.ListParticipants")
	if _, err := s.activity(ctx, s.DB, activityID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+partCols+partFrom+` WHERE p.activity_id = ? ORDER BY p.id`, activityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Participant{}
	for rows.Next() {
		p, err := scanParticipant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Service) participant(ctx context.Context, q store.Querier, id int64) (Participant, error) {
	p, err := scanParticipant(s.DB.QueryRow(ctx, q, `SELECT `+partCols+partFrom+` WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.NotFound("参与人")
	}
	return p, err
}

// who is a participant: a roster member or a registered person.
type who struct {
	MemberID int64
	PersonID int64
}

func (w who) col() (string, int64) {
	if w.MemberID != 0 {
		return "member_id", w.MemberID
	}
	return "person_id", w.PersonID
}

// findParticipant returns the participant id, 0 when not signed up.
func (s *Service) findParticipant(ctx context.Context, tx *sql.Tx, activity int64, w who) (int64, error) {
	col, v := w.col()
	var id int64
	err := s.DB.QueryRow(ctx, tx, `SELECT id FROM vol_participants WHERE activity_id = ? AND `+col+` = ?`, activity, v).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// signUpTx adds a participant while the activity has room: the counter
// moves only while it is below the capacity (one conditional UPDATE, so
// parallel sign-ups never exceed it). A second sign-up of the same person
// is refused (409).
func (s *Service) signUpTx(ctx context.Context, tx *sql.Tx, a Activity, w who) (int64, error) {
	if a.Status != "open" {
		return 0, apperr.Conflict("活动已取消，不能报名")
	}
	if id, err := s.findParticipant(ctx, tx, a.ID, w); err != nil || id != 0 {
		if err == nil {
			err = apperr.Conflict("已经报名过这个活动")
		}
		return 0, err
	}
	res, err := s.DB.Exec(ctx, tx, `UPDATE vol_activities SET signed_up = signed_up + 1 WHERE id = ? AND signed_up < capacity`, a.ID)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, apperr.Conflict(fmt.Sprintf("活动“%s”报名已满（%d 人）", a.Title, a.Capacity))
	}
	var mid, pid any
	if w.MemberID != 0 {
		mid = w.MemberID
	} else {
		pid = w.PersonID
	}
	var id int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO vol_participants (activity_id, member_id, person_id, signed_up_at) VALUES (?, ?, ?, ?) RETURNING id`,
		a.ID, mid, pid, s.stamp()).Scan(&id); err != nil {
		if store.IsUniqueViolation(err) {
			return 0, apperr.Conflict("已经报名过这个活动")
		}
		return 0, err
	}
	return id, nil
}

// ParticipantInput names a roster member or a registered person.
type ParticipantInput struct {
	MemberID *int64 `json:"member_id"`
	PersonID *int64 `json:"person_id"`
}

func (s *Service) whoInScope(ctx context.Context, tx *sql.Tx, in ParticipantInput) (who, string, error) {
	switch {
	case in.MemberID != nil && in.PersonID == nil:
		name, _, err := s.memberInScope(ctx, tx, "member_id", *in.MemberID)
		return who{MemberID: *in.MemberID}, name, err
	case in.PersonID != nil && in.MemberID == nil:
		name, err := s.personInScope(ctx, tx, "person_id", *in.PersonID)
		return who{PersonID: *in.PersonID}, name, err
	}
	return who{}, "", apperr.InvalidField("member_id", "请选择一名党员或一名登记志愿者")
}

// SignUp signs a member or person up for an activity (staff; audited).
func (s *Service) SignUp(ctx context.Context, activityID int64, in ParticipantInput) (Participant, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Participant, error) {
		a, err := s.activity(ctx, tx, activityID)
		if err != nil {
			return Participant{}, err
		}
		w, name, err := s.whoInScope(ctx, tx, in)
		if err != nil {
			return Participant{}, err
		}
		id, err := s.signUpTx(ctx, tx, a, w)
		if err != nil {
			return Participant{}, err
		}
		p, err := s.participant(ctx, tx, id)
		if err != nil {
			return p, err
		}
		return p, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_signup", Entity: "vol_activity", EntityID: fmt.Sprint(a.ID), After: p,
			Note: fmt.Sprintf("为%s报名志愿活动：%s", name, a.Title)})
	})
}

func selfMember(ctx context.Context) (int64, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return 0, apperr.Unauthenticated("")
	}
	if a.MemberID == 0 {
		return 0, apperr.Forbidden()
	}
	return a.MemberID, nil
}

// SignUpSelf signs the calling member (role member) up for an open,
// not yet started activity.
func (s *Service) SignUpSelf(ctx context.Context, activityID int64) (Participant, error) {
	mid, err := selfMember(ctx)
	if err != nil {
		return Participant{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Participant, error) {
		a, err := s.activityAny(ctx, tx, activityID)
		if err != nil {
			return Participant{}, err
		}
		if a.EndsAt <= s.now().In(cst).Format(LocalTimeFormat) {
			return Participant{}, apperr.Conflict("活动已结束，不能报名")
		}
		id, err := s.signUpTx(ctx, tx, a, who{MemberID: mid})
		if err != nil {
			return Participant{}, err
		}
		p, err := s.participant(ctx, tx, id)
		if err != nil {
			return p, err
		}
		return p, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_signup_self", Entity: "vol_activity", EntityID: fmt.Sprint(a.ID), After: p,
			Note: "报名志愿活动：" + a.Title})
	})
}

// TokenWindow is how long one sign-in code is shown.
const TokenWindow = 30 * time.Second

const secretKey = "volunteer.signin_secret"

// secret is the server's sign-in key: 32 random bytes kept in the settings
// table, made on first use.
func (s *Service) secret(ctx context.Context) ([]byte, error) {
	var v string
	err := s.DB.QueryRow(ctx, s.DB, `SELECT value FROM settings WHERE key = ?`, secretKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		if _, err := s.DB.Exec(ctx, s.DB, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, secretKey, hex.EncodeToString(b)); err != nil {
			return nil, err
		}
		err = s.DB.QueryRow(ctx, s.DB, `SELECT value FROM settings WHERE key = ?`, secretKey).Scan(&v)
	}
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

func sign(key []byte, activity, window int64) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "liangxin-volunteer-signin|%d|%d", activity, window)
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// SignInCode is what the activity's screen shows as a QR code.
type SignInCode struct {
	Token string `json:"token"`
	// ExpiresIn is the number of seconds until the next code.
	ExpiresIn int `json:"expires_in"`
}

// SignInToken returns the activity's current sign-in code: activity id and
// the 30-second window number, HMAC-signed with the server's key. A code
// is accepted during its own window and the next one, so a screenshot
// stops working within a minute.
func (s *Service) SignInToken(ctx context.Context, activityID int64) (SignInCode, error) {
	a, err := s.activity(ctx, s.DB, activityID)
	if err != nil {
		return SignInCode{}, err
	}
	if a.Status != "open" {
		return SignInCode{}, apperr.Conflict("活动已取消")
	}
	key, err := s.secret(ctx)
	if err != nil {
		return SignInCode{}, err
	}
	now := s.now().Unix()
	w := now / int64(TokenWindow/time.Second)
	left := int((w+1)*int64(TokenWindow/time.Second) - now)
	return SignInCode{Token: fmt.Sprintf("%d.%d.%s", a.ID, w, sign(key, a.ID, w)), ExpiresIn: left}, nil
}

// checkToken verifies a sign-in code and returns its activity.
func (s *Service) checkToken(ctx context.Context, token string) (int64, error) {
	bad := apperr.InvalidField("token", "签到码无效，请扫描活动现场的二维码")
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return 0, bad
	}
	act, err1 := strconv.ParseInt(parts[0], 10, 64)
	w, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || act <= 0 {
		return 0, bad
	}
	key, err := s.secret(ctx)
	if err != nil {
		return 0, err
	}
	if !hmac.Equal([]byte(sign(key, act, w)), []byte(parts[2])) {
		return 0, bad
	}
	cur := s.now().Unix() / int64(TokenWindow/time.Second)
	if w > cur {
		return 0, bad
	}
	if w < cur-1 {
		return 0, apperr.InvalidField("token", "签到码已过期（现场二维码每 30 秒更换一次），请扫描屏幕上最新的二维码")
	}
	return act, nil
}

// signInTx signs a participant in; a repeated sign-in changes nothing and
// comes back with Already set. Someone not signed up is signed up first
// (while there is room).
func (s *Service) signInTx(ctx context.Context, tx *sql.Tx, a Activity, w who, method string) (Participant, error) {
	id, err := s.findParticipant(ctx, tx, a.ID, w)
	if err != nil {
		return Participant{}, err
	}
	if id == 0 {
		if id, err = s.signUpTx(ctx, tx, a, w); err != nil {
			return Participant{}, err
		}
	}
	if a.Status != "open" {
		return Participant{}, apperr.Conflict("活动已取消，不能签到")
	}
	by := ""
	if method == "manual" {
		by = username(ctx)
	}
	res, err := s.DB.Exec(ctx, tx, `UPDATE vol_participants SET signed_in_at = ?, sign_in_method = ?, signed_in_by = ? WHERE id = ? AND signed_in_at IS NULL`,
		s.stamp(), method, by, id)
	if err != nil {
		return Participant{}, err
	}
	p, err := s.participant(ctx, tx, id)
	if err != nil {
		return p, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		p.Already = true
	}
	return p, nil
}

// SignInInput carries the scanned code.
type SignInInput struct {
	Token string `json:"token"`
}

// SignInSelf signs the calling member in with a scanned code.
func (s *Service) SignInSelf(ctx context.Context, in SignInInput) (Participant, error) {
	mid, err := selfMember(ctx)
	if err != nil {
		return Participant{}, err
	}
	act, err := s.checkToken(ctx, in.Token)
	if err != nil {
		return Participant{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Participant, error) {
		a, err := s.activityAny(ctx, tx, act)
		if err != nil {
			return Participant{}, err
		}
		p, err := s.signInTx(ctx, tx, a, who{MemberID: mid}, "qr")
		if err != nil || p.Already {
			return p, err
		}
		return p, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_signin_qr", Entity: "vol_activity", EntityID: fmt.Sprint(a.ID), After: p,
			Note: "扫码签到志愿活动：" + a.Title})
	})
}

// SignInManual signs a member or person in by hand (the organizer's
// fallback; audited).
func (s *Service) SignInManual(ctx context.Context, activityID int64, in ParticipantInput) (Participant, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Participant, error) {
		a, err := s.activity(ctx, tx, activityID)
		if err != nil {
			return Participant{}, err
		}
		w, name, err := s.whoInScope(ctx, tx, in)
		if err != nil {
			return Participant{}, err
		}
		p, err := s.signInTx(ctx, tx, a, w, "manual")
		if err != nil || p.Already {
			return p, err
		}
		return p, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_signin_manual", Entity: "vol_activity", EntityID: fmt.Sprint(a.ID), After: p,
			Note: fmt.Sprintf("手工为%s签到志愿活动：%s", name, a.Title)})
	})
}

// ConfirmInput confirms a participant's hours; nil minutes: the planned ones.
type ConfirmInput struct {
	Minutes *int64 `json:"minutes"`
}

// ConfirmHours confirms a signed-in participant's hours (the planned
// minutes unless given) and credits what they earn at the kind's current
// rate. Confirming twice is refused; a correction reverses the earning.
func (s *Service) ConfirmHours(ctx context.Context, activityID, participantID int64, in ConfirmInput) (Participant, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Participant, error) {
		a, err := s.activity(ctx, tx, activityID)
		if err != nil {
			return Participant{}, err
		}
		p, err := s.confirmTx(ctx, tx, a, participantID, in.Minutes)
		if err != nil {
			return p, err
		}
		return p, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_confirm_hours", Entity: "vol_activity", EntityID: fmt.Sprint(a.ID), After: p,
			Note: fmt.Sprintf("确认%s在“%s”的服务时长 %s 小时", p.Name, a.Title, p.ConfirmedHours)})
	})
}

func (s *Service) confirmTx(ctx context.Context, tx *sql.Tx, a Activity, participantID int64, minutes *int64) (Participant, error) {
	p, err := s.participant(ctx, tx, participantID)
	if err != nil || p.ActivityID != a.ID {
		return Participant{}, apperr.NotFound("参与人")
	}
	m := a.PlannedMinutes
	if minutes != nil {
		m = *minutes
	}
	if m <= 0 || m > 24*60 {
		return Participant{}, apperr.InvalidField("minutes", "服务时长应为 1–1440 分钟")
	}
	if p.SignedInAt == nil {
		return Participant{}, apperr.Conflict(p.Name + " 尚未签到，不能确认服务时长")
	}
	if p.ConfirmedMinutes != nil {
		return Participant{}, apperr.Conflict(p.Name + " 的服务时长已确认；如需更正，请先冲销原记录")
	}
	var account int64
	if p.MemberID != nil {
		account, err = s.memberAccount(ctx, tx, *p.MemberID)
	} else {
		account, err = s.personAccount(ctx, tx, *p.PersonID)
	}
	if err != nil {
		return Participant{}, err
	}
	if err := s.lockAccount(ctx, tx, account); err != nil {
		return Participant{}, err
	}
	hid, err := s.earnTx(ctx, tx, hoursInput{Account: account, On: a.StartsAt[:10], Minutes: m, Kind: a.Kind, Title: a.Title, Source: "activity", ActivityID: a.ID})
	if err != nil {
		return Participant{}, err
	}
	res, err := s.DB.Exec(ctx, tx, `UPDATE vol_participants SET confirmed_minutes = ?, confirmed_by = ?, confirmed_at = ?, hours_id = ? WHERE id = ? AND confirmed_minutes IS NULL`,
		m, username(ctx), s.stamp(), hid, p.ID)
	if err != nil {
		return Participant{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Participant{}, apperr.Conflict(p.Name + " 的服务时长已确认")
	}
	return s.participant(ctx, tx, p.ID)
}

// ConfirmAllResult counts a batch confirmation.
type ConfirmAllResult struct {
	Confirmed int `json:"confirmed"`
}

// ConfirmAll confirms the planned hours of every signed-in participant not
// yet confirmed (audited once).
func (s *Service) ConfirmAll(ctx context.Context, activityID int64) (ConfirmAllResult, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (ConfirmAllResult, error) {
		a, err := s.activity(ctx, tx, activityID)
		if err != nil {
			return ConfirmAllResult{}, err
		}
		rows, err := s.DB.Query(ctx, tx, `SELECT id FROM vol_participants WHERE activity_id = ? AND signed_in_at IS NOT NULL AND confirmed_minutes IS NULL ORDER BY id`, a.ID)
		if err != nil {
			return ConfirmAllResult{}, err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return ConfirmAllResult{}, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			if _, err := s.confirmTx(ctx, tx, a, id, nil); err != nil {
				return ConfirmAllResult{}, err
			}
		}
		res := ConfirmAllResult{Confirmed: len(ids)}
		if len(ids) == 0 {
			return res, nil
		}
		return res, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_confirm_all", Entity: "vol_activity", EntityID: fmt.Sprint(a.ID), After: res,
			Note: fmt.Sprintf("按计划时长确认“%s”已签到的 %d 人的服务时长", a.Title, len(ids))})
	})
}
