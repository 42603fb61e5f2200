package sheetexport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/audit"
	"liangxin/internal/sheetexport"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

type person struct {
	Name  string
	Phone string
	Age   int
}

func fixture(t *testing.T) (*store.DB, *audit.Logger, context.Context) {
	t.Helper()
	db := storetest.Open(t)
	log := &audit.Logger{DB: db, Now: func() time.Time { return time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC) }}
	ctx := actor.With(context.Background(), actor.Actor{UserID: 7, Username: "hq_street", Role: "street", IP: "10.0.0.9"})
	return db, log, ctx
}

type entry struct {
	Username, Action, Entity, Result string
	Detail                           map[string]any
}

func entries(t *testing.T, db *store.DB) []entry {
	t.Helper()
	rows, err := db.Query(context.Background(), db, `SELECT username, action, entity, result, detail FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []entry
	for rows.Next() {
		var e entry
		var d *string
		if err := rows.Scan(&e.Username, &e.Action, &e.Entity, &e.Result, &d); err != nil {
			t.Fatal(err)
		}
		if d != nil {
			if err := json.Unmarshal([]byte(*d), &e.Detail); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func read(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return out
}

// TestHostileCellsAndOneEntry: hand-made hostile cells come out quoted, the
// headers and tail are there, and exactly one entry records the actor, the
// filters and the count (3 people, 4 rows: 王五 has two).
func TestHostileCellsAndOneEntry(t *testing.T) {
	db, log, ctx := fixture(t)
	people := []person{
		{`=HYPERLINK("http://evil.example","点我")`, "+8613800138000", 30},
		{"@SUM(A1:A9)", "-5", 41},
		{"\t=1+1", "\r=cmd", 52},
	}
	sheet := sheetexport.Rows("名单", []string{"姓名", "电话", "年龄"}, []float64{20, 16, 8}, sheetexport.Slice(people),
		func(p person, emit sheetexport.Emit) error {
			if err := emit(p.Name, p.Phone, p.Age); err != nil {
				return err
			}
			if p.Age > 50 {
				return emit("王五", "a=b", p.Age)
			}
			return nil
		}, func(emit sheetexport.Emit) error { return emit("统计口径", "=1+1") })
	var buf bytes.Buffer
	ready := 0
	res, err := sheetexport.Write(ctx, sheetexport.Target{W: &buf, Ready: func() { ready++ }},
		sheetexport.Audit{Logger: log, DB: db, Entity: "person", Filters: map[string]string{"region_code": "330502001"},
			Note: func(n int) string { return fmt.Sprintf("导出名单 %d 条", n) }}, sheet)
	if err != nil {
		t.Fatal(err)
	}
	if res.Items != 3 || res.Rows != 4 || ready != 1 {
		t.Fatalf("result %+v, ready %d; want 3 items, 4 rows, ready once", res, ready)
	}
	got := read(t, buf.Bytes())["名单"]
	want := [][]string{
		{"姓名", "电话", "年龄"},
		{`'=HYPERLINK("http://evil.example","点我")`, "'+8613800138000", "30"},
		{"'@SUM(A1:A9)", "'-5", "41"},
		{"'\t=1+1", "'\r=cmd", "52"},
		{"王五", "a=b", "52"},
		{"统计口径", "'=1+1"},
	}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Fatalf("cells\n got %q\nwant %q", got, want)
	}
	es := entries(t, db)
	if len(es) != 1 {
		t.Fatalf("%d audit entries, want 1: %+v", len(es), es)
	}
	e := es[0]
	if e.Username != "hq_street" || e.Action != "export" || e.Entity != "person" || e.Result != "success" || e.Detail["note"] != "导出名单 3 条" {
		t.Fatalf("entry %+v", e)
	}
	after, _ := e.Detail["after"].(map[string]any)
	filters, _ := after["filters"].(map[string]any)
	if after["items"] != 3.0 || after["rows"] != 4.0 || filters["region_code"] != "330502001" {
		t.Fatalf("entry detail %+v", e.Detail)
	}
}

