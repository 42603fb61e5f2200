package httpapi_test

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// Issue 17 item 4 at the edge: a single or regional 党支部 over units
// declaring 2 正式党员 answers 422 naming the field; a joint one is created
// with a warning. The coverage report then counts the joint branch's units
// as covered but not effectively (有形无效), and the work list names them.
func TestBranchBelowThreeFullMembersAtTheEdge(t *testing.T) {
	e := testenv.New(t)
	sys := actor.System(context.Background(), "test")
	var ids []int64
	for i, c := range []struct {
		name string
		full int
	}{{"两名党员甲公司", 2}, {"无党员乙公司", 0}} {
		name, cat, region, full := c.name, "private_enterprise", testenv.Hongqiao, c.full
		code := uscc.Generate('9', '1', "430426", 900+i)
		o, err := e.App.Orgs.Create(sys, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full, USCC: &code})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	e.User("dist", "district", testenv.Jurisdiction)
	cl := e.Login("dist", testenv.Password)
	for _, c := range []struct {
		formation string
		covers    []int64
		field     string
	}{{"single", ids[:1], "formation"}, {"regional", ids, "covers"}} {
		res := cl.Do("POST", "/api/v1/party-orgs", map[string]any{"name": "测试" + c.formation + "党支部", "kind": "branch",
			"formation": c.formation, "established_on": "2025-01-01", "covers": c.covers})
		if res.Status != 422 {
			t.Fatalf("%s: %d %s", c.formation, res.Status, res.Body)
		}
		if m := res.Map(t); m["error"].(map[string]any)["fields"].(map[string]any)[c.field] == nil {
			t.Fatalf("%s: 422 does not name %s: %s", c.formation, c.field, res.Body)
		}
	}
	res := cl.Do("POST", "/api/v1/party-orgs", map[string]any{"name": "甲乙联合党支部", "kind": "branch",
		"formation": "joint", "established_on": "2025-01-01", "covers": ids})
	var po struct {
		Warnings []string `json:"warnings"`
	}
	res.JSON(t, &po)
	if res.Status != 201 && res.Status != 200 || len(po.Warnings) == 0 {
		t.Fatalf("joint: %d %s", res.Status, res.Body)
	}
	var rep struct {
		OrgCovered       int `json:"org_covered"`
		EffectiveCovered int `json:"effective_covered"`
		Ineffective      int `json:"ineffective"`
		Rules            []struct {
			Key   string `json:"key"`
			Total int    `json:"total"`
		} `json:"rules"`
	}
	res = cl.Do("GET", "/api/v1/stats/coverage?as_of=2025-06-30", nil)
	res.JSON(t, &rep)
	if res.Status != 200 || rep.OrgCovered != 2 || rep.EffectiveCovered != 0 || rep.Ineffective != 2 || len(rep.Rules) != 4 {
		t.Fatalf("coverage: %d %s", res.Status, res.Body)
	}
	var page struct {
		Total int `json:"total"`
	}
	res = cl.Do("GET", "/api/v1/stats/worklists/ineffective?as_of=2025-06-30", nil)
	res.JSON(t, &page)
	if res.Status != 200 || page.Total != 2 {
		t.Fatalf("有形无效: %d %s", res.Status, res.Body)
	}
}
