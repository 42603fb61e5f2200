package httpapi_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/auth"
	"liangxin/internal/httpapi"
	"liangxin/internal/servicereq"
	"liangxin/internal/testenv"
)

// jurisdictionRoutes are the routes that change rules of the whole
// jurisdiction, found by reviewing every settings-like route (issue 11 item
// 5). Indicator sheets are not among them: a sheet belongs to the region it
// is made for (region_code), and a street edits only its own.
var jurisdictionRoutes = []string{
	"POST /api/v1/dues/rate-tables",
	"POST /api/v1/meeting-frequencies",
	"POST /api/v1/settings/visit-frequencies",
	"POST /api/v1/timebank/expire",
	"POST /api/v1/venue-checklists",
	"PUT /api/v1/assess/settings",
	"PUT /api/v1/contract-settings",
	"PUT /api/v1/develop/publicity",
	"PUT /api/v1/dues/refund-policy",
	"PUT /api/v1/funds/standard",
	"PUT /api/v1/service-settings",
	"PUT /api/v1/settings/coverage-rule",
	"PUT /api/v1/timebank/rates",
	"PUT /api/v1/timebank/settings",
	"PUT /api/v1/wish-settings",
}

// TestJurisdictionWideRoutesAreTheReviewedOnes pins the list: a new
// jurisdiction-wide route, or one that loses the rule, fails here.
func TestJurisdictionWideRoutesAreTheReviewedOnes(t *testing.T) {
	var got []string
	for _, rt := range (&httpapi.Server{}).Routes() {
		if auth.JurisdictionWide(rt.Perm) {
			got = append(got, rt.Method+" "+rt.Path)
		}
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(jurisdictionRoutes, "\n") {
		t.Errorf("jurisdiction-wide routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(jurisdictionRoutes, "\n"))
	}
}

// settingBodies are valid, future-dated bodies for each jurisdiction-wide route.
func settingBodies() map[string]any {
	flat := []map[string]string{{"amount": "0.20"}}
	return map[string]any{
		"POST /api/v1/dues/rate-tables": map[string]any{"effective_from": "2030-01-01", "note": "新标准", "brackets": map[string]any{
			"employed": []map[string]string{{"up_to": "3000", "rate": "0.005"}, {"rate": "0.01"}}, "retired": []map[string]string{{"rate": "0.005"}},
			"student": flat, "unemployed": flat, "relief": flat, "farmer": flat}},
		"POST /api/v1/meeting-frequencies":        map[string]any{"kind": "party_lecture", "period": "month", "times": 1, "effective_from": "2027-01-01"},
		"POST /api/v1/settings/visit-frequencies": map[string]any{"full_time": true, "every_months": 2, "effective_from": "2027-01-01"},
		"PUT /api/v1/assess/settings":             map[string]any{"min_compliance": 50, "min_satisfaction": 40},
		"PUT /api/v1/contract-settings": map[string]any{"weights": map[string]int{"department": 25, "street": 25, "expert": 25, "public": 25},
			"thresholds": map[string]int{"excellent_min": 90, "good_min": 80, "pass_min": 60}, "reason": "四方等权"},
		"PUT /api/v1/develop/publicity":      map[string]any{"days": 7, "unit": "calendar"},
		"PUT /api/v1/dues/refund-policy":     map[string]any{"ratio": "0.5", "note": "半额返还"},
		"PUT /api/v1/settings/coverage-rule": map[string]any{"kind": "above_scale"},
		"POST /api/v1/venue-checklists":      map[string]any{"code": "sqyxq", "name": "三区一校七室", "kinds": []string{"service_center"}, "effective_from": "2027-01-01", "items": []map[string]any{{"name": "服务区"}}},
		"PUT /api/v1/funds/standard":         fundsStandardBody(),
		"PUT /api/v1/service-settings":       map[string]any{"reopen_days": 10, "categories": []any{}, "calendar": servicereq.Official2026()},
		"PUT /api/v1/wish-settings":          map[string]any{"claim_days": 20, "max_open_claims": 4, "reason": "延长认领期限"},
		"PUT /api/v1/timebank/settings":      map[string]any{"family_transfer": true, "expiry_months": 36, "wish_minutes": 90, "reason": "延长有效期"},
		"PUT /api/v1/timebank/rates":         map[string]any{"kind": "lecture", "points_per_hour": 12, "reason": "鼓励宣讲"},
		"POST /api/v1/timebank/expire":       nil,
	}
}

// TestJurisdictionRulesOnlyAtTheRoot: a street (街道) user — and even a
// district-role account scoped at a street — gets 403 on every rule of the
// whole jurisdiction and changes nothing; the district at the jurisdiction
// root succeeds, and each change is audited with before and after.
func TestJurisdictionRulesOnlyAtTheRoot(t *testing.T) {
	e := testenv.New(t)
	e.User("street_hq", auth.RoleStreet, testenv.Hongqiao)
	e.User("district_hq", auth.RoleDistrict, testenv.Hongqiao)
	e.User("district", auth.RoleDistrict, testenv.Jurisdiction)
	bodies := settingBodies()
	for _, who := range []string{"street_hq", "district_hq"} {
		c := e.Login(who, testenv.Password)
		for _, route := range jurisdictionRoutes {
			method, path, _ := strings.Cut(route, " ")
			if res := c.Do(method, path, bodies[route]); res.Status != 403 {
				t.Errorf("%s as %s: got %d %s, want 403", route, who, res.Status, res.Body)
			}
		}
	}
	if n := countAudit(t, e, "access_denied", "street_hq", "denied"); n != len(jurisdictionRoutes) {
		t.Errorf("%d access_denied entries for the street, want %d", n, len(jurisdictionRoutes))
	}
	// Nothing changed.
	c := e.Login("district", testenv.Password)
	if st := c.Do("GET", "/api/v1/assess/settings", nil).Map(t); st["min_compliance"] != float64(80) {
		t.Errorf("assess settings changed by a refused caller: %v", st)
	}
	var freqs struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	c.Do("GET", "/api/v1/meeting-frequencies", nil).JSON(t, &freqs)
	for _, f := range freqs.Items {
		if f.ID != 0 {
			t.Errorf("a refused caller added a frequency version: %+v", f)
		}
	}
	// The district at the root succeeds on each.
	for _, route := range jurisdictionRoutes {
		method, path, _ := strings.Cut(route, " ")
		if res := c.Do(method, path, bodies[route]); res.Status < 200 || res.Status > 299 {
			t.Errorf("%s as the district: got %d %s", route, res.Status, res.Body)
		}
	}
	// Each change has an audit entry with before and after.
	rows, err := e.App.DB.Query(context.Background(), e.App.DB, `SELECT action, entity_id, detail FROM audit_log WHERE username = ? AND result = ? AND action <> ?`, "district", "success", "login")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var action, entity, detail string
		if err := rows.Scan(&action, &entity, &detail); err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(detail), &d); err != nil {
			t.Fatal(err)
		}
		if d["before"] == nil || d["after"] == nil {
			t.Errorf("%s %s lacks before or after: %s", action, entity, detail)
		}
		n++
	}
	if n != len(jurisdictionRoutes) {
		t.Errorf("%d audited changes, want %d", n, len(jurisdictionRoutes))
	}
}

