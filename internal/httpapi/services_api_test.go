package httpapi_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/testenv"
)

// TestServiceRequestOverHTTP walks one request through the API (every
// answer checked against its OpenAPI schema by the testenv server): a step
// out of order answers 422 naming the expected step, two people acting on
// the same version at once get one 200 and one 409, the phone is masked
// unless revealed (audited).
func TestServiceRequestOverHTTP(t *testing.T) {
	e := testenv.New(t)
	e.User("desk_a", auth.RoleStreet, testenv.Hongqiao)
	e.User("desk_b", auth.RoleStreet, testenv.Hongqiao)
	e.User("viewer", auth.RoleReadonly, testenv.Hongqiao)
	a, b := e.Login("desk_a", testenv.Password), e.Login("desk_b", testenv.Password)
	res := a.Do("POST", "/api/v1/service-requests", map[string]any{"source": "desk", "category_id": 2, "content": "企业申请创业担保贷款",
		"requester_name": "赵女士", "requester_phone": "13912345678", "region_code": testenv.Hongqiao})
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	var r struct {
		ID             int64    `json:"id"`
		Version        int      `json:"version"`
		State          string   `json:"state"`
		DueOn          string   `json:"due_on"`
		RequesterPhone string   `json:"requester_phone"`
		AllowedActions []string `json:"allowed_actions"`
	}
	res.JSON(t, &r)
	// 融资需求: 10 working days from Monday 11-23: 24–27, 30, 12-01–04, 07.
	if r.DueOn != "2026-12-07" || r.RequesterPhone != "139****5678" || strings.Join(r.AllowedActions, ",") != "handle,transfer" {
		t.Fatalf("created %+v", r)
	}
	path := fmt.Sprintf("/api/v1/service-requests/%d", r.ID)
	res = a.Do("POST", path+"/actions", map[string]any{"action": "reply", "version": 1})
	if res.Status != 422 || !strings.Contains(string(res.Body), "下一步应为「做单」或「转单」") || !strings.Contains(string(res.Body), `"action"`) {
		t.Errorf("out of order: %d %s", res.Status, res.Body)
	}
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, c := range []*testenv.Client{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = c.Do("POST", path+"/actions", map[string]any{"action": "handle", "version": 1}).Status
		}()
	}
	wg.Wait()
	if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
		t.Errorf("two at once: %v, want one 200 and one 409", statuses)
	}
	var tl struct {
		Items []struct {
			Action   string `json:"action"`
			Username string `json:"username"`
		} `json:"items"`
	}
	a.Do("GET", path+"/timeline", nil).JSON(t, &tl)
	if len(tl.Items) != 2 || tl.Items[0].Action != "receive" || tl.Items[0].Username != "desk_a" || tl.Items[1].Action != "handle" {
		t.Errorf("timeline %+v", tl.Items)
	}
	v := e.Login("viewer", testenv.Password)
	if res := v.Do("POST", path+"/reveal-phone", nil); res.Status != 403 {
		t.Errorf("read-only reveal: %d", res.Status)
	}
	var full struct {
		RequesterPhone string `json:"requester_phone"`
	}
	a.Do("POST", path+"/reveal-phone", nil).JSON(t, &full)
	if full.RequesterPhone != "13912345678" {
		t.Errorf("revealed %q", full.RequesterPhone)
	}
	for action, want := range map[string]int{"service_request_reveal": 1, "service_request_handle": 1, "service_request_create": 1} {
		var n int
		if err := e.App.DB.QueryRowContext(t.Context(), e.App.DB.Rebind(`SELECT COUNT(*) FROM audit_log WHERE action = ?`), action).Scan(&n); err != nil || n != want {
			t.Errorf("%d audit rows for %s (%v), want %d", n, action, err, want)
		}
	}
	var counts struct {
		All    int `json:"all"`
		States []struct {
			State string `json:"state"`
			Count int    `json:"count"`
		} `json:"states"`
	}
	v.Do("GET", "/api/v1/service-requests/counts", nil).JSON(t, &counts)
	if counts.All != 1 || counts.States[1].State != "handling" || counts.States[1].Count != 1 {
		t.Errorf("counts %+v", counts)
	}
	if res := v.Do("GET", "/api/v1/service-requests?state=lost&overdue=maybe&page_size=500", nil); res.Status != 422 ||
		!strings.Contains(string(res.Body), `"state"`) || !strings.Contains(string(res.Body), `"overdue"`) || !strings.Contains(string(res.Body), `"page_size"`) {
		t.Errorf("bad filter: %d %s", res.Status, res.Body)
	}
}
