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
	cond, args := PrefixRange(col, a.Scope)
	return cond, args, nil
}

// partyOrgSubtree selects the id of a party organization and of every one
// under it; its one argument is the root id.
const partyOrgSubtree = `WITH RECURSIVE po_sub(id) AS (SELECT CAST(? AS BIGINT) UNION ALL
	SELECT c.id FROM party_orgs c JOIN po_sub ON c.parent_id = po_sub.id) SELECT id FROM po_sub`

// PartyOrgFilter returns a SQL condition that limits col (a party_orgs.id
// column, e.g. members.party_org_id) to the party organizations the actor in
// ctx may see: for an actor bound to a party organization, that one and its
// subtree; for a region-bound actor, those whose region lies in its scope.
func PartyOrgFilter(ctx context.Context, col string) (string, []any, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return "", nil, apperr.Unauthenticated("")
	}
	if a.System {
		return "1=1", nil, nil
	}
	if a.PartyOrgID != 0 {
		return col + " IN (" + partyOrgSubtree + ")", []any{a.PartyOrgID}, nil
	}
	if a.Scope == "" {
		return "1=0", nil, nil
	}
	cond, args := PrefixRange("region_code", a.Scope)
	return col + ` IN (SELECT id FROM party_orgs WHERE ` + cond + `)`, args, nil
}

// PartyOrgSubtreeFilter returns "1=1" for region-bound actors and, for an
// actor bound to a party organization, a condition limiting col (a party_orgs.id
// column) to that party organization's subtree. Queries that already apply
// ScopeFilter to the party organization's region add it to honour the binding.
func PartyOrgSubtreeFilter(ctx context.Context, col string) (string, []any) {
	a, _ := actor.From(ctx)
	if a.System || a.PartyOrgID == 0 {
		return "1=1", nil
	}
	return col + " IN (" + partyOrgSubtree + ")", []any{a.PartyOrgID}
}
