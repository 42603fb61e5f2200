// Command clusterfaults proves the test cluster of scripts/cluster-up under
// load and faults (issue 19 item 5). Through the load balancer it sends a
// fixed-rate mix of logins, ledger lists, dashboard reads and writes (each
// write a new 两新组织 whose name is a unique marker), in phases:
//
//	base  no fault: the reference figures of the same run
//	a     SIGKILL one app node mid-load, restart it: at most the requests in
//	      flight when it died fail, every acknowledged write is in the database
//	b     stop the primary (pg_ctl stop -m immediate) and promote the replica:
//	      the nodes reconnect by themselves, writes resume within -write-gap,
//	      every acknowledged write is on the new primary
//	p     import on a follower node and SIGSTOP it mid-import past its
//	      lease; the leader fails the job; SIGCONT: the woken node re-checks
//	      its claim at commit and rolls back, no row of the file appears and
//	      the job stays failed
//	c     import a generated .xlsx of 两新组织 on one node and SIGKILL that node
//	      mid-import: the job ends failed (with a reason) or succeeded, once;
//	      the organizations of the file are all there or none
//
// Each phase prints its throughput, p50/p99 latency and error count, and the
// load average. The exit status is 0 when every phase holds. After phase b
// the old primary is gone: PostgreSQL is a single server (the promoted
// replica); run scripts/cluster-down and cluster-up for another run.
//
//	scripts/cluster-faults [--short] [-phases base,a,p,b,c]
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"liangxin/bench/load/loadgen"
	"liangxin/internal/org"
	"liangxin/internal/uscc"
)

var (
	flagDir       = flag.String("dir", envOr("LIANGXIN_CLUSTER_DIR", "/tmp/liangxin-cluster"), "cluster folder of scripts/cluster-up")
	flagShort     = flag.Bool("short", false, "the CI run: shorter phases, fewer import rows")
	flagPhases    = flag.String("phases", "base,a,p,b,c", "phases to run, in order")
	flagRate      = flag.Int("rate", 0, "requests per second (default 20 short, 40 long)")
	flagPhaseTime = flag.Duration("phase-time", 0, "load time of phases base, a and b (default 20s short, 60s long)")
	flagRows      = flag.Int("import-rows", 0, "rows of the generated import (default 10000 short, 20000 long)")
	flagWriteGap  = flag.Duration("write-gap", 30*time.Second, "phase b: the longest allowed time from stopping the primary to the first acknowledged write")
	flagSettle    = flag.Duration("import-settle", 200*time.Second, "phase c: how long the killed import may stay 'running' before it counts as stuck")
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// cluster is what cluster-up wrote into cluster.env.
type cluster struct {
	dir, pgbin, dbURL, lb string
	nodes                 []string
	user, initial, pass   string
}

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "clusterfaults:", err)
		os.Exit(1)
	}
}

