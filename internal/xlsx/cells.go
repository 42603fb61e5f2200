package xlsx

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file holds pure functions that turn the text of a hand-typed ledger
// cell into a value. Every error message is Chinese and meant for the user;
// the caller adds the row and the column (see CellError).

// NormalizeText maps full-width ASCII (digits, letters, punctuation) and the
// full-width space to half-width, drops zero-width characters, trims, and
// collapses every run of white space (including line breaks inside a cell
// and non-breaking spaces) to one space. Chinese text is kept as it is, but
// note that full-width brackets and commas become half-width ones:
// "某某（祁东）有限公司" → "某某(祁东)有限公司".
func NormalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case isZeroWidth(r):
			continue
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func isZeroWidth(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD':
		return true
	}
	return false
}

// NormalizeHeader makes header cells comparable: NormalizeText, then every
// space is removed, half-width brackets become full-width ones, and the
// required-field markers "*" / "※" at either end are dropped. So
// "所属街道(乡镇)", " 所属街道 （乡镇） " and "*所属街道（乡镇）" all give
// "所属街道（乡镇）".
func NormalizeHeader(s string) string {
	s = NormalizeText(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case ' ':
			continue
		case '(':
			r = '（'
		case ')':
			r = '）'
		}
		b.WriteRune(r)
	}
	return strings.Trim(b.String(), "*※")
}

// IsBlank reports whether a cell holds nothing but white space.
func IsBlank(s string) bool { return NormalizeText(s) == "" }

var (
	errInt      = errors.New("应为整数")
	errIntRange = errors.New("数值超出范围")
	errBool     = errors.New("应填写“是”或“否”")
)

// ParseInt reads a whole number typed as text or stored as a number:
// full-width digits and surrounding spaces are accepted ("３５", " 35 "), as
// are correctly grouped thousands separators ("1,200", "１，２００") and the
// integral values a numeric cell may hold ("35.0", "3.5E+1"). Anything else
// ("35人", "约30", "3.5", "12,00") is "应为整数".
func ParseInt(s string) (int, error) {
	s = strings.ReplaceAll(NormalizeText(s), " ", "")
	if s == "" {
		return 0, errInt
	}
	digits := s
	sign := ""
	if digits[0] == '+' || digits[0] == '-' {
		sign, digits = digits[:1], digits[1:]
	}
	if strings.Contains(digits, ",") {
		d, ok := ungroup(digits)
		if !ok {
			return 0, errInt
		}
		digits = d
	}
	if digits != "" && allDigits(digits) {
		n, err := strconv.ParseInt(sign+digits, 10, 0)
		if err != nil {
			return 0, errIntRange
		}
		return int(n), nil
	}
	// A numeric cell may store 35 as "35.0" or "3.5E+1".
	if digits != "" && strings.Trim(digits, "0123456789.eE+-") == "" {
		f, err := strconv.ParseFloat(sign+digits, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) {
			return 0, errInt
		}
		if math.Abs(f) > 1<<53 {
			return 0, errIntRange
		}
		return int(f), nil
	}
	return 0, errInt
}

