// Package purchase is 购买服务: contracts by which departments and streets
// buy services from social organizations of the ledger, and the four-party
// evaluation of each contract (职能部门, 街道, 专家, 群众) whose weighted
// result and grade are kept for the organization's ledger record. Money is
// integer 分 and scores integer tenths: no floating point anywhere. It has
// no HTTP types.
package purchase

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
	"liangxin/internal/org"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// Service holds the dependencies of the purchased-services use cases.
type Service struct {
	DB    *store.DB
	Audit *audit.Logger
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) today() string {
	return civil.Today(s.now())
}

func (s *Service) username(ctx context.Context) string {
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

// Contract statuses.
const (
	StatusActive     = "active"     // 履行中
	StatusCompleted  = "completed"  // 已完成
	StatusTerminated = "terminated" // 已终止
)

// Statuses lists the contract statuses.
func Statuses() []Option {
	return []Option{{StatusActive, "履行中"}, {StatusCompleted, "已完成"}, {StatusTerminated, "已终止"}}
}

// StatusCodes lists the status codes.
func StatusCodes() []string { return codes(Statuses()) }

// GradeCodes lists the grade codes.
func GradeCodes() []string { return codes(Grades()) }

func codes(opts []Option) []string {
	var out []string
	for _, o := range opts {
		out = append(out, o.Code)
	}
	return out
}

// Evaluation is one four-party evaluation of a contract.
type Evaluation struct {
	ID          int64   `json:"id"`
	ContractID  int64   `json:"contract_id"`
	EvaluatedOn string  `json:"evaluated_on"`
	Scores      Parties `json:"scores"`  // "85.5"
	Weights     Weights `json:"weights"` // percent, as in force when evaluated
	SettingsID  int64   `json:"settings_id"`
	// Result is the weighted result with two decimals ("82.43");
	// ResultHundredths the same in hundredths of a point (8243).
	Result           string `json:"result"`
	ResultHundredths int    `json:"result_hundredths"`
	Grade            string `json:"grade"`
	GradeName        string `json:"grade_name"`
	Note             string `json:"note"`
	CreatedBy        string `json:"created_by"`
	CreatedAt        string `json:"created_at"`
}

// Parties are the four parties' scores as decimal text, 0–100 with at most
// one decimal.
type Parties struct {
	Department string `json:"department"`
	Street     string `json:"street"`
	Expert     string `json:"expert"`
	Public     string `json:"public"`
}

// Contract is a purchase-of-services contract with a social organization.
type Contract struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	// Department is the purchasing department (购买主体).
	Department string `json:"department"`
	Content    string `json:"content"`
	StartsOn   string `json:"starts_on"`
	EndsOn     string `json:"ends_on"`
	// AmountFen is the amount in 分; Amount the same in 元 ("120000.00").
	AmountFen  int64       `json:"amount_fen"`
	Amount     string      `json:"amount"`
	Status     string      `json:"status"`
	StatusName string      `json:"status_name"`
	Note       string      `json:"note"`
	Latest     *Evaluation `json:"latest_evaluation"`
	CreatedBy  string      `json:"created_by"`
	CreatedAt  string      `json:"created_at"`
	UpdatedAt  string      `json:"updated_at"`
}

// Input records or changes a contract.
type Input struct {
	OrgID      int64  `json:"org_id"`
	Department string `json:"department"`
	Content    string `json:"content"`
	StartsOn   string `json:"starts_on"`
	EndsOn     string `json:"ends_on"`
	AmountFen  int64  `json:"amount_fen"`
	Status     string `json:"status"`
	Note       string `json:"note"`
}

// EvaluationInput records one four-party evaluation.
type EvaluationInput struct {
	EvaluatedOn string  `json:"evaluated_on"`
	Scores      Parties `json:"scores"`
	Note        string  `json:"note"`
}

// MaxAmountFen bounds a contract's amount (1 亿元).
const MaxAmountFen = 100_000_000_00

func text(bad *apperr.Error, field, label, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	if required && v == "" {
		bad.Field(field, "请填写"+label)
	}
	if utf8.RuneCountInString(v) > max {
		bad.Field(field, fmt.Sprintf("%s不能超过 %d 个字", label, max))
	}
	return v
}

