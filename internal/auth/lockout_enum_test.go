package auth_test

import (
	"sync/atomic"
	"testing"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/auth"
)

// attempt is what one login answered and how many argon2id verifications it cost.
type attempt struct {
	kind   apperr.Kind
	code   string
	msg    string
	fields int
	until  time.Time
	hashes int64
}

func (f *fixture) attempt(n *atomic.Int64, username, password string) attempt {
	f.t.Helper()
	before := n.Load()
	_, err := f.login(username, password)
	e, ok := apperr.As(err)
	if !ok {
		f.t.Fatalf("login %s: %v, want an *apperr.Error", username, err)
	}
	return attempt{kind: e.Kind, code: e.Code, msg: e.Message, fields: len(e.Fields), until: e.Until, hashes: n.Load() - before}
}

// TestLockoutDoesNotRevealUsernames: a real account and a name that is not
// an account answer every attempt alike — the same error, the same fixed
// locked_until while locked, the same count restart after the lock — and
// every answer costs exactly one argon2id verification (issue 11 item 3:
// the real account's locked answer cost none, so it came back 10× faster,
// and an unknown name's locked_until moved with every attempt).
func TestLockoutDoesNotRevealUsernames(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.user("wangfang", auth.RoleStreet, hongqiao)
	var n atomic.Int64
	auth.CountVerifications(f.svc, &n)

	// both runs one attempt at the same instant for the real and the unknown name.
	both := func(step string, password string) attempt {
		t.Helper()
		real := f.attempt(&n, "wangfang", password)
		ghost := f.attempt(&n, "ghost_user", password)
		if real != ghost {
			t.Fatalf("%s: real account answered %+v, unknown name %+v", step, real, ghost)
		}
		if real.hashes != 1 {
			t.Fatalf("%s: %d argon2id verifications, want 1", step, real.hashes)
		}
		return real
	}
	for i := 1; i <= 4; i++ {
		if a := both("failure", wrongPassword); a.code != "invalid_credentials" {
			t.Fatalf("failure %d: %+v", i, a)
		}
		f.clock.Advance(time.Second)
	}
	lock := both("5th failure", wrongPassword)
	if lock.code != "account_locked" || lock.kind != apperr.KindLocked {
		t.Fatalf("5th failure: %+v", lock)
	}
	if want := f.clock.Now().Add(15 * time.Minute); !lock.until.Equal(want) {
		t.Fatalf("locked_until %v, want %v", lock.until, want)
	}
	// While locked, both keep the same fixed end, with right and wrong passwords.
	for i, pw := range []string{wrongPassword, fixturePassword, wrongPassword} {
		f.clock.Advance(time.Minute)
		a := both("while locked", pw)
		if a.code != "account_locked" || !a.until.Equal(lock.until) || a.msg != lock.msg {
			t.Fatalf("attempt %d while locked: %+v, want the lock of %+v", i, a, lock)
		}
	}
	// After the lock the count starts again: four failures answer 401, the
	// fifth locks again, and a long pause does not reset the count.
	f.clock.Advance(15 * time.Minute)
	for i := 1; i <= 4; i++ {
		if a := both("failure after the lock", wrongPassword); a.code != "invalid_credentials" {
			t.Fatalf("failure %d after the lock: %+v", i, a)
		}
		f.clock.Advance(10 * time.Minute)
	}
	if a := both("5th failure after the lock", wrongPassword); a.code != "account_locked" {
		t.Fatalf("5th failure after the lock and 40 minutes: %+v", a)
	}
}
