package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// Columns of the allocations workbook (the finance office's register of
// last year's 拨付).
const (
	ColYear     = "年度"
	ColPartyOrg = "党组织名称"
	ColAmount   = "拨付金额（元）"
	ColVoucher  = "凭证号"
	ColDate     = "拨付日期"
	ColMemo     = "摘要"
)

// ImportHeaders is the template's header row, in order.
func ImportHeaders() []string {
	return []string{ColYear, ColPartyOrg, ColAmount, ColVoucher, ColDate, ColMemo}
}

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column {
	return []xlsx.Column{
		{Name: ColYear, Aliases: []string{"经费年度"}},
		{Name: ColPartyOrg, Aliases: []string{"党组织", "单位名称"}},
		{Name: ColAmount, Aliases: []string{"金额", "拨付金额", "金额（元）"}},
		{Name: ColVoucher, Aliases: []string{"凭证编号", "凭证"}},
		{Name: ColDate, Aliases: []string{"日期", "拨付时间"}},
		{Name: ColMemo, Aliases: []string{"备注", "说明"}, Optional: true},
	}
}

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

var errRejected = errors.New("import rejected")

// ImportAllocations reads allocations (拨付) from a workbook and records
// them all or nothing: each row is checked like an allocation (party
// organization by name in the caller's scope, amount in 元 with at most two
// decimals, a voucher number unused, a date not in the future, at most what
// is outstanding for that year — recompute the year first); any bad cell
// records nothing and the cell errors are returned for the error workbook.
func (s *Service) ImportAllocations(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	var res ImportResult
	r, err := xlsx.OpenImport(ra, size, ImportColumns(), limits)
	if err != nil {
		return res, nil, err
	}
	defer r.Close()
	type row struct {
		n        int
		year     int
		po       string
		amount   int64
		voucher  string
		on, memo string
	}
	var rows []row
	var errs []xlsx.CellError
	vouchers := map[string]int{}
	for r.Next() {
		x := r.Row()
		bad := func(col, msg string) { errs = append(errs, xlsx.CellError{Row: x.Number, Column: col, Message: msg}) }
		rw := row{n: x.Number, po: strings.ReplaceAll(x.Get(ColPartyOrg).Text(), " ", ""), voucher: x.Get(ColVoucher).Text(), memo: x.Get(ColMemo).Text()}
		if y, err := strconv.Atoi(strings.TrimSuffix(x.Get(ColYear).Text(), "年")); err != nil || y < MinYear || y > MaxYear {
			bad(ColYear, fmt.Sprintf("年度应为 %d–%d 的整数，如 2025", MinYear, MaxYear))
		} else {
			rw.year = y
		}
		if rw.po == "" {
			bad(ColPartyOrg, "请填写党组织名称")
		}
		if a, err := ParseYuan("amount", "拨付金额", strings.ReplaceAll(x.Get(ColAmount).Text(), ",", "")); err != nil {
			bad(ColAmount, "拨付金额应为大于 0 的金额（元），最多两位小数，如 5000 或 1234.56")
		} else {
			rw.amount = a
		}
		switch {
		case rw.voucher == "":
			bad(ColVoucher, "请填写凭证号")
		case vouchers[rw.voucher] != 0:
			bad(ColVoucher, fmt.Sprintf("凭证号与第 %d 行重复", vouchers[rw.voucher]))
		default:
			vouchers[rw.voucher] = x.Number
		}
		d, ok := x.Get(ColDate).Day()
		switch {
		case x.Get(ColDate).Blank():
			bad(ColDate, "请填写拨付日期")
		case !ok:
			bad(ColDate, xlsx.DateHint)
		case d > s.today():
			bad(ColDate, "拨付日期不能晚于今天")
		}
		rw.on = d
		rows = append(rows, rw)
		if progress != nil && len(rows)%500 == 0 {
			progress("reading", len(rows))
		}
	}
	if err := r.Err(); err != nil {
		return res, nil, xlsx.ReadError(err)
	}
	res.Rows = len(rows)
	if len(rows) == 0 {
		return res, nil, apperr.InvalidField("file", "表格中没有数据行")
	}
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return res, nil, err
	}
	byName := map[string][]int64{}
	prs, err := s.DB.Query(ctx, s.DB, `SELECT p.id, p.name FROM party_orgs p WHERE `+cond, args...)
	if err != nil {
		return res, nil, err
	}
	for prs.Next() {
		var id int64
		var name string
		if err := prs.Scan(&id, &name); err != nil {
			prs.Close()
			return res, nil, err
		}
		name = strings.ReplaceAll(name, " ", "")
		byName[name] = append(byName[name], id)
	}
	prs.Close()
	if err := prs.Err(); err != nil {
		return res, nil, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		for _, rw := range rows {
			ids := byName[rw.po]
			if rw.po != "" && len(ids) == 0 {
				errs = append(errs, xlsx.CellError{Row: rw.n, Column: ColPartyOrg, Message: "辖区内没有名为「" + rw.po + "」的党组织"})
				continue
			}
			if len(ids) > 1 {
				errs = append(errs, xlsx.CellError{Row: rw.n, Column: ColPartyOrg, Message: "辖区内有多个同名党组织，无法确定是哪一个"})
				continue
			}
			if len(errs) > 0 || rw.year == 0 || rw.amount == 0 {
				continue // the file is already refused: only name errors are still gathered
			}
			if _, err := s.allocateTx(ctx, tx, rw.year, ids[0], rw.amount, rw.voucher, rw.on, rw.memo); err != nil {
				e, ok := apperr.As(err)
				if !ok {
					return err
				}
				col := ColAmount
				if strings.Contains(e.Message, "凭证号") {
					col = ColVoucher
				}
				errs = append(errs, xlsx.CellError{Row: rw.n, Column: col, Message: e.Message})
				continue
			}
			res.Created++
		}
		if len(errs) > 0 {
			return errRejected
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "funds_import", Entity: "funds", Note: fmt.Sprintf("导入拨付 %d 笔", res.Created)})
	})
	if errors.Is(err, errRejected) {
		res.Created = 0
		return res, errs, nil
	}
	return res, nil, err
}
