package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/testenv"
)

// A street user sees, changes and counts only its own street's members;
// ID numbers and phones are masked unless revealed (with permission, audited).
func TestMemberRosterScopeMaskingReveal(t *testing.T) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	in, out := f.member(t, true), f.member(t, false)
	e.User("hq_street", auth.RoleStreet, testenv.Hongqiao)
	e.User("ro_user", auth.RoleReadonly, testenv.Hongqiao)
	hq, ro := e.Login("hq_street", testenv.Password), e.Login("ro_user", testenv.Password)

	var page struct {
		Items []struct {
			ID       int64  `json:"id"`
			IDNumber string `json:"id_number"`
			Phone    string `json:"phone"`
		}
		Total int
	}
	hq.Do("GET", "/api/v1/members", nil).JSON(t, &page)
	if page.Total != 1 || len(page.Items) != 1 || page.Items[0].ID != in.ID {
		t.Fatalf("street list: %+v", page)
	}
	if it := page.Items[0]; !strings.Contains(it.IDNumber, "********") || it.Phone != "138****5678" {
		t.Errorf("list not masked: %+v", it)
	}
	if res := hq.Do("GET", fmt.Sprintf("/api/v1/members/%d", out.ID), nil); res.Status != 404 {
		t.Errorf("other street's member: %d", res.Status)
	}
	if res := hq.Do("PATCH", fmt.Sprintf("/api/v1/members/%d", out.ID), map[string]any{"position": "x"}); res.Status != 404 {
		t.Errorf("change other street's member: %d", res.Status)
	}
	if res := hq.Do("GET", fmt.Sprintf("/api/v1/members/stats?party_org_id=%d", out.PartyOrgID), nil); res.Status != 404 {
		t.Errorf("stats of other street's party org: %d", res.Status)
	}
	if res := hq.Do("GET", "/api/v1/members/stats?region_code="+testenv.Yuhe, nil); res.Status != 404 {
		t.Errorf("stats of other street: %d", res.Status)
	}
	var st struct{ Total int }
	hq.Do("GET", "/api/v1/members/stats", nil).JSON(t, &st)
	if st.Total != 1 {
		t.Errorf("street stats total %d, want 1", st.Total)
	}

	var m struct {
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
	}
	hq.Do("GET", fmt.Sprintf("/api/v1/members/%d", in.ID), nil).JSON(t, &m)
	if m.IDNumber != in.IDNumber || m.Phone != "138****5678" || !strings.Contains(m.IDNumber, "*") {
		t.Errorf("detail not masked: %+v", m)
	}
	if n := countAudit(t, e, "member_reveal", "hq_street", "success"); n != 0 {
		t.Fatalf("reveal audited before any reveal: %d", n)
	}
	hq.Do("GET", fmt.Sprintf("/api/v1/members/%d?reveal=true", in.ID), nil).JSON(t, &m)
	if strings.Contains(m.IDNumber, "*") || m.Phone != "13812345678" {
		t.Errorf("reveal: %+v", m)
	}
	if n := countAudit(t, e, "member_reveal", "hq_street", "success"); n != 1 {
		t.Errorf("reveal audit entries %d, want 1", n)
	}
	if res := ro.Do("GET", fmt.Sprintf("/api/v1/members/%d?reveal=true", in.ID), nil); res.Status != 403 {
		t.Errorf("readonly reveal: %d", res.Status)
	}
	// The export holds only the street's member, masked.
	exp := hq.Do("GET", "/api/v1/members/export", nil)
	if exp.Status != 200 {
		t.Fatalf("export: %d", exp.Status)
	}
	rows := sheetRows(t, exp.Body)
	if len(rows) != 2 || rows[0][4] != "身份证号" || rows[1][4] != in.IDNumber || rows[1][5] != "138****5678" {
		t.Errorf("export rows: %v", rows)
	}
	if res := hq.Do("GET", fmt.Sprintf("/api/v1/members/export?party_org_id=%d", out.PartyOrgID), nil); res.Status != 404 {
		t.Errorf("export of other street's party org: %d", res.Status)
	}
	// 422 naming id_number; 409 on duplicate.
	body := map[string]any{"name": "甲", "gender": "male", "birth_date": "1990-01-01", "id_number": in.IDNumber, "category": "full", "party_org_id": in.PartyOrgID}
	if res := hq.Do("POST", "/api/v1/members", body); res.Status != 422 {
		t.Errorf("masked id number accepted: %d", res.Status)
	}
	var full struct {
		IDNumber string `json:"id_number"`
	}
	hq.Do("GET", fmt.Sprintf("/api/v1/members/%d?reveal=true", in.ID), nil).JSON(t, &full)
	body["id_number"] = full.IDNumber
	if res := hq.Do("POST", "/api/v1/members", body); res.Status != 409 {
		t.Errorf("duplicate: %d %s", res.Status, res.Body)
	}
	body["id_number"] = full.IDNumber[:17] + map[bool]string{true: "0", false: "1"}[full.IDNumber[17] != '0']
	if res := hq.Do("POST", "/api/v1/members", body); res.Status != 422 || !strings.Contains(string(res.Body), "id_number") {
		t.Errorf("bad check char: %d %s", res.Status, res.Body)
	}
}
