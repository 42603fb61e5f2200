package dues_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/dues"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
)

// The test clock is 2026-11-23.
type world struct {
	t   *testing.T
	e   *testenv.Env
	ctx context.Context
	d   *dues.Service
	seq int
}

func newWorld(t *testing.T) *world {
	e := testenv.New(t)
	return &world{t: t, e: e, d: e.App.Dues, ctx: actor.With(context.Background(), actor.Actor{Username: "hq", Role: "street", Scope: testenv.Hongqiao})}
}

func (w *world) partyOrg(region string) int64 {
	w.t.Helper()
	w.seq++
	sys := actor.System(context.Background(), "test")
	name, cat, five := fmt.Sprintf("测试企业%d", w.seq), "individual_business", 5
	o, err := w.e.App.Orgs.Create(sys, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
	if err != nil {
		w.t.Fatal(err)
	}
	p, err := w.e.App.Party.Create(sys, partyorg.Input{Name: fmt.Sprintf("测试党支部%d", w.seq), Kind: "branch", Formation: "single", EstablishedOn: "2020-01-01", Covers: []int64{o.ID}})
	if err != nil {
		w.t.Fatal(err)
	}
	return p.ID
}

func (w *world) member(po int64, joined string) int64 {
	w.t.Helper()
	w.seq++
	first := fmt.Sprintf("43042619800101%03d", 2*w.seq+1)
	m, err := w.e.App.Members.Create(actor.System(context.Background(), "test"), member.Input{Name: fmt.Sprintf("党员%d", w.seq), Gender: "male",
		BirthDate: "1980-01-01", IDNumber: first + string(pdata.CheckChar(first)), Category: "full", PartyOrgID: po, JoinedOn: joined})
	if err != nil {
		w.t.Fatal(err)
	}
	return m.ID
}

func (w *world) declare(id int64, year int, kind, base string) dues.Base {
	w.t.Helper()
	b, err := w.d.DeclareBase(w.ctx, dues.BaseInput{MemberID: id, Year: year, Kind: kind, Base: base})
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

func months(from, to string) []string {
	a, _ := dues.ParseMonth("", from)
	b, _ := dues.ParseMonth("", to)
	var out []string
	for m := a; m <= b; m++ {
		out = append(out, m.String())
	}
	return out
}

func (w *world) pay(id int64, paidOn string, ms []string) dues.Batch {
	w.t.Helper()
	b, err := w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: id, Months: ms, PaidOn: paidOn, Method: dues.MethodSelf})
	if err != nil {
		w.t.Fatalf("pay %v on %s: %v", ms, paidOn, err)
	}
	return b
}

func wantField(t *testing.T, err error, field, part string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid || !strings.Contains(e.Fields[field], part) {
		t.Fatalf("want 422 on %s containing %q, got %v (%+v)", field, part, err, e)
	}
}

func wantKind(t *testing.T, err error, k apperr.Kind) {
	t.Helper()
	if !apperr.IsKind(err, k) {
		t.Fatalf("want kind %d, got %v", k, err)
	}
}

