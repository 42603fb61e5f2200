package main

import (
	"fmt"
	"os"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"modernc.org/libc"
)

// memTrace prints, every interval, the importer's resident size beside what
// the Go runtime has mapped, its live heap, and what SQLite's C allocator
// (modernc.org/libc) has mapped — the last only in a binary built with
// `-tags memory.counters`, 0 otherwise — with the import's phase, so that
// memory outside Go's heap can be told apart and placed in time
// (investigation aid, -memtrace). It returns a function that sets the phase
// and one that stops the trace.
func memTrace(every time.Duration) (setPhase func(string), stop func()) {
	var phase atomic.Value
	phase.Store("start")
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/total:bytes"},
			{Name: "/memory/classes/heap/released:bytes"}}
		var maxC uint64
		line := func() {
			metrics.Read(sample)
			c := uint64(libc.MemStat().Bytes)
			maxC = max(maxC, c)
			fmt.Fprintf(os.Stderr, "memtrace %6.1fs %-10s rss %5.1f MB  go mapped %5.1f MB  live heap %5.1f MB  sqlite (libc) %5.1f MB\n",
				time.Since(start).Seconds(), phase.Load(), float64(vmRSS())/1e6,
				float64(sample[1].Value.Uint64()-sample[2].Value.Uint64())/1e6, float64(sample[0].Value.Uint64())/1e6, float64(c)/1e6)
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				line()
				fmt.Fprintf(os.Stderr, "memtrace: sqlite (libc) largest %.1f MB, peak RSS %.0f MB\n", float64(maxC)/1e6, vmHWM())
				return
			case <-t.C:
				line()
			}
		}
	}()
	return func(p string) { phase.Store(p) }, func() { close(done); <-finished }
}
