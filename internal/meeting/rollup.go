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

type rollupSum struct {
	slots, required, held, total, attN int64
	attSum                             float64
}

// The accumulator's keys hold numbers of strings (strTable) instead of the
// strings: street, slot start, kind of party organization, meeting kind
// (or property) and slot end (and prev), so that adding a party
// organization hashes a few words instead of five or six strings
// (docs/decisions.md, "h-slots: the rollup accumulator with numbered keys").
type sumKey struct{ street, start, orgKind, kind, end uint32 }

type countKey struct{ street, start, orgKind, what, end, prev uint32 }

// strTable numbers strings; order gives each number's rank in the strings'
// order, so that keys of ranks sort as the keys of strings would.
type strTable struct {
	idx map[string]uint32
	str []string
	day []uint32 // a "YYYY-MM-DD" string's digits as YYYYMMDD, else 0
}

func (t *strTable) id(s string) uint32 {
	if i, ok := t.idx[s]; ok {
		return i
	}
	i := uint32(len(t.str))
	t.idx[s] = i
	t.str = append(t.str, s)
	t.day = append(t.day, dayNumber(s))
	return i
}

// dayNumber is YYYYMMDD for a string of that form with dashes, else 0.
// Numbers of such strings order as the strings do (fixed-width digits).
func dayNumber(s string) uint32 {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0
	}
	var n uint32
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + uint32(c-'0')
	}
	return max(n, 1) // "0000-00-00" is a day too
}

// order returns the rank of each number and the strings by rank.
func (t *strTable) order() (rank []uint32, byRank []string) {
	byRank = slices.Clone(t.str)
	slices.Sort(byRank)
	rank = make([]uint32, len(t.str))
	for i, s := range t.str {
		j, _ := slices.BinarySearch(byRank, s)
		rank[i] = uint32(j)
	}
	return rank, byRank
}

// rollupAcc collects changes of the rollup: one party organization's old
// slots taken away, its new ones added. The sums and counts are kept per
// street and kind of party organization, keyed by their other numbers
// packed in a word (16 bits each: the slots' days and the properties are a
// few hundred strings), so that one party organization's changes land in
// one small map; keys with a number beyond 16 bits go to wide.
type rollupAcc struct {
	strs   strTable
	groups map[groupKey]*rollupGroup
	// A key is packed or wide by its own numbers: never both.
	wideSums map[sumKey]*rollupSum
	wide     map[countKey]int64
	// The properties' numbers: "all", "req", "short", and "kind:<k>" by k.
	whatAll, whatReq, whatShort, none uint32
	whatKind                          map[string]uint32
	// props are add's intervals by property, reused (the first nProps).
	props  []propIntervals
	nProps int
}

// groupKey is a street and a kind of party organization.
type groupKey struct{ street, orgKind uint32 }

// rollupGroup holds one street's and kind's sums (by start, kind, end
// packed) and counts (by start, what, end, prev packed).
type rollupGroup struct {
	sums   map[uint64]*rollupSum
	counts map[uint64]int64
}

// pack packs four numbers of 16 bits; ok is false when one is wider.
func pack(a, b, c, d uint32) (uint64, bool) {
	if (a|b|c|d)>>16 != 0 {
		return 0, false
	}
	return uint64(a)<<48 | uint64(b)<<32 | uint64(c)<<16 | uint64(d), true
}

func unpack(k uint64) (a, b, c, d uint32) {
	return uint32(k >> 48), uint32(k>>32) & 0xffff, uint32(k>>16) & 0xffff, uint32(k) & 0xffff
}

type propIntervals struct {
	what uint32
	ivs  []interval
}

// interval is a slot's start and end, with their numbers; order is
// (end, start) as day numbers, 0 when either is not a day.
type interval struct {
	start, end string
	s, e       uint32
	order      uint64
}

func newRollupAcc() *rollupAcc {
	a := &rollupAcc{strs: strTable{idx: map[string]uint32{}}, groups: map[groupKey]*rollupGroup{}, wideSums: map[sumKey]*rollupSum{}, wide: map[countKey]int64{}, whatKind: map[string]uint32{}}
	a.whatAll, a.whatReq, a.whatShort, a.none = a.strs.id("all"), a.strs.id("req"), a.strs.id("short"), a.strs.id("")
	return a
}

// prop files iv under the property what.
func (a *rollupAcc) prop(what uint32, iv interval) {
	for i := range a.props[:a.nProps] {
		if a.props[i].what == what {
			a.props[i].ivs = append(a.props[i].ivs, iv)
			return
		}
	}
	if a.nProps == len(a.props) {
		a.props = append(a.props, propIntervals{})
	}
	p := &a.props[a.nProps]
	a.nProps++
	p.what, p.ivs = what, append(p.ivs[:0], iv)
}

// kindWhat is the number of the property "kind:<kind>".
func (a *rollupAcc) kindWhat(kind string) uint32 {
	if w, ok := a.whatKind[kind]; ok {
		return w
	}
	w := a.strs.id("kind:" + kind)
	a.whatKind[kind] = w
	return w
}

