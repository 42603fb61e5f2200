package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/testenv"
)

// TestVolunteerOverHTTP: a street clerk publishes an activity, gets the
// sign-in code (not cached), signs a member in by hand twice (counted
// once), confirms 90 minutes (by hand: 90 × 10 / 60 = 15 points), sees the
// balance and the statement; a clerk of another street gets 404; a staff
// session on a member route gets 403; an out-of-range query is 422.
func TestVolunteerOverHTTP(t *testing.T) {
	e := testenv.New(t)
	e.User("clerk", auth.RoleStreet, testenv.Hongqiao)
	e.User("other", auth.RoleStreet, testenv.Yuhe)
	c, o := e.Login("clerk", testenv.Password), e.Login("other", testenv.Password)
	f := &fixtures{e: e, seq: new(int)}
	m, _ := f.volMember(t, true)

	res := c.Do("POST", "/api/v1/volunteer/activities", map[string]any{"title": "社区义诊", "kind": "aid", "starts_at": "2026-11-23 09:00",
		"ends_at": "2026-11-23 11:00", "place": "卫生站", "planned_minutes": 120, "capacity": 10, "region_code": testenv.Hongqiao})
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	id := int64(res.Map(t)["id"].(float64))
	code := c.Do("GET", fmt.Sprintf("/api/v1/volunteer/activities/%d/sign-in-code", id), nil)
	if code.Status != 200 || code.Header.Get("Cache-Control") != "no-store" || code.Map(t)["token"] == "" {
		t.Fatalf("code: %d %v %s", code.Status, code.Header, code.Body)
	}
	for i := 0; i < 2; i++ {
		res = c.Do("POST", fmt.Sprintf("/api/v1/volunteer/activities/%d/sign-ins", id), map[string]any{"member_id": m.ID})
		if res.Status != 200 || res.Map(t)["already"] != (i == 1) {
			t.Fatalf("sign-in %d: %d %s", i, res.Status, res.Body)
		}
	}
	pid := int64(res.Map(t)["id"].(float64))
	res = c.Do("POST", fmt.Sprintf("/api/v1/volunteer/activities/%d/participants/%d/confirm", id, pid), map[string]any{"minutes": 90})
	if res.Status != 200 || res.Map(t)["confirmed_hours"] != "1.50" {
		t.Fatalf("confirm: %d %s", res.Status, res.Body)
	}
	acc := c.Do("POST", "/api/v1/timebank/member-accounts", map[string]any{"member_id": m.ID}).Map(t)
	if acc["balance"] != float64(15) || acc["year_hours"] != "1.50" {
		t.Fatalf("account %v", acc)
	}
	st := c.Do("GET", fmt.Sprintf("/api/v1/timebank/accounts/%v/statement?year=2026", acc["id"]), nil).Map(t)
	if st["closing"] != float64(15) || st["earned"] != float64(15) {
		t.Fatalf("statement %v", st)
	}
	if r := o.Do("GET", fmt.Sprintf("/api/v1/volunteer/activities/%d", id), nil); r.Status != 404 {
		t.Fatalf("other street: %d", r.Status)
	}
	if r := c.Do("GET", "/api/v1/me/volunteer", nil); r.Status != 403 {
		t.Fatalf("member route as staff: %d", r.Status)
	}
	if r := c.Do("GET", "/api/v1/timebank/leaderboard?limit=500", nil); r.Status != 422 {
		t.Fatalf("limit 500: %d %s", r.Status, r.Body)
	}
	lb := c.Do("GET", "/api/v1/timebank/leaderboard?year=2026", nil).Map(t)
	if items := lb["items"].([]any); len(items) != 1 {
		t.Fatalf("leaderboard %v", lb)
	}
}
