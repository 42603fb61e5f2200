package dues

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Payment methods.
const (
	MethodSelf   = "self"   // 本人交纳
	MethodProxy  = "proxy"  // 代缴 (payer named)
	MethodWaived = "waived" // 免交 (reason given)
)

// Methods lists the payment methods with their Chinese names.
func Methods() [][2]string {
	return [][2]string{{MethodSelf, "本人交纳"}, {MethodProxy, "代缴"}, {MethodWaived, "免交"}}
}

func methodName(m string) string {
	for _, c := range Methods() {
		if c[0] == m {
			return c[1]
		}
	}
	return ""
}

// MaxAheadMonths is how many months after the month of payment may be paid in advance.
const MaxAheadMonths = 3

func (s *Service) today() string { return civil.Today(s.Now()) }

// Month is a calendar month as year*12+month-1, so months can be counted.
type Month int

// MonthOf builds a Month.
func MonthOf(year, month int) Month { return Month(year*12 + month - 1) }

// Year and Num split a Month.
func (m Month) Year() int { return int(m) / 12 }

// Num is the month of the year (1–12).
func (m Month) Num() int { return int(m)%12 + 1 }

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year(), m.Num()) }

// ParseMonth parses "YYYY-MM".
func ParseMonth(field, s string) (Month, error) {
	t, err := civil.ReadMonth(strings.TrimSpace(s))
	if err != nil {
		return 0, apperr.InvalidField(field, "月份格式应为 YYYY-MM")
	}
	if !civil.InRange(t) {
		return 0, apperr.InvalidField(field, "月份应在 1900-01 至 2099-12 之间")
	}
	return MonthOf(t.Year(), int(t.Month())), nil
}

func monthOfDate(d string) Month {
	t, _ := civil.Read(d)
	return MonthOf(t.Year(), int(t.Month()))
}

// memberInfo is what the dues rules need of a member visible to the caller.
type memberInfo struct {
	ID         int64
	Name       string
	PartyOrgID int64
	JoinedOn   string
	Status     string
}

// member loads a member in the caller's scope (404 otherwise).
func (s *Service) member(ctx context.Context, q store.Querier, id int64) (memberInfo, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return memberInfo{}, err
	}
	var m memberInfo
	var joined sql.NullString
	err = s.DB.QueryRow(ctx, q, `SELECT m.id, m.name, m.party_org_id, m.joined_on, m.status FROM members m WHERE m.id = ? AND `+cond,
		append([]any{id}, args...)...).Scan(&m.ID, &m.Name, &m.PartyOrgID, &joined, &m.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return m, apperr.NotFound("党员")
	}
	m.JoinedOn = joined.String
	return m, err
}

// Base is a member's declared base for a year with the monthly amount fixed from it.
type Base struct {
	MemberID      int64  `json:"member_id"`
	Year          int    `json:"year"`
	Kind          string `json:"kind"`
	KindName      string `json:"kind_name"`
	Base          string `json:"base"`
	Monthly       string `json:"monthly_amount"`
	Rate          string `json:"rate"`
	RateTableFrom string `json:"rate_table_from"`
	baseCents     int64
	monthlyCents  int64
}

// BaseInput declares a member's base for a year.
type BaseInput struct {
	MemberID int64  `json:"member_id"`
	Year     int    `json:"year"`
	Kind     string `json:"kind"`
	Base     string `json:"base"`
}

func (s *Service) base(ctx context.Context, q store.Querier, memberID int64, year int) (Base, bool, error) {
	b := Base{MemberID: memberID, Year: year}
	var bp int64
	err := s.DB.QueryRow(ctx, q, `SELECT kind, base_cents, monthly_cents, rate_bp, rate_table_from FROM dues_bases WHERE member_id = ? AND year = ?`,
		memberID, year).Scan(&b.Kind, &b.baseCents, &b.monthlyCents, &bp, &b.RateTableFrom)
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	if err != nil {
		return b, false, err
	}
	b.fill(bp)
	return b, true, nil
}

func (b *Base) fill(bp int64) {
	b.KindName = KindName(Kind(b.Kind))
	b.Base = FormatCents(b.baseCents)
	b.Monthly = FormatCents(b.monthlyCents)
	if bp != 0 {
		b.Rate = FormatRate(bp)
	}
}

