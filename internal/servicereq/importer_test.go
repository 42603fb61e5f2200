package servicereq_test

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/servicereq"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/xlsx"
)

func workbook(t *testing.T, rows ...[]any) *bytes.Reader {
	t.Helper()
	x := excelize.NewFile()
	all := append([][]any{}, []any{})
	for _, h := range servicereq.ImportHeaders() {
		all[0] = append(all[0], h)
	}
	all = append(all, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

func (v *env) importFile(ctx context.Context, f *bytes.Reader) (servicereq.ImportResult, []xlsx.CellError, error) {
	return v.svc.Import(ctx, f, f.Size(), xlsx.Limits{}, nil)
}

// Historical requests land in their final state with their dates; any
// wrong cell rejects the whole file, naming row and column.
func TestImportHistoricalRequests(t *testing.T) {
	v := setup(t)
	hq := street(testenv.Hongqiao)
	good := workbook(t,
		// closed: received Friday 2026-03-06, 政策咨询 5 days → due 03-13; done 03-10 (4 days, on time), replied 03-11 满意.
		[]any{"2026-03-06", "接待台", "政策咨询", "咨询稳岗补贴", "张经理", "13800001111", "洪桥街道", "2026-03-10", "已讲解申领流程", "2026-03-11", "满意"},
		// done, late: received 2026-03-02, 融资需求 10 days → due 03-16; done 03-20 (18 days).
		[]any{"2026/3/2", "政企对话", "融资需求", "=申请贴息贷款", "李总", "", "洪桥街道", "2026年3月20日", "已对接银行", "", ""},
		// still open: received 2026-11-20.
		[]any{"2026-11-20", "电话", "民生诉求", "门前路灯不亮", "王阿姨", "139****5678", testenv.Hongqiao, "", "", "", ""},
	)
	res, errs, err := v.importFile(hq, good)
	if err != nil || len(errs) != 0 || res.Rows != 3 || res.Created != 3 {
		t.Fatalf("import: %v %v %+v", err, errs, res)
	}
	items, total, err := v.svc.List(hq, servicereq.Filter{Sort: "received_asc", Page: 1, PageSize: 20})
	if err != nil || total != store.Exact(3) {
		t.Fatalf("list %v %v", err, total)
	}
	late, closed, open := items[0], items[1], items[2]
	if closed.State != "closed" || closed.DueOn != "2026-03-13" || *closed.DoneOn != "2026-03-10" || *closed.RepliedOn != "2026-03-11" ||
		closed.Satisfaction != "satisfied" || closed.RequesterPhone != "138****1111" || closed.Result != "已讲解申领流程" {
		t.Errorf("closed %+v", closed)
	}
	if late.State != "done" || late.Source != "dialogue" || late.Content != "=申请贴息贷款" || late.DueOn != "2026-03-16" || *late.DoneOn != "2026-03-20" {
		t.Errorf("late %+v", late)
	}
	if open.State != "received" || open.RequesterPhone != "" || open.DoneOn != nil || open.AllowedActions[0] != "handle" {
		t.Errorf("open %+v", open)
	}
	tl, err := v.svc.Timeline(hq, closed.ID)
	if err != nil || len(tl) != 4 || tl[1].Action != "finish" || !strings.HasPrefix(tl[1].At, "2026-03-10") || tl[3].Action != "close" {
		t.Errorf("timeline %v %+v", err, tl)
	}
	st, err := v.svc.Stats(hq, servicereq.StatsFilter{From: "2026-03-01", To: "2026-03-31"})
	if err != nil || st.Total != (servicereq.Figures{Received: 2, Done: 2, OnTime: 1, OnTimeRate: 50, Replied: 1, Satisfied: 1, SatisfactionRate: 100, AvgDays: 11}) {
		t.Errorf("March figures %v %+v", err, st.Total)
	}

	// The same file again: every row is already there; nothing is written.
	good.Seek(0, 0)
	res, errs, err = v.importFile(hq, good)
	if err != nil || len(errs) != 3 || res.Created != 0 || errs[0].Column != "内容" {
		t.Fatalf("re-import %v %+v", err, errs)
	}

	bad := workbook(t,
		[]any{"2026-13-01", "邮件", "政策咨询", "", "赵先生", "123", "玉合街道", "", "", "", ""},
		[]any{"2026-04-01", "接待台", "不存在的类别", "内容", "钱先生", "", "洪桥街道", "2026-03-30", "已办", "", ""},
		[]any{"2026-04-01", "接待台", "政策咨询", "内容二", "孙先生", "", "洪桥街道", "2026-04-02", "", "", ""},
		[]any{"2026-04-01", "接待台", "政策咨询", "内容三", "周先生", "", "洪桥街道", "2026-04-02", "已办", "2026-04-03", ""},
		[]any{"2026-04-01", "接待台", "政策咨询", "内容四", "吴先生", "", "洪桥街道", "2026-04-02", "已办", "2026-04-01", "满意"},
		[]any{"2026-04-01", "接待台", "政策咨询", "内容五", "郑先生", "", "洪桥街道", "2026-04-02", "已办", "2026-04-03", "满意"},
	)
	res, errs, err = v.importFile(hq, bad)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, e := range errs {
		got = append(got, e.Error())
	}
	sort.Strings(got)
	want := []string{}
	for _, w := range []struct {
		row      int
		col, msg string
	}{
		{2, "受理日期", "日期无法识别"}, {2, "来源", "来源应为"}, {2, "内容", "请填写内容"}, {2, "电话", "11位手机号"}, {2, "所属区划", "不在管辖范围内"},
		{3, "类别", "不是设置中的诉求类别"}, {4, "办理结果", "请填写办理结果"}, {5, "满意度", "请填写诉求人满意度"}, {6, "回单日期", "不能早于办结日期"},
	} {
		want = append(want, xlsx.CellError{Row: w.row, Column: w.col, Message: w.msg}.Error())
	}
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("errors %q, want %d like %q", got, len(want), want)
	}
	for _, w := range want {
		found := false
		prefix := w[:strings.Index(w, "：")+len("：")]
		for _, g := range got {
			found = found || (strings.HasPrefix(g, prefix) && strings.Contains(g, w[len(prefix):]))
		}
		if !found {
			t.Errorf("no error like %q in %q", w, got)
		}
	}
	if _, total, _ := v.svc.List(hq, servicereq.Filter{Page: 1, PageSize: 20}); total != store.Exact(3) || res.Created != 0 {
		t.Errorf("rejected file wrote: %v requests", total)
	}
}

// The template is the import's own sheet with its example row under the
// header: the reader finds every column and the one example row.
func TestImportTemplateExample(t *testing.T) {
	var buf bytes.Buffer
	if err := servicereq.ImportTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := xlsx.OpenImport(bytes.NewReader(buf.Bytes()), int64(buf.Len()), servicereq.ImportColumns(), xlsx.Limits{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rows []xlsx.Row
	for r.Next() {
		rows = append(rows, r.Row())
	}
	if r.Err() != nil || len(rows) != 1 {
		t.Fatalf("rows %d, %v", len(rows), r.Err())
	}
	if x := rows[0]; x.Get(servicereq.ColReceived).Text() != "2025-03-15" || !strings.Contains(x.Get(servicereq.ColContent).Text(), "示例") ||
		x.Get(servicereq.ColSatisf).Text() != "满意" {
		t.Errorf("example row %+v", x.Cells)
	}
}
