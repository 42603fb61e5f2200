package venue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Booking statuses.
const (
	StatusConfirmed = "confirmed"
	StatusCancelled = "cancelled"
)

// Statuses lists the booking statuses.
func Statuses() []Option {
	return []Option{{StatusConfirmed, "已预约"}, {StatusCancelled, "已取消"}}
}

// Booking is a room booked for a slot [Start, End) on one day.
type Booking struct {
	ID           int64  `json:"id"`
	VenueID      int64  `json:"venue_id"`
	RoomID       int64  `json:"room_id"`
	RoomName     string `json:"room_name"`
	Day          string `json:"day"`
	Start        string `json:"start"` // HH:MM
	End          string `json:"end"`   // HH:MM (exclusive)
	PartyOrgID   *int64 `json:"party_org_id"`
	PartyOrgName string `json:"party_org_name"`
	UnitName     string `json:"unit_name"` // a co-building unit without a party organization on file
	BookedBy     string `json:"booked_by"` // the party organization's or the unit's name
	Purpose      string `json:"purpose"`
	Attendance   int    `json:"attendance"`
	Status       string `json:"status"`
	StatusName   string `json:"status_name"`
	CancelReason string `json:"cancel_reason"`
	CancelledBy  string `json:"cancelled_by"`
	CancelledAt  string `json:"cancelled_at"`
	CreatedBy    string `json:"created_by"`
	CreatedAt    string `json:"created_at"`
}

// BookingInput books a room. Exactly one of PartyOrgID and UnitName.
type BookingInput struct {
	Day        string `json:"day"`
	Start      string `json:"start"`
	End        string `json:"end"`
	PartyOrgID *int64 `json:"party_org_id"`
	UnitName   string `json:"unit_name"`
	Purpose    string `json:"purpose"`
	Attendance int    `json:"attendance"`
}

// CancelInput cancels a booking; the reason is required.
type CancelInput struct {
	Reason string `json:"reason"`
}

// Week is a venue's bookings of one week (Monday to Sunday).
type Week struct {
	VenueID   int64     `json:"venue_id"`
	VenueName string    `json:"venue_name"`
	From      string    `json:"from"` // Monday
	To        string    `json:"to"`   // Sunday
	Days      []string  `json:"days"`
	Hours     []Hours   `json:"hours"`
	Rooms     []Room    `json:"rooms"`
	Items     []Booking `json:"items"`
}

const bookingCols = `b.id, b.venue_id, b.room_id, COALESCE(r.name, ''), b.day, b.start_min, b.end_min, b.party_org_id, COALESCE(p.name, ''),
	b.unit_name, b.purpose, b.attendance, b.status, b.cancel_reason, b.cancelled_by, b.cancelled_at, b.created_by, b.created_at`

const bookingFrom = ` FROM venue_bookings b LEFT JOIN venue_rooms r ON r.id = b.room_id LEFT JOIN party_orgs p ON p.id = b.party_org_id`

func scanBooking(row interface{ Scan(...any) error }) (Booking, error) {
	var b Booking
	var start, end int
	var po sql.NullInt64
	if err := row.Scan(&b.ID, &b.VenueID, &b.RoomID, &b.RoomName, &b.Day, &start, &end, &po, &b.PartyOrgName,
		&b.UnitName, &b.Purpose, &b.Attendance, &b.Status, &b.CancelReason, &b.CancelledBy, &b.CancelledAt, &b.CreatedBy, &b.CreatedAt); err != nil {
		return b, err
	}
	b.Start, b.End = FormatClock(start), FormatClock(end)
	if po.Valid {
		b.PartyOrgID = &po.Int64
		b.BookedBy = b.PartyOrgName
	} else {
		b.BookedBy = b.UnitName
	}
	b.StatusName = optionName(Statuses(), b.Status)
	return b, nil
}

