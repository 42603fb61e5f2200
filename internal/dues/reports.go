package dues

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/backdate"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// arrearsLookback bounds how far back the consecutive unpaid run is counted.
const arrearsLookback = 24

// ArrearsFilter selects the arrears list: as of a month, optionally one party
// organization with its subtree, optionally only the flagged members.
type ArrearsFilter struct {
	AsOf        string // YYYY-MM
	PartyOrgID  int64
	FlaggedOnly bool
}

// Arrear is one member with unpaid months.
type Arrear struct {
	MemberID     int64    `json:"member_id"`
	Name         string   `json:"name"`
	PartyOrgID   int64    `json:"party_org_id"`
	PartyOrgName string   `json:"party_org_name"`
	JoinedOn     string   `json:"joined_on"`
	Unpaid       []string `json:"unpaid_months"` // unpaid months of the as-of year up to the as-of month
	Consecutive  int      `json:"consecutive_unpaid"`
	Flagged      bool     `json:"flagged"` // 6 consecutive unpaid months
}

// Arrears lists, per member in the caller's scope, the unpaid months and the
// consecutive unpaid run ending at the as-of month, or at the last month that
// has ended when the as-of month is not over yet (a 免交 month counts as
// settled), flagged at 6 (ArrearsFlag). Members with nothing unpaid are left out.
func (s *Service) Arrears(ctx context.Context, f ArrearsFilter) ([]Arrear, error) {
	ctx = store.WithOp(ctx, "dues.Arrears")
	asOf, err := ParseMonth("as_of", f.AsOf)
	if err != nil {
		return nil, err
	}
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return nil, err
	}
	if f.PartyOrgID != 0 {
		if err := s.partyOrgVisible(ctx, f.PartyOrgID); err != nil {
			return nil, err
		}
		cond += ` AND m.party_org_id IN (WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) UNION ALL
			SELECT c.id FROM party_orgs c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub)`
		args = append(args, f.PartyOrgID)
	}
	start := asOf - arrearsLookback + 1
	rows, err := s.DB.Query(ctx, s.DB, `SELECT m.id, m.name, m.party_org_id, p.name, m.joined_on FROM members m JOIN party_orgs p ON p.id = m.party_org_id
		WHERE m.status = 'active' AND m.joined_on IS NOT NULL AND m.joined_on <= ? AND `+cond+` ORDER BY p.name, m.name, m.id`,
		append([]any{fmt.Sprintf("%s-31", asOf)}, args...)...)
	if err != nil {
		return nil, err
	}
	var list []Arrear
	for rows.Next() {
		var a Arrear
		if err := rows.Scan(&a.MemberID, &a.Name, &a.PartyOrgID, &a.PartyOrgName, &a.JoinedOn); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	paid := map[int64]map[Month]bool{}
	prow, err := s.DB.Query(ctx, s.DB, `SELECT d.member_id, d.year, d.month FROM dues_payments d JOIN members m ON m.id = d.member_id
		WHERE d.year * 12 + d.month - 1 BETWEEN ? AND ? AND m.status = 'active' AND `+cond, append([]any{int(start), int(asOf)}, args...)...)
	if err != nil {
		return nil, err
	}
	for prow.Next() {
		var id int64
		var y, mo int
		if err := prow.Scan(&id, &y, &mo); err != nil {
			prow.Close()
			return nil, err
		}
		if paid[id] == nil {
			paid[id] = map[Month]bool{}
		}
		paid[id][MonthOf(y, mo)] = true
	}
	prow.Close()
	if err := prow.Err(); err != nil {
		return nil, err
	}
	// Only months that have ended count: the current month's dues are not late yet.
	last := asOf
	if cur := s.CurrentMonth(); last >= cur {
		last = cur - 1
	}
	out := []Arrear{}
	for _, a := range list {
		from := monthOfDate(a.JoinedOn)
		if from < start {
			from = start
		}
		var seq []bool
		a.Unpaid = []string{}
		for m := from; m <= last; m++ {
			p := paid[a.MemberID][m]
			seq = append(seq, p)
			if !p && m.Year() == asOf.Year() {
				a.Unpaid = append(a.Unpaid, m.String())
			}
		}
		a.Consecutive = ConsecutiveUnpaid(seq)
		a.Flagged = ArrearsFlag(seq)
		if len(a.Unpaid) == 0 && a.Consecutive == 0 {
			continue
		}
		if f.FlaggedOnly && !a.Flagged {
			continue
		}
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Consecutive > out[j].Consecutive })
	return out, nil
}

