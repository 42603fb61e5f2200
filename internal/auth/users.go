package auth

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// UserFilter selects users.
type UserFilter struct {
	Q        string // matches username or display name
	Role     string
	Page     int
	PageSize int
}

// NewUser is the input to CreateUser.
type NewUser struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	Scope       string `json:"scope"`
	// PartyOrgID binds a party_org user to one party organization; its
	// region then becomes the scope.
	PartyOrgID int64 `json:"party_org_id"`
	// InstructorID binds an instructor user to one 党建指导员 record; the
	// record's region then becomes the scope.
	InstructorID int64 `json:"instructor_id"`
	// HandlerUnitID binds a handler user to one 订单式服务 handler unit;
	// the unit's region then becomes the scope.
	HandlerUnitID int64 `json:"handler_unit_id"`
	// MemberID binds a member user (党员账号) to one roster entry; only the
	// server console sets it (the web opens member accounts through
	// activation codes); the member's party organization's region becomes
	// the scope.
	MemberID int64  `json:"-"`
	Password string `json:"password"`
}

// UserPatch changes the account fields of a user (the system
// administrator's share); nil fields stay as they are. Role and scope are
// granted with Grant.
type UserPatch struct {
	DisplayName *string `json:"display_name"`
	Disabled    *bool   `json:"disabled"`
}

// Grant is what the security administrator grants: a role, a scope and, for
// role party_org, a party organization (whose region becomes the scope).
// Role "none" revokes the business role.
type Grant struct {
	Role       string `json:"role"`
	Scope      string `json:"scope"`
	PartyOrgID int64  `json:"party_org_id"`
	// InstructorID binds role instructor to one 党建指导员 record (required
	// for that role); the record's region becomes the scope.
	InstructorID int64 `json:"instructor_id"`
	// HandlerUnitID binds role handler to one active handler unit (required
	// for that role, refused for the others); the unit's region becomes the
	// scope.
	HandlerUnitID int64 `json:"handler_unit_id"`
}

// requirePerm returns the actor if it holds p.
func requirePerm(ctx context.Context, p Perm) (actor.Actor, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return a, apperr.Unauthenticated("")
	}
	if a.System || Can(a.Role, p) {
		return a, nil
	}
	return a, apperr.Forbidden()
}

// scopeCond returns a SQL condition restricting col to the actor's subtree.
func scopeCond(a actor.Actor, col string) (string, []any) {
	if a.System {
		return "1=1", nil
	}
	return store.PrefixRange(col, a.Scope)
}

// ListUsers returns the users inside the caller's scope.
func (s *Service) ListUsers(ctx context.Context, f UserFilter) ([]User, store.Total, error) {
	ctx = store.WithOp(ctx, "auth.ListUsers")
	a, err := requirePerm(ctx, PermUserRead)
	if err != nil {
		return nil, store.Total{}, err
	}
	cond, args := scopeCond(a, "scope")
	if a.System {
		cond = "1=1"
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond += ` AND (LOWER(username) LIKE ? ESCAPE '\' OR display_name LIKE ? ESCAPE '\')`
		pat := "%" + store.LikeEscape(strings.ToLower(q)) + "%"
		args = append(args, pat, "%"+store.LikeEscape(q)+"%")
	}
	if f.Role != "" {
		cond += " AND role = ?"
		args = append(args, f.Role)
	}
	page, size := normPage(f.Page, f.PageSize)
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: userCols, From: "FROM users", Cond: cond, Args: args, Order: "id"},
		store.Page{Number: page, Size: size}, func(r store.Scanner) (User, error) { return s.scanUser(ctx, r) })
	if err != nil {
		return nil, store.Total{}, err
	}
	for i := range out {
		s.fillScopeName(ctx, &out[i])
	}
	return out, total, nil
}

func normPage(page, size int) (int, int) {
	page, size = store.ClampPage(page, size, 200)
	return page, size
}

