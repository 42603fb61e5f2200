// Package briefing is the monthly briefing (通报, issue 16 item 4): for a
// month and a region it gathers the figures as they stood at the month's end
// (coverage and the street ranking, new party organizations, 三会一课,
// 换届, 发展党员, 党费, service requests, wishes, overdue tasks), freezes them
// in a snapshot, fills an editable template with them, and issues the result
// as a numbered, immutable briefing in .docx, .xlsx and a printable page.
// See docs/work-loop.md (通报).
package briefing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/coverage"
	"liangxin/internal/dangtong"
	"liangxin/internal/meeting"
	"liangxin/internal/region"
	"liangxin/internal/servicereq"
	"liangxin/internal/store"
)

// Service holds what the briefing needs.
type Service struct {
	DB       *store.DB
	Audit    *audit.Logger
	Regions  *region.Service
	Cover    *coverage.Service
	Dangtong *dangtong.Service
	Meet     *meeting.Service
	Services *servicereq.Service
	// Volunteer gives volunteer hours (nil: not available).
	Volunteer VolunteerHours
	Now       func() time.Time
}

var cst = civil.Zone

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) today() string { return civil.Today(s.now()) }

// States of a briefing.
const (
	StateDraft  = "draft"
	StateIssued = "issued"
)

// Option is a code with its Chinese name.
type Option struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// States lists the states.
func States() []Option { return []Option{{StateDraft, "草稿"}, {StateIssued, "已签发"}} }

func stateName(c string) string {
	for _, o := range States() {
		if o.Code == c {
			return o.Name
		}
	}
	return c
}

// Briefing is a draft or issued briefing.
type Briefing struct {
	ID         int64  `json:"id"`
	Month      string `json:"month"`
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	Title      string `json:"title"`
	// TitleText is the title with its placeholders filled (in lists, from
	// the region, month and 期号 only).
	TitleText       string  `json:"title_text"`
	Body            string  `json:"body"`
	TemplateVersion int     `json:"template_version"`
	State           string  `json:"state"`
	StateName       string  `json:"state_name"`
	IssueYear       *int    `json:"issue_year"`
	Serial          *int    `json:"serial"`
	SerialName      string  `json:"serial_name"` // 2026年第3期
	IssuedAt        *string `json:"issued_at"`
	IssuedBy        string  `json:"issued_by"`
	Version         int     `json:"version"`
	CreatedAt       string  `json:"created_at"`
	UpdatedAt       string  `json:"updated_at"`
	// Figures (only on a single briefing): the issued copy, or the month's
	// snapshot while a draft; Final says they stand at the month's end.
	Figures    *Figures `json:"figures"`
	SnapshotAt string   `json:"snapshot_at"`
	Final      bool     `json:"final"`
}

// GenerateInput asks for a draft of a month (YYYY-MM) and region; Refresh
// recomputes the running month's figures.
type GenerateInput struct {
	Month      string `json:"month"`
	RegionCode string `json:"region_code"`
	Refresh    bool   `json:"refresh"`
}

// UpdateInput edits a draft's words, guarded by the version seen.
type UpdateInput struct {
	Title   string `json:"title"`
	Body    string `json:"body"`
	Version int    `json:"version"`
}

// IssueInput issues a draft, guarded by the version seen.
type IssueInput struct {
	Version int `json:"version"`
}

func who(ctx context.Context) (actor.Actor, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return a, apperr.Unauthenticated("")
	}
	// Briefings are the district's and the streets' work; a party
	// organization's account has nothing to do with them.
	if !a.System && a.PartyOrgID != 0 {
		return a, apperr.Forbidden()
	}
	return a, nil
}

