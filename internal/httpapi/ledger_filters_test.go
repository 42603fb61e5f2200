package httpapi_test

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
)

// TestOrganizationsFilterCharterHasParty: the 党建入章 filter selects by
// charter_has_party (it used to be ignored and return every organization).
func TestOrganizationsFilterCharterHasParty(t *testing.T) {
	e := testenv.New(t)
	sys := actor.System(context.Background(), "test")
	yes, no := true, false
	for _, c := range []struct {
		name               string
		charter, inCharter *bool
	}{{"无章程企业", &no, &no}, {"有章程未入章企业", &yes, &no}, {"党建入章企业", &yes, &yes}} {
		name, cat, region := c.name, "individual_business", testenv.Hongqiao
		if _, err := e.App.Orgs.Create(sys, org.Input{Name: &name, Category: &cat, RegionCode: &region, HasCharter: c.charter, CharterHasParty: c.inCharter}); err != nil {
			t.Fatal(err)
		}
	}
	e.User("dist", "district", testenv.Jurisdiction)
	cl := e.Login("dist", testenv.Password)
	var page struct {
		Total int `json:"total"`
		Items []struct {
			Name string `json:"name"`
		} `json:"items"`
	}
	res := cl.Do("GET", "/api/v1/organizations?charter_has_party=true", nil)
	res.JSON(t, &page)
	if res.Status != 200 || page.Total != 1 || len(page.Items) != 1 || page.Items[0].Name != "党建入章企业" {
		t.Fatalf("charter_has_party=true: %d %s", res.Status, res.Body)
	}
	res = cl.Do("GET", "/api/v1/organizations?charter_has_party=false", nil)
	res.JSON(t, &page)
	if res.Status != 200 || page.Total != 2 {
		t.Fatalf("charter_has_party=false: %d %s", res.Status, res.Body)
	}
	res = cl.Do("GET", "/api/v1/organizations?charter_has_party=maybe", nil)
	if res.Status != 422 || res.ErrorCode() == "" {
		t.Fatalf("bad value: %d %s", res.Status, res.Body)
	}
	if m := res.Map(t); m["error"].(map[string]any)["fields"].(map[string]any)["charter_has_party"] == nil {
		t.Fatalf("422 does not name charter_has_party: %s", res.Body)
	}
}
