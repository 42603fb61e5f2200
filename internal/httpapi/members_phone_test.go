package httpapi_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/testenv"
)

// A member's phone is validated at the edge: 422 with error.fields.phone on
// create and on update; a valid one comes back masked by the shared rule.
func TestMemberPhoneValidation422(t *testing.T) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	p := f.partyOrg(t, true)
	e.User("hq_street", auth.RoleStreet, testenv.Hongqiao)
	hq := e.Login("hq_street", testenv.Password)
	fields := func(res testenv.Response) map[string]string {
		var body struct {
			Error struct {
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		_ = json.Unmarshal(res.Body, &body)
		return body.Error.Fields
	}
	in := map[string]any{"name": "电话党员", "gender": "male", "birth_date": "1990-01-01", "id_number": idNumber(f.next()),
		"phone": "1234567", "category": "full", "party_org_id": p.ID}
	res := hq.Do("POST", "/api/v1/members", in)
	if res.Status != 422 || fields(res)["phone"] == "" {
		t.Fatalf("create with 1234567: %d %s", res.Status, res.Body)
	}
	in["phone"] = "0734-8234567"
	res = hq.Do("POST", "/api/v1/members", in)
	if res.Status != 201 {
		t.Fatalf("create with a landline: %d %s", res.Status, res.Body)
	}
	var m struct {
		ID    int64  `json:"id"`
		Phone string `json:"phone"`
	}
	res.JSON(t, &m)
	if m.Phone != "073*****4567" {
		t.Errorf("landline masked as %q", m.Phone)
	}
	res = hq.Do("PATCH", fmt.Sprintf("/api/v1/members/%d", m.ID), map[string]any{"phone": "1381234567"})
	if res.Status != 422 || fields(res)["phone"] == "" {
		t.Errorf("update to 10 digits: %d %s", res.Status, res.Body)
	}
}
