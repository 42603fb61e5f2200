package meeting

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"liangxin/internal/apperr"
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

// importSheet declares the meeting-records sheet for the import driver.
var importSheet = sheetimport.Sheet{
	Name: "会议记录",
	Columns: []sheetimport.Column{
		{Header: ColPartyOrg, Synonyms: []string{"党组织", "支部名称", "党支部"}, Required: true, Width: 28, Comment: "必填：您管辖范围内党组织的全称"},
		{Header: ColKind, Synonyms: []string{"类型", "会议类别", "形式"}, Required: true, Width: 14, List: kindNames()},
		{Header: ColDate, Synonyms: []string{"日期", "会议日期", "时间"}, Required: true, Width: 14, Comment: "必填，写到日，如 2024-03-15"},
		{Header: ColPlace, Synonyms: []string{"会议地点"}, Width: 18},
		{Header: ColTopic, Synonyms: []string{"会议主题", "内容", "议题"}, Width: 30},
		{Header: ColPresenter, Synonyms: []string{"主讲人", "讲课人"}, Width: 12},
		{Header: ColHost, Synonyms: []string{"会议主持人", "主持"}, Width: 12},
		{Header: ColRecorder, Synonyms: []string{"会议记录人", "记录员"}, Width: 12},
		{Header: ColPresent, Synonyms: []string{"出席", "参会党员", "出席人员"}, Width: 30, Comment: "党员姓名，以顿号或逗号分隔"},
		{Header: ColExcused, Synonyms: []string{"请假", "请假人员"}, Width: 16},
		{Header: ColAbsent, Synonyms: []string{"缺席", "缺席人员"}, Width: 16},
		{Header: ColMinutes, Synonyms: []string{"记录", "会议纪要"}, Width: 40},
		{Header: ColResolve, Synonyms: []string{"决议", "会议决议"}, Width: 30},
		{Header: ColLateNote, Synonyms: []string{"备注", "补开补报说明"}, Width: 20},
	},
	AuditAction: "meeting.import",
	AuditEntity: "meeting",
}

// kindNames are the Chinese names of the meeting kinds (the template's list).
func kindNames() []string {
	var names []string
	for _, k := range Kinds() {
		names = append(names, k.Name)
	}
	return names
}

// ImportHeaders is the header row of the template.
func ImportHeaders() []string { return importSheet.Headers() }

// ImportColumns describes the columns for the reader.
func ImportColumns() []xlsx.Column { return importSheet.ReaderColumns() }

// fieldColumn maps an Input field to the column that feeds it.
var fieldColumn = map[string]string{"party_org_id": ColPartyOrg, "kind": ColKind, "date": ColDate, "place": ColPlace, "topic": ColTopic,
	"presenter": ColPresenter, "host": ColHost, "recorder": ColRecorder, "minutes": ColMinutes, "resolutions": ColResolve, "late_note": ColLateNote, "attendees": ColPresent, "status": ColDate}

// ImportResult counts what an import wrote.
type ImportResult = sheetimport.Result

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

// importRow is one row of the sheet: a held meeting and its attendees by name.
type importRow struct {
	in    Input
	names map[string][]string // status → names
}

