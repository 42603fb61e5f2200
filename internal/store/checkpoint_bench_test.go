package store_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"liangxin/internal/store"
)

// BenchmarkWritesUnderReads measures write transactions (an UPDATE and an
// audit-like INSERT of about 1 KB) while four readers run short queries
// without pause, on SQLite with the default checkpoints in the committing
// writer ("autocheckpoint", the form before issue 18) and with the
// background checkpointer; it reports the writes' p99 and the log's size at
// the end. The sub-benchmarks alternate with -count, so both see the same
// machine load:
//
//	go test ./internal/store/ -run '^$' -bench WritesUnderReads -benchtime 4000x -count 3
func BenchmarkWritesUnderReads(b *testing.B) {
	for _, mode := range []string{"autocheckpoint", "checkpointer"} {
		b.Run(mode, func(b *testing.B) {
			db, err := store.OpenSQLite(ctx, filepath.Join(b.TempDir(), store.SQLiteFile))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if mode == "autocheckpoint" {
				if err := store.UseAutocheckpoint(db); err != nil {
					b.Fatal(err)
				}
			}
			for _, q := range []string{`CREATE TABLE bw_rows (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, body TEXT NOT NULL)`,
				`CREATE TABLE bw_log (id INTEGER PRIMARY KEY, row_id INTEGER NOT NULL, body TEXT NOT NULL)`,
				`CREATE INDEX bw_log_row ON bw_log (row_id)`} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			const rows = 20000
			pad := strings.Repeat("x", 500)
			if err := db.InTx(ctx, func(tx *sql.Tx) error {
				for i := 1; i <= rows; i++ {
					if _, err := tx.ExecContext(ctx, `INSERT INTO bw_rows (id, n, body) VALUES (?, 0, ?)`, i, pad); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for r := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rng := rand.New(rand.NewPCG(uint64(r), 1))
					for {
						select {
						case <-stop:
							return
						default:
						}
						lo := rng.IntN(rows)
						var s sql.NullInt64
						_ = db.QueryRowContext(ctx, `SELECT SUM(n) FROM bw_rows WHERE id BETWEEN ? AND ?`, lo, lo+200).Scan(&s)
					}
				}()
			}
			body := strings.Repeat("审计", 170)
			rng := rand.New(rand.NewPCG(9, 9))
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				id := 1 + rng.IntN(rows)
				t0 := time.Now()
				if err := db.InTx(ctx, func(tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, `UPDATE bw_rows SET n = n + 1 WHERE id = ?`, id); err != nil {
						return err
					}
					_, err := tx.ExecContext(ctx, `INSERT INTO bw_log (row_id, body) VALUES (?, ?)`, id, fmt.Sprint(i, body))
					return err
				}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(db.WALSize())/(1<<20), "wal-MB")
		})
	}
}
