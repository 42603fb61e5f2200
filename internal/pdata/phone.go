package pdata

import (
	"strings"
	"unicode"
)

// foldPhone maps full-width ASCII (０-９, －, ＋ …) to half-width and the
// ideographic space to a space, so that "１３８１２３４５６７８" and
// "13812345678" are the same number.
func foldPhone(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

// MaskPhone masks a phone number for display, the one masking every package
// uses: 13812345678 → 138****5678, 0734-1234567 → 073*****4567. It works on
// characters (runes), after full-width digits are folded to ASCII, keeps the
// length (one * per hidden character), never shows more than the first 3 and
// the last 4 characters, and always hides at least 4: a short number shows
// less (1234567 → ****567, 12345678 → ****5678; 4 characters or fewer are
// all hidden). The empty string stays empty.
func MaskPhone(phone string) string {
	r := []rune(strings.TrimSpace(foldPhone(phone)))
	n := len(r)
	hidden := max(4, n-7)
	if hidden >= n {
		return strings.Repeat("*", n)
	}
	shown := n - hidden // 1…7
	tail := min(4, shown)
	head := shown - tail // 0…3
	return string(r[:head]) + strings.Repeat("*", hidden) + string(r[n-tail:])
}

// NormalizePhone checks a contact number and returns it in one form: ASCII
// digits, white space removed, full-width characters folded. Accepted are a
// mainland mobile number (1[3-9] and 9 more digits, optionally written with a
// +86 or 86 prefix, which is dropped) and a landline with its area code
// (0 and 2 or 3 digits, an optional '-', then 7 or 8 digits not starting with
// 0) with an optional extension after '-', '转' or '#' (1–6 digits),
// written back as 0734-1234567-123. ok is false for anything else.
func NormalizePhone(s string) (string, bool) {
	var b strings.Builder
	for _, r := range foldPhone(s) {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	p := b.String()
	if rest, ok := strings.CutPrefix(p, "+86"); ok {
		p = strings.TrimPrefix(rest, "-")
	} else if len(p) == 13 && strings.HasPrefix(p, "86") {
		p = p[2:]
	}
	if isMobile(p) {
		return p, true
	}
	main, ext, hasExt := p, "", false
	for _, sep := range []string{"转", "#"} {
		if main, ext, hasExt = strings.Cut(p, sep); hasExt {
			break
		}
	}
	area, local, ok := splitLandline(main)
	if !ok {
		// A '-' extension: 0734-1234567-123.
		i := strings.LastIndexByte(main, '-')
		if hasExt || i < 0 {
			return "", false
		}
		if area, local, ok = splitLandline(main[:i]); !ok {
			return "", false
		}
		ext, hasExt = main[i+1:], true
	}
	if hasExt && (len(ext) > 6 || !allDigits(ext)) {
		return "", false
	}
	out := area + "-" + local
	if ext != "" {
		out += "-" + ext
	}
	return out, true
}

// ValidPhone reports whether NormalizePhone accepts s.
func ValidPhone(s string) bool {
	_, ok := NormalizePhone(s)
	return ok
}

func isMobile(p string) bool {
	return len(p) == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9' && allDigits(p)
}

// splitLandline splits "0734-1234567" or "07341234567" (area code 0 + 2–3
// digits, local number 7–8 digits not starting with 0). The area code
// decides its own length (see validArea), so a number without '-' splits in
// one way only.
func splitLandline(s string) (area, local string, ok bool) {
	if a, l, found := strings.Cut(s, "-"); found {
		return a, l, validArea(a) && validLocal(l)
	}
	for _, n := range []int{3, 4} {
		if len(s) > n && validArea(s[:n]) && validLocal(s[n:]) {
			return s[:n], s[n:], true
		}
	}
	return "", "", false
}

// validArea: 010 and 020–029 are the three-digit area codes; every other
// one has four digits, its second digit 3–9 (0734, 0571).
func validArea(a string) bool {
	if !allDigits(a) || a[0] != '0' {
		return false
	}
	switch len(a) {
	case 3:
		return a == "010" || a[1] == '2'
	case 4:
		return a[1] >= '3'
	}
	return false
}

func validLocal(l string) bool {
	return (len(l) == 7 || len(l) == 8) && l[0] != '0' && allDigits(l)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
