package develop_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/develop"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

// idNumber builds a valid 身份证号 born on birth (YYYYMMDD); odd seq = male.
func idNumber(birth string, seq int) string {
	first := fmt.Sprintf("430426%s%03d", birth, seq)
	return first + string(pdata.CheckChar(first))
}

type world struct {
	e    *testenv.Env
	ctx  context.Context
	po   int64
	seq  int
	intr []int64 // two full members
	prob int64   // a probationary member
}

func newWorld(t *testing.T) *world {
	t.Helper()
	e := testenv.New(t)
	w := &world{e: e, ctx: actor.With(context.Background(), actor.Actor{Username: "hq", Role: "street", Scope: testenv.Hongqiao})}
	w.po = w.partyOrg(t, testenv.Hongqiao)
	for i, cat := range []string{"full", "full", "probationary"} {
		birth := fmt.Sprintf("19800%d15", i+1)
		m, err := e.App.Members.Create(w.ctx, member.Input{Name: []string{"张明", "李华", "王芳"}[i], Gender: "male", BirthDate: birth[:4] + "-" + birth[4:6] + "-" + birth[6:],
			IDNumber: idNumber(birth, 11+2*i), Category: cat, PartyOrgID: w.po, JoinedOn: "2010-07-01"})
		if err != nil {
			t.Fatal(err)
		}
		if cat == "full" {
			w.intr = append(w.intr, m.ID)
		} else {
			w.prob = m.ID
		}
	}
	return w
}

