package cobuild

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Report is a 双报到 record: a unit's party organization or an in-service
// member reported to a community.
type Report struct {
	ID            int64   `json:"id"`
	Kind          string  `json:"kind"`
	KindName      string  `json:"kind_name"`
	CommunityCode string  `json:"community_code"`
	CommunityName string  `json:"community_name"`
	UnitID        *int64  `json:"unit_id"`
	UnitName      string  `json:"unit_name"`
	MemberID      *int64  `json:"member_id"`
	PersonName    string  `json:"person_name"`
	PersonUnit    string  `json:"person_unit"`
	PersonPhone   string  `json:"person_phone"` // masked unless revealed
	ReportedOn    string  `json:"reported_on"`
	YearHours     float64 `json:"year_hours"`
	YearTimes     int     `json:"year_times"`
	CreatedAt     string  `json:"created_at"`
}

// ReportInput records a 双报到. Kind unit: UnitID. Kind member: MemberID (a
// roster member) or PersonName (+ PersonUnit, PersonPhone) for someone
// outside the roster; UnitID optionally names the member's co-building unit
// (its year-end report then includes the member).
type ReportInput struct {
	Kind          string `json:"kind"`
	CommunityCode string `json:"community_code"`
	UnitID        *int64 `json:"unit_id"`
	MemberID      *int64 `json:"member_id"`
	PersonName    string `json:"person_name"`
	PersonUnit    string `json:"person_unit"`
	PersonPhone   string `json:"person_phone"`
	ReportedOn    string `json:"reported_on"`
}

// Participation is one participation of a reported unit or member.
type Participation struct {
	ID       int64   `json:"id"`
	ReportID int64   `json:"report_id"`
	HeldOn   string  `json:"held_on"`
	Activity string  `json:"activity"`
	Hours    float64 `json:"hours"`
}

// ParticipationInput records one participation; hours to one decimal.
type ParticipationInput struct {
	HeldOn   string  `json:"held_on"`
	Activity string  `json:"activity"`
	Hours    float64 `json:"hours"`
}

// reportCols reads a report with the hours and times of year ? (first arg).
const reportCols = `r.id, r.kind, r.community_code, COALESCE(g.name, ''), r.unit_id, COALESCE(u.name, ''), r.member_id,
	COALESCE(m.name, r.person_name), r.person_unit, COALESCE(m.phone_mask, r.person_phone_mask), r.reported_on, r.created_at,
	COALESCE((SELECT SUM(x.hours_tenths) FROM cobuild_participations x WHERE x.report_id = r.id AND substr(x.held_on, 1, 4) = ?), 0),
	(SELECT COUNT(*) FROM cobuild_participations x WHERE x.report_id = r.id AND substr(x.held_on, 1, 4) = ?)`

const reportFrom = `FROM cobuild_reports r LEFT JOIN regions g ON g.code = r.community_code LEFT JOIN cobuild_units u ON u.id = r.unit_id
	LEFT JOIN members m ON m.id = r.member_id`

func scanReport(row interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var unit, member sql.NullInt64
	var tenths int64
	err := row.Scan(&r.ID, &r.Kind, &r.CommunityCode, &r.CommunityName, &unit, &r.UnitName, &member, &r.PersonName, &r.PersonUnit,
		&r.PersonPhone, &r.ReportedOn, &r.CreatedAt, &tenths, &r.YearTimes)
	r.UnitID, r.MemberID = nullInt(unit), nullInt(member)
	r.KindName = optionName(ReportKinds(), r.Kind)
	r.YearHours = float64(tenths) / 10
	if r.Kind == "member" && r.PersonUnit == "" {
		r.PersonUnit = r.UnitName
	}
	return r, err
}

