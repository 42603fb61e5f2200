package demo

import (
	"fmt"
	"strings"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/civil"
	"liangxin/internal/servicereq"
)

// Demo counts of 订单式服务 (pinned by TestDemo): in the 商圈, 26 requests
// solved over the year (2 of them after a reopen) and 4 still open (2 of
// them overdue); 2 政企对话 in the 商圈 raising 5 of those requests; 8 more
// requests elsewhere in the hub street, all solved.
const (
	demoHubSolved = 26
	demoHubOpen   = 4
	demoElsewhere = 8
)

var demoRequestTexts = []struct {
	cat  string
	text string
}{
	{"policy", "咨询高新技术企业认定申报条件"},
	{"financing", "希望对接创业担保贷款"},
	{"talent", "急需招聘电商运营人员 5 名"},
	{"legal", "劳动合同纠纷需要法律咨询"},
	{"approval", "门头招牌设置审批代办"},
	{"livelihood", "商圈停车位紧张，员工停车难"},
	{"party_building", "咨询党组织按期换届程序"},
	{"policy", "咨询稳岗返还政策"},
	{"financing", "申请个体工商户贴息贷款"},
	{"talent", "希望参加县人才招聘会"},
	{"other", "楼宇电梯维修协调"},
	{"livelihood", "夜间施工噪音扰民"},
	{"legal", "商铺租赁合同续签争议"},
}

var demoUnits = []struct{ name, kind, contact string }{
	{"县人力资源和社会保障局", "department", "就业股"},
	{"县市场监督管理局", "department", "注册许可股"},
	{"县司法局", "department", "公共法律服务中心"},
	{"县住房和城乡建设局", "department", "物业管理股"},
}

