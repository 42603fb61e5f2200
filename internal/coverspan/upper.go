package coverspan

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"

	"liangxin/internal/store"
)

// Upper series (issue 18, target 1): in a deployment whose jurisdiction is
// a city or a province, the counts also keep the series of every
// organization at the province and city prefixes of its region code
// (UpperLevels; the same dimensions as a county's, DimSelf staying at the
// exact code), so that a province's or city's report reads its own series
// instead of adding up those of its hundred-odd counties. A county
// deployment keeps none: no report of it reads them, and they would add
// about three quarters to the count changes of every write.
//
// SettingCountsUpper records that coverage_counts holds them. Only a
// rebuild sets or clears it (startRebuild, from the jurisdiction, inside
// the rebuild's transaction); every writer reads it with the rule state
// (counter) and adds the upper series when it is set; readers read a
// province's or city's own series when it is set, else the sum of its
// counties. EnsureBuilt rebuilds when it disagrees with the jurisdiction.
//
// The writers do not add the upper series per event: an accumulator adds
// up its changes per series first, and each county (or city) series'
// total is then added to its province and city series once (deriveUpper
// and its kin), which costs a fraction of the event path.

// SettingCountsUpper is the settings key present when coverage_counts
// holds the upper series.
const SettingCountsUpper = "coverage_counts_upper"

// UpperLevels are the code lengths of the upper series: province and city.
var UpperLevels = []int{2, 4}

// settingJurisdiction is region.SettingJurisdiction (the region package
// is above this one).
const settingJurisdiction = "jurisdiction"

// WantUpper tells whether a deployment of jurisdiction j keeps the upper
// series: a city or a province.
func WantUpper(j string) bool { return len(j) == 2 || len(j) == 4 }

// upperOf returns the upper codes the changes of series s are added to as
// well: for a county's or city's series (not DimSelf, which stays at the
// exact code), its province and city prefixes shorter than its code. The
// event series of every organization registered at or below a county
// include its county's, and those of one registered at a city its city's,
// so each organization reaches each upper code exactly once.
func upperOf(s series, buf *[2]string) []string {
	n := len(s.region)
	if s.dim == DimSelf || (n != 4 && n != 6) {
		return nil
	}
	out := buf[:0]
	for _, l := range UpperLevels {
		if l < n {
			out = append(out, s.region[:l])
		}
	}
	return out
}

// deriveUpper adds the changes of every county and city series of a to
// their upper series.
func (a countAcc) deriveUpper() {
	type change struct {
		k seriesDay
		m Measures
	}
	var add []change
	var buf [2]string
	for k, m := range a {
		for _, u := range upperOf(series{k.region, k.dim, k.key}, &buf) {
			add = append(add, change{seriesDay{u, k.dim, k.key, k.day}, *m})
		}
	}
	for _, c := range add {
		a.put(c.k, c.m, 1)
	}
}

// deriveUpper adds the day changes of every county and city series to
// their upper series (before write).
func (a *importAcc) deriveUpper() {
	a.merge()
	var extra []dayChange
	var buf [2]string
	n := len(a.series)
	for _, c := range a.days {
		si := uint32(c.key >> 32)
		if int(si) >= n {
			continue
		}
		s := a.series[si]
		for _, u := range upperOf(s, &buf) {
			m := a.measures(c.p)
			up := a.seriesOf(series{u, s.dim, s.key})
			extra = append(extra, dayChange{key: uint64(up)<<32 | uint64(uint32(c.key)), p: a.packOf(&m)})
		}
	}
	a.tail = append(a.tail, extra...)
	a.merge()
}

// upperRows adds up the upper rows of a bulk rebuild from the county rows
// (every grain): the rows of a city's code are complete once its last
// county is written, the province's at the end.
type upperRows struct {
	city, prov map[bucketKey]*Measures
}

func newUpperRows() *upperRows {
	return &upperRows{city: map[bucketKey]*Measures{}, prov: map[bucketKey]*Measures{}}
}

