package dangtong

import (
	"context"
	"database/sql"
	"fmt"

	"liangxin/internal/civil"
	"liangxin/internal/coverage"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
)

// partyOrgScope is the condition on party organizations (aliased p) inside
// the caller's scope and the region.
func partyOrgScope(ctx context.Context, regionCode string) (string, []any, error) {
	cond, args, err := store.ScopeFilter(ctx, "p.region_code")
	if err != nil {
		return "", nil, err
	}
	sub, subArgs := store.PartyOrgSubtreeFilter(ctx, "p.id")
	rc, ra := store.PrefixRange("p.region_code", regionCode)
	return cond + " AND " + sub + " AND " + rc, append(append(args, subArgs...), ra...), nil
}

// po is a party organization counted by table 24.
type po struct {
	id                       int64
	name, kind, formation    string
	region, regionName       string
	established              string
	termStart                string // as it stood at the period's start
	termNow                  string // as it stood on the day
	electedInPeriod, onTime  bool
	lastElection, lastTiming string
}

func addYears(day string, n int) string {
	t, err := civil.Read(day)
	if err != nil {
		return day
	}
	return t.AddDate(n, 0, 0).Format(civil.Layout)
}

// renewals fills table 24: 党委, 党总支, 党支部 alive on the day, with their
// terms (任届期满) and elections (换届) in the 报告期 (1 January to the day).
func (s *Service) renewals(ctx context.Context, g *grid, sc coverage.Scope) error {
	day, from := sc.Day, g.table.PeriodFrom
	where, args, err := partyOrgScope(ctx, sc.Region.Code)
	if err != nil {
		return err
	}
	where += ` AND p.kind IN (?, ?, ?) AND p.established_on <= ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)`
	args = append(args, partyorg.KindCommittee, partyorg.KindGeneralBranch, partyorg.KindBranch, day, day)
	var orgs []*po
	byID := map[int64]*po{}
	err = s.DB.Report(ctx, func(q store.Querier) error {
		rows, err := s.DB.Query(ctx, q, `SELECT p.id, p.name, p.kind, p.formation, p.region_code, COALESCE(r.name, ''), p.established_on
			FROM party_orgs p LEFT JOIN regions r ON r.code = p.region_code WHERE `+where+` ORDER BY p.region_code, p.name, p.id`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			p := &po{}
			if err := rows.Scan(&p.id, &p.name, &p.kind, &p.formation, &p.region, &p.regionName, &p.established); err != nil {
				rows.Close()
				return err
			}
			p.termStart, p.termNow = p.established, p.established
			orgs = append(orgs, p)
			byID[p.id] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = s.DB.Query(ctx, q, `SELECT e.party_org_id, e.held_on, e.timing FROM elections e JOIN party_orgs p ON p.id = e.party_org_id
			WHERE e.held_on <= ? AND `+where+` ORDER BY e.held_on, e.id`, append([]any{day}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var held, timing string
			if err := rows.Scan(&id, &held, &timing); err != nil {
				return err
			}
			p := byID[id]
			if p == nil || held < p.established {
				continue
			}
			p.termNow = held
			if held < from {
				p.termStart = held
			} else {
				p.electedInPeriod = true
				p.lastElection, p.lastTiming = held, timing
				p.onTime = timing == "on_time" || timing == ""
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	type col struct {
		label, group string
		take         func(p *po) bool
	}
	expiredByDay := func(p *po) bool { return addYears(p.termStart, partyorg.TermYears(p.kind)) <= day }
	cols := []col{
		{"党组织数", "", func(*po) bool { return true }},
		{"计", "报告期内任届期满的", expiredByDay},
		{"其中已换届的", "报告期内任届期满的", func(p *po) bool { return expiredByDay(p) && p.electedInPeriod }},
		{"计", "报告期内换届的", func(p *po) bool { return p.electedInPeriod }},
		{"其中按期换届的", "报告期内换届的", func(p *po) bool { return p.electedInPeriod && p.onTime }},
		{"任届期满尚未换届的", "", func(p *po) bool { return addYears(p.termNow, partyorg.TermYears(p.kind)) <= day }},
	}
	rows := []struct {
		label string
		level int
		take  func(p *po) bool
	}{
		{"合计", 0, func(*po) bool { return true }},
		{"党委", 1, func(p *po) bool { return p.kind == partyorg.KindCommittee }},
		{"党总支", 1, func(p *po) bool { return p.kind == partyorg.KindGeneralBranch }},
		{"党支部", 1, func(p *po) bool { return p.kind == partyorg.KindBranch }},
		{"其中：联合党支部", 2, func(p *po) bool { return p.kind == partyorg.KindBranch && p.formation == partyorg.FormationJoint }},
	}
	g.cells = newCells(len(rows), len(cols))
	for _, c := range cols {
		g.table.Columns = append(g.table.Columns, Column{Label: c.label, Group: c.group})
	}
	kindName := map[string]string{}
	for _, k := range partyorg.Kinds() {
		kindName[k.Code] = k.Name
	}
	for i, r := range rows {
		g.table.Rows = append(g.table.Rows, Row{Label: r.label, Level: r.level})
		for j, c := range cols {
			for _, p := range orgs {
				if r.take(p) && c.take(p) {
					detail := fmt.Sprintf("%s；本届起始 %s，届满 %s", kindName[p.kind], p.termNow, addYears(p.termNow, partyorg.TermYears(p.kind)))
					if p.electedInPeriod {
						detail += "；报告期内换届 " + p.lastElection
					}
					g.cells[i][j] = append(g.cells[i][j], Item{Kind: ItemPartyOrg, ID: p.id, Name: p.name, RegionCode: p.region,
						RegionName: p.regionName, Detail: detail, Value: 1})
				}
			}
		}
	}
	g.table.Notes = append(g.table.Notes, "报告期为统计日所在年度 1 月 1 日至统计日；党委任期 5 年，党总支、党支部任期 3 年。",
		"“任届期满”以报告期初的本届起始日期（最近一次换届日期，未换届的为成立日期）加任期计算；“按期换届”以换届记录的时间判定（首次选举视为按期）。",
		"党小组（组织类别代码 641）不实行任期制，不计入本表。")
	return nil
}

// lostMember is a 失联党员 counted by table 43.
type lostMember struct {
	id                          int64
	name, reason, region, rname string
	full                        bool
	sector                      string // economic, social, or "" (no unit)
	since, orgName              string
}

// lost fills table 43: 失联党员 on the day by 情形.
func (s *Service) lost(ctx context.Context, g *grid, sc coverage.Scope) error {
	day := sc.Day
	where, args, err := partyOrgScope(ctx, sc.Region.Code)
	if err != nil {
		return err
	}
	var ms []*lostMember
	err = s.DB.Report(ctx, func(q store.Querier) error {
		rows, err := s.DB.Query(ctx, q, `SELECT m.id, m.name, m.lost_reason, m.lost_since, m.category, m.confirmed_on, p.region_code, COALESCE(r.name, ''),
			p.name, COALESCE(o.category, '')
			FROM members m JOIN party_orgs p ON p.id = m.party_org_id LEFT JOIN regions r ON r.code = p.region_code
			LEFT JOIN organizations o ON o.id = m.organization_id
			WHERE m.status = 'active' AND m.lost_since IS NOT NULL AND m.lost_since <= ? AND (m.joined_on IS NULL OR m.joined_on <= ?) AND `+where+`
			ORDER BY p.region_code, m.name, m.id`, append([]any{day, day}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m := &lostMember{}
			var category, cat string
			var confirmed sql.NullString
			if err := rows.Scan(&m.id, &m.name, &m.reason, &m.since, &category, &confirmed, &m.region, &m.rname, &m.orgName, &cat); err != nil {
				return err
			}
			// 正式 on the day: confirmed by then, or full with no date kept.
			m.full = (confirmed.Valid && confirmed.String != "" && confirmed.String <= day) || (category == "full" && !confirmed.Valid)
			if c, ok := org.CategoryByCode(cat); ok {
				m.sector = c.Sector
			}
			ms = append(ms, m)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	reasons := member.LostReasons()
	g.table.Columns = append(g.table.Columns, Column{Label: "失联党员数"})
	for _, r := range reasons {
		g.table.Columns = append(g.table.Columns, Column{Label: r.Name, Group: "失联情形"})
	}
	rows := []struct {
		label string
		level int
		take  func(m *lostMember) bool
	}{
		{"合计", 0, func(*lostMember) bool { return true }},
		{"正式党员", 1, func(m *lostMember) bool { return m.full }},
		{"预备党员", 1, func(m *lostMember) bool { return !m.full }},
		{"非公有制企业的党员", 1, func(m *lostMember) bool { return m.sector == org.SectorEconomic }},
		{"社会组织的党员", 1, func(m *lostMember) bool { return m.sector == org.SectorSocial }},
		{"未登记工作单位的党员", 1, func(m *lostMember) bool { return m.sector == "" }},
	}
	reasonName := map[string]string{}
	for _, r := range reasons {
		reasonName[r.Code] = r.Name
	}
	g.cells = newCells(len(rows), len(g.table.Columns))
	for i, r := range rows {
		g.table.Rows = append(g.table.Rows, Row{Label: r.label, Level: r.level})
		for _, m := range ms {
			if !r.take(m) {
				continue
			}
			it := Item{Kind: ItemMember, ID: m.id, Name: m.name, RegionCode: m.region, RegionName: m.rname,
				Detail: fmt.Sprintf("%s；%s起失联；%s", m.orgName, m.since[:7], reasonName[m.reason]), Value: 1}
			g.cells[i][0] = append(g.cells[i][0], it)
			for j, rs := range reasons {
				if rs.Code == m.reason {
					g.cells[i][j+1] = append(g.cells[i][j+1], it)
				}
			}
		}
	}
	g.table.Notes = append(g.table.Notes, "失联党员：失联时间不晚于统计日、当前仍在册（状态正常）的党员；按所在党组织的区划统计。",
		"党员类别按统计日是否已转正判定；工作单位按台账现值。")
	return nil
}
