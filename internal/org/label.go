package org

import (
	"context"
	"strings"

	"liangxin/internal/store"

	"liangxin/internal/uscc"
	"liangxin/internal/xlsx"
)

// Label names a unit in an export cell: 名称（统一社会信用代码）, or
// 名称（所属区划） for a unit without a code. The suffix keeps the cell
// unambiguous where names repeat (个体工商户), and Lookup reads it back.
func Label(name, code, region string) string {
	switch {
	case code != "":
		return name + "（" + code + "）"
	case region != "":
		return name + "（" + region + "）"
	}
	return name
}

// Index finds units by 统一社会信用代码 or name (see Label).
type Index struct {
	byUSCC   map[string]int64
	byName   map[string][]int64
	byRegion map[string][]int64 // name|region name
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{byUSCC: map[string]int64{}, byName: map[string][]int64{}, byRegion: map[string][]int64{}}
}

func squeeze(s string) string { return strings.ReplaceAll(xlsx.NormalizeText(s), " ", "") }

// Add records one unit with the name of its region.
func (ix *Index) Add(id int64, name, code, region string) {
	if code != "" {
		ix.byUSCC[code] = id
	}
	ix.byName[squeeze(name)] = append(ix.byName[squeeze(name)], id)
	k := squeeze(name) + "|" + squeeze(region)
	ix.byRegion[k] = append(ix.byRegion[k], id)
}

// Lookup resolves a cell holding a name, a code or a Label. It answers the
// unit's id, or a Chinese reason why the cell names no single unit.
func (ix *Index) Lookup(cell string) (int64, string) {
	t := squeeze(cell)
	code := strings.ToUpper(t)
	if strings.HasSuffix(t, "）") || strings.HasSuffix(t, ")") {
		if i := strings.LastIndexAny(t, "（("); i > 0 {
			inner := strings.TrimRight(strings.TrimLeft(t[i:], "（("), "）)")
			if uscc.Valid(strings.ToUpper(inner)) {
				code = strings.ToUpper(inner)
			} else if ids := ix.byRegion[t[:i]+"|"+inner]; len(ids) == 1 {
				return ids[0], ""
			}
		}
	}
	if uscc.Valid(code) {
		if id, ok := ix.byUSCC[code]; ok {
			return id, ""
		}
		return 0, "统一社会信用代码为 " + code + " 的单位不在两新组织台账中或不在您的管辖范围内"
	}
	switch ids := ix.byName[t]; len(ids) {
	case 1:
		return ids[0], ""
	case 0:
		return 0, "「" + t + "」不在两新组织台账中或不在您的管辖范围内"
	default:
		return 0, "「" + t + "」有重名的单位，请改填统一社会信用代码"
	}
}

// Index indexes the 两新组织 of the caller's scope (see Label and Lookup).
func (s *Service) Index(ctx context.Context) (*Index, error) {
	ix := NewIndex()
	cond, args, err := store.ScopeFilter(ctx, "o.region_code")
	if err != nil {
		return ix, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT o.id, o.name, COALESCE(o.uscc, ''), COALESCE(r.name, '')
		FROM organizations o LEFT JOIN regions r ON r.code = o.region_code WHERE `+cond, args...)
	if err != nil {
		return ix, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, code, region string
		if err := rows.Scan(&id, &name, &code, &region); err != nil {
			return ix, err
		}
		ix.Add(id, name, code, region)
	}
	return ix, rows.Err()
}
