package httpapi

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"liangxin/internal/store"
)

// limiter counts the public calls of each client address in windows of an
// hour. The counts live in the database (table rate_limits), so every app
// node behind a load balancer counts the same calls and a restart forgets
// nothing: one atomic upsert per call, on SQLite and PostgreSQL alike. A
// window starts at the first call of a bucket (kind|address) and lasts an
// hour; the first call after it starts a new one.
type limiter struct {
	db     *store.DB
	limits map[string]int
	now    func() time.Time
	// calls triggers the deletion of ended windows every sweepEvery calls
	// of this process (housekeeping only; the counts are in the database).
	calls atomic.Int64
}

// sweepEvery is how many calls of one process pass between two deletions
// of the rows whose window has ended.
const sweepEvery = 1000

// newLimiter builds the limiter of the server's public limits over its
// database, on the application's clock (the audit logger's).
func (s *Server) newLimiter() *limiter {
	l := s.PublicLimits
	if l.Submissions <= 0 {
		l.Submissions = defaultPublicSubmissions
	}
	if l.Lookups <= 0 {
		l.Lookups = defaultPublicLookups
	}
	now := time.Now
	if s.Audit != nil && s.Audit.Now != nil {
		now = s.Audit.Now
	}
	return &limiter{db: s.DB, limits: map[string]int{"submit": l.Submissions, "lookup": l.Lookups, "activate": l.Lookups}, now: now}
}

// allow counts one call of kind from ip; ok false when over the limit,
// first true on the first refusal of the window (audited once, not on
// every call of a flood), retry the time left in the window.
func (l *limiter) allow(ctx context.Context, kind, ip string) (ok, first bool, retry time.Duration, err error) {
	now := l.now()
	if l.calls.Add(1)%sweepEvery == 0 {
		if err := l.sweep(ctx, now); err != nil {
			return false, false, 0, err
		}
	}
	n, start, err := l.count(ctx, kind+"|"+ip, now)
	if err != nil {
		return false, false, 0, err
	}
	limit := int64(l.limits[kind])
	if n <= limit {
		return true, false, 0, nil
	}
	return false, n == limit+1, start.Add(publicWindow).Sub(now), nil
}

// count adds one call to bucket at now and returns the calls of its
// current window (this one included) and the window's start.
func (l *limiter) count(ctx context.Context, bucket string, now time.Time) (int64, time.Time, error) {
	ctx = store.Quiet(ctx) // rate-limit counters change no figure
	cutoff := store.FormatTime(now.Add(-publicWindow))
	var n int64
	var ws string
	// In ON CONFLICT … DO UPDATE every right-hand side reads the row as it
	// was, in both dialects: the window test is the same for both columns.
	err := l.db.QueryRow(ctx, l.db, `INSERT INTO rate_limits (bucket, window_start, n) VALUES (?, ?, 1)
		ON CONFLICT (bucket) DO UPDATE SET
			n = CASE WHEN rate_limits.window_start > ? THEN rate_limits.n + 1 ELSE 1 END,
			window_start = CASE WHEN rate_limits.window_start > ? THEN rate_limits.window_start ELSE excluded.window_start END
		RETURNING n, window_start`, bucket, store.FormatTime(now), cutoff, cutoff).Scan(&n, &ws)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("rate limit: %w", err)
	}
	start, err := store.ParseTime(ws)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("rate limit: window start %q: %w", ws, err)
	}
	return n, start, nil
}

// sweep deletes the rows whose window ended before now.
func (l *limiter) sweep(ctx context.Context, now time.Time) error {
	ctx = store.Quiet(ctx)
	if _, err := l.db.Exec(ctx, l.db, `DELETE FROM rate_limits WHERE window_start <= ?`, store.FormatTime(now.Add(-publicWindow))); err != nil {
		return fmt.Errorf("rate limit: sweep: %w", err)
	}
	return nil
}
