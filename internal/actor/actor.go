// Package actor carries the identity of whoever makes a request through the
// context, so that the data layer can scope every query to what they may see.
package actor

import (
	"context"
	"strings"
)

// Actor is the authenticated caller.
type Actor struct {
	UserID   int64
	Username string
	Role     string
	// Scope is the canonical region code at the root of what the actor may see.
	Scope string
	// PartyOrgID, when not zero, binds the actor to one party organization
	// and its subtree (role party_org); Scope is then that party
	// organization's region code.
	PartyOrgID int64
	// InstructorID, when not zero, binds the actor (role instructor) to one
	// 党建指导员 record: it sees that record, its assignments and visits only.
	InstructorID int64
	// HandlerUnitID, when not zero, binds the actor (role handler) to one
	// 订单式服务 handler unit: it sees the requests transferred to it only.
	HandlerUnitID int64
	// MemberID, when not zero, binds the actor (role member) to one roster
	// entry (users.member_id): it sees its own record and its own activities only.
	MemberID int64
	IP       string
	// System marks internal work (CLI, migrations, start-up) that is not bound to a scope.
	System bool
}

type ctxKey struct{}

// With returns a context carrying a.
func With(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, ctxKey{}, a)
}

// From returns the actor in ctx, if any.
func From(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(ctxKey{}).(Actor)
	return a, ok
}

// System returns a context for internal work done on behalf of the named command.
func System(ctx context.Context, name string) context.Context {
	return With(ctx, Actor{Username: name, Role: "system", System: true})
}

// RoleInstructor is the role code of 党建指导员 (auth.RoleInstructor; auth
// imports this package, not the other way round).
const RoleInstructor = "instructor"

// BoundInstructor reports whether the actor is a 党建指导员 account, and the
// instructor record it is bound to (0 if none: it then sees no record).
func (a Actor) BoundInstructor() (id int64, ok bool) {
	if a.System || a.Role != RoleInstructor {
		return 0, false
	}
	return a.InstructorID, true
}

// RoleHandler is the role code of 承办单位经办人 (auth.RoleHandler).
const RoleHandler = "handler"

// BoundHandlerUnit reports whether the actor is a 承办单位经办人 account, and
// the handler unit it is bound to (0 if none: it then sees no request).
func (a Actor) BoundHandlerUnit() (id int64, ok bool) {
	if a.System || a.Role != RoleHandler {
		return 0, false
	}
	return a.HandlerUnitID, true
}

// InScope reports whether a region code lies inside the actor's scope.
// System actors see everything; an actor without a scope sees nothing.
func (a Actor) InScope(code string) bool {
	if a.System {
		return true
	}
	if a.Scope == "" || code == "" {
		return false
	}
	return strings.HasPrefix(code, a.Scope)
}
