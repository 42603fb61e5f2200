package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Policy holds the security settings.
type Policy struct {
	LockoutThreshold int
	LockoutDuration  time.Duration
	IdleTimeout      time.Duration
	SessionLifetime  time.Duration
	PasswordMaxAge   time.Duration // 0 = rotation off
}

// ScopeResolver checks that a scope exists and names it.
type ScopeResolver interface {
	// ScopeName returns the display name of a scope code, or an error if it
	// is not a known region of the jurisdiction.
	ScopeName(ctx context.Context, code string) (string, error)
}

// Service implements accounts, sessions and tokens.
type Service struct {
	DB     *store.DB
	Audit  *audit.Logger
	Policy Policy
	Scopes ScopeResolver
	// PartyOrgs resolves party organizations a party_org user may be bound to.
	PartyOrgs PartyOrgResolver
	Now       func() time.Time

	// onVerify, when set (by tests), is called on every argon2id
	// verification of the login path, so that tests can check that every
	// answer costs the same number of hashes.
	onVerify func()
}

// verify checks pw against an encoded hash (see VerifyPassword).
func (s *Service) verify(encoded, pw string) bool {
	if s.onVerify != nil {
		s.onVerify()
	}
	return VerifyPassword(encoded, pw)
}

// PartyOrgResolver tells the region code and name of a party organization.
type PartyOrgResolver interface {
	// PartyOrgScope returns the region code and name of an existing,
	// not dissolved party organization, or an error.
	PartyOrgScope(ctx context.Context, id int64) (regionCode, name string, err error)
}

// Actor returns the request identity of u.
func (u User) Actor(ip string) actor.Actor {
	a := actor.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, Scope: u.Scope, IP: ip}
	if u.PartyOrgID != nil {
		a.PartyOrgID = *u.PartyOrgID
	}
	if u.InstructorID != nil {
		a.InstructorID = *u.InstructorID
	}
	if u.HandlerUnitID != nil {
		a.HandlerUnitID = *u.HandlerUnitID
	}
	if u.MemberID != nil {
		a.MemberID = *u.MemberID
	}
	return a
}

// User is an account as shown through the API.
type User struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	RoleName    string `json:"role_name"`
	Scope       string `json:"scope"`
	// PartyOrgID binds a party_org user to one party organization (nil: bound to the region Scope).
	PartyOrgID *int64 `json:"party_org_id"`
	// InstructorID binds an instructor user to one 党建指导员 record.
	InstructorID *int64 `json:"instructor_id"`
	// HandlerUnitID binds a handler user to one 订单式服务 handler unit.
	HandlerUnitID *int64 `json:"handler_unit_id"`
	// MemberID binds a member user (党员账号) to one roster entry.
	MemberID           *int64     `json:"member_id"`
	ScopeName          string     `json:"scope_name"`
	MustChangePassword bool       `json:"must_change_password"`
	Disabled           bool       `json:"disabled"`
	LockedUntil        *time.Time `json:"locked_until"`
	LastLoginAt        *time.Time `json:"last_login_at"`
	PasswordChangedAt  time.Time  `json:"password_changed_at"`
	CreatedAt          time.Time  `json:"created_at"`

	passwordHash   string
	failedAttempts int
}

// auditView is what the audit trail keeps of a user (never the hash).
func (u User) auditView() map[string]any {
	return map[string]any{
		"username": u.Username, "display_name": u.DisplayName, "role": u.Role,
		"scope": u.Scope, "party_org_id": u.PartyOrgID, "instructor_id": u.InstructorID, "handler_unit_id": u.HandlerUnitID, "member_id": u.MemberID, "disabled": u.Disabled,
	}
}

// Session is an authenticated browser session.
type Session struct {
	User      User
	CSRFToken string
	// Token is the raw session id; only set when the session is created.
	Token string
}

const userCols = `id, username, display_name, role, scope, party_org_id, instructor_id, handler_unit_id, member_id, password_hash, must_change_password, password_changed_at,
	failed_attempts, locked_until, disabled, last_login_at, created_at`

