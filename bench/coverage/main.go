// Command coverage is the benchmark of issue 3: 两个覆盖 for one date over a
// large synthetic ledger (default 1,000,000 organizations and 200,000 party
// organizations), on SQLite or PostgreSQL, measured beside the fastest
// hand-written SQL that computes the same four counts in the same run.
//
//	go run ./bench/coverage -db sqlite   -orgs 1000000 -partyorgs 200000
//	go run ./bench/coverage -db postgres -orgs 1000000 -partyorgs 200000 [-pg URL]
//
// It creates a fresh database (a SQLite file in a temporary folder, or a new
// schema bench_<random> in the PostgreSQL database, dropped at the end),
// migrates it, initialises the jurisdiction 430426, bulk-loads the data
// (multi-row INSERTs on SQLite, COPY on PostgreSQL), runs ANALYZE, and then
// times Service.Coverage end to end against the bare SQL forms. It exits
// non-zero when the counts differ.
//
// Investigation aids: -variants also times candidate rewrites of the
// Coverage query, -indexes candidate indexes; -explain prints the query plans;
// -print-sql prints every measured query; -keep keeps the database and -reuse
// measures an existing one (a SQLite file or a PostgreSQL schema) without
// loading; -only picks jobs by name. PostgreSQL settings can be tried through
// the URL, which pgx sends as run-time parameters, e.g.
//
//	-reuse bench_xxx -pg 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable&jit=off&work_mem=64MB'
//
// Other work on the machine slows every query alike: the jobs are
// interleaved (one round runs each once) and the load average is printed.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/config"
	"liangxin/internal/coverage"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/store"
)

const (
	jurisdiction = "430426"
	asOf         = "2026-06-30"
)

var (
	flagDB          = flag.String("db", "sqlite", "sqlite or postgres")
	flagOrgs        = flag.Int("orgs", 1000000, "organizations")
	flagPartyOrgs   = flag.Int("partyorgs", 200000, "party organizations")
	flagAssignments = flag.Int("assignments", -1, "instructor assignments (default orgs/10)")
	flagInstructors = flag.Int("instructors", 2000, "instructors")
	flagPG          = flag.String("pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL URL (for -db postgres)")
	flagRuns        = flag.Int("runs", 5, "timed runs of each query (after one warm-up)")
	flagSeed        = flag.Uint64("seed", 1, "random seed of the synthetic data")
	flagKeep        = flag.Bool("keep", false, "keep the database (SQLite file / PostgreSQL schema) at the end")
	flagReuse       = flag.String("reuse", "", "measure an existing database: a SQLite file or a PostgreSQL schema (skips loading)")
	flagExplain     = flag.Bool("explain", false, "print the query plans (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite)")
	flagVariants    = flag.Bool("variants", false, "also time candidate rewrites of the Coverage query")
	flagIndexes     = flag.Bool("indexes", false, "also time Service.Coverage with candidate indexes added (slow)")
	flagPrintSQL    = flag.Bool("print-sql", false, "print the SQL of every measured query for -db (with $n or ? placeholders; the day is "+asOf+") and exit")
	flagPragma      = flag.String("pragma", "", "SQLite only: extra connection pragmas for the measured queries, e.g. cache_size(-262144),mmap_size(1073741824) (investigation aid)")
	flagOnly        = flag.String("only", "", "comma-separated substrings: time only the jobs whose names contain one (investigation aid)")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/coverage:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// Counts are the four figures every form must agree on.
type Counts struct{ Total, OrgCovered, SingleCovered, WorkCovered int }

func (c Counts) String() string {
	return fmt.Sprintf("total=%d org_covered=%d single_covered=%d work_covered=%d", c.Total, c.OrgCovered, c.SingleCovered, c.WorkCovered)
}

func run() error {
	ctx := context.Background()
	if *flagPrintSQL {
		printSQL(store.Dialect(*flagDB))
		return nil
	}
	if *flagAssignments < 0 {
		*flagAssignments = *flagOrgs / 10
	}
	db, cleanup, err := open(ctx)
	if err != nil {
		return err
	}
	defer cleanup()

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(config.Default(), db, log, time.Now, nil) // no personal data here: no key
	loadTime, rebuildTime := time.Duration(0), time.Duration(0)
	// Migrating a reused database adds what later versions need (the spans).
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if *flagReuse == "" {
		if _, err := a.EnsureJurisdiction(ctx, jurisdiction); err != nil {
			return fmt.Errorf("jurisdiction: %w", err)
		}
		start := time.Now()
		if err := load(ctx, db); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		loadTime = time.Since(start)
		logf("loaded in %s", loadTime.Round(time.Millisecond))
	}
	// The loader writes the ledger tables directly, so the spans the services
	// keep in step are computed here in one go, as after a migration.
	start := time.Now()
	if *flagReuse == "" {
		err = coverspan.Rebuild(ctx, db)
	} else {
		err = coverspan.EnsureBuilt(ctx, db)
	}
	if err != nil {
		return fmt.Errorf("spans: %w", err)
	}
	rebuildTime = time.Since(start)
	logf("coverage spans and counts computed in %s", rebuildTime.Round(time.Millisecond))
	var nOrgs, nParty, nCovers, nAssign int
	for _, q := range []struct {
		t string
		n *int
	}{{"organizations", &nOrgs}, {"party_orgs", &nParty}, {"party_org_covers", &nCovers}, {"instructor_assignments", &nAssign}} {
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+q.t).Scan(q.n); err != nil {
			return err
		}
	}
	logf("data: %d organizations, %d party_orgs, %d party_org_covers, %d instructor_assignments", nOrgs, nParty, nCovers, nAssign)

	district := actor.With(ctx, actor.Actor{Username: "bench", Role: "district", Scope: jurisdiction})
	b := &bench{db: db, cover: a.Cover, ctx: district}

	serviceJob := job{"Service.Coverage", func() (Counts, error) {
		rep, err := a.Cover.Coverage(district, "", asOf)
		return Counts{rep.Total, rep.OrgCovered, rep.SingleCovered, rep.WorkCovered}, err
	}}
	// (a) Service.Coverage end to end and (b) the bare SQL forms, interleaved;
	// the fastest bare form is the baseline.
	forms := bareForms(db.Dialect)
	jobs := []job{serviceJob,
		{"bare: spans grouped in SQL (the service's breakdown)", b.spansGrouped()},
		{"bare: spans grouped in Go (the service's breakdown)", b.spansInGo()}}
	for _, f := range forms {
		jobs = append(jobs, job{"bare: " + f.name, b.sqlForm(f)})
	}
	if *flagVariants {
		jobs = append(jobs, b.rewrites()...)
	}
	if *flagOnly != "" {
		var keep []job
		for _, j := range jobs {
			for _, sub := range strings.Split(*flagOnly, ",") {
				if strings.Contains(j.name, sub) {
					keep = append(keep, j)
					break
				}
			}
		}
		jobs = keep
	}
	startLoad := loadAvg()
	logf("load average before measuring: %s", startLoad)
	res, err := b.timeAll(jobs)
	if err != nil {
		return err
	}
	asMigrated := phase{title: "as migrated", results: res, best: -1}
	for i, r := range res {
		if strings.HasPrefix(r.name, "bare: ") && (asMigrated.best < 0 || r.median < res[asMigrated.best].median) {
			asMigrated.best = i
		}
	}
	// The baseline is the hand-written form of the service's own work when it
	// is measured: the same queries with the same breakdown, without the Go.
	baseline := -1
	for i, r := range res {
		if strings.Contains(r.name, "the service's breakdown") && (baseline < 0 || r.median < res[baseline].median) {
			baseline = i
		}
	}
	if baseline >= 0 {
		asMigrated.best = baseline
	}
	if asMigrated.best < 0 {
		asMigrated.best = 0
	}
	phases := []phase{asMigrated}
	if *flagIndexes {
		more, err := b.indexVariants(serviceJob, jobs[asMigrated.best])
		if err != nil {
			return err
		}
		phases = append(phases, more...)
	}
	mismatch := false
	for _, ph := range phases {
		for _, r := range ph.results {
			if r.counts != res[0].counts {
				mismatch = true
				logf("MISMATCH: %s gives %s, Service.Coverage gives %s", r.name, r.counts, res[0].counts)
			}
		}
	}
	logf("counts: %s", res[0].counts)
	// A street's report goes through the narrowed form (aggregates limited to
	// the street's organizations); time it once for the record.
	if kids, err := a.Regions.Children(district, jurisdiction); err == nil && len(kids) > 0 {
		street := kids[0].Code
		start := time.Now()
		rep, err := a.Cover.Coverage(district, street, asOf)
		if err != nil {
			return err
		}
		logf("Service.Coverage for one street (%s %s, %d organizations): %s", street, kids[0].Name, rep.Total, ms(time.Since(start)))
	}
	// The dashboard's trend: the county at the end of each of 12 months.
	start = time.Now()
	if _, err := a.Cover.Trend(district, "", asOf, 12); err != nil {
		return err
	}
	logf("Service.Trend, 12 month ends for the county, one run: %s", ms(time.Since(start)))
	if *flagCounts {
		if err := countsBench(district, a, db); err != nil {
			return err
		}
	}
	if *flagExplain {
		if err := b.explain(forms); err != nil {
			return err
		}
	}

	var version string
	vq := `SELECT sqlite_version()`
	if db.Dialect == store.Postgres {
		vq = `SELECT current_setting('server_version') || ', jit=' || current_setting('jit') || ', work_mem=' || current_setting('work_mem') || ', max_parallel_workers_per_gather=' || current_setting('max_parallel_workers_per_gather')`
	}
	if err := db.QueryRowContext(ctx, vq).Scan(&version); err != nil {
		return err
	}
	fmt.Printf("\n<!-- %d CPUs, %s, %s %s; load average %s at the start of the measurements, %s at the end -->\n",
		runtime.NumCPU(), runtime.Version(), db.Dialect, version, startLoad, loadAvg())
	report(db.Dialect, loadTime, rebuildTime, nOrgs, nParty, nCovers, nAssign, phases)
	if mismatch {
		return fmt.Errorf("the forms disagree on the counts")
	}
	return nil
}

