package demo

import (
	"fmt"

	"liangxin/internal/funds"
)

// fundsYears computes the 2025 and 2026 entitlements of every party
// organization from the seeded standards and records, in id order:
//   - 2025: every organization's entitlement allocated in full (voucher
//     祁组拨〔2025〕N号, 2025-03-15) and 80 % of it (rounded down to the
//     元) spent on 组织活动 on 2025-10-15;
//   - 2026: every second organization (1st, 3rd, …) allocated half its
//     entitlement (rounded down to the 元, voucher 祁组拨〔2026〕N号,
//     2026-03-15), and every fourth (1st, 5th, …) spends 1000 元 of it on
//     教育培训 on 2026-06-20 (when it received at least that much);
//   - three 孵化发展基金 applications for 2026 on the first three
//     organizations: one granted (5000 元), one refused, one awaiting review.
//
// Dates later than the demo's today are moved to today.
func (l *loader) fundsYears(p *plan) error {
	f := l.a.Funds
	on := func(d string) string {
		if d > l.sum.Today {
			return l.sum.Today
		}
		return d
	}
	for _, y := range []int{2025, 2026} {
		if _, err := f.Recompute(l.ctx, y); err != nil {
			return fmt.Errorf("funds %d: %w", y, err)
		}
		rep, err := f.GetReport(l.ctx, y, "")
		if err != nil {
			return err
		}
		rows := rep.Rows
		// id order, whatever the report's street order
		for i := 1; i < len(rows); i++ {
			for j := i; j > 0 && rows[j].PartyOrgID < rows[j-1].PartyOrgID; j-- {
				rows[j], rows[j-1] = rows[j-1], rows[j]
			}
		}
		n := 0
		for i, r := range rows {
			var amount int64
			switch {
			case y == 2025:
				amount = r.EntitledCents / 100 * 100
			case i%2 == 0:
				amount = r.EntitledCents / 2 / 100 * 100
			}
			if amount <= 0 {
				continue
			}
			n++
			if _, err := f.Allocate(l.ctx, funds.AllocationInput{Year: y, PartyOrgID: r.PartyOrgID, Amount: funds.FormatYuan(amount),
				VoucherNo: fmt.Sprintf("祁组拨〔%d〕%d号", y, n), On: on(fmt.Sprintf("%d-03-15", y)), Memo: fmt.Sprintf("%d 年度党建工作经费", y)}); err != nil {
				return fmt.Errorf("funds allocation %d: %w", y, err)
			}
			spend, cat, day, memo := int64(0), "", "", ""
			switch {
			case y == 2025:
				spend, cat, day, memo = amount*8/10/100*100, "activity", "2025-10-15", "全年组织活动"
			case i%4 == 0 && amount >= 100000:
				spend, cat, day, memo = 100000, "education", "2026-06-20", "党员教育培训"
			}
			if spend > 0 {
				if _, err := f.Spend(l.ctx, funds.SpendingInput{Year: y, PartyOrgID: r.PartyOrgID, Category: cat, Amount: funds.FormatYuan(spend),
					On: on(day), Memo: memo}); err != nil {
					return fmt.Errorf("funds spending %d: %w", y, err)
				}
			}
		}
		if y != 2026 || len(rows) < 3 {
			continue
		}
		for i, title := range []string{"红色驿站孵化项目", "党建品牌创建", "流动党员服务站"} {
			a, err := f.Apply(l.ctx, funds.ApplicationInput{Year: y, PartyOrgID: rows[i].PartyOrgID, Title: title, Purpose: "孵化发展基金支持" + title, Amount: "5000"})
			if err != nil {
				return err
			}
			if i == 2 {
				continue
			}
			if _, err := f.Review(l.ctx, a.ID, funds.ReviewInput{Opinion: "材料齐全，符合申报条件"}); err != nil {
				return err
			}
			reason := "项目成熟，予以资助"
			if i == 1 {
				reason = "同类项目本年度已资助，下年度再议"
			}
			if _, err := f.Decide(l.ctx, a.ID, funds.DecisionInput{Grant: i == 0, Reason: reason}); err != nil {
				return err
			}
		}
	}
	return nil
}
