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

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
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

// ImportHeaders is the template's header row.
func ImportHeaders() []string {
	return []string{ColIDNumber, ColName, ColPartyOrg, ColStep, ColDate, ColPeople, ColDocuments, ColNote, ColDays, ColHours, ColDue, ColPresent, ColYes, ColMonths, ColPubFrom, ColPubTo}
}

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column {
	return []xlsx.Column{
		{Name: ColIDNumber, Aliases: []string{"公民身份号码", "身份证号码"}},
		{Name: ColName, Aliases: []string{"姓 名"}, Optional: true},
		{Name: ColPartyOrg, Aliases: []string{"党组织", "所在党支部", "党支部"}, Optional: true},
		{Name: ColStep, Aliases: []string{"步骤序号", "发展步骤", "环节"}},
		{Name: ColDate, Aliases: []string{"完成日期", "时间"}},
		{Name: ColPeople, Aliases: []string{"培养联系人", "入党介绍人", "经办人"}, Optional: true},
		{Name: ColDocuments, Aliases: []string{"材料名称"}, Optional: true},
		{Name: ColNote, Aliases: []string{"备注"}, Optional: true},
		{Name: ColDays, Optional: true},
		{Name: ColHours, Optional: true},
		{Name: ColDue, Aliases: []string{"应到人数"}, Optional: true},
		{Name: ColPresent, Optional: true},
		{Name: ColYes, Optional: true},
		{Name: ColMonths, Optional: true},
		{Name: ColPubFrom, Aliases: []string{"公示开始时间"}, Optional: true},
		{Name: ColPubTo, Aliases: []string{"公示结束时间"}, Optional: true},
	}
}

// fieldColumn maps a field of the services' errors to its column.
var fieldColumn = map[string]string{"id_number": ColIDNumber, "name": ColName, "party_org_id": ColPartyOrg, "birth_date": ColIDNumber,
	"gender": ColIDNumber, "applied_on": ColDate, "done_on": ColDate, "step": ColStep, "people": ColPeople, "introducers": ColPeople,
	"training_days": ColDays, "voters_due": ColDue, "present": ColPresent, "yes": ColYes, "months": ColMonths, "note": ColNote,
	"publicity_from": ColPubFrom, "publicity_to": ColPubTo}

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

var errRejected = errors.New("import rejected")

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

