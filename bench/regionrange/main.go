// Command regionrange is the benchmark of issue 18 target 2a: region filters
// written as "region_code LIKE 'prefix%'" (before) beside the same queries
// written with store.PrefixRange, "region_code >= prefix AND region_code <
// successor" (after), on a large ledger that bench/coverage generated and
// kept, e.g.
//
//	createdb -h 127.0.0.1 -U postgres h_rgn
//	go run ./bench/coverage -db postgres -orgs 1000000 -keep -only none \
//	    -pg 'postgres://postgres@127.0.0.1:5432/h_rgn?sslmode=disable'   # prints "kept schema bench_xxx"
//	go run ./bench/regionrange -db postgres -reuse bench_xxx \
//	    -pg 'postgres://postgres@127.0.0.1:5432/h_rgn?sslmode=disable'
//	go run ./bench/regionrange -db sqlite -reuse /path/to/liangxin.db
//
// The jobs are interleaved (each round runs every job once) so that other
// work on the machine slows the before and after forms alike; the load
// average is printed beside the medians. It exits non-zero when a before and
// after pair disagree.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/config"
	"liangxin/internal/org"
	"liangxin/internal/store"
)

var (
	flagDB    = flag.String("db", "postgres", "sqlite or postgres")
	flagPG    = flag.String("pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL URL (for -db postgres)")
	flagReuse = flag.String("reuse", "", "the database to measure: a PostgreSQL schema or a SQLite file")
	flagRuns  = flag.Int("runs", 7, "timed rounds (after one warm-up)")
	flagAsOf  = flag.String("as-of", "2026-06-30", "the day of the coverage queries")
)

func main() {
	flag.Parse()
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "regionrange:", err)
		os.Exit(1)
	}
}

type job struct {
	name string
	fn   func() (string, error) // a digest of the result, compared across runs and pairs
}

