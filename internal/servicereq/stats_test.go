package servicereq_test

import (
	"context"
	"testing"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/servicereq"
	"liangxin/internal/testenv"
)

// statsScenario builds, from Monday 2026-11-23 (the test clock), seven
// requests whose figures are counted by hand in TestStats:
//
//	A 洪桥 政策咨询 recv 11-16 due 11-23, 做单, 办结 11-23 (on time, 7 days), 回单 满意
//	B 洪桥 政策咨询 recv 11-02 due 11-09, 办结 11-23 (late), 回单 不满意, reopened (not done)
//	C 洪桥 融资需求 recv 10-20, 转单 区人社局 11-23 (due 12-07), 办结 11-23 (on time, 34 days), 回单 基本满意
//	D 洪桥 政策咨询 recv 11-20, 转单 区市场监管局 (due 11-30), 办结 11-23 (on time, 3 days), 回单 不满意
//	E 洪桥 融资需求 recv 11-23 due 12-07, 做单, 办结 12-01 (on time, 8 days)
//	F 玉合 政策咨询 recv 11-23, 转单 区市场监管局, 办结 11-23 (on time, 0 days)
//	G 洪桥 政策咨询 recv 11-02 due 11-09, 做单, 办结 11-23 (late, 21 days), 回单 满意
func statsScenario(t *testing.T) (*env, [2]int64) {
	v := setup(t)
	hq, yh := street(testenv.Hongqiao), street(testenv.Yuhe)
	u1, err := v.svc.CreateUnit(v.county, servicereq.HandlerUnitInput{Name: "区人社局", Kind: "department", RegionCode: testenv.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	u2, err := v.svc.CreateUnit(v.county, servicereq.HandlerUnitInput{Name: "区市场监管局", Kind: "department", RegionCode: testenv.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(ctx context.Context, region string, cat int64, received string) servicereq.Request {
		r, err := v.svc.Create(ctx, servicereq.RequestInput{Source: "desk", CategoryID: cat, Content: "统计用诉求", RequesterName: "李先生", RegionCode: region, ReceivedOn: received})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	handle := func(ctx context.Context, r servicereq.Request) servicereq.Request {
		return v.act(ctx, r, servicereq.ActionInput{Action: servicereq.ActHandle})
	}
	transfer := func(ctx context.Context, r servicereq.Request, unit int64) servicereq.Request {
		return v.act(ctx, r, servicereq.ActionInput{Action: servicereq.ActTransfer, HandlerUnitID: &unit})
	}
	finish := func(ctx context.Context, r servicereq.Request) servicereq.Request {
		return v.act(ctx, r, servicereq.ActionInput{Action: servicereq.ActFinish, Result: "已办结"})
	}
	reply := func(ctx context.Context, r servicereq.Request, sat string) servicereq.Request {
		return v.act(ctx, r, servicereq.ActionInput{Action: servicereq.ActReply, RepliedBy: "王书记", ReplyMethod: "phone", Satisfaction: sat})
	}
	a := reply(hq, finish(hq, handle(hq, mk(hq, testenv.Hongqiao, 1, "2026-11-16"))), "satisfied")
	if a.DueOn != "2026-11-23" {
		t.Fatalf("A due %s", a.DueOn)
	}
	b := reply(hq, finish(hq, handle(hq, mk(hq, testenv.Hongqiao, 1, "2026-11-02"))), "unsatisfied")
	v.act(hq, b, servicereq.ActionInput{Action: servicereq.ActReopen, Reason: "企业对答复不满意"})
	c := reply(hq, finish(hq, transfer(hq, mk(hq, testenv.Hongqiao, 2, "2026-10-20"), u1.ID)), "basic")
	if c.DueOn != "2026-12-07" || c.DoneByUnitID == nil || *c.DoneByUnitID != u1.ID {
		t.Fatalf("C %+v", c)
	}
	reply(hq, finish(hq, transfer(hq, mk(hq, testenv.Hongqiao, 1, "2026-11-20"), u2.ID)), "unsatisfied")
	e := handle(hq, mk(hq, testenv.Hongqiao, 2, "2026-11-23"))
	finish(v.county, transfer(v.county, mk(yh, testenv.Yuhe, 1, "2026-11-23"), u2.ID))
	reply(hq, finish(hq, handle(hq, mk(hq, testenv.Hongqiao, 1, "2026-11-02"))), "satisfied")
	v.e.Clock.Advance(8 * 24 * time.Hour) // Tuesday 12-01
	finish(hq, e)
	return v, [2]int64{u1.ID, u2.ID}
}

func TestStats(t *testing.T) {
	v, units := statsScenario(t)
	st, err := v.svc.Stats(v.county, servicereq.StatsFilter{From: "2026-10-01", To: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	want := servicereq.Figures{Received: 7, Done: 6, OnTime: 5, OnTimeRate: 83.3, Replied: 4, Satisfied: 3, SatisfactionRate: 75,
		AvgDays: 12.2, Reopened: 1, ReopenRate: 14.3}
	if st.Total != want {
		t.Errorf("district total %+v, want %+v", st.Total, want)
	}
	if len(st.ByCategory) != 8 || st.ByCategory[0].CategoryName != "政策咨询" || st.ByCategory[1].CategoryName != "融资需求" {
		t.Fatalf("categories %+v", st.ByCategory)
	}
	// 政策咨询: A B D F G received; A D F G done (G late); A D G replied.
	if got, w := st.ByCategory[0].Figures, (servicereq.Figures{Received: 5, Done: 4, OnTime: 3, OnTimeRate: 75, Replied: 3, Satisfied: 2,
		SatisfactionRate: 66.7, AvgDays: 7.8, Reopened: 1, ReopenRate: 20}); got != w {
		t.Errorf("政策咨询 %+v, want %+v", got, w)
	}
	if got, w := st.ByCategory[1].Figures, (servicereq.Figures{Received: 2, Done: 2, OnTime: 2, OnTimeRate: 100, Replied: 1, Satisfied: 1,
		SatisfactionRate: 100, AvgDays: 21}); got != w {
		t.Errorf("融资需求 %+v, want %+v", got, w)
	}
	// 区市场监管局 finished D and F, 区人社局 C.
	if len(st.ByUnit) != 2 || st.ByUnit[0] != (servicereq.UnitFigures{Rank: 1, UnitID: units[1], UnitName: "区市场监管局", Done: 2, OnTime: 2, OnTimeRate: 100, AvgDays: 1.5}) ||
		st.ByUnit[1] != (servicereq.UnitFigures{Rank: 2, UnitID: units[0], UnitName: "区人社局", Done: 1, OnTime: 1, OnTimeRate: 100, AvgDays: 34}) {
		t.Errorf("units %+v", st.ByUnit)
	}
	if len(st.Monthly) != 3 || st.Monthly[0].Month != "2026-10" || st.Monthly[2].Month != "2026-12" {
		t.Fatalf("months %+v", st.Monthly)
	}
	if got, w := st.Monthly[0].Figures, (servicereq.Figures{Received: 1}); got != w {
		t.Errorf("October %+v", got)
	}
	if got, w := st.Monthly[1].Figures, (servicereq.Figures{Received: 6, Done: 5, OnTime: 4, OnTimeRate: 80, Replied: 4, Satisfied: 3,
		SatisfactionRate: 75, AvgDays: 13, Reopened: 1, ReopenRate: 16.7}); got != w {
		t.Errorf("November %+v, want %+v", got, w)
	}
	if got, w := st.Monthly[2].Figures, (servicereq.Figures{Done: 1, OnTime: 1, OnTimeRate: 100, AvgDays: 8}); got != w {
		t.Errorf("December %+v, want %+v", got, w)
	}

	// 洪桥's own view (its scope) and the district narrowed to 洪桥 agree: F is out.
	wantHQ := servicereq.Figures{Received: 6, Done: 5, OnTime: 4, OnTimeRate: 80, Replied: 4, Satisfied: 3, SatisfactionRate: 75,
		AvgDays: 14.6, Reopened: 1, ReopenRate: 16.7}
	for name, ctx := range map[string]context.Context{"street": street(testenv.Hongqiao), "district": v.county} {
		f := servicereq.StatsFilter{From: "2026-10-01", To: "2026-12-31"}
		if name == "district" {
			f.RegionCode = testenv.Hongqiao
		}
		st, err := v.svc.Stats(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != wantHQ {
			t.Errorf("%s 洪桥 total %+v, want %+v", name, st.Total, wantHQ)
		}
		// A tie on done and rate: by name.
		if len(st.ByUnit) != 2 || st.ByUnit[0].UnitName != "区人社局" || st.ByUnit[1].UnitName != "区市场监管局" || st.ByUnit[1].AvgDays != 3 {
			t.Errorf("%s 洪桥 units %+v", name, st.ByUnit)
		}
	}
	// 玉合 sees only F.
	st, err = v.svc.Stats(street(testenv.Yuhe), servicereq.StatsFilter{From: "2026-11-01", To: "2026-11-30"})
	if err != nil || st.Total != (servicereq.Figures{Received: 1, Done: 1, OnTime: 1, OnTimeRate: 100}) || len(st.Monthly) != 1 {
		t.Errorf("玉合 %v %+v", err, st)
	}
	// Defaults: this year up to today; a wrong period names the field.
	st, err = v.svc.Stats(v.county, servicereq.StatsFilter{})
	if err != nil || st.From != "2026-01-01" || st.To != "2026-12-01" || len(st.Monthly) != 12 || st.Total.Received != 7 {
		t.Errorf("default period %v %s %s %d", err, st.From, st.To, len(st.Monthly))
	}
	_, err = v.svc.Stats(v.county, servicereq.StatsFilter{From: "2026-12-02", To: "2026-12-01"})
	wantKind(t, err, apperr.KindInvalid, "from", "不能晚于")
}
