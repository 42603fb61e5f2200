package meeting_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/meeting"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/xlsx"

	"github.com/xuri/excelize/v2"
)

// ledger builds a workbook with a title row, the given header and rows.
func ledger(t *testing.T, header []string, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetCellValue("Sheet1", "A1", "2024年三会一课台账")
	for i, h := range header {
		c, _ := excelize.CoordinatesToCellName(i+1, 2)
		_ = f.SetCellValue("Sheet1", c, h)
	}
	for r, row := range rows {
		for i, v := range row {
			c, _ := excelize.CoordinatesToCellName(i+1, r+3)
			_ = f.SetCellValue("Sheet1", c, v)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func runImport(t *testing.T, k *kit, ctx context.Context, b []byte) (meeting.ImportResult, []xlsx.CellError) {
	t.Helper()
	res, errs, err := k.e.App.Meet.Import(ctx, bytes.NewReader(b), int64(len(b)), xlsx.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res, errs
}

func TestImportHistoricalMeetings(t *testing.T) {
	k := newKit(t)
	po := k.partyOrg("达孝社区联合党支部", testenv.Hongqiao)
	k.member(po.ID, "张三", "full")
	k.member(po.ID, "李四", "full")
	k.member(po.ID, "王五", "probationary")
	// Columns in another order, an extra column, dates in several forms, kinds by Chinese name.
	header := []string{"序号", "召开日期", "党组织名称", "会议类型", "主题", "授课人", "出席党员", "请假党员", "缺席党员"}
	good := [][]any{
		{1, "2024.3.15", "达孝社区联合党支部", "主题党日", "学雷锋志愿服务", "", "张三、李四", "王五", ""},
		{2, "2024年4月2日", "达孝社区联合党支部", "党课", "党史学习", "张书记", "张三", "", "李四、王五"},
		{3, "2024/06/28", "达孝社区 联合党支部", "支部党员大会", "半年工作总结", "", "张三，李四，王五", "", ""},
	}
	res, errs := runImport(t, k, k.ctx, ledger(t, header, good...))
	if len(errs) != 0 || res.Created != 3 || res.Rows != 3 {
		t.Fatalf("good file: %+v %v", res, errs)
	}
	list, total, err := k.e.App.Meet.List(k.ctx, meeting.Filter{PartyOrgID: po.ID, Page: 1, PageSize: 10})
	if err != nil || total != store.Exact(3) {
		t.Fatalf("listed %v: %v", total, err)
	}
	var lecture meeting.Meeting
	for _, m := range list {
		if m.Kind == meeting.KindPartyLecture {
			lecture = m
		}
		if !m.Late { // 2024 is long past on 2026-11-23: recorded late, marked so
			t.Errorf("%s %s not marked 补报", m.Date, m.KindName)
		}
	}
	if lecture.Date != "2024-04-02" || lecture.Present != 1 || lecture.Absent != 2 || lecture.Presenter != "张书记" {
		t.Fatalf("lecture: %+v", lecture)
	}
	// Re-importing the same file changes nothing.
	res, errs = runImport(t, k, k.ctx, ledger(t, header, good...))
	if len(errs) != 0 || res.Created != 0 || res.Updated != 0 || res.Unchanged != 3 {
		t.Fatalf("re-import: %+v %v", res, errs)
	}
	// One bad cell among good rows: nothing is written, and the cell is named.
	bad := append([][]any{}, good...)
	bad = append(bad, []any{4, "2024-09-01", "达孝社区联合党支部", "主题党日", "重阳敬老", "", "张三、赵六", "", ""},
		[]any{5, "2024-10-01", "达孝社区联合党支部", "茶话会", "国庆", "", "", "", ""},
		[]any{6, "2024-11-01", "不存在的党支部", "党课", "廉政", "某某", "", "", ""},
		[]any{7, "2024-12-01", "达孝社区联合党支部", "党课", "没有授课人", "", "", "", ""})
	res, errs = runImport(t, k, k.ctx, ledger(t, header, bad...))
	if res.Created != 0 || len(errs) != 4 {
		t.Fatalf("bad file: %+v %v", res, errs)
	}
	want := map[int]string{6: "赵六 不在本党组织", 7: "会议类型应为", 8: "不在您的管辖范围", 9: "授课人"}
	for _, e := range errs {
		if !strings.Contains(e.Message, want[e.Row]) {
			t.Errorf("row %d %s: %q, want %q", e.Row, e.Column, e.Message, want[e.Row])
		}
	}
	if _, total, _ := k.e.App.Meet.List(k.ctx, meeting.Filter{PartyOrgID: po.ID, Page: 1, PageSize: 10}); total != store.Exact(3) {
		t.Fatalf("a rejected file wrote meetings: %v", total)
	}
}

func TestImportStaysInScope(t *testing.T) {
	k := newKit(t)
	k.partyOrg("玉合街道某公司党支部", testenv.Yuhe)
	hq := actor.With(context.Background(), actor.Actor{Username: "hq", Role: "street", Scope: testenv.Hongqiao})
	res, errs := runImport(t, k, hq, ledger(t, meeting.ImportHeaders(), []any{"玉合街道某公司党支部", "主题党日", "2024-05-01", "", "活动"}))
	if res.Created != 0 || len(errs) != 1 || errs[0].Column != meeting.ColPartyOrg {
		t.Fatalf("another street's branch: %+v %v", res, errs)
	}
}

// A ledger with 主持人 and 记录人 records them; an older file without those
// columns still imports and keeps what was recorded.
func TestImportHostAndRecorder(t *testing.T) {
	k := newKit(t)
	k.partyOrg("石亭子社区党支部", testenv.Hongqiao)
	withHost := ledger(t, []string{"党组织名称", "会议类型", "召开日期", "主题", "主持人", "记录人"},
		[]any{"石亭子社区党支部", "主题党日", "2024-05-01", "清洁家园", "刘书记", "陈委员"})
	if res, errs := runImport(t, k, k.ctx, withHost); len(errs) != 0 || res.Created != 1 {
		t.Fatalf("with 主持人: %+v %v", res, errs)
	}
	old := ledger(t, []string{"党组织名称", "会议类型", "召开日期", "主题"}, []any{"石亭子社区党支部", "主题党日", "2024-05-01", "清洁家园"})
	if res, errs := runImport(t, k, k.ctx, old); len(errs) != 0 || res.Unchanged != 1 {
		t.Fatalf("old file: %+v %v", res, errs)
	}
	list, _, err := k.e.App.Meet.List(k.ctx, meeting.Filter{Page: 1, PageSize: 10})
	if err != nil || len(list) != 1 || list[0].Host != "刘书记" || list[0].Recorder != "陈委员" {
		t.Fatalf("recorded: %+v %v", list, err)
	}
	tooLong := ledger(t, []string{"党组织名称", "会议类型", "召开日期", "主题", "记录人"},
		[]any{"石亭子社区党支部", "主题党日", "2024-06-01", "七一", strings.Repeat("记", 51)})
	if _, errs := runImport(t, k, k.ctx, tooLong); len(errs) != 1 || errs[0].Column != meeting.ColRecorder {
		t.Fatalf("51-character 记录人: %v", errs)
	}
}
