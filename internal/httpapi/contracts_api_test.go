package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/auth"
	"liangxin/internal/org"
	"liangxin/internal/purchase"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// A street records a contract with a social organization, evaluates it
// (weighted result computed by hand), and the organization's detail page
// shows the latest grade; the weights are a versioned district setting.
func TestPurchasedServicesOverHTTP(t *testing.T) {
	e := testenv.New(t)
	sys := actor.System(context.Background(), "fixture")
	mk := func(name, cat, region string, n int) int64 {
		in := org.Input{Name: &name, Category: &cat, RegionCode: &region}
		if cat != "individual_business" {
			code := uscc.Generate('5', '1', "430426", 81000000+n)
			in.USCC = &code
		}
		o, err := e.App.Orgs.Create(sys, in)
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	social := mk("洪桥社工服务中心", "private_non_enterprise", testenv.Hongqiao, 1)
	shop := mk("洪桥小吃店", "individual_business", testenv.Hongqiao, 2)
	far := mk("玉合志愿者协会", "social_group", testenv.Yuhe, 3)
	e.User("st_hq", auth.RoleStreet, testenv.Hongqiao)
	e.User("ro_hq", auth.RoleReadonly, testenv.Hongqiao)
	e.User("dist", auth.RoleDistrict, testenv.Jurisdiction)
	st, ro, dist := e.Login("st_hq", testenv.Password), e.Login("ro_hq", testenv.Password), e.Login("dist", testenv.Password)

	body := func(orgID int64) map[string]any {
		return map[string]any{"org_id": orgID, "department": "区民政局", "content": "社区居家养老上门服务", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "amount_fen": 12345678}
	}
	var c purchase.Contract
	res := st.Do("POST", "/api/v1/service-contracts", body(social))
	res.JSON(t, &c)
	if res.Status != 201 || c.Amount != "123456.78" || c.AmountFen != 12345678 || c.Status != "active" || c.StatusName != "履行中" || c.Latest != nil {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	// Not a social organization; out of scope; an empty period; a zero amount.
	if res := st.Do("POST", "/api/v1/service-contracts", body(shop)); res.Status != 422 {
		t.Fatalf("enterprise accepted: %d %s", res.Status, res.Body)
	}
	if res := st.Do("POST", "/api/v1/service-contracts", body(far)); res.Status != 422 {
		t.Fatalf("out of scope accepted: %d %s", res.Status, res.Body)
	}
	bad := body(social)
	bad["ends_on"], bad["amount_fen"] = "2025-12-31", 0
	if res := st.Do("POST", "/api/v1/service-contracts", bad); res.Status != 422 || res.Map(t)["error"].(map[string]any)["fields"].(map[string]any)["amount_fen"] == nil {
		t.Fatalf("bad contract: %d %s", res.Status, res.Body)
	}
	if res := ro.Do("POST", "/api/v1/service-contracts", body(social)); res.Status != 403 {
		t.Fatalf("readonly writes: %d", res.Status)
	}

	// Default weights 30/30/20/20: 85.5×0.3 + 90×0.3 + 77.5×0.2 + 66.5×0.2 = 25.65 + 27 + 15.5 + 13.3 = 81.45 → 良好.
	var ev purchase.Evaluation
	res = st.Do("POST", fmt.Sprintf("/api/v1/service-contracts/%d/evaluations", c.ID), map[string]any{"evaluated_on": "2026-06-30",
		"scores": map[string]string{"department": "85.5", "street": "90", "expert": "77.5", "public": "66.5"}})
	res.JSON(t, &ev)
	if res.Status != 201 || ev.Result != "81.45" || ev.ResultHundredths != 8145 || ev.Grade != "good" || ev.GradeName != "良好" || ev.Weights != (purchase.Weights{Department: 30, Street: 30, Expert: 20, Public: 20}) {
		t.Fatalf("evaluate: %d %s", res.Status, res.Body)
	}
	if res := st.Do("POST", fmt.Sprintf("/api/v1/service-contracts/%d/evaluations", c.ID), map[string]any{
		"scores": map[string]string{"department": "100.5", "street": "9x", "expert": "77.55", "public": ""}}); res.Status != 422 || len(res.Map(t)["error"].(map[string]any)["fields"].(map[string]any)) != 4 {
		t.Fatalf("bad scores: %d %s", res.Status, res.Body)
	}

	// Weights must sum to 100; only the district changes them.
	w := func(d, s, x, p int) map[string]any {
		return map[string]any{"weights": map[string]int{"department": d, "street": s, "expert": x, "public": p},
			"thresholds": map[string]int{"excellent_min": 90, "good_min": 80, "pass_min": 60}, "reason": "调整"}
	}
	if res := dist.Do("PUT", "/api/v1/contract-settings", w(30, 30, 20, 21)); res.Status != 422 {
		t.Fatalf("sum 101 accepted: %d %s", res.Status, res.Body)
	}
	if res := st.Do("PUT", "/api/v1/contract-settings", w(33, 33, 17, 17)); res.Status != 403 {
		t.Fatalf("street changes settings: %d", res.Status)
	}
	var sv purchase.SettingsView
	res = dist.Do("PUT", "/api/v1/contract-settings", w(33, 33, 17, 17))
	res.JSON(t, &sv)
	if res.Status != 200 || sv.Current.Weights != (purchase.Weights{Department: 33, Street: 33, Expert: 17, Public: 17}) || len(sv.History) != 2 || sv.History[1].Weights != (purchase.Weights{Department: 30, Street: 30, Expert: 20, Public: 20}) {
		t.Fatalf("settings: %d %s", res.Status, res.Body)
	}
	// New version: 80.5×0.33 + 80×0.33 + 80×0.17 + 80×0.17 = 80.165 → 80.17 (half up), 良好.
	res = st.Do("POST", fmt.Sprintf("/api/v1/service-contracts/%d/evaluations", c.ID), map[string]any{"evaluated_on": "2026-11-20",
		"scores": map[string]string{"department": "80.5", "street": "80", "expert": "80", "public": "80"}})
	res.JSON(t, &ev)
	if ev.Result != "80.17" || ev.SettingsID != sv.Current.ID {
		t.Fatalf("second evaluation: %s", res.Body)
	}
	// An older evaluation entered late does not replace the latest.
	res = st.Do("POST", fmt.Sprintf("/api/v1/service-contracts/%d/evaluations", c.ID), map[string]any{"evaluated_on": "2026-03-31",
		"scores": map[string]string{"department": "50", "street": "50", "expert": "50", "public": "50"}})
	res.JSON(t, &ev)
	if ev.Grade != "fail" || ev.Result != "50.00" {
		t.Fatalf("late evaluation: %s", res.Body)
	}
	var prof struct {
		ServiceRating *purchase.Rating `json:"service_rating"`
	}
	ro.Do("GET", fmt.Sprintf("/api/v1/organizations/%d/profile", social), nil).JSON(t, &prof)
	if r := prof.ServiceRating; r == nil || r.Result != "80.17" || r.GradeName != "良好" || r.EvaluatedOn != "2026-11-20" || r.Contracts != 1 || r.Department != "区民政局" {
		t.Fatalf("profile rating %+v", prof.ServiceRating)
	}
	var evs struct {
		Items []purchase.Evaluation `json:"items"`
	}
	ro.Do("GET", fmt.Sprintf("/api/v1/service-contracts/%d/evaluations", c.ID), nil).JSON(t, &evs)
	if len(evs.Items) != 3 || evs.Items[0].EvaluatedOn != "2026-11-20" || evs.Items[2].EvaluatedOn != "2026-03-31" {
		t.Fatalf("evaluations %+v", evs.Items)
	}

	// The list shows the latest evaluation and filters by its grade.
	var pg struct {
		Items []purchase.Contract `json:"items"`
		Total int                 `json:"total"`
	}
	ro.Do("GET", "/api/v1/service-contracts?grade=good&year=2026", nil).JSON(t, &pg)
	if pg.Total != 1 || pg.Items[0].Latest == nil || pg.Items[0].Latest.Result != "80.17" {
		t.Fatalf("list %+v", pg)
	}
	ro.Do("GET", "/api/v1/service-contracts?grade=fail", nil).JSON(t, &pg)
	if pg.Total != 0 {
		t.Fatalf("grade filter: %+v", pg)
	}
	if res := ro.Do("GET", "/api/v1/service-contracts?year=1999&sort=x", nil); res.Status != 422 {
		t.Fatalf("bad filter: %d", res.Status)
	}
	// The export has the header and one row with the latest evaluation.
	res = ro.Do("GET", "/api/v1/service-contracts/export", nil)
	if res.Status != 200 {
		t.Fatalf("export: %d %s", res.Status, res.Body)
	}
	book, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := book.GetRows("购买服务合同")
	if len(rows) != 2 || rows[1][1] != "洪桥社工服务中心" || rows[1][7] != "123456.78" || rows[1][14] != "80.17" || rows[1][15] != "良好" {
		t.Fatalf("export rows %v", rows)
	}
	// Another street's contract is not found.
	e.User("st_yh", auth.RoleStreet, testenv.Yuhe)
	if res := e.Login("st_yh", testenv.Password).Do("GET", fmt.Sprintf("/api/v1/service-contracts/%d", c.ID), nil); res.Status != 404 {
		t.Fatalf("other street: %d", res.Status)
	}
}
