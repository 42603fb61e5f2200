// Package servicereq is 订单式服务: requests (诉求/订单) taken in from
// enterprises, members and residents, handled by the receiving party
// organization (做单) or passed to a handler unit (转单), finished (办结),
// answered to the requester (回单) and closed, with deadlines counted in
// working days on the holiday calendar. It has no HTTP types.
package servicereq

import (
	"context"
	"database/sql"
	"encoding/json"
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
	"liangxin/internal/notify"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// Service holds the dependencies of the service-request use cases.
type Service struct {
	DB    *store.DB
	Audit *audit.Logger
	Now   func() time.Time
	// Protector seals the requester's phone number (the members' key).
	Protector func() (*pdata.Protector, error)
	// Notifier tells the people concerned about a step (assigned,
	// transferred, reopened, overdue) inside the step's transaction; nil
	// sends nothing.
	Notifier notify.Notifier
	// Regions resolves the region cells of an import.
	Regions RegionNames
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

// SettingReopenDays is the settings key of the reopen window in days.
const SettingReopenDays = "service.reopen_days"

// DefaultReopenDays is the reopen window when none is set: a requester not
// satisfied may have the request reopened within 15 days of the reply.
const DefaultReopenDays = 15

// SourceVenueInspection is the source of a request opened from a failed
// item of a venue inspection (internal/venue links the item to it); a clerk
// may also choose it when taking such a request in by hand.
const SourceVenueInspection = "venue_inspection"

// Sources lists where a request can come from (code, Chinese name).
func Sources() []Option {
	return []Option{
		{"desk", "接待台"}, {"phone", "电话"}, {"online_group", "线上群"}, {"dialogue", "政企对话"},
		{"instructor_visit", "指导员走访"}, {"grid", "网格"}, {"public_form", "公开表单"}, {SourceVenueInspection, "阵地检查"},
	}
}

// HandlerKinds lists the kinds of handler unit.
func HandlerKinds() []Option {
	return []Option{{"department", "职能部门"}, {"street", "街道（乡镇）"}, {"social_org", "社会组织"}, {"other", "其他单位"}}
}

// ReplyMethods lists how the requester was told.
func ReplyMethods() []Option {
	return []Option{{"phone", "电话"}, {"visit", "上门"}, {"message", "短信"}, {"online", "线上"}, {"in_person", "当面"}}
}

// Satisfaction levels.
const (
	Satisfied      = "satisfied"
	BasicSatisfied = "basic"
	NotSatisfied   = "unsatisfied"
)

// Satisfactions lists the satisfaction levels of a reply.
func Satisfactions() []Option {
	return []Option{{Satisfied, "满意"}, {BasicSatisfied, "基本满意"}, {NotSatisfied, "不满意"}}
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

// Category is a kind of request with its deadline in working days.
type Category struct {
	ID           int64  `json:"id"`
	Code         string `json:"code"`
	Name         string `json:"name"`
	DeadlineDays int    `json:"deadline_days"`
	Active       bool   `json:"active"`
}

// CategoryInput adds or changes a category (matched by code).
type CategoryInput struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	DeadlineDays int    `json:"deadline_days"`
	Active       bool   `json:"active"`
}

// Settings are the jurisdiction-wide rules of the service desk.
type Settings struct {
	ReopenDays int           `json:"reopen_days"`
	Categories []Category    `json:"categories"`
	Calendar   []CalendarDay `json:"calendar"`
}

// SettingsInput changes the settings: the reopen window, categories (added
// or changed by code; never deleted, set active false instead) and the
// calendar (replaced as a whole). Reason is recorded in the audit trail.
type SettingsInput struct {
	ReopenDays int             `json:"reopen_days"`
	Categories []CategoryInput `json:"categories"`
	Calendar   []CalendarDay   `json:"calendar"`
	Reason     string          `json:"reason"`
}

// Options are the code lists the desk shows.
type Options struct {
	Sources       []Option   `json:"sources"`
	States        []Option   `json:"states"`
	Actions       []Option   `json:"actions"`
	HandlerKinds  []Option   `json:"handler_kinds"`
	ReplyMethods  []Option   `json:"reply_methods"`
	Satisfactions []Option   `json:"satisfactions"`
	Categories    []Category `json:"categories"`
}

// GetOptions returns the code lists and the categories.
func (s *Service) GetOptions(ctx context.Context) (Options, error) {
	ctx = store.WithOp(ctx, "servicereq.GetOptions")
	cats, err := s.categories(ctx, s.DB)
	if err != nil {
		return Options{}, err
	}
	return Options{Sources: Sources(), States: States(), Actions: Actions(), HandlerKinds: HandlerKinds(),
		ReplyMethods: ReplyMethods(), Satisfactions: Satisfactions(), Categories: cats}, nil
}

func (s *Service) categories(ctx context.Context, q store.Querier) ([]Category, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT id, code, name, deadline_days, active FROM service_categories ORDER BY sort, id`)
	if err != nil {
		return nil, fmt.Errorf("servicereq: categories: %w", err)
	}
	defer rows.Close()
	out := []Category{}
	for rows.Next() {
		var c Category
		if err := rows.Scan(&c.ID, &c.Code, &c.Name, &c.DeadlineDays, &c.Active); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) calendarDays(ctx context.Context, q store.Querier) ([]CalendarDay, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT day, kind, note FROM service_calendar ORDER BY day`)
	if err != nil {
		return nil, fmt.Errorf("servicereq: calendar: %w", err)
	}
	defer rows.Close()
	out := []CalendarDay{}
	for rows.Next() {
		var d CalendarDay
		if err := rows.Scan(&d.Day, &d.Kind, &d.Note); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *Service) calendar(ctx context.Context, q store.Querier) (Calendar, error) {
	days, err := s.calendarDays(ctx, q)
	if err != nil {
		return Calendar{}, err
	}
	return NewCalendar(days), nil
}

func (s *Service) reopenDays(ctx context.Context, q store.Querier) (int, error) {
	var v string
	err := s.DB.QueryRow(ctx, q, `SELECT value FROM settings WHERE key = ?`, SettingReopenDays).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultReopenDays, nil
	}
	if err != nil {
		return 0, fmt.Errorf("servicereq: reopen window: %w", err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return DefaultReopenDays, nil
	}
	return n, nil
}

// GetSettings returns the settings.
func (s *Service) GetSettings(ctx context.Context) (Settings, error) {
	ctx = store.WithOp(ctx, "servicereq.GetSettings")
	return s.settings(ctx, s.DB)
}

func (s *Service) settings(ctx context.Context, q store.Querier) (Settings, error) {
	var out Settings
	var err error
	if out.ReopenDays, err = s.reopenDays(ctx, q); err != nil {
		return out, err
	}
	if out.Categories, err = s.categories(ctx, q); err != nil {
		return out, err
	}
	out.Calendar, err = s.calendarDays(ctx, q)
	return out, err
}

// SetSettings changes the settings in one transaction, audited with the
// settings before and after. The caller checks the jurisdiction-wide
// permission.
func (s *Service) SetSettings(ctx context.Context, in SettingsInput) (Settings, error) {
	bad := apperr.Invalid()
	if in.ReopenDays < 0 || in.ReopenDays > 365 {
		bad.Field("reopen_days", "重新办理期限应为 0–365 天")
	}
	codes := map[string]bool{}
	names := map[string]bool{}
	for i, c := range in.Categories {
		f := fmt.Sprintf("categories[%d]", i)
		c.Code, c.Name = strings.TrimSpace(c.Code), strings.TrimSpace(c.Name)
		in.Categories[i] = c
		if !validCode(c.Code) {
			bad.Field(f+".code", "类别代码应为 1–32 位小写字母、数字或下划线")
		} else if codes[c.Code] {
			bad.Field(f+".code", "类别代码「"+c.Code+"」重复")
		}
		codes[c.Code] = true
		if c.Name == "" || utf8.RuneCountInString(c.Name) > 30 {
			bad.Field(f+".name", "请填写类别名称（不超过 30 个字）")
		} else if names[c.Name] {
			bad.Field(f+".name", "类别名称「"+c.Name+"」重复")
		}
		names[c.Name] = true
		if c.DeadlineDays < 1 || c.DeadlineDays > 60 {
			bad.Field(f+".deadline_days", "办理时限应为 1–60 个工作日")
		}
	}
	days := map[string]bool{}
	for i, d := range in.Calendar {
		f := fmt.Sprintf("calendar[%d]", i)
		t, err := civil.Read(d.Day)
		switch {
		case err != nil:
			bad.Field(f+".day", "日期格式应为 YYYY-MM-DD")
		case days[d.Day]:
			bad.Field(f+".day", d.Day+" 重复")
		case d.Kind == DayWork && t.Weekday() != time.Saturday && t.Weekday() != time.Sunday:
			bad.Field(f+".kind", d.Day+" 是工作日，无需设为调休上班")
		}
		days[d.Day] = true
		if d.Kind != DayOff && d.Kind != DayWork {
			bad.Field(f+".kind", "类型应为 off（放假）或 work（调休上班）")
		}
		if utf8.RuneCountInString(d.Note) > 30 {
			bad.Field(f+".note", "说明不能超过 30 个字")
		}
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if utf8.RuneCountInString(in.Reason) > 200 {
		bad.Field("reason", "修改原因不能超过 200 个字")
	}
	if err := bad.OrNil(); err != nil {
		return Settings{}, err
	}
	var out Settings
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.settings(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			SettingReopenDays, strconv.Itoa(in.ReopenDays)); err != nil {
			return err
		}
		for i, c := range in.Categories {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO service_categories (code, name, deadline_days, active, sort) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, deadline_days = excluded.deadline_days, active = excluded.active, sort = excluded.sort`,
				c.Code, c.Name, c.DeadlineDays, c.Active, i+1); err != nil {
				if store.IsUniqueViolation(err) {
					return apperr.InvalidField(fmt.Sprintf("categories[%d].name", i), "类别名称「"+c.Name+"」已被其他类别使用")
				}
				return err
			}
		}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM service_calendar`); err != nil {
			return err
		}
		cal := append([]CalendarDay(nil), in.Calendar...)
		sort.Slice(cal, func(i, j int) bool { return cal[i].Day < cal[j].Day })
		for _, d := range cal {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO service_calendar (day, kind, note) VALUES (?, ?, ?)`, d.Day, d.Kind, strings.TrimSpace(d.Note)); err != nil {
				return err
			}
		}
		if out, err = s.settings(ctx, tx); err != nil {
			return err
		}
		note := "修改订单式服务设置"
		if in.Reason != "" {
			note += "：" + in.Reason
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "service_settings", Entity: "service_settings", EntityID: "service",
			Before: before, After: out, Note: note})
	})
	if err != nil {
		return Settings{}, fmt.Errorf("servicereq: set settings: %w", err)
	}
	return out, nil
}

func validCode(c string) bool {
	if c == "" || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
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

// visibleRegion limits col to regions the actor may see or that lie above
// it (a street transfers to a district department).
func visibleRegion(ctx context.Context, col string) (string, []any, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return "", nil, apperr.Unauthenticated("")
	}
	if a.System {
		return "1=1", nil, nil
	}
	if a.Scope == "" {
		return "1=0", nil, nil
	}
	in, inArgs := store.PrefixRange(col, a.Scope)
	up, upArgs := store.AncestorsOf(col, a.Scope)
	return "(" + in + " OR " + up + ")", append(inArgs, upArgs...), nil
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
