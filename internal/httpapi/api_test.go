package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/auth"
	"liangxin/internal/testenv"
)

func countAudit(t *testing.T, e *testenv.Env, action, username, result string) int {
	t.Helper()
	var n int
	err := e.App.DB.QueryRow(context.Background(), e.App.DB,
		`SELECT COUNT(*) FROM audit_log WHERE action = ? AND username = ? AND result = ?`, action, username, result).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAdminFirstLoginMustChangePassword(t *testing.T) {
	e := testenv.New(t)
	created, err := e.App.Bootstrap(context.Background())
	if err != nil || len(created) != 3 || created[0].Username != "admin" || created[0].Password == "" {
		t.Fatalf("bootstrap: %+v %v", created, err)
	}
	// 三员: the system, security and audit administrators, each with a one-time password.
	for i, want := range [][2]string{{"admin", auth.RoleSystemAdmin}, {"secadmin", auth.RoleSecurityAdmin}, {"auditor", auth.RoleAuditAdmin}} {
		if created[i].Username != want[0] || created[i].Role != want[1] || len(created[i].Password) < 12 {
			t.Errorf("bootstrap account %d = %+v, want %v", i, created[i], want)
		}
	}
	pw := created[0].Password
	if again, _ := e.App.Bootstrap(context.Background()); len(again) != 0 {
		t.Fatal("bootstrap created a second set of administrators")
	}
	c := e.Client()
	res := c.Do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": pw})
	if res.Status != 200 {
		t.Fatalf("login: %d %s", res.Status, res.Body)
	}
	var login struct {
		User auth.User `json:"user"`
	}
	res.JSON(t, &login)
	if !login.User.MustChangePassword || login.User.Role != "system_admin" || login.User.Scope != "430426" || login.User.ScopeName != "祁东县" {
		t.Fatalf("unexpected user: %+v", login.User)
	}
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"liangxin_session=", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("cookie %q lacks %q", cookie, want)
		}
	}
	// Everything else is refused until the password is changed.
	if r := c.Do("GET", "/api/v1/regions/scope", nil); r.Status != 403 || r.ErrorCode() != "password_change_required" {
		t.Fatalf("before change: %d %s", r.Status, r.Body)
	}
	// Without the CSRF header the change is refused.
	csrf := c.CSRF
	c.CSRF = ""
	if r := c.Do("POST", "/api/v1/auth/password", map[string]string{"old_password": pw, "new_password": "Xk9#mPq2Lz"}); r.Status != 403 || r.ErrorCode() != "csrf_failed" {
		t.Fatalf("without csrf: %d %s", r.Status, r.Body)
	}
	c.CSRF = csrf
	r := c.Do("POST", "/api/v1/auth/password", map[string]string{"old_password": pw, "new_password": "abcdefgh"})
	if r.Status != 422 || !strings.Contains(string(r.Body), "new_password") {
		t.Fatalf("weak password: %d %s", r.Status, r.Body)
	}
	r = c.Do("POST", "/api/v1/auth/password", map[string]string{"old_password": pw, "new_password": "Xk9#mPq2Lz"})
	if r.Status != 200 {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if r := c.Do("GET", "/api/v1/regions/scope", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"code":"430426"`) {
		t.Fatalf("after change: %d %s", r.Status, r.Body)
	}
	// The old password no longer works; the new one does and is not forced to change.
	if r := e.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": pw}); r.Status != 401 {
		t.Fatalf("old password: %d", r.Status)
	}
	c2 := e.Login("admin", "Xk9#mPq2Lz")
	if me := c2.Do("GET", "/api/v1/auth/me", nil).Map(t); me["user"].(map[string]any)["must_change_password"] != false {
		t.Fatalf("still must change: %v", me)
	}
	if n := countAudit(t, e, "password_change", "admin", "success"); n != 1 {
		t.Errorf("password_change audit rows = %d", n)
	}
	// Logout ends the session.
	if r := c2.Do("POST", "/api/v1/auth/logout", nil); r.Status != 204 {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := c2.Do("GET", "/api/v1/auth/me", nil); r.Status != 401 {
		t.Fatalf("after logout: %d", r.Status)
	}
	if n := countAudit(t, e, "logout", "admin", "success"); n != 1 {
		t.Errorf("logout audit rows = %d", n)
	}
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	e := testenv.New(t)
	e.User("clerk", "street", testenv.Hongqiao)
	login := func(pw string) testenv.Response {
		return e.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "clerk", "password": pw})
	}
	for i := 1; i <= 4; i++ {
		if r := login("Wrong#Pass1"); r.Status != 401 || r.ErrorCode() != "invalid_credentials" {
			t.Fatalf("attempt %d: %d %s", i, r.Status, r.Body)
		}
	}
	r := login("Wrong#Pass1")
	if r.Status != 423 || r.ErrorCode() != "account_locked" {
		t.Fatalf("5th failure: %d %s", r.Status, r.Body)
	}
	// Locked: the right password is refused too.
	r = login(testenv.Password)
	if r.Status != 423 || r.ErrorCode() != "account_locked" {
		t.Fatalf("right password while locked: %d %s", r.Status, r.Body)
	}
	if !strings.Contains(string(r.Body), "locked_until") {
		t.Errorf("no locked_until in %s", r.Body)
	}
	if n := countAudit(t, e, "login_failed", "clerk", "failure"); n != 5 {
		t.Errorf("failed-login rows = %d, want 5", n)
	}
	if n := countAudit(t, e, "lockout", "clerk", "success"); n != 1 {
		t.Errorf("lockout rows = %d, want 1", n)
	}
	if n := countAudit(t, e, "login_failed", "clerk", "denied"); n != 1 {
		t.Errorf("denied-while-locked rows = %d, want 1", n)
	}
	// After 15 minutes the lock lifts.
	e.Clock.Advance(14 * time.Minute)
	if r := login(testenv.Password); r.Status != 423 {
		t.Fatalf("after 14 min: %d", r.Status)
	}
	e.Clock.Advance(time.Minute + time.Second)
	if r := login(testenv.Password); r.Status != 200 {
		t.Fatalf("after 15 min: %d %s", r.Status, r.Body)
	}
}

func TestUnknownUserAndDisabledUser(t *testing.T) {
	e := testenv.New(t)
	r := e.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "nobody", "password": "Whatever#1"})
	if r.Status != 401 || r.ErrorCode() != "invalid_credentials" {
		t.Fatalf("unknown user: %d %s", r.Status, r.Body)
	}
	if n := countAudit(t, e, "login_failed", "nobody", "failure"); n != 1 {
		t.Errorf("unknown-user audit rows = %d", n)
	}
	r = e.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "", "password": ""})
	if r.Status != 422 || !strings.Contains(string(r.Body), `"username"`) {
		t.Fatalf("empty login: %d %s", r.Status, r.Body)
	}
	u := e.User("temp", "readonly", testenv.Hongqiao)
	e.User("sysadm", "system_admin", testenv.Jurisdiction)
	tc := e.Login("temp", testenv.Password)
	sys := e.Login("sysadm", testenv.Password)
	if r := sys.Do("PATCH", "/api/v1/users/"+itoa(u.ID), map[string]any{"disabled": true}); r.Status != 200 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	if r := tc.Do("GET", "/api/v1/auth/me", nil); r.Status != 401 {
		t.Fatalf("disabled user's session still works: %d", r.Status)
	}
	if r := e.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "temp", "password": testenv.Password}); r.Status != 401 || r.ErrorCode() != "account_disabled" {
		t.Fatalf("disabled login: %d %s", r.Status, r.Body)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestScopeIsolation(t *testing.T) {
	e := testenv.New(t)
	e.User("hqclerk", "street", testenv.Hongqiao)
	c := e.Login("hqclerk", testenv.Password)
	if r := c.Do("GET", "/api/v1/regions/430426002", nil); r.Status != 404 {
		t.Fatalf("玉合 from 洪桥: %d %s", r.Status, r.Body)
	}
	if r := c.Do("GET", "/api/v1/regions/430426002/children", nil); r.Status != 404 {
		t.Fatalf("玉合 children: %d", r.Status)
	}
	if r := c.Do("GET", "/api/v1/regions/430426", nil); r.Status != 404 {
		t.Fatalf("county from street user: %d", r.Status)
	}
	r := c.Do("GET", "/api/v1/regions/430426001", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "洪桥街道") {
		t.Fatalf("own street: %d %s", r.Status, r.Body)
	}
	// Search lists only its own subtree.
	var pg struct {
		Items []struct{ Code string } `json:"items"`
		Total int                     `json:"total"`
	}
	c.Do("GET", "/api/v1/regions?q=&page_size=200", nil).JSON(t, &pg)
	if pg.Total == 0 {
		t.Fatal("empty search")
	}
	for _, it := range pg.Items {
		if !strings.HasPrefix(it.Code, testenv.Hongqiao) {
			t.Errorf("search leaked %s", it.Code)
		}
	}
	c.Do("GET", "/api/v1/regions?q=玉合", nil).JSON(t, &pg)
	if pg.Total != 0 {
		t.Errorf("search for 玉合 from 洪桥 found %d", pg.Total)
	}
	// A district user sees both streets.
	e.User("dist", "district", testenv.Jurisdiction)
	d := e.Login("dist", testenv.Password)
	var kids struct {
		Items []struct{ Code, Name string } `json:"items"`
	}
	d.Do("GET", "/api/v1/regions/430426/children", nil).JSON(t, &kids)
	names := map[string]bool{}
	for _, k := range kids.Items {
		names[k.Name] = true
	}
	for _, n := range []string{"洪桥街道", "玉合街道", "永昌街道", "白鹤街道"} {
		if !names[n] {
			t.Errorf("children of 祁东县 lack %s", n)
		}
	}
}

func TestBearerToken(t *testing.T) {
	e := testenv.New(t)
	e.User("api", "district", testenv.Jurisdiction)
	c := e.Login("api", testenv.Password)
	var created struct {
		Token string `json:"token"`
		Item  struct {
			ID int64 `json:"id"`
		} `json:"item"`
	}
	r := c.Do("POST", "/api/v1/tokens", map[string]string{"name": "数据对接"})
	if r.Status != 201 {
		t.Fatalf("create token: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &created)
	if !strings.HasPrefix(created.Token, "lx_") {
		t.Fatalf("token %q", created.Token)
	}
	b := e.Bearer(created.Token)
	if r := b.Do("GET", "/api/v1/auth/me", nil); r.Status != 200 {
		t.Fatalf("bearer me: %d", r.Status)
	}
	// Bearer requests need no CSRF token.
	if r := b.Do("POST", "/api/v1/regions/430426001/areas", map[string]string{"name": "步行街商圈", "kind": "business_district"}); r.Status != 201 {
		t.Fatalf("bearer write: %d %s", r.Status, r.Body)
	}
	// The token list never shows the secret.
	if r := c.Do("GET", "/api/v1/tokens", nil); strings.Contains(string(r.Body), created.Token) {
		t.Fatal("token list leaks the secret")
	}
	if r := c.Do("DELETE", "/api/v1/tokens/"+itoa(created.Item.ID), nil); r.Status != 204 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if r := b.Do("GET", "/api/v1/auth/me", nil); r.Status != 401 {
		t.Fatalf("revoked token still works: %d", r.Status)
	}
	if r := e.Bearer("lx_notatoken").Do("GET", "/api/v1/auth/me", nil); r.Status != 401 {
		t.Fatalf("bogus token: %d", r.Status)
	}
}

func TestAuditTrailReadableOnlyByAuditAdmin(t *testing.T) {
	e := testenv.New(t)
	e.User("sys", "system_admin", testenv.Jurisdiction)
	e.User("aud", "audit_admin", testenv.Jurisdiction)
	sys := e.Login("sys", testenv.Password)
	if r := sys.Do("GET", "/api/v1/audit", nil); r.Status != 403 {
		t.Fatalf("system admin reads audit: %d", r.Status)
	}
	// There is no way to alter or delete audit rows through the API.
	for _, m := range []string{"DELETE", "PATCH", "PUT"} {
		if r := sys.Do(m, "/api/v1/audit", nil); r.Status != 405 && r.Status != 404 {
			t.Errorf("%s /api/v1/audit: %d", m, r.Status)
		}
	}
	// Nor through the database: the table refuses it.
	if _, err := e.App.DB.ExecContext(context.Background(), `DELETE FROM audit_log`); err == nil {
		t.Fatal("audit rows could be deleted")
	}
	if _, err := e.App.DB.ExecContext(context.Background(), `UPDATE audit_log SET result = 'success'`); err == nil {
		t.Fatal("audit rows could be updated")
	}
	aud := e.Login("aud", testenv.Password)
	var pg struct {
		Items []struct {
			Action, Username, Result, IP string
		} `json:"items"`
		Total int `json:"total"`
	}
	aud.Do("GET", "/api/v1/audit?action=login&username=sys", nil).JSON(t, &pg)
	if pg.Total != 1 || pg.Items[0].Result != "success" || pg.Items[0].IP == "" {
		t.Fatalf("login rows for sys: %+v", pg)
	}
	aud.Do("GET", "/api/v1/audit?action=access_denied", nil).JSON(t, &pg)
	if pg.Total != 1 || pg.Items[0].Username != "sys" {
		t.Fatalf("denied access not audited: %+v", pg)
	}
	// Date filter: today (2026-11-23 CST) has rows, tomorrow none.
	aud.Do("GET", "/api/v1/audit?from=2026-11-23&to=2026-11-23", nil).JSON(t, &pg)
	if pg.Total == 0 {
		t.Fatal("no rows today")
	}
	aud.Do("GET", "/api/v1/audit?from=2026-11-24", nil).JSON(t, &pg)
	if pg.Total != 0 {
		t.Fatalf("rows tomorrow: %d", pg.Total)
	}
	if r := aud.Do("GET", "/api/v1/audit?from=2026-13-01", nil); r.Status != 422 || !strings.Contains(string(r.Body), `"from"`) {
		t.Fatalf("bad date: %d %s", r.Status, r.Body)
	}
	// Export is an xlsx file and is itself audited.
	r := aud.Do("GET", "/api/v1/audit/export?action=login", nil)
	if r.Status != 200 || !strings.HasPrefix(string(r.Body), "PK") {
		t.Fatalf("export: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	if n := countAudit(t, e, "audit_export", "aud", "success"); n != 1 {
		t.Errorf("export audit rows = %d", n)
	}
}

func TestUserChangesAreAuditedWithBeforeAndAfter(t *testing.T) {
	e := testenv.New(t)
	e.User("sysadm", "system_admin", testenv.Jurisdiction)
	e.User("sec", "security_admin", testenv.Jurisdiction)
	admin := e.Login("sysadm", testenv.Password)
	c := e.Login("sec", testenv.Password)
	var created struct {
		User            auth.User `json:"user"`
		InitialPassword string    `json:"initial_password"`
	}
	r := admin.Do("POST", "/api/v1/users", map[string]string{"username": "wang", "display_name": "王书记"})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &created)
	if created.InitialPassword == "" || !created.User.MustChangePassword || created.User.Role != auth.RoleNone {
		t.Fatalf("created: %+v", created)
	}
	firstLogin(t, e, "wang", created.InitialPassword, "Wq#Own-Secret2026")
	grant := "/api/v1/users/" + itoa(created.User.ID) + "/grant"
	if r := c.Do("PUT", grant, map[string]string{"role": "party_org", "scope": testenv.Hongqiao}); r.Status != 200 {
		t.Fatalf("grant: %d %s", r.Status, r.Body)
	}
	if r := c.Do("PUT", grant, map[string]string{"role": "street", "scope": testenv.Hongqiao}); r.Status != 200 {
		t.Fatalf("grant: %d %s", r.Status, r.Body)
	}
	var detail string
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT detail FROM audit_log WHERE action = 'user_grant' ORDER BY id DESC LIMIT 1`).Scan(&detail); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Before map[string]any `json:"before"`
		After  map[string]any `json:"after"`
	}
	if err := json.Unmarshal([]byte(detail), &d); err != nil {
		t.Fatal(err)
	}
	if d.Before["role"] != "party_org" || d.After["role"] != "street" {
		t.Fatalf("detail: %s", detail)
	}
	if strings.Contains(detail, "argon2") {
		t.Fatal("audit detail contains a password hash")
	}
	// Validation names the field.
	r = c.Do("PUT", grant, map[string]string{"role": "king", "scope": "999999"})
	if r.Status != 422 {
		t.Fatalf("bad grant: %d", r.Status)
	}
	body := string(r.Body)
	for _, f := range []string{`"role"`, `"scope"`} {
		if !strings.Contains(body, f) {
			t.Errorf("error lacks field %s: %s", f, body)
		}
	}
	if r := admin.Do("POST", "/api/v1/users", map[string]string{"username": "1x"}); r.Status != 422 || !strings.Contains(string(r.Body), `"username"`) {
		t.Fatalf("bad user: %d %s", r.Status, r.Body)
	}
	if r := admin.Do("POST", "/api/v1/users", map[string]string{"username": "wang"}); r.Status != 409 {
		t.Fatalf("duplicate: %d %s", r.Status, r.Body)
	}
	// Nobody changes their own role.
	var me struct {
		User auth.User `json:"user"`
	}
	c.Do("GET", "/api/v1/auth/me", nil).JSON(t, &me)
	if r := c.Do("PUT", "/api/v1/users/"+itoa(me.User.ID)+"/grant", map[string]string{"role": "system_admin", "scope": testenv.Jurisdiction}); r.Status != 422 {
		t.Fatalf("self role change: %d %s", r.Status, r.Body)
	}
}