// phase is a set of interleaved measurements on one schema; best indexes the baseline.
type phase struct {
	title   string
	results []result
	best    int
}

// open creates (or reuses) the database and returns a clean-up function.
func open(ctx context.Context) (*store.DB, func(), error) {
	switch *flagDB {
	case "sqlite":
		path := *flagReuse
		var dir string
		if path == "" {
			var err error
			dir, err = os.MkdirTemp("", "liangxin-bench-coverage-")
			if err != nil {
				return nil, nil, err
			}
			path = filepath.Join(dir, store.SQLiteFile)
		}
		db, err := store.OpenSQLite(ctx, path)
		if err != nil {
			return nil, nil, err
		}
		if *flagPragma != "" {
			// Same settings as store.OpenSQLite, plus the extra pragmas.
			db.Close()
			q := url.Values{}
			for _, p := range append([]string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"}, strings.Split(*flagPragma, ",")...) {
				q.Add("_pragma", p)
			}
			q.Set("_txlock", "immediate")
			sdb, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
			if err != nil {
				return nil, nil, err
			}
			sdb.SetMaxOpenConns(4)
			db = &store.DB{DB: sdb, Dialect: store.SQLite, Path: path}
			logf("extra pragmas: %s", *flagPragma)
		}
		logf("SQLite file %s", path)
		return db, func() {
			db.Close()
			if dir != "" && !*flagKeep {
				os.RemoveAll(dir)
			} else {
				logf("kept %s", path)
			}
		}, nil
	case "postgres":
		schema := *flagReuse
		fresh := schema == ""
		var admin *store.DB
		if fresh {
			b := make([]byte, 5)
			_, _ = rand.Read(b)
			schema = "bench_" + hex.EncodeToString(b)
			var err error
			admin, err = store.OpenPostgres(ctx, *flagPG, "")
			if err != nil {
				return nil, nil, err
			}
			if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
				admin.Close()
				return nil, nil, err
			}
		}
		db, err := store.OpenPostgres(ctx, *flagPG, schema)
		if err != nil {
			return nil, nil, err
		}
		logf("PostgreSQL schema %s", schema)
		return db, func() {
			db.Close()
			if admin == nil {
				return
			}
			if *flagKeep {
				logf("kept schema %s", schema)
			} else if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				logf("drop schema %s: %v", schema, err)
			}
			admin.Close()
		}, nil
	}
	return nil, nil, fmt.Errorf("-db must be sqlite or postgres, not %q", *flagDB)
}

// ---------------------------------------------------------------- loading

