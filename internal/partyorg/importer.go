package partyorg

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/org"
	"liangxin/internal/region"
	"liangxin/internal/sheetimport"
	"liangxin/internal/xlsx"
)

// Columns of the party-organization template; the export writes the same
// headers, so an exported file imports as it is.
const (
	ColName        = "党组织名称"
	ColKind        = "组织类别"
	ColFormation   = "组建方式"
	ColParent      = "上级党组织"
	ColRegion      = "所属街道（乡镇）"
	ColEstablished = "成立日期"
	ColTerm        = "本届开始日期"
	ColTermDue     = "换届到期日"
	ColDissolved   = "撤销日期"
	ColCovers      = "覆盖单位（统一社会信用代码或单位名称，多个用、分隔）"
)

// importSheet declares the party-organization sheet for the import driver.
var importSheet = sheetimport.Sheet{
	Name: "党组织",
	Columns: []sheetimport.Column{
		{Header: ColName, Synonyms: []string{"党组织全称", "名称"}, Required: true, Width: 36},
		{Header: ColKind, Synonyms: []string{"类别", "党组织类别"}, Required: true, Width: 10},
		{Header: ColFormation, Synonyms: []string{"组建形式"}, Required: true, Width: 12},
		{Header: ColParent, Synonyms: []string{"隶属党组织", "上级党组织名称"}, Width: 30},
		{Header: ColRegion, Synonyms: []string{"所属区划", "所属街道", "所属乡镇"}, Width: 16},
		{Header: ColEstablished, Synonyms: []string{"成立时间"}, Required: true, Width: 12},
		{Header: ColTerm, Synonyms: []string{"本届任期开始日期", "换届日期"}, Width: 12},
		{Header: ColTermDue, Width: 12},
		{Header: ColDissolved, Synonyms: []string{"撤销时间"}, Width: 12},
		{Header: ColCovers, Synonyms: []string{"覆盖单位", "所覆盖单位", "覆盖的两新组织"}, Width: 60},
	},
	AuditAction: "party_org_import",
	AuditEntity: "party_org",
}

// ImportHeaders is the header row of the template and the export.
func ImportHeaders() []string { return importSheet.Headers() }

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column { return importSheet.ReaderColumns() }

// ImportTemplate writes the template.
func ImportTemplate(w io.Writer) error { return importSheet.Template(w) }

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

// fieldColumn maps a field of the service's errors to its column.
var fieldColumn = map[string]string{"name": ColName, "kind": ColKind, "formation": ColFormation, "parent_id": ColParent,
	"region_code": ColRegion, "established_on": ColEstablished, "term_started_on": ColTerm, "on": ColDissolved,
	"covers": ColCovers, "organization_id": ColCovers, "from": ColCovers}

// importRow is one parsed row.
type importRow struct {
	n          int
	in         Input
	parentName string
	dissolved  string
	coverIDs   []int64
	existing   *PartyOrg
	pending    *PartyOrg // stand-in for a new row, its ID set once written
	parentRow  *importRow
	resolved   bool
}

func squeeze(s string) string { return strings.ReplaceAll(xlsx.NormalizeText(s), " ", "") }

// splitList splits a cell listing several names.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == '\n'
	})
}

func codeByName(list []Code, text string) (string, bool) {
	t := squeeze(text)
	for _, c := range list {
		if t == c.Name || t == c.Code {
			return c.Code, true
		}
	}
	// Shorter spellings: 支部 for 党支部, 单独 for 单独组建.
	for _, c := range list {
		if t != "" && (strings.HasPrefix(c.Name, t) || strings.HasSuffix(c.Name, t)) {
			return c.Code, true
		}
	}
	return "", false
}