// ungroup removes thousands separators, requiring groups of exactly three
// digits after a first group of one to three.
func ungroup(s string) (string, bool) {
	parts := strings.Split(s, ",")
	if len(parts[0]) < 1 || len(parts[0]) > 3 || !allDigits(parts[0]) {
		return "", false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 || !allDigits(p) {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var boolWords = map[string]bool{
	"是": true, "否": false,
	"√": true, "×": false,
	"✓": true, "✔": true, "✗": false, "✘": false,
	"有": true, "无": false,
	"y": true, "n": false,
	"yes": true, "no": false,
	"true": true, "false": false,
	"1": true, "0": false,
}

// ParseBool reads 是/否, √/×, 有/无, Y/N, yes/no, true/false (any case, so a
// boolean cell's TRUE/FALSE works too) and 1/0. A blank cell is an error as
// well: check IsBlank first if the column is optional.
func ParseBool(s string) (bool, error) {
	v, ok := boolWords[strings.ToLower(strings.ReplaceAll(NormalizeText(s), " ", ""))]
	if !ok {
		return false, errBool
	}
	return v, nil
}

var (
	errDate        = errors.New("日期无效")
	errDateFormat  = errors.New("无法识别的日期，请填写如 2022-03-15 的日期")
	errDateYear    = errors.New("日期不完整：只有年份，请填写如 2022-03-15 的日期")
	errDateMonth10 = errors.New("无法确定月份（2022.1 可能是 1 月也可能是 10 月），请填写如 2022-10-01 的完整日期")
)

// ParseDate reads a date cell. numeric says the cell was stored as a number
// (Cell.Numeric): then raw is an Excel serial number in the 1900 date system
// (serial 60, Excel's fictitious 1900-02-29, is rejected; any time of day is
// dropped), or, when it has no date format, a typed 20220315 / 2022.03.
// Text forms: 2022-03-15, 2022/3/15, 2022.3.15, 2022年3月15日, 2022-3-5,
// 20220315, ISO date-times (2022-03-15T08:00:00Z, 2022-03-15 08:00), and
// the "03-15-22" (mm-dd-yy) text excelize produces for number format 14.
// Month-only forms (2022.03, 2022年3月, 2022-03, 202203) give the first day
// of the month with monthOnly set, so the caller may warn. Impossible dates
// (2022-02-30) are "日期无效"; years outside 1900–2099 too.
func ParseDate(raw string, numeric bool) (t time.Time, monthOnly bool, err error) {
	s := NormalizeText(raw)
	// Drop a time of day: "2022-03-15T08:00:00Z", "2022/3/15 8:00".
	if i := strings.IndexByte(s, ':'); i >= 0 {
		j := strings.LastIndexAny(s[:i], " T")
		if j <= 0 {
			return time.Time{}, false, errDateFormat
		}
		s = s[:j]
	}
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return time.Time{}, false, errDateFormat
	}
	if numeric {
		return parseSerial(s)
	}
	return parseDateText(s)
}

func parseSerial(s string) (time.Time, bool, error) {
	// A number typed as 20220315 or 202203 in a General-format cell.
	if allDigits(s) && (len(s) == 8 || len(s) == 6) {
		return parseCompact(s)
	}
	// 2022.03 typed into a General cell becomes the number 2022.03.
	if i := strings.IndexByte(s, '.'); i == 4 && allDigits(s[:4]) && allDigits(s[5:]) && len(s) > 5 {
		y, _ := strconv.Atoi(s[:4])
		if y >= 1900 && y <= 2099 {
			frac := s[5:]
			if len(frac) == 1 && frac == "1" {
				return time.Time{}, false, errDateMonth10
			}
			if len(frac) <= 2 {
				return ymd(s[:4], frac, "1", true)
			}
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		// A date cell may also come as text when read with formatting.
		return parseDateText(s)
	}
	if f == math.Trunc(f) && f >= 1900 && f <= 2099 {
		return time.Time{}, false, errDateYear
	}
	return serialToDate(f)
}

// serialToDate converts a 1900-system serial. Serial 1 is 1900-01-01 and
// Excel believes 1900 was a leap year, so serials after 60 are one day off
// from a plain count.
func serialToDate(f float64) (time.Time, bool, error) {
	// Serial 73050 is 2099-12-31.
	if f < 1 || f >= 73051 {
		return time.Time{}, false, errDate
	}
	d := int(math.Floor(f))
	switch {
	case d == 60:
		return time.Time{}, false, errDate // 1900-02-29 does not exist
	case d < 60:
		return time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d), false, nil
	default:
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d), false, nil
	}
}

func parseCompact(s string) (time.Time, bool, error) {
	if len(s) == 6 {
		return ymd(s[:4], s[4:], "1", true)
	}
	return ymd(s[:4], s[4:6], s[6:], false)
}

func parseDateText(s string) (time.Time, bool, error) {
	if i := strings.IndexByte(s, 'T'); i > 0 {
		s = s[:i] // "2022-03-15T00:00:00" without a time zone or seconds
	}
	if strings.ContainsRune(s, '年') {
		return parseChinese(s)
	}
	if allDigits(s) {
		if len(s) == 8 || len(s) == 6 {
			return parseCompact(s)
		}
		return time.Time{}, false, errDateFormat
	}
	sep := byte(0)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '-' || c == '/' || c == '.' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return time.Time{}, false, errDateFormat
	}
	parts := strings.Split(s, string(sep))
	for _, p := range parts {
		if p == "" || len(p) > 4 || !allDigits(p) {
			return time.Time{}, false, errDateFormat
		}
	}
	switch {
	case len(parts) == 3 && len(parts[0]) == 4:
		return ymd(parts[0], parts[1], parts[2], false)
	case len(parts) == 2 && len(parts[0]) == 4:
		return ymd(parts[0], parts[1], "1", true)
	case len(parts) == 3 && sep == '-' && len(parts[2]) == 2 && len(parts[0]) <= 2 && len(parts[1]) <= 2:
		// mm-dd-yy, as excelize formats number format 14; Excel maps
		// two-digit years 00–29 to 20xx and 30–99 to 19xx.
		yy, _ := strconv.Atoi(parts[2])
		year := 1900 + yy
		if yy < 30 {
			year = 2000 + yy
		}
		return ymd(strconv.Itoa(year), parts[0], parts[1], false)
	}
	return time.Time{}, false, errDateFormat
}