func (in *Input) validate() error {
	bad := apperr.Invalid()
	if in.OrgID <= 0 {
		bad.Field("org_id", "请选择承接服务的社会组织")
	}
	in.Department = text(bad, "department", "购买单位", in.Department, true, 60)
	in.Content = text(bad, "content", "服务内容", in.Content, true, 1000)
	in.Note = text(bad, "note", "备注", in.Note, false, 500)
	from, err1 := civil.Day("starts_on", in.StartsOn)
	if err1 != nil {
		bad.Field("starts_on", "服务期起始日期格式应为 YYYY-MM-DD")
	}
	to, err2 := civil.Day("ends_on", in.EndsOn)
	if err2 != nil {
		bad.Field("ends_on", "服务期截止日期格式应为 YYYY-MM-DD")
	}
	if err1 == nil && err2 == nil && to < from {
		bad.Field("ends_on", "服务期截止日期不能早于起始日期")
	}
	in.StartsOn, in.EndsOn = from, to
	if in.AmountFen <= 0 || in.AmountFen > MaxAmountFen {
		bad.Field("amount_fen", "合同金额应大于 0 且不超过 1 亿元（单位：分）")
	}
	if in.Status == "" {
		in.Status = StatusActive
	}
	if optionName(Statuses(), in.Status) == "" {
		bad.Field("status", "合同状态应为 active（履行中）、completed（已完成）或 terminated（已终止）")
	}
	return bad.OrNil()
}

// socialOrg checks that the organization lies in the caller's scope and is
// a social organization, and returns its region.
func (s *Service) socialOrg(ctx context.Context, q store.Querier, id int64) (string, error) {
	cond, args, err := store.ScopeFilter(ctx, "region_code")
	if err != nil {
		return "", err
	}
	var region, cat string
	err = s.DB.QueryRow(ctx, q, `SELECT region_code, category FROM organizations WHERE id = ? AND `+cond, append([]any{id}, args...)...).Scan(&region, &cat)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.InvalidField("org_id", "所选组织不存在或不在管辖范围内")
	}
	if err != nil {
		return "", err
	}
	if c, ok := org.CategoryByCode(cat); !ok || c.Sector != org.SectorSocial {
		return "", apperr.InvalidField("org_id", "购买服务的承接方应为社会组织（社会团体、民办非企业单位、基金会或中介服务组织）")
	}
	return region, nil
}

const contractCols = `c.id, c.org_id, o.name, c.region_code, COALESCE(g.name, ''), c.department, c.content, c.starts_on, c.ends_on,
	c.amount_fen, c.status, c.note, c.created_by, c.created_at, c.updated_at`

const contractFrom = ` FROM service_contracts c JOIN organizations o ON o.id = c.org_id LEFT JOIN regions g ON g.code = c.region_code`

