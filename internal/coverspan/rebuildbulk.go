package coverspan

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"liangxin/internal/store"
)

// RebuildBulk is Rebuild for a ledger just loaded in bulk (the generator,
// issue 18 target 4): the same spans, count snapshots and coverage counts,
// computed in two passes instead of one.
//
// The spans and snapshots are written per step of ids as Rebuild writes
// them (the validity of every party organization read once beforehand), but the count changes are not staged in the database and added up
// there (the slow part of Rebuild: tens of millions of staged rows grouped
// and inserted one grain after another). Each organization is kept in
// memory in a compact form instead (interned strings, a few dozen bytes);
// after the last step they are taken in region-code order, so the count
// rows of one street (and of one county) are complete as soon as its
// organizations are done: they are added up in memory, their month and year
// buckets derived, and inserted once each, in key order. Memory holds one
// street's rows and one county's at a time, plus the compact organizations.
//
// The result equals Rebuild's row for row (tested on both databases, see
// internal/gen).
func RebuildBulk(ctx context.Context, db *store.DB) error {
	return db.InTx(ctx, func(tx *sql.Tx) error { return rebuildBulkTx(ctx, db, tx) })
}

// bulkBroken is set by tests only (SetBulkRebuildBroken): the bulk rebuild
// then drops one count change, so the comparison with Rebuild must fail.
var bulkBroken bool

// interner maps strings to small indexes (0 is "").
type interner struct {
	idx map[string]int32
	str []string
}

func newInterner() *interner { return &interner{idx: map[string]int32{"": 0}, str: []string{""}} }

func (in *interner) of(s string) int32 {
	if i, ok := in.idx[s]; ok {
		return i
	}
	i := int32(len(in.str))
	in.idx[s] = i
	in.str = append(in.str, s)
	return i
}

// packedOrg is what the counts need of an organization.
type packedOrg struct {
	region, category, industry, registered, closed int32 // interned
	spans                                          int32 // index of its first span in packed.spans
	flags                                          uint8 // the classification (cl)
	bits                                           uint8 // packAbove, packCharter, packCharterParty
}

const (
	packAbove = 1 << iota
	packCharter
	packCharterParty
)

type packedSpan struct {
	from, to int32 // interned
	state    uint8
	bits     uint8 // 1 effective, 2 instructed
}

type packed struct {
	in    *interner
	orgs  []packedOrg
	spans []packedSpan
}

func (p *packed) add(o Org, spans []Span, flags int) {
	po := packedOrg{region: p.in.of(o.RegionCode), category: p.in.of(o.Category), industry: p.in.of(o.Industry),
		registered: p.in.of(o.RegisteredOn), closed: p.in.of(o.ClosedOn), spans: int32(len(p.spans)), flags: uint8(flags)}
	if o.AboveScale {
		po.bits |= packAbove
	}
	if o.HasCharter {
		po.bits |= packCharter
	}
	if o.CharterParty {
		po.bits |= packCharterParty
	}
	p.orgs = append(p.orgs, po)
	for _, sp := range spans {
		ps := packedSpan{from: p.in.of(sp.From), to: p.in.of(sp.To), state: uint8(sp.State)}
		if sp.Effective {
			ps.bits |= 1
		}
		if sp.Instructed {
			ps.bits |= 2
		}
		p.spans = append(p.spans, ps)
	}
}

// unpack returns organization i (only the fields the counts read) with its
// spans, appended to buf.
func (p *packed) unpack(i int, buf []Span) (Org, []Span, int) {
	po := p.orgs[i]
	s := p.in.str
	o := Org{RegionCode: s[po.region], Category: s[po.category], Industry: s[po.industry], RegisteredOn: s[po.registered],
		ClosedOn: s[po.closed], AboveScale: po.bits&packAbove != 0, HasCharter: po.bits&packCharter != 0,
		CharterParty: po.bits&packCharterParty != 0}
	end := int32(len(p.spans))
	if i+1 < len(p.orgs) {
		end = p.orgs[i+1].spans
	}
	for _, ps := range p.spans[po.spans:end] {
		buf = append(buf, Span{From: s[ps.from], To: s[ps.to], State: int(ps.state), Effective: ps.bits&1 != 0, Instructed: ps.bits&2 != 0})
	}
	return o, buf, int(po.flags)
}

