// Package instructor keeps 党建指导员: who they are, which organizations each
// guides and from when, and what they did on their visits.
package instructor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/pdata"
	"liangxin/internal/region"
	"liangxin/internal/store"
)

// Assignment links an instructor to an organization over a period.
type Assignment struct {
	ID               int64  `json:"id"`
	InstructorID     int64  `json:"instructor_id"`
	OrganizationID   int64  `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	OrganizationUSCC string `json:"organization_uscc"`
	// OrganizationRegion names the unit's region, for export labels.
	OrganizationRegion string  `json:"-"`
	From               string  `json:"from"`
	To                 *string `json:"to"`
}

// Instructor is a 党建指导员. Phone is masked (138****5678) unless revealed
// (Reveal); the number itself is kept sealed.
type Instructor struct {
	ID          int64        `json:"id"`
	Name        string       `json:"name"`
	Phone       string       `json:"phone"`
	Unit        string       `json:"unit"`
	FullTime    bool         `json:"full_time"`
	Level       string       `json:"level"`
	RegionCode  string       `json:"region_code"`
	RegionName  string       `json:"region_name"`
	Assignments []Assignment `json:"assignments"`
	Active      int          `json:"active"` // organizations guided today
	CreatedAt   time.Time    `json:"created_at"`

	// phoneEnc and phoneHash are the sealed number and its keyed hash.
	phoneEnc, phoneHash string
}

// Input creates or changes an instructor.
type Input struct {
	Name       *string `json:"name"`
	Phone      *string `json:"phone"`
	Unit       *string `json:"unit"`
	FullTime   *bool   `json:"full_time"`
	Level      *string `json:"level"`
	RegionCode *string `json:"region_code"`
}

// Visit is one visit log entry.
type Visit struct {
	ID               int64  `json:"id"`
	InstructorID     int64  `json:"instructor_id"`
	OrganizationID   int64  `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	VisitedOn        string `json:"visited_on"`
	// Form is how the visit was made: 走访, 电话, 线上 or 座谈.
	Form     string `json:"form"`
	Content  string `json:"content"`
	Problems string `json:"problems"`
	Solved   string `json:"solved"`
	// Photos are the visit's photos (read only: added with AddPhoto).
	Photos []Photo `json:"photos"`
	// SolvedOn and SolvedNote say when and how the problems raised were
	// solved (SolveVisit); nil while they are open.
	SolvedOn   *string `json:"solved_on"`
	SolvedNote string  `json:"solved_note"`
}

// Service manages instructors.
type Service struct {
	DB      *store.DB
	Audit   *audit.Logger
	Regions *region.Service
	Orgs    *org.Service
	Now     func() time.Time
	// Protector seals phone numbers (the members' key: app wires
	// member.Service.Protector).
	Protector func() (*pdata.Protector, error)
}

func (s *Service) today() string {
	return civil.Today(s.Now())
}

const cols = `i.id, i.name, i.phone_mask, i.phone_enc, i.phone_hash, i.unit, i.full_time, i.level, i.region_code, COALESCE(r.name, ''), i.created_at`
const from = ` FROM instructors i LEFT JOIN regions r ON r.code = i.region_code`

func scan(row interface{ Scan(...any) error }) (Instructor, error) {
	var in Instructor
	var created string
	err := row.Scan(&in.ID, &in.Name, &in.Phone, &in.phoneEnc, &in.phoneHash, &in.Unit, &in.FullTime, &in.Level, &in.RegionCode, &in.RegionName, &created)
	in.CreatedAt, _ = store.ParseTime(created)
	in.Assignments = []Assignment{}
	return in, err
}

