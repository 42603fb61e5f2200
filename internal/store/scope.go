package store

import (
	"context"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
)

// ScopeFilter returns a SQL condition that limits col (a region code column)
// to the subtree of the actor in ctx, with its arguments. System actors see
// everything; a context without an actor sees nothing (an error).
func ScopeFilter(ctx context.Context, col string) (string, []any, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return "", nil, apperr.Unauthenticated("")
	}
	if a.System {
		return "1=1", nil, nil
	}
	if a.Scope == "" {
		return "1=0", nil, nil
	}
	return col + ` LIKE ? ESCAPE '\'`, []any{LikeEscape(a.Scope) + "%"}, nil
}
