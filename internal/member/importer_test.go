package member_test

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/config"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
	"liangxin/internal/xlsx"

	"github.com/xuri/excelize/v2"
)

// roster writes a workbook: an optional title row, the header, the rows.
func roster(t *testing.T, title string, header []string, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	all := [][]any{}
	if title != "" {
		all = append(all, []any{title})
	}
	h := make([]any, len(header))
	for i, v := range header {
		h[i] = v
	}
	all = append(all, h)
	all = append(all, rows...)
	for r, row := range all {
		for i, v := range row {
			c, _ := excelize.CoordinatesToCellName(i+1, r+1)
			if err := f.SetCellValue("Sheet1", c, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func importFile(t *testing.T, s *member.Service, ctx context.Context, b []byte) (member.ImportResult, []xlsx.CellError) {
	t.Helper()
	res, errs, err := s.Import(ctx, bytes.NewReader(b), int64(len(b)), xlsx.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res, errs
}

func countRows(t *testing.T, e *testenv.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var header = member.ImportHeaders()

func TestImportRosterCreatesThenIsIdempotent(t *testing.T) {
	e, ctx, po := setup(t)
	p, _ := e.App.Party.Get(ctx, po)
	name, cat, region, code := "红星商贸有限公司", "private_enterprise", testenv.Hongqiao, uscc.Generate('9', '1', "430426", 7)
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, USCC: &code, Category: &cat, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := id("43042619850315002"), id("43042619920704004"), id("43042619781111005")
	// A title row above the header, columns out of order, aliases, 男/女,
	// full-width digits, several date forms, birth date and gender left blank.
	hdr := []string{"序号", "党员姓名", "公民身份号码", "性别", "出生年月", "联系电话", "类别", "所在党支部", "工作单位", "入党时间", "转正时间", "职务", "民族", "学历"}
	rows := [][]any{
		{1, "王芳", a, "女", "1985.03", "１３８１２３４５６７８", "正式党员", p.Name, code, "2010年7月1日", "2011/7/1", "出纳", "汉族", "本科"},
		{2, "李强", b, "", "", "13900001111", "预备", " " + p.Name + " ", name, "2026-06-01", "", "", "", ""},
		{3, "赵刚", c, "男", "1978-11-11", "", "正式", p.Name, "", "1999.7.1", "2000.7.1", "", "回族", ""},
	}
	file := roster(t, "红星科技支部党员花名册（2026年）", hdr, rows...)
	res, errs := importFile(t, e.App.Members, ctx, file)
	if len(errs) != 0 || res.Rows != 3 || res.Created != 3 {
		t.Fatalf("good file: %+v %v", res, errs)
	}
	list, total, err := e.App.Members.List(ctx, member.Filter{PartyOrgID: po})
	if err != nil || total != store.Exact(3) {
		t.Fatalf("list: %+v %v", total, err)
	}
	byName := map[string]member.Member{}
	for _, m := range list {
		byName[m.Name] = m
	}
	wang, li := byName["王芳"], byName["李强"]
	if wang.Gender != "female" || wang.BirthDate != "1985-03-15" || wang.Category != "full" || wang.OrganizationID == nil || *wang.OrganizationID != o.ID ||
		wang.JoinedOn == nil || *wang.JoinedOn != "2010-07-01" || *wang.ConfirmedOn != "2011-07-01" || wang.Ethnicity != "汉族" || wang.Position != "出纳" {
		t.Errorf("王芳: %+v", wang)
	}
	// Gender and birth date derived from the 身份证号; 工作单位 found by name.
	if li.Gender != "female" || li.BirthDate != "1992-07-04" || li.Category != "probationary" || li.OrganizationID == nil || *li.OrganizationID != o.ID {
		t.Errorf("李强: %+v", li)
	}
	full, err := e.App.Members.Get(ctx, wang.ID, true)
	if err != nil || full.IDNumber != a || full.Phone != "13812345678" {
		t.Fatalf("reveal: %+v %v", full, err)
	}
	if n := countRows(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'member_import'"); n != 1 {
		t.Errorf("audit entries of the import: %d, want 1", n)
	}
	if n := countRows(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'member_create'"); n != 0 {
		t.Errorf("per-member audit entries: %d, want none", n)
	}

	// Each imported member holds exactly one open membership, from 入党日期
	// (else the import day), as one entered by hand does.
	for nm, want := range map[string]string{"王芳": "2010-07-01", "李强": "2026-06-01"} {
		ms, err := e.App.Members.Memberships(ctx, byName[nm].ID)
		if err != nil || len(ms) != 1 || ms[0].PartyOrgID != po || ms[0].From != want || ms[0].To != nil {
			t.Errorf("%s: memberships %+v %v, want one open at party org %d from %s", nm, ms, err, po, want)
		}
	}
	if n := countRows(t, e, "SELECT COUNT(*) FROM member_memberships WHERE ended_on IS NULL"); n != 3 {
		t.Errorf("open memberships after the import: %d, want 3", n)
	}

	// The same file again: nothing new, nothing changed.
	if res, errs = importFile(t, e.App.Members, ctx, file); len(errs) != 0 || res.Created != 0 || res.Updated != 0 || res.Unchanged != 3 {
		t.Fatalf("re-import: %+v %v", res, errs)
	}
	// One changed cell updates that member; a blank cell keeps what is recorded.
	rows[0][11] = "会计"
	rows[2][12] = ""
	res, errs = importFile(t, e.App.Members, ctx, roster(t, "", hdr, rows...))
	if len(errs) != 0 || res.Created != 0 || res.Updated != 1 || res.Unchanged != 2 {
		t.Fatalf("changed file: %+v %v", res, errs)
	}
	if m, _ := e.App.Members.Get(ctx, wang.ID, false); m.Position != "会计" {
		t.Errorf("position not updated: %q", m.Position)
	}
	if m, _ := e.App.Members.Get(ctx, byName["赵刚"].ID, false); m.Ethnicity != "回族" {
		t.Errorf("blank cell cleared the ethnicity: %q", m.Ethnicity)
	}
	if total := countRows(t, e, "SELECT COUNT(*) FROM members"); total != 3 {
		t.Errorf("members after re-imports: %d", total)
	}
	if n := countRows(t, e, "SELECT COUNT(*) FROM member_memberships"); n != 3 {
		t.Errorf("memberships after re-imports: %d, want 3", n)
	}
}

// Any bad cell writes nothing; the error names the row, the column and why.
func TestImportRosterRejectsBadCells(t *testing.T) {
	e, ctx, po := setup(t)
	p, _ := e.App.Party.Get(ctx, po)
	good := func(n int) []any {
		return []any{fmt.Sprintf("党员%d", n), "男", "汉族", "1990-01-01", id(fmt.Sprintf("43042619900101%03d", 2*n+1)), "13812345678", "大专", "正式", p.Name, "", "2015-07-01", "2016-07-01", ""}
	}
	cases := []struct {
		name   string
		mod    func(r []any)
		column string
		want   string
	}{
		{"check character", func(r []any) {
			s := r[4].(string)
			r[4] = s[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", s[17])+1)%11])
		}, member.ColIDNumber, "校验位"},
		{"birth date disagreeing", func(r []any) { r[3] = "1990-01-02" }, member.ColBirthDate, "出生日期与身份证号不一致"},
		{"gender disagreeing", func(r []any) { r[1] = "女" }, member.ColGender, "性别与身份证号不一致"},
		{"unknown party organization", func(r []any) { r[8] = "不存在的支部" }, member.ColPartyOrg, "不在您的管辖范围内"},
		{"category", func(r []any) { r[7] = "积极分子" }, member.ColCategory, "正式"},
		{"unknown unit", func(r []any) { r[9] = "没有这家公司" }, member.ColUnit, "两新组织不存在"},
		{"confirmed before joined", func(r []any) { r[11] = "2014-07-01" }, member.ColConfirmedOn, "不能早于入党日期"},
		{"bad date", func(r []any) { r[10] = "去年七月" }, member.ColJoinedOn, "日期无法识别"},
		{"name", func(r []any) { r[0] = "" }, member.ColName, "请填写姓名"},
		{"ID number as a number", func(r []any) { r[4] = 430426199001010051 }, member.ColIDNumber, "数字格式"},
		{"phone too short", func(r []any) { r[5] = "1381234567" }, member.ColPhone, "联系电话"},
		{"landline without area code", func(r []any) { r[5] = "8234567" }, member.ColPhone, "联系电话"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := good(100 + i)
			c.mod(bad)
			res, errs := importFile(t, e.App.Members, ctx, roster(t, "", header, good(i), bad, good(200+i)))
			if res.Created != 0 || len(errs) != 1 {
				t.Fatalf("%+v %v", res, errs)
			}
			if errs[0].Row != 3 || errs[0].Column != c.column || !strings.Contains(errs[0].Message, c.want) {
				t.Errorf("got row %d %s %q, want row 3 %s %q", errs[0].Row, errs[0].Column, errs[0].Message, c.column, c.want)
			}
			if n := countRows(t, e, "SELECT COUNT(*) FROM members"); n != 0 {
				t.Fatalf("a rejected file wrote %d members", n)
			}
		})
	}
	// The same 身份证号 twice: the second is the bad cell.
	dup := good(7)
	dup[0] = "同号"
	res, errs := importFile(t, e.App.Members, ctx, roster(t, "", header, good(6), good(7), good(8), dup))
	if res.Created != 0 || len(errs) != 1 || errs[0].Row != 5 || errs[0].Column != member.ColIDNumber || !strings.Contains(errs[0].Message, "第 3 行") {
		t.Fatalf("duplicate: %+v %v", res, errs)
	}
	if n := countRows(t, e, "SELECT COUNT(*) FROM members"); n != 0 {
		t.Fatalf("a rejected file wrote %d members", n)
	}
	if n := countRows(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'member_import'"); n != 0 {
		t.Errorf("a rejected import was audited %d times", n)
	}
}

// A street's user names only party organizations of the street, and cannot
// overwrite a member recorded elsewhere.
func TestImportRosterKeepsToTheActorsScope(t *testing.T) {
	e, ctx, po := setup(t)
	here, _ := e.App.Party.Get(ctx, po)
	name, cat, region, full := "玉合小店", "individual_business", testenv.Yuhe, 3
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
	if err != nil {
		t.Fatal(err)
	}
	there, err := e.App.Party.Create(ctx, partyorg.Input{Name: "玉合小店支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := id("43042619900101011")
	if _, err := e.App.Members.Create(ctx, member.Input{Name: "玉合党员", Gender: "male", BirthDate: "1990-01-01", IDNumber: elsewhere, Category: "full", PartyOrgID: there.ID}); err != nil {
		t.Fatal(err)
	}
	street := actor.With(context.Background(), actor.Actor{Username: "h", Role: "street", Scope: testenv.Hongqiao})
	hdr := []string{"姓名", "身份证号", "党员类别", "所在党组织", "工作单位"}
	res, errs := importFile(t, e.App.Members, street, roster(t, "", hdr,
		[]any{"甲", id("43042619900101021"), "正式", here.Name, ""},
		[]any{"乙", id("43042619900101031"), "正式", there.Name, ""},
		[]any{"丙", elsewhere, "正式", here.Name, ""},
		[]any{"丁", id("43042619900101041"), "正式", here.Name, name},
	))
	if res.Created != 0 || len(errs) != 3 {
		t.Fatalf("%+v %v", res, errs)
	}
	want := []struct {
		row       int
		col, text string
	}{{3, member.ColPartyOrg, "不在您的管辖范围内"}, {4, member.ColIDNumber, "不在您的管辖范围内"}, {5, member.ColUnit, "不在您的管辖范围内"}}
	for i, w := range want {
		if errs[i].Row != w.row || errs[i].Column != w.col || !strings.Contains(errs[i].Message, w.text) {
			t.Errorf("error %d: %+v, want %+v", i, errs[i], w)
		}
	}
	if m, _, err := e.App.Members.List(ctx, member.Filter{PartyOrgID: po}); err != nil || len(m) != 0 {
		t.Fatalf("a rejected file wrote members: %v %v", m, err)
	}
}

// After an import the SQLite files alone reveal no ID number or phone.
func TestImportedRosterNotInPlainTextOnDisk(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.DataKeyFile = filepath.Join(t.TempDir(), "data.key")
	prot, err := app.OpenKey(ctx, cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(cfg, db, slog.New(slog.NewJSONHandler(io.Discard, nil)), func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }, prot)
	if _, err := a.EnsureJurisdiction(ctx, testenv.Jurisdiction); err != nil {
		t.Fatal(err)
	}
	actx := actor.With(ctx, actor.Actor{Username: "d", Role: "district", Scope: testenv.Jurisdiction})
	name, cat, region, full := "红星个体户", "individual_business", testenv.Hongqiao, 3
	o, err := a.Orgs.Create(actx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Party.Create(actx, partyorg.Input{Name: "红星支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	var rows [][]any
	for i := 0; i < 50; i++ {
		idn, phone := id(fmt.Sprintf("43042619900101%03d", 2*i+1)), fmt.Sprintf("139%08d", 7654321+i)
		secrets = append(secrets, idn, phone)
		rows = append(rows, []any{fmt.Sprintf("党员%d", i), idn, phone, "正式", p.Name})
	}
	b := roster(t, "", []string{"姓名", "身份证号", "手机号", "党员类别", "所在党组织"}, rows...)
	res, errs, err := a.Members.Import(actx, bytes.NewReader(b), int64(len(b)), xlsx.Limits{}, nil)
	if err != nil || len(errs) != 0 || res.Created != 50 {
		t.Fatalf("import: %+v %v %v", res, errs, err)
	}
	db.Close()
	files, _ := os.ReadDir(dir)
	seen := 0
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			continue
		}
		seen += len(data)
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains %s in plain text", f.Name(), s)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no database file found")
	}
}

// The import enlarges the SQLite page cache of its connection (the one
// writer connection, kept by the pool) while it runs; afterwards, whether
// the file was taken or rejected, the connection is back to SQLite's
// default of 2,000 KiB (PRAGMA cache_size = -2000, SQLite's documentation),
// so the writer does not hold the import's cache for the rest of its life.
func TestImportRosterRestoresThePageCache(t *testing.T) {
	e, ctx, po := setup(t)
	if e.App.DB.Dialect != store.SQLite {
		t.Skip("SQLite's page cache")
	}
	p, _ := e.App.Party.Get(ctx, po)
	cacheSize := func() int {
		t.Helper()
		var n int
		if err := e.App.DB.InTx(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := cacheSize(); n != -2000 {
		t.Fatalf("before: cache_size %d, want -2000", n)
	}
	row := func(n int, category string) []any {
		return []any{fmt.Sprintf("党员%d", n), "男", "汉族", "1990-01-01", id(fmt.Sprintf("43042619900101%03d", 2*n+1)), "13812345678", "大专", category, p.Name, "", "2015-07-01", "2016-07-01", ""}
	}
	res, errs := importFile(t, e.App.Members, ctx, roster(t, "", header, row(1, "正式"), row(2, "预备")))
	if len(errs) != 0 || res.Created != 2 {
		t.Fatalf("good file: %+v %v", res, errs)
	}
	if n := cacheSize(); n != -2000 {
		t.Errorf("after a good file: cache_size %d, want -2000", n)
	}
	_, errs = importFile(t, e.App.Members, ctx, roster(t, "", header, row(3, "正式"), row(4, "候补")))
	if len(errs) != 1 {
		t.Fatalf("bad file: %v", errs)
	}
	if n := cacheSize(); n != -2000 {
		t.Errorf("after a rejected file: cache_size %d, want -2000", n)
	}

	// Cancelled in the middle of its rows (the client went away): the
	// transaction ends with the context, and the cache is restored anyway.
	// The file is large enough that its sheet is still being read (and its
	// groups written) when the reader cancels halfway through the sheet.
	var rows [][]any
	for n := 0; n < 3*400; n++ {
		birth := time.Date(1991, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n/400)
		rows = append(rows, []any{fmt.Sprintf("取消%d", n), "男", "汉族", birth.Format("2006-01-02"),
			id(fmt.Sprintf("430426%s%03d", birth.Format("20060102"), 2*(n%400)+1)), "13812345678", "大专", "正式", p.Name, "", "2015-07-01", "2016-07-01", ""})
	}
	b := roster(t, "", header, rows...)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ra := cancelHalfway(t, b, "xl/worksheets/sheet1.xml", cancel)
	// What fails first varies (a statement of the rolled-back transaction,
	// or the context itself): any error, with the context cancelled.
	if _, _, err := e.App.Members.Import(cctx, ra, int64(len(b)), xlsx.Limits{}, nil); err == nil || !errors.Is(cctx.Err(), context.Canceled) {
		t.Fatalf("cancelled import: %v (context: %v), want an error", err, cctx.Err())
	}
	if !ra.cancelled {
		t.Fatal("the import never read the second half of its sheet")
	}
	if n := cacheSize(); n != -2000 {
		t.Errorf("after a cancelled import: cache_size %d, want -2000", n)
	}
	if n := countRows(t, e, `SELECT COUNT(*) FROM members WHERE name LIKE '取消%'`); n != 0 {
		t.Errorf("a cancelled import wrote %d members", n)
	}
}

// halfwayReader is a workbook that counts the reads crossing the middle of
// one of its entries (the sheet's rows) and, from the read numbered at on,
// cancels its import's context. The sheet is read whole when the file is
// opened (its size is checked) and again, streamed, while the rows are
// mapped and written inside the import's transaction.
type halfwayReader struct {
	b         []byte
	mid       int64
	crossings int
	at        int
	cancel    func()
	cancelled bool
}

func (r *halfwayReader) ReadAt(p []byte, off int64) (int, error) {
	if off <= r.mid && r.mid < off+int64(len(p)) {
		r.crossings++
		if r.cancel != nil && r.crossings == r.at {
			r.cancelled = true
			r.cancel()
		}
	}
	return bytes.NewReader(r.b).ReadAt(p, off)
}

// cancelHalfway returns a reader of b that cancels at the first read of the
// middle of entry's data once the workbook is open: when the import is
// reading its rows, inside its transaction. A dry run (open, read every
// row) counts the reads made by opening.
func cancelHalfway(t *testing.T, b []byte, entry string, cancel func()) *halfwayReader {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var mid int64 = -1
	for _, f := range z.File {
		if f.Name == entry {
			start, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			mid = start + int64(f.CompressedSize64)/2
		}
	}
	if mid < 0 {
		t.Fatalf("no %s in the workbook", entry)
	}
	probe := &halfwayReader{b: b, mid: mid}
	r, err := xlsx.OpenImport(probe, int64(len(b)), member.ImportColumns(), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	opened := probe.crossings
	for r.Next() {
	}
	r.Close()
	if probe.crossings == opened {
		t.Fatalf("the rows of %s are not read after the workbook is opened", entry)
	}
	return &halfwayReader{b: b, mid: mid, at: opened + 1, cancel: cancel}
}
