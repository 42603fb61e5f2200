package main

import (
	"context"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/store"
)

var (
	flagCountsTargets = flag.String("counts-targets", "", "with -counts: comma-separated region codes to time instead of the county, its first street and a village (e.g. 43,4304,430426 on a database from `liangxin gen -preset province`), read by the system actor")
	flagSpansEvery    = flag.Int("counts-spans-every", 1, "with -counts: time and compare the span path only on every n-th random day (it takes seconds at a million organizations)")
)

var flagCounts = flag.Bool("counts", false, "also time Coverage and Trend read from the pre-aggregated counts beside the span path (issue 18), for the county, one street and one village on random days, and print the size of the counts")

// countsBench times the counts path beside the span path (Service.SpanPath)
// on the same reports, interleaved, and checks they are equal.
func countsBench(ctx context.Context, a *app.App, db *store.DB) error {
	spans := *a.Cover
	spans.SpanPath = true
	type target struct{ name, code string }
	var targets []target
	trends := 2
	if *flagCountsTargets != "" {
		ctx = actor.System(ctx, "bench")
		names := map[int]string{2: "province", 4: "city", 6: "county", 9: "street", 12: "village"}
		for _, c := range strings.Split(*flagCountsTargets, ",") {
			var n int
			cond, args := store.PrefixRange("region_code", c)
			if err := db.QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM organizations WHERE `+cond), args...).Scan(&n); err != nil {
				return err
			}
			targets = append(targets, target{fmt.Sprintf("%s %s (%d organizations)", names[len(c)], c, n), c})
		}
		trends = len(targets)
	} else {
		kids, err := a.Regions.Children(ctx, jurisdiction)
		if err != nil || len(kids) == 0 {
			return fmt.Errorf("streets: %v", err)
		}
		street := kids[0].Code
		var village string
		if err := db.QueryRowContext(ctx, `SELECT region_code FROM organizations WHERE region_code LIKE '`+street+`%' AND LENGTH(region_code) = 12 LIMIT 1`).Scan(&village); err != nil {
			return fmt.Errorf("village: %w", err)
		}
		targets = []target{{"county " + jurisdiction, ""}, {"street " + street, street}, {"village " + village, village}}
	}
	r := mrand.New(mrand.NewPCG(*flagSeed, 9))
	randomDay := func() string { return day(randDay(r, ymd(2012, 1, 1), ymd(2026, 12, 31))) }
	type sample struct{ counts, spans []time.Duration }
	results := map[string]*sample{}
	var order []string
	mismatch := 0
	withSpans := true
	timeIt := func(name string, fast, slow func(d string) (any, error), d string) error {
		s := results[name]
		if s == nil {
			s = &sample{}
			results[name] = s
			order = append(order, name)
		}
		t0 := time.Now()
		x, err := fast(d)
		if err != nil {
			return err
		}
		t1 := time.Now()
		s.counts = append(s.counts, t1.Sub(t0))
		if !withSpans {
			return nil
		}
		y, err := slow(d)
		if err != nil {
			return err
		}
		s.spans = append(s.spans, time.Since(t1))
		if !reflect.DeepEqual(x, y) {
			mismatch++
			logf("MISMATCH: %s on %s", name, d)
		}
		return nil
	}
	startLoad := loadAvg()
	for run := 0; run < *flagRuns*4; run++ {
		d := randomDay()
		withSpans = run%max(*flagSpansEvery, 1) == 0
		for _, t := range targets {
			code := t.code
			if err := timeIt("Coverage, "+t.name, func(d string) (any, error) { return a.Cover.Coverage(ctx, code, d) },
				func(d string) (any, error) { return spans.Coverage(ctx, code, d) }, d); err != nil {
				return err
			}
		}
		for _, t := range targets[:trends] {
			code := t.code
			if err := timeIt("Trend 12 month ends, "+t.name, func(d string) (any, error) { return a.Cover.Trend(ctx, code, d, 12) },
				func(d string) (any, error) { return spans.Trend(ctx, code, d, 12) }, d); err != nil {
				return err
			}
		}
	}
	var rows int64
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM coverage_counts`).Scan(&rows); err != nil {
		return err
	}
	size := ""
	if db.Dialect == store.Postgres {
		var b, o int64
		if err := db.QueryRowContext(ctx, `SELECT pg_total_relation_size('coverage_counts'), pg_total_relation_size('coverage_count_orgs')`).Scan(&b, &o); err == nil {
			size = fmt.Sprintf(", %.0f MB (+ %.0f MB coverage_count_orgs)", float64(b)/1e6, float64(o)/1e6)
		}
	}
	fmt.Printf("\n<!-- counts vs spans: load average %s at the start, %s at the end; %d random days 2012–2026 -->\n", startLoad, loadAvg(), *flagRuns*4)
	fmt.Printf("coverage_counts: %d rows%s\n\n", rows, size)
	fmt.Println("| report (random days) | counts median | counts p99 | counts max | spans median | spans max | span runs |")
	fmt.Println("|---|---|---|---|---|---|---|")
	med := func(d []time.Duration) (time.Duration, time.Duration, time.Duration) {
		if len(d) == 0 {
			return 0, 0, 0
		}
		s := slices.Clone(d)
		slices.Sort(s)
		return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)], s[len(s)-1]
	}
	for _, name := range order {
		s := results[name]
		cm, cp, cx := med(s.counts)
		sm, _, sx := med(s.spans)
		fmt.Printf("| %s | %s | %s | %s | %s | %s | %d |\n", name, ms(cm), ms(cp), ms(cx), ms(sm), ms(sx), len(s.spans))
	}
	if mismatch > 0 {
		return fmt.Errorf("%d reports differ between the counts and the spans", mismatch)
	}
	return nil
}
