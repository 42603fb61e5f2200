package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"liangxin/internal/civil"
	"liangxin/internal/compliancehook"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
)

// Compliance slots (issue 18, h-slots): a derived table with one row per
// party organization, meeting kind and period slot — what the slot requires
// (the frequency's times, when the party organization existed for the whole
// slot and, for 支委会 and 党小组会, had a committee or a 党小组) and what
// was held in it (capped at the requirement, all, late, attendance sums) —
// plus one kind '' row per party organization and month with every meeting
// held in it. The writers refresh the party organizations they touch in
// their own transactions (refreshSlots: a party organization's rows are
// recomputed whole, from its facts), so the paged compliance report sums
// rows in SQL instead of walking the scope's meetings.
//
// The table covers the years of the setting slotYearsKey ("2023-2027"): a
// report reaching outside them is computed from the meetings as before.

// slotYearsKey is the settings key of the years the table covers.
const slotYearsKey = "compliance_slots_years"

// slotYearsBack is how many years before the current one a rebuild covers
// (and one after it).
const slotYearsBack = 3

// slotRow is one row of compliance_slots.
type slotRow struct {
	org                         int64
	kind                        string
	start, end                  string
	required, held, total, late int
	attSum                      float64
	attN                        int
}

func init() {
	compliancehook.Register(func(ctx context.Context, db *store.DB, q store.Querier, ids ...int64) error {
		return (&Service{DB: db, Now: time.Now}).refreshSlots(ctx, q, ids...)
	})
}

// slotsOf computes the slot rows of party organization p over the years
// [y0, y1] from its facts: the meetings it held (with its 党小组's 党小组会),
// its 党小组 and its committee terms. It is written apart from
// orgCompliance on purpose: the tests compare the two.
func slotsOf(p poInfo, fs frequencies, y0, y1 int, held []heldMeeting, groups []groupSpan, terms []term) []slotRow {
	return appendSlots(nil, p, fs, y0, y1, held, groups, terms)
}

// appendSlots appends slotsOf's rows to out (a rebuild reuses one buffer).
// Every slot starts on the first of a month and ends on the last of one,
// so the slots walk months numbered from January y0, with their days'
// text from a calendar shared by every call.
func appendSlots(out []slotRow, p poInfo, fs frequencies, y0, y1 int, held []heldMeeting, groups []groupSpan, terms []term) []slotRow {
	if y1 < y0 {
		return out
	}
	cal := monthsOf(y0, y1)
	n := len(cal.first)
	firstS, lastS := cal.first[0], cal.last[n-1]
	var askedBuf [16]string
	asked := askedBuf[:0]
	for _, k := range fs.kinds(p.Kind) {
		asked = append(asked, k.Code)
		list := fs[[2]string{p.Kind, k.Code}]
		for m := 0; m < n; {
			period, times := frequencyOn(list, cal.first[m])
			lo, hi := m, m // PeriodNone counts by month
			switch period {
			case PeriodNone, PeriodMonth:
			case PeriodQuarter:
				lo = m - m%3
				hi = lo + 2
			default:
				lo = m - m%12
				hi = lo + 11
			}
			m = hi + 1
			r := slotRow{org: p.ID, kind: k.Code, start: cal.first[lo], end: cal.last[hi]}
			for _, h := range held {
				if h.kind == k.Code && h.day >= r.start && h.day <= r.end {
					r.total++
					if h.late {
						r.late++
					}
					if h.attendance != nil {
						r.attSum += *h.attendance
						r.attN++
					}
				}
			}
			need := period != PeriodNone && times > 0 && p.Established <= r.start && (p.Dissolved == "" || p.Dissolved > r.end)
			switch {
			case !need:
			case k.Code == KindCommitteeMeeting:
				need = inOfficeOn(terms, r.end) >= 3
			case k.Code == KindGroupMeeting:
				need = false
				for _, g := range groups {
					if g.from <= r.end && (g.to == "" || g.to > r.start) {
						need = true
					}
				}
			}
			if need {
				r.required = times
				r.held = min(r.total, times)
			}
			if r.required > 0 || r.total > 0 {
				out = append(out, r)
			}
		}
	}
	// Kinds not asked of p, and every meeting: by month, where held.
	type monthKey struct {
		kind  string
		month int
	}
	var months map[monthKey]int // position in out
	for _, h := range held {
		if h.day < firstS || h.day > lastS {
			continue
		}
		d, err := civil.Read(h.day)
		m := (d.Year()-y0)*12 + int(d.Month()) - 1
		if err != nil || m < 0 || m >= n {
			continue // not a day (the ledger's days are checked)
		}
		for _, kind := range [2]string{"", h.kind} {
			if kind != "" && slices.Contains(asked, kind) {
				continue
			}
			if months == nil {
				months = map[monthKey]int{}
			}
			i, ok := months[monthKey{kind, m}]
			if !ok {
				i = len(out)
				months[monthKey{kind, m}] = i
				out = append(out, slotRow{org: p.ID, kind: kind, start: cal.first[m], end: cal.last[m]})
			}
			r := &out[i]
			r.total++
			if h.late {
				r.late++
			}
			if h.attendance != nil {
				r.attSum += *h.attendance
				r.attN++
			}
		}
	}
	return out
}

