package auth_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/auth"
)

// scopeFixture has a security administrator of 洪桥街道 and users inside and
// outside that street.
type scopeFixture struct {
	*fixture
	admin    auth.User // security_admin of 洪桥街道
	street   auth.User // in 洪桥街道
	village  auth.User // in 达孝社区, below 洪桥街道
	outside  auth.User // in 玉合街道
	countyWd auth.User // the whole county
	ctx      context.Context
}

func newScopeFixture(t *testing.T) *scopeFixture {
	f := newFixture(t)
	sf := &scopeFixture{
		fixture:  f,
		admin:    f.user("sec_hq", auth.RoleSecurityAdmin, hongqiao),
		street:   f.user("hq_clerk", auth.RoleStreet, hongqiao),
		village:  f.user("dx_clerk", auth.RoleReadonly, daxiao),
		outside:  f.user("yh_clerk", auth.RoleStreet, yuhe),
		countyWd: f.user("county", auth.RoleDistrict, county),
	}
	sf.ctx = as(sf.admin)
	return sf
}

func TestUserScopeGet(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	for _, u := range []auth.User{f.admin, f.street, f.village} {
		got, err := f.svc.GetUser(f.ctx, u.ID)
		if err != nil || got.ID != u.ID {
			t.Errorf("GetUser(%s) = %+v, %v", u.Username, got, err)
		}
	}
	for _, u := range []auth.User{f.outside, f.countyWd} {
		got, err := f.svc.GetUser(f.ctx, u.ID)
		wantErr(t, err, apperr.KindNotFound, "not_found")
		if got.ID != 0 || got.Username != "" {
			t.Errorf("GetUser(%s) leaked %+v", u.Username, got)
		}
		// The same answer as a user that does not exist.
		_, err2 := f.svc.GetUser(f.ctx, 999999)
		if err.Error() != err2.Error() {
			t.Errorf("out of scope %q differs from missing %q", err, err2)
		}
		_, err = f.svc.UserByUsername(f.ctx, u.Username)
		wantErr(t, err, apperr.KindNotFound, "")
	}
}

func TestUserScopeList(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	list, total, err := f.svc.ListUsers(f.ctx, auth.UserFilter{PageSize: 200})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range list {
		names = append(names, u.Username)
		if !strings.HasPrefix(u.Scope, hongqiao) {
			t.Errorf("listed %s with scope %s", u.Username, u.Scope)
		}
	}
	sort.Strings(names)
	if got, want := strings.Join(names, ","), "dx_clerk,hq_clerk,sec_hq"; got != want || total != 3 {
		t.Errorf("ListUsers = %s (total %d), want %s (3)", got, total, want)
	}
	// A query that matches an outside user finds nothing.
	list, total, err = f.svc.ListUsers(f.ctx, auth.UserFilter{Q: "yh_"})
	if err != nil || len(list) != 0 || total != 0 {
		t.Errorf("ListUsers(q=yh_) = %v, %d, %v", list, total, err)
	}
	// "_" is a literal, not a LIKE wildcard.
	list, _, err = f.svc.ListUsers(f.ctx, auth.UserFilter{Q: "_clerk"})
	if err != nil || len(list) != 2 {
		t.Errorf("ListUsers(q=_clerk) = %d users, %v; want 2", len(list), err)
	}
	list, _, err = f.svc.ListUsers(f.ctx, auth.UserFilter{Q: "_lerk"}) // would match "clerk" as a wildcard
	if err != nil || len(list) != 0 {
		t.Errorf("ListUsers(q=_lerk) = %d users, %v; want 0", len(list), err)
	}
	// Paging keeps the total.
	page, total, err := f.svc.ListUsers(f.ctx, auth.UserFilter{Page: 2, PageSize: 2})
	if err != nil || len(page) != 1 || total != 3 {
		t.Errorf("page 2 of 2 = %d users, total %d, %v", len(page), total, err)
	}
	// The system actor sees everyone.
	_, total, err = f.svc.ListUsers(f.sys, auth.UserFilter{})
	if err != nil || total != 5 {
		t.Errorf("system ListUsers total = %d, %v; want 5", total, err)
	}
	// Roles without user management are refused.
	for _, role := range []string{auth.RoleStreet, auth.RoleAuditAdmin, auth.RoleReadonly, auth.RoleDistrict, "", "root"} {
		ctx := actor.With(context.Background(), actor.Actor{UserID: f.street.ID, Role: role, Scope: county})
		_, _, err := f.svc.ListUsers(ctx, auth.UserFilter{})
		wantErr(t, err, apperr.KindForbidden, "forbidden")
	}
	_, _, err = f.svc.ListUsers(context.Background(), auth.UserFilter{})
	wantErr(t, err, apperr.KindUnauthenticated, "")
}

