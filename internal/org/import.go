// The organization importer reads an organization ledger from a messy .xlsx file (a
// title row above the header, columns in any order, Chinese names for regions
// and categories, full-width digits, dates in many forms) into ledger inputs,
// and writes it all or nothing. A file with any bad cell changes nothing and
// yields the list of cell errors for an error workbook.

package org

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/region"
	"liangxin/internal/xlsx"
)

// Column names of the organization template (the importer also accepts a few aliases).
const (
	ColName       = "单位名称"
	ColUSCC       = "统一社会信用代码"
	ColCategory   = "单位类别"
	ColTown       = "所属街道（乡镇）"
	ColVillage    = "所属社区（村）"
	ColIndustry   = "行业门类"
	ColEmployees  = "从业人员数"
	ColFull       = "正式党员数"
	ColProb       = "预备党员数"
	ColAboveScale = "是否规模以上"
	ColRegistered = "成立日期"
	ColClosed     = "注销日期"
	// 党统 columns (domain.md §11), all optional.
	ColOwnership    = "控股情况"
	ColStaff        = "在岗职工数"
	ColStaffMembers = "在岗职工中党员数"
	ColRepMember    = "法定代表人是党员"
	ColRepSecretary = "法定代表人兼任党组织书记"
	ColInterKind    = "中介机构类别"
)

// Headers is the template's header row, in order.
func Headers() []string {
	return []string{ColName, ColUSCC, ColCategory, ColTown, ColVillage, ColIndustry, ColEmployees, ColFull, ColProb, ColAboveScale, ColRegistered, ColClosed,
		ColOwnership, ColStaff, ColStaffMembers, ColRepMember, ColRepSecretary, ColInterKind}
}

// Columns describes the columns for the reader.
func Columns() []xlsx.Column {
	return []xlsx.Column{
		{Name: ColName, Aliases: []string{"单位全称", "组织名称", "企业名称"}},
		{Name: ColUSCC, Aliases: []string{"社会信用代码", "信用代码"}, Optional: true},
		{Name: ColCategory, Aliases: []string{"类别", "组织类别"}},
		{Name: ColTown, Aliases: []string{"所属街道", "街道（乡镇）", "乡镇（街道）", "所属乡镇"}},
		{Name: ColVillage, Aliases: []string{"所属社区", "社区（村）", "村（社区）"}, Optional: true},
		{Name: ColIndustry, Aliases: []string{"行业", "所属行业"}, Optional: true},
		{Name: ColEmployees, Aliases: []string{"从业人员", "职工人数", "员工人数"}, Optional: true},
		{Name: ColFull, Aliases: []string{"正式党员"}, Optional: true},
		{Name: ColProb, Aliases: []string{"预备党员"}, Optional: true},
		{Name: ColAboveScale, Aliases: []string{"规模以上", "是否规上"}, Optional: true},
		{Name: ColRegistered, Aliases: []string{"成立时间", "注册日期"}, Optional: true},
		{Name: ColClosed, Aliases: []string{"注销（吊销）日期", "注销时间"}, Optional: true},
		{Name: ColOwnership, Aliases: []string{"控股类型", "经济控制类型", "控股（控制）情况"}, Optional: true},
		{Name: ColStaff, Aliases: []string{"在岗职工", "在岗职工人数"}, Optional: true},
		{Name: ColStaffMembers, Aliases: []string{"在岗职工中的党员数", "在岗职工中党员"}, Optional: true},
		{Name: ColRepMember, Aliases: []string{"法定代表人是否党员"}, Optional: true},
		{Name: ColRepSecretary, Aliases: []string{"法定代表人是否兼任书记", "法定代表人兼任书记"}, Optional: true},
		{Name: ColInterKind, Aliases: []string{"中介组织类别", "中介类别"}, Optional: true},
	}
}

// fieldColumn maps a ledger field to the column that feeds it.
var fieldColumn = map[string]string{
	"name": ColName, "uscc": ColUSCC, "category": ColCategory, "region_code": ColTown, "industry": ColIndustry,
	"employees": ColEmployees, "full_members": ColFull, "probationary_members": ColProb, "above_scale": ColAboveScale,
	"registered_on": ColRegistered, "closed_on": ColClosed,
	"ownership": ColOwnership, "staff_on_post": ColStaff, "staff_members": ColStaffMembers, "legal_rep_member": ColRepMember,
	"legal_rep_secretary": ColRepSecretary, "intermediary_kind": ColInterKind,
}