// rowFunc yields the next row, or nil at the end.
type rowFunc func() []any

// table bulk-loads one table.
type table struct {
	name string
	cols []string
	rows rowFunc
}

func randDay(r *mrand.Rand, from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, r.IntN(days+1))
}

func ymd(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func day(t time.Time) string { return t.Format(store.DateFormat) }

// load generates and inserts the synthetic ledger.
func load(ctx context.Context, db *store.DB) error {
	var codes []string
	rows, err := db.QueryContext(ctx, `SELECT code FROM regions WHERE code LIKE '`+jurisdiction+`%' AND level IN (4,5) ORDER BY code`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return err
		}
		codes = append(codes, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if len(codes) == 0 || len(codes) > 65535 {
		return fmt.Errorf("%d town/village codes under %s", len(codes), jurisdiction)
	}
	logf("%d town/village codes under %s", len(codes), jurisdiction)

	nOrgs, nParty, nAssign, nInstr := *flagOrgs, *flagPartyOrgs, *flagAssignments, *flagInstructors
	now := store.FormatTime(time.Now())
	seed := *flagSeed
	end := ymd(2026, 12, 31)

	// Organizations: regions are kept (2 bytes each) for the party orgs' regions.
	cats := org.Categories()
	catWeights := []int{40, 35, 2, 5, 8, 7, 1, 2} // per cent, in Categories() order
	inds := org.Industries()
	orgRegion := make([]uint16, nOrgs+1)
	r := mrand.New(mrand.NewPCG(seed, 1))
	id := 0
	orgs := table{"organizations", []string{"id", "name", "uscc", "category", "region_code", "industry", "employees", "above_scale",
		"full_members", "probationary_members", "registered_on", "closed_on", "created_at", "updated_at"}, func() []any {
		if id == nOrgs {
			return nil
		}
		id++
		ri := r.IntN(len(codes))
		orgRegion[id] = uint16(ri)
		w, ci := r.IntN(100), 0
		for w >= catWeights[ci] {
			w -= catWeights[ci]
			ci++
		}
		ind := ""
		if r.IntN(20) > 0 {
			ind = inds[r.IntN(len(inds))].Code
		}
		emp := r.IntN(10)
		if r.IntN(10) == 0 {
			emp = r.IntN(500)
		}
		full := r.IntN(21)
		var reg, closed any
		if r.IntN(50) > 0 {
			d := randDay(r, ymd(2000, 1, 1), end)
			reg = day(d)
			if r.IntN(100) < 3 {
				closed = day(randDay(r, d, end))
			}
		}
		return []any{int64(id), fmt.Sprintf("单位%07d", id), nil, cats[ci].Code, codes[ri], ind, int32(emp), emp >= 100,
			int32(full), int32(r.IntN(3)), reg, closed, now, now}
	}}

	// Party organizations (kept: their units are generated in a second pass).
	type partyOrg struct {
		formation   string
		units       int32
		established time.Time
	}
	party := make([]partyOrg, nParty+1)
	singleJoint, regionalIndustry := 0, 0
	for i := 1; i <= nParty; i++ {
		p := &party[i]
		switch w := r.IntN(100); {
		case w < 45:
			p.formation, p.units = "single", 1
		case w < 80:
			p.formation, p.units = "joint", int32(2+r.IntN(4))
		case w < 90:
			p.formation = "regional"
		default:
			p.formation = "industry"
		}
		if p.units > 0 {
			singleJoint += int(p.units)
		} else {
			regionalIndustry++
		}
		p.established = randDay(r, ymd(2010, 1, 1), end)
	}
	// Regional and industry organizations take the rest of the ~70% covered.
	avg := 2
	if regionalIndustry > 0 && nOrgs*7/10 > singleJoint {
		avg = max(2, (nOrgs*7/10-singleJoint)/regionalIndustry)
	}
	for i := 1; i <= nParty; i++ {
		if party[i].units == 0 {
			party[i].units = int32(max(1, avg/2+r.IntN(avg+1)))
		}
	}
	// Units are drawn without replacement from a permutation of the
	// organizations; 5% of the draws pick any organization (so some are
	// covered twice).
	perm := make([]int32, nOrgs)
	for i := range perm {
		perm[i] = int32(i + 1)
	}
	r.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	unit := func(r *mrand.Rand, cursor *int) int {
		if r.IntN(20) == 0 || *cursor >= len(perm) {
			return 1 + r.IntN(nOrgs)
		}
		*cursor++
		return int(perm[*cursor-1])
	}
	// The first unit of each party organization decides its region: peek it
	// with the same generator state the covers pass will use.
	firstUnit := make([]int32, nParty+1)
	{
		rc := mrand.New(mrand.NewPCG(seed, 2))
		cursor := 0
		for i := 1; i <= nParty; i++ {
			for u := int32(0); u < party[i].units; u++ {
				o := unit(rc, &cursor)
				if u == 0 {
					firstUnit[i] = int32(o)
				}
				coverDates(rc, party[i].established)
			}
		}
	}
	pid := 0
	kinds := []string{"branch", "branch", "branch", "branch", "branch", "branch", "general_branch", "general_branch", "committee"}
	parties := table{"party_orgs", []string{"id", "name", "kind", "formation", "region_code", "established_on", "dissolved_on", "term_started_on", "created_at", "updated_at"}, func() []any {
		if pid == nParty {
			return nil
		}
		pid++
		p := party[pid]
		var dissolved any
		if r.IntN(100) < 5 {
			dissolved = day(randDay(r, p.established, end))
		}
		est := day(p.established)
		return []any{int64(pid), fmt.Sprintf("党组织%07d", pid), kinds[r.IntN(len(kinds))], p.formation,
			codes[orgRegion[firstUnit[pid]]], est, dissolved, est, now, now}
	}}

	rc := mrand.New(mrand.NewPCG(seed, 2))
	cursor, cp, cu, cid := 0, 1, int32(0), 0
	covers := table{"party_org_covers", []string{"id", "party_org_id", "organization_id", "from_on", "to_on"}, func() []any {
		for cp <= nParty && cu >= party[cp].units {
			cp, cu = cp+1, 0
		}
		if cp > nParty {
			return nil
		}
		cu++
		cid++
		o := unit(rc, &cursor)
		from, to := coverDates(rc, party[cp].established)
		return []any{int64(cid), int64(cp), int64(o), from, to}
	}}

	iid := 0
	instructors := table{"instructors", []string{"id", "name", "region_code", "full_time", "created_at", "updated_at"}, func() []any {
		if iid == nInstr {
			return nil
		}
		iid++
		return []any{int64(iid), fmt.Sprintf("指导员%05d", iid), codes[r.IntN(len(codes))], r.IntN(4) == 0, now, now}
	}}
	aid := 0
	assignments := table{"instructor_assignments", []string{"id", "instructor_id", "organization_id", "from_on", "to_on"}, func() []any {
		if aid == nAssign || nInstr == 0 {
			return nil
		}
		aid++
		from := randDay(r, ymd(2015, 1, 1), end)
		var to any
		if r.IntN(5) == 0 {
			to = day(randDay(r, from, end.AddDate(2, 0, 0)))
		}
		return []any{int64(aid), int64(1 + r.IntN(nInstr)), int64(1 + r.IntN(nOrgs)), day(from), to}
	}}

	for _, t := range []table{orgs, parties, covers, instructors, assignments} {
		start := time.Now()
		n, err := insert(ctx, db, t)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		logf("%-24s %9d rows in %s", t.name, n, time.Since(start).Round(time.Millisecond))
	}
	// Identity sequences follow the explicit ids (for anyone who keeps the database).
	if db.Dialect == store.Postgres {
		for _, t := range []string{"organizations", "party_orgs", "party_org_covers", "instructors", "instructor_assignments"} {
			if _, err := db.ExecContext(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), COALESCE((SELECT MAX(id) FROM %s), 1))`, t, t)); err != nil {
				return err
			}
		}
	}
	start := time.Now()
	stats := "ANALYZE"
	if db.Dialect == store.Postgres {
		// VACUUM as well: it sets the visibility map and hint bits that
		// autovacuum would set soon after such a load (and would otherwise do
		// in the middle of the measurements).
		stats = "VACUUM (ANALYZE)"
	}
	if _, err := db.ExecContext(ctx, stats); err != nil {
		return err
	}
	logf("%s in %s", stats, time.Since(start).Round(time.Millisecond))
	return nil
}

// coverDates draws the from/to of one cover of a party organization
// established on est: from within a year after est; 8% ended.
func coverDates(r *mrand.Rand, est time.Time) (string, any) {
	from := est.AddDate(0, 0, r.IntN(60))
	if r.IntN(4) == 0 {
		from = est.AddDate(0, 0, r.IntN(366))
	}
	var to any
	if r.IntN(100) < 8 {
		to = day(from.AddDate(0, 0, 1+r.IntN(3*365)))
	}
	return day(from), to
}

// insert loads a table: COPY on PostgreSQL, multi-row INSERTs in
// transactions of 100,000 rows on SQLite.
func insert(ctx context.Context, db *store.DB, t table) (int, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if db.Dialect == store.Postgres {
		var n int64
		err := conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			var err error
			n, err = pc.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromFunc(func() ([]any, error) {
				return t.rows(), nil
			}))
			return err
		})
		return int(n), err
	}
	// SQLite: a bigger page cache on the loading connection only (the
	// measured queries run with the application's settings).
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
		return 0, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`) //nolint:errcheck
	const batch = 500
	const txRows = 100000
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(t.cols)), ",") + ")"
	stmt := func(n int) string {
		return "INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", n), ",")
	}
	full := stmt(batch)
	total := 0
	done := false
	for !done {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return total, err
		}
		ps, err := tx.PrepareContext(ctx, full)
		if err != nil {
			tx.Rollback()
			return total, err
		}
		args := make([]any, 0, batch*len(t.cols))
		inTx := 0
		for inTx < txRows {
			args = args[:0]
			n := 0
			for n < batch {
				row := t.rows()
				if row == nil {
					done = true
					break
				}
				args = append(args, row...)
				n++
			}
			if n == batch {
				_, err = ps.ExecContext(ctx, args...)
			} else if n > 0 {
				_, err = tx.ExecContext(ctx, stmt(n), args...)
			}
			if err != nil {
				tx.Rollback()
				return total, err
			}
			inTx += n
			total += n
			if done {
				break
			}
		}
		ps.Close()
		if err := tx.Commit(); err != nil {
			return total, err
		}
	}
	return total, nil
}

