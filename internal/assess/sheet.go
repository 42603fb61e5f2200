package assess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Scoring methods of an indicator.
const (
	MethodManual            = "manual"
	MethodMeetingCompliance = "meeting_compliance"
	MethodAttendance        = "attendance"
	MethodDevelopment       = "development"
	MethodDuesOnTime        = "dues_on_time"
	MethodUnitCoverage      = "unit_coverage"
)

// Method is a scoring method with its Chinese name.
type Method struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Methods lists the scoring methods.
func Methods() []Method {
	return []Method{
		{MethodManual, "人工评分"},
		{MethodMeetingCompliance, "组织生活完成率（系统计算）"},
		{MethodAttendance, "组织生活平均出席率（系统计算）"},
		{MethodDevelopment, "近两年确定发展对象（系统计算）"},
		{MethodDuesOnTime, "党费按时交纳率（系统计算）"},
		{MethodUnitCoverage, "所在区划单位两个覆盖率（系统计算）"},
	}
}

func methodName(code string) string {
	for _, m := range Methods() {
		if m.Code == code {
			return m.Name
		}
	}
	return ""
}

// Thresholds are the minimum totals for each star level; below two it is 一星.
type Thresholds struct {
	Five  Points `json:"five"`
	Four  Points `json:"four"`
	Three Points `json:"three"`
	Two   Points `json:"two"`
}

// DefaultThresholds are ≥90 五星, ≥80 四星, ≥70 三星, ≥60 二星, else 一星.
func DefaultThresholds() Thresholds { return Thresholds{9000, 8000, 7000, 6000} }

// StarsOf rates a total: the highest level whose threshold the total reaches,
// capped at capStars (0 = no cap) when a veto item was hit.
func StarsOf(total Points, th Thresholds, capStars int) (stars int, capped bool) {
	switch {
	case total >= th.Five:
		stars = 5
	case total >= th.Four:
		stars = 4
	case total >= th.Three:
		stars = 3
	case total >= th.Two:
		stars = 2
	default:
		stars = 1
	}
	if capStars > 0 && stars > capStars {
		return capStars, true
	}
	return stars, false
}

// StarName is the Chinese name of a star level.
func StarName(n int) string {
	names := []string{"", "一星级", "二星级", "三星级", "四星级", "五星级"}
	if n < 1 || n > 5 {
		return ""
	}
	return names[n]
}

// Indicator is one line of a sheet.
type Indicator struct {
	ID         int64  `json:"id"`
	Area       string `json:"area"`
	Name       string `json:"name"`
	MaxPoints  Points `json:"max_points"`
	Method     string `json:"method"`
	MethodName string `json:"method_name"`
	Guidance   string `json:"guidance"`
}

// Veto is a 一票否决 item: a hit caps the rating at CapStars.
type Veto struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	CapStars int    `json:"cap_stars"`
}

// Sheet is a versioned indicator sheet.
type Sheet struct {
	ID         int64       `json:"id"`
	Name       string      `json:"name"`
	Year       int         `json:"year"`
	Version    int         `json:"version"`
	CopiedFrom *int64      `json:"copied_from"`
	RegionCode string      `json:"region_code"`
	Thresholds Thresholds  `json:"thresholds"`
	Indicators []Indicator `json:"indicators"`
	Vetoes     []Veto      `json:"vetoes"`
	TotalMax   Points      `json:"total_max"`
	Used       bool        `json:"used"` // used by a round: immutable, copy to change
	CreatedAt  string      `json:"created_at"`
	UpdatedAt  string      `json:"updated_at"`
}

// IndicatorInput is one indicator of a SheetInput.
type IndicatorInput struct {
	Area      string `json:"area"`
	Name      string `json:"name"`
	MaxPoints Points `json:"max_points"`
	Method    string `json:"method"`
	Guidance  string `json:"guidance"`
}

// VetoInput is one veto item of a SheetInput.
type VetoInput struct {
	Name     string `json:"name"`
	CapStars int    `json:"cap_stars"`
}

