package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/leader"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
	"liangxin/internal/testenv"
)

// second builds another node on the same database and clock (a second
// Liangxin process behind the load balancer).
func second(t *testing.T, e *testenv.Env) *app.App {
	t.Helper()
	return app.New(e.App.Cfg, e.App.DB, slog.New(slog.NewJSONHandler(io.Discard, nil)), e.Clock.Now, e.App.Prot)
}

// Node ids are unique per process and name the host and the pid.
func TestNodeIDs(t *testing.T) {
	e := testenv.New(t)
	b := second(t, e)
	host, _ := os.Hostname()
	for _, n := range []string{e.App.Node, b.Node} {
		if !strings.HasPrefix(n, host+"-") || !strings.Contains(n, fmt.Sprintf("-%d-", os.Getpid())) {
			t.Errorf("node id %q does not name host %q and pid %d", n, host, os.Getpid())
		}
	}
	if e.App.Node == b.Node {
		t.Fatalf("two nodes share the id %q", b.Node)
	}
	if e.App.Imports.Instance != e.App.Node {
		t.Fatalf("import owner %q is not the node %q", e.App.Imports.Instance, e.App.Node)
	}
}

// Each periodic job runs once per hour in the whole cluster: node B finds
// the hour's runs claimed by node A, node A restarted within the hour does
// not run them again, a run of a node killed mid-run is not repeated
// within the hour, and the next hour's runs are B's.
func TestPeriodicWorkRunsOncePerPeriod(t *testing.T) {
	e := testenv.New(t)
	a, b := e.App, second(t, e)
	ctx := context.Background()
	want := []string{"import-report-sweep", "service-overdue", "timebank-expiry"}
	if a.DB.Dialect == store.SQLite {
		want = append(want, "sqlite-optimize")
	}
	// A leader killed in the middle of this hour's overdue sweep left its
	// claim unfinished: nobody runs that sweep again this hour (its
	// transactions were rolled back or committed whole; the next hour's
	// sweep does what is left).
	if ok, err := leader.Claim(ctx, a.DB, "service-overdue", app.Period(e.Clock.Now()), "killed-node", e.Clock.Now()); err != nil || !ok {
		t.Fatalf("claim of the killed node: %v %v", ok, err)
	}
	wantA := slices.DeleteFunc(slices.Clone(want), func(j string) bool { return j == "service-overdue" })
	if got := a.RunPeriodic(ctx); !slices.Equal(got, wantA) {
		t.Fatalf("node A ran %v, want %v", got, wantA)
	}
	if got := b.RunPeriodic(ctx); len(got) != 0 {
		t.Fatalf("node B ran %v in the same hour", got)
	}
	restarted := second(t, e)
	if got := restarted.RunPeriodic(ctx); len(got) != 0 {
		t.Fatalf("a restarted node ran %v in the same hour", got)
	}
	e.Clock.Advance(time.Hour)
	if got := b.RunPeriodic(ctx); !slices.Equal(got, want) {
		t.Fatalf("node B ran %v the next hour, want %v", got, want)
	}
	runs, err := leader.Runs(ctx, a.DB, "timebank-expiry")
	if err != nil {
		t.Fatal(err)
	}
	// The test clock starts at 2026-11-23 09:00 UTC.
	wantRuns := []leader.Run{
		{Job: "timebank-expiry", Period: "2026-11-23T09", Node: a.Node, Outcome: "done", Finished: true},
		{Job: "timebank-expiry", Period: "2026-11-23T10", Node: b.Node, Outcome: "done", Finished: true},
	}
	if !slices.Equal(runs, wantRuns) {
		t.Fatalf("runs %+v, want %+v", runs, wantRuns)
	}
}

// Two nodes on one database: node B never fails node A's live import job;
// once A stops beating, B fails it after the lease (the default 30 s, six
// missed beats of 5 s) with the Chinese reason; a failed run is never finished by its old
// owner over the user's retry on another node.
func TestImportLeaseAcrossNodes(t *testing.T) {
	e := testenv.New(t)
	a, b := e.App, second(t, e)
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	bg := context.Background()
	status := func() sheetimport.Job {
		t.Helper()
		ss, err := a.Imports.Get(ctx, "lease-job-0001")
		if err != nil {
			t.Fatal(err)
		}
		return ss
	}
	if err := a.Imports.Start(ctx, "lease-job-0001", "organizations"); err != nil {
		t.Fatal(err)
	}
	// A beats every 5 s; B's recovery runs beside it and leaves the job.
	for i := 0; i < 8; i++ {
		e.Clock.Advance(5 * time.Second)
		if err := a.Imports.Heartbeat(bg); err != nil {
			t.Fatal(err)
		}
		if n := b.RecoverImports(bg); n != 0 {
			t.Fatalf("beat %d: node B failed %d live jobs", i, n)
		}
	}
	// A stops beating (killed or paused). 29 s after its last beat the job still runs.
	e.Clock.Advance(29 * time.Second)
	if n := b.RecoverImports(bg); n != 0 || status().Status != sheetimport.StatusRunning {
		t.Fatalf("29 s after the last beat: failed %d, status %s", n, status().Status)
	}
	// The owner itself never fails its own job, whatever its age.
	if n := a.RecoverImports(bg); n != 0 {
		t.Fatalf("node A failed %d of its own jobs", n)
	}
	// 31 s: past the lease.
	e.Clock.Advance(2 * time.Second)
	if n := b.RecoverImports(bg); n != 1 {
		t.Fatalf("31 s after the last beat: failed %d, want 1", n)
	}
	if ss := status(); ss.Status != sheetimport.StatusFailed || ss.Message != "服务重启，导入未完成，数据已回滚，请重新导入" {
		t.Fatalf("abandoned job: %+v", ss)
	}
	if n := b.RecoverImports(bg); n != 0 {
		t.Fatalf("failed again: %d", n)
	}
	// The user retries on node B: the run is B's now. Node A, had it been
	// alive after all, can neither abandon nor finish B's run.
	if err := b.Imports.Start(ctx, "lease-job-0001", "organizations"); err != nil {
		t.Fatal(err)
	}
	if err := a.Imports.Heartbeat(bg); err != nil {
		t.Fatal(err)
	}
	if err := a.Imports.Abandon(bg, "lease-job-0001", sheetimport.ReasonInternal); err != nil {
		t.Fatal(err)
	}
	if err := a.Imports.Finish(bg, "lease-job-0001", sheetimport.StatusSucceeded, "A 的结果", 5, orgResult(5), nil); err != nil {
		t.Fatal(err)
	}
	if ss := status(); ss.Status != sheetimport.StatusRunning || ss.Created != 0 {
		t.Fatalf("node A touched node B's retry: %+v", ss)
	}
	if err := b.Imports.Finish(bg, "lease-job-0001", sheetimport.StatusSucceeded, "导入完成", 3, orgResult(3), nil); err != nil {
		t.Fatal(err)
	}
	if ss := status(); ss.Status != sheetimport.StatusSucceeded || ss.Created != 3 || ss.Message != "导入完成" {
		t.Fatalf("B's retry: %+v", ss)
	}
}

