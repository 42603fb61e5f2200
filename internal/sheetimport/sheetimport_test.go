package sheetimport_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
	"liangxin/internal/xlsx"
)

// The test area: items keyed by 编码, with a 名称 and a 数量.
var sheet = sheetimport.Sheet{
	Name: "物品",
	Columns: []sheetimport.Column{
		{Header: "编码", Synonyms: []string{"物品编码"}, Required: true, Comment: "必填，唯一"},
		{Header: "名称", Required: true},
		{Header: "数量", Synonyms: []string{"件数"}},
		{Header: "类别", List: []string{"甲类", "乙类"}},
	},
	AuditAction: "item_import",
	AuditEntity: "item",
}

type item struct {
	code, name string
	qty        int
}

type env struct {
	db  *store.DB
	aud *audit.Logger
}

func setup(t *testing.T) env {
	db := storetest.Open(t)
	if _, err := db.Exec(context.Background(), db, `CREATE TABLE sheet_items (code TEXT PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return env{db, &audit.Logger{DB: db, Now: func() time.Time { return time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC) }}}
}

func (e env) imp() sheetimport.Import[item] {
	return sheetimport.Import[item]{
		Sheet: sheet,
		Map: func(x xlsx.Row, c *sheetimport.Cells) item {
			it := item{code: x.Get("编码").Text(), name: x.Get("名称").Text()}
			if it.code == "" {
				c.Bad("编码", "请填写编码")
			}
			if q := x.Get("数量").Text(); q != "" {
				n, err := strconv.Atoi(q)
				if err != nil {
					c.Bad("数量", "数量应为整数")
				}
				it.qty = n
			}
			return it
		},
		Write: func(ctx context.Context, tx *sql.Tx, it item, c *sheetimport.Cells) (sheetimport.Result, error) {
			if it.name == "禁止" {
				return sheetimport.Nothing, c.Refused(apperr.InvalidField("name", "名称不可用"), map[string]string{"name": "名称"}, "编码")
			}
			var name string
			var qty int
			err := e.db.QueryRow(ctx, tx, `SELECT name, qty FROM sheet_items WHERE code = ?`, it.code).Scan(&name, &qty)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				_, err = e.db.Exec(ctx, tx, `INSERT INTO sheet_items (code, name, qty) VALUES (?, ?, ?)`, it.code, it.name, it.qty)
				return sheetimport.Created, err
			case err != nil:
				return sheetimport.Nothing, err
			case name == it.name && qty == it.qty:
				return sheetimport.Unchanged, nil
			}
			_, err = e.db.Exec(ctx, tx, `UPDATE sheet_items SET name = ?, qty = ? WHERE code = ?`, it.name, it.qty, it.code)
			return sheetimport.Updated, err
		},
	}
}

func (e env) run(t *testing.T, file []byte, progress func(string, int)) (sheetimport.Result, []xlsx.CellError, error) {
	t.Helper()
	return sheetimport.Run(context.Background(), sheetimport.Env{DB: e.db, Audit: e.aud}, e.imp(), bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, progress)
}

func (e env) count(t *testing.T, query string) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), e.db, query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// book writes a workbook: rows as given from A1 (title rows included);
// merge names ranges to merge.
func book(t *testing.T, rows [][]string, merge ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, m := range merge {
		a, b, _ := strings.Cut(m, ":")
		if err := f.MergeCell("Sheet1", a, b); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A title row above the header, headers under their synonyms (物品编码,
// 件数), and re-importing: created, then unchanged, then updated.
func TestSynonymsTitleRowsAndReimportCounts(t *testing.T) {
	e := setup(t)
	rows := [][]string{
		{"2026 年物品台账"},
		{"名称", "物品编码", "件数"},
		{"桌子", "A01", "3"},
		{"椅子", "A02", "12"},
		{"柜子", "A03", ""},
	}
	file := book(t, rows, "A1:C1")
	res, errs, err := e.run(t, file, nil)
	if err != nil || errs != nil {
		t.Fatalf("import: %v %v", err, errs)
	}
	if want := (sheetimport.Result{Rows: 3, Created: 3}); res != want {
		t.Fatalf("first import = %+v, want %+v", res, want)
	}
	var name string
	var qty int
	if err := e.db.QueryRow(context.Background(), e.db, `SELECT name, qty FROM sheet_items WHERE code = 'A02'`).Scan(&name, &qty); err != nil || name != "椅子" || qty != 12 {
		t.Fatalf("A02 = %q %d %v, want 椅子 12", name, qty, err)
	}
	res, errs, err = e.run(t, file, nil)
	if err != nil || errs != nil {
		t.Fatalf("re-import: %v %v", err, errs)
	}
	if want := (sheetimport.Result{Rows: 3, Unchanged: 3}); res != want {
		t.Fatalf("re-import = %+v, want %+v", res, want)
	}
	rows[3][2] = "13"
	res, _, err = e.run(t, book(t, rows), nil)
	if want := (sheetimport.Result{Rows: 3, Updated: 1, Unchanged: 2}); err != nil || res != want {
		t.Fatalf("changed import = %+v %v, want %+v", res, err, want)
	}
	// One audit entry per import, its detail the counts.
	if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'item_import' AND entity = 'item'`); n != 3 {
		t.Fatalf("audit entries = %d, want 3", n)
	}
	var detail string
	if err := e.db.QueryRow(context.Background(), e.db, `SELECT detail FROM audit_log WHERE action = 'item_import' ORDER BY id DESC LIMIT 1`).Scan(&detail); err != nil {
		t.Fatal(err)
	}
	if want := `{"after":{"rows":3,"created":0,"updated":1,"unchanged":2}}`; detail != want {
		t.Fatalf("audit detail = %s, want %s", detail, want)
	}
}

