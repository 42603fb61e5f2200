package cli_test

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/apperr"
	"liangxin/internal/config"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/racetest"
	"liangxin/internal/store/storetest"
)

// openApp opens the target's database the way the commands do.
func openApp(t *testing.T, tg target) *app.App {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir, cfg.DB = tg.data, tg.db
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestDemoLoadsAJurisdictionOnce(t *testing.T) {
	if racetest.Enabled {
		// The whole demo through the command takes minutes under the race
		// detector; internal/demo's TestDemo loads it under race already.
		t.Skip("the demo load runs under the race detector in internal/demo")
	}
	// The command's wiring (passwords printed, jurisdiction, refusal of a
	// second run, the street user's scope) does not depend on the database;
	// on PostgreSQL internal/demo's TestDemo loads the demo and checks the
	// counts its writers kept against a rebuild (what coverage-rebuild does
	// here), so CI's PostgreSQL run spares this third whole load.
	storetest.SQLiteOnlyInCI(t, "the demo command's wiring runs in the SQLite run; internal/demo loads the demo on PostgreSQL")
	tg := newTarget(t)
	start := time.Now()
	code, out, errOut := tg.run(t, "demo", "--seed", "3")
	if code != 0 {
		t.Fatalf("demo: %d\n%s\n%s", code, out, errOut)
	}
	t.Logf("demo took %s\n%s", time.Since(start).Round(time.Millisecond), out)
	if !passwordRE.MatchString(out) || !strings.Contains(out, "430426 湖南省/衡阳市/祁东县") {
		t.Fatalf("no jurisdiction or admin password printed:\n%s", out)
	}
	for _, u := range []string{"district", "hongqiao", "yuhe", "instructor1"} {
		if !regexp.MustCompile(`(?m)^\s+` + u + `\s.*初始密码： \S{16}$`).MatchString(out) {
			t.Errorf("no one-time password printed for %s", u)
		}
	}

	// The coverage counts the demo's writes kept in step equal a rebuild.
	if code, out, errOut := tg.run(t, "coverage-rebuild"); code != 0 || !strings.Contains(out, "与重算结果一致") {
		t.Fatalf("coverage-rebuild: %d\n%s\n%s", code, out, errOut)
	}

	a := openApp(t, tg)
	ctx := context.Background()
	sys := actor.System(ctx, "test")

	// Organizations, party organizations, instructors.
	_, orgs, err := a.Orgs.List(sys, org.Filter{PageSize: 1})
	if err != nil || orgs.N < 250 {
		t.Fatalf("%s organizations (%v)", orgs, err)
	}
	parties, total, err := a.Party.List(sys, partyorg.Filter{PageSize: 500})
	if err != nil || total.N < 40 {
		t.Fatalf("%s party organizations (%v)", total, err)
	}
	formations := map[string]int{}
	for _, p := range parties {
		formations[p.Formation]++
	}
	if formations["single"] < 20 || formations["joint"] < 3 || formations["regional"] < 5 || formations["industry"] < 1 {
		t.Errorf("formations %v", formations)
	}
	tree, err := a.Party.Tree(sys)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree) != 1 || tree[0].Kind != partyorg.KindCommittee || len(tree[0].Children) < 5 {
		t.Fatalf("want one committee at the root with its network beneath, got %d roots", len(tree))
	}
	depth := 0
	var walk func(n partyorg.TreeNode, d int)
	walk = func(n partyorg.TreeNode, d int) {
		depth = max(depth, d)
		for _, c := range n.Children {
			walk(c, d+1)
		}
	}
	walk(tree[0], 0)
	if depth < 3 { // 县综合党委 → 街道综合党委 → 商圈党委 → 支部
		t.Errorf("party tree only %d levels deep", depth)
	}
	if _, dissolved, _ := a.Party.List(sys, partyorg.Filter{Status: "dissolved", PageSize: 1}); dissolved.N < 1 {
		t.Error("no dissolved branch")
	}
	renewals, err := a.Party.Renewals(sys, partyorg.RenewalNoticeDays)
	if err != nil {
		t.Fatal(err)
	}
	overdue := 0
	for _, r := range renewals {
		if r.Overdue {
			overdue++
		}
	}
	if overdue < 1 || len(renewals) <= overdue {
		t.Errorf("renewals: %d, of which %d overdue", len(renewals), overdue)
	}
	instructors, n, err := a.Instr.List(sys, "", 1, 500)
	if err != nil || n.N < 10 {
		t.Fatalf("%s instructors (%v)", n, err)
	}
	assignments, visits := 0, 0
	for _, in := range instructors {
		assignments += len(in.Assignments)
		vs, err := a.Instr.Visits(sys, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		visits += len(vs)
	}
	if assignments < 20 || visits < 20 {
		t.Errorf("%d assignments, %d visits", assignments, visits)
	}

	// Coverage rises over the year.
	cst := time.FixedZone("CST", 8*3600)
	yearAgo := a.Now().In(cst).AddDate(-1, 0, 0).Format("2006-01-02")
	before, err := a.Cover.Coverage(sys, "430426", yearAgo)
	if err != nil {
		t.Fatal(err)
	}
	now, err := a.Cover.Coverage(sys, "430426", "")
	if err != nil {
		t.Fatal(err)
	}
	if now.OrgRate <= before.OrgRate+0.15 || now.WorkRate < now.OrgRate {
		t.Errorf("coverage %.1f%% a year ago, %.1f%% today (work %.1f%%)", 100*before.OrgRate, 100*now.OrgRate, 100*now.WorkRate)
	}
	trend, err := a.Cover.Trend(sys, "430426", "", 12)
	if err != nil || len(trend) != 12 || trend[11].OrgRate <= trend[0].OrgRate {
		t.Errorf("trend does not rise: %v", err)
	}

	// The demo users exist with their scopes and must change their passwords.
	u, err := a.Auth.UserByUsername(sys, "hongqiao")
	if err != nil || u.Role != "street" || u.Scope != "430426001" || !u.MustChangePassword {
		t.Fatalf("hongqiao: %+v %v", u, err)
	}

	// A street user sees its own street only.
	street := actor.With(ctx, actor.Actor{Username: "hongqiao", Role: "street", Scope: "430426001"})
	mine, seen, err := a.Orgs.List(street, org.Filter{PageSize: 500})
	if err != nil || seen.N == 0 || seen.Capped || seen.N >= orgs.N {
		t.Fatalf("street sees %s of %s organizations (%v)", seen, orgs, err)
	}
	for _, o := range mine {
		if !strings.HasPrefix(o.RegionCode, "430426001") {
			t.Errorf("street user sees %s in %s", o.Name, o.RegionCode)
		}
	}
	yuhe, _, err := a.Orgs.List(sys, org.Filter{RegionCode: "430426002", PageSize: 1})
	if err != nil || len(yuhe) == 0 {
		t.Fatalf("no organization in 玉合街道 (%v)", err)
	}
	if _, err := a.Orgs.Get(street, yuhe[0].ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("street user reads another street's organization: %v", err)
	}
	ps, _, err := a.Party.List(street, partyorg.Filter{PageSize: 500})
	if err != nil || len(ps) == 0 {
		t.Fatalf("street sees no party organization (%v)", err)
	}
	for _, p := range ps {
		if !strings.HasPrefix(p.RegionCode, "430426001") {
			t.Errorf("street user sees party organization %s in %s", p.Name, p.RegionCode)
		}
	}
	if _, err := a.Cover.Coverage(street, "430426002", ""); err == nil {
		t.Error("street user computed another street's coverage")
	}

	// Running it again is refused and changes nothing.
	code, out, errOut = tg.run(t, "demo")
	if code == 0 || !strings.Contains(errOut, "空台账") || passwordRE.MatchString(out) {
		t.Fatalf("second demo: %d\n%s\n%s", code, out, errOut)
	}
	if _, again, _ := a.Orgs.List(sys, org.Filter{PageSize: 1}); again != orgs {
		t.Fatalf("second demo changed the ledger: %s → %s organizations", orgs, again)
	}
}

func TestDemoRefusesAnotherJurisdiction(t *testing.T) {
	tg := newTarget(t)
	if code, _, errOut := tg.run(t, "init", "--jurisdiction", "430421"); code != 0 {
		t.Fatal(errOut)
	}
	code, _, errOut := tg.run(t, "demo", "--jurisdiction", "430426")
	if code == 0 || !strings.Contains(errOut, "430421") {
		t.Fatalf("demo over another jurisdiction: %d %s", code, errOut)
	}
}

// coverage-rebuild and compliance-rebuild open the configured database,
// rebuild and report: coverage-rebuild says whether the counts the writers
// kept equal the rebuild (exit code 1, with the number of rows, when not);
// both take the configuration options only.
func TestRebuildCommands(t *testing.T) {
	tg := newTarget(t)
	if code, _, errOut := tg.run(t, "init", "--jurisdiction", "430426"); code != 0 {
		t.Fatal(errOut)
	}
	// Two organizations, counted by the writer as they are created.
	a := openApp(t, tg)
	sys := actor.System(context.Background(), "test")
	cat, day := "individual_business", "2021-05-01"
	for _, in := range []struct{ name, region string }{{"重算甲公司", "430426001"}, {"重算乙公司", "430426002"}} {
		if _, err := a.Orgs.Create(sys, org.Input{Name: &in.name, Category: &cat, RegionCode: &in.region, RegisteredOn: &day}); err != nil {
			t.Fatal(err)
		}
	}

	rebuilt := regexp.MustCompile(`^覆盖统计已按台账重算：(\d+) 行（重算前 (\d+) 行），用时 \d+\.\d 秒\n`)
	code, out, errOut := tg.run(t, "coverage-rebuild")
	m := rebuilt.FindStringSubmatch(out)
	if code != 0 || m == nil || m[1] != m[2] || m[1] == "0" || !strings.HasSuffix(out, "\n重算前逐笔维护的覆盖统计与重算结果一致\n") {
		t.Fatalf("coverage-rebuild: %d\n%s\n%s", code, out, errOut)
	}

	// One count row off by one: said, corrected, exit code 1.
	if _, err := a.DB.ExecContext(context.Background(), `UPDATE coverage_counts SET total = total + 1
		WHERE region_code = '430426001' AND grain = 'y' AND bucket = '2021' AND dim = 'm' AND key = ''`); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = tg.run(t, "coverage-rebuild")
	if code != 1 || !rebuilt.MatchString(out) || strings.Contains(out, "一致\n") || !strings.Contains(errOut, "有 1 行与重算结果不一致，现已更正") {
		t.Fatalf("coverage-rebuild after a wrong count: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut = tg.run(t, "coverage-rebuild"); code != 0 || !strings.Contains(out, "与重算结果一致") {
		t.Fatalf("coverage-rebuild after the correction: %d\n%s\n%s", code, out, errOut)
	}

	code, out, errOut = tg.run(t, "compliance-rebuild")
	if code != 0 || !regexp.MustCompile(`^三会一课落实情况数据已按台账重算，用时 \d+\.\d 秒\n$`).MatchString(out) {
		t.Fatalf("compliance-rebuild: %d\n%s\n%s", code, out, errOut)
	}

	// Their own flags: none; demo's --seed is demo's alone (a number).
	for _, cmd := range []string{"coverage-rebuild", "compliance-rebuild"} {
		if code, _, errOut := tg.run(t, cmd, "--seed", "3"); code == 0 || !strings.Contains(errOut, "flag provided but not defined: -seed") {
			t.Errorf("%s --seed: %d %s", cmd, code, errOut)
		}
	}
	if code, _, errOut := tg.run(t, "demo", "--seed", "x"); code == 0 || !strings.Contains(errOut, `invalid value "x" for flag -seed`) {
		t.Errorf("demo --seed x: %d %s", code, errOut)
	}
}