// Row is one parsed input with the sheet row it came from.
type Row struct {
	Number int
	Input  Input
}

// regionNames resolves street/town and community/village names inside the jurisdiction.
type regionNames struct {
	towns    map[string]string            // name or short name → code
	villages map[string]map[string]string // town code → name/short name → code
}

var townSuffixes = []string{"街道办事处", "街道", "镇", "乡"}
var villageSuffixes = []string{"社区居民委员会", "村民委员会", "居委会", "村委会", "社区", "村"}

func short(name string, suffixes []string) string {
	for _, s := range suffixes {
		if t := strings.TrimSuffix(name, s); t != name && t != "" {
			return t
		}
	}
	return name
}

func loadRegions(ctx context.Context, regions *region.Service) (*regionNames, error) {
	sys := actor.System(ctx, "import")
	j, err := regions.Jurisdiction(sys)
	if err != nil {
		return nil, err
	}
	rn := &regionNames{towns: map[string]string{}, villages: map[string]map[string]string{}}
	var walk func(code string, depth int) error
	walk = func(code string, depth int) error {
		kids, err := regions.Children(sys, code)
		if err != nil {
			return err
		}
		for _, k := range kids {
			switch k.Level {
			case "town":
				rn.towns[k.Name] = k.Code
				if s := short(k.Name, townSuffixes); s != k.Name {
					if _, taken := rn.towns[s]; !taken {
						rn.towns[s] = k.Code
					}
				}
				m := map[string]string{}
				rn.villages[k.Code] = m
				vs, err := regions.Children(sys, k.Code)
				if err != nil {
					return err
				}
				for _, v := range vs {
					if v.Level != "village" {
						continue
					}
					m[v.Name] = v.Code
					if s := short(v.Name, villageSuffixes); s != v.Name {
						if _, taken := m[s]; !taken {
							m[s] = v.Code
						}
					}
				}
			case "province", "prefecture", "county":
				if depth < 3 {
					if err := walk(k.Code, depth+1); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	return rn, walk(j, 0)
}

func (rn *regionNames) town(name string) (string, bool) {
	name = strings.ReplaceAll(name, " ", "")
	if c, ok := rn.towns[name]; ok {
		return c, true
	}
	c, ok := rn.towns[short(name, townSuffixes)]
	return c, ok
}

func (rn *regionNames) village(town, name string) (string, bool) {
	name = strings.ReplaceAll(name, " ", "")
	m := rn.villages[town]
	if c, ok := m[name]; ok {
		return c, true
	}
	c, ok := m[short(name, villageSuffixes)]
	return c, ok
}

// Parse reads every data row into inputs. Cell problems are collected (not
// fatal); a problem with the file as a whole is returned as an error.
func Parse(ctx context.Context, regions *region.Service, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(int)) ([]Row, []xlsx.CellError, error) {
	var rows []Row
	errs, err := ParseEach(ctx, regions, ra, size, limits, func(r Row, ok bool) error {
		rows = append(rows, r)
		if progress != nil && len(rows)%1000 == 0 {
			progress(len(rows))
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, errs, nil
}

// ParseEach reads the data rows one by one and hands each to emit, with ok
// false when the row has a bad cell. An error from emit stops the reading.
func ParseEach(ctx context.Context, regions *region.Service, ra io.ReaderAt, size int64, limits xlsx.Limits, emit func(r Row, ok bool) error) ([]xlsx.CellError, error) {
	rn, r, err := openLedger(ctx, regions, ra, size, limits)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return parseRows(rn, r, emit)
}

// openLedger loads the jurisdiction's place names and opens the sheet: the
// workbook, the shared strings (within the reader's limits) and the header
// search. Import calls it before its write transaction begins, so a file that
// is refused here never holds the database's write lock (on SQLite, other
// imports and every other write would wait for it).
func openLedger(ctx context.Context, regions *region.Service, ra io.ReaderAt, size int64, limits xlsx.Limits) (*regionNames, *xlsx.Reader, error) {
	rn, err := loadRegions(ctx, regions)
	if err != nil {
		return nil, nil, err
	}
	r, err := xlsx.OpenSheet(ra, size, Columns(), limits)
	if err != nil {
		var fe *xlsx.FileError
		if ok := errors.As(err, &fe); ok {
			return nil, nil, apperr.InvalidField("file", fe.Msg)
		}
		return nil, nil, apperr.InvalidField("file", "无法读取该文件："+err.Error())
	}
	return rn, r, nil
}

// parseRows reads the data rows of an opened sheet (see ParseEach).
func parseRows(rn *regionNames, r *xlsx.Reader, emit func(r Row, ok bool) error) ([]xlsx.CellError, error) {
	var errs []xlsx.CellError
	seenCode := map[string]int{}
	seenName := map[string]int{}
	for r.Next() {
		row := r.Row()
		before := len(errs)
		bad := func(col, msg string) { errs = append(errs, xlsx.CellError{Row: row.Number, Column: col, Message: msg}) }
		var in Input
		text := func(col string) string { return row.Get(col).Text() }
		name := text(ColName)
		in.Name = &name
		if name == "" {
			bad(ColName, "请填写单位名称")
		}
		code, err := xlsx.ParseCode(row.Get(ColUSCC).Raw, row.Get(ColUSCC).Numeric)
		if err != nil {
			bad(ColUSCC, err.Error())
		}
		in.USCC = &code
		if code != "" {
			if prev, dup := seenCode[code]; dup {
				bad(ColUSCC, "与第 "+itoa(prev)+" 行的统一社会信用代码重复")
			} else {
				seenCode[code] = row.Number
			}
		}
		catText := text(ColCategory)
		if c, ok := CategoryByName(catText); ok {
			in.Category = &c.Code
		} else if catText == "" {
			bad(ColCategory, "请填写单位类别")
		} else {
			bad(ColCategory, "单位类别「"+catText+"」无法识别，应为民营企业、个体工商户、外资及港澳台企业、其他企业、社会团体、民办非企业单位、基金会或中介服务组织")
		}
		townText, villageText := text(ColTown), text(ColVillage)
		if tc, ok := rn.town(townText); !ok {
			if townText == "" {
				bad(ColTown, "请填写所属街道（乡镇）")
			} else {
				bad(ColTown, "本辖区内没有名为「"+townText+"」的街道（乡镇）")
			}
		} else if villageText == "" {
			in.RegionCode = &tc
		} else if vc, ok := rn.village(tc, villageText); ok {
			in.RegionCode = &vc
		} else {
			bad(ColVillage, "「"+townText+"」下没有名为「"+villageText+"」的社区（村）")
		}
		if code == "" && in.Category != nil && *in.Category == "individual_business" && in.RegionCode != nil {
			k := name + "|" + *in.RegionCode
			if prev, dup := seenName[k]; dup {
				bad(ColName, "与第 "+itoa(prev)+" 行重复（无统一社会信用代码的单位按名称和区划识别）")
			} else {
				seenName[k] = row.Number
			}
		}
		if v := text(ColIndustry); v != "" {
			v = strings.TrimSpace(v)
			if in2, ok := IndustryByCodeOrName(v); ok {
				in.Industry = &in2.Code
			} else if len(v) > 0 {
				if in3, ok := IndustryByCodeOrName(strings.ToUpper(v[:1])); ok && (len(v) == 1 || strings.HasSuffix(v, in3.Name)) {
					in.Industry = &in3.Code
				} else {
					bad(ColIndustry, "行业门类「"+v+"」无法识别，应为 GB/T 4754 门类字母 A–T 或门类名称")
				}
			}
		}
		for _, f := range []struct {
			col string
			dst **int
		}{{ColEmployees, &in.Employees}, {ColFull, &in.FullMembers}, {ColProb, &in.ProbationaryMembers},
			{ColStaff, &in.StaffOnPost}, {ColStaffMembers, &in.StaffMembers}} {
			c := row.Get(f.col)
			if c.Blank() {
				continue
			}
			n, err := xlsx.ParseInt(c.Raw)
			if err != nil {
				bad(f.col, err.Error())
				continue
			}
			*f.dst = &n
		}
		for _, f := range []struct {
			col string
			dst **bool
		}{{ColAboveScale, &in.AboveScale}, {ColRepMember, &in.LegalRepMember}, {ColRepSecretary, &in.LegalRepSecretary}} {
			if c := row.Get(f.col); !c.Blank() {
				b, err := xlsx.ParseBool(c.Raw)
				if err != nil {
					bad(f.col, err.Error())
				} else {
					*f.dst = &b
				}
			}
		}
		for _, f := range []struct {
			col   string
			codes []Code
			dst   **string
			msg   string
		}{{ColOwnership, Ownerships(), &in.Ownership, "控股情况应为私有经济控制、私营独资、港澳台商投资、港澳台商经济控制、港澳台商独资、外商投资、外商经济控制或外商独资"},
			{ColInterKind, IntermediaryKinds(), &in.IntermediaryKind, "中介机构类别应为律师事务所、会计师事务所、税务师事务所或其他中介服务组织"}} {
			if v := strings.TrimSpace(text(f.col)); v != "" {
				if c, ok := CodeByName(f.codes, v); ok {
					*f.dst = &c.Code
				} else {
					bad(f.col, f.msg)
				}
			}
		}
		for _, f := range []struct {
			col string
			dst **string
		}{{ColRegistered, &in.RegisteredOn}, {ColClosed, &in.ClosedOn}} {
			c := row.Get(f.col)
			if c.Blank() {
				continue
			}
			t, _, err := xlsx.ParseDate(c.Raw, c.Numeric)
			if err != nil {
				bad(f.col, err.Error())
				continue
			}
			d := t.Format("2006-01-02")
			*f.dst = &d
		}
		if err := emit(Row{Number: row.Number, Input: in}, len(errs) == before); err != nil {
			return errs, err
		}
	}
	if err := r.Err(); err != nil {
		var fe *xlsx.FileError
		if errors.As(err, &fe) {
			return nil, apperr.InvalidField("file", fe.Msg)
		}
		return nil, apperr.InvalidField("file", "读取文件出错："+err.Error())
	}
	return errs, nil
}

// CellErrors turns a ledger validation error of one row into cell errors.
func CellErrors(rowNumber int, err error) []xlsx.CellError {
	e, ok := apperr.As(err)
	if !ok {
		return []xlsx.CellError{{Row: rowNumber, Message: "无法保存该行"}}
	}
	if len(e.Fields) == 0 {
		return []xlsx.CellError{{Row: rowNumber, Message: e.Message}}
	}
	var out []xlsx.CellError
	for f, msg := range e.Fields {
		col := fieldColumn[f]
		out = append(out, xlsx.CellError{Row: rowNumber, Column: col, Message: msg})
	}
	return out
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// ImportOutcome is the result of an import.
type ImportOutcome struct {
	Rows   int              `json:"rows"`
	Result BulkResult       `json:"result"`
	Errors []xlsx.CellError `json:"-"`
}

// Import reads the file and writes it in one transaction, all or nothing: with
// any bad cell (found by the reader or by the ledger's rules) nothing is
// written and ImportOutcome.Errors lists them. The reading and the writing run side
// by side (the writer validates and writes each row as the reader hands it
// over), so a large file takes about as long as the slower of the two, and
// the rows are never all held in memory.
func Import(ctx context.Context, orgs *Service, regions *region.Service, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, done int)) (ImportOutcome, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan Input, 1024)
	var (
		numbers  []int // file row number of each input handed to the writer
		rows     int
		parseErr error
		cellErrs []xlsx.CellError
	)
	// The file is opened (shared strings read, header found) before the
	// writer's transaction begins: see openLedger.
	rn, sheet, err := openLedger(ctx, regions, ra, size, limits)
	if err != nil {
		return ImportOutcome{}, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ch)
		defer sheet.Close()
		cellErrs, parseErr = parseRows(rn, sheet, func(r Row, ok bool) error {
			rows++
			if !ok {
				return nil
			}
			numbers = append(numbers, r.Number)
			select {
			case ch <- r.Input:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	next := func() (Input, bool) {
		in, ok := <-ch
		return in, ok
	}
	// Asked once the reader is done (ch is closed): keep only a clean file.
	keep := func() bool { return len(cellErrs) == 0 }
	res, rowErrs, err := orgs.UpsertEach(ctx, next, keep, func(n int) {
		if progress != nil {
			progress("write", n)
		}
	})
	if err != nil {
		cancel()
		<-done
		if parseErr != nil && !errors.Is(parseErr, context.Canceled) {
			return ImportOutcome{}, parseErr
		}
		return ImportOutcome{}, err
	}
	<-done
	if parseErr != nil {
		return ImportOutcome{}, parseErr
	}
	out := ImportOutcome{Rows: rows, Errors: cellErrs}
	for _, re := range rowErrs {
		out.Errors = append(out.Errors, CellErrors(numbers[re.Index], re.Err)...)
	}
	if len(out.Errors) == 0 {
		out.Result = res
	} else {
		slices.SortStableFunc(out.Errors, func(a, b xlsx.CellError) int { return a.Row - b.Row })
	}
	return out, nil
}