// Get returns one instructor inside the caller's scope, with assignments.
func (s *Service) Get(ctx context.Context, id int64) (Instructor, error) {
	ctx = store.WithOp(ctx, "instructor.Get")
	return s.get(ctx, s.DB, id)
}

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (Instructor, error) {
	cond, args, err := s.recordFilter(ctx)
	if err != nil {
		return Instructor{}, err
	}
	in, err := scan(s.DB.QueryRow(ctx, q, `SELECT `+cols+from+` WHERE i.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return in, apperr.NotFound("党建指导员")
	}
	if err != nil {
		return in, err
	}
	list := []Instructor{in}
	return list[0], s.loadAssignments(ctx, q, list)
}

func (s *Service) loadAssignments(ctx context.Context, q store.Querier, list []Instructor) error {
	if len(list) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ph := make([]string, len(list))
	args := make([]any, len(list))
	for i, in := range list {
		idx[in.ID] = i
		ph[i], args[i] = "?", in.ID
	}
	today := s.today()
	rows, err := s.DB.Query(ctx, q, `SELECT a.id, a.instructor_id, a.organization_id, o.name, COALESCE(o.uscc, ''), COALESCE(r.name, ''), a.from_on, a.to_on
		FROM instructor_assignments a JOIN organizations o ON o.id = a.organization_id LEFT JOIN regions r ON r.code = o.region_code
		WHERE a.instructor_id IN (`+strings.Join(ph, ",")+`) ORDER BY a.from_on, a.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a Assignment
		var to sql.NullString
		if err := rows.Scan(&a.ID, &a.InstructorID, &a.OrganizationID, &a.OrganizationName, &a.OrganizationUSCC, &a.OrganizationRegion, &a.From, &to); err != nil {
			return err
		}
		if to.Valid {
			v := to.String
			a.To = &v
		}
		in := &list[idx[a.InstructorID]]
		in.Assignments = append(in.Assignments, a)
		if a.From <= today && (a.To == nil || *a.To > today) {
			in.Active++
		}
	}
	return rows.Err()
}

func (s *Service) apply(ctx context.Context, base Instructor, in Input) (Instructor, error) {
	out := base
	bad := apperr.Invalid()
	if in.Name != nil {
		out.Name = strings.TrimSpace(*in.Name)
	}
	if out.Name == "" {
		bad.Field("name", "请填写姓名")
	} else if utf8.RuneCountInString(out.Name) > 30 {
		bad.Field("name", "姓名不能超过 30 个字")
	}
	// The mask sent back as it was shown (an edit form) keeps the stored number.
	keep := in.Phone != nil && strings.Contains(base.Phone, "*") && NormalizePhone(*in.Phone) == base.Phone
	if in.Phone != nil && !keep {
		// One rule for every phone (pdata.NormalizePhone), as for members.
		phone, ok := "", true
		if raw := NormalizePhone(*in.Phone); raw != "" {
			phone, ok = pdata.NormalizePhone(raw)
		}
		if !ok {
			bad.Field("phone", "联系电话应为11位手机号或带区号的固定电话（如 0734-1234567，分机号可写在“-”或“转”之后）")
		} else if err := s.setPhone(&out, phone); err != nil {
			return out, err
		}
	}
	if in.Unit != nil {
		out.Unit = strings.TrimSpace(*in.Unit)
		if utf8.RuneCountInString(out.Unit) > 100 {
			bad.Field("unit", "工作单位不能超过 100 个字")
		}
	}
	if in.FullTime != nil {
		out.FullTime = *in.FullTime
	}
	if in.Level != nil {
		labels, err := s.Levels(ctx)
		if err != nil {
			return out, err
		}
		lv, ok := normalizeLevel(labels, strings.TrimSpace(*in.Level))
		if !ok {
			bad.Field("level", "级别应为"+strings.Join(labels, "、")+"之一")
		}
		out.Level = lv
	}
	if in.RegionCode != nil {
		out.RegionCode = strings.TrimSpace(*in.RegionCode)
	}
	if out.RegionCode == "" {
		if a, ok := actor.From(ctx); ok {
			out.RegionCode = a.Scope
		}
	}
	if rg, err := s.Regions.Get(ctx, out.RegionCode); err != nil {
		bad.Field("region_code", "所属区划不存在或不在您的管辖范围内")
	} else {
		out.RegionCode, out.RegionName = rg.Code, rg.Name
	}
	return out, bad.OrNil()
}

// Create adds an instructor (only the name is required).
func (s *Service) Create(ctx context.Context, in Input) (Instructor, error) {
	ctx = store.WithOp(ctx, "instructor.Create")
	out, err := s.apply(ctx, Instructor{Assignments: []Assignment{}}, in)
	if err != nil {
		return out, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error { return s.insertTx(ctx, tx, &out) })
	return out, err
}

// insertTx writes a validated new instructor.
func (s *Service) insertTx(ctx context.Context, tx *sql.Tx, out *Instructor) error {
	{
		now := s.Now()
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO instructors (name, phone, phone_enc, phone_hash, phone_mask, unit, full_time, level, region_code, created_at, updated_at)
			VALUES (?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, out.Name, out.phoneEnc, out.phoneHash, out.Phone, out.Unit, out.FullTime, out.Level, out.RegionCode,
			store.FormatTime(now), store.FormatTime(now)).Scan(&out.ID); err != nil {
			return err
		}
		out.CreatedAt = now
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "instructor_create", Entity: "instructor", EntityID: fmt.Sprint(out.ID), After: *out})
	}
}

