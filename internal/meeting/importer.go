package meeting

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// Columns of the meeting-records template (historical 三会一课 ledgers).
const (
	ColPartyOrg  = "党组织名称"
	ColKind      = "会议类型"
	ColDate      = "召开日期"
	ColPlace     = "地点"
	ColTopic     = "主题"
	ColPresenter = "授课人"
	ColHost      = "主持人"
	ColRecorder  = "记录人"
	ColPresent   = "出席党员"
	ColExcused   = "请假党员"
	ColAbsent    = "缺席党员"
	ColMinutes   = "会议记录"
	ColResolve   = "决议事项"
	ColLateNote  = "补报说明"
)

// ImportHeaders is the template's header row, in order.
func ImportHeaders() []string {
	return []string{ColPartyOrg, ColKind, ColDate, ColPlace, ColTopic, ColPresenter, ColHost, ColRecorder, ColPresent, ColExcused, ColAbsent, ColMinutes, ColResolve, ColLateNote}
}

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column {
	return []xlsx.Column{
		{Name: ColPartyOrg, Aliases: []string{"党组织", "支部名称", "党支部"}},
		{Name: ColKind, Aliases: []string{"类型", "会议类别", "形式"}},
		{Name: ColDate, Aliases: []string{"日期", "会议日期", "时间"}},
		{Name: ColPlace, Aliases: []string{"会议地点"}, Optional: true},
		{Name: ColTopic, Aliases: []string{"会议主题", "内容", "议题"}, Optional: true},
		{Name: ColPresenter, Aliases: []string{"主讲人", "讲课人"}, Optional: true},
		{Name: ColHost, Aliases: []string{"会议主持人", "主持"}, Optional: true},
		{Name: ColRecorder, Aliases: []string{"会议记录人", "记录员"}, Optional: true},
		{Name: ColPresent, Aliases: []string{"出席", "参会党员", "出席人员"}, Optional: true},
		{Name: ColExcused, Aliases: []string{"请假", "请假人员"}, Optional: true},
		{Name: ColAbsent, Aliases: []string{"缺席", "缺席人员"}, Optional: true},
		{Name: ColMinutes, Aliases: []string{"记录", "会议纪要"}, Optional: true},
		{Name: ColResolve, Aliases: []string{"决议", "会议决议"}, Optional: true},
		{Name: ColLateNote, Aliases: []string{"备注", "补开补报说明"}, Optional: true},
	}
}

// fieldColumn maps an Input field to the column that feeds it.
var fieldColumn = map[string]string{"party_org_id": ColPartyOrg, "kind": ColKind, "date": ColDate, "place": ColPlace, "topic": ColTopic,
	"presenter": ColPresenter, "host": ColHost, "recorder": ColRecorder, "minutes": ColMinutes, "resolutions": ColResolve, "late_note": ColLateNote, "attendees": ColPresent, "status": ColDate}

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

// errRejected rolls the import's transaction back when any cell is bad.
var errRejected = errors.New("import rejected")

// kindByName resolves a meeting kind from its Chinese name or code.
func kindByName(s string) (string, bool) {
	s = strings.ReplaceAll(s, " ", "")
	for _, k := range Kinds() {
		if s == k.Name || s == k.Code {
			return k.Code, true
		}
	}
	switch s {
	case "党员大会":
		return KindBranchAssembly, true
	case "支部委员会", "支委会议":
		return KindCommitteeMeeting, true
	case "党小组":
		return KindGroupMeeting, true
	case "专题组织生活会":
		return KindLifeMeeting, true
	}
	return "", false
}

func splitNames(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == ' ' || r == '\n'
	}) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Import reads historical meeting records (held meetings) from a .xlsx file