// ---------------------------------------------------------------- measuring

type bench struct {
	db    *store.DB
	cover *coverage.Service
	ctx   context.Context
}

type result struct {
	name        string
	min, median time.Duration
	counts      Counts
}

// job is one measured thing.
type job struct {
	name string
	fn   func() (Counts, error)
}

// timeAll runs each job once to warm up, then *flagRuns rounds in which every
// job runs once (interleaved, so that noise from other work on the machine
// falls on all of them alike).
func (b *bench) timeAll(jobs []job) ([]result, error) {
	res := make([]result, len(jobs))
	ds := make([][]time.Duration, len(jobs))
	for i, j := range jobs {
		start := time.Now()
		c, err := j.fn()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", j.name, err)
		}
		res[i] = result{name: j.name, counts: c}
		logf("warm-up %-52s %8s  %s", j.name, ms(time.Since(start)), c)
	}
	for r := 0; r < *flagRuns; r++ {
		for i, j := range jobs {
			runtime.GC()
			start := time.Now()
			c, err := j.fn()
			d := time.Since(start)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", j.name, err)
			}
			if c != res[i].counts {
				return nil, fmt.Errorf("%s: run %d gives %s, the warm-up %s", j.name, r, c, res[i].counts)
			}
			ds[i] = append(ds[i], d)
		}
		logf("round %d/%d done (load average %s)", r+1, *flagRuns, loadAvg())
	}
	for i := range res {
		slices.Sort(ds[i])
		res[i].min, res[i].median = ds[i][0], ds[i][len(ds[i])/2]
		logf("%-60s min %8s  median %8s", res[i].name, ms(res[i].min), ms(res[i].median))
	}
	return res, nil
}

// loadAvg is the 1-minute load average (other work on the machine).
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }

// form is a hand-written query; it returns rows of (v, n): v is 3 for a unit
// covered by a single party organization, 2 for covered otherwise, 1 for
// guided by an instructor only, 0 for none — or one row of the four counts
// when fourCols is set.
type form struct {
	name     string
	sql      string
	args     int // number of day arguments
	fourCols bool
}

