// Package region keeps the jurisdiction's administrative divisions and the
// non-administrative areas (商圈/楼宇/园区/网格) built under streets and towns.
// Every read and write is limited to the caller's scope: a region outside it
// is reported as not found.
package region

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/region/divisions"
	"liangxin/internal/store"
)

// Levels as stored (1–5 administrative, 6 area).
const (
	LevelProvince   = 1
	LevelPrefecture = 2
	LevelCounty     = 3
	LevelTown       = 4
	LevelVillage    = 5
	LevelArea       = 6
)

var levelCodes = map[int]string{1: "province", 2: "prefecture", 3: "county", 4: "town", 5: "village", 6: "area"}

// Area kinds.
var areaKinds = [][2]string{
	{"business_district", "商圈"},
	{"building", "楼宇"},
	{"park", "园区"},
	{"grid", "网格"},
}

// AreaKind is an area kind code with its Chinese name.
type AreaKind struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// AreaKinds lists the kinds of area.
func AreaKinds() []AreaKind {
	out := make([]AreaKind, len(areaKinds))
	for i, k := range areaKinds {
		out[i] = AreaKind{k[0], k[1]}
	}
	return out
}

func areaKindName(code string) string {
	for _, k := range areaKinds {
		if k[0] == code {
			return k[1]
		}
	}
	return ""
}

// Region is one node of the tree.
type Region struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Level       string `json:"level"`
	LevelName   string `json:"level_name"`
	ParentCode  string `json:"parent_code"`
	Kind        string `json:"kind"`
	KindName    string `json:"kind_name"`
	HasChildren bool   `json:"has_children"`
	Path        string `json:"path,omitempty"`
}

// LevelName names a level the way clerks say it. For towns and villages the
// statistics code tells which: 乡级 001–099 街道, 100–199 镇, 200–399 乡;
// 村级 001–199 居委会 (社区), 200–399 村委会 (村).
func LevelName(level int, code string) string {
	switch level {
	case LevelProvince:
		return "省"
	case LevelPrefecture:
		return "市"
	case LevelCounty:
		return "县（区）"
	case LevelTown:
		if len(code) == 9 {
			switch n := atoi(code[6:9]); {
			case n >= 1 && n <= 99:
				return "街道"
			case n >= 100 && n <= 199:
				return "镇"
			case n >= 200 && n <= 399:
				return "乡"
			}
		}
		return "乡镇（街道）"
	case LevelVillage:
		if len(code) == 12 {
			switch n := atoi(code[9:12]); {
			case n >= 1 && n <= 199:
				return "社区"
			case n >= 200 && n <= 399:
				return "村"
			}
		}
		return "村（社区）"
	case LevelArea:
		return "片区"
	}
	return ""
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// Service manages regions.
type Service struct {
	DB    *store.DB
	Audit *audit.Logger
	Now   func() time.Time
}

// SettingJurisdiction is the settings key holding the jurisdiction code.
const SettingJurisdiction = "jurisdiction"

// Jurisdiction returns the configured jurisdiction code ("" if not initialised).
func (s *Service) Jurisdiction(ctx context.Context) (string, error) {
	var v string
	err := s.DB.QueryRow(ctx, s.DB, `SELECT value FROM settings WHERE key = ?`, SettingJurisdiction).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// Init sets the jurisdiction and loads its divisions (with its ancestors, for
// full names). Running it again with the same code is a no-op; a different
// code is refused.
func (s *Service) Init(ctx context.Context, code string) (loaded int, err error) {
	norm, err := divisions.Normalize(strings.TrimSpace(code))
	if err != nil {
		return 0, apperr.InvalidField("jurisdiction", "行政区划代码无效："+code)
	}
	d, ok := divisions.Lookup(norm)
	if !ok {
		return 0, apperr.InvalidField("jurisdiction", "找不到行政区划代码 "+code)
	}
	if d.Level > divisions.County {
		return 0, apperr.InvalidField("jurisdiction", "辖区应为县级、地级或省级区划，"+d.Name+"是乡镇（街道）或村级")
	}
	cur, err := s.Jurisdiction(ctx)
	if err != nil {
		return 0, err
	}
	if cur != "" {
		if cur == norm {
			return 0, nil
		}
		return 0, apperr.Conflict(fmt.Sprintf("本数据目录已初始化为辖区 %s，不能改为 %s", cur, norm))
	}
	var rows []divisions.Division
	rows = append(rows, divisions.Ancestors(norm)...)
	if err := divisions.Subtree(norm, func(d divisions.Division) error {
		rows = append(rows, d)
		return nil
	}); err != nil {
		return 0, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		now := store.FormatTime(s.Now())
		const batch = 200
		for i := 0; i < len(rows); i += batch {
			end := min(i+batch, len(rows))
			var sb strings.Builder
			sb.WriteString(`INSERT INTO regions (code, parent_code, name, level, kind, created_at, updated_at) VALUES `)
			args := make([]any, 0, (end-i)*6)
			for j, r := range rows[i:end] {
				if j > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString("(?, ?, ?, ?, '', ?, ?)")
				var parent any
				if r.Parent != "" {
					parent = r.Parent
				}
				args = append(args, r.Code, parent, r.Name, int(r.Level), now, now)
			}
			if _, err := s.DB.Exec(ctx, tx, sb.String(), args...); err != nil {
				return fmt.Errorf("载入区划失败：%w", err)
			}
		}
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?)`, SettingJurisdiction, norm); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "region_init", Entity: "region", EntityID: norm,
			Note: fmt.Sprintf("辖区 %s %s，载入 %d 个区划（%d 年统计用区划代码）", norm, d.Name, len(rows), divisions.DataYear)})
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

func readScope(ctx context.Context) (actor.Actor, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return a, apperr.Unauthenticated("")
	}
	return a, nil
}

const regionCols = `r.code, r.name, r.level, COALESCE(r.parent_code, ''), r.kind,
	EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = r.code)`

func scanRegion(row interface{ Scan(...any) error }) (Region, error) {
	var r Region
	var level int
	if err := row.Scan(&r.Code, &r.Name, &level, &r.ParentCode, &r.Kind, &r.HasChildren); err != nil {
		return r, err
	}
	r.Level = levelCodes[level]
	r.LevelName = LevelName(level, r.Code)
	r.KindName = areaKindName(r.Kind)
	return r, nil
}

// Get returns one region inside the caller's scope.
func (s *Service) Get(ctx context.Context, code string) (Region, error) {
	ctx = store.WithOp(ctx, "region.Get")
	a, err := readScope(ctx)
	if err != nil {
		return Region{}, err
	}
	return s.get(ctx, s.DB, a, code)
}

func (s *Service) get(ctx context.Context, q store.Querier, a actor.Actor, code string) (Region, error) {
	code = normalizeInput(code)
	if !a.InScope(code) {
		return Region{}, apperr.NotFound("区划")
	}
	r, err := scanRegion(s.DB.QueryRow(ctx, q, `SELECT `+regionCols+` FROM regions r WHERE r.code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound("区划")
	}
	return r, err
}

