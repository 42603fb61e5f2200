package purchase

import "testing"

// Expected values are computed by hand.
func TestWeightedHandComputed(t *testing.T) {
	def := Weights{30, 30, 20, 20}
	odd := Weights{33, 33, 17, 17}
	for _, c := range []struct {
		name string
		s    Scores
		w    Weights
		want int
	}{
		// 90×0.3 + 80×0.3 + 85×0.2 + 70×0.2 = 27 + 24 + 17 + 14 = 82.00
		{"whole scores", Scores{900, 800, 850, 700}, def, 8200},
		// 85.5×0.3 + 90×0.3 + 77.5×0.2 + 66.5×0.2 = 25.65 + 27 + 15.5 + 13.3 = 81.45
		{"tenths, exact", Scores{855, 900, 775, 665}, def, 8145},
		// 80.5×0.33 + 80×0.33 + 80×0.17 + 80×0.17 = 26.565 + 26.4 + 13.6 + 13.6 = 80.165 → 80.17 (half up)
		{"half up", Scores{805, 800, 800, 800}, odd, 8017},
		// 85.5×0.33 + 90.1×0.33 + 77.3×0.17 + 66.7×0.17 = 28.215 + 29.733 + 13.141 + 11.339 = 82.428 → 82.43
		{"rounds up above half", Scores{855, 901, 773, 667}, odd, 8243},
		// 60.1×0.33 + 60×0.33 + 60×0.17 + 60×0.17 = 19.833 + 19.8 + 10.2 + 10.2 = 60.033 → 60.03
		{"rounds down below half", Scores{601, 600, 600, 600}, odd, 6003},
		{"all full marks", Scores{1000, 1000, 1000, 1000}, odd, 10000},
		{"all zero", Scores{}, def, 0},
	} {
		if got := Weighted(c.s, c.w); got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, got, c.want)
		}
	}
	th := Thresholds{90, 80, 60}
	for _, c := range []struct {
		h    int
		want string
	}{{9000, GradeExcellent}, {8999, GradeGood}, {8000, GradeGood}, {7999, GradePass}, {6000, GradePass}, {5999, GradeFail}, {0, GradeFail}} {
		if got := Grade(c.h, th); got != c.want {
			t.Errorf("grade of %d: got %s, want %s", c.h, got, c.want)
		}
	}
	if FormatHundredths(8017) != "80.17" || FormatHundredths(6003) != "60.03" || FormatTenths(855) != "85.5" || FormatTenths(900) != "90" {
		t.Error("formatting")
	}
	if FormatFen(1234560) != "12345.60" || FormatFen(5) != "0.05" {
		t.Error("amount formatting")
	}
}

func TestParseScore(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "100": 1000, "85.5": 855, " 60 ": 600, "7.0": 70} {
		if got, err := ParseScore(in); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "100.1", "101", "-1", "85.55", "8a", ".5", "85.", "+5", "1e2"} {
		if _, err := ParseScore(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
