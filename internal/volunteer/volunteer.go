// Package volunteer is 志愿服务与时间银行: 党员服务队 (teams of roster
// members), activities with sign-up, rotating-QR sign-in and hours confirmed
// by the organizer, and the 时间银行/道德银行: a double-entry ledger in
// integer points (an account per person, the bank's own account and the
// redemption hold on the other side). There is no floating point in this
// package (a test checks). It has no HTTP types.
package volunteer

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

// Service holds the dependencies of the volunteering use cases.
type Service struct {
	DB    *store.DB
	Audit *audit.Logger
	Now   func() time.Time
	// Protector seals the phones of registered volunteers (the members' key).
	Protector func() (*pdata.Protector, error)
}

var cst = civil.Zone

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) today() string { return civil.Today(s.now()) }

func (s *Service) stamp() string { return store.FormatTime(s.now()) }

// ThisYear is the current year in China time.
func (s *Service) ThisYear() int { return civil.Year(s.now()) }

func username(ctx context.Context) string {
	a, _ := actor.From(ctx)
	if a.Username == "" && a.System {
		return "system"
	}
	return a.Username
}

// Option is a code with its Chinese name.
type Option struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func optionName(opts []Option, code string) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Name
		}
	}
	return ""
}

func codes(opts []Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Code
	}
	return out
}

// Activity kinds (a fixed list); each has its earning rate.
const (
	KindElderly  = "elderly"
	KindEnviron  = "environment"
	KindLecture  = "lecture"
	KindAid      = "aid"
	KindCivility = "civility"
	KindOther    = "other"
)

// Kinds lists the activity kinds.
func Kinds() []Option {
	return []Option{{KindElderly, "助老"}, {KindEnviron, "环保"}, {KindLecture, "宣讲"}, {KindAid, "帮扶"},
		{KindCivility, "文明实践"}, {KindOther, "其他"}}
}

// KindCodes lists the activity kind codes.
func KindCodes() []string { return codes(Kinds()) }

// Entry kinds of the journal.
const (
	EntryEarn     = "earn"
	EntryReserve  = "redeem_reserve"
	EntryPost     = "redeem_post"
	EntryVoid     = "redeem_void"
	EntryTransfer = "transfer"
	EntryExpire   = "expire"
	EntryReversal = "reversal"
)

// EntryKinds lists the journal entry kinds.
func EntryKinds() []Option {
	return []Option{{EntryEarn, "服务获得"}, {EntryReserve, "兑换冻结"}, {EntryPost, "兑换完成"}, {EntryVoid, "兑换取消"},
		{EntryTransfer, "家庭转赠"}, {EntryExpire, "到期清零"}, {EntryReversal, "冲销"}}
}

// EntryKindCodes lists the entry kind codes.
func EntryKindCodes() []string { return codes(EntryKinds()) }

// Redemption statuses.
const (
	RedReserved = "reserved"
	RedPosted   = "posted"
	RedVoided   = "voided"
)

// RedemptionStatuses lists the redemption statuses.
func RedemptionStatuses() []Option {
	return []Option{{RedReserved, "待兑付"}, {RedPosted, "已兑付"}, {RedVoided, "已取消"}}
}

// Hours sources.
func HoursSources() []Option {
	return []Option{{"activity", "志愿活动"}, {"wish", "微心愿"}, {"import", "历史导入"}}
}

// Options are the code lists of the volunteering screens.
type Options struct {
	Kinds              []Option `json:"kinds"`
	EntryKinds         []Option `json:"entry_kinds"`
	RedemptionStatuses []Option `json:"redemption_statuses"`
	HoursSources       []Option `json:"hours_sources"`
}

// GetOptions returns the code lists.
func GetOptions() Options {
	return Options{Kinds: Kinds(), EntryKinds: EntryKinds(), RedemptionStatuses: RedemptionStatuses(), HoursSources: HoursSources()}
}

// Settings keys and defaults.
const (
	SettingFamilyTransfer = "timebank.family_transfer"
	SettingExpiryMonths   = "timebank.expiry_months"
	SettingWishMinutes    = "timebank.wish_minutes"
	// DefaultExpiryMonths: points expire 24 months after they were earned.
	DefaultExpiryMonths = 24
	// DefaultWishMinutes: a confirmed wish credits its claimant 60 minutes
	// of 帮扶 (the rule of wish.HoursCrediter; 0 turns it off).
	DefaultWishMinutes = 60
)

// Settings are the jurisdiction-wide time-bank rules.
type Settings struct {
	FamilyTransfer bool `json:"family_transfer"`
	// ExpiryMonths: points not spent expire this many months after they
	// were earned (0: never).
	ExpiryMonths int `json:"expiry_months"`
	// WishMinutes credited to the claimant of a confirmed wish (0: none).
	WishMinutes int `json:"wish_minutes"`
}

// SettingsInput changes them; Reason goes to the audit trail.
type SettingsInput struct {
	FamilyTransfer bool   `json:"family_transfer"`
	ExpiryMonths   int    `json:"expiry_months"`
	WishMinutes    int    `json:"wish_minutes"`
	Reason         string `json:"reason"`
}

