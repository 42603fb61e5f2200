package member_test

import (
	"testing"

	"liangxin/internal/apperr"
	"liangxin/internal/member"
)

// Phones are checked on create and update (422 naming "phone"), and a valid
// one is stored in its normal form: full-width digits and spaces folded.
func TestMemberPhoneValidated(t *testing.T) {
	e, ctx, po := setup(t)
	in := member.Input{Name: "张三", Gender: "male", BirthDate: "1990-01-01", IDNumber: id("43042619900101001"), Phone: "138123", Category: "full", PartyOrgID: po}
	_, err := e.App.Members.Create(ctx, in)
	if k, f := kind(t, err); k != apperr.KindInvalid || f["phone"] == "" || len(f) != 1 {
		t.Fatalf("create with a 6-digit phone: %v %v", k, f)
	}
	in.Phone = "１３８ １２３４ ５６７８"
	m, err := e.App.Members.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if m.Phone != "138****5678" {
		t.Errorf("masked phone %q", m.Phone)
	}
	full, err := e.App.Members.Get(ctx, m.ID, true)
	if err != nil || full.Phone != "13812345678" {
		t.Fatalf("stored phone %q %v", full.Phone, err)
	}
	for _, bad := range []string{"0734-0234567", "12812345678", "电话"} {
		_, err = e.App.Members.Update(ctx, m.ID, member.Patch{Phone: &bad})
		if k, f := kind(t, err); k != apperr.KindInvalid || f["phone"] == "" {
			t.Errorf("update to %q: %v %v", bad, k, f)
		}
	}
	landline := "0734 8234567转801"
	if u, err := e.App.Members.Update(ctx, m.ID, member.Patch{Phone: &landline}); err != nil || u.Phone != "073*********-801" {
		t.Fatalf("landline: %q %v", u.Phone, err)
	}
	full, _ = e.App.Members.Get(ctx, m.ID, true)
	if full.Phone != "0734-8234567-801" {
		t.Errorf("stored landline %q", full.Phone)
	}
	empty := ""
	if _, err := e.App.Members.Update(ctx, m.ID, member.Patch{Phone: &empty}); err != nil {
		t.Errorf("clearing the phone: %v", err)
	}
}