// GetUser returns one user inside the caller's scope (404 otherwise).
func (s *Service) GetUser(ctx context.Context, id int64) (User, error) {
	ctx = store.WithOp(ctx, "auth.GetUser")
	a, err := requirePerm(ctx, PermUserRead)
	if err != nil {
		return User{}, err
	}
	u, err := s.scopedUser(ctx, s.DB, a, id)
	if err != nil {
		return u, err
	}
	s.fillScopeName(ctx, &u)
	return u, nil
}

func (s *Service) scopedUser(ctx context.Context, q store.Querier, a actor.Actor, id int64) (User, error) {
	u, err := s.userByID(ctx, q, id)
	if err != nil {
		return u, err
	}
	if !a.InScope(u.Scope) {
		return User{}, apperr.NotFound("用户")
	}
	return u, nil
}

// UserByUsername finds a user for the CLI (system actor only).
func (s *Service) UserByUsername(ctx context.Context, username string) (User, error) {
	a, err := requirePerm(ctx, PermUserRead)
	if err != nil {
		return User{}, err
	}
	u, err := s.userByUsername(ctx, s.DB, username)
	if err != nil {
		return u, err
	}
	if !a.InScope(u.Scope) {
		return User{}, apperr.NotFound("用户")
	}
	s.fillScopeName(ctx, &u)
	return u, nil
}

// IsAdminRole reports whether role is one of the three administrators
// (三员: system, security, audit).
func IsAdminRole(role string) bool {
	return role == RoleSystemAdmin || role == RoleSecurityAdmin || role == RoleAuditAdmin
}

// adminRoleError is returned when the web tries to create, change or take
// over an administrator account: 三员 accounts are managed only from the
// server console (liangxin user …), so no administrator can make themselves
// another one, e.g. the system administrator an audit administrator.
func adminRoleError(field string) *apperr.Error {
	return apperr.InvalidField(field, "系统管理员、安全管理员、审计管理员（三员）账户只能由服务器运维人员使用 liangxin user 命令管理")
}

// guardAdmin refuses web changes to administrator accounts (system actors pass).
func guardAdmin(a actor.Actor, u User) error {
	if !a.System && IsAdminRole(u.Role) {
		return adminRoleError("role")
	}
	return nil
}

// resolvePartyOrgScope checks a party organization binding and returns the
// region code that becomes the user's scope.
func (s *Service) resolvePartyOrgScope(ctx context.Context, a actor.Actor, bad *apperr.Error, role string, id int64) string {
	if role != RolePartyOrg {
		bad.Field("party_org_id", "只有“党组织书记/党务工作者”可以绑定到党组织")
		return ""
	}
	if s.PartyOrgs == nil {
		bad.Field("party_org_id", "无法绑定党组织")
		return ""
	}
	region, _, err := s.PartyOrgs.PartyOrgScope(actor.System(ctx, "auth"), id)
	if err != nil || !a.InScope(region) || (a.PartyOrgID != 0 && a.PartyOrgID != id) {
		bad.Field("party_org_id", "党组织不存在或已撤销，或不在您的管辖范围内")
		return ""
	}
	return region
}

// resolveInstructorScope checks an instructor binding (required for role
// instructor, refused for every other role) and returns the region code of
// the record, which becomes the user's scope.
func (s *Service) resolveInstructorScope(ctx context.Context, q store.Querier, a actor.Actor, bad *apperr.Error, role string, id int64) string {
	if role != RoleInstructor {
		if id != 0 {
			bad.Field("instructor_id", "只有“党建指导员”角色可以绑定到指导员记录")
		}
		return ""
	}
	if id == 0 {
		// The console may make an unbound instructor account (it sees
		// nothing until bound); the web grant requires the binding.
		if !a.System {
			bad.Field("instructor_id", "党建指导员账户须绑定一名指导员")
		}
		return ""
	}
	var region string
	err := s.DB.QueryRow(ctx, q, `SELECT region_code FROM instructors WHERE id = ?`, id).Scan(&region)
	if err != nil || !a.InScope(region) {
		bad.Field("instructor_id", "指导员记录不存在或不在您的管辖范围内")
		return ""
	}
	return region
}

