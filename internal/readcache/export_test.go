package readcache

import (
	"runtime"
	"strings"
)

// AwaitWaiters blocks until the flights of key (any scope, any generation)
// have n waiters in all, yielding the processor in between.
func (c *Cache) AwaitWaiters(key string, n int) {
	for {
		c.mu.Lock()
		got := 0
		for fk, f := range c.flights {
			if strings.HasPrefix(fk, key+"#") {
				got += f.waiters
			}
		}
		c.mu.Unlock()
		if got == n {
			return
		}
		runtime.Gosched()
	}
}
