package auth_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/store"
)

const wrongPassword = "Wrong#Pass2026"

func TestLoginSuccessIsAuditedAndStampsLastLogin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("wangfang", auth.RoleStreet, hongqiao)
	s1 := f.mustLogin("wangfang", fixturePassword)
	if s1.User.ID != u.ID || s1.User.Username != "wangfang" || s1.User.ScopeName != "洪桥街道" {
		t.Errorf("session user = %+v", s1.User)
	}
	s2 := f.mustLogin("  wangfang ", fixturePassword)
	if s1.Token == s2.Token || s1.CSRFToken == s2.CSRFToken {
		t.Error("two logins share a session id or CSRF token")
	}
	if len(s1.Token) < 22 { // 128 bits in base64
		t.Errorf("session token %q is shorter than 128 bits", s1.Token)
	}
	// The raw session id is never stored.
	if n := f.count(`SELECT COUNT(*) FROM sessions WHERE id_hash = ? OR id_hash = ?`, s1.Token, s2.Token); n != 0 {
		t.Error("session id stored in clear")
	}
	if n := f.count(`SELECT COUNT(*) FROM sessions WHERE user_id = ?`, u.ID); n != 2 {
		t.Errorf("%d sessions, want 2", n)
	}
	rows := f.auditRows("login")
	if len(rows) != 2 {
		t.Fatalf("%d login audit rows, want 2", len(rows))
	}
	for _, r := range rows {
		if r.Username != "wangfang" || r.EntityID != id(u) || r.Result != "success" || !r.UserID.Valid || r.UserID.Int64 != u.ID {
			t.Errorf("login audit row %+v", r)
		}
	}
	me, err := f.svc.Me(as(u))
	if err != nil {
		t.Fatal(err)
	}
	if me.LastLoginAt == nil || !me.LastLoginAt.Equal(f.clock.Now()) {
		t.Errorf("LastLoginAt = %v, want %v", me.LastLoginAt, f.clock.Now())
	}
}

func TestLoginFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.user("wangfang", auth.RoleStreet, hongqiao)
	cases := []struct {
		user, pw, code string
		kind           apperr.Kind
	}{
		{"wangfang", wrongPassword, "invalid_credentials", apperr.KindUnauthenticated},
		{"nobody", fixturePassword, "invalid_credentials", apperr.KindUnauthenticated},
		{"WANGFANG", fixturePassword, "invalid_credentials", apperr.KindUnauthenticated},
		{"", fixturePassword, "invalid", apperr.KindInvalid},
		{"wangfang", "", "invalid", apperr.KindInvalid},
		{"wangfang", strings.Repeat("x", 4*128+1), "invalid", apperr.KindInvalid},
	}
	for _, c := range cases {
		_, err := f.login(c.user, c.pw)
		wantErr(t, err, c.kind, c.code)
	}
	// The same message for an unknown user and a wrong password.
	_, e1 := f.login("wangfang", wrongPassword)
	_, e2 := f.login("nobody", wrongPassword)
	if e1.Error() != e2.Error() {
		t.Errorf("wrong password %q and unknown user %q answer differently", e1, e2)
	}
	failed := f.auditRows("login_failed")
	// 3 credential failures in the table + 2 just above; the invalid input is not an attempt.
	if len(failed) != 5 {
		t.Fatalf("%d login_failed rows, want 5: %+v", len(failed), failed)
	}
	var unknown int
	for _, r := range failed {
		if r.Result != "failure" {
			t.Errorf("login_failed row %+v: result %q", r, r.Result)
		}
		if r.Username == "nobody" || r.Username == "WANGFANG" {
			unknown++
			if r.UserID.Valid {
				t.Errorf("failed login of unknown user recorded a user id: %+v", r)
			}
		}
	}
	if unknown != 3 {
		t.Errorf("%d failed logins of unknown users recorded, want 3", unknown)
	}
}