// normalizeInput accepts the 12-digit and zero-padded forms for administrative codes.
func normalizeInput(code string) string {
	code = strings.TrimSpace(code)
	if strings.ContainsRune(code, 'A') {
		return code
	}
	if n, err := divisions.Normalize(code); err == nil {
		return n
	}
	return code
}

// ScopeRoot returns the region at the root of the caller's scope.
func (s *Service) ScopeRoot(ctx context.Context) (Region, error) {
	a, err := readScope(ctx)
	if err != nil {
		return Region{}, err
	}
	return s.get(ctx, s.DB, a, a.Scope)
}

// ScopeName implements auth.ScopeResolver: the name of a region of the
// jurisdiction, or an error.
func (s *Service) ScopeName(ctx context.Context, code string) (string, error) {
	j, err := s.Jurisdiction(ctx)
	if err != nil {
		return "", err
	}
	if j == "" || !strings.HasPrefix(code, j) {
		return "", apperr.NotFound("区划")
	}
	var name string
	err = s.DB.QueryRow(ctx, s.DB, `SELECT name FROM regions WHERE code = ?`, code).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.NotFound("区划")
	}
	return name, err
}

// Children lists the children of a region inside the caller's scope.
func (s *Service) Children(ctx context.Context, code string) ([]Region, error) {
	a, err := readScope(ctx)
	if err != nil {
		return nil, err
	}
	parent, err := s.get(ctx, s.DB, a, code)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT `+regionCols+` FROM regions r WHERE r.parent_code = ? ORDER BY r.level, r.code`, parent.Code)
	if err != nil {
		return nil, err
	}
	return collect(rows)
}

func collect(rows *sql.Rows) ([]Region, error) {
	defer rows.Close()
	out := []Region{}
	for rows.Next() {
		r, err := scanRegion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Search finds regions by name (or code prefix) inside the caller's scope.
func (s *Service) Search(ctx context.Context, q string, page, size int) ([]Region, store.Total, error) {
	ctx = store.WithOp(ctx, "region.Search")
	a, err := readScope(ctx)
	if err != nil {
		return nil, store.Total{}, err
	}
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > 50 {
		return nil, store.Total{}, apperr.InvalidField("q", "搜索词不能超过 50 个字")
	}
	rc, args := store.PrefixRange("r.code", a.Scope)
	where := "WHERE " + rc
	if a.System {
		where = "WHERE 1=1"
		args = nil
	}
	if q != "" {
		where += ` AND (r.name LIKE ? ESCAPE '\' OR r.code LIKE ? ESCAPE '\')`
		args = append(args, "%"+store.LikeEscape(q)+"%", store.LikeEscape(q)+"%")
	}
	page, size = store.ClampPage(page, size, 200)
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: regionCols, From: "FROM regions r", Cond: strings.TrimPrefix(where, "WHERE "), Args: args,
		Order: "r.level, r.code"}, store.Page{Number: page, Size: size}, scanRegion)
	if err != nil {
		return nil, store.Total{}, err
	}
	for i := range out {
		out[i].Path, _ = s.path(ctx, a, out[i].Code)
	}
	return out, total, nil
}