// Import reads historical meeting records (held meetings) from a .xlsx file
// and writes them all or nothing: any bad cell writes nothing and returns the
// cell errors for the error workbook. Party organizations are named within
// the caller's scope; attendees by name within the party organization's
// roster. A row matching a recorded meeting (same party organization, kind,
// day and topic) updates it, so re-importing a file changes nothing.
func (s *Service) Import(ctx context.Context, ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (ImportResult, []xlsx.CellError, error) {
	pos := map[string][]int64{} // party organizations visible to the caller, by name
	seen := map[string]int{}    // meeting key → first row
	rosters := map[int64]map[string][]int64{}
	prepare := func(ctx context.Context) error {
		idx, err := sheetimport.PartyOrgsByName(ctx, s.DB)
		if err != nil {
			return err
		}
		pos = idx
		return nil
	}
	mapRow := func(x xlsx.Row, c *sheetimport.Cells) importRow {
		rw := importRow{names: map[string][]string{}}
		po := strings.ReplaceAll(x.Get(ColPartyOrg).Text(), " ", "")
		kind, ok := kindByName(x.Get(ColKind).Text())
		if po == "" {
			c.Bad(ColPartyOrg, "请填写党组织名称")
		}
		if !ok {
			c.Bad(ColKind, "会议类型应为：支部党员大会、支委会、党小组会、党课、主题党日、组织生活会、民主评议党员或谈心谈话")
		}
		d, monthOnly, err := xlsx.ParseDate(x.Get(ColDate).Raw, x.Get(ColDate).Numeric)
		switch {
		case x.Get(ColDate).Blank():
			c.Bad(ColDate, "请填写召开日期")
		case err != nil:
			c.Bad(ColDate, "日期无法识别（可写作 2024-03-15、2024/3/15、2024.3.15 或 2024年3月15日）")
		case monthOnly:
			c.Bad(ColDate, "请填写到日（例如 2024-03-15）")
		}
		rw.in = Input{Kind: kind, Status: StatusHeld, Date: d.Format(store.DateFormat), Place: x.Get(ColPlace).Text(), Topic: x.Get(ColTopic).Text(),
			Presenter: x.Get(ColPresenter).Text(), Host: x.Get(ColHost).Text(), Recorder: x.Get(ColRecorder).Text(), Minutes: x.Get(ColMinutes).Text(), Resolutions: x.Get(ColResolve).Text(), LateNote: x.Get(ColLateNote).Text()}
		rw.names[Present] = splitNames(x.Get(ColPresent).Text())
		rw.names[Excused] = splitNames(x.Get(ColExcused).Text())
		rw.names[Absent] = splitNames(x.Get(ColAbsent).Text())
		if po == "" {
			return rw
		}
		switch ids := pos[po]; len(ids) {
		case 0:
			c.Bad(ColPartyOrg, "党组织不存在或不在您的管辖范围内")
			return rw
		case 1:
			rw.in.PartyOrgID = ids[0]
		default:
			c.Bad(ColPartyOrg, "有多个同名党组织，请在系统中逐条登记")
			return rw
		}
		key := fmt.Sprintf("%d|%s|%s|%s", rw.in.PartyOrgID, rw.in.Kind, rw.in.Date, rw.in.Topic)
		if prev, dup := seen[key]; dup {
			c.Bad(ColTopic, fmt.Sprintf("与第 %d 行是同一次会议（党组织、类型、日期、主题相同）", prev))
		}
		seen[key] = c.Row()
		return rw
	}
	touched := map[int64]bool{}
	write := func(ctx context.Context, tx *sql.Tx, rw importRow, c *sheetimport.Cells) (sheetimport.Result, error) {
		m, ok := rosters[rw.in.PartyOrgID]
		if !ok {
			var err error
			if m, err = s.roster(ctx, tx, rw.in.PartyOrgID); err != nil {
				return sheetimport.Nothing, err
			}
			rosters[rw.in.PartyOrgID] = m
		}
		in := rw.in
		resolveAttendees(&in, rw.names, m, c)
		if !c.OK() {
			return sheetimport.Nothing, nil
		}
		if _, err := s.validate(ctx, tx, &in); err != nil {
			if !apperr.IsKind(err, apperr.KindInvalid) {
				return sheetimport.Nothing, err
			}
			return sheetimport.Nothing, c.Refused(err, fieldColumn, ColPresent)
		}
		touched[in.PartyOrgID] = true
		return s.importMeeting(ctx, tx, in)
	}
	// The compliance slots of the party organizations the rows touched,
	// once, when every row is written.
	around := func(ctx context.Context, tx *sql.Tx, rows func() error) error {
		if err := rows(); err != nil {
			return err
		}
		ids := make([]int64, 0, len(touched))
		for id := range touched {
			ids = append(ids, id)
		}
		return s.refreshSlots(ctx, tx, ids...)
	}
	return sheetimport.Run(ctx, sheetimport.Env{DB: s.DB, Audit: s.Audit}, sheetimport.Import[importRow]{
		Sheet: importSheet, Prepare: prepare, Map: mapRow, Write: write, Around: around,
	}, ra, size, limits, progress)
}

// roster lists the members of a party organization and its subtree by name.
func (s *Service) roster(ctx context.Context, tx *sql.Tx, po int64) (map[string][]int64, error) {
	m := map[string][]int64{}
	rs, err := s.DB.Query(ctx, tx, `WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT c.id FROM party_orgs c JOIN sub ON c.parent_id = sub.id)
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
	return m, rs.Err()
}

// resolveAttendees turns the row's attendee names into members of roster.
func resolveAttendees(in *Input, names map[string][]string, roster map[string][]int64, c *sheetimport.Cells) {
	statusCol := map[string]string{Present: ColPresent, Excused: ColExcused, Absent: ColAbsent}
	who := map[string]bool{}
	for _, st := range []string{Present, Excused, Absent} {
		for _, name := range names[st] {
			switch ids := roster[name]; {
			case who[name]:
				c.Bad(statusCol[st], name+" 重复登记")
			case len(ids) == 0:
				c.Bad(statusCol[st], name+" 不在本党组织的党员花名册中")
			case len(ids) > 1:
				c.Bad(statusCol[st], name+" 在花名册中有重名，请在系统中登记其出席情况")
			default:
				in.Attendees = append(in.Attendees, AttendeeInput{MemberID: ids[0], Status: st})
			}
			who[name] = true
		}
	}
}

// importMeeting writes one held meeting: a new one, or the recorded one
// with the same party organization, kind, day and topic.
func (s *Service) importMeeting(ctx context.Context, tx *sql.Tx, in Input) (sheetimport.Result, error) {
	var id int64
	var place, presenter, host, recorder, minutes, resolutions, lateNote string
	err := s.DB.QueryRow(ctx, tx, `SELECT id, place, presenter, host, recorder, minutes, resolutions, late_note FROM meetings
		WHERE party_org_id = ? AND kind = ? AND held_on = ? AND topic = ? AND status = ?`, in.PartyOrgID, in.Kind, in.Date, in.Topic, StatusHeld).
		Scan(&id, &place, &presenter, &host, &recorder, &minutes, &resolutions, &lateNote)
	now := store.FormatTime(s.Now())
	did := sheetimport.Updated
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO meetings (party_org_id, kind, status, held_on, place, topic, presenter, host, recorder, minutes, resolutions, late, late_note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.PartyOrgID, in.Kind, in.Status, in.Date, in.Place, in.Topic, in.Presenter,
			in.Host, in.Recorder, in.Minutes, in.Resolutions, in.Late, in.LateNote, now, now).Scan(&id); err != nil {
			return sheetimport.Nothing, err
		}
		did = sheetimport.Created
	case err != nil:
		return sheetimport.Nothing, err
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
			return sheetimport.Nothing, err
		}
		if same && place == in.Place && presenter == in.Presenter && host == in.Host && recorder == in.Recorder && minutes == in.Minutes && resolutions == in.Resolutions && lateNote == in.LateNote {
			return sheetimport.Unchanged, nil
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE meetings SET place = ?, presenter = ?, host = ?, recorder = ?, minutes = ?, resolutions = ?, late_note = ?, updated_at = ? WHERE id = ?`,
			in.Place, in.Presenter, in.Host, in.Recorder, in.Minutes, in.Resolutions, in.LateNote, now, id); err != nil {
			return sheetimport.Nothing, err
		}
	}
	return did, s.writeAttendees(ctx, tx, id, in.Attendees)
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

// ImportTemplate writes the meeting-records template.
func ImportTemplate(w io.Writer) error { return importSheet.Template(w) }