// target checks month and region: the month is YYYY-MM and not in the
// future, the region inside the caller's scope and not an area.
func (s *Service) target(ctx context.Context, month, code string) (region.Region, error) {
	bad := apperr.Invalid()
	month = strings.TrimSpace(month)
	if t, err := civil.ReadMonth(month); err != nil || t.Format(civil.MonthLayout) != month {
		bad.Field("month", "月份格式应为 YYYY-MM")
	} else if month > s.today()[:7] {
		bad.Field("month", "不能生成未来月份的通报")
	} else if month < "2000-01" {
		bad.Field("month", "月份不能早于 2000 年")
	}
	var rg region.Region
	var err error
	if strings.TrimSpace(code) == "" {
		rg, err = s.Regions.ScopeRoot(ctx)
	} else {
		rg, err = s.Regions.Get(ctx, strings.TrimSpace(code))
	}
	if err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			bad.Field("region_code", "区划不存在或不在您的管辖范围内")
		} else {
			return rg, err
		}
	} else if rg.Level == "area" {
		bad.Field("region_code", "通报按行政区划统计，请选择县（区）、街道（乡镇）或社区（村），不能选择片区")
	}
	return rg, bad.OrNil()
}

// Snapshot returns the figures of a month and region: stored and final once
// computed after the month's end; while the month runs, computed on the day
// the first time and again when refresh is asked for.
func (s *Service) Snapshot(ctx context.Context, month, code string, refresh bool) (Figures, string, bool, error) {
	if _, err := who(ctx); err != nil {
		return Figures{}, "", false, err
	}
	rg, err := s.target(ctx, month, code)
	if err != nil {
		return Figures{}, "", false, err
	}
	return s.snapshot(ctx, rg, month, refresh)
}

func (s *Service) snapshot(ctx context.Context, rg region.Region, month string, refresh bool) (Figures, string, bool, error) {
	f, at, final, err := s.stored(ctx, s.DB, month, rg.Code)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return f, at, final, err
	}
	today := s.today()
	_, last, _ := monthDays(month)
	closed := last.Format(day) < today
	if err == nil && (final || (!closed && !refresh)) {
		return f, at, final, nil
	}
	asOf := today
	if closed {
		asOf = last.Format(day)
	}
	f, err = s.compute(ctx, rg, month, asOf)
	if err != nil {
		return f, "", false, err
	}
	b, err := json.Marshal(f)
	if err != nil {
		return f, "", false, err
	}
	a, _ := actor.From(ctx)
	at = store.FormatTime(s.now())
	// A final snapshot is never replaced: of two first computations after
	// the month's end, the first stored wins and both callers read it.
	if _, err := s.DB.Exec(ctx, s.DB, `INSERT INTO briefing_snapshots (month, region_code, as_of, final, figures, generated_by, generated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (month, region_code) DO UPDATE SET as_of = excluded.as_of, final = excluded.final,
		figures = excluded.figures, generated_by = excluded.generated_by, generated_at = excluded.generated_at
		WHERE briefing_snapshots.final = ?`, month, rg.Code, asOf, closed, string(b), a.UserID, at, false); err != nil {
		return f, "", false, fmt.Errorf("briefing: store snapshot: %w", err)
	}
	return s.stored(ctx, s.DB, month, rg.Code)
}

func (s *Service) stored(ctx context.Context, q store.Querier, month, code string) (Figures, string, bool, error) {
	var raw, at string
	var final bool
	err := s.DB.QueryRow(ctx, q, `SELECT figures, generated_at, final FROM briefing_snapshots WHERE month = ? AND region_code = ?`, month, code).Scan(&raw, &at, &final)
	if err != nil {
		return Figures{}, "", false, err
	}
	var f Figures
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return f, "", false, fmt.Errorf("briefing: snapshot %s %s: %w", month, code, err)
	}
	return f, at, final, nil
}

const cols = `b.id, b.month, b.region_code, COALESCE(r.name, ''), b.title, b.body, b.template_version, b.state, b.issue_year, b.serial,
	b.issued_at, b.issued_by, b.version, b.created_at, b.updated_at, b.figures`

const from = ` FROM briefings b LEFT JOIN regions r ON r.code = b.region_code`