// frequencyOn is the period and times of the frequency versions list (of
// one kind of party organization and meeting kind) in force on day:
// frequencies.at's choice.
func frequencyOn(list []Frequency, day string) (string, int) {
	if len(list) == 0 {
		return PeriodNone, 0
	}
	cur := list[0]
	for _, f := range list {
		if f.EffectiveFrom <= day {
			cur = f
		}
	}
	return cur.Period, cur.Times
}

// monthCalendar is the first and last days of the months of the years
// [y0, y1], January y0 first.
type monthCalendar struct{ first, last []string }

var calendars sync.Map // [2]int{y0, y1} → *monthCalendar

func monthsOf(y0, y1 int) *monthCalendar {
	if c, ok := calendars.Load([2]int{y0, y1}); ok {
		return c.(*monthCalendar)
	}
	c := &monthCalendar{}
	for y := y0; y <= y1; y++ {
		for m := time.January; m <= time.December; m++ {
			start := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
			c.first = append(c.first, start.Format(civil.Layout))
			c.last = append(c.last, start.AddDate(0, 1, -1).Format(civil.Layout))
		}
	}
	calendars.Store([2]int{y0, y1}, c)
	return c
}

// slotYears reads the years the table covers; ok is false while the table
// is not built (a rebuild is pending or has never run).
func (s *Service) slotYears(ctx context.Context, q store.Querier) (y0, y1 int, ok bool, err error) {
	var v string
	err = s.DB.QueryRow(ctx, q, `SELECT value FROM settings WHERE key = ?`, slotYearsKey).Scan(&v)
	if err == sql.ErrNoRows {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, err
	}
	var pending int
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM settings WHERE key = ?`, compliancehook.SettingRebuild).Scan(&pending); err != nil {
		return 0, 0, false, err
	}
	a, b, found := strings.Cut(v, "-")
	y0, err0 := strconv.Atoi(a)
	y1, err1 := strconv.Atoi(b)
	if !found || err0 != nil || err1 != nil {
		return 0, 0, false, nil
	}
	return y0, y1, pending == 0, nil
}

// slotTargets resolves ids to the party organizations whose slots they
// change: a 党小组 to its branch (its 党小组会 and its life count there).
func (s *Service) slotTargets(ctx context.Context, q store.Querier, ids []int64) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	for _, c := range chunks(ids) {
		in, args := inList(c)
		err := s.eachRowQ(ctx, q, `SELECT id, kind, parent_id FROM party_orgs WHERE id IN (`+in+`)`, args, func(r *sql.Rows) error {
			var id int64
			var kind string
			var parent sql.NullInt64
			if err := r.Scan(&id, &kind, &parent); err != nil {
				return err
			}
			if kind == partyorg.KindGroup {
				if !parent.Valid {
					return nil
				}
				id = parent.Int64
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// Ids no longer found (none are deleted today) lose their rows.
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// refreshSlots recomputes the slots of the party organizations ids (a
// 党小组 stands for its branch) through q, the writer's transaction. It does
// nothing while the table is not built: the pending rebuild will.
func (s *Service) refreshSlots(ctx context.Context, q store.Querier, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	y0, y1, ok, err := s.slotYears(ctx, q)
	if err != nil || !ok {
		return err
	}
	targets, err := s.slotTargets(ctx, q, ids)
	if err != nil {
		return err
	}
	if s.DB.Dialect == store.Postgres {
		// Two writers refreshing one party organization: the second waits
		// for the first to commit, then reads its meetings (else both
		// delete the old rows and the second's insert collides). NO KEY
		// UPDATE: the writers' own inserts hold KEY SHARE locks on the
		// party organization (their foreign keys), which FOR UPDATE would
		// wait for — two meetings recorded at once would deadlock.
		sorted := append([]int64{}, targets...)
		slices.Sort(sorted)
		for _, c := range chunks(sorted) {
			in, args := inList(c)
			if err := s.eachRowQ(ctx, q, `SELECT id FROM party_orgs WHERE id IN (`+in+`) ORDER BY id FOR NO KEY UPDATE`, args, func(*sql.Rows) error { return nil }); err != nil {
				return err
			}
		}
	}
	fs, err := s.loadFrequencies(ctx, q)
	if err != nil {
		return err
	}
	// The rollup (rollup.go) loses the old rows as they were counted and
	// gains the new ones, in the same transaction.
	acc := newRollupAcc()
	for _, c := range chunks(targets) {
		in, args := inList(c)
		if err := s.takeAwayRollup(ctx, q, acc, c); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, q, `DELETE FROM compliance_slots WHERE party_org_id IN (`+in+`)`, args...); err != nil {
			return err
		}
		if err := s.deleteWindows(ctx, q, in, args); err != nil {
			return err
		}
		if err := s.writeSlots(ctx, q, fs, orgSet{ids: c}, `p.id IN (`+in+`)`, args, y0, y1, acc); err != nil {
			return err
		}
	}
	return acc.flush(ctx, s.DB, q, false)
}

// writeSlots computes and inserts the slots of the party organizations of
// party_orgs p matching where (not 党小组), whose facts set loads, adds
// them to acc and records how they are counted in it.
func (s *Service) writeSlots(ctx context.Context, q store.Querier, fs frequencies, set orgSet, where string, args []any, y0, y1 int, acc *rollupAcc) error {
	var orgs []poInfo
	err := s.eachRowQ(ctx, q, `SELECT p.id, p.name, p.kind, p.region_code, p.established_on, COALESCE(p.dissolved_on, ''), COALESCE(p.term_started_on, p.established_on)
		FROM party_orgs p WHERE `+where+` AND p.kind <> ?`, append(append([]any{}, args...), partyorg.KindGroup), func(r *sql.Rows) error {
		var p poInfo
		if err := r.Scan(&p.ID, &p.Name, &p.Kind, &p.RegionCode, &p.Established, &p.Dissolved, &p.TermStarted); err != nil {
			return err
		}
		orgs = append(orgs, p)
		return nil
	})
	if err != nil || len(orgs) == 0 {
		return err
	}
	first := fmt.Sprintf("%04d-01-01", y0)
	last := fmt.Sprintf("%04d-12-31", y1)
	facts, err := s.loadFactsQ(ctx, q, set, first, last, first, last)
	if err != nil {
		return err
	}
	win := s.newWindowWriter(q, y0, y1) // the stored window sums (windows.go)
	const cols = 10
	const batch = 400
	vals := make([]any, 0, batch*cols)
	flush := func() error {
		if len(vals) == 0 {
			return nil
		}
		n := len(vals) / cols
		row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		_, err := s.DB.Exec(ctx, q, `INSERT INTO compliance_slots (party_org_id, kind, slot_start, slot_end, required, held_capped, total, late, att_sum, att_n) VALUES `+
			strings.TrimSuffix(strings.Repeat(row+", ", n), ", "), vals...)
		vals = vals[:0]
		return err
	}
	if s.copyRows {
		// A rebuild on PostgreSQL (store.InTxConn): COPY.
		var slots, ro [][]any
		// The rows' values share one backing array per batch.
		flat := make([]any, 0, len(slotCopyCols)*copyBatch)
		write := func() error {
			_, err := store.CopyFrom(ctx, "compliance_slots", slotCopyCols, slots)
			slots, flat = slots[:0], flat[:0]
			return err
		}
		var rows []slotRow
		for _, p := range orgs {
			rows = appendSlots(rows[:0], p, fs, y0, y1, facts.held[p.ID], facts.groups[p.ID], facts.terms[p.ID])
			acc.add(streetOf(p.RegionCode), p.Kind, rows, 1)
			if err := win.add(ctx, p, rows); err != nil {
				return err
			}
			for _, r := range rows {
				n := len(flat)
				flat = append(flat, r.org, r.kind, r.start, r.end, int32(r.required), int32(r.held), int32(r.total), int32(r.late), r.attSum, int32(r.attN))
				slots = append(slots, flat[n:len(flat):len(flat)])
			}
			ro = append(ro, []any{p.ID, streetOf(p.RegionCode), p.Kind})
			if len(slots) >= copyBatch {
				if err := write(); err != nil {
					return err
				}
			}
		}
		if err := write(); err != nil {
			return err
		}
		if err := win.flush(ctx); err != nil {
			return err
		}
		_, err := store.CopyFrom(ctx, "compliance_rollup_orgs", []string{"party_org_id", "street", "org_kind"}, ro)
		return err
	}
	var rows []slotRow
	for _, p := range orgs {
		rows = appendSlots(rows[:0], p, fs, y0, y1, facts.held[p.ID], facts.groups[p.ID], facts.terms[p.ID])
		acc.add(streetOf(p.RegionCode), p.Kind, rows, 1)
		if err := win.add(ctx, p, rows); err != nil {
			return err
		}
		for _, r := range rows {
			vals = append(vals, r.org, r.kind, r.start, r.end, r.required, r.held, r.total, r.late, r.attSum, r.attN)
			if len(vals) == batch*cols {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := win.flush(ctx); err != nil {
		return err
	}
	// How each party organization is counted in the rollup: the old side
	// of its next refresh.
	for lo := 0; lo < len(orgs); lo += batch {
		part := orgs[lo:min(lo+batch, len(orgs))]
		ov := make([]any, 0, 3*len(part))
		for _, p := range part {
			ov = append(ov, p.ID, streetOf(p.RegionCode), p.Kind)
		}
		if _, err := s.DB.Exec(ctx, q, `INSERT INTO compliance_rollup_orgs (party_org_id, street, org_kind) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(part)), ", "), ov...); err != nil {
			return err
		}
	}
	return nil
}