// add adds (sign 1) or takes away (sign -1) the rows of one party
// organization counted under street and orgKind.
func (a *rollupAcc) add(street, orgKind string, rows []slotRow, sign int64) {
	if len(rows) == 0 {
		return
	}
	st, ok := a.strs.id(street), a.strs.id(orgKind)
	g := a.groups[groupKey{st, ok}]
	if g == nil {
		g = &rollupGroup{sums: map[uint64]*rollupSum{}, counts: map[uint64]int64{}}
		a.groups[groupKey{st, ok}] = g
	}
	a.nProps = 0
	for i := range rows {
		r := &rows[i]
		iv := interval{start: r.start, end: r.end, s: a.strs.id(r.start), e: a.strs.id(r.end)}
		if ds, de := a.strs.day[iv.s], a.strs.day[iv.e]; ds != 0 && de != 0 {
			iv.order = uint64(de)<<32 | uint64(ds)
		}
		kind := a.strs.id(r.kind)
		var x *rollupSum
		if (iv.s|iv.e)>>16 == 0 {
			k := uint64(iv.s)<<48 | uint64(kind)<<16 | uint64(iv.e) // the kind's number: 32 bits
			if x = g.sums[k]; x == nil {
				x = &rollupSum{}
				g.sums[k] = x
			}
		} else {
			k := sumKey{st, iv.s, ok, kind, iv.e}
			if x = a.wideSums[k]; x == nil {
				x = &rollupSum{}
				a.wideSums[k] = x
			}
		}
		x.slots += sign
		x.required += sign * int64(r.required)
		x.held += sign * int64(r.held)
		x.total += sign * int64(r.total)
		x.attN += sign * int64(r.attN)
		x.attSum += float64(sign) * r.attSum
		if r.required > 0 || (r.kind == "" && r.total > 0) {
			a.prop(a.whatAll, iv)
		}
		if r.required > 0 {
			a.prop(a.whatReq, iv)
			a.prop(a.kindWhat(r.kind), iv)
		}
		if r.held < r.required {
			a.prop(a.whatShort, iv)
		}
	}
	for _, p := range a.props[:a.nProps] {
		ivs := p.ivs
		byText := false
		for i := range ivs {
			byText = byText || ivs[i].order == 0
		}
		if byText {
			slices.SortFunc(ivs, func(x, y interval) int {
				return cmp.Or(strings.Compare(x.end, y.end), strings.Compare(x.start, y.start))
			})
		} else {
			slices.SortFunc(ivs, func(x, y interval) int { return cmp.Compare(x.order, y.order) })
		}
		prev, prevID := "", a.none
		for i, v := range ivs {
			if i > 0 && v.s == ivs[i-1].s && v.e == ivs[i-1].e {
				continue
			}
			if pk, fits := pack(v.s, p.what, v.e, prevID); fits {
				g.counts[pk] += sign
			} else {
				a.wide[countKey{st, v.s, ok, p.what, v.e, prevID}] += sign
			}
			if v.start > prev {
				prev, prevID = v.start, v.s
			}
		}
	}
}

// sumRow and countRow are a non-zero sum and count with their keys in
// ranks (strTable.order).
type sumRow struct {
	k sumKey
	v rollupSum
}

type countRow struct {
	k countKey
	n int64
}

// sortedSums and sortedCounts list the non-zero sums and counts in the
// tables' primary key order (two writers on PostgreSQL lock the rows they
// share in the same order), keys in ranks.
func (a *rollupAcc) sortedSums(rank []uint32) []sumRow {
	var out []sumRow
	for gk, g := range a.groups {
		for pk, v := range g.sums {
			if *v != (rollupSum{}) {
				start, kind, end := uint32(pk>>48), uint32(pk>>16)&0xffffffff, uint32(pk)&0xffff
				out = append(out, sumRow{sumKey{rank[gk.street], rank[start], rank[gk.orgKind], rank[kind], rank[end]}, *v})
			}
		}
	}
	for k, v := range a.wideSums {
		if *v != (rollupSum{}) {
			out = append(out, sumRow{sumKey{rank[k.street], rank[k.start], rank[k.orgKind], rank[k.kind], rank[k.end]}, *v})
		}
	}
	slices.SortFunc(out, func(x, y sumRow) int {
		return cmp.Or(cmp.Compare(x.k.street, y.k.street), cmp.Compare(x.k.start, y.k.start), cmp.Compare(x.k.orgKind, y.k.orgKind),
			cmp.Compare(x.k.kind, y.k.kind), cmp.Compare(x.k.end, y.k.end))
	})
	return out
}

