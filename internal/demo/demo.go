// Package demo loads a realistic demonstration jurisdiction: users, areas,
// a few hundred 两新组织 spread over the real towns and villages, a "1+7+N"
// party organization network whose coverage rises month by month over the
// past year, and 党建指导员 with assignments and visit logs.
//
// Everything is written through the domain services as the system actor
// "demo", so every rule is checked and the audit trail records it. The data
// depend only on the seed and on today's date (from the app clock).
package demo

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/civil"
	"liangxin/internal/coverage"
	"liangxin/internal/develop"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/region"
)

// DefaultJurisdiction is 祁东县, the county the demo was designed on.
const DefaultJurisdiction = "430426"

// DefaultOrgs is how many organizations the demo creates: 祁东县's 611 (seed 001).
const DefaultOrgs = seedOrgs

// Options configures Load.
type Options struct {
	Seed uint64
	Orgs int // 0: DefaultOrgs
}

// User is a demo account.
type User struct {
	Username  string
	RoleName  string
	Scope     string
	ScopeName string
	Password  string // "" when the account already existed
}

// Summary describes what Load wrote.
type Summary struct {
	Jurisdiction     string
	JurisdictionName string
	Seed             uint64
	Today, YearStart string // the demo's year: 1 January to today (see fit.go)
	Users            []User
	Areas            []region.Region
	Organizations    int
	Closed           int
	Economic, Social int
	NoCode           int // 个体工商户 without a 统一社会信用代码
	PartyOrgs        int
	Dissolved        int
	Kinds            map[string]int // by Chinese kind name
	Formations       map[string]int // by Chinese formation name
	Covers           int
	Warnings         int // soft-rule warnings returned by the services
	Instructors      int
	Assignments      int
	Visits           int
	Venues           int
	Development      map[string]int // people in the 发展党员 pipeline by stage code
	DueSoon, Overdue int
	ServiceRequests  int // 订单式服务 requests
	Dialogues        int // 政企对话 records
	Wishes           int // 微心愿 in the 商圈
	CobuildUnits     int // 共建单位 of the 商圈 alliance
	CobuildReports   int // 双报到 records (units and members)
	Before, Now      coverage.Report
	Trend            []coverage.Report
}

// CheckEmpty refuses a ledger that already holds organizations, party
// organizations or instructors: the demo is for an empty one.
func CheckEmpty(ctx context.Context, a *app.App) error {
	sys := actor.System(ctx, "demo")
	_, orgs, err := a.Orgs.List(sys, org.Filter{PageSize: 1})
	if err != nil {
		return err
	}
	_, parties, err := a.Party.List(sys, partyorg.Filter{PageSize: 1})
	if err != nil {
		return err
	}
	_, instructors, err := a.Instr.List(sys, "", 1, 1)
	if err != nil {
		return err
	}
	if orgs.N+parties.N+instructors.N > 0 {
		return apperr.Conflict(fmt.Sprintf("台账中已有 %s 个两新组织、%s 个党组织、%s 名党建指导员，演示数据只能载入空台账；"+
			"请换用新的数据目录（--data）或数据库（--db）", orgs, parties, instructors))
	}
	return nil
}

// Load writes the demo into an initialised, empty jurisdiction.
func Load(ctx context.Context, a *app.App, opt Options) (*Summary, error) {
	if opt.Orgs <= 0 {
		opt.Orgs = DefaultOrgs
	}
	sys := actor.System(ctx, "demo")
	j, err := a.Regions.Jurisdiction(sys)
	if err != nil {
		return nil, err
	}
	if j == "" {
		return nil, fmt.Errorf("尚未初始化辖区：请先运行 liangxin init --jurisdiction %s", DefaultJurisdiction)
	}
	if err := CheckEmpty(ctx, a); err != nil {
		return nil, err
	}
	l := &loader{a: a, ctx: sys, sum: &Summary{Seed: opt.Seed, Kinds: map[string]int{}, Formations: map[string]int{}}}
	g, err := l.geo(j)
	if err != nil {
		return nil, err
	}
	l.g = g
	now := a.Now().In(civil.Zone)
	today := date(now.Year(), now.Month(), now.Day())
	l.sum.Today, l.sum.YearStart = fmtDate(today), fmtDate(yearStart(today))
	if err := l.users(g); err != nil {
		return nil, err
	}
	if err := l.areas(g); err != nil {
		return nil, err
	}
	p := makePlan(opt.Seed, today, g, opt.Orgs)
	for _, step := range []func(*plan) error{l.organizations, l.parties, l.instructors, l.instructorAccounts, l.members, l.duesYear, l.orgLife, l.development, l.assessment, l.people, l.workLoop, l.services, l.wishes, l.venues, l.fundsYears, l.cobuild, l.briefings, l.memberAccount, l.volunteering} {
		if err := step(p); err != nil {
			return nil, err
		}
	}
	return l.sum, l.summarise(p)
}

