package xlsx_test

import (
	"errors"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liangxin/internal/xlsx"
)

// BenchmarkHostileUploads reads the hostile uploads of issue 12, four at
// once as four users might send them, and reports the peak live heap seen
// while they are read (sampled every millisecond) beside the time. The
// figures go to docs/benchmarks.md; nothing here asserts a time or a size.
//
//	go test -run '^$' -bench HostileUploads -benchtime 3x ./internal/xlsx/
func BenchmarkHostileUploads(b *testing.B) {
	books := []struct {
		name string
		data []byte
	}{
		{"cell190MB", hostileBook(b, func(w io.Writer) {
			io.WriteString(w, headerRow+`<row r="2"><c r="A2" t="inlineStr"><is><t>`)
			repeat(w, "a", 190<<20)
			io.WriteString(w, `</t></is></c></row>`)
		}, nil)},
		{"sharedStrings7.6M", hostileBook(b, func(w io.Writer) {
			io.WriteString(w, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`)
		}, func(w io.Writer) { repeat(w, `<si><t>x</t></si>`, 7600000) })},
		{"sharedText60MB", hostileBook(b, func(w io.Writer) { io.WriteString(w, headerRow) }, func(w io.Writer) {
			s := `<si><t>` + strings.Repeat("c", 30000) + `</t></si>`
			for range 2000 {
				io.WriteString(w, s)
			}
		})},
		{"row5Mcells", hostileBook(b, func(w io.Writer) {
			io.WriteString(w, headerRow+`<row r="2">`)
			repeat(w, `<c><v>1</v></c>`, 5000000)
			io.WriteString(w, `</row>`)
		}, nil)},
	}
	for _, bk := range books {
		b.Run(bk.name, func(b *testing.B) {
			runtime.GC()
			base := liveHeap()
			var peak atomic.Uint64
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				t := time.NewTicker(time.Millisecond)
				defer t.Stop()
				for {
					if h := liveHeap(); h > peak.Load() {
						peak.Store(h)
					}
					select {
					case <-stop:
						return
					case <-t.C:
					}
				}
			}()
			for b.Loop() {
				var wg sync.WaitGroup
				for range 4 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if err := readErr(b, bk.data, xlsx.Limits{}); !errors.Is(err, xlsx.ErrLimit) {
							b.Errorf("%s: %v", bk.name, err)
						}
					}()
				}
				wg.Wait()
			}
			close(stop)
			<-done
			b.ReportMetric(float64(len(bk.data))/1024, "upload-KB")
			b.ReportMetric(float64(peak.Load()-min(base, peak.Load()))/(1<<20), "peak-heap-MB")
		})
	}
}

// liveHeap is the bytes of heap objects (live and not yet swept).
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
