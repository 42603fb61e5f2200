package coverspan

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// upperByEvent is the reference for the upper series: every event of an
// organization added, one by one, to the province and city codes above
// its region code (its joint key always, its industry and the main series
// when it meets the scope rule), with no derivation from county series.
func upperByEvent(a countAcc, o Org, spans []Span, flags int) {
	events(o, spans, flags, 1, func(ss []series, day string, m Measures, s int64) {
		for _, x := range ss {
			a.put(seriesDay{x.region, x.dim, x.key, day}, m, s)
		}
		for _, l := range UpperLevels {
			if l >= len(o.RegionCode) {
				continue
			}
			up := []series{{o.RegionCode[:l], DimJoint, JointKey(flags, o.AboveScale, o.Category)}}
			if flags&CountMain != 0 {
				up = append(up, series{o.RegionCode[:l], DimIndustry, o.Industry}, series{o.RegionCode[:l], DimMain, ""})
			}
			for _, x := range up {
				a.put(seriesDay{x.region, x.dim, x.key, day}, m, s)
			}
		}
	})
}

// randomOrgs are organizations at every code length (province, city,
// county, street, village) of two cities, with spans (covering and
// instruction measures: the accumulator's wide changes).
func randomOrgs(r *rand.Rand, n int) ([]Org, [][]Span, []int) {
	codes := []string{"43", "4304", "4305", "430426", "430427", "430501", "430426001", "430427002", "430501003", "430426001201", "430501003005"}
	var orgs []Org
	var spans [][]Span
	var flags []int
	day := func() string { return fmt.Sprintf("20%02d-%02d-%02d", 15+r.IntN(10), 1+r.IntN(12), 1+r.IntN(28)) }
	for i := range n {
		o := Org{ID: int64(i + 1), RegionCode: codes[r.IntN(len(codes))], Category: []string{"a", "b", "c"}[r.IntN(3)],
			Industry: []string{"", "C", "F"}[r.IntN(3)], AboveScale: r.IntN(4) == 0, HasCharter: r.IntN(2) == 0, CharterParty: r.IntN(3) == 0}
		if r.IntN(5) > 0 {
			o.RegisteredOn = day()
		}
		if r.IntN(6) == 0 {
			o.ClosedOn = "2026-06-30"
		}
		var sp []Span
		if r.IntN(2) == 0 {
			from := day()
			s := Span{From: from, State: 1 + r.IntN(3), Effective: r.IntN(2) == 0, Instructed: r.IntN(2) == 0}
			if r.IntN(2) == 0 {
				s.To = "2026-01-01"
			}
			if s.To == "" || s.To > s.From {
				sp = append(sp, s)
			}
		}
		orgs, spans, flags = append(orgs, o), append(spans, sp), append(flags, r.IntN(8))
	}
	return orgs, spans, flags
}

// The upper series derived from the accumulated county and city series
// (countAcc.deriveUpper, importAcc.deriveUpper with its merges and
// compactions, RebuildBulk's upperRows) equal the series added event by
// event, at every code length.
func TestDerivedUpperEqualsUpperByEvent(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 9))
	orgs, spans, flags := randomOrgs(r, 3000)
	want := countAcc{}
	for i, o := range orgs {
		upperByEvent(want, o, spans[i], flags[i])
	}
	wantRows := want.bucketRows()

	// countAcc (Refresh, Rebuild).
	got := countAcc{}
	for i, o := range orgs {
		got.add(o, spans[i], flags[i], 1)
	}
	got.deriveUpper()
	sameRows(t, "countAcc", got.bucketRows(), wantRows)

	// importAcc (a bulk import), merged and compacted often.
	for _, tail := range []int{3, 1 << 14} {
		old := accTail
		accTail = tail
		a := newImportAcc()
		for i, o := range orgs {
			one := countAcc{}
			one.add(o, spans[i], flags[i], 1)
			for k, m := range one {
				a.add(a.seriesOf(series{k.region, k.dim, k.key}), a.bucketOf(k.day), m)
			}
		}
		a.deriveUpper()
		accTail = old
		back := countAcc{}
		for _, c := range a.days {
			s, m := a.series[c.key>>32], a.measures(c.p)
			var mm Measures
			for i, v := range m {
				mm[i] = int64(v)
			}
			back.put(seriesDay{s.region, s.dim, s.key, a.buckets[uint32(c.key)]}, mm, 1)
		}
		sameRows(t, fmt.Sprintf("importAcc (tail %d)", tail), back.bucketRows(), wantRows)
	}

	// RebuildBulk's pass 2 (the county rows, then upperRows).
	p := &packed{in: newInterner()}
	for i, o := range orgs {
		p.add(o, spans[i], flags[i])
	}
	w := &countWriter{}
	var rows []countRow
	w.sink = func(rs []countRow) { rows = append(rows, rs...) }
	if err := p.counts(w, true); err != nil {
		t.Fatal(err)
	}
	sameRows(t, "RebuildBulk", rows, wantRows)
}

func sameRows(t *testing.T, what string, got, want []countRow) {
	t.Helper()
	g := map[bucketKey]Measures{}
	for _, r := range got {
		if _, dup := g[r.k]; dup {
			t.Fatalf("%s: row %v twice", what, r.k)
		}
		g[r.k] = r.m
	}
	levels := map[int]bool{}
	for _, r := range want {
		levels[len(r.k.region)] = true
		if g[r.k] != r.m {
			t.Fatalf("%s: %v = %v, want %v", what, r.k, g[r.k], r.m)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for _, l := range []int{2, 4, 6, 9, 12} {
		if !levels[l] {
			t.Fatalf("%s: no row at code length %d", what, l)
		}
	}
}
