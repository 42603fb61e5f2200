package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/auth"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

// A user manager finds a party organization by name and binds a 党组织书记
// account to it; the account's scope becomes that party organization.
func TestBindPartyOrgUserThroughAPI(t *testing.T) {
	e := testenv.New(t)
	sys := actor.System(context.Background(), "fixture")
	inPO, err := e.App.Party.Create(sys, partyorg.Input{Name: "洪桥街道两新综合党委", Kind: "committee", Formation: "regional", EstablishedOn: "2023-01-01", RegionCode: testenv.Hongqiao})
	if err != nil {
		t.Fatal(err)
	}
	outPO, err := e.App.Party.Create(sys, partyorg.Input{Name: "玉合街道两新综合党委", Kind: "committee", Formation: "regional", EstablishedOn: "2023-01-01", RegionCode: testenv.Yuhe})
	if err != nil {
		t.Fatal(err)
	}
	e.User("hq_admin", auth.RoleSecurityAdmin, testenv.Hongqiao)
	c := e.Login("hq_admin", testenv.Password)
	// The system administrator creates the account; its owner replaces the
	// one-time password; the security administrator binds it.
	hq := e.User("hq_sec", auth.RoleNone, testenv.Hongqiao)
	grant := fmt.Sprintf("/api/v1/users/%d/grant", hq.ID)

	var opts struct {
		Items []struct {
			ID   int64
			Name string
		}
	}
	res := c.Do("GET", "/api/v1/users/party-org-options?q=两新", nil)
	res.JSON(t, &opts)
	if len(opts.Items) != 1 || opts.Items[0].ID != inPO.ID {
		t.Fatalf("options of a 洪桥 manager: %s", res.Body)
	}

	res = c.Do("PUT", grant, map[string]any{"role": "party_org", "party_org_id": inPO.ID})
	if res.Status != 200 {
		t.Fatalf("bind user: %d %s", res.Status, res.Body)
	}
	var created auth.User
	if err := json.Unmarshal(res.Body, &created); err != nil {
		t.Fatal(err)
	}
	if created.PartyOrgID == nil || *created.PartyOrgID != inPO.ID || created.Scope != testenv.Hongqiao || created.ScopeName != inPO.Name {
		t.Fatalf("bound: %s", res.Body)
	}
	// Another street's party organization is refused, naming the field.
	res = c.Do("PUT", grant, map[string]any{"role": "party_org", "party_org_id": outPO.ID})
	if res.Status != 422 || !json.Valid(res.Body) || !contains(res.Body, "party_org_id") {
		t.Fatalf("binding outside scope: %d %s", res.Status, res.Body)
	}
	// Unbinding puts the account back on a region scope.
	res = c.Do("PUT", grant, map[string]any{"role": "party_org", "scope": testenv.Hongqiao})
	if res.Status != 200 || contains(res.Body, fmt.Sprintf(`"party_org_id":%d`, inPO.ID)) {
		t.Fatalf("unbind: %d %s", res.Status, res.Body)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
