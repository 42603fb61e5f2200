package org

import (
	"context"
	"fmt"

	"liangxin/internal/region"
	"liangxin/internal/sheetexport"
	"liangxin/internal/xlsx"
)

// codeName is the Chinese name of a code ("" when empty or unknown); the
// importer reads it back (CodeByName).
func codeName(cs []Code, code string) string {
	for _, c := range cs {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// Export streams the organizations of f (the list's filters, in the caller's
// scope) to t in the import template's layout, walking them with the
// organizations' cursor, and records the export through the organizations'
// own logger and database.
func Export(ctx context.Context, t sheetexport.Target, orgs *Service, regions *region.Service, f Filter) error {
	// The list's checks (scope, filter values) before anything is written.
	if _, _, err := orgs.List(ctx, Filter{Page: 1, PageSize: 1, Q: f.Q, Category: f.Category, Status: f.Status, Coverage: f.Coverage, Sort: f.Sort}); err != nil {
		return err
	}
	names := map[string]string{}
	regionName := func(code string) string {
		if n, ok := names[code]; ok {
			return n
		}
		n := ""
		if rg, err := regions.Get(ctx, code); err == nil {
			n = rg.Name
		}
		names[code] = n
		return n
	}
	src := sheetexport.Source[Organization](func(ctx context.Context, yield func(Organization) error) error {
		return orgs.Each(ctx, f, yield)
	})
	sheet := sheetexport.One("两新组织", Headers(), []float64{36, 22, 16, 16, 18, 10, 10, 10, 10, 12, 12, 12, 16, 10, 14, 14, 18, 14}, src, func(o Organization) []any {
		town, village := o.RegionCode, ""
		if len(o.RegionCode) == 12 {
			town, village = o.RegionCode[:9], o.RegionCode
		}
		ind := o.Industry
		if in, ok := IndustryByCodeOrName(o.Industry); ok {
			ind = in.Code + " " + in.Name
		}
		villageName := ""
		if village != "" {
			villageName = regionName(village)
		}
		return []any{o.Name, o.USCC, o.CategoryName, regionName(town), villageName, ind, o.Employees, o.FullMembers,
			o.ProbationaryMembers, xlsx.YesNo(o.AboveScale), xlsx.OrEmpty(o.RegisteredOn), xlsx.OrEmpty(o.ClosedOn),
			codeName(Ownerships(), o.Ownership), o.StaffOnPost, o.StaffMembers, xlsx.YesNo(o.LegalRepMember), xlsx.YesNo(o.LegalRepSecretary),
			codeName(IntermediaryKinds(), o.IntermediaryKind)}
	})
	filters := f
	filters.Page, filters.PageSize = 0, 0
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: orgs.Audit, DB: orgs.DB, Entity: "organization", Filters: filters,
		Note: func(n int) string { return fmt.Sprintf("导出两新组织 %d 条", n) }}, sheet)
	return err
}