func run() error {
	c, err := readCluster(*flagDir)
	if err != nil {
		return err
	}
	rate, phaseTime, rows := 40, 60*time.Second, 20000
	if *flagShort {
		rate, phaseTime, rows = 20, 20*time.Second, 10000
	}
	if *flagRate > 0 {
		rate = *flagRate
	}
	if *flagPhaseTime > 0 {
		phaseTime = *flagPhaseTime
	}
	if *flagRows > 0 {
		rows = *flagRows
	}
	ctx := context.Background()
	if err := ensurePassword(c); err != nil {
		return err
	}
	street, err := firstStreet(c)
	if err != nil {
		return err
	}
	runID := fmt.Sprintf("%x", time.Now().UnixNano()%0xffffffff)
	l := &loader{c: c, street: street, prefix: "集群测试" + runID + "-"}
	if err := l.fillPool(6); err != nil {
		return err
	}
	fmt.Printf("cluster %s: load balancer %s, %d nodes; rate %d/s, phase time %s, run %s\n", c.dir, c.lb, len(c.nodes), rate, phaseTime, runID)
	fmt.Printf("%-5s %8s %7s %6s %6s %9s %9s %9s  %s\n", "phase", "time", "sent", "ok", "errors", "ok/s", "p50", "p99", "load average")
	failed := false
	for _, ph := range strings.Split(*flagPhases, ",") {
		var perr error
		switch strings.TrimSpace(ph) {
		case "base":
			perr = phaseBase(ctx, l, rate, phaseTime/2)
		case "a":
			perr = phaseNodeKill(ctx, l, rate, phaseTime)
		case "b":
			perr = phaseFailover(ctx, l, rate, phaseTime)
		case "c":
			// A machine fast enough to finish the import before the kill
			// gets a file twice as long (the finished import is checked too).
			for try := 1; ; try++ {
				perr = phaseImport(ctx, l, rate/2, rows, fmt.Sprintf("%s%d", runID, try))
				if !errors.Is(perr, errTooFast) || try == 3 {
					break
				}
				fmt.Printf("        %v; again with %d rows\n", perr, 2*rows)
				rows *= 2
			}
		case "p":
			for try := 1; ; try++ {
				perr = phasePause(ctx, l, rate/2, rows, fmt.Sprintf("%sp%d", runID, try))
				if !errors.Is(perr, errTooFast) || try == 3 {
					break
				}
				fmt.Printf("        %v; again with %d rows\n", perr, 2*rows)
				rows *= 2
			}
		default:
			perr = fmt.Errorf("unknown phase %q", ph)
		}
		if perr != nil {
			failed = true
			fmt.Printf("  FAIL %s: %v\n", ph, perr)
		} else {
			fmt.Printf("  ok   %s\n", ph)
		}
	}
	if failed {
		return errors.New("a phase did not hold (see FAIL above)")
	}
	fmt.Println("every phase held")
	return nil
}

func readCluster(dir string) (*cluster, error) {
	f, err := os.Open(filepath.Join(dir, "cluster.env"))
	if err != nil {
		return nil, fmt.Errorf("no running cluster (scripts/cluster-up first): %w", err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok {
			env[k] = strings.Trim(v, "'")
		}
	}
	c := &cluster{dir: dir, pgbin: env["PGBIN"], dbURL: env["DB_URL"], lb: env["LB_URL"], nodes: strings.Split(env["NODE_URLS"], ","),
		user: env["LOAD_USER"], initial: env["LOAD_INITIAL"], pass: env["LOAD_PASSWORD"]}
	if c.dbURL == "" || c.lb == "" || len(c.nodes) < 2 || c.user == "" {
		return nil, fmt.Errorf("%s/cluster.env is incomplete", dir)
	}
	return c, nil
}

// --- HTTP client ----------------------------------------------------------

type client struct {
	base string
	http *http.Client
	csrf string
}

func newClient(base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: base, http: &http.Client{Jar: jar, Timeout: 60 * time.Second}}
}

func (c *client) login(user, password string) (int, []byte, error) {
	st, b, err := c.do("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": password})
	if err == nil && st == 200 {
		var out struct {
			CSRF string `json:"csrf_token"`
		}
		_ = json.Unmarshal(b, &out)
		c.csrf = out.CSRF
	}
	return st, b, err
}

func (c *client) do(method, path string, v any) (int, []byte, error) {
	var body io.Reader
	if v != nil {
		b, _ := json.Marshal(v)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, body)
	if v != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(req)
}

