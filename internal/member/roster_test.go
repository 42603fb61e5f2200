package member_test

import (
	"context"
	"fmt"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
)

func setup(t *testing.T) (*testenv.Env, context.Context, int64) {
	e := testenv.New(t)
	ctx := actor.With(context.Background(), actor.Actor{Username: "d", Role: "district", Scope: testenv.Jurisdiction})
	name, cat, region, full := "红星个体户", "individual_business", testenv.Hongqiao, 3
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.App.Party.Create(ctx, partyorg.Input{Name: "红星科技支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return e, ctx, p.ID
}

func id(first17 string) string { return first17 + string(pdata.CheckChar(first17)) }

func kind(t *testing.T, err error) (apperr.Kind, map[string]string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok {
		t.Fatalf("not an apperr: %v", err)
	}
	return ae.Kind, ae.Fields
}

func TestCreateValidatesAgainstIDNumber(t *testing.T) {
	e, ctx, po := setup(t)
	good := member.Input{Name: "张三", Gender: "male", BirthDate: "1990-01-01", IDNumber: id("43042619900101001"), Phone: "13812345678", Category: "full", PartyOrgID: po}
	cases := []struct {
		field string
		mod   func(*member.Input)
	}{
		{"id_number", func(in *member.Input) { in.IDNumber = in.IDNumber[:17] + fmt.Sprint((in.IDNumber[17]-'0'+1)%10) }},
		{"birth_date", func(in *member.Input) { in.BirthDate = "1990-01-02" }},
		{"gender", func(in *member.Input) { in.Gender = "female" }},
		{"category", func(in *member.Input) { in.Category = "正式" }},
		{"party_org_id", func(in *member.Input) { in.PartyOrgID = 0 }},
	}
	for _, c := range cases {
		in := good
		c.mod(&in)
		_, err := e.App.Members.Create(ctx, in)
		if k, f := kind(t, err); k != apperr.KindInvalid || f[c.field] == "" {
			t.Errorf("%s: got %v %v", c.field, k, f)
		}
	}
	m, err := e.App.Members.Create(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if m.IDNumber != pdata.MaskID(good.IDNumber) || m.Phone != "138****5678" {
		t.Errorf("not masked: %+v", m)
	}
	if _, err := e.App.Members.Create(ctx, good); err == nil {
		t.Fatal("duplicate accepted")
	} else if k, _ := kind(t, err); k != apperr.KindConflict {
		t.Fatalf("duplicate: %v", err)
	}
	full, err := e.App.Members.Get(ctx, m.ID, true)
	if err != nil || full.IDNumber != good.IDNumber || full.Phone != good.Phone {
		t.Fatalf("reveal: %+v %v", full, err)
	}
	// Another street's user gets 404.
	other := actor.With(context.Background(), actor.Actor{Username: "y", Role: "street", Scope: testenv.Yuhe})
	if _, err := e.App.Members.Get(other, m.ID, false); err == nil {
		t.Fatal("out of scope visible")
	} else if k, _ := kind(t, err); k != apperr.KindNotFound {
		t.Fatalf("out of scope: %v", err)
	}
}
