package funds

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"

	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Form is a party organization's kind and formation over [From, To).
type Form struct {
	From, To  string // To "" when open
	Kind      string
	Formation string
}

// formOn returns the kind and formation on day d: the history row that
// covers d, else the organization's current columns.
func formOn(hist []Form, cur partyOrg, d string) (string, string) {
	for _, h := range hist {
		if h.From <= d && (h.To == "" || d < h.To) {
			return h.Kind, h.Formation
		}
	}
	return cur.Kind, cur.Formation
}

func exists(p partyOrg, d string) bool {
	return p.Established <= d && (p.Dissolved == "" || d < p.Dissolved)
}

// MonthPart is one month's share under the by-months rule, or the whole
// year under the whole-year rule (Month 0).
type MonthPart struct {
	Month       int    `json:"month"`
	Kind        string `json:"kind"`
	Formation   string `json:"formation"`
	RateCents   int64  `json:"rate_cents"` // the yearly rate that applied
	Description string `json:"description"`
}

// Computed is the entitlement of one party organization for a year, with
// its breakdown. All amounts in 分.
type Computed struct {
	PartyOrgID    int64
	Months        int // months counted (12 under the whole-year rule when it existed)
	Parts         []MonthPart
	StandardCents int64
	StartupCents  int64
	DuesCents     int64
	ReturnedCents int64
	MatchedCents  int64
	TotalCents    int64
}

// Compute is the entitlement of p for the year under st, given its form
// history and the dues collected from its members in the year. It reads
// nothing and is deterministic.
//
// Standard amount. By months: a month counts when the organization exists
// on its 1st day (established on or before it, not dissolved on or before
// it); the month's share is the yearly rate of the kind and formation it has
// on that 1st day; the sum of the counted months' yearly rates is divided by
// 12 once, rounded half up to the 分. Whole year: when the organization
// exists on any day of the year, the full yearly rate of the kind and
// formation it has on the last day of the year it exists.
// 启动经费: once, when it was established in the year. Dues: collected ×
// return ratio and collected × matching ratio, each rounded half up.
func Compute(st Standard, p partyOrg, hist []Form, duesCents int64) Computed {
	c := Computed{PartyOrgID: p.ID, DuesCents: duesCents}
	y := st.Year
	first, last := fmt.Sprintf("%04d-01-01", y), fmt.Sprintf("%04d-12-31", y)
	switch st.Proration {
	case ProrateYear:
		end := last
		if p.Dissolved != "" && p.Dissolved <= last {
			t, _ := civil.Read(p.Dissolved)
			end = t.AddDate(0, 0, -1).Format(civil.Layout)
		}
		if end >= first && p.Established <= end {
			k, f := formOn(hist, p, end)
			r := st.rate(k, f)
			c.Months = 12
			c.StandardCents = r
			c.Parts = append(c.Parts, MonthPart{Month: 0, Kind: k, Formation: f, RateCents: r,
				Description: fmt.Sprintf("全年：%s·%s %s 元", optionName(Kinds(), k), optionName(Formations(), f), FormatYuan(r))})
		}
	default:
		var sum int64
		for m := 1; m <= 12; m++ {
			d := fmt.Sprintf("%04d-%02d-01", y, m)
			if !exists(p, d) {
				continue
			}
			k, f := formOn(hist, p, d)
			r := st.rate(k, f)
			sum += r
			c.Months++
			c.Parts = append(c.Parts, MonthPart{Month: m, Kind: k, Formation: f, RateCents: r,
				Description: fmt.Sprintf("%d 月：%s·%s 年标准 %s 元的 1/12", m, optionName(Kinds(), k), optionName(Formations(), f), FormatYuan(r))})
		}
		c.StandardCents = MulRatio(sum, 1, 12)
	}
	if p.Established >= first && p.Established <= last {
		c.StartupCents = st.StartupCents
	}
	c.ReturnedCents = MulRatio(duesCents, st.ReturnRatio.Num, st.ReturnRatio.Den)
	c.MatchedCents = MulRatio(duesCents, st.MatchRatio.Num, st.MatchRatio.Den)
	c.TotalCents = c.StandardCents + c.StartupCents + c.ReturnedCents + c.MatchedCents
	return c
}

