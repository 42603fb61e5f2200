package instructor_test

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/instructor"
	"liangxin/internal/testenv"
)

// An instructor's phone follows the members' rule (pdata.NormalizePhone): a
// 7-digit number, a mobile of 10 digits or letters are refused naming phone;
// a full-width mobile and a landline with area code are kept in one form.
func TestInstructorPhoneValidatedLikeMembers(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.With(context.Background(), actor.Actor{Role: "district", Scope: testenv.Jurisdiction})
	name := "赵指导"
	for _, bad := range []string{"1234567", "1381234567", "138abcd5678", "12812345678"} {
		p := bad
		_, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, Phone: &p})
		if ae, ok := apperr.As(err); !ok || ae.Fields["phone"] == "" {
			t.Errorf("%q: %v", bad, err)
		}
	}
	for in, want := range map[string]string{"１３８１２３４５６７８": "138****5678", "0734 8234567": "073*****4567"} {
		p := in
		got, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, Phone: &p})
		if err != nil || got.Phone != want {
			t.Errorf("%q: %q %v, want %q", in, got.Phone, err, want)
		}
	}
}