func (s *Service) scanUser(ctx context.Context, row interface{ Scan(...any) error }) (User, error) {
	var u User
	var changed, created string
	var locked, last sql.NullString
	var po, ins, hu, mem sql.NullInt64
	if err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Scope, &po, &ins, &hu, &mem, &u.passwordHash, &u.MustChangePassword,
		&changed, &u.failedAttempts, &locked, &u.Disabled, &last, &created); err != nil {
		return u, err
	}
	if po.Valid {
		u.PartyOrgID = &po.Int64
	}
	if ins.Valid {
		u.InstructorID = &ins.Int64
	}
	if hu.Valid {
		u.HandlerUnitID = &hu.Int64
	}
	if mem.Valid {
		u.MemberID = &mem.Int64
	}
	u.PasswordChangedAt, _ = store.ParseTime(changed)
	u.CreatedAt, _ = store.ParseTime(created)
	u.LockedUntil = store.NullTime(locked)
	if u.LockedUntil != nil && !u.LockedUntil.After(s.Now()) {
		u.LockedUntil = nil
	}
	u.LastLoginAt = store.NullTime(last)
	u.RoleName = RoleName(u.Role)
	if s.Policy.PasswordMaxAge > 0 && s.Now().Sub(u.PasswordChangedAt) > s.Policy.PasswordMaxAge {
		u.MustChangePassword = true
	}
	return u, nil
}

func (s *Service) userByUsername(ctx context.Context, q store.Querier, username string) (User, error) {
	u, err := s.scanUser(ctx, s.DB.QueryRow(ctx, q, `SELECT `+userCols+` FROM users WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return u, apperr.NotFound("用户")
	}
	return u, err
}

func (s *Service) userByID(ctx context.Context, q store.Querier, id int64) (User, error) {
	u, err := s.scanUser(ctx, s.DB.QueryRow(ctx, q, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, apperr.NotFound("用户")
	}
	return u, err
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func lockedError(until time.Time) *apperr.Error {
	// The instant as stored (UTC, microseconds), so that the answer that
	// locks and the answers during the lock carry the same locked_until.
	until = until.UTC().Truncate(time.Microsecond)
	return &apperr.Error{Kind: apperr.KindLocked, Code: "account_locked",
		Message: fmt.Sprintf("账户已锁定，请于 %s 后再试或联系管理员解锁", until.In(civil.Zone).Format("2006-01-02 15:04")),
		Until:   until}
}

func invalidCredentials() error {
	return &apperr.Error{Kind: apperr.KindUnauthenticated, Code: "invalid_credentials", Message: "用户名或密码错误"}
}

// Login checks a username and password and opens a new session. Every attempt
// is audited; consecutive failures lock the account.
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (Session, error) {
	// Sessions, logins and their audit records change no figure (store.Quiet).
	ctx = store.Quiet(ctx)
	username = strings.TrimSpace(username)
	ctx = actor.With(ctx, actor.Actor{Username: username, IP: ip})
	bad := apperr.Invalid()
	if username == "" {
		bad.Field("username", "请输入用户名")
	}
	if password == "" {
		bad.Field("password", "请输入密码")
	}
	if len(password) > 4*MaxPasswordLen {
		bad.Field("password", "密码过长")
	}
	if err := bad.OrNil(); err != nil {
		return Session{}, err
	}
	now := s.Now()
	// The password is checked outside any transaction: argon2id takes tens of
	// milliseconds and must not hold the database's write lock. Every answer
	// below costs exactly one argon2id verification (a dummy one where there
	// is no hash to check), so that timing does not tell which usernames
	// exist or which accounts are locked.
	u, err := s.userByUsername(ctx, s.DB, username)
	if apperr.IsKind(err, apperr.KindNotFound) {
		s.verify(currentCost().dummyHash, password)
		return Session{}, s.unknownUserFailure(ctx, username)
	}
	if err != nil {
		return Session{}, err
	}
	actx := actor.With(ctx, u.Actor(ip))
	if u.LockedUntil != nil {
		s.verify(currentCost().dummyHash, password)
		err := s.Audit.Record(actx, s.DB, audit.Entry{Action: "login_failed", Entity: "user", EntityID: fmt.Sprint(u.ID), Result: audit.Denied, Note: "账户已锁定"})
		return Session{}, errors.Join(lockedError(*u.LockedUntil), err)
	}
	if u.Disabled {
		s.verify(currentCost().dummyHash, password)
		err := s.Audit.Record(actx, s.DB, audit.Entry{Action: "login_failed", Entity: "user", EntityID: fmt.Sprint(u.ID), Result: audit.Denied, Note: "账户已停用"})
		return Session{}, errors.Join(&apperr.Error{Kind: apperr.KindUnauthenticated, Code: "account_disabled", Message: "账户已停用，请联系管理员"}, err)
	}
	if !s.verify(u.passwordHash, password) {
		var loginErr error
		err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
			until, err := s.recordFailure(actx, tx, u.ID, "密码错误")
			if until != nil {
				loginErr = lockedError(*until)
			} else {
				loginErr = invalidCredentials()
			}
			return err
		})
		if err != nil {
			return Session{}, err
		}
		return Session{}, loginErr
	}
	var sess Session
	var loginErr error
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		// Refuse if a concurrent attempt locked the account meanwhile.
		res, err := s.DB.Exec(ctx, tx, `UPDATE users SET failed_attempts = 0, locked_until = NULL, last_login_at = ?
			WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?)`, store.FormatTime(now), u.ID, store.FormatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			loginErr = lockedError(now.Add(s.Policy.LockoutDuration))
			return nil
		}
		// Sweep sessions that can no longer be used.
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`,
			store.FormatTime(now), store.FormatTime(now.Add(-s.Policy.IdleTimeout))); err != nil {
			return err
		}
		sess, err = s.newSession(ctx, tx, u, ip, userAgent)
		if err != nil {
			return err
		}
		return s.Audit.Record(actx, tx, audit.Entry{Action: "login", Entity: "user", EntityID: fmt.Sprint(u.ID)})
	})
	if err != nil {
		return Session{}, err
	}
	if loginErr != nil {
		return Session{}, loginErr
	}
	s.fillScopeName(ctx, &sess.User)
	return sess, nil
}