// resolveHandlerUnitScope checks a handler unit binding (required for role
// handler, refused for every other role; the unit must exist, be active and
// lie inside the caller's scope) and returns the unit's region code, which
// becomes the user's scope.
func (s *Service) resolveHandlerUnitScope(ctx context.Context, q store.Querier, a actor.Actor, bad *apperr.Error, role string, id int64) string {
	if role != RoleHandler {
		if id != 0 {
			bad.Field("handler_unit_id", "只有“承办单位经办人”角色可以绑定到承办单位")
		}
		return ""
	}
	if id == 0 {
		bad.Field("handler_unit_id", "承办单位经办人账户须绑定一个承办单位")
		return ""
	}
	var region string
	var active bool
	err := s.DB.QueryRow(ctx, q, `SELECT region_code, active FROM service_handler_units WHERE id = ?`, id).Scan(&region, &active)
	if err != nil || !active || !a.InScope(region) {
		bad.Field("handler_unit_id", "承办单位不存在、已停用或不在您的管辖范围内")
		return ""
	}
	return region
}

func (s *Service) validateRoleScope(ctx context.Context, a actor.Actor, bad *apperr.Error, role, scope string) {
	if RoleName(role) == "" {
		bad.Field("role", "角色无效")
	}
	if scope == "" {
		bad.Field("scope", "请选择管辖范围")
		return
	}
	if !a.InScope(scope) {
		bad.Field("scope", "管辖范围超出了您自己的管辖范围")
		return
	}
	if s.Scopes != nil {
		if _, err := s.Scopes.ScopeName(actor.System(ctx, "auth"), scope); err != nil {
			bad.Field("scope", "管辖范围不是本辖区内的有效区划")
		}
	}
}

