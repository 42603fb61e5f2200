package auth

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

// The lists are read into sets once, on first use, and never changed after.
var (
	//go:embed common_passwords.txt
	commonPasswordsText string
	//go:embed local_weak_words.txt
	localWeakWordsText string

	weakSets = sync.OnceValue(func() map[string]struct{} {
		set := make(map[string]struct{}, 50_000)
		for _, text := range []string{commonPasswordsText, localWeakWordsText} {
			for line := range strings.SplitSeq(text, "\n") {
				if w := strings.TrimSpace(line); w != "" && !strings.HasPrefix(w, "#") {
					set[strings.ToLower(w)] = struct{}{}
				}
			}
		}
		return set
	})
)

// CommonPasswordCount is the number of distinct entries in the embedded
// common-password and local weak-word lists.
func CommonPasswordCount() int { return len(weakSets()) }

// minWeakCore is the shortest core (in bytes) looked up in the lists: shorter
// cores ("ab" of "Ab#12345678") are in any list of 50,000 words and would
// refuse too much. Two Chinese characters (6 bytes) are long enough.
const minWeakCore = 4

// maxAffix bounds how many leading or trailing digits and symbols are tried
// off, so that a check costs at most (maxAffix+1)² map probes per reading.
const maxAffix = 12

// isCommonPassword reports whether pw is a common password or a thin
// decoration of one: compared without regard to case, with any number of
// leading and trailing digits and symbols taken off ("Qidong#2026" →
// "qidong", "abc123#2026" → "abc123"), with simple leet undone ("P@ssw0rd"
// → "password"), and as a keyboard walk or sequence ("1qaz2wsx",
// "Abcd1234!").
func isCommonPassword(pw string) bool {
	set := weakSets()
	l := strings.ToLower(pw)
	rs := []rune(l)
	notLetter := func(r rune) bool { return !unicode.IsLetter(r) }
	lead := 0
	for lead < len(rs) && lead < maxAffix && notLetter(rs[lead]) {
		lead++
	}
	trail := 0
	for trail < len(rs)-lead && trail < maxAffix && notLetter(rs[len(rs)-1-trail]) {
		trail++
	}
	for i := 0; i <= lead; i++ {
		for j := 0; j <= trail; j++ {
			c := string(rs[i : len(rs)-j])
			if len(c) < minWeakCore {
				continue
			}
			for _, v := range []string{c, unleet(c, 'i'), unleet(c, 'l')} {
				if _, ok := set[v]; ok {
					return true
				}
			}
		}
	}
	notAlnum := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	for _, c := range []string{l, strings.TrimFunc(l, notAlnum), strings.TrimFunc(l, notLetter)} {
		if isWalk(c) {
			return true
		}
	}
	return false
}

// unleet undoes simple leet in s, reading '1' and '!' as one.
func unleet(s string, one rune) string {
	return strings.Map(func(r rune) rune { return leetLetter(r, one) }, s)
}

// leetLetter is the letter a leet character stands for (one is the reading
// of '1' and '!'), or r itself.
func leetLetter(r, one rune) rune {
	switch r {
	case '0':
		return 'o'
	case '1', '!', '|':
		return one
	case '3':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7', '+':
		return 't'
	case '8':
		return 'b'
	case '9':
		return 'g'
	}
	return r
}

// keyboardRows are the rows of a QWERTY keyboard, aligned so that index i of
// each row is the key below index i of the row above ("1qaz", "2wsx").
var keyboardRows = [...]string{"1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./"}

// shifted maps the shifted symbols of the number row to their keys.
const shiftedDigits = "!@#$%^&*()_+"

// keyPos returns the row and column of r on the keyboard.
func keyPos(r rune) (row, col int, ok bool) {
	if i := strings.IndexRune(shiftedDigits, r); i >= 0 {
		return 0, i, true
	}
	for y, line := range keyboardRows {
		if x := strings.IndexRune(line, r); x >= 0 {
			return y, x, true
		}
	}
	return 0, 0, false
}

// adjacent reports whether b can follow a in a keyboard walk or a sequence:
// neighbouring keys in a row or a column, the next or previous letter or
// digit ("abcd", "4321"), or the same key again ("aaaa").
func adjacent(a, b rune) bool {
	if a == b {
		return true
	}
	if (unicode.IsDigit(a) && unicode.IsDigit(b)) || (a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z') {
		if d := a - b; d == 1 || d == -1 {
			return true
		}
	}
	ya, xa, ok1 := keyPos(a)
	yb, xb, ok2 := keyPos(b)
	if !ok1 || !ok2 {
		return false
	}
	dy, dx := ya-yb, xa-xb
	return (dy == 0 && (dx == 1 || dx == -1)) || (dx == 0 && (dy == 1 || dy == -1))
}

// isWalk reports whether s is made of keyboard walks and sequences: every
// character but at most two belongs to a run of three or more adjacent keys
// ("1qaz2wsx", "qwer1234!", "aa123456", "zxcvbnm").
func isWalk(s string) bool {
	rs := []rune(s)
	if len(rs) < minWeakCore {
		return false
	}
	covered, start := 0, 0
	for i := 1; i <= len(rs); i++ {
		if i < len(rs) && adjacent(rs[i-1], rs[i]) {
			continue
		}
		if n := i - start; n >= 3 {
			covered += n
		}
		start = i
	}
	return covered >= len(rs)-2
}