// One bad cell anywhere rejects the file: every bad cell is reported
// (mapping errors and a service's refusal alike) and nothing is written,
// not even the good rows before the bad ones, nor an audit entry.
func TestRejectAllOnAnyBadCell(t *testing.T) {
	e := setup(t)
	file := book(t, [][]string{
		{"编码", "名称", "数量"},
		{"B01", "桌子", "3"},
		{"B02", "椅子", "十二"},
		{"", "柜子", "1"},
		{"B04", "禁止", "1"},
		{"B05", "凳子", "2"},
	})
	res, errs, err := e.run(t, file, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []xlsx.CellError{
		{Row: 3, Column: "数量", Message: "数量应为整数"},
		{Row: 4, Column: "编码", Message: "请填写编码"},
		{Row: 5, Column: "名称", Message: "名称不可用"},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Fatalf("errors = %+v, want %+v", errs, want)
	}
	if (res != sheetimport.Result{Rows: 5}) {
		t.Fatalf("result = %+v, want only Rows 5", res)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM sheet_items`); n != 0 {
		t.Fatalf("%d items written by a rejected import", n)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'item_import'`); n != 0 {
		t.Fatalf("%d audit entries for a rejected import", n)
	}

	// The error workbook: same row numbers, bad cells filled, reasons in 错误说明.
	var rep bytes.Buffer
	if err := sheet.ErrorWorkbook(bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, errs, &rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&rep)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh := f.GetSheetList()[0]
	got := func(cell string) string { v, _ := f.GetCellValue(sh, cell); return v }
	if got("D1") != xlsx.NoteHeader {
		t.Fatalf("D1 = %q, want %q", got("D1"), xlsx.NoteHeader)
	}
	for cell, want := range map[string]string{"C3": "十二", "D2": "", "D3": "数量：数量应为整数", "D4": "编码：请填写编码", "D5": "名称：名称不可用", "D6": ""} {
		if v := got(cell); !strings.Contains(v, want) || (want == "" && v != "") {
			t.Errorf("%s = %q, want %q", cell, v, want)
		}
	}
	fill := func(cell string) bool {
		id, _ := f.GetCellStyle(sh, cell)
		st, err := f.GetStyle(id)
		return err == nil && st != nil && len(st.Fill.Color) > 0
	}
	for _, cell := range []string{"C3", "A4", "B5"} {
		if !fill(cell) {
			t.Errorf("bad cell %s not filled", cell)
		}
	}
	for _, cell := range []string{"A2", "A3", "C5"} {
		if fill(cell) {
			t.Errorf("good cell %s filled", cell)
		}
	}
}

// A file without a required column, or without data rows, is refused as a
// whole on the field "file".
func TestFileRefusals(t *testing.T) {
	e := setup(t)
	for name, tc := range map[string]struct {
		rows [][]string
		msg  string
	}{
		"no 名称":   {[][]string{{"编码", "数量"}, {"C01", "1"}}, "名称"},
		"no rows": {[][]string{{"编码", "名称"}}, "没有数据行"},
	} {
		_, _, err := e.run(t, book(t, tc.rows), nil)
		ae, ok := apperr.As(err)
		if !ok || ae.Fields["file"] == "" || !strings.Contains(ae.Fields["file"], tc.msg) {
			t.Errorf("%s: err = %v, want a refusal of the file naming %q", name, err, tc.msg)
		}
	}
}

// Progress is reported every 200 rows.
func TestProgress(t *testing.T) {
	e := setup(t)
	rows := [][]string{{"编码", "名称"}}
	for i := 1; i <= 450; i++ {
		rows = append(rows, []string{fmt.Sprintf("P%03d", i), "物品"})
	}
	var got []string
	res, _, err := e.run(t, book(t, rows), func(phase string, n int) { got = append(got, fmt.Sprint(phase, n)) })
	if err != nil || res.Created != 450 {
		t.Fatalf("import = %+v %v", res, err)
	}
	if want := []string{"writing200", "writing400"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("progress = %v, want %v", got, want)
	}
}

// The template: the header row, a comment on 编码, the 类别 drop-down.
func TestTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := sheet.Template(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("物品")
	if len(rows) != 1 || !reflect.DeepEqual(rows[0], []string{"编码", "名称", "数量", "类别"}) {
		t.Fatalf("template rows = %v", rows)
	}
	comments, _ := f.GetComments("物品")
	if len(comments) != 1 || comments[0].Cell != "A1" || !strings.Contains(comments[0].Paragraph[0].Text, "必填，唯一") {
		t.Fatalf("comments = %+v", comments)
	}
	dvs, _ := f.GetDataValidations("物品")
	if len(dvs) != 1 || dvs[0].Sqref != "D2:D1048576" || !strings.Contains(dvs[0].Formula1, "$A$2:$A$3") {
		t.Fatalf("validations = %+v", dvs)
	}
	list, _ := f.GetRows("下拉选项")
	if !reflect.DeepEqual(list, [][]string{{"类别"}, {"甲类"}, {"乙类"}}) {
		t.Fatalf("list sheet = %v", list)
	}
}

// Batch mode: the good rows reach Batch in groups of BatchSize with their
// row numbers (0: all at once after the last row), the counts add up, and
// a refusal from Batch rejects the whole file with nothing written.
func TestBatchGroupsRowsAndRejectsOnRefusal(t *testing.T) {
	file := book(t, [][]string{
		{"编码", "名称", "数量"},
		{"C01", "桌子", "1"},
		{"C02", "椅子", "2"},
		{"C03", "柜子", "3"},
		{"C04", "凳子", "4"},
		{"C05", "箱子", "5"},
	})
	for _, tc := range []struct {
		size   int
		groups [][]int
	}{
		{0, [][]int{{2, 3, 4, 5, 6}}},
		{2, [][]int{{2, 3}, {4, 5}, {6}}},
	} {
		e := setup(t)
		imp := e.imp()
		imp.Write = nil
		imp.BatchSize = tc.size
		var groups [][]int
		refuse := ""
		imp.Batch = func(ctx context.Context, tx *sql.Tx, rows []sheetimport.Mapped[item], bad func(int, string, string)) (sheetimport.Result, error) {
			var g []int
			for _, m := range rows {
				g = append(g, m.Row)
				if m.Cmd.code == refuse {
					bad(m.Row, "编码", "编码已停用")
					continue
				}
				if _, err := e.db.Exec(ctx, tx, `INSERT INTO sheet_items (code, name, qty) VALUES (?, ?, ?)`, m.Cmd.code, m.Cmd.name, m.Cmd.qty); err != nil {
					return sheetimport.Nothing, err
				}
			}
			groups = append(groups, g)
			return sheetimport.Result{Created: len(rows)}, nil
		}
		res, errs, err := sheetimport.Run(context.Background(), sheetimport.Env{DB: e.db, Audit: e.aud}, imp, bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, nil)
		if err != nil || errs != nil {
			t.Fatalf("size %d: %v %v", tc.size, err, errs)
		}
		if want := (sheetimport.Result{Rows: 5, Created: 5}); res != want {
			t.Fatalf("size %d: result %+v, want %+v", tc.size, res, want)
		}
		if !reflect.DeepEqual(groups, tc.groups) {
			t.Fatalf("size %d: groups %v, want %v", tc.size, groups, tc.groups)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM sheet_items`); n != 5 {
			t.Fatalf("size %d: %d items, want 5", tc.size, n)
		}

		e = setup(t)
		groups, refuse = nil, "C04"
		res, errs, err = sheetimport.Run(context.Background(), sheetimport.Env{DB: e.db, Audit: e.aud}, imp, bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := []xlsx.CellError{{Row: 5, Column: "编码", Message: "编码已停用"}}; !reflect.DeepEqual(errs, want) {
			t.Fatalf("size %d: errors %v, want %v", tc.size, errs, want)
		}
		if want := (sheetimport.Result{Rows: 5}); res != want {
			t.Fatalf("size %d: rejected result %+v, want %+v", tc.size, res, want)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM sheet_items`) + e.count(t, `SELECT COUNT(*) FROM audit_log`); n != 0 {
			t.Fatalf("size %d: %d rows left by a rejected import, want 0", tc.size, n)
		}
	}
}

// EveryGroup: the last group reaches Batch even after a bad row (Batch's
// refusal in it is reported beside the bad cell); without it, it does not.
func TestEveryGroupSendsTheLastGroupAfterABadRow(t *testing.T) {
	file := book(t, [][]string{
		{"编码", "名称", "数量"},
		{"C01", "桌子", "x"},
		{"C02", "椅子", "2"},
		{"C03", "柜子", "3"},
	})
	for _, every := range []bool{false, true} {
		e := setup(t)
		imp := e.imp()
		imp.Write = nil
		imp.BatchSize = 10
		imp.EveryGroup = every
		var got [][]int
		imp.Batch = func(ctx context.Context, tx *sql.Tx, rows []sheetimport.Mapped[item], bad func(int, string, string)) (sheetimport.Result, error) {
			var g []int
			for _, m := range rows {
				g = append(g, m.Row)
				if m.Cmd.code == "C03" {
					bad(m.Row, "编码", "编码已停用")
				}
			}
			got = append(got, g)
			return sheetimport.Nothing, nil
		}
		res, errs, err := sheetimport.Run(context.Background(), sheetimport.Env{DB: e.db, Audit: e.aud}, imp, bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []xlsx.CellError{{Row: 2, Column: "数量", Message: "数量应为整数"}}
		var wantGroups [][]int
		if every {
			want = append(want, xlsx.CellError{Row: 4, Column: "编码", Message: "编码已停用"})
			wantGroups = [][]int{{3, 4}}
		}
		if !reflect.DeepEqual(errs, want) || !reflect.DeepEqual(got, wantGroups) || res != (sheetimport.Result{Rows: 3}) {
			t.Fatalf("every %v: errors %v groups %v result %+v; want %v %v", every, errs, got, res, want, wantGroups)
		}
	}
}

// Check runs after the last row, bad rows or not, and its bad cells reject
// the file before Batch writes anything; Around wraps the rows in the
// transaction (a table it fills before them is seen by Batch, what it does
// after them runs only when every row was good, before the audit entry).
func TestCheckAndAround(t *testing.T) {
	file := book(t, [][]string{
		{"编码", "名称", "数量"},
		{"C01", "桌子", "1"},
		{"C02", "椅子", "2"},
	})
	for _, tc := range []struct {
		refuse  string // the code Check refuses
		created int
		errs    []xlsx.CellError
		after   int // how many times Around's after-work ran
	}{
		{"", 2, nil, 1},
		{"C02", 0, []xlsx.CellError{{Row: 3, Column: "编码", Message: "编码与其他行冲突"}}, 0},
	} {
		e := setup(t)
		imp := e.imp()
		imp.Write = nil
		var mapped []sheetimport.Mapped[item]
		m := imp.Map
		imp.Map = func(x xlsx.Row, c *sheetimport.Cells) item {
			it := m(x, c)
			mapped = append(mapped, sheetimport.Mapped[item]{Row: c.Row(), Cmd: it})
			return it
		}
		batches := 0
		imp.Check = func(ctx context.Context, bad func(int, string, string)) error {
			if batches != 0 || len(mapped) != 2 {
				t.Fatalf("Check ran after %d batches, %d rows mapped", batches, len(mapped))
			}
			for _, r := range mapped {
				if r.Cmd.code == tc.refuse {
					bad(r.Row, "编码", "编码与其他行冲突")
				}
			}
			return nil
		}
		imp.Batch = func(ctx context.Context, tx *sql.Tx, rows []sheetimport.Mapped[item], bad func(int, string, string)) (sheetimport.Result, error) {
			batches++
			var qty int
			if err := e.db.QueryRow(ctx, tx, `SELECT qty FROM sheet_items WHERE code = 'SEED'`).Scan(&qty); err != nil {
				return sheetimport.Nothing, err
			}
			for _, m := range rows {
				if _, err := e.db.Exec(ctx, tx, `INSERT INTO sheet_items (code, name, qty) VALUES (?, ?, ?)`, m.Cmd.code, m.Cmd.name, m.Cmd.qty+qty); err != nil {
					return sheetimport.Nothing, err
				}
			}
			return sheetimport.Result{Created: len(rows)}, nil
		}
		after := 0
		imp.Around = func(ctx context.Context, tx *sql.Tx, rows func() error) error {
			if _, err := e.db.Exec(ctx, tx, `INSERT INTO sheet_items (code, name, qty) VALUES ('SEED', '种子', 100)`); err != nil {
				return err
			}
			if err := rows(); err != nil {
				return err
			}
			after++
			_, err := e.db.Exec(ctx, tx, `DELETE FROM sheet_items WHERE code = 'SEED'`)
			return err
		}
		res, errs, err := sheetimport.Run(context.Background(), sheetimport.Env{DB: e.db, Audit: e.aud}, imp, bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(errs, tc.errs) || res != (sheetimport.Result{Rows: 2, Created: tc.created}) || after != tc.after {
			t.Fatalf("refuse %q: errors %v result %+v after %d", tc.refuse, errs, res, after)
		}
		items := e.count(t, `SELECT COUNT(*) FROM sheet_items`)
		sum := e.count(t, `SELECT COALESCE(SUM(qty), 0) FROM sheet_items`)
		audits := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'item_import'`)
		if tc.created > 0 && (items != 2 || sum != 203 || audits != 1) {
			t.Fatalf("written: %d items, qty sum %d, %d audit entries; want 2, 203, 1", items, sum, audits)
		}
		if tc.created == 0 && items+audits != 0 {
			t.Fatalf("rejected import left %d items, %d audit entries", items, audits)
		}
	}
}

// AuditNote writes the import entry's 说明 from the counts, beside them.
func TestAuditNoteFromTheCounts(t *testing.T) {
	e := setup(t)
	imp := e.imp()
	imp.Sheet.AuditNote = func(r sheetimport.Result) string {
		return fmt.Sprintf("导入物品 %d 行：新增 %d", r.Rows, r.Created)
	}
	file := book(t, [][]string{{"编码", "名称"}, {"D01", "桌子"}, {"D02", "椅子"}})
	if _, errs, err := sheetimport.Run(context.Background(), sheetimport.Env{DB: e.db, Audit: e.aud}, imp, bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, nil); err != nil || errs != nil {
		t.Fatalf("import: %v %v", err, errs)
	}
	var detail string
	if err := e.db.QueryRow(context.Background(), e.db, `SELECT detail FROM audit_log WHERE action = 'item_import'`).Scan(&detail); err != nil {
		t.Fatal(err)
	}
	if want := `{"after":{"rows":2,"created":2,"updated":0,"unchanged":0},"note":"导入物品 2 行：新增 2"}`; detail != want {
		t.Fatalf("audit detail = %s, want %s", detail, want)
	}
}
