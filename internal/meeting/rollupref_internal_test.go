package meeting

import (
	"cmp"
	"sort"
	"time"

	"liangxin/internal/civil"
)

// The string-keyed rollup accumulator and slot computation as they were
// before h-slots interned the keys: the reference the new ones are compared
// with on random input (rollupref_cmp_internal_test.go).

type refRollupKey struct{ street, start, orgKind, kind, end string }

type refCountKey struct{ street, start, orgKind, what, end, prev string }

// refRollupAcc collects changes of the rollup: one party organization's old
// slots taken away, its new ones added.
type refRollupAcc struct {
	sums   map[refRollupKey]*rollupSum
	counts map[refCountKey]int64
}

func newRefRollupAcc() *refRollupAcc {
	return &refRollupAcc{sums: map[refRollupKey]*rollupSum{}, counts: map[refCountKey]int64{}}
}

type refInterval struct{ start, end string }

// add adds (sign 1) or takes away (sign -1) the rows of one party
// organization counted under street and orgKind.
func (a *refRollupAcc) add(street, orgKind string, rows []slotRow, sign int64) {
	if len(rows) == 0 {
		return
	}
	props := map[string][]refInterval{}
	for _, r := range rows {
		k := refRollupKey{street, r.start, orgKind, r.kind, r.end}
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
		iv := refInterval{r.start, r.end}
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
			a.counts[refCountKey{street, v.start, orgKind, what, v.end, prev}] += sign
			prev = max(prev, v.start)
		}
	}
}

// compareRefRollupKey and compareRefCountKey order the keys as the tables'
// primary keys do, so that concurrent writers lock shared rows in the same
// order.
func compareRefRollupKey(a, b refRollupKey) int {
	return cmp.Or(cmp.Compare(a.street, b.street), cmp.Compare(a.start, b.start), cmp.Compare(a.orgKind, b.orgKind),
		cmp.Compare(a.kind, b.kind), cmp.Compare(a.end, b.end))
}

func compareRefCountKey(a, b refCountKey) int {
	return cmp.Or(cmp.Compare(a.street, b.street), cmp.Compare(a.start, b.start), cmp.Compare(a.orgKind, b.orgKind),
		cmp.Compare(a.what, b.what), cmp.Compare(a.end, b.end), cmp.Compare(a.prev, b.prev))
}

func refSlotsOf(p poInfo, fs frequencies, y0, y1 int, held []heldMeeting, groups []groupSpan, terms []term) []slotRow {
	var out []slotRow
	first := time.Date(y0, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(y1, 12, 31, 0, 0, 0, 0, time.UTC)
	firstS, lastS := first.Format(civil.Layout), last.Format(civil.Layout)
	asked := map[string]bool{}
	for _, k := range fs.kinds(p.Kind) {
		asked[k.Code] = true
		for day := first; !day.After(last); {
			fq := fs.at(p.Kind, k.Code, day.Format(civil.Layout))
			period := fq.Period
			if period == PeriodNone {
				period = PeriodMonth
			}
			start, end, _ := slotOf(day, period)
			day = end.AddDate(0, 0, 1)
			r := slotRow{org: p.ID, kind: k.Code, start: start.Format(civil.Layout), end: end.Format(civil.Layout)}
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
			need := fq.Period != PeriodNone && fq.Times > 0 && p.Established <= r.start && (p.Dissolved == "" || p.Dissolved > r.end)
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
				r.required = fq.Times
				r.held = min(r.total, fq.Times)
			}
			if r.required > 0 || r.total > 0 {
				out = append(out, r)
			}
		}
	}
	// Kinds not asked of p, and every meeting: by month, where held.
	months := map[string]*slotRow{}
	var order []string
	for _, h := range held {
		if h.day < firstS || h.day > lastS {
			continue
		}
		d, _ := civil.Read(h.day)
		start, end, _ := slotOf(d, PeriodMonth)
		for _, kind := range []string{"", h.kind} {
			if kind != "" && asked[kind] {
				continue
			}
			key := kind + "|" + start.Format(civil.Layout)
			r := months[key]
			if r == nil {
				r = &slotRow{org: p.ID, kind: kind, start: start.Format(civil.Layout), end: end.Format(civil.Layout)}
				months[key] = r
				order = append(order, key)
			}
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
	for _, key := range order {
		out = append(out, *months[key])
	}
	return out
}
