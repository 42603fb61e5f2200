// Package readcache keeps computed report results (compliance, coverage,
// the home page's region figures) between requests (issue 18 target 3).
//
// An entry is keyed by the endpoint, its canonical parameters and the
// caller's data scope (actor role, region scope and bindings), and holds
// the value with the data generation it was computed at
// (store.ReadGeneration). A lookup reads the current generation from the
// pool the computation would read from and serves the entry only when the
// generation is the same: every figure-changing write on any node bumps it
// after its commit (internal/store/generation.go), so an entry never
// outlives a write, and a caller whose own write has committed never gets a
// result from before it. Concurrent misses of one key at one generation
// compute once. Entries also expire after a safety TTL, and the cache is
// bounded in entries and in bytes (least recently used out first).
//
// Cached values are shared between callers: they must not be modified.
package readcache

import (
	"container/list"
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"liangxin/internal/actor"
	"liangxin/internal/store"
)

// Defaults of Config.
const (
	DefaultTTL        = 5 * time.Minute
	DefaultMaxEntries = 2000
	DefaultMaxBytes   = 64 << 20
)

// Config bounds a cache.
type Config struct {
	// TTL is the safety limit of an entry's age (0: DefaultTTL; negative:
	// the cache is off and every call computes).
	TTL time.Duration
	// MaxEntries and MaxBytes bound the cache (0: the defaults). The size
	// of an entry is that of its value's JSON encoding.
	MaxEntries int
	MaxBytes   int64
}

// GenerationSource reads the current data generation and returns the
// context the computation must use (*store.DB).
type GenerationSource interface {
	ReadGeneration(ctx context.Context) (store.Generation, context.Context, error)
}

// Cache is a bounded read cache. A nil *Cache computes every time.
type Cache struct {
	src GenerationSource
	cfg Config
	now func() time.Time

	mu      sync.Mutex
	lru     *list.List // of *entry, most recent first
	entries map[string]*list.Element
	bytes   int64
	flights map[string]*flight

	hits, misses *prometheus.CounterVec
	size         prometheus.GaugeFunc
}

type entry struct {
	key   string
	gen   store.Generation
	at    time.Time
	value any
	bytes int64
}

type flight struct {
	done  chan struct{}
	value any
	err   error
	// waiters counts the callers still waiting (guarded by Cache.mu);
	// cancel stops the computation once none remains.
	waiters int
	cancel  context.CancelFunc
}

// New returns a cache reading generations from src.
func New(src GenerationSource, cfg Config) *Cache {
	if cfg.TTL == 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = DefaultMaxEntries
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	c := &Cache{src: src, cfg: cfg, now: time.Now, lru: list.New(), entries: map[string]*list.Element{}, flights: map[string]*flight{},
		hits: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liangxin_readcache_hits_total",
			Help: "Report results served from the read cache, by endpoint."}, []string{"endpoint"}),
		misses: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liangxin_readcache_misses_total",
			Help: "Report results computed because the read cache held none for the current data generation, by endpoint."}, []string{"endpoint"}),
	}
	c.size = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "liangxin_readcache_bytes",
		Help: "Bytes held by the read cache (JSON size of its values)."}, func() float64 {
		c.mu.Lock()
		defer c.mu.Unlock()
		return float64(c.bytes)
	})
	return c
}

// Collectors returns the cache's Prometheus metrics.
func (c *Cache) Collectors() []prometheus.Collector {
	return []prometheus.Collector{c.hits, c.misses, c.size}
}

// Len returns the number of entries.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Bytes returns the bytes held.
func (c *Cache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// Scope is the part of the caller that decides what a report contains:
// role, region scope and the bindings to one party organization,
// instructor, handler unit or member.
func Scope(ctx context.Context) string {
	a, ok := actor.From(ctx)
	if !ok {
		return "anonymous"
	}
	return fmt.Sprintf("role=%s|scope=%s|po=%d|in=%d|hu=%d|me=%d|sys=%t", a.Role, a.Scope, a.PartyOrgID, a.InstructorID, a.HandlerUnitID, a.MemberID, a.System)
}

// Key builds the canonical key of an endpoint's parameters: name=value
// pairs in the order given (callers list every parameter, defaults
// resolved).
func Key(endpoint string, kv ...any) string {
	var b strings.Builder
	b.WriteString(endpoint)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, "|%v=%q", kv[i], fmt.Sprint(kv[i+1]))
	}
	return b.String()
}

