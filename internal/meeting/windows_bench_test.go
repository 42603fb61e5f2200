package meeting_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/meeting"
	"liangxin/internal/meeting/meetingtest"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

// BenchmarkComplianceFigurePages is the first page sorted by a figure after
// a meeting recorded (timer stopped), over the year-to-date window
// 2026-01-01…2026-06-30 of the scale fixture (LIANGXIN_BENCH_ORGS party
// organizations, 3,000 by default): before (windows=off: the aggregate over
// the scope's slots, as before h-ytd) and after (the walk of the stored
// window sums). Then a meeting recorded itself (write/...), with the window
// sums kept in step (after) and without (before: SetWindowsWriteOff, the
// table left stale).
func BenchmarkComplianceFigurePages(b *testing.B) {
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
	start = time.Now()
	if err := meeting.RebuildSlots(ctx, db, e.Clock.Now); err != nil {
		b.Fatal(err)
	}
	var rows int
	if err := db.QueryRow(ctx, db, `SELECT COUNT(*) FROM compliance_org_windows`).Scan(&rows); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d party organizations built in %v, slots, rollup and %d window rows rebuilt in %v", n, built, rows, time.Since(start))
	if db.Dialect == store.Postgres {
		if _, err := db.Exec(ctx, db, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	load := func(b *testing.B) {
		l, _ := os.ReadFile("/proc/loadavg")
		b.Logf("load average %s", strings.Fields(string(l) + " ?")[0])
	}
	pages := []struct {
		name string
		f    meeting.ReportFilter
		q    meeting.PageQuery
	}{
		{"rate", meeting.ReportFilter{}, meeting.PageQuery{Sort: "rate"}},
		{"rate-desc", meeting.ReportFilter{}, meeting.PageQuery{Sort: "rate", Desc: true}},
		{"required-desc", meeting.ReportFilter{}, meeting.PageQuery{Sort: "required", Desc: true}},
		{"meetings-incomplete", meeting.ReportFilter{}, meeting.PageQuery{Sort: "meetings", Status: meeting.StatusIncomplete}},
		{"attendance-desc", meeting.ReportFilter{}, meeting.PageQuery{Sort: "attendance", Desc: true}},
		{"street-rate", meeting.ReportFilter{RegionCode: meetingtest.Yuhe}, meeting.PageQuery{Sort: "rate"}},
	}
	i := 0
	write := func(b *testing.B) {
		i++
		if _, err := e.App.Meet.Create(ctx, meeting.Input{PartyOrgID: ids[(i*7919)%len(ids)], Kind: meeting.KindThemeDay, Date: "2026-03-1" + fmt.Sprint(i%10), Topic: "基准"}); err != nil {
			b.Fatal(err)
		}
	}
	for range 2 {
		for _, after := range []bool{false, true} {
			for _, pg := range pages {
				b.Run(fmt.Sprintf("orgs=%d/page=%s/after=%v", n, pg.name, after), func(b *testing.B) {
					defer meeting.SetWindowsOff(!after)()
					load(b)
					f := pg.f
					f.From, f.To = "2026-01-01", "2026-06-30"
					q := pg.q
					q.Page, q.PageSize = 1, 20
					for b.Loop() {
						b.StopTimer()
						write(b)
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
		for _, after := range []bool{false, true} {
			b.Run(fmt.Sprintf("orgs=%d/write/after=%v", n, after), func(b *testing.B) {
				defer meeting.SetWindowsWriteOff(!after)()
				load(b)
				for b.Loop() {
					for range 10 {
						write(b)
					}
				}
			})
		}
	}
}
