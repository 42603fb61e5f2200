package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Ratio is an exact rational num/den (den > 0). 1/1 is 100 %.
type Ratio struct {
	Num int64 `json:"num"`
	Den int64 `json:"den"`
}

// String renders the ratio as a percentage when it is one exactly
// ("100%", "37.5%"), else as num/den.
func (r Ratio) String() string {
	if r.Den <= 0 {
		return ""
	}
	// percent with up to two decimals: num*10000/den must be whole.
	if (r.Num*10000)%r.Den == 0 {
		bp := r.Num * 10000 / r.Den
		s := strconv.FormatInt(bp/100, 10)
		if f := bp % 100; f != 0 {
			s += "." + strings.TrimRight(fmt.Sprintf("%02d", f), "0")
		}
		return s + "%"
	}
	return fmt.Sprintf("%d/%d", r.Num, r.Den)
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func (r Ratio) reduced() Ratio {
	if r.Num == 0 {
		return Ratio{0, 1}
	}
	g := gcd(r.Num, r.Den)
	return Ratio{r.Num / g, r.Den / g}
}

// MaxRatioNum bounds a ratio at 10 (1000 %).
const maxRatio = 10

func checkRatio(bad *apperr.Error, field, label string, r Ratio) Ratio {
	if r.Den <= 0 || r.Den > 1_000_000 || r.Num < 0 || r.Num > maxRatio*r.Den {
		bad.Field(field, fmt.Sprintf("%s应为分子/分母形式的非负比例（分母 1–1000000，不超过 %d 倍）", label, maxRatio))
		return r
	}
	return r.reduced()
}

// Rate is the yearly amount for one kind × formation.
type Rate struct {
	Kind          string `json:"kind"`
	KindName      string `json:"kind_name"`
	Formation     string `json:"formation"`
	FormationName string `json:"formation_name"`
	AmountCents   int64  `json:"amount_cents"`
	Amount        string `json:"amount"` // 元, two decimals
}

// Standard is one year's funding standard (its latest version).
type Standard struct {
	Year         int    `json:"year"`
	Version      int    `json:"version"`
	Rates        []Rate `json:"rates"`
	StartupCents int64  `json:"startup_cents"`
	Startup      string `json:"startup"`
	ReturnRatio  Ratio  `json:"return_ratio"`
	ReturnText   string `json:"return_text"`
	MatchRatio   Ratio  `json:"match_ratio"`
	MatchText    string `json:"match_text"`
	Proration    string `json:"proration"`
	Note         string `json:"note"`
	CreatedBy    string `json:"created_by"`
	CreatedAt    string `json:"created_at"`
}

// RateInput sets one rate in 元.
type RateInput struct {
	Kind      string `json:"kind"`
	Formation string `json:"formation"`
	Amount    string `json:"amount"`
}

// StandardInput sets a year's standard (a new version). Every kind ×
// formation must be given.
type StandardInput struct {
	Year        int         `json:"year"`
	Rates       []RateInput `json:"rates"`
	Startup     string      `json:"startup"`
	ReturnRatio Ratio       `json:"return_ratio"`
	MatchRatio  Ratio       `json:"match_ratio"`
	Proration   string      `json:"proration"`
	Note        string      `json:"note"`
}

// rate returns the amount for kind × formation.
func (st Standard) rate(kind, formation string) int64 {
	for _, r := range st.Rates {
		if r.Kind == kind && r.Formation == formation {
			return r.AmountCents
		}
	}
	return 0
}

// GetStandard returns the latest version of a year's standard; 404 when the
// year has none.
func (s *Service) GetStandard(ctx context.Context, year int) (Standard, error) {
	ctx = store.WithOp(ctx, "funds.GetStandard")
	if err := CheckYear("year", year); err != nil {
		return Standard{}, err
	}
	return s.standard(ctx, s.DB, year)
}

func (s *Service) standard(ctx context.Context, q store.Querier, year int) (Standard, error) {
	st := Standard{Year: year}
	var id int64
	err := s.DB.QueryRow(ctx, q, `SELECT id, version, startup_cents, return_num, return_den, match_num, match_den, proration, note, created_by, created_at
		FROM funds_standards WHERE year = ? ORDER BY version DESC LIMIT 1`, year).
		Scan(&id, &st.Version, &st.StartupCents, &st.ReturnRatio.Num, &st.ReturnRatio.Den, &st.MatchRatio.Num, &st.MatchRatio.Den,
			&st.Proration, &st.Note, &st.CreatedBy, &st.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Standard{}, apperr.NotFound(fmt.Sprintf("%d 年度经费标准", year))
	}
	if err != nil {
		return Standard{}, fmt.Errorf("funds: standard: %w", err)
	}
	amounts := map[[2]string]int64{}
	rows, err := s.DB.Query(ctx, q, `SELECT kind, formation, amount_cents FROM funds_standard_rates WHERE standard_id = ?`, id)
	if err != nil {
		return Standard{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, f string
		var a int64
		if err := rows.Scan(&k, &f, &a); err != nil {
			return Standard{}, err
		}
		amounts[[2]string{k, f}] = a
	}
	if err := rows.Err(); err != nil {
		return Standard{}, err
	}
	for _, k := range Kinds() {
		for _, f := range Formations() {
			a := amounts[[2]string{k.Code, f.Code}]
			st.Rates = append(st.Rates, Rate{Kind: k.Code, KindName: k.Name, Formation: f.Code, FormationName: f.Name, AmountCents: a, Amount: FormatYuan(a)})
		}
	}
	st.Startup = FormatYuan(st.StartupCents)
	st.ReturnText, st.MatchText = st.ReturnRatio.String(), st.MatchRatio.String()
	return st, nil
}

// ListStandards returns the latest standard of every year that has one, newest first.
func (s *Service) ListStandards(ctx context.Context) ([]Standard, error) {
	ctx = store.WithOp(ctx, "funds.ListStandards")
	rows, err := s.DB.Query(ctx, s.DB, `SELECT DISTINCT year FROM funds_standards ORDER BY year DESC`)
	if err != nil {
		return nil, err
	}
	var years []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			rows.Close()
			return nil, err
		}
		years = append(years, y)
	}
	rows.Close()
	out := []Standard{}
	for _, y := range years {
		st, err := s.standard(ctx, s.DB, y)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// SetStandard adds a new version of a year's standard (audited). Recorded
// journal entries stay; the next recompute of the year's entitlements uses it.
func (s *Service) SetStandard(ctx context.Context, year int, in StandardInput) (Standard, error) {
	if err := CheckYear("year", year); err != nil {
		return Standard{}, err
	}
	bad := apperr.Invalid()
	amounts := map[[2]string]int64{}
	for i, r := range in.Rates {
		f := fmt.Sprintf("rates[%d]", i)
		if optionName(Kinds(), r.Kind) == "" {
			bad.Field(f+".kind", "党组织类别应为党委、党总支或党支部")
			continue
		}
		if optionName(Formations(), r.Formation) == "" {
			bad.Field(f+".formation", "组建方式应为单独组建、联合组建、区域组建或行业组建")
			continue
		}
		key := [2]string{r.Kind, r.Formation}
		if _, dup := amounts[key]; dup {
			bad.Field(f, optionName(Kinds(), r.Kind)+"·"+optionName(Formations(), r.Formation)+"重复")
			continue
		}
		c, err := ParseYuanOrZero(f+".amount", "年度经费", r.Amount)
		if err != nil {
			if e, ok := apperr.As(err); ok {
				for k, m := range e.Fields {
					bad.Field(k, m)
				}
			}
			continue
		}
		amounts[key] = c
	}
	if len(amounts) != len(Kinds())*len(Formations()) && len(bad.Fields) == 0 {
		bad.Field("rates", "应为党委、党总支、党支部与四种组建方式的每一种组合填写年度经费（共 12 项）")
	}
	startup, err := ParseYuanOrZero("startup", "启动经费", in.Startup)
	if err != nil {
		if e, ok := apperr.As(err); ok {
			for k, m := range e.Fields {
				bad.Field(k, m)
			}
		}
	}
	ret := checkRatio(bad, "return_ratio", "党费返还比例", in.ReturnRatio)
	match := checkRatio(bad, "match_ratio", "配套比例", in.MatchRatio)
	if optionName(Prorations(), in.Proration) == "" {
		bad.Field("proration", "折算方式应为 year（按全年）或 months（按月）")
	}
	note := textField(bad, "note", "说明", in.Note, false, 200)
	if err := bad.OrNil(); err != nil {
		return Standard{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Standard, error) {
		var v sql.NullInt64
		if err := s.DB.QueryRow(ctx, tx, `SELECT MAX(version) FROM funds_standards WHERE year = ?`, year).Scan(&v); err != nil {
			return Standard{}, err
		}
		var before any
		if v.Valid {
			b, err := s.standard(ctx, tx, year)
			if err != nil {
				return Standard{}, err
			}
			before = b
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO funds_standards (year, version, startup_cents, return_num, return_den, match_num, match_den, proration, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, year, v.Int64+1, startup, ret.Num, ret.Den, match.Num, match.Den, in.Proration, note,
			username(ctx), s.stamp()).Scan(&id); err != nil {
			if store.IsUniqueViolation(err) {
				return Standard{}, apperr.Conflict("经费标准刚被他人修改，请刷新后重试")
			}
			return Standard{}, err
		}
		for _, k := range Kinds() {
			for _, f := range Formations() {
				if _, err := s.DB.Exec(ctx, tx, `INSERT INTO funds_standard_rates (standard_id, kind, formation, amount_cents) VALUES (?, ?, ?, ?)`,
					id, k.Code, f.Code, amounts[[2]string{k.Code, f.Code}]); err != nil {
					return Standard{}, err
				}
			}
		}
		out, err := s.standard(ctx, tx, year)
		if err != nil {
			return Standard{}, err
		}
		return out, s.Audit.Record(ctx, tx, audit.Entry{Action: "funds_standard_set", Entity: "setting", EntityID: fmt.Sprintf("funds.standard.%d", year),
			Before: before, After: out})
	})
}