func (s *Service) partyOrgVisible(ctx context.Context, id int64) error {
	_, err := s.partyOrgName(ctx, s.DB, id)
	return err
}

func (s *Service) partyOrgName(ctx context.Context, q store.Querier, id int64) (string, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return "", err
	}
	var name string
	err = s.DB.QueryRow(ctx, q, `SELECT p.name FROM party_orgs p WHERE p.id = ? AND `+cond, append([]any{id}, args...)...).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.NotFound("党组织")
	}
	return name, err
}

// SummaryLine is one member's line of the annual publication (党费收缴公示).
type SummaryLine struct {
	MemberID     int64  `json:"member_id"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	KindName     string `json:"kind_name"`
	Monthly      string `json:"monthly_amount"` // "" when no base was declared
	MonthsDue    int    `json:"months_due"`
	MonthsPaid   int    `json:"months_paid"`
	MonthsWaived int    `json:"months_waived"`
	AmountDue    string `json:"amount_due"`
	AmountPaid   string `json:"amount_paid"`
	Unpaid       string `json:"amount_unpaid"`
}

// Summary is the annual publication of one party organization.
type Summary struct {
	PartyOrgID   int64         `json:"party_org_id"`
	PartyOrgName string        `json:"party_org_name"`
	Year         int           `json:"year"`
	Through      string        `json:"through"` // last month counted
	Members      int           `json:"members"`
	MonthsDue    int           `json:"months_due"`
	MonthsPaid   int           `json:"months_paid"`
	MonthsWaived int           `json:"months_waived"`
	AmountDue    string        `json:"amount_due"`
	AmountPaid   string        `json:"amount_paid"`
	Unpaid       string        `json:"amount_unpaid"`
	Lines        []SummaryLine `json:"lines"`
}

// Summary builds the 党费收缴公示 of a party organization (its own members)
// for a year, counted through December or, for the current year, the current
// month. Months due run from the month of 入党日期; a 免交 month is not due in
// money. Amount due = monthly amount × (months due − months waived).
func (s *Service) Summary(ctx context.Context, partyOrgID int64, year int) (Summary, error) {
	cur := monthOfDate(s.today())
	if year < 2008 || year > cur.Year() {
		return Summary{}, apperr.InvalidField("year", "年度无效（不能晚于今年）")
	}
	name, err := s.partyOrgName(ctx, s.DB, partyOrgID)
	if err != nil {
		return Summary{}, err
	}
	through := MonthOf(year, 12)
	if through > cur {
		through = cur
	}
	out := Summary{PartyOrgID: partyOrgID, PartyOrgName: name, Year: year, Through: through.String(), Lines: []SummaryLine{}}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT m.id, m.name, m.joined_on, COALESCE(b.kind, ''), COALESCE(b.monthly_cents, -1) FROM members m
		LEFT JOIN dues_bases b ON b.member_id = m.id AND b.year = ?
		WHERE m.party_org_id = ? AND (m.status = 'active' OR EXISTS (SELECT 1 FROM dues_payments d WHERE d.member_id = m.id AND d.year = ?))
		ORDER BY m.name, m.id`, year, partyOrgID, year)
	if err != nil {
		return out, err
	}
	type acc struct {
		line    SummaryLine
		joined  sql.NullString
		monthly int64
	}
	var accs []*acc
	for rows.Next() {
		a := &acc{}
		if err := rows.Scan(&a.line.MemberID, &a.line.Name, &a.joined, &a.line.Kind, &a.monthly); err != nil {
			rows.Close()
			return out, err
		}
		accs = append(accs, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	type paidAcc struct {
		paid, waived int
		cents        int64
	}
	pa := map[int64]*paidAcc{}
	prow, err := s.DB.Query(ctx, s.DB, `SELECT d.member_id, d.method, d.amount_cents FROM dues_payments d JOIN members m ON m.id = d.member_id
		WHERE m.party_org_id = ? AND d.year = ? AND d.month <= ?`, partyOrgID, year, through.Num())
	if err != nil {
		return out, err
	}
	for prow.Next() {
		var id, c int64
		var method string
		if err := prow.Scan(&id, &method, &c); err != nil {
			prow.Close()
			return out, err
		}
		p := pa[id]
		if p == nil {
			p = &paidAcc{}
			pa[id] = p
		}
		if method == MethodWaived {
			p.waived++
		} else {
			p.paid++
		}
		p.cents += c
	}
	prow.Close()
	if err := prow.Err(); err != nil {
		return out, err
	}
	var due, paid int64
	for _, a := range accs {
		l := a.line
		l.KindName = KindName(Kind(l.Kind))
		if a.joined.Valid {
			from := monthOfDate(a.joined.String)
			if from < MonthOf(year, 1) {
				from = MonthOf(year, 1)
			}
			if from <= through {
				l.MonthsDue = int(through-from) + 1
			}
		}
		if p := pa[l.MemberID]; p != nil {
			l.MonthsPaid, l.MonthsWaived = p.paid, p.waived
			paid += p.cents
			l.AmountPaid = FormatCents(p.cents)
		} else {
			l.AmountPaid = FormatCents(0)
		}
		var d int64
		if a.monthly >= 0 {
			l.Monthly = FormatCents(a.monthly)
			n := l.MonthsDue - l.MonthsWaived
			if n < 0 {
				n = 0
			}
			d = a.monthly * int64(n)
		}
		var pc int64
		if p := pa[l.MemberID]; p != nil {
			pc = p.cents
		}
		l.AmountDue = FormatCents(d)
		un := d - pc
		if un < 0 {
			un = 0
		}
		l.Unpaid = FormatCents(un)
		due += d
		out.Members++
		out.MonthsDue += l.MonthsDue
		out.MonthsPaid += l.MonthsPaid
		out.MonthsWaived += l.MonthsWaived
		out.Lines = append(out.Lines, l)
	}
	out.AmountDue, out.AmountPaid = FormatCents(due), FormatCents(paid)
	un := due - paid
	if un < 0 {
		un = 0
	}
	out.Unpaid = FormatCents(un)
	return out, nil
}

// SettingRefund is the settings key of the refund policy.
const SettingRefund = "dues.refund_policy"

// RefundPolicy is the share of the dues collected from a 两新 party
// organization's members that is returned to it (full refund by default).
type RefundPolicy struct {
	Ratio string `json:"ratio"` // decimal fraction, "1" = full refund
	Note  string `json:"note"`
	bp    int64
}

// GetRefundPolicy returns the policy (full refund unless the district changed it).
func (s *Service) GetRefundPolicy(ctx context.Context) (RefundPolicy, error) {
	ctx = store.WithOp(ctx, "dues.GetRefundPolicy")
	var v string
	err := s.DB.QueryRow(ctx, s.DB, `SELECT value FROM settings WHERE key = ?`, SettingRefund).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return RefundPolicy{Ratio: "1", Note: "全额返还", bp: 10000}, nil
	}
	if err != nil {
		return RefundPolicy{}, err
	}
	var st struct {
		BP   int64  `json:"ratio_bp"`
		Note string `json:"note"`
	}
	if err := json.Unmarshal([]byte(v), &st); err != nil || st.BP < 0 || st.BP > MaxRefundBP {
		return RefundPolicy{Ratio: "1", Note: "全额返还", bp: 10000}, nil
	}
	return RefundPolicy{Ratio: FormatRate(st.BP), Note: st.Note, bp: st.BP}, nil
}

