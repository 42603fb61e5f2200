package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"
)

// LSN is a PostgreSQL write-ahead log position (pg_lsn) as a number.
type LSN uint64

// ParseLSN reads the text form of a pg_lsn, "16/B374D848".
func ParseLSN(s string) (LSN, error) {
	hi, lo, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, fmt.Errorf("store: bad LSN %q", s)
	}
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("store: bad LSN %q", s)
	}
	return LSN(h<<32 | l), nil
}

// String is the pg_lsn text form.
func (l LSN) String() string {
	return fmt.Sprintf("%X/%X", uint64(l)>>32, uint64(l)&0xFFFFFFFF)
}

// ReplicaState is what one probe of the replica found.
type ReplicaState struct {
	// InRecovery is false when the "replica" is a primary (promoted after a
	// failover, or the same database in tests): it is then never behind.
	InRecovery bool
	// ReplayLSN is the position the replica has replayed up to (its own
	// current position when not in recovery).
	ReplayLSN LSN
	// LagBytes is how far the replay is behind the primary's current position.
	LagBytes int64
	// LagSeconds is how old the newest state of the primary is that the
	// replica has wholly replayed (lsnClock), while it is behind; 0 once it
	// has replayed everything the primary wrote.
	LagSeconds float64
}

// LagProbe measures the replica against the primary. The PostgreSQL probe
// is the only one in production; tests inject lag through it.
type LagProbe interface {
	Probe(ctx context.Context) (ReplicaState, error)
}

// Replica is a read-only pool on a streaming replica with its health: the
// last probe's state, whether it was reachable, and the lag allowed.
type Replica struct {
	pool    *sql.DB
	primary *sql.DB
	// MaxLag: when the replica is further behind, reads go to the primary.
	MaxLag time.Duration
	Log    *slog.Logger

	mu       sync.Mutex
	probe    LagProbe
	state    ReplicaState
	probed   bool   // at least one probe answered
	down     string // last error, "" when reachable
	fallback string // why reads go to the primary now ("" when they do not)

	reads       *prometheus.CounterVec
	fallbacks   prometheus.Counter
	lagBytes    prometheus.Gauge
	lagSeconds  prometheus.Gauge
	usable      prometheus.Gauge
	probeErrors prometheus.Counter
}

// AttachReplica opens a read-only pool on the replica at url (a PostgreSQL
// URL; the schema in use on the primary is used there too) and makes
// Report use it. SQLite has no replica: the call is refused.
func (db *DB) AttachReplica(ctx context.Context, url string, maxLag time.Duration, log *slog.Logger) (*Replica, error) {
	if db.Dialect != Postgres {
		return nil, errors.New("只读副本（--db-replica）只能用于 PostgreSQL：内置 SQLite 只有一个数据库文件，没有副本，请不要设置该项")
	}
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return nil, fmt.Errorf("只读副本地址（--db-replica）无效：请使用 postgres://… 形式的地址")
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("只读副本地址（--db-replica）无效：%w", err)
	}
	if db.Schema != "" {
		cfg.RuntimeParams["search_path"] = db.Schema
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	// Named in pg_stat_activity (and in the routing tests).
	cfg.RuntimeParams["application_name"] = "liangxin-replica"
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(20)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		// A replica that is down at start-up is not fatal: reads go to the
		// primary until a probe reaches it.
		if log != nil {
			log.Warn("read replica unreachable at start; reads use the primary", "replica", redact(url), "err", err)
		}
	}
	r := newReplica(pool, db.DB, maxLag, log)
	r.probe = pgProbe{primary: db.DB, replica: pool, clock: &lsnClock{}}
	r.usable.Set(0)
	db.replica = r
	return r, nil
}

func newReplica(pool, primary *sql.DB, maxLag time.Duration, log *slog.Logger) *Replica {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Replica{
		pool: pool, primary: primary, MaxLag: maxLag, Log: log, fallback: "副本尚未探测",
		reads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liangxin_db_report_reads_total",
			Help: "Read-only report transactions by the database that served them (primary or replica)."}, []string{"target"}),
		fallbacks: prometheus.NewCounter(prometheus.CounterOpts{Name: "liangxin_db_replica_fallbacks_total",
			Help: "Times reads switched from the replica to the primary (lag above the limit or replica unreachable)."}),
		lagBytes: prometheus.NewGauge(prometheus.GaugeOpts{Name: "liangxin_db_replica_lag_bytes",
			Help: "Write-ahead log bytes the replica has not replayed yet (last probe)."}),
		lagSeconds: prometheus.NewGauge(prometheus.GaugeOpts{Name: "liangxin_db_replica_lag_seconds",
			Help: "Seconds the replica's replay is behind the primary (0 when caught up; last probe)."}),
		usable: prometheus.NewGauge(prometheus.GaugeOpts{Name: "liangxin_db_replica_usable",
			Help: "1 when reads may go to the replica (reachable and within the allowed lag), else 0."}),
		probeErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "liangxin_db_replica_probe_errors_total",
			Help: "Replica lag probes that failed (replica or primary unreachable)."}),
	}
}

