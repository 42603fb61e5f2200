package meeting_test

import (
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/meeting"
	"liangxin/internal/testenv"
)

// 支委会 is asked for only with a committee (≥3 posts). A branch whose only
// post is its 书记 — or 书记 and 副书记, one short of a committee — is not
// asked for it, neither in the report nor in the reminders; the branch with
// 书记 and two 委员 is (TestCommitteeMeetingsRequiredWithCommittee).
func TestCommitteeMeetingsNotRequiredBelowThreePosts(t *testing.T) {
	k := newKit(t) // today 2026-11-23
	for _, posts := range [][]meeting.CommitteeMemberInput{
		{{Role: "secretary", Name: "张书记"}},
		{{Role: "secretary", Name: "张书记"}, {Role: "deputy_secretary", Name: "李副书记"}},
	} {
		p := k.partyOrg(fmt.Sprintf("%d人支部", len(posts)), testenv.Hongqiao)
		for i := 0; i < 5; i++ {
			k.member(p.ID, fmt.Sprintf("党员%d", i), "full")
		}
		if _, err := k.e.App.Meet.RecordElection(k.ctx, p.ID, meeting.ElectionInput{HeldOn: "2024-03-15", Approval: "县委组织部同意延期换届", Members: posts}); err != nil {
			t.Fatal(err)
		}
		if n := committeeCount(t, k, p.ID); n != len(posts) {
			t.Fatalf("%d posts recorded, want %d", n, len(posts))
		}
		oc := k.report(p.ID, "2024-04-01", "2024-06-30")
		if cm := kindOf(oc, meeting.KindCommitteeMeeting); cm.Required != 0 || len(cm.Missing) != 0 {
			t.Errorf("%d posts: 支委会 required: %+v", len(posts), cm)
		}
		if td := kindOf(oc, meeting.KindThemeDay); td.Required != 3 {
			t.Errorf("%d posts: 主题党日 required %d, want 3 (the report itself works)", len(posts), td.Required)
		}
		rs, err := k.e.App.Meet.Reminders(k.ctx, p.ID)
		if err != nil || len(rs) != 1 {
			t.Fatalf("reminders: %+v %v", rs, err)
		}
		joined := strings.Join(rs[0].Items, "|")
		if strings.Contains(joined, "支委会") || !strings.Contains(joined, "主题党日") {
			t.Errorf("%d posts: reminders %s", len(posts), joined)
		}
	}
}

func committeeCount(t *testing.T, k *kit, partyOrgID int64) int {
	t.Helper()
	c, err := k.e.App.Meet.Committee(k.ctx, partyOrgID)
	if err != nil {
		t.Fatal(err)
	}
	return len(c.Current)
}

// A report starting mid-quarter (2024-02-15) counts no partly covered first
// period: not Q1 for the quarterly 支部党员大会, not February for the monthly
// 主题党日 — even though a meeting of each was held inside the report.
func TestReportStartingMidQuarter(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("年中党支部", testenv.Hongqiao)
	k.meet(p.ID, meeting.KindBranchAssembly, "2024-02-20")
	k.meet(p.ID, meeting.KindThemeDay, "2024-02-20")
	k.meet(p.ID, meeting.KindBranchAssembly, "2024-05-10")
	k.meet(p.ID, meeting.KindThemeDay, "2024-03-05")
	oc := k.report(p.ID, "2024-02-15", "2024-06-30")
	if ba := kindOf(oc, meeting.KindBranchAssembly); ba.Required != 1 || ba.Held != 1 || len(ba.Missing) != 0 {
		t.Errorf("支部党员大会 from 02-15: %+v, want Q2 only (required 1, held 1)", ba)
	}
	td := kindOf(oc, meeting.KindThemeDay)
	if td.Required != 4 || td.Held != 1 || strings.Join(td.Missing, ",") != "2024年4月,2024年5月,2024年6月" {
		t.Errorf("主题党日 from 02-15: %+v, want March–June (required 4, held 1)", td)
	}
	// The same report from the quarter's first day counts Q1 and February.
	oc = k.report(p.ID, "2024-01-01", "2024-06-30")
	if ba := kindOf(oc, meeting.KindBranchAssembly); ba.Required != 2 || ba.Held != 2 {
		t.Errorf("支部党员大会 from 01-01: %+v", ba)
	}
}
