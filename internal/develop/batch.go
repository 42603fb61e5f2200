package develop

import (
	"context"
	"database/sql"
	"strings"
)

// LastDevelopmentObjects is LastDevelopmentObject for many party
// organizations at once: the latest day a 发展对象 was decided in each of ids
// that has one (absent otherwise), in one query per 500 ids.
func (s *Service) LastDevelopmentObjects(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for len(ids) > 0 {
		c := ids[:min(500, len(ids))]
		ids = ids[len(c):]
		args := make([]any, len(c))
		for i, id := range c {
			args[i] = id
		}
		rows, err := s.DB.Query(ctx, s.DB, `SELECT p.party_org_id, MAX(st.done_on) FROM dev_steps st JOIN dev_people p ON p.id = st.person_id
			WHERE st.step = 7 AND p.party_org_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(c)), ", ")+`) GROUP BY p.party_org_id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var d sql.NullString
			if err := rows.Scan(&id, &d); err != nil {
				rows.Close()
				return nil, err
			}
			if d.Valid {
				out[id] = d.String
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
