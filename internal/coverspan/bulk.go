package coverspan

import (
	"cmp"
	"context"
	"slices"

	"liangxin/internal/store"
)

// Bulk keeps the spans and the coverage counts of a bulk write (an import)
// in step inside the write's transaction: the organizations are refreshed
// 500 at a time as the write goes (spans and count snapshots), and the count
// changes of the whole write are added up in memory (importAcc, compact:
// tens of bytes per series-day) and written once, one row per series ×
// grain × bucket, when the write ends (Flush), or when they exceed
// bulkFlushAt series-days. Writing them per chunk rewrote the same county
// and street rows over and over (issue 12, issue 18).
//
// The result equals Refresh over the same ids: Created is Refresh without
// the old side, which a new organization does not have. Everything is
// written through the caller's transaction, so a write that rolls back
// leaves no count behind.
type Bulk struct {
	db      *store.DB
	q       store.Querier
	acc     countAcc // the changes of one step, folded into all
	all     *importAcc
	created []int64
	changed []int64
	cl      func(Org) int
	clRead  bool
	// upper: the counts keep the upper series (read with cl); the write's
	// total gets them once, when it is written (importAcc.deriveUpper).
	upper bool
	// into prefixes the tables a staged Bulk reads its new organizations
	// from and writes its snapshots and counts into ("stage."; see
	// staged.go); empty otherwise.
	into string
}

// NewBulk starts a bulk refresh through q (the caller's transaction).
func NewBulk(db *store.DB, q store.Querier) *Bulk {
	all := newImportAcc()
	all.wrong = bulkWrong
	return &Bulk{db: db, q: q, acc: countAcc{}, all: all}
}

// bulkWrong is set by tests only (SetBulkWrong).
var bulkWrong bool

// Created queues organizations inserted by this transaction. They can have
// no spans, no count snapshot, no covers and no instructor assignments yet
// (those reference an existing organization, and deleting an organization
// uncounts it), so only their rows are read and counted.
func (b *Bulk) Created(ctx context.Context, ids ...int64) error {
	b.created = append(b.created, ids...)
	if len(b.created) >= chunk {
		return b.step(ctx)
	}
	return nil
}

// Changed queues existing organizations whose span or count fields changed
// (Refresh semantics).
func (b *Bulk) Changed(ctx context.Context, ids ...int64) error {
	b.changed = append(b.changed, ids...)
	if len(b.changed) >= chunk {
		return b.step(ctx)
	}
	return nil
}

// Settle counts id now if it is a queued new organization, so that a
// Refresh of it through the same transaction (an update of an organization
// the write has just created) finds its snapshot and counts only the change
// instead of writing the snapshot a second time.
func (b *Bulk) Settle(ctx context.Context, id int64) error {
	if !slices.Contains(b.created, id) {
		return nil
	}
	return b.step(ctx)
}

// Flush refreshes everything queued and writes the count changes of the
// whole write. Call it once, before the transaction commits.
func (b *Bulk) Flush(ctx context.Context) error {
	if err := b.step(ctx); err != nil {
		return err
	}
	return b.writeAll(ctx)
}

// writeAll writes the write's total so far (with the upper series when
// they are kept) and begins a new one.
func (b *Bulk) writeAll(ctx context.Context) error {
	all := b.all
	b.all = newImportAcc()
	b.all.wrong = all.wrong
	if b.upper {
		all.deriveUpper()
	}
	return all.write(ctx, b.db, b.q, b.into)
}

func (b *Bulk) step(ctx context.Context) error {
	if len(b.changed) > 0 {
		ids := unique(b.changed)
		b.changed = b.changed[:0]
		for len(ids) > 0 {
			n := min(len(ids), chunk)
			up, err := refresh(ctx, b.db, b.q, ids[:n], b.acc)
			if err != nil {
				return err
			}
			b.upper = up
			b.fold()
			ids = ids[n:]
		}
	}
	for len(b.created) > 0 {
		n := min(len(b.created), chunk)
		if err := b.refreshCreated(ctx, b.created[:n]); err != nil {
			return err
		}
		b.fold()
		b.created = b.created[n:]
	}
	b.created = b.created[:0:0]
	if b.all.size() >= bulkFlushAt {
		return b.writeAll(ctx)
	}
	return nil
}

// bulkFlushAt bounds the series-days a Bulk holds (16 bytes each for a
// new organization's, 48 for a change with covering measures, and the
// ranks of the sort while they are written; at 40 bytes each, 2^18 of them
// kept a 200,000-row import under 25 MB of counts where 2^20 took 50 MB):
// beyond it (an import of many hundred thousand rows over many days) the
// total so far is written and a new one begun, so memory stays bounded at
// the price of writing some count rows more than once.
var bulkFlushAt = 1 << 18