func scanContract(row interface{ Scan(...any) error }) (Contract, error) {
	var c Contract
	err := row.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.RegionCode, &c.RegionName, &c.Department, &c.Content, &c.StartsOn, &c.EndsOn,
		&c.AmountFen, &c.Status, &c.Note, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	c.Amount, c.StatusName = FormatFen(c.AmountFen), optionName(Statuses(), c.Status)
	return c, err
}

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (Contract, error) {
	cond, args, err := store.ScopeFilter(ctx, "c.region_code")
	if err != nil {
		return Contract{}, err
	}
	c, err := scanContract(s.DB.QueryRow(ctx, q, `SELECT `+contractCols+contractFrom+` WHERE c.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.NotFound("购买服务合同")
	}
	if err != nil {
		return c, fmt.Errorf("purchase: get %d: %w", id, err)
	}
	evs, err := s.evaluations(ctx, q, id, 1)
	if err != nil {
		return c, err
	}
	if len(evs) > 0 {
		c.Latest = &evs[0]
	}
	return c, nil
}

// Get returns one contract in the caller's scope (404 otherwise).
func (s *Service) Get(ctx context.Context, id int64) (Contract, error) { return s.get(ctx, s.DB, id) }

// Create records a contract with a social organization of the caller's scope.
func (s *Service) Create(ctx context.Context, in Input) (Contract, error) {
	ctx = store.WithOp(ctx, "purchase.Create")
	if err := in.validate(); err != nil {
		return Contract{}, err
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Contract, error) {
		region, err := s.socialOrg(ctx, tx, in.OrgID)
		if err != nil {
			return Contract{}, err
		}
		now := store.FormatTime(s.now())
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO service_contracts (org_id, region_code, department, content, starts_on, ends_on, amount_fen, status, note,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.OrgID, region, in.Department, in.Content, in.StartsOn, in.EndsOn, in.AmountFen, in.Status, in.Note, s.username(ctx), now, now).Scan(&id); err != nil {
			return Contract{}, err
		}
		c, err := s.get(ctx, tx, id)
		if err != nil {
			return c, err
		}
		return c, s.Audit.Record(ctx, tx, audit.Entry{Action: "service_contract_create", Entity: "service_contract", EntityID: fmt.Sprint(id), After: c,
			Note: fmt.Sprintf("登记购买服务合同：%s 向「%s」购买服务，%s 元（%s 至 %s）", c.Department, c.OrgName, c.Amount, c.StartsOn, c.EndsOn)})
	})
	if err != nil {
		return Contract{}, fmt.Errorf("purchase: create: %w", err)
	}
	return out, nil
}

// Update changes a contract of the caller's scope.
func (s *Service) Update(ctx context.Context, id int64, in Input) (Contract, error) {
	ctx = store.WithOp(ctx, "purchase.Update")
	if err := in.validate(); err != nil {
		return Contract{}, err
	}
	out, err := store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Contract, error) {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return Contract{}, err
		}
		region, err := s.socialOrg(ctx, tx, in.OrgID)
		if err != nil {
			return Contract{}, err
		}
		if in.OrgID != before.OrgID {
			var n int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM contract_evaluations WHERE contract_id = ?`, id).Scan(&n); err != nil {
				return Contract{}, err
			}
			if n > 0 {
				return Contract{}, apperr.InvalidField("org_id", "合同已有评估记录，不能更换承接组织")
			}
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE service_contracts SET org_id = ?, region_code = ?, department = ?, content = ?, starts_on = ?, ends_on = ?,
			amount_fen = ?, status = ?, note = ?, updated_at = ? WHERE id = ?`, in.OrgID, region, in.Department, in.Content, in.StartsOn, in.EndsOn,
			in.AmountFen, in.Status, in.Note, store.FormatTime(s.now()), id); err != nil {
			return Contract{}, err
		}
		c, err := s.get(ctx, tx, id)
		if err != nil {
			return c, err
		}
		return c, s.Audit.Record(ctx, tx, audit.Entry{Action: "service_contract_update", Entity: "service_contract", EntityID: fmt.Sprint(id),
			Before: before, After: c, Note: fmt.Sprintf("修改购买服务合同（编号 %d，「%s」）", id, c.OrgName)})
	})
	if err != nil {
		return Contract{}, fmt.Errorf("purchase: update %d: %w", id, err)
	}
	return out, nil
}

// Sort orders of the contract list.
var sorts = map[string]string{
	"starts_desc": "c.starts_on DESC, c.id DESC",
	"starts_asc":  "c.starts_on, c.id",
	"amount_desc": "c.amount_fen DESC, c.id DESC",
	"amount_asc":  "c.amount_fen, c.id",
}

// SortCodes lists the sort orders (the first is the default).
func SortCodes() []string { return []string{"starts_desc", "starts_asc", "amount_desc", "amount_asc"} }

// Filter selects contracts. Empty fields do not filter.
type Filter struct {
	Status     string
	RegionCode string // this region and its subtree
	OrgID      int64
	Year       int // contracts whose period overlaps the year
	Grade      string
	Q          string // organization, department or content
	Sort       string
	Page       int
	PageSize   int
}

// Validate checks the filter's codes.
func (f Filter) Validate() error {
	bad := apperr.Invalid()
	if f.Status != "" && optionName(Statuses(), f.Status) == "" {
		bad.Field("status", "合同状态应为 active、completed 或 terminated")
	}
	if f.Grade != "" && optionName(Grades(), f.Grade) == "" {
		bad.Field("grade", "评估等次应为 excellent、good、pass 或 fail")
	}
	if f.Sort != "" && sorts[f.Sort] == "" {
		bad.Field("sort", "排序应为 "+strings.Join(SortCodes(), "、")+" 之一")
	}
	if f.Year != 0 && (f.Year < 2000 || f.Year > 2100) {
		bad.Field("year", "年度应为 2000–2100")
	}
	return bad.OrNil()
}

// latestEval selects the id of a contract's latest evaluation.
const latestEval = `(SELECT e.id FROM contract_evaluations e WHERE e.contract_id = c.id ORDER BY e.evaluated_on DESC, e.id DESC LIMIT 1)`

func (f Filter) where(ctx context.Context) (string, []any, error) {
	cond, args, err := store.ScopeFilter(ctx, "c.region_code")
	if err != nil {
		return "", nil, err
	}
	add := func(c string, a ...any) {
		cond += " AND " + c
		args = append(args, a...)
	}
	if f.Status != "" {
		add("c.status = ?", f.Status)
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("c.region_code", f.RegionCode)
		add(rc, ra...)
	}
	if f.OrgID != 0 {
		add("c.org_id = ?", f.OrgID)
	}
	if f.Year != 0 {
		add("c.starts_on <= ? AND c.ends_on >= ?", fmt.Sprintf("%04d-12-31", f.Year), fmt.Sprintf("%04d-01-01", f.Year))
	}
	if f.Grade != "" {
		add("(SELECT e2.grade FROM contract_evaluations e2 WHERE e2.id = "+latestEval+") = ?", f.Grade)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + store.LikeEscape(q) + "%"
		add(`(o.name LIKE ? ESCAPE '\' OR c.department LIKE ? ESCAPE '\' OR c.content LIKE ? ESCAPE '\')`, like, like, like)
	}
	return cond, args, nil
}

// List returns one page of the contracts in the caller's scope, each with
// its latest evaluation, and the total.
func (s *Service) List(ctx context.Context, f Filter) ([]Contract, store.Total, error) {
	ctx = store.WithOp(ctx, "purchase.List")
	if err := f.Validate(); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := f.where(ctx)
	if err != nil {
		return nil, store.Total{}, err
	}
	order := sorts[f.Sort]
	if order == "" {
		order = sorts[SortCodes()[0]]
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PageSize < 1 {
		f.PageSize = 20
	}
	out := []Contract{}
	var total store.Total
	err = s.DB.Report(ctx, func(q store.Querier) error {
		type row struct {
			c  Contract
			ev sql.NullInt64
		}
		rows, n, err := store.ListIn(ctx, s.DB, q, store.ListQuery{Cols: contractCols + `, ` + latestEval, From: strings.TrimSpace(contractFrom), Cond: cond, Args: args, Order: order},
			store.Page{Number: f.Page, Size: f.PageSize}, func(r store.Scanner) (row, error) {
				var x row
				c := &x.c
				err := r.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.RegionCode, &c.RegionName, &c.Department, &c.Content, &c.StartsOn, &c.EndsOn,
					&c.AmountFen, &c.Status, &c.Note, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt, &x.ev)
				c.Amount, c.StatusName = FormatFen(c.AmountFen), optionName(Statuses(), c.Status)
				return x, err
			})
		if err != nil {
			return err
		}
		total = n
		for _, x := range rows {
			out = append(out, x.c)
		}
		for i, x := range rows {
			if !x.ev.Valid {
				continue
			}
			e, err := scanEvaluation(s.DB.QueryRow(ctx, q, `SELECT `+evalCols+` FROM contract_evaluations e WHERE e.id = ?`, x.ev.Int64))
			if err != nil {
				return err
			}
			out[i].Latest = &e
		}
		return nil
	})
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("purchase: list: %w", err)
	}
	return out, total, nil
}

