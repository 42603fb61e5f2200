package demo

import (
	"fmt"

	"liangxin/internal/cobuild"
)

// demoCobuildUnits are the seven units of the 商圈 alliance's "7" besides
// the 商圈党委 ("1") and its 两新 organizations ("N").
var demoCobuildUnits = []struct{ kind, name, party string }{
	{"government", "县市场监督管理局洪桥分局", "中共县市场监督管理局洪桥分局支部委员会"},
	{"government", "县税务局洪桥税务所", "中共县税务局洪桥税务所支部委员会"},
	{"government", "洪桥派出所", "中共洪桥派出所支部委员会"},
	{"institution", "县人民医院", "中共县人民医院委员会"},
	{"institution", "县第一中学", "中共县第一中学委员会"},
	{"soe", "国网祁东县供电公司洪桥供电所", "中共洪桥供电所支部委员会"},
	{"soe", "中国银行祁东支行", "中共中国银行祁东支行支部委员会"},
}

// demoNeeds are each community's needs (title, category, requester, urgency).
var demoNeeds = [][4]string{
	{"独居老人每周上门测血压", "health", "独居老人 12 户", "high"},
	{"留守儿童暑期托管辅导", "youth", "留守儿童 20 名", "normal"},
	{"老旧小区楼道灯维修", "environment", "3 栋居民", "high"},
	{"居民法律咨询", "legal", "全体居民", "low"},
	{"社区就业技能培训", "employment", "失业人员 8 名", "normal"},
}

// demoResources are the units' resources, by unit index (title, category, quantity).
var demoResources = []struct {
	unit                      int
	title, category, quantity string
}{
	{3, "义诊医生每月上门", "health", "每月 2 人次"},
	{4, "教师志愿者辅导作业", "youth", "每周 4 课时"},
	{5, "电工上门检修线路", "environment", "每月 1 次"},
	{0, "市场监管政策宣讲", "legal", "每季度 1 场"},
	{6, "金融知识进社区", "education", "每季度 1 场"},
	{3, "健康讲座", "health", "每季度 1 场"},
}

