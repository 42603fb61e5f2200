package dues

import (
	"context"
	"database/sql"
	"liangxin/internal/civil"
)

// OnTimeRate is the share (0–1) of the member-months due in a party
// organization over a period that were paid on time: paid (or 免交) no later
// than the last day of the month they are for. A month is due from the month
// of the member's 入党日期, for the active members of the party organization
// itself; only months wholly inside the period count. With nothing due the
// rate is 1 (nothing was late). It feeds the assessment's dues indicator.
func (s *Service) OnTimeRate(ctx context.Context, partyOrgID int64, from, to string) (float64, error) {
	f, err := civil.Read(from)
	if err != nil {
		return 0, err
	}
	t, err := civil.Read(to)
	if err != nil {
		return 0, err
	}
	first := MonthOf(f.Year(), int(f.Month()))
	if f.Day() != 1 {
		first++
	}
	last := MonthOf(t.Year(), int(t.Month()))
	if t.AddDate(0, 0, 1).Day() != 1 { // not the month's last day
		last--
	}
	if last < first {
		return 1, nil
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT m.id, m.joined_on, p.year, p.month, p.paid_on FROM members m
		LEFT JOIN dues_payments p ON p.member_id = m.id AND (p.year * 12 + p.month - 1) BETWEEN ? AND ?
		WHERE m.party_org_id = ? AND m.status = 'active' AND m.joined_on IS NOT NULL`, int(first), int(last), partyOrgID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	joined := map[int64]Month{}
	onTime := 0
	for rows.Next() {
		var id int64
		var j string
		var year, month sql.NullInt64
		var paid sql.NullString
		if err := rows.Scan(&id, &j, &year, &month, &paid); err != nil {
			return 0, err
		}
		jm := monthOfDate(j)
		joined[id] = jm
		if !year.Valid {
			continue
		}
		m := MonthOf(int(year.Int64), int(month.Int64))
		if m >= jm && monthOfDate(paid.String) <= m {
			onTime++
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	due := 0
	for _, jm := range joined {
		start := first
		if jm > start {
			start = jm
		}
		if last >= start {
			due += int(last-start) + 1
		}
	}
	if due == 0 {
		return 1, nil
	}
	return float64(onTime) / float64(due), nil
}