// Replica returns the attached replica, or nil.
func (db *DB) Replica() *Replica { return db.replica }

// SetProbe replaces the lag probe (tests inject lag or an outage).
func (r *Replica) SetProbe(p LagProbe) {
	r.mu.Lock()
	r.probe = p
	r.mu.Unlock()
}

// Collectors returns the replica's Prometheus metrics.
func (r *Replica) Collectors() []prometheus.Collector {
	return []prometheus.Collector{r.reads, r.fallbacks, r.lagBytes, r.lagSeconds, r.usable, r.probeErrors}
}

// Refresh probes the replica once and updates its state and metrics.
func (r *Replica) Refresh(ctx context.Context) {
	r.mu.Lock()
	p := r.probe
	r.mu.Unlock()
	st, err := p.Probe(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		r.probeErrors.Inc()
		r.down = err.Error()
	} else {
		r.state, r.probed, r.down = st, true, ""
		r.lagBytes.Set(float64(st.LagBytes))
		r.lagSeconds.Set(st.LagSeconds)
	}
	r.judge()
}

// markDown records that the replica failed a request between probes.
func (r *Replica) markDown(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = err.Error()
	r.judge()
}

// judge decides, under mu, whether reads may use the replica, logging and
// counting each switch once.
func (r *Replica) judge() {
	why := ""
	switch {
	case r.down != "":
		why = "副本不可达：" + r.down
	case !r.probed:
		why = "副本尚未探测"
	case r.state.LagSeconds > r.MaxLag.Seconds():
		why = fmt.Sprintf("副本延迟 %.1f 秒，超过上限 %.0f 秒", r.state.LagSeconds, r.MaxLag.Seconds())
	}
	was := r.fallback
	r.fallback = why
	if why == "" {
		r.usable.Set(1)
		if was != "" {
			r.Log.Info("read replica usable again; reads go to the replica")
		}
		return
	}
	r.usable.Set(0)
	if was == "" {
		r.fallbacks.Inc()
		r.Log.Warn("reads fall back to the primary", "reason", why)
	}
}

// Run probes the replica every interval until ctx ends.
func (r *Replica) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, every+2*time.Second)
		r.Refresh(pctx)
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Status describes the replica for the status endpoint.
func (r *Replica) Status() map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[string]any{"usable": r.fallback == "", "lag_bytes": r.state.LagBytes, "lag_seconds": r.state.LagSeconds,
		"max_lag_seconds": r.MaxLag.Seconds()}
	switch {
	case r.fallback == "":
	case r.down != "":
		m["fallback"] = "unreachable"
	case !r.probed:
		m["fallback"] = "not_probed"
	default:
		m["fallback"] = "lag"
	}
	return m
}

