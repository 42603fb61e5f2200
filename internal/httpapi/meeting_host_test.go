package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/testenv"

	"github.com/xuri/excelize/v2"
)

// 主持人 and 记录人 are recorded on create, changed by an edit under the same
// rules (≤50 characters, named in Chinese when too long), kept in the audit
// trail's before/after, and exported.
func TestMeetingHostAndRecorder(t *testing.T) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	hq := f.partyOrg(t, true)
	e.PartyOrgUser("sec_host", hq.ID)
	sec := e.Login("sec_host", testenv.Password)
	in := map[string]any{"party_org_id": hq.ID, "kind": "theme_day", "date": "2026-10-10", "topic": "主题党日", "host": "张书记", "recorder": "李委员"}
	var m struct {
		ID       int64
		Host     string
		Recorder string
		Topic    string
	}
	res := sec.Do("POST", "/api/v1/meetings", in)
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &m)
	if m.Host != "张书记" || m.Recorder != "李委员" {
		t.Fatalf("created: %+v", m)
	}
	path := fmt.Sprintf("/api/v1/meetings/%d", m.ID)
	for field, label := range map[string]string{"host": "主持人", "recorder": "记录人"} {
		bad := map[string]any{}
		for k, v := range in {
			bad[k] = v
		}
		bad[field] = strings.Repeat("长", 51)
		for _, call := range []struct{ method, path string }{{"POST", "/api/v1/meetings"}, {"PUT", path}} {
			res := sec.Do(call.method, call.path, bad)
			if res.Status != 422 || !strings.Contains(string(res.Body), field) {
				t.Errorf("%s %s with a 51-character %s (%s): %d %s", call.method, call.path, field, label, res.Status, res.Body)
			}
		}
	}
	in["host"], in["recorder"], in["topic"] = "王主持", "", "主题党日（修改）"
	res = sec.Do("PUT", path, in)
	if res.Status != 200 {
		t.Fatalf("edit: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &m)
	if m.Host != "王主持" || m.Recorder != "" || m.Topic != "主题党日（修改）" {
		t.Fatalf("edited: %+v", m)
	}
	sec.Do("GET", path, nil).JSON(t, &m)
	if m.Host != "王主持" {
		t.Fatalf("read back: %+v", m)
	}
	var detail string
	if err := e.App.DB.QueryRowContext(context.Background(), e.App.DB.Rebind(`SELECT detail FROM audit_log WHERE action = 'meeting.update' AND entity_id = ?`),
		fmt.Sprint(m.ID)).Scan(&detail); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(detail, "张书记") || !strings.Contains(detail, "王主持") {
		t.Errorf("audit lacks before/after of 主持人: %s", detail)
	}
	res = sec.Do("GET", "/api/v1/meetings/export", nil)
	if res.Status != 200 {
		t.Fatalf("export: %d", res.Status)
	}
	x, err := excelize.OpenReader(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	if len(rows) < 2 || !hasCell(rows, "主持人") || !hasCell(rows, "记录人") || !hasCell(rows, "王主持") {
		t.Errorf("export rows: %v", rows)
	}
}

func hasCell(rows [][]string, v string) bool {
	for _, r := range rows {
		for _, s := range r {
			if s == v {
				return true
			}
		}
	}
	return false
}
