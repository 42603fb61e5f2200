package sheetimport

import (
	"context"
	"strings"

	"liangxin/internal/store"
)

// PartyOrgsByName indexes the party organizations of the caller's scope by
// name with the spaces taken out (a sheet's 党组织 cell is matched the same
// way), for the importers whose rows name a party organization. A name
// held by two party organizations maps to both ids.
func PartyOrgsByName(ctx context.Context, db *store.DB) (map[string][]int64, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, db, `SELECT p.id, p.name FROM party_orgs p WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		k := strings.ReplaceAll(name, " ", "")
		out[k] = append(out[k], id)
	}
	return out, rows.Err()
}