func TestIdleTimeout(t *testing.T) {
	e := testenv.New(t)
	e.User("idle", "readonly", testenv.Hongqiao)
	c := e.Login("idle", testenv.Password)
	e.Clock.Advance(29 * time.Minute)
	if r := c.Do("GET", "/api/v1/auth/me", nil); r.Status != 200 {
		t.Fatalf("after 29 min: %d", r.Status)
	}
	e.Clock.Advance(29 * time.Minute)
	if r := c.Do("GET", "/api/v1/auth/me", nil); r.Status != 200 {
		t.Fatalf("29 min after last use: %d", r.Status)
	}
	e.Clock.Advance(31 * time.Minute)
	if r := c.Do("GET", "/api/v1/auth/me", nil); r.Status != 401 {
		t.Fatalf("31 idle minutes: %d", r.Status)
	}
}

func TestProbesHeadersAndMetrics(t *testing.T) {
	e := testenv.New(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		res, err := http.Get(e.Server.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", p, res.StatusCode)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} {
			if res.Header.Get(h) == "" {
				t.Errorf("%s lacks %s", p, h)
			}
		}
		if !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("CSP lacks frame-ancestors")
		}
	}
	res, err := http.Get(e.Server.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `liangxin_http_requests_total{method="GET",route="GET /healthz",status="200"}`) {
		t.Fatalf("metrics lack request counter:\n%.2000s", b)
	}
	// Unknown API paths answer JSON 404; bad JSON answers 422 naming the problem.
	c := e.Client()
	if r := c.Do("GET", "/api/v1/nothing", nil); r.Status != 404 || r.ErrorCode() != "not_found" {
		t.Fatalf("unknown api: %d %s", r.Status, r.Body)
	}
	req, _ := http.NewRequest("POST", e.Server.URL+"/api/v1/auth/login", strings.NewReader("{"))
	req.Header.Set("Content-Type", "application/json")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 422 {
		t.Fatalf("bad json: %d", res.StatusCode)
	}
}

