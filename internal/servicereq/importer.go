package servicereq

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/pdata"
	"liangxin/internal/region"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// RegionNames resolves a region written in a spreadsheet cell (its name or
// code) — the region service.
type RegionNames interface {
	NameIndex(ctx context.Context) (*region.NameIndex, error)
}

// Columns of the historical-request template (ImportHeaders).
const (
	ColReceived = "受理日期"
	ColSource   = "来源"
	ColCategory = "类别"
	ColContent  = "内容"
	ColName     = "诉求人"
	ColPhone    = "电话"
	ColRegion   = "所属区划"
	ColDone     = "办结日期"
	ColResult   = "办理结果"
	ColReplied  = "回单日期"
	ColSatisf   = "满意度"
)

// importSheet declares the historical-request sheet for the import driver.
var importSheet = sheetimport.Sheet{
	Name: "历史诉求",
	Columns: []sheetimport.Column{
		{Header: ColReceived, Synonyms: []string{"接单日期", "受理时间"}, Required: true, Width: 12},
		{Header: ColSource, Synonyms: []string{"诉求来源"}, Required: true, Width: 10},
		{Header: ColCategory, Synonyms: []string{"诉求类别"}, Required: true, Width: 10},
		{Header: ColContent, Synonyms: []string{"诉求内容"}, Required: true, Width: 50},
		{Header: ColName, Synonyms: []string{"诉求人姓名"}, Required: true, Width: 10},
		{Header: ColPhone, Synonyms: []string{"联系电话"}, Width: 16},
		{Header: ColRegion, Synonyms: []string{"所属区域", "所属街道（乡镇）"}, Required: true, Width: 16},
		{Header: ColDone, Synonyms: []string{"办结时间"}, Width: 12},
		{Header: ColResult, Synonyms: []string{"办结结果"}, Width: 40},
		{Header: ColReplied, Synonyms: []string{"回复日期"}, Width: 12},
		{Header: ColSatisf, Synonyms: []string{"诉求人满意度"}, Width: 10},
	},
	AuditAction: "service_request_import",
	AuditNote: func(r sheetimport.Result) string {
		return fmt.Sprintf("导入历史诉求 %d 件", r.Created)
	},
	AuditEntity: "service_request",
}

// ImportHeaders are the Chinese headers of the historical-request template.
func ImportHeaders() []string { return importSheet.Headers() }

// ImportColumns describes the template's columns for the reader.
func ImportColumns() []xlsx.Column { return importSheet.ReaderColumns() }

// ImportTemplate writes the template: the header row and one example row.
func ImportTemplate(w io.Writer) error {
	return importSheet.Template(w, "2025-03-15", "接待台", "政策咨询", "（示例，导入前请删除此行）企业咨询稳岗补贴申领条件", "张经理", "13800000000", "洪桥街道",
		"2025-03-18", "已电话讲解申领流程", "2025-03-19", "满意")
}

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

// importRow is one checked row of the template.
type importRow struct {
	received, source, content, name, phone, region string
	category                                       Category
	done, result, replied, satisf                  string
}