// MaxRefundBP bounds the refund ratio: up to 3, so that matching schemes
// (seed 002: 党费全额返还并 1:1 配套 = 2) can be expressed.
const MaxRefundBP = 30000

// ParseRefundRatio reads a refund ratio: a decimal from 0 to 3 with at most
// four decimals ("1" = full refund, "2" = full refund matched 1:1).
func ParseRefundRatio(field, s string) (int64, error) {
	bad := apperr.InvalidField(field, "应为 0 到 3 之间的小数，最多四位小数（1 为全额返还，2 为全额返还并 1:1 配套）")
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	if len(whole) != 1 || whole[0] < '0' || whole[0] > '3' || len(frac) > 4 {
		return 0, bad
	}
	for len(frac) < 4 {
		frac += "0"
	}
	f, err := strconv.ParseUint(frac, 10, 32)
	if err != nil {
		return 0, bad
	}
	bp := int64(whole[0]-'0')*10000 + int64(f)
	if bp > MaxRefundBP {
		return 0, bad
	}
	return bp, nil
}

// SetRefundPolicy changes the ratio (audited). Recorded refunds keep theirs.
// The reason, optional, is recorded in the audit entry.
func (s *Service) SetRefundPolicy(ctx context.Context, in RefundPolicy, reason string) (RefundPolicy, error) {
	bad := apperr.Invalid()
	if reason = backdate.Check(bad, "", "", reason); bad.OrNil() != nil {
		return RefundPolicy{}, bad
	}
	bp, err := ParseRefundRatio("ratio", in.Ratio)
	if err != nil {
		return RefundPolicy{}, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 200 {
		return RefundPolicy{}, apperr.InvalidField("note", "说明不能超过 200 个字")
	}
	before, err := s.GetRefundPolicy(ctx)
	if err != nil {
		return RefundPolicy{}, err
	}
	out := RefundPolicy{Ratio: FormatRate(bp), Note: in.Note, bp: bp}
	b, _ := json.Marshal(map[string]any{"ratio_bp": bp, "note": in.Note})
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, SettingRefund, string(b)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "setting_update", Entity: "setting", EntityID: SettingRefund, Before: before, After: out,
			Note: backdate.Note("", "", reason)})
	})
	return out, err
}

