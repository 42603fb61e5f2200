// Package dangtong produces the annual 党内统计 tables on 两新 (domain.md §11):
// table 24 (党组织换届), 27 (非公有制经济控制的企业法人单位建立党的基层组织情况),
// 30 (社会组织法人单位建立党的基层组织情况) and 43 (失联党员), for any region
// and any date, in the official row and column layout. Every cell is the
// list of the organizations, party organizations, instructors or members it
// counts, so it drills down; the unit counts are those of the coverage report
// (internal/coverage) for the same day and region. See docs/statistics.md.
package dangtong

import (
	"context"
	"sort"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/coverage"
	"liangxin/internal/store"
)

// Table codes.
const (
	T24 = "24"
	T27 = "27"
	T30 = "30"
	T43 = "43"
)

// Codes lists the tables in order.
func Codes() []string { return []string{T24, T27, T30, T43} }

// Titles of the tables (the official titles, 党内统计 2017).
var titles = map[string]string{
	T24: "党的基层组织换届情况（两新组织）",
	T27: "非公有制经济控制的企业法人单位建立党的基层组织情况",
	T30: "社会组织法人单位建立党的基层组织情况",
	T43: "失联党员情况",
}

// Column is a column header; consecutive columns with the same Group share a
// merged header cell above their own labels (an empty Group: the label spans
// both header rows).
type Column struct {
	No    int    `json:"no"`
	Label string `json:"label"`
	Group string `json:"group"`
}

// Row is one row: its number, label, indent level (0 top, 1 其中…, 2 under
// that) and one value per column.
type Row struct {
	No    int    `json:"no"`
	Label string `json:"label"`
	Level int    `json:"level"`
	// Sum marks a row whose cells add up a figure of the units listed (在岗职工,
	// 从业人员…) rather than count them.
	Sum   bool  `json:"sum"`
	Cells []int `json:"cells"`
}

// Table is one 党统 table for a region on a day.
type Table struct {
	Code       string   `json:"code"`
	Title      string   `json:"title"`
	RegionCode string   `json:"region_code"`
	RegionName string   `json:"region_name"`
	AsOf       string   `json:"as_of"`
	PeriodFrom string   `json:"period_from"` // 报告期 start (1 January of AsOf's year)
	ScopeRule  string   `json:"scope_rule"`  // the coverage scope rule's description
	Columns    []Column `json:"columns"`
	Rows       []Row    `json:"rows"`
	Notes      []string `json:"notes"`
}

// Item kinds of a drill-down.
const (
	ItemOrganization = "organization"
	ItemPartyOrg     = "party_org"
	ItemInstructor   = "instructor"
	ItemMember       = "member"
)

// Item is one thing a cell counts.
type Item struct {
	Kind       string `json:"kind"`
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	Detail     string `json:"detail"`
	// Value is what the item adds to a Sum row's cell (1 otherwise).
	Value int `json:"value"`
}

// Cell is a cell's drill-down: its labels, value and one page of its items.
type Cell struct {
	Table    string `json:"table"`
	Row      int    `json:"row"`
	Col      int    `json:"col"`
	RowLabel string `json:"row_label"`
	ColLabel string `json:"col_label"`
	Value    int    `json:"value"`
	Items    []Item `json:"items"`
	Total    int    `json:"total"`
	Page     int    `json:"page"`
	PageSize int    `json:"page_size"`
}

// Service computes the tables.
type Service struct {
	DB    *store.DB
	Cover *coverage.Service
	Now   func() time.Time
}

// grid is a computed table: its layout and the items of every cell.
type grid struct {
	table Table
	cells [][][]Item // [row][col]
}

func (g *grid) finish() Table {
	t := g.table
	for i := range t.Rows {
		t.Rows[i].Cells = make([]int, len(t.Columns))
		for j := range t.Columns {
			t.Rows[i].Cells[j] = value(t.Rows[i].Sum, g.cells[i][j])
		}
	}
	return t
}

func value(sum bool, items []Item) int {
	if !sum {
		return len(items)
	}
	n := 0
	for _, it := range items {
		n += it.Value
	}
	return n
}

// compute builds the grid of a table.
func (s *Service) compute(ctx context.Context, code, regionCode, asOf string) (*grid, error) {
	if _, ok := titles[code]; !ok {
		return nil, apperr.InvalidField("table", "党统表号应为 24、27、30 或 43")
	}
	sc, err := s.Cover.ScopeOf(ctx, regionCode, asOf)
	if err != nil {
		return nil, err
	}
	if sc.Region.Level == "area" {
		return nil, apperr.InvalidField("region_code", "党统报表按行政区划统计，请选择县（区）、街道（乡镇）或社区（村），不能选择片区")
	}
	g := &grid{table: Table{Code: code, Title: titles[code], RegionCode: sc.Region.Code, RegionName: sc.Region.Name,
		AsOf: sc.Day, PeriodFrom: sc.Day[:4] + "-01-01", ScopeRule: sc.Rule.Description, Notes: []string{}}}
	switch code {
	case T27, T30:
		err = s.units(ctx, g, sc, code)
	case T24:
		err = s.renewals(ctx, g, sc)
	case T43:
		err = s.lost(ctx, g, sc)
	}
	if err != nil {
		return nil, err
	}
	for i := range g.table.Columns {
		g.table.Columns[i].No = i + 1
	}
	for i := range g.table.Rows {
		g.table.Rows[i].No = i + 1
	}
	return g, nil
}

// Get returns a table for a region (default: the caller's scope) on a day
// (default: today).
func (s *Service) Get(ctx context.Context, code, regionCode, asOf string) (Table, error) {
	ctx = store.WithOp(ctx, "dangtong.Get")
	g, err := s.compute(ctx, code, regionCode, asOf)
	if err != nil {
		return Table{}, err
	}
	return g.finish(), nil
}

// Cell returns one page of what a cell (row and column numbered from 1) counts.
func (s *Service) Cell(ctx context.Context, code, regionCode, asOf string, row, col, page, size int) (Cell, error) {
	ctx = store.WithOp(ctx, "dangtong.Cell")
	g, err := s.compute(ctx, code, regionCode, asOf)
	if err != nil {
		return Cell{}, err
	}
	if row < 1 || row > len(g.table.Rows) {
		return Cell{}, apperr.NotFound("表格行")
	}
	if col < 1 || col > len(g.table.Columns) {
		return Cell{}, apperr.NotFound("表格列")
	}
	page, size = store.ClampPage(page, size, 500)
	items := g.cells[row-1][col-1]
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].RegionCode != items[j].RegionCode {
			return items[i].RegionCode < items[j].RegionCode
		}
		if items[i].Name != items[j].Name {
			return items[i].Name < items[j].Name
		}
		return items[i].ID < items[j].ID
	})
	r, c := g.table.Rows[row-1], g.table.Columns[col-1]
	colLabel := c.Label
	if c.Group != "" {
		colLabel = c.Group + "·" + c.Label
	}
	out := Cell{Table: code, Row: row, Col: col, RowLabel: r.Label, ColLabel: colLabel, Value: value(r.Sum, items),
		Total: len(items), Page: page, PageSize: size, Items: []Item{}}
	if from := (page - 1) * size; from < len(items) {
		out.Items = append(out.Items, items[from:min(from+size, len(items))]...)
	}
	return out, nil
}

// newCells makes the empty cells of rows × cols.
func newCells(rows, cols int) [][][]Item {
	c := make([][][]Item, rows)
	for i := range c {
		c[i] = make([][]Item, cols)
		for j := range c[i] {
			c[i][j] = []Item{}
		}
	}
	return c
}