func (c *client) send(req *http.Request) (int, []byte, error) {
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// ensurePassword changes the load account's one-time password at its first
// use (cluster-up creates it with one).
func ensurePassword(c *cluster) error {
	cl := newClient(c.lb)
	st, _, err := cl.login(c.user, c.pass)
	if err != nil {
		return err
	}
	if st == 200 {
		return nil
	}
	st, b, err := cl.login(c.user, c.initial)
	if err != nil || st != 200 {
		return fmt.Errorf("login %s: %d %s %v", c.user, st, b, err)
	}
	st, b, err = cl.do("POST", "/api/v1/auth/password", map[string]string{"old_password": c.initial, "new_password": c.pass})
	if err != nil || st != 200 {
		return fmt.Errorf("password change: %d %s %v", st, b, err)
	}
	return nil
}

// firstStreet finds a 街道（乡镇） of the jurisdiction for the written organizations.
func firstStreet(c *cluster) (string, error) {
	cl := newClient(c.lb)
	if st, b, err := cl.login(c.user, c.pass); err != nil || st != 200 {
		return "", fmt.Errorf("login: %d %s %v", st, b, err)
	}
	st, b, err := cl.do("GET", "/api/v1/regions/scope", nil)
	if err != nil || st != 200 {
		return "", fmt.Errorf("scope: %d %s %v", st, b, err)
	}
	var root struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(b, &root)
	st, b, err = cl.do("GET", "/api/v1/regions/"+root.Code+"/children", nil)
	if err != nil || st != 200 {
		return "", fmt.Errorf("children of %s: %d %s %v", root.Code, st, b, err)
	}
	var list struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	if json.Unmarshal(b, &list) != nil || len(list.Items) == 0 {
		return "", fmt.Errorf("no street under %s: %s", root.Code, b)
	}
	return list.Items[0].Code, nil
}

// --- load ------------------------------------------------------------------

type result struct {
	kind   string
	status int
	err    error
	start  time.Time
	took   time.Duration
	marker string // writes: the organization's name
}

func (r result) ok() bool {
	return r.err == nil && r.status >= 200 && r.status < 300
}

type loader struct {
	c       *cluster
	street  string
	prefix  string
	seq     atomic.Int64
	pool    []*client
	next    atomic.Uint64
	inFl    atomic.Int64
	seed    atomic.Uint64
	mu      sync.Mutex
	results []result
}

func (l *loader) fillPool(n int) error {
	for range n {
		cl := newClient(l.c.lb)
		if st, b, err := cl.login(l.c.user, l.c.pass); err != nil || st != 200 {
			return fmt.Errorf("login: %d %s %v", st, b, err)
		}
		l.pool = append(l.pool, cl)
	}
	return nil
}

// weights are the request mix, of 10 requests: 1 login, 3 lists, 2
// dashboard (coverage) reads, 1 home page, 3 writes.
var weights = []struct {
	kind   string
	weight float64
}{{"login", 1}, {"list", 3}, {"dashboard", 2}, {"home", 1}, {"write", 3}}

// one sends one request of the mix through a client of the pool.
func (l *loader) one(kind string) result {
	cl := l.pool[l.next.Add(1)%uint64(len(l.pool))]
	r := result{kind: kind, start: time.Now()}
	switch kind {
	case "login":
		r.status, _, r.err = newClient(l.c.lb).login(l.c.user, l.c.pass)
	case "list":
		r.status, _, r.err = cl.do("GET", "/api/v1/organizations?page=1&page_size=20", nil)
	case "dashboard":
		r.status, _, r.err = cl.do("GET", "/api/v1/stats/coverage", nil)
	case "home":
		r.status, _, r.err = cl.do("GET", "/api/v1/home", nil)
	case "write":
		r.marker = fmt.Sprintf("%s%06d", l.prefix, l.seq.Add(1))
		r.status, _, r.err = cl.do("POST", "/api/v1/organizations", map[string]any{
			"name": r.marker, "category": "individual_business", "region_code": l.street, "employees": 3})
	}
	r.took = time.Since(r.start)
	return r
}

// load sends rate requests a second until stop is closed, then waits for the
// ones in flight, and returns the results of this run. The schedule is the
// shared generator's (bench/load/loadgen: open loop, latency measured from
// each request's scheduled instant); each request goes through one of the
// pool's logged-in clients (l.one), and loadgen hands every outcome back.
func (l *loader) load(rate int, stop <-chan struct{}) []result {
	var mine []result
	targets := make([]loadgen.Target, len(weights))
	for i, w := range weights {
		kind := w.kind
		targets[i] = loadgen.Target{Name: kind, Weight: w.weight, Do: func(context.Context) loadgen.Outcome {
			l.inFl.Add(1)
			defer l.inFl.Add(-1)
			r := l.one(kind)
			return loadgen.Outcome{Status: r.status, Err: r.err, Tag: r.marker}
		}}
	}
	_, err := loadgen.Run(context.Background(), loadgen.Config{BaseURL: l.c.lb, Targets: targets, Rate: float64(rate), Stop: stop,
		MaxInFlight: 4096, Seed: l.seed.Add(1), OnSample: func(s loadgen.Sample) {
			mine = append(mine, result{kind: s.Target, status: s.Status, err: s.Err, start: s.At, took: s.Latency, marker: s.Tag})
		}})
	if err != nil {
		mine = append(mine, result{kind: "loadgen", err: err, start: time.Now()})
	}
	l.mu.Lock()
	l.results = append(l.results, mine...)
	l.mu.Unlock()
	return mine
}

// during runs the load for d while act runs (from the start), and returns
// the results and act's error.
func (l *loader) during(rate int, d time.Duration, act func() error) ([]result, error) {
	stop := make(chan struct{})
	done := make(chan []result)
	start := time.Now()
	go func() { done <- l.load(rate, stop) }()
	err := act()
	if rest := d - time.Since(start); rest > 0 {
		time.Sleep(rest)
	}
	close(stop)
	return <-done, err
}

type stats struct {
	sent, ok, errs int
	p50, p99       time.Duration
	perSec         float64
	wall           time.Duration
	firstErrors    []string
}

func summarize(rs []result) stats {
	var s stats
	if len(rs) == 0 {
		return s
	}
	first, last := rs[0].start, rs[0].start.Add(rs[0].took)
	var lat []time.Duration
	for _, r := range rs {
		s.sent++
		if r.start.Before(first) {
			first = r.start
		}
		if e := r.start.Add(r.took); e.After(last) {
			last = e
		}
		if r.ok() {
			s.ok++
			lat = append(lat, r.took)
		} else {
			s.errs++
			if len(s.firstErrors) < 5 {
				msg := fmt.Sprintf("%s %d", r.kind, r.status)
				if r.err != nil {
					msg += " " + r.err.Error()
				}
				s.firstErrors = append(s.firstErrors, msg)
			}
		}
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		s.p50 = lat[len(lat)*50/100]
		s.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	s.wall = last.Sub(first)
	if s.wall > 0 {
		s.perSec = float64(s.ok) / s.wall.Seconds()
	}
	return s
}

func printStats(name string, rs []result) stats {
	s := summarize(rs)
	fmt.Printf("%-5s %8s %7d %6d %6d %9.1f %9s %9s  %s\n", name, s.wall.Round(100*time.Millisecond), s.sent, s.ok, s.errs, s.perSec,
		s.p50.Round(100*time.Microsecond), s.p99.Round(100*time.Microsecond), loadAvg())
	for _, e := range s.firstErrors {
		fmt.Printf("        error: %s\n", e)
	}
	return s
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}

// --- checks ----------------------------------------------------------------

// primary connects to whichever server accepts writes now.
func (l *loader) primary(ctx context.Context) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		conn, err := pgx.Connect(cctx, l.c.dbURL)
		if err == nil {
			return conn, nil
		}
		if cctx.Err() != nil {
			return nil, fmt.Errorf("no primary accepts connections: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkWrites confirms every acknowledged write of rs is in the database.
func (l *loader) checkWrites(ctx context.Context, rs []result) (acked int, err error) {
	conn, err := l.primary(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT name FROM organizations WHERE name LIKE $1`, l.prefix+"%")
	if err != nil {
		return 0, err
	}
	have := map[string]int{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
		have[n]++
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var missing, twice []string
	for _, r := range rs {
		if r.kind != "write" || !r.ok() {
			continue
		}
		acked++
		switch have[r.marker] {
		case 0:
			missing = append(missing, r.marker)
		case 1:
		default:
			twice = append(twice, r.marker)
		}
	}
	if len(missing) > 0 {
		return acked, fmt.Errorf("%d acknowledged writes are missing from the database, e.g. %s", len(missing), missing[0])
	}
	if len(twice) > 0 {
		return acked, fmt.Errorf("%d acknowledged writes are in the database twice, e.g. %s", len(twice), twice[0])
	}
	return acked, nil
}

// --- processes -------------------------------------------------------------

func (c *cluster) nodePID(i int) (int, error) {
	b, err := os.ReadFile(filepath.Join(c.dir, fmt.Sprintf("node%d.pid", i)))
	if err != nil {
		return 0, err
	}
	var pid int
	_, err = fmt.Sscan(string(b), &pid)
	return pid, err
}

func (c *cluster) killNode(i int) error {
	pid, err := c.nodePID(i)
	if err != nil {
		return err
	}
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if !bytes.Contains(cmdline, []byte("liangxin")) {
		return fmt.Errorf("node %d (pid %d) is not running", i, pid)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return err
	}
	for range 100 {
		if syscall.Kill(pid, 0) != nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// startNode starts node i again with the command line cluster-up wrote.
func (c *cluster) startNode(i int) error {
	logf, err := os.OpenFile(filepath.Join(c.dir, fmt.Sprintf("node%d.log", i)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(c.dir, fmt.Sprintf("node%d.sh", i)))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return os.WriteFile(filepath.Join(c.dir, fmt.Sprintf("node%d.pid", i)), fmt.Appendf(nil, "%d\n", cmd.Process.Pid), 0o644)
}

func waitReady(url string, d time.Duration) error {
	deadline := time.Now().Add(d)
	cl := &http.Client{Timeout: 2 * time.Second}
	for {
		if res, err := cl.Get(url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/readyz not ready after %s", url, d)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c *cluster) pgCtl(args ...string) error {
	cmd := exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(c.pgbin, "pg_ctl")}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

// --- phases ----------------------------------------------------------------

func phaseBase(ctx context.Context, l *loader, rate int, d time.Duration) error {
	rs, _ := l.during(rate, d, func() error { return nil })
	s := printStats("base", rs)
	acked, err := l.checkWrites(ctx, rs)
	if err != nil {
		return err
	}
	fmt.Printf("        %d acknowledged writes, all in the database\n", acked)
	if s.errs > 0 {
		return fmt.Errorf("%d requests failed with no fault", s.errs)
	}
	return nil
}

func phaseNodeKill(ctx context.Context, l *loader, rate int, d time.Duration) error {
	const victim = 2
	var inflight int64
	var killedAt, readyAt time.Time
	rs, actErr := l.during(rate, d, func() error {
		time.Sleep(d / 4)
		// Kill while requests are in flight (up to 3 s of looking), so
		// that the bound is not trivially zero.
		for look := time.Now(); l.inFl.Load() < 2 && time.Since(look) < 3*time.Second; {
			time.Sleep(time.Millisecond)
		}
		inflight = l.inFl.Load()
		killedAt = time.Now()
		if err := l.c.killNode(victim); err != nil {
			return err
		}
		time.Sleep(d / 4)
		if err := l.c.startNode(victim); err != nil {
			return err
		}
		if err := waitReady(l.c.nodes[victim-1], 60*time.Second); err != nil {
			return err
		}
		readyAt = time.Now()
		return nil
	})
	s := printStats("a", rs)
	if actErr != nil {
		return actErr
	}
	fmt.Printf("        node %d SIGKILLed with %d requests in flight (all nodes); restarted, ready %.1f s after the kill\n",
		victim, inflight, readyAt.Sub(killedAt).Seconds())
	acked, err := l.checkWrites(ctx, rs)
	if err != nil {
		return err
	}
	fmt.Printf("        %d acknowledged writes, all in the database; %d failed requests (bound: %d in flight)\n", acked, s.errs, inflight)
	if int64(s.errs) > inflight {
		return fmt.Errorf("%d requests failed, more than the %d in flight when the node died", s.errs, inflight)
	}
	return nil
}

func phaseFailover(ctx context.Context, l *loader, rate int, d time.Duration) error {
	var stoppedAt, promotedAt time.Time
	rs, actErr := l.during(rate, d, func() error {
		time.Sleep(d / 5)
		if err := l.c.pgCtl("-D", filepath.Join(l.c.dir, "pg1"), "-m", "immediate", "-w", "stop"); err != nil {
			return err
		}
		// Counted from the moment the primary is certainly gone.
		stoppedAt = time.Now()
		if err := l.c.pgCtl("-D", filepath.Join(l.c.dir, "pg2"), "-w", "-t", "60", "promote"); err != nil {
			return err
		}
		promotedAt = time.Now()
		return nil
	})
	s := printStats("b", rs)
	if actErr != nil {
		return actErr
	}
	// The gap: from the primary's stop to the first write sent after it and
	// acknowledged; and the longest time between two successive write
	// acknowledgements in the phase (the outage as a user sees it).
	var firstAfter time.Time
	var acks []time.Time
	failedWrites := 0
	for _, r := range rs {
		if r.kind != "write" {
			continue
		}
		if !r.ok() {
			failedWrites++
			continue
		}
		end := r.start.Add(r.took)
		acks = append(acks, end)
		if r.start.After(stoppedAt) && (firstAfter.IsZero() || end.Before(firstAfter)) {
			firstAfter = end
		}
	}
	slices.SortFunc(acks, func(a, b time.Time) int { return a.Compare(b) })
	var longest time.Duration
	for i := 1; i < len(acks); i++ {
		longest = max(longest, acks[i].Sub(acks[i-1]))
	}
	fmt.Printf("        primary stopped (immediate), replica promoted %.2f s later; %d writes failed, %d requests in all\n",
		promotedAt.Sub(stoppedAt).Seconds(), failedWrites, s.errs)
	if firstAfter.IsZero() {
		return errors.New("no write was acknowledged after the primary stopped")
	}
	gap := firstAfter.Sub(stoppedAt)
	fmt.Printf("        first write acknowledged %.2f s after the primary stopped (bound %s); longest time between two write acknowledgements %.2f s\n",
		gap.Seconds(), *flagWriteGap, longest.Seconds())
	acked, err := l.checkWrites(ctx, l.allResults())
	if err != nil {
		return fmt.Errorf("on the new primary: %w", err)
	}
	fmt.Printf("        %d acknowledged writes of the whole run, all on the new primary; PostgreSQL is now one server (the promoted replica)\n", acked)
	if gap > *flagWriteGap {
		return fmt.Errorf("writes resumed %.1f s after the primary stopped, more than %s", gap.Seconds(), *flagWriteGap)
	}
	return nil
}

func (l *loader) allResults() []result {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.results)
}

// errTooFast: the import finished before the node could be killed.
var errTooFast = errors.New("the import finished before the node was killed")

func phaseImport(ctx context.Context, l *loader, rate, rows int, runID string) error {
	const victim = 3
	prefix := "集群导入" + runID + "-"
	data, err := importBook(prefix, rows, runID)
	if err != nil {
		return err
	}
	conn, err := l.primary(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	count := func() (int, error) {
		var n int
		err := conn.QueryRow(ctx, `SELECT count(*) FROM organizations WHERE name LIKE $1`, prefix+"%").Scan(&n)
		return n, err
	}
	before, err := count()
	if err != nil {
		return err
	}
	node := newClient(l.c.nodes[victim-1])
	if st, b, err := node.login(l.c.user, l.c.pass); err != nil || st != 200 {
		return fmt.Errorf("login on node %d: %d %s %v", victim, st, b, err)
	}
	session := "clusterfaults-" + runID
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answered := make(chan answer, 1)
	var killedPhase string
	var killedAt int
	var stuck error
	var killed time.Time
	var settled time.Duration
	var status, message string
	var created int
	rs, actErr := l.during(rate, 0, func() error {
		go func() {
			st, b, err := node.upload(session, data)
			answered <- answer{st, b, err}
		}()
		// Kill the node once it has written half the rows, its transaction
		// open (progress is in import_sessions on PostgreSQL).
		deadline := time.Now().Add(5 * time.Minute)
		for {
			select {
			case a := <-answered:
				var n int
				if err := conn.QueryRow(ctx, `SELECT count(*) FROM organizations WHERE name LIKE $1`, prefix+"%").Scan(&n); err != nil {
					return err
				}
				if a.status == 200 && n-before == rows {
					return fmt.Errorf("%w: answered 200 with all %d rows in, once", errTooFast, rows)
				}
				return fmt.Errorf("the import answered %d before the node was killed, with %d of %d rows in: %s %v", a.status, n-before, rows, trim(a.body), a.err)
			default:
			}
			var status, phase string
			var processed int
			err := conn.QueryRow(ctx, `SELECT status, phase, processed FROM import_sessions WHERE id = $1`, session).Scan(&status, &phase, &processed)
			if err == nil && status == "running" && phase == "write" && processed >= rows/2 {
				killedPhase, killedAt = phase, processed
				break
			}
			if time.Now().After(deadline) {
				return errors.New("the import never reached its write phase")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := l.c.killNode(victim); err != nil {
			return err
		}
		killed = time.Now()
		if err := l.c.startNode(victim); err != nil {
			return err
		}
		if err := waitReady(l.c.nodes[victim-1], 60*time.Second); err != nil {
			return err
		}
		// The job must leave 'running' by itself (the other nodes notice
		// the dead owner), under load.
		for {
			if err := conn.QueryRow(ctx, `SELECT status, message, created FROM import_sessions WHERE id = $1`, session).Scan(&status, &message, &created); err != nil {
				return err
			}
			if status != "running" {
				settled = time.Since(killed)
				return nil
			}
			if time.Since(killed) > *flagSettle {
				stuck = fmt.Errorf("the import job is still 'running' %s after its node was killed (job recovery: sheetimport.Jobs heartbeat/RecoverAbandoned)", *flagSettle)
				return nil
			}
			time.Sleep(time.Second)
		}
	})
	printStats("c", rs)
	if actErr != nil {
		return actErr
	}
	a := <-answered
	fmt.Printf("        node %d SIGKILLed in phase %q at %d of %d rows; the upload got %d %v\n", victim, killedPhase, killedAt, rows, a.status, a.err)
	after, err := count()
	if err != nil {
		return err
	}
	fmt.Printf("        job %s %.0f s after the kill: %s %q; organizations of the file: %d before, %d after (file: %d)\n",
		session, settled.Seconds(), status, message, before, after, rows)
	if stuck != nil {
		return stuck
	}
	if _, err := l.checkWrites(ctx, l.allResults()); err != nil {
		return err
	}
	switch {
	case after-before != 0 && after-before != rows:
		return fmt.Errorf("half-written: %d of %d rows", after-before, rows)
	case status == "failed" && after != before:
		return fmt.Errorf("the job failed but %d rows are in", after-before)
	case status == "failed" && strings.TrimSpace(message) == "":
		return errors.New("the job failed with no reason")
	case status == "succeeded" && (after-before != rows || created != rows):
		return fmt.Errorf("the job succeeded with %d rows in and %d created, file %d", after-before, created, rows)
	case status != "failed" && status != "succeeded":
		return fmt.Errorf("the job ended %q", status)
	}
	return nil
}

func trim(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}

func (c *client) upload(session string, data []byte) (int, []byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "cluster.xlsx")
	_, _ = fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+"/api/v1/imports/organizations?session="+session, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	c.http.Timeout = 10 * time.Minute
	return c.send(req)
}

// importBook writes a ledger in the template's layout: rows new 两新组织
// (民营企业 with valid, run-unique credit codes) in the streets of 祁东县.
func importBook(prefix string, rows int, runID string) ([]byte, error) {
	towns := []string{"洪桥街道", "玉合街道", "永昌街道", "白地市镇", "黄土铺镇"}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	hdr := []any{}
	for _, h := range org.Headers() {
		hdr = append(hdr, h)
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return nil, err
	}
	var base int
	_, _ = fmt.Sscanf(runID, "%x", &base)
	base = (base%900 + 100) * 100000
	for i := range rows {
		row := []any{fmt.Sprintf("%s%06d", prefix, i+1), uscc.Generate('9', '1', "430426", base+i+1), "民营企业", towns[i%len(towns)], "", "F",
			10 + i%50, 0, 0, "否", "2020-01-01", ""}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
