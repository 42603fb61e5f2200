package volunteer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"liangxin/internal/pdata"
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

// importSheet declares the historical-hours sheet for the import driver.
var importSheet = sheetimport.Sheet{
	Name: "历史服务时长",
	Columns: []sheetimport.Column{
		{Header: ColName, Synonyms: []string{"党员姓名"}, Required: true, Width: 10},
		{Header: ColIDNumber, Synonyms: []string{"公民身份号码", "身份证号码"}, Width: 22},
		{Header: ColPartyOrg, Synonyms: []string{"党组织", "党组织名称"}, Width: 30},
		{Header: ColDate, Synonyms: []string{"日期", "活动日期"}, Required: true, Width: 14},
		{Header: ColHours, Synonyms: []string{"服务时长", "时长", "小时数"}, Required: true, Width: 16},
		{Header: ColTitle, Synonyms: []string{"活动", "服务内容"}, Required: true, Width: 30},
		{Header: ColKind, Synonyms: []string{"类别"}, Width: 12},
	},
	AuditAction: "volunteer_import_hours",
	AuditNote: func(r sheetimport.Result) string {
		return fmt.Sprintf("导入历史服务时长 %d 条", r.Created)
	},
	AuditEntity: "vol_hours",
}

// ImportHeaders is the template's header row, in order.
func ImportHeaders() []string { return importSheet.Headers() }

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column { return importSheet.ReaderColumns() }

// ImportTemplate writes the historical-hours template.
func ImportTemplate(w io.Writer) error { return importSheet.Template(w) }

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

// hoursRow is one checked row: hours earned by the member mid.
type hoursRow struct {
	mid             int64
	on, title, kind string
	minutes         int64
}

// ImportHours reads historical volunteer hours and records them all or
// nothing: each row names a roster member in the caller's scope by 身份证号
// or, without it, by name and party organization (a name alone must be
// unique in scope), a date not in the future, hours with at most two
// decimals (0–24) and an activity title; the kind is one of the fixed list
// (其他 when blank). Each row earns at its kind's current rate. Any bad
// cell records nothing; the cell errors come back for the error workbook.
func (s *Service) ImportHours(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	var (
		prot *pdata.Protector
		cond string
		args []any
	)
	prepare := func(ctx context.Context) error {
		if s.Protector == nil {
			return errors.New("volunteer: no protector")
		}
		var err error
		if prot, err = s.Protector(); err != nil {
			return err
		}
		cond, args, err = store.PartyOrgFilter(ctx, "m.party_org_id")
		return err
	}
	kinds := map[string]string{}
	for _, k := range Kinds() {
		kinds[k.Name] = k.Code
	}
	today := s.today()
	// find looks the row's member up in the roster: the member, or the
	// column and message of the cell that names no one.
	find := func(name, idn, po string) (int64, string, string) {
		var q string
		var a []any
		switch {
		case idn != "":
			q, a = `m.id_number_hash = ?`, []any{prot.Hash(idn)}
		default:
			q, a = `m.name = ? AND REPLACE(p.name, ' ', '') = ?`, []any{name, po}
		}
		prs, err := s.DB.Query(ctx, s.DB, `SELECT m.id, m.name FROM members m JOIN party_orgs p ON p.id = m.party_org_id WHERE `+q+` AND `+cond, append(a, args...)...)
		if err != nil {
			return 0, ColName, err.Error()
		}
		defer prs.Close()
		var ids []int64
		var found string
		for prs.Next() {
			var id int64
			if err := prs.Scan(&id, &found); err != nil {
				return 0, ColName, err.Error()
			}
			ids = append(ids, id)
		}
		switch {
		case len(ids) == 0 && idn != "":
			return 0, ColIDNumber, "辖区花名册中没有该身份证号的党员"
		case len(ids) == 0:
			return 0, ColName, "「" + po + "」中没有名为「" + name + "」的党员"
		case len(ids) > 1:
			return 0, ColName, "同一党组织中有多名同名党员，请填写身份证号"
		case idn != "" && found != name:
			return 0, ColName, "姓名与身份证号对应的党员「" + found + "」不符"
		}
		return ids[0], "", ""
	}
	mapRow := func(x xlsx.Row, c *sheetimport.Cells) hoursRow {
		name, idn := strings.ReplaceAll(x.Get(ColName).Text(), " ", ""), strings.ToUpper(x.Get(ColIDNumber).Text())
		po := strings.ReplaceAll(x.Get(ColPartyOrg).Text(), " ", "")
		rw := hoursRow{title: x.Get(ColTitle).Text(), kind: KindOther}
		if name == "" {
			c.Bad(ColName, "请填写姓名")
		}
		if idn == "" && po == "" {
			c.Bad(ColIDNumber, "请填写身份证号，或填写所在党组织以按姓名查找")
		}
		d, ok := x.Get(ColDate).Day()
		switch {
		case x.Get(ColDate).Blank():
			c.Bad(ColDate, "请填写服务日期")
		case !ok:
			c.Bad(ColDate, xlsx.DateHint)
		case d > today:
			c.Bad(ColDate, "服务日期不能晚于今天")
		}
		rw.on = d
		if m, err := ParseHours("hours", x.Get(ColHours).Text()); err != nil {
			c.Bad(ColHours, "服务时长应为 0–24 之间的小时数，最多两位小数，如 2 或 1.5")
		} else {
			rw.minutes = m
		}
		if rw.title == "" {
			c.Bad(ColTitle, "请填写活动名称")
		} else if len([]rune(rw.title)) > 80 {
			c.Bad(ColTitle, "活动名称不能超过 80 个字")
		}
		if k := x.Get(ColKind).Text(); k != "" {
			if kinds[k] == "" {
				c.Bad(ColKind, "活动类别应为：助老、环保、宣讲、帮扶、文明实践、其他")
			} else {
				rw.kind = kinds[k]
			}
		}
		// The member is looked up even in a row with other bad cells, so
		// that the error workbook names every problem at once.
		if name != "" && (idn != "" || po != "") {
			mid, col, msg := find(name, idn, po)
			if mid == 0 {
				c.Bad(col, msg)
			}
			rw.mid = mid
		}
		return rw
	}
	write := func(ctx context.Context, tx *sql.Tx, rw hoursRow, _ *sheetimport.Cells) (sheetimport.Result, error) {
		acc, err := s.memberAccount(ctx, tx, rw.mid)
		if err != nil {
			return sheetimport.Nothing, err
		}
		if _, err := s.earnTx(ctx, tx, hoursInput{Account: acc, On: rw.on, Minutes: rw.minutes, Kind: rw.kind, Title: rw.title, Source: "import"}); err != nil {
			return sheetimport.Nothing, err
		}
		return sheetimport.Created, nil
	}
	return sheetimport.Run(ctx, sheetimport.Env{DB: s.DB, Audit: s.Audit}, sheetimport.Import[hoursRow]{
		Sheet: importSheet, Prepare: prepare, Map: mapRow, Write: write,
	}, ra, size, limits, progress)
}
