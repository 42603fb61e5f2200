package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"liangxin/internal/cli"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// target is where a CLI test keeps its data: a temp folder, plus a fresh
// PostgreSQL schema when the suite runs on PostgreSQL.
type target struct {
	data string
	db   string
	vars map[string]string // further environment variables
}

func newTarget(t *testing.T) target {
	t.Helper()
	tg := target{data: t.TempDir()}
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		return tg
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "c_" + hex.EncodeToString(b)
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
	tg.db = base + sep + "search_path=" + schema
	return tg
}

func (tg target) env() cli.Env {
	return cli.Env{Stdin: strings.NewReader(""), Getenv: func(k string) string {
		if v, ok := tg.vars[k]; ok {
			return v
		}
		switch k {
		case "LIANGXIN_DATA":
			return tg.data
		case "LIANGXIN_DB":
			return tg.db
		case "LIANGXIN_LOG_LEVEL":
			return "error"
		}
		return ""
	}}
}

func (tg target) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := tg.env()
	env.Stdout, env.Stderr = &out, &errb
	code = cli.Run(context.Background(), args, env)
	return code, out.String(), errb.String()
}

var passwordRE = regexp.MustCompile(`admin.*?(?:password|密码)[:：]\s*(\S+)`)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve starts `liangxin serve` and returns its address, its stdout and a stop function.
func serve(t *testing.T, tg target, args ...string) (string, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	env := tg.env()
	env.Stdout, env.Stderr = out, out
	ready := make(chan string, 1)
	env.Ready = func(addr string) { ready <- addr }
	done := make(chan int, 1)
	go func() { done <- cli.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), env) }()
	select {
	case addr := <-ready:
		return addr, out, func() int { cancel(); return <-done }
	case code := <-done:
		cancel()
		t.Fatalf("serve exited with %d: %s", code, out.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("serve did not start: %s", out.String())
	}
	return "", nil, nil
}

func TestServeInitialisesAndAnswersHealth(t *testing.T) {
	tg := newTarget(t)
	addr, out, stop := serve(t, tg, "--jurisdiction", "430426")
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("healthz %d", res.StatusCode)
	}
	m := passwordRE.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no admin password printed: %s", out.String())
	}
	body, _ := json.Marshal(map[string]string{"username": "admin", "password": m[1]})
	res, err = http.Post("http://"+addr+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("admin login with printed password: %d", res.StatusCode)
	}
	if code := stop(); code != 0 {
		t.Fatalf("graceful stop exit code %d: %s", code, out.String())
	}
	// Second start: no new password, jurisdiction kept without the flag.
	_, out2, stop2 := serve(t, tg)
	if passwordRE.MatchString(out2.String()) {
		t.Fatal("a second start printed a new admin password")
	}
	stop2()
	// A different jurisdiction is refused.
	if code, _, errOut := tg.run(t, "serve", "--addr", "127.0.0.1:0", "--jurisdiction", "430421"); code == 0 || !strings.Contains(errOut, "430426") {
		t.Fatalf("changed jurisdiction accepted: %d %s", code, errOut)
	}
}

func TestServeWithoutJurisdictionAsks(t *testing.T) {
	tg := newTarget(t)
	code, _, errOut := tg.run(t, "serve", "--addr", "127.0.0.1:0")
	if code == 0 || !strings.Contains(errOut, "--jurisdiction") {
		t.Fatalf("uninitialised serve: %d %s", code, errOut)
	}
	code, _, errOut = tg.run(t, "init", "--jurisdiction", "4304260")
	if code == 0 || !strings.Contains(errOut, "代码") {
		t.Fatalf("bad code accepted: %d %s", code, errOut)
	}
}