// recordFailure counts one failed password check for the user atomically and
// locks the account when the count reaches the threshold. A failure after an
// expired lock starts a new count. It returns the lock's end if it locked.
func (s *Service) recordFailure(ctx context.Context, tx *sql.Tx, userID int64, what string) (*time.Time, error) {
	now := store.FormatTime(s.Now())
	var attempts int
	err := s.DB.QueryRow(ctx, tx, `UPDATE users SET
			failed_attempts = CASE WHEN locked_until IS NOT NULL AND locked_until <= ? THEN 1 ELSE failed_attempts + 1 END,
			locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= ? THEN NULL ELSE locked_until END
		WHERE id = ? RETURNING failed_attempts`, now, now, userID).Scan(&attempts)
	if err != nil {
		return nil, err
	}
	if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "login_failed", Entity: "user", EntityID: fmt.Sprint(userID), Result: audit.Failure,
		Note: fmt.Sprintf("%s（连续第 %d 次）", what, attempts)}); err != nil {
		return nil, err
	}
	if attempts < s.Policy.LockoutThreshold {
		return nil, nil
	}
	until := s.Now().Add(s.Policy.LockoutDuration)
	if _, err := s.DB.Exec(ctx, tx, `UPDATE users SET locked_until = ? WHERE id = ?`, store.FormatTime(until), userID); err != nil {
		return nil, err
	}
	if _, err := s.DB.Exec(ctx, tx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return nil, err
	}
	return &until, s.Audit.Record(ctx, tx, audit.Entry{Action: "lockout", Entity: "user", EntityID: fmt.Sprint(userID),
		Note: fmt.Sprintf("连续 %d 次验证失败，锁定至 %s", attempts, store.FormatTime(until))})
}