func rebuildBulkTx(ctx context.Context, db *store.DB, tx *sql.Tx) error {
	for _, t := range []string{"coverage_spans", "coverage_counts", "coverage_count_orgs"} {
		if _, err := db.Exec(ctx, tx, `DELETE FROM `+t); err != nil {
			return err
		}
	}
	if _, err := db.Exec(ctx, tx, `DELETE FROM settings WHERE key IN (?, ?) OR key LIKE ?`, SettingRebuild, SettingCountsRebuild,
		SettingCountsPending+"%"); err != nil {
		return err
	}
	cl, err := counter(ctx, db, tx)
	if err != nil {
		return err
	}
	var lo, hi sql.NullInt64
	if err := db.QueryRow(ctx, tx, `SELECT MIN(id), MAX(id) FROM organizations`).Scan(&lo, &hi); err != nil {
		return err
	}
	p := &packed{in: newInterner()}
	valid, err := validityAll(ctx, db, tx)
	if err != nil {
		return err
	}
	// Pass 1: spans and snapshots, as Rebuild writes them (the validity of
	// the party organizations read once, above, instead of per step).
	for from := lo.Int64; lo.Valid && from <= hi.Int64; from += rebuildRange {
		orgs, links, err := computeWith(ctx, db, tx, " BETWEEN ? AND ?", []any{from, from + rebuildRange - 1}, valid)
		if err != nil {
			return err
		}
		if cl == nil {
			continue
		}
		for _, o := range orgs {
			p.add(o, Compute(o, links[o.ID]), cl(o))
		}
		if err := writeSnapshots(ctx, db, tx, orgs); err != nil {
			return err
		}
	}
	// Pass 2: the counts, street by street.
	if cl != nil {
		if err := p.counts(ctx, db, tx); err != nil {
			return err
		}
	}
	if db.Dialect == store.Postgres {
		for _, t := range []string{"coverage_spans", "coverage_counts", "coverage_count_orgs"} {
			if _, err := db.Exec(ctx, tx, `ANALYZE `+t); err != nil {
				return err
			}
		}
	}
	return nil
}

// streetLen is the code length below which a count row is shared by the
// streets of a county (the county's own rows, and rows kept at a shorter
// code): those are added up per county, the others per street.
const streetLen = 9

func countyKey(code string) string {
	if len(code) > 6 {
		return code[:6]
	}
	return code
}

func streetKey(code string) string {
	if len(code) >= streetLen {
		return code[:streetLen]
	}
	return ""
}

// counts writes the coverage counts of the packed organizations.
func (p *packed) counts(ctx context.Context, db *store.DB, q store.Querier) error {
	order := make([]int32, len(p.orgs))
	for i := range order {
		order[i] = int32(i)
	}
	s := p.in.str
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(s[p.orgs[a].region], s[p.orgs[b].region]) })
	w := newCountWriter(ctx, db, q)
	county, street := countAcc{}, countAcc{}
	curCounty, curStreet := "", ""
	var buf []Span
	dropped := false
	for _, i := range order {
		code := s[p.orgs[i].region]
		if k := streetKey(code); k != curStreet {
			if err := w.write(street); err != nil {
				return err
			}
			curStreet = k
		}
		if k := countyKey(code); k != curCounty {
			if err := w.write(county); err != nil {
				return err
			}
			curCounty = k
		}
		o, spans, flags := p.unpack(int(i), buf[:0])
		buf = spans
		events(o, spans, flags, 1, func(ss []series, day string, m Measures, sign int64) {
			for _, x := range ss {
				if bulkBroken && !dropped && m[0] != 0 {
					dropped = true
					continue
				}
				if len(x.region) >= streetLen {
					street.put(seriesDay{x.region, x.dim, x.key, day}, m, sign)
				} else {
					county.put(seriesDay{x.region, x.dim, x.key, day}, m, sign)
				}
			}
		})
	}
	if err := w.write(street); err != nil {
		return err
	}
	if err := w.write(county); err != nil {
		return err
	}
	return w.flush()
}

