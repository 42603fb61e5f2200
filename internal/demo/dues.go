package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"liangxin/internal/civil"
	"liangxin/internal/dues"
)

// duesYear declares every member's 党费 base for the demo's year and
// records what they paid: most paid the first half year in June and the
// months since up to last month in the last month; a few paid only part of
// the year, and about one member in a hundred has six ended months unpaid
// (连续6个月未交, the arrears flag). The running month is never counted.
// The branch set up last has no 党费 records yet (its members show as
// behind until it starts).
func (l *loader) duesYear(p *plan) error {
	r := rand.New(rand.NewPCG(uint64(len(p.Units)), 0x64756573))
	// The branch set up last (days ago) has not started its 党费 ledger.
	var newest *partyPlan
	for _, pp := range p.Parties {
		if pp.id != 0 && pp.Kind == "branch" && (newest == nil || pp.Est.After(newest.Est)) {
			newest = pp
		}
	}
	var skip int64
	if newest != nil {
		skip = newest.id
	}
	rows, err := l.a.DB.Query(l.ctx, l.a.DB, `SELECT id, birth_date, COALESCE(joined_on, '') FROM members WHERE status = 'active' AND party_org_id <> ? ORDER BY id`, skip)
	if err != nil {
		return err
	}
	type who struct {
		id            int64
		birth, joined string
	}
	var ms []who
	for rows.Next() {
		var w who
		if err := rows.Scan(&w.id, &w.birth, &w.joined); err != nil {
			rows.Close()
			return err
		}
		ms = append(ms, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	ended := int(p.Today.Month()) - 1 // months of the year that have ended
	for i, m := range ms {
		paidTo := ended
		switch {
		case i%97 == 5:
			paidTo = ended - 6 // six ended months unpaid: flagged
		case i%31 == 7:
			paidTo = ended - 2 - r.IntN(2) // behind, not yet flagged
		}
		if err := l.memberDues(r, p, m.id, m.birth, m.joined, paidTo); err != nil {
			return err
		}
	}
	return nil
}

// memberDues declares a member's 党费 base for the demo's year and records
// the months from January (or the month after joining in the year) up to
// paidTo: the first half year paid in June, the rest in the last month.
func (l *loader) memberDues(r *rand.Rand, p *plan, id int64, birth, joined string, paidTo int) error {
	year := p.Today.Year()
	kind, base := "employed", 3000+r.IntN(90)*100
	if birth < fmt.Sprintf("%04d", year-60) {
		kind, base = "retired", 2200+r.IntN(30)*100
	}
	if _, err := l.a.Dues.DeclareBase(l.ctx, dues.BaseInput{MemberID: id, Year: year, Kind: kind, Base: fmt.Sprintf("%d.00", base)}); err != nil {
		return fmt.Errorf("demo dues base: %w", err)
	}
	first := 1
	if joined >= fmt.Sprintf("%04d-01-01", year) {
		j, err := civil.Read(joined)
		if err != nil {
			return err
		}
		first = int(j.Month()) + 1
	}
	for _, span := range [][2]int{{first, min(6, paidTo)}, {max(first, 7), paidTo}} {
		if span[0] > span[1] {
			continue
		}
		var months []string
		for mo := span[0]; mo <= span[1]; mo++ {
			months = append(months, fmt.Sprintf("%04d-%02d", year, mo))
		}
		paid := date(year, time.Month(span[1]), 15+r.IntN(10))
		if paid.After(p.Today) {
			paid = p.Today
		}
		if _, err := l.a.Dues.RecordPayment(l.ctx, dues.PaymentInput{MemberID: id, Months: months, PaidOn: fmtDate(paid), Method: dues.MethodSelf}); err != nil {
			return fmt.Errorf("demo dues of member %d: %w", id, err)
		}
	}
	return nil
}
