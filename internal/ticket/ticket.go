// Package ticket makes and checks the ticket numbers (受理编号) handed to
// whoever submits a request or a wish from the public page, and the status a
// public lookup answers. A ticket is a kind letter, the year and ten random
// Crockford base32 characters (50 bits): not the row id, so neither the
// number of submissions nor anyone else's ticket can be guessed from one's own.
package ticket

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"liangxin/internal/civil"
)

// Kinds of ticket (the first letter).
const (
	KindRequest = "S" // 诉求
	KindWish    = "W" // 微心愿
)

// alphabet is Crockford's base32: no I, L, O or U, so a ticket read out on
// the phone is not misheard.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// randLen is the number of random characters (5 bits each).
const randLen = 10

// New returns a fresh ticket of kind for year, e.g. W2026-7K3M9QXT2B.
func New(kind string, year int) string {
	b := make([]byte, randLen)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return fmt.Sprintf("%s%d-%s", kind, year, b)
}

// Normalize upper-cases a ticket typed by a person, drops spaces and reads
// the letters Crockford maps (O→0, I/L→1); ok is false when it cannot be a
// ticket at all.
func Normalize(s string) (norm, kind string, ok bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) != 1+4+1+randLen || s[5] != '-' {
		return "", "", false
	}
	kind = s[:1]
	if kind != KindRequest && kind != KindWish {
		return "", "", false
	}
	for _, c := range s[1:5] {
		if c < '0' || c > '9' {
			return "", "", false
		}
	}
	r := []byte(s[6:])
	for i, c := range r {
		switch c {
		case 'O':
			r[i] = '0'
		case 'I', 'L':
			r[i] = '1'
		}
		if !strings.ContainsRune(alphabet, rune(r[i])) {
			return "", "", false
		}
	}
	return s[:6] + string(r), kind, true
}

// LastFourMatch reports, in constant time, whether last4 are the last four
// digits of phone (a normalized phone number; a landline's dash ignored).
func LastFourMatch(phone, last4 string) bool {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
	if len(digits) < 4 || len(last4) != 4 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(digits[len(digits)-4:]), []byte(last4)) == 1
}

// Status is what a public lookup reveals: no name, no phone, no address.
type Status struct {
	Ticket       string `json:"ticket"`
	Kind         string `json:"kind"`      // request or wish
	KindName     string `json:"kind_name"` // 诉求 or 微心愿
	State        string `json:"state"`
	StateName    string `json:"state_name"`
	CategoryName string `json:"category_name"`
	SubmittedOn  string `json:"submitted_on"`
	UpdatedOn    string `json:"updated_on"`
	// Reply is the outcome told to the submitter (a request's result once
	// finished); empty before.
	Reply string `json:"reply"`
}

// Receipt is the answer to a public submission.
type Receipt struct {
	Ticket  string `json:"ticket"`
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// Day is the China-time day of a stored timestamp (RFC 3339).
func Day(stamp string) string {
	t, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		if len(stamp) >= 10 {
			return stamp[:10]
		}
		return stamp
	}
	return civil.Today(t)
}
