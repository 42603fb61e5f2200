package app

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"liangxin/internal/leader"
	"liangxin/internal/store"
)

// Work done once in a cluster (issue 19 item 2). Every node serves
// requests; the scheduled work runs on the elected leader only
// (leader.Elector: a PostgreSQL advisory lock, always this process on
// SQLite), and each periodic job's run is claimed per period
// (background_runs), so a node that takes over or restarts within the
// period does not run it again.
const (
	// runPeriod is the period of the periodic jobs: each runs at most once
	// an hour in the whole cluster.
	runPeriod = time.Hour
	// runCheckEvery is how often the leader looks for a period whose runs
	// are not claimed yet: a new leader catches up within this time.
	runCheckEvery = 5 * time.Minute
	// runsKept is how long the run records are kept.
	runsKept = 30 * 24 * time.Hour
	// replicaProbeEvery is how often the read replica's lag is measured.
	replicaProbeEvery = 2 * time.Second
)

// periodicJob is one of the leader's hourly jobs. Each is safe to stop in
// the middle (its writes are transactions) and idempotent (a run repeated
// after a crash finds nothing left to do), and is claimed once per period.
type periodicJob struct {
	name string
	run  func(ctx context.Context)
}

func (a *App) periodicJobs() []periodicJob {
	jobs := []periodicJob{
		// Deletes the error workbooks past their retention.
		{"import-report-sweep", func(ctx context.Context) { a.SweepImportReports(ctx) }},
		// One notification per request per overdue episode.
		{"service-overdue", func(ctx context.Context) { a.SweepOverdue(ctx) }},
		// Expires 时间银行 points past the expiry setting, each point once.
		{"timebank-expiry", a.SweepTimebank},
	}
	if a.DB.Dialect == store.SQLite {
		// SQLite: statistics follow the data (hourly, and at Close).
		jobs = append(jobs, periodicJob{"sqlite-optimize", func(ctx context.Context) {
			if err := a.DB.Optimize(ctx); err != nil && ctx.Err() == nil {
				a.Log.Error("statistics refresh failed", "err", err)
			}
		}})
	}
	return jobs
}

// background takes part in the leader election until ctx ends; while this
// node leads it runs the periodic jobs now and every runCheckEvery.
func (a *App) background(ctx context.Context) {
	a.Leader.Run(ctx, func(lctx context.Context) {
		t := time.NewTicker(runCheckEvery)
		defer t.Stop()
		for {
			a.RunPeriodic(lctx)
			select {
			case <-lctx.Done():
				return
			case <-t.C:
			}
		}
	})
}

// Period names the run period that contains t (UTC hour).
func Period(t time.Time) string { return t.UTC().Truncate(runPeriod).Format("2006-01-02T15") }

// RunPeriodic runs each periodic job whose run for the current period no
// node has claimed yet, and returns the names of those it ran. A run
// stopped in the middle (the leader died or lost its lock) stays claimed
// and unfinished: the next period's run does what it left, as every job
// sweeps whatever is due.
func (a *App) RunPeriodic(ctx context.Context) []string {
	period := Period(a.Now())
	var ran []string
	for _, j := range a.periodicJobs() {
		if ctx.Err() != nil {
			break
		}
		ok, err := leader.Claim(ctx, a.DB, j.name, period, a.Node, a.Now())
		if err != nil {
			if ctx.Err() == nil {
				a.Log.Error("periodic job not claimed", "job", j.name, "err", err)
			}
			continue
		}
		if !ok {
			continue
		}
		j.run(ctx)
		if ctx.Err() != nil {
			break
		}
		if err := leader.Finish(ctx, a.DB, j.name, period, "done", a.Now()); err != nil {
			a.Log.Error("periodic job end not recorded", "job", j.name, "err", err)
		}
		ran = append(ran, j.name)
	}
	if err := leader.Prune(ctx, a.DB, a.Now().Add(-runsKept)); err != nil && ctx.Err() == nil {
		a.Log.Error("old periodic run records not deleted", "err", err)
	}
	return ran
}

// recoverAtStart fails the import jobs a killed process left running: on
// SQLite all of another process's (this server holds the data folder), on
// PostgreSQL those whose owner stopped beating (sheetimport.Jobs).
func (a *App) recoverAtStart(ctx context.Context) {
	n, err := a.Imports.RecoverAtStart(context.WithoutCancel(ctx))
	if err != nil {
		a.Log.Error("import job recovery failed", "err", err)
		return
	}
	if n > 0 {
		a.Log.Warn("import jobs of a stopped process marked failed", "jobs", n)
	}
}

// RecoverImports marks failed the running import jobs of other nodes whose
// heartbeat is older than the lease (setting import-lease-seconds, see
// sheetimport.Jobs.RecoverAbandoned), and logs how many. A live node's
// job is never failed.
func (a *App) RecoverImports(ctx context.Context) int64 {
	n, err := a.Imports.RecoverAbandoned(context.WithoutCancel(ctx))
	if err != nil {
		a.Log.Error("import job recovery failed", "err", err)
		return 0
	}
	if n > 0 {
		a.Log.Warn("import jobs of a stopped node marked failed", "jobs", n)
	}
	return n
}

// watchImports runs on every node: every Imports.HeartbeatEvery() (a sixth
// of the lease, 5 s by default) it refreshes the heartbeat of this node's
// running import jobs, and the leader fails the jobs of nodes whose
// heartbeat stopped. A dead or paused node's job is failed within the lease
// + one beat (35 s by default), plus the election's takeover when that
// node was the leader (leader.IdleSessionTimeout + standBack beats, about
// 21 s). A paused node that wakes after that cannot commit the job's rows
// (sheetimport.Jobs.Claim, re-checked in the write transaction).
func (a *App) watchImports(ctx context.Context) {
	t := time.NewTicker(a.Imports.HeartbeatEvery())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := a.Imports.Heartbeat(ctx); err != nil && ctx.Err() == nil {
			if a.DB.Dialect == store.SQLite {
				// Waited behind this process's own import (one writer at
				// a time); no other server can read the beat anyway.
				a.Log.Debug("import heartbeat skipped", "err", err)
			} else {
				a.Log.Warn("import heartbeat failed", "err", err)
			}
		}
		if a.Leader.Leading() {
			a.RecoverImports(ctx)
		}
	}
}

// metrics are the node's own Prometheus collectors: the election and, when
// attached, the read replica.
func (a *App) metrics() []prometheus.Collector {
	m := a.Leader.Collectors()
	if r := a.DB.Replica(); r != nil {
		m = append(m, r.Collectors()...)
	}
	if a.ReadCache != nil {
		m = append(m, a.ReadCache.Collectors()...)
	}
	return m
}

// nodeStatus is this node's part of /readyz: its role in the election and
// the read replica's state.
func (a *App) nodeStatus() map[string]any {
	role := "follower"
	if a.Leader.Leading() {
		role = "leader"
	}
	m := map[string]any{"role": role}
	if r := a.DB.Replica(); r != nil {
		m["replica"] = r.Status()
	}
	return m
}