// path returns the names from the caller's scope root down to code.
func (s *Service) path(ctx context.Context, a actor.Actor, code string) (string, error) {
	var names []string
	for c := code; c != ""; {
		var name string
		var parent sql.NullString
		if err := s.DB.QueryRow(ctx, s.DB, `SELECT name, parent_code FROM regions WHERE code = ?`, c).Scan(&name, &parent); err != nil {
			return "", err
		}
		names = append(names, name)
		if c == a.Scope || !parent.Valid || !a.InScope(parent.String) {
			break
		}
		c = parent.String
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return strings.Join(names, "/"), nil
}

// FullName returns the names from the province down to code, joined.
func (s *Service) FullName(ctx context.Context, code string) (string, error) {
	return s.path(ctx, actor.Actor{System: true}, code)
}

// Stats counts what lies beneath a region.
type Stats struct {
	Counts   map[string]int `json:"counts"`
	Children []ChildStats   `json:"children"`
}

// ChildStats counts beneath one child.
type ChildStats struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Villages int    `json:"villages"`
	Areas    int    `json:"areas"`
}

// Stats returns counts by level beneath code and per child.
func (s *Service) Stats(ctx context.Context, code string) (Stats, error) {
	a, err := readScope(ctx)
	if err != nil {
		return Stats{}, err
	}
	r, err := s.get(ctx, s.DB, a, code)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Counts: map[string]int{}, Children: []ChildStats{}}
	rc, ra := store.PrefixRange("code", r.Code)
	rows, err := s.DB.Query(ctx, s.DB, `SELECT level, COUNT(*) FROM regions WHERE `+rc+` AND code <> ? GROUP BY level`, append(ra, r.Code)...)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var level, n int
		if err := rows.Scan(&level, &n); err != nil {
			return st, err
		}
		st.Counts[levelCodes[level]] = n
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	kids, err := s.DB.Query(ctx, s.DB, `SELECT c.code, c.name,
		(SELECT COUNT(*) FROM regions v WHERE v.code LIKE c.code || '%' AND v.level = 5),
		(SELECT COUNT(*) FROM regions v WHERE v.code LIKE c.code || '%' AND v.level = 6)
		FROM regions c WHERE c.parent_code = ? ORDER BY c.code`, r.Code)
	if err != nil {
		return st, err
	}
	defer kids.Close()
	for kids.Next() {
		var c ChildStats
		if err := kids.Scan(&c.Code, &c.Name, &c.Villages, &c.Areas); err != nil {
			return st, err
		}
		st.Children = append(st.Children, c)
	}
	return st, kids.Err()
}

// TreeNode is a region with its children loaded to some depth.
type TreeNode struct {
	Region
	Children []TreeNode `json:"children,omitempty"`
}

// Tree returns code and its descendants down to depth levels (0 = the node only).
func (s *Service) Tree(ctx context.Context, code string, depth int) (TreeNode, error) {
	a, err := readScope(ctx)
	if err != nil {
		return TreeNode{}, err
	}
	root, err := s.get(ctx, s.DB, a, code)
	if err != nil {
		return TreeNode{}, err
	}
	node := TreeNode{Region: root}
	if depth == 0 || !root.HasChildren {
		return node, nil
	}
	kids, err := s.Children(ctx, root.Code)
	if err != nil {
		return node, err
	}
	for _, k := range kids {
		child, err := s.Tree(ctx, k.Code, depth-1)
		if err != nil {
			return node, err
		}
		node.Children = append(node.Children, child)
	}
	return node, nil
}
