package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/testenv"
)

// A district user sees the whole jurisdiction's compliance; a branch
// secretary records and sees only its own party organization.
func TestMeetingScopeDistrictAndSecretary(t *testing.T) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	hq, yh := f.partyOrg(t, true), f.partyOrg(t, false)
	e.User("district", auth.RoleDistrict, testenv.Jurisdiction)
	e.PartyOrgUser("sec_hq", hq.ID)
	sec := e.Login("sec_hq", testenv.Password)
	res := sec.Do("POST", "/api/v1/meetings", map[string]any{"party_org_id": hq.ID, "kind": "theme_day", "date": "2026-10-10", "topic": "主题党日"})
	if res.Status != 201 {
		t.Fatalf("secretary records own meeting: %d %s", res.Status, res.Body)
	}
	if res := sec.Do("POST", "/api/v1/meetings", map[string]any{"party_org_id": yh.ID, "kind": "theme_day", "date": "2026-10-10", "topic": "x"}); res.Status != 404 {
		t.Errorf("secretary records another party org's meeting: %d", res.Status)
	}
	other := f.meeting(t, false)
	if res := sec.Do("GET", fmt.Sprintf("/api/v1/meetings/%d", other.ID), nil); res.Status != 404 {
		t.Errorf("secretary reads another meeting: %d", res.Status)
	}
	var page struct{ Total int }
	sec.Do("GET", "/api/v1/meetings", nil).JSON(t, &page)
	if page.Total != 1 {
		t.Errorf("secretary sees %d meetings, want 1", page.Total)
	}
	var rep struct {
		Orgs []struct {
			PartyOrgID int64 `json:"party_org_id"`
		}
		ByStreet []struct{ Code string } `json:"by_street"`
	}
	sec.Do("GET", "/api/v1/compliance?from=2026-10-01&to=2026-10-31", nil).JSON(t, &rep)
	if len(rep.Orgs) != 1 || rep.Orgs[0].PartyOrgID != hq.ID {
		t.Errorf("secretary's compliance: %+v", rep.Orgs)
	}
	d := e.Login("district", testenv.Password)
	res = d.Do("GET", "/api/v1/compliance?from=2026-10-01&to=2026-10-31", nil)
	res.JSON(t, &rep)
	if len(rep.Orgs) != 3 || len(rep.ByStreet) != 2 {
		t.Errorf("district compliance: %d orgs %d streets: %s", len(rep.Orgs), len(rep.ByStreet), res.Body)
	}
	e.User("street_hq", auth.RoleStreet, testenv.Hongqiao)
	s := e.Login("street_hq", testenv.Password)
	s.Do("GET", "/api/v1/compliance?from=2026-10-01&to=2026-10-31", nil).JSON(t, &rep)
	if len(rep.Orgs) != 1 {
		t.Errorf("street compliance: %+v", rep.Orgs)
	}
	// The secretary's home-page reminders.
	var rem struct {
		Items []struct {
			Items []string
			Due   []struct {
				Kind     string
				KindName string `json:"kind_name"`
				Times    int
			}
		}
	}
	sec.Do("GET", fmt.Sprintf("/api/v1/compliance/reminders?party_org_id=%d", hq.ID), nil).JSON(t, &rem)
	if len(rem.Items) != 1 || len(rem.Items[0].Items) == 0 {
		t.Fatalf("reminders: %+v", rem)
	}
	// The same reminders as data, one per kind, for the page's summary by kind.
	if due := rem.Items[0].Due; len(due) != len(rem.Items[0].Items) || due[0].Kind == "" || due[0].KindName == "" || due[0].Times < 1 {
		t.Errorf("reminders by kind: %+v", due)
	}
}