// Update changes an instructor.
func (s *Service) Update(ctx context.Context, id int64, in Input) (Instructor, error) {
	ctx = store.WithOp(ctx, "instructor.Update")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Instructor, error) { return s.updateTx(ctx, tx, id, in) })
}

func (s *Service) updateTx(ctx context.Context, tx *sql.Tx, id int64, in Input) (out Instructor, err error) {
	err = func() error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if out, err = s.apply(ctx, before, in); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE instructors SET name = ?, phone = '', phone_enc = ?, phone_hash = ?, phone_mask = ?, unit = ?, full_time = ?, level = ?, region_code = ?, updated_at = ? WHERE id = ?`,
			out.Name, out.phoneEnc, out.phoneHash, out.Phone, out.Unit, out.FullTime, out.Level, out.RegionCode, store.FormatTime(s.Now()), id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "instructor_update", Entity: "instructor", EntityID: fmt.Sprint(id), Before: before, After: out})
	}()
	return out, err
}

// recordFilter restricts instructor records to what the caller may see: an
// instructor account only its own record (whatever the record's region),
// everyone else the records of their scope.
func (s *Service) recordFilter(ctx context.Context) (string, []any, error) {
	a, _ := actor.From(ctx)
	if own, ok := a.BoundInstructor(); ok {
		return "i.id = ?", []any{own}, nil
	}
	return store.ScopeFilter(ctx, "i.region_code")
}

// List returns instructors inside the caller's scope, phones masked.
func (s *Service) List(ctx context.Context, q string, page, size int) ([]Instructor, store.Total, error) {
	ctx = store.WithOp(ctx, "instructor.List")
	cond, args, err := s.recordFilter(ctx)
	if err != nil {
		return nil, store.Total{}, err
	}
	where := " WHERE " + cond
	if q = strings.TrimSpace(q); q != "" {
		where += ` AND (i.name LIKE ? ESCAPE '\' OR i.unit LIKE ? ESCAPE '\')`
		args = append(args, "%"+store.LikeEscape(q)+"%", "%"+store.LikeEscape(q)+"%")
	}
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: cols, From: strings.TrimSpace(from), CountFrom: "FROM instructors i",
		Cond: strings.TrimPrefix(where, " WHERE "), Args: args, Order: "i.id"}, store.PageOf(page, size, 500), scan)
	if err != nil {
		return nil, store.Total{}, err
	}
	return out, total, s.loadAssignments(ctx, s.DB, out)
}

