// Package leader elects, through the database, the one node of a cluster
// that runs the scheduled and background work, and records each periodic
// run so that no run is applied twice.
//
// On PostgreSQL the leader is the node whose dedicated connection holds a
// session-level advisory lock (pg_try_advisory_lock). The lock belongs to
// the database session: when the node dies or its connection breaks, the
// server ends the session and the lock is free; the other nodes try to take
// it every Elector.Every. On SQLite one process holds the data folder's lock
// and is always the leader.
package leader

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"liangxin/internal/store"
)

// DefaultEvery is how often a follower tries the lock and the leader checks
// that its lock connection is alive.
const DefaultEvery = 2 * time.Second

// standBack is how many rounds a node that lost the leadership waits
// before it tries the lock again.
const standBack = 3

// IdleSessionTimeout ends the lock session on the server when the node stops
// answering (frozen, cut off) although its TCP connection looks open: the
// leader checks its connection every Every, far more often.
const IdleSessionTimeout = 15 * time.Second

// Elector takes part in the election and runs the leader's work.
type Elector struct {
	DB *store.DB
	// Name distinguishes elections on one database (the lock key is made
	// from it and the schema, so test schemas do not compete).
	Name string
	// Node names this process in logs and run records.
	Node  string
	Every time.Duration
	Log   *slog.Logger

	leading atomic.Bool
	pid     atomic.Int32 // backend pid of the lock connection (tests end it)
	gauge   prometheus.Gauge
	changes prometheus.Counter
	once    sync.Once
}

func (e *Elector) init() {
	e.once.Do(func() {
		if e.Every <= 0 {
			e.Every = DefaultEvery
		}
		if e.Log == nil {
			e.Log = slog.New(slog.DiscardHandler)
		}
		e.gauge = prometheus.NewGauge(prometheus.GaugeOpts{Name: "liangxin_leader",
			Help: "1 while this node is the elected leader that runs the background work, else 0."})
		e.changes = prometheus.NewCounter(prometheus.CounterOpts{Name: "liangxin_leader_changes_total",
			Help: "Times this node became or stopped being the leader."})
	})
}

// Collectors returns the election's Prometheus metrics.
func (e *Elector) Collectors() []prometheus.Collector {
	e.init()
	return []prometheus.Collector{e.gauge, e.changes}
}

// Leading reports whether this node is the leader now.
func (e *Elector) Leading() bool { return e.leading.Load() }

// BackendPID is the PostgreSQL backend of the lock connection while the
// node leads (0 otherwise).
func (e *Elector) BackendPID() int32 { return e.pid.Load() }

// Key is the advisory lock key of the election.
func (e *Elector) Key() int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("liangxin-leader/" + e.Name + "/" + e.DB.Schema))
	return int64(h.Sum64())
}

func (e *Elector) set(on bool) {
	if e.leading.Swap(on) != on {
		e.changes.Inc()
		if on {
			e.gauge.Set(1)
			e.Log.Info("this node is now the leader", "node", e.Node)
		} else {
			e.gauge.Set(0)
			e.Log.Warn("this node is no longer the leader", "node", e.Node)
		}
	}
}

