package dues

import (
	"fmt"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
)

// Kind is the category of a member's dues base.
type Kind string

// The dues kinds of domain.md §5.
const (
	Employed   Kind = "employed"
	Retired    Kind = "retired"
	Student    Kind = "student"
	Unemployed Kind = "unemployed"
	Relief     Kind = "relief"
	Farmer     Kind = "farmer"
)

// Result is a monthly dues amount: the rate in parts per 10000 (50 = 0.5%)
// and the amount in 分. Flat kinds have Rate 0 and Flat true.
type Result struct {
	RateBP int64
	Flat   bool
	Cents  int64
}

// FarmerDefaultCents is the farmer's monthly amount (0.20 元, the low end of 0.2–1 元).
const FarmerDefaultCents = 20

// Calc computes the monthly dues of the 2008 rate table. Brackets are upper
// inclusive: exactly 3000.00 is 0.5%, 3000.01 is 1%. One rate applies to the
// whole amount; the product is rounded half up to the 分.
func Calc(kind Kind, baseCents int64) (Result, error) {
	return Default2008().Calc(kind, baseCents)
}

// RateString renders the rate as a decimal fraction ("0.005"); flat kinds give "".
func (r Result) RateString() string {
	if r.Flat {
		return ""
	}
	s := fmt.Sprintf("%d.%04d", r.RateBP/10000, r.RateBP%10000)
	return strings.TrimRight(s, "0")
}

// FormatCents renders 分 as 元 with two decimals.
func FormatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// ParseCents parses a non-negative 元 amount with at most two decimals.
func ParseCents(field, s string) (int64, error) {
	bad := apperr.InvalidField(field, "应为不小于 0 的金额，最多两位小数")
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	if whole == "" || len(frac) > 2 || len(whole) > 12 {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseUint(whole, 10, 64)
	f, err2 := strconv.ParseUint(frac, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, bad
	}
	return int64(w*100 + f), nil
}

// ConsecutiveUnpaid counts the unpaid months ending at the last month of
// months (true = paid), the run that 党员连续6个月不交纳党费 refers to.
func ConsecutiveUnpaid(paid []bool) int {
	n := 0
	for i := len(paid) - 1; i >= 0 && !paid[i]; i-- {
		n++
	}
	return n
}

// ArrearsFlag is set at 6 consecutive unpaid months.
func ArrearsFlag(paid []bool) bool { return ConsecutiveUnpaid(paid) >= 6 }

// MaxBackMonths is the most months one back-payment may cover.
const MaxBackMonths = 6

// CheckBackPayment refuses a back-payment covering more than 6 months.
func CheckBackPayment(months int) error {
	if months < 1 || months > MaxBackMonths {
		return apperr.InvalidField("months", "补交党费一次最多补交 6 个月")
	}
	return nil
}