// Import reads historical requests and writes them all or nothing, each in
// its historical final state with its dates: received (接单) only → 已接单;
// with 办结日期 and 办理结果 → 已办结; with 回单日期 and 满意度 as well → 已关闭.
// Every wrong cell is named by row and column; a row equal to a request
// already stored (same 受理日期, 诉求人 and 内容) is refused, so a file
// cannot be imported twice. Source, category and satisfaction are written
// by their Chinese names; the region by name or code, inside the caller's
// scope; a masked phone (139****5678, as the export writes it) is left out.
func (s *Service) Import(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	var (
		regions *region.NameIndex
		byName  = map[string]Category{}
		cal     Calendar
		p       *pdata.Protector
		today   = s.today()
		failed  error // a failure of a lookup in the mapping
	)
	prepare := func(ctx context.Context) error {
		if s.Regions == nil {
			return errors.New("servicereq: no region index wired")
		}
		var err error
		if regions, err = s.Regions.NameIndex(ctx); err != nil {
			return err
		}
		cats, err := s.categories(ctx, s.DB)
		if err != nil {
			return err
		}
		for _, c := range cats {
			byName[c.Name] = c
		}
		cal, err = s.calendar(ctx, s.DB)
		return err
	}
	mapRow := func(x xlsx.Row, c *sheetimport.Cells) importRow {
		var in importRow
		day := func(col string, required bool) string {
			d, ok := x.Get(col).Day()
			switch {
			case !ok:
				c.Bad(col, xlsx.DateHint)
			case d == "" && required:
				c.Bad(col, "请填写"+col)
			case d > today:
				c.Bad(col, col+"不能晚于今天")
			}
			return d
		}
		text := func(col string, required bool, max int) string {
			v := x.Get(col).Name()
			if required && v == "" {
				c.Bad(col, "请填写"+col)
			}
			if len([]rune(v)) > max {
				c.Bad(col, fmt.Sprintf("%s不能超过 %d 个字", col, max))
			}
			return v
		}
		in.received = day(ColReceived, true)
		if v := squeeze(x.Get(ColSource).Text()); v != "" {
			for _, o := range Sources() {
				if o.Name == v {
					in.source = o.Code
				}
			}
			if in.source == "" {
				c.Bad(ColSource, "来源应为接待台、电话、线上群、政企对话、指导员走访、网格或公开表单")
			}
		} else {
			c.Bad(ColSource, "请填写来源")
		}
		if v := squeeze(x.Get(ColCategory).Text()); v == "" {
			c.Bad(ColCategory, "请填写类别")
		} else if cat, ok := byName[v]; ok {
			in.category = cat
		} else {
			c.Bad(ColCategory, "「"+v+"」不是设置中的诉求类别")
		}
		in.content = text(ColContent, true, 2000)
		in.name = text(ColName, true, 50)
		if v := x.Get(ColPhone).Text(); v != "" && !strings.Contains(v, "*") {
			ph, ok := pdata.NormalizePhone(v)
			if !ok {
				c.Bad(ColPhone, "电话应为11位手机号或带区号的固定电话（如 0734-1234567）")
			}
			in.phone = ph
		}
		if v := x.Get(ColRegion).Text(); v == "" {
			c.Bad(ColRegion, "请填写所属区划")
		} else {
			code, msg := regions.Resolve(v)
			if msg != "" {
				c.Bad(ColRegion, msg)
			} else if failed == nil {
				if err := s.regionInScope(ctx, s.DB, code); err != nil {
					if !apperr.IsKind(err, apperr.KindNotFound) {
						failed = err
						return in
					}
					c.Bad(ColRegion, "「"+v+"」不在管辖范围内")
				}
			}
			in.region = code
		}
		in.done = day(ColDone, false)
		in.result = text(ColResult, false, 2000)
		in.replied = day(ColReplied, false)
		if v := squeeze(x.Get(ColSatisf).Text()); v != "" {
			for _, o := range Satisfactions() {
				if o.Name == v {
					in.satisf = o.Code
				}
			}
			if in.satisf == "" {
				c.Bad(ColSatisf, "满意度应为满意、基本满意或不满意")
			}
		}
		if c.OK() {
			checkSteps(in, c)
		}
		return in
	}
	write := func(ctx context.Context, tx *sql.Tx, in importRow, c *sheetimport.Cells) (sheetimport.Result, error) {
		if failed != nil {
			return sheetimport.Nothing, failed
		}
		// Looked for in the transaction: the file's own earlier rows count.
		var dup int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM service_requests WHERE received_on = ? AND requester_name = ? AND content = ?`,
			in.received, in.name, in.content).Scan(&dup); err != nil {
			return sheetimport.Nothing, err
		}
		if dup > 0 {
			c.Bad(ColContent, "已有受理日期、诉求人和内容相同的诉求（该行可能已导入）")
			return sheetimport.Nothing, nil
		}
		if in.phone != "" && p == nil {
			var err error
			if p, err = s.protector(); err != nil {
				return sheetimport.Nothing, err
			}
		}
		if err := s.insertHistorical(ctx, tx, cal, p, in); err != nil {
			return sheetimport.Nothing, err
		}
		return sheetimport.Created, nil
	}
	res, errs, err := sheetimport.Run(ctx, sheetimport.Env{DB: s.DB, Audit: s.Audit}, sheetimport.Import[importRow]{
		Sheet: importSheet, Prepare: prepare, Map: mapRow, Write: write,
	}, ra, size, limits, progress)
	if failed != nil && err == nil {
		errs, err = nil, failed
	}
	if err != nil {
		return ImportResult{Rows: res.Rows}, nil, fmt.Errorf("servicereq: import: %w", err)
	}
	return res, errs, nil
}

// checkSteps checks that a row's dates and answers tell one history: the
// first inconsistency is marked.
func checkSteps(in importRow, c *sheetimport.Cells) {
	switch {
	case in.done != "" && in.done < in.received:
		c.Bad(ColDone, "办结日期不能早于受理日期")
	case in.done != "" && in.result == "":
		c.Bad(ColResult, "已办结的诉求请填写办理结果")
	case in.done == "" && (in.result != "" || in.replied != "" || in.satisf != ""):
		c.Bad(ColDone, "填写了办理结果或回单，请填写办结日期")
	case in.replied != "" && in.replied < in.done:
		c.Bad(ColReplied, "回单日期不能早于办结日期")
	case (in.replied == "") != (in.satisf == ""):
		if in.replied == "" {
			c.Bad(ColReplied, "填写了满意度，请填写回单日期")
		} else {
			c.Bad(ColSatisf, "回单时请填写诉求人满意度")
		}
	}
}

func squeeze(s string) string { return strings.ReplaceAll(xlsx.NormalizeText(s), " ", "") }

// insertHistorical writes one imported request in its final state with a
// timeline entry per step on its historical day.
func (s *Service) insertHistorical(ctx context.Context, tx *sql.Tx, cal Calendar, p *pdata.Protector, in importRow) error {
	due, err := cal.AddWorkingDays(in.received, in.category.DeadlineDays)
	if err != nil {
		return err
	}
	enc, hash, mask := "", "", ""
	if in.phone != "" {
		if enc, err = p.Encrypt(in.phone); err != nil {
			return err
		}
		hash, mask = p.Hash(in.phone), pdata.MaskPhone(in.phone)
	}
	state := StateReceived
	var done, replied, days any
	switch {
	case in.replied != "":
		state, done, replied, days = StateClosed, in.done, in.replied, calendarDays(in.received, in.done)
	case in.done != "":
		state, done, days = StateDone, in.done, calendarDays(in.received, in.done)
	}
	who, now := s.username(ctx), s.stamp()
	var id int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO service_requests (source, category_id, content, requester_name, requester_phone_enc,
		requester_phone_hash, requester_phone_mask, region_code, state, received_on, due_on, result, replied_on, satisfaction,
		done_on, done_days, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.source, in.category.ID, in.content, in.name, enc, hash, mask, in.region, state, in.received, due, in.result, replied, in.satisf,
		done, days, who, now, now).Scan(&id); err != nil {
		return err
	}
	type step struct{ action, from, to, day string }
	steps := []step{{ActReceive, "", StateReceived, in.received}}
	if in.done != "" {
		steps = append(steps, step{ActFinish, StateReceived, StateDone, in.done})
	}
	if in.replied != "" {
		steps = append(steps, step{ActReply, StateDone, StateReplied, in.replied}, step{ActClose, StateReplied, StateClosed, in.replied})
	}
	for _, st := range steps {
		// Noon China time: the stored UTC instant falls on the same day.
		t, _ := time.ParseInLocation(dayFmt, st.day, cst)
		t = t.Add(12 * time.Hour)
		detail := map[string]string{"imported": "true"}
		if st.action == ActFinish {
			detail["result"] = in.result
		}
		if st.action == ActReply {
			detail["satisfaction"] = in.satisf
		}
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO service_request_events (request_id, action, from_state, to_state, note, detail, due_on, username, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, st.action, st.from, st.to, "导入历史诉求", mustJSON(detail), due, who, store.FormatTime(t)); err != nil {
			return err
		}
	}
	return nil
}