func (s *Service) getReport(ctx context.Context, q store.Querier, id int64) (Report, error) {
	cond, args, err := store.ScopeFilter(ctx, "r.community_code")
	if err != nil {
		return Report{}, err
	}
	y := strconv.Itoa(s.year())
	r, err := scanReport(s.DB.QueryRow(ctx, q, `SELECT `+reportCols+` `+reportFrom+` WHERE r.id = ? AND `+cond, append([]any{y, y, id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound("报到记录")
	}
	if err != nil {
		return r, fmt.Errorf("cobuild: report %d: %w", id, err)
	}
	return r, nil
}

// GetReport returns a 双报到 record in the caller's scope.
func (s *Service) GetReport(ctx context.Context, id int64) (Report, error) {
	ctx = store.WithOp(ctx, "cobuild.GetReport")
	return s.getReport(ctx, s.DB, id)
}

// ReportFilter selects reports.
type ReportFilter struct {
	Kind          string
	CommunityCode string // this region and below
	UnitID        int64
	Q             string
	Sort          string
	Page
}

var reportSorts = map[string]string{"reported_desc": "r.reported_on DESC, r.id DESC", "hours_desc": "13 DESC, r.id", "name": "8, r.id"}

// ReportSortCodes lists the sorts.
func ReportSortCodes() []string { return []string{"reported_desc", "hours_desc", "name"} }

// ListReports returns a page of the 双报到 records in scope, each with this
// year's hours and times.
func (s *Service) ListReports(ctx context.Context, f ReportFilter) ([]Report, store.Total, error) {
	ctx = store.WithOp(ctx, "cobuild.ListReports")
	bad := apperr.Invalid()
	if f.Kind != "" && optionName(ReportKinds(), f.Kind) == "" {
		bad.Field("kind", "报到类别应为 unit 或 member")
	}
	order, err := sortOrder(reportSorts, "reported_desc", f.Sort)
	if err != nil {
		bad.Field("sort", "排序应为 "+strings.Join(ReportSortCodes(), "、")+" 之一")
	}
	if err := bad.OrNil(); err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := store.ScopeFilter(ctx, "r.community_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	if f.Kind != "" {
		cond += " AND r.kind = ?"
		args = append(args, f.Kind)
	}
	if f.CommunityCode != "" {
		rc, ra := store.PrefixRange("r.community_code", f.CommunityCode)
		cond, args = cond+" AND "+rc, append(args, ra...)
	}
	if f.UnitID != 0 {
		cond += " AND r.unit_id = ?"
		args = append(args, f.UnitID)
	}
	if strings.TrimSpace(f.Q) != "" {
		c, a := likeAny(f.Q, "COALESCE(m.name, r.person_name)", "COALESCE(u.name, '')", "r.person_unit")
		cond += " AND " + c
		args = append(args, a...)
	}
	y := strconv.Itoa(s.year())
	// The year arguments stand in the select list; the count never sees them.
	out, total, err := store.List(ctx, s.DB, store.ListQuery{Cols: reportCols, From: reportFrom, Cond: cond, Args: args,
		ColArgs: []any{y, y}, Order: order}, f.Page.store(), scanReport)
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("cobuild: list reports: %w", err)
	}
	return out, total, nil
}

// CreateReport records a 双报到. A unit or a roster member reports to one
// community at a time (a second report is refused, naming the first).
func (s *Service) CreateReport(ctx context.Context, in ReportInput) (Report, error) {
	ctx = store.WithOp(ctx, "cobuild.CreateReport")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Report, error) { return s.createReport(ctx, tx, in) })
}

