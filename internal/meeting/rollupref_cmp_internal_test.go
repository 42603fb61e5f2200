package meeting

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"liangxin/internal/partyorg"
)

// randomDay is a day of the years 2021–2027 (some outside the slots'
// years), or "" with probability blank.
func randomDay(r *rand.Rand, blank float64) string {
	if r.Float64() < blank {
		return ""
	}
	return fmt.Sprintf("%d-%02d-%02d", 2021+r.IntN(7), 1+r.IntN(12), 1+r.IntN(28))
}

// randomSlotRows draws slot rows as a party organization's could be and
// as takeAwayRollup reads them: months, quarters and years of a few years,
// repeats, every kind and kind "", required met or not.
func randomSlotRows(r *rand.Rand) []slotRow {
	kinds := []string{"", KindBranchAssembly, KindCommitteeMeeting, KindGroupMeeting, KindPartyLecture, KindMemberAssembly}
	var rows []slotRow
	for range r.IntN(40) {
		y, m := 2023+r.IntN(3), 1+r.IntN(12)
		start, end := fmt.Sprintf("%d-%02d-01", y, m), fmt.Sprintf("%d-%02d-28", y, m)
		switch r.IntN(3) {
		case 1:
			q := (m - 1) / 3
			start, end = fmt.Sprintf("%d-%02d-01", y, 3*q+1), fmt.Sprintf("%d-%02d-30", y, 3*q+3)
		case 2:
			start, end = fmt.Sprintf("%d-01-01", y), fmt.Sprintf("%d-12-31", y)
		}
		if r.IntN(60) == 0 {
			start = fmt.Sprint(y) // not a day: the intervals sort by text
		}
		x := slotRow{org: 1, kind: kinds[r.IntN(len(kinds))], start: start, end: end}
		x.required = r.IntN(3)
		x.total = r.IntN(4)
		x.held = min(x.total, x.required)
		if r.IntN(4) == 0 {
			x.held = x.required // met
		}
		x.late = r.IntN(x.total + 1)
		x.attN = r.IntN(x.total + 1)
		x.attSum = float64(r.IntN(8)) / 4
		rows = append(rows, x)
		if r.IntN(5) == 0 {
			rows = append(rows, x) // the same slot twice
		}
	}
	return rows
}

// TestRollupAccMatchesReference adds and takes away random party
// organizations' slots in the interned accumulator and in the string-keyed
// one it replaced, and requires the same non-zero sums and counts in the
// same order: what flush and copyAll write.
func TestRollupAccMatchesReference(t *testing.T) {
	streets := []string{"430426100", "430426101", "430426", "430426100001", ""}
	orgKinds := []string{partyorg.KindBranch, partyorg.KindGeneralBranch, partyorg.KindCommittee}
	for seed := range uint64(60) {
		r := rand.New(rand.NewPCG(seed, 7))
		acc, ref := newRollupAcc(), newRefRollupAcc()
		var added [][]slotRow
		var where [][2]string
		for step := range 1 + r.IntN(30) {
			if seed < 12 && step == int(seed%3) {
				// Numbers beyond 16 bits from here on: the wide keys.
				for i := range 70000 {
					acc.strs.id(fmt.Sprint("filler", i))
				}
			}
			st, ok := streets[r.IntN(len(streets))], orgKinds[r.IntN(len(orgKinds))]
			if len(added) > 0 && r.IntN(3) == 0 {
				// Take one away again, as a refresh does.
				i := r.IntN(len(added))
				acc.add(where[i][0], where[i][1], added[i], -1)
				ref.add(where[i][0], where[i][1], added[i], -1)
				added, where = slices.Delete(added, i, i+1), slices.Delete(where, i, i+1)
				continue
			}
			rows := randomSlotRows(r)
			sign := int64(1)
			if r.IntN(6) == 0 {
				sign = -1 // rows stored before and now gone
			}
			acc.add(st, ok, rows, sign)
			ref.add(st, ok, rows, sign)
			if sign == 1 {
				added, where = append(added, rows), append(where, [2]string{st, ok})
			}
		}
		gotS, gotC := accRows(acc)
		wantS, wantC := refRows(ref)
		if !reflect.DeepEqual(gotS, wantS) {
			t.Fatalf("seed %d: sums differ:\n got %v\nwant %v", seed, gotS, wantS)
		}
		if !reflect.DeepEqual(gotC, wantC) {
			t.Fatalf("seed %d: counts differ:\n got %v\nwant %v", seed, gotC, wantC)
		}
		if len(wantC) == 0 && seed < 5 {
			t.Fatalf("seed %d: nothing counted: the input does not exercise the counts", seed)
		}
	}
}

// accRows are the accumulator's rows as flush writes them: keys in text.
func accRows(a *rollupAcc) ([]string, []string) {
	rank, str := a.strs.order()
	var s, c []string
	for _, x := range a.sortedSums(rank) {
		k := x.k
		s = append(s, fmt.Sprint(str[k.street], "|", str[k.start], "|", str[k.orgKind], "|", str[k.kind], "|", str[k.end], x.v))
	}
	for _, x := range a.sortedCounts(rank) {
		k := x.k
		c = append(c, fmt.Sprint(str[k.street], "|", str[k.start], "|", str[k.orgKind], "|", str[k.what], "|", str[k.end], "|", str[k.prev], " ", x.n))
	}
	return s, c
}

