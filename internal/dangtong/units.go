package dangtong

import (
	"context"
	"fmt"
	"strings"

	"liangxin/internal/coverage"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
)

// unit is one organization counted by table 27 or 30, as it stood on the day.
type unit struct {
	id                                         int64
	name, region, regionName, category         string
	employees, full, prob, staff, staffMembers int
	ownership, inter                           string
	repMember, repSecretary                    bool
	state                                      int  // coverspan state on the day (0: none)
	instructed                                 bool // an instructor assigned on the day
	singleKind                                 string
	joint                                      []ref // non-single party organizations covering it
	instructors                                []ref
	hasGroup                                   bool // a 党小组 with a member working here
	roster                                     int  // active members of the roster working here
}

type ref struct {
	id   int64
	name string
}

func (u *unit) members() int  { return u.full + u.prob }
func (u *unit) covered() bool { return u.state >= coverspan.Covered }

// Categories of the tables: table 27 counts enterprises that are legal
// persons (个体工商户 are not), table 30 social organizations.
var (
	enterpriseCats = []string{"private_enterprise", "foreign_enterprise", "other_enterprise"}
	socialCats     = []string{"social_group", "foundation", "private_non_enterprise", "intermediary"}
)

// kindRank orders party organization kinds, highest first wins.
var kindRank = map[string]int{partyorg.KindCommittee: 3, partyorg.KindGeneralBranch: 2, partyorg.KindBranch: 1}

