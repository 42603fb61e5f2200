package httpapi

import (
	"context"
	"fmt"
	"testing"
	"time"

	"liangxin/internal/store/storetest"
)

// TestLimiterWindows: a window of an hour starts at a bucket's first call;
// with a limit of 3 the calls at 0, 10, 20 min pass, the one at 30 min is
// the first refusal (retry 30 min), 40 min is refused again but not first;
// at 60 min (the window's end) a new window starts. Buckets are per kind
// and address. Two limiters over one database (two nodes) share the counts.
func TestLimiterWindows(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	now := t0
	clock := func() time.Time { return now }
	limits := map[string]int{"submit": 3, "lookup": 1}
	nodeA := &limiter{db: db, limits: limits, now: clock}
	nodeB := &limiter{db: db, limits: limits, now: clock}
	type want struct {
		ok, first bool
		retry     time.Duration
	}
	for i, c := range []struct {
		at   time.Duration
		node *limiter
		want want
	}{
		{0, nodeA, want{true, false, 0}},
		{10 * time.Minute, nodeB, want{true, false, 0}},
		{20 * time.Minute, nodeA, want{true, false, 0}},
		{30 * time.Minute, nodeB, want{false, true, 30 * time.Minute}},
		{40 * time.Minute, nodeA, want{false, false, 20 * time.Minute}},
		{59*time.Minute + 59*time.Second, nodeB, want{false, false, time.Second}},
		{60 * time.Minute, nodeA, want{true, false, 0}},
		{61 * time.Minute, nodeB, want{true, false, 0}},
	} {
		now = t0.Add(c.at)
		ok, first, retry, err := c.node.allow(ctx, "submit", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if got := (want{ok, first, retry}); got != c.want {
			t.Errorf("call %d at +%v: %+v, want %+v", i+1, c.at, got, c.want)
		}
	}
	// Another address and another kind have buckets of their own.
	if ok, _, _, _ := nodeA.allow(ctx, "submit", "10.0.0.2"); !ok {
		t.Error("another address refused")
	}
	if ok, _, _, _ := nodeA.allow(ctx, "lookup", "10.0.0.1"); !ok {
		t.Error("first lookup refused")
	}
	if ok, first, _, _ := nodeB.allow(ctx, "lookup", "10.0.0.1"); ok || !first {
		t.Errorf("second lookup (limit 1) on the other node: ok %v first %v", ok, first)
	}
	// The sweep deletes ended windows only: at +2h01m the windows started
	// at +60 min and +61 min have ended, and so have the others.
	if err := nodeA.sweep(ctx, t0.Add(121*time.Minute)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(ctx, db, `SELECT COUNT(*) FROM rate_limits`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rows after the sweep: %d %v", n, err)
	}
}

// BenchmarkLimiterAllow is the cost of one public call's count (one upsert),
// over a spread of 1,000 addresses.
func BenchmarkLimiterAllow(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	l := &limiter{db: db, limits: map[string]int{"submit": 1 << 30}, now: time.Now}
	for i := 0; b.Loop(); i++ {
		if _, _, _, err := l.allow(ctx, "submit", fmt.Sprintf("10.0.%d.%d", i/250%4, i%250)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDBRoundTrip is the baseline of BenchmarkLimiterAllow measured in
// the same run: one trivial query on the same database.
func BenchmarkDBRoundTrip(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	for b.Loop() {
		var n int
		if err := db.QueryRow(ctx, db, `SELECT 1`).Scan(&n); err != nil {
			b.Fatal(err)
		}
	}
}
