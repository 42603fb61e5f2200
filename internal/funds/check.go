package funds

import (
	"context"
	"fmt"

	"liangxin/internal/store"
)

// CheckResult is what Check found; Problems is empty when the books hold.
type CheckResult struct {
	Entries  int      `json:"entries"`
	Postings int      `json:"postings"`
	Problems []string `json:"problems"`
	// Warnings do not fail the check (an entitlement recomputed below what
	// was already allocated).
	Warnings []string `json:"warnings"`
}

// OK reports whether no problem was found.
func (r CheckResult) OK() bool { return len(r.Problems) == 0 }

// Check verifies the whole journal, reading it twice independently (entry
// headers and postings): the postings of every entry sum to zero, so all
// postings sum to zero; per party organization and year, entitled −
// allocated (headers) = outstanding (entitlement postings), allocated +
// granted − spent (headers) = balance (balance postings); no balance below
// zero; each year's snapshot of entitlements equals what the journal posted.
// It reads the database directly (no caller scope): it is an operator's
// command and a test.
func Check(ctx context.Context, db *store.DB) (CheckResult, error) {
	res := CheckResult{Problems: []string{}, Warnings: []string{}}
	if err := db.QueryRow(ctx, db, `SELECT COUNT(*) FROM funds_entries`).Scan(&res.Entries); err != nil {
		return res, err
	}
	if err := db.QueryRow(ctx, db, `SELECT COUNT(*) FROM funds_postings`).Scan(&res.Postings); err != nil {
		return res, err
	}
	var total int64
	if err := db.QueryRow(ctx, db, `SELECT COALESCE(SUM(amount_cents), 0) FROM funds_postings`).Scan(&total); err != nil {
		return res, err
	}
	if total != 0 {
		res.Problems = append(res.Problems, fmt.Sprintf("全部分录合计不为零：%s 元", FormatYuan(total)))
	}
	rows, err := db.Query(ctx, db, `SELECT e.id, COALESCE(SUM(x.amount_cents), 0), COUNT(x.id) FROM funds_entries e LEFT JOIN funds_postings x ON x.entry_id = e.id
		GROUP BY e.id HAVING COALESCE(SUM(x.amount_cents), 0) <> 0 OR COUNT(x.id) < 2 ORDER BY e.id`)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var id, sum int64
		var n int
		if err := rows.Scan(&id, &sum, &n); err != nil {
			rows.Close()
			return res, err
		}
		res.Problems = append(res.Problems, fmt.Sprintf("第 %d 号记录借贷不平（%d 条分录，合计 %s 元）", id, n, FormatYuan(sum)))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	type key struct {
		po   int64
		year int
	}
	type pos struct{ entitled, allocated, granted, spent, outstanding, balance, snapshot int64 }
	m := map[key]*pos{}
	get := func(k key) *pos {
		if m[k] == nil {
			m[k] = &pos{}
		}
		return m[k]
	}
	rows, err = db.Query(ctx, db, `SELECT party_org_id, year, kind, SUM(amount_cents) FROM funds_entries GROUP BY party_org_id, year, kind`)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var k key
		var kind string
		var amt int64
		if err := rows.Scan(&k.po, &k.year, &kind, &amt); err != nil {
			rows.Close()
			return res, err
		}
		p := get(k)
		switch kind {
		case EntryEntitlement:
			p.entitled += amt
		case EntryAllocation:
			p.allocated += amt
		case EntryGrant:
			p.granted += amt
		case EntrySpending:
			p.spent += amt
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	rows, err = db.Query(ctx, db, `SELECT party_org_id, year, account, SUM(amount_cents) FROM funds_postings WHERE party_org_id IS NOT NULL
		AND account IN ('entitlement', 'balance') GROUP BY party_org_id, year, account`)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var k key
		var acc string
		var amt int64
		if err := rows.Scan(&k.po, &k.year, &acc, &amt); err != nil {
			rows.Close()
			return res, err
		}
		if acc == AccEntitlement {
			get(k).outstanding = amt
		} else {
			get(k).balance = amt
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	rows, err = db.Query(ctx, db, `SELECT party_org_id, year, total_cents FROM funds_entitlements`)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var k key
		var amt int64
		if err := rows.Scan(&k.po, &k.year, &amt); err != nil {
			rows.Close()
			return res, err
		}
		get(k).snapshot = amt
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	for k, p := range m {
		who := fmt.Sprintf("党组织 %d 的 %d 年度", k.po, k.year)
		if p.entitled-p.allocated != p.outstanding {
			res.Problems = append(res.Problems, fmt.Sprintf("%s：应拨 %s − 已拨 %s ≠ 未拨 %s", who, FormatYuan(p.entitled), FormatYuan(p.allocated), FormatYuan(p.outstanding)))
		}
		if p.allocated+p.granted-p.spent != p.balance {
			res.Problems = append(res.Problems, fmt.Sprintf("%s：已拨 %s + 孵化资助 %s − 支出 %s ≠ 余额 %s", who, FormatYuan(p.allocated), FormatYuan(p.granted),
				FormatYuan(p.spent), FormatYuan(p.balance)))
		}
		if p.balance < 0 {
			res.Problems = append(res.Problems, fmt.Sprintf("%s：余额为负（%s 元）", who, FormatYuan(p.balance)))
		}
		if p.snapshot != p.entitled {
			res.Problems = append(res.Problems, fmt.Sprintf("%s：核定应拨 %s 元与记账 %s 元不符", who, FormatYuan(p.snapshot), FormatYuan(p.entitled)))
		}
		if p.outstanding < 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s：已拨超过重新核定的应拨 %s 元", who, FormatYuan(-p.outstanding)))
		}
	}
	sortStrings(res.Problems)
	sortStrings(res.Warnings)
	return res, nil
}