// unknownUserFailure audits a login for a username that does not exist and
// answers exactly as for a real account, so that answers do not reveal which
// usernames exist. The name's state is kept in the audit trail the way a
// real account keeps it in its row: its last lock is its last `lockout`
// record (locked until that record's time plus the lockout duration, a fixed
// instant like a real account's locked_until), and its count of consecutive
// failures is the number of failed attempts since that lock ended.
func (s *Service) unknownUserFailure(ctx context.Context, username string) error {
	var loginErr error
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		until, err := s.unknownNameLock(ctx, tx, username)
		if err != nil {
			return err
		}
		if until != nil && until.After(now) {
			loginErr = lockedError(*until)
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "login_failed", Entity: "user", Result: audit.Denied, Username: username, Note: "用户名不存在（已锁定）"})
		}
		var since string
		if until != nil {
			since = store.FormatTime(*until)
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM audit_log
			WHERE username = ? AND user_id IS NULL AND action = 'login_failed' AND result = 'failure' AND at >= ?`,
			username, since).Scan(&n); err != nil {
			return err
		}
		n++
		if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "login_failed", Entity: "user", Result: audit.Failure, Username: username,
			Note: fmt.Sprintf("用户名不存在（连续第 %d 次）", n)}); err != nil {
			return err
		}
		if n < s.Policy.LockoutThreshold {
			loginErr = invalidCredentials()
			return nil
		}
		if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "lockout", Entity: "user", Username: username,
			Note: fmt.Sprintf("用户名不存在，连续 %d 次验证失败", n)}); err != nil {
			return err
		}
		until, err = s.unknownNameLock(ctx, tx, username)
		if err != nil {
			return err
		}
		if until == nil {
			return fmt.Errorf("auth: lockout of unknown name not found after writing it")
		}
		loginErr = lockedError(*until)
		return nil
	})
	if err != nil {
		return err
	}
	return loginErr
}

// unknownNameLock returns the end of the last lock of a name that is not an
// account (nil if it was never locked), read from the audit trail.
func (s *Service) unknownNameLock(ctx context.Context, q store.Querier, username string) (*time.Time, error) {
	var at sql.NullString
	if err := s.DB.QueryRow(ctx, q, `SELECT MAX(at) FROM audit_log WHERE username = ? AND user_id IS NULL AND action = 'lockout'`,
		username).Scan(&at); err != nil {
		return nil, fmt.Errorf("auth: last lock of unknown name: %w", err)
	}
	t := store.NullTime(at)
	if t == nil {
		return nil, nil
	}
	until := t.Add(s.Policy.LockoutDuration)
	return &until, nil
}

// fillScopeName resolves the display name of the user's scope. It is called
// outside transactions, since the resolver uses its own connection.
func (s *Service) fillScopeName(ctx context.Context, u *User) {
	if s.PartyOrgs != nil && u.PartyOrgID != nil {
		if _, name, err := s.PartyOrgs.PartyOrgScope(actor.System(ctx, "auth"), *u.PartyOrgID); err == nil {
			u.ScopeName = name
			return
		}
	}
	if u.InstructorID != nil {
		var name string
		if err := s.DB.QueryRow(ctx, s.DB, `SELECT name FROM instructors WHERE id = ?`, *u.InstructorID).Scan(&name); err == nil {
			u.ScopeName = "党建指导员 " + name
			return
		}
	}
	if u.HandlerUnitID != nil {
		var name string
		if err := s.DB.QueryRow(ctx, s.DB, `SELECT name FROM service_handler_units WHERE id = ?`, *u.HandlerUnitID).Scan(&name); err == nil {
			u.ScopeName = "承办单位 " + name
			return
		}
	}
	if u.MemberID != nil {
		var name string
		if err := s.DB.QueryRow(ctx, s.DB, `SELECT p.name FROM members m JOIN party_orgs p ON p.id = m.party_org_id WHERE m.id = ?`, *u.MemberID).Scan(&name); err == nil {
			u.ScopeName = "党员 " + name
			return
		}
	}
	if s.Scopes != nil && u.Scope != "" {
		u.ScopeName, _ = s.Scopes.ScopeName(actor.System(ctx, "auth"), u.Scope)
	}
}

func (s *Service) newSession(ctx context.Context, q store.Querier, u User, ip, userAgent string) (Session, error) {
	now := s.Now()
	token := randomToken(32)
	csrf := randomToken(32)
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	_, err := s.DB.Exec(ctx, q, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, hashSecret(token), u.ID, csrf, store.FormatTime(now), store.FormatTime(now),
		store.FormatTime(now.Add(s.Policy.SessionLifetime)), ip, userAgent)
	if err != nil {
		return Session{}, err
	}
	return Session{User: u, CSRFToken: csrf, Token: token}, nil
}

// Authenticate resolves a session token. It enforces the idle timeout and the
// absolute lifetime, and ends sessions of disabled users.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	// Sessions, logins and their audit records change no figure (store.Quiet).
	ctx = store.Quiet(ctx)
	if token == "" || len(token) > 200 {
		return Session{}, apperr.Unauthenticated("")
	}
	h := hashSecret(token)
	var userID int64
	var csrf, lastSeen, expires string
	err := s.DB.QueryRow(ctx, s.DB, `SELECT user_id, csrf_token, last_seen_at, expires_at FROM sessions WHERE id_hash = ?`, h).
		Scan(&userID, &csrf, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, apperr.Unauthenticated("")
	}
	if err != nil {
		return Session{}, err
	}
	now := s.Now()
	ls, _ := store.ParseTime(lastSeen)
	exp, _ := store.ParseTime(expires)
	if now.Sub(ls) > s.Policy.IdleTimeout || !now.Before(exp) {
		_, _ = s.DB.Exec(ctx, s.DB, `DELETE FROM sessions WHERE id_hash = ?`, h)
		return Session{}, apperr.Unauthenticated("登录已超时，请重新登录")
	}
	u, err := s.userByID(ctx, s.DB, userID)
	if err != nil {
		return Session{}, apperr.Unauthenticated("")
	}
	if u.Disabled {
		_, _ = s.DB.Exec(ctx, s.DB, `DELETE FROM sessions WHERE user_id = ?`, u.ID)
		return Session{}, apperr.Unauthenticated("账户已停用")
	}
	// Refresh the idle clock at most every 30 seconds to spare the database.
	if now.Sub(ls) > 30*time.Second {
		_, _ = s.DB.Exec(ctx, s.DB, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`, store.FormatTime(now), h)
	}
	return Session{User: u, CSRFToken: csrf}, nil
}

