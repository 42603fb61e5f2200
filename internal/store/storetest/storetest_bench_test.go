package storetest

import "testing"

// BenchmarkOpen measures the set-up every store test pays: a fresh, migrated
// database (go test -run '^$' -bench Open ./internal/store/storetest/, with
// LIANGXIN_TEST_POSTGRES set for PostgreSQL). Each database is closed (and
// its schema dropped) when the benchmark ends.
func BenchmarkOpen(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Open(b)
	}
}
