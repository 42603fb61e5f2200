package dangtong

import (
	"context"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
)

// Count is a named count.
type Count struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// YearCount is what happened in one year of the period.
type YearCount struct {
	Year      string `json:"year"`
	Developed int    `json:"developed"` // 发展: admitted as 预备党员 (step 17 approved)
	Confirmed int    `json:"confirmed"` // 转正 (step 24 approved)
}

// Period are the counts beside the tables for a period [From, To].
type Period struct {
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	From       string `json:"from"`
	To         string `json:"to"`
	// NewPartyOrgs: party organizations (党委, 党总支, 党支部) set up in the
	// period, by formation (the seeds' "88 = 26 单建 + 62 联建") and by kind.
	NewPartyOrgs int     `json:"new_party_orgs"`
	ByFormation  []Count `json:"by_formation"`
	ByKind       []Count `json:"by_kind"`
	// Developed and Confirmed: 发展 and 转正 in the period, per calendar year.
	Developed int         `json:"developed"`
	Confirmed int         `json:"confirmed"`
	ByYear    []YearCount `json:"by_year"`
	// Renewals: 换届 (elections) held in the period.
	Renewals int `json:"renewals"`
}

// develop steps whose approval dates count (internal/develop).
const (
	stepAdmitted  = 17 // 上级党委审批 → 预备党员
	stepConfirmed = 24 // 上级党委审批转正
)

// Period counts new party organizations, 发展/转正 and 换届 in a region
// between from and to (both included; defaults: 1 January of this year and today).
func (s *Service) Period(ctx context.Context, regionCode, from, to string) (Period, error) {
	sc, err := s.Cover.ScopeOf(ctx, regionCode, to)
	if err != nil {
		return Period{}, err
	}
	to = sc.Day
	if from == "" {
		from = to[:4] + "-01-01"
	} else if from, err = civil.Day("from", from); err != nil {
		return Period{}, apperr.InvalidField("from", "起始日期格式应为 YYYY-MM-DD")
	}
	if from > to {
		return Period{}, apperr.InvalidField("from", "起始日期不能晚于截止日期")
	}
	where, args, err := partyOrgScope(ctx, sc.Region.Code)
	if err != nil {
		return Period{}, err
	}
	out := Period{RegionCode: sc.Region.Code, RegionName: sc.Region.Name, From: from, To: to, ByFormation: []Count{}, ByKind: []Count{}, ByYear: []YearCount{}}
	byFormation, byKind := map[string]int{}, map[string]int{}
	years := map[string]*YearCount{}
	year := func(y string) *YearCount {
		if years[y] == nil {
			years[y] = &YearCount{Year: y}
		}
		return years[y]
	}
	err = s.DB.Report(ctx, func(q store.Querier) error {
		rows, err := s.DB.Query(ctx, q, `SELECT p.kind, p.formation, COUNT(*) FROM party_orgs p WHERE p.kind IN (?, ?, ?)
			AND p.established_on >= ? AND p.established_on <= ? AND `+where+` GROUP BY p.kind, p.formation`,
			append([]any{partyorg.KindCommittee, partyorg.KindGeneralBranch, partyorg.KindBranch, from, to}, args...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var kind, formation string
			var n int
			if err := rows.Scan(&kind, &formation, &n); err != nil {
				rows.Close()
				return err
			}
			out.NewPartyOrgs += n
			byFormation[formation] += n
			byKind[kind] += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = s.DB.Query(ctx, q, `SELECT t.step, SUBSTR(t.done_on, 1, 4), COUNT(*) FROM dev_steps t JOIN dev_people d ON d.id = t.person_id
			JOIN party_orgs p ON p.id = d.party_org_id WHERE t.step IN (?, ?) AND t.done_on >= ? AND t.done_on <= ? AND `+where+`
			GROUP BY t.step, SUBSTR(t.done_on, 1, 4)`, append([]any{stepAdmitted, stepConfirmed, from, to}, args...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var step, n int
			var y string
			if err := rows.Scan(&step, &y, &n); err != nil {
				rows.Close()
				return err
			}
			if step == stepAdmitted {
				year(y).Developed += n
				out.Developed += n
			} else {
				year(y).Confirmed += n
				out.Confirmed += n
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM elections e JOIN party_orgs p ON p.id = e.party_org_id
			WHERE e.held_on >= ? AND e.held_on <= ? AND `+where, append([]any{from, to}, args...)...).Scan(&out.Renewals)
	})
	if err != nil {
		return Period{}, err
	}
	for _, f := range partyorg.Formations() {
		out.ByFormation = append(out.ByFormation, Count{Code: f.Code, Name: f.Name, Count: byFormation[f.Code]})
	}
	for _, k := range partyorg.Kinds() {
		if k.Code != partyorg.KindGroup {
			out.ByKind = append(out.ByKind, Count{Code: k.Code, Name: k.Name, Count: byKind[k.Code]})
		}
	}
	for y := from[:4]; y <= to[:4]; y = next(y) {
		out.ByYear = append(out.ByYear, *year(y))
	}
	return out, nil
}

// next is the year after y (four digits).
func next(y string) string {
	b := []byte(y)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}
