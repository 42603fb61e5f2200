package instructor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
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

// ImportHeaders is the header row of the template and the export.
func ImportHeaders() []string {
	return []string{ColName, ColPhone, ColUnit, ColFullTime, ColLevel, ColRegion, ColOrg, ColFrom, ColTo}
}

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column {
	return []xlsx.Column{
		{Name: ColName, Aliases: []string{"姓名", "党建指导员"}},
		{Name: ColPhone, Aliases: []string{"手机号", "电话"}, Optional: true},
		{Name: ColUnit, Aliases: []string{"单位", "工作单位及职务"}, Optional: true},
		{Name: ColFullTime, Aliases: []string{"专兼职", "类型"}, Optional: true},
		{Name: ColLevel, Aliases: []string{"指导员级别"}, Optional: true},
		{Name: ColRegion, Aliases: []string{"所属街道", "所属乡镇", "所属区划"}, Optional: true},
		{Name: ColOrg, Aliases: []string{"联系的两新组织", "指导单位", "联系单位（统一社会信用代码或单位名称）"}, Optional: true},
		{Name: ColFrom, Aliases: []string{"开始日期", "联系日期"}, Optional: true},
		{Name: ColTo, Aliases: []string{"结束日期"}, Optional: true},
	}
}

// ExportWidths are the column widths of the template and the export.
var ExportWidths = []float64{14, 16, 30, 10, 10, 16, 36, 14, 14}

// ImportTemplate writes the template (the header row).
func ImportTemplate(w io.Writer) error {
	xw, err := xlsx.NewWriter("党建指导员", ImportHeaders(), ExportWidths)
	if err != nil {
		return err
	}
	return xw.Finish(w)
}

// ImportResult counts what an import wrote: instructors and assignments together.
type ImportResult struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

var errRejected = errors.New("import rejected")

var fieldColumn = map[string]string{"name": ColName, "phone": ColPhone, "unit": ColUnit, "level": ColLevel,
	"region_code": ColRegion, "organization_id": ColOrg, "from": ColFrom, "to": ColTo, "on": ColTo}

func squeeze(s string) string { return strings.ReplaceAll(xlsx.NormalizeText(s), " ", "") }

