package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/dues"
	"liangxin/internal/member"
	"liangxin/internal/pdata"
)

// duesMember creates a member (joined 2020-07-01) of a fresh party
// organization in (洪桥) or out (玉合) of scope, with the 2026 base declared.
func (f *fixtures) duesMember(t *testing.T, in bool) int64 {
	t.Helper()
	p := f.partyOrg(t, in)
	n := f.next()
	// A distinct birth date per fixture keeps the ID numbers unique.
	birth := fmt.Sprintf("%04d%02d%02d", 1960+n/336, n/28%12+1, n%28+1)
	first := "430426" + birth + "011"
	m, err := f.e.App.Members.Create(f.sys(), member.Input{Name: fmt.Sprintf("党员%d", n), Gender: "male", BirthDate: birth[:4] + "-" + birth[4:6] + "-" + birth[6:],
		IDNumber: first + string(pdata.CheckChar(first)), Category: "full", PartyOrgID: p.ID, JoinedOn: "2020-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.App.Dues.DeclareBase(f.sys(), dues.BaseInput{MemberID: m.ID, Year: 2026, Kind: "employed", Base: "3000"}); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// duesMatrixCases are the access-matrix cases of duesRoutes.
func duesMatrixCases() map[string]matrixCase {
	poQuery := func(format string) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf(format, f.partyOrg(t, in).ID), nil
		}
	}
	return map[string]matrixCase{
		"GET /api/v1/dues/calc":          {unscoped: true, call: static("/api/v1/dues/calc?base=3000&kind=employed")},
		"GET /api/v1/dues/options":       {unscoped: true, call: static("/api/v1/dues/options")},
		"GET /api/v1/dues/rate-tables":   {unscoped: true, call: static("/api/v1/dues/rate-tables")},
		"GET /api/v1/dues/refund-policy": {unscoped: true, call: static("/api/v1/dues/refund-policy")},
		"POST /api/v1/dues/rate-tables": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			flat := []map[string]string{{"amount": "0.20"}}
			return "/api/v1/dues/rate-tables", map[string]any{"effective_from": "2030-01-01", "note": "矩阵", "brackets": map[string]any{
				"employed": []map[string]string{{"up_to": "3000", "rate": "0.005"}, {"rate": "0.01"}}, "retired": []map[string]string{{"rate": "0.005"}},
				"student": flat, "unemployed": flat, "relief": flat, "farmer": flat}}
		}},
		"PUT /api/v1/dues/refund-policy": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/dues/refund-policy", map[string]string{"ratio": "1", "note": "全额返还"}
		}},
		"POST /api/v1/dues/bases": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/dues/bases", map[string]any{"member_id": f.duesMember(t, in), "year": 2026, "kind": "retired", "base": "4000"}
		}},
		"GET /api/v1/dues/members/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/dues/members/%d?year=2026", f.duesMember(t, in)), nil
		}},
		"POST /api/v1/dues/payments": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/dues/payments", map[string]any{"member_id": f.duesMember(t, in), "months": []string{"2026-10", "2026-11"}, "paid_on": "2026-11-20", "method": "self"}
		}},
		// Out of scope the batch's member answers 404.
		"POST /api/v1/dues/payments/void": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			b, err := f.e.App.Dues.RecordPayment(f.sys(), dues.PaymentInput{MemberID: f.duesMember(t, in), Months: []string{"2026-10"}, PaidOn: "2026-11-20", Method: "self"})
			if err != nil {
				t.Fatal(err)
			}
			return "/api/v1/dues/payments/void", map[string]any{"batch_id": b.BatchID, "reason": "误录"}
		}},
		"GET /api/v1/dues/arrears":        {call: poQuery("/api/v1/dues/arrears?as_of=2026-11&party_org_id=%d")},
		"GET /api/v1/dues/arrears/export": {call: poQuery("/api/v1/dues/arrears/export?as_of=2026-11&party_org_id=%d")},
		"GET /api/v1/dues/summary":        {call: poQuery("/api/v1/dues/summary?year=2026&party_org_id=%d")},
		"GET /api/v1/dues/summary/export": {call: poQuery("/api/v1/dues/summary/export?year=2026&party_org_id=%d")},
		"GET /api/v1/dues/refunds":        {call: poQuery("/api/v1/dues/refunds?year=2026&party_org_id=%d")},
		"POST /api/v1/dues/refunds": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/dues/refunds", map[string]any{"party_org_id": f.partyOrg(t, in).ID, "year": 2026, "refunded_on": "2026-11-20"}
		}},
	}
}
