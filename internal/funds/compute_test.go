package funds

import "testing"

// seedStandard is the seeds' 2026 standard (migration), by months.
func seedStandard(proration string) Standard {
	st := Standard{Year: 2026, Version: 1, StartupCents: 800000, ReturnRatio: Ratio{1, 1}, MatchRatio: Ratio{0, 1}, Proration: proration}
	for _, k := range Kinds() {
		for _, f := range Formations() {
			a := int64(800000)
			if f.Code == "single" {
				a = map[string]int64{"committee": 1500000, "general_branch": 800000, "branch": 500000}[k.Code]
			}
			st.Rates = append(st.Rates, Rate{Kind: k.Code, Formation: f.Code, AmountCents: a})
		}
	}
	return st
}

// Hand-computed amounts (分):
//   - a 单建 支部 founded 2026-05-10, by months: it exists on the 1st of
//     June … December = 7 months; 5000 元 × 7 / 12 = 2916.666… → 2916.67 元;
//     plus 启动经费 8000 元.
//   - the same under the whole-year rule: 5000 元 + 8000 元.
//   - a 支部 founded 2025-03-15, 联建 until 2026-07-01 then 单建: January–June
//     at 8000 元, July–December at 5000 元: (6×8000 + 6×5000)/12 = 6500.00 元.
//   - dissolved on 2026-08-15 (founded 2020): exists on the 1st of January …
//     August = 8 months of 15000 元 (单建 党委) = 10000.00 元.
//   - dues 1234.56 元 returned 1/1 and matched 1/1: 1234.56 + 1234.56.
//   - a ratio of 1/3 on 1.00 元: 0.333… → 0.33 元; 2/3 → 0.666… → 0.67 元.
func TestComputeByHand(t *testing.T) {
	months, year := seedStandard(ProrateMonths), seedStandard(ProrateYear)
	newBranch := partyOrg{ID: 1, Kind: "branch", Formation: "single", Established: "2026-05-10"}
	c := Compute(months, newBranch, nil, 0)
	if c.Months != 7 || c.StandardCents != 291667 || c.StartupCents != 800000 || c.TotalCents != 1091667 {
		t.Errorf("founded 2026-05-10 by months: %+v", c)
	}
	c = Compute(year, newBranch, nil, 0)
	if c.StandardCents != 500000 || c.StartupCents != 800000 || c.TotalCents != 1300000 {
		t.Errorf("founded 2026-05-10 whole year: %+v", c)
	}
	changed := partyOrg{ID: 2, Kind: "branch", Formation: "single", Established: "2025-03-15"}
	hist := []Form{{From: "2025-03-15", To: "2026-07-01", Kind: "branch", Formation: "joint"}}
	c = Compute(months, changed, hist, 0)
	if c.Months != 12 || c.StandardCents != 650000 || c.StartupCents != 0 || c.TotalCents != 650000 {
		t.Errorf("formation changed 2026-07-01: %+v", c)
	}
	if c.Parts[5].Formation != "joint" || c.Parts[6].Formation != "single" {
		t.Errorf("June should be joint and July single: %+v", c.Parts)
	}
	// Whole year: the form on the last day of the year it exists (单建).
	if c = Compute(year, changed, hist, 0); c.StandardCents != 500000 {
		t.Errorf("formation changed, whole year: %+v", c)
	}
	gone := partyOrg{ID: 3, Kind: "committee", Formation: "single", Established: "2020-01-01", Dissolved: "2026-08-15"}
	if c = Compute(months, gone, nil, 0); c.Months != 8 || c.StandardCents != 1000000 {
		t.Errorf("dissolved 2026-08-15: %+v", c)
	}
	matched := months
	matched.MatchRatio = Ratio{1, 1}
	old := partyOrg{ID: 4, Kind: "branch", Formation: "joint", Established: "2019-01-01"}
	c = Compute(matched, old, nil, 123456)
	if c.ReturnedCents != 123456 || c.MatchedCents != 123456 || c.TotalCents != 800000+246912 {
		t.Errorf("dues 1234.56 × (1 + 1): %+v", c)
	}
	if MulRatio(100, 1, 3) != 33 || MulRatio(100, 2, 3) != 67 || MulRatio(1, 1, 2) != 1 || MulRatio(123456, 3, 2) != 185184 {
		t.Error("MulRatio rounding")
	}
	// Founded on 1 December: one month; founded 2 December: none (but the startup).
	if c = Compute(months, partyOrg{Kind: "branch", Formation: "single", Established: "2026-12-01"}, nil, 0); c.Months != 1 || c.StandardCents != 41667 {
		t.Errorf("founded 12-01: %+v", c)
	}
	if c = Compute(months, partyOrg{Kind: "branch", Formation: "single", Established: "2026-12-02"}, nil, 0); c.Months != 0 || c.TotalCents != 800000 {
		t.Errorf("founded 12-02: %+v", c)
	}
}

func TestFormatAndParseYuan(t *testing.T) {
	for c, want := range map[int64]string{0: "0.00", 5: "0.05", 123456: "1234.56", -1: "-0.01", 1500000: "15000.00"} {
		if got := FormatYuan(c); got != want {
			t.Errorf("FormatYuan(%d) = %q, want %q", c, got, want)
		}
	}
	for s, want := range map[string]int64{"1234.56": 123456, "8000": 800000, "0.1": 10, " 5.5 ": 550} {
		if got, err := ParseYuan("a", "金额", s); err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "0", "-1", "1.234", "1e3", "abc", "1,000"} {
		if _, err := ParseYuan("a", "金额", s); err == nil {
			t.Errorf("ParseYuan(%q) accepted", s)
		}
	}
	for r, want := range map[Ratio]string{{1, 1}: "100%", {2, 1}: "200%", {3, 8}: "37.5%", {1, 3}: "1/3", {0, 1}: "0%"} {
		if got := r.String(); got != want {
			t.Errorf("%v.String() = %q, want %q", r, got, want)
		}
	}
}
