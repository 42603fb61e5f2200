package instructor

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

// Columns of the instructor template: one row per assignment (an instructor
// with no assignment has one row with the 联系单位 left empty). The export
// writes the same headers.
const (
	ColName     = "指导员姓名"
	ColPhone    = "联系电话"
	ColUnit     = "工作单位"
	ColFullTime = "专职/兼职"
	ColLevel    = "级别"
	ColRegion   = "所属街道（乡镇）"
	ColOrg      = "联系单位"
	ColFrom     = "联系开始日期"
	ColTo       = "联系结束日期"
)

// importSheet declares the instructor sheet for the import driver.
var importSheet = sheetimport.Sheet{
	Name: "党建指导员",
	Columns: []sheetimport.Column{
		{Header: ColName, Synonyms: []string{"姓名", "党建指导员"}, Required: true, Width: 14, Comment: "必填。同名指导员以联系电话或工作单位区分"},
		{Header: ColPhone, Synonyms: []string{"手机号", "电话"}, Width: 16, Comment: "11 位手机号；带 * 的号码（如 138****5678）不改变已存的号码"},
		{Header: ColUnit, Synonyms: []string{"单位", "工作单位及职务"}, Width: 30},
		{Header: ColFullTime, Synonyms: []string{"专兼职", "类型"}, Width: 10, List: []string{"专职", "兼职"}, Comment: "填“专职”或“兼职”，不填视为兼职"},
		{Header: ColLevel, Synonyms: []string{"指导员级别"}, Width: 10},
		{Header: ColRegion, Synonyms: []string{"所属街道", "所属乡镇", "所属区划"}, Width: 16},
		{Header: ColOrg, Synonyms: []string{"联系的两新组织", "指导单位", "联系单位（统一社会信用代码或单位名称）"}, Width: 36, Comment: "统一社会信用代码或单位名称；每个联系单位一行"},
		{Header: ColFrom, Synonyms: []string{"开始日期", "联系日期"}, Width: 14, Comment: "填写联系单位时必填，如 2022-03-15"},
		{Header: ColTo, Synonyms: []string{"结束日期"}, Width: 14},
	},
	AuditAction: "instructor_import",
	AuditEntity: "instructor",
}

// ImportHeaders is the header row of the template and the export.
func ImportHeaders() []string { return importSheet.Headers() }

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column { return importSheet.ReaderColumns() }

// ExportWidths are the column widths of the template and the export.
var ExportWidths = []float64{14, 16, 30, 10, 10, 16, 36, 14, 14}

// ImportTemplate writes the template.
func ImportTemplate(w io.Writer) error { return importSheet.Template(w) }

// ImportResult counts what an import wrote: instructors and assignments together.
type ImportResult = sheetimport.Result

var fieldColumn = map[string]string{"name": ColName, "phone": ColPhone, "unit": ColUnit, "level": ColLevel,
	"region_code": ColRegion, "organization_id": ColOrg, "from": ColFrom, "to": ColTo, "on": ColTo}

func squeeze(s string) string { return strings.ReplaceAll(xlsx.NormalizeText(s), " ", "") }

// rowCommand is one row of the sheet: an instructor and perhaps an assignment.
type rowCommand struct {
	in       Input
	name     string
	phone    string
	masked   bool
	unit     string
	orgID    int64
	from, to string
}

// mapRow reads one row; units and regions resolve the unit and street cells.
func mapRow(x xlsx.Row, c *sheetimport.Cells, units *org.Index, regions *region.NameIndex) rowCommand {
	var cmd rowCommand
	cmd.name = x.Get(ColName).Name()
	cmd.phone = NormalizePhone(x.Get(ColPhone).Raw)
	cmd.masked = strings.Contains(cmd.phone, "*")
	cmd.unit = x.Get(ColUnit).Name()
	in := &cmd.in
	in.Name = &cmd.name
	if !cmd.masked {
		in.Phone = &cmd.phone
	}
	in.Unit = &cmd.unit
	switch t := squeeze(x.Get(ColFullTime).Text()); t {
	case "专职", "是":
		v := true
		in.FullTime = &v
	case "兼职", "否", "":
		v := false
		in.FullTime = &v
	default:
		c.Bad(ColFullTime, "应填写“专职”或“兼职”")
	}
	level := x.Get(ColLevel).Name()
	in.Level = &level
	if t := squeeze(x.Get(ColRegion).Text()); t != "" {
		code, msg := regions.Resolve(t)
		if msg != "" {
			c.Bad(ColRegion, msg)
		}
		in.RegionCode = &code
	}
	if u := x.Get(ColOrg).Text(); u != "" {
		id, msg := units.Lookup(u)
		if msg != "" {
			c.Bad(ColOrg, msg)
		}
		cmd.orgID = id
	}
	var fok, tok bool
	cmd.from, fok = x.Get(ColFrom).Day()
	cmd.to, tok = x.Get(ColTo).Day()
	if !fok {
		c.Bad(ColFrom, xlsx.DateHint)
	}
	if !tok {
		c.Bad(ColTo, xlsx.DateHint)
	}
	if cmd.orgID != 0 && cmd.from == "" && fok {
		c.Bad(ColFrom, "请填写联系开始日期")
	}
	if cmd.orgID == 0 && c.OK() && (cmd.from != "" || cmd.to != "") {
		c.Bad(ColOrg, "填写了联系日期，请填写联系单位")
	}
	return cmd
}

// refused records a service's refusal of a row: a conflict goes to the
// unit column, any other refusal to its field's column.
func refused(c *sheetimport.Cells, err error) error {
	fallback := ColName
	if apperr.IsKind(err, apperr.KindConflict) {
		fallback = ColOrg
	}
	return c.Refused(err, fieldColumn, fallback)
}

