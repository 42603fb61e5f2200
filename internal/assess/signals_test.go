package assess_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/assess"
	"liangxin/internal/develop"
	"liangxin/internal/meeting"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
)

// signalsOf returns the signal codes (with their evidence) of one party organization.
func (v *env) signalsOf(asOf string, po int64) map[string]string {
	v.t.Helper()
	rep, err := v.svc.Signals(v.ctx, assess.SignalFilter{AsOf: asOf, All: true})
	if err != nil {
		v.t.Fatal(err)
	}
	for _, r := range rep.Items {
		if r.PartyOrgID == po {
			out := map[string]string{}
			for _, s := range r.Signals {
				out[s.Code] = s.Evidence
			}
			return out
		}
	}
	v.t.Fatalf("party organization %d not in the signal list of %s", po, asOf)
	return nil
}

// secretary seats a 书记 from a day, ending the post on `to` when given.
func (v *env) secretary(po int64, from, to string) {
	v.t.Helper()
	m, err := v.e.App.Meet.AddCommitteeMember(v.ctx, po, meeting.CommitteeMemberInput{Role: meeting.RoleSecretary, Name: fmt.Sprintf("书记%d", v.n), From: from})
	if err != nil {
		v.t.Fatal(err)
	}
	if to != "" {
		if _, err := v.e.App.Meet.UpdateCommitteeMember(v.ctx, m.ID, meeting.CommitteeMemberPatch{To: &to}); err != nil {
			v.t.Fatal(err)
		}
	}
}

// candidate walks a new applicant of po to step ⑦ (发展对象) decided on `decided`.
func (v *env) candidate(po int64, applied, decided string) {
	v.t.Helper()
	v.n++
	first := fmt.Sprintf("430426199%d0101%03d", v.n%10, v.n)
	p, err := v.e.App.Develop.Apply(v.ctx, develop.PersonInput{PartyOrgID: po, Name: fmt.Sprintf("积极分子%d", v.n), IDNumber: first + string(pdata.CheckChar(first)), AppliedOn: applied})
	if err != nil {
		v.t.Fatal(err)
	}
	steps := []develop.StepInput{{Step: 2, DoneOn: applied}, {Step: 3, DoneOn: applied}, {Step: 4, DoneOn: applied}, {Step: 5, DoneOn: applied, People: "张明"}}
	// ⑥ every half year from ③ up to the decision (the rule of step ⑦).
	start, _ := time.Parse("2006-01-02", applied)
	for d := start; d.Format("2006-01-02") <= decided; d = d.AddDate(0, 6, 0) {
		steps = append(steps, develop.StepInput{Step: 6, DoneOn: d.Format("2006-01-02")})
	}
	for _, s := range append(steps, develop.StepInput{Step: 7, DoneOn: decided}) {
		if _, err := v.e.App.Develop.RecordStep(v.ctx, p.ID, s); err != nil {
			v.t.Fatalf("step %d: %v", s.Step, err)
		}
	}
}

// The secretary signal is raised from the day after the vacancy passes 3 months.
func TestSignalSecretaryVacantOverThreeMonths(t *testing.T) {
	v := setup(t)
	vacant, seated := v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao)
	v.secretary(vacant.ID, "2020-01-01", "2026-03-01")
	v.secretary(seated.ID, "2020-01-01", "")
	if s := v.signalsOf("2026-06-01", vacant.ID); s[assess.SignalSecretaryVacant] != "" {
		t.Fatalf("exactly 3 months vacant: flagged (%v)", s)
	}
	s := v.signalsOf("2026-06-02", vacant.ID)
	if !strings.Contains(s[assess.SignalSecretaryVacant], "书记自 2026-03-01 起空缺") {
		t.Fatalf("3 months and a day: %v", s)
	}
	if s := v.signalsOf("2026-06-02", seated.ID); s[assess.SignalSecretaryVacant] != "" {
		t.Fatalf("a seated secretary flagged: %v", s)
	}
}

