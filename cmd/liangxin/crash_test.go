package main

// The crash test of issue 12: the real binary, a large organization import,
// SIGKILL at several points, a restart on the same database. See
// docs/testing.md ("Crash test").

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/org"
	"liangxin/internal/racetest"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
	"liangxin/internal/uscc"
)

// crashRowsEnv sets the rows of the generated file (default
// crashDefaultRows; `make crash` runs 100,000).
const (
	crashRowsEnv     = "LIANGXIN_CRASH_ROWS"
	crashBothEnv     = "LIANGXIN_CRASH_BOTH"
	crashDefaultRows = 30000
	crashUser        = "crashtest"
	crashInitial     = "Crash#Qidong-2026"
	crashPassword    = "Crash#Qidong-2026x"
	// headRows: the first rows of the same ledger, for the later re-imports.
	headRows = 200
	// reasonRestarted is what the user must read on a job a kill ended.
	reasonRestarted = "服务重启，导入未完成，数据已回滚，请重新导入"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds cmd/liangxin once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "liangxin-crash-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "liangxin")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// TestCrashDuringImport kills the server (SIGKILL) while it imports a large
// ledger — while the file is read, mid-write, and after the last progress
// report before the commit — restarts it on the same database and checks
// that the job reads failed with the Chinese reason, that nothing of the
// import is visible, and that the same session id imports the file in full.
func TestCrashDuringImport(t *testing.T) {
	if testing.Short() || racetest.Enabled {
		t.Skip("crash test: builds the binary and imports tens of thousands of rows several times (skipped under -short and -race)")
	}
	rows := crashDefaultRows
	if v := os.Getenv(crashRowsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 {
			t.Fatalf("%s=%q: want a number of rows >= 2000", crashRowsEnv, v)
		}
		rows = n
	}
	bin := binary(t)
	file := filepath.Join(t.TempDir(), "ledger.xlsx")
	if err := writeLedger(file, rows); err != nil {
		t.Fatal(err)
	}
	ledger, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	headFile := filepath.Join(t.TempDir(), "head.xlsx")
	if err := writeLedger(headFile, headRows); err != nil {
		t.Fatal(err)
	}
	head, err := os.ReadFile(headFile)
	if err != nil {
		t.Fatal(err)
	}
	// One database per run, like every test on storetest: the SQLite
	// scenario in the plain run, the PostgreSQL one in the run with
	// LIANGXIN_TEST_POSTGRES (CI runs both; the PostgreSQL run used to repeat
	// the SQLite scenario of the plain run too, a minute of the same work).
	// `make crash` runs both here (LIANGXIN_CRASH_BOTH=1).
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" || os.Getenv(crashBothEnv) == "1" {
		t.Run("sqlite", func(t *testing.T) {
			crashScenario(t, bin, ledger, head, rows, "")
		})
	}
	if base != "" {
		t.Run("postgres", func(t *testing.T) {
			crashScenario(t, bin, ledger, head, rows, freshSchema(t, base))
		})
	}
}