func TestRateTableAndAmountFixedAtStartOfYear(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao)
	m := w.member(po, "2010-07-01")
	// No version stored: the 2008 table applies.
	if b := w.declare(m, 2026, "employed", "3000"); b.Monthly != "15.00" || b.Rate != "0.005" || b.RateTableFrom != "2008-04-01" {
		t.Fatalf("2008 table: %+v", b)
	}
	// A version from 2026-07-01: 3% on everything above 0 for the employed.
	in := dues.RateTableInput{EffectiveFrom: "2026-07-01", Note: "测试标准", Reason: "补录年中已执行的标准", Brackets: map[string][]dues.BracketInput{
		"employed": {{Rate: "0.03"}}, "retired": {{UpTo: "5000", Rate: "0.005"}, {Rate: "0.01"}},
		"student": {{Amount: "0.50"}}, "unemployed": {{Amount: "0.20"}}, "relief": {{Amount: "0.20"}}, "farmer": {{Amount: "1.00"}}}}
	if _, err := w.d.SetRateTable(w.ctx, in); err != nil {
		t.Fatal(err)
	}
	// Declaring 2026 again (no payment yet) still uses the table in force on 2026-01-01.
	if b := w.declare(m, 2026, "employed", "3000"); b.Monthly != "15.00" || b.RateTableFrom != "2008-04-01" {
		t.Fatalf("mid-year version changed this year's amount: %+v", b)
	}
	// 2027 starts under the new version.
	if b := w.declare(m, 2027, "employed", "3000"); b.Monthly != "90.00" || b.Rate != "0.03" || b.RateTableFrom != "2026-07-01" {
		t.Fatalf("2027: %+v", b)
	}
	if b := w.declare(m, 2027, "student", "0"); b.Monthly != "0.50" || b.Rate != "" {
		t.Fatalf("flat: %+v", b)
	}
	// Once a month of 2026 is paid the amount stays fixed.
	w.pay(m, "2026-11-20", []string{"2026-11"})
	_, err := w.d.DeclareBase(w.ctx, dues.BaseInput{MemberID: m, Year: 2026, Kind: "employed", Base: "12000"})
	wantKind(t, err, apperr.KindConflict)
	y, err := w.d.MemberYear(w.ctx, m, 2026)
	if err != nil || y.Base.Monthly != "15.00" || y.Months[10].Payment == nil || y.Months[10].Payment.Amount != "15.00" || y.Paid != "15.00" || !y.Months[10].Due || y.Months[11].Due {
		t.Fatalf("member year: %+v %v", y, err)
	}
	views, err := w.d.RateTables(w.ctx)
	if err != nil || len(views) != 2 || !views[0].BuiltIn || views[1].Brackets["employed"][0].Rate != "0.03" || views[0].Brackets["employed"][0].UpTo != "3000.00" {
		t.Fatalf("tables: %+v %v", views, err)
	}
	// Bad tables are refused.
	bad := in
	bad.EffectiveFrom = "2027-01-01"
	bad.Brackets = map[string][]dues.BracketInput{"employed": {{UpTo: "5000", Rate: "0.01"}, {UpTo: "3000", Rate: "0.02"}}}
	_, err = w.d.SetRateTable(w.ctx, bad)
	wantField(t, err, "brackets.retired", "请填写")
}

func TestPaymentRules(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao)
	old := w.member(po, "2010-07-01")
	w.declare(old, 2026, "employed", "4000") // 40.00
	// Back payment: 6 months before the month of payment is accepted …
	b := w.pay(old, "2026-11-20", months("2026-05", "2026-10"))
	if b.Back != 6 || len(b.Payments) != 6 || b.Total != "240.00" {
		t.Fatalf("6 back: %+v", b)
	}
	for _, p := range b.Payments {
		if p.BatchID != b.BatchID || p.Amount != "40.00" || p.RecordedBy != "hq" {
			t.Fatalf("payment %+v", p)
		}
	}
	// … 7 are refused, and nothing is written.
	other := w.member(po, "2010-07-01")
	w.declare(other, 2026, "employed", "4000")
	_, err := w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: other, Months: months("2026-04", "2026-10"), PaidOn: "2026-11-20", Method: dues.MethodSelf})
	wantField(t, err, "months", "最多补交 6 个月")
	// A month cannot be paid twice; the batch is all or nothing.
	_, err = w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: old, Months: []string{"2026-10", "2026-11"}, PaidOn: "2026-11-20", Method: dues.MethodSelf})
	wantKind(t, err, apperr.KindConflict)
	if !strings.Contains(err.Error(), "2026-10") {
		t.Fatalf("conflict names the month: %v", err)
	}
	w.pay(old, "2026-11-20", []string{"2026-11"})
	// At most 3 months ahead: 2026-12..2027-02 ok (2027 declared), 2027-03 refused.
	w.declare(old, 2027, "employed", "4000")
	_, err = w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: old, Months: months("2026-12", "2027-03"), PaidOn: "2026-11-20", Method: dues.MethodSelf})
	wantField(t, err, "months", "最多预交 3 个月")
	if q := w.pay(old, "2026-11-20", months("2026-12", "2027-02")); q.Ahead != 3 || q.Total != "120.00" {
		t.Fatalf("quarterly ahead: %+v", q)
	}
	// The year's base must be declared.
	_, err = w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: other, Months: []string{"2025-12"}, PaidOn: "2026-01-05", Method: dues.MethodSelf})
	wantField(t, err, "months", "2025 年尚未申报")
	// Months before 入党日期 cannot be charged; the month of joining can.
	newer := w.member(po, "2026-09-15")
	w.declare(newer, 2026, "retired", "5000.01") // 50.00
	_, err = w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: newer, Months: []string{"2026-08", "2026-09"}, PaidOn: "2026-11-20", Method: dues.MethodSelf})
	wantField(t, err, "months", "早于入党日期")
	// 代缴 needs the payer and records it.
	_, err = w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: newer, Months: []string{"2026-09"}, PaidOn: "2026-11-20", Method: dues.MethodProxy})
	wantField(t, err, "payer", "代缴人")
	p, err := w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: newer, Months: []string{"2026-09"}, PaidOn: "2026-11-20", Method: dues.MethodProxy, Payer: "王五"})
	if err != nil || p.Payments[0].Payer != "王五" || p.Payments[0].Amount != "50.00" || p.Payments[0].MethodName != "代缴" {
		t.Fatalf("proxy: %+v %v", p, err)
	}
	// 免交 needs a reason and records 0.
	_, err = w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: newer, Months: []string{"2026-10"}, PaidOn: "2026-11-20", Method: dues.MethodWaived})
	wantField(t, err, "reason", "原因")
	p, err = w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: newer, Months: []string{"2026-10"}, PaidOn: "2026-11-20", Method: dues.MethodWaived, Reason: "生活困难，经支部大会同意免交"})
	if err != nil || p.Payments[0].Amount != "0.00" || p.Payments[0].Reason == "" || p.Total != "0.00" {
		t.Fatalf("waived: %+v %v", p, err)
	}
	// Future payment dates are refused.
	_, err = w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: newer, Months: []string{"2026-11"}, PaidOn: "2026-11-24", Method: dues.MethodSelf})
	wantField(t, err, "paid_on", "不能晚于今天")
}

