package venue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Activity is an activity held at a venue (主题党日, 党课, 志愿服务 …).
type Activity struct {
	ID           int64  `json:"id"`
	VenueID      int64  `json:"venue_id"`
	HeldOn       string `json:"held_on"`
	Title        string `json:"title"`
	PartyOrgID   *int64 `json:"party_org_id"` // the organizing party organization, if any
	PartyOrgName string `json:"party_org_name"`
	Participants int    `json:"participants"`
	CreatedBy    string `json:"created_by"`
	CreatedAt    string `json:"created_at"`
}

// ActivityInput records an activity held (not in the future).
type ActivityInput struct {
	HeldOn       string `json:"held_on"`
	Title        string `json:"title"`
	PartyOrgID   *int64 `json:"party_org_id"`
	Participants int    `json:"participants"`
}

// ActivityFilter selects a venue's activities.
type ActivityFilter struct {
	From, To       string
	Page, PageSize int
}

const actCols = `a.id, a.venue_id, a.held_on, a.title, a.party_org_id, COALESCE(p.name, ''), a.participants, a.created_by, a.created_at`

const actFrom = ` FROM venue_activities a LEFT JOIN party_orgs p ON p.id = a.party_org_id`

func scanActivity(row interface{ Scan(...any) error }) (Activity, error) {
	var a Activity
	var po sql.NullInt64
	err := row.Scan(&a.ID, &a.VenueID, &a.HeldOn, &a.Title, &po, &a.PartyOrgName, &a.Participants, &a.CreatedBy, &a.CreatedAt)
	if po.Valid {
		a.PartyOrgID = &po.Int64
	}
	return a, err
}

// AddActivity records an activity held at an active venue.
func (s *Service) AddActivity(ctx context.Context, venueID int64, in ActivityInput) (Activity, error) {
	bad := apperr.Invalid()
	day, err := civil.Day("held_on", in.HeldOn)
	switch {
	case err != nil:
		bad.Field("held_on", "活动日期格式应为 YYYY-MM-DD")
	case day > s.today():
		bad.Field("held_on", "活动日期不能晚于今天（活动举办后再登记）")
	}
	in.Title = textField(bad, "title", "活动名称", in.Title, true, 100)
	if in.Participants < 0 || in.Participants > 100000 {
		bad.Field("participants", "参加人数应为 0–100000 人")
	}
	if err := bad.OrNil(); err != nil {
		return Activity{}, err
	}
	var out Activity
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.get(ctx, tx, venueID)
		if err != nil {
			return err
		}
		if !v.Active {
			return apperr.Conflict("阵地「" + v.Name + "」已停用，不能登记活动")
		}
		if in.PartyOrgID != nil {
			if err := s.partyOrgVisible(ctx, tx, *in.PartyOrgID); err != nil {
				return err
			}
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO venue_activities (venue_id, held_on, title, party_org_id, participants, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, venueID, day, in.Title, in.PartyOrgID, in.Participants, username(ctx), s.stamp()).Scan(&id); err != nil {
			return err
		}
		if out, err = scanActivity(s.DB.QueryRow(ctx, tx, `SELECT `+actCols+actFrom+` WHERE a.id = ?`, id)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_activity_add", Entity: "venue", EntityID: fmt.Sprint(venueID), After: out,
			Note: fmt.Sprintf("阵地「%s」登记活动「%s」（%s，%d 人）", v.Name, out.Title, out.HeldOn, out.Participants)})
	})
	if err != nil {
		return Activity{}, fmt.Errorf("venue: add activity: %w", err)
	}
	return out, nil
}

