package auth_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/store"
)

// scopeFixture has a security administrator and a system administrator of
// 洪桥街道 and users inside and outside that street.
type scopeFixture struct {
	*fixture
	admin    auth.User       // security_admin of 洪桥街道
	sysAdmin auth.User       // system_admin of 洪桥街道
	street   auth.User       // in 洪桥街道
	village  auth.User       // in 达孝社区, below 洪桥街道
	outside  auth.User       // in 玉合街道
	countyWd auth.User       // the whole county
	ctx      context.Context // as the security administrator
	sysCtx   context.Context // as the system administrator
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
		sysAdmin: f.user("sys_hq", auth.RoleSystemAdmin, hongqiao),
	}
	sf.ctx = as(sf.admin)
	sf.sysCtx = as(sf.sysAdmin)
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
	if got, want := strings.Join(names, ","), "dx_clerk,hq_clerk,sec_hq,sys_hq"; got != want || total != store.Exact(4) {
		t.Errorf("ListUsers = %s (total %v), want %s (4)", got, total, want)
	}
	// A query that matches an outside user finds nothing.
	list, total, err = f.svc.ListUsers(f.ctx, auth.UserFilter{Q: "yh_"})
	if err != nil || len(list) != 0 || total != store.Exact(0) {
		t.Errorf("ListUsers(q=yh_) = %v, %v, %v", list, total, err)
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
	page, total, err := f.svc.ListUsers(f.ctx, auth.UserFilter{Page: 2, PageSize: 3})
	if err != nil || len(page) != 1 || total != store.Exact(4) {
		t.Errorf("page 2 of 2 = %d users, total %v, %v", len(page), total, err)
	}
	// The system actor sees everyone.
	_, total, err = f.svc.ListUsers(f.sys, auth.UserFilter{})
	if err != nil || total != store.Exact(6) {
		t.Errorf("system ListUsers total = %v, %v; want 6", total, err)
	}
	// Roles without user management are refused.
	for _, role := range []string{auth.RoleStreet, auth.RoleAuditAdmin, auth.RoleReadonly, auth.RoleDistrict, auth.RoleNone, "", "root"} {
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
	disabled := true
	patches := map[string]auth.UserPatch{
		"display_name": {DisplayName: &name},
		"disabled":     {Disabled: &disabled},
	}
	for what, p := range patches {
		t.Run(what, func(t *testing.T) {
			_, err := f.svc.UpdateUser(f.sysCtx, f.outside.ID, p)
			wantErr(t, err, apperr.KindNotFound, "")
			_, err = f.svc.UpdateUser(f.sysCtx, f.countyWd.ID, p)
			wantErr(t, err, apperr.KindNotFound, "")
		})
	}
	for _, g := range []auth.Grant{{Role: auth.RoleReadonly, Scope: hongqiao}, {Role: auth.RoleNone}} {
		_, err := f.svc.GrantUser(f.ctx, f.outside.ID, g)
		wantErr(t, err, apperr.KindNotFound, "")
		_, err = f.svc.GrantUser(f.ctx, f.countyWd.ID, g)
		wantErr(t, err, apperr.KindNotFound, "")
	}
	_, err := f.svc.ResetPassword(f.sysCtx, f.outside.ID)
	wantErr(t, err, apperr.KindNotFound, "")
	wantErr(t, f.svc.Unlock(f.sysCtx, f.outside.ID), apperr.KindNotFound, "")
	wantErr(t, f.svc.RevokeSessions(f.sysCtx, f.outside.ID), apperr.KindNotFound, "")

	got, err := f.svc.GetUser(f.sys, f.outside.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "yh_clerk" || got.Role != auth.RoleStreet || got.Scope != yuhe || got.Disabled {
		t.Errorf("outside user changed: %+v", got)
	}
	f.mustLogin("yh_clerk", fixturePassword) // password not reset

	// Moving an inside user out of scope is refused on the scope field.
	_, err = f.svc.GrantUser(f.ctx, f.street.ID, auth.Grant{Role: auth.RoleStreet, Scope: yuhe})
	wantField(t, err, "scope")
	// Inside the scope, grants work and are audited with before and after.
	if _, err := f.svc.GrantUser(f.ctx, f.street.ID, auth.Grant{Role: auth.RoleReadonly, Scope: hongqiao}); err != nil {
		t.Fatal(err)
	}
	rows := f.auditRows("user_grant")
	if len(rows) != 1 {
		t.Fatalf("user_grant rows = %+v, want 1 (refused grants are not changes)", rows)
	}
	before, _ := rows[0].Detail["before"].(map[string]any)
	after, _ := rows[0].Detail["after"].(map[string]any)
	if before["role"] != auth.RoleStreet || after["role"] != auth.RoleReadonly ||
		rows[0].Username != "sec_hq" || rows[0].EntityID != id(f.street) {
		t.Errorf("user_grant row = %+v", rows[0])
	}
	// Account changes by the system administrator are audited too.
	if _, err := f.svc.UpdateUser(f.sysCtx, f.street.ID, auth.UserPatch{DisplayName: &name}); err != nil {
		t.Fatal(err)
	}
	rows = f.auditRows("user_update")
	if len(rows) != 1 {
		t.Fatalf("user_update rows = %+v, want 1", rows)
	}
	after, _ = rows[0].Detail["after"].(map[string]any)
	if after["display_name"] != name || rows[0].Username != "sys_hq" {
		t.Errorf("user_update row = %+v", rows[0])
	}
	for _, r := range rowValues(t, f.db, `SELECT detail FROM audit_log`) {
		if strings.Contains(r[0], "argon2") {
			t.Errorf("audit detail holds a password hash: %s", r[0])
		}
	}
}

func TestUserScopeGrant(t *testing.T) {
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
		_, err := f.svc.GrantUser(f.ctx, f.village.ID, auth.Grant{Role: auth.RoleReadonly, Scope: c.scope})
		wantField(t, err, c.field)
	}
	if n := len(f.auditRows("user_grant")); n != 0 {
		t.Errorf("%d user_grant rows for refused grants", n)
	}
	_, err := f.svc.GrantUser(f.ctx, f.village.ID, auth.Grant{Role: "root", Scope: daxiao})
	wantField(t, err, "role")
	u, err := f.svc.GrantUser(f.ctx, f.village.ID, auth.Grant{Role: auth.RoleStreet, Scope: daxiao})
	if err != nil || u.Role != auth.RoleStreet || u.ScopeName != "达孝社区居委会" {
		t.Fatalf("grant: %+v %v", u, err)
	}
}

func TestUserCreateBySystemAdmin(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	u, pw, err := f.svc.CreateUser(f.sysCtx, auth.NewUser{Username: "newbie", DisplayName: "新同志"})
	if err != nil {
		t.Fatal(err)
	}
	// No business role, the creator's scope, a random password shown once.
	if pw == "" || !u.MustChangePassword || u.Role != auth.RoleNone || u.Scope != hongqiao {
		t.Errorf("created %+v with password %q", u, pw)
	}
	rows := f.auditRows("user_create")
	last := rows[len(rows)-1]
	after, _ := last.Detail["after"].(map[string]any)
	if last.Username != "sys_hq" || last.EntityID != id(u) || after["role"] != auth.RoleNone {
		t.Errorf("user_create row = %+v", last)
	}
	for _, r := range rowValues(t, f.db, `SELECT * FROM audit_log`) {
		if strings.Contains(strings.Join(r, "|"), pw) {
			t.Errorf("audit holds the generated password: %q", r)
		}
	}

	// Validation names every bad field: the creator chooses neither a role,
	// a scope, a party organization nor the password.
	_, _, err = f.svc.CreateUser(f.sysCtx, auth.NewUser{Username: "1x", Role: auth.RoleDistrict, Scope: yuhe, PartyOrgID: 1, Password: "Chosen#Pass2026"})
	e := wantErr(t, err, apperr.KindInvalid, "invalid")
	for _, field := range []string{"username", "role", "scope", "party_org_id", "password"} {
		if _, ok := e.Fields[field]; !ok {
			t.Errorf("fields %v lack %s", e.Fields, field)
		}
	}
	// Duplicate usernames conflict.
	_, _, err = f.svc.CreateUser(f.sysCtx, auth.NewUser{Username: "hq_clerk"})
	wantErr(t, err, apperr.KindConflict, "")
	// The security administrator does not create accounts.
	_, _, err = f.svc.CreateUser(f.ctx, auth.NewUser{Username: "other"})
	wantErr(t, err, apperr.KindForbidden, "")
}

func TestUserCannotChangeOwnRoleScopeOrDisabled(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	disabled := true
	for _, g := range []auth.Grant{{Role: auth.RoleSystemAdmin, Scope: hongqiao}, {Role: auth.RoleReadonly, Scope: hongqiao}, {Role: auth.RoleSecurityAdmin, Scope: daxiao}} {
		_, err := f.svc.GrantUser(f.ctx, f.admin.ID, g)
		wantField(t, err, "role")
	}
	_, err := f.svc.UpdateUser(f.sysCtx, f.sysAdmin.ID, auth.UserPatch{Disabled: &disabled})
	e := wantErr(t, err, apperr.KindInvalid, "")
	// The error names the field, or the role when the account is an
	// administrator's, which only the console may change.
	_, named := e.Fields["disabled"]
	_, roleNamed := e.Fields["role"]
	if !named && !roleNamed {
		t.Errorf("disabling own account: fields %v", e.Fields)
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
	if rows := f.auditRows("user_grant"); len(rows) != 0 {
		t.Errorf("refused self-changes audited as grants: %+v", rows)
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
	if _, err := f.svc.GrantUser(f.ctx, f.street.ID, auth.Grant{Role: auth.RoleReadonly, Scope: hongqiao}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Authenticate(context.Background(), s.Token)
	wantErr(t, err, apperr.KindUnauthenticated, "")

	// A display-name change does not.
	s = f.mustLogin("hq_clerk", fixturePassword)
	name := "张三"
	if _, err := f.svc.UpdateUser(f.sysCtx, f.street.ID, auth.UserPatch{DisplayName: &name}); err != nil {
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
	pw, err := f.svc.ResetPassword(f.sysCtx, f.street.ID)
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
	// The system administrator saw the temporary password: the reset also
	// revoked the business role, kept the scope, and says so in the trail.
	if ns.User.Role != auth.RoleNone || ns.User.Scope != hongqiao {
		t.Errorf("after a reset the account is %s at %s, want none at %s", ns.User.Role, ns.User.Scope, hongqiao)
	}
	rows := f.auditRows("password_reset")
	if len(rows) != 1 || rows[0].EntityID != id(f.street) {
		t.Fatalf("password_reset rows = %+v", rows)
	}
	before, _ := rows[0].Detail["before"].(map[string]any)
	after, _ := rows[0].Detail["after"].(map[string]any)
	if before["role"] != auth.RoleStreet || after["role"] != auth.RoleNone {
		t.Errorf("password_reset detail = %+v", rows[0].Detail)
	}
	// The security administrator cannot reset passwords.
	_, err = f.svc.ResetPassword(f.ctx, f.village.ID)
	wantErr(t, err, apperr.KindForbidden, "")
}

// TestThreeAdminsHoldNoBusinessPermission: 三员分立 — none of the three
// administrators holds a permission on the ledger, members or organizational
// life, and a new account holds nothing but self.
func TestThreeAdminsHoldNoBusinessPermission(t *testing.T) {
	business := []auth.Perm{auth.PermLedgerRead, auth.PermLedgerWrite, auth.PermLedgerSettings, auth.PermMemberRead, auth.PermMemberWrite,
		auth.PermMemberReveal, auth.PermMemberSettings, auth.PermOrgLifeRead, auth.PermOrgLifeWrite, auth.PermOrgLifeSettings, auth.PermAssessManage,
		auth.PermServiceRead, auth.PermServiceWrite, auth.PermServiceSettings, auth.PermVenueRead, auth.PermVenueWrite,
		auth.PermWorkRead, auth.PermWorkWrite, auth.PermWorkRespond, auth.PermVenueSettings,
		auth.PermFundsRead, auth.PermFundsWrite, auth.PermFundsSettings, auth.PermCobuildRead, auth.PermCobuildWrite, auth.PermBriefingRead}
	for _, role := range []string{auth.RoleSystemAdmin, auth.RoleSecurityAdmin, auth.RoleAuditAdmin, auth.RoleNone} {
		for _, p := range business {
			if auth.Can(role, p) {
				t.Errorf("%s holds %s", role, p)
			}
		}
	}
	if got := auth.Perms(auth.RoleNone); len(got) != 1 || got[0] != auth.PermSelf {
		t.Errorf("none holds %v, want only self", got)
	}
	// The split of user management.
	for _, c := range []struct {
		role string
		perm auth.Perm
		want bool
	}{
		{auth.RoleSystemAdmin, auth.PermUserAccount, true},
		{auth.RoleSystemAdmin, auth.PermUserGrant, false},
		{auth.RoleSecurityAdmin, auth.PermUserGrant, true},
		{auth.RoleSecurityAdmin, auth.PermUserAccount, false},
		{auth.RoleAuditAdmin, auth.PermUserRead, false},
		{auth.RoleAuditAdmin, auth.PermAuditRead, true},
		{auth.RoleSystemAdmin, auth.PermAuditRead, false},
		{auth.RoleSecurityAdmin, auth.PermAuditRead, false},
	} {
		if auth.Can(c.role, c.perm) != c.want {
			t.Errorf("Can(%s, %s) = %v, want %v", c.role, c.perm, !c.want, c.want)
		}
	}
}

// TestGrantAfterOwnerChangedPassword: the system administrator creates an
// account (and sees its one-time password); the security administrator can
// grant it a business role only after the owner replaced that password, and
// the system administrator cannot grant at all.
func TestGrantAfterOwnerChangedPassword(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	u, pw, err := f.svc.CreateUser(f.sysCtx, auth.NewUser{Username: "wang", DisplayName: "王同志"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.GrantUser(f.sysCtx, u.ID, auth.Grant{Role: auth.RoleStreet, Scope: hongqiao})
	wantErr(t, err, apperr.KindForbidden, "")
	_, err = f.svc.GrantUser(f.ctx, u.ID, auth.Grant{Role: auth.RoleStreet, Scope: hongqiao})
	wantField(t, err, "role")
	// The owner logs in with the one-time password and chooses their own.
	s := f.mustLogin("wang", pw)
	if s.User.Role != auth.RoleNone {
		t.Fatalf("new account role %q", s.User.Role)
	}
	ctx := actor.With(context.Background(), s.User.Actor("10.0.0.9"))
	if _, err := f.svc.ChangePassword(ctx, pw, "Qx#Own-Secret2026", "10.0.0.9", "go-test"); err != nil {
		t.Fatal(err)
	}
	g, err := f.svc.GrantUser(f.ctx, u.ID, auth.Grant{Role: auth.RoleStreet, Scope: hongqiao})
	if err != nil || g.Role != auth.RoleStreet || g.Scope != hongqiao {
		t.Fatalf("grant after the change: %+v %v", g, err)
	}
	// Revoking needs no password change.
	if g, err = f.svc.GrantUser(f.ctx, u.ID, auth.Grant{Role: auth.RoleNone}); err != nil || g.Role != auth.RoleNone || g.Scope != hongqiao {
		t.Fatalf("revoke: %+v %v", g, err)
	}
	// No administrator role through the web.
	_, err = f.svc.GrantUser(f.ctx, u.ID, auth.Grant{Role: auth.RoleAuditAdmin, Scope: hongqiao})
	wantField(t, err, "role")
}
