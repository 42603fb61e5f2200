package assess_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/assess"
	"liangxin/internal/sheetexport"
	"liangxin/internal/testenv"
)

// exported is a workbook read back with the audit entry it left.
type exported struct {
	sheets   []string
	rows     map[string][][]string
	entity   string
	entityID string
	note     string
	after    map[string]any
}

// export runs fn into a buffer and reads back the workbook and the last
// export entry of the audit log.
func (v *env) export(fn func(t sheetexport.Target) error) exported {
	v.t.Helper()
	var buf bytes.Buffer
	ready := false
	if err := fn(sheetexport.Target{W: &buf, Ready: func() { ready = true }}); err != nil {
		v.t.Fatal(err)
	}
	if !ready {
		v.t.Fatal("Ready not called")
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		v.t.Fatal(err)
	}
	defer f.Close()
	out := exported{sheets: f.GetSheetList(), rows: map[string][][]string{}}
	for _, name := range out.sheets {
		if out.rows[name], err = f.GetRows(name); err != nil {
			v.t.Fatal(err)
		}
	}
	db := v.e.App.DB
	var detail string
	if err := db.QueryRow(context.Background(), db, `SELECT entity, entity_id, detail FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1`).
		Scan(&out.entity, &out.entityID, &detail); err != nil {
		v.t.Fatal(err)
	}
	var d struct {
		Note  string         `json:"note"`
		After map[string]any `json:"after"`
	}
	if err := json.Unmarshal([]byte(detail), &d); err != nil {
		v.t.Fatal(err)
	}
	out.note, out.after = d.Note, d.After
	return out
}

func same(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Errorf("%s\n got %q\nwant %q", what, got, want)
	}
}

// The results workbook: the ranked rows, a blank row and the distribution;
// the entry names the round and counts the party organizations.
func TestExportRound(t *testing.T) {
	v := setup(t)
	a, b := v.branch(testenv.Yuhe), v.branch(testenv.Yuhe)
	sh := v.sheet()
	r := v.round(sh, testenv.Yuhe)
	v.score(r, sh, a.ID, "58", "38")
	v.score(r, sh, b.ID, "50", "")
	x := v.export(func(t sheetexport.Target) error { return v.svc.ExportRound(v.ctx, t, r.ID) })
	if fmt.Sprint(x.sheets) != "[星级评定结果]" {
		t.Fatalf("sheets %v", x.sheets)
	}
	same(t, "round rows", x.rows["星级评定结果"], [][]string{
		{"排名", "党组织", "所在区划", "总分", "星级", "一票否决", "群众满意度（%）", "评分状态"},
		{"1", a.Name, a.RegionName, "96.00", "五星级", "", "", "已评完"},
		{"2", b.Name, b.RegionName, "50.00", "一星级", "", "", "缺 1 项"},
		nil,
		{"", "2025年度星级评定：五星级党支部1个、一星级1个"},
	})
	if x.entity != "assess_round" || x.entityID != fmt.Sprint(r.ID) || x.note != "导出星级评定结果 2 条" || x.after["items"] != 2.0 {
		t.Errorf("entry %+v", x)
	}
}

