package store

import (
	"strings"
	"unicode/utf8"
)

// PrefixRange returns a SQL condition that selects the rows whose col starts
// with prefix, written as a range "(col >= ? AND col < ?)" so that an index on
// col serves it on both databases: PostgreSQL cannot use a b-tree for LIKE
// 'p%' under a non-C collation, and SQLite's LIKE is case-insensitive, so it
// does not either. Both compare text by bytes here (PostgreSQL's C.UTF-8
// collation orders by code point, which is byte order for UTF-8; SQLite's
// BINARY collation is memcmp), so the range selects exactly what the LIKE
// would for the region codes the columns hold. The empty prefix gives "1=1"
// (every row; unlike LIKE '%', also a NULL col — callers filter only on a
// non-empty code).
func PrefixRange(col, prefix string) (string, []any) {
	if prefix == "" {
		return "1=1", nil
	}
	upper, ok := PrefixSuccessor(prefix)
	if !ok {
		return "(" + col + " >= ?)", []any{prefix}
	}
	return "(" + col + " >= ? AND " + col + " < ?)", []any{prefix, upper}
}

// PrefixSuccessor returns the least string greater than every string that
// starts with prefix: the prefix with its last character incremented, carrying
// into the one before when the last cannot be incremented. ok is false when no
// such string exists (the prefix is all maximal characters, or empty). A
// valid UTF-8 prefix is incremented by code point so that the bound stays
// valid UTF-8 (PostgreSQL refuses invalid text); any other byte string by byte.
func PrefixSuccessor(prefix string) (string, bool) {
	if utf8.ValidString(prefix) {
		rs := []rune(prefix)
		for i := len(rs) - 1; i >= 0; i-- {
			if next, ok := nextRune(rs[i]); ok {
				return string(rs[:i]) + string(next), true
			}
		}
		return "", false
	}
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// nextRune returns the code point after r that UTF-8 can encode (skipping
// the surrogates).
func nextRune(r rune) (rune, bool) {
	switch {
	case r >= utf8.MaxRune:
		return 0, false
	case r == 0xD7FF:
		return 0xE000, true
	}
	return r + 1, true
}

// AncestorsOf returns a SQL condition that selects the rows whose col is a
// prefix of code (the empty string and code itself included) — the regions
// above code, written as "col IN (?, …)" so that an index on col serves it.
// It replaces "? LIKE col || '%'", which reads every row, and selects the same
// rows when col holds no LIKE wildcards, as region codes do not.
func AncestorsOf(col, code string) (string, []any) {
	args := []any{""}
	for i := range code {
		if i > 0 {
			args = append(args, code[:i])
		}
	}
	if code != "" {
		args = append(args, code)
	}
	return col + " IN (?" + strings.Repeat(", ?", len(args)-1) + ")", args
}