// freshSchema creates a schema of its own on the test PostgreSQL database
// (dropped at the end) and returns the URL that uses it.
func freshSchema(t *testing.T, base string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "crash_" + hex.EncodeToString(b)
	admin, err := store.OpenPostgres(context.Background(), base, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// killPoint says when to send SIGKILL, from what GET /api/v1/imports/{id}
// shows of the running job.
type killPoint struct {
	name    string
	session string
	ready   func(s session, rows int) bool
	// strict: the kill certainly precedes the commit (the job had rows left
	// to write), so the job must read failed. The last point may lose the
	// race to the commit; then the import must be complete instead.
	strict bool
}

type session struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Phase     string `json:"phase"`
	Processed int    `json:"processed"`
	Rows      int    `json:"rows"`
	Created   int    `json:"created"`
	Unchanged int    `json:"unchanged"`
	Message   string `json:"message"`
}

func crashScenario(t *testing.T, bin string, ledger, head []byte, rows int, dbURL string) {
	srv := &server{t: t, bin: bin, data: t.TempDir(), db: dbURL}
	srv.cli("init", "--jurisdiction", "430426")
	srv.cli("user", "create", "--username", crashUser, "--role", "district", "--scope", "430426", "--password", crashInitial)

	points := []killPoint{
		{name: "reading", session: "crash-reading-01", strict: true,
			ready: func(s session, _ int) bool { return s.Status == "running" }},
		{name: "mid-write", session: "crash-writing-02", strict: true,
			ready: func(s session, n int) bool { return s.Phase == "write" && s.Processed >= n/3 }},
		{name: "before-commit", session: "crash-commit-03",
			ready: func(s session, n int) bool { return s.Phase == "write" && s.Processed >= n-500 }},
		// SQLite stages the import in a scratch file and then publishes it
		// in one short transaction (org.PhasePublish): the kill lands in
		// the publish or just after it.
		{name: "publishing", session: "crash-publish-04",
			ready: func(s session, _ int) bool { return s.Phase == org.PhasePublish }},
	}
	if dbURL != "" { // PostgreSQL writes in one transaction: no publish phase
		points = points[:len(points)-1]
	}
	srv.start()
	srv.changePassword()
	c := srv.login()
	if got := c.orgCount(); got != 0 {
		t.Fatalf("fresh database holds %d organizations, want 0", got)
	}
	committed := false
	for _, p := range points {
		start := time.Now()
		done := make(chan int, 1)
		go func() { done <- c.upload(ledger, p.session) }()
		seen := c.waitFor(p, rows, done)
		srv.kill()
		t.Logf("%s: SIGKILL after %s with the job at status=%s phase=%q processed=%d", p.name, time.Since(start).Round(time.Millisecond), seen.Status, seen.Phase, seen.Processed)
		if p.name == "mid-write" && srv.db == "" && len(srv.stages()) == 0 {
			t.Errorf("%s: no scratch file next to the database at the kill: the import did not stage", p.name)
		}
		if code := <-done; code != 0 && code != 200 {
			t.Fatalf("%s: the upload answered %d before the kill", p.name, code)
		}
		srv.restartAfterKill()
		if left := srv.stages(); len(left) > 0 {
			t.Errorf("%s: scratch files left after the restart: %v", p.name, left)
		}
		c = srv.login()
		job := c.job(p.session)
		n := c.orgCount()
		switch {
		case job.Status == "failed":
			if job.Message != reasonRestarted {
				t.Errorf("%s: reason %q, want %q", p.name, job.Message, reasonRestarted)
			}
			if !strings.Contains(srv.out.String(), "import jobs of a stopped process marked failed") {
				t.Errorf("%s: the restarted server did not log the recovery: %s", p.name, srv.out.String())
			}
			want := 0
			if committed {
				want = rows
			}
			if n != want {
				t.Errorf("%s: %d organizations visible after the crash, want %d (nothing of the killed import)", p.name, n, want)
			}
		case !p.strict && job.Status == "succeeded":
			// The commit won the race against the kill: all of it is there.
			t.Logf("%s: the import committed before SIGKILL arrived", p.name)
			if n != rows || job.Created != rows {
				t.Errorf("%s: committed import shows %d organizations (created %d), want %d", p.name, n, job.Created, rows)
			}
			committed = true
		default:
			t.Fatalf("%s: after restart the job reads %+v, want failed with %q", p.name, job, reasonRestarted)
		}
	}
	// The same session ids are accepted again. The first re-import brings
	// the whole file (unless the last kill lost to the commit); the other
	// ids re-import only the file's first headRows rows, which are then
	// all unchanged (a full pass each would only repeat the first).
	full := !committed
	for _, p := range points {
		if j := c.job(p.session); j.Status != "failed" {
			continue
		}
		file, wantRows, wantCreated, wantUnchanged := ledger, rows, rows, 0
		if !full {
			file, wantRows, wantCreated, wantUnchanged = head, headRows, 0, headRows
		}
		start := time.Now()
		code, body := c.uploadBody(file, p.session)
		if code != 200 {
			t.Fatalf("re-import under %s: %d %s", p.session, code, body)
		}
		var got session
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		if got.Status != "succeeded" || got.Rows != wantRows || got.Created != wantCreated || got.Unchanged != wantUnchanged {
			t.Fatalf("re-import under %s: %+v, want succeeded with %d rows, %d created, %d unchanged", p.session, got, wantRows, wantCreated, wantUnchanged)
		}
		if j := c.job(p.session); j.Status != "succeeded" {
			t.Fatalf("job %s after its re-import: %+v", p.session, j)
		}
		t.Logf("re-import of %d rows under %s: %s", wantRows, p.session, time.Since(start).Round(time.Millisecond))
		full = false
		if n := c.orgCount(); n != rows {
			t.Fatalf("after re-import under %s: %d organizations, want %d", p.session, n, rows)
		}
	}
	// A kill just after an import committed: it stays complete, and the
	// restart leaves no scratch file.
	const after = "crash-after-05"
	if code := c.upload(head, after); code != 200 {
		t.Fatalf("import under %s: %d", after, code)
	}
	srv.kill()
	srv.restartAfterKill()
	if left := srv.stages(); len(left) > 0 {
		t.Errorf("after-publish: scratch files left after the restart: %v", left)
	}
	c = srv.login()
	if j := c.job(after); j.Status != "succeeded" || j.Unchanged != headRows {
		t.Errorf("after-publish: the job reads %+v, want succeeded with %d unchanged", j, headRows)
	}
	if n := c.orgCount(); n != rows {
		t.Errorf("after-publish: %d organizations, want %d", n, rows)
	}
	srv.kill()
	// Whatever the kills interrupted (on SQLite a kill in the publish may
	// land in its roll-forward, which the restart finished), every
	// organization has exactly one creation entry in the audit trail.
	if srv.db == "" {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(srv.data, store.SQLiteFile)+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		// Through the organizations' key: creation entries, distinct
		// organizations they name, and those that name an organization.
		var creates, distinct, matched, orgs int
		if err := db.QueryRow(`SELECT (SELECT COUNT(*) FROM audit_log WHERE action = 'organization_create'),
			(SELECT COUNT(DISTINCT entity_id) FROM audit_log WHERE action = 'organization_create'),
			(SELECT COUNT(*) FROM audit_log a JOIN organizations o ON o.id = CAST(a.entity_id AS INTEGER) WHERE a.action = 'organization_create'),
			(SELECT COUNT(*) FROM organizations)`).Scan(&creates, &distinct, &matched, &orgs); err != nil {
			t.Fatal(err)
		}
		if creates != rows || distinct != rows || matched != rows || orgs != rows {
			t.Errorf("audit trail after the kills: %d creation entries naming %d organizations (%d existing) for %d organizations; want %d each",
				creates, distinct, matched, orgs, rows)
		}
	}
}

// stages lists the scratch files of staged imports next to the SQLite
// database (none on PostgreSQL).
func (s *server) stages() []string {
	if s.db != "" {
		return nil
	}
	m, _ := filepath.Glob(filepath.Join(s.data, store.SQLiteFile+".stage-*"))
	return m
}

// server runs the binary on one data folder / database.
type server struct {
	t    *testing.T
	bin  string
	data string
	db   string
	cmd  *exec.Cmd
	out  syncBuffer
	addr string
	// exited is closed once the running process is reaped.
	exited chan struct{}
}

// syncBuffer collects the server's output (written by exec's copying
// goroutine, read by the test).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func (b *syncBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.Reset()
}

