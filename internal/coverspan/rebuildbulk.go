package coverspan

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

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
	return RebuildBulkLog(ctx, db, nil)
}

// RebuildBulkLog is RebuildBulk reporting the time of each phase through
// logf (nil: none). On PostgreSQL the spans, snapshots and counts are
// written with COPY inside the rebuild's transaction (store.InTxConn).
func RebuildBulkLog(ctx context.Context, db *store.DB, logf func(format string, args ...any)) error {
	return db.InTxConn(ctx, func(ctx context.Context, tx *sql.Tx) error { return rebuildBulkTx(ctx, db, tx, logf) })
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

// bulkTimes are the phases of a bulk rebuild, for its log.
type bulkTimes struct {
	start                               time.Time
	clear, validity, read, spans, snaps time.Duration
	count, write, analyze               time.Duration
}

// lap returns the time since the last lap.
func (t *bulkTimes) lap() time.Duration {
	now := time.Now()
	d := now.Sub(t.start)
	t.start = now
	return d
}

func rebuildBulkTx(ctx context.Context, db *store.DB, tx *sql.Tx, logf func(format string, args ...any)) error {
	tm := &bulkTimes{start: time.Now()}
	useCopy := db.Dialect == store.Postgres && store.CanCopy(ctx)
	cl, upper, err := startRebuild(ctx, db, tx)
	if err != nil {
		return err
	}
	var lo, hi sql.NullInt64
	if err := db.QueryRow(ctx, tx, `SELECT MIN(id), MAX(id) FROM organizations`).Scan(&lo, &hi); err != nil {
		return err
	}
	p := &packed{in: newInterner()}
	tm.clear = tm.lap()
	valid, err := validityAll(ctx, db, tx)
	if err != nil {
		return err
	}
	tm.validity = tm.lap()
	// Pass 1: spans and snapshots, as Rebuild writes them (the validity of
	// the party organizations read once, above, instead of per step).
	var spanRows, snapRows [][]any
	for from := lo.Int64; lo.Valid && from <= hi.Int64; from += rebuildRange {
		orgs, links, err := computeLinks(ctx, db, tx, " BETWEEN ? AND ?", []any{from, from + rebuildRange - 1}, valid)
		if err != nil {
			return err
		}
		tm.read += tm.lap()
		if useCopy {
			spanRows = spanRows[:0]
			for _, o := range orgs {
				if links[o.ID] == nil {
					continue
				}
				for _, sp := range Compute(o, links[o.ID]) {
					spanRows = append(spanRows, spanValues(o, sp))
				}
			}
			if _, err := store.CopyFrom(ctx, "coverage_spans", spanCopyCols, spanRows); err != nil {
				return err
			}
		} else {
			var linked []Org
			for _, o := range orgs {
				if links[o.ID] != nil {
					linked = append(linked, o)
				}
			}
			if err := insert(ctx, db, tx, linked, links); err != nil {
				return err
			}
		}
		tm.spans += tm.lap()
		if cl == nil {
			continue
		}
		for _, o := range orgs {
			p.add(o, Compute(o, links[o.ID]), cl(o))
		}
		tm.count += tm.lap()
		if useCopy {
			snapRows = snapRows[:0]
			for _, o := range orgs {
				snapRows = append(snapRows, snapValues(o))
			}
			if _, err := store.CopyFrom(ctx, "coverage_count_orgs", snapCopyCols, snapRows); err != nil {
				return err
			}
		} else if err := writeSnapshots(ctx, db, tx, orgs); err != nil {
			return err
		}
		tm.snaps += tm.lap()
	}
	// Pass 2: the counts, street by street.
	written := 0
	if cl != nil {
		w := newCountWriter(ctx, db, tx)
		w.copy = useCopy
		if err := p.counts(w, upper); err != nil {
			return err
		}
		tm.write += w.took
		written = w.n
		tm.count += tm.lap() - w.took
	}
	if err := analyzeDerived(ctx, db, tx); err != nil {
		return err
	}
	tm.analyze = tm.lap()
	if logf != nil {
		logf("覆盖数据重建各阶段用时：清空 %s，党组织有效性 %s，读取台账 %s，写入覆盖区间 %s，写入计数快照 %s，计算覆盖计数 %s，写入覆盖计数 %s（%d 行），统计信息 %s",
			r(tm.clear), r(tm.validity), r(tm.read), r(tm.spans), r(tm.snaps), r(tm.count), r(tm.write), written, r(tm.analyze))
	}
	return nil
}

func r(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

// spanCopyCols are coverage_spans' columns in spanValues' order.
var spanCopyCols = []string{"organization_id", "from_on", "to_on", "state", "region_code", "category", "industry", "above_scale", "employees",
	"effective", "instructed", "full_members"}

// spanValues is the coverage_spans row of one span (insert's values).
func spanValues(o Org, sp Span) []any {
	var to any
	if sp.To != "" {
		to = sp.To
	}
	return []any{o.ID, sp.From, to, int32(sp.State), o.RegionCode, o.Category, o.Industry, o.AboveScale, int32(o.Employees),
		sp.Effective, sp.Instructed, int32(o.FullMembers)}
}

// snapCopyCols are coverage_count_orgs' columns in snapValues' order.
var snapCopyCols = []string{"organization_id", "region_code", "category", "industry", "above_scale", "employees", "full_members", "has_charter",
	"charter_has_party", "registered_on", "closed_on"}

// snapValues is the coverage_count_orgs row of an organization
// (writeSnapshotsInto's values).
func snapValues(o Org) []any {
	var reg, closed any
	if o.RegisteredOn != "" {
		reg = o.RegisteredOn
	}
	if o.ClosedOn != "" {
		closed = o.ClosedOn
	}
	return []any{o.ID, o.RegionCode, o.Category, o.Industry, o.AboveScale, int32(o.Employees), int32(o.FullMembers), o.HasCharter, o.CharterParty,
		reg, closed}
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

func cityKey(code string) string {
	if len(code) > 4 {
		return code[:4]
	}
	return code
}

// counts writes the coverage counts of the packed organizations, with the
// upper series when upper is set (added up from the county rows: see
// upperRows).
func (p *packed) counts(w *countWriter, upper bool) error {
	order := make([]int32, len(p.orgs))
	for i := range order {
		order[i] = int32(i)
	}
	s := p.in.str
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(s[p.orgs[a].region], s[p.orgs[b].region]) })
	bt := newBucketTable()
	county, street := newUnitAcc(bt), newUnitAcc(bt)
	curCounty, curStreet, curCity := "", "", ""
	if upper {
		w.up = newUpperRows()
	}
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
		if k := cityKey(code); k != curCity {
			if err := w.writeUpper(false); err != nil {
				return err
			}
			curCity = k
		}
		o, spans, flags := p.unpack(int(i), buf[:0])
		buf = spans
		street.org()
		county.org()
		events(o, spans, flags, 1, func(ss []series, day string, m Measures, sign int64) {
			d := bt.day(day)
			for j, x := range ss {
				if bulkBroken && !dropped && m[0] != 0 {
					dropped = true
					continue
				}
				if len(x.region) >= streetLen {
					street.put(j, x, d, &m, sign)
				} else {
					county.put(j, x, d, &m, sign)
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
	if err := w.writeUpper(true); err != nil {
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
	rows []countRow
	// copy writes with COPY (PostgreSQL inside store.InTxConn).
	copy bool
	n    int           // rows written
	took time.Duration // time spent writing
	// up, when the upper series are kept, takes the rows of the county
	// accs at a city's code length or shorter, and the upper rows derived.
	up *upperRows
	// sink, set by tests only, takes the rows instead of the database.
	sink func([]countRow)
}

// countSource gives count rows to COPY one at a time, through one reused
// slice of values.
type countSource struct {
	rows []countRow
	i    int
	vals [13]any
}

func (s *countSource) Next() bool { s.i++; return s.i < len(s.rows) }

func (s *countSource) Values() ([]any, error) {
	c := &s.rows[s.i]
	k := &c.k
	s.vals[0], s.vals[1], s.vals[2], s.vals[3], s.vals[4] = k.region, k.grain, k.bucket, k.dim, k.key
	for j, v := range c.m {
		s.vals[5+j] = v
	}
	return s.vals[:], nil
}

func (s *countSource) Err() error { return nil }

func newCountWriter(ctx context.Context, db *store.DB, q store.Querier) *countWriter {
	return &countWriter{ctx: ctx, db: db, q: q}
}

// batch is how many count rows one statement inserts on PostgreSQL (as
// arrays; SQLite takes chunk rows per multi-row INSERT).
const batch = 20000

// write adds the changes of a up into their bucket rows at every grain,
// queues the non-zero rows in key order and empties a.
func (w *countWriter) write(a *unitAcc) error {
	if a.empty() {
		return nil
	}
	n := len(w.rows)
	w.rows = a.rows(w.rows)
	if w.up != nil {
		kept := w.up.take(w.rows[n:])
		w.rows = w.rows[:n+len(kept)]
	}
	if len(w.rows) >= batch {
		return w.flush()
	}
	return nil
}

// writeUpper queues the finished city rows (and, last, the province
// rows) of the upper series.
func (w *countWriter) writeUpper(last bool) error {
	if w.up == nil {
		return nil
	}
	w.rows = drain(w.up.city, w.rows)
	if last {
		w.rows = drain(w.up.prov, w.rows)
	}
	if len(w.rows) >= batch {
		return w.flush()
	}
	return nil
}

// flush inserts the queued rows.
func (w *countWriter) flush() error {
	t0 := time.Now()
	defer func() {
		w.n += len(w.rows)
		w.rows = w.rows[:0]
		w.took += time.Since(t0)
	}()
	if w.sink != nil {
		w.sink(w.rows)
		return nil
	}
	if w.copy {
		_, err := store.CopyFromSource(w.ctx, "coverage_counts", countCopyCols, &countSource{rows: w.rows, i: -1})
		return err
	}
	return insertCounts(w.ctx, w.db, w.q, "", len(w.rows), batch, func(i int) (bucketKey, Measures) { return w.rows[i].k, w.rows[i].m }, false)
}

// countCopyCols are coverage_counts' columns in countWriter's order.
var countCopyCols = []string{"region_code", "grain", "bucket", "dim", "key", "total", "has_charter", "charter_has_party", "org_covered",
	"single_covered", "work_covered", "effective_covered", "instructed"}

// SetRebuildBulkBroken makes RebuildBulk drop one count change (for tests
// only: a deliberately wrong rebuild the comparison with Rebuild must
// catch); it returns the old setting.
func SetRebuildBulkBroken(on bool) bool {
	old := bulkBroken
	bulkBroken = on
	return old
}
