package meeting_test

import (
	"strings"
	"testing"

	"liangxin/internal/meeting"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

// upper creates a 党委 or 党总支 founded 2020-01-01 covering no unit.
func (k *kit) upper(name, kind string) partyorg.PartyOrg {
	k.t.Helper()
	p, err := k.e.App.Party.Create(k.ctx, partyorg.Input{Name: name, Kind: kind, Formation: "regional", RegionCode: testenv.Hongqiao, EstablishedOn: "2020-01-01"})
	if err != nil {
		k.t.Fatal(err)
	}
	return p
}

func (k *kit) group(name string, branch int64, on string) partyorg.PartyOrg {
	k.t.Helper()
	g, err := k.e.App.Party.Create(k.ctx, partyorg.Input{Name: name, Kind: "group", ParentID: &branch, EstablishedOn: on})
	if err != nil {
		k.t.Fatal(err)
	}
	return g
}

func has(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// A 党委 is asked for 党委会 monthly and 党员大会 yearly, never for
// 支部党员大会 or 党小组会 (祁东县两新组织综合党委 was asked for both).
func TestCommitteeAskedForItsOwnKinds(t *testing.T) {
	k := newKit(t)
	p := k.upper("祁东县两新组织综合党委", "committee")
	k.meet(p.ID, meeting.KindPartyCommittee, "2025-01-20")
	oc := k.report(p.ID, "2025-01-01", "2025-12-31")
	if pc := kindOf(oc, meeting.KindPartyCommittee); pc.Required != 12 || pc.Held != 1 {
		t.Errorf("党委会 in 2025: %+v, want required 12 held 1", pc)
	}
	if ma := kindOf(oc, meeting.KindMemberAssembly); ma.Required != 1 || ma.Held != 0 {
		t.Errorf("党员大会 in 2025: %+v, want required 1", ma)
	}
	for _, kind := range []string{meeting.KindBranchAssembly, meeting.KindGroupMeeting, meeting.KindThemeDay, meeting.KindDelegateAssembly} {
		if x := kindOf(oc, kind); x.Required != 0 {
			t.Errorf("a 党委 asked for %s: %+v", kind, x)
		}
	}
	// 12 + 1 required, 1 held.
	if oc.Required != 13 || oc.Held != 1 {
		t.Errorf("totals: required %d held %d, want 13 and 1", oc.Required, oc.Held)
	}
	if !has(oc.Missing, "祁东县两新组织综合党委：2025年8月未召开党委会") || has(oc.Missing, "党小组会") || has(oc.Missing, "支部党员大会") {
		t.Errorf("missing: %v", oc.Missing)
	}
	rs, err := k.e.App.Meet.Reminders(k.ctx, p.ID)
	if err != nil || len(rs) != 1 {
		t.Fatalf("reminders: %+v %v", rs, err)
	}
	joined := strings.Join(rs[0].Items, "|")
	if !strings.Contains(joined, "本月还需召开党委会1次") || strings.Contains(joined, "党小组会") || strings.Contains(joined, "支部党员大会") {
		t.Errorf("reminders of a 党委: %s", joined)
	}
}

// A 党总支 is asked for 总支委员会 monthly and 党员大会 yearly.
func TestGeneralBranchAskedForItsCommittee(t *testing.T) {
	k := newKit(t)
	p := k.upper("某公司党总支", "general_branch")
	k.meet(p.ID, meeting.KindGeneralCommittee, "2025-03-05")
	k.meet(p.ID, meeting.KindGeneralCommittee, "2025-03-25") // twice in March counts once
	oc := k.report(p.ID, "2025-01-01", "2025-06-30")
	if gc := kindOf(oc, meeting.KindGeneralCommittee); gc.Required != 6 || gc.Held != 1 || gc.Total != 2 {
		t.Errorf("总支委员会 Jan–Jun: %+v, want required 6 held 1 total 2", gc)
	}
	if ba := kindOf(oc, meeting.KindBranchAssembly); ba.Required != 0 {
		t.Errorf("a 党总支 asked for 支部党员大会: %+v", ba)
	}
	// Half a year: the yearly 党员大会 is not yet due; so 6 required in all.
	if oc.Required != 6 {
		t.Errorf("required %d, want 6", oc.Required)
	}
}

// A branch is asked for 党小组会 from the month it has a 党小组; the group's
// own 党小组会 count for the branch, and the group is not reported itself.
func TestGroupMeetingsOnlyWithAGroup(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("小组党支部", testenv.Hongqiao)
	oc := k.report(p.ID, "2025-01-01", "2025-12-31")
	if gm := kindOf(oc, meeting.KindGroupMeeting); gm.Required != 0 {
		t.Errorf("no 党小组, yet 党小组会 required: %+v", gm)
	}
	g := k.group("第一党小组", p.ID, "2025-08-15")
	k.meet(g.ID, meeting.KindGroupMeeting, "2025-09-10")
	rep, err := k.e.App.Meet.Compliance(k.ctx, meeting.ReportFilter{From: "2025-01-01", To: "2025-12-31", PartyOrgID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Orgs) != 1 || rep.Orgs[0].PartyOrgID != p.ID {
		t.Fatalf("orgs: %+v", rep.Orgs)
	}
	// August (founded 08-15) to December: 5 months; September held by the group.
	if gm := kindOf(rep.Orgs[0], meeting.KindGroupMeeting); gm.Required != 5 || gm.Held != 1 || gm.Missing[0] != "2025年8月" {
		t.Errorf("党小组会 Aug–Dec: %+v", gm)
	}
	// A 党小组 holds 党小组会 only.
	_, err = k.e.App.Meet.Create(k.ctx, meeting.Input{PartyOrgID: g.ID, Kind: meeting.KindThemeDay, Date: "2025-09-11", Topic: "x"})
	fieldErr(t, err, "kind")
}

// Frequency versions are per kind of party organization and take effect on
// their date; a branch's settings do not change a 党委's and back.
func TestFrequencyVersionsPerKind(t *testing.T) {
	k := newKit(t)
	c := k.upper("综合党委", "committee")
	b := k.partyOrg("普通党支部", testenv.Hongqiao)
	if _, err := k.e.App.Meet.SetFrequency(k.ctx, meeting.FrequencyInput{PartyOrgKind: "committee", Kind: meeting.KindPartyCommittee, Period: "quarter", Times: 1,
		EffectiveFrom: "2025-07-01", Reason: "按本党委议事规则"}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.e.App.Meet.SetFrequency(k.ctx, meeting.FrequencyInput{PartyOrgKind: "committee", Kind: meeting.KindDelegateAssembly, Period: "year", Times: 1,
		EffectiveFrom: "2025-01-01", Reason: "实行党代表大会年会制"}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.e.App.Meet.SetFrequency(k.ctx, meeting.FrequencyInput{PartyOrgKind: "committee", Kind: meeting.KindPartyLecture, Period: "year", Times: 2,
		EffectiveFrom: "2026-01-01", Reason: "书记讲党课"}); err != nil {
		t.Fatal(err)
	}
	oc := k.report(c.ID, "2025-01-01", "2025-12-31")
	// Monthly Jan–Jun (6), quarterly Q3 and Q4 (2).
	if pc := kindOf(oc, meeting.KindPartyCommittee); pc.Required != 8 {
		t.Errorf("党委会 2025: required %d, want 6+2", pc.Required)
	}
	if da := kindOf(oc, meeting.KindDelegateAssembly); da.Required != 1 {
		t.Errorf("党员代表大会 2025: required %d, want 1", da.Required)
	}
	// 党课 of a 党委 from 2026 only.
	if pl := kindOf(oc, meeting.KindPartyLecture); pl.Required != 0 {
		t.Errorf("党课 of the 党委 in 2025: %+v", pl)
	}
	oc = k.report(c.ID, "2026-01-01", "2026-10-31")
	if pl := kindOf(oc, meeting.KindPartyLecture); pl.Required != 0 {
		t.Errorf("党课 of the 党委, year not complete: %+v", pl)
	}
	// The branch keeps its own defaults: 党课 quarterly, 4 in 2025.
	ob := k.report(b.ID, "2025-01-01", "2025-12-31")
	if pl := kindOf(ob, meeting.KindPartyLecture); pl.Required != 4 {
		t.Errorf("党课 of the branch: required %d, want 4", pl.Required)
	}
	if pc := kindOf(ob, meeting.KindPartyCommittee); pc.Required != 0 {
		t.Errorf("党委会 asked of a branch: %+v", pc)
	}
	// Kinds that do not belong to the party organization's kind are refused.
	_, err := k.e.App.Meet.SetFrequency(k.ctx, meeting.FrequencyInput{PartyOrgKind: "committee", Kind: meeting.KindBranchAssembly, Period: "quarter", Times: 1, EffectiveFrom: "2026-12-01"})
	fieldErr(t, err, "kind")
	_, err = k.e.App.Meet.SetFrequency(k.ctx, meeting.FrequencyInput{PartyOrgKind: "group", Kind: meeting.KindGroupMeeting, Period: "month", Times: 1, EffectiveFrom: "2026-12-01"})
	fieldErr(t, err, "party_org_kind")
	// The list shows each version with its party-organization kind.
	fs, err := k.e.App.Meet.Frequencies(k.ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fs {
		if f.PartyOrgKind == "committee" && f.Kind == meeting.KindPartyCommittee {
			n++
			if f.PartyOrgKindName != "党委" {
				t.Errorf("kind name: %+v", f)
			}
		}
	}
	if n != 2 {
		t.Errorf("党委会 versions listed: %d, want default + 1", n)
	}
}

// 党员大会 recorded for a branch is its 支部党员大会 (as the import has always read it).
func TestBranchMemberAssemblyIsBranchAssembly(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("大会党支部", testenv.Hongqiao)
	if m := k.meet(p.ID, meeting.KindMemberAssembly, "2025-02-10"); m.Kind != meeting.KindBranchAssembly {
		t.Errorf("kind %s, want branch_assembly", m.Kind)
	}
}
