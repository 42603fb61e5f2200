package volunteer

import (
	"context"
	"fmt"
	"sort"

	"liangxin/internal/store"
)

// CheckResult is what Check found; Problems is empty when the books hold.
type CheckResult struct {
	Entries  int      `json:"entries"`
	Postings int      `json:"postings"`
	Accounts int      `json:"accounts"`
	Issued   int64    `json:"issued"`
	Problems []string `json:"problems"`
}

// OK reports whether no problem was found.
func (r CheckResult) OK() bool { return len(r.Problems) == 0 }

// Check verifies the whole time-bank journal: every entry's postings sum
// to zero (so all postings do), no personal account and not the hold is
// below zero, the bank's own account is the negative of what is in
// circulation (it is the issuer), the hold equals the reserved
// redemptions, and every entry's amount is what its postings move. It
// reads the database directly (no caller scope): an operator's command and
// a test.
func Check(ctx context.Context, db *store.DB) (CheckResult, error) {
	res := CheckResult{Problems: []string{}}
	if err := db.QueryRow(ctx, db, `SELECT COUNT(*) FROM tb_entries`).Scan(&res.Entries); err != nil {
		return res, err
	}
	if err := db.QueryRow(ctx, db, `SELECT COUNT(*) FROM tb_postings`).Scan(&res.Postings); err != nil {
		return res, err
	}
	var total int64
	if err := db.QueryRow(ctx, db, `SELECT COALESCE(SUM(amount), 0) FROM tb_postings`).Scan(&total); err != nil {
		return res, err
	}
	if total != 0 {
		res.Problems = append(res.Problems, fmt.Sprintf("全部账户余额合计不为零：%d 分", total))
	}
	rows, err := db.Query(ctx, db, `SELECT e.id, e.amount, COALESCE(SUM(x.amount), 0), COALESCE(SUM(CASE WHEN x.amount > 0 THEN x.amount ELSE 0 END), 0), COUNT(x.id)
		FROM tb_entries e LEFT JOIN tb_postings x ON x.entry_id = e.id GROUP BY e.id, e.amount ORDER BY e.id`)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var id, amount, sum, pos int64
		var n int
		if err := rows.Scan(&id, &amount, &sum, &pos, &n); err != nil {
			rows.Close()
			return res, err
		}
		if sum != 0 || n < 2 {
			res.Problems = append(res.Problems, fmt.Sprintf("第 %d 号记录借贷不平（%d 条分录，合计 %d 分）", id, n, sum))
		} else if pos != amount {
			res.Problems = append(res.Problems, fmt.Sprintf("第 %d 号记录金额 %d 分与分录 %d 分不符", id, amount, pos))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	var inCirculation, bank, hold int64
	rows, err = db.Query(ctx, db, `SELECT a.id, a.kind, a.name, COALESCE(SUM(p.amount), 0) FROM tb_accounts a LEFT JOIN tb_postings p ON p.account_id = a.id
		GROUP BY a.id, a.kind, a.name ORDER BY a.id`)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var id, bal int64
		var kind, name string
		if err := rows.Scan(&id, &kind, &name, &bal); err != nil {
			rows.Close()
			return res, err
		}
		res.Accounts++
		switch kind {
		case AccBank:
			bank += bal
		case AccHold:
			hold += bal
			inCirculation += bal
		default:
			inCirculation += bal
		}
		if kind != AccBank && bal < 0 {
			res.Problems = append(res.Problems, fmt.Sprintf("账户 %d（%s）余额为负：%d 分", id, name, bal))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	res.Issued = inCirculation
	if bank != -inCirculation {
		res.Problems = append(res.Problems, fmt.Sprintf("时间银行账户 %d 分与流通积分 %d 分不相抵", bank, inCirculation))
	}
	var reserved int64
	if err := db.QueryRow(ctx, db, `SELECT COALESCE(SUM(cost), 0) FROM tb_redemptions WHERE status = 'reserved'`).Scan(&reserved); err != nil {
		return res, err
	}
	if reserved != hold {
		res.Problems = append(res.Problems, fmt.Sprintf("兑换冻结账户 %d 分与待兑付兑换合计 %d 分不符", hold, reserved))
	}
	sort.Strings(res.Problems)
	return res, nil
}