// fold moves the changes of a step into the write's total.
func (b *Bulk) fold() {
	for k, m := range b.acc {
		b.all.add(b.all.seriesOf(series{k.region, k.dim, k.key}), b.all.bucketOf(k.day), m)
	}
	clear(b.acc)
}

// refreshCreated counts new organizations: no spans (no links), a snapshot
// and their ledger changes.
func (b *Bulk) refreshCreated(ctx context.Context, ids []int64) error {
	if !b.clRead {
		cl, upper, err := b.counter(ctx)
		if err != nil {
			return err
		}
		b.cl, b.clRead, b.upper = cl, true, upper
	}
	if b.cl == nil {
		return nil // counts not kept; a new organization has no spans
	}
	orgs, err := readOrgs(ctx, b.db, b.q, b.into, ` IN (`+placeholders(len(ids))+`)`, idArgs(ids))
	if err != nil {
		return err
	}
	for _, o := range orgs {
		b.all.addOrg(o, b.cl(o))
	}
	return writeSnapshotsInto(ctx, b.db, b.q, b.into, orgs)
}

// series names one count series (a region, a dimension and a key).
type series struct{ region, dim, key string }

// measures32 is a Measures in 32 bits: a change of a bulk write is at most
// twice the organizations it touched.
type measures32 [8]int32

// importAcc adds up the count changes of a whole bulk write per series and
// day with the series and the days numbered (interned), so a series' strings
// are held once. The changes are kept in a slice sorted by series and day
// (days, each key once) and a short unsorted tail that is sorted and merged
// into it when full. A change is 16 bytes (dayChange: the key and its
// measures packed, see packedMeasures), where the eight measures in 32 bits each
// took 40 and two maps about 60 (issue 12 item 2).
type importAcc struct {
	seriesIdx map[series]uint32
	series    []series
	bucketIdx map[string]uint32 // days, and at write time months and years
	buckets   []string
	days      []dayChange // sorted by key, each key once
	tail      []dayChange // added since the last merge, unsorted
	// wide holds the measures of the changes that do not pack (packedMeasures):
	// a change with a covering or instruction measure, or a figure beyond
	// 21 bits. A slot whose change was merged into another is left behind
	// until the next compaction (compactWide).
	wide     []measures32
	wideLive int // len(wide) after the last compaction
	// wrong, set by tests only (SetBulkWrong), drops every other change:
	// the tests must see the counts differ from a rebuild.
	wrong, odd bool
}

// dayChange is the change of one series on one day (key: series<<32 | day).
type dayChange struct {
	key uint64
	p   packedMeasures
}

// packedMeasures holds the measures of one change in 64 bits. A new organization
// changes only the first three (total, has_charter, charter_has_party),
// so those are held in place when they fit in 21 bits each (signed,
// −1,048,576 to 1,048,575: bits 0–20, 21–41 and 42–62, bit 63 clear) and the other
// five are zero. Otherwise bit 63 is set and the low 32 bits index
// importAcc.wide, which holds all eight.
type packedMeasures uint64

const (
	packBits = 21
	packMax  = 1<<(packBits-1) - 1
	packMin  = -1 << (packBits - 1)
	packMask = 1<<packBits - 1
	packWide = packedMeasures(1) << 63
)

// pack packs m in place, or reports that it does not fit.
func pack(m *measures32) (packedMeasures, bool) {
	for _, v := range m[3:] {
		if v != 0 {
			return 0, false
		}
	}
	var p packedMeasures
	for i, v := range m[:3] {
		if v < packMin || v > packMax {
			return 0, false
		}
		p |= packedMeasures(uint32(v)&packMask) << (i * packBits)
	}
	return p, true
}

// measures unpacks p.
func (a *importAcc) measures(p packedMeasures) measures32 {
	if p&packWide != 0 {
		return a.wide[uint32(p)]
	}
	var m measures32
	for i := range 3 {
		// Shift the field to the top, then back with the sign.
		m[i] = int32(int64(uint64(p)<<(64-packBits*(i+1))) >> (64 - packBits))
	}
	return m
}

// packOf packs m, in a new wide slot if it does not fit in place.
func (a *importAcc) packOf(m *measures32) packedMeasures {
	if p, ok := pack(m); ok {
		return p
	}
	a.wide = append(a.wide, *m)
	return packWide | packedMeasures(len(a.wide)-1)
}

// sum adds y to x: in x's wide slot if it has one, else packedMeasures anew.
func (a *importAcc) sum(x, y packedMeasures) packedMeasures {
	if x&packWide != 0 {
		w := &a.wide[uint32(x)]
		*w = w.plus(a.measures(y))
		return x
	}
	if y&packWide != 0 {
		return a.sum(y, x)
	}
	m := a.measures(x).plus(a.measures(y))
	return a.packOf(&m)
}