// ExportHeaders are the Chinese headers of the contract export.
func ExportHeaders() []string {
	return []string{"合同编号", "承接组织", "所在区域", "购买单位", "服务内容", "服务期起", "服务期止", "合同金额（元）", "状态",
		"最近评估日期", "职能部门", "街道", "专家", "群众", "综合得分", "评估等次"}
}

// Export writes the contracts of f (every page) into a workbook and
// returns it with the number of rows; the caller sends it.
func (s *Service) Export(ctx context.Context, f Filter) (*xlsx.Writer, int, error) {
	f.Page, f.PageSize = 1, 500
	sw, err := xlsx.NewWriter("购买服务合同", ExportHeaders(), []float64{10, 30, 14, 20, 40, 12, 12, 14, 10, 14, 10, 10, 10, 10, 10, 10})
	if err != nil {
		return nil, 0, err
	}
	n := 0
	for {
		items, total, err := s.List(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		for _, c := range items {
			n++
			row := []any{c.ID, c.OrgName, c.RegionName, c.Department, c.Content, c.StartsOn, c.EndsOn, c.Amount, c.StatusName}
			if e := c.Latest; e != nil {
				row = append(row, e.EvaluatedOn, e.Scores.Department, e.Scores.Street, e.Scores.Expert, e.Scores.Public, e.Result, e.GradeName)
			} else {
				row = append(row, "", "", "", "", "", "", "未评估")
			}
			if err := sw.Row(row...); err != nil {
				return nil, 0, err
			}
		}
		if n >= total.Ceiling() || len(items) == 0 {
			break
		}
		f.Page++
	}
	if err := s.Audit.Record(ctx, s.DB, audit.Entry{Action: "export", Entity: "service_contract", Note: fmt.Sprintf("导出购买服务合同 %d 条", n)}); err != nil {
		return nil, 0, err
	}
	return sw, n, nil
}