// TestBackdatedRuleNeedsReason: a rule effective before today (China time)
// rewrites results already reported, so it needs a reason: without one 422
// naming reason; with one it is saved and the audit entry holds the reason,
// the previous version (before) and the new one (after).
func TestBackdatedRuleNeedsReason(t *testing.T) {
	e := testenv.New(t) // today is 2026-11-23 in China
	e.User("district", auth.RoleDistrict, testenv.Jurisdiction)
	c := e.Login("district", testenv.Password)
	freq := map[string]any{"kind": "party_lecture", "period": "month", "times": 1, "effective_from": "2026-01-01"}
	res := c.Do("POST", "/api/v1/meeting-frequencies", freq)
	if res.Status != 422 || !strings.Contains(string(res.Body), `"reason"`) {
		t.Fatalf("back-dated frequency without reason: %d %s", res.Status, res.Body)
	}
	bodies := settingBodies()
	rate := bodies["POST /api/v1/dues/rate-tables"].(map[string]any)
	rate["effective_from"] = "2026-01-01"
	res = c.Do("POST", "/api/v1/dues/rate-tables", rate)
	if res.Status != 422 || !strings.Contains(string(res.Body), `"reason"`) {
		t.Fatalf("back-dated rate table without reason: %d %s", res.Status, res.Body)
	}
	// Effective today is not back-dating.
	today := map[string]any{"kind": "theme_day", "period": "month", "times": 2, "effective_from": "2026-11-23"}
	if res := c.Do("POST", "/api/v1/meeting-frequencies", today); res.Status != 201 {
		t.Fatalf("frequency from today: %d %s", res.Status, res.Body)
	}
	freq["reason"] = "县委组织部2026年1号文件要求每月一次党课"
	if res := c.Do("POST", "/api/v1/meeting-frequencies", freq); res.Status != 201 {
		t.Fatalf("back-dated frequency with reason: %d %s", res.Status, res.Body)
	}
	rate["reason"] = "补录年初已执行的新标准"
	if res := c.Do("POST", "/api/v1/dues/rate-tables", rate); res.Status != 201 {
		t.Fatalf("back-dated rate table with reason: %d %s", res.Status, res.Body)
	}
	for _, c := range []struct{ action, reason, beforeKey string }{
		{"meeting.frequency", "县委组织部2026年1号文件要求每月一次党课", "period"},
		{"setting_update", "补录年初已执行的新标准", "effective_from"},
	} {
		var detail string
		err := e.App.DB.QueryRow(context.Background(), e.App.DB,
			`SELECT detail FROM audit_log WHERE action = ? AND username = ? ORDER BY id DESC LIMIT 1`, c.action, "district").Scan(&detail)
		if err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		_ = json.Unmarshal([]byte(detail), &d)
		before, _ := d["before"].(map[string]any)
		note, _ := d["note"].(string)
		if before == nil || before[c.beforeKey] == nil || d["after"] == nil || !strings.Contains(note, c.reason) || !strings.Contains(note, "追溯") {
			t.Errorf("%s audit detail = %s", c.action, detail)
		}
	}
	// The frequency's before is the version in force on that date (the default: quarterly).
	var detail string
	_ = e.App.DB.QueryRow(context.Background(), e.App.DB,
		`SELECT detail FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1`, "meeting.frequency").Scan(&detail)
	if !strings.Contains(detail, `"period":"quarter"`) {
		t.Errorf("frequency before should be the quarterly default: %s", detail)
	}
	// A reason is recorded for unversioned rules too, when given.
	if res := c.Do("PUT", "/api/v1/assess/settings", map[string]any{"min_compliance": 70, "min_satisfaction": 60, "reason": "按县委要求调整"}); res.Status != 200 {
		t.Fatalf("assess settings: %d %s", res.Status, res.Body)
	}
	_ = e.App.DB.QueryRow(actor.System(context.Background(), "t"), e.App.DB,
		`SELECT detail FROM audit_log WHERE action = ? AND entity_id = ? ORDER BY id DESC LIMIT 1`, "setting_update", "assess.signals").Scan(&detail)
	if !strings.Contains(detail, "按县委要求调整") || !strings.Contains(detail, `"before"`) {
		t.Errorf("assess settings audit detail = %s", detail)
	}
}

// TestEffectivePermsLeaveOutJurisdictionRules: /auth/me lists the
// jurisdiction-wide permissions only for an account at the root, so the UI
// hides the settings a street-scoped account cannot use.
func TestEffectivePermsLeaveOutJurisdictionRules(t *testing.T) {
	e := testenv.New(t)
	e.User("district_hq", auth.RoleDistrict, testenv.Hongqiao)
	e.User("district", auth.RoleDistrict, testenv.Jurisdiction)
	for who, want := range map[string]bool{"district_hq": false, "district": true} {
		var me struct {
			Perms []string `json:"perms"`
		}
		e.Login(who, testenv.Password).Do("GET", "/api/v1/auth/me", nil).JSON(t, &me)
		for _, p := range []auth.Perm{auth.PermLedgerSettings, auth.PermMemberSettings, auth.PermOrgLifeSettings} {
			has := strings.Contains(strings.Join(me.Perms, ","), string(p))
			if has != want {
				t.Errorf("%s perms %v: has %s = %v, want %v", who, me.Perms, p, has, want)
			}
		}
	}
}