func run(ctx context.Context) error {
	if *flagReuse == "" {
		return fmt.Errorf("-reuse is required (a database bench/coverage kept)")
	}
	var db *store.DB
	var err error
	if *flagDB == "postgres" {
		db, err = store.OpenPostgres(ctx, *flagPG, *flagReuse)
	} else {
		db, err = store.OpenSQLite(ctx, *flagReuse)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(config.Default(), db, log, time.Now, nil)

	// The village of the first organization, and its street.
	var village string
	if err := db.QueryRowContext(ctx, `SELECT region_code FROM organizations WHERE id = (SELECT MIN(id) FROM organizations)`).Scan(&village); err != nil {
		return err
	}
	street := village[:9]
	var nOrgs int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM organizations`).Scan(&nOrgs); err != nil {
		return err
	}
	fmt.Printf("%s %s: %d organizations; village %s, street %s\n", *flagDB, *flagReuse, nOrgs, village, street)
	streetUser := actor.With(ctx, actor.Actor{Username: "bench", Role: "street", Scope: street})

	like := func(col, p string) (string, []any) {
		return col + ` LIKE ? ESCAPE '\'`, []any{store.LikeEscape(p) + "%"}
	}
	type filter func(col, p string) (string, []any)
	count := func(q string, args ...any) (string, error) {
		var n int64
		err := db.QueryRow(ctx, db, q, args...).Scan(&n)
		return fmt.Sprint(n), err
	}
	// The organization list of one village for a street user, as org.Service.List
	// runs it: a count and the first page by name.
	orgList := func(f filter) func() (string, error) {
		return func() (string, error) {
			sc, sa := f("o.region_code", street)
			vc, va := f("o.region_code", village)
			where := ` WHERE ` + sc + ` AND ` + vc
			args := append(sa, va...)
			n, err := count(`SELECT COUNT(*) FROM organizations o`+where, args...)
			if err != nil {
				return "", err
			}
			rows, err := db.Query(ctx, db, `SELECT o.id FROM organizations o`+where+` ORDER BY o.name ASC, o.id ASC LIMIT 20 OFFSET 0`, args...)
			if err != nil {
				return "", err
			}
			defer rows.Close()
			var ids []string
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return "", err
				}
				ids = append(ids, fmt.Sprint(id))
			}
			return n + " " + strings.Join(ids, ","), rows.Err()
		}
	}
	// A street user's count of the organizations in scope (ScopeFilter alone).
	scopeCount := func(f filter) func() (string, error) {
		return func() (string, error) {
			c, args := f("o.region_code", street)
			return count(`SELECT COUNT(*) FROM organizations o WHERE `+c, args...)
		}
	}
	// The coverage counts of one village over the spans, as coverage.regionScope
	// filters them (scope and region), for one day.
	spans := func(f filter, code string) func() (string, error) {
		return func() (string, error) {
			sc, sa := f("s.region_code", street)
			vc, va := f("s.region_code", code)
			var total, covered, single int64
			err := db.QueryRow(ctx, db, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN s.state >= 2 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN s.state = 3 THEN 1 ELSE 0 END), 0)
				FROM coverage_spans s WHERE `+sc+` AND `+vc+` AND s.from_on <= ? AND (s.to_on IS NULL OR s.to_on > ?)`,
				append(append(sa, va...), *flagAsOf, *flagAsOf)...).Scan(&total, &covered, &single)
			return fmt.Sprint(total, covered, single), err
		}
	}
	jobs := []job{
		{"org list, village: LIKE (before)", orgList(like)},
		{"org list, village: range (after)", orgList(store.PrefixRange)},
		{"org.Service.List, village (after, end to end)", func() (string, error) {
			list, n, err := a.Orgs.List(streetUser, org.Filter{RegionCode: village, Sort: "name"})
			ids := make([]string, len(list))
			for i, o := range list {
				ids[i] = fmt.Sprint(o.ID)
			}
			return fmt.Sprint(n) + " " + strings.Join(ids, ","), err
		}},
		{"street scope count: LIKE (before)", scopeCount(like)},
		{"street scope count: range (after)", scopeCount(store.PrefixRange)},
		{"coverage spans, village: LIKE (before)", spans(like, village)},
		{"coverage spans, village: range (after)", spans(store.PrefixRange, village)},
		{"coverage spans, street: LIKE (before)", spans(like, street)},
		{"coverage spans, street: range (after)", spans(store.PrefixRange, street)},
		{"coverage.Service.Coverage, village (after, end to end)", func() (string, error) {
			rep, err := a.Cover.Coverage(streetUser, village, *flagAsOf)
			return fmt.Sprint(rep.Total, rep.OrgCovered, rep.SingleCovered), err
		}},
		{"coverage.Service.Coverage, street (after, end to end)", func() (string, error) {
			rep, err := a.Cover.Coverage(streetUser, street, *flagAsOf)
			return fmt.Sprint(rep.Total, rep.OrgCovered, rep.SingleCovered), err
		}},
	}
	digests := make([]string, len(jobs))
	ds := make([][]time.Duration, len(jobs))
	for i, j := range jobs {
		d, err := j.fn()
		if err != nil {
			return fmt.Errorf("%s: %w", j.name, err)
		}
		digests[i] = d
	}
	// Before and after pairs must agree.
	for i := 0; i+1 < len(jobs); i++ {
		if strings.HasSuffix(jobs[i].name, "(before)") && strings.HasSuffix(jobs[i+1].name, "(after)") && digests[i] != digests[i+1] {
			return fmt.Errorf("%s gives %q, %s %q", jobs[i].name, digests[i], jobs[i+1].name, digests[i+1])
		}
	}
	fmt.Printf("load average before: %s\n", loadAvg())
	for r := 0; r < *flagRuns; r++ {
		for i, j := range jobs {
			runtime.GC()
			start := time.Now()
			d, err := j.fn()
			el := time.Since(start)
			if err != nil {
				return fmt.Errorf("%s: %w", j.name, err)
			}
			if d != digests[i] {
				return fmt.Errorf("%s: round %d gives %q, the warm-up %q", j.name, r, d, digests[i])
			}
			ds[i] = append(ds[i], el)
		}
	}
	fmt.Printf("load average after %d rounds: %s\n", *flagRuns, loadAvg())
	for i, j := range jobs {
		slices.Sort(ds[i])
		first := digests[i]
		if len(first) > 24 {
			first = first[:24] + "…"
		}
		fmt.Printf("%-56s min %8s  median %8s  (%s)\n", j.name, ms(ds[i][0]), ms(ds[i][len(ds[i])/2]), first)
	}
	return nil
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