// Conditions shared by the hand-written forms.
const (
	base = `o.region_code LIKE '` + jurisdiction + `%' AND (o.registered_on IS NULL OR o.registered_on <= ?) AND (o.closed_on IS NULL OR o.closed_on > ?)`
	// exCover is "o has an active cover by an active party organization"; %s is an extra condition.
	exCover = `EXISTS (SELECT 1 FROM party_org_covers c JOIN party_orgs p ON p.id = c.party_org_id
		WHERE c.organization_id = o.id AND c.from_on <= ? AND (c.to_on IS NULL OR c.to_on > ?)
		AND p.established_on <= ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)%s)`
	exAssign = `EXISTS (SELECT 1 FROM instructor_assignments a
		WHERE a.organization_id = o.id AND a.from_on <= ? AND (a.to_on IS NULL OR a.to_on > ?))`
	// activeCovers is the set of (organization, single?) active on the day.
	activeCovers = `SELECT c.organization_id AS id, MAX(CASE WHEN p.formation = 'single' THEN 1 ELSE 0 END) AS s
		FROM party_org_covers c JOIN party_orgs p ON p.id = c.party_org_id
		WHERE c.from_on <= ? AND (c.to_on IS NULL OR c.to_on > ?) AND p.established_on <= ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)
		GROUP BY c.organization_id`
	activeAssign = `SELECT DISTINCT a.organization_id AS id FROM instructor_assignments a WHERE a.from_on <= ? AND (a.to_on IS NULL OR a.to_on > ?)`
)

var (
	exAny    = fmt.Sprintf(exCover, "")
	exSingle = fmt.Sprintf(exCover, " AND p.formation = 'single'")
)

func bareForms(d store.Dialect) []form {
	forms := []form{
		{
			// The literal form: one EXISTS per figure.
			name: "exists (4 EXISTS per row)",
			sql: `SELECT COUNT(*),
				COUNT(CASE WHEN ` + exAny + ` THEN 1 END),
				COUNT(CASE WHEN ` + exSingle + ` THEN 1 END),
				COUNT(CASE WHEN ` + exAny + ` OR ` + exAssign + ` THEN 1 END)
				FROM organizations o WHERE ` + base,
			args: 4 + 4 + 4 + 2 + 2, fourCols: true,
		},
		{
			// One CASE chain: each row stops at its first true EXISTS.
			name: "exists chain (CASE, GROUP BY state)",
			sql: `SELECT CASE WHEN ` + exSingle + ` THEN 3 WHEN ` + exAny + ` THEN 2 WHEN ` + exAssign + ` THEN 1 ELSE 0 END AS v, COUNT(*)
				FROM organizations o WHERE ` + base + ` GROUP BY 1`,
			args: 4 + 4 + 2 + 2,
		},
		{
			// Active covers and assignments aggregated once, then joined.
			name: "left join aggregated",
			sql: `SELECT CASE WHEN c.s = 1 THEN 3 WHEN c.id IS NOT NULL THEN 2 WHEN a.id IS NOT NULL THEN 1 ELSE 0 END AS v, COUNT(*)
				FROM organizations o LEFT JOIN (` + activeCovers + `) c ON c.id = o.id LEFT JOIN (` + activeAssign + `) a ON a.id = o.id
				WHERE ` + base + ` GROUP BY 1`,
			args: 4 + 2 + 2,
		},
	}
	// The same figures from the precomputed spans (internal/coverspan): the
	// organizations in scope counted from the ledger, the covered ones from
	// the spans alive on the day; no join. The spans are the service's own
	// data, so this is the bare form of what Service.Coverage does now.
	forms = append(forms, form{
		name: "spans (2 scans, no join)",
		sql: `SELECT t.n, sp.c, sp.s, sp.w FROM
			(SELECT COUNT(*) AS n FROM organizations o WHERE ` + base + `) t,
			(SELECT COUNT(CASE WHEN o.state >= 2 THEN 1 END) AS c, COUNT(CASE WHEN o.state = 3 THEN 1 END) AS s, COUNT(*) AS w
				FROM coverage_spans o WHERE o.region_code LIKE '` + jurisdiction + `%' AND o.from_on <= ? AND (o.to_on IS NULL OR o.to_on > ?)) sp`,
		args: 2 + 2, fourCols: true,
	})
	if d == store.Postgres {
		// EXISTS in WHERE become hash semi/anti joins on PostgreSQL:
		// work = total - (neither covered nor guided).
		forms = append(forms, form{
			name: "semi/anti joins (4 scans)",
			sql: `SELECT t.n, c.n, s.n, t.n - z.n FROM
				(SELECT COUNT(*) AS n FROM organizations o WHERE ` + base + `) t,
				(SELECT COUNT(*) AS n FROM organizations o WHERE ` + base + ` AND ` + exAny + `) c,
				(SELECT COUNT(*) AS n FROM organizations o WHERE ` + base + ` AND ` + exSingle + `) s,
				(SELECT COUNT(*) AS n FROM organizations o WHERE ` + base + ` AND NOT ` + exAny + ` AND NOT ` + exAssign + `) z`,
			args: 2 + 6 + 6 + 2 + 4 + 2, fourCols: true,
		})
	}
	return forms
}

