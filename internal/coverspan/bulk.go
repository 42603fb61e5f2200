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
	all := b.all
	b.all = newImportAcc()
	b.all.wrong = all.wrong
	return all.write(ctx, b.db, b.q, b.into)
}

func (b *Bulk) step(ctx context.Context) error {
	if len(b.changed) > 0 {
		ids := unique(b.changed)
		b.changed = b.changed[:0]
		for len(ids) > 0 {
			n := min(len(ids), chunk)
			if err := refresh(ctx, b.db, b.q, ids[:n], b.acc); err != nil {
				return err
			}
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
	if len(b.all.ledger)+len(b.all.spans) >= bulkFlushAt {
		all := b.all
		b.all = newImportAcc()
		b.all.wrong = all.wrong
		return all.write(ctx, b.db, b.q, b.into)
	}
	return nil
}

// bulkFlushAt bounds the series-days a Bulk holds (about 40 bytes each,
// and as much again while they are written: 2^18 of them kept a
// 200,000-row import under 25 MB of counts where 2^20 took 50 MB):
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
		cl, err := b.counter(ctx)
		if err != nil {
			return err
		}
		b.cl, b.clRead = cl, true
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

// ledgerMeasures is the number of leading measures a ledger event (a
// registration or a closing) changes; a span changes only the others.
const ledgerMeasures = 3

// importAcc adds up the count changes of a whole bulk write per series and
// day with the series and the days numbered (interned), so a series' strings
// are held once. The changes of the ledger measures and of the span
// measures are kept apart: a new organization has no spans, so an import's
// changes are mostly map entries of 8 + 12 bytes, and a 200,000-row import
// holds a few hundred thousand of them in about ten MB.
type importAcc struct {
	seriesIdx map[series]uint32
	series    []series
	bucketIdx map[string]uint32 // days, and at write time months and years
	buckets   []string
	ledger    map[uint64][ledgerMeasures]int32     // series<<32 | day
	spans     map[uint64][8 - ledgerMeasures]int32 // series<<32 | day
	// wrong, set by tests only (SetBulkWrong), drops every other change:
	// the tests must see the counts differ from a rebuild.
	wrong, odd bool
}

func newImportAcc() *importAcc {
	return &importAcc{seriesIdx: map[series]uint32{}, bucketIdx: map[string]uint32{},
		ledger: map[uint64][ledgerMeasures]int32{}, spans: map[uint64][8 - ledgerMeasures]int32{}}
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
	key := uint64(series)<<32 | uint64(day)
	if [ledgerMeasures]int64(m[:ledgerMeasures]) != [ledgerMeasures]int64{} {
		v := a.ledger[key]
		for i := range v {
			v[i] += int32(m[i])
		}
		a.ledger[key] = v
	}
	if [8 - ledgerMeasures]int64(m[ledgerMeasures:]) != [8 - ledgerMeasures]int64{} {
		v := a.spans[key]
		for i := range v {
			v[i] += int32(m[ledgerMeasures+i])
		}
		a.spans[key] = v
	}
}

// day returns the change of a series on a day.
func (a *importAcc) day(k uint64) measures32 {
	var m measures32
	l, s := a.ledger[k], a.spans[k]
	copy(m[:], l[:])
	copy(m[ledgerMeasures:], s[:])
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
// bucket, key), so the rows of one series stay together.
func (a *importAcc) write(ctx context.Context, db *store.DB, q store.Querier, into string) error {
	// The month and year totals, from the days.
	coarse := map[uint64]measures32{} // grown as needed: a size hint of a quarter of the days doubled it
	keys := make([]uint64, 0, len(a.ledger)+len(a.ledger)/4)
	for k := range a.spans {
		if _, ok := a.ledger[k]; !ok {
			a.ledger[k] = [ledgerMeasures]int32{} // so that one loop sees every day
		}
	}
	for k := range a.ledger {
		m := a.day(k)
		if m == (measures32{}) {
			continue
		}
		keys = append(keys, k)
		s, day := k&^0xffffffff, a.buckets[uint32(k)]
		for _, g := range []string{"m", "y"} {
			ck := s | uint64(a.bucketOf(Bucket(g, day)))
			v := coarse[ck]
			for i, x := range m {
				v[i] += x
			}
			coarse[ck] = v
		}
	}
	for k, m := range coarse {
		if m != (measures32{}) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	value := func(k uint64) measures32 {
		if grainOf(a.buckets[uint32(k)]) == "d" {
			return a.day(k)
		}
		return coarse[k]
	}
	// Ranks, so that the sort compares numbers: the region and dimension
	// of a series, its key, and a bucket's grain and text.
	sRank := make([]int, len(a.series))
	kRank := make([]int, len(a.series))
	order := make([]int, len(a.series))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
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
	slices.SortFunc(order, func(x, y int) int { return cmp.Compare(a.series[x].key, a.series[y].key) })
	for r, i := range order {
		kRank[i] = r
	}
	bRank := make([]int, len(a.buckets))
	border := make([]int, len(a.buckets))
	for i := range border {
		border[i] = i
	}
	slices.SortFunc(border, func(x, y int) int {
		bx, by := a.buckets[x], a.buckets[y]
		return cmp.Or(cmp.Compare(grainOf(bx), grainOf(by)), cmp.Compare(bx, by))
	})
	for r, i := range border {
		bRank[i] = r
	}
	slices.SortFunc(keys, func(x, y uint64) int {
		sx, sy, bx, by := x>>32, y>>32, uint32(x), uint32(y)
		return cmp.Or(cmp.Compare(sRank[sx], sRank[sy]), cmp.Compare(bRank[bx], bRank[by]), cmp.Compare(kRank[sx], kRank[sy]))
	})
	return insertCounts(ctx, db, q, into, len(keys), arrayRows, func(i int) (bucketKey, Measures) {
		k := keys[i]
		s, b := a.series[k>>32], a.buckets[uint32(k)]
		var m Measures
		for j, v := range value(k) {
			m[j] = int64(v)
		}
		return bucketKey{s.region, grainOf(b), b, s.dim, s.key}, m
	}, true)
}