// SheetInput creates or replaces a sheet. Thresholds default to DefaultThresholds.
type SheetInput struct {
	Name       string           `json:"name"`
	Year       int              `json:"year"`
	RegionCode string           `json:"region_code"`
	Thresholds *Thresholds      `json:"thresholds"`
	Indicators []IndicatorInput `json:"indicators"`
	Vetoes     []VetoInput      `json:"vetoes"`
}

// FullMarks is the total of a sheet's maximum points (100 分).
const FullMarks Points = 10000

func validateSheet(in *SheetInput) error {
	bad := apperr.Invalid()
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		bad.Field("name", "请填写指标体系名称")
	} else if utf8.RuneCountInString(in.Name) > 100 {
		bad.Field("name", "名称不能超过 100 个字")
	}
	if in.Year < 2000 || in.Year > 2100 {
		bad.Field("year", "年度应为 2000–2100")
	}
	if in.Thresholds == nil {
		th := DefaultThresholds()
		in.Thresholds = &th
	}
	th := *in.Thresholds
	if !(th.Two > 0 && th.Two < th.Three && th.Three < th.Four && th.Four < th.Five && th.Five <= FullMarks) {
		bad.Field("thresholds", "星级分数线应满足 0 < 二星 < 三星 < 四星 < 五星 ≤ 100")
	}
	if len(in.Indicators) == 0 {
		bad.Field("indicators", "至少需要一项指标")
	}
	if len(in.Indicators) > 200 {
		bad.Field("indicators", "指标不能超过 200 项")
	}
	var sum Points
	for i := range in.Indicators {
		ind := &in.Indicators[i]
		f := fmt.Sprintf("indicators[%d]", i)
		ind.Area, ind.Name = strings.TrimSpace(ind.Area), strings.TrimSpace(ind.Name)
		if ind.Area == "" {
			bad.Field(f+".area", "请填写指标所属方面（如“组织建设”）")
		}
		if ind.Name == "" {
			bad.Field(f+".name", "请填写指标名称")
		}
		if utf8.RuneCountInString(ind.Name) > 200 || utf8.RuneCountInString(ind.Area) > 50 {
			bad.Field(f+".name", "指标名称不能超过 200 个字，方面不能超过 50 个字")
		}
		if ind.MaxPoints <= 0 || ind.MaxPoints > FullMarks {
			bad.Field(f+".max_points", "分值应大于 0 且不超过 100")
		}
		if ind.Method == "" {
			ind.Method = MethodManual
		}
		if methodName(ind.Method) == "" {
			bad.Field(f+".method", "评分方式无效")
		}
		sum += ind.MaxPoints
	}
	if len(in.Indicators) > 0 && sum != FullMarks {
		bad.Field("indicators", fmt.Sprintf("各项指标分值合计应为 100 分，当前为 %s 分", sum))
	}
	for i := range in.Vetoes {
		v := &in.Vetoes[i]
		f := fmt.Sprintf("vetoes[%d]", i)
		v.Name = strings.TrimSpace(v.Name)
		if v.Name == "" || utf8.RuneCountInString(v.Name) > 200 {
			bad.Field(f+".name", "请填写否决事项（不超过 200 个字）")
		}
		if v.CapStars < 1 || v.CapStars > 4 {
			bad.Field(f+".cap_stars", "否决后最高星级应为 1–4")
		}
	}
	return bad.OrNil()
}

const sheetCols = `s.id, s.name, s.year, s.version, s.copied_from, s.region_code, s.star5, s.star4, s.star3, s.star2, s.created_at, s.updated_at,
	EXISTS (SELECT 1 FROM assess_rounds r WHERE r.sheet_id = s.id)`

func scanSheet(row interface{ Scan(...any) error }) (Sheet, error) {
	var sh Sheet
	var copied sql.NullInt64
	err := row.Scan(&sh.ID, &sh.Name, &sh.Year, &sh.Version, &copied, &sh.RegionCode, &sh.Thresholds.Five, &sh.Thresholds.Four,
		&sh.Thresholds.Three, &sh.Thresholds.Two, &sh.CreatedAt, &sh.UpdatedAt, &sh.Used)
	if copied.Valid {
		v := copied.Int64
		sh.CopiedFrom = &v
	}
	sh.Indicators, sh.Vetoes = []Indicator{}, []Veto{}
	return sh, err
}

