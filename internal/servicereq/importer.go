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
	"liangxin/internal/audit"
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

// ImportColumns describes the template's columns for the reader.
func ImportColumns() []xlsx.Column {
	return []xlsx.Column{
		{Name: ColReceived, Aliases: []string{"接单日期", "受理时间"}},
		{Name: ColSource, Aliases: []string{"诉求来源"}},
		{Name: ColCategory, Aliases: []string{"诉求类别"}},
		{Name: ColContent, Aliases: []string{"诉求内容"}},
		{Name: ColName, Aliases: []string{"诉求人姓名"}},
		{Name: ColPhone, Aliases: []string{"联系电话"}, Optional: true},
		{Name: ColRegion, Aliases: []string{"所属区域", "所属街道（乡镇）"}},
		{Name: ColDone, Aliases: []string{"办结时间"}, Optional: true},
		{Name: ColResult, Aliases: []string{"办结结果"}, Optional: true},
		{Name: ColReplied, Aliases: []string{"回复日期"}, Optional: true},
		{Name: ColSatisf, Aliases: []string{"诉求人满意度"}, Optional: true},
	}
}

// ImportTemplate writes the template: the header row and one example row.
func ImportTemplate(w io.Writer) error {
	xw, err := xlsx.NewWriter("历史诉求", ImportHeaders(), []float64{12, 10, 10, 50, 10, 16, 16, 12, 40, 12, 10})
	if err != nil {
		return err
	}
	if err := xw.Row("2025-03-15", "接待台", "政策咨询", "（示例，导入前请删除此行）企业咨询稳岗补贴申领条件", "张经理", "13800000000", "洪桥街道",
		"2025-03-18", "已电话讲解申领流程", "2025-03-19", "满意"); err != nil {
		return err
	}
	return xw.Finish(w)
}

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

var errRejected = errors.New("import rejected")

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
	var res ImportResult
	r, err := xlsx.OpenImport(ra, size, ImportColumns(), limits)
	if err != nil {
		return res, nil, err
	}
	defer r.Close()
	if s.Regions == nil {
		return res, nil, errors.New("servicereq: no region index wired")
	}
	regions, err := s.Regions.NameIndex(ctx)
	if err != nil {
		return res, nil, err
	}
	cats, err := s.categories(ctx, s.DB)
	if err != nil {
		return res, nil, err
	}
	byName := map[string]Category{}
	for _, c := range cats {
		byName[c.Name] = c
	}
	var p *pdata.Protector
	var errs []xlsx.CellError
	today := s.today()
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		cal, err := s.calendar(ctx, tx)
		if err != nil {
			return err
		}
		for r.Next() {
			x := r.Row()
			res.Rows++
			n := len(errs)
			bad := func(col, msg string) { errs = append(errs, xlsx.CellError{Row: x.Number, Column: col, Message: msg}) }
			var in importRow
			day := func(col string, required bool) string {
				d, ok := x.Get(col).Day()
				switch {
				case !ok:
					bad(col, xlsx.DateHint)
				case d == "" && required:
					bad(col, "请填写"+col)
				case d > today:
					bad(col, col+"不能晚于今天")
				}
				return d
			}
			text := func(col string, required bool, max int) string {
				v := x.Get(col).Name()
				if required && v == "" {
					bad(col, "请填写"+col)
				}
				if len([]rune(v)) > max {
					bad(col, fmt.Sprintf("%s不能超过 %d 个字", col, max))
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
					bad(ColSource, "来源应为接待台、电话、线上群、政企对话、指导员走访、网格或公开表单")
				}
			} else {
				bad(ColSource, "请填写来源")
			}
			if v := squeeze(x.Get(ColCategory).Text()); v == "" {
				bad(ColCategory, "请填写类别")
			} else if c, ok := byName[v]; ok {
				in.category = c
			} else {
				bad(ColCategory, "「"+v+"」不是设置中的诉求类别")
			}
			in.content = text(ColContent, true, 2000)
			in.name = text(ColName, true, 50)
			if v := x.Get(ColPhone).Text(); v != "" && !strings.Contains(v, "*") {
				ph, ok := pdata.NormalizePhone(v)
				if !ok {
					bad(ColPhone, "电话应为11位手机号或带区号的固定电话（如 0734-1234567）")
				}
				in.phone = ph
			}
			if v := x.Get(ColRegion).Text(); v == "" {
				bad(ColRegion, "请填写所属区划")
			} else {
				code, msg := regions.Resolve(v)
				if msg != "" {
					bad(ColRegion, msg)
				} else if err := s.regionInScope(ctx, tx, code); err != nil {
					if !apperr.IsKind(err, apperr.KindNotFound) {
						return err
					}
					bad(ColRegion, "「"+v+"」不在管辖范围内")
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
					bad(ColSatisf, "满意度应为满意、基本满意或不满意")
				}
			}
			if len(errs) == n {
				switch {
				case in.done != "" && in.done < in.received:
					bad(ColDone, "办结日期不能早于受理日期")
				case in.done != "" && in.result == "":
					bad(ColResult, "已办结的诉求请填写办理结果")
				case in.done == "" && (in.result != "" || in.replied != "" || in.satisf != ""):
					bad(ColDone, "填写了办理结果或回单，请填写办结日期")
				case in.replied != "" && in.replied < in.done:
					bad(ColReplied, "回单日期不能早于办结日期")
				case (in.replied == "") != (in.satisf == ""):
					if in.replied == "" {
						bad(ColReplied, "填写了满意度，请填写回单日期")
					} else {
						bad(ColSatisf, "回单时请填写诉求人满意度")
					}
				}
			}
			if len(errs) > n {
				continue
			}
			var dup int
			if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM service_requests WHERE received_on = ? AND requester_name = ? AND content = ?`,
				in.received, in.name, in.content).Scan(&dup); err != nil {
				return err
			}
			if dup > 0 {
				bad(ColContent, "已有受理日期、诉求人和内容相同的诉求（该行可能已导入）")
				continue
			}
			if in.phone != "" && p == nil {
				if p, err = s.protector(); err != nil {
					return err
				}
			}
			if err := s.insertHistorical(ctx, tx, cal, p, in); err != nil {
				return err
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
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "service_request_import", Entity: "service_request", After: res,
			Note: fmt.Sprintf("导入历史诉求 %d 件", res.Created)})
	})
	if errors.Is(err, errRejected) {
		return ImportResult{Rows: res.Rows}, errs, nil
	}
	if err != nil {
		return ImportResult{Rows: res.Rows}, nil, fmt.Errorf("servicereq: import: %w", err)
	}
	return res, nil, nil
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