// DeclareBase fixes a member's monthly amount for a year from the declared
// base, with the rate table in force on 1 January of that year. Declaring
// again is allowed until a month of that year is paid; after that the amount
// stays fixed for the year (409).
func (s *Service) DeclareBase(ctx context.Context, in BaseInput) (Base, error) {
	bad := apperr.Invalid()
	if in.Year < 2008 || in.Year > 2100 {
		bad.Field("year", "年度无效")
	}
	base, err := ParseCents("base", in.Base)
	if err != nil {
		bad.Field("base", "基数应为不小于 0 的金额（元），最多两位小数")
	}
	if KindName(Kind(in.Kind)) == "" {
		bad.Field("kind", "类别应为 employed、retired、student、unemployed、relief 或 farmer")
	}
	if err := bad.OrNil(); err != nil {
		return Base{}, err
	}
	a, _ := actor.From(ctx)
	var out Base
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		m, err := s.member(ctx, tx, in.MemberID)
		if err != nil {
			return err
		}
		if m.Status != "active" {
			return apperr.InvalidField("member_id", "该党员不在册，不能申报党费基数")
		}
		before, exists, err := s.base(ctx, tx, m.ID, in.Year)
		if err != nil {
			return err
		}
		if exists {
			var n int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM dues_payments WHERE member_id = ? AND year = ?`, m.ID, in.Year).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.Conflict(fmt.Sprintf("%d 年已有交纳记录，月交纳额在年初确定后全年不变，不能重新申报", in.Year))
			}
		}
		ts, err := s.loadTables(ctx, tx)
		if err != nil {
			return err
		}
		t := tableAt(ts, fmt.Sprintf("%04d-01-01", in.Year))
		r, err := t.Calc(Kind(in.Kind), base)
		if err != nil {
			return err
		}
		out = Base{MemberID: m.ID, Year: in.Year, Kind: in.Kind, RateTableFrom: t.EffectiveFrom, baseCents: base, monthlyCents: r.Cents}
		out.fill(r.RateBP)
		now := store.FormatTime(s.Now())
		if exists {
			_, err = s.DB.Exec(ctx, tx, `UPDATE dues_bases SET kind = ?, base_cents = ?, monthly_cents = ?, rate_bp = ?, rate_table_from = ?, recorded_by = ?, updated_at = ?
				WHERE member_id = ? AND year = ?`, in.Kind, base, r.Cents, r.RateBP, t.EffectiveFrom, a.Username, now, m.ID, in.Year)
		} else {
			_, err = s.DB.Exec(ctx, tx, `INSERT INTO dues_bases (member_id, year, kind, base_cents, monthly_cents, rate_bp, rate_table_from, recorded_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, in.Year, in.Kind, base, r.Cents, r.RateBP, t.EffectiveFrom, a.Username, now, now)
		}
		if store.IsUniqueViolation(err) {
			return apperr.Conflict(fmt.Sprintf("%d 年党费基数正在由他人申报，请刷新后重试", in.Year))
		}
		if err != nil {
			return err
		}
		e := audit.Entry{Action: "dues.base", Entity: "member", EntityID: fmt.Sprint(m.ID), After: out, Note: fmt.Sprintf("%d 年党费基数", in.Year)}
		if exists {
			e.Before = before
		}
		return s.Audit.Record(ctx, tx, e)
	})
	return out, err
}

// PaymentInput records one payment covering one or several months.
type PaymentInput struct {
	MemberID int64    `json:"member_id"`
	Months   []string `json:"months"`
	PaidOn   string   `json:"paid_on"`
	Method   string   `json:"method"`
	Payer    string   `json:"payer"`
	Reason   string   `json:"reason"`
}

// Payment is one month paid (or waived).
type Payment struct {
	ID         int64  `json:"id"`
	MemberID   int64  `json:"member_id"`
	Month      string `json:"month"`
	Amount     string `json:"amount"`
	PaidOn     string `json:"paid_on"`
	Method     string `json:"method"`
	MethodName string `json:"method_name"`
	Payer      string `json:"payer"`
	Reason     string `json:"reason"`
	BatchID    string `json:"batch_id"`
	RecordedBy string `json:"recorded_by"`
	cents      int64
}

// Batch is what one recorded payment covers.
type Batch struct {
	BatchID  string    `json:"batch_id"`
	MemberID int64     `json:"member_id"`
	Total    string    `json:"total"`
	Back     int       `json:"back_months"`
	Ahead    int       `json:"ahead_months"`
	Payments []Payment `json:"payments"`
}

