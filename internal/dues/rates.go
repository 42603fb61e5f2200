package dues

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/backdate"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Bracket is one line of a kind's rate table: bases up to UpTo 分 (inclusive;
// 0 on the last line means no upper bound) pay RateBP parts per 10000 of the
// whole base. A flat kind has one bracket with FlatCents set and RateBP 0.
type Bracket struct {
	UpTo      int64 `json:"up_to_cents"`
	RateBP    int64 `json:"rate_bp"`
	FlatCents int64 `json:"flat_cents"`
}

// RateTable is a version of the rate table in force from EffectiveFrom on.
// ID 0 is the built-in 2008 table.
type RateTable struct {
	ID            int64              `json:"id"`
	EffectiveFrom string             `json:"effective_from"`
	Note          string             `json:"note"`
	Brackets      map[Kind][]Bracket `json:"-"`
}

// Kinds lists the dues kinds in display order with their Chinese names.
func Kinds() [][2]string {
	return [][2]string{{string(Employed), "在职（工资收入）"}, {string(Retired), "离退休（养老金）"}, {string(Student), "学生"},
		{string(Unemployed), "失业"}, {string(Relief), "依靠救济"}, {string(Farmer), "农民"}}
}

// KindName is the Chinese name of a kind ("" if unknown).
func KindName(k Kind) string {
	for _, c := range Kinds() {
		if c[0] == string(k) {
			return c[1]
		}
	}
	return ""
}

// Default2008 is the rate table in force since 2008-04 (domain.md §5).
func Default2008() RateTable {
	flat := []Bracket{{FlatCents: 20}}
	return RateTable{EffectiveFrom: "2008-04-01", Note: "2008年党费收缴标准（内置）", Brackets: map[Kind][]Bracket{
		Employed:   {{UpTo: 300000, RateBP: 50}, {UpTo: 500000, RateBP: 100}, {UpTo: 1000000, RateBP: 150}, {RateBP: 200}},
		Retired:    {{UpTo: 500000, RateBP: 50}, {RateBP: 100}},
		Student:    flat,
		Unemployed: flat,
		Relief:     flat,
		Farmer:     {{FlatCents: FarmerDefaultCents}},
	}}
}

// Calc computes the monthly dues of kind for a base with this table.
func (t RateTable) Calc(kind Kind, baseCents int64) (Result, error) {
	if baseCents < 0 {
		return Result{}, apperr.InvalidField("base", "基数不能为负数")
	}
	bs, ok := t.Brackets[kind]
	if !ok || KindName(kind) == "" {
		return Result{}, apperr.InvalidField("kind", "类别应为 employed、retired、student、unemployed、relief 或 farmer")
	}
	for _, b := range bs {
		if b.UpTo != 0 && baseCents > b.UpTo {
			continue
		}
		if b.RateBP == 0 {
			return Result{Flat: true, Cents: b.FlatCents}, nil
		}
		// cents*bp/10000 rounded half up.
		return Result{RateBP: b.RateBP, Cents: (baseCents*b.RateBP + 5000) / 10000}, nil
	}
	return Result{}, apperr.InvalidField("base", "基数不在党费标准的任何档次内")
}

