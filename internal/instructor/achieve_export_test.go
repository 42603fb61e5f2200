package instructor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/apperr"
	"liangxin/internal/instructor"
	"liangxin/internal/sheetexport"
	"liangxin/internal/testenv"
)

// workbook reads an exported workbook back, sheet by sheet, in order.
func workbook(t *testing.T, b []byte) ([]string, map[string][][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		if out[name], err = f.GetRows(name); err != nil {
			t.Fatal(err)
		}
	}
	return f.GetSheetList(), out
}

type exportEntry struct {
	Count    int
	EntityID string
	Note     string
	Filters  map[string]any
}

// achievementEntries are the export entries of entity instructor_achievement, the last one's detail.
func achievementEntries(t *testing.T, e *testenv.Env) exportEntry {
	t.Helper()
	db := e.App.DB
	var x exportEntry
	if err := db.QueryRow(context.Background(), db, `SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'instructor_achievement'`).Scan(&x.Count); err != nil {
		t.Fatal(err)
	}
	if x.Count == 0 {
		return x
	}
	var detail string
	if err := db.QueryRow(context.Background(), db, `SELECT entity_id, detail FROM audit_log WHERE action = 'export' AND entity = 'instructor_achievement' ORDER BY id DESC LIMIT 1`).
		Scan(&x.EntityID, &detail); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Note  string `json:"note"`
		After struct {
			Filters map[string]any `json:"filters"`
		} `json:"after"`
	}
	if err := json.Unmarshal([]byte(detail), &d); err != nil {
		t.Fatal(err)
	}
	x.Note, x.Filters = d.Note, d.After.Filters
	return x
}

func sameRows(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Errorf("%s\n got %q\nwant %q", what, got, want)
	}
}

// The ranking workbook over 2026: the figures counted by hand in the
// fixture, the 合计 row, the period and the 党统 figure; one entry counting
// the instructors.
func TestExportRanking(t *testing.T) {
	fx := newAchieveFixture(t)
	var buf bytes.Buffer
	f := instructor.RankingFilter{Period: instructor.Period{From: "2026-01-01", To: "2026-12-31"}}
	if err := fx.e.App.Instr.ExportRanking(districtCtx(), sheetexport.Target{W: &buf}, f); err != nil {
		t.Fatal(err)
	}
	sheets, rows := workbook(t, buf.Bytes())
	if fmt.Sprint(sheets) != "[工作成效排名]" {
		t.Fatalf("sheets %v", sheets)
	}
	sameRows(t, "ranking", rows["工作成效排名"], [][]string{
		{"名次", "指导员", "类别", "所在区划", "工作单位", "联系单位数", "走访单位数", "走访次数", "按时走访次数", "发现问题", "已解决问题", "孵化党组织", "入党申请", "接收预备党员"},
		{"1", "许指导", "专职", "洪桥街道", "", "3", "3", "5", "2", "2", "0", "1", "1", "1"},
		{"2", "严指导", "兼职", "玉合街道", "", "2", "1", "1", "0", "0", "0", "0", "0", "0"},
		{"合计", "2 名指导员", "", "", "", "5", "4", "6", "2", "2", "0", "1", "1", "1"},
		nil,
		{"", "统计期间 2026-01-01 至 2026-12-31；截至 2026-11-23 党建工作指导员联系的两新组织 3 个"},
	})
	x := achievementEntries(t, fx.e)
	if x.Count != 1 || x.Note != "导出党建指导员工作成效排名 2 条" || x.Filters["from"] != "2026-01-01" || x.Filters["to"] != "2026-12-31" {
		t.Errorf("entry %+v", x)
	}
}

