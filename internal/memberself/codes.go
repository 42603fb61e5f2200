package memberself

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/auth"
	"liangxin/internal/store"
)

// codeAlphabet leaves out 0/O, 1/I/L: read aloud or typed on a phone.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// codeLen characters of 31 symbols: about 49 bits, enough with the
// identity check, the per-code lockout and the per-address rate limit.
const codeLen = 10

// newCode returns a random code formatted XXXXX-XXXXX.
func newCode() (string, error) {
	var b strings.Builder
	max := big.NewInt(int64(len(codeAlphabet)))
	for i := 0; i < codeLen; i++ {
		if i == codeLen/2 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", err
		}
		b.WriteByte(codeAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// normalizeCode upper-cases a typed code and drops spaces and dashes.
func normalizeCode(c string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(c) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hashCode(c string) string {
	h := sha256.Sum256([]byte("liangxin-member-activation:" + normalizeCode(c)))
	return hex.EncodeToString(h[:])
}

// Issued is a fresh activation code: shown once, never stored in clear.
type Issued struct {
	MemberID   int64     `json:"member_id"`
	MemberName string    `json:"member_name"`
	Code       string    `json:"code"`
	ExpiresAt  time.Time `json:"expires_at"`
	ValidDays  int       `json:"valid_days"`
}

// IssueCode issues a one-time activation code for a roster member in the
// caller's scope (the caller holds member.write; the edge checks it). A new
// code revokes the member's earlier unused ones.
func (s *Service) IssueCode(ctx context.Context, memberID int64) (Issued, error) {
	a, _ := actor.From(ctx)
	code, err := newCode()
	if err != nil {
		return Issued{}, err
	}
	var out Issued
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		name, status, err := s.scopedMember(ctx, tx, memberID)
		if err != nil {
			return err
		}
		if status != "active" {
			return apperr.InvalidField("member_id", "该党员已不在册，不能签发激活码")
		}
		days, err := s.codeDays(ctx, tx)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := s.DB.Exec(ctx, tx, `UPDATE member_activation_codes SET revoked_at = ? WHERE member_id = ? AND used_at IS NULL AND revoked_at IS NULL`,
			store.FormatTime(now), memberID); err != nil {
			return err
		}
		exp := now.Add(time.Duration(days) * 24 * time.Hour)
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO member_activation_codes (member_id, code_hash, expires_at, issued_by, issued_at) VALUES (?, ?, ?, ?, ?)`,
			memberID, hashCode(code), store.FormatTime(exp), a.Username, store.FormatTime(now)); err != nil {
			return err
		}
		out = Issued{MemberID: memberID, MemberName: name, Code: code, ExpiresAt: exp.UTC().Truncate(time.Microsecond), ValidDays: days}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "member_code_issue", Entity: "member", EntityID: fmt.Sprint(memberID),
			Note: fmt.Sprintf("为党员%s签发账号激活码，有效期 %d 天（此前未使用的激活码作废）", name, days)})
	})
	if err != nil {
		return Issued{}, fmt.Errorf("memberself: issue code for %d: %w", memberID, err)
	}
	return out, nil
}

// AccountStatus is what the secretary sees of a member's account.
type AccountStatus struct {
	MemberID      int64      `json:"member_id"`
	HasAccount    bool       `json:"has_account"`
	Username      string     `json:"username"`
	Disabled      bool       `json:"disabled"`
	LastLoginAt   *time.Time `json:"last_login_at"`
	PendingCode   bool       `json:"pending_code"`
	CodeExpiresAt *time.Time `json:"code_expires_at"`
}

// Status tells whether a member in the caller's scope has an account and an
// unused code.
func (s *Service) Status(ctx context.Context, memberID int64) (AccountStatus, error) {
	if _, _, err := s.scopedMember(ctx, s.DB, memberID); err != nil {
		return AccountStatus{}, err
	}
	out := AccountStatus{MemberID: memberID}
	var last sql.NullString
	err := s.DB.QueryRow(ctx, s.DB, `SELECT username, disabled, last_login_at FROM users WHERE member_id = ?`, memberID).Scan(&out.Username, &out.Disabled, &last)
	switch {
	case err == nil:
		out.HasAccount, out.LastLoginAt = true, store.NullTime(last)
	case !errors.Is(err, sql.ErrNoRows):
		return out, err
	}
	var exp sql.NullString
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT MAX(expires_at) FROM member_activation_codes WHERE member_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
		memberID, store.FormatTime(s.now())).Scan(&exp); err != nil {
		return out, err
	}
	out.CodeExpiresAt = store.NullTime(exp)
	out.PendingCode = out.CodeExpiresAt != nil
	return out, nil
}

// CloseAccount (停用党员账号) disables the account of a member in the
// caller's scope, ends its sessions and revokes its unused codes.
func (s *Service) CloseAccount(ctx context.Context, memberID int64) (AccountStatus, error) {
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		name, _, err := s.scopedMember(ctx, tx, memberID)
		if err != nil {
			return err
		}
		return s.close(ctx, tx, memberID, fmt.Sprintf("停用党员%s的账号", name))
	})
	if err != nil {
		return AccountStatus{}, fmt.Errorf("memberself: close account of %d: %w", memberID, err)
	}
	return s.Status(ctx, memberID)
}

func (s *Service) close(ctx context.Context, tx *sql.Tx, memberID int64, why string) error {
	if _, err := s.DB.Exec(ctx, tx, `UPDATE member_activation_codes SET revoked_at = ? WHERE member_id = ? AND used_at IS NULL AND revoked_at IS NULL`,
		store.FormatTime(s.now()), memberID); err != nil {
		return err
	}
	_, err := s.Auth.CloseMemberAccount(ctx, tx, memberID, why)
	return err
}

// MemberLeft closes the account of a member who left the roster (转出),
// inside the caller's transaction. It is the hook the roster calls.
func (s *Service) MemberLeft(ctx context.Context, tx *sql.Tx, memberID int64) error {
	return s.close(ctx, tx, memberID, fmt.Sprintf("党员已不在册（花名册编号 %d），账号自动停用", memberID))
}

// ActivateInput is what the member types on the phone.
type ActivateInput struct {
	Code string `json:"code"`
	// Identity is the last 6 characters of the 身份证号 or the last 4
	// digits of the phone on the roster.
	Identity string `json:"identity"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// Activated answers a successful activation.
type Activated struct {
	Username string `json:"username"`
	Name     string `json:"name"`
}

func wrongCode() error {
	return apperr.InvalidField("code", "激活码或身份信息不正确")
}

type codeRow struct {
	id, memberID                        int64
	expires                             string
	used, revoked, locked               sql.NullString
	name, idEnc, phoneEnc, memberStatus string
}

// Activate opens the member's account with a code: the code must exist, be
// unexpired, unused, not revoked and not locked; the identity must match
// the roster (last 6 of the 身份证号 or last 4 of the phone), and the
// username and password follow the rules of every account. Wrong identities
// count against the code like failed logins against an account: at the
// login threshold the code is locked for the login lock's duration. Of two
// activations with one code exactly one succeeds. ctx carries the caller's
// address (a public call).
func (s *Service) Activate(ctx context.Context, in ActivateInput) (Activated, error) {
	bad := apperr.Invalid()
	code := normalizeCode(in.Code)
	if len(code) != codeLen {
		bad.Field("code", "请输入 10 位激活码")
	}
	ident := strings.ToUpper(strings.TrimSpace(in.Identity))
	if len(ident) != 6 && len(ident) != 4 {
		bad.Field("identity", "请输入身份证号后 6 位或手机号后 4 位")
	}
	if len(in.Password) > 4*auth.MaxPasswordLen {
		bad.Field("password", "密码过长")
	}
	if err := bad.OrNil(); err != nil {
		return Activated{}, err
	}
	var c codeRow
	err := s.DB.QueryRow(ctx, s.DB, `SELECT c.id, c.member_id, c.expires_at, c.used_at, c.revoked_at, c.locked_until, m.name, m.id_number_enc, m.phone_enc, m.status
		FROM member_activation_codes c JOIN members m ON m.id = c.member_id WHERE c.code_hash = ?`, hashCode(code)).
		Scan(&c.id, &c.memberID, &c.expires, &c.used, &c.revoked, &c.locked, &c.name, &c.idEnc, &c.phoneEnc, &c.memberStatus)
	if errors.Is(err, sql.ErrNoRows) {
		_ = s.Audit.Record(ctx, s.DB, audit.Entry{Action: "member_activate_failed", Entity: "member_activation", Result: audit.Failure, Note: "激活码不存在"})
		return Activated{}, wrongCode()
	}
	if err != nil {
		return Activated{}, fmt.Errorf("memberself: activate: %w", err)
	}
	now := s.now()
	if lk := store.NullTime(c.locked); lk != nil && lk.After(now) {
		s.deny(ctx, c, "激活码已锁定")
		return Activated{}, codeLocked(*lk)
	}
	switch {
	case c.used.Valid:
		s.deny(ctx, c, "激活码已使用")
		return Activated{}, apperr.InvalidField("code", "该激活码已使用过；如需重新开通，请联系党组织书记重新签发")
	case c.revoked.Valid:
		s.deny(ctx, c, "激活码已作废")
		return Activated{}, apperr.InvalidField("code", "该激活码已作废（已重新签发或账号已停用），请使用最新的激活码")
	case c.memberStatus != "active":
		s.deny(ctx, c, "党员已不在册")
		return Activated{}, apperr.InvalidField("code", "该党员已不在花名册中，不能开通账号")
	}
	if exp, _ := store.ParseTime(c.expires); !exp.After(now) {
		s.deny(ctx, c, "激活码已过期")
		return Activated{}, apperr.InvalidField("code", "激活码已过期，请联系党组织书记重新签发")
	}
	ok, err := s.identityMatches(c, ident)
	if err != nil {
		return Activated{}, err
	}
	if !ok {
		return Activated{}, s.identityFailure(ctx, c)
	}
	acct, err := auth.PrepareMemberAccount(in.Username, in.Password)
	if err != nil {
		return Activated{}, err
	}
	var out Activated
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := s.DB.Exec(ctx, tx, `UPDATE member_activation_codes SET used_at = ?, failed_attempts = 0
			WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND (locked_until IS NULL OR locked_until <= ?)`,
			store.FormatTime(now), c.id, store.FormatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.InvalidField("code", "该激活码已使用过；如需重新开通，请联系党组织书记重新签发")
		}
		u, err := s.Auth.OpenMemberAccount(ctx, tx, acct, c.memberID, c.name)
		if err != nil {
			return err
		}
		out = Activated{Username: u.Username, Name: c.name}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "member_activate", Entity: "member", EntityID: fmt.Sprint(c.memberID),
			Username: u.Username, Note: fmt.Sprintf("党员%s凭激活码开通账号，用户名 %s", c.name, u.Username)})
	})
	if err != nil {
		return Activated{}, err
	}
	return out, nil
}

