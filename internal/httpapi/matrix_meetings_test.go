package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"liangxin/internal/meeting"

	"github.com/xuri/excelize/v2"
)

// meeting creates a held 主题党日 of a fresh party organization in (洪桥) or out (玉合) of scope.
func (f *fixtures) meeting(t *testing.T, in bool) meeting.Meeting {
	t.Helper()
	p := f.partyOrg(t, in)
	m, err := f.e.App.Meet.Create(f.sys(), meeting.Input{PartyOrgID: p.ID, Kind: meeting.KindThemeDay, Date: "2026-11-02", Topic: "主题党日"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var pngBytes = append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, bytes.Repeat([]byte{7}, 64)...)

func (f *fixtures) attachment(t *testing.T, in bool) int64 {
	t.Helper()
	f.e.App.Meet.FilesDir = t.TempDir()
	m := f.meeting(t, in)
	a, err := f.e.App.Meet.AddAttachment(f.sys(), m.ID, "现场.png", bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func (f *fixtures) committeeMember(t *testing.T, in bool) int64 {
	t.Helper()
	p := f.partyOrg(t, in)
	c, err := f.e.App.Meet.AddCommitteeMember(f.sys(), p.ID, meeting.CommitteeMemberInput{Role: "secretary", Name: "张书记", From: "2024-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// meetingFile is a one-row meeting ledger for a fresh party organization in or out of scope.
func (f *fixtures) meetingFile(t *testing.T, in bool) []byte {
	t.Helper()
	p := f.partyOrg(t, in)
	x := excelize.NewFile()
	for i, v := range []any{"党组织名称", "会议类型", "召开日期", "主题", p.Name, "主题党日", "2026-10-15", "志愿服务"} {
		cell, _ := excelize.CoordinatesToCellName(i%4+1, i/4+1)
		_ = x.SetCellValue("Sheet1", cell, v)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// meetingMatrixCases are the access-matrix cases of meetingRoutes.
func meetingMatrixCases() map[string]matrixCase {
	poPath := func(format string) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf(format, f.partyOrg(t, in).ID), nil
		}
	}
	meetingPath := func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
		return fmt.Sprintf("/api/v1/meetings/%d", f.meeting(t, in).ID), nil
	}
	return map[string]matrixCase{
		"GET /api/v1/imports/meetings/template": {unscoped: true, call: static("/api/v1/imports/meetings/template")},
		"POST /api/v1/imports/meetings": {upload: true, outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/imports/meetings?session=matrix-meetings-%d", f.next()), f.meetingFile(t, in)
		}},
		"GET /api/v1/meetings": {call: poPath("/api/v1/meetings?party_org_id=%d"), outStatus: 200},
		"POST /api/v1/meetings": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/meetings", map[string]any{"party_org_id": f.partyOrg(t, in).ID, "kind": "theme_day", "date": "2026-11-01", "topic": "学习"}
		}},
		"GET /api/v1/meetings/export":     {call: poPath("/api/v1/meetings/export?party_org_id=%d"), outStatus: 200},
		"GET /api/v1/meetings/options":    {unscoped: true, call: static("/api/v1/meetings/options")},
		"GET /api/v1/meetings/candidates": {call: poPath("/api/v1/meetings/candidates?party_org_id=%d")},
		"GET /api/v1/meetings/{id}":       {call: meetingPath},
		"PUT /api/v1/meetings/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			m := f.meeting(t, in)
			return fmt.Sprintf("/api/v1/meetings/%d", m.ID), map[string]any{"kind": "theme_day", "date": "2026-11-03", "topic": "改过的主题"}
		}},
		"DELETE /api/v1/meetings/{id}": {call: meetingPath},
		"POST /api/v1/meetings/{id}/attachments": {upload: true, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			f.e.App.Meet.FilesDir = t.TempDir()
			return fmt.Sprintf("/api/v1/meetings/%d/attachments", f.meeting(t, in).ID), pngBytes
		}},
		"GET /api/v1/meeting-attachments/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/meeting-attachments/%d", f.attachment(t, in)), nil
		}},
		"GET /api/v1/meeting-frequencies": {unscoped: true, call: static("/api/v1/meeting-frequencies")},
		"POST /api/v1/meeting-frequencies": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/meeting-frequencies", map[string]any{"kind": "party_lecture", "period": "quarter", "times": 1, "effective_from": "2027-01-01"}
		}},
		"GET /api/v1/compliance":                 {call: poPath("/api/v1/compliance?from=2026-01-01&to=2026-10-31&party_org_id=%d")},
		"GET /api/v1/compliance/export":          {call: poPath("/api/v1/compliance/export?from=2026-01-01&to=2026-10-31&party_org_id=%d")},
		"GET /api/v1/compliance/reminders":       {call: poPath("/api/v1/compliance/reminders?party_org_id=%d")},
		"GET /api/v1/compliance/laggards":        {call: poPath("/api/v1/compliance/laggards?from=2026-01-01&to=2026-10-31&party_org_id=%d")},
		"GET /api/v1/compliance/laggards/export": {call: poPath("/api/v1/compliance/laggards/export?party_org_id=%d")},
		"GET /api/v1/party-orgs/{id}/committee":  {call: poPath("/api/v1/party-orgs/%d/committee")},
		"POST /api/v1/party-orgs/{id}/committee": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/party-orgs/%d/committee", f.partyOrg(t, in).ID), map[string]any{"role": "secretary", "name": "李书记", "from": "2025-01-01", "cross_post": true}
		}},
		"PATCH /api/v1/committee-members/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/committee-members/%d", f.committeeMember(t, in)), map[string]any{"cross_post": true}
		}},
		"POST /api/v1/party-orgs/{id}/elections": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/party-orgs/%d/elections", f.partyOrg(t, in).ID), map[string]any{"held_on": "2026-03-01", "approval": "县委组织部同意提前换届",
				"members": []map[string]any{{"role": "secretary", "name": "新书记"}, {"role": "deputy_secretary", "name": "新副书记"}}}
		}},
		"GET /api/v1/committees/renewals":         {unscoped: true, call: static("/api/v1/committees/renewals")},
		"GET /api/v1/committees/renewals/export":  {unscoped: true, call: static("/api/v1/committees/renewals/export")},
		"GET /api/v1/committees/vacancies":        {unscoped: true, call: static("/api/v1/committees/vacancies")},
		"GET /api/v1/committees/vacancies/export": {unscoped: true, call: static("/api/v1/committees/vacancies/export")},
	}
}
