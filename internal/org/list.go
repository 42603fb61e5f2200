package org

import (
	"context"
	"slices"
	"sort"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// Filter selects organizations. Empty fields do not filter.
type Filter struct {
	Q            string // name or code contains
	Category     string
	Sector       string
	RegionCode   string // subtree
	AreaCode     string // subtree of an area
	Industry     string
	AboveScale   *bool
	MinEmployees *int
	MaxEmployees *int
	HasMembers   *bool // any full or probationary member declared
	OwnerMember  *bool
	HasCharter   *bool
	// CharterHasParty selects on 党建入章 (party building written into the charter).
	CharterHasParty *bool
	Tag             string
	Status          string // operating (default: all) | closed
	Coverage        string // covered | uncovered | single (as of today)
	RegFrom         string
	RegTo           string
	Sort            string // name | registered_on | employees | full_members | created_at | region_code
	Desc            bool
	Page            int
	PageSize        int
}

// SortKeys are the sort values the list accepts (the API documents them as
// the enum of the sort parameter).
func SortKeys() []string {
	keys := make([]string, 0, len(sortable))
	for k := range sortable {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// The status filter of the list: still operating or closed as of today.
const (
	StatusOperating = "operating"
	StatusClosed    = "closed"
)

// StatusFilters are the status values the list accepts.
var StatusFilters = []string{StatusOperating, StatusClosed}

// The coverage filter of the list, as of today.
const (
	CoverageCovered   = "covered"
	CoverageUncovered = "uncovered"
	CoverageSingle    = "single"
)

// CoverageFilters are the coverage values the list accepts.
var CoverageFilters = []string{CoverageCovered, CoverageUncovered, CoverageSingle}

// Sectors are the sector values (Category.Sector) the list accepts.
func Sectors() []string {
	var out []string
	for _, c := range Categories() {
		if !slices.Contains(out, c.Sector) {
			out = append(out, c.Sector)
		}
	}
	return out
}

var sortable = map[string]string{
	"name": "o.name", "registered_on": "o.registered_on", "employees": "o.employees",
	"full_members": "o.full_members", "created_at": "o.created_at", "region_code": "o.region_code", "id": "o.id",
}

// where builds the WHERE clause (scope included) for f.
func (s *Service) where(ctx context.Context, f Filter, today string) (string, []any, error) {
	cond, args, err := store.ScopeFilter(ctx, "o.region_code")
	if err != nil {
		return "", nil, err
	}
	conds := []string{cond}
	bad := apperr.Invalid()
	add := func(c string, a ...any) {
		conds = append(conds, c)
		args = append(args, a...)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		add(`(o.name LIKE ? ESCAPE '\' OR o.uscc LIKE ? ESCAPE '\')`, "%"+store.LikeEscape(q)+"%", store.LikeEscape(strings.ToUpper(q))+"%")
	}
	if f.Category != "" {
		if _, ok := CategoryByCode(f.Category); !ok {
			bad.Field("category", "单位类别无效")
		}
		add("o.category = ?", f.Category)
	}
	if f.Sector != "" {
		var codes []string
		for _, c := range Categories() {
			if c.Sector == f.Sector {
				codes = append(codes, "'"+c.Code+"'")
			}
		}
		if len(codes) == 0 {
			bad.Field("sector", "领域应为 economic（新经济组织）或 social（新社会组织）")
		} else {
			add("o.category IN (" + strings.Join(codes, ",") + ")")
		}
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("o.region_code", strings.TrimSpace(f.RegionCode))
		add(rc, ra...)
	}
	if f.AreaCode != "" {
		rc, ra := store.PrefixRange("a.area_code", f.AreaCode)
		add(`EXISTS (SELECT 1 FROM organization_areas a WHERE a.organization_id = o.id AND `+rc+`)`, ra...)
	}
	if f.Industry != "" {
		add("o.industry = ?", strings.ToUpper(f.Industry))
	}
	if f.AboveScale != nil {
		add("o.above_scale = ?", *f.AboveScale)
	}
	if f.MinEmployees != nil {
		add("o.employees >= ?", *f.MinEmployees)
	}
	if f.MaxEmployees != nil {
		add("o.employees <= ?", *f.MaxEmployees)
	}
	if f.HasMembers != nil {
		if *f.HasMembers {
			add("(o.full_members + o.probationary_members) > 0")
		} else {
			add("(o.full_members + o.probationary_members) = 0")
		}
	}
	if f.OwnerMember != nil {
		add("o.owner_is_member = ?", *f.OwnerMember)
	}
	if f.HasCharter != nil {
		add("o.has_charter = ?", *f.HasCharter)
	}
	if f.CharterHasParty != nil {
		add("o.charter_has_party = ?", *f.CharterHasParty)
	}
	if f.Tag != "" {
		add(`(',' || o.tags || ',') LIKE ? ESCAPE '\'`, "%,"+store.LikeEscape(f.Tag)+",%")
	}
	switch f.Status {
	case "":
	case StatusOperating:
		add("(o.closed_on IS NULL OR o.closed_on > ?)", today)
	case StatusClosed:
		add("o.closed_on <= ?", today)
	default:
		bad.Field("status", "状态应为 operating（存续）或 closed（已注销）")
	}
	covered := `EXISTS (SELECT 1 FROM party_org_covers c JOIN party_orgs p ON p.id = c.party_org_id
		WHERE c.organization_id = o.id AND c.from_on <= ? AND (c.to_on IS NULL OR c.to_on > ?)
		AND p.established_on <= ? AND (p.dissolved_on IS NULL OR p.dissolved_on > ?)%s)`
	switch f.Coverage {
	case "":
	case CoverageCovered:
		add(strings.Replace(covered, "%s", "", 1), today, today, today, today)
	case CoverageUncovered:
		add("NOT "+strings.Replace(covered, "%s", "", 1), today, today, today, today)
	case CoverageSingle:
		add(strings.Replace(covered, "%s", " AND p.formation = 'single'", 1), today, today, today, today)
	default:
		bad.Field("coverage", "覆盖情况应为 covered、uncovered 或 single")
	}
	if f.RegFrom != "" {
		d, err := civil.Day("registered_from", f.RegFrom)
		if err != nil {
			bad.Field("registered_from", civil.Message(err, "registered_from"))
		}
		add("o.registered_on >= ?", d)
	}
	if f.RegTo != "" {
		d, err := civil.Day("registered_to", f.RegTo)
		if err != nil {
			bad.Field("registered_to", civil.Message(err, "registered_to"))
		}
		add("o.registered_on <= ?", d)
	}
	if f.Sort != "" {
		if _, ok := sortable[f.Sort]; !ok {
			bad.Field("sort", "不支持按该字段排序")
		}
	}
	if err := bad.OrNil(); err != nil {
		return "", nil, err
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

func (s *Service) today() string {
	return civil.Today(s.Now())
}

// List returns one page of organizations and the total.
func (s *Service) List(ctx context.Context, f Filter) ([]Organization, store.Total, error) {
	ctx = store.WithOp(ctx, "org.List")
	return s.ListCond(ctx, f, "", nil)
}

// ListCond is List with an extra SQL condition on "o" (for other domain
// packages, e.g. the coverage work lists; never built from user input).
func (s *Service) ListCond(ctx context.Context, f Filter, cond string, condArgs []any) ([]Organization, store.Total, error) {
	ctx = store.WithOp(ctx, "org.ListCond")
	where, args, err := s.where(ctx, f, s.today())
	if err != nil {
		return nil, store.Total{}, err
	}
	if cond != "" {
		where += " AND " + cond
		args = append(args, condArgs...)
	}
	order := "o.id"
	if col, ok := sortable[f.Sort]; ok {
		order = col
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: cols, From: strings.TrimSpace(from), CountFrom: "FROM organizations o",
		Cond: strings.TrimPrefix(where, " WHERE "), Args: args, Order: order + dir + ", o.id" + dir}, store.PageOf(f.Page, f.PageSize, 500), scan)
	if err != nil {
		return nil, store.Total{}, err
	}
	return out, total, s.loadAreas(ctx, s.DB, out)
}

// Each streams every matching organization in id order (for exports).
func (s *Service) Each(ctx context.Context, f Filter, fn func(Organization) error) error {
	where, args, err := s.where(ctx, f, s.today())
	if err != nil {
		return err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+cols+from+where+` ORDER BY o.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scan(rows)
		if err != nil {
			return err
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return rows.Err()
}
