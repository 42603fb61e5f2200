package dues

import "testing"

func TestCalcBrackets(t *testing.T) {
	cases := []struct {
		kind  Kind
		base  string
		rate  string
		cents int64
	}{
		{Employed, "2999.99", "0.005", 1500}, // 14.99995 -> 15.00
		{Employed, "3000", "0.005", 1500},
		{Employed, "3000.01", "0.01", 3000},
		{Employed, "5000", "0.01", 5000},
		{Employed, "5000.01", "0.015", 7500},
		{Employed, "10000", "0.015", 15000},
		{Employed, "10000.01", "0.02", 20000},
		{Employed, "1001.00", "0.005", 501}, // 5.005 -> 5.01 half up
		{Employed, "1000.90", "0.005", 500}, // 5.0045 -> 5.00
		{Retired, "5000", "0.005", 2500},
		{Retired, "5000.01", "0.01", 5000},
		{Student, "9999", "", 20},
		{Unemployed, "0", "", 20},
		{Relief, "0", "", 20},
		{Farmer, "0", "", 20},
	}
	for _, c := range cases {
		b, err := ParseCents("base", c.base)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Calc(c.kind, b)
		if err != nil {
			t.Fatal(err)
		}
		if r.RateString() != c.rate || r.Cents != c.cents {
			t.Errorf("%s %s: got %s %d, want %s %d", c.kind, c.base, r.RateString(), r.Cents, c.rate, c.cents)
		}
	}
	if _, err := Calc("boss", 100); err == nil {
		t.Error("unknown kind accepted")
	}
	for _, s := range []string{"", "-1", "1.234", "abc", "1.x"} {
		if _, err := ParseCents("base", s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestArrearsAndBackPayment(t *testing.T) {
	five := []bool{true, false, false, false, false, false}
	six := []bool{false, false, false, false, false, false}
	if ArrearsFlag(five) || !ArrearsFlag(six) {
		t.Error("flag must be set at 6 months, not 5")
	}
	if CheckBackPayment(6) != nil || CheckBackPayment(7) == nil {
		t.Error("back-payment limit is 6 months")
	}
}