func TestUserAndTokenCommands(t *testing.T) {
	tg := newTarget(t)
	if code, out, errOut := tg.run(t, "init", "--jurisdiction", "430426"); code != 0 || !strings.Contains(out, "祁东县") {
		t.Fatalf("init: %d %s %s", code, out, errOut)
	}
	code, out, errOut := tg.run(t, "user", "create", "--username", "hongqiao", "--role", "street", "--scope", "430426001", "--password", "Hq#Street2026")
	if code != 0 || !strings.Contains(out, "洪桥街道") {
		t.Fatalf("user create: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := tg.run(t, "user", "create", "--username", "bad", "--role", "emperor", "--scope", "430426001"); code == 0 || !strings.Contains(errOut, "角色") {
		t.Fatalf("bad role accepted: %s", errOut)
	}
	// An instructor account is bound to an existing instructor record.
	if code, _, errOut := tg.run(t, "user", "create", "--username", "zhidao", "--role", "instructor"); code == 0 || !strings.Contains(errOut, "--instructor-id") {
		t.Fatalf("unbound instructor accepted: %s", errOut)
	}
	if code, _, errOut := tg.run(t, "user", "create", "--username", "zhidao", "--role", "instructor", "--instructor-id", "999"); code == 0 || !strings.Contains(errOut, "指导员记录不存在") {
		t.Fatalf("missing instructor record accepted: %s", errOut)
	}
	// A handler account is bound to an existing, active handler unit.
	if code, _, errOut := tg.run(t, "user", "create", "--username", "jingban", "--role", "handler"); code == 0 || !strings.Contains(errOut, "--handler-unit-id") {
		t.Fatalf("unbound handler accepted: %s", errOut)
	}
	if code, _, errOut := tg.run(t, "user", "create", "--username", "jingban", "--role", "handler", "--handler-unit-id", "999"); code == 0 || !strings.Contains(errOut, "承办单位不存在") {
		t.Fatalf("missing handler unit accepted: %s", errOut)
	}
	code, out, _ = tg.run(t, "token", "create", "--user", "hongqiao", "--name", "对接")
	tok := strings.TrimSpace(out)
	if code != 0 || !regexp.MustCompile(`^lx_[A-Za-z0-9_-]{40,}$`).MatchString(tok) || strings.Count(out, "\n") != 1 {
		t.Fatalf("token create must print the token alone: %q", out)
	}
	addr, _, stop := serve(t, tg)
	defer stop()
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/regions/430426001", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("bearer from CLI token: %d", res.StatusCode)
	}
	// Lock the account through the API, unlock it with the CLI.
	login := func(pw string) int {
		b, _ := json.Marshal(map[string]string{"username": "hongqiao", "password": pw})
		r, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	for i := 0; i < 5; i++ {
		login("Wrong#Pass99")
	}
	if s := login("Hq#Street2026"); s != 423 {
		t.Fatalf("not locked: %d", s)
	}
	if code, out, errOut := tg.run(t, "user", "unlock", "--username", "hongqiao"); code != 0 {
		t.Fatalf("unlock: %s %s", out, errOut)
	}
	if s := login("Hq#Street2026"); s != 200 {
		t.Fatalf("after unlock: %d", s)
	}
	if code, _, _ := tg.run(t, "token", "revoke", "--user", "hongqiao", "--name", "对接"); code != 0 {
		t.Fatal("revoke failed")
	}
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("revoked token: %d", res.StatusCode)
	}
	if code, _, errOut := tg.run(t, "token", "revoke", "--user", "hongqiao", "--name", "对接"); code == 0 || !strings.Contains(errOut, "不存在") {
		t.Fatalf("revoking twice: %d %s", code, errOut)
	}
	// Reset prints a temporary password that works, and revokes the user's tokens.
	_, out, _ = tg.run(t, "token", "create", "--user", "hongqiao", "--name", "第二个")
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(out))
	code, out, _ = tg.run(t, "user", "reset-password", "--username", "hongqiao")
	m := regexp.MustCompile(`临时密码： (\S+)`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("reset: %s", out)
	}
	if s := login(m[1]); s != 200 {
		t.Fatalf("temporary password: %d", s)
	}
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("token survived a password reset: %d", res.StatusCode)
	}
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	tg := newTarget(t)
	if code, _, errOut := tg.run(t, "init", "--jurisdiction", "430426"); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := tg.run(t, "user", "create", "--username", "before", "--role", "readonly", "--scope", "430426001"); code != 0 {
		t.Fatal(errOut)
	}
	file := filepath.Join(t.TempDir(), "backup.db")
	if code, out, errOut := tg.run(t, "backup", "--out", file); code != 0 {
		t.Fatalf("backup: %s %s", out, errOut)
	}
	if code, _, errOut := tg.run(t, "backup", "--out", file); code == 0 || !strings.Contains(errOut, "已存在") {
		t.Fatalf("backup overwrote a file: %s", errOut)
	}
	if code, _, errOut := tg.run(t, "user", "create", "--username", "after", "--role", "readonly", "--scope", "430426001"); code != 0 {
		t.Fatal(errOut)
	}
	snapshot := func() string {
		ctx := context.Background()
		db, err := store.Open(ctx, tg.db, tg.data)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var b strings.Builder
		for _, q := range []string{`SELECT username || ':' || role || ':' || scope FROM users ORDER BY id`,
			`SELECT code || ':' || name FROM regions ORDER BY code`, `SELECT action || ':' || username FROM audit_log ORDER BY id`} {
			rows, err := db.QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				b.WriteString(s + "\n")
			}
			rows.Close()
		}
		return b.String()
	}
	// Restore is refused while a server holds the data folder (SQLite).
	if tg.db == "" {
		_, _, stop := serve(t, tg)
		if code, _, errOut := tg.run(t, "restore", "--in", file); code == 0 || !strings.Contains(errOut, "停止服务") {
			t.Fatalf("restore under a live server: %d %s", code, errOut)
		}
		stop()
	}
	withAfter := snapshot()
	if !strings.Contains(withAfter, "after:") {
		t.Fatal("fixture missing")
	}
	if code, out, errOut := tg.run(t, "restore", "--in", file); code != 0 {
		t.Fatalf("restore: %s %s", out, errOut)
	}
	restored := snapshot()
	if strings.Contains(restored, "after:") || !strings.Contains(restored, "before:") || !strings.Contains(restored, "430426001:洪桥街道") {
		t.Fatalf("restored contents wrong:\n%.500s", restored)
	}
	// The restored database is the backup: backing it up again restores the same contents.
	if want := strings.Split(withAfter, "after:")[0]; !strings.HasPrefix(restored, want) {
		t.Fatalf("restored users differ from the backup")
	}
}

