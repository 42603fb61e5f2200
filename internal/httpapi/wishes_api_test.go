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
	"liangxin/internal/auth"
	"liangxin/internal/httpapi"
	"liangxin/internal/member"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
	"liangxin/internal/wish"
)

// rosterMember creates a full member of a fresh party organization of 洪桥.
func rosterMember(t *testing.T, f *fixtures, name string) int64 {
	t.Helper()
	p := f.partyOrg(t, true)
	n := f.next()
	birth := fmt.Sprintf("%04d%02d%02d", 1970+n/336, n/28%12+1, n%28+1)
	first := "430426" + birth + "022"
	m, err := f.e.App.Members.Create(f.sys(), member.Input{Name: name, Gender: "female", BirthDate: birth[:4] + "-" + birth[4:6] + "-" + birth[6:],
		IDNumber: first + string(pdata.CheckChar(first)), Category: "full", PartyOrgID: p.ID, JoinedOn: "2015-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

type wishView struct {
	ID             int64    `json:"id"`
	Version        int      `json:"version"`
	State          string   `json:"state"`
	DisplayName    string   `json:"display_name"`
	WisherName     string   `json:"wisher_name"`
	WisherPhone    string   `json:"wisher_phone"`
	ClaimantName   string   `json:"claimant_name"`
	ClaimDueOn     *string  `json:"claim_due_on"`
	AllowedActions []string `json:"allowed_actions"`
}

func uploadWishPhoto(c *testenv.Client, path string, data []byte) testenv.Response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "photo.png")
	fw.Write(data)
	mw.Close()
	return c.Raw("POST", path, mw.FormDataContentType(), buf.Bytes())
}

// TestWishOverHTTP posts a wish, has two clerks claim it at once (one wins,
// the other 409), refuses a claim over the member's limit (422 naming the
// setting), fulfils it with a photo, confirms it, and lets another claim
// lapse after the claim window.
func TestWishOverHTTP(t *testing.T) {
	e := testenv.New(t)
	e.User("clerk_a", auth.RoleStreet, testenv.Hongqiao)
	e.User("clerk_b", auth.RoleStreet, testenv.Hongqiao)
	a, b := e.Login("clerk_a", testenv.Password), e.Login("clerk_b", testenv.Password)
	f := &fixtures{e: e, seq: new(int)}
	m1, m2 := rosterMember(t, f, "陈红梅"), rosterMember(t, f, "刘建国")
	post := func(content string, consent bool) wishView {
		t.Helper()
		res := a.Do("POST", "/api/v1/wishes", map[string]any{"category": "study", "content": content, "wisher_name": "李小明",
			"wisher_phone": "13912345678", "publish_consent": consent, "value_cents": 12000, "region_code": testenv.Hongqiao})
		if res.Status != 201 {
			t.Fatalf("post: %d %s", res.Status, res.Body)
		}
		var w wishView
		res.JSON(t, &w)
		return w
	}
	w := post("想要一套初中数学辅导书", true)
	if w.State != "open" || w.WisherPhone != "139****5678" || w.DisplayName != "李*明" || strings.Join(w.AllowedActions, ",") != "claim,cancel" {
		t.Fatalf("posted %+v", w)
	}
	anon := post("想要一个新书包", false)
	var board struct {
		Items []wishView `json:"items"`
		Total int        `json:"total"`
	}
	a.Do("GET", "/api/v1/wishes?state=open&sort=created_asc", nil).JSON(t, &board)
	if board.Total != 2 || board.Items[0].DisplayName != "李*明" || board.Items[1].DisplayName != "匿名" || board.Items[0].WisherName != "" {
		t.Fatalf("board %+v", board)
	}
	path := fmt.Sprintf("/api/v1/wishes/%d", w.ID)
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, c := range []*testenv.Client{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = c.Do("POST", path+"/actions", map[string]any{"action": "claim", "version": w.Version, "claimant_member_id": []int64{m1, m2}[i]}).Status
		}()
	}
	wg.Wait()
	if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
		t.Fatalf("two claims at once: %v, want one 200 and one 409", statuses)
	}
	a.Do("GET", path, nil).JSON(t, &w)
	winner := m1
	if statuses[1] == 200 {
		winner = m2
	}
	// Claimed on 2026-11-23 (the test clock), 15 days to fulfil.
	if w.State != "claimed" || w.ClaimDueOn == nil || *w.ClaimDueOn != "2026-12-08" {
		t.Fatalf("claimed %+v", w)
	}
	sys := actor.System(context.Background(), "test")
	if _, err := e.App.Wishes.SetSettings(sys, wish.SettingsInput{ClaimDays: 15, MaxClaims: 1}); err != nil {
		t.Fatal(err)
	}
	res := a.Do("POST", fmt.Sprintf("/api/v1/wishes/%d/actions", anon.ID), map[string]any{"action": "claim", "version": anon.Version, "claimant_member_id": winner})
	if res.Status != 422 || !strings.Contains(string(res.Body), "每名党员同时认领上限") || !strings.Contains(string(res.Body), "claimant_member_id") {
		t.Errorf("over the limit: %d %s", res.Status, res.Body)
	}
	res = a.Do("POST", path+"/actions", map[string]any{"action": "fulfil", "version": w.Version, "note": "已送去辅导书三本"})
	if res.Status != 422 || !strings.Contains(string(res.Body), "照片") {
		t.Errorf("fulfil without a photo: %d %s", res.Status, res.Body)
	}
	if res := uploadWishPhoto(a, path+"/photos", []byte("GIF89a not allowed")); res.Status != 422 {
		t.Errorf("gif: %d", res.Status)
	}
	if res := uploadWishPhoto(a, path+"/photos", pngBytes); res.Status != 201 {
		t.Fatalf("photo: %d %s", res.Status, res.Body)
	}
	a.Do("GET", path, nil).JSON(t, &w)
	res = a.Do("POST", path+"/actions", map[string]any{"action": "confirm", "version": w.Version})
	if res.Status != 422 || !strings.Contains(string(res.Body), "下一步应为「完成心愿」或「撤回」") {
		t.Errorf("confirm before fulfil: %d %s", res.Status, res.Body)
	}
	res = b.Do("POST", path+"/actions", map[string]any{"action": "fulfil", "version": w.Version, "note": "已送去辅导书三本"})
	if res.Status != 200 {
		t.Fatalf("fulfil: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &w)
	if res := a.Do("POST", path+"/actions", map[string]any{"action": "confirm", "version": w.Version}); res.Status != 200 {
		t.Fatalf("confirm: %d %s", res.Status, res.Body)
	}
	var tl struct {
		Items []struct {
			Action   string `json:"action"`
			Username string `json:"username"`
		} `json:"items"`
	}
	a.Do("GET", path+"/timeline", nil).JSON(t, &tl)
	var steps []string
	for _, it := range tl.Items {
		steps = append(steps, it.Action+"/"+it.Username)
	}
	if got := strings.Join(steps, ","); got != "post/clerk_a,claim/"+map[bool]string{true: "clerk_a", false: "clerk_b"}[winner == m1]+",fulfil/clerk_b,confirm/clerk_a" {
		t.Errorf("timeline %s", got)
	}
	// The anonymous wish, claimed by the other member, lapses after 15 days.
	other := m2
	if winner == m2 {
		other = m1
	}
	ap := fmt.Sprintf("/api/v1/wishes/%d", anon.ID)
	if res := a.Do("POST", ap+"/actions", map[string]any{"action": "claim", "version": anon.Version, "claimant_member_id": other}); res.Status != 200 {
		t.Fatalf("claim: %d %s", res.Status, res.Body)
	}
	e.Clock.Advance(16 * 24 * time.Hour) // 12-09: the claim ran to 12-08
	a = e.Login("clerk_a", testenv.Password)
	a.Do("GET", ap, nil).JSON(t, &anon)
	if anon.State != "open" || anon.ClaimantName != "" || strings.Join(anon.AllowedActions, ",") != "claim,cancel" {
		t.Errorf("lapsed claim read %+v", anon)
	}
	var counts struct {
		States []struct {
			State string `json:"state"`
			Count int    `json:"count"`
		} `json:"states"`
		All int `json:"all"`
	}
	a.Do("GET", "/api/v1/wishes/counts?region_code="+testenv.Hongqiao, nil).JSON(t, &counts)
	got := map[string]int{}
	for _, s := range counts.States {
		got[s.State] = s.Count
	}
	if counts.All != 2 || got["open"] != 1 || got["confirmed"] != 1 || got["claimed"] != 0 {
		t.Errorf("counts %+v", counts)
	}
	// The next write sweeps the lapse into the timeline.
	if res := a.Do("POST", ap+"/actions", map[string]any{"action": "claim", "version": anon.Version, "claimant_member_id": winner}); res.Status != 200 {
		t.Fatalf("claim after lapse: %d %s", res.Status, res.Body)
	}
	a.Do("GET", ap+"/timeline", nil).JSON(t, &tl)
	steps = nil
	for _, it := range tl.Items {
		steps = append(steps, it.Action+"/"+it.Username)
	}
	if got := strings.Join(steps, ","); got != "post/clerk_a,claim/clerk_a,lapse/system,claim/clerk_a" {
		t.Errorf("timeline after lapse %s", got)
	}
	if res := a.Do("GET", "/api/v1/wishes/export?state=claimed", nil); res.Status != 200 || !bytes.HasPrefix(res.Body, []byte("PK")) {
		t.Errorf("export: %d", res.Status)
	}
}

type receipt struct {
	Ticket string `json:"ticket"`
	Kind   string `json:"kind"`
}

// TestPublicIntake submits a request and a wish without login, looks them up
// by ticket and the phone's last four digits (nothing personal in the
// answer), and checks the honeypot, the region list and the body limit.
func TestPublicIntake(t *testing.T) {
	e := testenv.New(t)
	e.User("clerk", auth.RoleStreet, testenv.Hongqiao)
	staff := e.Login("clerk", testenv.Password)
	anon := e.Client()
	var opts struct {
		Categories []struct{ ID int64 }    `json:"categories"`
		Regions    []struct{ Code string } `json:"regions"`
	}
	anon.Do("GET", "/api/v1/public/options", nil).JSON(t, &opts)
	if len(opts.Categories) != 8 || len(opts.Regions) < 3 || opts.Regions[0].Code != testenv.Jurisdiction {
		t.Fatalf("options %+v", opts)
	}
	res := anon.Do("POST", "/api/v1/public/service-requests", map[string]any{"category_id": 6, "content": "小区门口路灯坏了一个月", "requester_name": "赵先生",
		"requester_phone": "13700001234", "region_code": testenv.Hongqiao})
	if res.Status != 201 {
		t.Fatalf("submit request: %d %s", res.Status, res.Body)
	}
	var rq receipt
	res.JSON(t, &rq)
	if !strings.HasPrefix(rq.Ticket, "S2026-") || len(rq.Ticket) != 16 || res.Header.Get("Set-Cookie") != "" {
		t.Fatalf("receipt %+v", rq)
	}
	res = anon.Do("POST", "/api/v1/public/lookup", map[string]any{"ticket": strings.ToLower(rq.Ticket), "phone_last4": "1234"})
	if res.Status != 200 {
		t.Fatalf("lookup: %d %s", res.Status, res.Body)
	}
	body := string(res.Body)
	if !strings.Contains(body, `"state":"received"`) || !strings.Contains(body, "民生诉求") || strings.Contains(body, "赵") || strings.Contains(body, "1370") {
		t.Errorf("lookup reveals %s", body)
	}
	if res := anon.Do("POST", "/api/v1/public/lookup", map[string]any{"ticket": rq.Ticket, "phone_last4": "4321"}); res.Status != 404 {
		t.Errorf("wrong digits: %d", res.Status)
	}
	var list struct {
		Items []struct {
			Source    string `json:"source"`
			CreatedBy string `json:"created_by"`
		} `json:"items"`
	}
	staff.Do("GET", "/api/v1/service-requests?state=received", nil).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].Source != "public_form" || list.Items[0].CreatedBy != "public" {
		t.Errorf("desk sees %+v", list.Items)
	}

	res = anon.Do("POST", "/api/v1/public/wishes", map[string]any{"category": "elderly", "content": "想请人帮忙修一下轮椅", "wisher_name": "孙奶奶",
		"wisher_phone": "0734-6543210", "publish_consent": true, "region_code": testenv.Hongqiao})
	if res.Status != 201 {
		t.Fatalf("submit wish: %d %s", res.Status, res.Body)
	}
	var wr receipt
	res.JSON(t, &wr)
	var st struct {
		State string `json:"state"`
	}
	anon.Do("POST", "/api/v1/public/lookup", map[string]any{"ticket": wr.Ticket, "phone_last4": "3210"}).JSON(t, &st)
	if st.State != "submitted" {
		t.Errorf("wish lookup %+v", st)
	}
	var board struct {
		Items []wishView `json:"items"`
	}
	staff.Do("GET", "/api/v1/wishes?state=submitted", nil).JSON(t, &board)
	if len(board.Items) != 1 {
		t.Fatalf("submitted %+v", board)
	}
	if res := staff.Do("POST", fmt.Sprintf("/api/v1/wishes/%d/actions", board.Items[0].ID), map[string]any{"action": "publish", "version": board.Items[0].Version}); res.Status != 200 {
		t.Fatalf("publish: %d %s", res.Status, res.Body)
	}
	anon.Do("POST", "/api/v1/public/lookup", map[string]any{"ticket": wr.Ticket, "phone_last4": "3210"}).JSON(t, &st)
	if st.State != "open" {
		t.Errorf("published wish lookup %+v", st)
	}

	// The honeypot: a pretended success, nothing stored, the attempt audited.
	res = anon.Do("POST", "/api/v1/public/wishes", map[string]any{"category": "goods", "content": "buy now", "wisher_name": "bot",
		"wisher_phone": "13700009999", "region_code": testenv.Hongqiao, "website": "http://spam.example"})
	var hp receipt
	res.JSON(t, &hp)
	if res.Status != 201 || !strings.HasPrefix(hp.Ticket, "W2026-") {
		t.Errorf("honeypot: %d %s", res.Status, res.Body)
	}
	ctx := actor.System(context.Background(), "test")
	var n int
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT COUNT(*) FROM wishes`).Scan(&n); err != nil || n != 1 {
		t.Errorf("wishes stored: %d %v", n, err)
	}
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'public_honeypot'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("honeypot audited: %d %v", n, err)
	}
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action IN ('public_request_submit', 'public_wish_submit')`).Scan(&n); err != nil || n != 2 {
		t.Errorf("submissions audited: %d %v", n, err)
	}
	// A region the page does not offer, and a body over the limit.
	if res := anon.Do("POST", "/api/v1/public/wishes", map[string]any{"category": "goods", "content": "x", "wisher_name": "x",
		"wisher_phone": "13700009999", "region_code": "110101"}); res.Status != 422 || !strings.Contains(string(res.Body), "region_code") {
		t.Errorf("region: %d %s", res.Status, res.Body)
	}
	big := strings.Repeat("长", 5000)
	if res := anon.Do("POST", "/api/v1/public/service-requests", map[string]any{"category_id": 1, "content": big, "requester_name": "x",
		"requester_phone": "13700009999", "region_code": testenv.Hongqiao}); res.Status != 422 {
		t.Errorf("big body: %d", res.Status)
	}
}

