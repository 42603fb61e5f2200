package sheetexport_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"liangxin/internal/audit"
	"liangxin/internal/sheetexport"
	"liangxin/internal/store/storetest"
)

// BenchmarkWrite streams n generated rows of 10 text columns, walked in
// pages of 500 like a list, and reports the peak live heap sampled during
// the run: it should stay flat as n grows tenfold (bounded memory), where a
// whole-table export would grow with n.
//
//	go test -run '^$' -bench Write -benchmem ./internal/sheetexport/
func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{20_000, 200_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			db := storetest.Open(b)
			log := &audit.Logger{DB: db, Now: time.Now}
			src := sheetexport.Paged(func(_ context.Context, page, size int) ([]person, int, error) {
				var out []person
				for i := (page - 1) * size; i < page*size && i < n; i++ {
					out = append(out, person{Name: fmt.Sprintf("=党员%07d", i), Phone: fmt.Sprintf("138%08d", i), Age: i % 90})
				}
				return out, n, nil
			})
			sheet := sheetexport.One("名单", []string{"姓名", "电话", "年龄", "甲", "乙", "丙", "丁", "戊", "己", "庚"}, nil, src,
				func(p person) []any {
					return []any{p.Name, p.Phone, p.Age, "洪桥街道", "南湖区", "两新组织", "2026-12-06", "正式党员", "大学本科", "联合党支部"}
				})
			var peak uint64
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				runtime.GC()
				stop := make(chan struct{})
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					var ms runtime.MemStats
					for {
						runtime.ReadMemStats(&ms)
						if ms.HeapInuse > peak {
							peak = ms.HeapInuse
						}
						select {
						case <-stop:
							return
						case <-time.After(20 * time.Millisecond):
						}
					}
				}()
				_, err := sheetexport.Write(context.Background(), sheetexport.Target{W: io.Discard},
					sheetexport.Audit{Logger: log, DB: db, Entity: "bench", Note: func(n int) string { return fmt.Sprint(n) }}, sheet)
				close(stop)
				wg.Wait()
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}
