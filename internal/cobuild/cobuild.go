// Package cobuild is 区域化共建 (issue 14 items 1–3): the register of
// co-building units (驻区单位) with their party organizations, 党建联盟 with
// member units and 联席会议 whose decisions may be followed as work-loop
// tasks; 双报到 of units and in-service members to a community with their
// participation, yearly reports and ratings (双向考核); and the 三张清单
// (needs, resources, projects) under 共建协议, with resource matching. It
// has no HTTP types.
package cobuild

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
	"liangxin/internal/workloop"
)

// Tasks is what the package needs of the work loop: a task made from a
// decision inside the caller's transaction, and a task's current state.
type Tasks interface {
	CreateMeetingTask(ctx context.Context, tx *sql.Tx, in workloop.TaskInput, decisionID int64) (workloop.Task, error)
	GetTask(ctx context.Context, id int64) (workloop.Task, error)
}

// Service holds the dependencies of the co-building use cases.
type Service struct {
	DB    *store.DB
	Audit *audit.Logger
	Now   func() time.Time
	// Protector seals phones and evidence files (the members' key).
	Protector func() (*pdata.Protector, error)
	// Tasks follows decisions as tasks (nil: refused).
	Tasks Tasks
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) today() string { return civil.Today(s.now()) }

func (s *Service) year() int { return civil.Year(s.now()) }

func (s *Service) stamp() string { return store.FormatTime(s.now()) }

func (s *Service) protector() (*pdata.Protector, error) {
	if s.Protector == nil {
		return nil, errors.New("cobuild: no personal-data protector wired")
	}
	return s.Protector()
}

func username(ctx context.Context) string {
	a, _ := actor.From(ctx)
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

// Codes lists the codes of opts (for the HTTP query specs).
func Codes(opts []Option) []string { return codes(opts) }

// UnitKinds are the kinds of co-building unit.
func UnitKinds() []Option {
	return []Option{{"government", "机关"}, {"institution", "事业单位"}, {"soe", "国有企业"}, {"liangxin", "两新组织"}, {"other", "其他"}}
}

// Categories are the fixed categories of needs and resources.
func Categories() []Option {
	return []Option{{"elderly", "助老助残"}, {"youth", "关爱青少年"}, {"health", "医疗健康"}, {"education", "教育培训"},
		{"culture", "文体活动"}, {"environment", "环境整治"}, {"employment", "就业创业"}, {"legal", "法律服务"},
		{"venue", "场地设施"}, {"funds", "资金物资"}, {"volunteer", "志愿服务"}, {"other", "其他"}}
}

// Urgencies of a need.
func Urgencies() []Option {
	return []Option{{"high", "紧急"}, {"normal", "一般"}, {"low", "不急"}}
}

// NeedStates of a need.
func NeedStates() []Option {
	return []Option{{"open", "待对接"}, {"matched", "已对接"}, {"done", "已解决"}, {"closed", "已关闭"}}
}

// ResourceStates of a resource.
func ResourceStates() []Option {
	return []Option{{"available", "可提供"}, {"in_use", "已对接"}, {"withdrawn", "已撤回"}}
}

// ProjectStatuses of a project.
func ProjectStatuses() []Option {
	return []Option{{"planned", "计划中"}, {"ongoing", "实施中"}, {"done", "已完成"}, {"cancelled", "已取消"}}
}

// AgreementStates of an agreement.
func AgreementStates() []Option {
	return []Option{{"active", "履行中"}, {"expired", "已到期"}, {"terminated", "已终止"}}
}

// Grades of a 双向考核 rating.
func Grades() []Option {
	return []Option{{"excellent", "优秀"}, {"good", "良好"}, {"fair", "合格"}, {"poor", "不合格"}}
}

// ReportKinds of a 双报到 record.
func ReportKinds() []Option {
	return []Option{{"unit", "单位党组织报到"}, {"member", "在职党员报到"}}
}

// Options are the code lists of the co-building pages.
type Options struct {
	UnitKinds       []Option `json:"unit_kinds"`
	Categories      []Option `json:"categories"`
	Urgencies       []Option `json:"urgencies"`
	NeedStates      []Option `json:"need_states"`
	ResourceStates  []Option `json:"resource_states"`
	ProjectStatuses []Option `json:"project_statuses"`
	AgreementStates []Option `json:"agreement_states"`
	Grades          []Option `json:"grades"`
	ReportKinds     []Option `json:"report_kinds"`
}

// GetOptions returns the code lists.
func GetOptions() Options {
	return Options{UnitKinds: UnitKinds(), Categories: Categories(), Urgencies: Urgencies(), NeedStates: NeedStates(),
		ResourceStates: ResourceStates(), ProjectStatuses: ProjectStatuses(), AgreementStates: AgreementStates(), Grades: Grades(), ReportKinds: ReportKinds()}
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

func dateField(bad *apperr.Error, field, label, v string, required bool) string {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			bad.Field(field, "请填写"+label+"（YYYY-MM-DD）")
		}
		return ""
	}
	d, err := civil.Day(field, v)
	if err != nil {
		bad.Field(field, label+"："+civil.Message(err, field))
		return v
	}
	return d
}