// handArgs are the arguments of a hand-written query. On PostgreSQL they
// start with pgx.QueryExecModeExec: an unnamed statement, planned for the
// actual values on every run, as a query typed into psql would be. (pgx's
// default caches a prepared statement per connection, and after five runs
// PostgreSQL may switch it to a generic plan that ignores the values; see
// docs/benchmarks.md for what that does to a LEFT JOIN form with
// "region_code LIKE ? ESCAPE '\'".) Service.Coverage runs as the
// application does.
func (b *bench) handArgs(args []any) []any {
	if b.db.Dialect != store.Postgres {
		return args
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}

func days(n int) []any {
	a := make([]any, n)
	for i := range a {
		a[i] = asOf
	}
	return a
}

func (b *bench) sqlForm(f form) func() (Counts, error) {
	q := b.db.Rebind(f.sql)
	return func() (Counts, error) {
		var c Counts
		if f.fourCols {
			err := b.db.QueryRowContext(b.ctx, q, b.handArgs(days(f.args))...).Scan(&c.Total, &c.OrgCovered, &c.SingleCovered, &c.WorkCovered)
			return c, err
		}
		rows, err := b.db.QueryContext(b.ctx, q, b.handArgs(days(f.args))...)
		if err != nil {
			return c, err
		}
		defer rows.Close()
		for rows.Next() {
			var v, n int
			if err := rows.Scan(&v, &n); err != nil {
				return c, err
			}
			c.Total += n
			if v >= 1 {
				c.WorkCovered += n
			}
			if v >= 2 {
				c.OrgCovered += n
			}
			if v == 3 {
				c.SingleCovered += n
			}
		}
		return c, rows.Err()
	}
}

// coverageSQL is the grouped query Service.Coverage ran over the ledger
// tables before the spans (2026-11), for a district actor at the
// jurisdiction, kept so that its plan and its rewrites can still be compared.
func coverageSQL() (string, []any) {
	scope := `o.region_code LIKE ? ESCAPE '\'`
	where := scope + ` AND o.region_code LIKE ? ESCAPE '\' AND (o.registered_on IS NULL OR o.registered_on <= ?) AND (o.closed_on IS NULL OR o.closed_on > ?)`
	child := "SUBSTR(o.region_code, 1, 9)"
	cover, single := exAny, exSingle
	q := `SELECT t.category, t.industry, t.above_scale, t.child, COUNT(*), SUM(t.org_c), SUM(t.single_c), SUM(t.work_c) FROM (
		SELECT o.category, o.industry, o.above_scale, ` + child + ` AS child,
			CASE WHEN ` + cover + ` THEN 1 ELSE 0 END AS org_c,
			CASE WHEN ` + single + ` THEN 1 ELSE 0 END AS single_c,
			CASE WHEN ` + cover + ` OR ` + exAssign + ` THEN 1 ELSE 0 END AS work_c
		FROM organizations o WHERE ` + where + `) t GROUP BY t.category, t.industry, t.above_scale, t.child`
	args := days(14)
	args = append(args, jurisdiction+"%", jurisdiction+"%", asOf, asOf)
	return q, args
}

// groupedQuery times a grouped query returning (category, industry,
// above_scale, child, total, org, single, work) rows, summed.
func (b *bench) groupedQuery(q string, args []any) func() (Counts, error) {
	q = b.db.Rebind(q)
	return func() (Counts, error) {
		var c Counts
		rows, err := b.db.QueryContext(b.ctx, q, b.handArgs(args)...)
		if err != nil {
			return c, err
		}
		defer rows.Close()
		for rows.Next() {
			var cat, ind, ch string
			var above bool
			var t int
			var o, s, w sql.NullInt64
			if err := rows.Scan(&cat, &ind, &above, &ch, &t, &o, &s, &w); err != nil {
				return c, err
			}
			c.Total += t
			c.OrgCovered += int(o.Int64)
			c.SingleCovered += int(s.Int64)
			c.WorkCovered += int(w.Int64)
		}
		return c, rows.Err()
	}
}

// joinSQL is the Coverage query rewritten with the active covers and
// assignments aggregated once and LEFT JOINed.
func joinSQL() (string, []any) {
	q := `SELECT o.category, o.industry, o.above_scale, SUBSTR(o.region_code, 1, 9) AS child, COUNT(*),
			COUNT(c.id), COALESCE(SUM(c.s), 0), COUNT(CASE WHEN c.id IS NOT NULL OR a.id IS NOT NULL THEN 1 END)
		FROM organizations o LEFT JOIN (` + activeCovers + `) c ON c.id = o.id LEFT JOIN (` + activeAssign + `) a ON a.id = o.id
		WHERE o.region_code LIKE ? ESCAPE '\' AND o.region_code LIKE ? ESCAPE '\'
			AND (o.registered_on IS NULL OR o.registered_on <= ?) AND (o.closed_on IS NULL OR o.closed_on > ?)
		GROUP BY o.category, o.industry, o.above_scale, SUBSTR(o.region_code, 1, 9)`
	args := days(4 + 2)
	args = append(args, jurisdiction+"%", jurisdiction+"%", asOf, asOf)
	return q, args
}

// chainKeySQL is the CASE chain as a GROUP BY key (no derived table, so it is
// evaluated once per row in both dialects); rows are (keys..., v, n).
func chainKeySQL() (string, []any) {
	q := `SELECT o.category, o.industry, o.above_scale, SUBSTR(o.region_code, 1, 9) AS child,
			CASE WHEN ` + exSingle + ` THEN 3 WHEN ` + exAny + ` THEN 2 WHEN ` + exAssign + ` THEN 1 ELSE 0 END AS v, COUNT(*)
		FROM organizations o WHERE o.region_code LIKE ? ESCAPE '\' AND o.region_code LIKE ? ESCAPE '\'
			AND (o.registered_on IS NULL OR o.registered_on <= ?) AND (o.closed_on IS NULL OR o.closed_on > ?)
		GROUP BY 1, 2, 3, 4, 5`
	args := days(4 + 4 + 2)
	args = append(args, jurisdiction+"%", jurisdiction+"%", asOf, asOf)
	return q, args
}

// perRowSQL is the left-join form without GROUP BY: one row per
// organization, grouped in Go; rows are (keys..., v).
func perRowSQL() (string, []any) {
	q := `SELECT o.category, o.industry, o.above_scale, o.region_code,
			CASE WHEN c.s = 1 THEN 3 WHEN c.id IS NOT NULL THEN 2 WHEN a.id IS NOT NULL THEN 1 ELSE 0 END
		FROM organizations o LEFT JOIN (` + activeCovers + `) c ON c.id = o.id LEFT JOIN (` + activeAssign + `) a ON a.id = o.id
		WHERE o.region_code LIKE ? ESCAPE '\' AND o.region_code LIKE ? ESCAPE '\'
			AND (o.registered_on IS NULL OR o.registered_on <= ?) AND (o.closed_on IS NULL OR o.closed_on > ?)`
	args := days(4 + 2)
	args = append(args, jurisdiction+"%", jurisdiction+"%", asOf, asOf)
	return q, args
}

// stateRows times a query whose rows are (category, industry, above_scale,
// child, v[, n]) and groups them in Go as Service.Coverage would.
func (b *bench) stateRows(q string, args []any, withN bool) func() (Counts, error) {
	q = b.db.Rebind(q)
	type key struct {
		cat, ind, child string
		above           bool
	}
	return func() (Counts, error) {
		var total Counts
		groups := map[key]*Counts{}
		rows, err := b.db.QueryContext(b.ctx, q, b.handArgs(args)...)
		if err != nil {
			return total, err
		}
		defer rows.Close()
		for rows.Next() {
			var k key
			var v int
			n := 1
			dest := []any{&k.cat, &k.ind, &k.above, &k.child, &v}
			if withN {
				dest = append(dest, &n)
			}
			if err := rows.Scan(dest...); err != nil {
				return total, err
			}
			if len(k.child) > 9 {
				k.child = k.child[:9]
			}
			g := groups[k]
			if g == nil {
				g = &Counts{}
				groups[k] = g
			}
			g.Total += n
			if v >= 1 {
				g.WorkCovered += n
			}
			if v >= 2 {
				g.OrgCovered += n
			}
			if v == 3 {
				g.SingleCovered += n
			}
		}
		for _, g := range groups {
			total.Total += g.Total
			total.OrgCovered += g.OrgCovered
			total.SingleCovered += g.SingleCovered
			total.WorkCovered += g.WorkCovered
		}
		return total, rows.Err()
	}
}

// spansGroupedSQL are the two queries of Service.Coverage for a district actor
// at the jurisdiction, written by hand: the organizations in scope and the
// covered ones from the spans, each grouped by the report's breakdown
// (category, industry, above-scale, street); rows are (keys..., [state,] n).
func spansGroupedSQL() (totals, covered string) {
	totals = `SELECT o.category, o.industry, o.above_scale, SUBSTR(o.region_code, 1, 9), COUNT(*)
		FROM organizations o WHERE ` + base + ` GROUP BY 1, 2, 3, 4`
	covered = `SELECT s.category, s.industry, s.above_scale, SUBSTR(s.region_code, 1, 9), s.state, COUNT(*)
		FROM coverage_spans s WHERE s.region_code LIKE '` + jurisdiction + `%' AND s.from_on <= ? AND (s.to_on IS NULL OR s.to_on > ?)
		GROUP BY 1, 2, 3, 4, 5`
	return totals, covered
}

// spansGrouped times the hand-written grouped queries: the same work as
// Service.Coverage without its Go (scope, rule, region names, report).
func (b *bench) spansGrouped() func() (Counts, error) {
	tq, cq := spansGroupedSQL()
	tq, cq = b.db.Rebind(tq), b.db.Rebind(cq)
	return func() (Counts, error) {
		var c Counts
		rows, err := b.db.QueryContext(b.ctx, tq, b.handArgs(days(2))...)
		if err != nil {
			return c, err
		}
		for rows.Next() {
			var cat, ind, ch string
			var above bool
			var n int
			if err := rows.Scan(&cat, &ind, &above, &ch, &n); err != nil {
				rows.Close()
				return c, err
			}
			c.Total += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return c, err
		}
		rows, err = b.db.QueryContext(b.ctx, cq, b.handArgs(days(2))...)
		if err != nil {
			return c, err
		}
		defer rows.Close()
		for rows.Next() {
			var cat, ind, ch string
			var above bool
			var v, n int
			if err := rows.Scan(&cat, &ind, &above, &ch, &v, &n); err != nil {
				return c, err
			}
			c.WorkCovered += n
			if v >= 2 {
				c.OrgCovered += n
			}
			if v == 3 {
				c.SingleCovered += n
			}
		}
		return c, rows.Err()
	}
}

// spansInGo is spansGrouped with the rows handed over one by one and added
// up per (category, industry, above-scale, street) in Go, the way SQLite
// runs it fastest (no temporary B-tree for the GROUP BY).
func (b *bench) spansInGo() func() (Counts, error) {
	tq, cq := spansGroupedSQL()
	cut := func(q string) string {
		q = strings.ReplaceAll(q, "SUBSTR(o.region_code, 1, 9)", "o.region_code")
		q = strings.ReplaceAll(q, "SUBSTR(s.region_code, 1, 9)", "s.region_code")
		q = strings.Replace(q, "COUNT(*)", "1", 1)
		return q[:strings.Index(q, "GROUP BY")]
	}
	tq, cq = b.db.Rebind(cut(tq)), b.db.Rebind(cut(cq))
	type key struct {
		cat, ind, child string
		above           bool
		state           int
	}
	return func() (Counts, error) {
		var c Counts
		groups := map[key]int{}
		for _, q := range []string{tq, cq} {
			rows, err := b.db.QueryContext(b.ctx, q, b.handArgs(days(2))...)
			if err != nil {
				return c, err
			}
			spans := q == cq
			for rows.Next() {
				var k key
				var n int
				dest := []any{&k.cat, &k.ind, &k.above, &k.child}
				if spans {
					dest = append(dest, &k.state)
				}
				if err := rows.Scan(append(dest, &n)...); err != nil {
					rows.Close()
					return c, err
				}
				k.child = k.child[:9]
				if !spans {
					k.state = -1
				}
				groups[k] += n
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return c, err
			}
		}
		for k, n := range groups {
			switch {
			case k.state < 0:
				c.Total += n
			case k.state == 3:
				c.SingleCovered += n
				fallthrough
			case k.state == 2:
				c.OrgCovered += n
				fallthrough
			default:
				c.WorkCovered += n
			}
		}
		return c, nil
	}
}

// rewrites are the Coverage query as it is (without the Go around it) and
// candidate rewrites of it, all with the same GROUP BY breakdown.
func (b *bench) rewrites() []job {
	q, args := coverageSQL()
	jq, jargs := joinSQL()
	kq, kargs := chainKeySQL()
	rq, rargs := perRowSQL()
	return []job{
		{"Coverage SQL as is (no Go)", b.groupedQuery(q, args)},
		{"Coverage rewrite: left join aggregated", b.groupedQuery(jq, jargs)},
		{"Coverage rewrite: CASE chain as GROUP BY key", b.stateRows(kq, kargs, true)},
		{"Coverage rewrite: left join, grouped in Go", b.stateRows(rq, rargs, false)},
	}
}

// indexVariants adds candidate indexes (on this throw-away database) one by
// one and measures Service.Coverage, the left-join rewrite and the baseline
// again after each.
func (b *bench) indexVariants(service, baseline job) ([]phase, error) {
	jq, jargs := joinSQL()
	rq, rargs := perRowSQL()
	idx := []struct{ name, create string }{
		{"+ index party_org_covers(organization_id, from_on, to_on, party_org_id)",
			`CREATE INDEX IF NOT EXISTS bench_covers_cov ON party_org_covers(organization_id, from_on, to_on, party_org_id)`},
		{"+ index instructor_assignments(organization_id, from_on, to_on)",
			`CREATE INDEX IF NOT EXISTS bench_assign_cov ON instructor_assignments(organization_id, from_on, to_on)`},
	}
	var out []phase
	for _, ix := range idx {
		start := time.Now()
		if _, err := b.db.ExecContext(b.ctx, ix.create); err != nil {
			return out, err
		}
		if _, err := b.db.ExecContext(b.ctx, "ANALYZE"); err != nil {
			return out, err
		}
		logf("%s: created in %s", ix.name, time.Since(start).Round(time.Millisecond))
		res, err := b.timeAll([]job{service, baseline,
			{"Coverage rewrite: left join aggregated", b.groupedQuery(jq, jargs)},
			{"Coverage rewrite: left join, grouped in Go", b.stateRows(rq, rargs, false)}})
		if err != nil {
			return out, err
		}
		out = append(out, phase{title: ix.name, results: res, best: 1})
	}
	for _, n := range []string{"bench_assign_cov", "bench_covers_cov"} {
		if _, err := b.db.ExecContext(b.ctx, "DROP INDEX IF EXISTS "+n); err != nil {
			return out, err
		}
	}
	return out, nil
}

// explain prints the plans of the Coverage query and the bare forms.
func (b *bench) explain(forms []form) error {
	type item struct {
		name string
		q    string
		args []any
	}
	q, args := coverageSQL()
	items := []item{{"Service.Coverage query", q, args}}
	for _, f := range forms {
		items = append(items, item{"bare: " + f.name, f.sql, days(f.args)})
	}
	if *flagVariants {
		jq, jargs := joinSQL()
		kq, kargs := chainKeySQL()
		rq, rargs := perRowSQL()
		items = append(items, item{"Coverage rewrite: left join aggregated", jq, jargs},
			item{"Coverage rewrite: CASE chain as GROUP BY key", kq, kargs}, item{"Coverage rewrite: left join, grouped in Go", rq, rargs})
	}
	for _, it := range items {
		prefix := "EXPLAIN QUERY PLAN "
		if b.db.Dialect == store.Postgres {
			prefix = "EXPLAIN (ANALYZE, BUFFERS) "
		}
		rows, err := b.db.QueryContext(b.ctx, prefix+b.db.Rebind(it.q), it.args...)
		if err != nil {
			return fmt.Errorf("explain %s: %w", it.name, err)
		}
		cols, _ := rows.Columns()
		fmt.Printf("\n### plan: %s\n```\n", it.name)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			if len(cols) == 1 {
				fmt.Println(vals[0])
			} else {
				// SQLite: id, parent, notused, detail
				fmt.Printf("%v %v %v\n", vals[0], vals[1], vals[len(vals)-1])
			}
		}
		rows.Close()
		fmt.Println("```")
	}
	return nil
}

