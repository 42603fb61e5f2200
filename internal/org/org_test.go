package org_test

import (
	"context"
	"liangxin/internal/store"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
)

func str(s string) *string { return &s }
func num(n int) *int       { return &n }

func TestValidationNamesEachField(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.With(context.Background(), actor.Actor{Role: "street", Scope: testenv.Hongqiao})
	_, err := e.App.Orgs.Create(ctx, org.Input{
		Name: str(""), USCC: str("9144030071526726XA"), Category: str("castle"), RegionCode: str(testenv.Yuhe),
		Industry: str("Z"), Employees: num(-1), RegisteredOn: str("2022-02-30"),
	})
	ae, ok := apperr.As(err)
	if !ok || ae.Kind != apperr.KindInvalid {
		t.Fatalf("got %v", err)
	}
	for _, f := range []string{"name", "uscc", "category", "region_code", "industry", "employees", "registered_on"} {
		if ae.Fields[f] == "" {
			t.Errorf("no message for %s: %v", f, ae.Fields)
		}
	}
	// The USCC is required except for 个体工商户.
	_, err = e.App.Orgs.Create(ctx, org.Input{Name: str("某公司"), Category: str("private_enterprise"), RegionCode: str(testenv.Hongqiao)})
	if ae, _ := apperr.As(err); ae == nil || ae.Fields["uscc"] == "" {
		t.Fatalf("missing uscc: %v", err)
	}
	if _, err := e.App.Orgs.Create(ctx, org.Input{Name: str("某商行"), Category: str("individual_business"), RegionCode: str(testenv.Hongqiao)}); err != nil {
		t.Fatalf("个体工商户 without uscc: %v", err)
	}
	// Without a code, name + region must be unique.
	if _, err := e.App.Orgs.Create(ctx, org.Input{Name: str("某商行"), Category: str("individual_business"), RegionCode: str(testenv.Hongqiao)}); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("duplicate name without code: %v", err)
	}
	// Names take full-width brackets whatever was typed.
	b, err := e.App.Orgs.Create(ctx, org.Input{Name: str("  某某(祁东)  商行 "), Category: str("individual_business"), RegionCode: str(testenv.Hongqiao)})
	if err != nil || b.Name != "某某（祁东） 商行" {
		t.Fatalf("name normalised to %q: %v", b.Name, err)
	}
	// Codes are normalised (full-width, lower case, spaces) and unique.
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: str("深圳某公司"), USCC: str(" ９１４４０３００７１５２６７２６ｘｇ "), Category: str("private_enterprise"), RegionCode: str("430426001000")})
	if err != nil || o.USCC != "9144030071526726XG" || o.RegionCode != testenv.Hongqiao || o.Sector != "economic" {
		t.Fatalf("normalised: %+v %v", o, err)
	}
	_, err = e.App.Orgs.Create(ctx, org.Input{Name: str("另一家"), USCC: str("9144030071526726XG"), Category: str("private_enterprise"), RegionCode: str(testenv.Hongqiao)})
	if ae, _ := apperr.As(err); ae == nil || ae.Kind != apperr.KindConflict || ae.Fields["uscc"] == "" {
		t.Fatalf("duplicate uscc: %v", err)
	}
	// Members cannot exceed employees; a closure cannot precede registration.
	_, err = e.App.Orgs.Create(ctx, org.Input{Name: str("小店"), Category: str("individual_business"), RegionCode: str(testenv.Hongqiao),
		Employees: num(2), FullMembers: num(2), ProbationaryMembers: num(1), RegisteredOn: str("2020-01-01"), ClosedOn: str("2019-12-31")})
	if ae, _ := apperr.As(err); ae == nil || ae.Fields["full_members"] == "" || ae.Fields["closed_on"] == "" {
		t.Fatalf("members/closure: %v", err)
	}
	// A county is not a valid region for an organization.
	if _, err := e.App.Orgs.Create(actor.System(context.Background(), "t"), org.Input{Name: str("县直单位"), Category: str("individual_business"), RegionCode: str("430426")}); err == nil {
		t.Fatal("county accepted as region")
	}
}

func TestUpdateDeleteAndHistory(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.With(context.Background(), actor.Actor{Role: "street", Scope: testenv.Hongqiao, Username: "hq"})
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: str("洪桥超市"), Category: str("individual_business"), RegionCode: str(testenv.Hongqiao)})
	if err != nil {
		t.Fatal(err)
	}
	o2, err := e.App.Orgs.Update(ctx, o.ID, org.Input{Employees: num(12), Tags: &[]string{"外卖", "快递"}})
	if err != nil || o2.Employees != 12 || len(o2.Tags) != 2 || o2.Name != "洪桥超市" {
		t.Fatalf("update: %+v %v", o2, err)
	}
	other := actor.With(context.Background(), actor.Actor{Role: "street", Scope: testenv.Yuhe})
	if _, err := e.App.Orgs.Get(other, o.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("other street reads: %v", err)
	}
	if _, err := e.App.Orgs.Update(other, o.ID, org.Input{Employees: num(1)}); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("other street writes: %v", err)
	}
	if err := e.App.Orgs.Delete(other, o.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("other street deletes: %v", err)
	}
	list, total, err := e.App.Orgs.List(ctx, org.Filter{Tag: "外卖"})
	if err != nil || total != store.Exact(1) || list[0].ID != o.ID {
		t.Fatalf("filter by tag: %s %v", total, err)
	}
	if err := e.App.Orgs.Delete(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE entity = 'organization' AND entity_id = ?`, itoa(o.ID)).Scan(&n); err != nil || n != 3 {
		t.Fatalf("history rows: %d %v", n, err)
	}
}

func itoa(n int64) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
