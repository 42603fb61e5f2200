package store_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"liangxin/internal/racetest"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

func TestPrefixSuccessor(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		prefix, want string
		ok           bool
	}{
		{"430426", "430427", true},
		{"4304269", "430426:", true}, // '9'+1 is ':', no carry into the 6
		{"43042699", "4304269:", true},
		{"430426002001", "430426002002", true},
		{"4", "5", true},
		{"~", "\x7f", true},
		{"\x7f", "\u0080", true}, // next code point, two bytes in UTF-8
		{"中", "丮", true},         // U+4E2D → U+4E2E
		{"a\uD7FF", "a\uE000", true},
		{"a\U0010FFFF", "b", true}, // the last code point carries
		{"\U0010FFFF", "", false},
		{"a\xff", "b", true},     // not UTF-8: by byte, 0xFF carries
		{"a\xfe", "a\xff", true}, // not UTF-8: by byte
		{"\xff\xff", "", false},
		{"", "", false},
	} {
		got, ok := store.PrefixSuccessor(c.prefix)
		if got != c.want || ok != c.ok {
			t.Errorf("PrefixSuccessor(%q) = %q, %v; want %q, %v", c.prefix, got, ok, c.want, c.ok)
		}
	}
}

func TestPrefixRangeSQL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		prefix, cond string
		args         []any
	}{
		{"", "1=1", nil},
		{"43", "(r.code >= ? AND r.code < ?)", []any{"43", "44"}},
		{"4304269", "(r.code >= ? AND r.code < ?)", []any{"4304269", "430426:"}},
		{"\xff", "(r.code >= ?)", []any{"\xff"}},
	} {
		cond, args := store.PrefixRange("r.code", c.prefix)
		if cond != c.cond || !slices.Equal(args, c.args) {
			t.Errorf("PrefixRange(%q) = %q %v; want %q %v", c.prefix, cond, args, c.cond, c.args)
		}
	}
}

// TestPrefixRangeSelectsWhatLikeSelects compares, on the test database, the
// range with the escaped LIKE it replaces for every prefix of a table of codes
// made to carry: digits near '9', the bytes on either side of the digits
// ('/' and ':'), and codes that are prefixes of one another.
func TestPrefixRangeSelectsWhatLikeSelects(t *testing.T) {
	racetest.Skip(t, "a randomized comparison of two queries, one goroutine")
	t.Parallel()
	db := storetest.Open(t)
	exec(t, db, `CREATE TABLE prefix_codes (code TEXT)`)
	codes := []string{"430426", "4304269", "43042699", "430426:", "4304270", "430427", "43042", "430426/", "9", "99", "999", "9:", ":",
		"430426002001", "430426002002", "430426002", "4304260020019", "1430426002"}
	rng := rand.New(rand.NewPCG(18, 2))
	alphabet := "01899/:"
	for range 300 {
		b := make([]byte, 1+rng.IntN(8))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		codes = append(codes, string(b))
	}
	for _, c := range codes {
		exec(t, db, `INSERT INTO prefix_codes (code) VALUES (?)`, c)
	}
	exec(t, db, `INSERT INTO prefix_codes (code) VALUES (NULL)`)
	prefixes := map[string]bool{}
	for _, c := range codes {
		for i := 1; i <= len(c); i++ {
			prefixes[c[:i]] = true
		}
	}
	prefixes["4304268"] = true // absent from the table
	sel := func(cond string, args ...any) []string {
		t.Helper()
		rows, err := db.Query(ctx, db, `SELECT code FROM prefix_codes WHERE `+cond+` ORDER BY code`, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := []string{}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	checked, nonEmpty := 0, 0
	for p := range prefixes {
		want := sel(`code LIKE ? ESCAPE '\'`, store.LikeEscape(p)+"%")
		cond, args := store.PrefixRange("code", p)
		got := sel(cond, args...)
		if !slices.Equal(got, want) {
			t.Errorf("prefix %q: range selects %v, LIKE %v", p, got, want)
		}
		checked++
		if len(want) > 0 {
			nonEmpty++
		}
	}
	// The other direction: the codes that are prefixes of x (regions above x).
	ancestors := 0
	for x := range prefixes {
		want := sel(`? LIKE code || '%'`, x)
		cond, args := store.AncestorsOf("code", x)
		got := sel(cond, args...)
		if !slices.Equal(got, want) {
			t.Errorf("ancestors of %q: IN selects %v, LIKE %v", x, got, want)
		}
		ancestors += len(want)
	}
	cond, args := store.AncestorsOf("code", "43042699")
	if got := sel(cond, args...); !slices.Equal(got, []string{"43042", "430426", "4304269", "43042699"}) {
		t.Errorf("ancestors of 43042699: %v", got)
	}
	// The hand-checked case: 4304269 selects itself and 43042699, not 430426: nor 4304270.
	cond, args = store.PrefixRange("code", "4304269")
	if got := sel(cond, args...); !slices.Equal(got, []string{"4304269", "43042699"}) {
		t.Errorf("prefix 4304269 selects %v", got)
	}
	if checked < 200 || nonEmpty < 200 || ancestors < 500 {
		t.Fatalf("only %d prefixes checked (%d non-empty, %d ancestors)", checked, nonEmpty, ancestors)
	}
}

func TestAncestorsOfSQL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		code, cond string
		args       []any
	}{
		{"", "s IN (?)", []any{""}},
		{"430", "s IN (?, ?, ?, ?)", []any{"", "4", "43", "430"}},
		{"a中b", "s IN (?, ?, ?, ?)", []any{"", "a", "a中", "a中b"}}, // whole characters only
	} {
		cond, args := store.AncestorsOf("s", c.code)
		if cond != c.cond || !slices.Equal(args, c.args) {
			t.Errorf("AncestorsOf(%q) = %q %v; want %q %v", c.code, cond, args, c.cond, c.args)
		}
	}
}