// slotCopyCols are compliance_slots' columns in writeSlots' COPY order.
var slotCopyCols = []string{"party_org_id", "kind", "slot_start", "slot_end", "required", "held_capped", "total", "late", "att_sum", "att_n"}

// copyBatch is how many slot rows a rebuild's COPY carries at most.
const copyBatch = 20000

// rebuildRange is how many party-organization ids one step of a rebuild reads.
const slotRebuildRange = 5000

// rebuildSlotsTx recomputes the whole table through tx over the years
// [y0, y1] and records them.
func (s *Service) rebuildSlotsTx(ctx context.Context, tx *sql.Tx, y0, y1 int) error {
	tables := []string{"compliance_slots", "compliance_rollup", "compliance_rollup_counts", "compliance_rollup_orgs", "compliance_org_windows"}
	empty := `DELETE FROM `
	if s.DB.Dialect == store.Postgres {
		// Emptied without a dead row left behind or a WAL record per row:
		// the transaction holds these tables alone until it commits.
		empty = `TRUNCATE `
	}
	for _, t := range tables {
		if _, err := s.DB.Exec(ctx, tx, empty+t); err != nil {
			return err
		}
	}
	// The figure indexes of the window sums (five, in an order the rows do
	// not come in) are built once after the rows on PostgreSQL: filled row
	// by row at a province (12 M window rows) they made the rebuild log
	// tens of GB of WAL (docs/benchmarks.md).
	return store.WithoutSecondaryIndexes(ctx, s.DB, tx, tables, func() error { return s.fillSlotsTx(ctx, tx, y0, y1) })
}