// RefundDue is collected × ratio, rounded half up to the 分.
func RefundDue(collectedCents, ratioBP int64) int64 {
	return (collectedCents*ratioBP + 5000) / 10000
}

// Refund is the refund position of a party organization for a year.
type Refund struct {
	PartyOrgID   int64   `json:"party_org_id"`
	PartyOrgName string  `json:"party_org_name"`
	Year         int     `json:"year"`
	Collected    string  `json:"collected"`
	Ratio        string  `json:"ratio"`
	Due          string  `json:"due"`
	Refunded     *string `json:"refunded"`
	RefundedOn   *string `json:"refunded_on"`
	Note         string  `json:"note"`
}

// RefundInput records an actual refund; amount defaults to the amount due.
type RefundInput struct {
	PartyOrgID int64  `json:"party_org_id"`
	Year       int    `json:"year"`
	Amount     string `json:"amount"`
	RefundedOn string `json:"refunded_on"`
	Note       string `json:"note"`
}

func (s *Service) collected(ctx context.Context, q store.Querier, partyOrgID int64, year int) (int64, error) {
	var c int64
	err := s.DB.QueryRow(ctx, q, `SELECT COALESCE(SUM(d.amount_cents), 0) FROM dues_payments d JOIN members m ON m.id = d.member_id
		WHERE m.party_org_id = ? AND d.year = ?`, partyOrgID, year).Scan(&c)
	return c, err
}

