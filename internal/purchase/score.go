package purchase

import (
	"fmt"
	"strconv"
	"strings"
)

// Parties of the four-party evaluation, in display order.
const (
	PartyDepartment = "department" // 职能部门
	PartyStreet     = "street"     // 街道
	PartyExpert     = "expert"     // 专家
	PartyPublic     = "public"     // 群众
)

// Grades of an evaluation.
const (
	GradeExcellent = "excellent" // 优秀
	GradeGood      = "good"      // 良好
	GradePass      = "pass"      // 合格
	GradeFail      = "fail"      // 不合格
)

// Grades lists the grades with their Chinese names, best first.
func Grades() []Option {
	return []Option{{GradeExcellent, "优秀"}, {GradeGood, "良好"}, {GradePass, "合格"}, {GradeFail, "不合格"}}
}

// Weights are the four parties' weights in percent; they sum to 100.
type Weights struct {
	Department int `json:"department"`
	Street     int `json:"street"`
	Expert     int `json:"expert"`
	Public     int `json:"public"`
}

// Sum is the weights' total.
func (w Weights) Sum() int { return w.Department + w.Street + w.Expert + w.Public }

// Thresholds are the lowest results (whole points) of the grades 优秀,
// 良好 and 合格; below PassMin is 不合格.
type Thresholds struct {
	ExcellentMin int `json:"excellent_min"`
	GoodMin      int `json:"good_min"`
	PassMin      int `json:"pass_min"`
}

// Scores are the four parties' scores in tenths of a point (855 = 85.5).
type Scores struct {
	Department, Street, Expert, Public int
}

// ParseScore reads a score of 0–100 with at most one decimal ("85", "85.5")
// into tenths of a point, without floating point.
func ParseScore(s string) (int, error) {
	s = strings.TrimSpace(s)
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || len(whole) > 3 || (dotted && len(frac) != 1) {
		return 0, fmt.Errorf("bad score %q", s)
	}
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 || strings.HasPrefix(whole, "+") || strings.HasPrefix(whole, "-") {
		return 0, fmt.Errorf("bad score %q", s)
	}
	f := 0
	if dotted {
		if frac[0] < '0' || frac[0] > '9' {
			return 0, fmt.Errorf("bad score %q", s)
		}
		f = int(frac[0] - '0')
	}
	t := w*10 + f
	if t > 1000 {
		return 0, fmt.Errorf("score %q above 100", s)
	}
	return t, nil
}

// FormatTenths writes tenths of a point as "85.5" ("90" for 900).
func FormatTenths(t int) string {
	if t%10 == 0 {
		return strconv.Itoa(t / 10)
	}
	return fmt.Sprintf("%d.%d", t/10, t%10)
}

// FormatHundredths writes hundredths of a point as "82.43".
func FormatHundredths(h int) string { return fmt.Sprintf("%d.%02d", h/100, h%100) }

// Weighted is the weighted result in hundredths of a point: the sum of
// score (tenths) × weight (percent) is in thousandths of a point, rounded
// half up to hundredths. Integers only: the result is exact.
func Weighted(s Scores, w Weights) int {
	thousandths := s.Department*w.Department + s.Street*w.Street + s.Expert*w.Expert + s.Public*w.Public
	return (thousandths + 5) / 10
}

// Grade is the grade of a result in hundredths of a point.
func Grade(hundredths int, t Thresholds) string {
	switch {
	case hundredths >= t.ExcellentMin*100:
		return GradeExcellent
	case hundredths >= t.GoodMin*100:
		return GradeGood
	case hundredths >= t.PassMin*100:
		return GradePass
	}
	return GradeFail
}

// FormatFen writes an amount in 分 as 元 with two decimals ("12345.60").
func FormatFen(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
