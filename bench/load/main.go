// Command load drives the Liangxin HTTP API at a fixed arrival rate over a
// weighted mix of the dashboard's read endpoints and a share of cheap,
// repeatable writes, and prints per endpoint the count, throughput, p50, p90,
// p99, max and errors by status (issue 18, target 3). Loopback only.
//
// Against a server of its own on the demo (SQLite in a fresh folder, or
// PostgreSQL with -db):
//
//	go build -o bin/liangxin ./cmd/liangxin
//	go run ./bench/load -bin bin/liangxin -rate 500 -duration 30s -writes 0.2
//
// Against a running server:
//
//	go run ./bench/load -url http://127.0.0.1:18100 -user district -password P
//
// The demo's accounts must change their initial password at first login;
// the program does so (-new-password) as the UI would, then reads and writes
// with the session cookie and the X-CSRF-Token header.
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
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"liangxin/bench/load/loadgen"
)

type options struct {
	url, bin, data, db, addr    string
	user, password, newPassword string
	rate                        float64
	duration, timeout           time.Duration
	maxInFlight                 int
	writes                      float64
	reads                       string
	jsonOut                     string
	p99, writeP99               time.Duration
	seed                        uint64
	walPath                     string
	warmup                      time.Duration
	keep                        bool
}

// readTargets are the dashboard's read endpoints, by name.
var readTargets = []loadgen.Target{
	{Name: "coverage", Method: "GET", Path: "/api/v1/stats/coverage"},
	{Name: "coverage-trend", Method: "GET", Path: "/api/v1/stats/coverage/trend"},
	{Name: "compliance", Method: "GET", Path: "/api/v1/compliance"},
	{Name: "organizations", Method: "GET", Path: "/api/v1/organizations?page=1&page_size=20"},
	{Name: "party-orgs", Method: "GET", Path: "/api/v1/party-orgs?page=1&page_size=20"},
	{Name: "members", Method: "GET", Path: "/api/v1/members?page=1&page_size=20"},
	{Name: "home", Method: "GET", Path: "/api/v1/home"},
	{Name: "system", Method: "GET", Path: "/api/v1/system"},
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "", "base URL of a running server (loopback only); else -bin starts one")
	flag.StringVar(&o.bin, "bin", "", "liangxin binary: load the demo and serve it for the run")
	flag.StringVar(&o.data, "data", "", "with -bin: data folder (default a fresh temporary one; the demo is loaded when it holds no database)")
	flag.StringVar(&o.db, "db", "", "with -bin: PostgreSQL URL for the server (default the SQLite file in -data)")
	flag.StringVar(&o.addr, "addr", "127.0.0.1:18100", "with -bin: listen address")
	flag.StringVar(&o.user, "user", "district", "account")
	flag.StringVar(&o.password, "password", "", "password (with -bin and a fresh demo: the demo's initial password)")
	flag.StringVar(&o.newPassword, "new-password", "Load#Bench-2026-q", "password set when the account must change its initial one")
	flag.Float64Var(&o.rate, "rate", 100, "arrival rate, requests per second (open loop)")
	flag.DurationVar(&o.duration, "duration", 30*time.Second, "how long requests are scheduled")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "a run at the same rate before the measured one (0: none)")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Second, "per-request timeout")
	flag.IntVar(&o.maxInFlight, "max-inflight", 64, "cap on requests in flight; a request due while the cap is reached is dropped (counted as an error)")
	flag.Float64Var(&o.writes, "writes", 0, "share of writes in the mix, 0…1 (PATCH a member's phone, PATCH an organization's employee count)")
	flag.StringVar(&o.reads, "reads", "all", "comma-separated read endpoints: "+readNames()+" (all: every one)")
	flag.StringVar(&o.jsonOut, "json", "", "also write the result as JSON to this file (- for standard output)")
	flag.DurationVar(&o.p99, "p99", 0, "exit 1 when a read endpoint's p99 exceeds this (0: no check)")
	flag.DurationVar(&o.writeP99, "write-p99", 0, "exit 1 when a write endpoint's p99 exceeds this (0: no check)")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the mix")
	flag.StringVar(&o.walPath, "wal", "", "SQLite WAL file whose size is printed before and after (default the -data folder's when -bin serves SQLite)")
	flag.BoolVar(&o.keep, "keep", false, "with -bin: keep the temporary data folder")
	flag.Parse()
	code, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