// pick reports whether a read in ctx goes to the replica: the context must
// allow it (ReadFromReplica), the replica must be usable, and it must have
// replayed the caller's last write.
func (r *Replica) pick(ctx context.Context) bool {
	pref, ok := ctx.Value(readKey{}).(readPref)
	if !ok {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fallback != "" {
		return false
	}
	return pref.minLSN == 0 || r.state.ReplayLSN >= pref.minLSN
}

func (r *Replica) count(onReplica bool) {
	if onReplica {
		r.reads.WithLabelValues("replica").Inc()
	} else {
		r.reads.WithLabelValues("primary").Inc()
	}
}

type readKey struct{}

type readPref struct{ minLSN LSN }

// ReadFromReplica marks ctx as a read that may be served by the replica
// once it has replayed minLSN (the position of the caller's last write; 0
// when the caller wrote nothing recently). Only the HTTP layer marks its
// read requests: background work and writes read from the primary.
func ReadFromReplica(ctx context.Context, minLSN LSN) context.Context {
	return context.WithValue(ctx, readKey{}, readPref{minLSN: minLSN})
}

// WriteLSN returns the primary's current write-ahead log position: called
// right after a commit, it is at or past that commit, so a replica that has
// replayed it shows the write. Zero, without a query, when no replica is
// attached.
func (db *DB) WriteLSN(ctx context.Context) (LSN, error) {
	if db.replica == nil {
		return 0, nil
	}
	var s string
	if err := db.DB.QueryRowContext(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&s); err != nil {
		return 0, err
	}
	return ParseLSN(s)
}

// PostgresProbe is the production probe of r against db's primary (tests
// put it back after injecting lag).
func PostgresProbe(db *DB, r *Replica) LagProbe {
	return pgProbe{primary: db.DB, replica: r.pool, clock: &lsnClock{}}
}

// pgProbe measures a PostgreSQL streaming replica.
type pgProbe struct {
	primary, replica *sql.DB
	clock            *lsnClock
}

// lsnClock remembers, probe after probe, when the primary's WAL was at
// which position, so that a replica's lag in time is read from the position
// it has replayed: everything the primary had written at a sampled moment
// whose position the replica has reached is on the replica, so its data is
// at most as old as the latest such moment. The age of the last replayed
// transaction (pg_last_xact_replay_timestamp) does not tell this: WAL without
// a commit (autovacuum, checkpoints, standby snapshots) keeps a replica a few
// bytes behind while the last commit grows old, and an up-to-date replica
// of a primary without writers looked lagging (reads went to the primary).
type lsnClock struct {
	mu      sync.Mutex
	samples []lsnSample // increasing in time and position
}

type lsnSample struct {
	at  time.Time
	lsn LSN
}

// lagSeconds is a behind replica's lag: the least of two bounds on how old
// its data is, each an upper bound — the age of the last transaction it
// replayed (it holds the primary as of that commit), and the lsnClock's (it
// holds the primary as of the latest sampled position it reached). When it
// has replayed no transaction and reached no sampled position (the first
// probes), the time since the oldest sample, a lower bound.
func lagSeconds(c *lsnClock, now time.Time, replayed LSN, age sql.NullFloat64) float64 {
	bound := -1.0
	if age.Valid {
		bound = max(age.Float64, 0)
	}
	if c != nil {
		d, ok := c.lag(now, replayed)
		if ok && (bound < 0 || d.Seconds() < bound) || !ok && bound < 0 {
			bound = d.Seconds()
		}
	}
	return max(bound, 0)
}

// lsnClockKeep is how many samples are kept: ten minutes at the nodes'
// probe interval of two seconds; a replica further behind than the oldest
// is judged by the oldest (its lag is at least that old).
const lsnClockKeep = 300

// mark records that the primary was at lsn at the moment at.
func (c *lsnClock) mark(at time.Time, lsn LSN) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.samples); n > 0 && c.samples[n-1].lsn > lsn {
		c.samples = c.samples[:0] // the primary went back (a new primary after a failover): start again
	}
	if len(c.samples) == lsnClockKeep {
		copy(c.samples, c.samples[1:])
		c.samples = c.samples[:lsnClockKeep-1]
	}
	c.samples = append(c.samples, lsnSample{at, lsn})
}

// lag is how old, at now, the newest sampled state of the primary is that a
// replica replayed up to replayed holds; ok is false when it holds none of
// the samples (it is behind all of them).
func (c *lsnClock) lag(now time.Time, replayed LSN) (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.samples) - 1; i >= 0; i-- {
		if c.samples[i].lsn <= replayed {
			return max(now.Sub(c.samples[i].at), 0), true
		}
	}
	if len(c.samples) > 0 {
		return max(now.Sub(c.samples[0].at), 0), false
	}
	return 0, false
}

func (p pgProbe) Probe(ctx context.Context) (ReplicaState, error) {
	var st ReplicaState
	var cur string
	// The primary first: a replica that replays in between only looks
	// less behind than it was.
	if err := p.primary.QueryRowContext(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&cur); err != nil {
		return st, fmt.Errorf("主库：%w", err)
	}
	primary, err := ParseLSN(cur)
	if err != nil {
		return st, err
	}
	now := time.Now()
	if p.clock != nil {
		p.clock.mark(now, primary)
	}
	var replay string
	var age sql.NullFloat64
	err = p.replica.QueryRowContext(ctx, `SELECT pg_is_in_recovery(),
		CASE WHEN pg_is_in_recovery() THEN COALESCE(pg_last_wal_replay_lsn(), '0/0'::pg_lsn) ELSE pg_current_wal_lsn() END::text,
		EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8`).Scan(&st.InRecovery, &replay, &age)
	if err != nil {
		return st, err
	}
	if st.ReplayLSN, err = ParseLSN(replay); err != nil {
		return st, err
	}
	if !st.InRecovery || st.ReplayLSN >= primary {
		// Not a standby (promoted, or the primary itself), or caught up.
		return st, nil
	}
	st.LagBytes = int64(primary - st.ReplayLSN)
	st.LagSeconds = lagSeconds(p.clock, now, st.ReplayLSN, age)
	return st, nil
}
