package auditexport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/audit/auditexport"
	"liangxin/internal/sheetexport"
	"liangxin/internal/store/storetest"
)

func rowsOf(t *testing.T, b []byte) ([]string, [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("审计日志")
	if err != nil {
		t.Fatal(err)
	}
	return f.GetSheetList(), rows
}

// TestExportAuditLog: the rows matching the filter, newest first, with the
// time in China time and the Chinese names of role, action, object and
// result; the export is itself recorded as audit_export with its filters.
// Readers other than the audit administrator and bad filters get an error
// and nothing is written.
func TestExportAuditLog(t *testing.T) {
	db := storetest.Open(t)
	log := &audit.Logger{DB: db, Now: func() time.Time { return time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC) }}
	street := actor.With(context.Background(), actor.Actor{UserID: 7, Username: "hq_street", Role: "street", IP: "10.0.0.9"})
	aud := actor.With(context.Background(), actor.Actor{UserID: 9, Username: "aud", Role: "audit_admin", IP: "10.0.0.1"})
	for _, e := range []audit.Entry{
		{Action: "login", Entity: "session"},
		{Action: "user_update", Entity: "user", EntityID: "12", Note: "修改姓名"},
		{Action: "login", Entity: "session", Result: audit.Failure, Username: "mallory"},
	} {
		if err := log.Record(street, db, e); err != nil {
			t.Fatal(err)
		}
	}

	for _, c := range []struct {
		ctx  context.Context
		f    audit.Filter
		kind apperr.Kind
	}{{street, audit.Filter{}, apperr.KindForbidden}, {aud, audit.Filter{From: "2026-13-01"}, apperr.KindInvalid}} {
		var buf bytes.Buffer
		ready := false
		err := auditexport.Export(c.ctx, log, sheetexport.Target{W: &buf, Ready: func() { ready = true }}, c.f)
		if !apperr.IsKind(err, c.kind) || ready || buf.Len() != 0 {
			t.Fatalf("%+v: err %v, ready %v, %d bytes; want %v and nothing sent", c.f, err, ready, buf.Len(), c.kind)
		}
	}

	var buf bytes.Buffer
	if err := auditexport.Export(aud, log, sheetexport.Target{W: &buf}, audit.Filter{Action: "login", Page: 3, PageSize: 1}); err != nil {
		t.Fatal(err)
	}
	sheets, rows := rowsOf(t, buf.Bytes())
	want := [][]string{
		{"序号", "时间", "用户", "角色", "IP", "操作", "对象", "对象编号", "结果", "详情"},
		{"1", "2026-12-06 09:00:00", "mallory", "街道/综合党委", "10.0.0.9", "登录", "会话", "", "失败"},
		{"2", "2026-12-06 09:00:00", "hq_street", "街道/综合党委", "10.0.0.9", "登录", "会话", "", "成功"},
	}
	if fmt.Sprint(sheets) != "[审计日志]" || fmt.Sprintf("%q", rows) != fmt.Sprintf("%q", want) {
		t.Fatalf("sheets %v rows\n got %q\nwant %q", sheets, rows, want)
	}
	var username, entity, result, detail string
	if err := db.QueryRow(context.Background(), db, `SELECT username, entity, result, detail FROM audit_log WHERE action = 'audit_export'`).
		Scan(&username, &entity, &result, &detail); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Note  string `json:"note"`
		After struct {
			Filters map[string]string `json:"filters"`
			Items   int               `json:"items"`
		} `json:"after"`
	}
	if err := json.Unmarshal([]byte(detail), &d); err != nil {
		t.Fatal(err)
	}
	if username != "aud" || entity != "audit_log" || result != "success" || d.Note != "导出 2 条" || d.After.Items != 2 ||
		fmt.Sprint(d.After.Filters) != "map[action:login]" {
		t.Fatalf("export entry %s %s %s %s", username, entity, result, detail)
	}

	// Everything: the three entries and the first export, newest first, the
	// detail as stored.
	buf.Reset()
	if err := auditexport.Export(aud, log, sheetexport.Target{W: &buf}, audit.Filter{}); err != nil {
		t.Fatal(err)
	}
	_, rows = rowsOf(t, buf.Bytes())
	if len(rows) != 5 || rows[1][2] != "aud" || rows[1][3] != "审计管理员" || rows[1][5] != "导出审计日志" || rows[1][8] != "成功" ||
		fmt.Sprintf("%q", rows[3]) != fmt.Sprintf("%q", []string{"3", "2026-12-06 09:00:00", "hq_street", "街道/综合党委", "10.0.0.9", "修改用户", "用户", "12", "成功", `{"note":"修改姓名"}`}) {
		t.Fatalf("all rows %q", rows)
	}
}