// fillSlotsTx is rebuildSlotsTx's work once the tables are empty.
func (s *Service) fillSlotsTx(ctx context.Context, tx *sql.Tx, y0, y1 int) error {
	if _, err := s.DB.Exec(ctx, tx, `DELETE FROM settings WHERE key = ?`, compliancehook.SettingRebuild); err != nil {
		return err
	}
	if _, err := s.DB.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		slotYearsKey, fmt.Sprintf("%d-%d", y0, y1)); err != nil {
		return err
	}
	fs, err := s.loadFrequencies(ctx, tx)
	if err != nil {
		return err
	}
	var lo, hi sql.NullInt64
	if err := s.DB.QueryRow(ctx, tx, `SELECT MIN(id), MAX(id) FROM party_orgs`).Scan(&lo, &hi); err != nil || !lo.Valid {
		return err
	}
	acc := newRollupAcc() // the whole rollup, summed in memory (a few rows per street and slot)
	for a := lo.Int64; a <= hi.Int64; a += slotRebuildRange {
		b := a + slotRebuildRange - 1
		// The facts of an id range: its party organizations' subquery.
		set := orgSet{sub: `SELECT p.id FROM party_orgs p WHERE p.id BETWEEN ? AND ?`, subArgs: []any{a, b}, bySub: true}
		if err := s.writeSlots(ctx, tx, fs, set, `p.id BETWEEN ? AND ?`, []any{a, b}, y0, y1, acc); err != nil {
			return err
		}
	}
	if err := acc.flush(ctx, s.DB, tx, s.copyRows); err != nil {
		return err
	}
	if s.DB.Dialect == store.Postgres {
		// The planner's statistics of the new tables' contents.
		_, err := s.DB.Exec(ctx, tx, `ANALYZE compliance_slots, compliance_rollup, compliance_rollup_counts, compliance_rollup_orgs, compliance_org_windows`)
		return err
	}
	return nil
}

