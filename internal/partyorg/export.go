package partyorg

import (
	"context"
	"fmt"
	"strings"

	"liangxin/internal/org"
	"liangxin/internal/sheetexport"
)

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Export streams the party organizations of f (the list's filters, in the
// caller's scope) to t in the import template's layout, so an exported file
// imports as it is, and records the export.
func (s *Service) Export(ctx context.Context, t sheetexport.Target, f Filter) error {
	src := sheetexport.Paged(func(ctx context.Context, page, size int) ([]PartyOrg, int, error) {
		f.Page, f.PageSize = page, size
		items, total, err := s.List(ctx, f)
		return items, total.Ceiling(), err
	})
	sheet := sheetexport.One("党组织", ImportHeaders(), []float64{36, 10, 12, 30, 16, 12, 12, 12, 12, 60}, src, func(p PartyOrg) []any {
		covers := make([]string, 0, len(p.Covers))
		for _, c := range p.Covers {
			// A dissolved one lists the units it covered until the end.
			if c.To == nil || (p.DissolvedOn != nil && *c.To == *p.DissolvedOn) {
				covers = append(covers, org.Label(c.OrganizationName, c.OrganizationUSCC, c.OrganizationRegion))
			}
		}
		return []any{p.Name, p.KindName, p.FormationName, p.ParentName, p.RegionName, p.EstablishedOn, p.TermStartedOn, p.TermDueOn, deref(p.DissolvedOn), strings.Join(covers, "、")}
	})
	filters := f
	filters.Page, filters.PageSize = 0, 0
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "party_org", Filters: filters,
		Note: func(n int) string { return fmt.Sprintf("导出党组织 %d 条", n) }}, sheet)
	return err
}

// ExportRenewals writes the 换届 due (within withinDays) and overdue list to
// t and records the export.
func (s *Service) ExportRenewals(ctx context.Context, t sheetexport.Target, withinDays int) error {
	items, err := s.Renewals(ctx, withinDays)
	if err != nil {
		return err
	}
	sheet := sheetexport.One("换届提醒", []string{"党组织名称", "组织类别", "所属街道（乡镇）", "本届开始日期", "换届到期日", "状态", "剩余天数"}, []float64{36, 10, 16, 12, 12, 10, 10},
		sheetexport.Slice(items), func(p Renewal) []any {
			state := "即将到期"
			if p.Overdue {
				state = "已逾期"
			}
			return []any{p.Name, p.KindName, p.RegionName, p.TermStartedOn, p.TermDueOn, state, p.DaysLeft}
		})
	_, err = sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "renewal", Filters: map[string]int{"within_days": withinDays},
		Note: func(n int) string { return fmt.Sprintf("导出换届提醒 %d 条", n) }}, sheet)
	return err
}