// validate checks a table: every kind present; brackets ascending with the
// last one unbounded; a rate between 0.01% and 100% or a single flat amount.
func (t RateTable) validate() *apperr.Error {
	bad := apperr.Invalid()
	civil.Check(bad, "effective_from", t.EffectiveFrom)
	for _, k := range Kinds() {
		kind := Kind(k[0])
		field := "brackets." + k[0]
		bs := t.Brackets[kind]
		if len(bs) == 0 {
			bad.Field(field, "请填写"+k[1]+"的党费标准")
			continue
		}
		if len(bs) == 1 && bs[0].RateBP == 0 {
			if bs[0].UpTo != 0 || bs[0].FlatCents < 0 || bs[0].FlatCents > 100000 {
				bad.Field(field, "定额应为 0–1000.00 元，且不分档")
			}
			continue
		}
		prev := int64(-1)
		for i, b := range bs {
			if b.RateBP < 1 || b.RateBP > 10000 || b.FlatCents != 0 {
				bad.Field(fmt.Sprintf("%s[%d].rate", field, i), "比例应在 0.0001 到 1 之间")
			}
			last := i == len(bs)-1
			if last && b.UpTo != 0 {
				bad.Field(fmt.Sprintf("%s[%d].up_to", field, i), "最后一档不设上限")
			}
			if !last && b.UpTo <= prev {
				bad.Field(fmt.Sprintf("%s[%d].up_to", field, i), "各档上限应递增")
			}
			if !last {
				prev = b.UpTo
			}
		}
	}
	for k := range t.Brackets {
		if KindName(k) == "" {
			bad.Field("brackets."+string(k), "未知类别")
		}
	}
	return bad
}

// ParseRate parses a decimal fraction ("0.015", "1") with at most four
// decimals into parts per 10000.
func ParseRate(field, s string) (int64, error) {
	bad := apperr.InvalidField(field, "应为 0 到 1 之间的小数，最多四位小数")
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	if (whole != "0" && whole != "1") || len(frac) > 4 {
		return 0, bad
	}
	for len(frac) < 4 {
		frac += "0"
	}
	f, err := strconv.ParseUint(frac, 10, 32)
	if err != nil {
		return 0, bad
	}
	bp := int64(f)
	if whole == "1" {
		bp += 10000
	}
	if bp > 10000 {
		return 0, bad
	}
	return bp, nil
}

// FormatRate renders parts per 10000 as a decimal fraction ("0.005", "1").
func FormatRate(bp int64) string {
	s := strings.TrimRight(fmt.Sprintf("%d.%04d", bp/10000, bp%10000), "0")
	return strings.TrimSuffix(s, ".")
}

// RateTableView is a rate table as the API shows it (amounts in 元, rates as fractions).
type RateTableView struct {
	ID            int64                     `json:"id"`
	EffectiveFrom string                    `json:"effective_from"`
	Note          string                    `json:"note"`
	BuiltIn       bool                      `json:"built_in"`
	Brackets      map[string][]BracketInput `json:"brackets"`
}

// BracketInput is one bracket in 元 and fraction strings: up_to ("" = no
// upper bound) and rate, or amount for a flat kind.
type BracketInput struct {
	UpTo   string `json:"up_to,omitempty"`
	Rate   string `json:"rate,omitempty"`
	Amount string `json:"amount,omitempty"`
}

// RateTableInput adds a rate table version.
type RateTableInput struct {
	EffectiveFrom string                    `json:"effective_from"`
	Note          string                    `json:"note"`
	Brackets      map[string][]BracketInput `json:"brackets"`
	// Reason is required when EffectiveFrom is before today (back-dating);
	// it is recorded in the audit trail.
	Reason string `json:"reason"`
}

func (t RateTable) view() RateTableView {
	v := RateTableView{ID: t.ID, EffectiveFrom: t.EffectiveFrom, Note: t.Note, BuiltIn: t.ID == 0, Brackets: map[string][]BracketInput{}}
	for k, bs := range t.Brackets {
		out := []BracketInput{}
		for _, b := range bs {
			var in BracketInput
			if b.RateBP == 0 {
				in.Amount = FormatCents(b.FlatCents)
			} else {
				in.Rate = FormatRate(b.RateBP)
				if b.UpTo != 0 {
					in.UpTo = FormatCents(b.UpTo)
				}
			}
			out = append(out, in)
		}
		v.Brackets[string(k)] = out
	}
	return v
}