func TestAreasThroughTheAPI(t *testing.T) {
	e := testenv.New(t)
	e.User("stclerk", "street", testenv.Hongqiao)
	c := e.Login("stclerk", testenv.Password)
	r := c.Do("POST", "/api/v1/regions/430426001/areas", map[string]string{"name": "洪桥步行街商圈", "kind": "business_district"})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	area := r.Map(t)
	if area["code"] != "430426001A001" || area["level"] != "area" || area["kind_name"] != "商圈" {
		t.Fatalf("area: %v", area)
	}
	if r := c.Do("POST", "/api/v1/regions/430426002/areas", map[string]string{"name": "越界商圈", "kind": "business_district"}); r.Status != 404 {
		t.Fatalf("create in 玉合: %d", r.Status)
	}
	if r := c.Do("POST", "/api/v1/regions/430426001/areas", map[string]string{"name": "", "kind": "castle"}); r.Status != 422 ||
		!strings.Contains(string(r.Body), `"name"`) || !strings.Contains(string(r.Body), `"kind"`) {
		t.Fatalf("bad area: %d %s", r.Status, r.Body)
	}
	if r := c.Do("PATCH", "/api/v1/regions/430426001", map[string]string{"name": "改名"}); r.Status != 422 {
		t.Fatalf("rename a street: %d", r.Status)
	}
	if r := c.Do("DELETE", "/api/v1/regions/430426001A001", nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	// A readonly user cannot add areas.
	e.User("roclerk", "readonly", testenv.Hongqiao)
	ro := e.Login("roclerk", testenv.Password)
	if r := ro.Do("POST", "/api/v1/regions/430426001/areas", map[string]string{"name": "x", "kind": "grid"}); r.Status != 403 {
		t.Fatalf("readonly write: %d", r.Status)
	}
	_ = actor.System
}
