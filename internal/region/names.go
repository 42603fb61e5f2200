package region

import (
	"context"
	"strings"
)

// NameIndex resolves a region cell of an imported file: a code, or a name
// that is unique among the towns, villages and areas of the jurisdiction.
type NameIndex struct {
	byName map[string][]string
}

// NameIndex loads the names of every region below the province and prefecture.
func (s *Service) NameIndex(ctx context.Context) (*NameIndex, error) {
	ix := &NameIndex{byName: map[string][]string{}}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT code, name FROM regions WHERE level >= 3`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return nil, err
		}
		key := strings.ReplaceAll(name, " ", "")
		ix.byName[key] = append(ix.byName[key], code)
	}
	return ix, rows.Err()
}

// Resolve answers the code a cell names, or a Chinese reason why it names
// none. Whether the code lies in the caller's scope is checked by the service
// that stores it.
func (ix *NameIndex) Resolve(cell string) (string, string) {
	t := strings.ReplaceAll(strings.TrimSpace(cell), " ", "")
	switch codes := ix.byName[t]; {
	case len(codes) == 1:
		return codes[0], ""
	case len(codes) > 1:
		return "", "「" + t + "」有重名的区划，请填写 9 位或 12 位区划代码"
	case t != "" && strings.Trim(t, "0123456789") == "":
		return t, ""
	default:
		return "", "「" + t + "」不是本辖区的街道（乡镇）、社区（村）或片区"
	}
}
