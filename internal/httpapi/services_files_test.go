package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/auth"
	"liangxin/internal/servicereq"
	"liangxin/internal/testenv"
)

// TestServiceExportsAndFigures: the request export holds the caller's scope
// with the list's filters, phones masked and formula-like text neutralised,
// and is audited; the figures answer over HTTP and export as four sheets.
func TestServiceExportsAndFigures(t *testing.T) {
	e := testenv.New(t)
	e.User("desk", auth.RoleStreet, testenv.Hongqiao)
	c := e.Login("desk", testenv.Password)
	for _, body := range []map[string]any{
		{"source": "desk", "category_id": 1, "content": "=HYPERLINK(\"http://x\")咨询补贴", "requester_name": "赵女士", "requester_phone": "13912345678", "region_code": testenv.Hongqiao},
		{"source": "phone", "category_id": 2, "content": "企业申请创业担保贷款", "requester_name": "钱先生", "region_code": testenv.Hongqiao},
	} {
		if res := c.Do("POST", "/api/v1/service-requests", body); res.Status != 201 {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
	}
	sys := actor.System(context.Background(), "test")
	if _, err := e.App.Services.Create(sys, servicereq.RequestInput{Source: "desk", CategoryID: 1, Content: "玉合的诉求", RequesterName: "孙女士", RegionCode: testenv.Yuhe}); err != nil {
		t.Fatal(err)
	}
	res := c.Do("GET", "/api/v1/service-requests/export?category_id=1", nil)
	if res.Status != 200 {
		t.Fatalf("export: %d %s", res.Status, res.Body)
	}
	rows := sheetRows(t, res.Body)
	if len(rows) != 2 || rows[0][0] != "编号" || rows[0][1] != "受理日期" || rows[0][6] != "电话" {
		t.Fatalf("export rows %v", rows)
	}
	if r := rows[1]; r[1] != "2026-11-23" || r[2] != "接待台" || r[3] != "政策咨询" || !strings.HasPrefix(r[4], "'=") || r[6] != "139****5678" || r[7] != "洪桥街道" || r[12] != "已接单" {
		t.Errorf("exported row %q", r)
	}
	if n := countAudit(t, e, "service_request_export", "desk", "success"); n != 1 {
		t.Errorf("%d export audit records", n)
	}

	res = c.Do("GET", "/api/v1/service-requests/stats?from=2026-11-01&to=2026-11-30", nil)
	var st servicereq.Stats
	res.JSON(t, &st)
	if res.Status != 200 || st.Total.Received != 2 || len(st.Monthly) != 1 || st.ByCategory[0].Received != 1 || st.ByCategory[1].Received != 1 {
		t.Errorf("stats %d %+v", res.Status, st)
	}
	if res := c.Do("GET", "/api/v1/service-requests/stats?from=2026-13-01", nil); res.Status != 422 || !strings.Contains(string(res.Body), `"from"`) {
		t.Errorf("bad from: %d %s", res.Status, res.Body)
	}
	res = c.Do("GET", "/api/v1/service-requests/stats/export?from=2026-11-01&to=2026-11-30", nil)
	if res.Status != 200 {
		t.Fatalf("stats export: %d", res.Status)
	}
	f, err := excelize.OpenReader(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "总体,按类别,按承办单位,按月" {
		t.Errorf("sheets %s", got)
	}
	total, _ := f.GetRows("总体")
	if len(total) != 2 || total[1][0] != "2026-11-01 至 2026-11-30" || total[1][1] != "2" {
		t.Errorf("总体 %v", total)
	}
	if n := countAudit(t, e, "service_stats_export", "desk", "success"); n != 1 {
		t.Errorf("%d stats export audit records", n)
	}
}

// TestHandlerHistoryOverHTTP: a handler account lists what its unit finished
// (scope=done_by_my_unit), opens it read-only, and cannot act on it.
func TestHandlerHistoryOverHTTP(t *testing.T) {
	e := testenv.New(t)
	sys := actor.System(context.Background(), "test")
	u, err := e.App.Services.CreateUnit(sys, servicereq.HandlerUnitInput{Name: "区人社局", Kind: "department", RegionCode: testenv.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	e.HandlerUser("jingban", u.ID)
	h := e.Login("jingban", testenv.Password)
	r, err := e.App.Services.Create(sys, servicereq.RequestInput{Source: "desk", CategoryID: 3, Content: "招聘技术工人", RequesterName: "周总", RegionCode: testenv.Hongqiao})
	if err != nil {
		t.Fatal(err)
	}
	r, err = e.App.Services.Act(sys, r.ID, servicereq.ActionInput{Action: "transfer", Version: r.Version, HandlerUnitID: &u.ID})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/service-requests/%d", r.ID)
	if res := h.Do("POST", path+"/actions", map[string]any{"action": "finish", "version": r.Version, "result": "已推荐三名技工"}); res.Status != 200 {
		t.Fatalf("finish: %d %s", res.Status, res.Body)
	}
	var pg struct {
		Total int `json:"total"`
		Items []struct {
			ID             int64    `json:"id"`
			State          string   `json:"state"`
			DoneByUnitName string   `json:"done_by_unit_name"`
			AllowedActions []string `json:"allowed_actions"`
		} `json:"items"`
	}
	h.Do("GET", "/api/v1/service-requests", nil).JSON(t, &pg)
	if pg.Total != 0 {
		t.Errorf("inbox after finish: %d", pg.Total)
	}
	h.Do("GET", "/api/v1/service-requests?scope=done_by_my_unit", nil).JSON(t, &pg)
	if pg.Total != 1 || pg.Items[0].ID != r.ID || pg.Items[0].State != "done" || pg.Items[0].DoneByUnitName != "区人社局" || len(pg.Items[0].AllowedActions) != 0 {
		t.Fatalf("history %+v", pg)
	}
	if res := h.Do("GET", path, nil); res.Status != 200 {
		t.Errorf("history detail: %d", res.Status)
	}
	if res := h.Do("POST", path+"/actions", map[string]any{"action": "reply", "version": r.Version + 1, "replied_by": "x", "reply_method": "phone", "satisfaction": "satisfied"}); res.Status != 422 {
		t.Errorf("reply as handler: %d %s", res.Status, res.Body)
	}
	if res := h.Do("GET", "/api/v1/service-requests/stats", nil); res.Status != 403 {
		t.Errorf("handler stats: %d", res.Status)
	}
}
