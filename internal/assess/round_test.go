package assess_test

import (
	"context"
	"fmt"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/assess"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

type env struct {
	t   *testing.T
	e   *testenv.Env
	ctx context.Context
	svc *assess.Service
	n   int
}

func setup(t *testing.T) *env {
	e := testenv.New(t)
	ctx := actor.With(context.Background(), actor.Actor{Username: "d", Role: "district", Scope: testenv.Jurisdiction})
	return &env{t: t, e: e, ctx: ctx, svc: e.App.Assess}
}

// branch creates a 党支部 in region covering a fresh unit with 5 full members.
func (v *env) branch(region string) partyorg.PartyOrg {
	v.t.Helper()
	v.n++
	name, cat, five := fmt.Sprintf("个体户%d", v.n), "individual_business", 5
	o, err := v.e.App.Orgs.Create(v.ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
	if err != nil {
		v.t.Fatal(err)
	}
	p, err := v.e.App.Party.Create(v.ctx, partyorg.Input{Name: fmt.Sprintf("第%d党支部", v.n), Kind: "branch", Formation: "single",
		EstablishedOn: "2020-01-01", Covers: []int64{o.ID}})
	if err != nil {
		v.t.Fatal(err)
	}
	return p
}

// sheet creates a sheet of two manual indicators (60 + 40) and one veto capping at 二星.
func (v *env) sheet(extra ...assess.IndicatorInput) assess.Sheet {
	v.t.Helper()
	inds := []assess.IndicatorInput{{Area: "组织建设", Name: "班子建设", MaxPoints: 6000}, {Area: "作用发挥", Name: "服务群众", MaxPoints: 4000}}
	if len(extra) > 0 {
		inds = []assess.IndicatorInput{{Area: "组织建设", Name: "班子建设", MaxPoints: 6000}}
		inds = append(inds, extra...)
	}
	sh, err := v.svc.CreateSheet(v.ctx, assess.SheetInput{Name: "星级党支部评定", Year: 2025, RegionCode: testenv.Jurisdiction,
		Indicators: inds, Vetoes: []assess.VetoInput{{Name: "发生重大安全事故", CapStars: 2}}})
	if err != nil {
		v.t.Fatal(err)
	}
	return sh
}

func (v *env) round(sh assess.Sheet, region string) assess.Round {
	v.t.Helper()
	r, err := v.svc.CreateRound(v.ctx, assess.RoundInput{SheetID: sh.ID, Name: "2025年度星级评定", RegionCode: region, From: "2025-01-01", To: "2025-12-31"})
	if err != nil {
		v.t.Fatal(err)
	}
	return r
}

func (v *env) score(r assess.Round, sh assess.Sheet, po int64, a, b string) {
	v.t.Helper()
	pa, err := assess.ParsePoints(a)
	if err != nil {
		v.t.Fatal(err)
	}
	in := assess.OrgScoresInput{Scores: []assess.ScoreInput{{IndicatorID: sh.Indicators[0].ID, Points: &pa, Note: "查阅台账"}}}
	if b != "" {
		pb, err := assess.ParsePoints(b)
		if err != nil {
			v.t.Fatal(err)
		}
		in.Scores = append(in.Scores, assess.ScoreInput{IndicatorID: sh.Indicators[1].ID, Points: &pb})
	}
	if _, err := v.svc.SaveOrgScores(v.ctx, r.ID, po, in); err != nil {
		v.t.Fatal(err)
	}
}

func pts(s string) assess.Points {
	p, err := assess.ParsePoints(s)
	if err != nil {
		panic(err)
	}
	return p
}

// Star thresholds at their boundary scores, and the veto cap.
func TestStarsAtBoundaries(t *testing.T) {
	th := assess.DefaultThresholds()
	for _, c := range []struct {
		total string
		want  int
	}{{"100", 5}, {"90.01", 5}, {"90", 5}, {"89.99", 4}, {"80", 4}, {"79.99", 3}, {"70", 3}, {"69.99", 2}, {"60", 2}, {"59.99", 1}, {"0", 1}} {
		if got, capped := assess.StarsOf(pts(c.total), th, 0); got != c.want || capped {
			t.Errorf("StarsOf(%s) = %d (capped %v), want %d", c.total, got, capped, c.want)
		}
	}
	// A veto capping at 三星 lowers 五星 and 四星 to 三星, leaves 三星 and below alone.
	for _, c := range []struct {
		total  string
		want   int
		capped bool
	}{{"95", 3, true}, {"80", 3, true}, {"79.99", 3, false}, {"65", 2, false}} {
		if got, capped := assess.StarsOf(pts(c.total), th, 3); got != c.want || capped != c.capped {
			t.Errorf("StarsOf(%s, cap 3) = %d %v, want %d %v", c.total, got, capped, c.want, c.capped)
		}
	}
	// Thresholds per sheet.
	custom := assess.Thresholds{Five: pts("95"), Four: pts("85"), Three: pts("75"), Two: pts("65")}
	if got, _ := assess.StarsOf(pts("94.99"), custom, 0); got != 4 {
		t.Errorf("94.99 with a 95 line: %d stars, want 4", got)
	}
}

func TestParsePoints(t *testing.T) {
	for in, want := range map[string]assess.Points{"90": 9000, "89.99": 8999, "89.9": 8990, "0.01": 1, "-1.5": -150} {
		if got, err := assess.ParsePoints(in); err != nil || got != want {
			t.Errorf("ParsePoints(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"89.999", "", "abc", "1.x", ".5"} {
		if _, err := assess.ParsePoints(in); err == nil {
			t.Errorf("ParsePoints(%q) accepted", in)
		}
	}
	if s := assess.Points(8999).String(); s != "89.99" {
		t.Errorf("String = %s", s)
	}
}

// Tied totals share a rank and the next rank skips (1, 1, 3).
func TestRankTies(t *testing.T) {
	rs := []assess.Result{{PartyOrgID: 1, Total: 8000}, {PartyOrgID: 2, Total: 9000}, {PartyOrgID: 3, Total: 9000}, {PartyOrgID: 4, Total: 7000}}
	assess.Rank(rs)
	got := ""
	for _, r := range rs {
		got += fmt.Sprintf("%d:%d ", r.PartyOrgID, r.Rank)
	}
	if got != "2:1 3:1 1:3 4:4 " {
		t.Errorf("ranks %s", got)
	}
	d := assess.Distribute([]assess.Result{{Stars: 5}, {Stars: 5}, {Stars: 4}, {Stars: 3}})
	if d.Summary != "五星级党支部2个、四星级1个、三星级1个" || d.Five != 2 || d.One != 0 {
		t.Errorf("distribution %+v", d)
	}
}

func TestSheetRules(t *testing.T) {
	v := setup(t)
	_, err := v.svc.CreateSheet(v.ctx, assess.SheetInput{Name: "x", Year: 2025, Indicators: []assess.IndicatorInput{{Area: "a", Name: "b", MaxPoints: pts("99.99")}}})
	if e, ok := apperr.As(err); !ok || e.Fields["indicators"] == "" {
		t.Fatalf("99.99 points in all accepted: %v", err)
	}
	_, err = v.svc.CreateSheet(v.ctx, assess.SheetInput{Name: "x", Year: 2025, Thresholds: &assess.Thresholds{Five: 9000, Four: 9000, Three: 7000, Two: 6000},
		Indicators: []assess.IndicatorInput{{Area: "a", Name: "b", MaxPoints: 10000}}})
	if e, ok := apperr.As(err); !ok || e.Fields["thresholds"] == "" {
		t.Fatalf("equal thresholds accepted: %v", err)
	}
	sh := v.sheet()
	if sh.Version != 1 || sh.Thresholds != assess.DefaultThresholds() || sh.TotalMax != 10000 {
		t.Fatalf("sheet %+v", sh)
	}
	// Editable until a round uses it; then immutable, and a copy is the next version.
	in := assess.SheetInput{Name: sh.Name, Year: 2025, RegionCode: testenv.Jurisdiction, Indicators: []assess.IndicatorInput{{Area: "a", Name: "b", MaxPoints: 10000}}}
	if _, err := v.svc.UpdateSheet(v.ctx, sh.ID, in); err != nil {
		t.Fatal(err)
	}
	sh = v.sheet()
	v.branch(testenv.Hongqiao)
	v.round(sh, testenv.Hongqiao)
	if _, err := v.svc.UpdateSheet(v.ctx, sh.ID, in); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("used sheet updated: %v", err)
	}
	cp, err := v.svc.CopySheet(v.ctx, sh.ID, assess.CopyInput{Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if cp.Used || cp.Version != 3 || cp.CopiedFrom == nil || *cp.CopiedFrom != sh.ID || cp.Year != 2026 || len(cp.Indicators) != 2 || len(cp.Vetoes) != 1 {
		t.Fatalf("copy %+v", cp)
	}
	if _, err := v.svc.UpdateSheet(v.ctx, cp.ID, in); err != nil {
		t.Fatalf("copy not editable: %v", err)
	}
}

// A full round: scoring, ties, veto capping, distribution, closing refused
// while scores are missing, frozen when closed, reopening audited.
func TestRoundLifecycle(t *testing.T) {
	v := setup(t)
	sh := v.sheet()
	a, b, c, d := v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao)
	out := v.branch(testenv.Yuhe)
	r := v.round(sh, testenv.Hongqiao)
	if r.PartyOrgs != 4 {
		t.Fatalf("round rates %d party orgs, want 4 (玉合 excluded)", r.PartyOrgs)
	}
	if _, err := v.svc.OrgScores(v.ctx, r.ID, out.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("party org outside the round: %v", err)
	}
	v.score(r, sh, a.ID, "55", "35")    // 90 → 五星
	v.score(r, sh, b.ID, "54.99", "35") // 89.99 → 四星
	v.score(r, sh, c.ID, "55", "35")    // 90, but a veto → 二星
	v.score(r, sh, d.ID, "50", "")      // incomplete
	if _, err := v.svc.SaveOrgScores(v.ctx, r.ID, c.ID, assess.OrgScoresInput{Vetoes: []assess.VetoHitInput{{VetoID: sh.Vetoes[0].ID, Hit: true, Note: "2025年6月发生安全事故"}}}); err != nil {
		t.Fatal(err)
	}
	over := pts("60.01")
	_, err := v.svc.SaveOrgScores(v.ctx, r.ID, a.ID, assess.OrgScoresInput{Scores: []assess.ScoreInput{{IndicatorID: sh.Indicators[0].ID, Points: &over}}})
	if e, ok := apperr.As(err); !ok || e.Fields["scores[0].points"] == "" {
		t.Fatalf("60.01 of 60 accepted: %v", err)
	}
	if _, err := v.svc.CloseRound(v.ctx, r.ID); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("closed with a missing score: %v", err)
	}
	v.score(r, sh, d.ID, "50", "20") // 70 → 三星
	view, err := v.svc.CloseRound(v.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]assess.Result{}
	for _, res := range view.Results {
		got[res.PartyOrgID] = res
	}
	check := func(id int64, total string, stars, rank int, capped bool) {
		t.Helper()
		g := got[id]
		if g.Total != pts(total) || g.Stars != stars || g.Rank != rank || g.Capped != capped {
			t.Errorf("party org %d: %s %d星 rank %d capped %v; want %s %d %d %v", id, g.Total, g.Stars, g.Rank, g.Capped, total, stars, rank, capped)
		}
	}
	check(a.ID, "90", 5, 1, false)
	check(c.ID, "90", 2, 1, true)
	check(b.ID, "89.99", 4, 3, false)
	check(d.ID, "70", 3, 4, false)
	if view.Status != assess.StatusClosed || view.Distribution.Summary != "五星级党支部1个、四星级1个、三星级1个、二星级1个" {
		t.Errorf("view %s %+v", view.Status, view.Distribution)
	}

	// Frozen: every write is refused with the message, results stay.
	ninety := pts("60")
	_, err = v.svc.SaveOrgScores(v.ctx, r.ID, b.ID, assess.OrgScoresInput{Scores: []assess.ScoreInput{{IndicatorID: sh.Indicators[0].ID, Points: &ninety}}})
	if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindConflict || e.Message == "" {
		t.Fatalf("score on a closed round: %v", err)
	}
	if _, err := v.svc.Prefill(v.ctx, r.ID); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("prefill on a closed round: %v", err)
	}
	if _, err := v.svc.CloseRound(v.ctx, r.ID); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("closed twice: %v", err)
	}
	// A street user cannot reopen the district's round, nor without a reason.
	street := actor.With(context.Background(), actor.Actor{Username: "s", Role: "street", Scope: testenv.Hongqiao})
	if _, err := v.svc.ReopenRound(v.ctx, r.ID, " "); err == nil {
		t.Fatal("reopened without a reason")
	}
	// The round over 洪桥 is the street's own: it may reopen it.
	if _, err := v.svc.ReopenRound(actor.With(context.Background(), actor.Actor{Username: "y", Role: "street", Scope: testenv.Yuhe}), r.ID, "更正"); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("玉合 user reopened 洪桥's round: %v", err)
	}
	re, err := v.svc.ReopenRound(street, r.ID, "班子建设评分有误，需更正")
	if err != nil {
		t.Fatal(err)
	}
	if re.Status != assess.StatusOpen {
		t.Fatalf("reopened status %s", re.Status)
	}
	v.score(r, sh, b.ID, "55", "35")
	view, err = v.svc.RoundResults(v.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range view.Results {
		if res.PartyOrgID == b.ID && (res.Total != 9000 || res.Stars != 5 || res.Rank != 1) {
			t.Errorf("after reopening and correcting: %+v", res)
		}
	}
	var n int
	if err := v.e.App.DB.QueryRow(v.ctx, v.e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'assess_round_reopen' AND detail LIKE ?`, "%班子建设评分有误%").Scan(&n); err != nil || n != 1 {
		t.Errorf("reopen audit rows %d %v", n, err)
	}
}