// The 述职 workbook of 许指导 over 2026: the summary, the visits newest
// first, the organizations assigned with whether each was visited, and the
// 孵化 results; the target is named after the instructor and the period;
// one entry naming the instructor and counting the visits. Another street
// gets not found, and nothing is written or recorded.
func TestExportAchievement(t *testing.T) {
	fx := newAchieveFixture(t)
	svc, ctx := fx.e.App.Instr, districtCtx()
	if _, err := svc.SolveVisit(ctx, fx.x, fx.visits[fmt.Sprint(fx.a, " 2026-01-20")], instructor.SolveInput{SolvedOn: "2026-05-01", Note: "协调社区党群服务中心提供场地"}); err != nil {
		t.Fatal(err)
	}
	year := instructor.Period{From: "2026-01-01", To: "2026-12-31"}
	var buf bytes.Buffer
	var titles []string
	target := func(title string) sheetexport.Target {
		titles = append(titles, title)
		return sheetexport.Target{W: &buf}
	}
	if err := svc.ExportAchievement(streetCtx(testenv.Yuhe), target, fx.x, year); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("玉合 exporting 许: %v, want not found", err)
	}
	if buf.Len() != 0 || len(titles) != 0 || achievementEntries(t, fx.e).Count != 0 {
		t.Fatalf("a refused export wrote %d bytes, titles %v", buf.Len(), titles)
	}
	if err := svc.ExportAchievement(ctx, target, fx.x, year); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(titles) != "[许指导工作成效2026-01-01至2026-12-31]" {
		t.Errorf("titles %q", titles)
	}
	sheets, rows := workbook(t, buf.Bytes())
	if fmt.Sprint(sheets) != "[汇总 走访记录 走访单位 孵化成效]" {
		t.Fatalf("sheets %v", sheets)
	}
	sameRows(t, "summary", rows["汇总"], [][]string{{"项目", "数量"}, {"指导员", "许指导"}, {"类别", "专职"}, {"所在区划", "洪桥街道"}, {"工作单位"},
		{"统计期间", "2026-01-01 至 2026-12-31"}, {"联系单位数", "3"}, {"走访单位数", "3"}, {"走访次数", "5"}, {"按时走访次数", "2"}, {"发现问题", "2"},
		{"已解决问题", "1"}, {"孵化党组织", "1"}, {"入党申请", "1"}, {"接收预备党员", "1"}})
	// The visits without the form column (the fixture does not set it).
	var visits [][]string
	for _, r := range rows["走访记录"] {
		for len(r) < 8 {
			r = append(r, "")
		}
		visits = append(visits, append(append([]string{}, r[:2]...), r[3:]...))
	}
	sameRows(t, "visits", visits, [][]string{
		{"走访日期", "两新组织", "应走访日期", "是否按时", "发现的问题", "解决日期", "解决情况"},
		{"2026-08-15", "丙店", "2026-08-01", "否", "", "", ""},
		{"2026-04-05", "甲店", "2026-04-10", "是", "党员流动性大", "", ""},
		{"2026-03-10", "甲店", "2026-02-20", "否", "", "", ""},
		{"2026-02-15", "乙店", "2026-01-20", "否", "", "", ""},
		{"2026-01-20", "甲店", "2026-02-01", "是", "缺少活动场所", "2026-05-01", "协调社区党群服务中心提供场地"},
	})
	sameRows(t, "organizations", rows["走访单位"], [][]string{{"两新组织", "是否走访"}, {"乙店", "是"}, {"甲店", "是"}, {"丙店", "是"}})
	inc := rows["孵化成效"]
	if len(inc) != 4 || fmt.Sprintf("%q", inc[1]) != fmt.Sprintf("%q", []string{"组建党组织", "甲店", "甲店党支部", "党组织开始覆盖", "2026-06-01"}) ||
		inc[2][0] != "发展党员" || inc[2][2] != "甲申请人" || inc[2][4] != "2026-02-10" || inc[3][4] != "2026-10-01" {
		t.Errorf("incubation rows %q", inc)
	}
	x := achievementEntries(t, fx.e)
	if x.Count != 1 || x.EntityID != fmt.Sprint(fx.x) || x.Note != "导出许指导工作成效2026-01-01至2026-12-31 5 条" || x.Filters["from"] != "2026-01-01" {
		t.Errorf("entry %+v", x)
	}
}