// yearOrgs loads the party organizations in the caller's scope that exist
// on some day of the year and receive funds (not 党小组), with their form
// history and the dues collected from their members in the year.
func (s *Service) yearOrgs(ctx context.Context, q store.Querier, year int) ([]partyOrg, map[int64][]Form, map[int64]int64, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return nil, nil, nil, err
	}
	first, last := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	rows, err := s.DB.Query(ctx, q, `SELECT p.id, p.name, p.kind, p.formation, p.region_code, p.established_on, COALESCE(p.dissolved_on, '')
		FROM party_orgs p WHERE p.kind IN ('committee', 'general_branch', 'branch') AND p.established_on <= ?
		AND (p.dissolved_on IS NULL OR p.dissolved_on > ?) AND `+cond+` ORDER BY p.id`, append([]any{last, first}, args...)...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("funds: year orgs: %w", err)
	}
	var orgs []partyOrg
	for rows.Next() {
		var p partyOrg
		if err := rows.Scan(&p.ID, &p.Name, &p.Kind, &p.Formation, &p.RegionCode, &p.Established, &p.Dissolved); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		orgs = append(orgs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	hist := map[int64][]Form{}
	rows, err = s.DB.Query(ctx, q, `SELECT h.party_org_id, h.valid_from, h.valid_to, h.kind, h.formation FROM party_org_form_history h
		JOIN party_orgs p ON p.id = h.party_org_id WHERE h.valid_from <= ? AND h.valid_to > ? AND `+cond+` ORDER BY h.party_org_id, h.valid_from`,
		append([]any{last, first}, args...)...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("funds: form history: %w", err)
	}
	for rows.Next() {
		var id int64
		var f Form
		if err := rows.Scan(&id, &f.From, &f.To, &f.Kind, &f.Formation); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		hist[id] = append(hist[id], f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	dues := map[int64]int64{}
	rows, err = s.DB.Query(ctx, q, `SELECT m.party_org_id, COALESCE(SUM(d.amount_cents), 0) FROM dues_payments d JOIN members m ON m.id = d.member_id
		JOIN party_orgs p ON p.id = m.party_org_id WHERE d.year = ? AND `+cond+` GROUP BY m.party_org_id`, append([]any{year}, args...)...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("funds: dues: %w", err)
	}
	for rows.Next() {
		var id, c int64
		if err := rows.Scan(&id, &c); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		dues[id] = c
	}
	rows.Close()
	return orgs, hist, dues, rows.Err()
}

// RecomputeResult says what a recompute did.
type RecomputeResult struct {
	Year         int    `json:"year"`
	Version      int    `json:"standard_version"`
	PartyOrgs    int    `json:"party_orgs"`
	Adjusted     int    `json:"adjusted"` // journal entries posted
	TotalCents   int64  `json:"total_cents"`
	Total        string `json:"total"`
	AdjustCents  int64  `json:"adjust_cents"` // net change posted
	AdjustAmount string `json:"adjust"`
}

// Recompute computes the year's entitlement of every party organization in
// the caller's scope from the ledger as it stands and the year's standard,
// keeps the breakdown, and posts the difference from what the journal
// already holds as an entitlement entry (Dr entitlement, Cr pool; a
// decrease the other way round). Running it again with nothing changed
// posts nothing.
func (s *Service) Recompute(ctx context.Context, year int) (RecomputeResult, error) {
	if err := CheckYear("year", year); err != nil {
		return RecomputeResult{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (RecomputeResult, error) {
		st, err := s.standard(ctx, tx, year)
		if err != nil {
			return RecomputeResult{}, err
		}
		orgs, hist, dues, err := s.yearOrgs(ctx, tx, year)
		if err != nil {
			return RecomputeResult{}, err
		}
		// Party organizations in scope that had an entitlement posted but
		// no longer exist in the year (dates corrected) are brought to zero.
		posted, err := s.postedEntitlements(ctx, tx, year)
		if err != nil {
			return RecomputeResult{}, err
		}
		kept, err := s.snapshots(ctx, tx, year)
		if err != nil {
			return RecomputeResult{}, err
		}
		res := RecomputeResult{Year: year, Version: st.Version, PartyOrgs: len(orgs)}
		seen := map[int64]bool{}
		now, today := s.stamp(), s.today()
		for _, p := range orgs {
			seen[p.ID] = true
			c := Compute(st, p, hist[p.ID], dues[p.ID])
			detail, _ := json.Marshal(c.Parts)
			res.TotalCents += c.TotalCents
			snap := fmt.Sprint(st.Version, c.Months, c.StandardCents, c.StartupCents, c.DuesCents, c.ReturnedCents, c.MatchedCents, c.TotalCents, string(detail))
			if kept[p.ID] == snap && posted[p.ID] == c.TotalCents {
				continue // unchanged: nothing to write
			}
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO funds_entitlements (year, party_org_id, standard_version, months, standard_cents, startup_cents, dues_cents,
				returned_cents, matched_cents, total_cents, detail, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (year, party_org_id) DO UPDATE SET standard_version = excluded.standard_version, months = excluded.months,
				standard_cents = excluded.standard_cents, startup_cents = excluded.startup_cents, dues_cents = excluded.dues_cents,
				returned_cents = excluded.returned_cents, matched_cents = excluded.matched_cents, total_cents = excluded.total_cents,
				detail = excluded.detail, computed_at = excluded.computed_at`,
				year, p.ID, st.Version, c.Months, c.StandardCents, c.StartupCents, c.DuesCents, c.ReturnedCents, c.MatchedCents, c.TotalCents,
				string(detail), now); err != nil {
				return RecomputeResult{}, fmt.Errorf("funds: keep entitlement: %w", err)
			}
			if d := c.TotalCents - posted[p.ID]; d != 0 {
				if err := s.postEntitlement(ctx, tx, year, p.ID, d, today, fmt.Sprintf("按 %d 年度经费标准第 %d 版核定", year, st.Version)); err != nil {
					return RecomputeResult{}, err
				}
				res.Adjusted++
				res.AdjustCents += d
			}
		}
		var gone []int64
		for id := range posted {
			if !seen[id] && posted[id] != 0 {
				gone = append(gone, id)
			}
		}
		sort.Slice(gone, func(i, j int) bool { return gone[i] < gone[j] })
		for _, id := range gone {
			if err := s.postEntitlement(ctx, tx, year, id, -posted[id], today, "该年度不再存续，核减应拨"); err != nil {
				return RecomputeResult{}, err
			}
			if _, err := s.DB.Exec(ctx, tx, `DELETE FROM funds_entitlements WHERE year = ? AND party_org_id = ?`, year, id); err != nil {
				return RecomputeResult{}, err
			}
			res.Adjusted++
			res.AdjustCents -= posted[id]
		}
		res.Total, res.AdjustAmount = FormatYuan(res.TotalCents), FormatYuan(res.AdjustCents)
		return res, s.Audit.Record(ctx, tx, audit.Entry{Action: "funds_recompute", Entity: "funds", EntityID: fmt.Sprint(year), After: res})
	})
}

// postedEntitlements sums the entitlement entries of the year per party
// organization in the caller's scope.
func (s *Service) postedEntitlements(ctx context.Context, q store.Querier, year int) (map[int64]int64, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "e.party_org_id")
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, q, `SELECT e.party_org_id, SUM(e.amount_cents) FROM funds_entries e WHERE e.year = ? AND e.kind = 'entitlement' AND `+cond+`
		GROUP BY e.party_org_id`, append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, c int64
		if err := rows.Scan(&id, &c); err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, rows.Err()
}

// snapshots reads the kept entitlements of the year in the caller's scope,
// each as one comparable string.
func (s *Service) snapshots(ctx context.Context, q store.Querier, year int) (map[int64]string, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "f.party_org_id")
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, q, `SELECT f.party_org_id, f.standard_version, f.months, f.standard_cents, f.startup_cents, f.dues_cents, f.returned_cents,
		f.matched_cents, f.total_cents, f.detail FROM funds_entitlements f WHERE f.year = ? AND `+cond, append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id, std, start, dues, ret, match, total int64
		var version, months int
		var detail string
		if err := rows.Scan(&id, &version, &months, &std, &start, &dues, &ret, &match, &total, &detail); err != nil {
			return nil, err
		}
		out[id] = fmt.Sprint(version, months, std, start, dues, ret, match, total, detail)
	}
	return out, rows.Err()
}
