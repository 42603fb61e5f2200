// Package wish is 微心愿: small wishes of residents and members posted by a
// party organization's staff or from the public page, claimed (认领) by a
// party member or a party organization, fulfilled with a note and photos and
// confirmed by the posting organization. A claim not fulfilled within the
// claim window lapses back to open. It has no HTTP types.
package wish

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// HoursCrediter is told when a wish is confirmed, so that the claimant's
// volunteer hours can be credited (the volunteering ledger, issue 14). It
// runs inside the confirming transaction: an error undoes the confirmation.
type HoursCrediter interface {
	CreditWish(ctx context.Context, tx *sql.Tx, w Wish) error
}

// NoCredit is the HoursCrediter until the volunteering ledger exists.
type NoCredit struct{}

// CreditWish does nothing.
func (NoCredit) CreditWish(context.Context, *sql.Tx, Wish) error { return nil }

// Service holds the dependencies of the wish use cases.
type Service struct {
	DB    *store.DB
	Audit *audit.Logger
	Now   func() time.Time
	// Protector seals the wisher's phone and the photos (the members' key).
	Protector func() (*pdata.Protector, error)
	// Hours is told of every confirmed wish (nil: nobody).
	Hours HoursCrediter
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) today() string { return civil.Today(s.now()) }

func (s *Service) stamp() string { return store.FormatTime(s.now()) }

func (s *Service) protector() (*pdata.Protector, error) {
	if s.Protector == nil {
		return nil, errors.New("wish: no personal-data protector wired")
	}
	return s.Protector()
}

func username(ctx context.Context) string {
	a, _ := actor.From(ctx)
	return a.Username
}

// Settings keys and defaults.
const (
	SettingClaimDays = "wish.claim_days"
	SettingMaxClaims = "wish.max_open_claims"
	// DefaultClaimDays: a claim lapses when not fulfilled within 15 days.
	DefaultClaimDays = 15
	// DefaultMaxClaims: a member holds at most 3 unfulfilled claims.
	DefaultMaxClaims = 3
)

// States of a wish.
const (
	StateSubmitted = "submitted" // 待审核 (from the public page)
	StateOpen      = "open"      // 待认领
	StateClaimed   = "claimed"   // 已认领
	StateFulfilled = "fulfilled" // 已完成（待确认）
	StateConfirmed = "confirmed" // 已确认
	StateCancelled = "cancelled" // 已撤回
)

// Actions on a wish.
const (
	ActPost    = "post"    // 发布 (create)
	ActSubmit  = "submit"  // 公开提交 (create from the public page)
	ActPublish = "publish" // 审核发布
	ActClaim   = "claim"   // 认领
	ActFulfil  = "fulfil"  // 完成
	ActConfirm = "confirm" // 确认
	ActCancel  = "cancel"  // 撤回
	ActLapse   = "lapse"   // 认领超期，重新开放 (by the system)
)

// Option is a code with its Chinese name.
type Option struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// States lists the states in life-cycle order.
func States() []Option {
	return []Option{{StateSubmitted, "待审核"}, {StateOpen, "待认领"}, {StateClaimed, "已认领"},
		{StateFulfilled, "已完成待确认"}, {StateConfirmed, "已确认"}, {StateCancelled, "已撤回"}}
}

// Actions lists the actions with their Chinese names.
func Actions() []Option {
	return []Option{{ActPost, "发布"}, {ActSubmit, "公开提交"}, {ActPublish, "审核发布"}, {ActClaim, "认领"},
		{ActFulfil, "完成心愿"}, {ActConfirm, "确认完成"}, {ActCancel, "撤回"}, {ActLapse, "认领超期，重新开放"}}
}

// Categories lists the kinds of wish.
func Categories() []Option {
	return []Option{{"goods", "生活物资"}, {"study", "学习用品"}, {"elderly", "助老助残"}, {"health", "医疗健康"},
		{"companionship", "陪伴关爱"}, {"repair", "维修帮办"}, {"other", "其他"}}
}

// Sources lists where a wish came from.
func Sources() []Option {
	return []Option{{"staff", "工作人员登记"}, {"public_form", "公开表单"}}
}

