package uscc_test

import (
	"errors"
	"strings"
	"testing"

	"liangxin/internal/uscc"
)

var known = []string{"9144030071526726XG", "91350100M000100Y43"}

func TestValidateKnown(t *testing.T) {
	for _, c := range known {
		if err := uscc.Validate(c); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", c, err)
		}
		if !uscc.Valid(c) {
			t.Errorf("Valid(%q) = false", c)
		}
		ch, err := uscc.CheckChar(c[:17])
		if err != nil || ch != c[17] {
			t.Errorf("CheckChar(%q) = %q, %v; want %q", c[:17], ch, err, c[17])
		}
	}
}

// Every single-character change of a valid code must be caught: the weights
// are all non-zero mod 31, so a changed character always changes the sum.
func TestEverySingleCorruptionFails(t *testing.T) {
	alphabet := uscc.Charset + "IOZSVabc-* 　０"
	for _, c := range known {
		for i := 0; i < len(c); i++ {
			for _, r := range alphabet {
				if byte(r) == c[i] && r < 128 {
					continue
				}
				bad := c[:i] + string(r) + c[i+1:]
				if err := uscc.Validate(bad); err == nil {
					t.Errorf("Validate(%q) (position %d changed to %q) = nil, want error", bad, i+1, r)
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		code string
		kind uscc.ErrorKind
		msg  string
	}{
		{"", uscc.ErrLength, "统一社会信用代码不能为空"},
		{"9144030071526726X", uscc.ErrLength, "统一社会信用代码应为 18 位，实际为 17 位"},
		{"9144030071526726XGG", uscc.ErrLength, "统一社会信用代码应为 18 位，实际为 19 位"},
		{"9144030071526726IG", uscc.ErrChar, "第 17 位字符「I」无效"},
		{"9144030071526726OG", uscc.ErrChar, "第 17 位字符「O」无效"},
		{"9144030071526726ZG", uscc.ErrChar, "第 17 位字符「Z」无效"},
		{"9144030071526726SG", uscc.ErrChar, "第 17 位字符「S」无效"},
		{"9144030071526726VG", uscc.ErrChar, "第 17 位字符「V」无效"},
		{"9144030071526726xg", uscc.ErrChar, "第 17 位字符「x」无效"},
		{"91440300715267２6XG", uscc.ErrChar, "第 15 位字符「２」无效"},
		{"9A44030071526726XG", uscc.ErrCheck, "校验位错误，应为「L」"}, // A is in the charset
		{"91A4030071526726XG", uscc.ErrChar, "第 3 位字符「A」无效，第 3–8 位（行政区划码）应为数字"},
		{"9144030071526726XH", uscc.ErrCheck, "校验位错误，应为「G」"},
		{"91350100M000100Y44", uscc.ErrCheck, "校验位错误，应为「3」"},
	}
	for _, c := range cases {
		err := uscc.Validate(c.code)
		if err == nil {
			t.Errorf("Validate(%q) = nil, want error", c.code)
			continue
		}
		var e *uscc.Error
		if !errors.As(err, &e) {
			t.Errorf("Validate(%q) error %T is not *uscc.Error", c.code, err)
			continue
		}
		if e.Kind != c.kind || err.Error() != c.msg {
			t.Errorf("Validate(%q) = (%v) %q, want (%v) %q", c.code, e.Kind, err.Error(), c.kind, c.msg)
		}
	}
}

// remainder0 is a code whose weighted sum of the first 17 characters is a
// multiple of 31, so the check character is '0' (the final "mod 31").
const remainder0 = "91430426000000028" + "0"

func TestRemainderZero(t *testing.T) {
	if err := uscc.Validate(remainder0); err != nil {
		t.Fatalf("Validate(%q) = %v", remainder0, err)
	}
	// Check the premise by hand: Σ value·weight ≡ 0 (mod 31).
	w := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	s := 0
	for i := 0; i < 17; i++ {
		s += strings.IndexByte(uscc.Charset, remainder0[i]) * w[i]
	}
	if s%31 != 0 {
		t.Fatalf("weighted sum %d is not a multiple of 31", s)
	}
	// A naive implementation without the final mod would want character 31,
	// which does not exist; make sure nothing else is accepted.
	for _, r := range uscc.Charset[1:] {
		if uscc.Valid(remainder0[:17] + string(r)) {
			t.Errorf("check character %q accepted, want only '0'", r)
		}
	}
	// Generate also reaches remainder-0 codes.
	found := false
	for seq := 0; seq < 1000 && !found; seq++ {
		c := uscc.Generate('9', '1', "430426", seq)
		if c[17] == '0' {
			found = uscc.Valid(c)
		}
	}
	if !found {
		t.Error("no Generate output with check character '0' in 1000 tries")
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"9144030071526726xg", "9144030071526726XG"},
		{"  9144030071526726XG\t", "9144030071526726XG"},
		{"９１４４０３００７１５２６７２６ＸＧ", "9144030071526726XG"},
		{"９１４４０３００７１５２６７２６ｘｇ", "9144030071526726XG"},
		{"9144 0300 7152 6726 XG", "9144030071526726XG"},
		{"\u3000９１３５０１００ｍ０００１００ｙ４３\u00a0", "91350100M000100Y43"},
		{"\ufeff91350100M000100Y43\u200b", "91350100M000100Y43"},
	}
	for _, c := range cases {
		got := uscc.Normalize(c.in)
		if got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
		if err := uscc.Validate(got); err != nil {
			t.Errorf("Validate(Normalize(%q)) = %v", c.in, err)
		}
	}
	// Without Normalize the same input is rejected.
	if uscc.Valid("9144030071526726xg") {
		t.Error("lower-case code accepted without Normalize")
	}
}

func TestCheckCharErrors(t *testing.T) {
	if _, err := uscc.CheckChar("914403007152672"); err == nil {
		t.Error("CheckChar of 15 characters: want error")
	}
	if _, err := uscc.CheckChar("914403007152672IX"); err == nil {
		t.Error("CheckChar with I: want error")
	}
}

func TestGenerate(t *testing.T) {
	c := uscc.Generate('9', '1', "430426", 1)
	if !strings.HasPrefix(c, "91430426") || len(c) != 18 {
		t.Errorf("Generate = %q", c)
	}
	if err := uscc.Validate(c); err != nil {
		t.Errorf("Validate(Generate) = %v", err)
	}
	// The organisation code carries its own GB 11714 check character:
	// 00000001 → Σ = 2 → 11 − 2 = 9.
	if c[8:17] != "000000019" {
		t.Errorf("organisation code = %q, want 000000019", c[8:17])
	}
	seen := map[string]bool{}
	for seq := 0; seq < 2000; seq++ {
		for _, k := range []struct{ r, k byte }{{'9', '1'}, {'9', '2'}, {'5', '1'}, {'5', '3'}, {'Y', '1'}} {
			c := uscc.Generate(k.r, k.k, "430426", seq)
			if err := uscc.Validate(c); err != nil {
				t.Fatalf("Generate(%c,%c,%d) = %q: %v", k.r, k.k, seq, c, err)
			}
			if seen[c] {
				t.Fatalf("Generate produced %q twice", c)
			}
			seen[c] = true
		}
	}
	// Garbage in, valid code out.
	for _, g := range []struct {
		r, k byte
		div  string
		seq  int
	}{{'i', 'o', "43x0", -5}, {0, 255, "", 1 << 40}, {'z', ' ', "12345678901", -1 << 62}} {
		if c := uscc.Generate(g.r, g.k, g.div, g.seq); !uscc.Valid(c) {
			t.Errorf("Generate(%v) = %q, not valid", g, c)
		}
	}
}

func TestDescribe(t *testing.T) {
	cases := []struct{ code, reg, kind string }{
		{"9144030071526726XG", "工商", "企业"},
		{"92430426794786630D", "工商", "个体工商户"},
		{"93", "工商", "农民专业合作社"},
		{"51430426294364837L", "民政", "社会团体"},
		{"52", "民政", "民办非企业单位"},
		{"53", "民政", "基金会"},
		{"11", "机构编制", "机关"},
		{"Y1", "其他", "其他"},
		{"94", "工商", ""},
		{"Z1", "", ""},
		{"9", "工商", ""},
		{"", "", ""},
	}
	for _, c := range cases {
		reg, kind := uscc.Describe(c.code)
		if reg != c.reg || kind != c.kind {
			t.Errorf("Describe(%q) = %q, %q; want %q, %q", c.code, reg, kind, c.reg, c.kind)
		}
	}
}

func FuzzValidate(f *testing.F) {
	for _, c := range known {
		f.Add(c, byte('9'), byte('1'), "430426", 1)
	}
	f.Add("９１４４０３００７１５２６７２６ｘｇ", byte('5'), byte('2'), "4304", -7)
	f.Add("\xff\xfe", byte(0), byte(255), "\xff", 1<<62)
	f.Fuzz(func(t *testing.T, s string, r, k byte, div string, seq int) {
		err := uscc.Validate(s)
		if err == nil {
			ch, cerr := uscc.CheckChar(s[:17])
			if cerr != nil || ch != s[17] {
				t.Fatalf("Validate(%q) = nil but CheckChar = %q, %v", s, ch, cerr)
			}
		} else if err.Error() == "" {
			t.Fatalf("empty error message for %q", s)
		}
		n := uscc.Normalize(s)
		_ = uscc.Validate(n)
		if uscc.Normalize(n) != n {
			t.Fatalf("Normalize not idempotent: %q → %q → %q", s, n, uscc.Normalize(n))
		}
		_, _ = uscc.Describe(s)
		_, _ = uscc.CheckChar(s)
		g := uscc.Generate(r, k, div, seq)
		if err := uscc.Validate(g); err != nil {
			t.Fatalf("Generate(%q, %q, %q, %d) = %q: %v", r, k, div, seq, g, err)
		}
	})
}