func (s *server) env() []string {
	env := append(os.Environ(), "LIANGXIN_DATA="+s.data, "LIANGXIN_LOG_LEVEL=warn")
	if s.db != "" {
		env = append(env, "LIANGXIN_DB="+s.db)
	}
	return env
}

func (s *server) cli(args ...string) {
	s.t.Helper()
	cmd := exec.Command(s.bin, args...)
	cmd.Env = s.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("liangxin %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

func (s *server) start() {
	s.t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.t.Fatal(err)
	}
	s.addr = l.Addr().String()
	l.Close()
	s.out.Reset()
	s.cmd = exec.Command(s.bin, "serve", "--addr", s.addr)
	s.cmd.Env = s.env()
	s.cmd.Stdout, s.cmd.Stderr = &s.out, &s.out
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	exited := make(chan struct{})
	s.exited = exited
	go func() {
		_ = s.cmd.Wait()
		close(exited)
	}()
	proc := s.cmd.Process
	s.t.Cleanup(func() {
		_ = proc.Kill()
		<-exited
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + s.addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		select {
		case <-exited:
			s.t.Fatalf("serve exited: %s", s.out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	s.t.Fatalf("serve did not answer /healthz: %s", s.out.String())
}

// kill sends SIGKILL and reaps the process.
func (s *server) kill() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatal(err)
	}
	<-s.exited
}

// restartAfterKill starts the server again on the same database. On
// PostgreSQL several nodes may share the database, so a job is taken for
// abandoned only when its owner's heartbeat is older than
// sheetimport.StaleAfter (90 s): instead of waiting, the test moves the
// heartbeats of the running jobs that far into the past, as if the restart
// came that much later.
func (s *server) restartAfterKill() {
	s.t.Helper()
	if s.db != "" {
		ctx := context.Background()
		db, err := store.Open(ctx, s.db, s.data)
		if err != nil {
			s.t.Fatal(err)
		}
		old := store.FormatTime(time.Now().Add(-sheetimport.StaleAfter - time.Minute))
		_, err = db.Exec(ctx, db, `UPDATE import_sessions SET heartbeat_at = ? WHERE status = ?`, old, "running")
		db.Close()
		if err != nil {
			s.t.Fatal(err)
		}
	}
	s.start()
}

// client is a signed-in API client (cookie session plus CSRF token).
type client struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

func (s *server) login() *client {
	s.t.Helper()
	return s.loginAs(crashPassword)
}

// changePassword replaces the initial password, which must be changed
// before anything else.
func (s *server) changePassword() {
	s.t.Helper()
	c := s.loginAs(crashInitial)
	body, _ := json.Marshal(map[string]string{"old_password": crashInitial, "new_password": crashPassword})
	req, _ := http.NewRequest("POST", c.base+"/api/v1/auth/password", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	res, err := c.http.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		s.t.Fatalf("password change: %d %s", res.StatusCode, b)
	}
}

func (s *server) loginAs(password string) *client {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: s.t, base: "http://" + s.addr, http: &http.Client{Jar: jar, Timeout: 5 * time.Minute}}
	body, _ := json.Marshal(map[string]string{"username": crashUser, "password": password})
	res, err := c.http.Post(c.base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || json.Unmarshal(b, &out) != nil || out.CSRF == "" {
		s.t.Fatalf("login: %d %s", res.StatusCode, b)
	}
	c.csrf = out.CSRF
	return c
}

func (c *client) get(path string, v any) int {
	c.t.Helper()
	res, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 && res.StatusCode != 404 {
		c.t.Logf("GET %s: %d %s", path, res.StatusCode, b)
	}
	if res.StatusCode == 200 && v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			c.t.Fatalf("GET %s: %v: %s", path, err, b)
		}
	}
	return res.StatusCode
}

// orgCount is the number of organizations in the ledger. The list's total
// is exact up to its cap (10,000); past it the pages after the cap are
// walked and their rows counted.
func (c *client) orgCount() int {
	c.t.Helper()
	var page struct {
		Total  *int              `json:"total"`
		Capped bool              `json:"total_capped"`
		Items  []json.RawMessage `json:"items"`
	}
	if code := c.get("/api/v1/organizations?page_size=1", &page); code != 200 || page.Total == nil {
		c.t.Fatalf("organization list: %d", code)
	}
	if !page.Capped {
		return *page.Total
	}
	const size = 200 // the list's largest page
	n := *page.Total / size * size
	for p := n/size + 1; ; p++ {
		page.Items = nil
		if code := c.get(fmt.Sprintf("/api/v1/organizations?page_size=%d&page=%d", size, p), &page); code != 200 {
			c.t.Fatalf("organization list, page %d: %d", p, code)
		}
		n += len(page.Items)
		if len(page.Items) < size {
			return n
		}
	}
}

func (c *client) job(id string) session {
	c.t.Helper()
	var s session
	if code := c.get("/api/v1/imports/"+id, &s); code != 200 {
		c.t.Fatalf("GET /api/v1/imports/%s: %d", id, code)
	}
	return s
}

// uploadBody posts the ledger as an import under the session id; a
// connection cut by the kill answers 0.
func (c *client) uploadBody(ledger []byte, id string) (int, []byte) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "两新组织台账.xlsx")
	_, _ = fw.Write(ledger)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.base+"/api/v1/imports/organizations?session="+id, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.csrf)
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func (c *client) upload(ledger []byte, id string) int {
	code, _ := c.uploadBody(ledger, id)
	return code
}