// cobuild loads 区域化共建: the 商圈's "1+7+N" alliance with a year of
// 联席会议 (one decision followed as a task), three communities of 洪桥 with
// agreements and three lists, units and in-service members reported to
// them with a year of participation, and the communities' ratings.
func (l *loader) cobuild(p *plan) error {
	g := l.g
	svc := l.a.Cobuild
	var lead int64
	for _, pp := range p.Parties {
		if pp.id != 0 && pp.Dissolve.IsZero() && pp.Region == g.District {
			lead = pp.id
			break
		}
	}
	if g.District == "" || lead == 0 {
		return nil // a small demo has no 商圈
	}
	hub := g.Towns[g.Hub].Code
	rows, err := l.a.DB.Query(l.ctx, l.a.DB, `SELECT code FROM regions WHERE parent_code = ? AND level = 5 ORDER BY code LIMIT 3`, hub)
	if err != nil {
		return err
	}
	var comms []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		comms = append(comms, c)
	}
	rows.Close()
	if len(comms) < 3 {
		return nil
	}
	day := func(back int) string { return fmtDate(p.Today.AddDate(0, 0, -back)) }
	start := fmtDate(p.YearStart)
	// The "7" units.
	var units []cobuild.Unit
	for i, u := range demoCobuildUnits {
		x, err := svc.CreateUnit(l.ctx, cobuild.UnitInput{Kind: u.kind, Name: u.name, RegionCode: hub, Address: fmt.Sprintf("洪桥街道人民路%d号", 10+i*6),
			PartyOrgName: u.party, ContactName: fmt.Sprintf("%s书记", []string{"刘", "陈", "杨", "黄", "赵", "周", "吴"}[i]), ContactPhone: fmt.Sprintf("139073400%02d", 11+i)})
		if err != nil {
			return fmt.Errorf("demo: cobuild unit: %w", err)
		}
		units = append(units, x)
	}
	// The "N": 两新 organizations of the 商圈 from the ledger.
	var twoNew []cobuild.Unit
	for _, u := range p.Units {
		if len(twoNew) == 5 {
			break
		}
		if u.id == 0 || u.zone != zoneDistrict || !u.Closed.IsZero() {
			continue
		}
		id := u.id
		x, err := svc.CreateUnit(l.ctx, cobuild.UnitInput{Kind: "liangxin", Name: u.Name, RegionCode: u.Region, OrgID: &id})
		if err != nil {
			return fmt.Errorf("demo: cobuild two-new unit: %w", err)
		}
		twoNew = append(twoNew, x)
	}
	a, err := svc.CreateAlliance(l.ctx, cobuild.AllianceInput{Name: "万达商圈党建联盟", RegionCode: g.District, LeadPartyOrgID: &lead,
		Note: "“1+7+N”：商圈党委牵头，7 家驻区单位和商圈内两新组织共建"})
	if err != nil {
		return err
	}
	for _, u := range append(append([]cobuild.Unit{}, units...), twoNew...) {
		if a, err = svc.AddMember(l.ctx, a.ID, cobuild.MemberInput{UnitID: u.ID, JoinedOn: start}); err != nil {
			return err
		}
	}
	meetings := []struct {
		back      int
		topics    string
		place     string
		decisions []string
	}{
		{300, "年度共建计划；商圈消防安全", "商圈党群服务中心", []string{"各成员单位每月开展一次消防通道自查", "县人民医院每季度在商圈开展一次义诊"}},
		{180, "夏季用电安全与防汛", "洪桥供电所会议室", []string{"供电所对商圈商户开展用电安全检查"}},
		{60, "年底共建成效总结与双向考核安排", "商圈党群服务中心", []string{"12 月底前完成对各报到单位的双向考核"}},
	}
	var attend []int64
	for _, u := range units {
		attend = append(attend, u.ID)
	}
	for i, m := range meetings {
		mt, err := svc.RecordMeeting(l.ctx, a.ID, cobuild.MeetingInput{HeldOn: day(m.back), Place: m.place, Topics: m.topics, Attendees: attend, Decisions: m.decisions})
		if err != nil {
			return err
		}
		if i == 0 {
			if _, err := svc.FollowDecision(l.ctx, a.ID, mt.Decisions[0].ID, cobuild.FollowInput{AssigneeKind: "party_org", PartyOrgID: lead,
				Deadline: fmtDate(p.Today.AddDate(0, 1, 0))}); err != nil {
				return err
			}
		}
	}
	// 双报到: each unit to a community, with its participation.
	for i, u := range units {
		c := comms[i%3]
		r, err := svc.CreateReport(l.ctx, cobuild.ReportInput{Kind: "unit", CommunityCode: c, UnitID: &u.ID, ReportedOn: start})
		if err != nil {
			return err
		}
		for k := 0; k < 2+i%3; k++ {
			if _, err := svc.AddParticipation(l.ctx, r.ID, cobuild.ParticipationInput{HeldOn: day(20 + 70*k + i*3), Activity: []string{"社区环境整治", "关爱独居老人", "政策宣讲进社区"}[k%3],
				Hours: float64(2 + k%2)}); err != nil {
				return err
			}
		}
		if i < 6 {
			if _, err := svc.Rate(l.ctx, cobuild.RatingInput{CommunityCode: c, UnitID: u.ID, Year: p.Today.Year(), Score: 96 - i*4,
				Comment: []string{"积极参与社区治理", "服务群众成效明显", "按计划开展共建", "参与度较好", "有待加强", "参与较少"}[i]}); err != nil {
				return err
			}
		}
	}
	// In-service members: roster members of the 商圈's branches, and three outside the roster.
	var members []int64
	for _, pp := range p.Parties {
		if pp.id != 0 && pp.Dissolve.IsZero() && (pp.Region == g.District || pp.Parent >= 0 && p.Parties[pp.Parent].Region == g.District) {
			ids, err := l.roster(pp.id)
			if err != nil {
				return err
			}
			members = append(members, ids...)
		}
	}
	if len(members) > 9 {
		members = members[:9]
	}
	var reports []cobuild.Report
	for i, m := range members {
		id := m
		r, err := svc.CreateReport(l.ctx, cobuild.ReportInput{Kind: "member", CommunityCode: comms[i%3], MemberID: &id, ReportedOn: start})
		if err != nil {
			return err
		}
		reports = append(reports, r)
	}
	for i, name := range []string{"蒋医生", "邓老师", "彭会计"} {
		unit := units[3+i]
		r, err := svc.CreateReport(l.ctx, cobuild.ReportInput{Kind: "member", CommunityCode: comms[i], UnitID: &unit.ID, PersonName: name, PersonUnit: unit.Name,
			PersonPhone: fmt.Sprintf("138073400%02d", 21+i), ReportedOn: start})
		if err != nil {
			return err
		}
		reports = append(reports, r)
	}
	for i, r := range reports {
		if i%4 == 3 {
			continue // a few have not taken part yet this year
		}
		for k := 0; k < 1+i%3; k++ {
			if _, err := svc.AddParticipation(l.ctx, r.ID, cobuild.ParticipationInput{HeldOn: day(15 + 50*k + i*2), Activity: []string{"垃圾分类宣传", "关爱留守儿童", "文明创建志愿服务"}[k%3],
				Hours: 1.5 + float64(k)}); err != nil {
				return err
			}
		}
	}
	// 三张清单 under an agreement per community.
	var need [][]cobuild.Need
	for ci, c := range comms {
		ag, err := svc.CreateAgreement(l.ctx, cobuild.AgreementInput{CommunityCode: c, UnitID: units[3+ci].ID, Title: fmt.Sprintf("%s共建协议", units[3+ci].Name),
			StartsOn: start, EndsOn: fmtDate(p.YearStart.AddDate(2, 0, -1)), Content: "双方围绕社区需求清单，认领服务项目，按季度通报共建情况"})
		if err != nil {
			return err
		}
		var ns []cobuild.Need
		for ni, n := range demoNeeds {
			if (ni+ci)%5 == 4 && ci > 0 {
				continue
			}
			agID := ag.ID
			x, err := svc.CreateNeed(l.ctx, cobuild.NeedInput{AgreementID: &agID, CommunityCode: c, Title: n[0], Category: n[1], Requester: n[2], Urgency: n[3]})
			if err != nil {
				return err
			}
			ns = append(ns, x)
		}
		need = append(need, ns)
	}
	var res []cobuild.Resource
	for _, r := range demoResources {
		x, err := svc.CreateResource(l.ctx, cobuild.ResourceInput{UnitID: units[r.unit].ID, Title: r.title, Category: r.category, Quantity: r.quantity,
			AvailableFrom: start, AvailableTo: fmtDate(p.YearStart.AddDate(1, 0, -1))})
		if err != nil {
			return err
		}
		res = append(res, x)
	}
	// Two projects: one done (the first community's blood pressure rounds), one under way.
	if _, err := svc.CreateProject(l.ctx, cobuild.ProjectInput{CommunityCode: comms[0], Title: "银发健康守护", Owner: "县人民医院 黄书记", StartsOn: day(250), EndsOn: day(30),
		Status: "done", Result: "上门测血压 46 次，建立健康档案 12 份", NeedIDs: []int64{need[0][0].ID}, ResourceIDs: []int64{res[0].ID}}); err != nil {
		return err
	}
	if _, err := svc.CreateProject(l.ctx, cobuild.ProjectInput{CommunityCode: comms[1], Title: "七彩暑假托管班", Owner: "县第一中学 赵书记", StartsOn: day(150),
		EndsOn: fmtDate(p.Today.AddDate(0, 2, 0)), Status: "ongoing", NeedIDs: []int64{need[1][1].ID}, ResourceIDs: []int64{res[1].ID}}); err != nil {
		return err
	}
	l.sum.CobuildUnits, l.sum.CobuildReports = len(units)+len(twoNew), len(units)+len(reports)
	return nil
}