func TestUserScopeWrites(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	name := "改名"
	role := auth.RoleReadonly
	scope := hongqiao
	disabled := true
	patches := map[string]auth.UserPatch{
		"display_name": {DisplayName: &name},
		"role":         {Role: &role},
		"scope":        {Scope: &scope},
		"disabled":     {Disabled: &disabled},
	}
	for what, p := range patches {
		t.Run(what, func(t *testing.T) {
			_, err := f.svc.UpdateUser(f.ctx, f.outside.ID, p)
			wantErr(t, err, apperr.KindNotFound, "")
			_, err = f.svc.UpdateUser(f.ctx, f.countyWd.ID, p)
			wantErr(t, err, apperr.KindNotFound, "")
		})
	}
	_, err := f.svc.ResetPassword(f.ctx, f.outside.ID)
	wantErr(t, err, apperr.KindNotFound, "")
	wantErr(t, f.svc.Unlock(f.ctx, f.outside.ID), apperr.KindNotFound, "")
	wantErr(t, f.svc.RevokeSessions(f.ctx, f.outside.ID), apperr.KindNotFound, "")

	got, err := f.svc.GetUser(f.sys, f.outside.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "yh_clerk" || got.Role != auth.RoleStreet || got.Scope != yuhe || got.Disabled {
		t.Errorf("outside user changed: %+v", got)
	}
	f.mustLogin("yh_clerk", fixturePassword) // password not reset

	// Moving an inside user out of scope is refused on the scope field.
	out := yuhe
	_, err = f.svc.UpdateUser(f.ctx, f.street.ID, auth.UserPatch{Scope: &out})
	wantField(t, err, "scope")
	// Inside the scope, changes work and are audited with before and after.
	newRole := auth.RoleReadonly
	if _, err := f.svc.UpdateUser(f.ctx, f.street.ID, auth.UserPatch{Role: &newRole, DisplayName: &name}); err != nil {
		t.Fatal(err)
	}
	rows := f.auditRows("user_update")
	if len(rows) != 1 {
		t.Fatalf("user_update rows = %+v, want 1 (refused updates are not changes)", rows)
	}
	before, _ := rows[0].Detail["before"].(map[string]any)
	after, _ := rows[0].Detail["after"].(map[string]any)
	if before["role"] != auth.RoleStreet || after["role"] != auth.RoleReadonly || after["display_name"] != name ||
		rows[0].Username != "sec_hq" || rows[0].EntityID != id(f.street) {
		t.Errorf("user_update row = %+v", rows[0])
	}
	for _, r := range rowValues(t, f.db, `SELECT detail FROM audit_log`) {
		if strings.Contains(r[0], "argon2") {
			t.Errorf("audit detail holds a password hash: %s", r[0])
		}
	}
}

func TestUserScopeCreate(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	for _, c := range []struct {
		scope, field string
	}{
		{yuhe, "scope"},
		{county, "scope"},
		{"430426002001", "scope"},
		{"", "scope"},
		{"430426001999", "scope"}, // inside, but not a region
		{"4304260019", "scope"},   // a prefix trick
	} {
		_, _, err := f.svc.CreateUser(f.ctx, auth.NewUser{Username: "newbie", Role: auth.RoleReadonly, Scope: c.scope, Password: fixturePassword})
		wantField(t, err, c.field)
	}
	if n := f.count(`SELECT COUNT(*) FROM users WHERE username = ?`, "newbie"); n != 0 {
		t.Fatalf("refused user was created")
	}
	if n := len(f.auditRows("user_create")); n != 5 {
		t.Errorf("%d user_create rows, want 5 (the fixtures)", n)
	}
	u, pw, err := f.svc.CreateUser(f.ctx, auth.NewUser{Username: "newbie", DisplayName: "新同志", Role: auth.RoleReadonly, Scope: daxiao})
	if err != nil {
		t.Fatal(err)
	}
	if pw == "" || !u.MustChangePassword || u.ScopeName != "达孝社区居委会" {
		t.Errorf("created %+v with password %q", u, pw)
	}
	rows := f.auditRows("user_create")
	last := rows[len(rows)-1]
	after, _ := last.Detail["after"].(map[string]any)
	if last.Username != "sec_hq" || last.EntityID != id(u) || after["scope"] != daxiao || after["role"] != auth.RoleReadonly {
		t.Errorf("user_create row = %+v", last)
	}
	for _, r := range rowValues(t, f.db, `SELECT * FROM audit_log`) {
		if strings.Contains(strings.Join(r, "|"), pw) {
			t.Errorf("audit holds the generated password: %q", r)
		}
	}

	// Validation names every bad field.
	_, _, err = f.svc.CreateUser(f.ctx, auth.NewUser{Username: "1x", Role: "root", Scope: yuhe, Password: "short"})
	e := wantErr(t, err, apperr.KindInvalid, "invalid")
	for _, field := range []string{"username", "role", "scope", "password"} {
		if _, ok := e.Fields[field]; !ok {
			t.Errorf("fields %v lack %s", e.Fields, field)
		}
	}
	// Duplicate usernames conflict.
	_, _, err = f.svc.CreateUser(f.ctx, auth.NewUser{Username: "hq_clerk", Role: auth.RoleReadonly, Scope: hongqiao})
	wantErr(t, err, apperr.KindConflict, "")
}

func TestUserCannotChangeOwnRoleScopeOrDisabled(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	role := auth.RoleSystemAdmin
	lower := auth.RoleReadonly
	scope := daxiao
	disabled := true
	for _, c := range []struct {
		field string
		patch auth.UserPatch
	}{
		{"role", auth.UserPatch{Role: &role}},
		{"role", auth.UserPatch{Role: &lower}},
		{"scope", auth.UserPatch{Scope: &scope}},
		{"disabled", auth.UserPatch{Disabled: &disabled}},
	} {
		_, err := f.svc.UpdateUser(f.ctx, f.admin.ID, c.patch)
		e := wantErr(t, err, apperr.KindInvalid, "")
		// The error names the field, or the role when the account is an
		// administrator's, which only the console may change.
		_, named := e.Fields[c.field]
		_, roleNamed := e.Fields["role"]
		if !named && !roleNamed {
			t.Errorf("changing own %s: fields %v", c.field, e.Fields)
		}
	}
	got, err := f.svc.GetUser(f.sys, f.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Role != auth.RoleSecurityAdmin || got.Scope != hongqiao || got.Disabled {
		t.Errorf("own account changed: %+v", got)
	}
	if rows := f.auditRows("user_update"); len(rows) != 0 {
		t.Errorf("refused self-changes audited as updates: %+v", rows)
	}
	// The session of the administrator is intact.
	s := f.mustLogin("sec_hq", fixturePassword)
	if _, err := f.svc.Authenticate(context.Background(), s.Token); err != nil {
		t.Errorf("session after refused self-changes: %v", err)
	}
}

func TestRoleChangeEndsSessions(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	s := f.mustLogin("hq_clerk", fixturePassword)
	role := auth.RoleReadonly
	if _, err := f.svc.UpdateUser(f.ctx, f.street.ID, auth.UserPatch{Role: &role}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Authenticate(context.Background(), s.Token)
	wantErr(t, err, apperr.KindUnauthenticated, "")

	// A display-name change does not.
	s = f.mustLogin("hq_clerk", fixturePassword)
	name := "张三"
	if _, err := f.svc.UpdateUser(f.ctx, f.street.ID, auth.UserPatch{DisplayName: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(context.Background(), s.Token); err != nil {
		t.Errorf("display-name change ended the session: %v", err)
	}
}

func TestResetPassword(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	s := f.mustLogin("hq_clerk", fixturePassword)
	for i := 0; i < 5; i++ {
		_, _ = f.login("hq_clerk", wrongPassword)
	}
	pw, err := f.svc.ResetPassword(f.ctx, f.street.ID)
	if err != nil {
		t.Fatal(err)
	}
	if checkPolicy(t, "password", pw, "hq_clerk") != "" {
		t.Errorf("reset password %q fails the policy", pw)
	}
	_, err = f.svc.Authenticate(context.Background(), s.Token)
	wantErr(t, err, apperr.KindUnauthenticated, "")
	_, err = f.login("hq_clerk", fixturePassword)
	wantErr(t, err, apperr.KindUnauthenticated, "invalid_credentials")
	ns := f.mustLogin("hq_clerk", pw) // reset also unlocks
	if !ns.User.MustChangePassword {
		t.Error("a reset password need not be changed")
	}
	if rows := f.auditRows("password_reset"); len(rows) != 1 || rows[0].EntityID != id(f.street) {
		t.Errorf("password_reset rows = %+v", rows)
	}
}
