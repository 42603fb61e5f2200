package dues_test

import (
	"math"
	"testing"

	"liangxin/internal/testenv"
)

// On time means paid no later than the month's last day; months before the
// member joined, and months only partly inside the period, are not due.
func TestOnTimeRate(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao)
	a := w.member(po, "2020-07-01")
	b := w.member(po, "2026-05-15") // due from May
	w.declare(a, 2026, "employed", "4000")
	w.declare(b, 2026, "employed", "4000")
	w.pay(a, "2026-04-30", []string{"2026-04"})            // on the last day: on time
	w.pay(a, "2026-06-01", []string{"2026-05", "2026-06"}) // May late, June on time
	w.pay(b, "2026-05-20", []string{"2026-05", "2026-06"}) // both on time
	// April–June wholly inside 2026-04-01..2026-06-30: a owes 3 months, b 2 (May, June).
	r, err := w.d.OnTimeRate(w.ctx, po, "2026-04-01", "2026-06-30")
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r-4.0/5.0) > 1e-9 {
		t.Fatalf("on-time rate %.4f, want 0.8 (4 of 5 member-months)", r)
	}
	// A period ending mid-June counts April and May only: a 1 of 2, b 1 of 1.
	if r, _ = w.d.OnTimeRate(w.ctx, po, "2026-04-01", "2026-06-29"); math.Abs(r-2.0/3.0) > 1e-9 {
		t.Fatalf("to mid-June: %.4f, want 2/3", r)
	}
	// Nothing due: nothing was late.
	if r, _ = w.d.OnTimeRate(w.ctx, w.partyOrg(testenv.Hongqiao), "2026-04-01", "2026-06-30"); r != 1 {
		t.Fatalf("empty party organization: %.4f", r)
	}
}