// DeleteActivity removes an activity entered by mistake.
func (s *Service) DeleteActivity(ctx context.Context, venueID, activityID int64) error {
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.get(ctx, tx, venueID)
		if err != nil {
			return err
		}
		a, err := scanActivity(s.DB.QueryRow(ctx, tx, `SELECT `+actCols+actFrom+` WHERE a.id = ? AND a.venue_id = ?`, activityID, venueID))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("活动")
		}
		if err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM venue_activities WHERE id = ?`, activityID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_activity_delete", Entity: "venue", EntityID: fmt.Sprint(venueID), Before: a,
			Note: fmt.Sprintf("阵地「%s」删除活动「%s」（%s）", v.Name, a.Title, a.HeldOn)})
	})
	if err != nil {
		return fmt.Errorf("venue: delete activity: %w", err)
	}
	return nil
}

// Activities returns a page of a venue's activities, latest first.
func (s *Service) Activities(ctx context.Context, venueID int64, f ActivityFilter) ([]Activity, store.Total, error) {
	if _, err := s.get(ctx, s.DB, venueID); err != nil {
		return nil, store.Total{}, err
	}
	cond, args := "a.venue_id = ?", []any{venueID}
	if f.From != "" {
		cond, args = cond+" AND a.held_on >= ?", append(args, f.From)
	}
	if f.To != "" {
		cond, args = cond+" AND a.held_on <= ?", append(args, f.To)
	}
	f.Page, f.PageSize = pageOf(f.Page, f.PageSize)
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: actCols, From: actFrom[1:], CountFrom: "FROM venue_activities a", Cond: cond, Args: args,
		Order: "a.held_on DESC, a.id DESC"}, store.Page{Number: f.Page, Size: f.PageSize}, scanActivity)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("venue: activities: %w", err)
	}
	return out, total, nil
}

func (s *Service) partyOrgVisible(ctx context.Context, q store.Querier, id int64) error {
	cond, args, err := store.PartyOrgFilter(ctx, "id")
	if err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM party_orgs WHERE id = ? AND `+cond, append([]any{id}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.InvalidField("party_org_id", "所选党组织不存在或不在管辖范围内")
	}
	return nil
}

var monthRe = regexp.MustCompile(`^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$`)

// VisitorsInput sets a month's visitor count.
type VisitorsInput struct {
	Visitors int `json:"visitors"`
}

// MonthStats are one venue's (or a report's) figures of one month.
type MonthStats struct {
	Month         string `json:"month"`    // YYYY-MM
	Visitors      *int   `json:"visitors"` // entered by hand; nil when not entered
	Activities    int    `json:"activities"`
	Participants  int    `json:"participants"`
	Bookings      int    `json:"bookings"` // confirmed
	BookedMinutes int    `json:"booked_minutes"`
	Cancelled     int    `json:"cancelled"`
}

// VenueYear is a venue's twelve months of one year.
type VenueYear struct {
	VenueID int64        `json:"venue_id"`
	Year    int          `json:"year"`
	Months  []MonthStats `json:"months"`
	Total   MonthStats   `json:"total"` // Month is the year; Visitors the sum of the months entered
}

// SetVisitors records the visitors counted at a venue in a month (not a
// future month); a second entry for the month replaces the first, audited.
func (s *Service) SetVisitors(ctx context.Context, venueID int64, month string, in VisitorsInput) (VenueYear, error) {
	bad := apperr.Invalid()
	if !monthRe.MatchString(month) {
		bad.Field("month", "月份格式应为 YYYY-MM")
	} else if month > s.today()[:7] {
		bad.Field("month", "不能登记以后月份的来访人次")
	}
	if in.Visitors < 0 || in.Visitors > 10000000 {
		bad.Field("visitors", "来访人次应为 0–10000000")
	}
	if err := bad.OrNil(); err != nil {
		return VenueYear{}, err
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := s.get(ctx, tx, venueID)
		if err != nil {
			return err
		}
		var before sql.NullInt64
		err = s.DB.QueryRow(ctx, tx, `SELECT visitors FROM venue_visitors WHERE venue_id = ? AND month = ?`, venueID, month).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if before.Valid {
			_, err = s.DB.Exec(ctx, tx, `UPDATE venue_visitors SET visitors = ?, updated_by = ?, updated_at = ? WHERE venue_id = ? AND month = ?`,
				in.Visitors, username(ctx), s.stamp(), venueID, month)
		} else {
			_, err = s.DB.Exec(ctx, tx, `INSERT INTO venue_visitors (venue_id, month, visitors, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)`,
				venueID, month, in.Visitors, username(ctx), s.stamp())
		}
		if err != nil {
			return err
		}
		note := fmt.Sprintf("阵地「%s」%s 来访 %d 人次", v.Name, month, in.Visitors)
		if before.Valid {
			note += fmt.Sprintf("（原为 %d）", before.Int64)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "venue_visitors_set", Entity: "venue", EntityID: fmt.Sprint(venueID),
			After: map[string]any{"month": month, "visitors": in.Visitors}, Note: note})
	})
	if err != nil {
		return VenueYear{}, fmt.Errorf("venue: set visitors: %w", err)
	}
	year, _ := strconv.Atoi(month[:4])
	return s.Year(ctx, venueID, year)
}

