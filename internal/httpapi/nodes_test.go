package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/httpapi"
	"liangxin/internal/meeting"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
	"liangxin/internal/testenv"

	"github.com/xuri/excelize/v2"
)

// Several app nodes serve one database behind a load balancer (issue 19):
// each test below boots node A (testenv.New) and node B (Env.Node: its own
// connection pool and data folder) and sends the requests of one user to
// both.

// TestNodesShareSessions: a session opened on A works on B, CSRF token
// included; a logout on B ends it on A.
func TestNodesShareSessions(t *testing.T) {
	a := testenv.New(t)
	b := a.Node()
	a.User("dist", "district", testenv.Jurisdiction)
	onA := a.Login("dist", testenv.Password)
	onB := onA.On(b)
	if r := onB.Do("GET", "/api/v1/auth/me", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"dist"`) {
		t.Fatalf("session of A on B: %d %s", r.Status, r.Body)
	}
	// A state change on B with the CSRF token A handed out.
	if r := onB.Do("POST", "/api/v1/organizations", map[string]any{"name": "跨节点个体户", "category": "individual_business", "region_code": testenv.Hongqiao}); r.Status != 201 {
		t.Fatalf("write on B with A's session: %d %s", r.Status, r.Body)
	}
	if r := onB.Do("POST", "/api/v1/auth/logout", nil); r.Status != 204 && r.Status != 200 {
		t.Fatalf("logout on B: %d %s", r.Status, r.Body)
	}
	if r := onA.Do("GET", "/api/v1/auth/me", nil); r.Status != 401 {
		t.Fatalf("after logout on B, A answers %d", r.Status)
	}
}

// TestNodesShareLockout: five wrong passwords split between A and B (the
// default threshold of 5) lock the account on both; the right password
// then fails on either node.
func TestNodesShareLockout(t *testing.T) {
	a := testenv.New(t)
	b := a.Node()
	a.User("dist", "district", testenv.Jurisdiction)
	for i := range 5 {
		node := a
		if i%2 == 1 {
			node = b
		}
		if r := node.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "dist", "password": "Wrong#Pass2026"}); r.Status != 401 && r.Status != 423 {
			t.Fatalf("wrong password %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	for _, node := range []*testenv.Env{a, b} {
		if r := node.Client().Do("POST", "/api/v1/auth/login", map[string]string{"username": "dist", "password": testenv.Password}); r.Status == 200 {
			t.Fatalf("locked account logs in on a node")
		}
	}
}

// TestNodesShareRateLimit: with 2 submissions an hour per address, one on
// A and one on B use the allowance; the third, on either node, is refused
// with 429 and the refusal is audited once for the window; an hour later
// the address may submit again.
func TestNodesShareRateLimit(t *testing.T) {
	a := testenv.New(t)
	b := a.Node()
	var urls []string
	for _, node := range []*testenv.Env{a, b} {
		h := node.App.HTTP(nil)
		h.PublicLimits = httpapi.PublicLimits{Submissions: 2, Lookups: 2}
		srv := httptest.NewServer(h.Handler())
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	wish := `{"category":"goods","content":"需要一袋大米","wisher_name":"周大爷","wisher_phone":"13700005555","region_code":"` + testenv.Hongqiao + `"}`
	send := func(node int) *http.Response {
		t.Helper()
		res, err := http.Post(urls[node]+"/api/v1/public/wishes", "application/json", strings.NewReader(wish))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	for i, want := range []int{201, 201, 429, 429, 429} {
		if res := send(i % 2); res.StatusCode != want {
			t.Fatalf("submission %d (node %c): %d, want %d", i+1, 'A'+i%2, res.StatusCode, want)
		} else if want == 429 && res.Header.Get("Retry-After") != "3601" {
			// The window started at the first call; the clock stands still: 3,600 s left, rounded up.
			t.Errorf("Retry-After %q, want 3601", res.Header.Get("Retry-After"))
		}
	}
	ctx := actor.System(context.Background(), "test")
	var n int
	if err := a.App.DB.QueryRow(ctx, a.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'public_rate_limited'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("refusals audited %d times (%v), want once", n, err)
	}
	a.Clock.Advance(59 * time.Minute)
	if res := send(1); res.StatusCode != 429 || res.Header.Get("Retry-After") != "61" {
		t.Errorf("59 minutes later: %d Retry-After %q, want 429 and 61", res.StatusCode, res.Header.Get("Retry-After"))
	}
	a.Clock.Advance(time.Minute)
	for i, want := range []int{201, 201, 429} {
		if res := send(i % 2); res.StatusCode != want {
			t.Errorf("next hour, submission %d: %d, want %d", i+1, res.StatusCode, want)
		}
	}
	if err := a.App.DB.QueryRow(ctx, a.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'public_rate_limited'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("refusals audited %d times over two windows (%v), want twice", n, err)
	}
}

// TestNodesShareAttachments: a meeting photo uploaded on A downloads on B,
// whose data folder is another machine's.
func TestNodesShareAttachments(t *testing.T) {
	a := testenv.New(t)
	b := a.Node()
	a.User("dist", "district", testenv.Jurisdiction)
	ctx := actor.System(context.Background(), "test")
	name, cat, region, five := "附件企业", "individual_business", testenv.Hongqiao, 5
	o, err := a.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.App.Party.Create(ctx, partyorg.Input{Name: "附件党支部", Kind: "branch", Formation: "single", EstablishedOn: "2020-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.App.Meet.Create(ctx, meeting.Input{PartyOrgID: p.ID, Kind: meeting.KindThemeDay, Date: "2026-11-02", Topic: "学习", Presenter: "张书记"})
	if err != nil {
		t.Fatal(err)
	}
	onA := a.Login("dist", testenv.Password)
	png := append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, bytes.Repeat([]byte("现场"), 300)...)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "现场.png")
	fw.Write(png)
	mw.Close()
	r := onA.Raw("POST", fmt.Sprintf("/api/v1/meetings/%d/attachments", m.ID), mw.FormDataContentType(), body.Bytes())
	if r.Status != 201 {
		t.Fatalf("upload on A: %d %s", r.Status, r.Body)
	}
	id := int64(r.Map(t)["id"].(float64))
	got := onA.On(b).Do("GET", fmt.Sprintf("/api/v1/meeting-attachments/%d", id), nil)
	if got.Status != 200 || !bytes.Equal(got.Body, png) {
		t.Fatalf("download on B: %d, %d bytes (want %d)", got.Status, len(got.Body), len(png))
	}
}

// TestNodesShareImports: an import running on A shows its progress on B
// while it writes (PostgreSQL; on SQLite one node serves the data folder
// and B sees the job running), and a rejected import's session and error
// workbook are read on B.
func TestNodesShareImports(t *testing.T) {
	a := testenv.New(t)
	b := a.Node()
	a.User("dist", "district", testenv.Jurisdiction)
	onA := a.Login("dist", testenv.Password)
	onB := onA.On(b)
	const id = "two-nodes-job-1"
	type seen struct {
		status, phase string
		processed     float64
	}
	reached, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	remove := httpapi.SetImportFault(id, func(phase string, n int) {
		if phase == "write" && n > 0 {
			once.Do(func() {
				close(reached)
				<-resume
			})
		}
	})
	defer remove()
	done := make(chan testenv.Response, 1)
	ledger := ledgerRows(t, 1200)
	go func() { done <- uploadSession(t, onA, id, ledger) }()
	<-reached
	r := onB.Do("GET", "/api/v1/imports/"+id, nil)
	close(resume)
	if r.Status != 200 {
		t.Fatalf("progress on B: %d %s", r.Status, r.Body)
	}
	m := r.Map(t)
	mid := seen{m["status"].(string), m["phase"].(string), m["processed"].(float64)}
	want := seen{"running", "", 0}
	if a.App.DB.Dialect == store.Postgres {
		// The writer reports every 500 rows: the first report is 500.
		want = seen{"running", "write", 500}
	}
	if mid != want {
		t.Errorf("progress seen on B mid-import: %+v, want %+v", mid, want)
	}
	if res := <-done; res.Status != 200 {
		t.Fatalf("import on A: %d %s", res.Status, res.Body)
	}
	if st, _ := sessionState(t, onB, id); st != "succeeded" {
		t.Fatalf("outcome on B: %s", st)
	}

	// A rejected file: the session and its error workbook on B.
	res := uploadSession(t, onA, "two-nodes-bad-1", badLedger(t))
	if res.Status != 422 {
		t.Fatalf("bad file on A: %d %s", res.Status, res.Body)
	}
	if st, _ := sessionState(t, onB, "two-nodes-bad-1"); st != "rejected" {
		t.Fatalf("rejected session on B: %s", st)
	}
	rep := onB.Do("GET", "/api/v1/imports/two-nodes-bad-1/report", nil)
	if rep.Status != 200 || !bytes.HasPrefix(rep.Body, []byte("PK")) {
		t.Fatalf("error workbook on B: %d %s", rep.Status, rep.Body)
	}
}

// TestNodesShareSettings: the coverage rule set on A is the rule B reads
// and applies at once (no node keeps a copy).
func TestNodesShareSettings(t *testing.T) {
	a := testenv.New(t)
	b := a.Node()
	a.User("dist", "district", testenv.Jurisdiction)
	onA := a.Login("dist", testenv.Password)
	onB := onA.On(b)
	if r := onB.Do("GET", "/api/v1/settings/coverage-rule", nil); r.Status != 200 || r.Map(t)["kind"] != "all" {
		t.Fatalf("rule on B before: %d %s", r.Status, r.Body)
	}
	if r := onA.Do("PUT", "/api/v1/settings/coverage-rule", map[string]any{"kind": "min_employees", "min_employees": 7, "reason": "两节点测试"}); r.Status != 200 {
		t.Fatalf("set on A: %d %s", r.Status, r.Body)
	}
	r := onB.Do("GET", "/api/v1/settings/coverage-rule", nil)
	if m := r.Map(t); r.Status != 200 || m["kind"] != "min_employees" || m["min_employees"] != float64(7) {
		t.Fatalf("rule on B after A's change: %d %s", r.Status, r.Body)
	}
}

// badLedger is an organization sheet whose one row has a category that
// does not exist.
func badLedger(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range [][]any{{"单位名称", "统一社会信用代码", "单位类别", "所属街道（乡镇）"}, {"类别不对的单位", "", "不存在的类别", "洪桥街道"}} {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