type loader struct {
	g   *geo
	a   *app.App
	ctx context.Context
	sum *Summary
}

// geo reads the county's towns and villages through the region service.
func (l *loader) geo(j string) (*geo, error) {
	county, err := l.a.Regions.Get(l.ctx, j)
	if err != nil {
		return nil, err
	}
	if county.Level != "county" {
		return nil, apperr.InvalidField("jurisdiction", "演示数据只能载入县级辖区（如 430426 祁东县），本系统的辖区是"+county.Name)
	}
	l.sum.Jurisdiction, l.sum.JurisdictionName = county.Code, county.Name
	g := &geo{County: place{Code: county.Code, Name: county.Name, Short: shortName(county.Name)}}
	kids, err := l.a.Regions.Children(l.ctx, county.Code)
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		if k.Level != "town" {
			continue
		}
		t := place{Code: k.Code, Name: k.Name, Short: shortName(k.Name), Street: k.LevelName == "街道"}
		vs, err := l.a.Regions.Children(l.ctx, k.Code)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if v.Level == "village" {
				t.Kids = append(t.Kids, place{Code: v.Code, Name: v.Name, Short: shortName(v.Name), Community: v.LevelName == "社区"})
			}
		}
		g.Towns = append(g.Towns, t)
	}
	if len(g.Towns) < 2 {
		return nil, fmt.Errorf("辖区 %s 的乡镇（街道）不足 2 个，无法生成演示数据", county.Name)
	}
	// The 商圈 goes to the first street (洪桥街道), the 园区 to the third
	// street (永昌街道) or else to the town with most villages.
	var streets []int
	for i, t := range g.Towns {
		if t.Street {
			streets = append(streets, i)
		}
	}
	g.Hub, g.ParkTown = 0, -1
	if len(streets) > 0 {
		g.Hub = streets[0]
	}
	if len(streets) >= 3 {
		g.ParkTown = streets[2]
	} else {
		for i, t := range g.Towns {
			if i != g.Hub && (g.ParkTown < 0 || len(t.Kids) > len(g.Towns[g.ParkTown].Kids)) {
				g.ParkTown = i
			}
		}
	}
	if len(g.Towns[g.Hub].Kids) == 0 {
		return nil, fmt.Errorf("%s 没有下辖社区（村），无法生成演示数据", g.Towns[g.Hub].Name)
	}
	return g, nil
}

// users creates the demo accounts (an existing account is left alone).
func (l *loader) users(g *geo) error {
	var streets []place
	for _, t := range g.Towns {
		if t.Street {
			streets = append(streets, t)
		}
	}
	if len(streets) < 2 {
		streets = g.Towns[:2]
	}
	names := [2]string{"street1", "street2"}
	if g.County.Code == DefaultJurisdiction {
		names = [2]string{"hongqiao", "yuhe"}
	}
	accounts := []auth.NewUser{
		{Username: "district", DisplayName: g.County.Name + "两新工委", Role: auth.RoleDistrict, Scope: g.County.Code},
		{Username: names[0], DisplayName: streets[0].Name + "综合党委", Role: auth.RoleStreet, Scope: streets[0].Code},
		{Username: names[1], DisplayName: streets[1].Name + "综合党委", Role: auth.RoleStreet, Scope: streets[1].Code},
		{Username: "instructor1", DisplayName: "党建指导员", Role: auth.RoleInstructor, Scope: g.County.Code},
		{Username: "instructor2", DisplayName: "党建指导员（兼职）", Role: auth.RoleInstructor, Scope: g.County.Code},
		{Username: "instructor3", DisplayName: "党建指导员3", Role: auth.RoleInstructor, Scope: g.County.Code},
		{Username: "instructor4", DisplayName: "党建指导员4", Role: auth.RoleInstructor, Scope: g.County.Code},
	}
	for _, nu := range accounts {
		if u, err := l.a.Auth.UserByUsername(l.ctx, nu.Username); err == nil {
			l.sum.Users = append(l.sum.Users, User{Username: u.Username, RoleName: u.RoleName, Scope: u.Scope, ScopeName: u.ScopeName})
			continue
		} else if !apperr.IsKind(err, apperr.KindNotFound) {
			return err
		}
		u, pw, err := l.a.Auth.CreateUser(l.ctx, nu)
		if err != nil {
			return fmt.Errorf("创建演示用户 %s：%w", nu.Username, err)
		}
		l.sum.Users = append(l.sum.Users, User{Username: u.Username, RoleName: u.RoleName, Scope: u.Scope, ScopeName: u.ScopeName, Password: pw})
	}
	return nil
}

