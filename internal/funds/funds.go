// Package funds is 经费保障: yearly funding standards by party-organization
// kind and formation, the entitlement of every party organization computed
// from the ledger and the dues collected, and a double-entry journal of
// allocations (拨付), spending and 孵化发展基金 grants. Money is int64 分
// everywhere; there is no floating point in this package (a test checks).
// It has no HTTP types.
package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
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

// Service holds the dependencies of the funds use cases.
type Service struct {
	DB    *store.DB
	Audit *audit.Logger
	Now   func() time.Time
	// Protector seals receipt attachments (the personal-data key).
	Protector func() (*pdata.Protector, error)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) today() string { return civil.Today(s.now()) }

func (s *Service) stamp() string { return store.FormatTime(s.now()) }

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

// Kinds are the party-organization kinds that receive funds (党小组 do not).
func Kinds() []Option {
	return []Option{{"committee", "党委"}, {"general_branch", "党总支"}, {"branch", "党支部"}}
}

// Formations are the formations of partyorg; 单建 is single, the others are
// kinds of 联建.
func Formations() []Option {
	return []Option{{"single", "单独组建"}, {"joint", "联合组建"}, {"regional", "区域组建"}, {"industry", "行业组建"}}
}

// Categories are the spending categories.
func Categories() []Option {
	return []Option{{"activity", "组织活动"}, {"education", "教育培训"}, {"venue", "阵地建设"}, {"service", "服务群众"},
		{"material", "资料购置"}, {"other", "其他"}}
}

// CategoryCodes lists the spending category codes.
func CategoryCodes() []string { return codes(Categories()) }

func codes(opts []Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Code
	}
	return out
}

// Proration rules.
const (
	ProrateYear   = "year"
	ProrateMonths = "months"
)

// Prorations lists the proration rules.
func Prorations() []Option {
	return []Option{{ProrateYear, "按全年计（年内存续即全额）"}, {ProrateMonths, "按月计（每月 1 日存续的月份，每月 1/12）"}}
}

// Incubation application statuses.
const (
	AppApplied  = "applied"
	AppReviewed = "reviewed"
	AppGranted  = "granted"
	AppRefused  = "refused"
)

// AppStatuses lists the statuses of a 孵化基金 application.
func AppStatuses() []Option {
	return []Option{{AppApplied, "已申请"}, {AppReviewed, "已审核"}, {AppGranted, "已资助"}, {AppRefused, "未通过"}}
}

// Entry kinds of the journal.
const (
	EntryEntitlement = "entitlement"
	EntryAllocation  = "allocation"
	EntrySpending    = "spending"
	EntryGrant       = "grant"
)

// EntryKinds lists the journal entry kinds.
func EntryKinds() []Option {
	return []Option{{EntryEntitlement, "核定应拨"}, {EntryAllocation, "拨付"}, {EntrySpending, "支出"}, {EntryGrant, "孵化基金资助"}}
}

// Options are the code lists of the funds screens.
type Options struct {
	Kinds       []Option `json:"kinds"`
	Formations  []Option `json:"formations"`
	Categories  []Option `json:"categories"`
	Prorations  []Option `json:"prorations"`
	AppStatuses []Option `json:"app_statuses"`
	EntryKinds  []Option `json:"entry_kinds"`
}

// GetOptions returns the code lists.
func GetOptions() Options {
	return Options{Kinds: Kinds(), Formations: Formations(), Categories: Categories(), Prorations: Prorations(),
		AppStatuses: AppStatuses(), EntryKinds: EntryKinds()}
}

// FormatYuan renders 分 as 元 with two decimals ("1234.56", "-0.05"),
// from integers only.
func FormatYuan(c int64) string {
	sign := ""
	u := uint64(c)
	if c < 0 {
		sign, u = "-", uint64(-c)
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// MaxCents bounds one amount (one hundred million 元).
const MaxCents = 100_000_000_00

// ParseYuan reads a positive 元 amount with at most two decimals into 分.
func ParseYuan(field, label, s string) (int64, error) {
	bad := apperr.InvalidField(field, label+"应为大于 0 的金额（元），最多两位小数，如 5000 或 1234.56")
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || len(frac) > 2 {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseUint(whole, 10, 64)
	f, err2 := strconv.ParseUint(frac, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, bad
	}
	c := int64(w)*100 + int64(f)
	if c <= 0 || c > MaxCents {
		return 0, bad
	}
	return c, nil
}

// ParseYuanOrZero reads a non-negative 元 amount ("0" allowed).
func ParseYuanOrZero(field, label, s string) (int64, error) {
	if strings.TrimSpace(s) == "0" || strings.TrimSpace(s) == "0.00" || strings.TrimSpace(s) == "0.0" {
		return 0, nil
	}
	return ParseYuan(field, label, s)
}

// MulRatio is c × num / den rounded half up to the 分 (c ≥ 0, den > 0).
func MulRatio(c, num, den int64) int64 {
	return (2*c*num + den) / (2 * den)
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

func checkDate(bad *apperr.Error, field, label, v string) string {
	v = strings.TrimSpace(v)
	d, err := civil.Day(field, v)
	if err != nil {
		bad.Field(field, label+"："+civil.Message(err, field))
		return v
	}
	return d
}

// MinYear and MaxYear bound the years funds are kept for.
const (
	MinYear = 2000
	MaxYear = 2100
)

// CheckYear refuses a year outside MinYear–MaxYear.
func CheckYear(field string, y int) error {
	if y < MinYear || y > MaxYear {
		return apperr.InvalidField(field, fmt.Sprintf("年度应在 %d–%d 之间", MinYear, MaxYear))
	}
	return nil
}

// partyOrg is what the funds need of a party organization.
type partyOrg struct {
	ID          int64
	Name        string
	Kind        string
	Formation   string
	RegionCode  string
	Established string
	Dissolved   string // "" when not dissolved; the first day it no longer exists
}

// visiblePartyOrg loads a party organization the caller may see; 404 otherwise.
func (s *Service) visiblePartyOrg(ctx context.Context, q store.Querier, id int64) (partyOrg, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return partyOrg{}, err
	}
	var p partyOrg
	var dis sql.NullString
	err = s.DB.QueryRow(ctx, q, `SELECT p.id, p.name, p.kind, p.formation, p.region_code, p.established_on, p.dissolved_on
		FROM party_orgs p WHERE p.id = ? AND `+cond, append([]any{id}, args...)...).
		Scan(&p.ID, &p.Name, &p.Kind, &p.Formation, &p.RegionCode, &p.Established, &dis)
	if errors.Is(err, sql.ErrNoRows) {
		return partyOrg{}, apperr.NotFound("党组织")
	}
	if err != nil {
		return partyOrg{}, fmt.Errorf("funds: party org: %w", err)
	}
	p.Dissolved = dis.String
	return p, nil
}

// lockPartyOrg serialises the money movements of one party organization:
// on PostgreSQL a row lock on the party organization (FOR NO KEY UPDATE, so
// rows referring to it can still be inserted); SQLite's write transactions
// are already one at a time (BEGIN IMMEDIATE).
func (s *Service) lockPartyOrg(ctx context.Context, tx *sql.Tx, id int64) error {
	if s.DB.Dialect != store.Postgres {
		return nil
	}
	var got int64
	return s.DB.QueryRow(ctx, tx, `SELECT id FROM party_orgs WHERE id = ? FOR NO KEY UPDATE`, id).Scan(&got)
}

func sortStrings(s []string) { sort.Strings(s) }

// ThisYear is the current year in China time.
func (s *Service) ThisYear() int { return civil.Year(s.now()) }