func (u *upperRows) put(k bucketKey, m *Measures) {
	t := u.city
	if len(k.region) <= 2 {
		t = u.prov
	}
	p := t[k]
	if p == nil {
		p = &Measures{}
		t[k] = p
	}
	for i, v := range m {
		p[i] += v
	}
}

// take moves the rows of a county acc's output: those of a code of a
// city's length or shorter into u, the others stay (returned); the county
// and city rows are added to their upper codes too.
func (u *upperRows) take(rows []countRow) []countRow {
	w := 0
	var buf [2]string
	for _, r := range rows {
		for _, c := range upperOf(series{r.k.region, r.k.dim, r.k.key}, &buf) {
			k := r.k
			k.region = c
			u.put(k, &r.m)
		}
		if len(r.k.region) <= 4 {
			u.put(r.k, &r.m)
			continue
		}
		rows[w] = r
		w++
	}
	return rows[:w]
}

// drain appends the non-zero rows of t to out in key order and empties t.
func drain(t map[bucketKey]*Measures, out []countRow) []countRow {
	lo := len(out)
	for k, m := range t {
		if *m != (Measures{}) {
			out = append(out, countRow{k, *m})
		}
	}
	clear(t)
	slices.SortFunc(out[lo:], func(a, b countRow) int {
		return cmp.Or(cmp.Compare(a.k.region, b.k.region), cmp.Compare(a.k.dim, b.k.dim), cmp.Compare(a.k.grain, b.k.grain),
			cmp.Compare(a.k.bucket, b.k.bucket), cmp.Compare(a.k.key, b.k.key))
	})
	return out
}

// setUpper sets or clears SettingCountsUpper from the jurisdiction (a
// rebuild, inside its transaction, with the counts emptied).
func setUpper(ctx context.Context, db *store.DB, tx *sql.Tx) error {
	j, err := jurisdiction(ctx, db, tx)
	if err != nil {
		return err
	}
	if !WantUpper(j) {
		_, err := db.Exec(ctx, tx, `DELETE FROM settings WHERE key = ?`, SettingCountsUpper)
		return err
	}
	_, err = db.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value`, SettingCountsUpper)
	return err
}

func jurisdiction(ctx context.Context, db *store.DB, q store.Querier) (string, error) {
	var j string
	err := db.QueryRow(ctx, q, `SELECT value FROM settings WHERE key = ?`, settingJurisdiction).Scan(&j)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return j, err
}

// CountsUpper tells whether the counts hold the upper series (a reader:
// a province's or city's report then reads its own series).
func CountsUpper(ctx context.Context, db *store.DB, q store.Querier) (bool, error) {
	var n int
	err := db.QueryRow(ctx, q, `SELECT COUNT(*) FROM settings WHERE key = ?`, SettingCountsUpper).Scan(&n)
	return n > 0, err
}

// upperMismatch tells whether SettingCountsUpper disagrees with the
// jurisdiction (a database rebuilt by an older binary, or before its
// jurisdiction was set): EnsureBuilt then rebuilds. The row set while the
// table holds joint rows but none at the jurisdiction's own code is a
// mismatch too: an older binary rebuilt the counts without the upper
// series and left the row (every organization of a city or province
// deployment has a joint series at the jurisdiction's code). Both reads
// are index probes that stop at their first row.
func upperMismatch(ctx context.Context, db *store.DB, q store.Querier) (bool, error) {
	j, err := jurisdiction(ctx, db, q)
	if err != nil {
		return false, err
	}
	up, err := CountsUpper(ctx, db, q)
	if err != nil || up != WantUpper(j) {
		return err == nil, err
	}
	if !up {
		return false, nil
	}
	var any, own int
	if err := db.QueryRow(ctx, q, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM coverage_counts WHERE dim = ? LIMIT 1) a),
		(SELECT COUNT(*) FROM (SELECT 1 FROM coverage_counts WHERE region_code = ? AND dim = ? LIMIT 1) b)`, DimJoint, j, DimJoint).Scan(&any, &own); err != nil {
		return false, err
	}
	return any > 0 && own == 0, nil
}