// area returns the area of that name and kind under parent, creating it.
func (l *loader) area(parent, name, kind string) (string, error) {
	kids, err := l.a.Regions.Children(l.ctx, parent)
	if err != nil {
		return "", err
	}
	for _, k := range kids {
		if k.Name == name && k.Kind == kind {
			l.sum.Areas = append(l.sum.Areas, k)
			return k.Code, nil
		}
	}
	r, err := l.a.Regions.CreateArea(l.ctx, parent, name, kind)
	if err != nil {
		return "", fmt.Errorf("创建片区「%s」：%w", name, err)
	}
	l.sum.Areas = append(l.sum.Areas, r)
	return r.Code, nil
}

// areas sets up the 商圈, its 楼宇, the 园区 and three 网格.
func (l *loader) areas(g *geo) error {
	hub := g.Towns[g.Hub]
	var err error
	if g.District, err = l.area(hub.Code, hub.Short+"商圈", "business_district"); err != nil {
		return err
	}
	if g.Building, err = l.area(g.District, "金融大厦", "building"); err != nil {
		return err
	}
	if g.Park, err = l.area(g.Towns[g.ParkTown].Code, g.County.Short+"工业园", "park"); err != nil {
		return err
	}
	gridded := []place{hub.Kids[0], hub.Kids[0]}
	for i, t := range g.Towns {
		if i != g.Hub && t.Street && len(t.Kids) > 0 {
			gridded = append(gridded, t.Kids[0])
			break
		}
	}
	for i, v := range gridded {
		n := "一"
		if i == 1 {
			n = "二"
		}
		code, err := l.area(v.Code, v.Short+"第"+n+"网格", "grid")
		if err != nil {
			return err
		}
		g.Grids = append(g.Grids, grid{Code: code, Village: v.Code})
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

func datePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	return ptr(fmtDate(t))
}

func (l *loader) organizations(p *plan) error {
	for i, u := range p.Units {
		in := org.Input{
			Name: ptr(u.Name), USCC: ptr(u.USCC), Category: ptr(u.Category), RegionCode: ptr(u.Region),
			AreaCodes: ptr(append([]string{}, u.Areas...)), Industry: ptr(u.Industry), Employees: ptr(u.Employees),
			AboveScale: ptr(u.Above), FullMembers: ptr(u.Full), ProbationaryMembers: ptr(u.Prob),
			OwnerIsMember: ptr(u.Owner), HasCharter: ptr(u.Charter), CharterHasParty: ptr(u.CharterParty),
			Tags: ptr(append([]string{}, u.Tags...)), RegisteredOn: datePtr(u.Reg), ClosedOn: datePtr(u.Closed),
			NoOrgReason: ptr(u.Reason), PlannedOn: datePtr(u.Planned),
		}
		dangtongFields(&in, u, i)
		o, err := l.a.Orgs.Create(l.ctx, in)
		if err != nil {
			return fmt.Errorf("登记两新组织「%s」：%w", u.Name, err)
		}
		u.id = o.ID
		l.sum.Organizations++
		if !u.Closed.IsZero() {
			l.sum.Closed++
		}
		if u.USCC == "" {
			l.sum.NoCode++
		}
		if o.Sector == org.SectorSocial {
			l.sum.Social++
		} else {
			l.sum.Economic++
		}
	}
	return nil
}

func (l *loader) parties(p *plan) error {
	for _, pp := range p.Parties {
		in := partyorg.Input{Name: pp.Name, Kind: pp.Kind, Formation: pp.Formation, RegionCode: pp.Region,
			EstablishedOn: fmtDate(pp.Est)}
		if !pp.Term.Equal(pp.Est) {
			in.TermStartedOn = fmtDate(pp.Term)
		}
		if pp.Parent >= 0 {
			in.ParentID = ptr(p.Parties[pp.Parent].id)
		}
		// The plan's single and regional 党支部 cover ≥3 declared 正式党员
		// (fit.go), as the service requires: it refuses them otherwise.
		for _, ui := range pp.Initial {
			in.Covers = append(in.Covers, p.Units[ui].id)
		}
		po, err := l.a.Party.Create(l.ctx, in)
		if err != nil {
			return fmt.Errorf("设立党组织「%s」：%w", pp.Name, err)
		}
		pp.id = po.ID
		l.sum.Warnings += len(po.Warnings)
		l.sum.PartyOrgs++
		l.sum.Kinds[po.KindName]++
		l.sum.Formations[po.FormationName]++
		l.sum.Covers += len(pp.Initial)
		for _, ui := range pp.Later {
			u := p.Units[ui]
			po, err := l.a.Party.AddCover(l.ctx, pp.id, u.id, fmtDate(u.cover))
			if err != nil {
				return fmt.Errorf("「%s」覆盖「%s」：%w", pp.Name, u.Name, err)
			}
			l.sum.Warnings += len(po.Warnings)
			l.sum.Covers++
		}
	}
	// Units that closed: their own branch is dissolved, other covers end.
	for _, u := range p.Units {
		if u.Closed.IsZero() || u.party < 0 {
			continue
		}
		pp := p.Parties[u.party]
		if pp.Formation == partyorg.FormationSingle {
			if _, err := l.a.Party.Dissolve(l.ctx, pp.id, fmtDate(pp.Dissolve)); err != nil {
				return fmt.Errorf("撤销「%s」：%w", pp.Name, err)
			}
			l.sum.Dissolved++
			continue
		}
		po, err := l.a.Party.Get(l.ctx, pp.id)
		if err != nil {
			return err
		}
		for _, c := range po.Covers {
			if c.OrganizationID == u.id && c.To == nil {
				if _, err := l.a.Party.EndCover(l.ctx, pp.id, c.ID, fmtDate(u.Closed)); err != nil {
					return fmt.Errorf("「%s」结束覆盖「%s」：%w", pp.Name, u.Name, err)
				}
			}
		}
	}
	return nil
}

func (l *loader) instructors(p *plan) error {
	for _, ip := range p.Instructors {
		in, err := l.a.Instr.Create(l.ctx, instructor.Input{Name: ptr(ip.Name), Phone: ptr(ip.Phone), Unit: ptr(ip.Unit),
			FullTime: ptr(ip.FullTime), Level: ptr(ip.Level), RegionCode: ptr(ip.Region)})
		if err != nil {
			return fmt.Errorf("登记党建指导员 %s：%w", ip.Name, err)
		}
		ip.id = in.ID
		l.sum.Instructors++
		for _, as := range ip.Assign {
			u := p.Units[as.Unit]
			to := ""
			if !as.To.IsZero() {
				to = fmtDate(as.To)
			}
			if _, err := l.a.Instr.Assign(l.ctx, ip.id, u.id, fmtDate(as.From), to); err != nil {
				return fmt.Errorf("指导员 %s 联系「%s」：%w", ip.Name, u.Name, err)
			}
			l.sum.Assignments++
		}
		for _, v := range ip.Visits {
			if _, err := l.a.Instr.AddVisit(l.ctx, ip.id, instructor.Visit{OrganizationID: p.Units[v.Unit].id, VisitedOn: fmtDate(v.On),
				Form: v.Form, Content: v.Content, Problems: v.Problems, Solved: v.Done}); err != nil {
				return fmt.Errorf("指导员 %s 走访记录：%w", ip.Name, err)
			}
			l.sum.Visits++
		}
	}
	return nil
}

func (l *loader) summarise(p *plan) error {
	var err error
	j := l.sum.Jurisdiction
	if l.sum.Before, err = l.a.Cover.Coverage(l.ctx, j, l.sum.YearStart); err != nil {
		return err
	}
	if l.sum.Now, err = l.a.Cover.Coverage(l.ctx, j, l.sum.Today); err != nil {
		return err
	}
	if l.sum.Trend, err = l.a.Cover.Trend(l.ctx, j, l.sum.Today, 12); err != nil {
		return err
	}
	rs, err := l.a.Party.Renewals(l.ctx, partyorg.RenewalNoticeDays)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.Overdue {
			l.sum.Overdue++
		} else {
			l.sum.DueSoon++
		}
	}
	return nil
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", x*100) }

// Print writes the summary in Chinese.
func (s *Summary) Print(w io.Writer) {
	fp := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	fp("演示数据已载入：%s（%s），以 %s 为今天，随机种子 %d\n", s.JurisdictionName, s.Jurisdiction, s.Today, s.Seed)
	fp("演示用户（初始密码只显示这一次，首次登录后须修改）：\n")
	for _, u := range s.Users {
		pw := "（账号已存在，未改动）"
		if u.Password != "" {
			pw = "初始密码： " + u.Password
		}
		fp("  %-12s %s，%s %s，%s\n", u.Username, u.RoleName, u.Scope, u.ScopeName, pw)
	}
	var areas []string
	for _, a := range s.Areas {
		areas = append(areas, a.KindName+"「"+a.Name+"」")
	}
	fp("片区：%s\n", strings.Join(areas, "、"))
	fp("两新组织：%d 个（新经济组织 %d、新社会组织 %d；年内注销 %d；无统一社会信用代码的个体工商户 %d）\n",
		s.Organizations, s.Economic, s.Social, s.Closed, s.NoCode)
	kinds := make([]string, 0, len(s.Kinds))
	for _, k := range partyorg.Kinds() {
		kinds = append(kinds, fmt.Sprintf("%s %d", k.Name, s.Kinds[k.Name]))
	}
	forms := make([]string, 0, len(s.Formations))
	for _, f := range partyorg.Formations() {
		forms = append(forms, fmt.Sprintf("%s %d", f.Name, s.Formations[f.Name]))
	}
	fp("党组织：%d 个（%s；%s；已撤销 %d），覆盖关系 %d 条\n", s.PartyOrgs, strings.Join(kinds, "、"), strings.Join(forms, "、"), s.Dissolved, s.Covers)
	fp("换届提醒：90 天内到期 %d 个，已超期 %d 个\n", s.DueSoon, s.Overdue)
	fp("党建指导员：%d 名，联系单位 %d 次，走访记录 %d 条\n", s.Instructors, s.Assignments, s.Visits)
	if s.Venues > 0 {
		fp("阵地：%d 个（含达标检查、今年的活动、来访人次和阵地联用预约）\n", s.Venues)
	}
	var dev []string
	for _, st := range develop.StageNames {
		name := st.Name
		if st.Code == develop.StageFull {
			name = "今年转正"
		}
		dev = append(dev, fmt.Sprintf("%s %d", name, s.Development[st.Code]))
	}
	fp("发展党员：%s\n", strings.Join(dev, "、"))
	fp("订单式服务：诉求 %d 件（商圈解决 %d 件、尚在办理 %d 件），政企对话 %d 次，承办单位经办人账户 handler1\n",
		s.ServiceRequests, demoHubSolved, demoHubOpen, s.Dialogues)
	if s.Wishes > 0 {
		fp("微心愿：商圈 %d 个（已确认 6、认领中 2、待认领 4、撤回 1）\n", s.Wishes)
	}
	if s.CobuildUnits > 0 {
		fp("区域化共建：万达商圈党建联盟“1+7+N”（成员单位 %d 个，联席会议 3 次），3 个社区的三张清单，双报到 %d 条\n", s.CobuildUnits, s.CobuildReports)
	}
	line := func(label string, r coverage.Report) {
		fp("  %s %s：组织覆盖率 %s（%d/%d），单独组建率 %s，工作覆盖率 %s\n", label, r.AsOf,
			pct(r.OrgRate), r.OrgCovered, r.Total, pct(r.SingleRate), pct(r.WorkRate))
	}
	fp("%s两新组织覆盖情况（口径：%s）：\n", s.JurisdictionName, s.Now.Rule.Description)
	line("年　初", s.Before)
	line("今　天", s.Now)
	var pts []string
	for _, r := range s.Trend {
		pts = append(pts, r.AsOf[:7]+" "+pct(r.OrgRate))
	}
	fp("  逐月组织覆盖率：%s\n", strings.Join(pts, " → "))
}
