package develop

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// Columns of the development-records template: one row per recorded step.
const (
	ColIDNumber  = "身份证号"
	ColName      = "姓名"
	ColPartyOrg  = "党组织名称"
	ColStep      = "步骤"
	ColDate      = "日期"
	ColPeople    = "相关人员"
	ColDocuments = "材料"
	ColNote      = "说明"
	ColDays      = "培训天数"
	ColHours     = "培训学时"
	ColDue       = "应到会有表决权党员数"
	ColPresent   = "实到人数"
	ColYes       = "赞成人数"
	ColMonths    = "延长月数"
	ColPubFrom   = "公示开始日期"
	ColPubTo     = "公示结束日期"
)

// importSheet declares the development-records sheet for the import driver.
var importSheet = sheetimport.Sheet{
	Name: "发展党员记录",
	Columns: []sheetimport.Column{
		{Header: ColIDNumber, Synonyms: []string{"公民身份号码", "身份证号码"}, Required: true, Width: 22},
		{Header: ColName, Synonyms: []string{"姓 名"}, Width: 10},
		{Header: ColPartyOrg, Synonyms: []string{"党组织", "所在党支部", "党支部"}, Width: 28},
		{Header: ColStep, Synonyms: []string{"步骤序号", "发展步骤", "环节"}, Required: true, Width: 18},
		{Header: ColDate, Synonyms: []string{"完成日期", "时间"}, Required: true, Width: 14},
		{Header: ColPeople, Synonyms: []string{"培养联系人", "入党介绍人", "经办人"}, Width: 20},
		{Header: ColDocuments, Synonyms: []string{"材料名称"}, Width: 20},
		{Header: ColNote, Synonyms: []string{"备注"}, Width: 30},
		{Header: ColDays, Width: 10},
		{Header: ColHours, Width: 10},
		{Header: ColDue, Synonyms: []string{"应到人数"}, Width: 12},
		{Header: ColPresent, Width: 10},
		{Header: ColYes, Width: 10},
		{Header: ColMonths, Width: 10},
		{Header: ColPubFrom, Synonyms: []string{"公示开始时间"}},
		{Header: ColPubTo, Synonyms: []string{"公示结束时间"}},
	},
	AuditAction: "dev_import",
	AuditEntity: "dev_person",
}

// ImportHeaders is the template's header row.
func ImportHeaders() []string { return importSheet.Headers() }

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column { return importSheet.ReaderColumns() }

// ImportTemplate writes the development-records template.
func ImportTemplate(w io.Writer) error { return importSheet.Template(w) }

// fieldColumn maps a field of the services' errors to its column.
var fieldColumn = map[string]string{"id_number": ColIDNumber, "name": ColName, "party_org_id": ColPartyOrg, "birth_date": ColIDNumber,
	"gender": ColIDNumber, "applied_on": ColDate, "done_on": ColDate, "step": ColStep, "people": ColPeople, "introducers": ColPeople,
	"training_days": ColDays, "voters_due": ColDue, "present": ColPresent, "yes": ColYes, "months": ColMonths, "note": ColNote,
	"publicity_from": ColPubFrom, "publicity_to": ColPubTo}

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

// stepByText reads a step as its number (①, 1, 第1步) or its name.
func stepByText(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "第"), "步"))
	if s == "延长预备期" {
		return StepExtension, true
	}
	if n, err := strconv.Atoi(s); err == nil {
		_, ok := stepDef(n)
		return n, ok
	}
	// A circled number (① … ⑳, ㉑ … ㉕) at the start.
	if r, _ := utf8.DecodeRuneInString(s); r >= 0x2460 && r <= 0x2473 {
		return int(r-0x2460) + 1, true
	} else if r >= 0x3251 && r <= 0x3255 {
		return int(r-0x3251) + 21, true
	}
	for _, d := range Steps {
		if strings.Contains(s, d.Name) {
			return d.N, true
		}
	}
	return 0, false
}

// stepRow is one row of the sheet: a recorded step (step ① registers the
// person). late holds the bad cells of the step's details, reported only
// when the step is to be recorded (not for a person missing from the roll
// or a step recorded before).
type stepRow struct {
	n          int
	day        string
	idn        string
	name, note string
	partyOrg   string
	in         StepInput
	late       []xlsx.CellError
	pubOK      bool
}

// mapStep reads one row: its step and date (a bad one ends the row), then
// the details of a later step.
func mapStep(x xlsx.Row, c *sheetimport.Cells) stepRow {
	var cmd stepRow
	n, ok := stepByText(x.Get(ColStep).Text())
	if !ok {
		c.Bad(ColStep, "步骤应为 1–25 的序号（或①–㉕、步骤名称），或“延长预备期”")
		return cmd
	}
	d, monthOnly, derr := xlsx.ParseDate(x.Get(ColDate).Raw, x.Get(ColDate).Numeric)
	if derr != nil || monthOnly || x.Get(ColDate).Blank() {
		c.Bad(ColDate, "日期无法识别（可写作 2024-03-15、2024/3/15、2024.3.15 或 2024年3月15日）")
		return cmd
	}
	cmd.n, cmd.day = n, d.Format(store.DateFormat)
	cmd.idn = strings.ToUpper(strings.ReplaceAll(x.Get(ColIDNumber).Text(), " ", ""))
	if n == 1 {
		cmd.name, cmd.note = x.Get(ColName).Text(), x.Get(ColNote).Text()
		cmd.partyOrg = strings.ReplaceAll(x.Get(ColPartyOrg).Text(), " ", "")
		return cmd
	}
	late := func(col, msg string) {
		cmd.late = append(cmd.late, xlsx.CellError{Row: x.Number, Column: col, Message: msg})
	}
	num := func(col string) int {
		c := x.Get(col)
		if c.Blank() {
			return 0
		}
		v, err := xlsx.ParseInt(c.Raw)
		if err != nil {
			late(col, "应为整数")
		}
		return v
	}
	cmd.in = StepInput{Step: n, DoneOn: cmd.day, People: x.Get(ColPeople).Text(), Documents: x.Get(ColDocuments).Text(), Note: x.Get(ColNote).Text(),
		TrainingDays: num(ColDays), TrainingHours: num(ColHours), VotersDue: num(ColDue), Present: num(ColPresent), Yes: num(ColYes), Months: num(ColMonths)}
	cmd.pubOK = true
	for _, p := range []struct {
		col string
		dst *string
	}{{ColPubFrom, &cmd.in.PublicityFrom}, {ColPubTo, &cmd.in.PublicityTo}} {
		v, ok := x.Get(p.col).Day()
		if !ok {
			late(p.col, xlsx.DateHint)
			cmd.pubOK = false
		}
		*p.dst = v
	}
	return cmd
}

