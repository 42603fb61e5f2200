package httpapi_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"liangxin/internal/auth"
	"liangxin/internal/home"
	"liangxin/internal/servicereq"
	"liangxin/internal/testenv"
	"liangxin/internal/workloop"
)

// TestHomePerRole asks GET /api/v1/home as each role: each sees only the
// cards of its role, and a street nothing of the other street.
func TestHomePerRole(t *testing.T) {
	e := testenv.New(t)
	f := &fixtures{e: e, seq: new(int)}
	in, out := f.partyOrg(t, true), f.partyOrg(t, false)
	for _, tk := range []workloop.TaskInput{
		{Title: "洪桥街道的任务", AssigneeKind: "region", RegionCode: testenv.Hongqiao, Deadline: "2026-11-24"},
		{Title: "洪桥党支部的任务", AssigneeKind: "party_org", PartyOrgID: in.ID, Deadline: "2026-11-24"},
		{Title: "玉合党支部的任务", AssigneeKind: "party_org", PartyOrgID: out.ID, Deadline: "2026-11-24"},
	} {
		if _, err := e.App.Work.CreateTask(f.sys(), tk); err != nil {
			t.Fatal(err)
		}
	}
	e.Clock.Advance(3 * 24 * time.Hour) // every task overdue
	unit, err := e.App.Services.CreateUnit(f.sys(), servicereq.HandlerUnitInput{Name: "洪桥街道社会事务办", Kind: "department", RegionCode: testenv.Hongqiao})
	if err != nil {
		t.Fatal(err)
	}
	e.User("h_district", auth.RoleDistrict, testenv.Jurisdiction)
	e.User("h_street", auth.RoleStreet, testenv.Hongqiao)
	e.User("h_readonly", auth.RoleReadonly, testenv.Jurisdiction)
	e.PartyOrgUser("h_branch", in.ID)
	e.InstructorUser("h_instr", f.instructor(t, true))
	e.HandlerUser("h_handler", unit.ID)

	get := func(user string) home.Page {
		t.Helper()
		r := e.Login(user, testenv.Password).Do("GET", "/api/v1/home", nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", user, r.Status, r.Body)
		}
		var p home.Page
		r.JSON(t, &p)
		return p
	}
	kinds := func(p home.Page) string {
		ks := []string{}
		for _, c := range p.Cards {
			ks = append(ks, c.Kind)
		}
		sort.Strings(ks)
		return strings.Join(ks, ",")
	}
	count := func(p home.Page, kind string) int {
		for _, c := range p.Cards {
			if c.Kind == kind {
				return c.Count
			}
		}
		return -1
	}
	for user, want := range map[string]string{
		"h_district": "briefings,coverage,laggard_streets,meeting_laggards,overdue_tasks,renewals_overdue,services_overdue,venues_below",
		"h_street":   "coverage,laggard_streets,meeting_laggards,my_tasks,notices_unread,overdue_tasks,renewals_overdue,services_overdue,venues_below",
		"h_branch":   "develop_due,dues_owed,meetings_due,my_tasks,notices_unread",
		"h_instr":    "assigned_orgs,visits_due",
		"h_handler":  "service_inbox",
		"h_readonly": "links",
	} {
		p := get(user)
		if got := kinds(p); got != want {
			t.Errorf("%s sees %s, want %s", user, got, want)
		}
	}
	if n := count(get("h_district"), home.KindOverdueTasks); n != 3 {
		t.Errorf("district overdue %d, want 3", n)
	}
	st := get("h_street")
	if n := count(st, home.KindOverdueTasks); n != 2 {
		t.Errorf("street overdue %d, want 2 (its own and its branch's)", n)
	}
	if n := count(st, home.KindMyTasks); n != 1 {
		t.Errorf("street's own tasks %d, want 1", n)
	}
	for _, c := range st.Cards {
		for _, it := range c.Items {
			if strings.Contains(it.Label+it.Detail, "玉合") || strings.Contains(it.Label, out.Name) {
				t.Errorf("street sees outside its scope: %s %+v", c.Kind, it)
			}
		}
	}
	br := get("h_branch")
	if n := count(br, home.KindMyTasks); n != 1 {
		t.Errorf("branch tasks %d, want 1", n)
	}
	if p := get("h_branch"); p.ScopeName != in.Name {
		t.Errorf("branch scope name %q", p.ScopeName)
	}
}