func (s *Service) booking(ctx context.Context, q store.Querier, id int64) (Booking, error) {
	b, err := scanBooking(s.DB.QueryRow(ctx, q, `SELECT `+bookingCols+bookingFrom+` WHERE b.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return b, apperr.NotFound("预约")
	}
	return b, err
}

// weekday is 1 (Monday) … 7 (Sunday).
func weekday(t time.Time) int {
	w := int(t.Weekday())
	if w == 0 {
		return 7
	}
	return w
}

func roomOf(v Venue, roomID int64) (Room, bool) {
	for _, r := range v.Rooms {
		if r.ID == roomID {
			return r, true
		}
	}
	return Room{}, false
}

// conflictError names the confirmed booking the slot collides with.
func conflictError(b Booking) error {
	return apperr.Conflict(fmt.Sprintf("该时段已被预约：%s 已预约「%s」%s %s–%s（预约编号 %d，用途：%s），请另选时段或房间",
		b.BookedBy, b.RoomName, b.Day, b.Start, b.End, b.ID, b.Purpose))
}

// overlapping finds a confirmed booking of the room overlapping [start, end) on day.
func (s *Service) overlapping(ctx context.Context, q store.Querier, roomID int64, day string, start, end int) (Booking, bool, error) {
	b, err := scanBooking(s.DB.QueryRow(ctx, q, `SELECT `+bookingCols+bookingFrom+`
		WHERE b.room_id = ? AND b.day = ? AND b.status = ? AND b.start_min < ? AND b.end_min > ? ORDER BY b.start_min, b.id LIMIT 1`,
		roomID, day, StatusConfirmed, end, start))
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	return b, err == nil, err
}

func isExclusionViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23P01"
}

// Book books a room of a venue. The slot must lie on one day, not in the
// past, inside that weekday's opening hours; the attendance may not exceed
// the room's capacity; no confirmed booking of the room may overlap it
// (back-to-back slots are fine). Of two concurrent bookings of one slot
// exactly one succeeds, the other answers 409 naming the winner.
func (s *Service) Book(ctx context.Context, venueID, roomID int64, in BookingInput) (Booking, error) {
	bad := apperr.Invalid()
	day, derr := civil.Day("day", in.Day)
	if derr != nil {
		bad.Field("day", "预约日期格式应为 YYYY-MM-DD")
	} else if day < s.today() {
		bad.Field("day", "不能预约已过去的日期")
	}
	start, ok1 := ParseClock(in.Start)
	end, ok2 := ParseClock(in.End)
	if !ok1 {
		bad.Field("start", "开始时间格式应为 HH:MM，如 09:00")
	}
	if !ok2 {
		bad.Field("end", "结束时间格式应为 HH:MM，如 11:00")
	}
	if ok1 && ok2 && end <= start {
		bad.Field("end", "结束时间应晚于开始时间")
	}
	in.UnitName = textField(bad, "unit_name", "共建单位名称", in.UnitName, false, 60)
	switch {
	case in.PartyOrgID == nil && in.UnitName == "":
		bad.Field("party_org_id", "请选择预约的党组织，或填写共建单位名称")
	case in.PartyOrgID != nil && in.UnitName != "":
		bad.Field("unit_name", "党组织和共建单位只填一项")
	}
	in.Purpose = textField(bad, "purpose", "用途", in.Purpose, true, 200)
	if in.Attendance < 1 {
		bad.Field("attendance", "预计人数应至少为 1 人")
	}
	if err := bad.OrNil(); err != nil {
		return Booking{}, err
	}
	var out Booking
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.get(ctx, tx, venueID)
		if err != nil {
			return err
		}
		room, ok := roomOf(v, roomID)
		if !ok {
			return apperr.NotFound("房间")
		}
		if !v.Active {
			return apperr.Conflict("阵地「" + v.Name + "」已停用，不能预约")
		}
		if in.Attendance > room.Capacity {
			return apperr.InvalidField("attendance", fmt.Sprintf("预计人数 %d 人超过「%s」的容纳人数 %d 人", in.Attendance, room.Name, room.Capacity))
		}
		t, _ := civil.Read(day)
		wd := weekday(t)
		var open *Hours
		for i := range v.Hours {
			if v.Hours[i].Weekday == wd {
				open = &v.Hours[i]
			}
		}
		if open == nil {
			return apperr.InvalidField("day", fmt.Sprintf("%s（%s）阵地不开放", day, weekdayNames[wd]))
		}
		o, _ := ParseClock(open.Open)
		c, _ := ParseClock(open.Close)
		if start < o || end > c {
			return apperr.InvalidField("start", fmt.Sprintf("预约时段应在开放时间内：%s %s–%s", weekdayNames[wd], open.Open, open.Close))
		}
		if in.PartyOrgID != nil {
			var n int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM party_orgs WHERE id = ?`, *in.PartyOrgID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.InvalidField("party_org_id", "所选党组织不存在")
			}
		}
		if other, found, err := s.overlapping(ctx, tx, roomID, day, start, end); err != nil {
			return err
		} else if found {
			return conflictError(other)
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO venue_bookings (venue_id, room_id, day, start_min, end_min, party_org_id, unit_name,
			purpose, attendance, status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			venueID, roomID, day, start, end, in.PartyOrgID, in.UnitName, in.Purpose, in.Attendance, StatusConfirmed,
			username(ctx), s.stamp()).Scan(&id); err != nil {
			return err
		}
		if out, err = s.booking(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_booking_create", Entity: "venue", EntityID: fmt.Sprint(venueID),
			After: out, Note: fmt.Sprintf("%s 预约阵地「%s」的「%s」%s %s–%s（预约编号 %d）", out.BookedBy, v.Name, room.Name, day, out.Start, out.End, id)})
	})
	if isExclusionViolation(err) {
		// A concurrent booking committed first: the database refused this one.
		other, found, ferr := s.overlapping(ctx, s.DB, roomID, day, start, end)
		if ferr == nil && found {
			return Booking{}, conflictError(other)
		}
		return Booking{}, apperr.Conflict("该时段已被他人同时预约，请刷新后另选时段")
	}
	if err != nil {
		return Booking{}, fmt.Errorf("venue: book: %w", err)
	}
	return out, nil
}

