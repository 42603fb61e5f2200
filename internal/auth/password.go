package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"

	"liangxin/internal/apperr"
)

// Argon2id parameters (OWASP minimum: m=19 MiB, t=2, p=1); argonMemory and
// argonTime are in argon_cost.go (argon_cost_race.go for race-detector builds).
const (
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password length limits.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// HashPassword returns an encoded argon2id hash.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
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
