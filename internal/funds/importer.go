package funds

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/sheetimport"
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

// importSheet declares the allocations sheet for the import driver.
var importSheet = sheetimport.Sheet{
	Name: "经费拨付",
	Columns: []sheetimport.Column{
		{Header: ColYear, Synonyms: []string{"经费年度"}, Required: true, Width: 8},
		{Header: ColPartyOrg, Synonyms: []string{"党组织", "单位名称"}, Required: true, Width: 36},
		{Header: ColAmount, Synonyms: []string{"金额", "拨付金额", "金额（元）"}, Required: true, Width: 16},
		{Header: ColVoucher, Synonyms: []string{"凭证编号", "凭证"}, Required: true, Width: 20},
		{Header: ColDate, Synonyms: []string{"日期", "拨付时间"}, Required: true, Width: 14},
		{Header: ColMemo, Synonyms: []string{"备注", "说明"}, Width: 30},
	},
	AuditAction: "funds_import",
	AuditNote: func(r sheetimport.Result) string {
		return fmt.Sprintf("导入拨付 %d 笔", r.Created)
	},
	AuditEntity: "funds",
}

// ImportHeaders is the template's header row, in order.
func ImportHeaders() []string { return importSheet.Headers() }

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column { return importSheet.ReaderColumns() }

// ImportTemplate writes the allocations template.
func ImportTemplate(w io.Writer) error { return importSheet.Template(w) }

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

// allocationRow is one checked row: an allocation to the party
// organization poID.
type allocationRow struct {
	year     int
	poID     int64
	amount   int64
	voucher  string
	on, memo string
}

// ImportAllocations reads allocations (拨付) from a workbook and records
// them all or nothing: each row is checked like an allocation (party
// organization by name in the caller's scope, amount in 元 with at most two
// decimals, a voucher number unused, a date not in the future, at most what
// is outstanding for that year — recompute the year first); any bad cell
// records nothing and the cell errors are returned for the error workbook.
// The allocations are written once every row is checked, in the file's
// order (each row's outstanding amount counts the rows above it).
func (s *Service) ImportAllocations(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	byName := map[string][]int64{}
	prepare := func(ctx context.Context) error {
		idx, err := sheetimport.PartyOrgsByName(ctx, s.DB)
		if err != nil {
			return err
		}
		byName = idx
		return nil
	}
	vouchers := map[string]int{}
	today := s.today()
	mapRow := func(x xlsx.Row, c *sheetimport.Cells) allocationRow {
		po := strings.ReplaceAll(x.Get(ColPartyOrg).Text(), " ", "")
		rw := allocationRow{voucher: x.Get(ColVoucher).Text(), memo: x.Get(ColMemo).Text()}
		if y, err := strconv.Atoi(strings.TrimSuffix(x.Get(ColYear).Text(), "年")); err != nil || y < MinYear || y > MaxYear {
			c.Bad(ColYear, fmt.Sprintf("年度应为 %d–%d 的整数，如 2025", MinYear, MaxYear))
		} else {
			rw.year = y
		}
		if po == "" {
			c.Bad(ColPartyOrg, "请填写党组织名称")
		}
		if a, err := ParseYuan("amount", "拨付金额", strings.ReplaceAll(x.Get(ColAmount).Text(), ",", "")); err != nil {
			c.Bad(ColAmount, "拨付金额应为大于 0 的金额（元），最多两位小数，如 5000 或 1234.56")
		} else {
			rw.amount = a
		}
		switch {
		case rw.voucher == "":
			c.Bad(ColVoucher, "请填写凭证号")
		case vouchers[rw.voucher] != 0:
			c.Bad(ColVoucher, fmt.Sprintf("凭证号与第 %d 行重复", vouchers[rw.voucher]))
		default:
			vouchers[rw.voucher] = c.Row()
		}
		d, ok := x.Get(ColDate).Day()
		switch {
		case x.Get(ColDate).Blank():
			c.Bad(ColDate, "请填写拨付日期")
		case !ok:
			c.Bad(ColDate, xlsx.DateHint)
		case d > today:
			c.Bad(ColDate, "拨付日期不能晚于今天")
		}
		rw.on = d
		switch ids := byName[po]; {
		case po != "" && len(ids) == 0:
			c.Bad(ColPartyOrg, "辖区内没有名为「"+po+"」的党组织")
		case len(ids) > 1:
			c.Bad(ColPartyOrg, "辖区内有多个同名党组织，无法确定是哪一个")
		case len(ids) == 1:
			rw.poID = ids[0]
		}
		return rw
	}
	// batch writes the allocations once no row has a bad cell; after the
	// first refused allocation the file is refused and nothing more is written.
	batch := func(ctx context.Context, tx *sql.Tx, rows []sheetimport.Mapped[allocationRow], bad func(row int, column, message string)) (sheetimport.Result, error) {
		var did sheetimport.Result
		for _, m := range rows {
			rw := m.Cmd
			if _, err := s.allocateTx(ctx, tx, rw.year, rw.poID, rw.amount, rw.voucher, rw.on, rw.memo); err != nil {
				e, ok := apperr.As(err)
				if !ok {
					return did, err
				}
				col := ColAmount
				if strings.Contains(e.Message, "凭证号") {
					col = ColVoucher
				}
				bad(m.Row, col, e.Message)
				return did, nil
			}
			did.Add(sheetimport.Created)
		}
		return did, nil
	}
	return sheetimport.Run(ctx, sheetimport.Env{DB: s.DB, Audit: s.Audit}, sheetimport.Import[allocationRow]{
		Sheet: importSheet, Prepare: prepare, Map: mapRow, Batch: batch,
	}, ra, size, limits, progress)
}