func (s *Service) intSetting(ctx context.Context, q store.Querier, key string, def int) (int, error) {
	var v string
	err := s.DB.QueryRow(ctx, q, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return 0, fmt.Errorf("volunteer: setting %s: %w", key, err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def, nil
	}
	return n, nil
}

func (s *Service) settings(ctx context.Context, q store.Querier) (Settings, error) {
	var out Settings
	ft, err := s.intSetting(ctx, q, SettingFamilyTransfer, 0)
	if err != nil {
		return out, err
	}
	out.FamilyTransfer = ft == 1
	if out.ExpiryMonths, err = s.intSetting(ctx, q, SettingExpiryMonths, DefaultExpiryMonths); err != nil {
		return out, err
	}
	out.WishMinutes, err = s.intSetting(ctx, q, SettingWishMinutes, DefaultWishMinutes)
	return out, err
}

// GetSettings returns the settings.
func (s *Service) GetSettings(ctx context.Context) (Settings, error) { return s.settings(ctx, s.DB) }

// SetSettings changes the settings, audited with before and after. The
// caller checks the jurisdiction-wide permission.
func (s *Service) SetSettings(ctx context.Context, in SettingsInput) (Settings, error) {
	bad := apperr.Invalid()
	if in.ExpiryMonths < 0 || in.ExpiryMonths > 120 {
		bad.Field("expiry_months", "积分有效期应为 0–120 个月（0 表示不过期）")
	}
	if in.WishMinutes < 0 || in.WishMinutes > 24*60 {
		bad.Field("wish_minutes", "完成微心愿计入的服务时长应为 0–1440 分钟")
	}
	in.Reason = textField(bad, "reason", "修改原因", in.Reason, false, 200)
	if err := bad.OrNil(); err != nil {
		return Settings{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Settings, error) {
		before, err := s.settings(ctx, tx)
		if err != nil {
			return Settings{}, err
		}
		ft := 0
		if in.FamilyTransfer {
			ft = 1
		}
		for k, v := range map[string]int{SettingFamilyTransfer: ft, SettingExpiryMonths: in.ExpiryMonths, SettingWishMinutes: in.WishMinutes} {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, strconv.Itoa(v)); err != nil {
				return Settings{}, err
			}
		}
		out := Settings{FamilyTransfer: in.FamilyTransfer, ExpiryMonths: in.ExpiryMonths, WishMinutes: in.WishMinutes}
		note := "修改时间银行设置"
		if in.Reason != "" {
			note += "：" + in.Reason
		}
		return out, s.Audit.Record(ctx, tx, audit.Entry{Action: "timebank_settings", Entity: "timebank_settings", EntityID: "timebank", Before: before, After: out, Note: note})
	})
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

func (s *Service) regionInScope(ctx context.Context, q store.Querier, field, code string) error {
	cond, args, err := store.ScopeFilter(ctx, "code")
	if err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM regions WHERE code = ? AND `+cond, append([]any{code}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.InvalidField(field, "所选区域不存在或不在管辖范围内")
	}
	return nil
}

func (s *Service) partyOrgInScope(ctx context.Context, q store.Querier, field string, id int64) (string, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "id")
	if err != nil {
		return "", err
	}
	var region string
	err = s.DB.QueryRow(ctx, q, `SELECT region_code FROM party_orgs WHERE id = ? AND dissolved_on IS NULL AND `+cond, append([]any{id}, args...)...).Scan(&region)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.InvalidField(field, "所选党组织不存在、已撤销或不在管辖范围内")
	}
	return region, err
}

// memberInScope checks a roster member the caller may see; it returns the
// member's name and the region of its party organization.
func (s *Service) memberInScope(ctx context.Context, q store.Querier, field string, id int64) (string, string, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return "", "", err
	}
	var name, region string
	err = s.DB.QueryRow(ctx, q, `SELECT m.name, p.region_code FROM members m JOIN party_orgs p ON p.id = m.party_org_id
		WHERE m.id = ? AND m.status = 'active' AND `+cond, append([]any{id}, args...)...).Scan(&name, &region)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", apperr.InvalidField(field, "所选党员不在花名册中、已不在册或不在管辖范围内")
	}
	return name, region, err
}

// memberByID reads a roster member with no scope (the member's own
// session, or internal credit); it returns name and region.
func (s *Service) memberByID(ctx context.Context, q store.Querier, id int64) (string, string, error) {
	var name, region string
	err := s.DB.QueryRow(ctx, q, `SELECT m.name, p.region_code FROM members m JOIN party_orgs p ON p.id = m.party_org_id WHERE m.id = ?`, id).Scan(&name, &region)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", apperr.NotFound("党员")
	}
	return name, region, err
}

// FormatMinutes renders minutes as hours with two decimals from integers
// only (90 → "1.50").
func FormatMinutes(m int64) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	h := m / 60
	rest := m % 60
	// hundredths of an hour, rounded half up: rest*100/60.
	c := (rest*100*2 + 60) / 120
	if c == 100 {
		h, c = h+1, 0
	}
	return fmt.Sprintf("%s%d.%02d", sign, h, c)
}

// ParseHours reads hours with at most two decimals (or "1:30") into
// minutes, rounding to the minute.
func ParseHours(field, s string) (int64, error) {
	bad := apperr.InvalidField(field, "服务时长应为大于 0 的小时数（最多两位小数，如 2 或 1.5）")
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 4 || len(frac) > 2 {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || f < 0 {
		return 0, bad
	}
	// minutes = (w*100 + f) * 60 / 100, rounded half up.
	m := ((w*100+f)*60*2 + 100) / 200
	if m <= 0 || m > 24*60 {
		return 0, apperr.InvalidField(field, "服务时长应在 0–24 小时之间")
	}
	return m, nil
}