func (in RateTableInput) table() (RateTable, error) {
	t := RateTable{EffectiveFrom: strings.TrimSpace(in.EffectiveFrom), Note: strings.TrimSpace(in.Note), Brackets: map[Kind][]Bracket{}}
	bad := apperr.Invalid()
	for k, bs := range in.Brackets {
		for i, b := range bs {
			field := fmt.Sprintf("brackets.%s[%d]", k, i)
			var out Bracket
			if b.Rate == "" {
				c, err := ParseCents(field+".amount", b.Amount)
				if err != nil {
					bad.Field(field+".amount", "定额应为金额（元），最多两位小数")
				}
				out.FlatCents = c
			} else {
				bp, err := ParseRate(field+".rate", b.Rate)
				if err != nil || bp == 0 {
					bad.Field(field+".rate", "比例应为大于 0 且不超过 1 的小数，最多四位小数")
				}
				out.RateBP = bp
				if b.UpTo != "" {
					c, err := ParseCents(field+".up_to", b.UpTo)
					if err != nil || c == 0 {
						bad.Field(field+".up_to", "上限应为大于 0 的金额（元）")
					}
					out.UpTo = c
				}
			}
			t.Brackets[Kind(k)] = append(t.Brackets[Kind(k)], out)
		}
	}
	if err := bad.OrNil(); err != nil {
		return t, err
	}
	return t, t.validate().OrNil()
}

// loadTables returns every version, oldest first, the built-in one first.
func (s *Service) loadTables(ctx context.Context, q store.Querier) ([]RateTable, error) {
	out := []RateTable{Default2008()}
	rows, err := s.DB.Query(ctx, q, `SELECT id, effective_from, brackets, note FROM dues_rate_tables ORDER BY effective_from`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t RateTable
		var b string
		if err := rows.Scan(&t.ID, &t.EffectiveFrom, &b, &t.Note); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(b), &t.Brackets); err != nil {
			return nil, fmt.Errorf("dues rate table %d: %w", t.ID, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// tableAt is the version in force on day (the built-in one before any other).
func tableAt(ts []RateTable, day string) RateTable {
	cur := ts[0]
	for _, t := range ts[1:] {
		if t.EffectiveFrom <= day {
			cur = t
		}
	}
	return cur
}

// RateTables lists every version, the built-in 2008 table first.
func (s *Service) RateTables(ctx context.Context) ([]RateTableView, error) {
	ts, err := s.loadTables(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	out := make([]RateTableView, len(ts))
	for i, t := range ts {
		out[i] = t.view()
	}
	return out, nil
}

// SetRateTable adds (or replaces, for the same date) a rate table version
// effective from a date. Audited. Amounts already fixed for a year are not
// changed: only bases declared for years starting on or after the date use it.
func (s *Service) SetRateTable(ctx context.Context, in RateTableInput) (RateTableView, error) {
	if _, ok := actor.From(ctx); !ok {
		return RateTableView{}, apperr.Unauthenticated("")
	}
	t, err := in.table()
	if err != nil {
		return RateTableView{}, err
	}
	if t.EffectiveFrom <= Default2008().EffectiveFrom {
		return RateTableView{}, apperr.InvalidField("effective_from", "生效日期应晚于 2008-04-01（内置标准）")
	}
	today := s.today()
	bad := apperr.Invalid()
	reason := backdate.Check(bad, t.EffectiveFrom, today, in.Reason)
	if err := bad.OrNil(); err != nil {
		return RateTableView{}, err
	}
	b, _ := json.Marshal(t.Brackets)
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		ts, err := s.loadTables(ctx, tx)
		if err != nil {
			return err
		}
		// Before: the version in force on the effective date (the one
		// replaced, when a version already started that day).
		before := tableAt(ts, t.EffectiveFrom).view()
		if _, err := s.DB.Exec(ctx, tx, `DELETE FROM dues_rate_tables WHERE effective_from = ?`, t.EffectiveFrom); err != nil {
			return err
		}
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO dues_rate_tables (effective_from, brackets, note, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			t.EffectiveFrom, string(b), t.Note, store.FormatTime(s.Now())).Scan(&t.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "setting_update", Entity: "dues_rate_table", EntityID: fmt.Sprint(t.ID),
			Before: before, After: t.view(), Note: backdate.Note(t.EffectiveFrom, today, reason)})
	})
	return t.view(), err
}
