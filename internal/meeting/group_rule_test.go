package meeting_test

import (
	"testing"

	"liangxin/internal/meeting"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

// A 党小组 is led by a 组长 and elects no committee: it is never a vacancy
// nor a 换届 due (domain.md §2, terms of 支部/总支/党委 only). Figures by
// hand, the test clock at 2026-11-23:
//
//	甲支部, founded 2020-01-01, no 书记 ever: vacant since 2020-01-01,
//	  2020-01-01 → 2026-01-01 = 6 × 365 + 2 (2020, 2024) = 2,192 days,
//	  2026-01-01 → 2026-11-23 = 304 + 22 = 326 days: 2,518 days, flagged.
//	  Term 3 years: due 2023-01-01, overdue by 1,096 + 326 = 1,422 days.
//	乙支部, founded 2023-12-01, 书记 since 2023-12-01: not vacant; due
//	  2026-12-01, 8 days left (inside the 90-day notice).
//	Under each, a 党小组 founded the same day as its branch, with no 书记
//	(a 党小组 has none): neither appears in either list.
func TestGroupsAreNoVacancyNorRenewal(t *testing.T) {
	k := newKit(t)
	svc := k.e.App.Meet
	jia := k.partyOrg("甲支部", testenv.Hongqiao)
	yi := k.partyOrgFounded("乙支部", testenv.Hongqiao, "2023-12-01")
	if _, err := svc.AddCommitteeMember(k.ctx, yi.ID, meeting.CommitteeMemberInput{Role: "secretary", Name: "乙书记", From: "2023-12-01"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []partyorg.PartyOrg{jia, yi} {
		parent := p.ID
		if _, err := k.e.App.Party.Create(k.ctx, partyorg.Input{Name: p.Name + "第一党小组", Kind: partyorg.KindGroup, ParentID: &parent, EstablishedOn: p.EstablishedOn}); err != nil {
			t.Fatal(err)
		}
	}

	vs, err := svc.Vacancies(k.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].PartyOrgID != jia.ID || vs[0].VacantSince != "2020-01-01" || vs[0].Days != 2518 || !vs[0].Flagged {
		t.Errorf("vacancies: %+v", vs)
	}

	for name, get := range map[string]func() ([]partyorg.Renewal, error){
		"meeting":  func() ([]partyorg.Renewal, error) { return svc.Renewals(k.ctx) },
		"partyorg": func() ([]partyorg.Renewal, error) { return k.e.App.Party.Renewals(k.ctx, partyorg.RenewalNoticeDays) },
	} {
		rs, err := get()
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 || rs[0].ID != jia.ID || rs[0].DaysLeft != -1422 || !rs[0].Overdue || rs[1].ID != yi.ID || rs[1].DaysLeft != 8 || rs[1].Overdue {
			t.Errorf("%s renewals: %+v", name, rs)
		}
	}
}
