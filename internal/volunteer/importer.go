package volunteer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// Columns of the historical-hours workbook.
const (
	ColName     = "姓名"
	ColIDNumber = "身份证号"
	ColPartyOrg = "所在党组织"
	ColDate     = "服务日期"
	ColHours    = "服务时长（小时）"
	ColTitle    = "活动名称"
	ColKind     = "活动类别"
)

// ImportHeaders is the template's header row, in order.
func ImportHeaders() []string {
	return []string{ColName, ColIDNumber, ColPartyOrg, ColDate, ColHours, ColTitle, ColKind}
}

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column {
	return []xlsx.Column{
		{Name: ColName, Aliases: []string{"党员姓名"}},
		{Name: ColIDNumber, Aliases: []string{"公民身份号码", "身份证号码"}, Optional: true},
		{Name: ColPartyOrg, Aliases: []string{"党组织", "党组织名称"}, Optional: true},
		{Name: ColDate, Aliases: []string{"日期", "活动日期"}},
		{Name: ColHours, Aliases: []string{"服务时长", "时长", "小时数"}},
		{Name: ColTitle, Aliases: []string{"活动", "服务内容"}},
		{Name: ColKind, Aliases: []string{"类别"}, Optional: true},
	}
}

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

var errRejected = errors.New("import rejected")

// ImportHours reads historical volunteer hours and records them all or
// nothing: each row names a roster member in the caller's scope by 身份证号
// or, without it, by name and party organization (a name alone must be
// unique in scope), a date not in the future, hours with at most two
// decimals (0–24) and an activity title; the kind is one of the fixed list
// (其他 when blank). Each row earns at its kind's current rate. Any bad
// cell records nothing; the cell errors come back for the error workbook.
func (s *Service) ImportHours(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	var res ImportResult
	r, err := xlsx.OpenImport(ra, size, ImportColumns(), limits)
	if err != nil {
		return res, nil, err
	}
	defer r.Close()
	type row struct {
		n               int
		name, idn, po   string
		on, title, kind string
		minutes         int64
	}
	var rows []row
	var errs []xlsx.CellError
	kinds := map[string]string{}
	for _, k := range Kinds() {
		kinds[k.Name] = k.Code
	}
	for r.Next() {
		x := r.Row()
		bad := func(col, msg string) { errs = append(errs, xlsx.CellError{Row: x.Number, Column: col, Message: msg}) }
		rw := row{n: x.Number, name: strings.ReplaceAll(x.Get(ColName).Text(), " ", ""), idn: strings.ToUpper(x.Get(ColIDNumber).Text()),
			po: strings.ReplaceAll(x.Get(ColPartyOrg).Text(), " ", ""), title: x.Get(ColTitle).Text(), kind: KindOther}
		if rw.name == "" {
			bad(ColName, "请填写姓名")
		}
		if rw.idn == "" && rw.po == "" {
			bad(ColIDNumber, "请填写身份证号，或填写所在党组织以按姓名查找")
		}
		d, ok := x.Get(ColDate).Day()
		switch {
		case x.Get(ColDate).Blank():
			bad(ColDate, "请填写服务日期")
		case !ok:
			bad(ColDate, xlsx.DateHint)
		case d > s.today():
			bad(ColDate, "服务日期不能晚于今天")
		}
		rw.on = d
		if m, err := ParseHours("hours", x.Get(ColHours).Text()); err != nil {
			bad(ColHours, "服务时长应为 0–24 之间的小时数，最多两位小数，如 2 或 1.5")
		} else {
			rw.minutes = m
		}
		if rw.title == "" {
			bad(ColTitle, "请填写活动名称")
		} else if len([]rune(rw.title)) > 80 {
			bad(ColTitle, "活动名称不能超过 80 个字")
		}
		if k := x.Get(ColKind).Text(); k != "" {
			if kinds[k] == "" {
				bad(ColKind, "活动类别应为：助老、环保、宣讲、帮扶、文明实践、其他")
			} else {
				rw.kind = kinds[k]
			}
		}
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
	if s.Protector == nil {
		return res, nil, errors.New("volunteer: no protector")
	}
	prot, err := s.Protector()
	if err != nil {
		return res, nil, err
	}
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return res, nil, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		find := func(rw row) (int64, string, string) {
			var q string
			var a []any
			switch {
			case rw.idn != "":
				q, a = `m.id_number_hash = ?`, []any{prot.Hash(rw.idn)}
			default:
				q, a = `m.name = ? AND REPLACE(p.name, ' ', '') = ?`, []any{rw.name, rw.po}
			}
			prs, err := s.DB.Query(ctx, tx, `SELECT m.id, m.name FROM members m JOIN party_orgs p ON p.id = m.party_org_id WHERE `+q+` AND `+cond, append(a, args...)...)
			if err != nil {
				return 0, ColName, err.Error()
			}
			defer prs.Close()
			var ids []int64
			var name string
			for prs.Next() {
				var id int64
				if err := prs.Scan(&id, &name); err != nil {
					return 0, ColName, err.Error()
				}
				ids = append(ids, id)
			}
			switch {
			case len(ids) == 0 && rw.idn != "":
				return 0, ColIDNumber, "辖区花名册中没有该身份证号的党员"
			case len(ids) == 0:
				return 0, ColName, "「" + rw.po + "」中没有名为「" + rw.name + "」的党员"
			case len(ids) > 1:
				return 0, ColName, "同一党组织中有多名同名党员，请填写身份证号"
			case rw.idn != "" && name != rw.name:
				return 0, ColName, "姓名与身份证号对应的党员「" + name + "」不符"
			}
			return ids[0], "", ""
		}
		for _, rw := range rows {
			if rw.name == "" || (rw.idn == "" && rw.po == "") {
				continue
			}
			mid, col, msg := find(rw)
			if mid == 0 {
				errs = append(errs, xlsx.CellError{Row: rw.n, Column: col, Message: msg})
				continue
			}
			if len(errs) > 0 {
				continue // the file is already refused: only lookup errors are still gathered
			}
			acc, err := s.memberAccount(ctx, tx, mid)
			if err != nil {
				return err
			}
			if _, err := s.earnTx(ctx, tx, hoursInput{Account: acc, On: rw.on, Minutes: rw.minutes, Kind: rw.kind, Title: rw.title, Source: "import"}); err != nil {
				return err
			}
			res.Created++
		}
		if len(errs) > 0 {
			return errRejected
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_import_hours", Entity: "vol_hours", Note: fmt.Sprintf("导入历史服务时长 %d 条", res.Created)})
	})
	if errors.Is(err, errRejected) {
		res.Created = 0
		return res, errs, nil
	}
	return res, nil, err
}
