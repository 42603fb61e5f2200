package funds_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/funds"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

type world struct {
	t   *testing.T
	e   *testenv.Env
	f   *funds.Service
	sys context.Context
	seq int
}

func newWorld(t *testing.T) *world {
	e := testenv.New(t)
	return &world{t: t, e: e, f: e.App.Funds, sys: actor.System(context.Background(), "test")}
}

// partyOrg sets up a party organization at region covering fresh units
// (two for a joint one).
func (w *world) partyOrg(region, kind, formation, established string) partyorg.PartyOrg {
	w.t.Helper()
	var covers []int64
	n := 1
	if formation == "joint" {
		n = 2
	}
	for i := 0; i < n; i++ {
		w.seq++
		name, cat, five := fmt.Sprintf("测试企业%d", w.seq), "individual_business", 5
		o, err := w.e.App.Orgs.Create(w.sys, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
		if err != nil {
			w.t.Fatal(err)
		}
		covers = append(covers, o.ID)
	}
	w.seq++
	p, err := w.e.App.Party.Create(w.sys, partyorg.Input{Name: fmt.Sprintf("测试党组织%d", w.seq), Kind: kind, Formation: formation,
		RegionCode: region, EstablishedOn: established, Covers: covers})
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

// dues records cents of dues collected in 2026 from a member of po.
func (w *world) dues(po int64, cents int64) {
	w.t.Helper()
	w.seq++
	first := fmt.Sprintf("43042619800101%03d", 2*w.seq+1)
	m, err := w.e.App.Members.Create(w.sys, member.Input{Name: fmt.Sprintf("党员%d", w.seq), Gender: "male",
		BirthDate: "1980-01-01", IDNumber: first + string(pdata.CheckChar(first)), Category: "full", PartyOrgID: po, JoinedOn: "2010-01-01"})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.e.App.DB.Exec(context.Background(), w.e.App.DB, `INSERT INTO dues_payments (member_id, year, month, amount_cents, paid_on, method, batch_id, recorded_by, created_at)
		VALUES (?, 2026, 3, ?, '2026-03-10', 'self', 'b', 'test', '2026-03-10T00:00:00.000000Z')`, m.ID, cents); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) check() funds.CheckResult {
	w.t.Helper()
	res, err := funds.Check(context.Background(), w.e.App.DB)
	if err != nil {
		w.t.Fatal(err)
	}
	if !res.OK() {
		w.t.Fatalf("funds check: %v", res.Problems)
	}
	return res
}

func wantKind(t *testing.T, err error, k apperr.Kind, what string) {
	t.Helper()
	if !apperr.IsKind(err, k) {
		t.Fatalf("%s: want %v, got %v", what, k, err)
	}
}

func setStandard(t *testing.T, w *world, year int, match funds.Ratio) {
	t.Helper()
	var rates []funds.RateInput
	for _, k := range funds.Kinds() {
		for _, f := range funds.Formations() {
			a := "8000"
			if f.Code == "single" {
				a = map[string]string{"committee": "15000", "general_branch": "8000", "branch": "5000"}[k.Code]
			}
			rates = append(rates, funds.RateInput{Kind: k.Code, Formation: f.Code, Amount: a})
		}
	}
	if _, err := w.f.SetStandard(w.sys, year, funds.StandardInput{Rates: rates, Startup: "8000", ReturnRatio: funds.Ratio{Num: 1, Den: 1},
		MatchRatio: match, Proration: funds.ProrateMonths, Note: "1:1 配套"}); err != nil {
		t.Fatal(err)
	}
}

// The seeded standards exist; a new version with 1:1 matching applies to
// the recompute; entitlements are the hand-computed amounts; a second
// recompute posts nothing.
func TestEntitlementsFromTheLedger(t *testing.T) {
	w := newWorld(t)
	for _, y := range []int{2025, 2026} {
		st, err := w.f.GetStandard(w.sys, y)
		if err != nil {
			t.Fatal(err)
		}
		if st.Version != 1 || st.StartupCents != 800000 || st.ReturnText != "100%" || st.MatchText != "0%" || len(st.Rates) != 12 {
			t.Fatalf("seeded %d: %+v", y, st)
		}
	}
	setStandard(t, w, 2026, funds.Ratio{Num: 1, Den: 1})
	fresh := w.partyOrg(testenv.Hongqiao, "branch", "single", "2026-05-10")
	changed := w.partyOrg(testenv.Yuhe, "branch", "joint", "2025-03-15")
	if _, err := w.e.App.Party.ChangeForm(w.sys, changed.ID, partyorg.FormChange{On: "2026-07-01", Kind: "branch", Formation: "single"}); err != nil {
		t.Fatal(err)
	}
	w.dues(changed.ID, 123456)
	res, err := w.f.Recompute(w.sys, 2026)
	if err != nil {
		t.Fatal(err)
	}
	// 2916.67 + 8000 (fresh) and 6500 + 1234.56 × 2 (changed).
	if res.PartyOrgs != 2 || res.Version != 2 || res.TotalCents != 1091667+650000+246912 || res.Adjusted != 2 {
		t.Fatalf("recompute: %+v", res)
	}
	again, err := w.f.Recompute(w.sys, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if again.Adjusted != 0 || again.TotalCents != res.TotalCents {
		t.Fatalf("second recompute must post nothing: %+v", again)
	}
	rep, err := w.f.GetReport(w.sys, 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 2 || len(rep.Streets) != 2 || rep.Total.EntitledCents != 1988579 || rep.Total.ReturnedCents != 123456 || rep.Total.MatchedCents != 123456 {
		t.Fatalf("report: %+v", rep)
	}
	// A street sees its own party organizations only.
	hq := actor.With(context.Background(), actor.Actor{Username: "hq", Role: "street", Scope: testenv.Hongqiao})
	rep, err = w.f.GetReport(hq, 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 1 || rep.Rows[0].PartyOrgID != fresh.ID || rep.Rows[0].StreetName != "洪桥街道" {
		t.Fatalf("street report: %+v", rep.Rows)
	}
	// The standard changes (matching dropped): the recompute posts −1234.56.
	setStandard(t, w, 2026, funds.Ratio{Num: 0, Den: 1})
	res, err = w.f.Recompute(w.sys, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if res.Adjusted != 1 || res.AdjustCents != -123456 {
		t.Fatalf("recompute after the standard changed: %+v", res)
	}
	w.check()
}

// Allocations, spending, reversals and 孵化基金 grants keep the books
// balanced; over-allocation and overspending are refused; the journal
// cannot be changed or deleted.
func TestJournal(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao, "branch", "single", "2020-01-01")
	if _, err := w.f.Recompute(w.sys, 2026); err != nil {
		t.Fatal(err)
	}
	// 5000.00 entitled.
	_, err := w.f.Allocate(w.sys, funds.AllocationInput{Year: 2026, PartyOrgID: po.ID, Amount: "5000.01", VoucherNo: "拨-001", On: "2026-03-01"})
	wantKind(t, err, apperr.KindConflict, "over-allocation")
	a, err := w.f.Allocate(w.sys, funds.AllocationInput{Year: 2026, PartyOrgID: po.ID, Amount: "3000", VoucherNo: "拨-001", On: "2026-03-01"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.f.Allocate(w.sys, funds.AllocationInput{Year: 2026, PartyOrgID: po.ID, Amount: "1", VoucherNo: "拨-001", On: "2026-03-01"})
	wantKind(t, err, apperr.KindConflict, "voucher reused")
	_, err = w.f.Allocate(w.sys, funds.AllocationInput{Year: 2026, PartyOrgID: po.ID, Amount: "1", VoucherNo: "", On: "2027-01-01"})
	wantKind(t, err, apperr.KindInvalid, "no voucher, future date")
	// A date before 1900 parsed before the civil package checked the range.
	_, err = w.f.Allocate(w.sys, funds.AllocationInput{Year: 2026, PartyOrgID: po.ID, Amount: "1", VoucherNo: "拨-009", On: "0001-01-01"})
	if e, ok := apperr.As(err); !ok || !strings.Contains(e.Fields["on"], "1900-01-01") {
		t.Errorf("allocation on 0001-01-01: %v, want a range error on 'on'", err)
	}
	sp, err := w.f.Spend(w.sys, funds.SpendingInput{Year: 2026, PartyOrgID: po.ID, Category: "activity", Amount: "1234.56", On: "2026-04-01", Memo: "主题党日"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.f.Spend(w.sys, funds.SpendingInput{Year: 2026, PartyOrgID: po.ID, Category: "activity", Amount: "1765.45", On: "2026-04-02", Memo: "超支"})
	wantKind(t, err, apperr.KindConflict, "overspending")
	if !strings.Contains(err.Error(), "余额不足") {
		t.Errorf("overspending message: %v", err)
	}
	// Reversing the allocation would leave 1765.44 − 3000 < 0.
	_, err = w.f.Reverse(w.sys, a.ID, funds.ReverseInput{Reason: "金额有误"})
	wantKind(t, err, apperr.KindConflict, "reverse allocation before its spending")
	rev, err := w.f.Reverse(w.sys, sp.ID, funds.ReverseInput{Reason: "重复登记"})
	if err != nil {
		t.Fatal(err)
	}
	if rev.AmountCents != -123456 || rev.ReversesID == nil || *rev.ReversesID != sp.ID {
		t.Fatalf("reversal: %+v", rev)
	}
	_, err = w.f.Reverse(w.sys, sp.ID, funds.ReverseInput{Reason: "再次"})
	wantKind(t, err, apperr.KindConflict, "second reversal")
	_, err = w.f.Reverse(w.sys, rev.ID, funds.ReverseInput{Reason: "冲销冲销"})
	wantKind(t, err, apperr.KindConflict, "reversing a reversal")
	// 孵化基金: apply → review → grant.
	app, err := w.f.Apply(w.sys, funds.ApplicationInput{Year: 2026, PartyOrgID: po.ID, Title: "红色驿站孵化", Purpose: "建设", Amount: "2000"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.f.Decide(w.sys, app.ID, funds.DecisionInput{Grant: true, Reason: "好"})
	wantKind(t, err, apperr.KindConflict, "grant before review")
	if _, err := w.f.Review(w.sys, app.ID, funds.ReviewInput{Opinion: "材料齐全"}); err != nil {
		t.Fatal(err)
	}
	_, err = w.f.Decide(w.sys, app.ID, funds.DecisionInput{Grant: true})
	wantKind(t, err, apperr.KindInvalid, "grant without reason")
	g, err := w.f.Decide(w.sys, app.ID, funds.DecisionInput{Grant: true, Reason: "符合孵化条件"})
	if err != nil || g.Status != funds.AppGranted || g.EntryID == nil {
		t.Fatalf("grant: %+v %v", g, err)
	}
	rep, err := w.f.GetReport(w.sys, 2026, testenv.Hongqiao)
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Rows[0]
	// entitled 5000, allocated 3000, granted 2000, spent 0 (reversed): outstanding 2000, balance 5000.
	if r.EntitledCents != 500000 || r.AllocatedCents != 300000 || r.GrantedCents != 200000 || r.SpentCents != 0 || r.OutstandingCent != 200000 || r.BalanceCents != 500000 {
		t.Fatalf("position: %+v", r)
	}
	res := w.check()
	if res.Entries != 5 || res.Postings != 10 {
		t.Fatalf("journal size: %+v", res)
	}
	// Append-only, enforced by the database.
	db := w.e.App.DB
	for _, q := range []string{`UPDATE funds_postings SET amount_cents = 0`, `DELETE FROM funds_postings`, `UPDATE funds_entries SET memo = 'x'`, `DELETE FROM funds_entries`} {
		if _, err := db.Exec(context.Background(), db, q); err == nil {
			t.Errorf("%s: the journal accepted it", q)
		}
	}
	w.check()
	// A posting slipped in past the service unbalances an entry: the check names it.
	if _, err := db.Exec(context.Background(), db, `INSERT INTO funds_postings (entry_id, account, party_org_id, category, year, amount_cents) VALUES (?, 'balance', ?, '', 2026, 1)`,
		sp.ID, po.ID); err != nil {
		t.Fatal(err)
	}
	bad, err := funds.Check(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if bad.OK() || !strings.Contains(strings.Join(bad.Problems, "\n"), "借贷不平") || !strings.Contains(strings.Join(bad.Problems, "\n"), "合计不为零") ||
		!strings.Contains(strings.Join(bad.Problems, "\n"), "≠ 余额") {
		t.Fatalf("check missed the unbalanced posting: %v", bad.Problems)
	}
}

// Of eight spendings of 300 元 against a balance of 1000 元 sent at once,
// exactly three succeed and the balance ends at 100 元, on both databases.
func TestSpendRace(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao, "branch", "single", "2020-01-01")
	if _, err := w.f.Recompute(w.sys, 2026); err != nil {
		t.Fatal(err)
	}
	if _, err := w.f.Allocate(w.sys, funds.AllocationInput{Year: 2026, PartyOrgID: po.ID, Amount: "1000", VoucherNo: "拨-9", On: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, refused := 0, 0
	start := make(chan struct{})
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			_, err := w.f.Spend(w.sys, funds.SpendingInput{Year: 2026, PartyOrgID: po.ID, Category: "activity", Amount: "300", On: "2026-04-01", Memo: fmt.Sprint("支出", i)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case apperr.IsKind(err, apperr.KindConflict):
				refused++
			default:
				t.Errorf("spend %d: %v", i, err)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	if ok != 3 || refused != 5 {
		t.Fatalf("ok %d, refused %d; want 3 and 5", ok, refused)
	}
	rep, err := w.f.GetReport(w.sys, 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows[0].BalanceCents != 10000 {
		t.Fatalf("balance %d", rep.Rows[0].BalanceCents)
	}
	w.check()
}

// No floating point in the package: no float32/float64 type, no float
// literal, no strconv.ParseFloat/FormatFloat, no %f/%g verb.
func TestNoFloatingPoint(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, "_test.go") && name != "compute_test.go" {
			continue // this file names the things it looks for
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Ident:
				if x.Name == "float32" || x.Name == "float64" || x.Name == "ParseFloat" || x.Name == "FormatFloat" || x.Name == "Float" {
					t.Errorf("%s: %s", fset.Position(x.Pos()), x.Name)
				}
			case *ast.BasicLit:
				if x.Kind == token.FLOAT {
					t.Errorf("%s: float literal %s", fset.Position(x.Pos()), x.Value)
				}
				if x.Kind == token.STRING && (strings.Contains(x.Value, "%f") || strings.Contains(x.Value, "%g") || strings.Contains(x.Value, "%.2f")) {
					t.Errorf("%s: float verb in %s", fset.Position(x.Pos()), x.Value)
				}
			}
			return true
		})
	}
}

// A street clerk cannot move money of a party organization outside its
// street (404), and a standard outside 2000–2100 is refused.
func TestFundsScope(t *testing.T) {
	w := newWorld(t)
	out := w.partyOrg(testenv.Yuhe, "branch", "single", "2020-01-01")
	if _, err := w.f.Recompute(w.sys, 2026); err != nil {
		t.Fatal(err)
	}
	hq := actor.With(context.Background(), actor.Actor{Username: "hq", Role: "street", Scope: testenv.Hongqiao})
	_, err := w.f.Allocate(hq, funds.AllocationInput{Year: 2026, PartyOrgID: out.ID, Amount: "1", VoucherNo: "x", On: "2026-03-01"})
	wantKind(t, err, apperr.KindNotFound, "allocation outside scope")
	_, err = w.f.GetStandard(w.sys, 1999)
	wantKind(t, err, apperr.KindInvalid, "year 1999")
	_ = store.DateFormat
}
