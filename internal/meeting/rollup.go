package meeting

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"

	"liangxin/internal/actor"
	"liangxin/internal/store"
)

// The compliance rollup (issue 18, h-rollup; migration 0048): the slots
// summed per street, kind of party organization, meeting kind and slot
// (compliance_rollup), and the party organizations counted per street, kind
// of party organization, property and slot (compliance_rollup_counts), so
// that the summary and the counts by status of a scope made of whole
// streets read a few rows per street and slot instead of every slot of
// every party organization.
//
// The sums are additive: a period's figures are the sums over the slots
// wholly inside it. The counts are not (a party organization with
// something required in January and in February is one party organization
// for the quarter), so each party organization's slots with a property —
// "all" (counted: something required or a meeting held), "req" (something
// required), "short" (held below required), "kind:<k>" (something required
// of meeting kind k) — are ordered by (end, start) and each is stored with
// prev, the latest start among the slots before it. A party organization
// has the property in [from, to] exactly when one of its slots with it lies
// wholly inside, and then exactly one of those has prev < from: the first
// in that order with start ≥ from (every slot before it starts before from,
// and every later one has it among its predecessors). So the number of
// party organizations with a property in [from, to] is
//
//	SUM(orgs) WHERE slot_start >= from AND slot_end <= to AND prev < from
//
// — exact for any whole-month period, additive over streets. The statuses
// follow: held_capped never exceeds required in a slot, so a party
// organization is complete when it has "req" and not "short", incomplete
// when it has "short", none when it has "all" and not "req".

// rollupOff is set by tests to compare the rollup with the slots.
var rollupOff bool

type rollupKey struct{ street, start, orgKind, kind, end string }

type rollupSum struct {
	slots, required, held, total, attN int64
	attSum                             float64
}

type countKey struct{ street, start, orgKind, what, end, prev string }

// rollupAcc collects changes of the rollup: one party organization's old
// slots taken away, its new ones added.
type rollupAcc struct {
	sums   map[rollupKey]*rollupSum
	counts map[countKey]int64
}

func newRollupAcc() *rollupAcc {
	return &rollupAcc{sums: map[rollupKey]*rollupSum{}, counts: map[countKey]int64{}}
}

type interval struct{ start, end string }

// add adds (sign 1) or takes away (sign -1) the rows of one party
// organization counted under street and orgKind.
func (a *rollupAcc) add(street, orgKind string, rows []slotRow, sign int64) {
	if len(rows) == 0 {
		return
	}
	props := map[string][]interval{}
	for _, r := range rows {
		k := rollupKey{street, r.start, orgKind, r.kind, r.end}
		x := a.sums[k]
		if x == nil {
			x = &rollupSum{}
			a.sums[k] = x
		}
		x.slots += sign
		x.required += sign * int64(r.required)
		x.held += sign * int64(r.held)
		x.total += sign * int64(r.total)
		x.attN += sign * int64(r.attN)
		x.attSum += float64(sign) * r.attSum
		iv := interval{r.start, r.end}
		if r.required > 0 || (r.kind == "" && r.total > 0) {
			props["all"] = append(props["all"], iv)
		}
		if r.required > 0 {
			props["req"] = append(props["req"], iv)
			props["kind:"+r.kind] = append(props["kind:"+r.kind], iv)
		}
		if r.held < r.required {
			props["short"] = append(props["short"], iv)
		}
	}
	for what, ivs := range props {
		sort.Slice(ivs, func(i, j int) bool {
			if ivs[i].end != ivs[j].end {
				return ivs[i].end < ivs[j].end
			}
			return ivs[i].start < ivs[j].start
		})
		prev := ""
		for i, v := range ivs {
			if i > 0 && v == ivs[i-1] {
				continue
			}
			a.counts[countKey{street, v.start, orgKind, what, v.end, prev}] += sign
			prev = max(prev, v.start)
		}
	}
}

