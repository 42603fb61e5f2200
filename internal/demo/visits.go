package demo

import (
	"fmt"

	"liangxin/internal/auth"
)

// instructorAccounts binds the demo's instructor account (instructor1) to
// the first instructor record that guides at least two organizations, so
// that it logs in to its own work: its organizations, its visits (the plan
// gives each one or two a year, some now overdue) and what is due.
func (l *loader) instructorAccounts(p *plan) error {
	u, err := l.a.Auth.UserByUsername(l.ctx, "instructor1")
	if err != nil || u.InstructorID != nil || u.Role != auth.RoleInstructor {
		return nil // no such account, or already bound (a second load)
	}
	for _, ip := range p.Instructors {
		if ip.id == 0 || len(ip.Assign) < 2 {
			continue
		}
		if _, err := l.a.Auth.GrantUser(l.ctx, u.ID, auth.Grant{Role: auth.RoleInstructor, InstructorID: ip.id}); err != nil {
			return fmt.Errorf("绑定演示指导员账户：%w", err)
		}
		return nil
	}
	return nil
}
