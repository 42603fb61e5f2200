package coverspan

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"liangxin/internal/store"
)

// The coverage counts (table coverage_counts, docs/ledger.md): for every
// region code above an organization (its county, street and village codes,
// see RegionLevels; a village keeps the main series only, see FullLevel)
// and per breakdown series, the change of each measure on each calendar
// bucket. A value on day D is a prefix sum over three grains: the
// year buckets before D's year, the month buckets of D's year before D's
// month and the day buckets of D's month up to D, so a report reads at most
// about 70 rows per series whatever the size of the ledger.
//
// The counts are kept in step at one choke point, Refresh: it reads what the
// organizations were counted as (their coverage_count_orgs row and their old
// spans), computes what they count as now, and adds the difference. Rebuild
// recomputes them with the spans.

// SettingCountsRebuild is the settings key set when the counts cannot be kept
// in step (no Classifier registered in the program that wrote) or a rule they
// are keyed by changed: reads fall back to the spans until EnsureBuilt or
// Rebuild recomputes them.
const SettingCountsRebuild = "coverage_counts_rebuild"

// Flag bits a classification returns.
const (
	CountMain        = 1 // meets the configured scope rule (the report's main figures and breakdowns)
	CountShouldBuild = 2 // 应建: ≥3 正式党员 declared
	CountSize        = 4 // meets the size rule (规模口径)
)

// Classifier returns, for the rules in force (read through q), the flag bits
// of an organization. The coverage package registers it (it owns the rules).
type Classifier func(ctx context.Context, db *store.DB, q store.Querier) (func(Org) int, error)

var classifier Classifier

// SetClassifier registers the rule classification the counts are keyed by.
func SetClassifier(c Classifier) { classifier = c }

// Series dimensions.
const (
	// DimJoint: every organization, keyed by JointKey (its rule flags, its
	// above-scale mark and its category), so that the named rules, the
	// categories and the above-scale split all come out of one series.
	DimJoint    = "k"
	DimIndustry = "i" // organizations meeting the scope rule, by industry
	DimSelf     = "s" // … registered at the region itself (key ""), stored at the exact code only
	// DimMain: organizations meeting the scope rule (key ""), one series per
	// region, so a parent's breakdown by child region reads one series per
	// child instead of every joint key.
	DimMain = "m"
)

// FlagAbove is the bit JointKey adds for an above-scale organization.
const FlagAbove = 8

// JointKey is the key of an organization's DimJoint series: "<bits>|<category>"
// with bits its classification flags plus FlagAbove.
func JointKey(flags int, above bool, category string) string {
	if above {
		flags |= FlagAbove
	}
	return fmt.Sprintf("%d|%s", flags, category)
}

// ParseJointKey splits a JointKey.
func ParseJointKey(k string) (flags int, category string) {
	i := strings.IndexByte(k, '|')
	if i < 0 {
		return 0, k
	}
	_, _ = fmt.Sscan(k[:i], &flags)
	return flags, k[i+1:]
}

// RegionLevels are the code lengths counts are kept for: county, street
// and village. A province or city is read as the sum of its counties (plus
// the series of organizations registered at a code shorter than a county's,
// which are kept at their exact code: see SeriesCodes), except in a city or
// province deployment, whose counts also keep the province's and city's own
// series (UpperLevels, added up from the county series: upper.go).
var RegionLevels = []int{6, 9, 12}

// FullLevel is the longest code that keeps every series (DimJoint,
// DimIndustry, DimMain and DimSelf), so that its own report reads the
// counts. A longer code (a village) keeps DimMain only, for its parent's
// breakdown by child region: its joint and industry series were nearly one
// row per organization and event day (no aggregation), and its own report
// reads its few organizations' spans through the region_code indexes
// (docs/decisions.md, "Coverage counts without village series").
const FullLevel = 9

// SeriesCodes are the region codes the series of an organization registered
// at code are kept at: its prefixes at the RegionLevels, or, for a code
// shorter than a county's (a province or city), the code itself.
func SeriesCodes(code string) []string {
	var out []string
	for _, l := range RegionLevels {
		if l > len(code) {
			break
		}
		out = append(out, code[:l])
	}
	if len(out) == 0 && code != "" {
		out = append(out, code)
	}
	return out
}

