package demo

import (
	"fmt"
	"time"

	"liangxin/internal/civil"
	"liangxin/internal/volunteer"
)

// demoActivities are the 商圈 service team's activities of the year, two a
// month, oldest first: kind, title, place, planned minutes.
var demoActivities = []struct {
	kind, title, place string
	minutes            int64
}{
	{volunteer.KindElderly, "走访慰问独居老人", "洪桥社区", 120},
	{volunteer.KindCivility, "文明交通劝导", "商圈十字路口", 90},
	{volunteer.KindEnviron, "商圈环境清洁日", "万达广场周边", 120},
	{volunteer.KindLecture, "政策宣讲进楼宇", "商务楼宇大厅", 60},
	{volunteer.KindAid, "困难家庭帮扶走访", "洪桥社区", 150},
	{volunteer.KindElderly, "敬老院陪护", "县敬老院", 180},
	{volunteer.KindCivility, "文明实践·垃圾分类指导", "社区广场", 90},
	{volunteer.KindEnviron, "河道巡护", "祁水河沿岸", 120},
	{volunteer.KindLecture, "反诈宣传进商铺", "步行街", 60},
	{volunteer.KindAid, "助学结对辅导", "社区书屋", 120},
	{volunteer.KindOther, "义诊服务", "社区卫生服务站", 180},
	{volunteer.KindElderly, "为老人理发", "洪桥社区", 90},
}

// demoRewards are the catalogue: partner merchants and the 党群服务中心.
var demoRewards = []volunteer.RewardInput{
	{Name: "理发一次", Provider: "红星理发店（合作商家）", Cost: 20, Stock: 30, Active: true},
	{Name: "超市购物券 20 元", Provider: "万家福超市（合作商家）", Cost: 50, Stock: 40, Active: true},
	{Name: "家电清洗一次", Provider: "党群服务中心", Cost: 80, Stock: 10, Active: true},
	{Name: "社区食堂午餐券", Provider: "党群服务中心", Cost: 15, Stock: 100, Active: true},
}

// volunteering founds the 商圈's 党员服务队 of up to 20 members in the hub's
// first community, runs a year of activities (two a month, 6–10 of the team
// signed in by hand, hours confirmed at the planned length or 30 minutes
// less for every fourth person), opens the catalogue and records a few
// redemptions (handed over, one reserved, one cancelled). Each step runs on
// its own day (a copy of the service whose clock stands on that day).
func (l *loader) volunteering(p *plan) error {
	g := l.g
	var po int64
	var members []int64
	for _, pp := range p.Parties {
		if pp.id == 0 || !pp.Dissolve.IsZero() {
			continue
		}
		if pp.Region == g.District || pp.Region == g.Building || pp.Parent >= 0 && p.Parties[pp.Parent].Region == g.District {
			if po == 0 {
				po = pp.id
			}
			ids, err := l.roster(pp.id)
			if err != nil {
				return err
			}
			members = append(members, ids...)
		}
	}
	if g.District == "" || po == 0 || len(members) < 8 || len(g.Towns[g.Hub].Kids) == 0 {
		return nil // a small demo has no service team
	}
	if len(members) > 20 {
		members = members[:20]
	}
	community := g.Towns[g.Hub].Kids[0].Code
	on := func(back int) *volunteer.Service {
		s := *l.a.Volunteer
		d := p.Today.AddDate(0, 0, -back)
		day := time.Date(d.Year(), d.Month(), d.Day(), 2, 0, 0, 0, time.UTC) // 10:00 in China
		s.Now = func() time.Time { return day }
		return &s
	}
	start := on(365)
	leader := members[0]
	team, err := start.CreateTeam(l.ctx, volunteer.TeamInput{Name: "洪桥商圈红色先锋党员服务队", PartyOrgID: &po, RegionCode: community, LeaderID: &leader,
		MemberIDs: members, Note: "商圈党委组建，服务社区居民和商户"})
	if err != nil {
		return fmt.Errorf("服务队：%w", err)
	}
	for i := 0; i < 24; i++ {
		back := 360 - i*15
		a := demoActivities[i%len(demoActivities)]
		d := p.Today.AddDate(0, 0, -back)
		day := d.Format(civil.Layout)
		s := on(back + 7)
		act, err := s.CreateActivity(l.ctx, volunteer.ActivityInput{Title: a.title, Kind: a.kind, StartsAt: day + " 09:00",
			EndsAt: day + fmt.Sprintf(" %02d:%02d", 9+(a.minutes+30)/60, (a.minutes+30)%60), Place: a.place, PlannedMinutes: a.minutes, Capacity: 15,
			TeamID: &team.ID, RegionCode: community, Description: "党员服务队" + a.title})
		if err != nil {
			return fmt.Errorf("志愿活动：%w", err)
		}
		s = on(back)
		n := 6 + i%5
		for j := 0; j < n; j++ {
			m := members[(i*3+j)%len(members)]
			pt, err := s.SignInManual(l.ctx, act.ID, volunteer.ParticipantInput{MemberID: &m})
			if err != nil {
				return fmt.Errorf("签到：%w", err)
			}
			if pt.Already {
				continue
			}
			var minutes *int64
			if j%4 == 3 {
				v := a.minutes - 30
				minutes = &v
			}
			if _, err := s.ConfirmHours(l.ctx, act.ID, pt.ID, volunteer.ConfirmInput{Minutes: minutes}); err != nil {
				return fmt.Errorf("确认时长：%w", err)
			}
		}
	}
	// Two upcoming activities open to sign up.
	for i, a := range []int{5, 12} {
		d := p.Today.AddDate(0, 0, a)
		day := d.Format(civil.Layout)
		x := demoActivities[(i+2)%len(demoActivities)]
		if _, err := on(0).CreateActivity(l.ctx, volunteer.ActivityInput{Title: x.title, Kind: x.kind, StartsAt: day + " 09:00", EndsAt: day + " 11:30",
			Place: x.place, PlannedMinutes: x.minutes, Capacity: 20, TeamID: &team.ID, RegionCode: community}); err != nil {
			return err
		}
	}
	var rewards []int64
	for _, r := range demoRewards {
		out, err := start.CreateReward(l.ctx, r)
		if err != nil {
			return fmt.Errorf("兑换目录：%w", err)
		}
		rewards = append(rewards, out.ID)
	}
	// Redemptions in the last months: five handed over, one reserved, one cancelled.
	for i := 0; i < 7; i++ {
		s := on(60 - i*8)
		acc, err := s.AccountForMember(l.ctx, members[i])
		if err != nil {
			return err
		}
		r, err := s.Redeem(l.ctx, volunteer.RedeemInput{AccountID: acc.ID, RewardID: rewards[i%2*3]})
		if err != nil {
			continue // not enough points: that member simply does not redeem
		}
		switch i {
		case 5:
		case 6:
			_, err = s.Decide(l.ctx, r.ID, volunteer.DecideInput{Post: false, Reason: "本人改选其他物品"})
		default:
			_, err = s.Decide(l.ctx, r.ID, volunteer.DecideInput{Post: true})
		}
		if err != nil {
			return err
		}
	}
	if _, err := on(30).CreatePerson(l.ctx, volunteer.PersonInput{Name: "邓志愿", Phone: "13907340001", RegionCode: community, Note: "社区热心居民"}); err != nil {
		return err
	}
	return nil
}