func optionName(opts []Option, code string) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Name
		}
	}
	return ""
}

// stepsFrom is the life cycle: the actions each state allows.
var stepsFrom = map[string][]string{
	StateSubmitted: {ActPublish, ActCancel},
	StateOpen:      {ActClaim, ActCancel},
	StateClaimed:   {ActFulfil, ActCancel},
	StateFulfilled: {ActConfirm},
}

// Options are the code lists of the wish pages.
type Options struct {
	States     []Option `json:"states"`
	Actions    []Option `json:"actions"`
	Categories []Option `json:"categories"`
	Sources    []Option `json:"sources"`
}

// GetOptions returns the code lists.
func GetOptions() Options {
	return Options{States: States(), Actions: Actions(), Categories: Categories(), Sources: Sources()}
}

// Settings are the jurisdiction-wide wish rules.
type Settings struct {
	ClaimDays int `json:"claim_days"`
	MaxClaims int `json:"max_open_claims"`
}

// SettingsInput changes them; Reason goes to the audit trail.
type SettingsInput struct {
	ClaimDays int    `json:"claim_days"`
	MaxClaims int    `json:"max_open_claims"`
	Reason    string `json:"reason"`
}

func (s *Service) intSetting(ctx context.Context, q store.Querier, key string, def int) (int, error) {
	var v string
	err := s.DB.QueryRow(ctx, q, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return 0, fmt.Errorf("wish: setting %s: %w", key, err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def, nil
	}
	return n, nil
}

func (s *Service) settings(ctx context.Context, q store.Querier) (Settings, error) {
	var out Settings
	var err error
	if out.ClaimDays, err = s.intSetting(ctx, q, SettingClaimDays, DefaultClaimDays); err != nil {
		return out, err
	}
	out.MaxClaims, err = s.intSetting(ctx, q, SettingMaxClaims, DefaultMaxClaims)
	return out, err
}

// GetSettings returns the settings.
func (s *Service) GetSettings(ctx context.Context) (Settings, error) { return s.settings(ctx, s.DB) }

// SetSettings changes the settings, audited with before and after. The
// caller checks the jurisdiction-wide permission.
func (s *Service) SetSettings(ctx context.Context, in SettingsInput) (Settings, error) {
	bad := apperr.Invalid()
	if in.ClaimDays < 1 || in.ClaimDays > 365 {
		bad.Field("claim_days", "认领后完成期限应为 1–365 天")
	}
	if in.MaxClaims < 1 || in.MaxClaims > 100 {
		bad.Field("max_open_claims", "每名党员同时认领上限应为 1–100 个")
	}
	in.Reason = textField(bad, "reason", "修改原因", in.Reason, false, 200)
	if err := bad.OrNil(); err != nil {
		return Settings{}, err
	}
	var out Settings
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.settings(ctx, tx)
		if err != nil {
			return err
		}
		for k, v := range map[string]int{SettingClaimDays: in.ClaimDays, SettingMaxClaims: in.MaxClaims} {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, strconv.Itoa(v)); err != nil {
				return err
			}
		}
		out = Settings{ClaimDays: in.ClaimDays, MaxClaims: in.MaxClaims}
		note := "修改微心愿设置"
		if in.Reason != "" {
			note += "：" + in.Reason
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "wish_settings", Entity: "wish_settings", EntityID: "wish", Before: before, After: out, Note: note})
	})
	if err != nil {
		return Settings{}, fmt.Errorf("wish: set settings: %w", err)
	}
	return out, nil
}

func textField(bad *apperr.Error, field, label, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	if required && v == "" {
		bad.Field(field, "请填写"+label)
	}
	if utf8.RuneCountInString(v) > max {
		bad.Field(field, fmt.Sprintf("%s不能超过 %d 个字", label, max))
	}
	return v
}

// MaskName shows a name the wisher agreed to publish: the first character,
// the last one for names of three or more, stars between (张*, 张*明, 欧**明).
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch {
	case len(r) == 0:
		return "匿名"
	case len(r) == 1:
		return string(r) + "*"
	case len(r) == 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}
