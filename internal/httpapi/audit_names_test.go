package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/audit"
	"liangxin/internal/auth"
	"liangxin/internal/testenv"
)

type auditItem struct {
	Action      string            `json:"action"`
	Entity      string            `json:"entity"`
	EntityID    string            `json:"entity_id"`
	EntityLabel string            `json:"entity_label"`
	EntityName  string            `json:"entity_name"`
	Subject     string            `json:"subject"`
	Labels      map[string]string `json:"labels"`
	Detail      map[string]any    `json:"detail"`
}

// The audit log names its objects in Chinese, labels the keys of the details,
// says whose data a reveal showed (masked, never in clear), and filters by object.
func TestAuditListNamesObjectsAndRevealSubject(t *testing.T) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	m := f.member(t, true)
	e.User("hq_street", auth.RoleStreet, testenv.Hongqiao)
	e.User("aud", auth.RoleAuditAdmin, testenv.Jurisdiction)
	hq := e.Login("hq_street", testenv.Password)
	var full struct {
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
	}
	hq.Do("GET", fmt.Sprintf("/api/v1/members/%d?reveal=true", m.ID), nil).JSON(t, &full)
	if strings.Contains(full.IDNumber, "*") {
		t.Fatalf("reveal did not reveal: %+v", full)
	}
	if res := hq.Do("PATCH", fmt.Sprintf("/api/v1/members/%d", m.ID), map[string]any{"position": "支部委员"}); res.Status != 200 {
		t.Fatalf("update: %d %s", res.Status, res.Body)
	}
	aud := e.Login("aud", testenv.Password)
	var page struct{ Items []auditItem }
	res := aud.Do("GET", fmt.Sprintf("/api/v1/audit?entity=member&entity_id=%d", m.ID), nil)
	res.JSON(t, &page)
	if strings.Contains(string(res.Body), full.IDNumber) || strings.Contains(string(res.Body), full.Phone) {
		t.Errorf("the audit list shows personal data in clear: %s", res.Body)
	}
	byAction := map[string]auditItem{}
	for _, it := range page.Items {
		if it.Entity != "member" || it.EntityID != fmt.Sprint(m.ID) {
			t.Errorf("entity filter let through %+v", it)
		}
		byAction[it.Action] = it
	}
	rev, ok := byAction["member_reveal"]
	if !ok {
		t.Fatalf("no reveal entry in %+v", page.Items)
	}
	if rev.EntityLabel != "党员" || rev.EntityName != m.Name {
		t.Errorf("reveal object: %q %q", rev.EntityLabel, rev.EntityName)
	}
	if !strings.Contains(rev.Subject, m.Name) || !strings.Contains(rev.Subject, "身份证号 ") || !strings.Contains(rev.Subject, "*") {
		t.Errorf("reveal subject: %q", rev.Subject)
	}
	if rev.Labels["id_number"] != "身份证号" || rev.Labels["phone"] != "手机号" || rev.Labels["name"] != "名称" {
		t.Errorf("reveal labels: %v", rev.Labels)
	}
	upd, ok := byAction["member_update"]
	if !ok || upd.EntityName != m.Name || upd.Labels["position"] != "职务" {
		t.Errorf("update entry: %+v", upd)
	}

	// Users are named by display name and username; logins name the user.
	var logins struct{ Items []auditItem }
	aud.Do("GET", "/api/v1/audit?action=login&username=hq_street", nil).JSON(t, &logins)
	if len(logins.Items) != 1 || logins.Items[0].EntityLabel != "用户" || !strings.Contains(logins.Items[0].EntityName, "（hq_street）") {
		t.Errorf("login entries: %+v", logins.Items)
	}
}

// One login through the API writes one login entry (and one session).
func TestOneLoginOneAuditEntry(t *testing.T) {
	e := testenv.New(t)
	e.User("one_login", auth.RoleReadonly, testenv.Hongqiao)
	e.Login("one_login", testenv.Password)
	if n := countAudit(t, e, "login", "one_login", "success"); n != 1 {
		t.Errorf("login entries: %d, want 1", n)
	}
}

// Every kind of object the trail names has a query that runs on this
// database, so one odd entry cannot break the audit list.
func TestAuditNamesEveryKind(t *testing.T) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	m := f.member(t, true)
	// An honour is named by whom it honours, never by its subject code
	// ("party_org", "member").
	now := "2026-06-01T00:00:00Z"
	if _, err := e.App.DB.Exec(context.Background(), e.App.DB, `INSERT INTO assess_honours (subject, member_id, party_org_id, kind, level, year, status, recommended_on, created_at, updated_at)
		VALUES ('member', ?, ?, 'excellent_member', 'county', 2026, 'recommended', '2026-06-01', ?, ?)`, m.ID, m.PartyOrgID, now, now); err != nil {
		t.Fatal(err)
	}
	var honourID int64
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT MAX(id) FROM assess_honours`).Scan(&honourID); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Audit.Record(f.sys(), e.App.DB, audit.Entry{Action: "export", Entity: "assess_honour", EntityID: fmt.Sprint(honourID)}); err != nil {
		t.Fatal(err)
	}
	for _, k := range audit.EntityKinds() {
		for _, id := range []string{fmt.Sprint(m.ID), "430426", "x"} {
			if err := e.App.Audit.Record(f.sys(), e.App.DB, audit.Entry{Action: "export", Entity: k, EntityID: id}); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.User("aud", auth.RoleAuditAdmin, testenv.Jurisdiction)
	aud := e.Login("aud", testenv.Password)
	var page struct {
		Items []auditItem
		Total int
	}
	res := aud.Do("GET", "/api/v1/audit?action=export&page_size=200", nil)
	if res.Status != 200 {
		t.Fatalf("list: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &page)
	named := map[string]string{}
	for _, it := range page.Items {
		if it.EntityLabel == "" || it.EntityLabel == it.Entity {
			t.Errorf("no Chinese label for %q", it.Entity)
		}
		if it.EntityName != "" {
			named[it.Entity+" "+it.EntityID] = it.EntityName
		}
	}
	if want := m.Name + "（2026 年）"; named[fmt.Sprintf("assess_honour %d", honourID)] != want {
		t.Errorf("honour named %q, want %q", named[fmt.Sprintf("assess_honour %d", honourID)], want)
	}
	if named[fmt.Sprintf("member %d", m.ID)] != m.Name || named["region 430426"] != "祁东县" {
		t.Errorf("names: %v", named)
	}
}
