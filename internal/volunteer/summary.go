package volunteer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
	"liangxin/internal/wish"
)

// UpcomingActivity is an activity open to sign up, as a member sees it.
type UpcomingActivity struct {
	Activity
	Joined   bool `json:"joined"`
	SignedIn bool `json:"signed_in_self"`
}

// Summary is a member's volunteering at a glance (the phone page).
type Summary struct {
	MemberID    int64              `json:"member_id"`
	AccountID   int64              `json:"account_id"`
	Name        string             `json:"name"`
	Balance     int64              `json:"balance"`
	Reserved    int64              `json:"reserved"`
	YearMinutes int64              `json:"year_minutes"`
	YearHours   string             `json:"year_hours"`
	Recent      []Entry            `json:"recent"`
	Upcoming    []UpcomingActivity `json:"upcoming"`
	Rewards     []Reward           `json:"rewards"`
}

// MemberSummary returns a roster member's balance, hours this year, ten
// most recent entries, and the activities not yet ended that are open to
// sign up (or joined). It reads with no caller scope: the caller passes the
// member it is entitled to (actor.MemberID for the member's own page).
func (s *Service) MemberSummary(ctx context.Context, memberID int64) (Summary, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Summary, error) {
		name, _, err := s.memberByID(ctx, tx, memberID)
		if err != nil {
			return Summary{}, err
		}
		acc, err := s.memberAccount(ctx, tx, memberID)
		if err != nil {
			return Summary{}, err
		}
		out := Summary{MemberID: memberID, AccountID: acc, Name: name}
		cols, cargs := s.accountCols(s.ThisYear())
		a, err := scanAccount(s.DB.QueryRow(ctx, tx, `SELECT `+cols+` FROM tb_accounts a LEFT JOIN regions g ON g.code = a.region_code WHERE a.id = ?`, append(cargs, acc)...))
		if err != nil {
			return out, err
		}
		out.Balance, out.Reserved, out.YearMinutes, out.YearHours = a.Balance, a.Reserved, a.YearMinutes, a.YearHours
		if out.Recent, err = s.entries(ctx, tx, `SELECT `+entryCols+` FROM tb_entries e WHERE EXISTS (SELECT 1 FROM tb_postings ap WHERE ap.entry_id = e.id AND ap.account_id = ?)
			ORDER BY e.occurred_on DESC, e.id DESC LIMIT 10`, []any{acc}, acc); err != nil {
			return out, err
		}
		now := s.now().In(cst).Format(LocalTimeFormat)
		rows, err := s.DB.Query(ctx, tx, `SELECT `+actCols+`, EXISTS (SELECT 1 FROM vol_participants x WHERE x.activity_id = a.id AND x.member_id = ?),
			EXISTS (SELECT 1 FROM vol_participants x WHERE x.activity_id = a.id AND x.member_id = ? AND x.signed_in_at IS NOT NULL)`+actFrom+`
			WHERE a.status = 'open' AND a.ends_at > ? AND (a.signed_up < a.capacity OR EXISTS (SELECT 1 FROM vol_participants x WHERE x.activity_id = a.id AND x.member_id = ?))
			ORDER BY a.starts_at, a.id LIMIT 20`, memberID, memberID, now, memberID)
		if err != nil {
			return out, err
		}
		defer rows.Close()
		out.Upcoming = []UpcomingActivity{}
		for rows.Next() {
			var u UpcomingActivity
			var team sql.NullInt64
			if err := rows.Scan(&u.ID, &u.Title, &u.Kind, &u.StartsAt, &u.EndsAt, &u.Place, &u.PlannedMinutes, &u.Capacity, &u.SignedUp, &u.Activity.SignedIn, &u.Confirmed,
				&team, &u.TeamName, &u.RegionCode, &u.RegionName, &u.Description, &u.Status, &u.CreatedBy, &u.CreatedAt, &u.Joined, &u.SignedIn); err != nil {
				return out, err
			}
			if team.Valid {
				u.TeamID = &team.Int64
			}
			u.KindName = optionName(Kinds(), u.Kind)
			u.PlannedHours = FormatMinutes(u.PlannedMinutes)
			u.StatusName = "进行中"
			out.Upcoming = append(out.Upcoming, u)
		}
		if err := rows.Err(); err != nil {
			return out, err
		}
		rows.Close()
		rw, err := s.ListRewards(ctx, true)
		out.Rewards = rw
		return out, err
	})
}