// ---------------------------------------------------------------- report

func report(d store.Dialect, load, rebuild time.Duration, nOrgs, nParty, nCovers, nAssign int, phases []phase) {
	name := map[store.Dialect]string{store.SQLite: "SQLite", store.Postgres: "PostgreSQL"}[d]
	cov := phases[0].results[0]
	fmt.Printf("\n<!-- %s: %d organizations, %d party_orgs, %d party_org_covers, %d instructor_assignments; as_of %s; %s -->\n",
		name, nOrgs, nParty, nCovers, nAssign, asOf, cov.counts)
	if load > 0 {
		how := map[store.Dialect]string{store.SQLite: "multi-row INSERTs, then ANALYZE", store.Postgres: "COPY, then VACUUM (ANALYZE)"}[d]
		fmt.Printf("\nLoad (%s): %.1f s\n", how, load.Seconds())
	}
	fmt.Printf("Coverage spans computed from the ledger (coverspan.Rebuild / EnsureBuilt): %.1f s\n", rebuild.Seconds())
	for _, ph := range phases {
		best := ph.results[ph.best]
		fmt.Printf("\n| %s, %s | min | median | median ÷ baseline |\n|---|---|---|---|\n", name, ph.title)
		for i, r := range ph.results {
			note := ""
			if i == ph.best {
				note = " **(baseline)**"
			}
			fmt.Printf("| %s%s | %s | %s | %.2f× |\n", r.name, note, ms(r.min), ms(r.median), float64(r.median)/float64(best.median))
		}
	}
	best := phases[0].results[phases[0].best]
	ratio := float64(cov.median) / float64(best.median)
	fmt.Printf("\nTarget ≤1.5× bare SQL: %.2f× — %s\n", ratio, map[bool]string{true: "met", false: "MISSED"}[ratio <= 1.5])
	// Beside the bare forms that read the ledger tables alone (no spans).
	var ledger *result
	for i, r := range phases[0].results {
		if strings.HasPrefix(r.name, "bare: ") && !strings.Contains(r.name, "spans") && (ledger == nil || r.median < ledger.median) {
			ledger = &phases[0].results[i]
		}
	}
	if ledger != nil {
		fmt.Printf("Service.Coverage ÷ fastest bare form over the ledger tables alone (%s): %.2f×\n", ledger.name, float64(cov.median)/float64(ledger.median))
	}
	if d == store.Postgres {
		fmt.Printf("Target <2 s on PostgreSQL: %s — %s\n", ms(cov.median), map[bool]string{true: "met", false: "MISSED"}[cov.median < 2*time.Second])
	}
}

// printSQL prints the measured queries.
func printSQL(d store.Dialect) {
	q, _ := coverageSQL()
	jq, _ := joinSQL()
	kq, _ := chainKeySQL()
	rq, _ := perRowSQL()
	fmt.Printf("-- Service.Coverage query (district actor at %s; arguments: 14 days, then %s%%, %s%%, 2 days)\n%s;\n\n", jurisdiction, jurisdiction, jurisdiction, store.Rebind(d, q))
	for _, f := range bareForms(d) {
		fmt.Printf("-- bare: %s (arguments: %d days)\n%s;\n\n", f.name, f.args, store.Rebind(d, f.sql))
	}
	fmt.Printf("-- Coverage rewrite: left join aggregated\n%s;\n\n", store.Rebind(d, jq))
	fmt.Printf("-- Coverage rewrite: CASE chain as GROUP BY key\n%s;\n\n", store.Rebind(d, kq))
	fmt.Printf("-- Coverage rewrite: left join, grouped in Go (one row per organization)\n%s;\n", store.Rebind(d, rq))
}