// GetSheet returns a sheet the caller may see.
func (s *Service) GetSheet(ctx context.Context, id int64) (Sheet, error) {
	ctx = store.WithOp(ctx, "assess.GetSheet")
	return s.getSheet(ctx, s.DB, id)
}

func (s *Service) getSheet(ctx context.Context, q store.Querier, id int64) (Sheet, error) {
	cond, args, err := visibleRegion(ctx, "s.region_code")
	if err != nil {
		return Sheet{}, err
	}
	sh, err := scanSheet(s.DB.QueryRow(ctx, q, `SELECT `+sheetCols+` FROM assess_sheets s WHERE s.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return sh, apperr.NotFound("指标体系")
	}
	if err != nil {
		return sh, err
	}
	return sh, s.loadSheetLines(ctx, q, &sh)
}

func (s *Service) loadSheetLines(ctx context.Context, q store.Querier, sh *Sheet) error {
	rows, err := s.DB.Query(ctx, q, `SELECT id, area, name, max_points, method, guidance FROM assess_indicators WHERE sheet_id = ? ORDER BY position`, sh.ID)
	if err != nil {
		return err
	}
	sh.TotalMax = 0
	for rows.Next() {
		var ind Indicator
		if err := rows.Scan(&ind.ID, &ind.Area, &ind.Name, &ind.MaxPoints, &ind.Method, &ind.Guidance); err != nil {
			rows.Close()
			return err
		}
		ind.MethodName = methodName(ind.Method)
		sh.TotalMax += ind.MaxPoints
		sh.Indicators = append(sh.Indicators, ind)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.DB.Query(ctx, q, `SELECT id, name, cap_stars FROM assess_vetoes WHERE sheet_id = ? ORDER BY position`, sh.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v Veto
		if err := rows.Scan(&v.ID, &v.Name, &v.CapStars); err != nil {
			return err
		}
		sh.Vetoes = append(sh.Vetoes, v)
	}
	return rows.Err()
}

// ListSheets lists the sheets the caller may see, newest first.
func (s *Service) ListSheets(ctx context.Context) ([]Sheet, error) {
	ctx = store.WithOp(ctx, "assess.ListSheets")
	cond, args, err := visibleRegion(ctx, "s.region_code")
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+sheetCols+` FROM assess_sheets s WHERE `+cond+` ORDER BY s.year DESC, s.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	out := []Sheet{}
	for rows.Next() {
		sh, err := scanSheet(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, sh)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.loadSheetLines(ctx, s.DB, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) sheetRegion(ctx context.Context, code string) (string, error) {
	a, _ := actor.From(ctx)
	if code == "" {
		code = a.Scope
	}
	if code == "" {
		return "", apperr.InvalidField("region_code", "请选择指标体系适用的区划")
	}
	if _, err := s.Regions.Get(ctx, code); err != nil {
		return "", err
	}
	if !owns(ctx, code) {
		return "", apperr.NotFound("区划")
	}
	return code, nil
}

func (s *Service) writeLines(ctx context.Context, tx *sql.Tx, id int64, in SheetInput) error {
	for i, ind := range in.Indicators {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO assess_indicators (sheet_id, position, area, name, max_points, method, guidance) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, i, ind.Area, ind.Name, ind.MaxPoints, ind.Method, strings.TrimSpace(ind.Guidance)); err != nil {
			return err
		}
	}
	for i, v := range in.Vetoes {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO assess_vetoes (sheet_id, position, name, cap_stars) VALUES (?, ?, ?, ?)`, id, i, v.Name, v.CapStars); err != nil {
			return err
		}
	}
	return nil
}

// insertSheet stores a new sheet as the next version of its name.
func (s *Service) insertSheet(ctx context.Context, tx *sql.Tx, in SheetInput, copied *int64, code string) (int64, error) {
	now := s.stamp()
	var version int
	if err := s.DB.QueryRow(ctx, tx, `SELECT COALESCE(MAX(version), 0) + 1 FROM assess_sheets WHERE name = ?`, in.Name).Scan(&version); err != nil {
		return 0, err
	}
	th := *in.Thresholds
	var id int64
	err := s.DB.QueryRow(ctx, tx, `INSERT INTO assess_sheets (name, year, version, copied_from, region_code, star5, star4, star3, star2, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Name, in.Year, version, copied, code, th.Five, th.Four, th.Three, th.Two, now, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, s.writeLines(ctx, tx, id, in)
}

// CreateSheet creates a sheet (the next version of its name, 1 for a new name).
func (s *Service) CreateSheet(ctx context.Context, in SheetInput) (Sheet, error) {
	ctx = store.WithOp(ctx, "assess.CreateSheet")
	if err := validateSheet(&in); err != nil {
		return Sheet{}, err
	}
	code, err := s.sheetRegion(ctx, in.RegionCode)
	if err != nil {
		return Sheet{}, err
	}
	var out Sheet
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		id, err := s.insertSheet(ctx, tx, in, nil, code)
		if err != nil {
			return err
		}
		if out, err = s.getSheet(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_sheet_create", Entity: "assess_sheet", EntityID: fmt.Sprint(id), After: out})
	})
	return out, err
}

// UpdateSheet replaces a sheet's content; a sheet a round has used is immutable.
func (s *Service) UpdateSheet(ctx context.Context, id int64, in SheetInput) (Sheet, error) {
	ctx = store.WithOp(ctx, "assess.UpdateSheet")
	if err := validateSheet(&in); err != nil {
		return Sheet{}, err
	}
	var out Sheet
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getSheet(ctx, tx, id)
		if err != nil {
			return err
		}
		if !owns(ctx, before.RegionCode) {
			return apperr.Forbidden()
		}
		if before.Used {
			return apperr.Conflict("该指标体系已用于考评，不能再修改；请复制为新版本后修改")
		}
		th := *in.Thresholds
		if _, err := s.DB.Exec(ctx, tx, `UPDATE assess_sheets SET name = ?, year = ?, star5 = ?, star4 = ?, star3 = ?, star2 = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.Year, th.Five, th.Four, th.Three, th.Two, s.stamp(), id); err != nil {
			return err
		}
		for _, t := range []string{"assess_indicators", "assess_vetoes"} {
			if _, err := s.DB.Exec(ctx, tx, `DELETE FROM `+t+` WHERE sheet_id = ?`, id); err != nil {
				return err
			}
		}
		if err := s.writeLines(ctx, tx, id, in); err != nil {
			return err
		}
		if out, err = s.getSheet(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_sheet_update", Entity: "assess_sheet", EntityID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

// CopyInput names the copy of a sheet.
type CopyInput struct {
	Name       string `json:"name"`
	Year       int    `json:"year"`
	RegionCode string `json:"region_code"`
}

// CopySheet copies a sheet into a new, editable one: the next version of the
// source (same name) unless a new name is given.
func (s *Service) CopySheet(ctx context.Context, id int64, c CopyInput) (Sheet, error) {
	src, err := s.GetSheet(ctx, id)
	if err != nil {
		return Sheet{}, err
	}
	in := SheetInput{Name: src.Name, Year: src.Year, RegionCode: c.RegionCode, Thresholds: &src.Thresholds}
	if strings.TrimSpace(c.Name) != "" {
		in.Name = c.Name
	}
	if c.Year != 0 {
		in.Year = c.Year
	}
	for _, ind := range src.Indicators {
		in.Indicators = append(in.Indicators, IndicatorInput{Area: ind.Area, Name: ind.Name, MaxPoints: ind.MaxPoints, Method: ind.Method, Guidance: ind.Guidance})
	}
	for _, v := range src.Vetoes {
		in.Vetoes = append(in.Vetoes, VetoInput{Name: v.Name, CapStars: v.CapStars})
	}
	if err := validateSheet(&in); err != nil {
		return Sheet{}, err
	}
	code, err := s.sheetRegion(ctx, in.RegionCode)
	if err != nil {
		return Sheet{}, err
	}
	var out Sheet
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		nid, err := s.insertSheet(ctx, tx, in, &src.ID, code)
		if err != nil {
			return err
		}
		if out, err = s.getSheet(ctx, tx, nid); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_sheet_copy", Entity: "assess_sheet", EntityID: fmt.Sprint(nid), After: out,
			Note: fmt.Sprintf("复制自指标体系 %d", src.ID)})
	})
	return out, err
}
