package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/member"
	"liangxin/internal/pdata"
)

// idNumber is a valid 身份证号 of a man born 1990-01-01 with sequence n.
func idNumber(n int) string {
	first := fmt.Sprintf("43042619900101%03d", (n*2+1)%1000)
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
		"GET /api/v1/organizations/{id}/member-ledger": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/organizations/%d/member-ledger", f.organization(t, in)), nil
		}},
	}
}