func (w *world) partyOrg(t *testing.T, region string) int64 {
	t.Helper()
	w.seq++
	sys := actor.System(context.Background(), "test")
	name, cat, five := fmt.Sprintf("测试企业%d", w.seq), "individual_business", 5
	o, err := w.e.App.Orgs.Create(sys, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.e.App.Party.Create(sys, partyorg.Input{Name: fmt.Sprintf("测试党支部%d", w.seq), Kind: "branch", Formation: "single", EstablishedOn: "2020-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func (w *world) apply(t *testing.T, birth, applied string) develop.Person {
	t.Helper()
	w.seq++
	p, err := w.e.App.Develop.Apply(w.ctx, develop.PersonInput{PartyOrgID: w.po, Name: fmt.Sprintf("申请人%d", w.seq),
		IDNumber: idNumber(strings.ReplaceAll(birth, "-", ""), 100+2*w.seq), AppliedOn: applied})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) step(t *testing.T, id int64, in develop.StepInput) develop.Recorded {
	t.Helper()
	r, err := w.e.App.Develop.RecordStep(w.ctx, id, in)
	if err != nil {
		t.Fatalf("step %d on %s: %v", in.Step, in.DoneOn, err)
	}
	return r
}

func fieldErr(t *testing.T, err error, field, contains string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid || e.Fields[field] == "" || !strings.Contains(e.Fields[field], contains) {
		t.Fatalf("want a %s error containing %q, got %v (%+v)", field, contains, err, e)
	}
}

// walk records steps 2..upto with a standard, rule-abiding calendar.
func (w *world) walk(t *testing.T, id int64, upto int) {
	t.Helper()
	days := map[int]string{2: "2023-02-01", 3: "2023-04-01", 4: "2023-04-10", 5: "2023-04-15", 6: "2023-10-01", 7: "2024-04-01",
		8: "2024-04-10", 9: "2024-04-15", 10: "2024-05-01", 11: "2024-05-10", 12: "2024-06-01", 13: "2024-06-10", 14: "2024-06-15",
		15: "2024-07-01", 16: "2024-07-10", 17: "2024-10-01", 18: "2024-10-10", 19: "2024-10-15", 20: "2024-11-01", 21: "2025-04-01",
		22: "2025-06-01", 23: "2025-07-01", 24: "2025-08-01", 25: "2025-08-10"}
	for n := 2; n <= upto; n++ {
		in := develop.StepInput{Step: n, DoneOn: days[n]}
		switch n {
		case 5:
			in.People = "张明、李华"
		case 9:
			in.Introducers = w.intr
		case 11:
			in.TrainingDays = 3
		case 15, 23:
			in.VotersDue, in.Present, in.Yes = 10, 8, 8
		case 16: // 公示 Monday 2024-07-01 to Friday 2024-07-05: 5 working days
			in.PublicityFrom, in.PublicityTo = "2024-07-01", "2024-07-05"
		case 24: // Monday 2025-07-07 to Friday 2025-07-11
			in.PublicityFrom, in.PublicityTo = "2025-07-07", "2025-07-11"
		}
		w.step(t, id, in)
		if n == 6 {
			// ⑥ every half year: the second half year since ③ (2023-10-01..2024-04-01) needs its own review.
			w.step(t, id, develop.StepInput{Step: 6, DoneOn: "2024-03-20"})
		}
	}
}

func TestApplicationAgeIsEighteenOnTheDay(t *testing.T) {
	w := newWorld(t)
	w.apply(t, "2005-03-15", "2023-03-15") // the 18th birthday is enough
	_, err := w.e.App.Develop.Apply(w.ctx, develop.PersonInput{PartyOrgID: w.po, Name: "少年", IDNumber: idNumber("20050316", 201), AppliedOn: "2023-03-15"})
	fieldErr(t, err, "applied_on", "年满18周岁")
	_, err = w.e.App.Develop.Apply(w.ctx, develop.PersonInput{PartyOrgID: w.po, Name: "错生日", IDNumber: idNumber("19900101", 203), BirthDate: "1990-01-02", AppliedOn: "2023-03-15"})
	fieldErr(t, err, "birth_date", "不一致")
	_, err = w.e.App.Develop.Apply(w.ctx, develop.PersonInput{PartyOrgID: w.po, Name: "重复", IDNumber: idNumber("20050315", 100+2*w.seq), AppliedOn: "2023-03-15"})
	if !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("duplicate ID number: %v", err)
	}
	// A member already on the roster cannot apply again.
	_, err = w.e.App.Develop.Apply(w.ctx, develop.PersonInput{PartyOrgID: w.po, Name: "张明", IDNumber: idNumber("19800115", 11), AppliedOn: "2023-03-15"})
	if !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("roster member applying: %v", err)
	}
}

func TestStepsFollowInOrder(t *testing.T) {
	w := newWorld(t)
	p := w.apply(t, "1995-05-05", "2023-01-10")
	_, err := w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 3, DoneOn: "2023-04-01"})
	if !apperr.IsKind(err, apperr.KindConflict) || !strings.Contains(err.Error(), "第2步") {
		t.Fatalf("step 3 before 2: %v", err)
	}
	_, err = w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 2, DoneOn: "2023-01-09"})
	fieldErr(t, err, "done_on", "不能早于第1步")
	w.step(t, p.ID, develop.StepInput{Step: 2, DoneOn: "2023-02-01"})
	if _, err := w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 2, DoneOn: "2023-02-02"}); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("step 2 twice: %v", err)
	}
	_, err = w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 3, DoneOn: "2027-01-01"})
	fieldErr(t, err, "done_on", "晚于今天")
}

func TestTalkWithinOneMonthIsSoft(t *testing.T) {
	w := newWorld(t)
	onTime := w.apply(t, "1995-05-05", "2023-01-31")
	if r := w.step(t, onTime.ID, develop.StepInput{Step: 2, DoneOn: "2023-02-28"}); len(r.Warnings) != 0 {
		t.Fatalf("talk on the last day (01-31 + 1 month = 02-28) warned: %v", r.Warnings)
	}
	late := w.apply(t, "1995-05-05", "2023-01-31")
	r := w.step(t, late.ID, develop.StepInput{Step: 2, DoneOn: "2023-03-01"})
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "1个月内") || r.Step.Warning == "" {
		t.Fatalf("late talk: warnings %v, stored %q", r.Warnings, r.Step.Warning)
	}
}