// compactWide drops the wide slots no change refers to any more, once they
// are more than the live ones were at the last compaction (amortised: each
// compaction at least halves the slice).
func (a *importAcc) compactWide() {
	if len(a.wide) < 2*a.wideLive+1024 {
		return
	}
	w := make([]measures32, 0, a.wideLive+a.wideLive/4+16)
	for i := range a.days {
		if p := a.days[i].p; p&packWide != 0 {
			w = append(w, a.wide[uint32(p)])
			a.days[i].p = packWide | packedMeasures(len(w)-1)
		}
	}
	a.wide, a.wideLive = w, len(w)
}

// accTail is how many changes wait in the tail before they are merged
// (a variable for the tests: SetAccTail).
var accTail = 1 << 14

func newImportAcc() *importAcc {
	return &importAcc{seriesIdx: map[series]uint32{}, bucketIdx: map[string]uint32{}}
}

func (a *importAcc) seriesOf(s series) uint32 {
	i, ok := a.seriesIdx[s]
	if !ok {
		i = uint32(len(a.series))
		a.seriesIdx[s] = i
		a.series = append(a.series, s)
	}
	return i
}

func (a *importAcc) bucketOf(b string) uint32 {
	i, ok := a.bucketIdx[b]
	if !ok {
		i = uint32(len(a.buckets))
		a.bucketIdx[b] = i
		a.buckets = append(a.buckets, b)
	}
	return i
}

// addOrg counts a new organization (no spans) with its flags.
func (a *importAcc) addOrg(o Org, flags int) {
	var ids [16]uint32
	events(o, nil, flags, 1, func(ss []series, day string, m Measures, s int64) {
		for i, x := range ss {
			if i < len(ids) && ids[i] == 0 {
				ids[i] = a.seriesOf(x) + 1
			}
		}
		d := a.bucketOf(day)
		for i := range m {
			m[i] *= s
		}
		for i := range ss {
			a.add(ids[i]-1, d, &m)
		}
	})
}

// add adds the change m of a series on a day.
func (a *importAcc) add(series, day uint32, m *Measures) {
	if *m == (Measures{}) {
		return
	}
	if a.wrong {
		if a.odd = !a.odd; a.odd {
			return
		}
	}
	var m32 measures32
	for i, x := range m {
		m32[i] = int32(x)
	}
	a.tail = append(a.tail, dayChange{key: uint64(series)<<32 | uint64(day), p: a.packOf(&m32)})
	if len(a.tail) >= accTail {
		a.merge()
	}
}

// size is the number of series-days held (the tail counted in full).
func (a *importAcc) size() int { return len(a.days) + len(a.tail) }

// merge sorts the tail, adds up its repeated keys and merges it into days
// in place (from the back, into the room the tail needs).
func (a *importAcc) merge() {
	if len(a.tail) == 0 {
		return
	}
	t := a.tail
	slices.SortFunc(t, func(x, y dayChange) int { return cmp.Compare(x.key, y.key) })
	w := 0
	for _, c := range t {
		if w > 0 && t[w-1].key == c.key {
			t[w-1].p = a.sum(t[w-1].p, c.p)
			continue
		}
		t[w] = c
		w++
	}
	t = t[:w]
	n := len(a.days)
	a.days = slices.Grow(a.days, len(t))[:n+len(t)]
	i, j, k := n-1, len(t)-1, n+len(t)-1
	for j >= 0 {
		switch {
		case i >= 0 && a.days[i].key > t[j].key:
			a.days[k] = a.days[i]
			i--
		case i >= 0 && a.days[i].key == t[j].key:
			a.days[k] = dayChange{key: t[j].key, p: a.sum(a.days[i].p, t[j].p)}
			i--
			j--
		default:
			a.days[k] = t[j]
			j--
		}
		k--
	}
	// days[:i+1] stayed in place; days[i+1:k+1] is the room repeated keys
	// did not take.
	if gap := k - i; gap > 0 {
		copy(a.days[i+1:], a.days[k+1:])
		a.days = a.days[:len(a.days)-gap]
	}
	a.tail = a.tail[:0]
	a.compactWide()
}

func (m measures32) plus(o measures32) measures32 {
	for i := range m {
		m[i] += o[i]
	}
	return m
}

// grainOf tells the grain of a bucket by its length (day, month, year).
func grainOf(b string) string {
	switch len(b) {
	case 4:
		return "y"
	case 7:
		return "m"
	}
	return "d"
}