// flush writes the collected changes through q, in key order (two writers
// on PostgreSQL lock the rows they share in the same order), and drops the
// rows left empty. With copyRows (a rebuild on PostgreSQL, whose rollup
// tables it emptied in its own transaction: store.InTxConn) the rows go by
// COPY instead, the same rows in the same order.
func (a *rollupAcc) flush(ctx context.Context, db *store.DB, q store.Querier, copyRows bool) error {
	var sk []rollupKey
	for k, v := range a.sums {
		if *v != (rollupSum{}) {
			sk = append(sk, k)
		}
	}
	slices.SortFunc(sk, compareRollupKey)
	if copyRows {
		return a.copyAll(ctx, sk)
	}
	const batch = 400
	for lo := 0; lo < len(sk); lo += batch {
		part := sk[lo:min(lo+batch, len(sk))]
		vals := make([]any, 0, len(part)*11)
		for _, k := range part {
			v := a.sums[k]
			vals = append(vals, k.street, k.start, k.orgKind, k.kind, k.end, v.slots, v.required, v.held, v.total, v.attSum, v.attN)
		}
		if _, err := db.Exec(ctx, q, `INSERT INTO compliance_rollup (street, slot_start, org_kind, kind, slot_end, slots, required, held_capped, total, att_sum, att_n) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(part)), ", ")+`
			ON CONFLICT (street, slot_start, org_kind, kind, slot_end) DO UPDATE SET slots = compliance_rollup.slots + excluded.slots,
			required = compliance_rollup.required + excluded.required, held_capped = compliance_rollup.held_capped + excluded.held_capped,
			total = compliance_rollup.total + excluded.total, att_sum = compliance_rollup.att_sum + excluded.att_sum, att_n = compliance_rollup.att_n + excluded.att_n`, vals...); err != nil {
			return err
		}
	}
	var ck []countKey
	for k, v := range a.counts {
		if v != 0 {
			ck = append(ck, k)
		}
	}
	slices.SortFunc(ck, compareCountKey)
	for lo := 0; lo < len(ck); lo += batch {
		part := ck[lo:min(lo+batch, len(ck))]
		vals := make([]any, 0, len(part)*7)
		for _, k := range part {
			vals = append(vals, k.street, k.start, k.orgKind, k.what, k.end, k.prev, a.counts[k])
		}
		if _, err := db.Exec(ctx, q, `INSERT INTO compliance_rollup_counts (street, slot_start, org_kind, what, slot_end, prev, orgs) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", len(part)), ", ")+`
			ON CONFLICT (street, slot_start, org_kind, what, slot_end, prev) DO UPDATE SET orgs = compliance_rollup_counts.orgs + excluded.orgs`, vals...); err != nil {
			return err
		}
	}
	// The rows a change may have emptied (a slot's last party organization
	// gone): those it took something away from.
	var dk []any
	for _, k := range sk {
		if a.sums[k].slots < 0 {
			dk = append(dk, k.street, k.start, k.orgKind, k.kind, k.end)
		}
	}
	if err := deleteEmptied(ctx, db, q, `DELETE FROM compliance_rollup WHERE slots = 0 AND (street, slot_start, org_kind, kind, slot_end) IN (VALUES `, 5, dk); err != nil {
		return err
	}
	dk = dk[:0]
	for _, k := range ck {
		if a.counts[k] < 0 {
			dk = append(dk, k.street, k.start, k.orgKind, k.what, k.end, k.prev)
		}
	}
	return deleteEmptied(ctx, db, q, `DELETE FROM compliance_rollup_counts WHERE orgs = 0 AND (street, slot_start, org_kind, what, slot_end, prev) IN (VALUES `, 6, dk)
}

// copyAll writes the sums of the keys sk (sorted, none empty) and every
// non-zero count with COPY, into rollup tables a rebuild emptied: nothing
// to add to, nothing taken away, so each key is one new row.
func (a *rollupAcc) copyAll(ctx context.Context, sk []rollupKey) error {
	rows := make([][]any, 0, min(len(sk), copyBatch))
	write := func(table string, cols []string) error {
		if len(rows) == 0 {
			return nil
		}
		_, err := store.CopyFrom(ctx, table, cols, rows)
		rows = rows[:0]
		return err
	}
	sumCols := []string{"street", "slot_start", "org_kind", "kind", "slot_end", "slots", "required", "held_capped", "total", "att_sum", "att_n"}
	for _, k := range sk {
		v := a.sums[k]
		rows = append(rows, []any{k.street, k.start, k.orgKind, k.kind, k.end, v.slots, v.required, v.held, v.total, v.attSum, v.attN})
		if len(rows) == copyBatch {
			if err := write("compliance_rollup", sumCols); err != nil {
				return err
			}
		}
	}
	if err := write("compliance_rollup", sumCols); err != nil {
		return err
	}
	var ck []countKey
	for k, v := range a.counts {
		if v != 0 {
			ck = append(ck, k)
		}
	}
	slices.SortFunc(ck, compareCountKey)
	countCols := []string{"street", "slot_start", "org_kind", "what", "slot_end", "prev", "orgs"}
	for _, k := range ck {
		rows = append(rows, []any{k.street, k.start, k.orgKind, k.what, k.end, k.prev, a.counts[k]})
		if len(rows) == copyBatch {
			if err := write("compliance_rollup_counts", countCols); err != nil {
				return err
			}
		}
	}
	return write("compliance_rollup_counts", countCols)
}

// deleteEmptied runs del (ending in "IN (VALUES ") over keys, n values a
// key, 400 keys a statement.
func deleteEmptied(ctx context.Context, db *store.DB, q store.Querier, del string, n int, keys []any) error {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + "), "
	for lo := 0; lo < len(keys); lo += 400 * n {
		part := keys[lo:min(lo+400*n, len(keys))]
		if _, err := db.Exec(ctx, q, del+strings.TrimSuffix(strings.Repeat(row, len(part)/n), ", ")+")", part...); err != nil {
			return err
		}
	}
	return nil
}

// compareRollupKey and compareCountKey order the keys as the tables'
// primary keys do, so that concurrent writers lock shared rows in the same
// order.
func compareRollupKey(a, b rollupKey) int {
	return cmp.Or(cmp.Compare(a.street, b.street), cmp.Compare(a.start, b.start), cmp.Compare(a.orgKind, b.orgKind),
		cmp.Compare(a.kind, b.kind), cmp.Compare(a.end, b.end))
}

func compareCountKey(a, b countKey) int {
	return cmp.Or(cmp.Compare(a.street, b.street), cmp.Compare(a.start, b.start), cmp.Compare(a.orgKind, b.orgKind),
		cmp.Compare(a.what, b.what), cmp.Compare(a.end, b.end), cmp.Compare(a.prev, b.prev))
}

// takeAwayRollup takes the current slots of the party organizations ids
// away from acc, as they were counted (compliance_rollup_orgs), and forgets
// how they were counted: the caller deletes and rewrites their slots.
func (s *Service) takeAwayRollup(ctx context.Context, q store.Querier, acc *rollupAcc, ids []int64) error {
	in, args := inList(ids)
	type counted struct{ street, kind string }
	as := map[int64]counted{}
	err := s.eachRowQ(ctx, q, `SELECT party_org_id, street, org_kind FROM compliance_rollup_orgs WHERE party_org_id IN (`+in+`)`, args, func(r *sql.Rows) error {
		var id int64
		var c counted
		if err := r.Scan(&id, &c.street, &c.kind); err != nil {
			return err
		}
		as[id] = c
		return nil
	})
	if err != nil {
		return err
	}
	rows := map[int64][]slotRow{}
	err = s.eachRowQ(ctx, q, `SELECT party_org_id, kind, slot_start, slot_end, required, held_capped, total, late, att_sum, att_n FROM compliance_slots WHERE party_org_id IN (`+in+`)`, args,
		func(r *sql.Rows) error {
			var x slotRow
			if err := r.Scan(&x.org, &x.kind, &x.start, &x.end, &x.required, &x.held, &x.total, &x.late, &x.attSum, &x.attN); err != nil {
				return err
			}
			rows[x.org] = append(rows[x.org], x)
			return nil
		})
	if err != nil {
		return err
	}
	for id, c := range as {
		acc.add(c.street, c.kind, rows[id], -1)
	}
	_, err = s.DB.Exec(ctx, q, `DELETE FROM compliance_rollup_orgs WHERE party_org_id IN (`+in+`)`, args...)
	return err
}

// rollupWhere is the condition on compliance_rollup's street of the scope
// of f seen by the actor in ctx, and ok when that scope is made of whole
// streets (no party organization subtree, no region below a street).
func rollupWhere(ctx context.Context, f ReportFilter) (string, []any, bool) {
	if rollupOff || f.PartyOrgID != 0 || len(f.RegionCode) > 9 {
		return "", nil, false
	}
	a, ok := actor.From(ctx)
	if !ok {
		return "", nil, false
	}
	cond, args := "1=1", []any{}
	if !a.System {
		if a.PartyOrgID != 0 || a.Scope == "" || len(a.Scope) > 9 {
			return "", nil, false
		}
		c, ca := store.PrefixRange("street", a.Scope)
		cond, args = cond+" AND "+c, append(args, ca...)
	}
	if f.RegionCode != "" {
		c, ca := store.PrefixRange("street", f.RegionCode)
		cond, args = cond+" AND "+c, append(args, ca...)
	}
	return cond, args, true
}

// summaryFromRollup fills out's summary (totals, attendance, counts by
// status, by street, by kind) from the rollup: two queries over the rows
// of the scope's streets wholly inside [fromS, toS].
func (s *Service) summaryFromRollup(ctx context.Context, cond string, args []any, fromS, toS string, fs frequencies, out *CompliancePage) error {
	byStreet := map[string]*GroupRate{}
	byKind := map[string]*GroupRate{}
	var attSum float64
	var attN int
	var all, req, short int
	orgKinds := map[string]bool{}
	err := s.eachRow(ctx, `SELECT street, org_kind, what, SUM(orgs) FROM compliance_rollup_counts
		WHERE `+cond+` AND slot_start >= ? AND slot_end <= ? AND prev < ? GROUP BY street, org_kind, what`,
		append(append([]any{}, args...), fromS, toS, fromS), func(r *sql.Rows) error {
			var street, orgKind, what string
			var n int
			if err := r.Scan(&street, &orgKind, &what, &n); err != nil {
				return err
			}
			switch {
			case what == "all":
				if n > 0 {
					orgKinds[orgKind] = true
					g := byStreet[street]
					if g == nil {
						g = &GroupRate{Code: street}
						byStreet[street] = g
					}
					g.Orgs += n
				}
				all += n
			case what == "req":
				req += n
			case what == "short":
				short += n
			case strings.HasPrefix(what, "kind:"):
				k := strings.TrimPrefix(what, "kind:")
				g := byKind[k]
				if g == nil {
					g = &GroupRate{Code: k}
					byKind[k] = g
				}
				g.Orgs += n
			}
			return nil
		})
	if err != nil {
		return err
	}
	err = s.eachRow(ctx, `SELECT street, kind, SUM(required), SUM(held_capped), SUM(att_sum), SUM(att_n) FROM compliance_rollup
		WHERE `+cond+` AND slot_start >= ? AND slot_end <= ? GROUP BY street, kind`,
		append(append([]any{}, args...), fromS, toS), func(r *sql.Rows) error {
			var street, kind string
			var rq, held, an int
			var as float64
			if err := r.Scan(&street, &kind, &rq, &held, &as, &an); err != nil {
				return err
			}
			if g := byStreet[street]; g != nil {
				g.Required += rq
				g.Held += held
			}
			out.Required += rq
			out.Held += held
			if kind == "" {
				attSum += as
				attN += an
				return nil
			}
			g := byKind[kind]
			if g == nil {
				g = &GroupRate{Code: kind}
				byKind[kind] = g
			}
			g.Required += rq
			g.Held += held
			return nil
		})
	if err != nil {
		return err
	}
	out.Counts = StatusCounts{All: all, None: all - req, Complete: req - short, Incomplete: short}
	out.Rate = rate(out.Held, out.Required)
	if attN > 0 {
		v := attSum / float64(attN)
		out.Attendance = &v
	}
	// Every kind asked of a kind of party organization counted is listed.
	for ok := range orgKinds {
		for _, k := range fs.kinds(ok) {
			if byKind[k.Code] == nil {
				byKind[k.Code] = &GroupRate{Code: k.Code}
			}
		}
	}
	var streets []string
	for code := range byStreet {
		streets = append(streets, code)
	}
	sort.Strings(streets)
	names, err := s.regionNames(ctx, streets)
	if err != nil {
		return err
	}
	for _, code := range streets {
		g := byStreet[code]
		g.Name = names[code]
		g.Rate = rate(g.Held, g.Required)
		out.ByStreet = append(out.ByStreet, *g)
	}
	for _, k := range Kinds() {
		if g := byKind[k.Code]; g != nil {
			g.Name = k.Name
			g.Rate = rate(g.Held, g.Required)
			out.ByKind = append(out.ByKind, *g)
		}
	}
	return nil
}
