package httpapi_test

import (
	"fmt"
	"testing"
	"time"

	"liangxin/internal/meeting"
)

// ownMeeting is a meeting of the party organization of the member the
// member caller is bound to (in), or of a fresh party organization of the
// same street (out: 404 all the same). Other callers get fresh meetings.
func (f *fixtures) ownMeeting(t *testing.T, in bool) int64 {
	t.Helper()
	if f.ownMemberOrg == 0 {
		return f.meeting(t, in).ID
	}
	org := f.ownMemberOrg
	if !in {
		org = f.partyOrg(t, true).ID
	}
	m, err := f.e.App.Meet.Create(f.sys(), meeting.Input{PartyOrgID: org, Kind: meeting.KindThemeDay, Date: "2026-11-02", Topic: "主题党日"})
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// ownMeetingToday is a meeting held today by the member caller's party
// organization (in) or by another branch (out): what a member signs in to.
func (f *fixtures) ownMeetingToday(t *testing.T, in bool) int64 {
	t.Helper()
	org := f.ownMemberOrg
	if org == 0 || !in {
		org = f.partyOrg(t, in).ID
	}
	today := f.e.App.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	m, err := f.e.App.Meet.Create(f.sys(), meeting.Input{PartyOrgID: org, Kind: meeting.KindThemeDay, Date: today, Topic: "主题党日"})
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// memberSelfMatrixCases are the access-matrix cases of memberSelfRoutes.
// The /me/member routes answer the member role only; the caller's own
// data is "in", another branch's meeting and a wish outside the member's
// area are "out" (404).
func memberSelfMatrixCases() map[string]matrixCase {
	memberPath := func(suffix string) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/members/%d%s", f.member(t, in).ID, suffix), nil
		}
	}
	return map[string]matrixCase{
		"POST /api/v1/members/{id}/activation-code": {call: memberPath("/activation-code")},
		"GET /api/v1/members/{id}/account":          {call: memberPath("/account")},
		"POST /api/v1/members/{id}/account/disable": {call: memberPath("/account/disable")},
		"POST /api/v1/public/member-activation": {public: true, unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/public/member-activation", map[string]any{"code": "ABCDE-FGHJK", "identity": "123456", "username": "dangyuan", "password": "Xy#2026abcd"}
		}},
		"GET /api/v1/me/member":          {unscoped: true, call: static("/api/v1/me/member")},
		"GET /api/v1/me/member/meetings": {unscoped: true, call: static("/api/v1/me/member/meetings?year=2026")},
		"GET /api/v1/me/member/dues":     {unscoped: true, call: static("/api/v1/me/member/dues?year=2026")},
		"GET /api/v1/me/member/wishes":   {unscoped: true, call: static("/api/v1/me/member/wishes")},
		"POST /api/v1/me/member/meetings/{id}/sign-in": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/me/member/meetings/%d/sign-in", f.ownMeetingToday(t, in)), nil
		}},
		"GET /api/v1/me/member/meetings/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/me/member/meetings/%d", f.ownMeeting(t, in)), nil
		}},
		"POST /api/v1/me/member/wishes/{id}/claim": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			w := f.wishFixture(t, in, false)
			return fmt.Sprintf("/api/v1/me/member/wishes/%d/claim", w.ID), map[string]any{"version": w.Version}
		}},
	}
}
