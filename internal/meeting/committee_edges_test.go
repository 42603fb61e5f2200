package meeting_test

import (
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/meeting"
	"liangxin/internal/testenv"
)

// Committee sizes at their edges: without a committee (fewer than 7 full
// members) one 副书记 at most; with 7 full members two 副书记 are fine; seven
// posts are the most (with the 3–5 warning), eight are refused (in
// TestCommitteeRules).
func TestCommitteeSizeEdges(t *testing.T) {
	k := newKit(t)
	svc := k.e.App.Meet
	small := k.partyOrg("六人支部", testenv.Hongqiao)
	for i := 0; i < 6; i++ {
		k.member(small.ID, fmt.Sprintf("甲%d", i), "full")
	}
	_, err := svc.RecordElection(k.ctx, small.ID, meeting.ElectionInput{HeldOn: "2026-06-01", Approval: "县委组织部同意延期换届", Members: []meeting.CommitteeMemberInput{
		{Role: "secretary", Name: "书记"}, {Role: "deputy_secretary", Name: "副书记一"}, {Role: "deputy_secretary", Name: "副书记二"}}})
	fieldErr(t, err, "members")

	big := k.partyOrg("七人支部", testenv.Hongqiao)
	for i := 0; i < 7; i++ {
		k.member(big.ID, fmt.Sprintf("乙%d", i), "full")
	}
	// No posts yet: the committee view does not count an empty committee as an undersized one.
	if c, err := svc.Committee(k.ctx, big.ID); err != nil || strings.Contains(strings.Join(c.Warnings, "|"), "应设支部委员会") {
		t.Errorf("before any election: %+v %v", c.Warnings, err)
	}
	c, err := svc.RecordElection(k.ctx, big.ID, meeting.ElectionInput{HeldOn: "2026-06-01", Approval: "县委组织部同意延期换届", Members: []meeting.CommitteeMemberInput{
		{Role: "secretary", Name: "书记"}, {Role: "deputy_secretary", Name: "副书记一"}, {Role: "deputy_secretary", Name: "副书记二"}}})
	if err != nil || len(c.Warnings) != 0 {
		t.Errorf("three posts (two 副书记) with 7 full members: %v %q", err, c.Warnings)
	}
	five := []meeting.CommitteeMemberInput{{Role: "secretary", Name: "书记"}}
	for i := 0; i < 4; i++ {
		five = append(five, meeting.CommitteeMemberInput{Role: "member", Name: fmt.Sprintf("五委员%d", i)})
	}
	if c, err := svc.RecordElection(k.ctx, big.ID, meeting.ElectionInput{HeldOn: "2026-06-15", Members: five}); err != nil || len(c.Warnings) != 0 {
		t.Errorf("five posts: %v %q", err, c.Warnings)
	}
	seven := []meeting.CommitteeMemberInput{{Role: "secretary", Name: "书记"}}
	for i := 0; i < 6; i++ {
		seven = append(seven, meeting.CommitteeMemberInput{Role: "member", Name: fmt.Sprintf("委员%d", i)})
	}
	c, err = svc.RecordElection(k.ctx, big.ID, meeting.ElectionInput{HeldOn: "2026-07-01", Members: seven})
	if err != nil {
		t.Fatalf("seven posts: %v", err)
	}
	if w := strings.Join(c.Warnings, "|"); !strings.Contains(w, "一般为 3–5 人") || strings.Contains(w, "应设支部委员会") {
		t.Errorf("seven posts: warnings %q", w)
	}
}
