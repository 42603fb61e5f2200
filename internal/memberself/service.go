// Package memberself is 党员账号 (issue 14 item 6): the activation codes a
// branch secretary issues to roster members, the activation by which a member
// opens an account (role member, bound to the roster entry), and what that
// account reads: its own record (masked), its meetings, dues and the wishes
// it may claim. Every read takes the member from the actor (actor.MemberID),
// never from the request.
package memberself

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/auth"
	"liangxin/internal/civil"
	"liangxin/internal/dues"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
	"liangxin/internal/wish"
)

// SettingCodeDays is the settings key of the activation codes' validity in
// days (DefaultCodeDays when unset).
const (
	SettingCodeDays = "member_activation_days"
	DefaultCodeDays = 7
)

// Community is the community (社区/村) a member reported to (双报到).
type Community struct {
	RegionCode string `json:"region_code"`
	Name       string `json:"name"`
	ReportedOn string `json:"reported_on"`
}

// CommunityLookup tells the community a roster member reported to. It is
// optional: without one (nil) the 我的社区 section is hidden. The
// co-building area provides it when it is wired in internal/app.
type CommunityLookup interface {
	// MemberCommunity returns the community of the member, ok false when
	// the member has not reported to one.
	MemberCommunity(ctx context.Context, memberID int64) (c Community, ok bool, err error)
}

// Service implements member accounts and the member's own pages.
type Service struct {
	DB     *store.DB
	Audit  *audit.Logger
	Auth   *auth.Service
	Dues   *dues.Service
	Wishes *wish.Service
	// Protector opens the sealed 身份证号 and phone for the activation's
	// identity check.
	Protector func() (*pdata.Protector, error)
	// Community, when set, names the community the member reported to.
	Community CommunityLookup
	Now       func() time.Time
}

var cst = civil.Zone

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() string { return civil.Today(s.now()) }

// codeDays reads the validity setting.
func (s *Service) codeDays(ctx context.Context, q store.Querier) (int, error) {
	var v string
	err := s.DB.QueryRow(ctx, q, `SELECT value FROM settings WHERE key = ?`, SettingCodeDays).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultCodeDays, nil
	}
	if err != nil {
		return 0, fmt.Errorf("memberself: setting: %w", err)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 90 {
		return DefaultCodeDays, nil
	}
	return n, nil
}

// bound returns the roster entry the caller's account is bound to, refusing
// any other caller (403) and a member who has left the roster.
func (s *Service) bound(ctx context.Context) (actor.Actor, int64, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return a, 0, apperr.Unauthenticated("")
	}
	if a.System || a.Role != auth.RoleMember || a.MemberID == 0 {
		return a, 0, apperr.Forbidden()
	}
	var status string
	err := s.DB.QueryRow(ctx, s.DB, `SELECT status FROM members WHERE id = ?`, a.MemberID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && status != "active") {
		return a, 0, &apperr.Error{Kind: apperr.KindForbidden, Code: "member_left", Message: "您已不在党员花名册中，账号不再可用，请联系党组织"}
	}
	if err != nil {
		return a, 0, fmt.Errorf("memberself: bound member: %w", err)
	}
	return a, a.MemberID, nil
}

// scopedMember checks that a roster member lies in the (staff) caller's
// scope, 404 otherwise, and returns its name.
func (s *Service) scopedMember(ctx context.Context, q store.Querier, id int64) (string, string, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return "", "", err
	}
	var name, status string
	err = s.DB.QueryRow(ctx, q, `SELECT m.name, m.status FROM members m WHERE m.id = ? AND `+cond, append([]any{id}, args...)...).Scan(&name, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", apperr.NotFound("党员")
	}
	return name, status, err
}
