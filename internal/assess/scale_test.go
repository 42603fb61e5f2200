package assess_test

import (
	"context"
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