func codeLocked(until time.Time) error {
	until = until.UTC().Truncate(time.Microsecond)
	return &apperr.Error{Kind: apperr.KindLocked, Code: "activation_locked",
		Message: fmt.Sprintf("身份信息连续输错，激活码已锁定，请于 %s 后再试或联系党组织书记", until.In(cst).Format("2006-01-02 15:04")), Until: until}
}

func (s *Service) deny(ctx context.Context, c codeRow, why string) {
	_ = s.Audit.Record(ctx, s.DB, audit.Entry{Action: "member_activate_failed", Entity: "member", EntityID: fmt.Sprint(c.memberID), Result: audit.Denied, Note: why})
}

// identityMatches compares the typed digits with the roster: 6 characters
// against the end of the 身份证号, 4 digits against the end of the phone.
func (s *Service) identityMatches(c codeRow, ident string) (bool, error) {
	if s.Protector == nil {
		return false, fmt.Errorf("memberself: no personal-data protector")
	}
	p, err := s.Protector()
	if err != nil {
		return false, err
	}
	enc := c.idEnc
	if len(ident) == 4 {
		enc = c.phoneEnc
	}
	plain, err := p.Decrypt(enc)
	if err != nil {
		return false, fmt.Errorf("memberself: open roster data: %w", err)
	}
	plain = strings.ToUpper(plain)
	if len(ident) == 4 {
		plain = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, plain)
	}
	return plain != "" && len(plain) >= len(ident) && strings.HasSuffix(plain, ident), nil
}

