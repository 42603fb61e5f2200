package demo

import (
	"fmt"
	"time"

	"liangxin/internal/auth"
	"liangxin/internal/instructor"
)

// instructorAccountNames are the demo's instructor accounts, each bound to
// one instructor record (accountInstructors).
var instructorAccountNames = []string{"instructor1", "instructor2", "instructor3", "instructor4"}

// accountVisitDay is the day of the month on which the k-th account's
// instructor makes its visits (2, 7, 12, 17: always before the 23rd, and
// valid in every month).
func accountVisitDay(k int) int { return 2 + 5*k }

// accountInstructors picks the records the demo accounts are bound to and
// gives them a year of visits by a fixed rule (it draws nothing from the
// random source, so the rest of the plan is unchanged).
//
// Candidates are town-level instructors guiding two or more operating units,
// every assignment started by the first visit below. Picked in plan order:
// first a 专职 one, then a 兼职 one, then any two more, each in a town not
// yet used. The k-th picked (k = 0…3) visits each of its units on day
// accountVisitDay(k) of every `every` months (专职 1, 兼职 3: the default
// frequencies), from the month a year before today up to the last such day
// before today; forms go round 走访/电话/线上/座谈 and every fourth visit
// raises a problem (solved on the next one). Its last unit lapsed: 专职 after
// 9 monthly visits, 兼职 after 2 quarterly ones, so that unit is overdue today
// while the others are not. Their random visits from the plan are replaced.
func (pl *planner) accountInstructors() {
	today := pl.today
	used := map[int]bool{}
	var picked []*instructorPlan
	fits := func(in *instructorPlan, k int) bool {
		if len(in.Assign) < 2 || in.Level == "区级" {
			return false
		}
		first := date(today.Year()-1, today.Month(), accountVisitDay(k))
		for _, a := range in.Assign {
			u := pl.p.Units[a.Unit]
			if a.From.After(first) || !a.To.IsZero() || !u.operating(today) || used[u.town] {
				return false
			}
		}
		return true
	}
	want := []func(*instructorPlan) bool{
		func(in *instructorPlan) bool { return in.FullTime },
		func(in *instructorPlan) bool { return !in.FullTime },
		func(*instructorPlan) bool { return true },
		func(*instructorPlan) bool { return true },
	}
	for k, ok := range want {
		for _, in := range pl.p.Instructors {
			if in.Account == "" && ok(in) && fits(in, k) {
				in.Account = instructorAccountNames[k]
				used[pl.p.Units[in.Assign[0].Unit].town] = true
				picked = append(picked, in)
				break
			}
		}
	}
	for k, in := range picked {
		in.Visits = accountVisits(in, k, today)
	}
}

// accountVisits are the visits of the k-th account's instructor by the rule
// of accountInstructors.
func accountVisits(in *instructorPlan, k int, today time.Time) []visitPlan {
	every, lapse := 3, 2
	if in.FullTime {
		every, lapse = 1, 9
	}
	day := accountVisitDay(k)
	var out []visitPlan
	for j, a := range in.Assign {
		for n := 0; ; n++ {
			on := date(today.Year()-1, today.Month()+time.Month(n*every), day)
			if !on.Before(today) || (j == len(in.Assign)-1 && n >= lapse) {
				break
			}
			v := visitPlan{Unit: a.Unit, On: on, Form: instructor.VisitForms[(n+j)%len(instructor.VisitForms)],
				Content: visitContents[(n+j+k)%len(visitContents)]}
			// The last entry of each list is "" (nothing found): skipped here.
			if n%4 == 1 {
				v.Problems = visitProblems[(n+k)%(len(visitProblems)-1)]
			}
			if n%4 == 2 {
				v.Done = visitSolved[(n+k)%(len(visitSolved)-1)]
			}
			out = append(out, v)
		}
	}
	return out
}

// instructorAccounts binds the demo's instructor accounts to the records
// picked by accountInstructors, so that each logs in to its own work: its
// organizations, its visits and what is due. With no record picked for an
// account (a small jurisdiction), it is bound to the first record guiding
// two or more organizations that no account has.
func (l *loader) instructorAccounts(p *plan) error {
	bound := map[int64]bool{}
	for _, name := range instructorAccountNames {
		u, err := l.a.Auth.UserByUsername(l.ctx, name)
		if err != nil || u.InstructorID != nil || u.Role != auth.RoleInstructor {
			continue // no such account, or already bound (a second load)
		}
		var pickedIn *instructorPlan
		for _, ip := range p.Instructors {
			if ip.Account == name && ip.id != 0 {
				pickedIn = ip
			}
		}
		if pickedIn == nil {
			for _, ip := range p.Instructors {
				if ip.id != 0 && ip.Account == "" && len(ip.Assign) >= 2 && !bound[ip.id] {
					pickedIn = ip
					break
				}
			}
		}
		if pickedIn == nil {
			continue
		}
		if _, err := l.a.Auth.GrantUser(l.ctx, u.ID, auth.Grant{Role: auth.RoleInstructor, InstructorID: pickedIn.id}); err != nil {
			return fmt.Errorf("绑定演示指导员账户 %s：%w", name, err)
		}
		bound[pickedIn.id] = true
	}
	return nil
}