// and writes them all or nothing: any bad cell writes nothing and returns the
// cell errors for the error workbook. Party organizations are named within
// the caller's scope; attendees by name within the party organization's
// roster. A row matching a recorded meeting (same party organization, kind,
// day and topic) updates it, so re-importing a file changes nothing.
func (s *Service) Import(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	var res ImportResult
	r, err := xlsx.OpenImport(ra, size, ImportColumns(), limits)
	if err != nil {
		return res, nil, err
	}
	defer r.Close()
	type row struct {
		n     int
		bad   bool
		po    string
		in    Input
		names map[string][]string // status → names
	}
	var rows []row
	var errs []xlsx.CellError
	for r.Next() {
		x := r.Row()
		rw := row{n: x.Number, po: strings.ReplaceAll(x.Get(ColPartyOrg).Text(), " ", ""), names: map[string][]string{}}
		bad := func(col, msg string) {
			errs = append(errs, xlsx.CellError{Row: x.Number, Column: col, Message: msg})
			rw.bad = true
		}
		if rw.po == "" {
			bad(ColPartyOrg, "请填写党组织名称")
		}
		kind, ok := kindByName(x.Get(ColKind).Text())
		if !ok {
			bad(ColKind, "会议类型应为：支部党员大会、支委会、党小组会、党课、主题党日、组织生活会、民主评议党员或谈心谈话")
		}
		d, monthOnly, err := xlsx.ParseDate(x.Get(ColDate).Raw, x.Get(ColDate).Numeric)
		switch {
		case x.Get(ColDate).Blank():
			bad(ColDate, "请填写召开日期")
		case err != nil:
			bad(ColDate, "日期无法识别（可写作 2024-03-15、2024/3/15、2024.3.15 或 2024年3月15日）")
		case monthOnly:
			bad(ColDate, "请填写到日（例如 2024-03-15）")
		}
		rw.in = Input{Kind: kind, Status: StatusHeld, Date: d.Format(store.DateFormat), Place: x.Get(ColPlace).Text(), Topic: x.Get(ColTopic).Text(),
			Presenter: x.Get(ColPresenter).Text(), Host: x.Get(ColHost).Text(), Recorder: x.Get(ColRecorder).Text(), Minutes: x.Get(ColMinutes).Text(), Resolutions: x.Get(ColResolve).Text(), LateNote: x.Get(ColLateNote).Text()}
		rw.names[Present] = splitNames(x.Get(ColPresent).Text())
		rw.names[Excused] = splitNames(x.Get(ColExcused).Text())
		rw.names[Absent] = splitNames(x.Get(ColAbsent).Text())
		rows = append(rows, rw)
		if progress != nil && len(rows)%500 == 0 {
			progress("reading", len(rows))
		}
	}
	if err := r.Err(); err != nil {
		return res, nil, apperr.InvalidField("file", "无法读取该文件："+err.Error())
	}
	res.Rows = len(rows)
	if len(rows) == 0 {
		return res, nil, apperr.InvalidField("file", "表格中没有数据行")
	}
	// Party organizations visible to the caller, by name.
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
		name = strings.ReplaceAll(name, " ", "")
		pos[name] = append(pos[name], id)
	}
	prs.Close()
	rosters := map[int64]map[string][]int64{}
	roster := func(po int64) (map[string][]int64, error) {
		if m, ok := rosters[po]; ok {
			return m, nil
		}
		m := map[string][]int64{}
		rs, err := s.DB.Query(ctx, s.DB, `WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT c.id FROM party_orgs c JOIN sub ON c.parent_id = sub.id)
			SELECT id, name FROM members WHERE party_org_id IN (SELECT id FROM sub)`, po)
		if err != nil {
			return nil, err
		}
		defer rs.Close()
		for rs.Next() {
			var id int64
			var name string
			if err := rs.Scan(&id, &name); err != nil {
				return nil, err
			}
			m[name] = append(m[name], id)
		}
		rosters[po] = m
		return m, rs.Err()
	}
	statusCol := map[string]string{Present: ColPresent, Excused: ColExcused, Absent: ColAbsent}
	seen := map[string]int{}
	for i := range rows {
		rw := &rows[i]
		bad := func(col, msg string) {
			errs = append(errs, xlsx.CellError{Row: rw.n, Column: col, Message: msg})
			rw.bad = true
		}
		if rw.po == "" {
			continue
		}
		ids := pos[rw.po]
		switch len(ids) {
		case 0:
			bad(ColPartyOrg, "党组织不存在或不在您的管辖范围内")
			continue
		case 1:
			rw.in.PartyOrgID = ids[0]
		default:
			bad(ColPartyOrg, "有多个同名党组织，请在系统中逐条登记")
			continue
		}
		key := fmt.Sprintf("%d|%s|%s|%s", rw.in.PartyOrgID, rw.in.Kind, rw.in.Date, rw.in.Topic)
		if prev, dup := seen[key]; dup {
			bad(ColTopic, fmt.Sprintf("与第 %d 行是同一次会议（党组织、类型、日期、主题相同）", prev))
		}
		seen[key] = rw.n
		m, err := roster(rw.in.PartyOrgID)
		if err != nil {
			return res, nil, err
		}
		who := map[string]bool{}
		for _, st := range []string{Present, Excused, Absent} {
			for _, name := range rw.names[st] {
				switch ids := m[name]; {
				case who[name]:
					bad(statusCol[st], name+" 重复登记")
				case len(ids) == 0:
					bad(statusCol[st], name+" 不在本党组织的党员花名册中")
				case len(ids) > 1:
					bad(statusCol[st], name+" 在花名册中有重名，请在系统中登记其出席情况")
				default:
					rw.in.Attendees = append(rw.in.Attendees, AttendeeInput{MemberID: ids[0], Status: st})
				}
				who[name] = true
			}
		}
	}
	if progress != nil {
		progress("validating", len(rows))
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		for i, rw := range rows {
			if rw.in.PartyOrgID == 0 || rw.bad {
				continue
			}
			in := rw.in
			if _, err := s.validate(ctx, tx, &in); err != nil {
				e, ok := apperr.As(err)
				if !ok || e.Kind != apperr.KindInvalid {
					return err
				}
				for f, msg := range e.Fields {
					col := fieldColumn[f]
					if col == "" {
						col = ColPresent
					}
					errs = append(errs, xlsx.CellError{Row: rw.n, Column: col, Message: msg})
				}
				continue
			}
			if len(errs) > 0 {
				continue
			}
			var id int64
			var place, presenter, host, recorder, minutes, resolutions, lateNote string
			err := s.DB.QueryRow(ctx, tx, `SELECT id, place, presenter, host, recorder, minutes, resolutions, late_note FROM meetings
				WHERE party_org_id = ? AND kind = ? AND held_on = ? AND topic = ? AND status = ?`, in.PartyOrgID, in.Kind, in.Date, in.Topic, StatusHeld).
				Scan(&id, &place, &presenter, &host, &recorder, &minutes, &resolutions, &lateNote)
			now := store.FormatTime(s.Now())
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if err := s.DB.QueryRow(ctx, tx, `INSERT INTO meetings (party_org_id, kind, status, held_on, place, topic, presenter, host, recorder, minutes, resolutions, late, late_note, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.PartyOrgID, in.Kind, in.Status, in.Date, in.Place, in.Topic, in.Presenter,
					in.Host, in.Recorder, in.Minutes, in.Resolutions, in.Late, in.LateNote, now, now).Scan(&id); err != nil {
					return err
				}
				res.Created++
			case err != nil:
				return err
			default:
				// Files without 主持人/记录人 (older templates) keep what was recorded.
				if in.Host == "" {
					in.Host = host
				}
				if in.Recorder == "" {
					in.Recorder = recorder
				}
				same, err := s.sameAttendance(ctx, tx, id, in.Attendees)
				if err != nil {
					return err
				}
				if same && place == in.Place && presenter == in.Presenter && host == in.Host && recorder == in.Recorder && minutes == in.Minutes && resolutions == in.Resolutions && lateNote == in.LateNote {
					res.Unchanged++
					continue
				}
				if _, err := s.DB.Exec(ctx, tx, `UPDATE meetings SET place = ?, presenter = ?, host = ?, recorder = ?, minutes = ?, resolutions = ?, late_note = ?, updated_at = ? WHERE id = ?`,
					in.Place, in.Presenter, in.Host, in.Recorder, in.Minutes, in.Resolutions, in.LateNote, now, id); err != nil {
					return err
				}
				res.Updated++
			}
			if err := s.writeAttendees(ctx, tx, id, in.Attendees); err != nil {
				return err
			}
			if progress != nil && (i+1)%200 == 0 {
				progress("writing", i+1)
			}
		}
		if len(errs) > 0 {
			return errRejected
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting.import", Entity: "meeting", EntityID: "", After: res})
	})
	if errors.Is(err, errRejected) {
		return ImportResult{Rows: res.Rows}, errs, nil
	}
	if err != nil {
		return ImportResult{Rows: res.Rows}, nil, err
	}
	if len(errs) > 0 {
		return ImportResult{Rows: res.Rows}, errs, nil
	}
	return res, nil, nil
}

func (s *Service) sameAttendance(ctx context.Context, tx *sql.Tx, id int64, list []AttendeeInput) (bool, error) {
	rows, err := s.DB.Query(ctx, tx, `SELECT member_id, status FROM meeting_attendance WHERE meeting_id = ?`, id)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	have := map[int64]string{}
	for rows.Next() {
		var m int64
		var st string
		if err := rows.Scan(&m, &st); err != nil {
			return false, err
		}
		have[m] = st
	}
	if len(have) != len(list) {
		return false, rows.Err()
	}
	for _, a := range list {
		if have[a.MemberID] != a.Status {
			return false, rows.Err()
		}
	}
	return true, rows.Err()
}

// ImportTemplate writes the meeting-records template (the header row).
func ImportTemplate(w io.Writer) error {
	xw, err := xlsx.NewWriter("会议记录", ImportHeaders(), []float64{28, 14, 14, 18, 30, 12, 30, 16, 16, 40, 30, 20})
	if err != nil {
		return err
	}
	return xw.Finish(w)
}