// TestPublicRateLimit: over the submissions of the hour a client address
// gets 429 with Retry-After, audited once; the next hour it may again.
func TestPublicRateLimit(t *testing.T) {
	e := testenv.New(t)
	h := e.App.HTTP(nil)
	h.PublicLimits = httpapi.PublicLimits{Submissions: 2, Lookups: 2}
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	send := func(path, body string) *http.Response {
		res, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	wishBody := `{"category":"goods","content":"需要一袋大米","wisher_name":"周大爷","wisher_phone":"13700005555","region_code":"` + testenv.Hongqiao + `"}`
	for i := 0; i < 2; i++ {
		if res := send("/api/v1/public/wishes", wishBody); res.StatusCode != 201 {
			t.Fatalf("submission %d: %d", i+1, res.StatusCode)
		}
	}
	for i := 0; i < 3; i++ {
		if res := send("/api/v1/public/wishes", wishBody); res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
			t.Errorf("over the limit: %d %q", res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	lookup := `{"ticket":"W2026-0000000000","phone_last4":"5555"}`
	if res := send("/api/v1/public/lookup", lookup); res.StatusCode != 404 {
		t.Errorf("lookups count apart from submissions: %d", res.StatusCode)
	}
	var n int
	ctx := actor.System(context.Background(), "test")
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'public_rate_limited'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("rate limit audited %d times (%v), want once", n, err)
	}
	e.Clock.Advance(time.Hour)
}

// TestPublicRoutesReachNothingElse: the public routes are exactly those
// under /api/v1/public/, all of them anonymous; a staff session sent along
// is not used (the submission is the public's, not the clerk's); and
// without credentials every other route answers 401 (the access matrix).
func TestPublicRoutesReachNothingElse(t *testing.T) {
	for _, rt := range (&httpapi.Server{}).Routes() {
		under := strings.HasPrefix(rt.Path, "/api/v1/public/")
		if under != (rt.Perm == auth.PermPublic) && rt.Path != "/api/v1/auth/login" && rt.Path != "/api/v1/openapi.json" {
			t.Errorf("%s %s: public=%v under /public/=%v", rt.Method, rt.Path, rt.Perm == auth.PermPublic, under)
		}
	}
	e := testenv.New(t)
	e.User("clerk", auth.RoleStreet, testenv.Hongqiao)
	staff := e.Login("clerk", testenv.Password)
	res := staff.Do("POST", "/api/v1/public/wishes", map[string]any{"category": "goods", "content": "需要一台旧电脑", "wisher_name": "吴同学",
		"wisher_phone": "13700006666", "region_code": testenv.Hongqiao})
	if res.Status != 201 {
		t.Fatalf("submit: %d %s", res.Status, res.Body)
	}
	var board struct {
		Items []struct {
			CreatedBy string `json:"created_by"`
			State     string `json:"state"`
		} `json:"items"`
	}
	staff.Do("GET", "/api/v1/wishes", nil).JSON(t, &board)
	if len(board.Items) != 1 || board.Items[0].CreatedBy != "public" || board.Items[0].State != "submitted" {
		t.Errorf("board %+v", board.Items)
	}
	anon := e.Client()
	for _, p := range []string{"/api/v1/wishes", "/api/v1/service-requests", "/api/v1/wishes/counts"} {
		if res := anon.Do("GET", p, nil); res.Status != 401 {
			t.Errorf("anonymous %s: %d", p, res.Status)
		}
	}
}