func (a *rollupAcc) sortedCounts(rank []uint32) []countRow {
	var out []countRow
	row := func(k countKey, n int64) {
		if n != 0 {
			out = append(out, countRow{countKey{rank[k.street], rank[k.start], rank[k.orgKind], rank[k.what], rank[k.end], rank[k.prev]}, n})
		}
	}
	for gk, g := range a.groups {
		for pk, n := range g.counts {
			start, what, end, prev := unpack(pk)
			row(countKey{gk.street, start, gk.orgKind, what, end, prev}, n)
		}
	}
	for k, n := range a.wide {
		row(k, n)
	}
	slices.SortFunc(out, func(x, y countRow) int {
		return cmp.Or(cmp.Compare(x.k.street, y.k.street), cmp.Compare(x.k.start, y.k.start), cmp.Compare(x.k.orgKind, y.k.orgKind),
			cmp.Compare(x.k.what, y.k.what), cmp.Compare(x.k.end, y.k.end), cmp.Compare(x.k.prev, y.k.prev))
	})
	return out
}

// flush writes the collected changes through q, in key order, and drops
// the rows left empty. With copyRows (a rebuild on PostgreSQL, whose rollup
// tables it emptied in its own transaction: store.InTxConn) the rows go by
// COPY instead, the same rows in the same order.
func (a *rollupAcc) flush(ctx context.Context, db *store.DB, q store.Querier, copyRows bool) error {
	rank, str := a.strs.order()
	sk, ck := a.sortedSums(rank), a.sortedCounts(rank)
	if copyRows {
		return copyAll(ctx, sk, ck, str)
	}
	const batch = 400
	for lo := 0; lo < len(sk); lo += batch {
		part := sk[lo:min(lo+batch, len(sk))]
		vals := make([]any, 0, len(part)*11)
		for _, r := range part {
			k, v := r.k, r.v
			vals = append(vals, str[k.street], str[k.start], str[k.orgKind], str[k.kind], str[k.end], v.slots, v.required, v.held, v.total, v.attSum, v.attN)
		}
		if _, err := db.Exec(ctx, q, `INSERT INTO compliance_rollup (street, slot_start, org_kind, kind, slot_end, slots, required, held_capped, total, att_sum, att_n) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(part)), ", ")+`
			ON CONFLICT (street, slot_start, org_kind, kind, slot_end) DO UPDATE SET slots = compliance_rollup.slots + excluded.slots,
			required = compliance_rollup.required + excluded.required, held_capped = compliance_rollup.held_capped + excluded.held_capped,
			total = compliance_rollup.total + excluded.total, att_sum = compliance_rollup.att_sum + excluded.att_sum, att_n = compliance_rollup.att_n + excluded.att_n`, vals...); err != nil {
			return err
		}
	}
	for lo := 0; lo < len(ck); lo += batch {
		part := ck[lo:min(lo+batch, len(ck))]
		vals := make([]any, 0, len(part)*7)
		for _, r := range part {
			k := r.k
			vals = append(vals, str[k.street], str[k.start], str[k.orgKind], str[k.what], str[k.end], str[k.prev], r.n)
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
	for _, r := range sk {
		if k := r.k; r.v.slots < 0 {
			dk = append(dk, str[k.street], str[k.start], str[k.orgKind], str[k.kind], str[k.end])
		}
	}
	if err := deleteEmptied(ctx, db, q, `DELETE FROM compliance_rollup WHERE slots = 0 AND (street, slot_start, org_kind, kind, slot_end) IN (VALUES `, 5, dk); err != nil {
		return err
	}
	dk = dk[:0]
	for _, r := range ck {
		if k := r.k; r.n < 0 {
			dk = append(dk, str[k.street], str[k.start], str[k.orgKind], str[k.what], str[k.end], str[k.prev])
		}
	}
	return deleteEmptied(ctx, db, q, `DELETE FROM compliance_rollup_counts WHERE orgs = 0 AND (street, slot_start, org_kind, what, slot_end, prev) IN (VALUES `, 6, dk)
}

// copyAll writes the sums sk and the counts ck (sorted, none zero, keys in
// ranks of str) with COPY, into rollup tables a rebuild emptied: nothing
// to add to, nothing taken away, so each key is one new row.
func copyAll(ctx context.Context, sk []sumRow, ck []countRow, str []string) error {
	rows := make([][]any, 0, min(max(len(sk), len(ck)), copyBatch))
	write := func(table string, cols []string) error {
		if len(rows) == 0 {
			return nil
		}
		_, err := store.CopyFrom(ctx, table, cols, rows)
		rows = rows[:0]
		return err
	}
	sumCols := []string{"street", "slot_start", "org_kind", "kind", "slot_end", "slots", "required", "held_capped", "total", "att_sum", "att_n"}
	for _, r := range sk {
		k, v := r.k, r.v
		rows = append(rows, []any{str[k.street], str[k.start], str[k.orgKind], str[k.kind], str[k.end], v.slots, v.required, v.held, v.total, v.attSum, v.attN})
		if len(rows) == copyBatch {
			if err := write("compliance_rollup", sumCols); err != nil {
				return err
			}
		}
	}
	if err := write("compliance_rollup", sumCols); err != nil {
		return err
	}
	countCols := []string{"street", "slot_start", "org_kind", "what", "slot_end", "prev", "orgs"}
	for _, r := range ck {
		k := r.k
		rows = append(rows, []any{str[k.street], str[k.start], str[k.orgKind], str[k.what], str[k.end], str[k.prev], r.n})
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
