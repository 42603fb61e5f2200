package store

import (
	"database/sql"
	"testing"
	"time"
)

// A replica's lag in time, by hand: the primary was sampled at 0/1000 at
// t0, 0/2000 at t0+2s, 0/2008 at t0+4s (a standby snapshot, no commit),
// 0/9000 at t0+6s.
func TestReplicaLagFromTheLSNClock(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC)
	c := &lsnClock{}
	for i, lsn := range []LSN{0x1000, 0x2000, 0x2008, 0x9000} {
		c.mark(t0.Add(time.Duration(2*i)*time.Second), lsn)
	}
	now := t0.Add(7 * time.Second)
	old := sql.NullFloat64{Float64: 30, Valid: true} // its last commit replayed 30 s ago
	for _, tc := range []struct {
		name     string
		replayed LSN
		age      sql.NullFloat64
		want     float64
	}{
		// 8 bytes behind the last sample only, last commit old: it holds
		// the state of t0+4s, so 3 s (the old code said 30 s).
		{"a standby snapshot behind, no recent commit", 0x2008, old, 3},
		{"between two samples", 0x5000, old, 3},
		{"at the second sample", 0x2000, old, 5},
		// A recent commit is the tighter bound.
		{"recent commit", 0x2000, sql.NullFloat64{Float64: 0.4, Valid: true}, 0.4},
		// Behind every sample: the commit's age, an upper bound.
		{"behind every sample", 0x0800, old, 30},
		// Behind every sample and no commit replayed: at least since the
		// oldest sample.
		{"behind every sample, no commit", 0x0800, sql.NullFloat64{}, 7},
		{"no commit, holds t0+2s", 0x2000, sql.NullFloat64{}, 5},
	} {
		if got := lagSeconds(c, now, tc.replayed, tc.age); got != tc.want {
			t.Errorf("%s: lag %v s, want %v s", tc.name, got, tc.want)
		}
	}
	// No clock (tests' probes): the commit's age.
	if got := lagSeconds(nil, now, 0x2008, old); got != 30 {
		t.Errorf("no clock: %v, want 30", got)
	}
	// A new primary (after a failover) whose positions are lower starts
	// the samples again.
	c.mark(t0.Add(8*time.Second), 0x0500)
	if got := lagSeconds(c, t0.Add(9*time.Second), 0x0600, sql.NullFloat64{}); got != 1 {
		t.Errorf("after a failover: %v, want 1", got)
	}
	// The samples are bounded.
	for i := range 2 * lsnClockKeep {
		c.mark(t0.Add(time.Duration(10+i)*time.Second), LSN(0x10000+i))
	}
	if len(c.samples) != lsnClockKeep || c.samples[0].lsn != LSN(0x10000+lsnClockKeep) {
		t.Errorf("%d samples kept, oldest %v", len(c.samples), c.samples[0].lsn)
	}
}
