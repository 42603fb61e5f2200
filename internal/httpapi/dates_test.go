package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/testenv"
)

// TestOrganizationDatesBounded: 登记日期 and the other dates of an
// organization are refused outside 1900-01-01..2099-12-31, with a 422 naming
// the field, on create and on update, and the boundaries themselves are
// accepted (issue 11 item 8: 0000-01-01 and 9999-12-31 were accepted).
func TestOrganizationDatesBounded(t *testing.T) {
	e := testenv.New(t)
	e.User("ledger", auth.RoleDistrict, testenv.Jurisdiction)
	c := e.Login("ledger", testenv.Password)
	n := 0
	create := func(field, day string) testenv.Response {
		n++
		body := map[string]any{"name": fmt.Sprintf("日期测试企业%d", n), "category": "individual_business", "region_code": testenv.Hongqiao, field: day}
		if field == "planned_on" {
			body["no_org_reason"] = "筹备中"
		}
		return c.Do("POST", "/api/v1/organizations", body)
	}
	for _, field := range []string{"registered_on", "closed_on"} {
		for _, day := range []string{"1899-12-31", "0000-01-01", "9999-12-31", "2100-01-01"} {
			r := create(field, day)
			if r.Status != 422 {
				t.Fatalf("%s = %s: %d %s, want 422", field, day, r.Status, r.Body)
			}
			var body struct {
				Error struct {
					Code   string            `json:"code"`
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			r.JSON(t, &body)
			if body.Error.Code != "invalid" || body.Error.Fields[field] == "" {
				t.Errorf("%s = %s: %s, want a field error naming %s", field, day, r.Body, field)
			}
		}
	}
	for _, day := range []string{"1900-01-01", "2099-12-31"} {
		if r := create("registered_on", day); r.Status != 201 {
			t.Errorf("registered_on = %s: %d %s, want 201", day, r.Status, r.Body)
		}
	}
	// Update and list filters go through the same parser.
	r := create("registered_on", "2020-01-01")
	id := int64(r.Map(t)["id"].(float64))
	if r := c.Do("PATCH", fmt.Sprintf("/api/v1/organizations/%d", id), map[string]any{"registered_on": "9999-12-31"}); r.Status != 422 {
		t.Errorf("update to 9999-12-31: %d %s", r.Status, r.Body)
	}
	if r := c.Do("GET", "/api/v1/organizations?registered_from=0000-01-01", nil); r.Status != 422 {
		t.Errorf("filter from 0000-01-01: %d %s", r.Status, r.Body)
	}
}

// TestAuditFilterDatesBounded: the audit trail's date filters refuse dates
// outside 1900-01-01..2099-12-31 like every other date field.
func TestAuditFilterDatesBounded(t *testing.T) {
	e := testenv.New(t)
	e.User("auditor", auth.RoleAuditAdmin, testenv.Jurisdiction)
	c := e.Login("auditor", testenv.Password)
	for _, q := range []string{"from=0000-01-01", "to=9999-12-31", "from=1899-12-31", "to=2100-01-01"} {
		field := q[:strings.IndexByte(q, '=')]
		if r := c.Do("GET", "/api/v1/audit?"+q, nil); r.Status != 422 || !strings.Contains(string(r.Body), `"`+field+`"`) {
			t.Errorf("GET /api/v1/audit?%s: %d %s, want 422 naming %s", q, r.Status, r.Body, field)
		}
	}
	if r := c.Do("GET", "/api/v1/audit?from=1900-01-01&to=2099-12-31", nil); r.Status != 200 {
		t.Errorf("the bounds themselves: %d %s", r.Status, r.Body)
	}
}
