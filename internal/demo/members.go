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
			birth := date(1962+r.IntN(40), time.Month(1+r.IntN(12)), 1+r.IntN(28))
			id := fmt.Sprintf("430426%s%03d", birth.Format("20060102"), seq%1000)
			id += string(pdata.CheckChar(id))
			info, err := pdata.ParseID(id, p.Today)
			if err != nil {
				return fmt.Errorf("demo id number %s: %w", id, err)
			}
			joined := birth.AddDate(22+r.IntN(10), r.IntN(12), 0)
			if joined.After(p.YearStart) {
				joined = p.YearStart.AddDate(0, -r.IntN(24), 0)
			}
			in := member.Input{Name: personName(r), Gender: info.Gender, BirthDate: fmtDate(birth), IDNumber: id,
				Phone: fmt.Sprintf("13%d%08d", 5+r.IntN(5), r.IntN(100000000)), Category: s.category, PartyOrgID: pp.id,
				OrganizationID: &s.unit.id, JoinedOn: fmtDate(joined)}
			if s.category == "full" {
				in.ConfirmedOn = fmtDate(joined.AddDate(1, 0, 0))
			} else {
				in.JoinedOn = fmtDate(p.Today.AddDate(0, -1-r.IntN(10), 0))
			}
			if _, err := l.a.Members.Create(l.ctx, in); err != nil {
				return fmt.Errorf("demo member of %s: %w", pp.Name, err)
			}
		}
	}
	return nil
}