func TestActivistYearAndStages(t *testing.T) {
	w := newWorld(t)
	p := w.apply(t, "1995-05-05", "2023-01-10")
	w.walk(t, p.ID, 6)
	got, _ := w.e.App.Develop.Get(w.ctx, p.ID)
	if got.Stage != develop.StageActivist {
		t.Fatalf("after step 3: stage %s", got.Stage)
	}
	_, err := w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 7, DoneOn: "2024-03-31"})
	fieldErr(t, err, "done_on", "1年以上")
	r := w.step(t, p.ID, develop.StepInput{Step: 7, DoneOn: "2024-04-01"})
	if r.Person.Stage != develop.StageCandidate || r.Person.StageName != "发展对象" {
		t.Fatalf("after step 7: %s", r.Person.Stage)
	}
}

func TestContactsIntroducersAndTraining(t *testing.T) {
	w := newWorld(t)
	p := w.apply(t, "1995-05-05", "2023-01-10")
	w.walk(t, p.ID, 4)
	_, err := w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 5, DoneOn: "2023-04-15", People: "张明、李华、王芳"})
	fieldErr(t, err, "people", "1至2名")
	w.step(t, p.ID, develop.StepInput{Step: 5, DoneOn: "2023-04-15", People: "张明"})
	w.step(t, p.ID, develop.StepInput{Step: 6, DoneOn: "2023-10-01"})
	w.step(t, p.ID, develop.StepInput{Step: 6, DoneOn: "2024-03-20"})
	w.step(t, p.ID, develop.StepInput{Step: 7, DoneOn: "2024-04-01"})
	w.step(t, p.ID, develop.StepInput{Step: 8, DoneOn: "2024-04-10"})
	_, err = w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 9, DoneOn: "2024-04-15", Introducers: w.intr[:1]})
	fieldErr(t, err, "introducers", "2名")
	_, err = w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 9, DoneOn: "2024-04-15", Introducers: []int64{w.intr[0], w.prob}})
	fieldErr(t, err, "introducers", "预备党员不能")
	r := w.step(t, p.ID, develop.StepInput{Step: 9, DoneOn: "2024-04-15", Introducers: w.intr})
	if r.Step.People != "张明、李华" {
		t.Fatalf("introducers recorded as %q", r.Step.People)
	}
	w.step(t, p.ID, develop.StepInput{Step: 10, DoneOn: "2024-05-01"})
	_, err = w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 11, DoneOn: "2024-05-10", TrainingDays: 2, TrainingHours: 23})
	fieldErr(t, err, "training_days", "3天")
	w.step(t, p.ID, develop.StepInput{Step: 11, DoneOn: "2024-05-10", TrainingHours: 24})
}

// ⑮: more than half of those due attend, and more than half of those due vote
// yes; exactly half is not more than half. Each refusal names its own field.
func TestBranchVoteNeedsMajorities(t *testing.T) {
	w := newWorld(t)
	p := w.apply(t, "1995-05-05", "2023-01-10")
	w.walk(t, p.ID, 14)
	for _, c := range []struct {
		due, present, yes int
		field, msg        string
	}{
		{10, 5, 5, "present", "超过应到会人数的半数"}, // exactly half attend
		{9, 4, 4, "present", "超过应到会人数的半数"},
		{10, 6, 5, "yes", "超过应到会有表决权正式党员的半数"}, // exactly half vote yes
		{9, 9, 4, "yes", "超过应到会有表决权正式党员的半数"},
		{10, 11, 6, "present", "0 至应到人数"},
		{10, 6, 7, "yes", "0 至实到人数"},
		{0, 0, 0, "voters_due", "应到会"},
	} {
		_, err := w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 15, DoneOn: "2024-07-01", VotersDue: c.due, Present: c.present, Yes: c.yes})
		fieldErr(t, err, c.field, c.msg)
	}
	// 5 of 9 is more than half: attendance and vote both pass.
	w.step(t, p.ID, develop.StepInput{Step: 15, DoneOn: "2024-07-01", VotersDue: 9, Present: 5, Yes: 5})
}