func TestArrearsFlagAtSix(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao)
	six, five, waived := w.member(po, "2026-01-01"), w.member(po, "2026-01-01"), w.member(po, "2026-01-01")
	for _, m := range []int64{six, five, waived} {
		w.declare(m, 2026, "employed", "3000")
	}
	w.pay(six, "2026-05-31", months("2026-01", "2026-05"))    // unpaid 06..11: 6
	w.pay(five, "2026-06-30", months("2026-01", "2026-06"))   // unpaid 07..11: 5
	w.pay(waived, "2026-05-31", months("2026-01", "2026-05")) // 06 waived: 5
	if _, err := w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: waived, Months: []string{"2026-06"}, PaidOn: "2026-06-30", Method: dues.MethodWaived, Reason: "病休"}); err != nil {
		t.Fatal(err)
	}
	paidUp := w.member(po, "2026-01-01")
	w.declare(paidUp, 2026, "employed", "3000")
	w.pay(paidUp, "2026-06-30", months("2026-01", "2026-06"))
	w.pay(paidUp, "2026-11-20", months("2026-07", "2026-11"))
	// November must have ended for it to count (the clock starts on 2026-11-23).
	w.e.Clock.Advance(8 * 24 * time.Hour)
	list, err := w.d.Arrears(w.ctx, dues.ArrearsFilter{AsOf: "2026-11", PartyOrgID: po})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]dues.Arrear{}
	for _, a := range list {
		got[a.MemberID] = a
	}
	if a := got[six]; a.Consecutive != 6 || !a.Flagged || len(a.Unpaid) != 6 || a.Unpaid[0] != "2026-06" {
		t.Errorf("six: %+v", a)
	}
	if a := got[five]; a.Consecutive != 5 || a.Flagged {
		t.Errorf("five: %+v", a)
	}
	if a := got[waived]; a.Consecutive != 5 || a.Flagged {
		t.Errorf("waived month counts as settled: %+v", a)
	}
	if _, ok := got[paidUp]; ok || len(list) != 3 {
		t.Errorf("paid-up member listed / count %d", len(list))
	}
	if list[0].MemberID != six {
		t.Errorf("longest run first: %+v", list[0])
	}
	// As of 2026-10 the run of the first is 5.
	list, _ = w.d.Arrears(w.ctx, dues.ArrearsFilter{AsOf: "2026-10", PartyOrgID: po, FlaggedOnly: true})
	if len(list) != 0 {
		t.Errorf("flagged as of 2026-10: %+v", list)
	}
	// Scope: another street and another party organization see nothing.
	yuhe := actor.With(context.Background(), actor.Actor{Username: "yh", Role: "street", Scope: testenv.Yuhe})
	if l, err := w.d.Arrears(yuhe, dues.ArrearsFilter{AsOf: "2026-11"}); err != nil || len(l) != 0 {
		t.Errorf("yuhe sees %v %v", l, err)
	}
	_, err = w.d.Arrears(yuhe, dues.ArrearsFilter{AsOf: "2026-11", PartyOrgID: po})
	wantKind(t, err, apperr.KindNotFound)
	bound := actor.With(context.Background(), actor.Actor{Username: "po", Role: "party_org", Scope: testenv.Hongqiao, PartyOrgID: w.partyOrg(testenv.Hongqiao)})
	if l, err := w.d.Arrears(bound, dues.ArrearsFilter{AsOf: "2026-11"}); err != nil || len(l) != 0 {
		t.Errorf("other party org sees %v %v", l, err)
	}
	own := actor.With(context.Background(), actor.Actor{Username: "po2", Role: "party_org", Scope: testenv.Hongqiao, PartyOrgID: po})
	if l, err := w.d.Arrears(own, dues.ArrearsFilter{AsOf: "2026-11"}); err != nil || len(l) != 3 {
		t.Errorf("own party org sees %d %v", len(l), err)
	}
}