// pageTargets are compliance pages other than the default one (by name, by
// a figure, by status), chosen by name only ("all" leaves them out).
var pageTargets = []loadgen.Target{
	{Name: "compliance-name", Method: "GET", Path: "/api/v1/compliance?sort=name"},
	{Name: "compliance-rate", Method: "GET", Path: "/api/v1/compliance?sort=rate"},
	{Name: "compliance-incomplete", Method: "GET", Path: "/api/v1/compliance?status=incomplete"},
}

func readNames() string {
	var n []string
	for _, t := range append(append([]loadgen.Target{}, readTargets...), pageTargets...) {
		n = append(n, t.Name)
	}
	return strings.Join(n, ",")
}

func run(o options) (int, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if o.writes < 0 || o.writes > 1 {
		return 0, errors.New("-writes must be within 0…1")
	}
	base := o.url
	if o.bin != "" {
		if o.url != "" {
			return 0, errors.New("give -url or -bin, not both")
		}
		if err := loadgen.CheckLoopback("http://" + o.addr); err != nil {
			return 0, err
		}
		srv, err := startServer(ctx, &o)
		if err != nil {
			return 0, err
		}
		defer srv.stop()
		base = "http://" + o.addr
	}
	if base == "" {
		return 0, errors.New("give -url of a running server or -bin to start one")
	}
	if err := loadgen.CheckLoopback(base); err != nil {
		return 0, err
	}
	if o.password == "" {
		return 0, errors.New("-password is required")
	}
	client := loadgen.LoopbackClient(o.maxInFlight, o.timeout)
	sess, err := login(ctx, client, base, o.user, o.password, o.newPassword)
	if err != nil {
		return 0, err
	}
	targets, err := buildTargets(ctx, client, base, sess, o)
	if err != nil {
		return 0, err
	}
	cfg := loadgen.Config{BaseURL: base, Targets: targets, Rate: o.rate, MaxInFlight: o.maxInFlight,
		Timeout: o.timeout, Prepare: sess.prepare, Seed: o.seed, Client: client}
	if o.walPath == "" && o.bin != "" && o.db == "" {
		o.walPath = filepath.Join(o.data, "liangxin.db-wal")
	}
	if o.warmup > 0 {
		cfg.Duration = o.warmup
		if _, err := loadgen.Run(ctx, cfg); err != nil {
			return 0, err
		}
	}
	fmt.Printf("load average before: %s", loadavg())
	walBefore := walSize(o.walPath)
	cfg.Duration = o.duration
	cfg.Seed = o.seed + 1
	res, err := loadgen.Run(ctx, cfg)
	if err != nil {
		return 0, err
	}
	fmt.Printf("load average after:  %s", loadavg())
	res.Print(os.Stdout)
	if o.walPath != "" {
		fmt.Printf("WAL %s: %s before, %s at the end", o.walPath, mb(walBefore), mb(walSize(o.walPath)))
		time.Sleep(2 * time.Second)
		fmt.Printf(", %s 2 s later\n", mb(walSize(o.walPath)))
	}
	if o.jsonOut != "" {
		w := io.Writer(os.Stdout)
		if o.jsonOut != "-" {
			f, err := os.Create(o.jsonOut)
			if err != nil {
				return 0, err
			}
			defer f.Close()
			w = f
		}
		if err := res.JSON(w); err != nil {
			return 0, err
		}
	}
	code := 0
	for _, s := range res.Endpoints {
		limit := o.p99
		if isWrite(s.Name) {
			limit = o.writeP99
		}
		if limit > 0 && s.Count > 0 && s.P99 > float64(limit)/float64(time.Millisecond) {
			fmt.Printf("MISSED: %s p99 %.1f ms > %v\n", s.Name, s.P99, limit)
			code = 1
		}
	}
	return code, nil
}

func isWrite(name string) bool { return strings.HasPrefix(name, "write-") }

func mb(n int64) string {
	if n < 0 {
		return "absent"
	}
	return fmt.Sprintf("%.2f MB", float64(n)/(1<<20))
}

