// The organization importer reads an organization ledger from a messy .xlsx file (a
// title row above the header, columns in any order, Chinese names for regions
// and categories, full-width digits, dates in many forms) into ledger inputs,
// and writes it all or nothing. A file with any bad cell changes nothing and
// yields the list of cell errors for an error workbook.

package org

import (
	"context"
	"database/sql"
	"errors"
	"hash/maphash"
	"io"
	"log/slog"
	"slices"
	"strings"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/region"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
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

// importSheet declares the ledger for the import driver: the template's
// headers, the synonyms users' own sheets give them, and the import's
// audit entry.
var importSheet = sheetimport.Sheet{
	Name: "两新组织",
	Columns: []sheetimport.Column{
		{Header: ColName, Synonyms: []string{"单位全称", "组织名称", "企业名称"}, Required: true},
		{Header: ColUSCC, Synonyms: []string{"社会信用代码", "信用代码"}},
		{Header: ColCategory, Synonyms: []string{"类别", "组织类别"}, Required: true},
		{Header: ColTown, Synonyms: []string{"所属街道", "街道（乡镇）", "乡镇（街道）", "所属乡镇"}, Required: true},
		{Header: ColVillage, Synonyms: []string{"所属社区", "社区（村）", "村（社区）"}},
		{Header: ColIndustry, Synonyms: []string{"行业", "所属行业"}},
		{Header: ColEmployees, Synonyms: []string{"从业人员", "职工人数", "员工人数"}},
		{Header: ColFull, Synonyms: []string{"正式党员"}},
		{Header: ColProb, Synonyms: []string{"预备党员"}},
		{Header: ColAboveScale, Synonyms: []string{"规模以上", "是否规上"}},
		{Header: ColRegistered, Synonyms: []string{"成立时间", "注册日期"}},
		{Header: ColClosed, Synonyms: []string{"注销（吊销）日期", "注销时间"}},
		{Header: ColOwnership, Synonyms: []string{"控股类型", "经济控制类型", "控股（控制）情况"}},
		{Header: ColStaff, Synonyms: []string{"在岗职工", "在岗职工人数"}},
		{Header: ColStaffMembers, Synonyms: []string{"在岗职工中的党员数", "在岗职工中党员"}},
		{Header: ColRepMember, Synonyms: []string{"法定代表人是否党员"}},
		{Header: ColRepSecretary, Synonyms: []string{"法定代表人是否兼任书记", "法定代表人兼任书记"}},
		{Header: ColInterKind, Synonyms: []string{"中介组织类别", "中介类别"}},
	},
	AuditAction: "import",
	AuditEntity: "organization",
	AuditNote:   importNote,
}

// Columns describes the columns for the reader and the error workbook.
func Columns() []xlsx.Column { return importSheet.ReaderColumns() }

// fieldColumn maps a ledger field to the column that feeds it.
var fieldColumn = map[string]string{
	"name": ColName, "uscc": ColUSCC, "category": ColCategory, "region_code": ColTown, "industry": ColIndustry,
	"employees": ColEmployees, "full_members": ColFull, "probationary_members": ColProb, "above_scale": ColAboveScale,
	"registered_on": ColRegistered, "closed_on": ColClosed,
	"ownership": ColOwnership, "staff_on_post": ColStaff, "staff_members": ColStaffMembers, "legal_rep_member": ColRepMember,
	"legal_rep_secretary": ColRepSecretary, "intermediary_kind": ColInterKind,
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

// ledgerMapper turns the data rows of a ledger into inputs (Map of the
// import's sheet): it resolves the place names within the jurisdiction and
// remembers the codes and names seen, to mark a row that repeats another.
type ledgerMapper struct {
	rn       *regionNames
	seenCode seenKeys
	seenName seenKeys
}

func newLedgerMapper() *ledgerMapper {
	return &ledgerMapper{seenCode: newSeenKeys(), seenName: newSeenKeys()}
}

// seenKeys remembers the first row of each key (a code, or a name in a
// region) of a file, to name it when another row repeats the key. It holds
// a 96-bit hash of each key and its row in a table of 16-byte slots (open
// addressing, linear probing, at most 13/16 full): about 5 MB at 200,000
// keys, where a Go map of 128-bit hashes took 8.4 MB at the import's
// largest moment (issue 12 item 2). Two different keys share a hash with a
// probability of about n²/2⁹⁷ (10⁻¹⁹ at 200,000 rows), far below any other
// cause of a wrong answer, so the check is taken as exact.
type seenKeys struct {
	seeds [2]maphash.Seed
	t     *seenTable
}

type seenTable struct {
	slots []seenSlot // len a power of two
	n     int
}

// seenSlot is one key's hash (h: 64 bits, h2: 32 more) and its row + 1
// (0: an empty slot).
type seenSlot struct {
	h      uint64
	h2, r1 uint32
}

func newSeenKeys() seenKeys {
	return seenKeys{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, t: &seenTable{slots: make([]seenSlot, 1024)}}
}

// see returns the row that had the key before, or records row as its first.
func (s seenKeys) see(key string, row int) (prev int, dup bool) {
	h, h2 := maphash.String(s.seeds[0], key), uint32(maphash.String(s.seeds[1], key))
	return s.t.see(h, h2, row)
}

func (t *seenTable) see(h uint64, h2 uint32, row int) (prev int, dup bool) {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.r1 == 0 {
			*sl = seenSlot{h: h, h2: h2, r1: uint32(row) + 1}
			t.n++
			if t.n*16 > len(t.slots)*13 {
				t.grow()
			}
			return 0, false
		}
		if sl.h == h && sl.h2 == h2 {
			return int(sl.r1 - 1), true
		}
	}
}

// grow doubles the table.
func (t *seenTable) grow() {
	old := t.slots
	t.slots = make([]seenSlot, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for _, sl := range old {
		if sl.r1 == 0 {
			continue
		}
		i := sl.h & mask
		for t.slots[i].r1 != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = sl
	}
}

// row maps one data row; every bad cell is marked on c.
func (m *ledgerMapper) row(row xlsx.Row, c *sheetimport.Cells) Input {
	rn := m.rn
	bad := c.Bad
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
		if prev, dup := m.seenCode.see(code, row.Number); dup {
			bad(ColUSCC, "与第 "+itoa(prev)+" 行的统一社会信用代码重复")
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
		if prev, dup := m.seenName.see(name+"|"+*in.RegionCode, row.Number); dup {
			bad(ColName, "与第 "+itoa(prev)+" 行重复（无统一社会信用代码的单位按名称和区划识别）")
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
	return in
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

// importPipeline is how many chunks of mapped rows the reader may run ahead
// of the writer.
const importPipeline = 4

// importChunk is how many rows the writer takes at once (one lookup of
// their codes and names, one multi-row INSERT of the new ones); a divisor
// of importProgressEvery, so that progress falls on its multiples.
const importChunk = 250

// importProgressEvery is how many rows pass between two progress reports
// (the job tests and the crash test wait for the first, at 500).
const importProgressEvery = 500

// Import reads the file and writes it in one transaction, all or nothing
// (sheetimport.Run in batch mode): with any bad cell (found by the reader or
// by the ledger's rules) nothing is written and the cell errors, by row,
// are returned with Rows set. The reading and the writing run side by side
// (Import.Pipeline: the writer validates and writes each chunk of 250 rows
// as the reader hands it over), so a large file takes about as long as the
// slower of the two, and the rows are never all held in memory. Each row
// updates the organization with the same 统一社会信用代码 (or, without one,
// the same name in the same region) or creates one, so re-importing a file
// changes nothing; the new organizations' coverage counts are written once,
// at the end. Progress is reported every 500 rows in the phase "write".
func Import(ctx context.Context, orgs *Service, regions *region.Service, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, done int)) (sheetimport.Result, []xlsx.CellError, error) {
	ctx = withRegionCache(ctx)
	last := 0
	report := func(phase string, n int) {
		if progress == nil {
			return
		}
		if phase == sheetimport.PhaseWriting {
			if n/importProgressEvery == last/importProgressEvery {
				return
			}
			last, phase = n, "write"
		}
		progress(phase, n)
	}
	// run reads the file and writes it through env with the writer
	// newWriter makes over the import's transaction.
	run := func(env sheetimport.Env, newWriter func(tx *sql.Tx) *bulkWriter) (sheetimport.Result, []xlsx.CellError, error) {
		m := newLedgerMapper()
		var w *bulkWriter
		last = 0
		res, errs, err := sheetimport.Run(ctx, env, sheetimport.Import[Input]{
			Sheet: importSheet,
			// The place names are read once the file is open, before the
			// write transaction begins: a file refused by its header never
			// holds the database's write lock.
			Prepare: func(ctx context.Context) (err error) {
				m.rn, err = loadRegions(ctx, regions)
				return err
			},
			Map: m.row,
			Batch: func(ctx context.Context, tx *sql.Tx, rows []sheetimport.Mapped[Input], bad func(row int, column, message string)) (sheetimport.Result, error) {
				return w.write(ctx, rows, func(row int, err error) {
					for _, e := range CellErrors(row, err) {
						bad(e.Row, e.Column, e.Message)
					}
				})
			},
			BatchSize: importChunk,
			// Every row is checked against the ledger, even once a cell is bad.
			EveryGroup: true,
			Pipeline:   importPipeline,
			Around: func(ctx context.Context, tx *sql.Tx, rows func() error) error {
				w = newWriter(tx)
				defer w.close()
				if err := rows(); err != nil {
					return err
				}
				// Every row is read: the duplicate check's tables go before
				// the count changes are written, the import's largest
				// moment of memory.
				m.seenCode, m.seenName = seenKeys{}, seenKeys{}
				return w.finish(ctx, true)
			},
		}, ra, size, limits, report)
		slices.SortStableFunc(errs, func(a, b xlsx.CellError) int { return a.Row - b.Row })
		return res, errs, err
	}
	if orgs.DB.Dialect == store.SQLite && !orgs.NoStaging {
		res, errs, err := stagedImport(ctx, orgs, progress, run)
		if !errors.Is(err, errStageFallback) {
			return res, errs, err
		}
		if stageHook != nil {
			stageHook("fallback")
		}
		slog.Info("org import: the ledger changed under the stage; importing in one transaction")
	}
	return run(sheetimport.Env{DB: orgs.DB, Audit: orgs.Audit, Conn: true}, orgs.newBulkWriter)
}