// The 软弱涣散 workbook: one row per signal, the designation shown; the
// entry counts the party organizations and records the filters.
func TestExportSignals(t *testing.T) {
	v := setup(t)
	vacant := v.branch(testenv.Hongqiao)
	v.secretary(vacant.ID, "2020-01-01", "2026-03-01")
	if _, err := v.svc.Designate(v.ctx, assess.RectificationInput{PartyOrgID: vacant.ID, DesignatedOn: "2026-05-01", Reasons: "书记空缺", Deadline: "2026-09-30"}); err != nil {
		t.Fatal(err)
	}
	f := assess.SignalFilter{AsOf: "2026-06-02", RegionCode: testenv.Hongqiao}
	rep, err := v.svc.Signals(v.ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	x := v.export(func(t sheetexport.Target) error { return v.svc.ExportSignals(v.ctx, t, f) })
	want := [][]string{{"党组织", "所在区划", "预警信号", "依据", "已认定整改"}}
	vacancyRow := false
	for _, it := range rep.Items {
		for _, sg := range it.Signals {
			d := "否"
			if it.Designated {
				d = "是"
			}
			want = append(want, []string{it.PartyOrgName, it.RegionName, sg.Name, sg.Evidence, d})
			vacancyRow = vacancyRow || (it.PartyOrgID == vacant.ID && sg.Code == assess.SignalSecretaryVacant && d == "是" &&
				strings.Contains(sg.Evidence, "书记自 2026-03-01 起空缺"))
		}
	}
	if len(rep.Unavailable) > 0 {
		want = append(want, []string{"未能检查：" + strings.Join(rep.Unavailable, "、") + "（数据来源未接入）"})
	}
	if !vacancyRow || len(rep.Items) == 0 {
		t.Fatalf("the designated vacancy is not in the report: %+v", rep)
	}
	same(t, "signal rows", x.rows["软弱涣散预警"], want)
	filters, _ := x.after["filters"].(map[string]any)
	if x.entity != "assess_signal" || x.note != fmt.Sprintf("导出软弱涣散预警 %d 条", len(rep.Items)) || filters["AsOf"] != "2026-06-02" {
		t.Errorf("entry %+v", x)
	}
}

// The rectification ledger: one row per record with its completion.
func TestExportRectifications(t *testing.T) {
	v := setup(t)
	po := v.branch(testenv.Hongqiao)
	c, err := v.svc.Designate(v.ctx, assess.RectificationInput{PartyOrgID: po.ID, DesignatedOn: "2026-03-01", Reasons: "书记空缺超过3个月",
		Measures: "选派第一书记", Responsible: "王建国", Deadline: "2026-09-30"})
	if err != nil {
		t.Fatal(err)
	}
	done := "2026-08-15"
	if c, err = v.svc.UpdateRectification(v.ctx, c.ID, assess.RectificationPatch{DoneOn: &done}); err != nil {
		t.Fatal(err)
	}
	x := v.export(func(t sheetexport.Target) error {
		return v.svc.ExportRectifications(v.ctx, t, assess.RectificationFilter{RegionCode: testenv.Hongqiao})
	})
	same(t, "rectification rows", x.rows["整改台账"], [][]string{
		{"党组织", "所在区划", "认定日期", "认定原因", "整改措施", "责任人", "整改期限", "完成日期", "整改成效", "状态"},
		{po.Name, c.RegionName, "2026-03-01", "书记空缺超过3个月", "选派第一书记", "王建国", "2026-09-30", "2026-08-15", "", "已完成整改"},
	})
	if x.entity != "assess_rectification" || x.note != "导出软弱涣散整改台账 1 条" {
		t.Errorf("entry %+v", x)
	}
}

// The pairs workbook: the two party organizations, the period, the
// activities counted and the snapshot before and after.
func TestExportPairs(t *testing.T) {
	v := setup(t)
	model, helped := v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao)
	p, err := v.svc.CreatePair(v.ctx, assess.PairInput{ModelID: model.ID, HelpedID: helped.ID, From: "2020-01-01", To: "2020-12-31", Goals: "规范三会一课"})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = v.svc.AddActivity(v.ctx, p.ID, assess.ActivityInput{HeldOn: "2020-03-15", Content: "联合开展主题党日"}); err != nil {
		t.Fatal(err)
	}
	x := v.export(func(t sheetexport.Target) error { return v.svc.ExportPairs(v.ctx, t) })
	// Before 2020 the helped branch did not exist: no rate, the note instead; after: 0.00%; no round.
	same(t, "pair rows", x.rows["结对帮带"], [][]string{
		{"示范党组织", "帮带对象", "开始日期", "结束日期", "帮带目标", "活动次数", "帮带前完成率", "帮带后完成率", "帮带前星级", "帮带后星级", "状态"},
		{model.Name, helped.Name, "2020-01-01", "2020-12-31", "规范三会一课", "1", p.Before.Note, "0.00%", "无考评结果", "无考评结果", "已结束"},
	})
	if x.entity != "assess_pair" || x.note != "导出结对帮带 1 条" || p.Before.Note == "" {
		t.Errorf("entry %+v", x)
	}
}

// The honours workbook honours the filters, newest year first.
func TestExportHonours(t *testing.T) {
	v := setup(t)
	a, b := v.branch(testenv.Hongqiao), v.branch(testenv.Hongqiao)
	for _, c := range []struct {
		po   int64
		year int
	}{{a.ID, 2025}, {b.ID, 2026}, {a.ID, 2026}} {
		h, err := v.svc.Recommend(v.ctx, assess.HonourInput{Subject: assess.SubjectPartyOrg, PartyOrgID: c.po, Kind: assess.HonourAdvancedOrg, Level: "county",
			Year: c.year, RecommendedOn: fmt.Sprintf("%d-06-01", c.year), Note: "材料齐全"})
		if err != nil {
			t.Fatal(err)
		}
		if c.year == 2025 {
			if _, err := v.svc.Decide(v.ctx, h.ID, assess.HonourDecision{Status: "awarded", DecidedOn: "2025-07-01"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	kind, level, pending, awarded := "先进基层党组织", "县级", "已推荐", "已授予"
	x := v.export(func(t sheetexport.Target) error { return v.svc.ExportHonours(v.ctx, t, assess.HonourFilter{}) })
	same(t, "honour rows", x.rows["表彰"], [][]string{
		{"年度", "表彰类别", "级别", "党员", "党组织", "状态", "推荐日期", "决定日期", "备注"},
		{"2026", kind, level, "", a.Name, pending, "2026-06-01", "", "材料齐全"},
		{"2026", kind, level, "", b.Name, pending, "2026-06-01", "", "材料齐全"},
		{"2025", kind, level, "", a.Name, awarded, "2025-06-01", "2025-07-01", "材料齐全"},
	})
	if x.entity != "assess_honour" || x.note != "导出表彰 3 条" {
		t.Errorf("entry %+v", x)
	}
	x = v.export(func(t sheetexport.Target) error {
		return v.svc.ExportHonours(v.ctx, t, assess.HonourFilter{Year: 2025})
	})
	filters, _ := x.after["filters"].(map[string]any)
	if len(x.rows["表彰"]) != 2 || x.note != "导出表彰 1 条" || filters["year"] != 2025.0 {
		t.Errorf("2025 only: %q %+v", x.rows["表彰"], x)
	}
}