// CreateUser creates an account. Without a password a random one is generated
// and returned; either way it must be changed at first login.
//
// Through the web (the system administrator) an account is created with
// role "none", the creator's scope and a random password shown once: the
// creator can choose neither a role, a scope nor the password, and the
// account can do nothing until the security administrator grants a role
// (GrantUser). The server console (a system actor) may give all three.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, string, error) {
	ctx = store.WithOp(ctx, "auth.CreateUser")
	a, err := requirePerm(ctx, PermUserAccount)
	if err != nil {
		return User{}, "", err
	}
	in.Username = strings.TrimSpace(in.Username)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	in.Scope = strings.TrimSpace(in.Scope)
	bad := apperr.Invalid()
	if in.Role == "" {
		in.Role = RoleNone
	}
	if !a.System {
		if in.Role != RoleNone {
			bad.Field("role", "新建的账户没有业务角色，须由安全管理员授予角色和管辖范围")
		}
		if in.Scope != "" && in.Scope != a.Scope {
			bad.Field("scope", "管辖范围由安全管理员授权时设定")
		}
		if in.PartyOrgID != 0 {
			bad.Field("party_org_id", "绑定党组织由安全管理员授权时设定")
		}
		if in.InstructorID != 0 {
			bad.Field("instructor_id", "绑定指导员记录由安全管理员授权时设定")
		}
		if in.HandlerUnitID != 0 {
			bad.Field("handler_unit_id", "绑定承办单位由安全管理员授权时设定")
		}
		if in.Password != "" {
			bad.Field("password", "初始密码由系统随机生成，只显示一次，不能指定")
		}
		in.Role, in.Scope, in.PartyOrgID, in.InstructorID, in.HandlerUnitID, in.MemberID, in.Password = RoleNone, a.Scope, 0, 0, 0, 0, ""
	}
	var mem any
	if region := s.resolveMemberScope(ctx, s.DB, bad, in.Role, in.MemberID); region != "" {
		in.Scope, mem = region, in.MemberID
	}
	var instr any
	if region := s.resolveInstructorScope(ctx, s.DB, a, bad, in.Role, in.InstructorID); region != "" {
		in.Scope, instr = region, in.InstructorID
	}
	var unit any
	if region := s.resolveHandlerUnitScope(ctx, s.DB, a, bad, in.Role, in.HandlerUnitID); region != "" {
		in.Scope, unit = region, in.HandlerUnitID
	}
	var partyOrg any
	if in.PartyOrgID != 0 {
		if region := s.resolvePartyOrgScope(ctx, a, bad, in.Role, in.PartyOrgID); region != "" {
			in.Scope = region
		}
		partyOrg = in.PartyOrgID
	}
	if !usernameRE.MatchString(in.Username) {
		bad.Field("username", "用户名须为 3–32 位，以字母开头，只含字母、数字和 _ . -")
	}
	if in.DisplayName == "" {
		in.DisplayName = in.Username
	}
	if utf8.RuneCountInString(in.DisplayName) > 50 {
		bad.Field("display_name", "姓名不能超过 50 个字")
	}
	s.validateRoleScope(ctx, a, bad, in.Role, in.Scope)
	generated := ""
	if in.Password == "" {
		generated = GeneratePassword()
		in.Password = generated
	} else if err := CheckPasswordPolicy("password", in.Password, in.Username); err != nil {
		e, _ := apperr.As(err)
		for f, m := range e.Fields {
			bad.Field(f, m)
		}
	}
	if err := bad.OrNil(); err != nil {
		return User{}, "", err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, "", err
	}
	var u User
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := store.FormatTime(s.Now())
		var id int64
		err := s.DB.QueryRow(ctx, tx, `INSERT INTO users (username, display_name, role, scope, party_org_id, instructor_id, handler_unit_id, member_id, password_hash, must_change_password,
			password_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Username, in.DisplayName, in.Role, in.Scope, partyOrg, instr, unit, mem, hash, true, now, now, now).Scan(&id)
		if store.IsUniqueViolation(err) {
			return apperr.Conflict("用户名已存在").Field("username", "用户名已存在")
		}
		if err != nil {
			return err
		}
		u, err = s.userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "user_create", Entity: "user", EntityID: fmt.Sprint(id), After: u.auditView()})
	})
	if err != nil {
		return User{}, "", err
	}
	s.fillScopeName(ctx, &u)
	return u, generated, nil
}

// UpdateUser changes a user's display name or disabled flag (the system
// administrator's share). Disabling ends the user's sessions. Nobody disables
// their own account.
func (s *Service) UpdateUser(ctx context.Context, id int64, p UserPatch) (User, error) {
	ctx = store.WithOp(ctx, "auth.UpdateUser")
	a, err := requirePerm(ctx, PermUserAccount)
	if err != nil {
		return User{}, err
	}
	var out User
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		u, err := s.scopedUser(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := guardAdmin(a, u); err != nil {
			return err
		}
		before := u.auditView()
		bad := apperr.Invalid()
		if p.DisplayName != nil {
			n := strings.TrimSpace(*p.DisplayName)
			if n == "" || utf8.RuneCountInString(n) > 50 {
				bad.Field("display_name", "姓名不能为空且不能超过 50 个字")
			}
			u.DisplayName = n
		}
		endSessions := false
		if p.Disabled != nil && *p.Disabled != u.Disabled {
			if !a.System && a.UserID == u.ID {
				bad.Field("disabled", "不能停用自己的账户")
			}
			u.Disabled = *p.Disabled
			endSessions = u.Disabled
		}
		if err := bad.OrNil(); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE users SET display_name = ?, disabled = ?, updated_at = ? WHERE id = ?`,
			u.DisplayName, u.Disabled, store.FormatTime(s.Now()), u.ID); err != nil {
			return err
		}
		if endSessions {
			if _, err := s.DB.Exec(ctx, tx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return err
			}
		}
		out, err = s.userByID(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "user_update", Entity: "user", EntityID: fmt.Sprint(u.ID), Before: before, After: out.auditView()})
	})
	if err != nil {
		return User{}, err
	}
	s.fillScopeName(ctx, &out)
	return out, nil
}