// Import reads instructors and their assignments and writes them all or
// nothing, through the same rules as the screens. An instructor is matched
// by name inside the caller's scope (and by 工作单位 or a full phone number
// when two share a name); a masked phone (138****5678, as the export writes
// it) leaves the stored number as it is. An assignment is matched by unit
// and 开始日期: a new one is added, and a given 结束日期 ends an open one.
// Re-importing a file changes nothing.
func (s *Service) Import(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	var (
		units    *org.Index
		regions  *region.NameIndex
		existing = map[string][]Instructor{}
		// written holds the instructors this import has written, by file key.
		written = map[string]int64{}
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
			list, total, err := s.List(ctx, "", page, 500)
			if err != nil {
				return err
			}
			for _, in := range list {
				existing[squeeze(in.Name)] = append(existing[squeeze(in.Name)], in)
			}
			if page*500 >= total.Ceiling() || len(list) == 0 {
				return nil
			}
		}
	}
	write := func(ctx context.Context, tx *sql.Tx, cmd rowCommand, c *sheetimport.Cells) (sheetimport.Result, error) {
		var did sheetimport.Result
		key := squeeze(cmd.name) + "|" + squeeze(cmd.unit)
		if !cmd.masked && cmd.phone != "" {
			key = squeeze(cmd.name) + "|" + cmd.phone
		}
		id, seen := written[key]
		if !seen {
			var err error
			var ch sheetimport.Result
			id, ch, err = s.importInstructor(ctx, tx, cmd, existing[squeeze(cmd.name)], c)
			if err != nil || !c.OK() {
				return did, err
			}
			did.Add(ch)
			written[key] = id
		}
		if cmd.orgID == 0 {
			return did, nil
		}
		ch, err := s.importAssignment(ctx, tx, id, cmd, c)
		did.Add(ch)
		return did, err
	}
	return sheetimport.Run(ctx, sheetimport.Env{DB: s.DB, Audit: s.Audit}, sheetimport.Import[rowCommand]{
		Sheet:   importSheet,
		Prepare: prepare,
		Map: func(x xlsx.Row, c *sheetimport.Cells) rowCommand {
			return mapRow(x, c, units, regions)
		},
		Write: write,
	}, ra, size, limits, progress)
}

// importInstructor writes the row's instructor: the one of cands it
// matches (updated when the row changes it), or a new one.
func (s *Service) importInstructor(ctx context.Context, tx *sql.Tx, cmd rowCommand, cands []Instructor, c *sheetimport.Cells) (int64, sheetimport.Result, error) {
	if len(cands) > 1 {
		var narrowed []Instructor
		for _, x := range cands {
			if (!cmd.masked && s.phoneIs(x, cmd.phone)) || (cmd.unit != "" && x.Unit == cmd.unit) {
				narrowed = append(narrowed, x)
			}
		}
		cands = narrowed
	}
	switch len(cands) {
	case 0:
		out, err := s.apply(ctx, Instructor{Assignments: []Assignment{}}, cmd.in)
		if err == nil {
			err = s.insertTx(ctx, tx, &out)
		}
		if err != nil {
			return 0, sheetimport.Nothing, refused(c, err)
		}
		return out.ID, sheetimport.Created, nil
	case 1:
	default:
		c.Bad(ColName, "已有多名同名指导员，请填写完整的联系电话或工作单位加以区分")
		return 0, sheetimport.Nothing, nil
	}
	id := cands[0].ID
	before, err := s.get(ctx, tx, id)
	if err != nil {
		return 0, sheetimport.Nothing, err
	}
	after, err := s.apply(ctx, before, cmd.in)
	if err != nil {
		return 0, sheetimport.Nothing, refused(c, err)
	}
	if after.Name == before.Name && after.phoneHash == before.phoneHash && after.Unit == before.Unit && after.FullTime == before.FullTime &&
		after.Level == before.Level && after.RegionCode == before.RegionCode {
		return id, sheetimport.Unchanged, nil
	}
	if _, err := s.updateTx(ctx, tx, id, cmd.in); err != nil {
		return 0, sheetimport.Nothing, refused(c, err)
	}
	return id, sheetimport.Updated, nil
}

// importAssignment writes the row's assignment of instructor id: matched by
// unit and 开始日期, added when new, ended when the row gives a 结束日期.
func (s *Service) importAssignment(ctx context.Context, tx *sql.Tx, id int64, cmd rowCommand, c *sheetimport.Cells) (sheetimport.Result, error) {
	cur, err := s.get(ctx, tx, id)
	if err != nil {
		return sheetimport.Nothing, err
	}
	var found *Assignment
	for i, a := range cur.Assignments {
		if a.OrganizationID == cmd.orgID && a.From == cmd.from {
			found = &cur.Assignments[i]
		}
	}
	switch {
	case found == nil:
		var end any
		if cmd.to != "" {
			if cmd.to < cmd.from {
				c.Bad(ColTo, "结束日期不能早于开始日期")
				return sheetimport.Nothing, nil
			}
			end = cmd.to
		}
		if _, err := s.assignTx(ctx, tx, id, cmd.orgID, cmd.from, end); err != nil {
			return sheetimport.Nothing, refused(c, err)
		}
		return sheetimport.Created, nil
	case cmd.to == "" || (found.To != nil && *found.To == cmd.to):
		return sheetimport.Unchanged, nil
	case found.To == nil:
		if _, err := s.endAssignmentTx(ctx, tx, id, found.ID, cmd.to); err != nil {
			return sheetimport.Nothing, refused(c, err)
		}
		return sheetimport.Updated, nil
	default:
		c.Bad(ColTo, fmt.Sprintf("该联系记录已于 %s 结束，与表中结束日期不一致", *found.To))
		return sheetimport.Nothing, nil
	}
}