// slotYearsNow is the years a rebuild covers: slotYearsBack years before
// today's and the next one.
func (s *Service) slotYearsNow() (int, int) {
	y := s.Now().Year()
	return y - slotYearsBack, y + 1
}

// RebuildSlots recomputes the compliance slots from the ledger in one
// transaction (liangxin compliance-rebuild, liangxin gen, start-up when a
// migration or a writer without the refresh asked for it).
func RebuildSlots(ctx context.Context, db *store.DB, now func() time.Time) error {
	s := &Service{DB: db, Now: now}
	y0, y1 := s.slotYearsNow()
	return db.InTxConn(ctx, func(ctx context.Context, tx *sql.Tx) error {
		s.copyRows = db.Dialect == store.Postgres && store.CanCopy(ctx)
		return s.rebuildSlotsTx(ctx, tx, y0, y1)
	})
}

// EnsureSlots rebuilds the compliance slots at start-up when a rebuild is
// pending or the table no longer covers the current year (a rebuild covers
// the next one too, so that happens every other year at most).
func EnsureSlots(ctx context.Context, db *store.DB, now func() time.Time) error {
	s := &Service{DB: db, Now: now}
	lock := ""
	if db.Dialect == store.Postgres {
		lock = " FOR UPDATE" // nodes starting together: one rebuilds, the others then find it done
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.eachRowQ(ctx, tx, `SELECT key FROM settings WHERE key IN (?, ?) ORDER BY key`+lock, []any{compliancehook.SettingRebuild, slotYearsKey},
			func(*sql.Rows) error { return nil }); err != nil {
			return err
		}
		_, y1, ok, err := s.slotYears(ctx, tx)
		if err != nil {
			return err
		}
		if ok && y1 >= now().Year() {
			return nil
		}
		y0, y1 := s.slotYearsNow()
		return s.rebuildSlotsTx(ctx, tx, y0, y1)
	})
}

// refreshSlotsOfKind recomputes the slots of every party organization of a
// kind (a new frequency version), 500 at a time.
func (s *Service) refreshSlotsOfKind(ctx context.Context, q store.Querier, kind string) error {
	if _, _, ok, err := s.slotYears(ctx, q); err != nil || !ok {
		return err
	}
	ids, err := s.idsQ(ctx, q, `SELECT id FROM party_orgs WHERE kind = ? ORDER BY id`, []any{kind})
	if err != nil {
		return err
	}
	return s.refreshSlots(ctx, q, ids...)
}
