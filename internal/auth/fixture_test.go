package auth_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/auth"
	"liangxin/internal/region"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// Regions of 祁东县 used as scopes.
const (
	county   = "430426"
	hongqiao = "430426001" // 洪桥街道
	yuhe     = "430426002" // 玉合街道
	daxiao   = "430426001001"
)

// fixturePassword is the password of every fixture user.
const fixturePassword = "Fixture#Pass2026"

// clock is a fake clock the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// defaultPolicy is the policy security.md asks for.
var defaultPolicy = auth.Policy{
	LockoutThreshold: 5,
	LockoutDuration:  15 * time.Minute,
	IdleTimeout:      30 * time.Minute,
	SessionLifetime:  12 * time.Hour,
	PasswordMaxAge:   90 * 24 * time.Hour,
}

type fixture struct {
	t       *testing.T
	db      *store.DB
	clock   *clock
	audit   *audit.Logger
	regions *region.Service
	svc     *auth.Service
	sys     context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	clk := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	al := &audit.Logger{DB: db, Now: clk.Now}
	rs := &region.Service{DB: db, Audit: al, Now: clk.Now}
	sys := actor.System(context.Background(), "t")
	if _, err := rs.Init(sys, county); err != nil {
		t.Fatalf("init jurisdiction: %v", err)
	}
	svc := &auth.Service{DB: db, Audit: al, Scopes: rs, Now: clk.Now, Policy: defaultPolicy}
	return &fixture{t: t, db: db, clock: clk, audit: al, regions: rs, svc: svc, sys: sys}
}

// user creates a user with the fixture password and clears the first-login
// password change, so that it can log in straight away.
func (f *fixture) user(username, role, scope string) auth.User {
	f.t.Helper()
	u, _, err := f.svc.CreateUser(f.sys, auth.NewUser{Username: username, DisplayName: username, Role: role, Scope: scope, Password: fixturePassword})
	if err != nil {
		f.t.Fatalf("create user %s: %v", username, err)
	}
	f.exec(`UPDATE users SET must_change_password = ? WHERE id = ?`, false, u.ID)
	return u
}

func (f *fixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.db.Exec(context.Background(), f.db, query, args...); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
}

func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), f.db, query, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// as returns a context acting as u.
func as(u auth.User) context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, Scope: u.Scope, IP: "10.0.0.9"})
}

func (f *fixture) login(username, password string) (auth.Session, error) {
	return f.svc.Login(context.Background(), username, password, "10.0.0.9", "go-test")
}

func (f *fixture) mustLogin(username, password string) auth.Session {
	f.t.Helper()
	s, err := f.login(username, password)
	if err != nil {
		f.t.Fatalf("login %s: %v", username, err)
	}
	if s.Token == "" || s.CSRFToken == "" {
		f.t.Fatalf("login %s: empty token or CSRF token", username)
	}
	return s
}

// auditRow is one audit record as stored.
type auditRow struct {
	Username, Action, Entity, EntityID, Result string
	UserID                                     sql.NullInt64
	Detail                                     map[string]any
}

// auditRows returns the audit rows with the given action, oldest first.
func (f *fixture) auditRows(action string) []auditRow {
	f.t.Helper()
	rows, err := f.db.Query(context.Background(), f.db, `SELECT username, action, entity, entity_id, result, user_id, detail
		FROM audit_log WHERE action = ? ORDER BY id`, action)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		var detail sql.NullString
		if err := rows.Scan(&r.Username, &r.Action, &r.Entity, &r.EntityID, &r.Result, &r.UserID, &detail); err != nil {
			f.t.Fatal(err)
		}
		if detail.Valid {
			if err := json.Unmarshal([]byte(detail.String), &r.Detail); err != nil {
				f.t.Fatalf("detail %q: %v", detail.String, err)
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return out
}

// wantErr fails unless err is an *apperr.Error of kind k and, when code is
// not empty, that code.
func wantErr(t *testing.T, err error, k apperr.Kind, code string) *apperr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want kind %v %s", k, code)
	}
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("got %T %v, want *apperr.Error kind %v", err, err, k)
	}
	if e.Kind != k || (code != "" && e.Code != code) {
		t.Fatalf("got kind %v code %q (%v), want kind %v code %q", e.Kind, e.Code, err, k, code)
	}
	return e
}

// wantField fails unless err is a KindInvalid error naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	e := wantErr(t, err, apperr.KindInvalid, "")
	if _, ok := e.Fields[field]; !ok {
		t.Fatalf("error %v names fields %v, want %q", err, e.Fields, field)
	}
}

func id(u auth.User) string { return fmt.Sprint(u.ID) }