// refRows are the reference's non-zero rows in the same form and order.
func refRows(a *refRollupAcc) ([]string, []string) {
	var sk []refRollupKey
	for k, v := range a.sums {
		if *v != (rollupSum{}) {
			sk = append(sk, k)
		}
	}
	slices.SortFunc(sk, compareRefRollupKey)
	var ck []refCountKey
	for k, v := range a.counts {
		if v != 0 {
			ck = append(ck, k)
		}
	}
	slices.SortFunc(ck, compareRefCountKey)
	var s, c []string
	for _, k := range sk {
		s = append(s, fmt.Sprint(k.street, "|", k.start, "|", k.orgKind, "|", k.kind, "|", k.end, *a.sums[k]))
	}
	for _, k := range ck {
		c = append(c, fmt.Sprint(k.street, "|", k.start, "|", k.orgKind, "|", k.what, "|", k.end, "|", k.prev, " ", a.counts[k]))
	}
	return s, c
}

// TestSlotsOfMatchesReference compares slotsOf (months numbered, shared
// calendar, reused buffer) with the slot computation it replaced on random
// party organizations, frequency versions, meetings, 党小组 and terms.
func TestSlotsOfMatchesReference(t *testing.T) {
	orgKinds := []string{partyorg.KindBranch, partyorg.KindGeneralBranch, partyorg.KindCommittee}
	periods := []string{PeriodMonth, PeriodQuarter, PeriodYear, PeriodNone}
	var buf []slotRow
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 11))
		fs := frequencies{}
		for _, d := range DefaultFrequencies() {
			fs[[2]string{d.PartyOrgKind, d.Kind}] = []Frequency{d}
		}
		// Later versions, some from the middle of a quarter or a month.
		for range r.IntN(6) {
			ok := orgKinds[r.IntN(len(orgKinds))]
			ks := fs.kinds(ok)
			k := ks[r.IntN(len(ks))].Code
			f := Frequency{PartyOrgKind: ok, Kind: k, Period: periods[r.IntN(len(periods))], Times: r.IntN(3), EffectiveFrom: randomDay(r, 0)}
			list := append(fs[[2]string{ok, k}], f)
			slices.SortStableFunc(list, func(a, b Frequency) int {
				if a.EffectiveFrom < b.EffectiveFrom {
					return -1
				}
				if a.EffectiveFrom > b.EffectiveFrom {
					return 1
				}
				return 0
			})
			fs[[2]string{ok, k}] = list
		}
		p := poInfo{ID: int64(seed), Kind: orgKinds[r.IntN(len(orgKinds))], Established: randomDay(r, 0), Dissolved: randomDay(r, 0.7)}
		var held []heldMeeting
		for range r.IntN(30) {
			kinds := Kinds()
			h := heldMeeting{kind: kinds[r.IntN(len(kinds))].Code, day: randomDay(r, 0), late: r.IntN(3) == 0}
			if r.IntN(2) == 0 {
				v := float64(r.IntN(100)) / 100
				h.attendance = &v
			}
			held = append(held, h)
		}
		slices.SortFunc(held, func(a, b heldMeeting) int {
			if a.day < b.day {
				return -1
			}
			if a.day > b.day {
				return 1
			}
			return 0
		})
		var groups []groupSpan
		for range r.IntN(3) {
			groups = append(groups, groupSpan{randomDay(r, 0), randomDay(r, 0.5)})
		}
		var terms []term
		for range r.IntN(6) {
			terms = append(terms, term{"member", randomDay(r, 0), randomDay(r, 0.5)})
		}
		y0 := 2022 + r.IntN(2)
		y1 := y0 + r.IntN(4)
		want := refSlotsOf(p, fs, y0, y1, held, groups, terms)
		if got := slotsOf(p, fs, y0, y1, held, groups, terms); !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
			t.Fatalf("seed %d: slotsOf differs:\n got %+v\nwant %+v", seed, got, want)
		}
		buf = appendSlots(buf[:0], p, fs, y0, y1, held, groups, terms)
		if !reflect.DeepEqual(buf, want) && (len(buf) > 0 || len(want) > 0) {
			t.Fatalf("seed %d: appendSlots into a used buffer differs", seed)
		}
	}
}

// BenchmarkRollupAccAdd adds generated-ledger-like party organizations
// (the default frequencies over five years, 2,000 streets) to the
// accumulator and flushes its sorted rows, as a rebuild does; ref: the
// string-keyed reference.
func BenchmarkRollupAccAdd(b *testing.B) {
	fs := frequencies{}
	for _, d := range DefaultFrequencies() {
		fs[[2]string{d.PartyOrgKind, d.Kind}] = []Frequency{d}
	}
	orgKinds := []string{partyorg.KindBranch, partyorg.KindBranch, partyorg.KindBranch, partyorg.KindGeneralBranch, partyorg.KindCommittee}
	var orgs [][]slotRow
	var streets []string
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		p := poInfo{ID: int64(i), Kind: orgKinds[r.IntN(len(orgKinds))], Established: randomDay(r, 0)}
		terms := []term{{"a", "2020-01-01", ""}, {"b", "2020-01-01", ""}, {"c", "2020-01-01", ""}}
		orgs = append(orgs, slotsOf(p, fs, 2023, 2027, nil, []groupSpan{{"2020-01-01", ""}}, terms))
		streets = append(streets, fmt.Sprintf("43%07d", r.IntN(2000)))
	}
	b.Run("interned", func(b *testing.B) {
		for range b.N {
			acc := newRollupAcc()
			for i, rows := range orgs {
				acc.add(streets[i], "branch", rows, 1)
			}
			rank, _ := acc.strs.order()
			_, _ = acc.sortedSums(rank), acc.sortedCounts(rank)
		}
	})
	b.Run("ref", func(b *testing.B) {
		for range b.N {
			acc := newRefRollupAcc()
			for i, rows := range orgs {
				acc.add(streets[i], "branch", rows, 1)
			}
			_, _ = refRows(acc)
		}
	})
}
