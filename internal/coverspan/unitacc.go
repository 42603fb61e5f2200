package coverspan

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// unitAcc adds up the count changes of one street (or of one county's
// shorter codes) for RebuildBulk, with the series numbered per unit and the
// days and buckets numbered for the whole rebuild, instead of maps keyed by
// four and then five strings (docs/decisions.md, "The generator's counts
// with an interned accumulator"). Its rows are countAcc.bucketRows' rows:
// the same sums, the same non-zero rows, in the same key order.
type unitAcc struct {
	b         *bucketTable
	seriesIdx map[series]uint32
	series    []series
	changes   []unitChange
	// ids are the series numbers of the organization being added, by its
	// position in the series list events passes (the same list for all its
	// events); valid while ids[i] != 0 (number + 1).
	ids [16]uint32
}

// unitChange is one change of a series on a bucket (key: series<<32 | bucket).
type unitChange struct {
	key uint64
	m   Measures
}

// bucketTable numbers the days, months and years of a rebuild, with each
// day's month and year and an order key per bucket: the grain, then the
// text (countAcc.bucketRows' order).
type bucketTable struct {
	idx   map[grainText]uint32
	str   []string
	grain []uint8     // 0 "d", 1 "m", 2 "y" (the grains' text order)
	ord   [][2]uint64 // the text's first 16 bytes, big-endian
	month []uint32    // of a day bucket
	year  []uint32
}

// grainText names a bucket: a day and its month are distinct buckets even
// if their texts were equal.
type grainText struct {
	g uint8
	s string
}

func newBucketTable() *bucketTable { return &bucketTable{idx: map[grainText]uint32{}} }

// of numbers a bucket of a grain.
func (t *bucketTable) of(g uint8, s string) uint32 {
	if i, ok := t.idx[grainText{g, s}]; ok {
		return i
	}
	i := uint32(len(t.str))
	t.idx[grainText{g, s}] = i
	t.str = append(t.str, s)
	t.grain = append(t.grain, g)
	var b [16]byte
	copy(b[:], s)
	t.ord = append(t.ord, [2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])})
	t.month = append(t.month, 0)
	t.year = append(t.year, 0)
	return i
}

// day numbers a day bucket with its month and year.
func (t *bucketTable) day(s string) uint32 {
	if i, ok := t.idx[grainText{0, s}]; ok {
		return i
	}
	i := t.of(0, s)
	m, y := t.of(1, Bucket("m", s)), t.of(2, Bucket("y", s))
	t.month[i], t.year[i] = m, y
	return i
}

// compare orders two buckets by grain, then text.
func (t *bucketTable) compare(x, y uint32) int {
	if c := cmp.Compare(t.grain[x], t.grain[y]); c != 0 {
		return c
	}
	if c := cmp.Or(cmp.Compare(t.ord[x][0], t.ord[y][0]), cmp.Compare(t.ord[x][1], t.ord[y][1])); c != 0 || (len(t.str[x]) <= 16 && len(t.str[y]) <= 16) {
		return c
	}
	return cmp.Compare(t.str[x], t.str[y])
}

var grainNames = [3]string{"d", "m", "y"}

func newUnitAcc(b *bucketTable) *unitAcc {
	return &unitAcc{b: b, seriesIdx: map[series]uint32{}}
}

// org starts the events of a new organization (its series list).
func (a *unitAcc) org() { a.ids = [16]uint32{} }

// put adds the change m (sign s applied) of the i-th series of the current
// organization's list, x, on day.
func (a *unitAcc) put(i int, x series, day uint32, m *Measures, s int64) {
	var id uint32
	if i < len(a.ids) && a.ids[i] != 0 {
		id = a.ids[i] - 1
	} else {
		var ok bool
		id, ok = a.seriesIdx[x]
		if !ok {
			id = uint32(len(a.series))
			a.seriesIdx[x] = id
			a.series = append(a.series, x)
		}
		if i < len(a.ids) {
			a.ids[i] = id + 1
		}
	}
	c := unitChange{key: uint64(id)<<32 | uint64(day)}
	for j, v := range m {
		c.m[j] = s * v
	}
	a.changes = append(a.changes, c)
}

func (a *unitAcc) empty() bool { return len(a.changes) == 0 }

// rows adds the day changes up into their bucket rows at every grain,
// appends the non-zero rows to out in key order (region, dimension, grain,
// bucket, key) and empties a.
func (a *unitAcc) rows(out []countRow) []countRow {
	if len(a.changes) == 0 {
		return out
	}
	ch := a.changes
	// The day sums.
	slices.SortFunc(ch, func(x, y unitChange) int { return cmp.Compare(x.key, y.key) })
	w := 0
	for _, c := range ch {
		if w > 0 && ch[w-1].key == c.key {
			for j, v := range c.m {
				ch[w-1].m[j] += v
			}
			continue
		}
		ch[w] = c
		w++
	}
	ch = ch[:w]
	// Every day's sum in its month and year too (a zero day adds nothing).
	n := len(ch)
	for i := range n {
		c := ch[i]
		if c.m == (Measures{}) {
			continue
		}
		s, d := c.key&^0xffffffff, uint32(c.key)
		ch = append(ch, unitChange{key: s | uint64(a.b.month[d]), m: c.m}, unitChange{key: s | uint64(a.b.year[d]), m: c.m})
	}
	// Series ranks: by region and dimension (sr), and by key (kr).
	ns := len(a.series)
	order := make([]int32, ns)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		sx, sy := a.series[x], a.series[y]
		return cmp.Or(cmp.Compare(sx.region, sy.region), cmp.Compare(sx.dim, sy.dim), cmp.Compare(sx.key, sy.key))
	})
	sr, kr := make([]int32, ns), make([]int32, ns)
	for r, i := range order {
		if r > 0 {
			p, s := a.series[order[r-1]], a.series[i]
			if s.region == p.region && s.dim == p.dim {
				sr[i] = sr[order[r-1]]
			} else {
				sr[i] = sr[order[r-1]] + 1
			}
		}
		kr[i] = int32(r)
	}
	b := a.b
	slices.SortFunc(ch, func(x, y unitChange) int {
		sx, sy := x.key>>32, y.key>>32
		if c := cmp.Compare(sr[sx], sr[sy]); c != 0 {
			return c
		}
		if c := b.compare(uint32(x.key), uint32(y.key)); c != 0 {
			return c
		}
		return cmp.Compare(kr[sx], kr[sy])
	})
	for i := 0; i < len(ch); {
		c := ch[i]
		j := i + 1
		for ; j < len(ch) && ch[j].key == c.key; j++ {
			for k, v := range ch[j].m {
				c.m[k] += v
			}
		}
		i = j
		if c.m == (Measures{}) {
			continue
		}
		s, bk := a.series[c.key>>32], uint32(c.key)
		out = append(out, countRow{k: bucketKey{s.region, grainNames[b.grain[bk]], b.str[bk], s.dim, s.key}, m: c.m})
	}
	a.changes = ch[:0]
	clear(a.seriesIdx)
	a.series = a.series[:0]
	return out
}