func walSize(path string) int64 {
	if path == "" {
		return -1
	}
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown\n"
	}
	return string(b)
}

// buildTargets weighs the chosen reads equally within 1−writes and the two
// writes equally within writes; the writes pick a random record among the
// first hundred of each list.
func buildTargets(ctx context.Context, c *http.Client, base string, sess *session, o options) ([]loadgen.Target, error) {
	var reads []loadgen.Target
	want := map[string]bool{}
	if o.reads != "all" {
		for _, n := range strings.Split(o.reads, ",") {
			want[strings.TrimSpace(n)] = true
		}
	}
	for i, t := range append(append([]loadgen.Target{}, readTargets...), pageTargets...) {
		if o.reads == "all" && i < len(readTargets) || want[t.Name] {
			reads = append(reads, t)
			delete(want, t.Name)
		}
	}
	for n := range want {
		return nil, fmt.Errorf("unknown read endpoint %q (known: %s)", n, readNames())
	}
	var out []loadgen.Target
	for _, t := range reads {
		t.Weight = (1 - o.writes) / float64(len(reads))
		out = append(out, t)
	}
	if o.writes == 0 {
		return out, nil
	}
	members, _, err := listIDs(ctx, c, base, sess, "/api/v1/members?page=1&page_size=100")
	if err != nil {
		return nil, err
	}
	orgs, employees, err := listIDs(ctx, c, base, sess, "/api/v1/organizations?page=1&page_size=100")
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	lastOrg := 0
	rng := rand.New(rand.NewPCG(o.seed, 7))
	pick := func(n int) int {
		mu.Lock()
		defer mu.Unlock()
		return rng.IntN(n)
	}
	num := func(n int) int {
		mu.Lock()
		defer mu.Unlock()
		return rng.IntN(n)
	}
	if len(members) == 0 && len(orgs) == 0 {
		return nil, errors.New("no members and no organizations to write to")
	}
	// A ledger without members (a generated one) writes organizations only.
	share := o.writes / 2
	if len(members) == 0 || len(orgs) == 0 {
		share = o.writes
	}
	if len(members) > 0 {
		out = append(out, loadgen.Target{Name: "write-member-phone", Method: "PATCH", Weight: share,
			PathFunc: func() string { return fmt.Sprintf("/api/v1/members/%d", members[pick(len(members))]) },
			Body:     func() []byte { return fmt.Appendf(nil, `{"phone":"139%08d"}`, num(100000000)) }})
	}
	if len(orgs) == 0 {
		return out, nil
	}
	out = append(out,
		// The employee count becomes the listed one (at least 在岗职工数)
		// plus 0–2, so every write is valid and the ledger barely drifts.
		// Body runs right after PathFunc on the scheduler's goroutine, so
		// it may use the organization PathFunc chose.
		loadgen.Target{Name: "write-org-employees", Method: "PATCH", Weight: share,
			PathFunc: func() string {
				lastOrg = pick(len(orgs))
				return fmt.Sprintf("/api/v1/organizations/%d", orgs[lastOrg])
			},
			Body: func() []byte { return fmt.Appendf(nil, `{"employees":%d}`, employees[lastOrg]+int64(num(3))) }},
	)
	return out, nil
}