// Import reads instructors and their assignments and writes them all or
// nothing, through the same rules as the screens. An instructor is matched
// by name inside the caller's scope (and by 工作单位 or a full phone number
// when two share a name); a masked phone (138****5678, as the export writes
// it) leaves the stored number as it is. An assignment is matched by unit
// and 开始日期: a new one is added, and a given 结束日期 ends an open one.
// Re-importing a file changes nothing.
func (s *Service) Import(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	var res ImportResult
	r, err := xlsx.OpenImport(ra, size, ImportColumns(), limits)
	if err != nil {
		return res, nil, err
	}
	defer r.Close()
	units, err := s.Orgs.Index(ctx)
	if err != nil {
		return res, nil, err
	}
	regions, err := s.Regions.NameIndex(ctx)
	if err != nil {
		return res, nil, err
	}
	existing := map[string][]Instructor{}
	for page := 1; ; page++ {
		list, total, err := s.List(ctx, "", page, 500)
		if err != nil {
			return res, nil, err
		}
		for _, in := range list {
			existing[squeeze(in.Name)] = append(existing[squeeze(in.Name)], in)
		}
		if page*500 >= total || len(list) == 0 {
			break
		}
	}

	var errs []xlsx.CellError
	// written holds the instructors this import has written, by file key.
	written := map[string]int64{}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		for r.Next() {
			x := r.Row()
			res.Rows++
			n := len(errs)
			bad := func(col, msg string) { errs = append(errs, xlsx.CellError{Row: x.Number, Column: col, Message: msg}) }
			fromErr := func(err error) error {
				fallback := ColName
				if apperr.IsKind(err, apperr.KindConflict) {
					fallback = ColOrg
				}
				cells, ok := xlsx.ServiceCells(x.Number, err, fieldColumn, fallback)
				if !ok {
					return err
				}
				errs = append(errs, cells...)
				return nil
			}
			name := x.Get(ColName).Name()
			phone := NormalizePhone(x.Get(ColPhone).Raw)
			masked := strings.Contains(phone, "*")
			unit := x.Get(ColUnit).Name()
			var in Input
			in.Name = &name
			if !masked {
				in.Phone = &phone
			}
			in.Unit = &unit
			switch t := squeeze(x.Get(ColFullTime).Text()); t {
			case "专职", "是":
				v := true
				in.FullTime = &v
			case "兼职", "否", "":
				v := false
				in.FullTime = &v
			default:
				bad(ColFullTime, "应填写“专职”或“兼职”")
			}
			level := x.Get(ColLevel).Name()
			in.Level = &level
			if t := squeeze(x.Get(ColRegion).Text()); t != "" {
				code, msg := regions.Resolve(t)
				if msg != "" {
					bad(ColRegion, msg)
				}
				in.RegionCode = &code
			}
			var orgID int64
			if u := x.Get(ColOrg).Text(); u != "" {
				id, msg := units.Lookup(u)
				if msg != "" {
					bad(ColOrg, msg)
				}
				orgID = id
			}
			from, fok := x.Get(ColFrom).Day()
			to, tok := x.Get(ColTo).Day()
			if !fok {
				bad(ColFrom, xlsx.DateHint)
			}
			if !tok {
				bad(ColTo, xlsx.DateHint)
			}
			if orgID != 0 && from == "" && fok {
				bad(ColFrom, "请填写联系开始日期")
			}
			if orgID == 0 && len(errs) == n && (from != "" || to != "") {
				bad(ColOrg, "填写了联系日期，请填写联系单位")
			}
			if len(errs) > n {
				continue
			}
			// The instructor: written above in this file, or existing, or new.
			key := squeeze(name) + "|" + squeeze(unit)
			if !masked && phone != "" {
				key = squeeze(name) + "|" + phone
			}
			id, seen := written[key]
			if !seen {
				var match *Instructor
				cands := existing[squeeze(name)]
				if len(cands) > 1 {
					var narrowed []Instructor
					for _, c := range cands {
						if (!masked && s.phoneIs(c, phone)) || (unit != "" && c.Unit == unit) {
							narrowed = append(narrowed, c)
						}
					}
					cands = narrowed
				}
				switch len(cands) {
				case 0:
				case 1:
					match = &cands[0]
				default:
					bad(ColName, "已有多名同名指导员，请填写完整的联系电话或工作单位加以区分")
					continue
				}
				if match == nil {
					out, err := s.apply(ctx, Instructor{Assignments: []Assignment{}}, in)
					if err == nil {
						err = s.insertTx(ctx, tx, &out)
					}
					if err != nil {
						if e := fromErr(err); e != nil {
							return e
						}
						continue
					}
					id = out.ID
					res.Created++
				} else {
					id = match.ID
					before, err := s.get(ctx, tx, id)
					if err != nil {
						return err
					}
					after, err := s.apply(ctx, before, in)
					if err != nil {
						if e := fromErr(err); e != nil {
							return e
						}
						continue
					}
					if after.Name != before.Name || after.phoneHash != before.phoneHash || after.Unit != before.Unit || after.FullTime != before.FullTime ||
						after.Level != before.Level || after.RegionCode != before.RegionCode {
						if _, err := s.updateTx(ctx, tx, id, in); err != nil {
							if e := fromErr(err); e != nil {
								return e
							}
							continue
						}
						res.Updated++
					} else {
						res.Unchanged++
					}
				}
				written[key] = id
			}
			if orgID == 0 {
				continue
			}
			cur, err := s.get(ctx, tx, id)
			if err != nil {
				return err
			}
			var found *Assignment
			for i, a := range cur.Assignments {
				if a.OrganizationID == orgID && a.From == from {
					found = &cur.Assignments[i]
				}
			}
			switch {
			case found == nil:
				var end any
				if to != "" {
					if to < from {
						bad(ColTo, "结束日期不能早于开始日期")
						continue
					}
					end = to
				}
				if _, err := s.assignTx(ctx, tx, id, orgID, from, end); err != nil {
					if e := fromErr(err); e != nil {
						return e
					}
					continue
				}
				res.Created++
			case to == "" || (found.To != nil && *found.To == to):
				res.Unchanged++
			case found.To == nil:
				if _, err := s.endAssignmentTx(ctx, tx, id, found.ID, to); err != nil {
					if e := fromErr(err); e != nil {
						return e
					}
					continue
				}
				res.Updated++
			default:
				bad(ColTo, fmt.Sprintf("该联系记录已于 %s 结束，与表中结束日期不一致", *found.To))
			}
			if progress != nil && res.Rows%200 == 0 {
				progress("writing", res.Rows)
			}
		}
		if err := r.Err(); err != nil {
			return xlsx.ReadError(err)
		}
		if len(errs) > 0 {
			return errRejected
		}
		if res.Rows == 0 {
			return apperr.InvalidField("file", "表格中没有数据行")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "instructor_import", Entity: "instructor", After: res})
	})
	if errors.Is(err, errRejected) {
		return ImportResult{Rows: res.Rows}, errs, nil
	}
	if err != nil {
		return ImportResult{Rows: res.Rows}, nil, err
	}
	return res, nil, nil
}
