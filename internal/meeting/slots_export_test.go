package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"time"

	"liangxin/internal/partyorg"
)

// SlotTable is the compliance_slots table as text, one line per row, sorted.
func (s *Service) SlotTable(ctx context.Context) ([]string, error) {
	var out []string
	err := s.eachRow(ctx, `SELECT party_org_id, kind, slot_start, slot_end, required, held_capped, total, late, att_sum, att_n FROM compliance_slots`, nil,
		func(r *sql.Rows) error {
			var x slotRow
			if err := r.Scan(&x.org, &x.kind, &x.start, &x.end, &x.required, &x.held, &x.total, &x.late, &x.attSum, &x.attN); err != nil {
				return err
			}
			out = append(out, fmt.Sprintf("%d %s %s %s r%d h%d t%d l%d a%.9f/%d", x.org, x.kind, x.start, x.end, x.required, x.held, x.total, x.late, x.attSum, x.attN))
			return nil
		})
	sort.Strings(out)
	return out, err
}

// CheckSlots compares the compliance slots with orgCompliance, the
// per-party-organization computation, for every party organization (not
// 党小组) and every month, quarter and year of the years the table covers,
// and for every row's own window. It returns the differences (none when the
// table is right) and how many comparisons it made.
func (s *Service) CheckSlots(ctx context.Context) (diffs []string, n int, err error) {
	y0, y1, ok, err := s.slotYears(ctx, s.DB)
	if err != nil || !ok {
		return nil, 0, fmt.Errorf("slots not built: %v", err)
	}
	byOrg := map[int64][]slotRow{}
	err = s.eachRow(ctx, `SELECT party_org_id, kind, slot_start, slot_end, required, held_capped, total, late, att_sum, att_n FROM compliance_slots`, nil,
		func(r *sql.Rows) error {
			var x slotRow
			if err := r.Scan(&x.org, &x.kind, &x.start, &x.end, &x.required, &x.held, &x.total, &x.late, &x.attSum, &x.attN); err != nil {
				return err
			}
			byOrg[x.org] = append(byOrg[x.org], x)
			return nil
		})
	if err != nil {
		return nil, 0, err
	}
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return nil, 0, err
	}
	var orgs []poInfo
	err = s.eachRow(ctx, `SELECT p.id, p.name, p.kind, p.region_code, p.established_on, COALESCE(p.dissolved_on, ''), COALESCE(p.term_started_on, p.established_on) FROM party_orgs p`, nil,
		func(r *sql.Rows) error {
			var p poInfo
			if err := r.Scan(&p.ID, &p.Name, &p.Kind, &p.RegionCode, &p.Established, &p.Dissolved, &p.TermStarted); err != nil {
				return err
			}
			orgs = append(orgs, p)
			return nil
		})
	if err != nil {
		return nil, 0, err
	}
	first, last := fmt.Sprintf("%04d-01-01", y0), fmt.Sprintf("%04d-12-31", y1)
	set := orgSet{}
	for _, p := range orgs {
		set.ids = append(set.ids, p.ID)
	}
	facts, err := s.loadFacts(ctx, set, first, last, first, last)
	if err != nil {
		return nil, 0, err
	}
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	for _, p := range orgs {
		rows := byOrg[p.ID]
		if p.Kind == partyorg.KindGroup {
			if len(rows) > 0 {
				diffs = append(diffs, fmt.Sprintf("党小组 %d has %d rows", p.ID, len(rows)))
			}
			continue
		}
		ref := func(from, to string) OrgCompliance {
			oc, _, _ := orgCompliance(p, fs, day(from), day(to), facts.held[p.ID], facts.groups[p.ID], facts.terms[p.ID])
			return oc
		}
		// Every month, quarter and year: required and held per kind, the
		// meetings and attendance of a month.
		var windows [][2]string
		for y := y0; y <= y1; y++ {
			for m := 1; m <= 12; m++ {
				a := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
				windows = append(windows, [2]string{a.Format("2006-01-02"), a.AddDate(0, 1, -1).Format("2006-01-02")})
				if m%3 == 1 {
					windows = append(windows, [2]string{a.Format("2006-01-02"), a.AddDate(0, 3, -1).Format("2006-01-02")})
				}
			}
			windows = append(windows, [2]string{fmt.Sprintf("%04d-01-01", y), fmt.Sprintf("%04d-12-31", y)})
		}
		for _, w := range windows {
			oc := ref(w[0], w[1])
			n++
			req, held := map[string]int{}, map[string]int{}
			var meetings, attN int
			var attSum float64
			for _, r := range rows {
				if r.start >= w[0] && r.end <= w[1] {
					req[r.kind] += r.required
					held[r.kind] += r.held
					if r.kind == "" {
						meetings += r.total
						attSum += r.attSum
						attN += r.attN
					}
				}
			}
			for _, k := range oc.Kinds {
				if k.Required != req[k.Kind] || k.Held != held[k.Kind] {
					diffs = append(diffs, fmt.Sprintf("org %d %s %s..%s: required/held %d/%d, reference %d/%d", p.ID, k.Kind, w[0], w[1], req[k.Kind], held[k.Kind], k.Required, k.Held))
				}
				delete(req, k.Kind)
			}
			for k, v := range req {
				if k != "" && v != 0 {
					diffs = append(diffs, fmt.Sprintf("org %d %s %s..%s: required %d, not asked by the reference", p.ID, k, w[0], w[1], v))
				}
			}
			if w[0][5:7] == w[1][5:7] { // a month
				if meetings != oc.Meetings {
					diffs = append(diffs, fmt.Sprintf("org %d %s: %d meetings, reference %d", p.ID, w[0], meetings, oc.Meetings))
				}
				if (attN == 0) != (oc.Attendance == nil) || attN > 0 && math.Abs(attSum/float64(attN)-*oc.Attendance) > 1e-9 {
					diffs = append(diffs, fmt.Sprintf("org %d %s: attendance %v/%d, reference %v", p.ID, w[0], attSum, attN, oc.Attendance))
				}
			}
		}
		// Every row's own window: all and late meetings of its kind.
		for _, r := range rows {
			if r.kind == "" {
				continue
			}
			oc := ref(r.start, r.end)
			n++
			found := false
			for _, k := range oc.Kinds {
				if k.Kind == r.kind {
					found = true
					if k.Total != r.total || k.Late != r.late {
						diffs = append(diffs, fmt.Sprintf("org %d %s %s..%s: total/late %d/%d, reference %d/%d", p.ID, r.kind, r.start, r.end, r.total, r.late, k.Total, k.Late))
					}
				}
			}
			if !found {
				diffs = append(diffs, fmt.Sprintf("org %d %s %s..%s: a row the reference does not list", p.ID, r.kind, r.start, r.end))
			}
		}
	}
	return diffs, n, nil
}