// Import reads development records (one row per step, in the order they
// happened) and records them all or nothing, each through the same rules as
// a step recorded by hand. A row of step ① registers the person (姓名 and
// 党组织名称 needed); later rows find the person by 身份证号. A step already
// recorded on the same day is left unchanged, so re-importing a file writes
// nothing new. Introducers (step ⑨) are named in 相关人员 and looked up on
// the party organization's roster.
func (s *Service) Import(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	var res ImportResult
	prot, err := s.Protector()
	if err != nil {
		return res, nil, err
	}
	r, err := xlsx.OpenImport(ra, size, ImportColumns(), limits)
	if err != nil {
		return res, nil, err
	}
	defer r.Close()
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return res, nil, err
	}
	pos := map[string][]int64{}
	prs, err := s.DB.Query(ctx, s.DB, `SELECT p.id, p.name FROM party_orgs p WHERE `+cond, args...)
	if err != nil {
		return res, nil, err
	}
	for prs.Next() {
		var id int64
		var name string
		if err := prs.Scan(&id, &name); err != nil {
			prs.Close()
			return res, nil, err
		}
		pos[strings.ReplaceAll(name, " ", "")] = append(pos[strings.ReplaceAll(name, " ", "")], id)
	}
	prs.Close()
	var errs []xlsx.CellError
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		for r.Next() {
			x := r.Row()
			res.Rows++
			bad := func(col, msg string) { errs = append(errs, xlsx.CellError{Row: x.Number, Column: col, Message: msg}) }
			fromErr := func(err error) error {
				cells, ok := xlsx.ServiceCells(x.Number, err, fieldColumn, ColStep)
				if !ok {
					return err
				}
				errs = append(errs, cells...)
				return nil
			}
			n, ok := stepByText(x.Get(ColStep).Text())
			if !ok {
				bad(ColStep, "步骤应为 1–25 的序号（或①–㉕、步骤名称），或“延长预备期”")
				continue
			}
			d, monthOnly, derr := xlsx.ParseDate(x.Get(ColDate).Raw, x.Get(ColDate).Numeric)
			if derr != nil || monthOnly || x.Get(ColDate).Blank() {
				bad(ColDate, "日期无法识别（可写作 2024-03-15、2024/3/15、2024.3.15 或 2024年3月15日）")
				continue
			}
			day := d.Format(store.DateFormat)
			idn := strings.ToUpper(strings.ReplaceAll(x.Get(ColIDNumber).Text(), " ", ""))
			var personID int64
			err := s.DB.QueryRow(ctx, tx, `SELECT id FROM dev_people WHERE id_number_hash = ?`, prot.Hash(idn)).Scan(&personID)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if n == 1 {
				if personID != 0 {
					res.Unchanged++
					continue
				}
				ids := pos[strings.ReplaceAll(x.Get(ColPartyOrg).Text(), " ", "")]
				if len(ids) != 1 {
					bad(ColPartyOrg, "党组织不存在、不在您的管辖范围内或有重名")
					continue
				}
				if _, err := s.applyTx(ctx, tx, PersonInput{PartyOrgID: ids[0], Name: x.Get(ColName).Text(), IDNumber: idn, AppliedOn: day, Note: x.Get(ColNote).Text()}); err != nil {
					if e := fromErr(err); e != nil {
						return e
					}
					continue
				}
				res.Created++
				continue
			}
			if personID == 0 {
				bad(ColIDNumber, "发展名册中没有此人：请先导入（或登记）第1步“递交入党申请书”")
				continue
			}
			var seen int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM dev_steps WHERE person_id = ? AND step = ? AND done_on = ?`, personID, n, day).Scan(&seen); err != nil {
				return err
			}
			if seen > 0 {
				res.Unchanged++
				continue
			}
			num := func(col string) int {
				c := x.Get(col)
				if c.Blank() {
					return 0
				}
				v, err := xlsx.ParseInt(c.Raw)
				if err != nil {
					bad(col, "应为整数")
				}
				return v
			}
			in := StepInput{Step: n, DoneOn: day, People: x.Get(ColPeople).Text(), Documents: x.Get(ColDocuments).Text(), Note: x.Get(ColNote).Text(),
				TrainingDays: num(ColDays), TrainingHours: num(ColHours), VotersDue: num(ColDue), Present: num(ColPresent), Yes: num(ColYes), Months: num(ColMonths)}
			pubOK := true
			for _, p := range []struct {
				col string
				dst *string
			}{{ColPubFrom, &in.PublicityFrom}, {ColPubTo, &in.PublicityTo}} {
				v, ok := x.Get(p.col).Day()
				if !ok {
					bad(p.col, xlsx.DateHint)
					pubOK = false
				}
				*p.dst = v
			}
			if !pubOK {
				continue
			}
			if n == 9 {
				ids, msg, err := s.introducersByName(ctx, tx, personID, in.People)
				if err != nil {
					return err
				}
				if msg != "" {
					bad(ColPeople, msg)
					continue
				}
				in.Introducers = ids
			}
			if _, err := s.recordStepTx(ctx, tx, personID, in); err != nil {
				if e := fromErr(err); e != nil {
					return e
				}
				continue
			}
			res.Created++
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
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "dev_import", Entity: "dev_person", After: res})
	})
	if errors.Is(err, errRejected) {
		return ImportResult{Rows: res.Rows}, errs, nil
	}
	if err != nil {
		return ImportResult{Rows: res.Rows}, nil, err
	}
	return res, nil, nil
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

// ImportTemplate writes the development-records template (the header row).
func ImportTemplate(w io.Writer) error {
	xw, err := xlsx.NewWriter("发展党员记录", ImportHeaders(), []float64{22, 10, 28, 18, 14, 20, 20, 30, 10, 10, 12, 10, 10, 10})
	if err != nil {
		return err
	}
	return xw.Finish(w)
}