// loadUnits reads the organizations of cats in the scope with their
// coverage, covers, instructors (and for table 30 groups and rosters) on the day.
func (s *Service) loadUnits(ctx context.Context, sc coverage.Scope, cats []string, social bool) ([]*unit, error) {
	day := sc.Day
	where := sc.Where + " AND o.category IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(cats)), ", ") + ")"
	wargs := append([]any{}, sc.Args...)
	for _, c := range cats {
		wargs = append(wargs, c)
	}
	var units []*unit
	byID := map[int64]*unit{}
	err := s.DB.Report(ctx, func(q store.Querier) error {
		rows, err := s.DB.Query(ctx, q, `SELECT o.id, o.name, o.region_code, COALESCE(r.name, ''), o.category, o.employees, o.full_members,
			o.probationary_members, o.staff_on_post, o.staff_members, o.ownership, o.intermediary_kind, o.legal_rep_member, o.legal_rep_secretary,
			COALESCE(s.state, 0), CASE WHEN s.instructed THEN 1 ELSE 0 END
			FROM organizations o LEFT JOIN regions r ON r.code = o.region_code
			LEFT JOIN coverage_spans s ON s.organization_id = o.id AND s.from_on <= ? AND (s.to_on IS NULL OR s.to_on > ?)
			WHERE `+where+` ORDER BY o.region_code, o.name, o.id`, append([]any{day, day}, wargs...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			u := &unit{}
			var instructed int
			if err := rows.Scan(&u.id, &u.name, &u.region, &u.regionName, &u.category, &u.employees, &u.full, &u.prob, &u.staff, &u.staffMembers,
				&u.ownership, &u.inter, &u.repMember, &u.repSecretary, &u.state, &instructed); err != nil {
				rows.Close()
				return err
			}
			u.instructed = instructed == 1
			units = append(units, u)
			byID[u.id] = u
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Party organizations covering each unit on the day.
		rows, err = s.DB.Query(ctx, q, `SELECT c.organization_id, p.id, p.name, p.kind, p.formation FROM party_org_covers c
			JOIN party_orgs p ON p.id = c.party_org_id JOIN organizations o ON o.id = c.organization_id
			WHERE c.from_on <= ? AND (c.to_on IS NULL OR c.to_on > ?) AND p.established_on <= ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)
			AND `+where+` ORDER BY p.id`, append([]any{day, day, day, day}, wargs...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var oid int64
			var r ref
			var kind, formation string
			if err := rows.Scan(&oid, &r.id, &r.name, &kind, &formation); err != nil {
				rows.Close()
				return err
			}
			u := byID[oid]
			if u == nil {
				continue
			}
			if formation == partyorg.FormationSingle {
				if kindRank[kind] > kindRank[u.singleKind] {
					u.singleKind = kind
				}
			} else {
				u.joint = append(u.joint, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = s.DB.Query(ctx, q, `SELECT a.organization_id, i.id, i.name FROM instructor_assignments a
			JOIN instructors i ON i.id = a.instructor_id JOIN organizations o ON o.id = a.organization_id
			WHERE a.from_on <= ? AND (a.to_on IS NULL OR a.to_on > ?) AND `+where+` ORDER BY i.id`, append([]any{day, day}, wargs...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var oid int64
			var r ref
			if err := rows.Scan(&oid, &r.id, &r.name); err != nil {
				rows.Close()
				return err
			}
			if u := byID[oid]; u != nil {
				u.instructors = append(u.instructors, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if !social {
			return nil
		}
		rows, err = s.DB.Query(ctx, q, `SELECT DISTINCT m.organization_id FROM party_group_members g
			JOIN party_orgs p ON p.id = g.group_id JOIN members m ON m.id = g.member_id JOIN organizations o ON o.id = m.organization_id
			WHERE g.from_on <= ? AND (g.to_on IS NULL OR g.to_on > ?) AND p.established_on <= ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)
			AND `+where, append([]any{day, day, day, day}, wargs...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var oid int64
			if err := rows.Scan(&oid); err != nil {
				rows.Close()
				return err
			}
			if u := byID[oid]; u != nil {
				u.hasGroup = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = s.DB.Query(ctx, q, `SELECT m.organization_id, COUNT(*) FROM members m JOIN organizations o ON o.id = m.organization_id
			WHERE m.status = 'active' AND `+where+` GROUP BY m.organization_id`, wargs...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var oid int64
			var n int
			if err := rows.Scan(&oid, &n); err != nil {
				return err
			}
			if u := byID[oid]; u != nil {
				u.roster = n
			}
		}
		return rows.Err()
	})
	return units, err
}

// unitRow is a row of table 27 or 30: which units it takes (on top of the
// column) and what each adds.
type unitRow struct {
	label string
	level int
	take  func(u *unit) bool
	// One of: "" (count the units), "joint" (count distinct non-single
	// party organizations covering them), "instructors" (count distinct
	// instructors), or a figure to sum.
	agg string
}

type unitCol struct {
	label, group string
	take         func(u *unit) bool
}

func all(*unit) bool { return true }

func ownIn(codes ...string) func(u *unit) bool {
	return func(u *unit) bool {
		for _, c := range codes {
			if u.ownership == c {
				return true
			}
		}
		return false
	}
}

// uncovered partitions: 应建尚未建立 (≥3 正式党员), 仅有个别党员, 没有党员.
func shouldBuild(u *unit) bool { return !u.covered() && u.full >= coverspan.MinFullMembers }
func fewMembers(u *unit) bool {
	return !u.covered() && u.full < coverspan.MinFullMembers && u.members() > 0
}
func noMembers(u *unit) bool { return !u.covered() && u.members() == 0 }

func unitRows(social bool) []unitRow {
	single := func(u *unit) bool { return u.state == coverspan.Single }
	joint := func(u *unit) bool { return u.state == coverspan.Covered }
	rows := []unitRow{
		{label: "单位数", take: all},
		{label: "其中：党建工作指导员联系的", level: 1, take: func(u *unit) bool { return u.instructed }},
		{label: "已单独建立党组织的单位", take: single},
		{label: "其中：建立党委的", level: 1, take: func(u *unit) bool { return single(u) && u.singleKind == partyorg.KindCommittee }},
		{label: "建立党总支的", level: 1, take: func(u *unit) bool { return single(u) && u.singleKind == partyorg.KindGeneralBranch }},
		{label: "建立党支部的", level: 1, take: func(u *unit) bool { return single(u) && u.singleKind == partyorg.KindBranch }},
		{label: "已建立联合党支部的单位", take: joint},
		{label: "其中：具有3名以上党员的", level: 1, take: func(u *unit) bool { return joint(u) && u.members() >= 3 }},
		{label: "联合党支部数", level: 1, take: joint, agg: "joint"},
		{label: "未建立党组织的单位", take: func(u *unit) bool { return !u.covered() }},
		{label: "其中：应建尚未建立的", level: 1, take: shouldBuild},
	}
	if social {
		rows = append(rows, unitRow{label: "其中：建立党小组的", level: 2, take: func(u *unit) bool { return shouldBuild(u) && u.hasGroup }})
	}
	rows = append(rows,
		unitRow{label: "仅有个别党员的", level: 1, take: fewMembers},
		unitRow{label: "没有党员的", level: 1, take: noMembers},
	)
	if social {
		rows = append(rows, unitRow{label: "未建立党组织但已派党建工作指导员的", level: 1, take: func(u *unit) bool { return !u.covered() && u.instructed }})
	}
	withOrg := func(u *unit) bool { return u.covered() }
	guided := func(u *unit) bool { return !u.covered() && u.instructed }
	rows = append(rows,
		unitRow{label: "党建工作指导员数（人）", take: all, agg: "instructors"},
		unitRow{label: "在岗职工（人）", take: all, agg: "staff"},
		unitRow{label: "其中：党员", level: 1, take: all, agg: "staff_members"},
		unitRow{label: "建立党组织的单位在岗职工（人）", take: withOrg, agg: "staff"},
		unitRow{label: "其中：党员", level: 1, take: withOrg, agg: "staff_members"},
		unitRow{label: "未建立党组织但有党建工作指导员的单位在岗职工（人）", take: guided, agg: "staff"},
		unitRow{label: "其中：党员", level: 1, take: guided, agg: "staff_members"},
	)
	if social {
		rows = append(rows,
			unitRow{label: "从业人员（人）", take: all, agg: "employees"},
			unitRow{label: "其中：党员", level: 1, take: all, agg: "members"},
			unitRow{label: "其中：未转入组织关系的", level: 2, take: all, agg: "untransferred"},
		)
	}
	return rows
}

func unitCols(social bool) []unitCol {
	if social {
		cat := func(c string) func(u *unit) bool { return func(u *unit) bool { return u.category == c } }
		inter := func(k string) func(u *unit) bool {
			return func(u *unit) bool { return u.category == "intermediary" && u.inter == k }
		}
		return []unitCol{
			{label: "合计", take: all},
			{label: "社会团体", take: cat("social_group")},
			{label: "基金会", take: cat("foundation")},
			{label: "民办非企业单位", take: cat("private_non_enterprise")},
			{label: "律师事务所", group: "中介服务组织", take: inter(org.InterLaw)},
			{label: "会计师事务所", group: "中介服务组织", take: inter(org.InterAccounting)},
			{label: "税务师事务所", group: "中介服务组织", take: inter(org.InterTax)},
		}
	}
	return []unitCol{
		{label: "合计", take: all},
		{label: "50人以上", group: "从业人员", take: func(u *unit) bool { return u.employees >= 50 }},
		{label: "100人以上", group: "从业人员", take: func(u *unit) bool { return u.employees >= 100 }},
		{label: "计", group: "法定代表人是党员", take: func(u *unit) bool { return u.repMember }},
		{label: "其中兼任企业党组织书记", group: "法定代表人是党员", take: func(u *unit) bool { return u.repMember && u.repSecretary }},
		{label: "计", group: "私有经济控制", take: ownIn(org.OwnPrivateControl, org.OwnPrivateSole)},
		{label: "其中私营独资", group: "私有经济控制", take: ownIn(org.OwnPrivateSole)},
		{label: "投资", group: "港澳台商", take: ownIn(org.OwnHMTInvest, org.OwnHMTControl, org.OwnHMTSole)},
		{label: "经济控制", group: "港澳台商", take: ownIn(org.OwnHMTControl, org.OwnHMTSole)},
		{label: "独资", group: "港澳台商", take: ownIn(org.OwnHMTSole)},
		{label: "投资", group: "外商", take: ownIn(org.OwnForeignInvest, org.OwnForeignControl, org.OwnForeignSole)},
		{label: "经济控制", group: "外商", take: ownIn(org.OwnForeignControl, org.OwnForeignSole)},
		{label: "独资", group: "外商", take: ownIn(org.OwnForeignSole)},
	}
}

// units fills table 27 or 30.
func (s *Service) units(ctx context.Context, g *grid, sc coverage.Scope, code string) error {
	social := code == T30
	cats := enterpriseCats
	if social {
		cats = socialCats
	}
	us, err := s.loadUnits(ctx, sc, cats, social)
	if err != nil {
		return err
	}
	rows, cols := unitRows(social), unitCols(social)
	g.cells = newCells(len(rows), len(cols))
	for _, c := range cols {
		g.table.Columns = append(g.table.Columns, Column{Label: c.label, Group: c.group})
	}
	for i, r := range rows {
		g.table.Rows = append(g.table.Rows, Row{Label: r.label, Level: r.level, Sum: r.agg != "" && r.agg != "joint" && r.agg != "instructors"})
		for j, c := range cols {
			seen := map[int64]bool{}
			for _, u := range us {
				if !r.take(u) || !c.take(u) {
					continue
				}
				switch r.agg {
				case "joint", "instructors":
					refs, detail := u.joint, "联合党支部（及区域、行业党组织）"
					kind := ItemPartyOrg
					if r.agg == "instructors" {
						refs, detail, kind = u.instructors, "党建工作指导员", ItemInstructor
					}
					for _, p := range refs {
						if !seen[p.id] {
							seen[p.id] = true
							g.cells[i][j] = append(g.cells[i][j], Item{Kind: kind, ID: p.id, Name: p.name, Detail: detail, Value: 1})
						}
					}
				default:
					v, detail := 1, unitDetail(u)
					switch r.agg {
					case "staff":
						v, detail = u.staff, fmt.Sprintf("在岗职工 %d 人", u.staff)
					case "staff_members":
						v, detail = u.staffMembers, fmt.Sprintf("在岗职工中党员 %d 名", u.staffMembers)
					case "employees":
						v, detail = u.employees, fmt.Sprintf("从业人员 %d 人", u.employees)
					case "members":
						v, detail = u.members(), fmt.Sprintf("党员 %d 名（正式 %d、预备 %d）", u.members(), u.full, u.prob)
					case "untransferred":
						v = max(0, u.members()-u.roster)
						detail = fmt.Sprintf("党员 %d 名，组织关系在本系统的 %d 名", u.members(), u.roster)
					}
					if r.agg != "" && v == 0 {
						continue
					}
					g.cells[i][j] = append(g.cells[i][j], Item{Kind: ItemOrganization, ID: u.id, Name: u.name, RegionCode: u.region,
						RegionName: u.regionName, Detail: detail, Value: v})
				}
			}
		}
	}
	if social {
		g.table.Notes = append(g.table.Notes,
			"“合计”含其他中介服务组织；律师、会计师、税务师事务所按台账“中介机构类别”统计。",
			"“未转入组织关系的”= 台账填报的党员数 − 组织关系在本系统且工作单位为该单位的党员数（不小于 0）。")
	} else {
		g.table.Notes = append(g.table.Notes, "个体工商户不是法人单位，不计入本表（仍计入两个覆盖统计）。",
			"控股情况、在岗职工、法定代表人是否党员按台账现值统计（台账不保存其历史）。")
	}
	g.table.Notes = append(g.table.Notes, "单位数与覆盖情况按统计日当天的台账和覆盖记录计算，统计口径："+sc.Rule.Description+"。",
		"“已建立联合党支部的单位”包括由区域、行业党组织覆盖而本单位未单独建立党组织的单位。")
	return nil
}

func unitDetail(u *unit) string {
	name := u.category
	if c, ok := org.CategoryByCode(u.category); ok {
		name = c.Name
	}
	return fmt.Sprintf("%s；正式党员 %d、预备党员 %d", name, u.full, u.prob)
}