// Cancel cancels a confirmed booking with a reason, audited.
func (s *Service) Cancel(ctx context.Context, venueID, roomID, bookingID int64, in CancelInput) (Booking, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	bad := apperr.Invalid()
	in.Reason = textField(bad, "reason", "取消原因", in.Reason, true, 200)
	if err := bad.OrNil(); err != nil {
		return Booking{}, err
	}
	var out Booking
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.get(ctx, tx, venueID)
		if err != nil {
			return err
		}
		before, err := s.booking(ctx, tx, bookingID)
		if err != nil {
			return err
		}
		if before.VenueID != venueID || before.RoomID != roomID {
			return apperr.NotFound("预约")
		}
		res, err := s.DB.Exec(ctx, tx, `UPDATE venue_bookings SET status = ?, cancel_reason = ?, cancelled_by = ?, cancelled_at = ?
			WHERE id = ? AND status = ?`, StatusCancelled, in.Reason, username(ctx), s.stamp(), bookingID, StatusConfirmed)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.Conflict(fmt.Sprintf("预约（编号 %d）已取消，不能重复取消", bookingID))
		}
		if out, err = s.booking(ctx, tx, bookingID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_booking_cancel", Entity: "venue", EntityID: fmt.Sprint(venueID),
			Before: before, After: out, Note: fmt.Sprintf("取消阵地「%s」「%s」%s %s–%s 的预约（编号 %d）：%s", v.Name, out.RoomName, out.Day, out.Start, out.End, bookingID, in.Reason)})
	})
	if err != nil {
		return Booking{}, fmt.Errorf("venue: cancel booking %d: %w", bookingID, err)
	}
	return out, nil
}

// BookingFilter selects bookings of one room.
type BookingFilter struct {
	Status   string
	From, To string // days, inclusive; empty does not filter
	Page     int
	PageSize int
}

// Bookings returns a page of a room's bookings by day and start.
func (s *Service) Bookings(ctx context.Context, venueID, roomID int64, f BookingFilter) ([]Booking, store.Total, error) {
	v, err := s.get(ctx, s.DB, venueID)
	if err != nil {
		return nil, store.Total{}, err
	}
	if _, ok := roomOf(v, roomID); !ok {
		return nil, store.Total{}, apperr.NotFound("房间")
	}
	cond, args := "b.room_id = ?", []any{roomID}
	if f.Status != "" {
		cond += " AND b.status = ?"
		args = append(args, f.Status)
	}
	if f.From != "" {
		cond += " AND b.day >= ?"
		args = append(args, f.From)
	}
	if f.To != "" {
		cond += " AND b.day <= ?"
		args = append(args, f.To)
	}
	if f.PageSize <= 0 {
		f.PageSize = 20
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	return store.List(ctx, s.DB, store.ListQuery{Cols: bookingCols, From: bookingFrom[1:], CountFrom: "FROM venue_bookings b", Cond: cond, Args: args,
		Order: "b.day, b.start_min, b.id"}, store.Page{Number: f.Page, Size: f.PageSize}, scanBooking)
}

func (s *Service) scanBookings(ctx context.Context, query string, args ...any) ([]Booking, error) {
	rows, err := s.DB.Query(ctx, s.DB, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Booking{}
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// WeekOf returns the bookings (confirmed and cancelled) of a venue in the
// Monday-to-Sunday week containing day (today when empty).
func (s *Service) WeekOf(ctx context.Context, venueID int64, day string) (Week, error) {
	if day == "" {
		day = s.today()
	}
	d, err := civil.Day("week", day)
	if err != nil {
		return Week{}, apperr.InvalidField("week", "周内日期格式应为 YYYY-MM-DD")
	}
	v, err := s.get(ctx, s.DB, venueID)
	if err != nil {
		return Week{}, err
	}
	t, _ := civil.Read(d)
	mon := t.AddDate(0, 0, 1-weekday(t))
	w := Week{VenueID: v.ID, VenueName: v.Name, Hours: v.Hours, Rooms: v.Rooms}
	for i := 0; i < 7; i++ {
		w.Days = append(w.Days, mon.AddDate(0, 0, i).Format(civil.Layout))
	}
	w.From, w.To = w.Days[0], w.Days[6]
	w.Items, err = s.scanBookings(ctx, `SELECT `+bookingCols+bookingFrom+` WHERE b.venue_id = ? AND b.day >= ? AND b.day <= ?
		ORDER BY b.day, b.start_min, b.room_id, b.id`, venueID, w.From, w.To)
	return w, err
}
