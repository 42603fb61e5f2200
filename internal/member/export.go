package member

import (
	"context"
	"fmt"

	"liangxin/internal/sheetexport"
)

// RosterHeaders are the Chinese headers of the roster export.
var RosterHeaders = []string{"姓名", "性别", "民族", "出生日期", "身份证号", "手机号", "学历", "入党日期", "转正日期",
	"人员类别", "所在党组织", "工作单位(统一社会信用代码或名称)", "职务", "状态"}

var rosterWidths = []float64{10, 6, 8, 12, 20, 14, 10, 12, 12, 10, 30, 34, 12, 10}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// rosterFilters is what the audit entry records of a roster filter: the
// filters without the page, and without the 身份证号 searched for (only
// that one was given), which must not reach the log in clear.
func rosterFilters(f Filter) map[string]any {
	out := map[string]any{}
	add := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	add("name", f.Name)
	add("region_code", f.RegionCode)
	add("category", f.Category)
	add("status", f.Status)
	add("gender", f.Gender)
	add("education", f.Education)
	add("age_band", f.AgeBand)
	add("sort", f.Sort)
	if f.IDNumber != "" {
		out["id_number_given"] = true
	}
	if f.PartyOrgID != 0 {
		out["party_org_id"] = f.PartyOrgID
	}
	if f.OrganizationID != 0 {
		out["organization_id"] = f.OrganizationID
	}
	return out
}

// ExportRoster streams the roster of f (page and size ignored) to t page by
// page, always masked as List masks (身份证号 and phone), and records the
// export. The party organization is written by name, the work unit by its
// 统一社会信用代码 (its name when it has none).
func (s *Service) ExportRoster(ctx context.Context, t sheetexport.Target, f Filter) error {
	poNames, orgNames := map[int64]string{}, map[int64]string{}
	genders := map[string]string{"male": "男", "female": "女"}
	cats := map[string]string{"full": "正式党员", "probationary": "预备党员"}
	src := sheetexport.Paged(func(ctx context.Context, page, size int) ([]Member, int, error) {
		f.Page, f.PageSize = page, size
		items, total, err := s.List(ctx, f)
		return items, total.Ceiling(), err
	})
	sheet := sheetexport.One("党员花名册", RosterHeaders, rosterWidths, src, func(m Member) []any {
		if _, ok := poNames[m.PartyOrgID]; !ok {
			if p, err := s.Party.Get(ctx, m.PartyOrgID); err == nil {
				poNames[m.PartyOrgID] = p.Name
			}
		}
		unit := ""
		if m.OrganizationID != nil {
			if _, ok := orgNames[*m.OrganizationID]; !ok {
				if o, err := s.Orgs.Get(ctx, *m.OrganizationID); err == nil {
					orgNames[*m.OrganizationID] = o.USCC
					if o.USCC == "" {
						orgNames[*m.OrganizationID] = o.Name
					}
				}
			}
			unit = orgNames[*m.OrganizationID]
		}
		return []any{m.Name, genders[m.Gender], m.Ethnicity, m.BirthDate, m.IDNumber, m.Phone, m.Education, deref(m.JoinedOn), deref(m.ConfirmedOn),
			cats[m.Category], poNames[m.PartyOrgID], unit, m.Position, Statuses[m.Status]}
	})
	_, err := sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "member", Filters: rosterFilters(f),
		Note: func(n int) string { return fmt.Sprintf("导出党员花名册 %d 条", n) }}, sheet)
	return err
}