// Meetings below the compliance line raise the signal with the rate as evidence.
func TestSignalMeetingsNotHeld(t *testing.T) {
	v := setup(t)
	idle, busy := v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao)
	for _, k := range meeting.Kinds() {
		for _, day := range []string{"2026-04-10", "2026-05-10", "2026-06-10"} {
			in := meeting.Input{PartyOrgID: busy.ID, Kind: k.Code, Date: day, Topic: "学习", Presenter: "书记"}
			if _, err := v.e.App.Meet.Create(v.ctx, in); err != nil {
				t.Fatal(err)
			}
		}
	}
	rep, err := v.svc.Signals(v.ctx, assess.SignalFilter{From: "2026-04-01", To: "2026-06-30", AsOf: "2026-07-01", All: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, r := range rep.Items {
		for _, s := range r.Signals {
			if s.Code == assess.SignalMeetingsLow {
				got[r.PartyOrgID] = s.Evidence
			}
		}
	}
	if !strings.Contains(got[idle.ID], "组织生活完成率 0.00%，低于 80.00%") {
		t.Fatalf("a branch with no meetings: %q", got[idle.ID])
	}
	if ev, ok := got[busy.ID]; ok {
		t.Fatalf("a branch that held every meeting flagged: %q", ev)
	}
}

// No 发展对象 for 2 years: the anniversary day counts as 2 years; a branch
// without any record counts from its founding.
func TestSignalNoDevelopmentForTwoYears(t *testing.T) {
	v := setup(t)
	none, old, recent := v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao)
	v.candidate(old.ID, "2022-01-10", "2024-06-02")
	v.candidate(recent.ID, "2022-01-10", "2024-06-03")
	if ev := v.signalsOf("2026-06-02", none.ID)[assess.SignalNoDevelopment]; !strings.Contains(ev, "2020-01-01 成立以来没有") {
		t.Fatalf("never developed: %q", ev)
	}
	if ev := v.signalsOf("2026-06-02", old.ID)[assess.SignalNoDevelopment]; !strings.Contains(ev, "2024-06-02") {
		t.Fatalf("2 years to the day: %q", ev)
	}
	if ev, ok := v.signalsOf("2026-06-02", recent.ID)[assess.SignalNoDevelopment]; ok {
		t.Fatalf("a day short of 2 years flagged: %q", ev)
	}
}

