package coverspan

import (
	"math/rand/v2"
	"testing"
)

// The accumulator's sorted slice holds each series-day once with the sum of
// every change added to it, whatever the merges in between: compared with
// a plain map of sums over 20,000 random changes on 300 series-days, merged
// every 7, 1,000 and 16,384 changes.
func TestImportAccSumsEachSeriesDayOnce(t *testing.T) {
	for _, tail := range []int{7, 1000, 1 << 14} {
		old := accTail
		accTail = tail
		a := newImportAcc()
		want := map[uint64]measures32{}
		r := rand.New(rand.NewPCG(3, 4))
		for range 20000 {
			s, d := uint32(r.IntN(30)), uint32(r.IntN(10))
			var m Measures
			m[r.IntN(len(m))] = int64(r.IntN(5) - 2)
			a.add(s, d, &m)
			k := uint64(s)<<32 | uint64(d)
			for i, x := range m {
				v := want[k]
				v[i] += int32(x)
				want[k] = v
			}
		}
		a.merge()
		accTail = old
		got := map[uint64]measures32{}
		for i, c := range a.days {
			if i > 0 && a.days[i-1].key >= c.key {
				t.Fatalf("tail %d: days not sorted and unique at %d: %x after %x", tail, i, c.key, a.days[i-1].key)
			}
			got[c.key] = a.measures(c.p)
		}
		for k, m := range want {
			if got[k] != m {
				t.Fatalf("tail %d: series-day %x: %v, want %v", tail, k, got[k], m)
			}
		}
		if len(got) > len(want) {
			t.Fatalf("tail %d: %d series-days, want at most %d", tail, len(got), len(want))
		}
	}
}

// A change packs into 64 bits only when its last five measures are zero
// and its first three fit in 21 bits (−1,048,576 to 1,048,575); every
// figure comes back as it went in, packed or not.
func TestPackedMeasuresKeepEveryFigure(t *testing.T) {
	for _, c := range []struct {
		m      measures32
		inline bool
	}{
		{measures32{1, 1, 1}, true},
		{measures32{1, 0, 0}, true},
		{measures32{-1, -1, 0}, true},
		{measures32{0, 0, -1}, true},
		{measures32{1048575, -1048576, 1048575}, true},
		{measures32{-1048576, 1048575, -1048576}, true},
		{measures32{1048576, 0, 0}, false},
		{measures32{0, -1048577, 0}, false},
		{measures32{0, 0, 2000000}, false},
		{measures32{1, 1, 1, 1}, false},
		{measures32{0, 0, 0, 0, 0, 0, 0, -1}, false},
		{measures32{7, 0, 0, 0, 0, 1}, false},
		{measures32{-2147483648, 2147483647, 5, -6, 7, -8, 9, -10}, false},
	} {
		a := newImportAcc()
		p := a.packOf(&c.m)
		if inline := p&packWide == 0; inline != c.inline {
			t.Errorf("%v: packed in place %t, want %t", c.m, inline, c.inline)
		}
		if got := a.measures(p); got != c.m {
			t.Errorf("%v: unpacked %v", c.m, got)
		}
	}
	// Packed sums that leave 21 bits move to a wide slot, and back sums
	// stay exact: 1,000,000 + 100,000 = 1,100,000; −1,000,000 − 100,000.
	a := newImportAcc()
	x, y := measures32{1000000, -1000000, 3}, measures32{100000, -100000, -3}
	s := a.sum(a.packOf(&x), a.packOf(&y))
	if s&packWide == 0 {
		t.Errorf("1,100,000 packed in place")
	}
	if got := a.measures(s); got != (measures32{1100000, -1100000, 0}) {
		t.Errorf("sum %v", got)
	}
	z := measures32{0, 0, 0, 0, 2}
	if got := a.measures(a.sum(a.packOf(&measures32{1, 1}), a.packOf(&z))); got != (measures32{1, 1, 0, 0, 2}) {
		t.Errorf("packed + wide: %v", got)
	}
}