func TestVersionAndConfig(t *testing.T) {
	tg := newTarget(t)
	if code, out, _ := tg.run(t, "version"); code != 0 || !strings.HasPrefix(out, "liangxin ") {
		t.Fatalf("version: %q", out)
	}
	code, out, _ := tg.run(t, "config")
	if code != 0 || !strings.Contains(out, "LIANGXIN_DB") || !strings.Contains(out, "LIANGXIN_LOCKOUT_THRESHOLD") {
		t.Fatalf("config: %s", out)
	}
	if code, _, _ := tg.run(t, "frobnicate"); code != 2 {
		t.Fatalf("unknown command exit %d", code)
	}
}

// timebank-check reads the time-bank journal and says it balances (an
// empty one does); timebank-expire expires nothing in an empty bank.
func TestTimebankCheckCommand(t *testing.T) {
	tg := newTarget(t)
	if code, out, errOut := tg.run(t, "init", "--jurisdiction", "430426"); code != 0 {
		t.Fatalf("init: %d %s %s", code, out, errOut)
	}
	code, out, errOut := tg.run(t, "timebank-check")
	if code != 0 || !strings.Contains(out, "时间银行账核对通过：0 条记录") {
		t.Fatalf("timebank-check: %d %s %s", code, out, errOut)
	}
	code, out, errOut = tg.run(t, "timebank-expire")
	if code != 0 || !strings.Contains(out, "0 个账户共 0 分") {
		t.Fatalf("timebank-expire: %d %s %s", code, out, errOut)
	}
}

// funds-check reads the journal and says it balances (an empty one does).
func TestFundsCheckCommand(t *testing.T) {
	tg := newTarget(t)
	if code, out, errOut := tg.run(t, "init", "--jurisdiction", "430426"); code != 0 {
		t.Fatalf("init: %d %s %s", code, out, errOut)
	}
	code, out, errOut := tg.run(t, "funds-check")
	if code != 0 || !strings.Contains(out, "经费账核对通过：0 条记录") {
		t.Fatalf("funds-check: %d %s %s", code, out, errOut)
	}
}