// countWriter inserts finished count rows (their keys are new: the table
// is empty and each street's and county's rows are written once).
type countWriter struct {
	ctx  context.Context
	db   *store.DB
	q    store.Querier
	keys []bucketKey
	vals []Measures
}

func newCountWriter(ctx context.Context, db *store.DB, q store.Querier) *countWriter {
	return &countWriter{ctx: ctx, db: db, q: q}
}

// batch is how many count rows one statement inserts on PostgreSQL (as
// arrays; SQLite takes chunk rows per multi-row INSERT).
const batch = 20000

// write adds the changes of a up into their bucket rows at every grain,
// queues the non-zero rows in key order and empties a.
func (w *countWriter) write(a countAcc) error {
	if len(a) == 0 {
		return nil
	}
	byBucket := make(map[bucketKey]*Measures, len(a)*2)
	for k, m := range a {
		if *m == (Measures{}) {
			continue
		}
		for _, g := range []string{"y", "m", "d"} {
			bk := bucketKey{k.region, g, Bucket(g, k.day), k.dim, k.key}
			p := byBucket[bk]
			if p == nil {
				p = &Measures{}
				byBucket[bk] = p
			}
			for i, v := range m {
				p[i] += v
			}
		}
	}
	clear(a)
	keys := make([]bucketKey, 0, len(byBucket))
	for k, m := range byBucket {
		if *m != (Measures{}) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b bucketKey) int {
		return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.dim, b.dim), cmp.Compare(a.grain, b.grain), cmp.Compare(a.bucket, b.bucket),
			cmp.Compare(a.key, b.key))
	})
	for _, k := range keys {
		w.keys = append(w.keys, k)
		w.vals = append(w.vals, *byBucket[k])
		if len(w.keys) >= batch {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush inserts the queued rows.
func (w *countWriter) flush() error {
	defer func() { w.keys, w.vals = w.keys[:0], w.vals[:0] }()
	if len(w.keys) == 0 {
		return nil
	}
	if w.db.Dialect == store.Postgres {
		var region, grain, bucket, dim, key []string
		var ms [8][]int64
		for i, k := range w.keys {
			region, grain, bucket, dim, key = append(region, k.region), append(grain, k.grain), append(bucket, k.bucket), append(dim, k.dim), append(key, k.key)
			for j, v := range w.vals[i] {
				ms[j] = append(ms[j], v)
			}
		}
		args := []any{region, grain, bucket, dim, key}
		for _, col := range ms {
			args = append(args, col)
		}
		_, err := w.db.Exec(w.ctx, w.q, `INSERT INTO coverage_counts (region_code, grain, bucket, dim, key, `+MeasureCols+`)
			SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
			?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])`, args...)
		return err
	}
	row := "(" + placeholders(countCols) + ")"
	for len(w.keys) > 0 {
		n := min(len(w.keys), chunk)
		vals := make([]any, 0, n*countCols)
		for i, k := range w.keys[:n] {
			vals = append(vals, k.region, k.grain, k.bucket, k.dim, k.key)
			for _, v := range w.vals[i] {
				vals = append(vals, v)
			}
		}
		if _, err := w.db.Exec(w.ctx, w.q, `INSERT INTO coverage_counts (region_code, grain, bucket, dim, key, `+MeasureCols+`) VALUES `+
			strings.TrimSuffix(strings.Repeat(row+", ", n), ", "), vals...); err != nil {
			return err
		}
		w.keys, w.vals = w.keys[n:], w.vals[n:]
	}
	return nil
}

// SetRebuildBulkBroken makes RebuildBulk drop one count change (for tests
// only: a deliberately wrong rebuild the comparison with Rebuild must
// catch); it returns the old setting.
func SetRebuildBulkBroken(on bool) bool {
	old := bulkBroken
	bulkBroken = on
	return old
}