// Wide and large changes are summed exactly too, through the merges and the
// compactions of the wide slots: 40,000 random changes on 200 series-days,
// every measure, figures up to ±600,000 (so sums leave 21 bits and come
// back), compared with a plain map of sums.
func TestImportAccSumsWideChanges(t *testing.T) {
	for _, tail := range []int{5, 333, 1 << 14} {
		old := accTail
		accTail = tail
		a := newImportAcc()
		want := map[uint64]measures32{}
		r := rand.New(rand.NewPCG(5, uint64(tail)))
		for range 40000 {
			s, d := uint32(r.IntN(20)), uint32(r.IntN(10))
			var m Measures
			switch r.IntN(3) {
			case 0: // a new organization's change
				m[0], m[1], m[2] = 1, int64(r.IntN(2)), int64(r.IntN(2))
			case 1: // any measure
				m[r.IntN(len(m))] = int64(r.IntN(5) - 2)
			default: // large
				m[r.IntN(3)] = int64(r.IntN(1200001) - 600000)
			}
			a.add(s, d, &m)
			k := uint64(s)<<32 | uint64(d)
			v := want[k]
			for i, x := range m {
				v[i] += int32(x)
			}
			want[k] = v
		}
		a.merge()
		accTail = old
		if len(a.days) != len(want) {
			t.Fatalf("tail %d: %d series-days, want %d", tail, len(a.days), len(want))
		}
		for i, c := range a.days {
			if i > 0 && a.days[i-1].key >= c.key {
				t.Fatalf("tail %d: days not sorted and unique at %d", tail, i)
			}
			if got := a.measures(c.p); got != want[c.key] {
				t.Fatalf("tail %d: series-day %x: %v, want %v", tail, c.key, got, want[c.key])
			}
		}
		if tail == 5 && a.wideLive == 0 {
			t.Fatalf("tail %d: the wide slots were never compacted", tail)
		}
		if len(a.wide) > 2*a.wideLive+1024 {
			t.Fatalf("tail %d: %d wide slots, %d live at the last compaction", tail, len(a.wide), a.wideLive)
		}
	}
}

// RebuildBulk's per-street accumulator gives the rows countAcc.bucketRows
// gives (the maps of the writers' rebuild, the reference): the same non-zero
// rows at every grain, in the same key order, for random changes over
// series of several regions, dimensions and keys, days of several months and
// years (among them the undated beginning, and days that cancel out), one
// organization's list of series at a time as events passes them.
func TestUnitAccEqualsCountAcc(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	bt := newBucketTable()
	u := newUnitAcc(bt)
	for round := range 3 {
		ref := countAcc{}
		regions := []string{"430426001", "430426002", "430426001001", "430426001002"}
		dims := []string{DimJoint, DimIndustry, DimMain, DimSelf}
		days := []string{Beginning, "2019-12-31", "2020-01-01", "2020-01-15", "2020-02-01", "2021-06-30", "2026-12-07"}
		for range 400 {
			var ss []series
			for range 1 + r.IntN(6) {
				ss = append(ss, series{regions[r.IntN(len(regions))], dims[r.IntN(len(dims))], []string{"", "1|a", "9|b", "C"}[r.IntN(4)]})
			}
			u.org()
			for range 1 + r.IntN(4) {
				day := days[r.IntN(len(days))]
				var m Measures
				m[r.IntN(len(m))] = int64(r.IntN(3))
				sign := int64(1 - 2*r.IntN(2))
				d := bt.day(day)
				for j, x := range ss {
					ref.put(seriesDay{x.region, x.dim, x.key, day}, m, sign)
					u.put(j, x, d, &m, sign)
				}
			}
		}
		want := ref.bucketRows()
		got := u.rows(nil)
		if len(got) != len(want) || len(want) == 0 {
			t.Fatalf("round %d: %d rows, want %d", round, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("round %d: row %d is %+v, want %+v", round, i, got[i], want[i])
			}
		}
	}
}
