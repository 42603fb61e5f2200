package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
)

// Stored year-to-date window sums (issue 18 target 2, h-ytd): for every
// party organization and every year-to-date window of the years the
// compliance slots cover (1 January to the end of each month: the default
// period, the whole years and the first quarters among them), the sums the
// paged report would compute from its slots, with its region code and name
// copied in (table compliance_org_windows, migration 0050). The slots'
// writers keep it in step: refreshSlots deletes and rewrites a party
// organization's rows with its slots, rebuildSlotsTx writes them all. A
// page sorted by a figure over such a window is then a walk of the figure's
// index, filtered by the scope's region range and the status, that stops
// after its rows; other windows keep the aggregate over the slots.

// windowsOff is set by tests and the benchmark to sort the figure pages by
// the aggregate over the scope's slots, as before h-ytd.
var windowsOff bool

// windowsWriteOff is set by the benchmark to measure a write without the
// window sums (its "before"; the table is then left stale).
var windowsWriteOff bool

// windowRow is one row of compliance_org_windows.
type windowRow struct {
	org                  int64
	to, region, name     string
	required, held, mtgs int
	attSum               float64
	attN                 int
	rate, attendance     float64 // -1: no value
	status               int     // windowNone, windowComplete or windowIncomplete
}

// Statuses as stored (compliance_org_windows.status).
const (
	windowNone       = 0
	windowComplete   = 1
	windowIncomplete = 2
)

var windowCols = []string{"party_org_id", "win_to", "region_code", "name", "required", "held_capped", "meetings", "att_sum", "att_n", "rate", "attendance", "status"}

// windowsOf sums the slot rows of party organization p over each
// year-to-date window of the years [y0, y1]: a slot counts in the windows
// ending at or after its end, in its own year. Windows where nothing is
// required and no meeting was held are left out (the report leaves the
// party organization out there). The attendance is summed month by month
// in the months' order, so that a rebuild and a refresh store the same bits.
func windowsOf(p poInfo, rows []slotRow, y0, y1 int) []windowRow {
	if len(rows) == 0 || y1 < y0 {
		return nil
	}
	n := y1 - y0 + 1
	type month struct {
		req, held, mtgs, attN int
		attSum                float64
	}
	ms := make([]month, 12*n)
	for _, r := range rows {
		if len(r.end) < 7 || r.start[:4] != r.end[:4] {
			continue
		}
		y, err1 := strconv.Atoi(r.end[:4])
		m, err2 := strconv.Atoi(r.end[5:7])
		if err1 != nil || err2 != nil || y < y0 || y > y1 {
			continue
		}
		x := &ms[(y-y0)*12+m-1]
		x.req += r.required
		x.held += r.held
		if r.kind == "" {
			x.mtgs += r.total
			x.attSum += r.attSum
			x.attN += r.attN
		}
	}
	var out []windowRow
	for yi := range n {
		var acc month
		for m := range 12 {
			x := ms[yi*12+m]
			acc.req += x.req
			acc.held += x.held
			acc.mtgs += x.mtgs
			acc.attN += x.attN
			acc.attSum += x.attSum
			if acc.req == 0 && acc.mtgs == 0 {
				continue
			}
			w := windowRow{org: p.ID, to: monthEnd(y0+yi, m+1), region: p.RegionCode, name: p.Name,
				required: acc.req, held: acc.held, mtgs: acc.mtgs, attSum: acc.attSum, attN: acc.attN, rate: -1, attendance: -1}
			switch {
			case acc.req == 0:
				w.status = windowNone
			case acc.held >= acc.req:
				w.status = windowComplete
			default:
				w.status = windowIncomplete
			}
			if acc.req > 0 {
				w.rate = float64(acc.held) / float64(acc.req)
			}
			if acc.attN > 0 {
				w.attendance = acc.attSum / float64(acc.attN)
			}
			out = append(out, w)
		}
	}
	return out
}

// monthEnd is the last day of month m of year y.
func monthEnd(y, m int) string {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Format(store.DateFormat)
}

// windowWriter writes the window rows of the party organizations whose
// slots writeSlots writes, in batches: by COPY in a PostgreSQL rebuild
// (the table emptied); otherwise against the rows stored for them — the
// unchanged left alone, the changed updated in their changed columns only,
// the new inserted, the gone deleted —, since a write changes few of a
// party organization's windows (a meeting: its month's and the later ones
// of its year), and each row is in six B-trees.
type windowWriter struct {
	s      *Service
	q      store.Querier
	y0, y1 int
	rows   []windowRow
	orgs   []int64 // the party organizations of rows, with or without windows
}

func (s *Service) newWindowWriter(q store.Querier, y0, y1 int) *windowWriter {
	return &windowWriter{s: s, q: q, y0: y0, y1: y1}
}

// add queues p's windows from its slot rows, writing when a batch is full.
func (w *windowWriter) add(ctx context.Context, p poInfo, rows []slotRow) error {
	if windowsWriteOff {
		return nil
	}
	w.rows = append(w.rows, windowsOf(p, rows, w.y0, w.y1)...)
	w.orgs = append(w.orgs, p.ID)
	if w.s.copyRows && len(w.rows) >= copyBatch || !w.s.copyRows && (len(w.rows) >= windowBatch || len(w.orgs) >= windowBatch) {
		return w.flush(ctx)
	}
	return nil
}