// The last place of the latest closed round and low satisfaction are signals; the others are not.
func TestSignalLastPlaceAndSatisfaction(t *testing.T) {
	v := setup(t)
	top, last := v.branch(testenv.Yuhe), v.branch(testenv.Yuhe)
	sh := v.sheet()
	r := v.round(sh, testenv.Yuhe)
	v.score(r, sh, top.ID, "58", "38")
	v.score(r, sh, last.ID, "30", "20")
	low := pts("55")
	if _, err := v.svc.SaveOrgScores(v.ctx, r.ID, last.ID, assess.OrgScoresInput{Satisfaction: &low}); err != nil {
		t.Fatal(err)
	}
	// Open rounds do not count.
	if s := v.signalsOf("2026-06-01", last.ID); len(s) > 0 && s[assess.SignalLastPlace] != "" {
		t.Fatalf("an open round raised last place: %v", s)
	}
	if _, err := v.svc.CloseRound(v.ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	s := v.signalsOf("2026-06-01", last.ID)
	if !strings.Contains(s[assess.SignalLastPlace], "排名第 2（共 2 个，末位）") || !strings.Contains(s[assess.SignalLowSatisfaction], "55") {
		t.Fatalf("last place: %v", s)
	}
	if s := v.signalsOf("2026-06-01", top.ID); s[assess.SignalLastPlace] != "" || s[assess.SignalLowSatisfaction] != "" {
		t.Fatalf("the first place flagged: %v", s)
	}
}

// Rectification: designate, record progress and completion; the signal row
// shows the designation while it is unfinished; another street sees nothing.
func TestRectificationRecord(t *testing.T) {
	v := setup(t)
	po := v.branch(testenv.Hongqiao)
	bad := assess.RectificationInput{PartyOrgID: po.ID, DesignatedOn: "2026-03-01", Reasons: "书记空缺超过3个月", Deadline: "2026-02-01"}
	if _, err := v.svc.Designate(v.ctx, bad); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Fatalf("deadline before designation: %v", err)
	}
	bad.Deadline = "2026-09-30"
	c, err := v.svc.Designate(v.ctx, bad)
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := v.svc.Signals(v.ctx, assess.SignalFilter{AsOf: "2026-06-01", All: true})
	for _, r := range rep.Items {
		if r.PartyOrgID == po.ID && !r.Designated {
			t.Fatal("an unfinished rectification not shown on the signal row")
		}
	}
	measures, who, done := "选派第一书记，每月开展主题党日", "王建国", "2026-08-15"
	if c, err = v.svc.UpdateRectification(v.ctx, c.ID, assess.RectificationPatch{Measures: &measures, Responsible: &who}); err != nil || c.DoneOn != nil {
		t.Fatalf("progress: %+v %v", c, err)
	}
	if c, err = v.svc.UpdateRectification(v.ctx, c.ID, assess.RectificationPatch{DoneOn: &done}); err != nil || c.DoneOn == nil || *c.DoneOn != done || c.Overdue {
		t.Fatalf("done: %+v %v", c, err)
	}
	yuhe := actor.With(context.Background(), actor.Actor{Username: "yh", Role: "street", Scope: testenv.Yuhe})
	if list, err := v.svc.ListRectifications(yuhe, assess.RectificationFilter{}); err != nil || len(list) != 0 {
		t.Fatalf("another street lists %d rectifications (%v)", len(list), err)
	}
	if _, err := v.svc.UpdateRectification(yuhe, c.ID, assess.RectificationPatch{Measures: &measures}); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("another street updates: %v", err)
	}
}

// "1+1" pairs: a model helps another; activities are recorded inside the
// period; the helped one's compliance before and since is shown.
func TestPairWithActivitiesAndBeforeAfter(t *testing.T) {
	v := setup(t)
	model, helped := v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao)
	if _, err := v.svc.CreatePair(v.ctx, assess.PairInput{ModelID: model.ID, HelpedID: model.ID, From: "2026-01-01", To: "2026-12-31", Goals: "x"}); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Fatalf("a pair with itself: %v", err)
	}
	p, err := v.svc.CreatePair(v.ctx, assess.PairInput{ModelID: model.ID, HelpedID: helped.ID, From: "2026-01-01", To: "2026-12-31", Goals: "一年内规范三会一课"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.svc.AddActivity(v.ctx, p.ID, assess.ActivityInput{HeldOn: "2027-01-05", Content: "期满以后"}); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Fatalf("an activity after the period: %v", err)
	}
	if p, err = v.svc.AddActivity(v.ctx, p.ID, assess.ActivityInput{HeldOn: "2026-03-15", Content: "联合开展主题党日"}); err != nil || len(p.Activities) != 1 {
		t.Fatalf("activity: %+v %v", p.Activities, err)
	}
	if p.Before.From == "" || p.After.From != "2026-01-01" || p.Before.To >= p.After.From {
		t.Fatalf("before/after periods: %+v / %+v", p.Before, p.After)
	}
	yuhe := actor.With(context.Background(), actor.Actor{Username: "yh", Role: "street", Scope: testenv.Yuhe})
	if _, err := v.svc.GetPair(yuhe, p.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("another street reads the pair: %v", err)
	}
}

