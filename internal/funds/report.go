package funds

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"liangxin/internal/store"
)

// Row is one party organization's position for a year (分 and 元 text).
type Row struct {
	PartyOrgID      int64  `json:"party_org_id"`
	PartyOrgName    string `json:"party_org_name"`
	Kind            string `json:"kind"`
	Formation       string `json:"formation"`
	StreetCode      string `json:"street_code"`
	StreetName      string `json:"street_name"`
	Months          int    `json:"months"`
	StandardCents   int64  `json:"standard_cents"`
	StartupCents    int64  `json:"startup_cents"`
	DuesCents       int64  `json:"dues_cents"`
	ReturnedCents   int64  `json:"returned_cents"`
	MatchedCents    int64  `json:"matched_cents"`
	EntitledCents   int64  `json:"entitled_cents"` // as posted in the journal
	AllocatedCents  int64  `json:"allocated_cents"`
	GrantedCents    int64  `json:"granted_cents"`
	SpentCents      int64  `json:"spent_cents"`
	OutstandingCent int64  `json:"outstanding_cents"`
	BalanceCents    int64  `json:"balance_cents"`
	Detail          string `json:"detail"` // the month rule's breakdown, JSON
}

// Totals are the sums of a group of rows.
type Totals struct {
	Code            string `json:"code"`
	Name            string `json:"name"`
	PartyOrgs       int    `json:"party_orgs"`
	StandardCents   int64  `json:"standard_cents"`
	StartupCents    int64  `json:"startup_cents"`
	DuesCents       int64  `json:"dues_cents"`
	ReturnedCents   int64  `json:"returned_cents"`
	MatchedCents    int64  `json:"matched_cents"`
	EntitledCents   int64  `json:"entitled_cents"`
	AllocatedCents  int64  `json:"allocated_cents"`
	GrantedCents    int64  `json:"granted_cents"`
	SpentCents      int64  `json:"spent_cents"`
	OutstandingCent int64  `json:"outstanding_cents"`
	BalanceCents    int64  `json:"balance_cents"`
}

func (t *Totals) add(r Row) {
	t.PartyOrgs++
	t.StandardCents += r.StandardCents
	t.StartupCents += r.StartupCents
	t.DuesCents += r.DuesCents
	t.ReturnedCents += r.ReturnedCents
	t.MatchedCents += r.MatchedCents
	t.EntitledCents += r.EntitledCents
	t.AllocatedCents += r.AllocatedCents
	t.GrantedCents += r.GrantedCents
	t.SpentCents += r.SpentCents
	t.OutstandingCent += r.OutstandingCent
	t.BalanceCents += r.BalanceCents
}

// Report is the year's funds position in the caller's scope (optionally a
// region subtree): one row per party organization, grouped by street.
type Report struct {
	Year       int      `json:"year"`
	RegionCode string   `json:"region_code"`
	Rows       []Row    `json:"rows"`
	Streets    []Totals `json:"streets"`
	Total      Totals   `json:"total"`
	// Incubation is the total granted from the 孵化发展基金 in the year.
	IncubationCents int64 `json:"incubation_cents"`
}

// streetOf is the street (乡镇/街道, 9-digit code) of a region code; a
// county-level code is its own group.
func streetOf(code string) string {
	if len(code) >= 9 {
		return code[:9]
	}
	return code
}