// TestPagedWalksEveryPage: 1,234 items in pages of 500 are asked for as
// pages 1, 2 and 3 and every item is written once; two sheets, the note
// counts the first.
func TestPagedWalksEveryPage(t *testing.T) {
	db, log, ctx := fixture(t)
	const total = 1234
	var pages []int
	src := sheetexport.Paged(func(_ context.Context, page, size int) ([]int, int, error) {
		pages = append(pages, page)
		var out []int
		for i := (page - 1) * size; i < page*size && i < total; i++ {
			out = append(out, i)
		}
		return out, total, nil
	})
	var buf bytes.Buffer
	res, err := sheetexport.Write(ctx, sheetexport.Target{W: &buf}, sheetexport.Audit{Logger: log, DB: db, Entity: "n", Note: func(n int) string { return fmt.Sprint(n) }},
		sheetexport.One("数", []string{"序号"}, nil, src, func(i int) []any { return []any{i} }),
		sheetexport.One("汇总", []string{"项目", "数量"}, nil, sheetexport.Slice([]int{total}), func(i int) []any { return []any{"合计", i} }))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(pages) != "[1 2 3]" || res.Items != total || res.Rows != total+1 {
		t.Fatalf("pages %v, result %+v", pages, res)
	}
	wb := read(t, buf.Bytes())
	if rows := wb["数"]; len(rows) != total+1 || rows[total][0] != "1233" {
		t.Fatalf("sheet 数 has %d rows", len(rows))
	}
	if rows := wb["汇总"]; len(rows) != 2 || rows[1][1] != "1234" {
		t.Fatalf("sheet 汇总 %q", rows)
	}
	if es := entries(t, db); len(es) != 1 || es[0].Detail["note"] != "1234" {
		t.Fatalf("entries %+v", es)
	}
}

type brokenPipe struct{ n, limit int }

func (b *brokenPipe) Write(p []byte) (int, error) {
	if b.n+len(p) > b.limit {
		return 0, errors.New("write: broken pipe")
	}
	b.n += len(p)
	return len(p), nil
}

// TestClientGoneRecordsTheCut: the copy fails after a few bytes with the
// request's context cancelled; the log holds the export entry and a failure
// entry saying the file was cut, with the count.
func TestClientGoneRecordsTheCut(t *testing.T) {
	db, log, ctx := fixture(t)
	ctx, cancel := context.WithCancel(ctx)
	items := make([]int, 5000)
	src := sheetexport.Source[int](func(ctx context.Context, yield func(int) error) error {
		for i := range items {
			if err := yield(i); err != nil {
				return err
			}
		}
		return nil
	})
	w := &brokenPipe{limit: 1000}
	_, err := sheetexport.Write(ctx, sheetexport.Target{W: w, Ready: cancel}, sheetexport.Audit{Logger: log, DB: db, Entity: "n",
		Note: func(n int) string { return fmt.Sprintf("导出 %d 条", n) }},
		sheetexport.One("数", []string{"序号"}, nil, src, func(i int) []any { return []any{i} }))
	if err == nil {
		t.Fatal("a broken copy must fail")
	}
	es := entries(t, db)
	if len(es) != 2 || es[0].Result != "success" || es[1].Result != "failure" || es[1].Detail["note"] != "导出 5000 条，传输中断，文件未完整送达" {
		t.Fatalf("entries %+v", es)
	}
	if after, _ := es[1].Detail["after"].(map[string]any); after["cut"] != true || after["rows"] != 5000.0 {
		t.Fatalf("cut entry %+v", es[1].Detail)
	}
}

// TestNoAuditNoFile: when the entry cannot be written nothing is sent and
// Ready is not called; an export without an audit declaration is refused.
func TestNoAuditNoFile(t *testing.T) {
	db, log, ctx := fixture(t)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	var buf bytes.Buffer
	ready := false
	sheet := sheetexport.One("数", []string{"序号"}, nil, sheetexport.Slice([]int{1}), func(i int) []any { return []any{i} })
	if _, err := sheetexport.Write(cctx, sheetexport.Target{W: &buf, Ready: func() { ready = true }},
		sheetexport.Audit{Logger: log, DB: db, Entity: "n", Note: func(int) string { return "x" }}, sheet); err == nil {
		t.Fatal("an export whose audit entry fails must fail")
	}
	if ready || buf.Len() != 0 {
		t.Fatalf("sent %d bytes, ready %v", buf.Len(), ready)
	}
	if _, err := sheetexport.Write(ctx, sheetexport.Target{W: &buf}, sheetexport.Audit{}, sheet); !errors.Is(err, sheetexport.ErrNoAudit) {
		t.Fatalf("err %v, want ErrNoAudit", err)
	}
	if es := entries(t, db); len(es) != 0 {
		t.Fatalf("entries %+v", es)
	}
}