// Run takes part in the election until ctx ends. Whenever this node becomes
// the leader it calls lead with a context that is cancelled when the
// leadership is lost (or ctx ends), and waits for lead to return before it
// tries again, so one node never runs two leads at once.
func (e *Elector) Run(ctx context.Context, lead func(ctx context.Context)) {
	e.init()
	if e.DB.Dialect != store.Postgres {
		// SQLite: this process holds the data folder's lock.
		e.set(true)
		lead(ctx)
		e.set(false)
		return
	}
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			_ = conn.Close(context.Background())
		}
	}()
	t := time.NewTicker(e.Every)
	defer t.Stop()
	for {
		if conn == nil {
			c, err := e.connect(ctx)
			if err != nil && ctx.Err() == nil {
				e.Log.Debug("leader election: cannot connect", "err", err)
			}
			conn = c
		}
		if conn != nil {
			got, err := e.try(ctx, conn)
			if err != nil {
				_ = conn.Close(context.Background())
				conn = nil
			} else if got {
				e.lead(ctx, conn, t, lead)
				// The lock is gone with the connection, or ctx ended.
				_ = conn.Close(context.Background())
				conn = nil
				// A node that just lost its lock connection stands back
				// for a few rounds, so that a healthy follower takes over
				// rather than the node whose connection failed.
				for i := 0; i < standBack && ctx.Err() == nil; i++ {
					select {
					case <-ctx.Done():
					case <-t.C:
					}
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (e *Elector) connect(ctx context.Context) (*pgx.Conn, error) {
	cfg := e.DB.PGConfig()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, cfg)
	if err != nil {
		return nil, err
	}
	// The server ends a session whose client stopped talking: a frozen
	// leader loses the lock within IdleSessionTimeout (the leader pings far
	// more often), a vanished host within the keepalive bound.
	for _, set := range []string{
		fmt.Sprintf("SET idle_session_timeout = %d", IdleSessionTimeout.Milliseconds()),
		"SET tcp_keepalives_idle = 5", "SET tcp_keepalives_interval = 2", "SET tcp_keepalives_count = 3",
		"SET application_name = 'liangxin-leader'",
	} {
		if _, err := conn.Exec(cctx, set); err != nil {
			_ = conn.Close(context.Background())
			return nil, err
		}
	}
	return conn, nil
}

func (e *Elector) try(ctx context.Context, conn *pgx.Conn) (bool, error) {
	qctx, cancel := context.WithTimeout(ctx, e.Every+5*time.Second)
	defer cancel()
	var got bool
	var pid int32
	err := conn.QueryRow(qctx, `SELECT pg_try_advisory_lock($1), pg_backend_pid()`, e.Key()).Scan(&got, &pid)
	if err != nil {
		return false, err
	}
	if got {
		e.pid.Store(pid)
	}
	return got, nil
}

// lead runs the work while the lock connection answers.
func (e *Elector) lead(ctx context.Context, conn *pgx.Conn, t *time.Ticker, lead func(ctx context.Context)) {
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	e.set(true)
	go func() {
		defer close(done)
		lead(lctx)
	}()
	defer func() {
		cancel()
		<-done
		e.pid.Store(0)
		e.set(false)
	}()
	for {
		select {
		case <-ctx.Done():
			uctx, ucancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, _ = conn.Exec(uctx, `SELECT pg_advisory_unlock($1)`, e.Key())
			ucancel()
			return
		case <-done:
			return
		case <-t.C:
		}
		pctx, pcancel := context.WithTimeout(ctx, e.Every)
		var one int
		err := conn.QueryRow(pctx, `SELECT 1`).Scan(&one)
		pcancel()
		if err != nil && ctx.Err() == nil {
			e.Log.Warn("leader lock connection lost; stopping the background work", "err", err)
			return
		}
	}
}

// Claim records that node starts job for period; it returns false, with
// nothing written, when the run of that period was already claimed (by this
// node before a restart, or by a leader that has since died).
func Claim(ctx context.Context, db *store.DB, job, period, node string, now time.Time) (bool, error) {
	ctx = store.Quiet(ctx) // bookkeeping of the leader: no figure changes
	_, err := db.Exec(ctx, db, `INSERT INTO background_runs (job, period, node, started_at) VALUES (?, ?, ?, ?)`,
		job, period, node, store.FormatTime(now))
	if store.IsUniqueViolation(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("leader: claim %s %s: %w", job, period, err)
	}
	return true, nil
}

// Finish records the end of a claimed run.
func Finish(ctx context.Context, db *store.DB, job, period, outcome string, now time.Time) error {
	ctx = store.Quiet(ctx) // bookkeeping of the leader: no figure changes
	_, err := db.Exec(ctx, db, `UPDATE background_runs SET finished_at = ?, outcome = ? WHERE job = ? AND period = ?`,
		store.FormatTime(now), outcome, job, period)
	return err
}

// Run is one recorded run of a periodic job.
type Run struct {
	Job, Period, Node, Outcome string
	Finished                   bool
}

// Runs lists the recorded runs of job, oldest period first.
func Runs(ctx context.Context, db *store.DB, job string) ([]Run, error) {
	rows, err := db.Query(ctx, db, `SELECT job, period, node, outcome, finished_at FROM background_runs WHERE job = ? ORDER BY period`, job)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var fin sql.NullString
		if err := rows.Scan(&r.Job, &r.Period, &r.Node, &r.Outcome, &fin); err != nil {
			return nil, err
		}
		r.Finished = fin.Valid
		out = append(out, r)
	}
	return out, rows.Err()
}

// Prune deletes the run records of periods that started before before.
func Prune(ctx context.Context, db *store.DB, before time.Time) error {
	ctx = store.Quiet(ctx) // bookkeeping of the leader: no figure changes
	_, err := db.Exec(ctx, db, `DELETE FROM background_runs WHERE started_at < ?`, store.FormatTime(before))
	return err
}