func newBatchID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RecordPayment records a payment of one or several months (a quarterly
// payment, a back payment, 代缴 or 免交). Rules: the base of each month's year
// is declared; no month is paid twice; at most 6 months before the month of
// payment (补交); none before the month of 入党日期; at most 3 months ahead.
// 免交 records 0 with its reason. All months or none are written.
func (s *Service) RecordPayment(ctx context.Context, in PaymentInput) (Batch, error) {
	ctx = store.WithOp(ctx, "dues.RecordPayment")
	bad := apperr.Invalid()
	in.Payer, in.Reason = strings.TrimSpace(in.Payer), strings.TrimSpace(in.Reason)
	switch in.Method {
	case MethodSelf:
	case MethodProxy:
		if in.Payer == "" {
			bad.Field("payer", "代缴请填写代缴人")
		}
	case MethodWaived:
		if in.Reason == "" {
			bad.Field("reason", "免交请填写原因")
		}
	default:
		bad.Field("method", "交纳方式应为 self（本人交纳）、proxy（代缴）或 waived（免交）")
	}
	if utf8.RuneCountInString(in.Payer) > 50 {
		bad.Field("payer", "代缴人不能超过 50 个字")
	}
	if utf8.RuneCountInString(in.Reason) > 200 {
		bad.Field("reason", "原因不能超过 200 个字")
	}
	paidOn, err := civil.Parse("paid_on", in.PaidOn)
	if err != nil {
		bad.Field("paid_on", civil.Message(err, "paid_on"))
	} else if in.PaidOn > s.today() {
		bad.Field("paid_on", "交纳日期不能晚于今天")
	}
	if len(in.Months) == 0 {
		bad.Field("months", "请选择交纳的月份")
	}
	var months []Month
	seen := map[Month]bool{}
	for i, v := range in.Months {
		m, err := ParseMonth(fmt.Sprintf("months[%d]", i), v)
		if err != nil {
			bad.Field(fmt.Sprintf("months[%d]", i), "月份格式应为 YYYY-MM")
			continue
		}
		if seen[m] {
			bad.Field(fmt.Sprintf("months[%d]", i), "月份重复")
		}
		seen[m] = true
		months = append(months, m)
	}
	if err := bad.OrNil(); err != nil {
		return Batch{}, err
	}
	sort.Slice(months, func(i, j int) bool { return months[i] < months[j] })
	payMonth := MonthOf(paidOn.Year(), int(paidOn.Month()))
	out := Batch{BatchID: newBatchID(), MemberID: in.MemberID, Payments: []Payment{}}
	for _, m := range months {
		switch {
		case m < payMonth:
			out.Back++
		case m > payMonth:
			out.Ahead++
		}
	}
	if out.Back > 0 {
		if err := CheckBackPayment(out.Back); err != nil {
			return Batch{}, apperr.InvalidField("months", fmt.Sprintf("补交党费一次最多补交 %d 个月（本次补交 %d 个月）", MaxBackMonths, out.Back))
		}
	}
	if last := months[len(months)-1]; last > payMonth+MaxAheadMonths {
		return Batch{}, apperr.InvalidField("months", fmt.Sprintf("最多预交 %d 个月（%s 超出）", MaxAheadMonths, last))
	}
	a, _ := actor.From(ctx)
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		mem, err := s.member(ctx, tx, in.MemberID)
		if err != nil {
			return err
		}
		if mem.Status != "active" {
			return apperr.InvalidField("member_id", "该党员不在册，不能登记党费")
		}
		if mem.JoinedOn == "" {
			return apperr.InvalidField("member_id", "该党员未登记入党日期，不能登记党费")
		}
		if first := months[0]; first < monthOfDate(mem.JoinedOn) {
			return apperr.InvalidField("months", fmt.Sprintf("%s 早于入党日期（%s），不能收取党费", first, mem.JoinedOn))
		}
		bases := map[int]Base{}
		for _, m := range months {
			if _, ok := bases[m.Year()]; ok {
				continue
			}
			b, ok, err := s.base(ctx, tx, mem.ID, m.Year())
			if err != nil {
				return err
			}
			if !ok {
				return apperr.InvalidField("months", fmt.Sprintf("%d 年尚未申报党费基数，请先申报", m.Year()))
			}
			bases[m.Year()] = b
		}
		var paid []string
		for _, m := range months {
			var n int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM dues_payments WHERE member_id = ? AND year = ? AND month = ?`, mem.ID, m.Year(), m.Num()).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				paid = append(paid, m.String())
			}
		}
		if len(paid) > 0 {
			return apperr.Conflict("以下月份已交纳，不能重复交纳：" + strings.Join(paid, "、"))
		}
		now := store.FormatTime(s.Now())
		var total int64
		for _, m := range months {
			p := Payment{MemberID: mem.ID, Month: m.String(), PaidOn: in.PaidOn, Method: in.Method, MethodName: methodName(in.Method),
				Payer: in.Payer, Reason: in.Reason, BatchID: out.BatchID, RecordedBy: a.Username}
			if in.Method != MethodWaived {
				p.cents = bases[m.Year()].monthlyCents
			}
			if in.Method != MethodProxy {
				p.Payer = ""
			}
			p.Amount = FormatCents(p.cents)
			err := s.DB.QueryRow(ctx, tx, `INSERT INTO dues_payments (member_id, year, month, amount_cents, paid_on, method, payer, reason, batch_id, recorded_by, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, mem.ID, m.Year(), m.Num(), p.cents, in.PaidOn, in.Method, p.Payer, p.Reason,
				out.BatchID, a.Username, now).Scan(&p.ID)
			if store.IsUniqueViolation(err) {
				return apperr.Conflict(m.String() + " 已交纳，不能重复交纳")
			}
			if err != nil {
				return err
			}
			total += p.cents
			out.Payments = append(out.Payments, p)
		}
		out.Total = FormatCents(total)
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "dues.payment", Entity: "member", EntityID: fmt.Sprint(mem.ID), After: out,
			Note: fmt.Sprintf("%s %d 个月，合计 %s 元", methodName(in.Method), len(months), out.Total)})
	})
	return out, err
}