// identityFailure counts a wrong identity against the code (in its own
// transaction, kept whatever the caller does next) and locks the code at the
// login threshold.
func (s *Service) identityFailure(ctx context.Context, c codeRow) error {
	pol := s.Auth.LockoutPolicy()
	var out error = wrongCode()
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := store.FormatTime(s.now())
		var n int
		if err := s.DB.QueryRow(ctx, tx, `UPDATE member_activation_codes SET
				failed_attempts = CASE WHEN locked_until IS NOT NULL AND locked_until <= ? THEN 1 ELSE failed_attempts + 1 END,
				locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= ? THEN NULL ELSE locked_until END
			WHERE id = ? RETURNING failed_attempts`, now, now, c.id).Scan(&n); err != nil {
			return err
		}
		note := fmt.Sprintf("身份信息不符（连续第 %d 次）", n)
		if pol.LockoutThreshold > 0 && n >= pol.LockoutThreshold {
			until := s.now().Add(pol.LockoutDuration)
			if _, err := s.DB.Exec(ctx, tx, `UPDATE member_activation_codes SET locked_until = ? WHERE id = ?`, store.FormatTime(until), c.id); err != nil {
				return err
			}
			note += fmt.Sprintf("，激活码锁定至 %s", store.FormatTime(until))
			out = codeLocked(until)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "member_activate_failed", Entity: "member", EntityID: fmt.Sprint(c.memberID), Result: audit.Failure, Note: note})
	})
	if err != nil {
		return err
	}
	return out
}
