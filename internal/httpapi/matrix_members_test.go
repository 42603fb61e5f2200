package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/member"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
)

// group creates a 党小组 under a fresh branch in or out of scope, with one
// member of the branch (in the group when placed is true).
func (f *fixtures) group(t *testing.T, in, placed bool) (groupID, memberID int64) {
	t.Helper()
	m := f.member(t, in)
	g, err := f.e.App.Party.Create(f.sys(), partyorg.Input{Name: fmt.Sprintf("测试党小组%d", m.ID), Kind: "group", ParentID: &m.PartyOrgID, EstablishedOn: "2024-02-01"})
	if err != nil {
		t.Fatal(err)
	}
	if placed {
		if _, err := f.e.App.Party.AddGroupMember(f.sys(), g.ID, partyorg.GroupMemberInput{MemberID: m.ID, From: "2024-03-01"}); err != nil {
			t.Fatal(err)
		}
	}
	return g.ID, m.ID
}

// idNumber is a valid 身份证号 of a man born 1990-01-01 with sequence n.
func idNumber(n int) string {
	// 500 sequences per address code; the address code moves on after that
	// (430426, 430427, …), so the matrix's thousands of fixtures never repeat one.
	first := fmt.Sprintf("43%04d19900101%03d", (426+n/500)%10000, (n*2+1)%1000)
	return first + string(pdata.CheckChar(first))
}

// member creates a roster entry in a fresh party organization in (洪桥) or out (玉合) of scope.
func (f *fixtures) member(t *testing.T, in bool) member.Member {
	t.Helper()
	p := f.partyOrg(t, in)
	m, err := f.e.App.Members.Create(f.sys(), member.Input{Name: "测试党员", Gender: "male", BirthDate: "1990-01-01",
		IDNumber: idNumber(f.next()), Phone: "13812345678", Category: "full", PartyOrgID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// memberMatrixCases are the access-matrix cases of memberRoutes.
func memberMatrixCases() map[string]matrixCase {
	memberPath := func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
		return fmt.Sprintf("/api/v1/members/%d", f.member(t, in).ID), nil
	}
	return map[string]matrixCase{
		"GET /api/v1/party-orgs/{id}/group-members": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			g, _ := f.group(t, in, true)
			return fmt.Sprintf("/api/v1/party-orgs/%d/group-members", g), nil
		}},
		"POST /api/v1/party-orgs/{id}/group-members": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			g, m := f.group(t, in, false)
			return fmt.Sprintf("/api/v1/party-orgs/%d/group-members", g), map[string]any{"member_id": m, "from": "2024-03-01"}
		}},
		"POST /api/v1/party-orgs/{id}/group-members/{member_id}/end": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			g, m := f.group(t, in, true)
			return fmt.Sprintf("/api/v1/party-orgs/%d/group-members/%d/end", g, m), map[string]any{"on": "2024-06-01"}
		}},
		"GET /api/v1/members": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/members?party_org_id=%d", f.partyOrg(t, in).ID), nil
		}},
		"POST /api/v1/members": {outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/members", map[string]any{"name": "新党员", "gender": "male", "birth_date": "1990-01-01",
				"id_number": idNumber(f.next()), "category": "probationary", "party_org_id": f.partyOrg(t, in).ID}
		}},
		"GET /api/v1/members/stats": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/members/stats?party_org_id=%d", f.partyOrg(t, in).ID), nil
		}},
		"GET /api/v1/members/{id}": {call: memberPath},
		"GET /api/v1/members/export": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/members/export?party_org_id=%d", f.partyOrg(t, in).ID), nil
		}},
		"PATCH /api/v1/members/{id}": {call: func(t *testing.T, f *fixtures, c string, in bool) (string, any) {
			p, _ := memberPath(t, f, c, in)
			return p, map[string]any{"position": "书记"}
		}},
		"GET /api/v1/imports/members/template": {unscoped: true, call: static("/api/v1/imports/members/template")},
		// The out-of-scope variant names a party organization of 玉合: a cell error (422).
		"POST /api/v1/imports/members": {upload: true, outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			po := f.partyOrg(t, in)
			n := f.next()
			x := excelize.NewFile()
			for i, v := range []any{"姓名", "身份证号", "党员类别", "所在党组织", fmt.Sprintf("导入党员%d", n), idNumber(n), "正式", po.Name} {
				cell, _ := excelize.CoordinatesToCellName(i%4+1, i/4+1)
				_ = x.SetCellValue("Sheet1", cell, v)
			}
			var buf bytes.Buffer
			if err := x.Write(&buf); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/imports/members?session=matrix-members-%d", n), buf.Bytes()
		}},
		"GET /api/v1/organizations/{id}/member-ledger": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/organizations/%d/member-ledger", f.organization(t, in)), nil
		}},
	}
}
