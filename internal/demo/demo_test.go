package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/apperr"
	"liangxin/internal/config"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/store/storetest"
)

// clock is 2026-11-23 17:00 in 祁东 (09:00 UTC).
var clock = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func newApp(t *testing.T) *app.App {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	db := storetest.Open(t)
	prot, err := app.OpenKey(context.Background(), cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return clock }, prot)
	if _, err := a.EnsureJurisdiction(context.Background(), DefaultJurisdiction); err != nil {
		t.Fatal(err)
	}
	return a
}

// ledger renders what a database holds, for comparing two loads.
func ledger(t *testing.T, a *app.App) string {
	t.Helper()
	sys := actor.System(context.Background(), "test")
	var b strings.Builder
	err := a.Orgs.Each(sys, org.Filter{}, func(o org.Organization) error {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%d|%d|%v|%v|%v\n", o.Name, o.USCC, o.RegionCode, o.Industry, o.Employees, o.FullMembers, o.Tags, deref(o.RegisteredOn), deref(o.ClosedOn))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ps, _, err := a.Party.List(sys, partyorg.Filter{PageSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s|%v|%d\n", p.Name, p.Kind, p.Formation, p.ParentName, p.EstablishedOn, p.TermStartedOn, deref(p.DissolvedOn), len(p.Covers))
	}
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestLoadWritesThePlanThroughTheServices(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	start := time.Now()
	sum, err := Load(ctx, a, Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded in %s", time.Since(start).Round(time.Millisecond))
	var out strings.Builder
	sum.Print(&out)
	t.Log("\n" + out.String())
	if sum.Today != "2026-11-23" || sum.YearAgo != "2025-11-23" {
		t.Fatalf("today %s, a year ago %s", sum.Today, sum.YearAgo)
	}
	// The database counts what the plan simulates: dates went in unchanged.
	p := makePlan(7, date(2026, 11, 23), testGeo(t), DefaultOrgs)
	c0, t0 := simulate(p, p.YearAgo)
	c1, t1 := simulate(p, p.Today)
	if sum.Before.OrgCovered != c0 || sum.Before.Total != t0 || sum.Now.OrgCovered != c1 || sum.Now.Total != t1 {
		t.Errorf("coverage %d/%d → %d/%d, plan says %d/%d → %d/%d", sum.Before.OrgCovered, sum.Before.Total,
			sum.Now.OrgCovered, sum.Now.Total, c0, t0, c1, t1)
	}
	if sum.Now.OrgRate < sum.Before.OrgRate+0.2 || sum.Now.WorkRate <= sum.Now.OrgRate {
		t.Errorf("coverage %.3f → %.3f, work %.3f", sum.Before.OrgRate, sum.Now.OrgRate, sum.Now.WorkRate)
	}
	if len(sum.Trend) != 12 || sum.Trend[11].AsOf != sum.Today || sum.Trend[11].OrgRate <= sum.Trend[0].OrgRate {
		t.Errorf("trend %+v", sum.Trend)
	}
	if sum.Overdue != 2 || sum.DueSoon < 2 || sum.Dissolved != 1 || sum.Closed != 7 {
		t.Errorf("overdue %d, due %d, dissolved %d, closed %d", sum.Overdue, sum.DueSoon, sum.Dissolved, sum.Closed)
	}
	// Every write went through the services and left an audit entry.
	var n int
	if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE username = 'demo'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := sum.Organizations + sum.PartyOrgs + sum.Instructors + sum.Assignments + sum.Visits; n < want {
		t.Errorf("%d audit entries by demo, want at least %d", n, want)
	}
	// The roster, the pipeline and a closed assessment round with two pairs make the
	// organizational-life and assessment screens alive.
	var members, masked, closedRounds, rated, levels, pairs, candidates int
	for _, q := range []struct {
		sql string
		n   *int
	}{
		{`SELECT COUNT(*) FROM members`, &members},
		{`SELECT COUNT(*) FROM members WHERE id_number_mask LIKE '430426%' AND id_number_enc NOT LIKE '430426%'`, &masked},
		{`SELECT COUNT(*) FROM assess_rounds WHERE status = 'closed'`, &closedRounds},
		{`SELECT COUNT(*) FROM assess_results WHERE stars IS NOT NULL`, &rated},
		{`SELECT COUNT(DISTINCT stars) FROM assess_results`, &levels},
		{`SELECT COUNT(*) FROM assess_pairs`, &pairs},
		{`SELECT COUNT(*) FROM dev_people WHERE stage = 'candidate'`, &candidates},
	} {
		if err := a.DB.QueryRowContext(ctx, q.sql).Scan(q.n); err != nil {
			t.Fatal(err)
		}
	}
	if members < 100 || masked != members || closedRounds != 1 || rated < 50 || levels < 4 || pairs != 2 || candidates < 20 {
		t.Errorf("members %d (masked %d), closed rounds %d, rated %d over %d star levels, pairs %d, 发展对象 %d",
			members, masked, closedRounds, rated, levels, pairs, candidates)
	}
	// A second load is refused, in Chinese.
	if _, err := Load(ctx, a, Options{Seed: 7}); !apperr.IsKind(err, apperr.KindConflict) || !strings.Contains(err.Error(), "空台账") {
		t.Fatalf("second load: %v", err)
	}
}

func TestLoadIsDeterministic(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads twice (too slow under the race detector, which the other demo test covers)")
	}
	ctx := context.Background()
	a, b := newApp(t), newApp(t)
	for _, x := range []*app.App{a, b} {
		if _, err := Load(ctx, x, Options{Seed: 42}); err != nil {
			t.Fatal(err)
		}
	}
	la, lb := ledger(t, a), ledger(t, b)
	if la != lb {
		t.Fatal("the same seed on the same day gave two different ledgers")
	}
	if !strings.Contains(la, "洪桥商圈党委") || !strings.Contains(la, "金融大厦楼宇党支部") || !strings.Contains(la, "快递物流行业党总支") {
		t.Errorf("the 1+7+N network is incomplete:\n%.2000s", la)
	}
}