// services writes a year of service requests: units, the handler1 account,
// two 政企对话 and the requests, each step on its own day through the
// service (a copy of it whose clock stands on that day).
func (l *loader) services(p *plan) error {
	g := l.g
	cats, err := l.a.Services.GetOptions(l.ctx)
	if err != nil {
		return err
	}
	catID := map[string]int64{}
	for _, c := range cats.Categories {
		catID[c.Code] = c.ID
	}
	var units []int64
	for _, u := range demoUnits {
		hu, err := l.a.Services.CreateUnit(l.ctx, servicereq.HandlerUnitInput{Name: u.name, Kind: u.kind, RegionCode: g.County.Code, Contact: u.contact})
		if err != nil {
			return fmt.Errorf("登记演示承办单位 %s：%w", u.name, err)
		}
		units = append(units, hu.ID)
	}
	if err := l.handlerAccount(units[0]); err != nil {
		return err
	}
	// The 商圈's enterprises, for the ledger link.
	var hubOrgs []int64
	for _, u := range p.Units {
		for _, a := range u.Areas {
			if a == g.District && u.id != 0 && u.Closed.IsZero() {
				hubOrgs = append(hubOrgs, u.id)
			}
		}
	}
	svcOn := func(d time.Time) *servicereq.Service {
		s := *l.a.Services
		day := time.Date(d.Year(), d.Month(), d.Day(), 2, 0, 0, 0, time.UTC) // 10:00 in China
		s.Now = func() time.Time { return day }
		return &s
	}
	today := p.Today
	// Two dialogues in the 商圈: five months and six weeks ago.
	var dialogues []int64
	for i, back := range []int{150, 45} {
		d := today.AddDate(0, 0, -back)
		var present []int64
		for k := i; k < len(hubOrgs) && len(present) < 4; k += 3 {
			present = append(present, hubOrgs[k])
		}
		dl, err := svcOn(d).CreateDialogue(l.ctx, servicereq.DialogueInput{HeldOn: fmtDate(d),
			Title:       []string{"商圈企业政企对话会（上半年）", "商圈企业政企对话会（第三季度）"}[i],
			RegionCode:  g.District,
			Departments: []string{"县人社局", "县市场监管局", "县税务局", "县住建局"}[:3+i],
			OrgIDs:      present,
			Problems:    []string{"招工难、贷款难，门头审批周期长", "停车难、夜间施工噪音，合同纠纷需法律援助"}[i]})
		if err != nil {
			return fmt.Errorf("登记演示政企对话：%w", err)
		}
		dialogues = append(dialogues, dl.ID)
	}
	sources := []string{"desk", "phone", "online_group", "grid", "desk"}
	type spec struct {
		region   string
		received time.Time
		n        int
	}
	var specs []spec
	// 26 solved in the 商圈, spread over the year; 4 open ones at the end.
	for k := 0; k < demoHubSolved; k++ {
		specs = append(specs, spec{g.District, today.AddDate(0, 0, -350+k*12), k})
	}
	for k, back := range []int{30, 16, 5, 2} {
		specs = append(specs, spec{g.District, today.AddDate(0, 0, -back), demoHubSolved + k})
	}
	hubTown := g.Towns[g.Hub]
	for k := 0; k < demoElsewhere; k++ {
		region := hubTown.Code
		if len(hubTown.Kids) > 1 {
			region = hubTown.Kids[1+k%(len(hubTown.Kids)-1)].Code
		}
		specs = append(specs, spec{region, today.AddDate(0, 0, -330+k*37), demoHubSolved + demoHubOpen + k})
	}
	for _, sp := range specs {
		t := demoRequestTexts[sp.n%len(demoRequestTexts)]
		in := servicereq.RequestInput{Source: sources[sp.n%len(sources)], CategoryID: catID[t.cat], Content: t.text,
			RequesterName:  demoSurnames[sp.n%len(demoSurnames)] + []string{"经理", "女士", "先生", "总"}[sp.n%4],
			RequesterPhone: fmt.Sprintf("139%08d", 7340000+sp.n*37), RegionCode: sp.region}
		if sp.region == g.District && len(hubOrgs) > 0 {
			in.OrgID = &hubOrgs[sp.n%len(hubOrgs)]
		}
		// Requests 3, 7 and 11 of the 商圈 were raised at the dialogues (and
		// two of the open ones at the second).
		switch {
		case sp.region == g.District && (sp.n == 13 || sp.n == 14):
			in.OriginKind, in.OriginID = servicereq.OriginDialogue, &dialogues[0]
		case sp.region == g.District && (sp.n == 22 || sp.n == demoHubSolved+1 || sp.n == demoHubSolved+2):
			in.OriginKind, in.OriginID = servicereq.OriginDialogue, &dialogues[1]
		}
		if in.OriginID != nil {
			// Raised on the day of the dialogue or after.
			dd, err := l.a.Services.GetDialogue(l.ctx, *in.OriginID)
			if err != nil {
				return err
			}
			if d, _ := civil.Read(dd.HeldOn); sp.received.Before(d) {
				sp.received = d
			}
		}
		r, err := svcOn(sp.received).Create(l.ctx, in)
		if err != nil {
			return fmt.Errorf("登记演示诉求：%w", err)
		}
		if err := l.walkRequest(svcOn, r, sp.n, sp.region == g.District, units, today); err != nil {
			return fmt.Errorf("办理演示诉求 %d：%w", r.ID, err)
		}
	}
	l.sum.ServiceRequests = len(specs)
	l.sum.Dialogues = len(dialogues)
	return nil
}

