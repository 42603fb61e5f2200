package meeting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"liangxin/internal/testenv"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/meeting"
	"liangxin/internal/meeting/meetingtest"
	"liangxin/internal/store"
)

// rollupWindows is the periods checkRollup compares: every year the
// writes touch, every quarter of 2025 and 2026, three random months, the
// year to date and two windows across years.
func rollupWindows(r *rand.Rand) [][2]string {
	w := [][2]string{{"2024-01-01", "2024-12-31"}, {"2025-01-01", "2025-12-31"}, {"2026-01-01", "2026-12-31"},
		{"2026-01-01", "2026-10-31"}, {"2024-02-01", "2026-09-30"}, {"2023-12-01", "2025-01-31"}}
	for _, y := range []int{2025, 2026} {
		for q := 0; q < 4; q++ {
			last := []string{"03-31", "06-30", "09-30", "12-31"}[q]
			w = append(w, [2]string{fmt.Sprintf("%d-%02d-01", y, 3*q+1), fmt.Sprintf("%d-%s", y, last)})
		}
	}
	for range 3 {
		y, m := 2024+r.IntN(3), 1+r.IntN(12)
		last := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
		if m == 2 && y == 2024 {
			last = 29
		}
		w = append(w, [2]string{fmt.Sprintf("%d-%02d-01", y, m), fmt.Sprintf("%d-%02d-%02d", y, m, last)})
	}
	return w
}

// summaryJSON is a page's summary (totals, attendance, counts by status,
// by street, by kind) without its rows, attendance rounded.
func summaryJSON(pg meeting.CompliancePage) string {
	rep := pg.Report
	roundAttendance(&rep)
	b, _ := json.Marshal(struct {
		S     meeting.Report
		C     meeting.StatusCounts
		Total int
	}{summaryOf(rep), pg.Counts, pg.Total})
	return string(b)
}

// checkRollup fails the test when the summary read from the compliance
// rollup differs from the one summed over the slots (and, with meetings,
// from the one computed from the meetings) for the county, each street and
// a street-bound actor, over rollupWindows. It returns how many party
// organizations the comparisons counted (the fixture must count some).
func checkRollup(t *testing.T, m *meeting.Service, r *rand.Rand, when string, meetings bool) int {
	t.Helper()
	bg := context.Background()
	sys := actor.System(bg, "test")
	street := actor.With(bg, actor.Actor{Username: "street", Role: "admin", Scope: meetingtest.Yuhe})
	type scope struct {
		name string
		ctx  context.Context
		f    meeting.ReportFilter
	}
	scopes := []scope{{"all", sys, meeting.ReportFilter{}}, {"county", sys, meeting.ReportFilter{RegionCode: "430426"}},
		{"洪桥", sys, meeting.ReportFilter{RegionCode: meetingtest.Hongqiao}}, {"玉合", sys, meeting.ReportFilter{RegionCode: meetingtest.Yuhe}},
		{"玉合's admin", street, meeting.ReportFilter{}}}
	counted := 0
	for _, w := range rollupWindows(r) {
		for _, sc := range scopes {
			f := sc.f
			f.From, f.To = w[0], w[1]
			q := meeting.PageQuery{Page: 1, PageSize: 1, Status: []string{"", meeting.StatusComplete, meeting.StatusIncomplete, meeting.StatusNone}[r.IntN(4)]}
			get := func() string {
				pg, err := m.CompliancePaged(sc.ctx, f, q)
				if err != nil {
					t.Fatal(err)
				}
				return summaryJSON(pg)
			}
			got := get()
			restore := meeting.SetRollupOff(true)
			want := get()
			restore()
			if got != want {
				t.Fatalf("%s, %s %s..%s: the rollup's summary differs from the slots'\n got %s\nwant %s", when, sc.name, w[0], w[1], got, want)
			}
			if meetings {
				restore := meeting.SetSlotsOff(true)
				ref := get()
				restore()
				if got != ref {
					t.Fatalf("%s, %s %s..%s: the rollup's summary differs from the meetings'\n got %s\nwant %s", when, sc.name, w[0], w[1], got, ref)
				}
			}
			pg, err := m.CompliancePaged(sc.ctx, f, q)
			if err != nil {
				t.Fatal(err)
			}
			counted += pg.Counts.All
		}
	}
	if counted == 0 {
		t.Fatalf("%s: no party organization counted; the comparison tests nothing", when)
	}
	return counted
}