// waitFor polls the job until the kill point is reached and returns what it
// saw then. It fails if the upload ends first (unless the point is not
// strict: then the import may simply have been quicker).
func (c *client) waitFor(p killPoint, rows int, done chan int) session {
	c.t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		var s session
		if code := c.get("/api/v1/imports/"+p.session, &s); code == 200 && p.ready(s, rows) {
			return s
		}
		select {
		case code := <-done:
			if p.strict {
				c.t.Fatalf("%s: the import ended (%d) before the kill point", p.name, code)
			}
			done <- code
			var s session
			c.get("/api/v1/imports/"+p.session, &s)
			return s
		case <-time.After(5 * time.Millisecond):
		}
	}
	c.t.Fatalf("%s: kill point not reached", p.name)
	return session{}
}

var crashTowns = []string{"洪桥街道", "玉合街道", "永昌街道", "白地市镇", "黄土铺镇", "官家嘴镇", "过水坪镇", "归阳镇"}

var crashCategories = []string{"民营企业", "其他企业", "社会团体", "民办非企业单位", "基金会", "中介服务组织"}

// writeLedger writes n organizations in the import template's layout
// (org.Headers), each with its own valid credit code.
func writeLedger(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	hdr := make([]any, 0, len(org.Headers()))
	for _, h := range org.Headers() {
		hdr = append(hdr, h)
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		row := []any{fmt.Sprintf("祁东县崩溃测试单位%06d", i+1), uscc.Generate('9', '1', "430426", i+1),
			crashCategories[i%len(crashCategories)], crashTowns[i%len(crashTowns)], "", "F",
			10 + i%300, i % 4, i % 2, "否", fmt.Sprintf("20%02d-%02d-%02d", i%26, 1+i%12, 1+i%28), ""}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}