// Year returns a venue's figures month by month for a year.
func (s *Service) Year(ctx context.Context, venueID int64, year int) (VenueYear, error) {
	if _, err := s.get(ctx, s.DB, venueID); err != nil {
		return VenueYear{}, err
	}
	months, err := s.monthly(ctx, year, "v.id = ?", []any{venueID})
	if err != nil {
		return VenueYear{}, err
	}
	return VenueYear{VenueID: venueID, Year: year, Months: months, Total: sumMonths(year, months)}, nil
}

func sumMonths(year int, months []MonthStats) MonthStats {
	t := MonthStats{Month: strconv.Itoa(year)}
	for _, m := range months {
		if m.Visitors != nil {
			if t.Visitors == nil {
				t.Visitors = new(int)
			}
			*t.Visitors += *m.Visitors
		}
		t.Activities += m.Activities
		t.Participants += m.Participants
		t.Bookings += m.Bookings
		t.BookedMinutes += m.BookedMinutes
		t.Cancelled += m.Cancelled
	}
	return t
}

// monthly sums the figures of the venues v matching cond, month by month of a year.
func (s *Service) monthly(ctx context.Context, year int, cond string, args []any) ([]MonthStats, error) {
	out := make([]MonthStats, 12)
	at := map[string]int{}
	for i := range out {
		out[i].Month = fmt.Sprintf("%04d-%02d", year, i+1)
		at[out[i].Month] = i
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	type q struct {
		sql  string
		fill func(m *MonthStats, a, b int)
	}
	queries := []q{
		{`SELECT substr(a.held_on, 1, 7), COUNT(*), COALESCE(SUM(a.participants), 0) FROM venue_activities a JOIN venues v ON v.id = a.venue_id
			WHERE a.held_on >= ? AND a.held_on <= ? AND ` + cond + ` GROUP BY substr(a.held_on, 1, 7)`,
			func(m *MonthStats, a, b int) { m.Activities, m.Participants = a, b }},
		{`SELECT substr(b.day, 1, 7), COUNT(*), COALESCE(SUM(b.end_min - b.start_min), 0) FROM venue_bookings b JOIN venues v ON v.id = b.venue_id
			WHERE b.status = 'confirmed' AND b.day >= ? AND b.day <= ? AND ` + cond + ` GROUP BY substr(b.day, 1, 7)`,
			func(m *MonthStats, a, b int) { m.Bookings, m.BookedMinutes = a, b }},
		{`SELECT substr(b.day, 1, 7), COUNT(*), 0 FROM venue_bookings b JOIN venues v ON v.id = b.venue_id
			WHERE b.status = 'cancelled' AND b.day >= ? AND b.day <= ? AND ` + cond + ` GROUP BY substr(b.day, 1, 7)`,
			func(m *MonthStats, a, _ int) { m.Cancelled = a }},
	}
	for _, qq := range queries {
		if err := s.scanMonths(ctx, qq.sql, append([]any{from, to}, args...), func(month string, a, b int) {
			if i, ok := at[month]; ok {
				qq.fill(&out[i], a, b)
			}
		}); err != nil {
			return nil, err
		}
	}
	err := s.scanMonths(ctx, `SELECT x.month, COALESCE(SUM(x.visitors), 0), COUNT(*) FROM venue_visitors x JOIN venues v ON v.id = x.venue_id
		WHERE x.month >= ? AND x.month <= ? AND `+cond+` GROUP BY x.month`, append([]any{from[:7], to[:7]}, args...), func(month string, a, _ int) {
		if i, ok := at[month]; ok {
			n := a
			out[i].Visitors = &n
		}
	})
	return out, err
}

func (s *Service) scanMonths(ctx context.Context, query string, args []any, f func(month string, a, b int)) error {
	rows, err := s.DB.Query(ctx, s.DB, query, args...)
	if err != nil {
		return fmt.Errorf("venue: monthly: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var month string
		var a, b int64
		if err := rows.Scan(&month, &a, &b); err != nil {
			return err
		}
		f(month, int(a), int(b))
	}
	return rows.Err()
}
