package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"liangxin/internal/cobuild"
	"strings"
	"sync"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/auth"
	"liangxin/internal/httpapi"
	"liangxin/internal/meeting"
	"liangxin/internal/member"
	"liangxin/internal/memberself"
	"liangxin/internal/testenv"
)

// memberEnv is a street secretary of 洪桥 and a roster member there.
type memberEnv struct {
	e     *testenv.Env
	f     *fixtures
	staff *testenv.Client
	m     member.Member
	id6   string // last 6 of the member's 身份证号
}

func newMemberEnv(t *testing.T) *memberEnv {
	t.Helper()
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	m := f.member(t, true)
	full, err := e.App.Members.Get(f.sys(), m.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	e.User("hq_secretary", auth.RoleStreet, testenv.Hongqiao)
	return &memberEnv{e: e, f: f, staff: e.Login("hq_secretary", testenv.Password), m: m, id6: full.IDNumber[len(full.IDNumber)-6:]}
}

func (me *memberEnv) issue(t *testing.T, memberID int64) string {
	t.Helper()
	var out memberself.Issued
	res := me.staff.Do("POST", fmt.Sprintf("/api/v1/members/%d/activation-code", memberID), nil)
	if res.Status != 201 {
		t.Fatalf("issue: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &out)
	if len(out.Code) != 11 || out.ValidDays != 7 {
		t.Fatalf("issued %+v", out)
	}
	return out.Code
}

func activate(c *testenv.Client, code, ident, username, pw string) testenv.Response {
	return c.Do("POST", "/api/v1/public/member-activation", map[string]string{"code": code, "identity": ident, "username": username, "password": pw})
}

func fieldOf(t *testing.T, res testenv.Response) string {
	t.Helper()
	var body struct {
		Error struct {
			Code   string            `json:"code"`
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	if err := json.Unmarshal(res.Body, &body); err != nil {
		t.Fatalf("body %s", res.Body)
	}
	for f := range body.Error.Fields {
		return f
	}
	return body.Error.Code
}

const memberPW = "Hq#2026dangyuan"

// TestMemberActivation walks the refusals (wrong code, wrong identity,
// revoked, expired, reused, weak password) and the success: the member then
// logs in with the password it chose and reaches its own record.
func TestMemberActivation(t *testing.T) {
	me := newMemberEnv(t)
	anon := me.e.Client()
	first := me.issue(t, me.m.ID)
	// Re-issuing revokes the first code.
	code := me.issue(t, me.m.ID)
	if res := activate(anon, first, me.id6, "zhang.san", memberPW); res.Status != 422 || !strings.Contains(string(res.Body), "已作废") {
		t.Errorf("revoked code: %d %s", res.Status, res.Body)
	}
	if res := activate(anon, "ABCDE-FGHJK", me.id6, "zhang.san", memberPW); res.Status != 422 || fieldOf(t, res) != "code" {
		t.Errorf("unknown code: %d %s", res.Status, res.Body)
	}
	// The phone on the roster is 13812345678: its last 4 are 5678.
	if res := activate(anon, code, "1234", "zhang.san", memberPW); res.Status != 422 || fieldOf(t, res) != "code" {
		t.Errorf("wrong phone digits: %d %s", res.Status, res.Body)
	}
	if res := activate(anon, code, me.id6, "zhang.san", "password"); res.Status != 422 || fieldOf(t, res) != "password" {
		t.Errorf("weak password: %d %s", res.Status, res.Body)
	}
	// The code typed in lower case without the dash is the same code.
	typed := strings.ToLower(strings.ReplaceAll(code, "-", ""))
	res := activate(anon, typed, "5678", "zhang.san", memberPW)
	if res.Status != 201 {
		t.Fatalf("activate: %d %s", res.Status, res.Body)
	}
	if res := activate(anon, code, me.id6, "zhang.san2", memberPW); res.Status != 422 || !strings.Contains(string(res.Body), "已使用") {
		t.Errorf("reused code: %d %s", res.Status, res.Body)
	}
	c := me.e.Login("zhang.san", memberPW)
	var p memberself.Profile
	c.Do("GET", "/api/v1/me/member", nil).JSON(t, &p)
	// 我的社区 is wired to co-building's 双报到: enabled, empty until the member reports.
	if p.Name != me.m.Name || !strings.Contains(p.IDNumber, "*") || p.Phone != "138****5678" || !p.CommunityEnabled || p.Community != nil {
		t.Errorf("profile %+v", p)
	}
	var community string
	if err := me.e.App.DB.QueryRow(me.f.sys(), me.e.App.DB, `SELECT code FROM regions WHERE parent_code = ? AND level = 5 ORDER BY code LIMIT 1`, testenv.Hongqiao).Scan(&community); err != nil {
		t.Fatal(err)
	}
	if _, err := me.e.App.Cobuild.CreateReport(me.f.sys(), cobuild.ReportInput{Kind: "member", CommunityCode: community, MemberID: &me.m.ID, ReportedOn: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	p = memberself.Profile{}
	c.Do("GET", "/api/v1/me/member", nil).JSON(t, &p)
	if p.Community == nil || p.Community.RegionCode != community || p.Community.Name == "" || p.Community.ReportedOn != "2026-03-01" {
		t.Errorf("community after 双报到: %+v", p.Community)
	}
	var st memberself.AccountStatus
	me.staff.Do("GET", fmt.Sprintf("/api/v1/members/%d/account", me.m.ID), nil).JSON(t, &st)
	if !st.HasAccount || st.Username != "zhang.san" || st.Disabled || st.PendingCode {
		t.Errorf("status %+v", st)
	}

	// Expired: a code issued now is valid 7 days; on day 8 it is refused.
	other := me.f.member(t, true)
	late := me.issue(t, other.ID)
	me.e.Clock.Advance(7*24*time.Hour + time.Minute)
	if res := activate(anon, late, "5678", "li.si", memberPW); res.Status != 422 || !strings.Contains(string(res.Body), "已过期") {
		t.Errorf("expired code: %d %s", res.Status, res.Body)
	}
}

// TestMemberActivationLockout: 5 wrong identities in a row (the login
// threshold) lock the code for 15 minutes, even against the right identity;
// after the lock the right identity opens the account.
func TestMemberActivationLockout(t *testing.T) {
	me := newMemberEnv(t)
	anon := me.e.Client()
	code := me.issue(t, me.m.ID)
	for i := 1; i <= 4; i++ {
		if res := activate(anon, code, "000000", "wang.wu", memberPW); res.Status != 422 {
			t.Fatalf("wrong identity %d: %d %s", i, res.Status, res.Body)
		}
	}
	if res := activate(anon, code, "000000", "wang.wu", memberPW); res.Status != 423 {
		t.Fatalf("5th wrong identity: %d %s, want 423", res.Status, res.Body)
	}
	if res := activate(anon, code, me.id6, "wang.wu", memberPW); res.Status != 423 {
		t.Errorf("right identity while locked: %d %s, want 423", res.Status, res.Body)
	}
	me.e.Clock.Advance(16 * time.Minute)
	if res := activate(anon, code, me.id6, "wang.wu", memberPW); res.Status != 201 {
		t.Errorf("after the lock: %d %s", res.Status, res.Body)
	}
}

// TestMemberActivationOnceUnderRace: of parallel activations with one code
// exactly one opens an account.
func TestMemberActivationOnceUnderRace(t *testing.T) {
	me := newMemberEnv(t)
	code := me.issue(t, me.m.ID)
	const n = 6
	var wg sync.WaitGroup
	oks := make([]bool, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx := actor.With(context.Background(), actor.Actor{Username: "public", Role: "system", System: true, IP: "10.0.0.1"})
			_, err := me.e.App.MemberSelf.Activate(ctx, memberself.ActivateInput{Code: code, Identity: me.id6, Username: fmt.Sprintf("racer%d", i), Password: memberPW})
			oks[i] = err == nil
		}(i)
	}
	wg.Wait()
	won := 0
	for _, ok := range oks {
		if ok {
			won++
		}
	}
	var accounts int
	if err := me.e.App.DB.QueryRow(context.Background(), me.e.App.DB, `SELECT COUNT(*) FROM users WHERE member_id = ?`, me.m.ID).Scan(&accounts); err != nil {
		t.Fatal(err)
	}
	if won != 1 || accounts != 1 {
		t.Errorf("%d activations won, %d accounts; want 1 and 1", won, accounts)
	}
}

// TestMemberSeesOnlyOwnData: the member reads its own meetings and dues;
// another branch's meeting and a wish outside its area answer 404, staff
// routes 403; it claims an open wish of its area as itself.
func TestMemberSeesOnlyOwnData(t *testing.T) {
	me := newMemberEnv(t)
	me.e.MemberUser("own", me.m.ID)
	c := me.e.Login("own", testenv.Password)
	sys := me.f.sys()
	mine, err := me.e.App.Meet.Create(sys, meeting.Input{PartyOrgID: me.m.PartyOrgID, Kind: meeting.KindThemeDay, Date: "2026-11-02", Topic: "学习二十届四中全会精神"})
	if err != nil {
		t.Fatal(err)
	}
	theirs := me.f.meeting(t, true) // another branch of the same street
	var year memberself.MeetingYear
	c.Do("GET", "/api/v1/me/member/meetings?year=2026", nil).JSON(t, &year)
	if len(year.Items) != 1 || year.Items[0].ID != mine.ID || year.Items[0].AttendanceName == "" {
		t.Errorf("meetings %+v", year)
	}
	if res := c.Do("GET", fmt.Sprintf("/api/v1/me/member/meetings/%d", mine.ID), nil); res.Status != 200 {
		t.Errorf("own meeting: %d", res.Status)
	}
	if res := c.Do("GET", fmt.Sprintf("/api/v1/me/member/meetings/%d", theirs.ID), nil); res.Status != 404 {
		t.Errorf("another branch's meeting: %d, want 404", res.Status)
	}
	other := me.f.member(t, true)
	for _, p := range []string{fmt.Sprintf("/api/v1/members/%d", other.ID), fmt.Sprintf("/api/v1/dues/members/%d", other.ID), fmt.Sprintf("/api/v1/members/%d", me.m.ID)} {
		if res := c.Do("GET", p, nil); res.Status != 403 {
			t.Errorf("GET %s as a member: %d, want 403", p, res.Status)
		}
	}
	var dy struct {
		MemberID int64 `json:"member_id"`
		Months   []any `json:"months"`
	}
	c.Do("GET", "/api/v1/me/member/dues?year=2026", nil).JSON(t, &dy)
	if dy.MemberID != me.m.ID || len(dy.Months) != 12 {
		t.Errorf("dues %+v", dy)
	}
	near, far := me.f.wishFixture(t, true, false), me.f.wishFixture(t, false, false)
	var board memberself.WishBoard
	c.Do("GET", "/api/v1/me/member/wishes", nil).JSON(t, &board)
	if len(board.Open) != 1 || board.Open[0].ID != near.ID {
		t.Errorf("board %+v", board.Open)
	}
	if res := c.Do("POST", fmt.Sprintf("/api/v1/me/member/wishes/%d/claim", far.ID), map[string]int{"version": far.Version}); res.Status != 404 {
		t.Errorf("claim outside the area: %d %s, want 404", res.Status, res.Body)
	}
	if res := c.Do("POST", fmt.Sprintf("/api/v1/me/member/wishes/%d/claim", near.ID), map[string]int{"version": near.Version}); res.Status != 200 {
		t.Fatalf("claim: %d %s", res.Status, res.Body)
	}
	w, err := me.e.App.Wishes.Get(sys, near.ID)
	if err != nil || w.ClaimantMemberID == nil || *w.ClaimantMemberID != me.m.ID {
		t.Errorf("claimant %+v %v", w.ClaimantMemberID, err)
	}
	c.Do("GET", "/api/v1/me/member/wishes", nil).JSON(t, &board)
	if len(board.Mine) != 1 || board.Mine[0].ID != near.ID || len(board.Open) != 0 {
		t.Errorf("after claim %+v", board)
	}
}

// TestMemberReachesNothingElse: a member session gets 403 on every route
// whose permission is not its own (member.self), the caller's own account
// (self) or public; the staff routes never answer it.
func TestMemberReachesNothingElse(t *testing.T) {
	me := newMemberEnv(t)
	me.e.MemberUser("own", me.m.ID)
	c := me.e.Login("own", testenv.Password)
	repl := strings.NewReplacer("{code}", testenv.Hongqiao, "{kind}", "should_build")
	checked := 0
	for _, rt := range (&httpapi.Server{}).Routes() {
		if rt.Perm == auth.PermSelf || rt.Perm == auth.PermMemberSelf || rt.Perm == auth.PermPublic || rt.Upload {
			continue
		}
		path := repl.Replace(rt.Path)
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			path = path[:i] + "1" + path[j+1:]
		}
		var body any
		if rt.Method != "GET" {
			body = map[string]any{}
		}
		if res := c.Do(rt.Method, path, body); res.Status != 403 {
			t.Errorf("%s %s as a member: %d, want 403", rt.Method, path, res.Status)
		}
		checked++
	}
	if checked < 100 {
		t.Errorf("only %d routes checked", checked)
	}
}

// TestMemberAccountClosed: the secretary's 停用 ends the member's session
// and refuses its login; a new code opens the same account again. A grant
// of role member from the user screen is refused.
func TestMemberAccountClosed(t *testing.T) {
	me := newMemberEnv(t)
	anon := me.e.Client()
	if res := activate(anon, me.issue(t, me.m.ID), me.id6, "zhao.liu", memberPW); res.Status != 201 {
		t.Fatalf("activate: %d %s", res.Status, res.Body)
	}
	c := me.e.Login("zhao.liu", memberPW)
	if res := me.staff.Do("POST", fmt.Sprintf("/api/v1/members/%d/account/disable", me.m.ID), nil); res.Status != 200 {
		t.Fatalf("disable: %d %s", res.Status, res.Body)
	}
	if res := c.Do("GET", "/api/v1/me/member", nil); res.Status != 401 {
		t.Errorf("session after disable: %d, want 401", res.Status)
	}
	if res := anon.Do("POST", "/api/v1/auth/login", map[string]string{"username": "zhao.liu", "password": memberPW}); res.Status != 401 {
		t.Errorf("login after disable: %d", res.Status)
	}
	if res := activate(anon, me.issue(t, me.m.ID), me.id6, "zhao.liu2", memberPW+"x"); res.Status != 201 {
		t.Fatalf("re-activate: %d %s", res.Status, res.Body)
	}
	c = me.e.Login("zhao.liu2", memberPW+"x")
	if res := c.Do("GET", "/api/v1/me/member", nil); res.Status != 200 {
		t.Errorf("after re-activation: %d", res.Status)
	}
	var n int
	if err := me.e.App.DB.QueryRow(context.Background(), me.e.App.DB, `SELECT COUNT(*) FROM users WHERE member_id = ?`, me.m.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d accounts (%v), want the same one", n, err)
	}
	me.e.User("sec_admin", auth.RoleSecurityAdmin, testenv.Jurisdiction)
	u := me.e.User("plain", auth.RoleReadonly, testenv.Hongqiao)
	sa := me.e.Login("sec_admin", testenv.Password)
	if res := sa.Do("PUT", fmt.Sprintf("/api/v1/users/%d/grant", u.ID), map[string]any{"role": auth.RoleMember, "scope": testenv.Hongqiao}); res.Status != 422 || fieldOf(t, res) != "role" {
		t.Errorf("grant member: %d %s", res.Status, res.Body)
	}
	// Nor is a member account given another role.
	acct, err := me.e.App.Auth.UserByUsername(me.f.sys(), "zhao.liu2")
	if err != nil {
		t.Fatal(err)
	}
	if res := sa.Do("PUT", fmt.Sprintf("/api/v1/users/%d/grant", acct.ID), map[string]any{"role": auth.RoleDistrict, "scope": testenv.Hongqiao}); res.Status != 422 {
		t.Errorf("grant district to a member account: %d %s", res.Status, res.Body)
	}
}

// TestMemberTransferOutClosesAccount: completing a transfer out of the
// system (回执办结) disables the member's account in the same transaction.
func TestMemberTransferOutClosesAccount(t *testing.T) {
	me := newMemberEnv(t)
	me.e.MemberUser("leaving", me.m.ID)
	c := me.e.Login("leaving", testenv.Password)
	sys := me.f.sys()
	tr, err := me.e.App.Members.StartTransfer(sys, member.TransferInput{Kind: member.TransferOut, MemberID: me.m.ID, LetterNo: "转出1", ToOutside: "系统外党委"})
	if err != nil {
		t.Fatal(err)
	}
	if res := c.Do("GET", "/api/v1/me/member", nil); res.Status != 200 {
		t.Fatalf("before the return slip: %d", res.Status)
	}
	if _, err := me.e.App.Members.ReceiveReturnSlip(sys, tr.ID, member.CloseInput{On: "2026-11-23"}); err != nil {
		t.Fatal(err)
	}
	if res := c.Do("GET", "/api/v1/me/member", nil); res.Status != 401 {
		t.Errorf("session after transfer out: %d, want 401", res.Status)
	}
	var st memberself.AccountStatus
	me.staff.Do("GET", fmt.Sprintf("/api/v1/members/%d/account", me.m.ID), nil).JSON(t, &st)
	if !st.HasAccount || !st.Disabled {
		t.Errorf("status after transfer out %+v", st)
	}
}

// TestMemberSignsInToMeeting: on the day of its branch's meeting the member
// signs in and is recorded present, once (a second sign-in writes nothing);
// a meeting of another day is refused (422), another branch's meeting is 404.
func TestMemberSignsInToMeeting(t *testing.T) {
	me := newMemberEnv(t)
	me.e.MemberUser("own", me.m.ID)
	c := me.e.Login("own", testenv.Password)
	sys := me.f.sys()
	today := me.e.App.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	held := func(org int64, date string) int64 {
		m, err := me.e.App.Meet.Create(sys, meeting.Input{PartyOrgID: org, Kind: meeting.KindThemeDay, Date: date, Topic: "主题党日"})
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	todays, earlier, others := held(me.m.PartyOrgID, today), held(me.m.PartyOrgID, "2026-11-02"), held(me.f.partyOrg(t, true).ID, today)
	for i := 0; i < 2; i++ {
		var got memberself.MyMeeting
		res := c.Do("POST", fmt.Sprintf("/api/v1/me/member/meetings/%d/sign-in", todays), nil)
		if res.Status != 200 {
			t.Fatalf("sign-in %d: %d %s", i+1, res.Status, res.Body)
		}
		res.JSON(t, &got)
		if got.Attendance != meeting.Present || got.AttendanceName != "出席" {
			t.Errorf("sign-in %d: %+v", i+1, got)
		}
	}
	var audits int
	if err := me.e.App.DB.QueryRow(sys, me.e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'meeting_self_sign_in'`).Scan(&audits); err != nil || audits != 1 {
		t.Errorf("audit entries %d (%v), want 1: the second sign-in writes nothing", audits, err)
	}
	if res := c.Do("POST", fmt.Sprintf("/api/v1/me/member/meetings/%d/sign-in", earlier), nil); res.Status != 422 || !strings.Contains(string(res.Body), "2026-11-02") {
		t.Errorf("another day's meeting: %d %s, want 422 naming its date", res.Status, res.Body)
	}
	if res := c.Do("POST", fmt.Sprintf("/api/v1/me/member/meetings/%d/sign-in", others), nil); res.Status != 404 {
		t.Errorf("another branch's meeting: %d, want 404", res.Status)
	}
	var n int
	if err := me.e.App.DB.QueryRow(sys, me.e.App.DB, `SELECT COUNT(*) FROM meeting_attendance WHERE member_id = ? AND status = 'present'`, me.m.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("present rows %d (%v), want 1", n, err)
	}
}