// Refunds lists the party organizations in scope with dues collected in a
// year (or one party organization), with the amount due back under the
// current policy, or the recorded refund with the ratio it used.
func (s *Service) Refunds(ctx context.Context, year int, partyOrgID int64) ([]Refund, error) {
	if year < 2008 || year > 2100 {
		return nil, apperr.InvalidField("year", "年度无效")
	}
	pol, err := s.GetRefundPolicy(ctx)
	if err != nil {
		return nil, err
	}
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return nil, err
	}
	if partyOrgID != 0 {
		if err := s.partyOrgVisible(ctx, partyOrgID); err != nil {
			return nil, err
		}
		cond += " AND p.id = ?"
		args = append(args, partyOrgID)
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT p.id, p.name, COALESCE(c.total, 0), r.ratio_bp, r.collected_cents, r.refund_cents, r.refunded_on, COALESCE(r.note, '')
		FROM party_orgs p
		LEFT JOIN (SELECT m.party_org_id, SUM(d.amount_cents) AS total FROM dues_payments d JOIN members m ON m.id = d.member_id WHERE d.year = ? GROUP BY m.party_org_id) c ON c.party_org_id = p.id
		LEFT JOIN dues_refunds r ON r.party_org_id = p.id AND r.year = ?
		WHERE (c.total IS NOT NULL OR r.id IS NOT NULL OR p.id = ?) AND `+cond+` ORDER BY p.name, p.id`,
		append([]any{year, year, partyOrgID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Refund{}
	for rows.Next() {
		var r Refund
		var total int64
		var bp, rc, rr sql.NullInt64
		var on sql.NullString
		if err := rows.Scan(&r.PartyOrgID, &r.PartyOrgName, &total, &bp, &rc, &rr, &on, &r.Note); err != nil {
			return nil, err
		}
		r.Year = year
		if bp.Valid {
			r.Collected, r.Ratio, r.Due = FormatCents(rc.Int64), FormatRate(bp.Int64), FormatCents(RefundDue(rc.Int64, bp.Int64))
			a := FormatCents(rr.Int64)
			r.Refunded, r.RefundedOn = &a, &on.String
		} else {
			r.Collected, r.Ratio, r.Due = FormatCents(total), pol.Ratio, FormatCents(RefundDue(total, pol.bp))
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecordRefund records the refund of a year's dues to a party organization:
// collected and ratio are fixed at that moment; one refund per party
// organization and year (409 on a second).
func (s *Service) RecordRefund(ctx context.Context, in RefundInput) (Refund, error) {
	bad := apperr.Invalid()
	if in.Year < 2008 || in.Year > 2100 {
		bad.Field("year", "年度无效")
	}
	if _, err := parseDate(in.RefundedOn); err != nil {
		bad.Field("refunded_on", civil.Hint)
	} else if in.RefundedOn > s.today() {
		bad.Field("refunded_on", "返还日期不能晚于今天")
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 200 {
		bad.Field("note", "说明不能超过 200 个字")
	}
	var amount int64 = -1
	if strings.TrimSpace(in.Amount) != "" {
		c, err := ParseCents("amount", in.Amount)
		if err != nil {
			bad.Field("amount", "返还金额应为不小于 0 的金额（元），最多两位小数")
		}
		amount = c
	}
	if err := bad.OrNil(); err != nil {
		return Refund{}, err
	}
	pol, err := s.GetRefundPolicy(ctx)
	if err != nil {
		return Refund{}, err
	}
	var out Refund
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		name, err := s.partyOrgName(ctx, tx, in.PartyOrgID)
		if err != nil {
			return err
		}
		c, err := s.collected(ctx, tx, in.PartyOrgID, in.Year)
		if err != nil {
			return err
		}
		due := RefundDue(c, pol.bp)
		if amount < 0 {
			amount = due
		}
		// The cap is what was collected, or the due amount when a matching
		// scheme (ratio above 1) makes it larger.
		if limit := max(c, due); amount > limit {
			return apperr.InvalidField("amount", fmt.Sprintf("返还金额不能超过 %s 元（收缴金额 %s 元，按返还比例应返 %s 元）", FormatCents(limit), FormatCents(c), FormatCents(due)))
		}
		by := ""
		if a, ok := actorName(ctx); ok {
			by = a
		}
		_, err = s.DB.Exec(ctx, tx, `INSERT INTO dues_refunds (party_org_id, year, collected_cents, ratio_bp, refund_cents, refunded_on, note, recorded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.PartyOrgID, in.Year, c, pol.bp, amount, in.RefundedOn, in.Note, by, store.FormatTime(s.Now()))
		if store.IsUniqueViolation(err) {
			return apperr.Conflict(fmt.Sprintf("%d 年党费已登记返还", in.Year))
		}
		if err != nil {
			return err
		}
		a := FormatCents(amount)
		out = Refund{PartyOrgID: in.PartyOrgID, PartyOrgName: name, Year: in.Year, Collected: FormatCents(c), Ratio: pol.Ratio, Due: FormatCents(due),
			Refunded: &a, RefundedOn: &in.RefundedOn, Note: in.Note}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "dues.refund", Entity: "party_org", EntityID: fmt.Sprint(in.PartyOrgID), After: out})
	})
	return out, err
}
