package meeting

import (
	"context"
	"database/sql"
	"sort"
	"time"

	"liangxin/internal/partyorg"
)

// The export and the laggards from the compliance slots (h-rollup): for
// the periods the slots serve (whole months of the covered years), the
// party organizations a report lists and their order come from the slots,
// and their full rows (kinds, missing items) are computed 500 at a time
// through complianceOf, as a page's are — the scope's meetings are never
// all in memory. Other periods are computed from the meetings as before.

// rowChunk is how many party organizations one step of the export or the
// laggards completes.
var rowChunk = 500

// slotAgg is the per-party-organization sums of the slots wholly inside
// [from, to] of the party organizations matching idCond (a condition on
// s.party_org_id), those with something required or held only.
func slotAgg(idCond string) string {
	return `SELECT s.party_org_id AS id, SUM(s.required) AS r, SUM(s.held_capped) AS h,
		SUM(CASE WHEN s.kind = '' THEN s.total ELSE 0 END) AS m,
		SUM(CASE WHEN s.kind = '' THEN s.att_sum ELSE 0 END) AS asum,
		SUM(CASE WHEN s.kind = '' THEN s.att_n ELSE 0 END) AS an
		FROM compliance_slots s WHERE ` + idCond + ` AND s.slot_start >= ? AND s.slot_start <= ? AND s.slot_end <= ?
		GROUP BY s.party_org_id HAVING SUM(s.required) > 0 OR SUM(CASE WHEN s.kind = '' THEN s.total ELSE 0 END) > 0`
}

const indexCols = `p.id, p.name, p.kind, p.region_code, p.established_on, COALESCE(p.dissolved_on, ''), COALESCE(p.term_started_on, p.established_on),
	a.r, a.h, a.m, a.asum, a.an`

func scanIndexRow(r *sql.Rows) (indexRow, error) {
	var x indexRow
	err := r.Scan(&x.P.ID, &x.P.Name, &x.P.Kind, &x.P.RegionCode, &x.P.Established, &x.P.Dissolved, &x.P.TermStarted,
		&x.Required, &x.Held, &x.Meetings, &x.AttSum, &x.AttN)
	return x, err
}

// fillRows completes rows rowChunk at a time and passes them to yield.
func (s *Service) fillRows(ctx context.Context, rows []indexRow, fs frequencies, from, to time.Time, yield func(OrgCompliance) error) error {
	for lo := 0; lo < len(rows); lo += rowChunk {
		pg, err := s.fillPage(ctx, CompliancePage{}, rows[lo:min(lo+rowChunk, len(rows))], fs, from, to)
		if err != nil {
			return err
		}
		for _, o := range pg.Orgs {
			if err := yield(o); err != nil {
				return err
			}
		}
	}
	return nil
}

// eachComplianceRowSQL passes the rows of the report of f over [from, to]
// (every party organization with something required or held, in the
// report's order: region, name, id) to yield, from the slots: the scope's
// ids in that order, then per rowChunk of them their sums and full rows.
func (s *Service) eachComplianceRowSQL(ctx context.Context, f ReportFilter, from, to time.Time, yield func(OrgCompliance) error) error {
	w, wargs, err := s.scopeWhere(ctx, f)
	if err != nil {
		return err
	}
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return err
	}
	ids, err := s.idsQ(ctx, s.DB, `SELECT p.id FROM party_orgs p`+w+` AND p.kind <> ? ORDER BY p.region_code, p.name, p.id`, append(append([]any{}, wargs...), partyorg.KindGroup))
	if err != nil {
		return err
	}
	fromS, toS := from.Format(time.DateOnly), to.Format(time.DateOnly)
	for lo := 0; lo < len(ids); lo += rowChunk {
		in, args := inList(ids[lo:min(lo+rowChunk, len(ids))])
		var rows []indexRow
		err := s.eachRow(ctx, `SELECT `+indexCols+` FROM (`+slotAgg(`s.party_org_id IN (`+in+`)`)+`) a JOIN party_orgs p ON p.id = a.id ORDER BY p.region_code, p.name, p.id`,
			append(args, fromS, toS, toS), func(r *sql.Rows) error {
				x, err := scanIndexRow(r)
				rows = append(rows, x)
				return err
			})
		if err != nil {
			return err
		}
		if err := s.fillRows(ctx, rows, fs, from, to, yield); err != nil {
			return err
		}
	}
	return nil
}

// laggardsSQL is Laggards from the slots: the party organizations of the
// scope held below what was required (incomplete), by rate and then in the
// report's order, in one aggregate query; their full rows rowChunk at a time.
func (s *Service) laggardsSQL(ctx context.Context, f ReportFilter, from, to time.Time) ([]OrgCompliance, error) {
	w, wargs, err := s.scopeWhere(ctx, f)
	if err != nil {
		return nil, err
	}
	fs, err := s.loadFrequencies(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	fromS, toS := from.Format(time.DateOnly), to.Format(time.DateOnly)
	var rows []indexRow
	err = s.eachRow(ctx, `SELECT `+indexCols+` FROM (`+slotAgg(`s.party_org_id IN (SELECT p.id FROM party_orgs p`+w+`)`)+`) a JOIN party_orgs p ON p.id = a.id
		WHERE a.r > 0 AND a.h < a.r ORDER BY CAST(a.h AS DOUBLE PRECISION) / a.r, p.region_code, p.name, p.id`,
		append(append([]any{}, wargs...), fromS, toS, toS), func(r *sql.Rows) error {
			x, err := scanIndexRow(r)
			rows = append(rows, x)
			return err
		})
	if err != nil {
		return nil, err
	}
	out := []OrgCompliance{}
	err = s.fillRows(ctx, rows, fs, from, to, func(o OrgCompliance) error {
		// The full row is computed from the meetings; a write between the
		// two reads may have completed it.
		if o.Rate != nil && *o.Rate < 1 {
			out = append(out, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The order by the rate as the full rows have it (the same figures
	// unless a write came between).
	sort.SliceStable(out, func(i, j int) bool { return *out[i].Rate < *out[j].Rate })
	return out, nil
}