// CheckCSRF compares a submitted token with the session's in constant time.
func CheckCSRF(sess Session, submitted string) bool {
	return submitted != "" && subtle.ConstantTimeCompare([]byte(sess.CSRFToken), []byte(submitted)) == 1
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, token string) error {
	// Sessions, logins and their audit records change no figure (store.Quiet).
	ctx = store.Quiet(ctx)
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := s.DB.Exec(ctx, tx, `DELETE FROM sessions WHERE id_hash = ?`, hashSecret(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		a, _ := actor.From(ctx)
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "logout", Entity: "user", EntityID: fmt.Sprint(a.UserID)})
	})
}

// TokenPrefix starts every API token, so leaked tokens are easy to recognise.
const TokenPrefix = "lx_"

// AuthenticateToken resolves an API token.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (User, error) {
	// Sessions, logins and their audit records change no figure (store.Quiet).
	ctx = store.Quiet(ctx)
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 200 {
		return User{}, apperr.Unauthenticated("API 令牌无效")
	}
	var id, userID int64
	var lastUsed sql.NullString
	err := s.DB.QueryRow(ctx, s.DB, `SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`,
		hashSecret(token)).Scan(&id, &userID, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.Unauthenticated("API 令牌无效或已吊销")
	}
	if err != nil {
		return User{}, err
	}
	u, err := s.userByID(ctx, s.DB, userID)
	if err != nil || u.Disabled {
		return User{}, apperr.Unauthenticated("API 令牌所属账户不可用")
	}
	now := s.Now()
	if lu := store.NullTime(lastUsed); lu == nil || now.Sub(*lu) > time.Minute {
		_, _ = s.DB.Exec(ctx, s.DB, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, store.FormatTime(now), id)
	}
	// Tokens are for integrations: the first-login password change does not apply to them.
	u.MustChangePassword = false
	return u, nil
}

// ChangePassword changes the caller's own password after checking the old one,
// ends every session of the user and opens a fresh one for the caller.
func (s *Service) ChangePassword(ctx context.Context, oldPassword, newPassword, ip, userAgent string) (Session, error) {
	// Sessions, logins and their audit records change no figure (store.Quiet).
	ctx = store.Quiet(ctx)
	a, ok := actor.From(ctx)
	if !ok || a.UserID == 0 {
		return Session{}, apperr.Unauthenticated("")
	}
	u, err := s.userByID(ctx, s.DB, a.UserID)
	if err != nil {
		return Session{}, err
	}
	// Hashing happens outside the transaction (see Login).
	if !VerifyPassword(u.passwordHash, oldPassword) {
		verr := apperr.InvalidField("old_password", "原密码不正确")
		err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
			if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "password_change", Entity: "user", EntityID: fmt.Sprint(u.ID), Result: audit.Failure, Note: "原密码不正确"}); err != nil {
				return err
			}
			until, err := s.recordFailure(ctx, tx, u.ID, "修改密码时原密码错误")
			if until != nil {
				verr = lockedError(*until)
			}
			return err
		})
		if err != nil {
			return Session{}, err
		}
		return Session{}, verr
	}
	if err := CheckPasswordPolicy("new_password", newPassword, u.Username); err != nil {
		return Session{}, err
	}
	if oldPassword == newPassword {
		return Session{}, apperr.InvalidField("new_password", "新密码不能与原密码相同")
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return Session{}, err
	}
	var sess Session
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		if _, err := s.DB.Exec(ctx, tx, `UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ?, updated_at = ? WHERE id = ?`,
			hash, false, store.FormatTime(now), store.FormatTime(now), u.ID); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
		u.MustChangePassword = false
		u.PasswordChangedAt = now
		sess, err = s.newSession(ctx, tx, u, ip, userAgent)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "password_change", Entity: "user", EntityID: fmt.Sprint(u.ID)})
	})
	if err != nil {
		return Session{}, err
	}
	s.fillScopeName(ctx, &sess.User)
	return sess, nil
}

var usernameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{2,31}$`)