func scan(row interface{ Scan(...any) error }) (Briefing, string, error) {
	var b Briefing
	var year, serial sql.NullInt64
	var issued sql.NullString
	var figures string
	err := row.Scan(&b.ID, &b.Month, &b.RegionCode, &b.RegionName, &b.Title, &b.Body, &b.TemplateVersion, &b.State, &year, &serial,
		&issued, &b.IssuedBy, &b.Version, &b.CreatedAt, &b.UpdatedAt, &figures)
	if year.Valid && serial.Valid {
		y, n := int(year.Int64), int(serial.Int64)
		b.IssueYear, b.Serial = &y, &n
		b.SerialName = fmt.Sprintf("%d年第%d期", y, n)
	}
	if issued.Valid {
		b.IssuedAt = &issued.String
	}
	b.StateName = stateName(b.State)
	b.TitleText = fill(b.Title, Figures{Month: b.Month, RegionName: b.RegionName}, Meta{Serial: b.SerialName})
	return b, figures, err
}

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (Briefing, error) {
	if _, err := who(ctx); err != nil {
		return Briefing{}, err
	}
	cond, args, err := store.ScopeFilter(ctx, "b.region_code")
	if err != nil {
		return Briefing{}, err
	}
	b, raw, err := scan(s.DB.QueryRow(ctx, q, `SELECT `+cols+from+` WHERE b.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return b, apperr.NotFound("通报")
	}
	if err != nil {
		return b, fmt.Errorf("briefing: get %d: %w", id, err)
	}
	if b.State == StateIssued {
		var f Figures
		if err := json.Unmarshal([]byte(raw), &f); err != nil {
			return b, fmt.Errorf("briefing: figures of %d: %w", id, err)
		}
		b.Figures, b.SnapshotAt, b.Final = &f, *b.IssuedAt, f.AsOf[:7] == f.Month && isMonthEnd(f.AsOf)
		b.TitleText = fill(b.Title, f, Meta{Serial: b.SerialName})
		return b, nil
	}
	f, at, final, err := s.stored(ctx, q, b.Month, b.RegionCode)
	if err != nil {
		return b, fmt.Errorf("briefing: snapshot of %d: %w", id, err)
	}
	b.Figures, b.SnapshotAt, b.Final = &f, at, final
	b.TitleText = fill(b.Title, f, Meta{})
	return b, nil
}

func isMonthEnd(d string) bool {
	t, err := civil.Read(d)
	return err == nil && t.AddDate(0, 0, 1).Day() == 1
}

// Get returns a briefing with its figures.
func (s *Service) Get(ctx context.Context, id int64) (Briefing, error) { return s.get(ctx, s.DB, id) }

// Generate makes (or refreshes) the draft of a month and region from the
// template in force; an existing draft of the same month and region keeps
// its words and gets the (refreshed) figures.
func (s *Service) Generate(ctx context.Context, in GenerateInput) (Briefing, error) {
	a, err := who(ctx)
	if err != nil {
		return Briefing{}, err
	}
	rg, err := s.target(ctx, in.Month, in.RegionCode)
	if err != nil {
		return Briefing{}, err
	}
	if _, _, _, err := s.snapshot(ctx, rg, in.Month, in.Refresh); err != nil {
		return Briefing{}, err
	}
	var id int64
	err = s.DB.QueryRow(ctx, s.DB, `SELECT id FROM briefings WHERE month = ? AND region_code = ? AND state = ? ORDER BY id LIMIT 1`, in.Month, rg.Code, StateDraft).Scan(&id)
	if err == nil {
		return s.Get(ctx, id)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Briefing{}, err
	}
	t, err := s.Template(ctx)
	if err != nil {
		return Briefing{}, err
	}
	now := store.FormatTime(s.now())
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO briefings (month, region_code, title, body, template_version, state, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Month, rg.Code, t.Title, t.Body, t.Version, StateDraft, a.UserID, now, now).Scan(&id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "briefing_generate", Entity: "briefing", EntityID: fmt.Sprint(id),
			Note: fmt.Sprintf("生成%s%s月度通报草稿", rg.Name, in.Month)})
	})
	if err != nil {
		return Briefing{}, fmt.Errorf("briefing: generate: %w", err)
	}
	return s.Get(ctx, id)
}

// Update edits a draft's title and body (an issued briefing: 409).
func (s *Service) Update(ctx context.Context, id int64, in UpdateInput) (Briefing, error) {
	ctx = store.WithOp(ctx, "briefing.Update")
	bad := apperr.Invalid()
	title, body := checkText(bad, in.Title, in.Body)
	if err := bad.OrNil(); err != nil {
		return Briefing{}, err
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		b, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if b.State != StateDraft {
			return apperr.Conflict("已签发的通报不能修改")
		}
		if in.Version != b.Version {
			return apperr.Conflict("通报已被他人修改，请刷新后再改")
		}
		res, err := s.DB.Exec(ctx, tx, `UPDATE briefings SET title = ?, body = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND state = ?`,
			title, body, store.FormatTime(s.now()), id, in.Version, StateDraft)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflict("通报已被他人修改，请刷新后再改")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "briefing_update", Entity: "briefing", EntityID: fmt.Sprint(id),
			Before: map[string]string{"title": b.Title}, After: map[string]string{"title": title}})
	})
	if err != nil {
		return Briefing{}, err
	}
	return s.Get(ctx, id)
}

// Delete removes a draft (an issued briefing: 409).
func (s *Service) Delete(ctx context.Context, id int64) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		b, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if b.State != StateDraft {
			return apperr.Conflict("已签发的通报不能删除")
		}
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM briefings WHERE id = ? AND state = ?`, id, StateDraft); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "briefing_delete", Entity: "briefing", EntityID: fmt.Sprint(id),
			Note: fmt.Sprintf("删除%s%s通报草稿", b.RegionName, b.Month)})
	})
}