func enumField(bad *apperr.Error, field, label string, opts []Option, v string) string {
	v = strings.TrimSpace(v)
	if optionName(opts, v) == "" {
		names := make([]string, len(opts))
		for i, o := range opts {
			names[i] = o.Code + " " + o.Name
		}
		bad.Field(field, "请选择"+label+"（"+strings.Join(names, "、")+"）")
	}
	return v
}

func nullInt(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	return &v.Int64
}

func nullStr(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	return &v.String
}

func emptyNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// regionLevel returns the level of a region in the caller's scope (404 as
// "区域" otherwise).
func (s *Service) regionLevel(ctx context.Context, q store.Querier, field, code string) (int, error) {
	cond, args, err := store.ScopeFilter(ctx, "code")
	if err != nil {
		return 0, err
	}
	var level int
	err = s.DB.QueryRow(ctx, q, `SELECT level FROM regions WHERE code = ? AND `+cond, append([]any{strings.TrimSpace(code)}, args...)...).Scan(&level)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.InvalidField(field, "区域不存在或不在您的管辖范围内")
	}
	return level, err
}

// community checks that code is a 社区/村 (level 5) in the caller's scope.
func (s *Service) community(ctx context.Context, q store.Querier, field, code string) error {
	level, err := s.regionLevel(ctx, q, field, code)
	if err != nil {
		return err
	}
	if level != 5 {
		return apperr.InvalidField(field, "请选择社区（村）一级的区域")
	}
	return nil
}

func (s *Service) partyOrgInScope(ctx context.Context, q store.Querier, field string, id int64) (string, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "id")
	if err != nil {
		return "", err
	}
	var name string
	err = s.DB.QueryRow(ctx, q, `SELECT name FROM party_orgs WHERE id = ? AND dissolved_on IS NULL AND `+cond, append([]any{id}, args...)...).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.InvalidField(field, "所选党组织不存在、已撤销或不在管辖范围内")
	}
	return name, err
}

func (s *Service) seal(phone string) (enc, hash, mask string, err error) {
	if phone == "" {
		return "", "", "", nil
	}
	p, err := s.protector()
	if err != nil {
		return "", "", "", err
	}
	if enc, err = p.Encrypt(phone); err != nil {
		return "", "", "", err
	}
	return enc, p.Hash(phone), pdata.MaskPhone(phone), nil
}

func phoneField(bad *apperr.Error, field, v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	p, ok := pdata.NormalizePhone(v)
	if !ok {
		bad.Field(field, "联系电话应为11位手机号或带区号的固定电话（如 0734-1234567）")
	}
	return p
}

// Page is the paging of a list (1-based page).
type Page struct {
	Page     int
	PageSize int
}

func (p Page) store() store.Page { return store.Page{Number: p.Page, Size: p.PageSize} }

func likeAny(q string, cols ...string) (string, []any) {
	q = strings.TrimSpace(q)
	parts := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		parts[i] = c + ` LIKE ? ESCAPE '\'`
		args[i] = "%" + store.LikeEscape(q) + "%"
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

func sortOrder(sorts map[string]string, def, code string) (string, error) {
	if code == "" {
		return sorts[def], nil
	}
	o, ok := sorts[code]
	if !ok {
		return "", apperr.InvalidField("sort", "排序方式不存在")
	}
	return o, nil
}

// Year is the current year in China time.
func (s *Service) Year() int { return s.year() }
