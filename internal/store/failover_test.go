package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"liangxin/internal/store"
)

// EnvFailover names a multi-host PostgreSQL URL with
// target_session_attrs=read-write. With it set, TestFailoverReconnects
// writes every 50 ms for up to LIANGXIN_TEST_FAILOVER_SECONDS (default 60)
// while the operator stops the primary and promotes the replica by hand
// (docs/operations.md, "Read replicas"), and reports how long writes
// failed. It checks that the pool reconnects by itself: the last write
// succeeds on a host that is not in recovery.
const EnvFailover = "LIANGXIN_TEST_FAILOVER"

func TestFailoverReconnects(t *testing.T) {
	url := os.Getenv(EnvFailover)
	if url == "" {
		t.Skip("no failover exercise (" + EnvFailover + ")")
	}
	limit := 60 * time.Second
	if s := os.Getenv("LIANGXIN_TEST_FAILOVER_SECONDS"); s != "" {
		d, err := time.ParseDuration(s + "s")
		if err != nil {
			t.Fatal(err)
		}
		limit = d
	}
	ctx := context.Background()
	db, err := store.OpenPostgres(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS failover_probe (n bigint)`); err != nil {
		t.Fatal(err)
	}
	var firstFail, lastFail time.Time
	fails, oks := 0, 0
	end := time.Now().Add(limit)
	var lastErr error
	for time.Now().Before(end) {
		wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := db.ExecContext(wctx, `INSERT INTO failover_probe VALUES (1)`)
		cancel()
		if err != nil {
			fails++
			lastErr = err
			if firstFail.IsZero() {
				firstFail = time.Now()
			}
			lastFail = time.Now()
		} else {
			oks++
		}
		time.Sleep(50 * time.Millisecond)
	}
	var standby bool
	if err := db.QueryRowContext(ctx, `SELECT pg_is_in_recovery()`).Scan(&standby); err != nil || standby {
		t.Fatalf("after the exercise: standby %v, %v", standby, err)
	}
	if fails == 0 {
		t.Logf("no write failed (%d writes): was the primary stopped?", oks)
		return
	}
	t.Logf("%d writes ok, %d failed; writes failed for %v (last error: %v)", oks, fails, lastFail.Sub(firstFail), lastErr)
}
