package assess_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/assess"
	"liangxin/internal/meeting/meetingtest"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

// Signals runs the same number of queries for 3 and for 30 party
// organizations (before: about four per party organization, and a whole
// compliance report for each).
func TestSignalsQueryCountIsFixed(t *testing.T) {
	counts := map[int]map[string]int64{}
	for _, n := range []int{3, 30} {
		e := testenv.New(t)
		meetingtest.Build(t, e.App.DB, n)
		counts[n] = map[string]int64{}
		for name, ctx := range map[string]context.Context{
			"system": actor.System(context.Background(), "test"),
			"洪桥":     actor.With(context.Background(), actor.Actor{Username: "street", Role: "admin", Scope: meetingtest.Hongqiao}),
		} {
			cctx, c := store.CountQueries(ctx)
			rep, err := e.App.Assess.Signals(cctx, assess.SignalFilter{All: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Items) == 0 {
				t.Fatalf("%s: no party organization listed", name)
			}
			counts[n][name] = c.N()
		}
	}
	for k, small := range counts[3] {
		if big := counts[30][k]; big != small {
			t.Errorf("%s Signals: %d queries for 3 party organizations, %d for 30; want the same", k, small, big)
		} else {
			t.Logf("%s Signals: %d queries", k, small)
		}
	}
}

// BenchmarkSignals lists the 软弱涣散 signals of 300 and 3,000 party
// organizations of the scale fixture as of the test clock's day.
func BenchmarkSignals(b *testing.B) {
	for _, n := range []int{300, 3000} {
		b.Run(fmt.Sprintf("orgs=%d", n), func(b *testing.B) {
			e := testenv.New(b)
			meetingtest.Build(b, e.App.DB, n)
			ctx := actor.System(context.Background(), "bench")
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.App.Assess.Signals(ctx, assess.SignalFilter{All: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// oneByOne hide the batch methods of the sources, so that Signals asks
// party organization by party organization as it did before.
type (
	oneByOneMeetings    struct{ assess.MeetingSource }
	oneByOneCommittees  struct{ assess.CommitteeSource }
	oneByOneDevelopment struct{ assess.DevelopmentSource }
)

// Signals from the batch answers equal Signals asked one party organization
// at a time, on random fixtures, for the county and a street and several days.
func TestSignalsBatchedEqualsOneByOne(t *testing.T) {
	for _, seed := range []uint64{4, 5} {
		e := testenv.New(t)
		meetingtest.BuildRandom(t, e.App.DB, 40, seed)
		ref := *e.App.Assess
		ref.Meetings = oneByOneMeetings{e.App.Assess.Meetings}
		ref.Committees = oneByOneCommittees{e.App.Assess.Committees}
		ref.Development = oneByOneDevelopment{e.App.Assess.Development}
		for name, ctx := range map[string]context.Context{
			"system": actor.System(context.Background(), "test"),
			"洪桥":     actor.With(context.Background(), actor.Actor{Username: "street", Role: "admin", Scope: meetingtest.Hongqiao}),
		} {
			for _, f := range []assess.SignalFilter{{All: true}, {AsOf: "2025-06-30", All: true}, {AsOf: "2026-03-01", From: "2025-01-01", To: "2025-12-31"},
				{All: true, From: "2014-01-01", To: "2026-01-01"}} {
				got, err1 := e.App.Assess.Signals(ctx, f)
				want, err2 := ref.Signals(ctx, f)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				signals := 0
				for _, it := range want.Items {
					signals += len(it.Signals)
				}
				if f.All && signals == 0 {
					t.Errorf("seed %d %s %+v: no signal in the reference; the fixture tests nothing", seed, name, f)
				}
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				if string(g) != string(w) {
					t.Errorf("seed %d %s %+v: batched signals differ:\n got %s\nwant %s", seed, name, f, g, w)
				}
			}
		}
	}
}
