package volunteer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/sheetexport"
	"liangxin/internal/testenv"
	"liangxin/internal/volunteer"
)

func readBook(t *testing.T, b []byte) ([]string, map[string][][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, n := range f.GetSheetList() {
		rows, err := f.GetRows(n)
		if err != nil {
			t.Fatal(err)
		}
		out[n] = rows
	}
	return f.GetSheetList(), out
}

type exportEntry struct {
	Entity, Note string
	Items, Rows  int
}

func exportEntries(t *testing.T, w *world) []exportEntry {
	t.Helper()
	db := w.e.App.DB
	rows, err := db.Query(context.Background(), db, `SELECT entity, detail FROM audit_log WHERE action = 'export' AND result = 'success' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []exportEntry
	for rows.Next() {
		var e exportEntry
		var d string
		if err := rows.Scan(&e.Entity, &d); err != nil {
			t.Fatal(err)
		}
		var detail struct {
			Note  string
			After struct{ Items, Rows int }
		}
		if err := json.Unmarshal([]byte(d), &detail); err != nil {
			t.Fatal(err)
		}
		e.Note, e.Items, e.Rows = detail.Note, detail.After.Items, detail.After.Rows
		out = append(out, e)
	}
	return out
}

// TestExports: the six volunteer exports write their sheets (two for the
// teams and the statement) with the rows of the domain, and each records one
// export entry in the volunteer domain with the old entity and note.
func TestExports(t *testing.T) {
	w := newWorld(t)
	ma, mb := w.member("甲"), w.member("乙")
	if _, err := w.v.CreateTeam(w.sys, volunteer.TeamInput{Name: "红色先锋队", PartyOrgID: &w.po, RegionCode: testenv.Hongqiao, LeaderID: &ma, Note: "=1+1",
		MemberIDs: []int64{ma, mb}}); err != nil {
		t.Fatal(err)
	}
	act := w.activity(volunteer.KindElderly, "2026-11-01", 120, 10)
	pa := w.work(act, ma, nil)            // 120 min → 20 points
	pb := w.work(act, mb, ptr[int64](90)) // 90 min → 15 points
	acc := w.account(ma)
	export := func(run func(sheetexport.Target) error) ([]string, map[string][][]string) {
		t.Helper()
		var buf bytes.Buffer
		if err := run(sheetexport.Target{W: &buf}); err != nil {
			t.Fatal(err)
		}
		return readBook(t, buf.Bytes())
	}

	names, book := export(func(tg sheetexport.Target) error { return w.v.ExportTeams(w.sys, tg, volunteer.TeamFilter{}) })
	if !reflect.DeepEqual(names, []string{"党员服务队", "队员"}) {
		t.Fatalf("team sheets: %v", names)
	}
	if got, want := book["党员服务队"], [][]string{{"服务队", "所在社区", "所属党组织", "队长", "队员人数", "备注"},
		{"红色先锋队", "洪桥街道", "测试党支部", "甲", "2", "'=1+1"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("teams:\n got %q\nwant %q", got, want)
	}
	if got := book["队员"]; len(got) != 3 || got[1][0] != "红色先锋队" || got[1][2] != "测试党支部" ||
		got[1][1]+got[2][1] != "甲乙" && got[1][1]+got[2][1] != "乙甲" {
		t.Errorf("team members: %q", got)
	}

	_, book = export(func(tg sheetexport.Target) error { return w.v.ExportActivities(w.sys, tg, volunteer.ActivityFilter{}) })
	if got := book["志愿活动"]; len(got) != 2 || got[1][1] != act.Title || got[1][5] != "社区广场" || got[1][7] != "10" || got[1][9] != "2" || got[1][10] != "2" {
		t.Errorf("activities: %q", got)
	}

	_, book = export(func(tg sheetexport.Target) error { return w.v.ExportParticipants(w.sys, tg, act.ID) })
	got := book["参与人"]
	if len(got) != 3 || got[1][0] != act.Title || got[1][5] != "手工" {
		t.Fatalf("participants: %q", got)
	}
	hours := map[string]string{got[1][1]: got[1][6], got[2][1]: got[2][6]}
	if !reflect.DeepEqual(hours, map[string]string{"甲": pa.ConfirmedHours, "乙": pb.ConfirmedHours}) || pa.ConfirmedHours == pb.ConfirmedHours {
		t.Errorf("participants' hours: %v", hours)
	}

	_, book = export(func(tg sheetexport.Target) error { return w.v.ExportAccounts(w.sys, tg, volunteer.AccountFilter{}) })
	if got := book["时间银行账户"]; len(got) != 3 || got[1][1] != "甲" || got[1][2] != "党员" || got[1][5] != "20" || got[2][1] != "乙" || got[2][5] != "15" {
		t.Errorf("accounts (balance first): %q", got)
	}

	var title string
	names, book = export(func(tg sheetexport.Target) error {
		return w.v.ExportStatement(w.sys, func(tt string) sheetexport.Target { title = tt; return tg }, acc.ID, 2026)
	})
	if title != "甲 2026年度时间银行对账单" || !reflect.DeepEqual(names, []string{"对账单", "服务时长"}) {
		t.Fatalf("statement title %q, sheets %v", title, names)
	}
	st := book["对账单"]
	if len(st) != 4 || !reflect.DeepEqual(st[1], []string{"", "期初余额", title, "", "", "0"}) || st[2][0] != "2026-11-01" || st[2][3] != "20" || st[2][5] != "20" ||
		!reflect.DeepEqual(st[3], []string{"", "期末余额", "本年收入 20 分，支出 0 分", "", "", "20"}) {
		t.Errorf("statement: %q", st)
	}
	if wk := book["服务时长"]; len(wk) != 3 || wk[1][1] != act.Title || wk[1][4] != pa.ConfirmedHours || wk[2][0] != "合计" || wk[2][4] != pa.ConfirmedHours {
		t.Errorf("statement hours: %q", wk)
	}

	_, book = export(func(tg sheetexport.Target) error {
		return w.v.ExportEntries(w.sys, tg, volunteer.EntryFilter{Year: 2026})
	})
	if got := book["时间银行记录"]; len(got) != 3 || got[1][3] != "15" || !strings.Contains(got[1][5], "乙：+15") || got[2][3] != "20" || !strings.Contains(got[2][5], "甲：+20") {
		t.Errorf("entries (newest first): %q", got)
	}

	want := []exportEntry{
		{"vol_team", "导出党员服务队 1 条", 1, 3},
		{"vol_activity", "导出志愿活动 1 条", 1, 1},
		{"vol_activity", "导出志愿活动参与人 2 条", 2, 2},
		{"tb_account", "导出时间银行账户 2 条", 2, 2},
		{"tb_account", "导出甲 2026年度时间银行对账单 1 条", 1, 4},
		{"tb_entry", "导出时间银行记录 2 条", 2, 2},
	}
	if got := exportEntries(t, w); !reflect.DeepEqual(got, want) {
		t.Fatalf("audit entries:\n got %+v\nwant %+v", got, want)
	}
}