func TestApprovalWithinThreeMonthsAndProbation(t *testing.T) {
	w := newWorld(t)
	onTime, late, tooLate := w.apply(t, "1995-05-05", "2023-01-10"), w.apply(t, "1995-05-05", "2023-01-10"), w.apply(t, "1995-05-05", "2023-01-10")
	for _, p := range []develop.Person{onTime, late, tooLate} {
		w.walk(t, p.ID, 16)
	}
	r := w.step(t, onTime.ID, develop.StepInput{Step: 17, DoneOn: "2024-10-01"})
	if len(r.Warnings) != 0 || r.Person.Stage != develop.StageProbationary || r.Person.ProbationEndsOn == nil || *r.Person.ProbationEndsOn != "2025-07-01" {
		t.Fatalf("approval on the 3-month day: %+v", r)
	}
	if r = w.step(t, late.ID, develop.StepInput{Step: 17, DoneOn: "2024-10-02"}); len(r.Warnings) != 1 {
		t.Fatalf("approval a day past 3 months: warnings %v", r.Warnings)
	}
	_, err := w.e.App.Develop.RecordStep(w.ctx, tooLate.ID, develop.StepInput{Step: 17, DoneOn: "2025-01-02"})
	fieldErr(t, err, "done_on", "3个月内")
	w.step(t, tooLate.ID, develop.StepInput{Step: 17, DoneOn: "2025-01-01"})
}

func TestProbationExtendedOnceAndConfirmation(t *testing.T) {
	w := newWorld(t)
	p := w.apply(t, "1995-05-05", "2023-01-10")
	w.walk(t, p.ID, 22)
	// Step ⑰ put the person on the roster as 预备党员, joined on the day of the branch meeting (⑮).
	got, _ := w.e.App.Develop.Get(w.ctx, p.ID)
	if got.MemberID == nil {
		t.Fatal("step 17 created no roster member")
	}
	m, err := w.e.App.Members.Get(w.ctx, *got.MemberID, false)
	if err != nil || m.Category != "probationary" || m.JoinedOn == nil || *m.JoinedOn != "2024-07-01" || m.PartyOrgID != got.PartyOrgID || m.Name != got.Name {
		t.Fatalf("admitted member: %+v %v", m, err)
	}
	hist, err := w.e.App.Members.Memberships(w.ctx, m.ID)
	if err != nil || len(hist) != 1 || hist[0].From != "2024-07-01" || hist[0].To != nil {
		t.Fatalf("membership history of the admitted member: %+v %v", hist, err)
	}
	ext := develop.StepInput{Step: develop.StepExtension, DoneOn: "2025-06-20", Months: 5}
	_, err = w.e.App.Develop.RecordStep(w.ctx, p.ID, ext)
	fieldErr(t, err, "months", "6至12个月")
	ext.Months = 6
	r := w.step(t, p.ID, ext)
	if *r.Person.ProbationEndsOn != "2026-01-01" || r.Person.ExtensionMonths != 6 {
		t.Fatalf("after a 6-month extension: ends %v, months %d", *r.Person.ProbationEndsOn, r.Person.ExtensionMonths)
	}
	ext.Months = 6
	_, err = w.e.App.Develop.RecordStep(w.ctx, p.ID, ext)
	fieldErr(t, err, "months", "只能延长一次")
	_, err = w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 23, DoneOn: "2025-12-31", VotersDue: 10, Present: 8, Yes: 8})
	fieldErr(t, err, "done_on", "届满后")
	w.step(t, p.ID, develop.StepInput{Step: 23, DoneOn: "2026-01-01", VotersDue: 10, Present: 8, Yes: 8})
	r = w.step(t, p.ID, develop.StepInput{Step: 24, DoneOn: "2026-02-01", PublicityFrom: "2026-01-05", PublicityTo: "2026-01-09"})
	if r.Person.Stage != develop.StageFull {
		t.Fatalf("after step 24: %s", r.Person.Stage)
	}
	// 转正 on the roster, from the end of the (extended) probation.
	if m, err = w.e.App.Members.Get(w.ctx, m.ID, false); err != nil || m.Category != "full" || m.ConfirmedOn == nil || *m.ConfirmedOn != "2026-01-01" {
		t.Fatalf("confirmed member: %+v %v", m, err)
	}
	if _, err := w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 21, DoneOn: "2026-02-02"}); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("a step after 转正: %v", err)
	}
	w.step(t, p.ID, develop.StepInput{Step: 25, DoneOn: "2026-02-10"})
	got, _ = w.e.App.Develop.Get(w.ctx, p.ID)
	seen := map[int]bool{}
	for _, st := range got.Steps {
		seen[st.N] = true
	}
	if len(got.Steps) != 27 || len(seen) != 26 || !seen[develop.StepExtension] { // the 25 steps (⑥ twice) and the extension
		t.Fatalf("timeline holds %d records of %d steps", len(got.Steps), len(seen))
	}
}