// GrantUser grants a role and a scope (or, for role party_org, a party
// organization) to an account, or revokes its business role with role
// "none" (the security administrator's share). It ends the account's
// sessions. Nobody grants to themselves or to one of the three
// administrator accounts, and a business role is granted only once the
// account's owner has replaced the initial or temporary password, which its
// creator saw: a password known to the system administrator is never valid
// on an account with a business role.
func (s *Service) GrantUser(ctx context.Context, id int64, g Grant) (User, error) {
	a, err := requirePerm(ctx, PermUserGrant)
	if err != nil {
		return User{}, err
	}
	g.Role, g.Scope = strings.TrimSpace(g.Role), strings.TrimSpace(g.Scope)
	var out User
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		u, err := s.scopedUser(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := guardAdmin(a, u); err != nil {
			return err
		}
		before := u.auditView()
		bad := apperr.Invalid()
		if !a.System && a.UserID == u.ID {
			bad.Field("role", "不能修改自己的角色和管辖范围")
		}
		if !a.System && IsAdminRole(g.Role) {
			e := adminRoleError("role")
			bad.Field("role", e.Fields["role"])
		}
		if g.Role == RoleMember || u.MemberID != nil {
			bad.Field("role", memberRoleMessage)
		}
		if g.Role != RoleNone && !IsAdminRole(g.Role) && u.MustChangePassword && !a.System {
			bad.Field("role", "该账户尚未由本人登录并修改初始密码（或重置后的临时密码），请在其修改密码后再授予角色")
		}
		scope := g.Scope
		var partyOrg any
		if g.PartyOrgID != 0 {
			if region := s.resolvePartyOrgScope(ctx, a, bad, g.Role, g.PartyOrgID); region != "" {
				scope = region
			}
			partyOrg = g.PartyOrgID
		} else if scope == "" && g.Role == RoleNone {
			scope = u.Scope
		}
		var instr any
		if region := s.resolveInstructorScope(ctx, tx, a, bad, g.Role, g.InstructorID); region != "" {
			scope, instr = region, g.InstructorID
		}
		var unit any
		if region := s.resolveHandlerUnitScope(ctx, tx, a, bad, g.Role, g.HandlerUnitID); region != "" {
			scope, unit = region, g.HandlerUnitID
		}
		s.validateRoleScope(ctx, a, bad, g.Role, scope)
		if err := bad.OrNil(); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE users SET role = ?, scope = ?, party_org_id = ?, instructor_id = ?, handler_unit_id = ?, updated_at = ? WHERE id = ?`,
			g.Role, scope, partyOrg, instr, unit, store.FormatTime(s.Now()), u.ID); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
		out, err = s.userByID(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "user_grant", Entity: "user", EntityID: fmt.Sprint(u.ID), Before: before, After: out.auditView()})
	})
	if err != nil {
		return User{}, err
	}
	s.fillScopeName(ctx, &out)
	return out, nil
}

// ResetPassword sets a random temporary password that must be changed at next
// login, unlocks the account and ends its sessions.
func (s *Service) ResetPassword(ctx context.Context, id int64) (string, error) {
	a, err := requirePerm(ctx, PermUserAccount)
	if err != nil {
		return "", err
	}
	pw := GeneratePassword()
	hash, err := HashPassword(pw)
	if err != nil {
		return "", err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		u, err := s.scopedUser(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := guardAdmin(a, u); err != nil {
			return err
		}
		now := store.FormatTime(s.Now())
		before := u.auditView()
		// The one who resets sees the temporary password. Through the web
		// that is the system administrator, who must not be able to act as
		// a business user: the reset also revokes the business role, which
		// the security administrator grants again once the owner has chosen
		// a new password. The console (a system actor) keeps the role.
		role, note := u.Role, u.Username
		if !a.System && role != RoleNone {
			role = RoleNone
			note = u.Username + "：重置密码同时撤销业务角色（" + RoleName(u.Role) + "），待本人修改密码后由安全管理员重新授权"
		}
		// A reset is how a suspected takeover is answered: end sessions and revoke API tokens too.
		if _, err := s.DB.Exec(ctx, tx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, now, u.ID); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ?,
			failed_attempts = 0, locked_until = NULL, role = ?, updated_at = ? WHERE id = ?`, hash, true, now, role, now, u.ID); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
		after, err := s.userByID(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "password_reset", Entity: "user", EntityID: fmt.Sprint(u.ID),
			Before: before, After: after.auditView(), Note: note})
	})
	if err != nil {
		return "", err
	}
	return pw, nil
}