// Full tells whether a code's own report may be read from the counts: its
// series are all kept (a county or street, or a province or city as the sum
// of its counties).
func Full(code string) bool {
	if len(code) == 2 || len(code) == 4 {
		return true
	}
	return len(code) <= FullLevel && slices.Contains(RegionLevels, len(code))
}

// Measures are the counted figures, in column order.
type Measures [8]int64

// MeasureCols are the measure columns of coverage_counts.
const MeasureCols = "total, has_charter, charter_has_party, org_covered, single_covered, work_covered, effective_covered, instructed"

// Beginning is the day of an event without a date (registered_on unknown:
// always in the ledger); it sorts before every real day.
const Beginning = "0000-01-01"

type seriesDay struct{ region, dim, key, day string }

// countAcc accumulates changes per series and day.
type countAcc map[seriesDay]*Measures

func (a countAcc) put(k seriesDay, m Measures, sign int64) {
	p := a[k]
	if p == nil {
		p = &Measures{}
		a[k] = p
	}
	for i, v := range m {
		p[i] += sign * v
	}
}

// add counts (sign 1) or uncounts (−1) one organization with its spans.
func (a countAcc) add(o Org, spans []Span, flags int, sign int64) {
	events(o, spans, flags, sign, func(ss []series, day string, m Measures, s int64) {
		for _, x := range ss {
			a.put(seriesDay{x.region, x.dim, x.key, day}, m, s)
		}
	})
}

// events calls event for each change counting (sign 1) or uncounting (−1)
// one organization with its spans makes: the series it is counted in, the
// day and the change (its sign applied as s).
func events(o Org, spans []Span, flags int, sign int64, event func(ss []series, day string, m Measures, s int64)) {
	var buf [16]series
	ss := buf[:0]
	main := flags&CountMain != 0
	for _, p := range SeriesCodes(o.RegionCode) {
		if len(p) <= FullLevel {
			ss = append(ss, series{p, DimJoint, JointKey(flags, o.AboveScale, o.Category)})
			if main {
				ss = append(ss, series{p, DimIndustry, o.Industry})
			}
		}
		if main {
			ss = append(ss, series{p, DimMain, ""})
		}
	}
	// 直属 is read for a region with children whose own report comes from
	// the counts: a code no longer than FullLevel.
	if main && len(o.RegionCode) <= FullLevel {
		ss = append(ss, series{o.RegionCode, DimSelf, ""})
	}
	reg := o.RegisteredOn
	if reg == "" {
		reg = Beginning
	}
	if o.ClosedOn == "" || o.ClosedOn > reg {
		m := Measures{1}
		if o.HasCharter {
			m[1] = 1
			if o.CharterParty {
				m[2] = 1
			}
		}
		event(ss, reg, m, sign)
		if o.ClosedOn != "" {
			event(ss, o.ClosedOn, m, -sign)
		}
	}
	for _, sp := range spans {
		var m Measures
		m[5] = 1
		if sp.State >= Covered {
			m[3] = 1
			if sp.Effective {
				m[6] = 1
			}
		}
		if sp.State == Single {
			m[4] = 1
		}
		if sp.Instructed {
			m[7] = 1
		}
		event(ss, sp.From, m, sign)
		if sp.To != "" {
			event(ss, sp.To, m, -sign)
		}
	}
}

// counter returns the classification in force, or nil when the counts are
// not kept (no Classifier, or already waiting for a rebuild), and whether
// the counts keep the upper series (SettingCountsUpper): one read of the
// settings for both.
func counter(ctx context.Context, db *store.DB, q store.Querier) (func(Org) int, bool, error) {
	rows, err := db.Query(ctx, q, `SELECT key FROM settings WHERE key IN (?, ?)`, SettingCountsRebuild, SettingCountsUpper)
	if err != nil {
		return nil, false, err
	}
	stale, upper := false, false
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, false, err
		}
		stale = stale || k == SettingCountsRebuild
		upper = upper || k == SettingCountsUpper
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if stale {
		return nil, upper, nil
	}
	if classifier == nil {
		return nil, upper, MarkCountsStale(ctx, db, q)
	}
	cl, err := classifier(ctx, db, q)
	return cl, upper, err
}