// LeaderRow is one person in a community's leaderboard.
type LeaderRow struct {
	Rank       int    `json:"rank"`
	AccountID  int64  `json:"account_id"`
	Name       string `json:"name"`
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	Minutes    int64  `json:"minutes"`
	Hours      string `json:"hours"`
	Earned     int64  `json:"earned"`
}

// Leaderboard ranks the people of a community (a region and its
// sub-regions, in the caller's scope) by the hours confirmed in a year,
// then by points earned; top limit rows.
func (s *Service) Leaderboard(ctx context.Context, regionCode string, year, limit int) ([]LeaderRow, error) {
	cond, args, err := store.ScopeFilter(ctx, "a.region_code")
	if err != nil {
		return nil, err
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
	where := ` WHERE a.kind IN ('member', 'person') AND ` + cond
	if regionCode != "" {
		rc, ra := store.PrefixRange("a.region_code", regionCode)
		where, args = where+" AND "+rc, append(args, ra...)
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	q := `SELECT a.id, a.name, a.region_code, COALESCE(g.name, ''),
		COALESCE((SELECT SUM(h.minutes) FROM vol_hours h WHERE h.account_id = a.id AND h.reversed_entry_id IS NULL AND h.worked_on >= ? AND h.worked_on < ?), 0) AS mins,
		COALESCE((SELECT SUM(p.amount) FROM tb_postings p JOIN tb_entries e ON e.id = p.entry_id WHERE p.account_id = a.id AND e.kind = 'earn'
			AND e.occurred_on >= ? AND e.occurred_on < ? AND NOT EXISTS (SELECT 1 FROM tb_entries r WHERE r.reverses_id = e.id)), 0) AS earned
		FROM tb_accounts a LEFT JOIN regions g ON g.code = a.region_code` + where + ` ORDER BY mins DESC, earned DESC, a.id LIMIT ` + fmt.Sprint(limit)
	rows, err := s.DB.Query(ctx, s.DB, q, append([]any{from, to, from, to}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []LeaderRow{}
	for rows.Next() {
		var r LeaderRow
		if err := rows.Scan(&r.AccountID, &r.Name, &r.RegionCode, &r.RegionName, &r.Minutes, &r.Earned); err != nil {
			return nil, err
		}
		if r.Minutes == 0 && r.Earned == 0 {
			continue
		}
		r.Rank = len(out) + 1
		r.Hours = FormatMinutes(r.Minutes)
		out = append(out, r)
	}
	return out, rows.Err()
}

// HoursRow is one piece of confirmed work in a statement.
type HoursRow struct {
	WorkedOn   string `json:"worked_on"`
	Title      string `json:"title"`
	KindName   string `json:"kind_name"`
	SourceName string `json:"source_name"`
	Minutes    int64  `json:"minutes"`
	Hours      string `json:"hours"`
	Reversed   bool   `json:"reversed"`
}

// Statement is a person's year: opening balance, every entry of the year
// with its effect, closing balance, and the hours confirmed.
type Statement struct {
	Account Account    `json:"account"`
	Year    int        `json:"year"`
	Opening int64      `json:"opening"`
	Closing int64      `json:"closing"`
	Earned  int64      `json:"earned"`
	Spent   int64      `json:"spent"`
	Minutes int64      `json:"minutes"`
	Hours   string     `json:"hours"`
	Entries []Entry    `json:"entries"`
	Work    []HoursRow `json:"work"`
}

// GetStatement returns an account's yearly statement (closing = opening +
// the deltas of the year's entries).
func (s *Service) GetStatement(ctx context.Context, accountID int64, year int) (Statement, error) {
	ctx = store.WithOp(ctx, "volunteer.GetStatement")
	if year < 2000 || year > 2100 {
		return Statement{}, apperr.InvalidField("year", "年度应在 2000–2100 之间")
	}
	acc, err := s.account(ctx, s.DB, accountID)
	if err != nil {
		return Statement{}, err
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
	st := Statement{Account: acc, Year: year, Work: []HoursRow{}}
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT COALESCE(SUM(amount), 0) FROM tb_postings WHERE account_id = ? AND occurred_on < ?`, acc.ID, from).Scan(&st.Opening); err != nil {
		return st, err
	}
	st.Entries, err = s.entries(ctx, s.DB, `SELECT `+entryCols+` FROM tb_entries e WHERE e.occurred_on >= ? AND e.occurred_on < ?
		AND EXISTS (SELECT 1 FROM tb_postings ap WHERE ap.entry_id = e.id AND ap.account_id = ?) ORDER BY e.occurred_on, e.id`, []any{from, to, acc.ID}, acc.ID)
	if err != nil {
		return st, err
	}
	st.Closing = st.Opening
	for _, e := range st.Entries {
		st.Closing += e.Delta
		if e.Delta > 0 {
			st.Earned += e.Delta
		} else {
			st.Spent -= e.Delta
		}
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT worked_on, title, kind, source, minutes, reversed_entry_id IS NOT NULL FROM vol_hours WHERE account_id = ? AND worked_on >= ? AND worked_on < ?
		ORDER BY worked_on, id`, acc.ID, from, to)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var h HoursRow
		var kind, src string
		if err := rows.Scan(&h.WorkedOn, &h.Title, &kind, &src, &h.Minutes, &h.Reversed); err != nil {
			return st, err
		}
		h.KindName, h.SourceName, h.Hours = optionName(Kinds(), kind), optionName(HoursSources(), src), FormatMinutes(h.Minutes)
		if !h.Reversed {
			st.Minutes += h.Minutes
		}
		st.Work = append(st.Work, h)
	}
	st.Hours = FormatMinutes(st.Minutes)
	return st, rows.Err()
}

// Crediter credits the claimant of a confirmed wish (wish.HoursCrediter):
// when the wish was claimed by a roster member and the setting
// timebank.wish_minutes is above zero, that many minutes of 帮扶 are
// recorded on the confirmation day and earn at 帮扶's current rate. A wish
// is credited once (unique per wish); a wish claimed by a party
// organization only earns nothing.
type Crediter struct{ S *Service }

// CreditWish implements wish.HoursCrediter inside the confirming transaction.
func (c Crediter) CreditWish(ctx context.Context, tx *sql.Tx, w wish.Wish) error {
	if w.ClaimantMemberID == nil {
		return nil
	}
	s := c.S
	set, err := s.settings(ctx, tx)
	if err != nil {
		return err
	}
	if set.WishMinutes <= 0 {
		return nil
	}
	acc, err := s.memberAccount(ctx, tx, *w.ClaimantMemberID)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	}
	if err := s.lockAccount(ctx, tx, acc); err != nil {
		return err
	}
	on := s.today()
	if w.ConfirmedOn != nil {
		on = *w.ConfirmedOn
	}
	title := fmt.Sprintf("完成微心愿（编号 %d）", w.ID)
	hid, err := s.earnTx(ctx, tx, hoursInput{Account: acc, On: on, Minutes: int64(set.WishMinutes), Kind: KindAid, Title: title, Source: "wish", WishID: w.ID})
	if err != nil {
		return err
	}
	return s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_wish_credit", Entity: "vol_hours", EntityID: fmt.Sprint(hid),
		Note: fmt.Sprintf("%s %s，计入服务时长 %s 小时", w.ClaimantName, title, FormatMinutes(int64(set.WishMinutes)))})
}

// MinutesIn returns the confirmed volunteer minutes worked from from to to
// (both YYYY-MM-DD, inclusive) by accounts of regionCode and below, reversed
// hours left out. The monthly briefing reports it.
func (s *Service) MinutesIn(ctx context.Context, regionCode, from, to string) (int64, error) {
	var mins int64
	rc, ra := store.PrefixRange("a.region_code", regionCode)
	err := s.DB.QueryRow(ctx, s.DB, `SELECT COALESCE(SUM(h.minutes), 0) FROM vol_hours h JOIN tb_accounts a ON a.id = h.account_id
		WHERE h.reversed_entry_id IS NULL AND h.worked_on >= ? AND h.worked_on <= ? AND `+rc,
		append([]any{from, to}, ra...)...).Scan(&mins)
	if err != nil {
		return 0, fmt.Errorf("volunteer: minutes in %s %s..%s: %w", regionCode, from, to, err)
	}
	return mins, nil
}