// GetReport builds the year's report. Party organizations with an
// entitlement computed or a journal entry in the year are listed.
func (s *Service) GetReport(ctx context.Context, year int, regionCode string) (Report, error) {
	ctx = store.WithOp(ctx, "funds.GetReport")
	if err := CheckYear("year", year); err != nil {
		return Report{}, err
	}
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return Report{}, err
	}
	regionCode = strings.TrimSpace(regionCode)
	regionCond := "1=1"
	if regionCode != "" {
		var ra []any
		regionCond, ra = store.PrefixRange("p.region_code", regionCode)
		args = append(args, ra...)
	}
	rep := Report{Year: year, RegionCode: regionCode, Rows: []Row{}, Streets: []Totals{}}
	byID := map[int64]*Row{}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT p.id, p.name, p.kind, p.formation, p.region_code,
		COALESCE(f.months, 0), COALESCE(f.standard_cents, 0), COALESCE(f.startup_cents, 0), COALESCE(f.dues_cents, 0), COALESCE(f.returned_cents, 0),
		COALESCE(f.matched_cents, 0), COALESCE(f.detail, '')
		FROM party_orgs p LEFT JOIN funds_entitlements f ON f.party_org_id = p.id AND f.year = ?
		WHERE (f.id IS NOT NULL OR EXISTS (SELECT 1 FROM funds_entries e WHERE e.party_org_id = p.id AND e.year = ?)) AND `+cond+` AND `+regionCond+`
		ORDER BY p.region_code, p.name, p.id`, append([]any{year, year}, args...)...)
	if err != nil {
		return Report{}, fmt.Errorf("funds: report: %w", err)
	}
	var list []Row
	for rows.Next() {
		var r Row
		var region string
		if err := rows.Scan(&r.PartyOrgID, &r.PartyOrgName, &r.Kind, &r.Formation, &region, &r.Months, &r.StandardCents, &r.StartupCents, &r.DuesCents,
			&r.ReturnedCents, &r.MatchedCents, &r.Detail); err != nil {
			rows.Close()
			return Report{}, err
		}
		r.StreetCode = streetOf(region)
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Report{}, err
	}
	for i := range list {
		byID[list[i].PartyOrgID] = &list[i]
	}
	prow, err := s.DB.Query(ctx, s.DB, `SELECT x.party_org_id, x.account, e.kind, SUM(x.amount_cents) FROM funds_postings x JOIN funds_entries e ON e.id = x.entry_id
		WHERE x.year = ? AND x.party_org_id IS NOT NULL GROUP BY x.party_org_id, x.account, e.kind`, year)
	if err != nil {
		return Report{}, err
	}
	for prow.Next() {
		var id, amt int64
		var acc, kind string
		if err := prow.Scan(&id, &acc, &kind, &amt); err != nil {
			prow.Close()
			return Report{}, err
		}
		r := byID[id]
		if r == nil {
			continue
		}
		switch {
		case acc == AccEntitlement && kind == EntryEntitlement:
			r.EntitledCents += amt
		case acc == AccEntitlement && kind == EntryAllocation:
			r.AllocatedCents -= amt
		case acc == AccBalance && kind == EntryGrant:
			r.GrantedCents += amt
			rep.IncubationCents += amt
		case acc == AccBalance && kind == EntrySpending:
			r.SpentCents -= amt
		}
		switch acc {
		case AccEntitlement:
			r.OutstandingCent += amt
		case AccBalance:
			r.BalanceCents += amt
		}
	}
	prow.Close()
	if err := prow.Err(); err != nil {
		return Report{}, err
	}
	names, err := s.regionNames(ctx, list)
	if err != nil {
		return Report{}, err
	}
	streets := map[string]*Totals{}
	var order []string
	for i := range list {
		r := &list[i]
		r.StreetName = names[r.StreetCode]
		t := streets[r.StreetCode]
		if t == nil {
			t = &Totals{Code: r.StreetCode, Name: r.StreetName}
			streets[r.StreetCode] = t
			order = append(order, r.StreetCode)
		}
		t.add(*r)
		rep.Total.add(*r)
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].StreetCode < list[j].StreetCode })
	sort.Strings(order)
	for _, c := range order {
		rep.Streets = append(rep.Streets, *streets[c])
	}
	rep.Total.Name = "合计"
	if list != nil {
		rep.Rows = list
	}
	return rep, nil
}

func (s *Service) regionNames(ctx context.Context, list []Row) (map[string]string, error) {
	out := map[string]string{}
	var codes []any
	for _, r := range list {
		if _, ok := out[r.StreetCode]; !ok {
			out[r.StreetCode] = r.StreetCode
			codes = append(codes, r.StreetCode)
		}
	}
	if len(codes) == 0 {
		return out, nil
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT code, name FROM regions WHERE code IN (`+strings.TrimSuffix(strings.Repeat("?,", len(codes)), ",")+`)`, codes...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}