// Get returns the value of key for ctx's caller: from the cache when it
// holds one computed at the current data generation, else from compute
// (once for concurrent callers of the same key and generation), which then
// goes into the cache. endpoint labels the metrics; key comes from Key.
// compute must read with the context it is given.
func Get[T any](ctx context.Context, c *Cache, endpoint, key string, compute func(ctx context.Context) (T, error)) (T, error) {
	if c == nil || c.cfg.TTL < 0 {
		return compute(ctx)
	}
	full := key + "#" + Scope(ctx)
	gen, cctx, err := c.src.ReadGeneration(ctx)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("readcache: generation: %w", err)
	}
	if v, ok := c.lookup(full, gen); ok {
		c.hits.WithLabelValues(endpoint).Inc()
		return v.(T), nil
	}
	c.misses.WithLabelValues(endpoint).Inc()
	v, err := c.do(cctx, full, gen, func(ctx context.Context) (any, error) { return compute(ctx) })
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

func (c *Cache) lookup(key string, gen store.Generation) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*entry)
	if e.gen != gen || c.now().Sub(e.at) >= c.cfg.TTL {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return e.value, true
}

// do computes key at gen once for every concurrent caller asking for the
// same key at the same generation (a caller at another generation must not
// get a result computed before its own write) and stores the result.
//
// The computation runs on its own goroutine with a context that outlives
// the caller who started it, since others may wait on it; when every
// waiter has gone away (their contexts done) it is cancelled and the
// flight forgotten, so a later caller starts afresh instead of joining a
// cancelled computation.
func (c *Cache) do(ctx context.Context, key string, gen store.Generation, compute func(ctx context.Context) (any, error)) (any, error) {
	fk := fmt.Sprintf("%s@%d.%d", key, gen.DB, gen.Local)
	c.mu.Lock()
	f, ok := c.flights[fk]
	if ok {
		f.waiters++
	} else {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight{done: make(chan struct{}), waiters: 1, cancel: cancel}
		c.flights[fk] = f
		go c.run(fctx, fk, key, gen, f, compute)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.value, f.err
	case <-ctx.Done():
		c.mu.Lock()
		f.waiters--
		if f.waiters == 0 {
			f.cancel()
			if c.flights[fk] == f {
				delete(c.flights, fk)
			}
		}
		c.mu.Unlock()
		return nil, ctx.Err()
	}
}

// run computes a flight, stores a successful result and wakes its waiters.
// A panic in compute is its waiters' error (the goroutine is not a request's,
// whose panics the HTTP server recovers), with the stack.
func (c *Cache) run(ctx context.Context, fk, key string, gen store.Generation, f *flight, compute func(ctx context.Context) (any, error)) {
	defer f.cancel()
	func() {
		defer func() {
			if p := recover(); p != nil {
				f.value, f.err = nil, fmt.Errorf("readcache: computing %s: panic: %v\n%s", key, p, debug.Stack())
			}
		}()
		f.value, f.err = compute(ctx)
	}()
	if f.err == nil && ctx.Err() == nil {
		c.store(key, gen, f.value)
	}
	c.mu.Lock()
	if c.flights[fk] == f {
		delete(c.flights, fk)
	}
	c.mu.Unlock()
	close(f.done)
}

func (c *Cache) store(key string, gen store.Generation, v any) {
	var size int64
	if b, ok := v.([]byte); ok {
		size = int64(len(b))
	} else {
		b, err := json.Marshal(v)
		if err != nil {
			return
		}
		size = int64(len(b))
	}
	size += int64(len(key) + 64)
	if size > c.cfg.MaxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	c.entries[key] = c.lru.PushFront(&entry{key: key, gen: gen, at: c.now(), value: v, bytes: size})
	c.bytes += size
	for c.lru.Len() > c.cfg.MaxEntries || c.bytes > c.cfg.MaxBytes {
		c.remove(c.lru.Back())
	}
}

func (c *Cache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*entry)
	delete(c.entries, e.key)
	c.bytes -= e.bytes
}