func TestScheduleAndStats(t *testing.T) {
	w := newWorld(t)                                // today is 2026-11-23
	soon := w.apply(t, "1995-05-05", "2026-11-01")  // talk due 2026-12-01: within 30 days
	over := w.apply(t, "1995-05-05", "2026-09-30")  // talk due 2026-10-30: overdue
	later := w.apply(t, "1995-05-05", "2026-11-20") // talk due 2026-12-20: not within 7 days
	sc, err := w.e.App.Develop.Schedule(w.ctx, 0, 30)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(items []develop.ScheduleItem) map[int64]string {
		m := map[int64]string{}
		for _, it := range items {
			m[it.PersonID] = it.On
		}
		return m
	}
	due, overdue := ids(sc.Due), ids(sc.Overdue)
	if due[soon.ID] != "2026-12-01" || overdue[over.ID] != "2026-10-30" || due[later.ID] != "2026-12-20" {
		t.Fatalf("30 days: due %v overdue %v", due, overdue)
	}
	sc, _ = w.e.App.Develop.Schedule(w.ctx, 0, 7)
	if _, ok := ids(sc.Due)[later.ID]; ok || len(sc.Due) != 0 {
		t.Fatalf("7 days: %v", sc.Due)
	}
	items, totals, err := w.e.App.Develop.Stats(w.ctx, 0)
	if err != nil || len(items) != 1 || totals[develop.StageApplicant] != 3 || items[0].Counts[develop.StageApplicant] != 3 {
		t.Fatalf("stats: %+v %v %v", items, totals, err)
	}
}

func TestOtherStreetSeesNothing(t *testing.T) {
	w := newWorld(t)
	p := w.apply(t, "1995-05-05", "2023-01-10")
	yuhe := actor.With(context.Background(), actor.Actor{Username: "yh", Role: "street", Scope: testenv.Yuhe})
	if _, err := w.e.App.Develop.Get(yuhe, p.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("another street reads: %v", err)
	}
	if _, err := w.e.App.Develop.RecordStep(yuhe, p.ID, develop.StepInput{Step: 2, DoneOn: "2023-02-01"}); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("another street records: %v", err)
	}
	if items, total, _ := w.e.App.Develop.List(yuhe, develop.Filter{}); total != store.Exact(0) || len(items) != 0 {
		t.Fatalf("another street lists %v", total)
	}
	if _, err := w.e.App.Develop.Apply(yuhe, develop.PersonInput{PartyOrgID: w.po, Name: "越权", IDNumber: idNumber("19900101", 301), AppliedOn: "2023-01-01"}); err == nil {
		t.Fatal("another street registered into 洪桥's branch")
	}
	if items, total, _ := w.e.App.Develop.List(w.ctx, develop.Filter{}); total != store.Exact(1) || items[0].IDNumber == "" || strings.Contains(items[0].IDNumber, "19950505") {
		t.Fatalf("own list: %v, id %q (must be masked)", total, items[0].IDNumber)
	}
}
