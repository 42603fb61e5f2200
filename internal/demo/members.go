package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"liangxin/internal/member"
	"liangxin/internal/pdata"
)

// maxDemoMembers bounds the roster of one demo party organization, so the
// demo stays quick to load while every branch has people to take to meetings.
const maxDemoMembers = 8

// members writes the roster (党员花名册): for each party organization in
// operation, the declared 正式/预备党员 of the units it covers (capped),
// employed by those units, with valid, invented 身份证号. It runs before
// orgLife, which takes attendance from the roster.
func (l *loader) members(p *plan) error {
	r := rand.New(rand.NewPCG(uint64(len(p.Units)), 1117))
	seq := 0
	for _, pp := range p.Parties {
		if pp.id == 0 || !pp.Dissolve.IsZero() {
			continue
		}
		type slot struct {
			unit     *unit
			category string
		}
		var slots []slot
		for _, ui := range append(append([]int{}, pp.Initial...), pp.Later...) {
			u := p.Units[ui]
			for i := 0; i < u.Full; i++ {
				slots = append(slots, slot{u, "full"})
			}
			for i := 0; i < u.Prob; i++ {
				slots = append(slots, slot{u, "probationary"})
			}
		}
		if len(slots) > maxDemoMembers {
			r.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
			slots = slots[:maxDemoMembers]
		}
		for _, s := range slots {
			seq++
			// Ages 25–64, most between 35 and 50 (the sum of two draws).
			birth := date(p.Today.Year()-25-r.IntN(20)-r.IntN(20), time.Month(1+r.IntN(12)), 1+r.IntN(28))
			id := fmt.Sprintf("430426%s%03d", birth.Format("20060102"), seq%1000)
			id += string(pdata.CheckChar(id))
			info, err := pdata.ParseID(id, p.Today)
			if err != nil {
				return fmt.Errorf("demo id number %s: %w", id, err)
			}
			joined := birth.AddDate(22+r.IntN(10), r.IntN(12), 0)
			if joined.After(p.Today.AddDate(-1, 0, -1)) {
				joined = p.Today.AddDate(-1, -r.IntN(24), -1)
			}
			in := member.Input{Name: personName(r), Gender: info.Gender, BirthDate: fmtDate(birth), IDNumber: id,
				Phone: fmt.Sprintf("13%d%08d", 5+r.IntN(5), r.IntN(100000000)), Category: s.category, PartyOrgID: pp.id,
				OrganizationID: &s.unit.id, JoinedOn: fmtDate(joined), Ethnicity: ethnicity(r), Education: education(r, birth),
				Position: pick(r, positions)}
			if s.category == "full" {
				in.ConfirmedOn = fmtDate(joined.AddDate(1, 0, 0))
			} else {
				in.JoinedOn = fmtDate(p.Today.AddDate(0, -1-r.IntN(10), 0))
			}
			m, err := l.a.Members.Create(l.ctx, in)
			if err != nil {
				return fmt.Errorf("demo member of %s: %w", pp.Name, err)
			}
			// One member in 90 has lost contact (失联, 党统 table 43), with
			// the 情形 in turn; no random draw, so the rest of the demo stays as it was.
			if seq%90 == 45 {
				reasons := member.LostReasonCodes()
				since := fmtDate(p.Today.AddDate(0, -3-seq%30, 0))[:7]
				reason := reasons[(seq/90)%len(reasons)]
				if _, err := l.a.Members.Update(l.ctx, m.ID, member.Patch{LostSince: &since, LostReason: &reason}); err != nil {
					return fmt.Errorf("demo lost member: %w", err)
				}
			}
		}
	}
	return nil
}

// ethnicity: 祁东 is almost all 汉族, with a few 瑶族, 土家族, 苗族 and 回族.
func ethnicity(r *rand.Rand) string {
	switch x := r.IntN(100); {
	case x < 95:
		return "汉族"
	case x < 97:
		return "瑶族"
	case x < 98:
		return "土家族"
	case x < 99:
		return "苗族"
	default:
		return "回族"
	}
}

// education: the younger, the more schooling.
func education(r *rand.Rand, birth time.Time) string {
	x := r.IntN(100)
	if birth.Year() >= 1985 {
		x += 25
	} else if birth.Year() < 1972 {
		x -= 25
	}
	switch {
	case x < 8:
		return "初中"
	case x < 22:
		return "高中"
	case x < 32:
		return "中专"
	case x < 62:
		return "大专"
	case x < 115:
		return "大学本科"
	default:
		return "研究生"
	}
}

var positions = []string{"总经理", "副总经理", "财务负责人", "技术员", "车间主任", "销售经理", "行政主管", "项目经理", "职员", "一线员工", "工程师", "人力资源主管"}