// Import reads development records (one row per step, in the order they
// happened) and records them all or nothing, each through the same rules as
// a step recorded by hand. A row of step ① registers the person (姓名 and
// 党组织名称 needed); later rows find the person by 身份证号. A step already
// recorded on the same day is left unchanged, so re-importing a file writes
// nothing new. Introducers (step ⑨) are named in 相关人员 and looked up on
// the party organization's roster.
func (s *Service) Import(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	prot, err := s.Protector()
	if err != nil {
		return ImportResult{}, nil, err
	}
	pos := map[string][]int64{}
	prepare := func(ctx context.Context) error {
		idx, err := sheetimport.PartyOrgsByName(ctx, s.DB)
		if err != nil {
			return err
		}
		pos = idx
		return nil
	}
	write := func(ctx context.Context, tx *sql.Tx, cmd stepRow, c *sheetimport.Cells) (sheetimport.Result, error) {
		var personID int64
		err := s.DB.QueryRow(ctx, tx, `SELECT id FROM dev_people WHERE id_number_hash = ?`, prot.Hash(cmd.idn)).Scan(&personID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return sheetimport.Nothing, err
		}
		if cmd.n == 1 {
			if personID != 0 {
				return sheetimport.Unchanged, nil
			}
			ids := pos[cmd.partyOrg]
			if len(ids) != 1 {
				c.Bad(ColPartyOrg, "党组织不存在、不在您的管辖范围内或有重名")
				return sheetimport.Nothing, nil
			}
			if _, err := s.applyTx(ctx, tx, PersonInput{PartyOrgID: ids[0], Name: cmd.name, IDNumber: cmd.idn, AppliedOn: cmd.day, Note: cmd.note}); err != nil {
				return sheetimport.Nothing, c.Refused(err, fieldColumn, ColStep)
			}
			return sheetimport.Created, nil
		}
		if personID == 0 {
			c.Bad(ColIDNumber, "发展名册中没有此人：请先导入（或登记）第1步“递交入党申请书”")
			return sheetimport.Nothing, nil
		}
		var seen int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM dev_steps WHERE person_id = ? AND step = ? AND done_on = ?`, personID, cmd.n, cmd.day).Scan(&seen); err != nil {
			return sheetimport.Nothing, err
		}
		if seen > 0 {
			return sheetimport.Unchanged, nil
		}
		for _, e := range cmd.late {
			c.Bad(e.Column, e.Message)
		}
		if !cmd.pubOK {
			return sheetimport.Nothing, nil
		}
		in := cmd.in
		if cmd.n == 9 {
			ids, msg, err := s.introducersByName(ctx, tx, personID, in.People)
			if err != nil {
				return sheetimport.Nothing, err
			}
			if msg != "" {
				c.Bad(ColPeople, msg)
				return sheetimport.Nothing, nil
			}
			in.Introducers = ids
		}
		if _, err := s.recordStepTx(ctx, tx, personID, in); err != nil {
			return sheetimport.Nothing, c.Refused(err, fieldColumn, ColStep)
		}
		return sheetimport.Created, nil
	}
	return sheetimport.Run(ctx, sheetimport.Env{DB: s.DB, Audit: s.Audit}, sheetimport.Import[stepRow]{
		Sheet:   importSheet,
		Prepare: prepare,
		Map:     mapStep,
		Write:   write,
	}, ra, size, limits, progress)
}

// introducersByName finds the two 入党介绍人 named in a cell on the roster of
// the person's party organization and its subtree.
func (s *Service) introducersByName(ctx context.Context, tx *sql.Tx, personID int64, names string) ([]int64, string, error) {
	var ids []int64
	for _, name := range strings.FieldsFunc(names, func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == ' ' }) {
		rows, err := s.DB.Query(ctx, tx, `WITH RECURSIVE sub(id) AS (SELECT party_org_id FROM dev_people WHERE id = ? UNION ALL
			SELECT c.id FROM party_orgs c JOIN sub ON c.parent_id = sub.id)
			SELECT id FROM members WHERE name = ? AND party_org_id IN (SELECT id FROM sub)`, personID, name)
		if err != nil {
			return nil, "", err
		}
		var found []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, "", err
			}
			found = append(found, id)
		}
		rows.Close()
		switch len(found) {
		case 0:
			return nil, fmt.Sprintf("%s 不在本党组织的党员花名册中", name), nil
		case 1:
			ids = append(ids, found[0])
		default:
			return nil, fmt.Sprintf("%s 在花名册中有重名，请在系统中记录此步骤", name), nil
		}
	}
	return ids, "", nil
}
