// Command servicereq is the benchmark of issue 13 item 8: with 1,000,000
// service requests and 20 handler units of history on PostgreSQL, the
// overdue list (first page, with its total) and a month's figures answer in
// under 200 ms. It measures the service end to end beside the bare SQL in the
// same run.
//
//	go run ./bench/servicereq -rows 1000000 [-pg URL] [-runs 5] [-keep] [-reuse bench_xxx]
//
// It creates a fresh schema bench_<random> in the PostgreSQL database
// (dropped at the end unless -keep), migrates it, initialises the
// jurisdiction 430426, creates 20 handler units, COPYs the requests (about
// five years of history up to today: most closed, some still open, some
// overdue, some reopened), runs ANALYZE and then times, interleaved, each job
// once per round. It prints min and median per job and the load average.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/config"
	"liangxin/internal/servicereq"
	"liangxin/internal/store"
)

const jurisdiction = "430426"

var (
	flagRows  = flag.Int("rows", 1000000, "service requests")
	flagUnits = flag.Int("units", 20, "handler units")
	flagYears = flag.Int("years", 5, "years of history")
	flagPG    = flag.String("pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL URL")
	flagRuns  = flag.Int("runs", 5, "timed runs of each job (after one warm-up)")
	flagKeep  = flag.Bool("keep", false, "keep the schema at the end")
	flagReuse = flag.String("reuse", "", "measure an existing schema (skips loading)")
	flagPlan  = flag.Bool("explain", false, "print EXPLAIN ANALYZE of the bare queries")
)

var cst = time.FixedZone("CST", 8*3600)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/servicereq:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func run() error {
	ctx := context.Background()
	schema := *flagReuse
	admin, err := store.OpenPostgres(ctx, *flagPG, "")
	if err != nil {
		return err
	}
	defer admin.Close()
	if schema == "" {
		b := make([]byte, 5)
		_, _ = rand.Read(b)
		schema = "bench_" + hex.EncodeToString(b)
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			return err
		}
		defer func() {
			if *flagKeep {
				logf("kept schema %s", schema)
			} else if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				logf("drop schema %s: %v", schema, err)
			}
		}()
	}
	db, err := store.OpenPostgres(ctx, *flagPG, schema)
	if err != nil {
		return err
	}
	defer db.Close()
	logf("PostgreSQL schema %s", schema)
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	a := app.New(config.Default(), db, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, nil)
	today := time.Now().In(cst)
	if *flagReuse == "" {
		if _, err := a.EnsureJurisdiction(ctx, jurisdiction); err != nil {
			return fmt.Errorf("jurisdiction: %w", err)
		}
		start := time.Now()
		if err := load(ctx, db, today); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		logf("loaded %d requests in %s", *flagRows, time.Since(start).Round(time.Millisecond))
		start = time.Now()
		// As autovacuum would after a bulk load: statistics and the
		// visibility map (index-only scans need it).
		if _, err := db.ExecContext(ctx, "VACUUM ANALYZE service_requests"); err != nil {
			return err
		}
		logf("VACUUM ANALYZE in %s", time.Since(start).Round(time.Millisecond))
	}
	var n, open, overdue int
	day := today.Format(store.DateFormat)
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE state IN ('received','handling','transferred')),
		COUNT(*) FILTER (WHERE state IN ('received','handling','transferred') AND paused_on IS NULL AND due_on < $1) FROM service_requests`, day).Scan(&n, &open, &overdue); err != nil {
		return err
	}
	logf("data: %d requests, %d open, %d overdue (today %s)", n, open, overdue, day)

	district := actor.With(ctx, actor.Actor{Username: "bench", Role: "district", Scope: jurisdiction})
	var street string
	if err := db.QueryRowContext(ctx, `SELECT region_code FROM service_requests GROUP BY region_code ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&street); err != nil {
		return err
	}
	streetCtx := actor.With(ctx, actor.Actor{Username: "bench_street", Role: "street", Scope: street})
	// The last full month.
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, cst).AddDate(0, -1, 0)
	from, to := first.Format(store.DateFormat), first.AddDate(0, 1, -1).Format(store.DateFormat)
	logf("month %s..%s, street %s", from, to, street)

	svc := a.Services
	overdueList := func(ctx context.Context) func() (string, error) {
		return func() (string, error) {
			items, total, err := svc.List(ctx, servicereq.Filter{Overdue: true, Sort: "due_asc", Page: 1, PageSize: 20})
			return fmt.Sprintf("total=%s first=%d", total, len(items)), err
		}
	}
	monthStats := func(ctx context.Context) func() (string, error) {
		return func() (string, error) {
			st, err := svc.Stats(ctx, servicereq.StatsFilter{From: from, To: to})
			return fmt.Sprintf("received=%d done=%d replied=%d", st.Total.Received, st.Total.Done, st.Total.Replied), err
		}
	}
	bare := func(q string, args ...any) func() (string, error) {
		return func() (string, error) {
			rows, err := db.QueryContext(ctx, q, args...)
			if err != nil {
				return "", err
			}
			defer rows.Close()
			k := 0
			for rows.Next() {
				k++
			}
			return fmt.Sprintf("rows=%d", k), rows.Err()
		}
	}
	like := jurisdiction + "%"
	bareOverdue := `SELECT id, due_on FROM service_requests WHERE region_code LIKE $1 AND state IN ('received','handling','transferred')
		AND paused_on IS NULL AND due_on < $2 ORDER BY due_on, id LIMIT 20`
	bareOverdueCount := `SELECT COUNT(*) FROM service_requests WHERE region_code LIKE $1 AND state IN ('received','handling','transferred')
		AND paused_on IS NULL AND due_on < $2`
	bareMonth := `SELECT (SELECT COUNT(*) FROM service_requests WHERE received_on BETWEEN $2 AND $3 AND region_code LIKE $1),
		(SELECT COUNT(*) FROM service_requests WHERE state IN ('done','replied','closed') AND done_on BETWEEN $2 AND $3 AND region_code LIKE $1),
		(SELECT COUNT(*) FROM service_requests WHERE replied_on BETWEEN $2 AND $3 AND satisfaction <> '' AND region_code LIKE $1)`
	jobs := []job{
		{"Service.List overdue, first page + total (district)", overdueList(district)},
		{"Service.List overdue, first page + total (street)", overdueList(streetCtx)},
		{"Service.Stats one month (district)", monthStats(district)},
		{"Service.Stats one month (street)", monthStats(streetCtx)},
		{"bare: overdue first page (district)", bare(bareOverdue, like, day)},
		{"bare: overdue count (district)", bare(bareOverdueCount, like, day)},
		{"bare: month received/done/replied counts (district)", bare(bareMonth, like, from, to)},
	}
	if *flagPlan {
		for _, q := range []struct {
			sql  string
			args []any
		}{{bareOverdue, []any{like, day}}, {bareOverdueCount, []any{like, day}}, {bareMonth, []any{like, from, to}}} {
			rows, err := db.QueryContext(ctx, "EXPLAIN ANALYZE "+q.sql, q.args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var line string
				_ = rows.Scan(&line)
				fmt.Println(line)
			}
			rows.Close()
			fmt.Println()
		}
	}
	logf("load average before measuring: %s", loadAvg())
	ds := make([][]time.Duration, len(jobs))
	for round := 0; round <= *flagRuns; round++ {
		for i, j := range jobs {
			start := time.Now()
			out, err := j.fn()
			if err != nil {
				return fmt.Errorf("%s: %w", j.name, err)
			}
			if round == 0 {
				logf("%-55s %s", j.name, out)
				continue
			}
			ds[i] = append(ds[i], time.Since(start))
		}
	}
	fmt.Printf("| job | min | median |\n|---|---|---|\n")
	for i, j := range jobs {
		slices.Sort(ds[i])
		fmt.Printf("| %s | %s | %s |\n", j.name, ms(ds[i][0]), ms(ds[i][len(ds[i])/2]))
	}
	logf("load average after measuring: %s", loadAvg())
	return nil
}