func TestSummaryAndRefund(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao)
	a, b := w.member(po, "2020-07-01"), w.member(po, "2026-09-10")
	w.declare(a, 2026, "employed", "3000") // 15.00
	w.declare(b, 2026, "employed", "4000") // 40.00
	w.pay(a, "2026-06-01", months("2026-01", "2026-06"))
	w.pay(a, "2026-10-01", months("2026-07", "2026-10"))
	if _, err := w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: a, Months: []string{"2026-11"}, PaidOn: "2026-11-20", Method: dues.MethodWaived, Reason: "困难"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: b, Months: []string{"2026-09", "2026-10"}, PaidOn: "2026-11-20", Method: dues.MethodProxy, Payer: "家属"}); err != nil {
		t.Fatal(err)
	}
	s, err := w.d.Summary(w.ctx, po, 2026)
	if err != nil {
		t.Fatal(err)
	}
	// a: 11 months due, 10 paid (150.00), 1 waived → due 15×10 = 150.00.
	// b: 09..11 = 3 due, 2 paid (80.00) → due 120.00, unpaid 40.00.
	if s.Through != "2026-11" || s.Members != 2 || s.MonthsDue != 14 || s.MonthsPaid != 12 || s.MonthsWaived != 1 ||
		s.AmountDue != "270.00" || s.AmountPaid != "230.00" || s.Unpaid != "40.00" {
		t.Fatalf("summary: %+v", s)
	}
	lines := map[int64]dues.SummaryLine{}
	for _, l := range s.Lines {
		lines[l.MemberID] = l
	}
	if l := lines[b]; l.MonthsDue != 3 || l.MonthsPaid != 2 || l.AmountDue != "120.00" || l.AmountPaid != "80.00" || l.Unpaid != "40.00" || l.Monthly != "40.00" {
		t.Fatalf("line b: %+v", l)
	}
	if _, err := w.d.Summary(w.ctx, po, 2027); err == nil {
		t.Fatal("future year accepted")
	}
	// Refunds: full by default → 230.00.
	r, err := w.d.Refunds(w.ctx, 2026, po)
	if err != nil || len(r) != 1 || r[0].Collected != "230.00" || r[0].Ratio != "1" || r[0].Due != "230.00" || r[0].Refunded != nil {
		t.Fatalf("refunds: %+v %v", r, err)
	}
	// 0.3333: 230.00 × 0.3333 = 76.659 → 76.66 (half up to the 分).
	if _, err := w.d.SetRefundPolicy(w.ctx, dues.RefundPolicy{Ratio: "0.3333", Note: "按比例返还"}, ""); err != nil {
		t.Fatal(err)
	}
	if r, _ := w.d.Refunds(w.ctx, 2026, po); r[0].Due != "76.66" || r[0].Ratio != "0.3333" {
		t.Fatalf("ratio: %+v", r)
	}
	for _, bad := range []string{"3.0001", "4", "-1", "1.23456", "x"} {
		_, err = w.d.SetRefundPolicy(w.ctx, dues.RefundPolicy{Ratio: bad}, "")
		wantField(t, err, "ratio", "0 到 3")
	}
	got, err := w.d.RecordRefund(w.ctx, dues.RefundInput{PartyOrgID: po, Year: 2026, RefundedOn: "2026-11-20"})
	if err != nil || *got.Refunded != "76.66" || got.Collected != "230.00" {
		t.Fatalf("record: %+v %v", got, err)
	}
	_, err = w.d.RecordRefund(w.ctx, dues.RefundInput{PartyOrgID: po, Year: 2026, RefundedOn: "2026-11-20"})
	wantKind(t, err, apperr.KindConflict)
	// A later policy change leaves the recorded refund as it was.
	if _, err := w.d.SetRefundPolicy(w.ctx, dues.RefundPolicy{Ratio: "1"}, ""); err != nil {
		t.Fatal(err)
	}
	if r, _ := w.d.Refunds(w.ctx, 2026, po); r[0].Ratio != "0.3333" || *r[0].Refunded != "76.66" {
		t.Fatalf("recorded refund changed: %+v", r)
	}
	// Scope.
	yuhe := actor.With(context.Background(), actor.Actor{Username: "yh", Role: "street", Scope: testenv.Yuhe})
	for _, err := range []error{
		func() error { _, err := w.d.Summary(yuhe, po, 2026); return err }(),
		func() error { _, err := w.d.Refunds(yuhe, 2026, po); return err }(),
		func() error { _, err := w.d.MemberYear(yuhe, a, 2026); return err }(),
		func() error {
			_, err := w.d.DeclareBase(yuhe, dues.BaseInput{MemberID: a, Year: 2027, Kind: "employed", Base: "1"})
			return err
		}(),
		func() error {
			_, err := w.d.RecordPayment(yuhe, dues.PaymentInput{MemberID: b, Months: []string{"2026-11"}, PaidOn: "2026-11-20", Method: dues.MethodSelf})
			return err
		}(),
		func() error {
			_, err := w.d.RecordRefund(yuhe, dues.RefundInput{PartyOrgID: po, Year: 2025, RefundedOn: "2026-11-20"})
			return err
		}(),
	} {
		wantKind(t, err, apperr.KindNotFound)
	}
	if l, err := w.d.Refunds(yuhe, 2026, 0); err != nil || len(l) != 0 {
		t.Fatalf("yuhe refunds list: %+v %v", l, err)
	}
}

