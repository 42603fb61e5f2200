package member_test

import (
	"testing"

	"liangxin/internal/member"
)

// TestPartyAgeCountsFromConfirmation: 党龄 counts from the end of probation
// (domain.md §4), not from 入党日期; 预备党员 have none. The clock of the test
// environment reads 2026-11-23; the years below are counted by hand.
func TestPartyAgeCountsFromConfirmation(t *testing.T) {
	e, ctx, po := setup(t)
	for _, in := range []member.Input{
		// joined 10 years ago, confirmed 4 years 364 days ago: 4 → 5年以下
		{Name: "甲", Gender: "male", BirthDate: "1980-01-01", IDNumber: id("43042619800101001"), Category: "full", PartyOrgID: po, JoinedOn: "2016-11-01", ConfirmedOn: "2021-11-24"},
		// confirmed exactly 5 years ago today: 5 → 5–9年
		{Name: "乙", Gender: "male", BirthDate: "1980-01-02", IDNumber: id("43042619800102001"), Category: "full", PartyOrgID: po, JoinedOn: "2016-11-01", ConfirmedOn: "2021-11-23"},
		// no 转正日期 recorded: probation is one year from 入党日期, so 1997-11-01 → 29 → 20–29年 (30 from joining)
		{Name: "丙", Gender: "female", BirthDate: "1970-01-03", IDNumber: id("43042619700103002"), Category: "full", PartyOrgID: po, JoinedOn: "1996-11-01"},
		// 预备党员: no 党龄 at all
		{Name: "丁", Gender: "female", BirthDate: "2000-01-04", IDNumber: id("43042620000104002"), Category: "probationary", PartyOrgID: po, JoinedOn: "2026-01-01"},
	} {
		if _, err := e.App.Members.Create(ctx, in); err != nil {
			t.Fatalf("%s: %v", in.Name, err)
		}
	}
	st, err := e.App.Members.Stats(ctx, member.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"lt5": 1, "5_9": 1, "10_19": 0, "20_29": 1, "ge30": 0}
	if st.Total != 4 {
		t.Errorf("total %d, want 4", st.Total)
	}
	for _, c := range st.ByPartyAge {
		if c.Count != want[c.Code] {
			t.Errorf("党龄 band %s (%s): %d, want %d", c.Code, c.Name, c.Count, want[c.Code])
		}
	}
}