// /readyz names the node's role and /metrics carries liangxin_leader.
func TestLeadershipShown(t *testing.T) {
	e := testenv.New(t)
	c := e.Client()
	role := func() string {
		var body struct{ Role string }
		c.Do("GET", "/readyz", nil).JSON(t, &body)
		return body.Role
	}
	if r := role(); r != "follower" {
		t.Fatalf("before the election: %q", r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.App.Leader.Run(ctx, func(l context.Context) { <-l.Done() })
	}()
	defer func() { cancel(); wg.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for !e.App.Leader.Leading() {
		if time.Now().After(deadline) {
			t.Fatal("the only node was not elected")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := role(); r != "leader" {
		t.Fatalf("after the election: %q", r)
	}
	if m := string(c.Do("GET", "/metrics", nil).Body); !strings.Contains(m, "\nliangxin_leader 1\n") || !strings.Contains(m, "liangxin_leader_changes_total 1") {
		t.Fatalf("metrics lack the leadership:\n%s", grep(m, "liangxin_leader"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// lagProbe is an injected replica state.
type lagProbe struct {
	mu sync.Mutex
	st store.ReplicaState
}

func (p *lagProbe) Probe(context.Context) (store.ReplicaState, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st, nil
}

func reads(t *testing.T, r *store.Replica, target string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(r.Collectors()...)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "liangxin_db_report_reads_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "target" && l.GetValue() == target {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// Over HTTP: a user's write sets the LSN cookie, and that user's list
// reads go to the primary until the replica has replayed the write; a user
// who wrote nothing reads from the replica.
func TestReadYourWritesOverHTTP(t *testing.T) {
	url := os.Getenv(storetest.EnvPostgres)
	if url == "" {
		t.Skip("a read replica needs PostgreSQL (" + storetest.EnvPostgres + ")")
	}
	e := testenv.New(t)
	// The test's own database (storetest gives each test one) is its replica.
	r, err := e.App.DB.AttachReplica(context.Background(), e.App.DB.URL, 5*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	probe := &lagProbe{st: store.ReplicaState{InRecovery: true, ReplayLSN: 1}}
	r.SetProbe(probe)
	r.Refresh(context.Background())
	e.User("writer", "district", testenv.Jurisdiction)
	e.User("reader", "district", testenv.Jurisdiction)
	// The reader logs in first: its own write (the session) comes before
	// the writer's.
	rd := e.Login("reader", testenv.Password)
	// The login is a write (the session): the writer's client gets the cookie.
	w := e.Login("writer", testenv.Password)
	res := w.Do("POST", "/api/v1/notifications/read-all", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("write: %d %s", res.Status, res.Body)
	}
	var lsn store.LSN
	for _, ck := range res.Header.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(ck, "liangxin_lsn="); ok {
			lsn, err = store.ParseLSN(strings.SplitN(v, ";", 2)[0])
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if lsn <= 1 {
		t.Fatalf("the write set no LSN cookie: %v", res.Header.Values("Set-Cookie"))
	}
	list := func(c *testenv.Client) (primary, replica float64) {
		t.Helper()
		p0, r0 := reads(t, r, "primary"), reads(t, r, "replica")
		if res := c.Do("GET", "/api/v1/notifications", nil); res.Status != http.StatusOK {
			t.Fatalf("list: %d %s", res.Status, res.Body)
		}
		return reads(t, r, "primary") - p0, reads(t, r, "replica") - r0
	}
	// The replica has replayed 0/1 only: the writer reads the primary.
	if p, rep := list(w); p == 0 || rep != 0 {
		t.Fatalf("writer before the replay: primary %v replica %v", p, rep)
	}
	// Once the replica has replayed the writer's last write, the writer
	// reads the replica, and so does a user whose last write is older.
	probe.mu.Lock()
	probe.st.ReplayLSN = lsn
	probe.mu.Unlock()
	r.Refresh(context.Background())
	if p, rep := list(w); p != 0 || rep == 0 {
		t.Fatalf("writer after the replay: primary %v replica %v", p, rep)
	}
	if p, rep := list(rd); p != 0 || rep == 0 {
		t.Fatalf("reader: primary %v replica %v", p, rep)
	}
}

func orgResult(n int) sheetimport.Result { return sheetimport.Result{Created: n} }