type job struct {
	name string
	fn   func() (string, error)
}

// load writes the units and the requests with COPY.
func load(ctx context.Context, db *store.DB, today time.Time) error {
	var regions []string
	rows, err := db.QueryContext(ctx, `SELECT code FROM regions WHERE code LIKE $1 AND length(code) >= 9`, jurisdiction+"%")
	if err != nil {
		return err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		regions = append(regions, c)
	}
	rows.Close()
	if len(regions) == 0 {
		return fmt.Errorf("no regions under %s", jurisdiction)
	}
	now := store.FormatTime(time.Now())
	units := make([]int64, *flagUnits)
	for i := range units {
		if err := db.QueryRowContext(ctx, `INSERT INTO service_handler_units (name, kind, region_code, created_at) VALUES ($1, 'department', $2, $3) RETURNING id`,
			fmt.Sprintf("承办单位%02d", i+1), jurisdiction, now).Scan(&units[i]); err != nil {
			return err
		}
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	r := mrand.New(mrand.NewPCG(1, 13))
	days := *flagYears * 365
	sats := []string{"satisfied", "satisfied", "satisfied", "basic", "unsatisfied"}
	cols := []string{"source", "category_id", "content", "requester_name", "region_code", "handler_unit_id", "state", "received_on", "due_on",
		"result", "replied_on", "satisfaction", "done_on", "done_days", "done_by_unit_id", "reopen_count", "created_by", "created_at", "updated_at"}
	i := 0
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		_, err := pc.CopyFrom(ctx, pgx.Identifier{"service_requests"}, cols, pgx.CopyFromFunc(func() ([]any, error) {
			if i >= *flagRows {
				return nil, nil
			}
			i++
			age := r.IntN(days)
			recv := today.AddDate(0, 0, -age)
			due := recv.AddDate(0, 0, 7+r.IntN(8))
			var unit, doneBy, doneOn, doneDays, replied any
			if r.IntN(3) > 0 {
				u := units[r.IntN(len(units))]
				unit = u
			}
			state, result, sat := "closed", "已办结", ""
			// Recent requests are mostly open; a few old ones were never finished.
			openP := 3
			if age < 60 {
				openP = 400
			}
			if r.IntN(1000) < openP {
				state, result = []string{"received", "handling", "transferred"}[r.IntN(3)], ""
				if state != "transferred" {
					unit = nil
				}
			} else {
				took := 1 + r.IntN(20)
				if took > age {
					took = age
				}
				doneOn, doneDays, doneBy = day(recv.AddDate(0, 0, took)), took, unit
				if age-took > 3 {
					replied, sat = day(recv.AddDate(0, 0, took+1+r.IntN(3))), sats[r.IntN(len(sats))]
				} else {
					state = "done"
				}
			}
			reopen := 0
			if r.IntN(100) < 3 {
				reopen = 1
			}
			return []any{"desk", int64(1 + r.IntN(8)), "企业诉求", "诉求人", regions[r.IntN(len(regions))], unit, state, day(recv), day(due),
				result, replied, sat, doneOn, doneDays, doneBy, reopen, "bench", now, now}, nil
		}))
		return err
	})
}

func day(t time.Time) string { return t.Format(store.DateFormat) }

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