// parseChinese reads 2022年3月15日 (日 or 号, the final character optional)
// and 2022年3月.
func parseChinese(s string) (time.Time, bool, error) {
	y, rest, ok := strings.Cut(s, "年")
	if !ok || len(y) != 4 || !allDigits(y) {
		return time.Time{}, false, errDateFormat
	}
	m, rest, ok := strings.Cut(rest, "月")
	if !ok || m == "" || len(m) > 2 || !allDigits(m) {
		return time.Time{}, false, errDateFormat
	}
	rest = strings.TrimSuffix(strings.TrimSuffix(rest, "日"), "号")
	if rest == "" {
		return ymd(y, m, "1", true)
	}
	if len(rest) > 2 || !allDigits(rest) {
		return time.Time{}, false, errDateFormat
	}
	return ymd(y, m, rest, false)
}

// ymd checks and builds a date from digit strings.
func ymd(ys, ms, ds string, monthOnly bool) (time.Time, bool, error) {
	if len(ys) != 4 || len(ms) == 0 || len(ms) > 2 || len(ds) == 0 || len(ds) > 2 {
		return time.Time{}, false, errDateFormat
	}
	y, _ := strconv.Atoi(ys)
	m, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	if y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false, errDate
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 2022-02-30 rolls over into March
		return time.Time{}, false, errDate
	}
	return t, monthOnly, nil
}

// ErrCodeAsNumber is returned by ParseCode for a long code that was stored
// as a number: every digit after the 15th is gone and cannot be recovered.
var ErrCodeAsNumber = errors.New("该单元格为数字格式，长代码的第 15 位之后已丢失，请将该列设置为文本格式后重新填写")

// ParseCode reads a 统一社会信用代码 or 身份证号 cell. A cell stored as a
// number (cellIsNumeric) whose value has 16 or more digits, or is written
// in scientific notation, has lost its digits beyond the 15th: that is
// ErrCodeAsNumber, as is text that looks like scientific notation
// ("5.14304E+17", typically pasted from a spreadsheet's display). Numeric
// cells of up to 15 digits are intact and returned as their digits (they
// will not pass a length check for an 18-character code, but a 15-digit
// 旧身份证号 survives). Otherwise the text is normalised (NormalizeText),
// spaces inside and a leading apostrophe are removed and letters
// upper-cased. A blank cell gives "".
func ParseCode(raw string, cellIsNumeric bool) (string, error) {
	s := strings.ToUpper(strings.ReplaceAll(NormalizeText(raw), " ", ""))
	s = strings.TrimLeft(s, "'`")
	if s == "" {
		return "", nil
	}
	if cellIsNumeric {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return s, nil // not really a number: leave it to the validator
		}
		if math.Abs(f) >= 1e15 {
			return "", ErrCodeAsNumber
		}
		if f == math.Trunc(f) {
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
		return s, nil
	}
	if looksScientific(s) {
		return "", ErrCodeAsNumber
	}
	return s, nil
}

// looksScientific matches the way a spreadsheet shows a long number:
// 5.14304E+17, 9.14304262667915E+017, 5E+17, 5.1E17 (upper-cased input).
// A decimal point or an explicit "+" is required, so a code that merely
// contains the letter E between digits (91440300715267E261) is not caught.
func looksScientific(s string) bool {
	mant, exp, ok := strings.Cut(s, "E")
	if !ok || mant == "" || exp == "" {
		return false
	}
	plus := exp[0] == '+'
	exp = strings.TrimPrefix(exp, "+")
	if exp == "" || !allDigits(exp) {
		return false
	}
	ip, fp, dot := strings.Cut(mant, ".")
	return ip != "" && allDigits(ip) && allDigits(fp) && (dot || plus)
}