// SetSlotsOff makes the paged report ignore the compliance slots (the
// computation from the meetings) until the returned func restores it.
func SetSlotsOff(v bool) func() {
	old := slotsOff
	slotsOff = v
	return func() { slotsOff = old }
}

// SetRollupOff makes the paged report's summary read the compliance slots
// instead of the rollup until the returned func restores it.
func SetRollupOff(v bool) func() {
	old := rollupOff
	rollupOff = v
	return func() { rollupOff = old }
}

// RollupTable is the compliance rollup, one line a row in key order
// (attendance sums rounded: the writers' additions and subtractions and a
// rebuild's sum may differ in the last bits), for comparing a kept table
// with a rebuild.
func (s *Service) RollupTable(ctx context.Context) ([]string, error) {
	var out []string
	err := s.eachRow(ctx, `SELECT street, slot_start, org_kind, kind, slot_end, slots, required, held_capped, total, att_sum, att_n FROM compliance_rollup
		ORDER BY street, slot_start, org_kind, kind, slot_end`, nil, func(r *sql.Rows) error {
		var st, ss, ok, k, se string
		var n, rq, h, t, an int64
		var as float64
		if err := r.Scan(&st, &ss, &ok, &k, &se, &n, &rq, &h, &t, &as, &an); err != nil {
			return err
		}
		if math.Abs(as) < 5e-10 {
			as = 0 // -0 and the last bits of additions and subtractions
		}
		out = append(out, fmt.Sprintf("sum %s %s %s %s %s %d %d %d %d %.9f %d", st, ss, ok, k, se, n, rq, h, t, as, an))
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT street, slot_start, org_kind, what, slot_end, prev, orgs FROM compliance_rollup_counts
		ORDER BY street, slot_start, org_kind, what, slot_end, prev`, nil, func(r *sql.Rows) error {
		var st, ss, ok, w, se, pv string
		var n int64
		if err := r.Scan(&st, &ss, &ok, &w, &se, &pv, &n); err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("orgs %s %s %s %s %s %q %d", st, ss, ok, w, se, pv, n))
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT party_org_id, street, org_kind FROM compliance_rollup_orgs ORDER BY party_org_id`, nil, func(r *sql.Rows) error {
		var id int64
		var st, ok string
		if err := r.Scan(&id, &st, &ok); err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("as %d %s %s", id, st, ok))
		return nil
	})
	return out, err
}

// ComplianceRowsFromSlots is the rows ExportCompliance streams from the
// slots for f (a period the slots serve).
func (s *Service) ComplianceRowsFromSlots(ctx context.Context, f ReportFilter) ([]OrgCompliance, error) {
	from, to, err := checkRange(f)
	if err != nil {
		return nil, err
	}
	out := []OrgCompliance{}
	err = s.eachComplianceRowSQL(ctx, f, from, to, func(o OrgCompliance) error { out = append(out, o); return nil })
	return out, err
}

// SetRowChunk sets how many party organizations a step of the export and
// the laggards completes until the returned func restores it.
func SetRowChunk(n int) func() {
	old := rowChunk
	rowChunk = n
	return func() { rowChunk = old }
}

// SetRegionPageOff makes a page by region come from the aggregate over the
// scope's slots until the returned func restores it.
func SetRegionPageOff(v bool) func() {
	old := regionPageOff
	regionPageOff = v
	return func() { regionPageOff = old }
}

// SetNameDescScan makes the page by name descending keep its ties in
// ascending order, as before h-sort (no index serves that walk): the
// benchmark's "before".
func SetNameDescScan(v bool) func() {
	old := nameDescScan
	nameDescScan = v
	return func() { nameDescScan = old }
}
