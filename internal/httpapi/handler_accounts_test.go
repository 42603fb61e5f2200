package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/auth"
	"liangxin/internal/servicereq"
	"liangxin/internal/testenv"
)

// TestHandlerAccountGrant binds an account to a handler unit through the
// users API: the unit is required for role handler, refused for the other
// roles, and must exist, be active and lie in the granter's scope. The
// bound account then sees only its unit's transferred requests.
func TestHandlerAccountGrant(t *testing.T) {
	e := testenv.New(t)
	sys := actor.System(context.Background(), "fixture")
	ours, err := e.App.Services.CreateUnit(sys, servicereq.HandlerUnitInput{Name: "洪桥街道社会事务办", Kind: "department", RegionCode: testenv.Hongqiao})
	if err != nil {
		t.Fatal(err)
	}
	yuhe, err := e.App.Services.CreateUnit(sys, servicereq.HandlerUnitInput{Name: "玉合街道社会事务办", Kind: "department", RegionCode: testenv.Yuhe})
	if err != nil {
		t.Fatal(err)
	}
	stopped, err := e.App.Services.CreateUnit(sys, servicereq.HandlerUnitInput{Name: "洪桥街道原综治办", Kind: "department", RegionCode: testenv.Hongqiao})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.DB.Exec(sys, e.App.DB, `UPDATE service_handler_units SET active = ? WHERE id = ?`, false, stopped.ID); err != nil {
		t.Fatal(err)
	}
	e.User("hq_sec", auth.RoleSecurityAdmin, testenv.Hongqiao)
	c := e.Login("hq_sec", testenv.Password)
	u := e.User("jingban", auth.RoleNone, testenv.Hongqiao)
	grant := fmt.Sprintf("/api/v1/users/%d/grant", u.ID)

	// The picker offers the active units of the granter's street only.
	var opts struct{ Items []servicereq.HandlerUnit }
	c.Do("GET", "/api/v1/users/handler-unit-options?q=街道", nil).JSON(t, &opts)
	if len(opts.Items) != 1 || opts.Items[0].ID != ours.ID {
		t.Fatalf("handler unit options: %+v", opts.Items)
	}

	for name, body := range map[string]map[string]any{
		"unbound handler":      {"role": "handler", "scope": testenv.Hongqiao},
		"another street":       {"role": "handler", "handler_unit_id": yuhe.ID},
		"inactive unit":        {"role": "handler", "handler_unit_id": stopped.ID},
		"missing unit":         {"role": "handler", "handler_unit_id": 99999},
		"street bound to unit": {"role": "street", "scope": testenv.Hongqiao, "handler_unit_id": ours.ID},
	} {
		res := c.Do("PUT", grant, body)
		var bad struct {
			Error struct{ Fields map[string]string }
		}
		_ = json.Unmarshal(res.Body, &bad)
		if res.Status != 422 || bad.Error.Fields["handler_unit_id"] == "" {
			t.Errorf("%s: %d %s, want 422 naming handler_unit_id", name, res.Status, res.Body)
		}
	}
	res := c.Do("PUT", grant, map[string]any{"role": "handler", "handler_unit_id": ours.ID})
	var got auth.User
	res.JSON(t, &got)
	if res.Status != 200 || got.HandlerUnitID == nil || *got.HandlerUnitID != ours.ID || got.Scope != testenv.Hongqiao || got.ScopeName != "承办单位 洪桥街道社会事务办" {
		t.Fatalf("grant handler: %d %s", res.Status, res.Body)
	}

	// The handler sees its unit's transferred request and nothing else.
	hq := actor.With(context.Background(), actor.Actor{Username: "desk", Role: auth.RoleStreet, Scope: testenv.Hongqiao})
	take := func(content string) servicereq.Request {
		r, err := e.App.Services.Create(hq, servicereq.RequestInput{Source: "desk", CategoryID: 1, Content: content, RequesterName: "刘经理", RequesterPhone: "13900001111", RegionCode: testenv.Hongqiao})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	mine, other := take("企业咨询稳岗补贴"), take("企业反映门前道路破损")
	mine, err = e.App.Services.Act(hq, mine.ID, servicereq.ActionInput{Action: servicereq.ActTransfer, Version: mine.Version, HandlerUnitID: &ours.ID})
	if err != nil {
		t.Fatal(err)
	}
	h := e.Login("jingban", testenv.Password)
	var page struct {
		Items []servicereq.Request
		Total int
	}
	h.Do("GET", "/api/v1/service-requests?page=1&page_size=20", nil).JSON(t, &page)
	if page.Total != 1 || len(page.Items) != 1 || page.Items[0].ID != mine.ID {
		t.Fatalf("handler list: %+v", page)
	}
	if res := h.Do("GET", fmt.Sprintf("/api/v1/service-requests/%d", other.ID), nil); res.Status != 404 {
		t.Errorf("another request: %d, want 404", res.Status)
	}
	if res := h.Do("GET", "/api/v1/organizations", nil); res.Status != 403 {
		t.Errorf("the ledger: %d, want 403", res.Status)
	}
	res = h.Do("POST", fmt.Sprintf("/api/v1/service-requests/%d/actions", mine.ID), map[string]any{"action": "finish", "version": mine.Version, "result": "已协助企业提交稳岗补贴申请"})
	var done servicereq.Request
	res.JSON(t, &done)
	if res.Status != 200 || done.State != "done" {
		t.Fatalf("finish: %d %s", res.Status, res.Body)
	}
}