func (s *Service) createReport(ctx context.Context, tx *sql.Tx, in ReportInput) (Report, error) {
	bad := apperr.Invalid()
	in.Kind = enumField(bad, "kind", "报到类别", ReportKinds(), in.Kind)
	in.ReportedOn = dateField(bad, "reported_on", "报到日期", in.ReportedOn, true)
	in.PersonName = textField(bad, "person_name", "姓名", in.PersonName, false, 50)
	in.PersonUnit = textField(bad, "person_unit", "工作单位", in.PersonUnit, false, 100)
	phone := phoneField(bad, "person_phone", in.PersonPhone)
	switch in.Kind {
	case "unit":
		if in.UnitID == nil {
			bad.Field("unit_id", "请选择报到的共建单位")
		}
		in.MemberID, in.PersonName, in.PersonUnit, phone = nil, "", "", ""
	case "member":
		if in.MemberID == nil && in.PersonName == "" {
			bad.Field("person_name", "请选择花名册中的党员，或填写不在花名册的在职党员姓名")
		}
		if in.MemberID != nil {
			in.PersonName, phone = "", ""
		}
	}
	if err := bad.OrNil(); err != nil {
		return Report{}, err
	}
	if err := s.community(ctx, tx, "community_code", in.CommunityCode); err != nil {
		return Report{}, err
	}
	if in.UnitID != nil {
		if _, err := s.getUnit(ctx, tx, *in.UnitID); err != nil {
			return Report{}, apperr.InvalidField("unit_id", "共建单位不存在或不在您的管辖范围内")
		}
	}
	if in.MemberID != nil {
		// A member reports where they live, which may lie outside the scope
		// of their own party organization: any roster member in good standing.
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM members WHERE id = ? AND status = 'active'`, *in.MemberID).Scan(&n); err != nil {
			return Report{}, err
		}
		if n == 0 {
			return Report{}, apperr.InvalidField("member_id", "花名册中没有这名在册党员")
		}
	}
	var dup string
	var err error
	switch {
	case in.Kind == "unit":
		err = s.DB.QueryRow(ctx, tx, `SELECT g.name FROM cobuild_reports r JOIN regions g ON g.code = r.community_code WHERE r.kind = 'unit' AND r.unit_id = ?`, *in.UnitID).Scan(&dup)
	case in.MemberID != nil:
		err = s.DB.QueryRow(ctx, tx, `SELECT g.name FROM cobuild_reports r JOIN regions g ON g.code = r.community_code WHERE r.kind = 'member' AND r.member_id = ?`, *in.MemberID).Scan(&dup)
	default:
		err = sql.ErrNoRows
	}
	if err == nil {
		field := "unit_id"
		if in.Kind == "member" {
			field = "member_id"
		}
		return Report{}, apperr.InvalidField(field, "已向"+dup+"报到，不能重复报到")
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Report{}, err
	}
	enc, hash, mask, err := s.seal(phone)
	if err != nil {
		return Report{}, err
	}
	var id int64
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO cobuild_reports (kind, community_code, unit_id, member_id, person_name, person_unit, person_phone_enc,
		person_phone_hash, person_phone_mask, reported_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.Kind, in.CommunityCode, in.UnitID, in.MemberID, in.PersonName, in.PersonUnit, enc, hash, mask, in.ReportedOn, username(ctx), s.stamp()).Scan(&id); err != nil {
		return Report{}, err
	}
	r, err := s.getReport(ctx, tx, id)
	if err != nil {
		return r, err
	}
	who := r.UnitName
	if r.Kind == "member" {
		who = r.PersonName
	}
	return r, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_report_create", Entity: "cobuild_report", EntityID: fmt.Sprint(id), After: r,
		Note: fmt.Sprintf("%s：「%s」向%s报到", r.KindName, who, r.CommunityName)})
}

// RevealReportPhone shows the phone of a member outside the roster in
// full, audited.
func (s *Service) RevealReportPhone(ctx context.Context, id int64) (Report, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Report, error) {
		r, err := s.getReport(ctx, tx, id)
		if err != nil {
			return r, err
		}
		masked := r.PersonPhone
		var enc string
		if err := s.DB.QueryRow(ctx, tx, `SELECT person_phone_enc FROM cobuild_reports WHERE id = ?`, id).Scan(&enc); err != nil {
			return r, err
		}
		if enc == "" {
			return r, apperr.InvalidField("person_phone", "该报到记录没有单独登记的电话（花名册党员请在党员信息中查看）")
		}
		p, err := s.protector()
		if err != nil {
			return r, err
		}
		if r.PersonPhone, err = p.Decrypt(enc); err != nil {
			return r, err
		}
		return r, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_report_reveal", Entity: "cobuild_report", EntityID: fmt.Sprint(id),
			After: map[string]any{"id": id, "person_name": r.PersonName, "phone": masked},
			Note:  fmt.Sprintf("查看报到党员「%s」的完整联系电话 %s", r.PersonName, masked)})
	})
}

// AddParticipation records a participation of a reported unit or member.
func (s *Service) AddParticipation(ctx context.Context, reportID int64, in ParticipationInput) (Participation, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Participation, error) { return s.addParticipation(ctx, tx, reportID, in) })
}

func (s *Service) addParticipation(ctx context.Context, tx *sql.Tx, reportID int64, in ParticipationInput) (Participation, error) {
	r, err := s.getReport(ctx, tx, reportID)
	if err != nil {
		return Participation{}, err
	}
	bad := apperr.Invalid()
	in.HeldOn = dateField(bad, "held_on", "活动日期", in.HeldOn, true)
	in.Activity = textField(bad, "activity", "活动内容", in.Activity, true, 200)
	tenths := math.Round(in.Hours * 10)
	if in.Hours <= 0 || in.Hours > 24 || math.Abs(tenths-in.Hours*10) > 1e-6 {
		bad.Field("hours", "服务时长应为 0.1–24 小时（最多一位小数）")
	}
	if in.HeldOn != "" && in.HeldOn > s.today() {
		bad.Field("held_on", "活动日期不能晚于今天")
	}
	if in.HeldOn != "" && in.HeldOn < r.ReportedOn {
		bad.Field("held_on", "活动日期不能早于报到日期 "+r.ReportedOn)
	}
	if err := bad.OrNil(); err != nil {
		return Participation{}, err
	}
	p := Participation{ReportID: reportID, HeldOn: in.HeldOn, Activity: in.Activity, Hours: tenths / 10}
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO cobuild_participations (report_id, held_on, activity, hours_tenths, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		reportID, in.HeldOn, in.Activity, int64(tenths), username(ctx), s.stamp()).Scan(&p.ID); err != nil {
		return p, err
	}
	who := r.UnitName
	if r.Kind == "member" {
		who = r.PersonName
	}
	return p, s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_participation_add", Entity: "cobuild_report", EntityID: fmt.Sprint(reportID), After: p,
		Note: fmt.Sprintf("登记「%s」在%s参加活动：%s（%.1f 小时）", who, r.CommunityName, p.Activity, p.Hours)})
}

// Participations lists the participations of a report, newest first.
func (s *Service) Participations(ctx context.Context, reportID int64) ([]Participation, error) {
	if _, err := s.getReport(ctx, s.DB, reportID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT id, report_id, held_on, activity, hours_tenths FROM cobuild_participations WHERE report_id = ? ORDER BY held_on DESC, id DESC`, reportID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Participation{}
	for rows.Next() {
		var p Participation
		var t int64
		if err := rows.Scan(&p.ID, &p.ReportID, &p.HeldOn, &p.Activity, &t); err != nil {
			return nil, err
		}
		p.Hours = float64(t) / 10
		out = append(out, p)
	}
	return out, rows.Err()
}

// CommunityCount is the 双报到 figures of one community for a year.
type CommunityCount struct {
	CommunityCode   string  `json:"community_code"`
	CommunityName   string  `json:"community_name"`
	StreetName      string  `json:"street_name"`
	Units           int     `json:"units"`
	Members         int     `json:"members"`
	ActiveUnits     int     `json:"active_units"`
	ActiveMembers   int     `json:"active_members"`
	Participations  int     `json:"participations"`
	Hours           float64 `json:"hours"`
	AverageRating   float64 `json:"average_rating"`
	RatedUnits      int     `json:"rated_units"`
	UnratedReported int     `json:"unrated_units"`
}

// CommunityCounts counts per community in scope (under region, if given):
// units and members reported (by the end of year), those active (at least
// one participation in year) and the hours of year.
func (s *Service) CommunityCounts(ctx context.Context, year int, region string) ([]CommunityCount, error) {
	if year < 2000 || year > 2100 {
		return nil, apperr.InvalidField("year", "年度应为 2000–2100")
	}
	cond, args, err := store.ScopeFilter(ctx, "r.community_code")
	if err != nil {
		return nil, err
	}
	if region != "" {
		rc, ra := store.PrefixRange("r.community_code", region)
		cond, args = cond+" AND "+rc, append(args, ra...)
	}
	y := strconv.Itoa(year)
	end := y + "-12-31"
	q := `SELECT r.community_code, COALESCE(g.name, ''), COALESCE(st.name, ''),
		SUM(CASE WHEN r.kind = 'unit' THEN 1 ELSE 0 END), SUM(CASE WHEN r.kind = 'member' THEN 1 ELSE 0 END),
		SUM(CASE WHEN r.kind = 'unit' AND p.n > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN r.kind = 'member' AND p.n > 0 THEN 1 ELSE 0 END),
		COALESCE(SUM(p.n), 0), COALESCE(SUM(p.t), 0)
		FROM cobuild_reports r LEFT JOIN regions g ON g.code = r.community_code
		LEFT JOIN regions st ON st.code = substr(r.community_code, 1, 9) AND st.level = 4
		LEFT JOIN (SELECT report_id, COUNT(*) AS n, SUM(hours_tenths) AS t FROM cobuild_participations WHERE substr(held_on, 1, 4) = ? GROUP BY report_id) p ON p.report_id = r.id
		WHERE r.reported_on <= ? AND ` + cond + ` GROUP BY r.community_code, g.name, st.name ORDER BY r.community_code`
	out := []CommunityCount{}
	err = s.DB.Report(ctx, func(qr store.Querier) error {
		rows, err := s.DB.Query(ctx, qr, q, append([]any{y, end}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c CommunityCount
			var t int64
			if err := rows.Scan(&c.CommunityCode, &c.CommunityName, &c.StreetName, &c.Units, &c.Members, &c.ActiveUnits, &c.ActiveMembers, &c.Participations, &t); err != nil {
				return err
			}
			c.Hours = float64(t) / 10
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		for i := range out {
			var n int
			var avg sql.NullFloat64
			if err := s.DB.QueryRow(ctx, qr, `SELECT COUNT(*), AVG(CAST(score AS DOUBLE PRECISION)) FROM cobuild_ratings WHERE community_code = ? AND year = ?`,
				out[i].CommunityCode, year).Scan(&n, &avg); err != nil {
				return err
			}
			out[i].RatedUnits = n
			out[i].AverageRating = math.Round(avg.Float64*10) / 10
			out[i].UnratedReported = max(out[i].Units-n, 0)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cobuild: community counts: %w", err)
	}
	return out, nil
}

// ReportedCommunity returns the community a roster member reported to (双报到)
// and the date of the report, for the member's own page. ok is false when the
// member has not reported.
func (s *Service) ReportedCommunity(ctx context.Context, memberID int64) (regionCode, name, reportedOn string, ok bool, err error) {
	err = s.DB.QueryRow(ctx, s.DB, `SELECT r.community_code, g.name, r.reported_on FROM cobuild_reports r JOIN regions g ON g.code = r.community_code
		WHERE r.kind = 'member' AND r.member_id = ? ORDER BY r.reported_on DESC, r.id DESC LIMIT 1`, memberID).Scan(&regionCode, &name, &reportedOn)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", false, nil
	}
	if err != nil {
		return "", "", "", false, fmt.Errorf("cobuild: reported community of member %d: %w", memberID, err)
	}
	return regionCode, name, reportedOn, true, nil
}

// Rating is a community's yearly rating of a unit (双向考核).
type Rating struct {
	ID            int64  `json:"id"`
	CommunityCode string `json:"community_code"`
	CommunityName string `json:"community_name"`
	UnitID        int64  `json:"unit_id"`
	UnitName      string `json:"unit_name"`
	Year          int    `json:"year"`
	Score         int    `json:"score"`
	Grade         string `json:"grade"`
	GradeName     string `json:"grade_name"`
	Comment       string `json:"comment"`
	RatedBy       string `json:"rated_by"`
	RatedAt       string `json:"rated_at"`
}

// RatingInput rates a unit reported to a community for a year; rating the
// same unit, community and year again replaces the score (audited).
type RatingInput struct {
	CommunityCode string `json:"community_code"`
	UnitID        int64  `json:"unit_id"`
	Year          int    `json:"year"`
	Score         int    `json:"score"`
	Grade         string `json:"grade"`
	Comment       string `json:"comment"`
}

// GradeFor is the grade a score earns by default: 90 优秀, 80 良好, 60 合格.
func GradeFor(score int) string {
	switch {
	case score >= 90:
		return "excellent"
	case score >= 80:
		return "good"
	case score >= 60:
		return "fair"
	}
	return "poor"
}

// Rate records the community's rating of a unit.
func (s *Service) Rate(ctx context.Context, in RatingInput) (Rating, error) {
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Rating, error) {
		bad := apperr.Invalid()
		if in.Year < 2000 || in.Year > s.year() {
			bad.Field("year", fmt.Sprintf("考核年度应为 2000–%d", s.year()))
		}
		if in.Score < 0 || in.Score > 100 {
			bad.Field("score", "考核得分应为 0–100")
		}
		if in.Grade == "" {
			in.Grade = GradeFor(in.Score)
		}
		in.Grade = enumField(bad, "grade", "考核等次", Grades(), in.Grade)
		in.Comment = textField(bad, "comment", "评价意见", in.Comment, false, 500)
		if err := bad.OrNil(); err != nil {
			return Rating{}, err
		}
		if err := s.community(ctx, tx, "community_code", in.CommunityCode); err != nil {
			return Rating{}, err
		}
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM cobuild_reports WHERE kind = 'unit' AND unit_id = ? AND community_code = ?`, in.UnitID, in.CommunityCode).Scan(&n); err != nil {
			return Rating{}, err
		}
		if n == 0 {
			return Rating{}, apperr.InvalidField("unit_id", "该单位未向本社区报到，不能考核")
		}
		var before any
		var old Rating
		err := s.DB.QueryRow(ctx, tx, `SELECT id, score, grade, comment FROM cobuild_ratings WHERE community_code = ? AND unit_id = ? AND year = ?`,
			in.CommunityCode, in.UnitID, in.Year).Scan(&old.ID, &old.Score, &old.Grade, &old.Comment)
		switch {
		case err == nil:
			before = old
			if _, err := s.DB.Exec(ctx, tx, `UPDATE cobuild_ratings SET score = ?, grade = ?, comment = ?, rated_by = ?, rated_at = ? WHERE id = ?`,
				in.Score, in.Grade, in.Comment, username(ctx), s.stamp(), old.ID); err != nil {
				return Rating{}, err
			}
		case errors.Is(err, sql.ErrNoRows):
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO cobuild_ratings (community_code, unit_id, year, score, grade, comment, rated_by, rated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				in.CommunityCode, in.UnitID, in.Year, in.Score, in.Grade, in.Comment, username(ctx), s.stamp()); err != nil {
				return Rating{}, err
			}
		default:
			return Rating{}, err
		}
		rs, err := s.ratings(ctx, tx, in.Year, in.CommunityCode, in.UnitID)
		if err != nil || len(rs) != 1 {
			return Rating{}, fmt.Errorf("cobuild: reread rating: %w", err)
		}
		return rs[0], s.Audit.Record(ctx, tx, audit.Entry{Action: "cobuild_rate", Entity: "cobuild_unit", EntityID: fmt.Sprint(in.UnitID), Before: before, After: rs[0],
			Note: fmt.Sprintf("%s对「%s」%d 年度双向考核：%d 分，%s", rs[0].CommunityName, rs[0].UnitName, in.Year, in.Score, rs[0].GradeName)})
	})
}

func (s *Service) ratings(ctx context.Context, q store.Querier, year int, community string, unit int64) ([]Rating, error) {
	cond, args, err := store.ScopeFilter(ctx, "t.community_code")
	if err != nil {
		return nil, err
	}
	cond += " AND t.year = ?"
	args = append(args, year)
	if community != "" {
		rc, ra := store.PrefixRange("t.community_code", community)
		cond, args = cond+" AND "+rc, append(args, ra...)
	}
	if unit != 0 {
		cond += " AND t.unit_id = ?"
		args = append(args, unit)
	}
	rows, err := s.DB.Query(ctx, q, `SELECT t.id, t.community_code, COALESCE(g.name, ''), t.unit_id, u.name, t.year, t.score, t.grade, t.comment, t.rated_by, t.rated_at
		FROM cobuild_ratings t JOIN cobuild_units u ON u.id = t.unit_id LEFT JOIN regions g ON g.code = t.community_code WHERE `+cond+` ORDER BY t.score DESC, t.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Rating{}
	for rows.Next() {
		var r Rating
		if err := rows.Scan(&r.ID, &r.CommunityCode, &r.CommunityName, &r.UnitID, &r.UnitName, &r.Year, &r.Score, &r.Grade, &r.Comment, &r.RatedBy, &r.RatedAt); err != nil {
			return nil, err
		}
		r.GradeName = optionName(Grades(), r.Grade)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Ratings lists the ratings of a year in scope (best first).
func (s *Service) Ratings(ctx context.Context, year int, community string) ([]Rating, error) {
	if year < 2000 || year > 2100 {
		return nil, apperr.InvalidField("year", "年度应为 2000–2100")
	}
	return s.ratings(ctx, s.DB, year, community, 0)
}

// YearRow is one line of a unit's year-end report: a participation of the
// unit's party organization or of one of its reported members.
type YearRow struct {
	Who           string  `json:"who"`
	Kind          string  `json:"kind_name"`
	CommunityName string  `json:"community_name"`
	HeldOn        string  `json:"held_on"`
	Activity      string  `json:"activity"`
	Hours         float64 `json:"hours"`
}

// YearReport is a unit's year-end report of its (and its members')
// participation, with the communities' ratings.
type YearReport struct {
	Unit          Unit      `json:"unit"`
	Year          int       `json:"year"`
	Rows          []YearRow `json:"rows"`
	Members       int       `json:"members"`
	ActiveMembers int       `json:"active_members"`
	Hours         float64   `json:"hours"`
	Ratings       []Rating  `json:"ratings"`
}

// UnitYearReport builds a unit's year-end report.
func (s *Service) UnitYearReport(ctx context.Context, unitID int64, year int) (YearReport, error) {
	if year < 2000 || year > 2100 {
		return YearReport{}, apperr.InvalidField("year", "年度应为 2000–2100")
	}
	u, err := s.getUnit(ctx, s.DB, unitID)
	if err != nil {
		return YearReport{}, err
	}
	out := YearReport{Unit: u, Year: year, Rows: []YearRow{}}
	y := strconv.Itoa(year)
	rows, err := s.DB.Query(ctx, s.DB, `SELECT r.id, r.kind, COALESCE(m.name, r.person_name), COALESCE(g.name, ''), x.held_on, x.activity, x.hours_tenths
		FROM cobuild_reports r JOIN cobuild_participations x ON x.report_id = r.id LEFT JOIN members m ON m.id = r.member_id
		LEFT JOIN regions g ON g.code = r.community_code WHERE r.unit_id = ? AND substr(x.held_on, 1, 4) = ? ORDER BY x.held_on, x.id`, unitID, y)
	if err != nil {
		return out, err
	}
	active := map[int64]bool{}
	var total int64
	for rows.Next() {
		var row YearRow
		var id, t int64
		var kind string
		if err := rows.Scan(&id, &kind, &row.Who, &row.CommunityName, &row.HeldOn, &row.Activity, &t); err != nil {
			rows.Close()
			return out, err
		}
		row.Hours = float64(t) / 10
		total += t
		if kind == "unit" {
			row.Who, row.Kind = u.Name, "单位党组织"
		} else {
			row.Kind = "在职党员"
			active[id] = true
		}
		out.Rows = append(out.Rows, row)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*) FROM cobuild_reports WHERE kind = 'member' AND unit_id = ? AND reported_on <= ?`, unitID, y+"-12-31").Scan(&out.Members); err != nil {
		return out, err
	}
	out.ActiveMembers, out.Hours = len(active), float64(total)/10
	if out.Ratings, err = s.ratings(ctx, s.DB, year, "", unitID); err != nil {
		return out, err
	}
	return out, nil
}
