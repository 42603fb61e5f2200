package httpapi_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"mime/multipart"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/auth"
	"liangxin/internal/testenv"
	"liangxin/internal/workloop"
)

func uploadDoc(t *testing.T, c *testenv.Client, name string, data []byte) testenv.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	return c.Raw("POST", "/api/v1/workloop-files", mw.FormDataContentType(), buf.Bytes())
}

// TestWorkLoopAPI walks the loop over HTTP: the district uploads a
// document and publishes a 学习清单 with it; the party organization's
// account opens it (its receipt), downloads the document and marks an item
// done; the statistics and the export show it; a task goes 挂牌 → 申请销号
// → 销号 with the buttons each side may press.
func TestWorkLoopAPI(t *testing.T) {
	e := testenv.New(t)
	f := &fixtures{e: e, seq: new(int)}
	po := f.partyOrg(t, true)
	f.partyOrg(t, false)
	e.User("wl_district", auth.RoleDistrict, testenv.Jurisdiction)
	e.PartyOrgUser("wl_branch", po.ID)
	d := e.Login("wl_district", testenv.Password)
	b := e.Login("wl_branch", testenv.Password)

	if res := uploadDoc(t, d, "x.pdf", []byte("GIF89a")); res.Status != 422 {
		t.Fatalf("a GIF named .pdf: %d %s", res.Status, res.Body)
	}
	res := uploadDoc(t, d, "学习材料.docx", zipDoc("word/document.xml"))
	if res.Status != 201 {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	var file workloop.File
	res.JSON(t, &file)
	res = d.Do("POST", "/api/v1/notices", map[string]any{"kind": "study", "title": "第四季度学习清单", "body": "学习要求", "period": "2026-Q4",
		"region_code": testenv.Jurisdiction, "items": []string{"学习党章", "主题党日"}, "file_ids": []int64{file.ID}})
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	var n workloop.Notice
	res.JSON(t, &n)
	// The party organization does not see the draft, nor its document.
	if res := b.Do("GET", fmt.Sprintf("/api/v1/notices/%d", n.ID), nil); res.Status != 404 {
		t.Errorf("draft seen: %d", res.Status)
	}
	if res := b.Do("GET", fmt.Sprintf("/api/v1/workloop-files/%d", file.ID), nil); res.Status != 404 {
		t.Errorf("draft's document: %d", res.Status)
	}
	if res := d.Do("POST", fmt.Sprintf("/api/v1/notices/%d/publish", n.ID), nil); res.Status != 200 {
		t.Fatalf("publish: %d %s", res.Status, res.Body)
	}
	if res := d.Do("PUT", fmt.Sprintf("/api/v1/notices/%d", n.ID), map[string]any{"kind": "study", "title": "改", "body": "x", "period": "2026-Q4", "region_code": testenv.Jurisdiction, "items": []string{"a"}}); res.Status != 409 {
		t.Errorf("edit after publication: %d", res.Status)
	}
	res = b.Do("POST", fmt.Sprintf("/api/v1/notices/%d/read", n.ID), nil)
	res.JSON(t, &n)
	if res.Status != 200 || n.MyReadAt == nil || n.Recipients != 1 {
		t.Fatalf("read: %d %s", res.Status, res.Body)
	}
	if res := b.Do("GET", fmt.Sprintf("/api/v1/workloop-files/%d", file.ID), nil); res.Status != 200 || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Errorf("document: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	if res := b.Do("POST", fmt.Sprintf("/api/v1/notices/%d/items/%d/done", n.ID, n.Items[0].ID), map[string]any{"done_on": "2026-11-20", "note": "集中学习"}); res.Status != 200 {
		t.Fatalf("done: %d %s", res.Status, res.Body)
	}
	var sum workloop.ReceiptSummary
	d.Do("GET", fmt.Sprintf("/api/v1/notices/%d/receipts/by-street", n.ID), nil).JSON(t, &sum)
	if sum.Total.Recipients != 2 || sum.Total.Read != 1 || sum.Total.NotDone != 2 || sum.Total.AllDone != 0 {
		t.Errorf("summary %+v", sum.Total)
	}
	res = d.Do("GET", fmt.Sprintf("/api/v1/notices/%d/receipts/export?status=read", n.ID), nil)
	if res.Status != 200 {
		t.Fatalf("export: %d", res.Status)
	}
	x, err := excelize.OpenReader(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("阅读和完成情况")
	if len(rows) != 2 || rows[1][1] != po.Name || rows[1][3] != "wl_branch" || rows[1][4] != "1" {
		t.Errorf("export rows %v", rows)
	}

	// A task for the party organization.
	res = d.Do("POST", "/api/v1/tasks", map[string]any{"title": "建设党员活动室", "assignee_kind": "party_org", "party_org_id": po.ID, "deadline": "2026-12-31"})
	var tk workloop.Task
	res.JSON(t, &tk)
	if res.Status != 201 || fmt.Sprint(tk.Steps) != "[progress]" {
		t.Fatalf("task: %d %s", res.Status, res.Body)
	}
	b.Do("GET", fmt.Sprintf("/api/v1/tasks/%d", tk.ID), nil).JSON(t, &tk)
	if fmt.Sprint(tk.Steps) != "[progress request_close]" {
		t.Errorf("the assignee's steps %v", tk.Steps)
	}
	if res := b.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/actions", tk.ID), map[string]any{"action": "accept", "version": 1}); res.Status != 403 {
		t.Errorf("the assignee accepts: %d", res.Status)
	}
	if res := d.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/actions", tk.ID), map[string]any{"action": "accept", "version": 1}); res.Status != 422 {
		t.Errorf("a skipped step: %d", res.Status)
	}
	b.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/actions", tk.ID), map[string]any{"action": "request_close", "version": 1, "note": "已建成"}).JSON(t, &tk)
	if tk.State != "requested" {
		t.Fatalf("requested: %+v", tk)
	}
	res = d.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/actions", tk.ID), map[string]any{"action": "accept", "version": tk.Version})
	res.JSON(t, &tk)
	if res.Status != 200 || tk.State != "closed" {
		t.Fatalf("accept: %d %s", res.Status, res.Body)
	}
	if res := d.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/actions", tk.ID), map[string]any{"action": "accept", "version": tk.Version - 1}); res.Status != 409 {
		t.Errorf("stale: %d", res.Status)
	}
}

func zipDoc(entry string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.Create(entry)
	w.Write([]byte("<x/>"))
	z.Close()
	return buf.Bytes()
}