// MarkCountsStale makes reads use the spans until the counts are rebuilt.
func MarkCountsStale(ctx context.Context, db *store.DB, q store.Querier) error {
	_, err := db.Exec(ctx, q, `INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value`, SettingCountsRebuild)
	return err
}

// CountsReady tells whether the counts may be read (no rebuild pending, no
// published import's count changes still being added: SettingCountsPending).
func CountsReady(ctx context.Context, db *store.DB, q store.Querier) (bool, error) {
	var n int
	err := db.QueryRow(ctx, q, `SELECT COUNT(*) FROM settings WHERE key IN (?, ?) OR key LIKE ?`, SettingCountsRebuild, SettingRebuild,
		SettingCountsPending+"%").Scan(&n)
	return n == 0, err
}

// old uncounts the organizations whose id meets sel as they were counted.
func (a countAcc) old(ctx context.Context, db *store.DB, q store.Querier, cl func(Org) int, sel string, args []any) error {
	spans := map[int64][]Span{}
	rows, err := db.Query(ctx, q, `SELECT organization_id, from_on, to_on, state, effective, instructed FROM coverage_spans WHERE organization_id`+sel, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var sp Span
		var to sql.NullString
		if err := rows.Scan(&id, &sp.From, &to, &sp.State, &sp.Effective, &sp.Instructed); err != nil {
			rows.Close()
			return err
		}
		sp.To = to.String
		spans[id] = append(spans[id], sp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.Query(ctx, q, `SELECT organization_id, region_code, category, industry, above_scale, employees, full_members, has_charter,
		charter_has_party, registered_on, closed_on FROM coverage_count_orgs WHERE organization_id`+sel, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var o Org
		var reg, closed sql.NullString
		if err := rows.Scan(&o.ID, &o.RegionCode, &o.Category, &o.Industry, &o.AboveScale, &o.Employees, &o.FullMembers, &o.HasCharter,
			&o.CharterParty, &reg, &closed); err != nil {
			return err
		}
		o.RegisteredOn, o.ClosedOn = reg.String, closed.String
		a.add(o, spans[o.ID], cl(o), -1)
	}
	return rows.Err()
}

const snapCols = 11

// writeSnapshots records what orgs are counted as.
func writeSnapshots(ctx context.Context, db *store.DB, q store.Querier, orgs []Org) error {
	return writeSnapshotsInto(ctx, db, q, "", orgs)
}

// writeSnapshotsInto is writeSnapshots into the tables of a schema prefix
// (a stage's).
func writeSnapshotsInto(ctx context.Context, db *store.DB, q store.Querier, into string, orgs []Org) error {
	for len(orgs) > 0 {
		n := min(len(orgs), chunk)
		vals := make([]any, 0, n*snapCols)
		for _, o := range orgs[:n] {
			var reg, closed any
			if o.RegisteredOn != "" {
				reg = o.RegisteredOn
			}
			if o.ClosedOn != "" {
				closed = o.ClosedOn
			}
			vals = append(vals, o.ID, o.RegionCode, o.Category, o.Industry, o.AboveScale, o.Employees, o.FullMembers, o.HasCharter, o.CharterParty, reg, closed)
		}
		row := "(" + placeholders(snapCols) + ")"
		if _, err := db.Exec(ctx, q, `INSERT INTO `+into+`coverage_count_orgs (organization_id, region_code, category, industry, above_scale, employees,
			full_members, has_charter, charter_has_party, registered_on, closed_on) VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", n), ", "), vals...); err != nil {
			return err
		}
		orgs = orgs[n:]
	}
	return nil
}

// Bucket names the bucket of a day at a grain: "y" YYYY, "m" YYYY-MM, "d" the day.
func Bucket(grain, day string) string {
	switch grain {
	case "y":
		return day[:4]
	case "m":
		return day[:7]
	}
	return day
}

type bucketKey struct{ region, grain, bucket, dim, key string }

const countCols = 13

// flush adds the accumulated changes to coverage_counts (every grain), with
// the upper series when upper is set, and empties a.
func (a countAcc) flush(ctx context.Context, db *store.DB, q store.Querier, upper bool) error {
	if upper {
		a.deriveUpper()
	}
	rows := a.bucketRows()
	return insertCounts(ctx, db, q, "", len(rows), arrayRows, func(i int) (bucketKey, Measures) { return rows[i].k, rows[i].m }, true)
}

// countRow is one row of coverage_counts.
type countRow struct {
	k bucketKey
	m Measures
}

// grains are the bucket grains, finest last.
var grains = []string{"y", "m", "d"}

// bucketRows adds the day changes of a up into their bucket rows at every
// grain, empties a and returns the non-zero rows in key order (region,
// dimension, grain, bucket, key): written in that order, the rows of one
// region and series lie together, so a report reads few pages.
func (a countAcc) bucketRows() []countRow {
	byBucket := make(map[bucketKey]*Measures, len(a)*2)
	for k, m := range a {
		if *m == (Measures{}) {
			continue
		}
		for _, g := range grains {
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
	rows := make([]countRow, 0, len(byBucket))
	for k, m := range byBucket {
		if *m != (Measures{}) {
			rows = append(rows, countRow{k, *m})
		}
	}
	slices.SortFunc(rows, func(a, b countRow) int {
		return cmp.Or(cmp.Compare(a.k.region, b.k.region), cmp.Compare(a.k.dim, b.k.dim), cmp.Compare(a.k.grain, b.k.grain),
			cmp.Compare(a.k.bucket, b.k.bucket), cmp.Compare(a.k.key, b.k.key))
	})
	return rows
}

// insertCounts inserts n count rows (row(i) is the i-th) into the
// coverage_counts of a schema prefix (into: "" or a stage's "name."); with
// upsert each is added to the row of its key already there. On PostgreSQL
// (into "") a statement carries per rows as arrays (13 parameters whatever
// the number of rows), elsewhere chunk rows as a multi-row VALUES.
func insertCounts(ctx context.Context, db *store.DB, q store.Querier, into string, n, per int, row func(int) (bucketKey, Measures), upsert bool) error {
	tail := ""
	if upsert {
		tail = countsUpsert
	}
	if db.Dialect == store.Postgres && into == "" {
		for lo := 0; lo < n; lo += per {
			m := min(n-lo, per)
			region, grain, bucket, dim, key := make([]string, m), make([]string, m), make([]string, m), make([]string, m), make([]string, m)
			var ms [8][]int64
			for i := range ms {
				ms[i] = make([]int64, m)
			}
			for j := range m {
				k, v := row(lo + j)
				region[j], grain[j], bucket[j], dim[j], key[j] = k.region, k.grain, k.bucket, k.dim, k.key
				for i, x := range v {
					ms[i][j] = x
				}
			}
			args := []any{region, grain, bucket, dim, key}
			for _, col := range ms {
				args = append(args, col)
			}
			if _, err := db.Exec(ctx, q, `INSERT INTO coverage_counts (region_code, grain, bucket, dim, key, `+MeasureCols+`)
				SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
				?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])`+tail, args...); err != nil {
				return err
			}
		}
		return nil
	}
	row1 := "(" + placeholders(countCols) + ")"
	for lo := 0; lo < n; lo += chunk {
		m := min(n-lo, chunk)
		vals := make([]any, 0, m*countCols)
		for j := range m {
			k, v := row(lo + j)
			vals = append(vals, k.region, k.grain, k.bucket, k.dim, k.key)
			for _, x := range v {
				vals = append(vals, x)
			}
		}
		if _, err := db.Exec(ctx, q, `INSERT INTO `+into+`coverage_counts (region_code, grain, bucket, dim, key, `+MeasureCols+`) VALUES `+
			strings.TrimSuffix(strings.Repeat(row1+", ", m), ", ")+tail, vals...); err != nil {
			return err
		}
	}
	return nil
}

// countsUpsert adds a row's changes to the row already there.
const countsUpsert = ` ON CONFLICT (region_code, dim, grain, bucket, key) DO UPDATE SET
			total = coverage_counts.total + excluded.total, has_charter = coverage_counts.has_charter + excluded.has_charter,
			charter_has_party = coverage_counts.charter_has_party + excluded.charter_has_party,
			org_covered = coverage_counts.org_covered + excluded.org_covered, single_covered = coverage_counts.single_covered + excluded.single_covered,
			work_covered = coverage_counts.work_covered + excluded.work_covered,
			effective_covered = coverage_counts.effective_covered + excluded.effective_covered, instructed = coverage_counts.instructed + excluded.instructed`

// arrayRows is how many count rows one PostgreSQL statement of a writer
// carries (as arrays). A statement's arrays and their encoding take about
// 2 KB a row in the client, so 1,000 rows keep that near 2 MB (5,000 took
// 12 MB of a 200,000-row import's peak) for a few more round trips.
const arrayRows = 1000

// flushAt bounds the changes a rebuild holds in memory before writing them.
const flushAt = 1 << 18

// RebuildResult is what a rebuild found: the non-zero count rows before and
// after, and how many of them differed (0 when the counts kept in step by
// the writers equal the recomputation).
type RebuildResult struct {
	Before, After, Differ int
}

// RebuildAndCompare rebuilds the spans and counts (Rebuild) and compares the
// counts with what the writers had kept in step, in one transaction.
func RebuildAndCompare(ctx context.Context, db *store.DB) (RebuildResult, error) {
	var res RebuildResult
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := countRows(ctx, db, tx)
		if err != nil {
			return err
		}
		if err := rebuildTx(ctx, db, tx); err != nil {
			return err
		}
		after, err := countRows(ctx, db, tx)
		if err != nil {
			return err
		}
		res.Before, res.After = len(before), len(after)
		for k, v := range before {
			if w, ok := after[k]; !ok || w != v {
				res.Differ++
			}
		}
		for k := range after {
			if _, ok := before[k]; !ok {
				res.Differ++
			}
		}
		return nil
	})
	return res, err
}

// countRows reads the non-zero rows of coverage_counts.
func countRows(ctx context.Context, db *store.DB, q store.Querier) (map[bucketKey]Measures, error) {
	rows, err := db.Query(ctx, q, `SELECT region_code, grain, bucket, dim, key, `+MeasureCols+` FROM coverage_counts`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[bucketKey]Measures{}
	for rows.Next() {
		var k bucketKey
		var m Measures
		if err := rows.Scan(&k.region, &k.grain, &k.bucket, &k.dim, &k.key, &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &m[6], &m[7]); err != nil {
			return nil, err
		}
		if m != (Measures{}) {
			out[k] = m
		}
	}
	return out, rows.Err()
}

// stageTable holds a rebuild's changes at the day grain, unindexed: a
// rebuild appends to it and adds it up into coverage_counts once at the end
// (finishStage), instead of upserting three bucket rows per change.
const stageTable = "coverage_counts_stage"

func createStage(ctx context.Context, db *store.DB, q store.Querier) error {
	if _, err := db.Exec(ctx, q, `DROP TABLE IF EXISTS `+stageTable); err != nil {
		return err
	}
	_, err := db.Exec(ctx, q, `CREATE TEMP TABLE `+stageTable+` (region_code TEXT NOT NULL, day TEXT NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL,
		total BIGINT NOT NULL, has_charter BIGINT NOT NULL, charter_has_party BIGINT NOT NULL, org_covered BIGINT NOT NULL,
		single_covered BIGINT NOT NULL, work_covered BIGINT NOT NULL, effective_covered BIGINT NOT NULL, instructed BIGINT NOT NULL)`)
	return err
}

// stage appends the accumulated changes to the stage table and empties a.
// On PostgreSQL one statement carries them all as arrays.
func (a countAcc) stage(ctx context.Context, db *store.DB, q store.Querier, upper bool) error {
	defer clear(a)
	if upper {
		a.deriveUpper()
	}
	if db.Dialect == store.Postgres {
		var region, day, dim, key []string
		var ms [8][]int64
		for k, m := range a {
			if *m == (Measures{}) {
				continue
			}
			region, day, dim, key = append(region, k.region), append(day, k.day), append(dim, k.dim), append(key, k.key)
			for i, v := range m {
				ms[i] = append(ms[i], v)
			}
		}
		if len(region) == 0 {
			return nil
		}
		args := []any{region, day, dim, key}
		for _, col := range ms {
			args = append(args, col)
		}
		_, err := db.Exec(ctx, q, `INSERT INTO `+stageTable+` SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[],
			?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])`, args...)
		return err
	}
	const cols = 12
	vals := make([]any, 0, chunk*cols)
	row := "(" + placeholders(cols) + ")"
	write := func() error {
		if len(vals) == 0 {
			return nil
		}
		n := len(vals) / cols
		_, err := db.Exec(ctx, q, `INSERT INTO `+stageTable+` VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", n), ", "), vals...)
		vals = vals[:0]
		return err
	}
	for k, m := range a {
		if *m == (Measures{}) {
			continue
		}
		vals = append(vals, k.region, k.day, k.dim, k.key)
		for _, v := range m {
			vals = append(vals, v)
		}
		if len(vals) == chunk*cols {
			if err := write(); err != nil {
				return err
			}
		}
	}
	return write()
}