func TestLockoutAfterExactlyFiveFailures(t *testing.T) {
	t.Parallel()
	t.Run("four failures then the right password", func(t *testing.T) {
		f := newFixture(t)
		u := f.user("wangfang", auth.RoleStreet, hongqiao)
		for i := 1; i <= 4; i++ {
			_, err := f.login("wangfang", wrongPassword)
			wantErr(t, err, apperr.KindUnauthenticated, "invalid_credentials")
		}
		if n := f.count(`SELECT failed_attempts FROM users WHERE id = ?`, u.ID); n != 4 {
			t.Errorf("failed_attempts = %d, want 4", n)
		}
		f.mustLogin("wangfang", fixturePassword)
		if n := f.count(`SELECT failed_attempts FROM users WHERE id = ?`, u.ID); n != 0 {
			t.Errorf("failed_attempts after success = %d, want 0", n)
		}
		// The counter was reset: four more failures still do not lock.
		for i := 1; i <= 4; i++ {
			_, err := f.login("wangfang", wrongPassword)
			wantErr(t, err, apperr.KindUnauthenticated, "invalid_credentials")
		}
		f.mustLogin("wangfang", fixturePassword)
		if n := len(f.auditRows("lockout")); n != 0 {
			t.Errorf("%d lockout rows, want 0", n)
		}
		if n := len(f.auditRows("login_failed")); n != 8 {
			t.Errorf("%d login_failed rows, want 8", n)
		}
	})

	t.Run("five failures lock for 15 minutes", func(t *testing.T) {
		f := newFixture(t)
		u := f.user("wangfang", auth.RoleStreet, hongqiao)
		start := f.clock.Now()
		for i := 1; i <= 4; i++ {
			_, err := f.login("wangfang", wrongPassword)
			wantErr(t, err, apperr.KindUnauthenticated, "invalid_credentials")
			f.clock.Advance(time.Second)
		}
		_, err := f.login("wangfang", wrongPassword)
		e := wantErr(t, err, apperr.KindLocked, "account_locked")
		lockedAt := f.clock.Now()
		if want := lockedAt.Add(15 * time.Minute); !e.Until.Equal(want) {
			t.Errorf("Until = %v, want %v", e.Until, want)
		}
		if lockedAt.Sub(start) != 4*time.Second {
			t.Fatal("clock drifted")
		}
		// The right password does not open a locked account.
		_, err = f.login("wangfang", fixturePassword)
		wantErr(t, err, apperr.KindLocked, "account_locked")

		got, err := f.svc.GetUser(f.sys, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.LockedUntil == nil || !got.LockedUntil.Equal(lockedAt.Add(15*time.Minute)) {
			t.Errorf("LockedUntil = %v", got.LockedUntil)
		}

		f.clock.Advance(14*time.Minute + 59*time.Second)
		_, err = f.login("wangfang", fixturePassword)
		wantErr(t, err, apperr.KindLocked, "account_locked")

		f.clock.Advance(2 * time.Second) // 15m01s after the lock
		s := f.mustLogin("wangfang", fixturePassword)
		if s.User.LockedUntil != nil {
			t.Errorf("LockedUntil after expiry = %v", s.User.LockedUntil)
		}
		if n := f.count(`SELECT failed_attempts FROM users WHERE id = ?`, u.ID); n != 0 {
			t.Errorf("failed_attempts after success = %d, want 0", n)
		}

		lock := f.auditRows("lockout")
		if len(lock) != 1 || lock[0].EntityID != id(u) || lock[0].Username != "wangfang" {
			t.Errorf("lockout rows = %+v, want one for the user", lock)
		}
		failed := f.auditRows("login_failed")
		// 5 wrong passwords + 2 refused while locked.
		if len(failed) != 7 {
			t.Fatalf("%d login_failed rows, want 7", len(failed))
		}
		for i, r := range failed {
			want := "failure"
			if i >= 5 {
				want = "denied"
			}
			if r.Result != want || r.EntityID != id(u) {
				t.Errorf("login_failed row %d = %+v, want result %s", i, r, want)
			}
		}
		if n := len(f.auditRows("login")); n != 1 {
			t.Errorf("%d login rows, want 1", n)
		}
	})

	t.Run("unlock by an administrator", func(t *testing.T) {
		f := newFixture(t)
		u := f.user("wangfang", auth.RoleStreet, hongqiao)
		for i := 0; i < 5; i++ {
			_, _ = f.login("wangfang", wrongPassword)
		}
		_, err := f.login("wangfang", fixturePassword)
		wantErr(t, err, apperr.KindLocked, "account_locked")
		if err := f.svc.Unlock(f.sys, u.ID); err != nil {
			t.Fatal(err)
		}
		f.mustLogin("wangfang", fixturePassword)
		if n := len(f.auditRows("unlock")); n != 1 {
			t.Errorf("%d unlock rows, want 1", n)
		}
	})
}

func TestLockoutCounterAfterLockExpires(t *testing.T) {
	t.Parallel()
	// Regression: at d8c7d6c failed_attempts survived the lock, so the first
	// wrong password after it expired locked the account again at once.
	f := newFixture(t)
	f.user("wangfang", auth.RoleStreet, hongqiao)
	for i := 0; i < 5; i++ {
		_, _ = f.login("wangfang", wrongPassword)
	}
	f.clock.Advance(15*time.Minute + time.Second)
	_, err := f.login("wangfang", wrongPassword)
	wantErr(t, err, apperr.KindUnauthenticated, "invalid_credentials")
	_, err = f.login("wangfang", fixturePassword)
	if err != nil {
		t.Fatalf("one wrong password after the lock expired locked the account again: %v", err)
	}
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("wangfang", auth.RoleStreet, hongqiao)
	s := f.mustLogin("wangfang", fixturePassword)

	f.clock.Advance(29 * time.Minute)
	got, err := f.svc.Authenticate(context.Background(), s.Token)
	if err != nil {
		t.Fatalf("29 minutes idle: %v", err)
	}
	if got.User.ID != u.ID || got.CSRFToken != s.CSRFToken {
		t.Errorf("Authenticate = user %d csrf %q", got.User.ID, got.CSRFToken)
	}
	// Use refreshed the idle clock: 29 more minutes (58 since login) is fine.
	f.clock.Advance(29 * time.Minute)
	if _, err := f.svc.Authenticate(context.Background(), s.Token); err != nil {
		t.Fatalf("29 minutes after last use (58 after login): %v", err)
	}
	f.clock.Advance(31 * time.Minute)
	_, err = f.svc.Authenticate(context.Background(), s.Token)
	wantErr(t, err, apperr.KindUnauthenticated, "unauthenticated")
	// The expired session is gone for good.
	f.clock.Advance(-30 * time.Minute)
	_, err = f.svc.Authenticate(context.Background(), s.Token)
	wantErr(t, err, apperr.KindUnauthenticated, "unauthenticated")
	if n := f.count(`SELECT COUNT(*) FROM sessions WHERE user_id = ?`, u.ID); n != 0 {
		t.Errorf("%d sessions left after the idle timeout", n)
	}
}

func TestAbsoluteLifetime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.user("wangfang", auth.RoleStreet, hongqiao)
	s := f.mustLogin("wangfang", fixturePassword)
	elapsed := time.Duration(0)
	for elapsed < 11*time.Hour+40*time.Minute {
		f.clock.Advance(20 * time.Minute)
		elapsed += 20 * time.Minute
		if _, err := f.svc.Authenticate(context.Background(), s.Token); err != nil {
			t.Fatalf("active session refused after %v: %v", elapsed, err)
		}
	}
	f.clock.Advance(19 * time.Minute) // 11h59m
	if _, err := f.svc.Authenticate(context.Background(), s.Token); err != nil {
		t.Fatalf("active session refused after 11h59m: %v", err)
	}
	f.clock.Advance(time.Minute) // 12h
	_, err := f.svc.Authenticate(context.Background(), s.Token)
	wantErr(t, err, apperr.KindUnauthenticated, "unauthenticated")
}

func TestAuthenticateRejectsUnknownTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.user("wangfang", auth.RoleStreet, hongqiao)
	s := f.mustLogin("wangfang", fixturePassword)
	var hash string
	if err := f.db.QueryRow(context.Background(), f.db, `SELECT id_hash FROM sessions`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"", "x", s.Token + "x", s.Token[1:], hash, s.CSRFToken, strings.Repeat("a", 201)} {
		_, err := f.svc.Authenticate(context.Background(), tok)
		wantErr(t, err, apperr.KindUnauthenticated, "unauthenticated")
	}
	// Logout ends the session and is audited.
	u := s.User
	if err := f.svc.Logout(as(u), s.Token); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Authenticate(context.Background(), s.Token)
	wantErr(t, err, apperr.KindUnauthenticated, "unauthenticated")
	if rows := f.auditRows("logout"); len(rows) != 1 || rows[0].EntityID != id(u) {
		t.Errorf("logout rows = %+v", rows)
	}
}

func TestPasswordRotation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		maxAge time.Duration
		after  time.Duration
		want   bool
	}{
		{90 * 24 * time.Hour, 89 * 24 * time.Hour, false},
		{90 * 24 * time.Hour, 91 * 24 * time.Hour, true},
		{30 * 24 * time.Hour, 31 * 24 * time.Hour, true},
		{0, 1000 * 24 * time.Hour, false}, // 0 = rotation off
	} {
		t.Run(fmt.Sprintf("max %v after %v", c.maxAge, c.after), func(t *testing.T) {
			f := newFixture(t)
			f.svc.Policy.PasswordMaxAge = c.maxAge
			u := f.user("wangfang", auth.RoleStreet, hongqiao)
			f.clock.Advance(c.after)
			s := f.mustLogin("wangfang", fixturePassword)
			if s.User.MustChangePassword != c.want {
				t.Errorf("login: MustChangePassword = %v, want %v", s.User.MustChangePassword, c.want)
			}
			a, err := f.svc.Authenticate(context.Background(), s.Token)
			if err != nil {
				t.Fatal(err)
			}
			if a.User.MustChangePassword != c.want {
				t.Errorf("authenticate: MustChangePassword = %v, want %v", a.User.MustChangePassword, c.want)
			}
			if !c.want {
				return
			}
			// Changing the password starts a new period.
			ns, err := f.svc.ChangePassword(as(u), fixturePassword, "Rotated#Pass2027", "10.0.0.9", "go-test")
			if err != nil {
				t.Fatal(err)
			}
			if ns.User.MustChangePassword {
				t.Error("MustChangePassword still set after a change")
			}
			f.clock.Advance(c.maxAge - 24*time.Hour)
			if s := f.mustLogin("wangfang", "Rotated#Pass2027"); s.User.MustChangePassword {
				t.Error("MustChangePassword set before the new period ended")
			}
		})
	}
}

func TestFirstLoginMustChangePassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, pw, err := f.svc.CreateUser(f.sys, auth.NewUser{Username: "liming", Role: auth.RoleReadonly, Scope: hongqiao})
	if err != nil {
		t.Fatal(err)
	}
	if pw == "" || !u.MustChangePassword {
		t.Fatalf("generated password %q, MustChangePassword %v", pw, u.MustChangePassword)
	}
	s := f.mustLogin("liming", pw)
	if !s.User.MustChangePassword {
		t.Error("a generated initial password does not have to be changed")
	}
	ns, err := f.svc.ChangePassword(as(u), pw, "Changed#Pass2026", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if ns.User.MustChangePassword {
		t.Error("MustChangePassword after the change")
	}
	if s := f.mustLogin("liming", "Changed#Pass2026"); s.User.MustChangePassword {
		t.Error("MustChangePassword at the next login")
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	const newPassword = "Brand#New2026pw"
	setup := func(t *testing.T) (*fixture, auth.User, []auth.Session) {
		f := newFixture(t)
		u := f.user("wangfang", auth.RoleStreet, hongqiao)
		return f, u, []auth.Session{f.mustLogin("wangfang", fixturePassword), f.mustLogin("wangfang", fixturePassword)}
	}
	alive := func(t *testing.T, f *fixture, ss []auth.Session) {
		t.Helper()
		for i, s := range ss {
			if _, err := f.svc.Authenticate(context.Background(), s.Token); err != nil {
				t.Errorf("session %d ended: %v", i, err)
			}
		}
	}

	t.Run("success ends the other sessions", func(t *testing.T) {
		f, u, ss := setup(t)
		ns, err := f.svc.ChangePassword(as(u), fixturePassword, newPassword, "10.0.0.9", "go-test")
		if err != nil {
			t.Fatal(err)
		}
		if ns.Token == "" || ns.Token == ss[0].Token || ns.Token == ss[1].Token {
			t.Fatalf("new session token %q", ns.Token)
		}
		for i, s := range ss {
			_, err := f.svc.Authenticate(context.Background(), s.Token)
			if err == nil {
				t.Errorf("session %d still valid after a password change", i)
			}
		}
		if _, err := f.svc.Authenticate(context.Background(), ns.Token); err != nil {
			t.Errorf("new session refused: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM sessions WHERE user_id = ?`, u.ID); n != 1 {
			t.Errorf("%d sessions, want only the new one", n)
		}
		_, err = f.login("wangfang", fixturePassword)
		wantErr(t, err, apperr.KindUnauthenticated, "invalid_credentials")
		f.mustLogin("wangfang", newPassword)
		rows := f.auditRows("password_change")
		if len(rows) != 1 || rows[0].Result != "success" || rows[0].EntityID != id(u) {
			t.Errorf("password_change rows = %+v", rows)
		}
	})

	for _, c := range []struct {
		name, old, new, field string
		audited               bool
	}{
		{"wrong old password", "Not#ThePass2026", newPassword, "old_password", true},
		{"same password", fixturePassword, fixturePassword, "new_password", false},
		{"too short", fixturePassword, "Ab1#", "new_password", false},
		{"two classes", fixturePassword, "abcdefgh1234", "new_password", false},
		{"common password", fixturePassword, "P@ssw0rd123", "new_password", false},
		{"contains the username", fixturePassword, "Wangfang#2026", "new_password", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, u, ss := setup(t)
			_, err := f.svc.ChangePassword(as(u), c.old, c.new, "", "")
			wantField(t, err, c.field)
			alive(t, f, ss)
			f.mustLogin("wangfang", fixturePassword)
			rows := f.auditRows("password_change")
			if c.audited {
				if len(rows) != 1 || rows[0].Result != "failure" {
					t.Errorf("password_change rows = %+v, want one failure", rows)
				}
			} else {
				for _, r := range rows {
					if r.Result == "success" {
						t.Errorf("refused change audited as a success: %+v", r)
					}
				}
			}
		})
	}

	t.Run("needs a logged-in user", func(t *testing.T) {
		f, _, _ := setup(t)
		_, err := f.svc.ChangePassword(context.Background(), fixturePassword, newPassword, "", "")
		wantErr(t, err, apperr.KindUnauthenticated, "")
		_, err = f.svc.ChangePassword(f.sys, fixturePassword, newPassword, "", "")
		wantErr(t, err, apperr.KindUnauthenticated, "")
	})
}

func TestDisabledUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("wangfang", auth.RoleStreet, hongqiao)
	s := f.mustLogin("wangfang", fixturePassword)
	ctx := as(u)
	_, secret, err := f.svc.CreateToken(ctx, "同步")
	if err != nil {
		t.Fatal(err)
	}
	disabled := true
	if _, err := f.svc.UpdateUser(f.sys, u.ID, auth.UserPatch{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT COUNT(*) FROM sessions WHERE user_id = ?`, u.ID); n != 0 {
		t.Errorf("%d sessions left after disabling", n)
	}
	_, err = f.svc.Authenticate(context.Background(), s.Token)
	wantErr(t, err, apperr.KindUnauthenticated, "")
	_, err = f.login("wangfang", fixturePassword)
	wantErr(t, err, apperr.KindUnauthenticated, "account_disabled")
	_, err = f.svc.AuthenticateToken(context.Background(), secret)
	wantErr(t, err, apperr.KindUnauthenticated, "")

	failed := f.auditRows("login_failed")
	if len(failed) != 1 || failed[0].Result != "denied" || failed[0].EntityID != id(u) {
		t.Errorf("login_failed rows = %+v", failed)
	}
	upd := f.auditRows("user_update")
	if len(upd) != 1 {
		t.Fatalf("user_update rows = %+v", upd)
	}
	before, _ := upd[0].Detail["before"].(map[string]any)
	after, _ := upd[0].Detail["after"].(map[string]any)
	if before["disabled"] != false || after["disabled"] != true {
		t.Errorf("user_update detail = %v", upd[0].Detail)
	}

	// Enabled again, the user logs in and the token works again.
	enabled := false
	if _, err := f.svc.UpdateUser(f.sys, u.ID, auth.UserPatch{Disabled: &enabled}); err != nil {
		t.Fatal(err)
	}
	f.mustLogin("wangfang", fixturePassword)
	if _, err := f.svc.AuthenticateToken(context.Background(), secret); err != nil {
		t.Errorf("token after re-enabling: %v", err)
	}
}

func TestDisabledUserSessionEndsEvenIfDisabledBehindTheServiceBack(t *testing.T) {
	t.Parallel()
	// A user disabled by another node (or directly in the database) loses
	// the session at the next request.
	f := newFixture(t)
	u := f.user("wangfang", auth.RoleStreet, hongqiao)
	s := f.mustLogin("wangfang", fixturePassword)
	f.exec(`UPDATE users SET disabled = ? WHERE id = ?`, true, u.ID)
	_, err := f.svc.Authenticate(context.Background(), s.Token)
	wantErr(t, err, apperr.KindUnauthenticated, "")
	if n := f.count(`SELECT COUNT(*) FROM sessions WHERE user_id = ?`, u.ID); n != 0 {
		t.Errorf("%d sessions left", n)
	}
}

func TestRevokeSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("wangfang", auth.RoleStreet, hongqiao)
	other := f.user("liming", auth.RoleStreet, hongqiao)
	s1, s2 := f.mustLogin("wangfang", fixturePassword), f.mustLogin("wangfang", fixturePassword)
	so := f.mustLogin("liming", fixturePassword)
	if err := f.svc.RevokeSessions(f.sys, u.ID); err != nil {
		t.Fatal(err)
	}
	for _, s := range []auth.Session{s1, s2} {
		_, err := f.svc.Authenticate(context.Background(), s.Token)
		wantErr(t, err, apperr.KindUnauthenticated, "")
	}
	if a, err := f.svc.Authenticate(context.Background(), so.Token); err != nil || a.User.ID != other.ID {
		t.Errorf("another user's session: %v", err)
	}
	if rows := f.auditRows("session_revoke"); len(rows) != 1 || rows[0].EntityID != id(u) {
		t.Errorf("session_revoke rows = %+v", rows)
	}
}

// rowValues returns every column of every row of a query as text.
func rowValues(t *testing.T, db *store.DB, query string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Query(context.Background(), db, query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				row[i] = ""
			case []byte:
				row[i] = string(v)
			default:
				row[i] = fmt.Sprint(v)
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("wangfang", auth.RoleStreet, hongqiao)
	ctx := as(u)
	tok, secret, err := f.svc.CreateToken(ctx, "  数据同步  ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "lx_") || len(secret) < 3+22 {
		t.Fatalf("secret %q: want lx_ and ≥128 random bits", secret)
	}
	if tok.Name != "数据同步" || tok.ID == 0 || !strings.HasPrefix(secret, tok.Prefix) || len(tok.Prefix) >= len(secret)/2 {
		t.Errorf("token = %+v", tok)
	}
	_, secret2, err := f.svc.CreateToken(ctx, "备用")
	if err != nil {
		t.Fatal(err)
	}
	if secret2 == secret {
		t.Fatal("two tokens share a secret")
	}

	// Stored only hashed: no column holds the secret, nor its random part.
	rows := rowValues(t, f.db, `SELECT * FROM api_tokens`)
	if len(rows) != 2 {
		t.Fatalf("%d api_tokens rows", len(rows))
	}
	for _, row := range rows {
		for _, v := range row {
			if v == secret || v == secret2 || strings.Contains(v, secret[len(tok.Prefix):]) || strings.Contains(v, secret2[10:]) {
				t.Errorf("api_tokens holds the secret: %q", row)
			}
		}
	}
	// Nor does the audit trail.
	for _, row := range rowValues(t, f.db, `SELECT * FROM audit_log`) {
		for _, v := range row {
			if strings.Contains(v, secret[len(tok.Prefix):]) {
				t.Errorf("audit_log holds the secret: %q", row)
			}
		}
	}

	got, err := f.svc.AuthenticateToken(context.Background(), secret)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != u.ID {
		t.Errorf("token resolved to user %d, want %d", got.ID, u.ID)
	}
	for _, bad := range []string{"", "lx_", secret + "x", secret[:len(secret)-1], strings.TrimPrefix(secret, "lx_"), "LX_" + secret[3:]} {
		_, err := f.svc.AuthenticateToken(context.Background(), bad)
		wantErr(t, err, apperr.KindUnauthenticated, "")
	}
	list, err := f.svc.ListTokens(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListTokens = %v, %v", list, err)
	}
	if list[0].LastUsedAt == nil || list[1].LastUsedAt != nil {
		t.Errorf("LastUsedAt = %v, %v; want set only on the used token", list[0].LastUsedAt, list[1].LastUsedAt)
	}

	// Another user cannot revoke it.
	other := f.user("liming", auth.RoleStreet, hongqiao)
	err = f.svc.RevokeToken(as(other), tok.ID)
	wantErr(t, err, apperr.KindNotFound, "")
	if _, err := f.svc.AuthenticateToken(context.Background(), secret); err != nil {
		t.Fatalf("token revoked by another user: %v", err)
	}

	if err := f.svc.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.AuthenticateToken(context.Background(), secret)
	wantErr(t, err, apperr.KindUnauthenticated, "")
	if _, err := f.svc.AuthenticateToken(context.Background(), secret2); err != nil {
		t.Errorf("revoking one token revoked the other: %v", err)
	}
	err = f.svc.RevokeToken(ctx, tok.ID)
	wantErr(t, err, apperr.KindNotFound, "")

	created := f.auditRows("token_create")
	revoked := f.auditRows("token_revoke")
	if len(created) != 2 || len(revoked) != 1 || revoked[0].EntityID != fmt.Sprint(tok.ID) || revoked[0].Username != "wangfang" {
		t.Errorf("token audit rows: create %+v revoke %+v", created, revoked)
	}

	// Bad names.
	for _, name := range []string{"", "   ", strings.Repeat("令", 51)} {
		_, _, err := f.svc.CreateToken(ctx, name)
		wantField(t, err, "name")
	}
	_, _, err = f.svc.CreateToken(context.Background(), "x")
	wantErr(t, err, apperr.KindUnauthenticated, "")
}

func TestAPITokenIgnoresFirstLoginChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, _, err := f.svc.CreateUser(f.sys, auth.NewUser{Username: "sync", Role: auth.RoleReadonly, Scope: county, Password: fixturePassword})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := f.svc.CreateTokenFor(f.sys, "sync", "对接")
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.AuthenticateToken(context.Background(), secret)
	if err != nil || got.ID != u.ID || got.MustChangePassword {
		t.Errorf("AuthenticateToken = %+v, %v", got, err)
	}
	n, err := f.svc.RevokeTokenFor(f.sys, "sync", "对接")
	if err != nil || n != 1 {
		t.Fatalf("RevokeTokenFor = %d, %v", n, err)
	}
	_, err = f.svc.AuthenticateToken(context.Background(), secret)
	wantErr(t, err, apperr.KindUnauthenticated, "")
	_, err = f.svc.RevokeTokenFor(f.sys, "sync", "对接")
	wantErr(t, err, apperr.KindNotFound, "")
}

// TestLockoutUnderConcurrentGuesses sends wrong passwords in parallel, as a
// password-guessing script would: no more than 4 guesses may be checked
// before the account locks.
func TestLockoutUnderConcurrentGuesses(t *testing.T) {
	t.Parallel()
	// Regression: at d8c7d6c Login wrote back failed_attempts = <read value>+1,
	// so on PostgreSQL parallel guesses overwrote each other's count (16
	// guesses: failed_attempts = 1, no lock).
	f := newFixture(t)
	f.user("wangfang", auth.RoleStreet, hongqiao)
	const n = 12
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.login("wangfang", wrongPassword)
		}()
	}
	wg.Wait()
	checked := 0
	for _, err := range errs {
		if e, ok := apperr.As(err); ok && e.Code == "invalid_credentials" {
			checked++
		} else if !ok || e.Code != "account_locked" {
			t.Errorf("concurrent guess: %v", err)
		}
	}
	if checked > 4 {
		t.Errorf("%d of %d parallel guesses were checked before the lock, want at most 4", checked, n)
	}
	if got := f.count(`SELECT failed_attempts FROM users WHERE username = ?`, "wangfang"); got < 5 {
		t.Errorf("failed_attempts = %d after %d wrong passwords", got, n)
	}
	_, err := f.login("wangfang", fixturePassword)
	wantErr(t, err, apperr.KindLocked, "account_locked")
}

// TestConcurrentLogins logs the same user in from several requests at once,
// as at the start of a working day.
func TestConcurrentLogins(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Regression: at d8c7d6c scanUser resolved the scope name through a second
	// pooled connection while Login held the SQLite write transaction; with
	// more concurrent logins than the pool's 4 connections everything stalled
	// for busy_timeout (10 s) and the waiters failed with SQLITE_BUSY.
	f.user("wangfang", auth.RoleStreet, hongqiao)
	const n = 8
	errs := make([]error, n)
	// The stall ended in SQLITE_BUSY errors, which the error check below
	// catches without timing anything (timed assertions fail on a loaded
	// machine or under the race detector).
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.login("wangfang", fixturePassword)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("login %d: %v", i, err)
		}
	}
	if got := len(f.auditRows("login")); got != n {
		t.Errorf("%d login rows, want %d", got, n)
	}
}

// TestChangePasswordGuessesCountTowardsLockout: a stolen session must not
// allow unlimited guesses of the password through the change form.
func TestChangePasswordGuessesCountTowardsLockout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("wangfang", auth.RoleStreet, hongqiao)
	f.mustLogin("wangfang", fixturePassword)
	for i := 1; i <= 5; i++ {
		_, err := f.svc.ChangePassword(as(u), fmt.Sprintf("Guess#%04d", i), "Brand#New2026pw", "", "")
		if err == nil {
			t.Fatalf("guess %d accepted", i)
		}
	}
	_, err := f.login("wangfang", fixturePassword)
	wantErr(t, err, apperr.KindLocked, "account_locked")
	if n := len(f.auditRows("lockout")); n != 1 {
		t.Errorf("%d lockout rows, want 1", n)
	}
}
