package httpapi_test

import (
	"fmt"
	"testing"
	"time"

	"liangxin/internal/member"
	"liangxin/internal/pdata"
)

// trMember creates a fresh member of a fresh party organization in (洪桥) or out (玉合) of scope.
func (f *fixtures) trMember(t *testing.T, in bool) member.Member {
	t.Helper()
	po := f.partyOrg(t, in)
	n := f.next()
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	first := "430426" + birth.Format("20060102") + "002"
	m, err := f.e.App.Members.Create(f.sys(), member.Input{Name: fmt.Sprintf("转接党员%d", n), Gender: "female", BirthDate: birth.Format("2006-01-02"),
		IDNumber: first + string(pdata.CheckChar(first)), Category: "full", PartyOrgID: po.ID})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// transfer issues a pending transfer of a member from (fromIn) to a fresh party org (toIn), or out of the system.
func (f *fixtures) transfer(t *testing.T, fromIn, toIn bool, kind string) int64 {
	t.Helper()
	m := f.trMember(t, fromIn)
	in := member.TransferInput{Kind: kind, MemberID: m.ID, LetterNo: fmt.Sprintf("矩阵%d", f.next()), ToOutside: "系统外党委"}
	if kind == member.TransferInternal {
		in.ToPartyOrgID = f.partyOrg(t, toIn).ID
	}
	tr, err := f.e.App.Members.StartTransfer(f.sys(), in)
	if err != nil {
		t.Fatal(err)
	}
	return tr.ID
}

// transferMatrixCases are the access-matrix cases of transferRoutes.
func transferMatrixCases() map[string]matrixCase {
	memberPath := func(format string) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf(format, f.trMember(t, in).ID), nil
		}
	}
	// Issued inside one street: in scope for 洪桥, invisible to it in 玉合.
	issued := func(format string, body any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf(format, f.transfer(t, in, in, member.TransferInternal)), body
		}
	}
	// Incoming to the caller's street from another street (the receiving side acts).
	incoming := func(format string, body any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf(format, f.transfer(t, false, in, member.TransferInternal)), body
		}
	}
	return map[string]matrixCase{
		"GET /api/v1/transfers":         {unscoped: true, call: static("/api/v1/transfers?status=pending")},
		"GET /api/v1/transfers/export":  {unscoped: true, call: static("/api/v1/transfers/export?status=pending")},
		"GET /api/v1/transfers/options": {unscoped: true, call: static("/api/v1/transfers/options")},
		"GET /api/v1/transfers/pocket":  {unscoped: true, call: static("/api/v1/transfers/pocket?as_of=2026-11-23")},
		"POST /api/v1/transfers": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			m := f.trMember(t, in)
			return "/api/v1/transfers", map[string]any{"kind": "internal", "member_id": m.ID, "to_party_org_id": f.partyOrg(t, in).ID, "letter_no": "矩阵介绍信"}
		}},
		"GET /api/v1/transfers/{id}":         {call: issued("/api/v1/transfers/%d", nil)},
		"POST /api/v1/transfers/{id}/accept": {call: incoming("/api/v1/transfers/%d/accept", map[string]any{"on": "2026-11-23"})},
		"POST /api/v1/transfers/{id}/return": {call: incoming("/api/v1/transfers/%d/return", map[string]any{"note": "材料不全"})},
		"POST /api/v1/transfers/{id}/cancel": {call: issued("/api/v1/transfers/%d/cancel", map[string]any{"note": "撤销"})},
		"POST /api/v1/transfers/{id}/return-slip": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/transfers/%d/return-slip", f.transfer(t, in, in, member.TransferOut)), map[string]any{}
		}},
		"GET /api/v1/members/{id}/memberships": {call: memberPath("/api/v1/members/%d/memberships")},
		"POST /api/v1/members/{id}/mobility": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/members/%d/mobility", f.trMember(t, in).ID), map[string]any{"direction": "out", "place": "广东省深圳市", "since": "2026-03-01"}
		}},
		"PATCH /api/v1/mobility/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			x, err := f.e.App.Members.StartMobility(f.sys(), f.trMember(t, in).ID, member.MobilityInput{Direction: "out", Place: "长沙", Since: "2026-01-01"})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/mobility/%d", x.ID), map[string]any{"reviewed_on": "2026-11-01"}
		}},
		"GET /api/v1/mobility":        {unscoped: true, call: static("/api/v1/mobility?as_of=2026-11-23")},
		"GET /api/v1/mobility/places": {unscoped: true, call: static("/api/v1/mobility/places")},
		"POST /api/v1/members/{id}/dual": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/members/%d/dual", f.trMember(t, in).ID), map[string]any{"second_party_org_id": f.partyOrg(t, true).ID}
		}},
		"POST /api/v1/dual/{id}/end": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			d, err := f.e.App.Members.StartDual(f.sys(), f.trMember(t, in).ID, member.DualInput{SecondPartyOrgID: f.partyOrg(t, in).ID, From: "2026-01-01"})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/dual/%d/end", d.ID), map[string]any{"on": "2026-11-01"}
		}},
		"GET /api/v1/dual": {unscoped: true, call: static("/api/v1/dual")},
	}
}