// windowBatch is how many rows one INSERT carries, and how many party
// organizations' stored rows one read compares.
const windowBatch = 400

// windowVals is r's values in windowCols' order.
func windowVals(r windowRow) []any {
	return []any{r.org, r.to, r.region, r.name, r.required, r.held, r.mtgs, r.attSum, r.attN, r.rate, r.attendance, r.status}
}

// flush writes the queued rows.
func (w *windowWriter) flush(ctx context.Context) error {
	if len(w.orgs) == 0 {
		return nil
	}
	defer func() { w.rows, w.orgs = w.rows[:0], w.orgs[:0] }()
	if w.s.copyRows {
		vals := make([][]any, len(w.rows))
		for i, r := range w.rows {
			vals[i] = []any{r.org, r.to, r.region, r.name, int32(r.required), int32(r.held), int32(r.mtgs), r.attSum, int32(r.attN), r.rate, r.attendance, int16(r.status)}
		}
		_, err := store.CopyFrom(ctx, "compliance_org_windows", windowCols, vals)
		return err
	}
	type key struct {
		org int64
		to  string
	}
	old := map[key]windowRow{}
	in, args := inList(w.orgs)
	err := w.s.eachRowQ(ctx, w.q, `SELECT `+strings.Join(windowCols, ", ")+` FROM compliance_org_windows WHERE party_org_id IN (`+in+`)`, args, func(r *sql.Rows) error {
		var o windowRow
		if err := r.Scan(&o.org, &o.to, &o.region, &o.name, &o.required, &o.held, &o.mtgs, &o.attSum, &o.attN, &o.rate, &o.attendance, &o.status); err != nil {
			return err
		}
		old[key{o.org, o.to}] = o
		return nil
	})
	if err != nil {
		return err
	}
	var ins []windowRow
	for _, r := range w.rows {
		k := key{r.org, r.to}
		o, found := old[k]
		delete(old, k)
		switch {
		case !found:
			ins = append(ins, r)
		case o != r:
			var set []string
			var vals []any
			nv, ov := windowVals(r), windowVals(o)
			for i := 2; i < len(windowCols); i++ {
				if nv[i] != ov[i] {
					set, vals = append(set, windowCols[i]+" = ?"), append(vals, nv[i])
				}
			}
			if _, err := w.s.DB.Exec(ctx, w.q, `UPDATE compliance_org_windows SET `+strings.Join(set, ", ")+` WHERE party_org_id = ? AND win_to = ?`,
				append(vals, r.org, r.to)...); err != nil {
				return err
			}
		}
	}
	for k := range old {
		if _, err := w.s.DB.Exec(ctx, w.q, `DELETE FROM compliance_org_windows WHERE party_org_id = ? AND win_to = ?`, k.org, k.to); err != nil {
			return err
		}
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(windowCols)), ", ") + ")"
	for lo := 0; lo < len(ins); lo += windowBatch {
		part := ins[lo:min(lo+windowBatch, len(ins))]
		vals := make([]any, 0, len(part)*len(windowCols))
		for _, r := range part {
			vals = append(vals, windowVals(r)...)
		}
		if _, err := w.s.DB.Exec(ctx, w.q, `INSERT INTO compliance_org_windows (`+strings.Join(windowCols, ", ")+`) VALUES `+
			strings.TrimSuffix(strings.Repeat(row+", ", len(part)), ", "), vals...); err != nil {
			return err
		}
	}
	return nil
}

// deleteWindows deletes the window rows of the party organizations of the
// id list in that writeSlots will not write (refreshSlots: ids no longer
// found, a branch turned 党小组); the others' rows are compared and
// rewritten by the window writer.
func (s *Service) deleteWindows(ctx context.Context, q store.Querier, in string, args []any) error {
	if windowsWriteOff {
		return nil
	}
	_, err := s.DB.Exec(ctx, q, `DELETE FROM compliance_org_windows WHERE party_org_id IN (`+in+`)
		AND party_org_id NOT IN (SELECT id FROM party_orgs WHERE id IN (`+in+`) AND kind <> ?)`, append(append(append([]any{}, args...), args...), partyorg.KindGroup)...)
	return err
}

// windowFigure is the column of compliance_org_windows a figure sort walks,
// and whether the figure can have no value (stored as -1).
func windowFigure(sort string) (col string, missing bool) {
	switch sort {
	case "rate":
		return "rate", true
	case "attendance":
		return "attendance", true
	case "required":
		return "required", false
	case "held":
		return "held_capped", false
	case "meetings":
		return "meetings", false
	}
	return "", false
}