// walkRequest takes request number n through its life: most solved
// (做单 or 转单, 办结, 回单, 关闭), the 商圈's numbers 4 and 17 reopened once
// and solved again, the 商圈's last four still open.
func (l *loader) walkRequest(svcOn func(time.Time) *servicereq.Service, r servicereq.Request, n int, hub bool, units []int64, today time.Time) error {
	day, _ := civil.Read(r.ReceivedOn)
	step := func(after int, in servicereq.ActionInput) error {
		day = day.AddDate(0, 0, after)
		if day.After(today) {
			day = today
		}
		in.Version = r.Version
		out, err := svcOn(day).Act(l.ctx, r.ID, in)
		if err != nil {
			return err
		}
		r = out
		return nil
	}
	unit := units[n%len(units)]
	if hub && n >= demoHubSolved {
		switch n - demoHubSolved {
		case 0: // received a month ago, never taken up: overdue
			return nil
		case 1: // with the 人社局 for two weeks: overdue, in handler1's inbox
			return step(1, servicereq.ActionInput{Action: servicereq.ActTransfer, HandlerUnitID: &units[0], Reason: "请协助对接招聘渠道"})
		case 2: // being handled by the 商圈
			return step(1, servicereq.ActionInput{Action: servicereq.ActHandle})
		default: // just transferred to the 人社局
			return step(0, servicereq.ActionInput{Action: servicereq.ActTransfer, HandlerUnitID: &units[0]})
		}
	}
	finishIn := 3 + n%5
	if n%9 == 5 {
		finishIn = 16 // past the deadline
	}
	if n%3 == 1 {
		if err := step(1, servicereq.ActionInput{Action: servicereq.ActTransfer, HandlerUnitID: &unit, Reason: "属职能部门职责，转交办理"}); err != nil {
			return err
		}
	} else if err := step(0, servicereq.ActionInput{Action: servicereq.ActHandle}); err != nil {
		return err
	}
	results := []string{"已上门讲解政策并协助准备申报材料", "已对接银行完成授信", "已推送岗位信息并组织专场招聘", "已由律师提供法律意见", "已办结审批手续"}
	if err := step(finishIn, servicereq.ActionInput{Action: servicereq.ActFinish, Result: results[n%len(results)]}); err != nil {
		return err
	}
	satisfaction := []string{servicereq.Satisfied, servicereq.Satisfied, servicereq.BasicSatisfied}[n%3]
	reopen := hub && (n == 4 || n == 17)
	if reopen {
		satisfaction = servicereq.NotSatisfied
	}
	if err := step(1, servicereq.ActionInput{Action: servicereq.ActReply, RepliedBy: "商圈党委 " + demoSurnames[(n+3)%len(demoSurnames)] + "书记",
		ReplyMethod: []string{"phone", "visit", "in_person"}[n%3], Satisfaction: satisfaction}); err != nil {
		return err
	}
	if reopen {
		if err := step(2, servicereq.ActionInput{Action: servicereq.ActReopen, Reason: "企业反映问题未彻底解决"}); err != nil {
			return err
		}
		if err := step(0, servicereq.ActionInput{Action: servicereq.ActHandle}); err != nil {
			return err
		}
		if err := step(4, servicereq.ActionInput{Action: servicereq.ActFinish, Result: "再次协调，问题已解决"}); err != nil {
			return err
		}
		if err := step(1, servicereq.ActionInput{Action: servicereq.ActReply, RepliedBy: "商圈党委书记", ReplyMethod: "visit", Satisfaction: servicereq.Satisfied}); err != nil {
			return err
		}
	}
	return step(2, servicereq.ActionInput{Action: servicereq.ActClose})
}

// handlerAccount creates handler1, bound to the 人社局 (left alone when it exists).
func (l *loader) handlerAccount(unit int64) error {
	if u, err := l.a.Auth.UserByUsername(l.ctx, "handler1"); err == nil {
		l.sum.Users = append(l.sum.Users, User{Username: u.Username, RoleName: u.RoleName, Scope: u.Scope, ScopeName: u.ScopeName})
		return nil
	} else if !apperr.IsKind(err, apperr.KindNotFound) {
		return err
	}
	u, pw, err := l.a.Auth.CreateUser(l.ctx, auth.NewUser{Username: "handler1", DisplayName: "县人社局经办人", Role: auth.RoleHandler, HandlerUnitID: unit})
	if err != nil {
		return fmt.Errorf("创建演示用户 handler1：%w", err)
	}
	l.sum.Users = append(l.sum.Users, User{Username: u.Username, RoleName: u.RoleName, Scope: u.Scope, ScopeName: u.ScopeName, Password: pw})
	return nil
}

var demoSurnames = strings.Split("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "")
