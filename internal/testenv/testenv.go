// Package testenv boots the whole application on a fresh database (SQLite or
// PostgreSQL, see storetest) with readable, named fixtures, and drives it
// through its HTTP API.
package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/auth"
	"liangxin/internal/config"
	"liangxin/internal/contract"
	"liangxin/internal/store/storetest"
)

// Jurisdiction is 祁东县; Hongqiao and Yuhe are two of its streets.
const (
	Jurisdiction = "430426"
	Hongqiao     = "430426001" // 洪桥街道
	Yuhe         = "430426002" // 玉合街道
)

// Password is the password of every fixture user.
const Password = "Fixture#Pass2026"

// Clock is a settable clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the current fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Env is a running application.
type Env struct {
	T      testing.TB
	App    *app.App
	Server *httptest.Server
	Clock  *Clock
}

// New boots the app with the jurisdiction initialised. Fixture users are
// created with Env.User.
func New(t testing.TB) *Env {
	t.Helper()
	db := storetest.Open(t)
	clock := &Clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	cfg := config.Default()
	// Attachments and the personal-data key live in a folder of the test's
	// own, never in a ./data beside the package.
	cfg.DataDir = t.TempDir()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	ctx := context.Background()
	prot, err := app.OpenKey(ctx, cfg, db)
	if err != nil {
		t.Fatalf("data key: %v", err)
	}
	a := app.New(cfg, db, log, clock.Now, prot)
	if _, err := a.EnsureJurisdiction(ctx, Jurisdiction); err != nil {
		t.Fatalf("init jurisdiction: %v", err)
	}
	h := a.HTTP(nil)
	var viol contract.Violations
	srv := httptest.NewServer(contractFor(t, h).Wrap(h.Handler(), &viol))
	// Cleanups run last-in first-out: the server closes (every handler
	// done) before the contract violations are reported.
	t.Cleanup(func() { checkContract(t, &viol) })
	t.Cleanup(srv.Close)
	return &Env{T: t, App: a, Server: srv, Clock: clock}
}

// User creates a user with the fixture password, already changed (so no
// forced change), and returns it.
func (e *Env) User(username, role, scope string) auth.User {
	e.T.Helper()
	ctx := actor.System(context.Background(), "fixture")
	u, _, err := e.App.Auth.CreateUser(ctx, auth.NewUser{Username: username, DisplayName: username, Role: role, Scope: scope, Password: Password})
	if err != nil {
		e.T.Fatalf("create user %s: %v", username, err)
	}
	if _, err := e.App.DB.Exec(ctx, e.App.DB, `UPDATE users SET must_change_password = ? WHERE id = ?`, false, u.ID); err != nil {
		e.T.Fatal(err)
	}
	return u
}

// InstructorUser creates an instructor user bound to one instructor record.
func (e *Env) InstructorUser(username string, instructorID int64) auth.User {
	e.T.Helper()
	ctx := actor.System(context.Background(), "fixture")
	u, _, err := e.App.Auth.CreateUser(ctx, auth.NewUser{Username: username, DisplayName: username, Role: auth.RoleInstructor, InstructorID: instructorID, Password: Password})
	if err != nil {
		e.T.Fatalf("create user %s: %v", username, err)
	}
	if _, err := e.App.DB.Exec(ctx, e.App.DB, `UPDATE users SET must_change_password = ? WHERE id = ?`, false, u.ID); err != nil {
		e.T.Fatal(err)
	}
	return u
}

// HandlerUser creates a handler (承办单位经办人) user bound to one service
// handler unit.
func (e *Env) HandlerUser(username string, unitID int64) auth.User {
	e.T.Helper()
	ctx := actor.System(context.Background(), "fixture")
	u, _, err := e.App.Auth.CreateUser(ctx, auth.NewUser{Username: username, DisplayName: username, Role: auth.RoleHandler, HandlerUnitID: unitID, Password: Password})
	if err != nil {
		e.T.Fatalf("create user %s: %v", username, err)
	}
	if _, err := e.App.DB.Exec(ctx, e.App.DB, `UPDATE users SET must_change_password = ? WHERE id = ?`, false, u.ID); err != nil {
		e.T.Fatal(err)
	}
	return u
}

// PartyOrgUser creates a party_org user bound to one party organization.
func (e *Env) PartyOrgUser(username string, partyOrgID int64) auth.User {
	e.T.Helper()
	ctx := actor.System(context.Background(), "fixture")
	u, _, err := e.App.Auth.CreateUser(ctx, auth.NewUser{Username: username, DisplayName: username, Role: auth.RolePartyOrg, PartyOrgID: partyOrgID, Password: Password})
	if err != nil {
		e.T.Fatalf("create user %s: %v", username, err)
	}
	if _, err := e.App.DB.Exec(ctx, e.App.DB, `UPDATE users SET must_change_password = ? WHERE id = ?`, false, u.ID); err != nil {
		e.T.Fatal(err)
	}
	return u
}

// Client is an HTTP client with a cookie jar and the CSRF token of its session.
type Client struct {
	e     *Env
	http  *http.Client
	CSRF  string
	Token string // Bearer token instead of a session, if set
}

// Client returns a fresh, logged-out client.
func (e *Env) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Bearer returns a client that authenticates with an API token.
func (e *Env) Bearer(token string) *Client {
	c := e.Client()
	c.Token = token
	return c
}

// Login logs in and fails the test unless it succeeds.
func (e *Env) Login(username, password string) *Client {
	e.T.Helper()
	c := e.Client()
	res := c.Do("POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password})
	if res.Status != 200 {
		e.T.Fatalf("login %s: %d %s", username, res.Status, res.Body)
	}
	return c
}

// Response is a decoded response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as an object.
func (r Response) Map(t testing.TB) map[string]any {
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// ErrorCode returns error.code of an error body.
func (r Response) ErrorCode() string {
	var m struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &m)
	return m.Error.Code
}

// Raw sends a request with a body of the given content type.
func (c *Client) Raw(method, path, contentType string, body []byte) Response {
	c.e.T.Helper()
	req, err := http.NewRequest(method, c.e.Server.URL+path, bytes.NewReader(body))
	if err != nil {
		c.e.T.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if c.CSRF != "" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.e.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// Do sends a request with a JSON body (nil for none), adding the CSRF header.
func (c *Client) Do(method, path string, body any) Response {
	c.e.T.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.e.T.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.e.Server.URL+path, rd)
	if err != nil {
		c.e.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.CSRF != "" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.e.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := Response{Status: res.StatusCode, Header: res.Header, Body: b}
	if strings.HasSuffix(path, "/auth/login") || strings.HasSuffix(path, "/auth/password") || strings.HasSuffix(path, "/auth/me") {
		var m struct {
			CSRF string `json:"csrf_token"`
		}
		if json.Unmarshal(b, &m) == nil && m.CSRF != "" {
			c.CSRF = m.CSRF
		}
	}
	return out
}

// MemberUser creates a member (党员账号) user bound to one roster entry.
func (e *Env) MemberUser(username string, memberID int64) auth.User {
	e.T.Helper()
	ctx := actor.System(context.Background(), "fixture")
	u, _, err := e.App.Auth.CreateUser(ctx, auth.NewUser{Username: username, DisplayName: username, Role: auth.RoleMember, MemberID: memberID, Password: Password})
	if err != nil {
		e.T.Fatalf("create user %s: %v", username, err)
	}
	if _, err := e.App.DB.Exec(ctx, e.App.DB, `UPDATE users SET must_change_password = ? WHERE id = ?`, false, u.ID); err != nil {
		e.T.Fatal(err)
	}
	return u
}
