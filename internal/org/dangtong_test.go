package org_test

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// The 党统 fields are checked against the category and each other, and their
// Chinese names are accepted as well as the codes.
func TestDangtongFieldsValidation(t *testing.T) {
	ptr := str
	yes, no := true, false
	e := testenv.New(t)
	ctx := actor.With(context.Background(), actor.Actor{Role: "district", Scope: testenv.Jurisdiction})
	cases := []struct {
		name     string
		category string
		in       org.Input
		field    string // "" = accepted
	}{
		{"ownership by name", "private_enterprise", org.Input{Ownership: ptr("私营独资")}, ""},
		{"ownership code", "foreign_enterprise", org.Input{Ownership: ptr(org.OwnHMTSole)}, ""},
		{"ownership unknown", "private_enterprise", org.Input{Ownership: ptr("国有控股")}, "ownership"},
		{"ownership of a social org", "social_group", org.Input{Ownership: ptr(org.OwnPrivateControl)}, "ownership"},
		{"intermediary kind", "intermediary", org.Input{IntermediaryKind: ptr("律师事务所")}, ""},
		{"intermediary kind elsewhere", "foundation", org.Input{IntermediaryKind: ptr(org.InterTax)}, "intermediary_kind"},
		{"staff members above staff", "private_enterprise", org.Input{StaffOnPost: num(3), StaffMembers: num(4)}, "staff_members"},
		{"staff above employees", "private_enterprise", org.Input{Employees: num(5), StaffOnPost: num(6)}, "staff_on_post"},
		{"secretary without member", "private_enterprise", org.Input{LegalRepMember: &no, LegalRepSecretary: &yes}, "legal_rep_secretary"},
		{"secretary and member", "private_enterprise", org.Input{LegalRepMember: &yes, LegalRepSecretary: &yes}, ""},
	}
	for i, tc := range cases {
		in := tc.in
		in.Name, in.Category, in.RegionCode = ptr("党统字段单位"+tc.name), ptr(tc.category), ptr(testenv.Hongqiao)
		in.USCC = ptr(uscc.Generate('9', '1', "430426", 500+i))
		o, err := e.App.Orgs.Create(ctx, in)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			} else if o.Ownership == "私营独资" || o.IntermediaryKind == "律师事务所" {
				t.Errorf("%s: kept the name, not the code", tc.name)
			}
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Fields[tc.field] == "" {
			t.Errorf("%s: want an error on %s, got %v", tc.name, tc.field, err)
		}
	}
}
