package readcache_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/readcache"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// fixture is a cached "report": the number of settings rows whose key
// starts with a prefix (the parameter), computed from the database.
type fixture struct {
	db       *store.DB
	cache    *readcache.Cache
	computes atomic.Int64
}

func newFixture(t *testing.T, src readcache.GenerationSource) *fixture {
	db := storetest.Open(t)
	if src == nil {
		src = db
	}
	return &fixture{db: db, cache: readcache.New(src, readcache.Config{})}
}

func (f *fixture) direct(ctx context.Context, db *store.DB, prefix string) (int, error) {
	var n int
	err := db.QueryRow(ctx, db, `SELECT COUNT(*) FROM settings WHERE key LIKE ?`, prefix+"%").Scan(&n)
	return n, err
}

func (f *fixture) get(t *testing.T, ctx context.Context, prefix string) int {
	t.Helper()
	n, err := readcache.Get(ctx, f.cache, "test", readcache.Key("test", "prefix", prefix), func(ctx context.Context) (int, error) {
		f.computes.Add(1)
		return f.direct(ctx, f.db, prefix)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func insertTx(t *testing.T, ctx context.Context, db *store.DB, key string) {
	t.Helper()
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := db.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, '1')`, key)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func insertDirect(t *testing.T, ctx context.Context, db *store.DB, key string) {
	t.Helper()
	if _, err := db.Exec(ctx, db, `INSERT INTO settings (key, value) VALUES (?, '1')`, key); err != nil {
		t.Fatal(err)
	}
}

var district = actor.With(context.Background(), actor.Actor{UserID: 1, Role: "district", Scope: "430426"})

func TestHitUntilAWriteThenTheNewFigure(t *testing.T) {
	f := newFixture(t, nil)
	ctx := district
	if n := f.get(t, ctx, "rc_"); n != 0 {
		t.Fatalf("first read %d, want 0", n)
	}
	if n := f.get(t, ctx, "rc_"); n != 0 || f.computes.Load() != 1 {
		t.Fatalf("second read %d after %d computations, want 0 after 1 (a hit)", n, f.computes.Load())
	}
	insertTx(t, ctx, f.db, "rc_1")
	if n := f.get(t, ctx, "rc_"); n != 1 {
		t.Fatalf("read after a write transaction %d, want 1", n)
	}
	insertDirect(t, ctx, f.db, "rc_2")
	if n := f.get(t, ctx, "rc_"); n != 2 {
		t.Fatalf("read after a write outside a transaction %d, want 2", n)
	}
	if f.computes.Load() != 3 {
		t.Errorf("%d computations, want 3", f.computes.Load())
	}
}

// A write made through another store.DB on the same database (another
// node) invalidates this node's entries: the generation is in the database.
func TestWriteOnAnotherNodeInvalidates(t *testing.T) {
	f := newFixture(t, nil)
	other := storetest.Reopen(t, f.db)
	ctx := district
	if n := f.get(t, ctx, "rc_"); n != 0 {
		t.Fatalf("first read %d", n)
	}
	insertTx(t, ctx, other, "rc_a")
	if n := f.get(t, ctx, "rc_"); n != 1 {
		t.Fatalf("after the other node's transaction %d, want 1", n)
	}
	insertDirect(t, ctx, other, "rc_b")
	if n := f.get(t, ctx, "rc_"); n != 2 {
		t.Fatalf("after the other node's single write %d, want 2", n)
	}
}

// A Quiet write does not bump the generation: the entry stays (here it
// is deliberately stale, which shows that nothing invalidated it).
func TestQuietWriteKeepsTheEntry(t *testing.T) {
	f := newFixture(t, nil)
	ctx := district
	f.get(t, ctx, "rc_")
	insertTx(t, store.Quiet(ctx), f.db, "rc_quiet")
	insertDirect(t, store.Quiet(ctx), f.db, "rc_quiet2")
	if n := f.get(t, ctx, "rc_"); n != 0 || f.computes.Load() != 1 {
		t.Fatalf("after quiet writes: %d after %d computations, want the cached 0 after 1", n, f.computes.Load())
	}
}

// Entries are per scope: another jurisdiction never gets this one's value.
func TestKeyedByScope(t *testing.T) {
	f := newFixture(t, nil)
	street := actor.With(context.Background(), actor.Actor{UserID: 2, Role: "street", Scope: "430426001"})
	sameScopeOtherUser := actor.With(context.Background(), actor.Actor{UserID: 3, Role: "district", Scope: "430426"})
	f.get(t, district, "rc_")
	f.get(t, street, "rc_")
	if f.computes.Load() != 2 {
		t.Fatalf("%d computations for two scopes, want 2", f.computes.Load())
	}
	f.get(t, sameScopeOtherUser, "rc_")
	if f.computes.Load() != 2 {
		t.Errorf("another user of the same role and scope computed again (%d computations)", f.computes.Load())
	}
	if readcache.Scope(district) == readcache.Scope(street) {
		t.Error("district and street share a scope key")
	}
}

// Concurrent misses of one key compute once.
func TestConcurrentMissesComputeOnce(t *testing.T) {
	f := newFixture(t, nil)
	started, release := make(chan struct{}), make(chan struct{})
	var computes atomic.Int64
	get := func() (int, error) {
		return readcache.Get(district, f.cache, "test", "k", func(ctx context.Context) (int, error) {
			if computes.Add(1) == 1 {
				close(started)
				<-release
			}
			return 7, nil
		})
	}
	var wg sync.WaitGroup
	results := make([]int, 8)
	wg.Add(1)
	go func() { defer wg.Done(); results[0], _ = get() }()
	<-started
	for i := 1; i < len(results); i++ {
		wg.Add(1)
		go func() { defer wg.Done(); results[i], _ = get() }()
	}
	close(release)
	wg.Wait()
	if computes.Load() != 1 {
		t.Errorf("%d computations for 8 concurrent readers, want 1", computes.Load())
	}
	for i, r := range results {
		if r != 7 {
			t.Errorf("reader %d got %d", i, r)
		}
	}
}

func TestBounded(t *testing.T) {
	db := storetest.Open(t)
	c := readcache.New(db, readcache.Config{MaxEntries: 3})
	for i := range 10 {
		if _, err := readcache.Get(district, c, "test", fmt.Sprint(i), func(context.Context) (string, error) { return "v", nil }); err != nil {
			t.Fatal(err)
		}
	}
	if c.Len() != 3 {
		t.Errorf("%d entries, want at most 3", c.Len())
	}
	small := readcache.New(db, readcache.Config{MaxBytes: 1000})
	for i := range 10 {
		if _, err := readcache.Get(district, small, "test", fmt.Sprint(i), func(context.Context) ([]byte, error) { return make([]byte, 300), nil }); err != nil {
			t.Fatal(err)
		}
	}
	if small.Bytes() > 1000 || small.Len() == 0 {
		t.Errorf("%d bytes in %d entries, want at most 1000 in at least one", small.Bytes(), small.Len())
	}
}

// randomized runs a random sequence of writes (transactions and single
// statements, on this node and on another, quiet ones on a table no figure
// reads) and reads of several keys, and returns the first read whose cached
// answer differs from the one computed directly ("" when none does).
func randomized(t *testing.T, f *fixture, seed uint64) string {
	ctx := district
	other := storetest.Reopen(t, f.db)
	rng := rand.New(rand.NewPCG(seed, 1))
	prefixes := []string{"rc_a", "rc_b", "rc_"}
	for i := range 120 {
		switch rng.IntN(6) {
		case 0:
			insertTx(t, ctx, f.db, fmt.Sprintf("%s%d", prefixes[rng.IntN(2)], i))
		case 1:
			insertDirect(t, ctx, f.db, fmt.Sprintf("%s%d", prefixes[rng.IntN(2)], i))
		case 2:
			insertTx(t, ctx, other, fmt.Sprintf("%s%d", prefixes[rng.IntN(2)], i))
		case 3:
			// A quiet write elsewhere: changes no figure.
			if _, err := f.db.Exec(store.Quiet(ctx), f.db, `INSERT INTO rate_limits (bucket, window_start, n) VALUES (?, '2026-01-01T00:00:00.000000Z', 1)`, fmt.Sprint(i)); err != nil {
				t.Fatal(err)
			}
		default:
			p := prefixes[rng.IntN(len(prefixes))]
			got := f.get(t, ctx, p)
			want, err := f.direct(ctx, f.db, p)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				return fmt.Sprintf("step %d: cached %s = %d, computed %d", i, p, got, want)
			}
		}
	}
	return ""
}

func TestCachedEqualsUncachedOverRandomWrites(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		f := newFixture(t, nil)
		if msg := randomized(t, f, seed); msg != "" {
			t.Errorf("seed %d: %s", seed, msg)
		}
		if f.computes.Load() == 0 {
			t.Errorf("seed %d: nothing computed", seed)
		}
	}
}

// frozen is a broken invalidation: it reports the generation of the first
// read forever.
type frozen struct {
	db   *store.DB
	once sync.Once
	g    store.Generation
}

func (s *frozen) ReadGeneration(ctx context.Context) (store.Generation, context.Context, error) {
	var err error
	s.once.Do(func() { s.g, _, err = s.db.ReadGeneration(ctx) })
	return s.g, ctx, err
}

// The randomized comparison catches a cache whose invalidation is broken.
func TestBrokenInvalidationIsCaught(t *testing.T) {
	db := storetest.Open(t)
	f := &fixture{db: db, cache: readcache.New(&frozen{db: db}, readcache.Config{})}
	if msg := randomized(t, f, 1); msg == "" {
		t.Fatal("a cache that never sees a new generation passed the randomized comparison")
	}
}

func TestNilCacheComputes(t *testing.T) {
	n := 0
	for range 2 {
		if _, err := readcache.Get(district, nil, "test", "k", func(context.Context) (int, error) { n++; return n, nil }); err != nil {
			t.Fatal(err)
		}
	}
	if n != 2 {
		t.Errorf("a nil cache computed %d times, want 2", n)
	}
}

// A computation keeps running while one of its callers still waits, and
// stops once the last one has gone away; the next caller computes afresh.
func TestFlightCancelledWhenNoWaiterRemains(t *testing.T) {
	f := newFixture(t, nil)
	started := make(chan context.Context, 2)
	var computes atomic.Int64
	compute := func(ctx context.Context) (int, error) {
		if computes.Add(1) == 1 {
			started <- ctx
			<-ctx.Done() // a computation that only ends when cancelled
			return 0, ctx.Err()
		}
		return 9, nil
	}
	type result struct {
		n   int
		err error
	}
	ctx1, cancel1 := context.WithCancel(district)
	ctx2, cancel2 := context.WithCancel(district)
	done1, done2 := make(chan result, 1), make(chan result, 1)
	go func() { n, err := readcache.Get(ctx1, f.cache, "test", "slow", compute); done1 <- result{n, err} }()
	flightCtx := <-started
	go func() { n, err := readcache.Get(ctx2, f.cache, "test", "slow", compute); done2 <- result{n, err} }()
	f.cache.AwaitWaiters("slow", 2)

	cancel1()
	if r := <-done1; r.err == nil {
		t.Fatalf("the caller who gave up got %d, want its context's error", r.n)
	}
	if err := flightCtx.Err(); err != nil {
		t.Fatalf("the computation was cancelled (%v) while a second caller still waited", err)
	}
	cancel2()
	if r := <-done2; r.err == nil {
		t.Fatalf("the second caller got %d after giving up, want its context's error", r.n)
	}
	if flightCtx.Err() == nil {
		t.Fatal("the computation still runs after every caller has gone away")
	}
	if n, err := readcache.Get(district, f.cache, "test", "slow", compute); err != nil || n != 9 {
		t.Fatalf("a later caller got %d, %v; want a fresh computation's 9", n, err)
	}
}

// A computation that panics fails its callers' requests, not the process.
func TestPanicIsTheCallersError(t *testing.T) {
	f := newFixture(t, nil)
	_, err := readcache.Get(district, f.cache, "test", "boom", func(ctx context.Context) (int, error) { panic("boom") })
	if err == nil {
		t.Fatal("a panicking computation returned no error")
	}
	if n, err := readcache.Get(district, f.cache, "test", "boom", func(ctx context.Context) (int, error) { return 3, nil }); err != nil || n != 3 {
		t.Fatalf("after a panic: %d, %v; want a fresh computation's 3", n, err)
	}
}
