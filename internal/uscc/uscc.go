// Package uscc validates, normalises and generates 统一社会信用代码
// (unified social credit identifiers, GB 32100-2015).
//
// A code has 18 characters drawn from "0123456789ABCDEFGHJKLMNPQRTUWXY"
// (I, O, Z, S and V are never used):
//
//	1     登记管理部门码 (registering body: 1 机构编制, 5 民政, 9 工商, Y 其他 …)
//	2     机构类别码 (under 9: 1 企业, 2 个体工商户, 3 农民专业合作社 …)
//	3–8   登记管理机关行政区划码 (GB/T 2260, digits)
//	9–17  主体标识码 (组织机构代码, GB 11714)
//	18    校验码
//
// Validate expects an already normalised code; run user input through
// Normalize first.
package uscc

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Charset lists the code characters in value order (value 0–30).
const Charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// Length is the number of characters in a code.
const Length = 18

var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// values maps an ASCII byte to its value + 1 (0 = not in the charset).
var values [256]int8

func init() {
	for i := 0; i < len(Charset); i++ {
		values[Charset[i]] = int8(i + 1)
	}
}

// value returns the value of c in the charset, or -1.
func value(c byte) int { return int(values[c]) - 1 }

// ErrorKind says what is wrong with a code.
type ErrorKind int

const (
	// ErrLength: the code does not have 18 characters.
	ErrLength ErrorKind = iota + 1
	// ErrChar: a character is outside the charset (or a letter where the
	// division code needs a digit).
	ErrChar
	// ErrCheck: the check character does not match.
	ErrCheck
)

// Error describes why a code is invalid. Error() is a Chinese message that
// can be shown to users as it is.
type Error struct {
	Kind ErrorKind
	// Len is the number of characters found (ErrLength).
	Len int
	// Pos is the 1-based position of the bad character (ErrChar, and 18 for ErrCheck).
	Pos int
	// Char is the bad character (ErrChar) or the check character found (ErrCheck).
	Char rune
	// Want is the expected check character (ErrCheck).
	Want byte
	// Digit is set for ErrChar when a digit was required at Pos (positions 3–8).
	Digit bool
}

func (e *Error) Error() string {
	switch e.Kind {
	case ErrLength:
		if e.Len == 0 {
			return "统一社会信用代码不能为空"
		}
		return fmt.Sprintf("统一社会信用代码应为 18 位，实际为 %d 位", e.Len)
	case ErrChar:
		if e.Digit {
			return fmt.Sprintf("第 %d 位字符「%s」无效，第 3–8 位（行政区划码）应为数字", e.Pos, string(e.Char))
		}
		return fmt.Sprintf("第 %d 位字符「%s」无效", e.Pos, string(e.Char))
	case ErrCheck:
		return fmt.Sprintf("校验位错误，应为「%c」", e.Want)
	}
	return "统一社会信用代码无效"
}

// sum returns the check character for 17 known-good characters.
func check(first17 string) byte {
	s := 0
	for i := 0; i < 17; i++ {
		s += value(first17[i]) * weights[i]
	}
	return Charset[(31-s%31)%31]
}

// validateChars checks characters of s (ASCII assumed) and returns the first
// bad one.
func validateChars(s string) error {
	for i, r := range s {
		pos := utf8.RuneCountInString(s[:i]) + 1
		if r >= utf8.RuneSelf || value(byte(r)) < 0 {
			return &Error{Kind: ErrChar, Pos: pos, Char: r}
		}
		if pos >= 3 && pos <= 8 && (r < '0' || r > '9') {
			return &Error{Kind: ErrChar, Pos: pos, Char: r, Digit: true}
		}
	}
	return nil
}

// CheckChar returns the check character (character 18) for the first 17
// characters of a code.
func CheckChar(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != 17 {
		return 0, fmt.Errorf("计算校验位需要前 17 位，实际为 %d 位", n)
	}
	if err := validateChars(first17); err != nil {
		return 0, err
	}
	return check(first17), nil
}

// Validate reports whether code is a valid 统一社会信用代码. The error is an
// *Error. code must already be normalised (see Normalize): lower-case or
// full-width characters are reported as invalid.
func Validate(code string) error {
	if n := utf8.RuneCountInString(code); n != Length {
		return &Error{Kind: ErrLength, Len: n}
	}
	if err := validateChars(code); err != nil {
		return err
	}
	if want := check(code[:17]); code[17] != want {
		return &Error{Kind: ErrCheck, Pos: 18, Char: rune(code[17]), Want: want}
	}
	return nil
}

// Valid is Validate(code) == nil.
func Valid(code string) bool { return Validate(code) == nil }