// Import reads party organizations with the units they cover and writes
// them all or nothing, each through the same rules as one entered by hand.
// A row is matched to an existing party organization of the caller's scope
// by its name: then only the 上级党组织, 本届开始日期, added 覆盖单位 and the
// 撤销日期 may change (a unit left out is not dropped: ending a link is done
// on the screen, with its day). 上级党组织 may name a row of the same file,
// above or below: every row is read (and the parents checked) before any is
// written, parents first. Re-importing a file changes nothing.
func (s *Service) Import(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	var (
		units    *org.Index
		regions  *region.NameIndex
		existing = map[string][]PartyOrg{}
		rows     []*importRow
		byName   = map[string]*importRow{}
	)
	prepare := func(ctx context.Context) error {
		var err error
		if units, err = s.Orgs.Index(ctx); err != nil {
			return err
		}
		if regions, err = s.Regions.NameIndex(ctx); err != nil {
			return err
		}
		for page := 1; ; page++ {
			list, total, err := s.List(ctx, Filter{Page: page, PageSize: 500})
			if err != nil {
				return err
			}
			for _, p := range list {
				existing[squeeze(p.Name)] = append(existing[squeeze(p.Name)], p)
			}
			if page*500 >= total.Ceiling() || len(list) == 0 {
				return nil
			}
		}
	}
	mapRow := func(x xlsx.Row, c *sheetimport.Cells) *importRow {
		row := &importRow{n: x.Number}
		row.in.Name = x.Get(ColName).Name()
		key := squeeze(row.in.Name)
		if key == "" {
			c.Bad(ColName, "请填写党组织全称")
			return row
		}
		if prev := byName[key]; prev != nil {
			c.Bad(ColName, fmt.Sprintf("与第 %d 行的党组织重名", prev.n))
			return row
		}
		byName[key] = row
		ok := true
		if row.in.Kind, ok = codeByName(Kinds(), x.Get(ColKind).Text()); !ok {
			c.Bad(ColKind, "组织类别应为党委、党总支、党支部或党小组")
		}
		if row.in.Formation, ok = codeByName(Formations(), x.Get(ColFormation).Text()); !ok {
			c.Bad(ColFormation, "组建方式应为单独组建、联合组建、区域组建或行业组建")
		}
		if row.in.EstablishedOn, ok = x.Get(ColEstablished).Day(); !ok {
			c.Bad(ColEstablished, xlsx.DateHint)
		} else if row.in.EstablishedOn == "" {
			c.Bad(ColEstablished, "请填写成立日期")
		}
		if row.in.TermStartedOn, ok = x.Get(ColTerm).Day(); !ok {
			c.Bad(ColTerm, xlsx.DateHint)
		}
		if row.dissolved, ok = x.Get(ColDissolved).Day(); !ok {
			c.Bad(ColDissolved, xlsx.DateHint)
		}
		if t := x.Get(ColRegion).Text(); t != "" {
			code, msg := regions.Resolve(t)
			if msg != "" {
				c.Bad(ColRegion, msg)
			}
			row.in.RegionCode = code
		}
		row.parentName = squeeze(x.Get(ColParent).Name())
		for _, u := range splitList(x.Get(ColCovers).Text()) {
			if xlsx.IsBlank(u) {
				continue
			}
			id, msg := units.Lookup(u)
			if msg != "" {
				c.Bad(ColCovers, msg)
				continue
			}
			row.coverIDs = append(row.coverIDs, id)
		}
		switch list := existing[key]; len(list) {
		case 0:
		case 1:
			row.existing = &list[0]
		default:
			c.Bad(ColName, "已有多个同名党组织，无法对应")
		}
		rows = append(rows, row)
		return row
	}
	// Parents: an existing party organization, or a row of this file.
	check := func(ctx context.Context, bad func(row int, column, message string)) error {
		for _, row := range rows {
			if row.parentName == "" {
				continue
			}
			if p := byName[row.parentName]; p != nil {
				if p == row {
					bad(row.n, ColParent, "上级党组织不能是自己")
					continue
				}
				row.parentRow = p
				continue
			}
			switch list := existing[row.parentName]; len(list) {
			case 1:
				id := list[0].ID
				row.in.ParentID = &id
			case 0:
				bad(row.n, ColParent, "上级党组织「"+row.parentName+"」不存在或不在您的管辖范围内")
			default:
				bad(row.n, ColParent, "有多个名为「"+row.parentName+"」的党组织，无法对应")
			}
		}
		return nil
	}
	return sheetimport.Run(ctx, sheetimport.Env{DB: s.DB, Audit: s.Audit}, sheetimport.Import[*importRow]{
		Sheet:   importSheet,
		Prepare: prepare,
		Map:     mapRow,
		Check:   check,
		Batch: func(ctx context.Context, tx *sql.Tx, good []sheetimport.Mapped[*importRow], bad func(row int, column, message string)) (sheetimport.Result, error) {
			return s.importRows(ctx, tx, good, bad)
		},
	}, ra, size, limits, progress)
}

// importRows writes every row of the file (all of them good), parents
// before children; a cycle inside the file is reported.
func (s *Service) importRows(ctx context.Context, tx *sql.Tx, rows []sheetimport.Mapped[*importRow], bad func(row int, column, message string)) (ImportResult, error) {
	var res ImportResult
	var write func(row *importRow, depth int) error
	write = func(row *importRow, depth int) error {
		if row.resolved {
			return nil
		}
		row.resolved = true
		if depth > 100 {
			bad(row.n, ColParent, "上级党组织关系成环")
			return nil
		}
		if p := row.parentRow; p != nil {
			if err := write(p, depth+1); err != nil {
				return err
			}
			switch {
			case p.existing != nil:
				id := p.existing.ID
				row.in.ParentID = &id
			case p.pending != nil:
				id := p.pending.ID
				row.in.ParentID = &id
			default:
				bad(row.n, ColParent, "上级党组织「"+p.in.Name+"」所在行有错误")
				return nil
			}
		}
		var err error
		if row.existing == nil {
			err = s.importNew(ctx, tx, row)
		} else {
			err = s.importExisting(ctx, tx, row, &res)
		}
		if err != nil {
			cells, ok := xlsx.ServiceCells(row.n, err, fieldColumn, ColName)
			if !ok {
				return err
			}
			for _, c := range cells {
				bad(c.Row, c.Column, c.Message)
			}
			return nil
		}
		if row.existing == nil {
			res.Created++
		}
		return nil
	}
	for _, m := range rows {
		if err := write(m.Cmd, 0); err != nil {
			return res, err
		}
	}
	return res, nil
}

