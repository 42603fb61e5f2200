package xlsx_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"liangxin/internal/xlsx"
)

func TestNormalizeText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{" 样例社会团体00 ", "样例社会团体00"},
		{"３５", "35"},
		{"ＡＢＣｘｙｚ", "ABCxyz"},
		{"洪桥\u3000\u3000街道", "洪桥 街道"},
		{"  a \t b\n\nc  ", "a b c"},
		{"\u00a0祁东县\u00a0", "祁东县"},
		{"\ufeff祁\u200b东", "祁东"},
		{"所属街道（乡镇）", "所属街道(乡镇)"},
		{"１，２００", "1,200"},
		{"２０２２年３月１５日", "2022年3月15日"},
		{"中文、标点。保留", "中文、标点。保留"},
	}
	for _, c := range cases {
		if got := xlsx.NormalizeText(c.in); got != c.want {
			t.Errorf("NormalizeText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeHeader(t *testing.T) {
	same := []string{"所属街道（乡镇）", "所属街道(乡镇)", " 所属街道 （乡镇） ", "所属街道（乡镇)", "*所属街道（乡镇）", "所属街道（乡镇）*", "所属\n街道（乡镇）", "所属街道（乡镇）\u3000"}
	for _, s := range same {
		if got := xlsx.NormalizeHeader(s); got != "所属街道（乡镇）" {
			t.Errorf("NormalizeHeader(%q) = %q", s, got)
		}
	}
	if xlsx.NormalizeHeader("所属社区（村）") == xlsx.NormalizeHeader("所属街道（乡镇）") {
		t.Error("different headers compare equal")
	}
}

func TestParseInt(t *testing.T) {
	ok := []struct {
		in   string
		want int
	}{
		{"35", 35}, {" 35 ", 35}, {"３５", 35}, {"0", 0}, {"1,200", 1200}, {"１，２００", 1200},
		{"1,234,567", 1234567}, {"35.0", 35}, {"3.5E+1", 35}, {"-3", -3}, {"+7", 7}, {"1 200", 1200}, {"007", 7},
	}
	for _, c := range ok {
		got, err := xlsx.ParseInt(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	bad := []string{"", " ", "35人", "约30", "3.5", "12,00", "1,2000", ",100", "1e400", "NaN", "Inf", "0x10", "-", "一百", "99999999999999999999"}
	for _, s := range bad {
		if got, err := xlsx.ParseInt(s); err == nil {
			t.Errorf("ParseInt(%q) = %d, want error", s, got)
		} else if err.Error() != "应为整数" && err.Error() != "数值超出范围" {
			t.Errorf("ParseInt(%q) error %q", s, err)
		}
	}
	if _, err := xlsx.ParseInt("35人"); err == nil || err.Error() != "应为整数" {
		t.Errorf("ParseInt(35人) error = %v", err)
	}
}

func TestParseBool(t *testing.T) {
	yes := []string{"是", " 是 ", "√", "✓", "有", "Y", "y", "YES", "yes", "TRUE", "true", "1", "１"}
	no := []string{"否", "×", "✗", "无", "N", "n", "No", "FALSE", "false", "0"}
	for _, s := range yes {
		if v, err := xlsx.ParseBool(s); err != nil || !v {
			t.Errorf("ParseBool(%q) = %v, %v; want true", s, v, err)
		}
	}
	for _, s := range no {
		if v, err := xlsx.ParseBool(s); err != nil || v {
			t.Errorf("ParseBool(%q) = %v, %v; want false", s, v, err)
		}
	}
	for _, s := range []string{"", "是的", "不是", "2", "x", "ok"} {
		if _, err := xlsx.ParseBool(s); err == nil || err.Error() != "应填写“是”或“否”" {
			t.Errorf("ParseBool(%q) error = %v", s, err)
		}
	}
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestParseDate(t *testing.T) {
	cases := []struct {
		raw       string
		numeric   bool
		want      time.Time
		monthOnly bool
	}{
		{"2022-03-15", false, day(2022, 3, 15), false},
		{"2022/3/15", false, day(2022, 3, 15), false},
		{"2022.3.15", false, day(2022, 3, 15), false},
		{"2022年3月15日", false, day(2022, 3, 15), false},
		{"2022年03月15号", false, day(2022, 3, 15), false},
		{" 2022 年 3 月 15 日 ", false, day(2022, 3, 15), false},
		{"２０２２年３月１５日", false, day(2022, 3, 15), false},
		{"2022-3-5", false, day(2022, 3, 5), false},
		{"20220315", false, day(2022, 3, 15), false},
		{"2016年3月5日", false, day(2016, 3, 5), false},
		{"2016.3.5", false, day(2016, 3, 5), false},
		{"2022-03-15T00:00:00Z", false, day(2022, 3, 15), false},
		{"2022-03-15 08:30:00", false, day(2022, 3, 15), false},
		{"2022/3/15 8:30", false, day(2022, 3, 15), false},
		{"2000-02-29", false, day(2000, 2, 29), false},
		{"03-15-22", false, day(2022, 3, 15), false}, // excelize's text for number format 14
		{"04-17-13", false, day(2013, 4, 17), false},
		// month only
		{"2022.03", false, day(2022, 3, 1), true},
		{"2022.3", false, day(2022, 3, 1), true},
		{"2022年3月", false, day(2022, 3, 1), true},
		{"2022-03", false, day(2022, 3, 1), true},
		{"202203", false, day(2022, 3, 1), true},
		// serial numbers (1900 date system)
		{"1", true, day(1900, 1, 1), false},
		{"59", true, day(1900, 2, 28), false},
		{"61", true, day(1900, 3, 1), false},
		{"41381", true, day(2013, 4, 17), false},
		{"44635", true, day(2022, 3, 15), false},
		{"44635.75", true, day(2022, 3, 15), false},
		{"4.4635E+4", true, day(2022, 3, 15), false},
		{"73050", true, day(2099, 12, 31), false},
		// numbers typed into a General cell
		{"20220315", true, day(2022, 3, 15), false},
		{"2022.03", true, day(2022, 3, 1), true},
		{"2022.3", true, day(2022, 3, 1), true},
		{"2022.12", true, day(2022, 12, 1), true},
		{"2022-03-15", true, day(2022, 3, 15), false}, // text where a number was expected
	}
	for _, c := range cases {
		got, mo, err := xlsx.ParseDate(c.raw, c.numeric)
		if err != nil || !got.Equal(c.want) || mo != c.monthOnly {
			t.Errorf("ParseDate(%q, %v) = %s, %v, %v; want %s, %v", c.raw, c.numeric, got.Format(time.DateOnly), mo, err, c.want.Format(time.DateOnly), c.monthOnly)
		}
	}
	bad := []struct {
		raw     string
		numeric bool
		msg     string
	}{
		{"2022-02-30", false, "日期无效"},
		{"2022-13-01", false, "日期无效"},
		{"2022-00-10", false, "日期无效"},
		{"2022年2月29日", false, "日期无效"},
		{"1900-02-29", false, "日期无效"},
		{"2021.2.29", false, "日期无效"},
		{"1899-12-31", false, "日期无效"},
		{"60", true, "日期无效"}, // Excel's fictitious 1900-02-29
		{"0", true, "日期无效"},
		{"-5", true, "日期无效"},
		{"73051", true, "日期无效"},
		{"2022", true, "日期不完整"},
		{"2022.1", true, "无法确定月份"},
		{"2022.13", true, "日期无效"},
		{"", false, "无法识别"},
		{"不详", false, "无法识别"},
		{"22.3.15", false, "无法识别"},
		{"2022", false, "无法识别"},
		{"2022-03-15-01", false, "无法识别"},
		{"2022年", false, "无法识别"},
		{"3月15日", false, "无法识别"},
		{"08:30", false, "无法识别"},
		{"44635", false, "无法识别"},
	}
	for _, c := range bad {
		got, _, err := xlsx.ParseDate(c.raw, c.numeric)
		if err == nil {
			t.Errorf("ParseDate(%q, %v) = %s, want error %q", c.raw, c.numeric, got.Format(time.DateOnly), c.msg)
		} else if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseDate(%q, %v) error %q, want %q", c.raw, c.numeric, err, c.msg)
		}
	}
}

func TestParseCode(t *testing.T) {
	ok := []struct {
		raw     string
		numeric bool
		want    string
	}{
		{"", false, ""},
		{" 9144030071526726xg ", false, "9144030071526726XG"},
		{"９１４４０３００７１５２６７２６ＸＧ", false, "9144030071526726XG"},
		{"9144 0300 7152 6726 XG", false, "9144030071526726XG"},
		{"'924304265665936346", false, "924304265665936346"},
		{"924304265665936346", false, "924304265665936346"}, // all digits, but a text cell
		{"91440300715267E261", false, "91440300715267E261"}, // a letter E is not scientific notation
		{"11010519491231002x", false, "11010519491231002X"},
		{"110105491231002", true, "110105491231002"}, // 15 digits survive a number cell
		{"1.10105491231002E+14", true, "110105491231002"},
	}
	for _, c := range ok {
		got, err := xlsx.ParseCode(c.raw, c.numeric)
		if err != nil || got != c.want {
			t.Errorf("ParseCode(%q, %v) = %q, %v; want %q", c.raw, c.numeric, got, err, c.want)
		}
	}
	lost := []struct {
		raw     string
		numeric bool
	}{
		{"9.14304262667915E+017", true},
		{"9.14304262667915E+17", true},
		{"914304262667915000", true},
		{"514304000000000000", true},
		{"1.2345678901234567E+15", true},
		{"5.14304E+17", false},
		{"5.14304e+17", false},
		{"５.１４３０４Ｅ＋１７", false},
		{"9.14304262667915E17", false},
		{"5E+17", false},
	}
	for _, c := range lost {
		_, err := xlsx.ParseCode(c.raw, c.numeric)
		if !errors.Is(err, xlsx.ErrCodeAsNumber) {
			t.Errorf("ParseCode(%q, %v) error = %v, want ErrCodeAsNumber", c.raw, c.numeric, err)
		}
	}
	_, err := xlsx.ParseCode("5.14304E+17", false)
	if err == nil || err.Error() != "该单元格为数字格式，长代码的第 15 位之后已丢失，请将该列设置为文本格式后重新填写" {
		t.Errorf("message = %v", err)
	}
}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{"", " 样例社会团体00 ", "３５", "所属街道(乡镇)", "a\u3000\u3000b", "\xff\xfe", "\ufeff ｘ \u200b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := xlsx.NormalizeText(s)
		if xlsx.NormalizeText(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, xlsx.NormalizeText(n))
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("NormalizeText(%q) = %q: stray spaces", s, n)
		}
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Fatalf("NormalizeText(%q) = %q: invalid UTF-8", s, n)
		}
		h := xlsx.NormalizeHeader(s)
		if xlsx.NormalizeHeader(h) != h || strings.Contains(h, " ") {
			t.Fatalf("NormalizeHeader(%q) = %q, again %q", s, h, xlsx.NormalizeHeader(h))
		}
		_, _ = xlsx.ParseInt(s)
		_, _ = xlsx.ParseBool(s)
		_, _ = xlsx.ParseCode(s, false)
		_, _ = xlsx.ParseCode(s, true)
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2022-03-15", "2022/3/15", "2022.3.15", "2022年3月15日", "20220315", "2022.03", "2022年3月", "41381", "60", "44635.75", "03-15-22", "2022-03-15T00:00:00Z", "9e999", "2022-02-30", "2022.1", ":", "T:"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, numeric bool) {
		d, monthOnly, err := xlsx.ParseDate(s, numeric)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty message")
			}
			return
		}
		if d.Year() < 1900 || d.Year() > 2099 || d.Hour() != 0 || d.Minute() != 0 || d.Location() != time.UTC {
			t.Fatalf("ParseDate(%q, %v) = %v", s, numeric, d)
		}
		if monthOnly && d.Day() != 1 {
			t.Fatalf("ParseDate(%q, %v) month-only but day %d", s, numeric, d.Day())
		}
	})
}
