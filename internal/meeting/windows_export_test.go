package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"math"
)

// WindowsTable lists the stored year-to-date window sums, for comparing a
// rebuild with the table the writers kept.
func (s *Service) WindowsTable(ctx context.Context) ([]string, error) { return s.windowsTable(ctx) }

// CheckWindows compares the stored window sums with the sums of the slots
// wholly inside each year-to-date window of the years covered, summed in
// SQL (the aggregate the paged report runs), for every party organization
// counted there, and the copied region code and name with party_orgs.
func (s *Service) CheckWindows(ctx context.Context) (diffs []string, n int, err error) {
	y0, y1, ok, err := s.slotYears(ctx, s.DB)
	if err != nil || !ok {
		return nil, 0, fmt.Errorf("slots not built: %v", err)
	}
	stored := map[string]windowRow{}
	err = s.eachRow(ctx, `SELECT party_org_id, win_to, region_code, name, required, held_capped, meetings, att_sum, att_n, rate, attendance, status
		FROM compliance_org_windows`, nil, func(r *sql.Rows) error {
		var w windowRow
		if err := r.Scan(&w.org, &w.to, &w.region, &w.name, &w.required, &w.held, &w.mtgs, &w.attSum, &w.attN, &w.rate, &w.attendance, &w.status); err != nil {
			return err
		}
		stored[fmt.Sprint(w.org, w.to)] = w
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	seen := map[string]bool{}
	for y := y0; y <= y1; y++ {
		for m := 1; m <= 12; m++ {
			from, to := fmt.Sprintf("%04d-01-01", y), monthEnd(y, m)
			err := s.eachRow(ctx, `SELECT a.id, p.region_code, p.name, a.r, a.h, a.m, a.asum, a.an FROM (`+slotAgg(`1=1`)+`) a JOIN party_orgs p ON p.id = a.id`,
				[]any{from, to, to}, func(r *sql.Rows) error {
					var w windowRow
					if err := r.Scan(&w.org, &w.region, &w.name, &w.required, &w.held, &w.mtgs, &w.attSum, &w.attN); err != nil {
						return err
					}
					n++
					key := fmt.Sprint(w.org, to)
					seen[key] = true
					got, ok := stored[key]
					if !ok {
						diffs = append(diffs, fmt.Sprintf("%d %s: no stored row, want %+v", w.org, to, w))
						return nil
					}
					st, rate, att := windowNone, -1.0, -1.0
					if w.required > 0 {
						rate = float64(w.held) / float64(w.required)
						st = windowIncomplete
						if w.held >= w.required {
							st = windowComplete
						}
					}
					if w.attN > 0 {
						att = w.attSum / float64(w.attN)
					}
					if got.region != w.region || got.name != w.name || got.required != w.required || got.held != w.held || got.mtgs != w.mtgs ||
						got.attN != w.attN || math.Abs(got.attSum-w.attSum) > 1e-9 || got.rate != rate || math.Abs(got.attendance-att) > 1e-12 || got.status != st {
						diffs = append(diffs, fmt.Sprintf("%d %s: stored %+v, the slots give %+v (rate %v, attendance %v, status %d)", w.org, to, got, w, rate, att, st))
					}
					return nil
				})
			if err != nil {
				return nil, 0, err
			}
		}
	}
	for key, w := range stored {
		if !seen[key] {
			diffs = append(diffs, fmt.Sprintf("%d %s: stored %+v, not counted in the slots", w.org, w.to, w))
		}
	}
	return diffs, n, nil
}

// SetWindowsOff makes the figure pages sort the aggregate over the slots
// instead of walking the stored window sums until the returned func
// restores it.
func SetWindowsOff(v bool) func() {
	old := windowsOff
	windowsOff = v
	return func() { windowsOff = old }
}

// SetWindowsWriteOff makes the writers leave the window sums alone (the
// benchmark's write "before") until the returned func restores it.
func SetWindowsWriteOff(v bool) func() {
	old := windowsWriteOff
	windowsWriteOff = v
	return func() { windowsWriteOff = old }
}