// BenchmarkComplianceRollup is the first paged compliance request after a
// write (a meeting recorded, timer stopped), county-wide, 2026-01-01…
// 2026-06-30, page 1 of 20 rows, over the scale fixture of
// LIANGXIN_BENCH_ORGS party organizations (3,000 unless set), built once:
// path=slots sums the summary over the slots and finds the page in an
// aggregate over them (h-slots, before), path=rollup reads the summary from
// the rollup, path=rollup+regionpage also finds the page (by region, the
// default) with existence tests in region order (after). Run A, B, C, A,
// B, C on the same database (-test.benchtime sets the requests per run).
func BenchmarkComplianceRollup(b *testing.B) {
	n := 3000
	if v := os.Getenv("LIANGXIN_BENCH_ORGS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	e := testenv.New(b)
	start := time.Now()
	ids := meetingtest.Build(b, e.App.DB, n)
	built := time.Since(start)
	ctx := actor.System(context.Background(), "bench")
	start = time.Now()
	if err := meeting.RebuildSlots(ctx, e.App.DB, e.Clock.Now); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d party organizations built in %v, slots and rollup rebuilt in %v", n, built, time.Since(start))
	f := meeting.ReportFilter{From: "2026-01-01", To: "2026-06-30"}
	i := 0
	for range 2 {
		for _, path := range []string{"slots", "rollup", "rollup+regionpage"} {
			b.Run(fmt.Sprintf("orgs=%d/path=%s", n, path), func(b *testing.B) {
				defer meeting.SetRollupOff(path == "slots")()
				defer meeting.SetRegionPageOff(path != "rollup+regionpage")()
				load, _ := os.ReadFile("/proc/loadavg")
				b.Logf("load average %s", strings.Fields(string(load) + " ?")[0])
				for b.Loop() {
					b.StopTimer()
					i++
					if _, err := e.App.Meet.Create(ctx, meeting.Input{PartyOrgID: ids[i%len(ids)], Kind: meeting.KindThemeDay, Date: "2026-03-1" + fmt.Sprint(i%10), Topic: "基准"}); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if _, err := e.App.Meet.CompliancePaged(ctx, f, meeting.PageQuery{Page: 1, PageSize: 20}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkCompliancePages is the first compliance page after a write (a
// meeting recorded, timer stopped), 2026-01-01…2026-06-30, page 1 of 20,
// over the scale fixture of LIANGXIN_BENCH_ORGS party organizations (3,000
// unless set; every 50th moved to a village of its street), built once, for
// each page kind: before (main before h-sort: the page by name descending
// with its ties ascending, which no index serves) and after (ties reversed,
// the name index walked backwards), run before, after, before, after on the
// same database. The other pages take the same path in both and run once a
// round.
func BenchmarkCompliancePages(b *testing.B) {
	n := 3000
	if v := os.Getenv("LIANGXIN_BENCH_ORGS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	e := testenv.New(b)
	db := e.App.DB
	start := time.Now()
	ids := meetingtest.Build(b, db, n)
	built := time.Since(start)
	ctx := actor.System(context.Background(), "bench")
	village := meetingtest.Yuhe + "001"
	if _, err := db.Exec(ctx, db, `INSERT INTO regions (code, parent_code, name, level, created_at, updated_at) VALUES (?, ?, '基准村', 5, '2024-01-01', '2024-01-01')
		ON CONFLICT (code) DO NOTHING`, village, meetingtest.Yuhe); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, db, `UPDATE party_orgs SET region_code = ? WHERE region_code = ? AND id % 50 = 0`, village, meetingtest.Yuhe); err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	if err := meeting.RebuildSlots(ctx, db, e.Clock.Now); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d party organizations built in %v, slots and rollup rebuilt in %v", n, built, time.Since(start))
	if db.Dialect == store.Postgres {
		if _, err := db.Exec(ctx, db, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	pages := []struct {
		name string
		f    meeting.ReportFilter
		q    meeting.PageQuery
	}{
		{"region", meeting.ReportFilter{}, meeting.PageQuery{}},
		{"name", meeting.ReportFilter{}, meeting.PageQuery{Sort: "name"}},
		{"name-desc", meeting.ReportFilter{}, meeting.PageQuery{Sort: "name", Desc: true}},
		{"name-desc-incomplete", meeting.ReportFilter{}, meeting.PageQuery{Sort: "name", Desc: true, Status: meeting.StatusIncomplete}},
		{"rate", meeting.ReportFilter{}, meeting.PageQuery{Sort: "rate"}},
		{"rate-desc", meeting.ReportFilter{}, meeting.PageQuery{Sort: "rate", Desc: true}},
		{"required-desc", meeting.ReportFilter{}, meeting.PageQuery{Sort: "required", Desc: true}},
		{"meetings-incomplete", meeting.ReportFilter{}, meeting.PageQuery{Sort: "meetings", Status: meeting.StatusIncomplete}},
		{"street-rate", meeting.ReportFilter{RegionCode: meetingtest.Yuhe}, meeting.PageQuery{Sort: "rate"}},
		{"village", meeting.ReportFilter{RegionCode: village}, meeting.PageQuery{}},
		{"village-rate", meeting.ReportFilter{RegionCode: village}, meeting.PageQuery{Sort: "rate"}},
	}
	i := 0
	for range 2 {
		for _, after := range []bool{false, true} {
			for _, pg := range pages {
				if !after && !(pg.q.Sort == "name" && pg.q.Desc) {
					continue // the same path before and after: measured once a round
				}
				b.Run(fmt.Sprintf("orgs=%d/page=%s/after=%v", n, pg.name, after), func(b *testing.B) {
					defer meeting.SetNameDescScan(!after)()
					load, _ := os.ReadFile("/proc/loadavg")
					b.Logf("load average %s", strings.Fields(string(load) + " ?")[0])
					f := pg.f
					f.From, f.To = "2026-01-01", "2026-06-30"
					q := pg.q
					q.Page, q.PageSize = 1, 20
					for b.Loop() {
						b.StopTimer()
						i++
						if _, err := e.App.Meet.Create(ctx, meeting.Input{PartyOrgID: ids[i%len(ids)], Kind: meeting.KindThemeDay, Date: "2026-03-1" + fmt.Sprint(i%10), Topic: "基准"}); err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
						out, err := e.App.Meet.CompliancePaged(ctx, f, q)
						if err != nil {
							b.Fatal(err)
						}
						if len(out.Orgs) == 0 {
							b.Fatalf("%s: an empty page", pg.name)
						}
					}
				})
			}
		}
	}
}