// finishStage adds the staged changes up into coverage_counts at every
// grain in one statement (rows in key order, all-zero sums left out) and
// drops the stage table. coverage_counts must be empty.
func finishStage(ctx context.Context, db *store.DB, q store.Querier) error {
	if db.Dialect == store.Postgres {
		if _, err := db.Exec(ctx, q, `SET LOCAL work_mem = '256MB'`); err != nil {
			return err
		}
	}
	sums := `SUM(total) AS total, SUM(has_charter) AS has_charter, SUM(charter_has_party) AS charter_has_party, SUM(org_covered) AS org_covered,
		SUM(single_covered) AS single_covered, SUM(work_covered) AS work_covered, SUM(effective_covered) AS effective_covered, SUM(instructed) AS instructed`
	// The day rows first, then each coarser grain from the rows just
	// written: every statement reads no more than the one before wrote.
	if _, err := db.Exec(ctx, q, `INSERT INTO coverage_counts (region_code, grain, bucket, dim, key, `+MeasureCols+`)
		SELECT region_code, 'd', day, dim, key, `+sums+` FROM `+stageTable+` GROUP BY region_code, dim, day, key
		HAVING SUM(total) <> 0 OR SUM(has_charter) <> 0 OR SUM(charter_has_party) <> 0 OR SUM(org_covered) <> 0 OR SUM(single_covered) <> 0
			OR SUM(work_covered) <> 0 OR SUM(effective_covered) <> 0 OR SUM(instructed) <> 0
		ORDER BY region_code, dim, day, key`); err != nil {
		return err
	}
	if _, err := db.Exec(ctx, q, `DROP TABLE `+stageTable); err != nil {
		return err
	}
	for _, g := range []struct {
		grain, from string
		n           int
	}{{"m", "d", 7}, {"y", "m", 4}} {
		if _, err := db.Exec(ctx, q, `INSERT INTO coverage_counts (region_code, grain, bucket, dim, key, `+MeasureCols+`)
			SELECT region_code, '`+g.grain+`', b, dim, key, `+sums+` FROM (SELECT region_code, SUBSTR(bucket, 1, `+fmt.Sprint(g.n)+`) AS b, dim, key, `+MeasureCols+`
				FROM coverage_counts WHERE grain = '`+g.from+`') x GROUP BY region_code, dim, b, key
			HAVING SUM(total) <> 0 OR SUM(has_charter) <> 0 OR SUM(charter_has_party) <> 0 OR SUM(org_covered) <> 0 OR SUM(single_covered) <> 0
				OR SUM(work_covered) <> 0 OR SUM(effective_covered) <> 0 OR SUM(instructed) <> 0
			ORDER BY region_code, dim, b, key`); err != nil {
			return err
		}
	}
	return nil
}