func TestRefundRounding(t *testing.T) {
	for _, c := range [][3]int64{{15, 5000, 8}, {14, 5000, 7}, {23000, 3333, 7666}, {12345, 10000, 12345}, {1, 4999, 0}} {
		if got := dues.RefundDue(c[0], c[1]); got != c[2] {
			t.Errorf("RefundDue(%d, %d) = %d, want %d", c[0], c[1], got, c[2])
		}
	}
}

// TestVoidPayment: a payment recorded by mistake is taken off whole, with a
// reason; the months can be paid again; the old record stays in the audit
// log; a year already refunded is closed to corrections; another street's
// batch is not found.
func TestVoidPayment(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao)
	m := w.member(po, "2010-07-01")
	w.declare(m, 2026, "employed", "4000")
	b := w.pay(m, "2026-11-20", months("2026-08", "2026-10"))
	_, err := w.d.VoidBatch(w.ctx, dues.VoidInput{BatchID: b.BatchID})
	wantField(t, err, "reason", "撤销原因")
	v, err := w.d.VoidBatch(w.ctx, dues.VoidInput{BatchID: b.BatchID, Reason: "误录为本人交纳，实为代缴"})
	if err != nil || len(v.Payments) != 3 || v.Total != "120.00" {
		t.Fatalf("void: %+v %v", v, err)
	}
	y, err := w.d.MemberYear(w.ctx, m, 2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, ms := range y.Months {
		if ms.Month >= "2026-08" && ms.Month <= "2026-10" && ms.Payment != nil {
			t.Fatalf("%s still paid after the void", ms.Month)
		}
	}
	_, err = w.d.VoidBatch(w.ctx, dues.VoidInput{BatchID: b.BatchID, Reason: "再次撤销"})
	wantKind(t, err, apperr.KindNotFound)
	// The months are open again, for the right record.
	again, err := w.d.RecordPayment(w.ctx, dues.PaymentInput{MemberID: m, Months: months("2026-08", "2026-10"), PaidOn: "2026-11-20", Method: dues.MethodProxy, Payer: "张三"})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := w.e.App.DB.QueryRow(w.ctx, w.e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'dues.payment_void' AND detail LIKE ?`, "%实为代缴%").Scan(&n); err != nil || n != 1 {
		t.Fatalf("audit of the void: %d %v", n, err)
	}
	// Another street cannot see the batch.
	yuhe := actor.With(context.Background(), actor.Actor{Username: "yh", Role: "street", Scope: testenv.Yuhe})
	_, err = w.d.VoidBatch(yuhe, dues.VoidInput{BatchID: again.BatchID, Reason: "越权"})
	wantKind(t, err, apperr.KindNotFound)
	// Once the year's refund is recorded, its payments are closed.
	if _, err := w.d.RecordRefund(w.ctx, dues.RefundInput{PartyOrgID: po, Year: 2026, RefundedOn: "2026-11-22"}); err != nil {
		t.Fatal(err)
	}
	_, err = w.d.VoidBatch(w.ctx, dues.VoidInput{BatchID: again.BatchID, Reason: "误录"})
	wantKind(t, err, apperr.KindConflict)
}

// TestArrearsCountOnlyEndedMonths: a member paid through 2026-06 has, on
// 2026-12-06, five ended unpaid months (07–11); December is not over, so the
// 6-month flag is not raised until 2027-01-01 (hand count, domain.md §5).
func TestArrearsCountOnlyEndedMonths(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao)
	m := w.member(po, "2026-01-01")
	w.declare(m, 2026, "employed", "3000")
	w.pay(m, "2026-06-30", months("2026-01", "2026-06"))
	china := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		now, asOf   string
		consecutive int
		flagged     bool
		lastUnpaid  string
	}{
		{"2026-12-06T10:00:00", "2026-12", 5, false, "2026-11"},
		{"2026-12-31T23:59:00", "2026-12", 5, false, "2026-11"},
		{"2026-12-06T10:00:00", "2026-11", 5, false, "2026-11"},
		{"2027-01-01T00:00:00", "2026-12", 6, true, "2026-12"},
	} {
		now, err := time.ParseInLocation("2006-01-02T15:04:05", c.now, china)
		if err != nil {
			t.Fatal(err)
		}
		w.d.Now = func() time.Time { return now }
		list, err := w.d.Arrears(w.ctx, dues.ArrearsFilter{AsOf: c.asOf, PartyOrgID: po})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Fatalf("%s as of %s: %d rows", c.now, c.asOf, len(list))
		}
		a := list[0]
		if a.Consecutive != c.consecutive || a.Flagged != c.flagged || a.Unpaid[len(a.Unpaid)-1] != c.lastUnpaid {
			t.Errorf("%s as of %s: consecutive %d flagged %v unpaid %v; want %d %v ending %s", c.now, c.asOf, a.Consecutive, a.Flagged, a.Unpaid, c.consecutive, c.flagged, c.lastUnpaid)
		}
	}
}

// TestRefundMatchingScheme: a matching scheme (seed 002: 党费全额返还并 1:1
// 配套) is ratio 2: 230.00 collected → 460.00 due; the amount may reach the due
// but not exceed it; 1.5 → 345.00. Hand computation.
func TestRefundMatchingScheme(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao)
	m := w.member(po, "2026-01-01")
	w.declare(m, 2026, "employed", "4600") // 1% of 4600 = 46.00 a month
	w.pay(m, "2026-05-31", months("2026-01", "2026-05"))
	if _, err := w.d.SetRefundPolicy(w.ctx, dues.RefundPolicy{Ratio: "1.5"}, ""); err != nil {
		t.Fatal(err)
	}
	if r, err := w.d.Refunds(w.ctx, 2026, po); err != nil || r[0].Collected != "230.00" || r[0].Due != "345.00" || r[0].Ratio != "1.5" {
		t.Fatalf("1.5: %+v %v", r, err)
	}
	if _, err := w.d.SetRefundPolicy(w.ctx, dues.RefundPolicy{Ratio: "2", Note: "全额返还并1:1配套"}, ""); err != nil {
		t.Fatal(err)
	}
	if r, _ := w.d.Refunds(w.ctx, 2026, po); r[0].Due != "460.00" || r[0].Ratio != "2" {
		t.Fatalf("2: %+v", r)
	}
	_, err := w.d.RecordRefund(w.ctx, dues.RefundInput{PartyOrgID: po, Year: 2026, RefundedOn: "2026-11-20", Amount: "460.01"})
	wantField(t, err, "amount", "460.00")
	got, err := w.d.RecordRefund(w.ctx, dues.RefundInput{PartyOrgID: po, Year: 2026, RefundedOn: "2026-11-20"})
	if err != nil || *got.Refunded != "460.00" || got.Ratio != "2" {
		t.Fatalf("record: %+v %v", got, err)
	}
}
