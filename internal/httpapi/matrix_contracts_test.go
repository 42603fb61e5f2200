package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/org"
	"liangxin/internal/purchase"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// socialOrg creates a social organization (社会团体) in 洪桥 (in) or 玉合 (out).
func (f *fixtures) socialOrg(t *testing.T, in bool) int64 {
	t.Helper()
	n := f.next()
	name, cat, region := fmt.Sprintf("测试社工服务社%d", n), "social_group", pick(in, testenv.Hongqiao, testenv.Yuhe)
	code := uscc.Generate('5', '1', "430426", 70000000+n)
	o, err := f.e.App.Orgs.Create(f.sys(), org.Input{Name: &name, USCC: &code, Category: &cat, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

// contract records a contract with a fresh social organization in or out of scope.
func (f *fixtures) contract(t *testing.T, in bool) purchase.Contract {
	t.Helper()
	c, err := f.e.App.Contracts.Create(f.sys(), purchase.Input{OrgID: f.socialOrg(t, in), Department: "区民政局", Content: "社区养老助餐服务",
		StartsOn: "2026-01-01", EndsOn: "2026-12-31", AmountFen: 12000000})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// contractMatrixCases are the access-matrix cases of contractRoutes.
func contractMatrixCases() map[string]matrixCase {
	at := func(suffix string, body func(*testing.T, *fixtures, bool) any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			c := f.contract(t, in)
			var b any
			if body != nil {
				b = body(t, f, in)
			}
			return fmt.Sprintf("/api/v1/service-contracts/%d%s", c.ID, suffix), b
		}
	}
	input := func(t *testing.T, f *fixtures, in bool) any {
		return map[string]any{"org_id": f.socialOrg(t, in), "department": "洪桥街道办事处", "content": "青少年课后托管", "starts_on": "2026-03-01",
			"ends_on": "2027-02-28", "amount_fen": 5000050, "status": "active"}
	}
	return map[string]matrixCase{
		"GET /api/v1/contract-options":  {unscoped: true, call: static("/api/v1/contract-options")},
		"GET /api/v1/contract-settings": {unscoped: true, call: static("/api/v1/contract-settings")},
		"PUT /api/v1/contract-settings": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/contract-settings", map[string]any{"weights": map[string]int{"department": 30, "street": 30, "expert": 20, "public": 20},
				"thresholds": map[string]int{"excellent_min": 90, "good_min": 80, "pass_min": 60}}
		}},
		"GET /api/v1/service-contracts":        {unscoped: true, call: static("/api/v1/service-contracts?status=active&year=2026&q=服务")},
		"GET /api/v1/service-contracts/export": {unscoped: true, call: static("/api/v1/service-contracts/export?grade=good")},
		"POST /api/v1/service-contracts": {outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/service-contracts", input(t, f, in)
		}},
		"GET /api/v1/service-contracts/{id}": {call: at("", nil)},
		"PUT /api/v1/service-contracts/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			c := f.contract(t, in)
			return fmt.Sprintf("/api/v1/service-contracts/%d", c.ID), map[string]any{"org_id": c.OrgID, "department": "区民政局", "content": "社区养老助餐服务（扩面）",
				"starts_on": "2026-01-01", "ends_on": "2026-12-31", "amount_fen": 13000000, "status": "active"}
		}},
		"GET /api/v1/service-contracts/{id}/evaluations": {call: at("/evaluations", nil)},
		"POST /api/v1/service-contracts/{id}/evaluations": {call: at("/evaluations", func(*testing.T, *fixtures, bool) any {
			return map[string]any{"evaluated_on": "2026-11-20", "scores": map[string]string{"department": "90", "street": "85.5", "expert": "88", "public": "92"}}
		})},
	}
}