// write adds the changes to coverage_counts: one row per series, grain and
// bucket, in the order a rebuild lays them out (region, dimension, grain,
// bucket, key), so the rows of one series stay together. The days are
// sorted in that order in place; the month and year totals are added up
// per region and dimension (a small map, emptied for each) as its days pass,
// and follow them.
func (a *importAcc) write(ctx context.Context, db *store.DB, q store.Querier, into string) error {
	a.merge()
	if len(a.days) == 0 {
		return nil
	}
	// The month and year of each day.
	nd := len(a.buckets)
	month, year := make([]uint32, nd), make([]uint32, nd)
	for b := range nd {
		day := a.buckets[b]
		month[b], year[b] = a.bucketOf(Bucket("m", day)), a.bucketOf(Bucket("y", day))
	}
	// Ranks, so that the sort compares numbers: the region and dimension
	// of a series, its key, and a bucket's grain and text.
	sRank := make([]int32, len(a.series))
	kRank := make([]int32, len(a.series))
	order := make([]int32, len(a.series))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		sx, sy := a.series[x], a.series[y]
		return cmp.Or(cmp.Compare(sx.region, sy.region), cmp.Compare(sx.dim, sy.dim))
	})
	for r, i := range order {
		if r > 0 {
			p := a.series[order[r-1]]
			if s := a.series[i]; s.region == p.region && s.dim == p.dim {
				sRank[i] = sRank[order[r-1]]
				continue
			}
			sRank[i] = sRank[order[r-1]] + 1
		}
	}
	slices.SortFunc(order, func(x, y int32) int { return cmp.Compare(a.series[x].key, a.series[y].key) })
	for r, i := range order {
		kRank[i] = int32(r)
	}
	bRank := make([]int32, len(a.buckets))
	border := make([]int32, len(a.buckets))
	for i := range border {
		border[i] = int32(i)
	}
	slices.SortFunc(border, func(x, y int32) int {
		bx, by := a.buckets[x], a.buckets[y]
		return cmp.Or(cmp.Compare(grainOf(bx), grainOf(by)), cmp.Compare(bx, by))
	})
	for r, i := range border {
		bRank[i] = int32(r)
	}
	byRank := func(x, y uint64) int {
		sx, sy, bx, by := x>>32, y>>32, uint32(x), uint32(y)
		return cmp.Or(cmp.Compare(sRank[sx], sRank[sy]), cmp.Compare(bRank[bx], bRank[by]), cmp.Compare(kRank[sx], kRank[sy]))
	}
	slices.SortFunc(a.days, func(x, y dayChange) int { return byRank(x.key, y.key) })

	out := newAccWriter(ctx, db, q, into)
	emit := func(k uint64, m measures32) error {
		if m == (measures32{}) {
			return nil
		}
		s, b := a.series[k>>32], a.buckets[uint32(k)]
		return out.add(s, grainOf(b), b, m)
	}
	coarse := map[uint64]measures32{}
	var ckeys []uint64
	for lo := 0; lo < len(a.days); {
		g := sRank[a.days[lo].key>>32]
		hi := lo
		for ; hi < len(a.days) && sRank[a.days[hi].key>>32] == g; hi++ {
			c := a.days[hi]
			m := a.measures(c.p)
			if err := emit(c.key, m); err != nil {
				return err
			}
			s := c.key &^ 0xffffffff
			for _, cb := range [2]uint32{month[uint32(c.key)], year[uint32(c.key)]} {
				coarse[s|uint64(cb)] = coarse[s|uint64(cb)].plus(m)
			}
		}
		ckeys = ckeys[:0]
		for k := range coarse {
			ckeys = append(ckeys, k)
		}
		slices.SortFunc(ckeys, byRank)
		for _, k := range ckeys {
			if err := emit(k, coarse[k]); err != nil {
				return err
			}
		}
		clear(coarse)
		lo = hi
	}
	return out.flush()
}

// accWriter writes an importAcc's count rows as they are emitted, a
// statement's worth at a time (insertCounts: on SQLite and into a stage
// multi-row INSERTs, on PostgreSQL arrays unnested), so the rows to write
// are never all held at once.
type accWriter struct {
	ctx  context.Context
	db   *store.DB
	q    store.Querier
	into string
	rows []countRow
}

func newAccWriter(ctx context.Context, db *store.DB, q store.Querier, into string) *accWriter {
	return &accWriter{ctx: ctx, db: db, q: q, into: into, rows: make([]countRow, 0, arrayRows)}
}

func (w *accWriter) add(s series, grain, bucket string, m measures32) error {
	r := countRow{k: bucketKey{s.region, grain, bucket, s.dim, s.key}}
	for i, v := range m {
		r.m[i] = int64(v)
	}
	w.rows = append(w.rows, r)
	if len(w.rows) == arrayRows {
		return w.flush()
	}
	return nil
}

// flush writes the rows added since the last flush.
func (w *accWriter) flush() error {
	rows := w.rows
	w.rows = w.rows[:0]
	return insertCounts(w.ctx, w.db, w.q, w.into, len(rows), arrayRows, func(i int) (bucketKey, Measures) {
		return rows[i].k, rows[i].m
	}, true)
}
