package httpapi_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/auth"
	"liangxin/internal/testenv"
)

// An unknown username answers like a real one, lock included, so the answers
// do not reveal which accounts exist.
func TestUnknownUsernameLocksLikeARealOne(t *testing.T) {
	e := testenv.New(t)
	login := func() testenv.Response {
		return e.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "ghost", "password": "Wrong#Pass1"})
	}
	for i := 1; i <= 4; i++ {
		if r := login(); r.ErrorCode() != "invalid_credentials" {
			t.Fatalf("attempt %d: %s", i, r.Body)
		}
	}
	if r := login(); r.Status != 423 || r.ErrorCode() != "account_locked" {
		t.Fatalf("5th attempt for an unknown user: %d %s", r.Status, r.Body)
	}
	e.Clock.Advance(16 * time.Minute)
	if r := login(); r.ErrorCode() != "invalid_credentials" {
		t.Fatalf("after the window: %s", r.Body)
	}
}

// After a lock expires, a single wrong password does not lock again: the
// count starts over.
func TestFailureCountRestartsAfterLockExpires(t *testing.T) {
	e := testenv.New(t)
	e.User("again", "readonly", testenv.Hongqiao)
	login := func(pw string) testenv.Response {
		return e.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "again", "password": pw})
	}
	for i := 0; i < 5; i++ {
		login("Wrong#Pass1")
	}
	e.Clock.Advance(15*time.Minute + time.Second)
	if r := login("Wrong#Pass1"); r.ErrorCode() != "invalid_credentials" {
		t.Fatalf("first failure after the lock: %s", r.Body)
	}
	for i := 0; i < 3; i++ {
		login("Wrong#Pass1")
	}
	if r := login("Wrong#Pass1"); r.ErrorCode() != "account_locked" {
		t.Fatalf("5th failure of the new count: %s", r.Body)
	}
}

// Wrong current passwords on the change-password form count toward the lock.
func TestWrongOldPasswordCountsTowardLockout(t *testing.T) {
	e := testenv.New(t)
	e.User("changer", "readonly", testenv.Hongqiao)
	c := e.Login("changer", testenv.Password)
	var last testenv.Response
	for i := 0; i < 5; i++ {
		last = c.Do("POST", "/api/v1/auth/password", map[string]string{"old_password": "Not#ThePass1", "new_password": "Brand#New2026"})
	}
	if last.ErrorCode() != "account_locked" {
		t.Fatalf("5th wrong old password: %d %s", last.Status, last.Body)
	}
	// The lock ends the sessions too.
	if r := c.Do("GET", "/api/v1/auth/me", nil); r.Status != 401 {
		t.Fatalf("session survived the lock: %d", r.Status)
	}
}

// 三员分立: no administrator can create or take over another administrator
// account through the web; the server console can.
func TestAdministratorAccountsAreConsoleOnly(t *testing.T) {
	e := testenv.New(t)
	e.User("sys", auth.RoleSystemAdmin, testenv.Jurisdiction)
	audit := e.User("aud", auth.RoleAuditAdmin, testenv.Jurisdiction)
	plain := e.User("plain", auth.RoleReadonly, testenv.Hongqiao)
	c := e.Login("sys", testenv.Password)
	for _, role := range []string{auth.RoleAuditAdmin, auth.RoleSecurityAdmin, auth.RoleSystemAdmin} {
		r := c.Do("POST", "/api/v1/users", map[string]string{"username": "x" + role, "role": role, "scope": testenv.Jurisdiction})
		if r.Status != 422 || r.ErrorCode() != "invalid" {
			t.Errorf("create %s through the web: %d %s", role, r.Status, r.Body)
		}
	}
	for _, p := range []string{"/reset-password", "/unlock", "/revoke-sessions"} {
		if r := c.Do("POST", "/api/v1/users/"+itoa(audit.ID)+p, nil); r.Status != 422 {
			t.Errorf("%s on the audit administrator: %d %s", p, r.Status, r.Body)
		}
	}
	if r := c.Do("PATCH", "/api/v1/users/"+itoa(plain.ID), map[string]string{"role": auth.RoleAuditAdmin}); r.Status != 422 {
		t.Errorf("promote to audit administrator: %d %s", r.Status, r.Body)
	}
	if r := c.Do("PATCH", "/api/v1/users/"+itoa(audit.ID), map[string]string{"display_name": "改名"}); r.Status != 422 {
		t.Errorf("edit the audit administrator: %d %s", r.Status, r.Body)
	}
	// Business accounts remain manageable, and the roles list says which are assignable.
	if r := c.Do("POST", "/api/v1/users/"+itoa(plain.ID)+"/reset-password", nil); r.Status != 200 {
		t.Errorf("reset a business account: %d %s", r.Status, r.Body)
	}
	var roles struct {
		Items []auth.Role `json:"items"`
	}
	c.Do("GET", "/api/v1/roles", nil).JSON(t, &roles)
	for _, r := range roles.Items {
		// 党员 (member) is not assignable either: member accounts are
		// opened with activation codes only.
		if r.Assignable == (auth.IsAdminRole(r.Code) || r.Code == auth.RoleMember) {
			t.Errorf("role %s assignable=%v", r.Code, r.Assignable)
		}
	}
	// The console (system actor) can.
	if _, err := e.App.Auth.ResetPassword(actor.System(context.Background(), "cli"), audit.ID); err != nil {
		t.Fatalf("console reset: %v", err)
	}
}

// Logins in parallel neither deadlock the connection pool nor lose counts.
func TestParallelLogins(t *testing.T) {
	e := testenv.New(t)
	e.User("crowd", "readonly", testenv.Hongqiao)
	e.User("target", "readonly", testenv.Hongqiao)
	var wg sync.WaitGroup
	errs := make(chan string, 32)
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if r := e.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "crowd", "password": testenv.Password}); r.Status != 200 {
				errs <- string(r.Body)
			}
		}()
		go func() {
			defer wg.Done()
			e.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "target", "password": "Wrong#Pass1"})
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("parallel logins hung")
	}
	close(errs)
	for msg := range errs {
		t.Errorf("parallel login failed: %s", msg)
	}
	// 8 wrong passwords counted without losing any: locked, and 8 failures audited.
	if r := e.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "target", "password": testenv.Password}); r.ErrorCode() != "account_locked" {
		t.Fatalf("after 8 parallel failures: %s", r.Body)
	}
	var attempts int
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT failed_attempts FROM users WHERE username = 'target'`).Scan(&attempts); err != nil {
		t.Fatal(err)
	}
	if attempts < 5 {
		t.Fatalf("failed_attempts = %d after 8 parallel failures", attempts)
	}
}