// listIDs returns the ids of a list page's items and, for organizations,
// the larger of each one's 从业人员数 and 在岗职工数.
func listIDs(ctx context.Context, c *http.Client, base string, sess *session, path string) ([]int64, []int64, error) {
	status, body, err := sess.call(ctx, c, base, "GET", path, nil)
	if err != nil {
		return nil, nil, err
	}
	if status != 200 {
		return nil, nil, fmt.Errorf("GET %s: %d %s", path, status, trim(body))
	}
	var page struct {
		Items []struct {
			ID          int64 `json:"id"`
			Employees   int64 `json:"employees"`
			StaffOnPost int64 `json:"staff_on_post"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", path, err)
	}
	var ids, employees []int64
	for _, it := range page.Items {
		ids = append(ids, it.ID)
		employees = append(employees, max(it.Employees, it.StaffOnPost))
	}
	return ids, employees, nil
}

// session is a logged-in browser session: the cookie and the CSRF token
// the UI sends with every write.
type session struct {
	cookie *http.Cookie
	csrf   string
}

func (s *session) prepare(r *http.Request) {
	r.AddCookie(s.cookie)
	if r.Method != "GET" {
		r.Header.Set("X-CSRF-Token", s.csrf)
	}
}

func (s *session) call(ctx context.Context, c *http.Client, base, method, path string, v any) (int, []byte, error) {
	var rd io.Reader
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if s.cookie != nil {
		s.prepare(req)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Name == "liangxin_session" && ck.Value != "" {
			s.cookie = &http.Cookie{Name: ck.Name, Value: ck.Value}
		}
	}
	var sr struct {
		CSRF string `json:"csrf_token"`
	}
	if json.Unmarshal(body, &sr) == nil && sr.CSRF != "" {
		s.csrf = sr.CSRF
	}
	return resp.StatusCode, body, err
}

func login(ctx context.Context, c *http.Client, base, user, password, newPassword string) (*session, error) {
	s := &session{}
	status, body, err := s.call(ctx, c, base, "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": password})
	if err != nil {
		return nil, err
	}
	if status != 200 || s.cookie == nil {
		return nil, fmt.Errorf("login as %s: %d %s", user, status, trim(body))
	}
	var r struct {
		User struct {
			MustChange bool `json:"must_change_password"`
		} `json:"user"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, err
	}
	if r.User.MustChange {
		status, body, err := s.call(ctx, c, base, "POST", "/api/v1/auth/password", map[string]string{"old_password": password, "new_password": newPassword})
		if err != nil {
			return nil, err
		}
		if status != 200 {
			return nil, fmt.Errorf("change of the initial password: %d %s", status, trim(body))
		}
		fmt.Printf("%s changed its initial password to -new-password\n", user)
	}
	return s, nil
}

func trim(b []byte) string {
	if len(b) > 300 {
		b = b[:300]
	}
	return string(b)
}

type server struct {
	cmd  *exec.Cmd
	temp string
	done chan struct{}
}

func (s *server) stop() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	}
	if s.temp != "" {
		os.RemoveAll(s.temp)
	}
}

var demoPassword = regexp.MustCompile(`^\s*(\S+)\s.*初始密码：\s*(\S+)`)

// startServer loads the demo into o.data when it holds no database (and the
// server's database is SQLite, or PostgreSQL given by -db and empty), then
// serves it on o.addr.
func startServer(ctx context.Context, o *options) (*server, error) {
	s := &server{done: make(chan struct{})}
	if o.data == "" {
		dir, err := os.MkdirTemp("", "liangxin-load-")
		if err != nil {
			return nil, err
		}
		o.data = dir
		if !o.keep {
			s.temp = dir
		}
	}
	args := []string{"--data", o.data}
	if o.db != "" {
		args = append(args, "--db", o.db)
	}
	if _, err := os.Stat(filepath.Join(o.data, "liangxin.db")); err != nil && o.db == "" || o.db != "" && o.password == "" {
		fmt.Printf("loading the demo into %s …\n", o.data)
		cmd := exec.CommandContext(ctx, o.bin, append([]string{"demo"}, args...)...)
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("liangxin demo: %w\n%s", err, out.String())
		}
		sc := bufio.NewScanner(&out)
		for sc.Scan() {
			if m := demoPassword.FindStringSubmatch(sc.Text()); m != nil && m[1] == o.user {
				o.password = m[2]
			}
		}
		if o.password == "" {
			return nil, fmt.Errorf("the demo printed no initial password for %s", o.user)
		}
	}
	s.cmd = exec.Command(o.bin, append([]string{"serve", "--addr", o.addr}, args...)...)
	s.cmd.Stdout = io.Discard
	s.cmd.Stderr = io.Discard
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	fmt.Printf("server pid %d on %s\n", s.cmd.Process.Pid, o.addr)
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	c := loadgen.LoopbackClient(1, time.Second)
	for i := 0; ; i++ {
		resp, err := c.Get("http://" + o.addr + "/api/v1/system")
		if err == nil {
			resp.Body.Close()
			return s, nil
		}
		select {
		case <-s.done:
			return nil, errors.New("the server exited before answering")
		case <-time.After(200 * time.Millisecond):
		}
		if i > 300 {
			s.stop()
			return nil, errors.New("the server did not answer within a minute")
		}
	}
}