// Unlock clears a lockout.
func (s *Service) Unlock(ctx context.Context, id int64) error {
	a, err := requirePerm(ctx, PermUserAccount)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		u, err := s.scopedUser(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := guardAdmin(a, u); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?`, u.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "unlock", Entity: "user", EntityID: fmt.Sprint(u.ID), Note: u.Username})
	})
}

// RevokeSessions ends every session of a user.
func (s *Service) RevokeSessions(ctx context.Context, id int64) error {
	a, err := requirePerm(ctx, PermUserAccount)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		u, err := s.scopedUser(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := guardAdmin(a, u); err != nil {
			return err
		}
		res, err := s.DB.Exec(ctx, tx, `DELETE FROM sessions WHERE user_id = ?`, u.ID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "session_revoke", Entity: "user", EntityID: fmt.Sprint(u.ID),
			Note: fmt.Sprintf("%s：结束 %d 个会话", u.Username, n)})
	})
}

// Me returns the caller's own account.
func (s *Service) Me(ctx context.Context) (User, error) {
	a, ok := actor.From(ctx)
	if !ok || a.UserID == 0 {
		return User{}, apperr.Unauthenticated("")
	}
	u, err := s.userByID(ctx, s.DB, a.UserID)
	if err != nil {
		return u, err
	}
	s.fillScopeName(ctx, &u)
	return u, nil
}

// CountUsers returns how many accounts exist.
func (s *Service) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// InitialAccount is an administrator account made at the first start, with
// its one-time password.
type InitialAccount struct {
	Username string
	Role     string
	Password string
}

// bootstrapAccounts are the three administrators (三员) the first start makes.
var bootstrapAccounts = []struct{ username, name, role string }{
	{"admin", "系统管理员", RoleSystemAdmin},
	{"secadmin", "安全管理员", RoleSecurityAdmin},
	{"auditor", "审计管理员", RoleAuditAdmin},
}

// Bootstrap makes sure each of the three administrator roles has an account:
// on an empty database it creates admin (system administrator), secadmin
// (security administrator) and auditor (audit administrator), each with a
// random password that must be changed at the first login. On an older
// database that has only admin, it adds the missing ones (when their username
// is free). It returns the accounts it created, with their passwords.
func (s *Service) Bootstrap(ctx context.Context, scope string) ([]InitialAccount, error) {
	sys := actor.System(ctx, "bootstrap")
	var out []InitialAccount
	for _, b := range bootstrapAccounts {
		var n int
		if err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*) FROM users WHERE role = ? OR username = ?`, b.role, b.username).Scan(&n); err != nil {
			return out, err
		}
		if n > 0 {
			continue
		}
		_, pw, err := s.CreateUser(sys, NewUser{Username: b.username, DisplayName: b.name, Role: b.role, Scope: scope})
		if err != nil {
			return out, err
		}
		out = append(out, InitialAccount{Username: b.username, Role: b.role, Password: pw})
	}
	return out, nil
}
