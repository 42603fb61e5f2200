package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/testenv"
)

// firstLogin logs in with a one-time password and replaces it.
func firstLogin(t *testing.T, e *testenv.Env, username, initial, next string) *testenv.Client {
	t.Helper()
	c := e.Client()
	if res := c.Do("POST", "/api/v1/auth/login", map[string]string{"username": username, "password": initial}); res.Status != 200 {
		t.Fatalf("login %s: %d %s", username, res.Status, res.Body)
	}
	if res := c.Do("POST", "/api/v1/auth/password", map[string]string{"old_password": initial, "new_password": next}); res.Status != 200 {
		t.Fatalf("password change %s: %d %s", username, res.Status, res.Body)
	}
	return c
}

// TestThreeAdminsSeparation walks 三员分立 from the first start: the system
// administrator creates an account but can neither give it a role, a scope
// nor a password of its choosing; the account can do nothing until the
// security administrator grants a role, which it can only do once the owner
// replaced the one-time password; a reset by the system administrator
// revokes the role again; none of the three reads the ledger or members.
func TestThreeAdminsSeparation(t *testing.T) {
	e := testenv.New(t)
	created, err := e.App.Bootstrap(context.Background())
	if err != nil || len(created) != 3 {
		t.Fatalf("bootstrap: %+v %v", created, err)
	}
	admins := map[string]*testenv.Client{}
	for i, a := range created {
		admins[a.Username] = firstLogin(t, e, a.Username, a.Password, fmt.Sprintf("Qd#Sep-%dx2026K", i))
	}
	admin, sec, auditor := admins["admin"], admins["secadmin"], admins["auditor"]

	// None of the three reads the ledger or members, or reveals personal data.
	for name, c := range admins {
		for _, p := range []string{"/api/v1/organizations", "/api/v1/members", "/api/v1/members/1?reveal=true", "/api/v1/instructors", "/api/v1/meetings"} {
			if res := c.Do("GET", p, nil); res.Status != 403 {
				t.Errorf("%s GET %s: %d, want 403", name, p, res.Status)
			}
		}
	}

	// The system administrator chooses neither role, scope nor password.
	res := admin.Do("POST", "/api/v1/users", map[string]any{"username": "district", "role": "district", "scope": testenv.Hongqiao, "password": "Chosen#Pass2026x"})
	if res.Status != 422 {
		t.Fatalf("create with role, scope and password: %d %s", res.Status, res.Body)
	}
	for _, f := range []string{`"role"`, `"scope"`, `"password"`} {
		if !strings.Contains(string(res.Body), f) {
			t.Errorf("refusal does not name %s: %s", f, res.Body)
		}
	}
	res = admin.Do("POST", "/api/v1/users", map[string]any{"username": "district", "display_name": "区两新工委"})
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	var out struct {
		User            auth.User `json:"user"`
		InitialPassword string    `json:"initial_password"`
	}
	res.JSON(t, &out)
	if out.User.Role != auth.RoleNone || out.InitialPassword == "" {
		t.Fatalf("created %+v", out)
	}
	grantPath := fmt.Sprintf("/api/v1/users/%d/grant", out.User.ID)
	grant := map[string]any{"role": auth.RoleDistrict, "scope": testenv.Jurisdiction}
	// The system administrator cannot grant; the security administrator cannot create or reset.
	if res := admin.Do("PUT", grantPath, grant); res.Status != 403 {
		t.Errorf("system admin grants: %d, want 403", res.Status)
	}
	if res := admin.Do("PATCH", fmt.Sprintf("/api/v1/users/%d", out.User.ID), map[string]any{"role": auth.RoleDistrict}); res.Status != 422 {
		t.Errorf("system admin sets a role by PATCH: %d %s, want 422", res.Status, res.Body)
	}
	if res := sec.Do("POST", "/api/v1/users", map[string]any{"username": "other"}); res.Status != 403 {
		t.Errorf("security admin creates: %d, want 403", res.Status)
	}
	if res := sec.Do("POST", fmt.Sprintf("/api/v1/users/%d/reset-password", out.User.ID), nil); res.Status != 403 {
		t.Errorf("security admin resets: %d, want 403", res.Status)
	}
	// Not before the owner replaced the one-time password the system administrator saw.
	if res := sec.Do("PUT", grantPath, grant); res.Status != 422 || !strings.Contains(string(res.Body), `"role"`) {
		t.Errorf("grant before the owner's password change: %d %s, want 422 on role", res.Status, res.Body)
	}
	owner := firstLogin(t, e, "district", out.InitialPassword, "Ow#Qidong-Own2026")
	if res := owner.Do("GET", "/api/v1/organizations", nil); res.Status != 403 {
		t.Errorf("ungranted account reads the ledger: %d, want 403", res.Status)
	}
	if res := sec.Do("PUT", grantPath, grant); res.Status != 200 {
		t.Fatalf("grant: %d %s", res.Status, res.Body)
	}
	owner = e.Login("district", "Ow#Qidong-Own2026") // the grant ended the old session
	if res := owner.Do("GET", "/api/v1/organizations", nil); res.Status != 200 {
		t.Errorf("granted district reads the ledger: %d %s", res.Status, res.Body)
	}
	if res := owner.Do("PUT", "/api/v1/assess/settings", map[string]any{"min_compliance": 75, "min_satisfaction": 60}); res.Status != 200 {
		t.Errorf("district at the root sets a jurisdiction rule: %d %s", res.Status, res.Body)
	}

	// A reset gives the system administrator a password: it revokes the role.
	res = admin.Do("POST", fmt.Sprintf("/api/v1/users/%d/reset-password", out.User.ID), nil)
	if res.Status != 200 {
		t.Fatalf("reset: %d %s", res.Status, res.Body)
	}
	temp, _ := res.Map(t)["temporary_password"].(string)
	taken := firstLogin(t, e, "district", temp, "Tk#Taken-Over2026")
	for _, p := range []string{"/api/v1/organizations", "/api/v1/members"} {
		if res := taken.Do("GET", p, nil); res.Status != 403 {
			t.Errorf("after a reset GET %s: %d, want 403", p, res.Status)
		}
	}

	// The audit administrator reads the trail of all of it.
	for _, action := range []string{"user_create", "user_grant", "password_reset"} {
		res := auditor.Do("GET", "/api/v1/audit?action="+action, nil)
		if res.Status != 200 || !strings.Contains(string(res.Body), `"total":`) || strings.Contains(string(res.Body), `"total":0`) {
			t.Errorf("audit %s: %d %s", action, res.Status, res.Body)
		}
	}
	for name, c := range map[string]*testenv.Client{"admin": admin, "secadmin": sec} {
		if res := c.Do("GET", "/api/v1/audit", nil); res.Status != 403 {
			t.Errorf("%s reads the audit trail: %d", name, res.Status)
		}
	}
}