// importNew creates the party organization of a row (and dissolves it when
// the row gives a 撤销日期).
func (s *Service) importNew(ctx context.Context, tx *sql.Tx, row *importRow) error {
	row.in.Covers = row.coverIDs
	pl, err := s.prepareTx(ctx, tx, row.in)
	if err != nil {
		return err
	}
	out, err := s.insertTx(ctx, tx, pl)
	if err != nil {
		return err
	}
	row.pending = &out
	if row.dissolved != "" {
		if _, err := s.dissolveTx(ctx, tx, out.ID, row.dissolved); err != nil {
			return err
		}
	}
	return nil
}

// importExisting applies the changes a row may bring to an existing party organization.
func (s *Service) importExisting(ctx context.Context, tx *sql.Tx, row *importRow, res *ImportResult) error {
	cur := *row.existing
	var fixed []string
	if row.in.Kind != "" && row.in.Kind != cur.Kind {
		fixed = append(fixed, ColKind)
	}
	if row.in.Formation != "" && row.in.Formation != cur.Formation {
		fixed = append(fixed, ColFormation)
	}
	if row.in.EstablishedOn != "" && row.in.EstablishedOn != cur.EstablishedOn {
		fixed = append(fixed, ColEstablished)
	}
	if len(fixed) > 0 {
		return apperr.InvalidField(colField(fixed[0]), "已有党组织「"+cur.Name+"」的"+fixed[0]+"与表中不一致：组织类别、组建方式和成立日期不能通过导入修改")
	}
	changed := false
	var p Patch
	if row.in.ParentID != nil && (cur.ParentID == nil || *cur.ParentID != *row.in.ParentID) {
		p.ParentID = row.in.ParentID
	}
	if row.in.TermStartedOn != "" && row.in.TermStartedOn != cur.TermStartedOn {
		p.TermStartedOn = &row.in.TermStartedOn
	}
	if p.ParentID != nil || p.TermStartedOn != nil {
		if _, err := s.updateTx(ctx, tx, cur.ID, p); err != nil {
			return err
		}
		changed = true
	}
	covered := map[int64]bool{}
	for _, c := range cur.Covers {
		// A dissolved one is listed with the units it covered until the end.
		if c.To == nil || (cur.DissolvedOn != nil && *c.To == *cur.DissolvedOn) {
			covered[c.OrganizationID] = true
		}
	}
	for _, id := range row.coverIDs {
		if covered[id] {
			continue
		}
		if cur.DissolvedOn != nil {
			return apperr.InvalidField("covers", "该党组织已于 "+*cur.DissolvedOn+" 撤销，不能新增覆盖单位")
		}
		covered[id] = true
		from := s.today()
		if cur.EstablishedOn > from {
			from = cur.EstablishedOn
		}
		if _, err := s.addCoverTx(ctx, tx, cur.ID, id, from); err != nil {
			return err
		}
		changed = true
	}
	if row.dissolved != "" {
		if cur.DissolvedOn == nil {
			if _, err := s.dissolveTx(ctx, tx, cur.ID, row.dissolved); err != nil {
				return err
			}
			changed = true
		} else if *cur.DissolvedOn != row.dissolved {
			return apperr.InvalidField("on", "该党组织已于 "+*cur.DissolvedOn+" 撤销，与表中撤销日期不一致")
		}
	}
	if changed {
		res.Updated++
	} else {
		res.Unchanged++
	}
	return nil
}

func colField(col string) string {
	for f, c := range fieldColumn {
		if c == col && f != "organization_id" && f != "from" {
			return f
		}
	}
	return "name"
}

// prepareTx is prepare with the parent read inside the import's
// transaction (it may have been written by a row above).
func (s *Service) prepareTx(ctx context.Context, tx *sql.Tx, in Input) (plan, error) {
	var parent *PartyOrg
	if in.ParentID != nil {
		p, err := s.get(ctx, tx, *in.ParentID)
		if err != nil {
			return plan{}, apperr.InvalidField("parent_id", "上级党组织不存在或不在您的管辖范围内")
		}
		if p.DissolvedOn != nil && *p.DissolvedOn <= in.EstablishedOn {
			return plan{}, apperr.InvalidField("parent_id", "上级党组织已撤销")
		}
		parent = &p
	}
	return s.prepare(ctx, in, parent)
}
