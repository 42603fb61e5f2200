package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/crypto/argon2"

	"liangxin/internal/apperr"
)

// Argon2id parameters (OWASP minimum: m=19 MiB, t=2, p=1); memory and passes
// are in argonCost.
const (
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// argonCost is the memory (KiB) and passes of new hashes, with the dummy hash
// that the login path verifies when there is no real one to check (same
// parameters as a real hash, so that the time of an answer tells nothing).
type argonCost struct {
	memory, time uint32
	dummyHash    string
}

// shippedCost is the cost of every binary that is not a test binary:
// OWASP's minimum, m=19 MiB, t=2.
func shippedCost() argonCost {
	return argonCost{memory: 19 * 1024, time: 2,
		dummyHash: "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2H7VZ0h3ufmcPx4x0uGQGz6yXyUvU3o1mqzA5PVyT0Q"}
}

// testCost is the cost in test binaries (go test, never shipped: testing.Testing
// reports a binary that the go tool built for a test run). The suite creates
// and logs in thousands of fixture users; at the shipped cost each costs a
// 19 MiB hash, about a tenth of a CPU second (seconds under the race
// detector), which made password hashing a large part of CI's test CPU. The
// tests check the shipped parameters themselves (TestHashPasswordEncoding), and
// the crash test reads them from the hashes the real binary stored.
func testCost() argonCost {
	return argonCost{memory: 64, time: 1,
		dummyHash: "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
}

// currentCost is shippedCost, except in a test binary.
func currentCost() argonCost {
	if testing.Testing() {
		return testCost()
	}
	return shippedCost()
}

// Password length limits.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// HashPassword returns an encoded argon2id hash.
func HashPassword(pw string) (string, error) {
	return hashPassword(pw, currentCost())
}

func hashPassword(pw string, c argonCost) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, c.time, c.memory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.memory, c.time, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword checks pw against an encoded hash in constant time.
func VerifyPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// CheckPasswordPolicy applies the 等保 rule: at least 8 characters, at least
// 3 of the 4 classes (upper, lower, digit, symbol), not a common password,
// not containing the username. field names the offending request field.
func CheckPasswordPolicy(field, pw, username string) error {
	n := len([]rune(pw))
	switch {
	case n < MinPasswordLen:
		return apperr.InvalidField(field, fmt.Sprintf("密码长度不能少于 %d 位", MinPasswordLen))
	case n > MaxPasswordLen:
		return apperr.InvalidField(field, fmt.Sprintf("密码长度不能超过 %d 位", MaxPasswordLen))
	}
	var upper, lower, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsSpace(r) && r != ' ':
			return apperr.InvalidField(field, "密码不能包含换行、制表符等空白字符")
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{upper, lower, digit, other} {
		if b {
			classes++
		}
	}
	if classes < 3 {
		return apperr.InvalidField(field, "密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类")
	}
	if isCommonPassword(pw) {
		return apperr.InvalidField(field, "该密码属于常见弱口令，请换一个")
	}
	if username != "" && len(username) >= 3 && strings.Contains(strings.ToLower(pw), strings.ToLower(username)) {
		return apperr.InvalidField(field, "密码不能包含用户名")
	}
	return nil
}

// GeneratePassword returns a random password that satisfies the policy.
func GeneratePassword() string {
	const (
		uppers  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		lowers  = "abcdefghijkmnopqrstuvwxyz"
		digits  = "23456789"
		symbols = "!@#%^*-_=+"
	)
	all := uppers + lowers + digits + symbols
	pick := func(set string) byte {
		b := make([]byte, 1)
		for {
			if _, err := rand.Read(b); err != nil {
				panic(err)
			}
			// rejection sampling avoids modulo bias
			if int(b[0]) < 256-256%len(set) {
				return set[int(b[0])%len(set)]
			}
		}
	}
	out := []byte{pick(uppers), pick(lowers), pick(digits), pick(symbols)}
	for len(out) < 16 {
		out = append(out, pick(all))
	}
	// shuffle (Fisher–Yates) so the class positions are not fixed
	for i := len(out) - 1; i > 0; i-- {
		var jb [1]byte
		if _, err := rand.Read(jb[:]); err != nil {
			panic(err)
		}
		k := int(jb[0]) % (i + 1)
		out[i], out[k] = out[k], out[i]
	}
	return string(out)
}

// randomToken returns n random bytes, base64url encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