// windowScope is the condition on compliance_org_windows c of the scope of
// f and the actor: region ranges only. ok is false for a scope that is a
// party organization's subtree (the filter's or the actor's) or empty:
// those keep the aggregate.
func windowScope(ctx context.Context, f ReportFilter) (string, []any, bool) {
	a, found := actor.From(ctx)
	if !found || f.PartyOrgID != 0 || !a.System && (a.PartyOrgID != 0 || a.Scope == "") {
		return "", nil, false
	}
	var w string
	var args []any
	for _, prefix := range []string{a.Scope, f.RegionCode} {
		if prefix == "" || a.System && prefix == a.Scope {
			continue
		}
		c, ca := store.PrefixRange("c.region_code", prefix)
		w, args = w+" AND "+c, append(args, ca...)
	}
	return w, args, true
}

// pageByWindows is the page q, sorted by a figure, of a year-to-date
// window ending on toS, from the stored sums: the rows with a value in the
// figure's order (descending: the ascending order reversed whole, ties
// included), then those without one (rate, attendance) in the report's
// order, reversed too when descending. total is the number of rows of the
// status (the summary's counts); noRate, how many party organizations of
// the scope have no rate (nothing required). ok is false when the
// stored sums cannot serve the page (the caller keeps the aggregate).
func (s *Service) pageByWindows(ctx context.Context, f ReportFilter, q PageQuery, toS string, total, noRate int) (rows []indexRow, ok bool, err error) {
	col, missing := windowFigure(q.Sort)
	scope, sargs, scoped := windowScope(ctx, f)
	if windowsOff || col == "" || !scoped {
		return nil, false, nil
	}
	fromS := toS[:4] + "-01-01"
	cond := ` WHERE c.win_to = ?` + scope
	args := append([]any{toS}, sargs...)
	switch q.Status {
	case StatusComplete:
		cond, args = cond+` AND c.status = ?`, append(args, windowComplete)
	case StatusIncomplete:
		cond, args = cond+` AND c.status = ?`, append(args, windowIncomplete)
	case StatusNone:
		cond, args = cond+` AND c.status = ?`, append(args, windowNone)
	}
	dir := ""
	if q.Desc {
		dir = " DESC"
	}
	report := "c.region_code" + dir + ", c.name" + dir + ", c.party_org_id" + dir
	off := (q.Page - 1) * q.PageSize
	// withValue: how many rows of the status have a value, or (attendance)
	// at least off when that many have one: a count that stops after off
	// rows, as OFFSET reads them anyway.
	withValue := total
	if missing {
		switch {
		case col == "rate":
			if q.Status == "" || q.Status == StatusNone {
				withValue -= noRate // no rate: nothing required, status none
			}
		case off > 0:
			n, err := store.CountIn(ctx, s.DB, s.DB, store.ListQuery{From: `FROM compliance_org_windows c`, Cond: strings.TrimPrefix(cond, " WHERE ") + ` AND c.` + col + ` >= 0`,
				Args: args, Cap: off})
			if err != nil {
				return nil, false, err
			}
			if !n.Capped {
				withValue = n.N // else more than off: the walk below starts among them
			}
		}
	}
	var ids []int64
	if off < withValue {
		ids, err = s.idsQ(ctx, s.DB, `SELECT c.party_org_id FROM compliance_org_windows c`+cond+` AND c.`+col+` >= 0
			ORDER BY c.`+col+dir+`, `+report+` LIMIT ? OFFSET ?`, append(append([]any{}, args...), q.PageSize, off))
		if err != nil {
			return nil, false, err
		}
	}
	if missing && len(ids) < q.PageSize {
		more, err := s.idsQ(ctx, s.DB, `SELECT c.party_org_id FROM compliance_org_windows c`+cond+` AND c.`+col+` = -1
			ORDER BY `+report+` LIMIT ? OFFSET ?`, append(append([]any{}, args...), q.PageSize-len(ids), max(0, off-withValue)))
		if err != nil {
			return nil, false, err
		}
		ids = append(ids, more...)
	}
	if len(ids) == 0 {
		return nil, true, nil
	}
	rows, err = s.rowsOfIDs(ctx, ids, fromS, toS)
	return rows, true, err
}

// windowOf reports the year-to-date window [from, to] is: from 1 January
// of to's year, to the end of a month (checked by slotsServe).
func windowOf(from, to time.Time) bool {
	return from.Month() == time.January && from.Day() == 1 && from.Year() == to.Year()
}

// windowsTable lists the stored window rows, for the tests.
func (s *Service) windowsTable(ctx context.Context) ([]string, error) {
	var out []string
	err := s.eachRow(ctx, `SELECT party_org_id, win_to, region_code, name, required, held_capped, meetings, att_sum, att_n, rate, attendance, status
		FROM compliance_org_windows ORDER BY party_org_id, win_to`, nil, func(r *sql.Rows) error {
		var w windowRow
		if err := r.Scan(&w.org, &w.to, &w.region, &w.name, &w.required, &w.held, &w.mtgs, &w.attSum, &w.attN, &w.rate, &w.attendance, &w.status); err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("%d %s %s %s r=%d h=%d m=%d as=%v an=%d rate=%v att=%v st=%d", w.org, w.to, w.region, w.name,
			w.required, w.held, w.mtgs, w.attSum, w.attN, w.rate, w.attendance, w.status))
		return nil
	})
	return out, err
}