// Normalize prepares user input for Validate: it removes all white space
// (including full-width and non-breaking spaces) and zero-width characters,
// maps full-width ASCII to half-width and upper-cases.
// "９１４４０３００７１５２６７２６ｘｇ " becomes "9144030071526726XG".
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case unicode.IsSpace(r), r == '\u200B', r == '\u200C', r == '\u200D', r == '\u2060', r == '\uFEFF':
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// Generate makes a valid code, for demo data and tests: registering and
// kind become characters 1 and 2, division (6 digits) characters 3–8, and
// seq a 9-character organisation code (8 digits from seq plus its GB 11714
// check character). Out-of-range input is mapped deterministically into
// range (a character outside the charset is replaced, non-digits are dropped
// from division and it is padded or cut to 6 digits, seq is taken modulo
// 10⁸), so the result always passes Validate.
func Generate(registering, kind byte, division string, seq int) string {
	b := make([]byte, 0, Length)
	b = append(b, fixChar(registering), fixChar(kind))
	for i := 0; i < len(division) && len(b) < 8; i++ {
		if c := division[i]; c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	for len(b) < 8 {
		b = append(b, '0')
	}
	n := seq % 100000000
	if n < 0 {
		n = -n
	}
	body := fmt.Sprintf("%08d", n)
	b = append(b, body...)
	b = append(b, orgCheck(body))
	b = append(b, check(string(b)))
	return string(b)
}

// fixChar maps c into the charset: lower-case letters are upper-cased, any
// other byte outside the charset is replaced by a charset character.
func fixChar(c byte) byte {
	if c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	if value(c) >= 0 {
		return c
	}
	return Charset[int(c)%len(Charset)]
}

// orgCheck computes the GB 11714 check character of an 8-digit
// organisation code body: weights 3 7 9 10 5 8 4 2, C = 11 − Σ mod 11,
// 10 → X, 11 → 0.
func orgCheck(body string) byte {
	w := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	s := 0
	for i := 0; i < 8; i++ {
		s += int(body[i]-'0') * w[i]
	}
	switch c := 11 - s%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

var registeringNames = map[byte]string{
	'1': "机构编制",
	'2': "外交",
	'3': "司法行政",
	'4': "文化",
	'5': "民政",
	'6': "旅游",
	'7': "宗教",
	'8': "工会",
	'9': "工商",
	'A': "中央军委改革和编制办公室",
	'N': "农业",
	'Y': "其他",
}

var kindNames = map[[2]byte]string{
	{'1', '1'}: "机关",
	{'1', '2'}: "事业单位",
	{'1', '3'}: "中央编办直接管理机构编制的群众团体",
	{'1', '9'}: "其他",
	{'2', '1'}: "外国常驻新闻机构",
	{'2', '9'}: "其他",
	{'3', '1'}: "律师执业机构",
	{'3', '2'}: "公证处",
	{'3', '3'}: "基层法律服务所",
	{'3', '4'}: "司法鉴定机构",
	{'3', '5'}: "仲裁委员会",
	{'3', '9'}: "其他",
	{'4', '1'}: "外国在华文化中心",
	{'4', '9'}: "其他",
	{'5', '1'}: "社会团体",
	{'5', '2'}: "民办非企业单位",
	{'5', '3'}: "基金会",
	{'5', '9'}: "其他",
	{'6', '1'}: "外国旅游部门常驻代表机构",
	{'6', '2'}: "港澳台地区旅游部门常驻内地（大陆）代表机构",
	{'6', '9'}: "其他",
	{'7', '1'}: "宗教活动场所",
	{'7', '2'}: "宗教院校",
	{'7', '9'}: "其他",
	{'8', '1'}: "基层工会",
	{'8', '9'}: "其他",
	{'9', '1'}: "企业",
	{'9', '2'}: "个体工商户",
	{'9', '3'}: "农民专业合作社",
	{'A', '1'}: "军队事业单位",
	{'A', '9'}: "其他",
	{'N', '1'}: "组级集体经济组织",
	{'N', '2'}: "村级集体经济组织",
	{'N', '3'}: "乡镇级集体经济组织",
	{'N', '9'}: "其他",
	{'Y', '1'}: "其他",
}

// Describe names the registering body (character 1) and the kind of
// organisation (character 2) of a normalised code, e.g. "9", "1" →
// "工商", "企业"; "5", "1" → "民政", "社会团体". It does not validate the
// code; an unknown character gives "".
func Describe(code string) (registering, kind string) {
	if len(code) == 0 {
		return "", ""
	}
	registering = registeringNames[code[0]]
	if len(code) >= 2 {
		kind = kindNames[[2]byte{code[0], code[1]}]
	}
	return registering, kind
}