// MonthStatus is one month of a member's dues year.
type MonthStatus struct {
	Month   string   `json:"month"`
	Due     bool     `json:"due"` // on or after the month of 入党日期 and not after the current month
	Payment *Payment `json:"payment"`
}

// MemberYear is a member's dues year: base, months and totals.
type MemberYear struct {
	MemberID int64         `json:"member_id"`
	Name     string        `json:"name"`
	Year     int           `json:"year"`
	Base     *Base         `json:"base"`
	Months   []MonthStatus `json:"months"`
	Paid     string        `json:"paid"`
}

// MemberYear shows a member's base, the twelve months and their payments.
func (s *Service) MemberYear(ctx context.Context, memberID int64, year int) (MemberYear, error) {
	ctx = store.WithOp(ctx, "dues.MemberYear")
	if year < 2008 || year > 2100 {
		return MemberYear{}, apperr.InvalidField("year", "年度无效")
	}
	m, err := s.member(ctx, s.DB, memberID)
	if err != nil {
		return MemberYear{}, err
	}
	out := MemberYear{MemberID: m.ID, Name: m.Name, Year: year, Months: []MonthStatus{}}
	b, ok, err := s.base(ctx, s.DB, m.ID, year)
	if err != nil {
		return out, err
	}
	if ok {
		out.Base = &b
	}
	ps, err := s.payments(ctx, `p.member_id = ? AND p.year = ?`, m.ID, year)
	if err != nil {
		return out, err
	}
	byMonth := map[string]*Payment{}
	var total int64
	for i := range ps {
		byMonth[ps[i].Month] = &ps[i]
		total += ps[i].cents
	}
	cur := monthOfDate(s.today())
	for n := 1; n <= 12; n++ {
		mo := MonthOf(year, n)
		due := m.JoinedOn != "" && mo >= monthOfDate(m.JoinedOn) && mo <= cur
		out.Months = append(out.Months, MonthStatus{Month: mo.String(), Due: due, Payment: byMonth[mo.String()]})
	}
	out.Paid = FormatCents(total)
	return out, nil
}

func (s *Service) payments(ctx context.Context, cond string, args ...any) ([]Payment, error) {
	return s.paymentsTx(ctx, s.DB, cond, args...)
}

func (s *Service) paymentsTx(ctx context.Context, q store.Querier, cond string, args ...any) ([]Payment, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT p.id, p.member_id, p.year, p.month, p.amount_cents, p.paid_on, p.method, p.payer, p.reason, p.batch_id, p.recorded_by
		FROM dues_payments p WHERE `+cond+` ORDER BY p.year, p.month`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var p Payment
		var y, mo int
		if err := rows.Scan(&p.ID, &p.MemberID, &y, &mo, &p.cents, &p.PaidOn, &p.Method, &p.Payer, &p.Reason, &p.BatchID, &p.RecordedBy); err != nil {
			return nil, err
		}
		p.Month, p.Amount, p.MethodName = MonthOf(y, mo).String(), FormatCents(p.cents), methodName(p.Method)
		out = append(out, p)
	}
	return out, rows.Err()
}

func parseDate(s string) (time.Time, error) { return civil.Parse("", s) }

func actorName(ctx context.Context) (string, bool) {
	a, ok := actor.From(ctx)
	return a.Username, ok
}

// CurrentMonth is the month of today (CST).
func (s *Service) CurrentMonth() Month { return monthOfDate(s.today()) }
