package funds_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/funds"
	"liangxin/internal/partyorg"
	"liangxin/internal/sheetexport"
	"liangxin/internal/testenv"
)

// TestExportReport: the yearly report export writes one row per party
// organization (amounts in 元 from 分, kind and formation by name), a
// subtotal after each street and the total last, and records one export
// entry in the funds domain with the old note counting the party
// organizations.
func TestExportReport(t *testing.T) {
	w := newWorld(t)
	setStandard(t, w, 2026, funds.Ratio{Num: 1, Den: 1})
	fresh := w.partyOrg(testenv.Hongqiao, "branch", "single", "2026-05-10")
	changed := w.partyOrg(testenv.Yuhe, "branch", "joint", "2025-03-15")
	if _, err := w.e.App.Party.ChangeForm(w.sys, changed.ID, partyorg.FormChange{On: "2026-07-01", Kind: "branch", Formation: "single"}); err != nil {
		t.Fatal(err)
	}
	w.dues(changed.ID, 123456)
	if _, err := w.f.Recompute(w.sys, 2026); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.f.ExportReport(w.sys, sheetexport.Target{W: &buf}, 2026, ""); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if l := f.GetSheetList(); !reflect.DeepEqual(l, []string{"2026年度党建经费"}) {
		t.Fatalf("sheets: %v", l)
	}
	for col, want := range map[string]int{"A": 16, "B": 36, "M": 16, "P": 14} {
		if w, err := f.GetColWidth("2026年度党建经费", col); err != nil || int(w) != want {
			t.Errorf("width of %s: %v %v, want %d", col, w, err, want)
		}
	}
	rows, err := f.GetRows("2026年度党建经费")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || !reflect.DeepEqual(rows[0], funds.ReportHeaders) {
		t.Fatalf("rows: %q", rows)
	}
	// cols picks street, party organization, kind, formation and the
	// entitled total (应拨合计) of a row.
	cols := func(r []string) []string { return []string{r[0], r[1], r[2], r[3], r[10]} }
	// 2916.67 + 8000 (fresh) and 6500 + 1234.56 × 2 (changed), as in TestEntitlementsFromTheLedger.
	want := [][]string{
		{"洪桥街道", fresh.Name, "党支部", "单独组建", "10916.67"},
		{"洪桥街道 小计", "1 个党组织", "", "", "10916.67"},
		{"玉合街道", changed.Name, "党支部", "单独组建", "8969.12"},
		{"玉合街道 小计", "1 个党组织", "", "", "8969.12"},
		{"合计", "2 个党组织", "", "", "19885.79"},
	}
	for i, wr := range want {
		if got := cols(rows[i+1]); !reflect.DeepEqual(got, wr) {
			t.Errorf("row %d: got %q want %q", i+1, got, wr)
		}
	}
	if r := rows[3]; r[7] != "1234.56" || r[8] != "1234.56" || r[9] != "1234.56" {
		t.Errorf("dues, returned, matched of the changed one: %q", r)
	}
	var d string
	if err := w.e.App.DB.QueryRow(context.Background(), w.e.App.DB, `SELECT detail FROM audit_log WHERE action = 'export' AND entity = 'funds'`).Scan(&d); err != nil {
		t.Fatal(err)
	}
	var detail struct {
		Note  string
		After struct{ Items, Rows int }
	}
	if err := json.Unmarshal([]byte(d), &detail); err != nil {
		t.Fatal(err)
	}
	if detail.Note != "导出2026年度党建经费 2 条" || detail.After.Items != 2 || detail.After.Rows != 5 {
		t.Fatalf("audit detail: %s", d)
	}
}
