package httpapi_test

import (
	"bytes"
	"testing"
	"time"

	"liangxin/internal/testenv"
)

// TestLockedAnswerSameForRealAndUnknownNames: through the API, a locked real
// account and a locked name that is not an account answer byte for byte the
// same (status, body shape, message and a fixed locked_until), at every
// attempt (issue 11 item 3).
func TestLockedAnswerSameForRealAndUnknownNames(t *testing.T) {
	e := testenv.New(t)
	e.User("clerk", "street", testenv.Hongqiao)
	login := func(name, pw string) testenv.Response {
		return e.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": name, "password": pw})
	}
	var first []byte
	for i := 1; i <= 8; i++ {
		pw := "Wrong#Pass1"
		if i == 7 {
			pw = testenv.Password
		}
		real, ghost := login("clerk", pw), login("no_such_user", pw)
		if real.Status != ghost.Status || !bytes.Equal(real.Body, ghost.Body) {
			t.Fatalf("attempt %d: real account %d %s, unknown name %d %s", i, real.Status, real.Body, ghost.Status, ghost.Body)
		}
		if i < 5 {
			if real.Status != 401 {
				t.Fatalf("attempt %d: %d %s", i, real.Status, real.Body)
			}
			continue
		}
		var body struct {
			Error map[string]any `json:"error"`
		}
		real.JSON(t, &body)
		if real.Status != 423 || body.Error["code"] != "account_locked" || body.Error["locked_until"] == nil || body.Error["message"] == "" {
			t.Fatalf("attempt %d: %d %s", i, real.Status, real.Body)
		}
		if len(body.Error) != 3 {
			t.Errorf("attempt %d: error has keys %v, want code, message, locked_until", i, body.Error)
		}
		// The lock's end does not move: every locked answer is the 5th's.
		if first == nil {
			first = real.Body
		} else if !bytes.Equal(first, real.Body) {
			t.Fatalf("attempt %d: %s, want the answer of the 5th %s", i, real.Body, first)
		}
		e.Clock.Advance(time.Minute)
	}
}