// Assign makes the instructor guide an organization from a day.
func (s *Service) Assign(ctx context.Context, id, orgID int64, fromDay, toDay string) (Assignment, error) {
	bad := apperr.Invalid()
	d, err := civil.Day("from", fromDay)
	if err != nil {
		bad.Field("from", "开始日期格式应为 YYYY-MM-DD")
	}
	var to any
	if toDay != "" {
		t, err := civil.Day("to", toDay)
		if err != nil {
			bad.Field("to", "结束日期格式应为 YYYY-MM-DD")
		} else if t < d {
			bad.Field("to", "结束日期不能早于开始日期")
		}
		to = t
	}
	if err := bad.OrNil(); err != nil {
		return Assignment{}, err
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Assignment, error) { return s.assignTx(ctx, tx, id, orgID, d, to) })
}

// assignTx writes an assignment; to is nil or the end day.
func (s *Service) assignTx(ctx context.Context, tx *sql.Tx, id, orgID int64, d string, to any) (out Assignment, err error) {
	err = func() error {
		in, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		o, err := s.Orgs.Get(ctx, orgID)
		if err != nil {
			return apperr.InvalidField("organization_id", "两新组织不存在或不在您的管辖范围内")
		}
		if o.ClosedOn != nil && *o.ClosedOn <= d {
			return apperr.InvalidField("organization_id", "「"+o.Name+"」已于 "+*o.ClosedOn+" 注销")
		}
		for _, a := range in.Assignments {
			if a.OrganizationID == orgID && (a.To == nil || *a.To > d) {
				return apperr.Conflict("该指导员已在联系「" + o.Name + "」")
			}
		}
		out = Assignment{InstructorID: id, OrganizationID: orgID, OrganizationName: o.Name, From: d}
		if t, ok := to.(string); ok {
			out.To = &t
		}
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO instructor_assignments (instructor_id, organization_id, from_on, to_on) VALUES (?, ?, ?, ?) RETURNING id`,
			id, orgID, d, to).Scan(&out.ID); err != nil {
			return err
		}
		if err := coverspan.Refresh(ctx, s.DB, tx, orgID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "instructor_assign", Entity: "instructor", EntityID: fmt.Sprint(id), After: out})
	}()
	return out, err
}

// EndAssignment stops an assignment from a day.
func (s *Service) EndAssignment(ctx context.Context, id, assignmentID int64, on string) (Assignment, error) {
	d, err := civil.Day("on", on)
	if err != nil {
		return Assignment{}, apperr.InvalidField("on", "结束日期格式应为 YYYY-MM-DD")
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Assignment, error) { return s.endAssignmentTx(ctx, tx, id, assignmentID, d) })
}

func (s *Service) endAssignmentTx(ctx context.Context, tx *sql.Tx, id, assignmentID int64, d string) (out Assignment, err error) {
	err = func() error {
		in, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, a := range in.Assignments {
			if a.ID != assignmentID {
				continue
			}
			if a.To != nil && *a.To <= d {
				return apperr.Conflict("该联系记录已于 " + *a.To + " 结束")
			}
			if d < a.From {
				return apperr.InvalidField("on", "结束日期不能早于开始日期 "+a.From)
			}
			if _, err := s.DB.Exec(ctx, tx, `UPDATE instructor_assignments SET to_on = ? WHERE id = ?`, d, a.ID); err != nil {
				return err
			}
			if err := coverspan.Refresh(ctx, s.DB, tx, a.OrganizationID); err != nil {
				return err
			}
			a.To = &d
			out = a
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "instructor_assign", Entity: "instructor", EntityID: fmt.Sprint(id), After: a, Note: "结束联系"})
		}
		return apperr.NotFound("联系记录")
	}()
	return out, err
}

// VisitForms are the ways a visit is made.
var VisitForms = []string{"走访", "电话", "线上", "座谈"}

// AddVisit logs a visit to an organization the instructor is assigned to on
// the day of the visit (422 naming the organization otherwise). An
// instructor account records only for its own record; the district and the
// street for any instructor in their scope.
func (s *Service) AddVisit(ctx context.Context, id int64, v Visit) (Visit, error) {
	bad := apperr.Invalid()
	d, err := civil.Day("visited_on", v.VisitedOn)
	if err != nil {
		bad.Field("visited_on", "走访日期格式应为 YYYY-MM-DD")
	} else if d > s.today() {
		bad.Field("visited_on", "走访日期不能晚于今天")
	}
	v.Form = strings.TrimSpace(v.Form)
	if v.Form == "" {
		v.Form = VisitForms[0]
	}
	formOK := false
	for _, f := range VisitForms {
		formOK = formOK || f == v.Form
	}
	if !formOK {
		bad.Field("form", "走访形式应为"+strings.Join(VisitForms, "、")+"之一")
	}
	v.Content = strings.TrimSpace(v.Content)
	v.Problems, v.Solved = strings.TrimSpace(v.Problems), strings.TrimSpace(v.Solved)
	if v.Content == "" {
		bad.Field("content", "请填写走访发现的情况")
	}
	for field, text := range map[string]string{"content": v.Content, "problems": v.Problems, "solved": v.Solved} {
		if utf8.RuneCountInString(text) > 2000 {
			bad.Field(field, "不能超过 2000 个字")
		}
	}
	if v.OrganizationID <= 0 {
		bad.Field("organization_id", "请选择走访的两新组织")
	}
	if err := bad.OrNil(); err != nil {
		return Visit{}, err
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.get(ctx, tx, id); err != nil {
			return err
		}
		var name, regionCode string
		err := s.DB.QueryRow(ctx, tx, `SELECT name, region_code FROM organizations WHERE id = ?`, v.OrganizationID).Scan(&name, &regionCode)
		a, _ := actor.From(ctx)
		if _, bound := a.BoundInstructor(); err != nil || (!bound && !a.InScope(regionCode)) {
			return apperr.InvalidField("organization_id", "两新组织不存在或不在您的管辖范围内")
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM instructor_assignments WHERE instructor_id = ? AND organization_id = ?
			AND from_on <= ? AND (to_on IS NULL OR to_on > ?)`, id, v.OrganizationID, d, d).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.InvalidField("organization_id", "「"+name+"」在 "+d+" 不是该指导员联系的单位，不能登记走访")
		}
		v.InstructorID, v.VisitedOn, v.OrganizationName, v.Photos = id, d, name, []Photo{}
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO instructor_visits (instructor_id, organization_id, visited_on, form, content, problems, solved, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, v.OrganizationID, d, v.Form, v.Content, v.Problems, v.Solved,
			store.FormatTime(s.Now())).Scan(&v.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "instructor_visit", Entity: "instructor", EntityID: fmt.Sprint(id), After: v})
	})
	return v, err
}

// Visits lists an instructor's visits, newest first.
func (s *Service) Visits(ctx context.Context, id int64) ([]Visit, error) {
	if _, err := s.get(ctx, s.DB, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT v.id, v.instructor_id, v.organization_id, o.name, v.visited_on, v.form, v.content, v.problems, v.solved, v.solved_on, v.solved_note
		FROM instructor_visits v JOIN organizations o ON o.id = v.organization_id WHERE v.instructor_id = ? ORDER BY v.visited_on DESC, v.id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Visit{}
	for rows.Next() {
		var v Visit
		var solved sql.NullString
		if err := rows.Scan(&v.ID, &v.InstructorID, &v.OrganizationID, &v.OrganizationName, &v.VisitedOn, &v.Form, &v.Content, &v.Problems, &v.Solved, &solved, &v.SolvedNote); err != nil {
			return nil, err
		}
		if solved.Valid {
			v.SolvedOn = &solved.String
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, s.loadPhotos(ctx, id, out)
}