// TestMaskSearch: the numbers of a search term keep their first 3 and last
// 2 characters around asterisks of the same length; short numbers and other
// text stay.
func TestMaskSearch(t *testing.T) {
	for in, want := range map[string]string{
		"430426199001011234":        "430*************34",
		"43042619900101123X":        "430*************3X",
		"张三 13800138000":            "张三 138******00",
		"第12345号":                   "第12345号",
		"123456":                    "123*56",
		"ａ１３８００１３８０００":              "ａ１３８******００",
		"110105800101123 与 430426x": "110**********23 与 430*26x",
		"":                          "",
	} {
		if got := sheetexport.MaskSearch(in); got != want {
			t.Errorf("MaskSearch(%q) = %q, want %q", in, got, want)
		}
	}
}

// searchFilter is a list filter whose free-text field marshals as "Q".
type searchFilter struct {
	Q          string
	RegionCode string
}

// TestSearchFiltersRecordedMasked: an ID number or phone typed into a
// search box is recorded masked, whatever the filter's shape (a map with
// "q" or "keyword", a struct with Q); other filters (a region code of nine
// digits) are recorded as given.
func TestSearchFiltersRecordedMasked(t *testing.T) {
	db, log, ctx := fixture(t)
	sheet := sheetexport.One("数", []string{"序号"}, nil, sheetexport.Slice([]int{1}), func(i int) []any { return []any{i} })
	for _, f := range []any{
		map[string]string{"q": "430426199001011234", "region_code": "330502001"},
		map[string]any{"member_keyword": "电话13800138000", "region_code": "330502001"},
		searchFilter{Q: "430426199001011234", RegionCode: "330502001"},
	} {
		if _, err := sheetexport.Write(ctx, sheetexport.Target{W: &bytes.Buffer{}}, sheetexport.Audit{Logger: log, DB: db, Entity: "n", Filters: f,
			Note: func(n int) string { return fmt.Sprint(n) }}, sheet); err != nil {
			t.Fatal(err)
		}
	}
	es := entries(t, db)
	if len(es) != 3 {
		t.Fatalf("entries %+v", es)
	}
	want := []map[string]any{
		{"q": "430*************34", "region_code": "330502001"},
		{"member_keyword": "电话138******00", "region_code": "330502001"},
		{"Q": "430*************34", "RegionCode": "330502001"},
	}
	for i, e := range es {
		after, _ := e.Detail["after"].(map[string]any)
		if got := fmt.Sprint(after["filters"]); got != fmt.Sprint(want[i]) {
			t.Errorf("entry %d filters %s, want %s", i, got, fmt.Sprint(want[i]))
		}
	}
}

// TestActionOverride: an export may keep an action code of its own.
func TestActionOverride(t *testing.T) {
	db, log, ctx := fixture(t)
	sheet := sheetexport.One("数", []string{"序号"}, nil, sheetexport.Slice([]int{1}), func(i int) []any { return []any{i} })
	if _, err := sheetexport.Write(ctx, sheetexport.Target{W: &bytes.Buffer{}}, sheetexport.Audit{Logger: log, DB: db, Action: "audit_export", Entity: "audit_log",
		Note: func(n int) string { return fmt.Sprintf("导出 %d 条", n) }}, sheet); err != nil {
		t.Fatal(err)
	}
	if es := entries(t, db); len(es) != 1 || es[0].Action != "audit_export" || es[0].Entity != "audit_log" || es[0].Detail["note"] != "导出 1 条" {
		t.Fatalf("entries %+v", es)
	}
}