// Honours: recommended, then awarded or not; counted per year by kind.
func TestHonoursCountedPerYear(t *testing.T) {
	v := setup(t)
	a, b := v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao)
	rec := func(po int64, year int) assess.Honour {
		h, err := v.svc.Recommend(v.ctx, assess.HonourInput{Subject: assess.SubjectPartyOrg, PartyOrgID: po, Kind: assess.HonourAdvancedOrg, Level: "county", Year: year, RecommendedOn: fmt.Sprintf("%d-06-01", year)})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	h1, h2, h3 := rec(a.ID, 2025), rec(b.ID, 2025), rec(a.ID, 2026)
	if _, err := v.svc.Recommend(v.ctx, assess.HonourInput{Subject: assess.SubjectPartyOrg, PartyOrgID: a.ID, Kind: assess.HonourAdvancedOrg, Level: "galaxy", Year: 2025, RecommendedOn: "2025-06-01"}); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Fatalf("an unknown level: %v", err)
	}
	for _, c := range []struct {
		h      assess.Honour
		status string
	}{{h1, "awarded"}, {h2, "rejected"}, {h3, "awarded"}} {
		if _, err := v.svc.Decide(v.ctx, c.h.ID, assess.HonourDecision{Status: c.status, DecidedOn: fmt.Sprintf("%d-07-01", c.h.Year)}); err != nil {
			t.Fatal(err)
		}
	}
	stats, err := v.svc.HonourStats(v.ctx)
	if err != nil {
		t.Fatal(err)
	}
	byYear := map[int]assess.HonourYear{}
	for _, y := range stats {
		byYear[y.Year] = y
	}
	if byYear[2025].AwardedAll != 1 || byYear[2025].Awarded[assess.HonourAdvancedOrg] != 1 || byYear[2026].AwardedAll != 1 {
		t.Fatalf("stats: %+v", stats)
	}
}

// A pair whose "before" window lies before the helped branch existed has
// nothing due there: no rate ("—"), not 100.00%; the "after" window of a
// branch that held nothing is 0.00%.
func TestPairBeforeWithNothingDueHasNoRate(t *testing.T) {
	v := setup(t)
	model, helped := v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao) // both founded 2020-01-01
	p, err := v.svc.CreatePair(v.ctx, assess.PairInput{ModelID: model.ID, HelpedID: helped.ID, From: "2020-01-01", To: "2020-12-31", Goals: "规范三会一课"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Before.Compliance != nil || p.Before.Note == "" {
		t.Errorf("before (2019, branch not founded): compliance %v note %q, want none with a note", deref(p.Before.Compliance), p.Before.Note)
	}
	if p.After.Compliance == nil || *p.After.Compliance != "0.00%" {
		t.Errorf("after (2020, nothing held): %v, want 0.00%%", deref(p.After.Compliance))
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// A 党总支 that held its own 总支委员会 every month is not flagged for the
// 支部党员大会 and 党小组会 it is not asked for: the signal uses the same
// compliance as the meetings page.
func TestSignalMeetingsPerPartyOrgKind(t *testing.T) {
	v := setup(t)
	gb, err := v.e.App.Party.Create(v.ctx, partyorg.Input{Name: "某公司党总支", Kind: "general_branch", Formation: "regional", RegionCode: testenv.Hongqiao, EstablishedOn: "2020-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{"2026-04-10", "2026-05-10", "2026-06-10"} {
		if _, err := v.e.App.Meet.Create(v.ctx, meeting.Input{PartyOrgID: gb.ID, Kind: meeting.KindGeneralCommittee, Date: day, Topic: "研究工作"}); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := v.svc.Signals(v.ctx, assess.SignalFilter{From: "2026-04-01", To: "2026-06-30", AsOf: "2026-07-01", All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Items {
		if r.PartyOrgID != gb.ID {
			continue
		}
		for _, s := range r.Signals {
			if s.Code == assess.SignalMeetingsLow {
				t.Fatalf("a 党总支 that held its committee each month flagged: %q", s.Evidence)
			}
		}
		return
	}
	t.Fatal("the 党总支 is not in the signal list")
}
