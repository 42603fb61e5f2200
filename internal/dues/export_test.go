package dues_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/dues"
	"liangxin/internal/sheetexport"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

func readSheet(t *testing.T, b []byte, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if l := f.GetSheetList(); len(l) != 1 || l[0] != sheet {
		t.Fatalf("sheets: %v", l)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

type exportEntry struct {
	Username, Entity, Result, Note string
	After                          map[string]any
}

func exportEntries(t *testing.T, db *store.DB) []exportEntry {
	t.Helper()
	rows, err := db.Query(context.Background(), db, `SELECT username, entity, result, detail FROM audit_log WHERE action = 'export' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []exportEntry
	for rows.Next() {
		var e exportEntry
		var d string
		if err := rows.Scan(&e.Username, &e.Entity, &e.Result, &d); err != nil {
			t.Fatal(err)
		}
		var detail struct {
			Note  string         `json:"note"`
			After map[string]any `json:"after"`
		}
		if err := json.Unmarshal([]byte(d), &detail); err != nil {
			t.Fatal(err)
		}
		e.Note, e.After = detail.Note, detail.After
		out = append(out, e)
	}
	return out
}

// TestExportArrears: one row per member with unpaid months, the as-of
// month on every row, 是 for a run of six, the months joined with 、; one
// export entry with the old note.
func TestExportArrears(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao)
	six, two, paidUp := w.member(po, "2026-01-01"), w.member(po, "2026-01-01"), w.member(po, "2026-01-01")
	for _, m := range []int64{six, two, paidUp} {
		w.declare(m, 2026, "employed", "3000")
	}
	w.pay(six, "2026-05-31", months("2026-01", "2026-05")) // unpaid 06..11
	w.pay(two, "2026-06-30", months("2026-01", "2026-06"))
	w.pay(two, "2026-09-30", months("2026-07", "2026-09")) // unpaid 10..11
	w.pay(paidUp, "2026-06-30", months("2026-01", "2026-06"))
	w.pay(paidUp, "2026-11-20", months("2026-07", "2026-11"))
	w.e.Clock.Advance(8 * 24 * time.Hour) // November has ended
	name, _ := w.e.App.Party.Get(w.ctx, po)
	var buf bytes.Buffer
	if err := w.d.ExportArrears(w.ctx, sheetexport.Target{W: &buf}, dues.ArrearsFilter{AsOf: "2026-11", PartyOrgID: po}); err != nil {
		t.Fatal(err)
	}
	got := readSheet(t, buf.Bytes(), "党费欠交名单")
	want := [][]string{
		{"党组织", "姓名", "入党日期", "截至月份", "连续未交月数", "连续6个月未交", "本年未交月份"},
		{name.Name, "党员2", "2026-01-01", "2026-11", "6", "是", "2026-06、2026-07、2026-08、2026-09、2026-10、2026-11"},
		{name.Name, "党员3", "2026-01-01", "2026-11", "2", "", "2026-10、2026-11"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}
	es := exportEntries(t, w.e.App.DB)
	if len(es) != 1 || es[0].Username != "hq" || es[0].Entity != "dues_arrears" || es[0].Result != "success" || es[0].Note != "导出党费欠交名单 2 条" ||
		es[0].After["items"] != float64(2) || fmt.Sprint(es[0].After["filters"]) != fmt.Sprintf("map[as_of:2026-11 party_org_id:%d]", po) {
		t.Fatalf("audit entries: %+v", es)
	}
}

// TestExportSummary: one row per member (未申报 without a declared base),
// the 合计 row last and not counted; one export entry with the old note.
func TestExportSummary(t *testing.T) {
	w := newWorld(t)
	po := w.partyOrg(testenv.Hongqiao)
	a, b := w.member(po, "2020-07-01"), w.member(po, "2026-09-10")
	w.member(po, "2026-10-01")             // no base declared
	w.declare(a, 2026, "employed", "3000") // 15.00
	w.declare(b, 2026, "employed", "4000") // 40.00
	w.pay(a, "2026-06-01", months("2026-01", "2026-06"))
	w.pay(a, "2026-11-20", months("2026-07", "2026-11"))
	w.pay(b, "2026-11-20", []string{"2026-09", "2026-10"})
	p, _ := w.e.App.Party.Get(w.ctx, po)
	var buf bytes.Buffer
	if err := w.d.ExportSummary(w.ctx, sheetexport.Target{W: &buf}, po, 2026); err != nil {
		t.Fatal(err)
	}
	got := readSheet(t, buf.Bytes(), "党费收缴公示")
	if len(got) != 5 {
		t.Fatalf("rows: %q", got)
	}
	if h := []string{"姓名", "类别", "月交纳额（元）", "应交月数", "已交月数", "免交月数", "应交金额（元）", "已交金额（元）", "未交金额（元）"}; !reflect.DeepEqual(got[0], h) {
		t.Fatalf("header: %q", got[0])
	}
	byName := map[string][]string{}
	for _, r := range got[1:4] {
		byName[r[0]] = r
	}
	kind := dues.KindName(dues.Employed)
	// a: 11 months due and paid at 15.00; b: 09..11 due, two paid at 40.00.
	if r := byName["党员2"]; !reflect.DeepEqual(r, []string{"党员2", kind, "15.00", "11", "11", "0", "165.00", "165.00", "0.00"}) {
		t.Errorf("a: %q", r)
	}
	if r := byName["党员3"]; !reflect.DeepEqual(r, []string{"党员3", kind, "40.00", "3", "2", "0", "120.00", "80.00", "40.00"}) {
		t.Errorf("b: %q", r)
	}
	if r := byName["党员4"]; len(r) < 3 || r[2] != "未申报" {
		t.Errorf("undeclared: %q", r)
	}
	if r := got[4]; r[0] != "合计（"+p.Name+"，2026年，截至2026-11）" || r[3] != "16" || r[4] != "13" {
		t.Errorf("total: %q", r)
	}
	es := exportEntries(t, w.e.App.DB)
	if len(es) != 1 || es[0].Entity != "dues_summary" || es[0].Note != "导出党费收缴公示 3 条" || es[0].After["items"] != float64(3) || es[0].After["rows"] != float64(3) {
		t.Fatalf("audit entries: %+v", es)
	}
}