// Issue freezes a draft: it takes the next 期号 of the region in the year
// of issue and its own copy of the figures; it cannot change afterwards.
func (s *Service) Issue(ctx context.Context, id int64, in IssueInput) (Briefing, error) {
	a, err := who(ctx)
	if err != nil {
		return Briefing{}, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		b, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if b.State != StateDraft {
			return apperr.Conflict("通报已签发，不能再次签发")
		}
		if in.Version != b.Version {
			return apperr.Conflict("通报已被他人修改，请刷新后再签发")
		}
		if _, err := render(b.Title, b.Body, *b.Figures, Meta{}); err != nil {
			return err
		}
		raw, err := json.Marshal(b.Figures)
		if err != nil {
			return err
		}
		year := civil.Year(s.now())
		var serial int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COALESCE(MAX(serial), 0) + 1 FROM briefings WHERE region_code = ? AND issue_year = ?`, b.RegionCode, year).Scan(&serial); err != nil {
			return err
		}
		by := a.Username
		res, err := s.DB.Exec(ctx, tx, `UPDATE briefings SET state = ?, issue_year = ?, serial = ?, figures = ?, issued_at = ?, issued_by = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND state = ? AND version = ?`, StateIssued, year, serial, string(raw), store.FormatTime(s.now()), by, store.FormatTime(s.now()), id, StateDraft, in.Version)
		if err != nil {
			if store.IsUniqueViolation(err) {
				return apperr.Conflict("另一份通报正在签发，请重试")
			}
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflict("通报已被他人修改，请刷新后再签发")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "briefing_issue", Entity: "briefing", EntityID: fmt.Sprint(id),
			Note: fmt.Sprintf("签发%s%s通报（%d年第%d期）", b.RegionName, b.Month, year, serial)})
	})
	if err != nil {
		return Briefing{}, err
	}
	return s.Get(ctx, id)
}

// Filter selects briefings.
type Filter struct {
	State      string
	Year       int // the month's year
	RegionCode string
	Q          string
	Page       int
	PageSize   int
}

// List returns one page of the briefings in the caller's scope, newest month first.
func (s *Service) List(ctx context.Context, f Filter) ([]Briefing, store.Total, error) {
	ctx = store.WithOp(ctx, "briefing.List")
	if _, err := who(ctx); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := store.ScopeFilter(ctx, "b.region_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	bad := apperr.Invalid()
	if f.State != "" && f.State != StateDraft && f.State != StateIssued {
		bad.Field("state", "状态应为 draft（草稿）或 issued（已签发）")
	}
	if f.Year != 0 && (f.Year < 2000 || f.Year > 2100) {
		bad.Field("year", "年度应为 2000–2100")
	}
	if err := bad.OrNil(); err != nil {
		return nil, store.Total{}, err
	}
	if f.State != "" {
		cond += " AND b.state = ?"
		args = append(args, f.State)
	}
	if f.Year != 0 {
		cond += " AND b.month LIKE ?"
		args = append(args, fmt.Sprintf("%04d-%%", f.Year))
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("b.region_code", f.RegionCode)
		cond, args = cond+" AND "+rc, append(args, ra...)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond += ` AND (b.title LIKE ? ESCAPE '\' OR r.name LIKE ? ESCAPE '\' OR b.month LIKE ? ESCAPE '\')`
		like := "%" + store.LikeEscape(q) + "%"
		args = append(args, like, like, like)
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PageSize < 1 || f.PageSize > 200 {
		f.PageSize = 20
	}
	return store.List(ctx, s.DB, store.ListQuery{Cols: cols, From: strings.TrimSpace(from), Cond: cond, Args: args,
		Order: "b.month DESC, b.region_code, b.id DESC"}, store.Page{Number: f.Page, Size: f.PageSize},
		func(r store.Scanner) (Briefing, error) {
			b, _, err := scan(r)
			return b, err
		})
}

// Template is a version of the briefing's wording.
type Template struct {
	Version   int    `json:"version"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	Note      string `json:"note"`
	CreatedAt string `json:"created_at"`
}

// TemplateInput saves a new version of the template.
type TemplateInput struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	Note  string `json:"note"`
}

// Template returns the template in force (version 0: the built-in default).
func (s *Service) Template(ctx context.Context) (Template, error) {
	if _, err := who(ctx); err != nil {
		return Template{}, err
	}
	var t Template
	err := s.DB.QueryRow(ctx, s.DB, `SELECT version, title, body, note, created_at FROM briefing_templates ORDER BY version DESC LIMIT 1`).
		Scan(&t.Version, &t.Title, &t.Body, &t.Note, &t.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Template{Title: DefaultTitle, Body: DefaultBody, Note: "系统默认模板"}, nil
	}
	return t, err
}

// Templates lists the saved versions, newest first.
func (s *Service) Templates(ctx context.Context) ([]Template, error) {
	if _, err := who(ctx); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT version, title, body, note, created_at FROM briefing_templates ORDER BY version DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Template{}
	for rows.Next() {
		var t Template
		if err := rows.Scan(&t.Version, &t.Title, &t.Body, &t.Note, &t.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveTemplate stores a new version of the template; drafts generated
// afterwards use it (existing drafts keep their words).
func (s *Service) SaveTemplate(ctx context.Context, in TemplateInput) (Template, error) {
	a, err := who(ctx)
	if err != nil {
		return Template{}, err
	}
	bad := apperr.Invalid()
	title, body := checkText(bad, in.Title, in.Body)
	note := strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(note) > 200 {
		bad.Field("note", "修改说明不能超过 200 个字")
	}
	if err := bad.OrNil(); err != nil {
		return Template{}, err
	}
	t := Template{Title: title, Body: body, Note: note, CreatedAt: store.FormatTime(s.now())}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.DB.QueryRow(ctx, tx, `SELECT COALESCE(MAX(version), 0) + 1 FROM briefing_templates`).Scan(&t.Version); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO briefing_templates (version, title, body, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			t.Version, t.Title, t.Body, t.Note, a.UserID, t.CreatedAt); err != nil {
			if store.IsUniqueViolation(err) {
				return apperr.Conflict("模板正在被他人保存，请重试")
			}
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "briefing_template_save", Entity: "briefing_template", EntityID: fmt.Sprint(t.Version), Note: note})
	})
	if err != nil {
		return Template{}, err
	}
	return t, nil
}

// checkText trims and checks a title and body: lengths and placeholders.
func checkText(bad *apperr.Error, title, body string) (string, string) {
	title, body = strings.TrimSpace(title), strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if title == "" {
		bad.Field("title", "请填写通报标题")
	} else if utf8.RuneCountInString(title) > 100 {
		bad.Field("title", "标题不能超过 100 个字")
	}
	if body == "" {
		bad.Field("body", "请填写通报正文")
	} else if utf8.RuneCountInString(body) > 20000 {
		bad.Field("body", "正文不能超过 20000 个字")
	}
	if msg := checkPlaceholders(title, false); msg != "" {
		bad.Field("title", msg)
	}
	if msg := checkPlaceholders(body, true); msg != "" {
		bad.Field("body", msg)
	}
	return title, body
}
