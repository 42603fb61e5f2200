package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// memberRoleMessage refuses granting role member from the user screen, and
// any other role to a member account: member accounts (党员账号) are opened
// with an activation code the branch secretary issues, and stay bound to
// their roster entry.
const memberRoleMessage = "党员账号只能由党员本人凭党组织书记签发的激活码开通，不能在用户管理中授予或改为其他角色"

// resolveMemberScope checks a member binding (console only; required for
// role member) and returns the region of the member's party organization,
// which becomes the user's scope.
func (s *Service) resolveMemberScope(ctx context.Context, q store.Querier, bad *apperr.Error, role string, id int64) string {
	if role != RoleMember {
		if id != 0 {
			bad.Field("member_id", "只有“党员”角色可以绑定到党员花名册")
		}
		return ""
	}
	if id == 0 {
		bad.Field("member_id", "党员账号须绑定花名册中的一名党员")
		return ""
	}
	region, err := memberRegion(ctx, s.DB, q, id)
	if err != nil {
		bad.Field("member_id", "党员不存在或已不在册")
		return ""
	}
	return region
}

// memberRegion is the region of an active member's party organization.
func memberRegion(ctx context.Context, db *store.DB, q store.Querier, id int64) (string, error) {
	var region string
	err := db.QueryRow(ctx, q, `SELECT p.region_code FROM members m JOIN party_orgs p ON p.id = m.party_org_id
		WHERE m.id = ? AND m.status = 'active'`, id).Scan(&region)
	return region, err
}

// MemberAccount is a member's chosen username and password, checked and
// hashed before any transaction opens (argon2id must not hold the write
// lock).
type MemberAccount struct {
	Username string
	hash     string
}

// PrepareMemberAccount checks a username and a password against the rules
// of every account (the 等保 password rules included) and hashes the
// password.
func PrepareMemberAccount(username, password string) (MemberAccount, error) {
	username = strings.TrimSpace(username)
	bad := apperr.Invalid()
	if !usernameRE.MatchString(username) {
		bad.Field("username", "用户名须为 3–32 位，以字母开头，只含字母、数字和 _ . -")
	}
	if err := CheckPasswordPolicy("password", password, username); err != nil {
		if e, ok := apperr.As(err); ok {
			for f, m := range e.Fields {
				bad.Field(f, m)
			}
		} else {
			return MemberAccount{}, err
		}
	}
	if err := bad.OrNil(); err != nil {
		return MemberAccount{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return MemberAccount{}, err
	}
	return MemberAccount{Username: username, hash: hash}, nil
}

// OpenMemberAccount writes the account of a member inside the caller's
// transaction (the activation's): a new user with role member bound to the
// roster entry, or, when the member had an account before (revoked when the
// member left, or re-activated), that account again with the new username
// and password, enabled and unlocked. The password is the member's own: it
// need not be changed at first login. It audits the opening.
func (s *Service) OpenMemberAccount(ctx context.Context, tx *sql.Tx, acct MemberAccount, memberID int64, displayName string) (User, error) {
	if acct.hash == "" {
		return User{}, fmt.Errorf("auth: member account not prepared")
	}
	region, err := memberRegion(ctx, s.DB, tx, memberID)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.InvalidField("code", "该党员已不在花名册中，不能开通账号")
	}
	if err != nil {
		return User{}, err
	}
	if utf8.RuneCountInString(displayName) > 50 {
		displayName = string([]rune(displayName)[:50])
	}
	now := store.FormatTime(s.Now())
	var id int64
	err = s.DB.QueryRow(ctx, tx, `SELECT id FROM users WHERE member_id = ?`, memberID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = s.DB.QueryRow(ctx, tx, `INSERT INTO users (username, display_name, role, scope, member_id, password_hash, must_change_password,
			password_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			acct.Username, displayName, RoleMember, region, memberID, acct.hash, false, now, now, now).Scan(&id)
	case err == nil:
		_, err = s.DB.Exec(ctx, tx, `UPDATE users SET username = ?, display_name = ?, role = ?, scope = ?, password_hash = ?, must_change_password = ?,
			password_changed_at = ?, failed_attempts = 0, locked_until = NULL, disabled = ?, updated_at = ? WHERE id = ?`,
			acct.Username, displayName, RoleMember, region, acct.hash, false, now, false, now, id)
		if err == nil {
			_, err = s.DB.Exec(ctx, tx, `DELETE FROM sessions WHERE user_id = ?`, id)
		}
	}
	if store.IsUniqueViolation(err) {
		return User{}, apperr.Conflict("用户名已被使用，请换一个").Field("username", "用户名已被使用，请换一个")
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: open member account: %w", err)
	}
	u, err := s.userByID(ctx, tx, id)
	if err != nil {
		return User{}, err
	}
	return u, s.Audit.Record(ctx, tx, audit.Entry{Action: "member_account_open", Entity: "user", EntityID: fmt.Sprint(id), After: u.auditView(),
		Note: fmt.Sprintf("党员凭激活码开通账号（花名册编号 %d）", memberID)})
}

// CloseMemberAccount disables the account of a member (if any) and ends its
// sessions, inside the caller's transaction; it reports whether there was
// an enabled account. Used when the member leaves the roster and by the
// secretary's 停用 action.
func (s *Service) CloseMemberAccount(ctx context.Context, tx *sql.Tx, memberID int64, why string) (bool, error) {
	var id int64
	var disabled bool
	err := s.DB.QueryRow(ctx, tx, `SELECT id, disabled FROM users WHERE member_id = ?`, memberID).Scan(&id, &disabled)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && disabled) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := s.DB.Exec(ctx, tx, `UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?`, true, store.FormatTime(s.Now()), id); err != nil {
		return false, err
	}
	if _, err := s.DB.Exec(ctx, tx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
		return false, err
	}
	return true, s.Audit.Record(ctx, tx, audit.Entry{Action: "member_account_close", Entity: "user", EntityID: fmt.Sprint(id), Note: why})
}

// LockoutPolicy returns the consecutive-failure threshold and lock duration
// of logins, which the activation of member accounts reuses.
func (s *Service) LockoutPolicy() Policy { return s.Policy }
