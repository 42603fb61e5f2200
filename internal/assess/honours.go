package assess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Honour kinds, levels, subjects and statuses.
const (
	HonourOutstandingMember = "outstanding_member" // 优秀共产党员
	HonourOutstandingWorker = "outstanding_worker" // 优秀党务工作者
	HonourAdvancedOrg       = "advanced_org"       // 先进基层党组织
	HonourOther             = "other"              // 其他

	SubjectMember   = "member"
	SubjectPartyOrg = "party_org"

	HonourRecommended = "recommended"
	HonourAwarded     = "awarded"
	HonourRejected    = "rejected"
)

// HonourKinds lists the honour kinds.
func HonourKinds() []Method {
	return []Method{{HonourOutstandingMember, "优秀共产党员"}, {HonourOutstandingWorker, "优秀党务工作者"}, {HonourAdvancedOrg, "先进基层党组织"}, {HonourOther, "其他"}}
}

// HonourLevels lists the levels of an honour.
func HonourLevels() []Method {
	return []Method{{"province", "省级"}, {"city", "市级"}, {"county", "县级"}, {"township", "乡镇（街道）级"}}
}

func nameIn(list []Method, code string) string {
	for _, m := range list {
		if m.Code == code {
			return m.Name
		}
	}
	return ""
}

// HonourStatuses are the statuses of an honour, as the list filters them.
var HonourStatuses = []string{HonourRecommended, HonourAwarded, HonourRejected}

// HonourSubjects are who an honour goes to: a member or a party organization.
var HonourSubjects = []string{SubjectMember, SubjectPartyOrg}

// MethodCodes are the codes of list.
func MethodCodes(list []Method) []string {
	out := make([]string, len(list))
	for i, m := range list {
		out[i] = m.Code
	}
	return out
}

func honourStatusName(s string) string {
	return map[string]string{HonourRecommended: "已推荐", HonourAwarded: "已授予", HonourRejected: "未获评"}[s]
}

// Honour is a recommendation or award.
type Honour struct {
	ID            int64   `json:"id"`
	Subject       string  `json:"subject"`
	MemberID      *int64  `json:"member_id"`
	MemberName    string  `json:"member_name"`
	PartyOrgID    int64   `json:"party_org_id"`
	PartyOrgName  string  `json:"party_org_name"`
	Kind          string  `json:"kind"`
	KindName      string  `json:"kind_name"`
	Title         string  `json:"title"`
	Level         string  `json:"level"`
	LevelName     string  `json:"level_name"`
	Year          int     `json:"year"`
	Status        string  `json:"status"`
	StatusName    string  `json:"status_name"`
	RecommendedOn string  `json:"recommended_on"`
	DecidedOn     *string `json:"decided_on"`
	Note          string  `json:"note"`
}

// HonourInput recommends a member or a party organization.
type HonourInput struct {
	Subject       string `json:"subject"`
	MemberID      *int64 `json:"member_id"`
	PartyOrgID    int64  `json:"party_org_id"` // for a party organization's honour
	Kind          string `json:"kind"`
	Title         string `json:"title"` // required for 其他
	Level         string `json:"level"`
	Year          int    `json:"year"`
	RecommendedOn string `json:"recommended_on"`
	Note          string `json:"note"`
}

// HonourDecision awards or rejects a recommendation.
type HonourDecision struct {
	Status    string `json:"status"`
	DecidedOn string `json:"decided_on"`
	Note      string `json:"note"`
}

const honourCols = `x.id, x.subject, x.member_id, COALESCE(mb.name, ''), x.party_org_id, p.name, x.kind, x.title, x.level, x.year, x.status, x.recommended_on, x.decided_on, x.note`
const honourFrom = ` FROM assess_honours x JOIN party_orgs p ON p.id = x.party_org_id LEFT JOIN members mb ON mb.id = x.member_id`

func scanHonour(row interface{ Scan(...any) error }) (Honour, error) {
	var h Honour
	var member sql.NullInt64
	var decided sql.NullString
	err := row.Scan(&h.ID, &h.Subject, &member, &h.MemberName, &h.PartyOrgID, &h.PartyOrgName, &h.Kind, &h.Title, &h.Level, &h.Year, &h.Status, &h.RecommendedOn, &decided, &h.Note)
	if member.Valid {
		v := member.Int64
		h.MemberID = &v
	}
	if decided.Valid {
		v := decided.String
		h.DecidedOn = &v
	}
	h.KindName, h.LevelName, h.StatusName = nameIn(HonourKinds(), h.Kind), nameIn(HonourLevels(), h.Level), honourStatusName(h.Status)
	if h.Kind == HonourOther && h.Title != "" {
		h.KindName = h.Title
	}
	return h, err
}

func (s *Service) getHonour(ctx context.Context, q store.Querier, id int64) (Honour, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "x.party_org_id")
	if err != nil {
		return Honour{}, err
	}
	h, err := scanHonour(s.DB.QueryRow(ctx, q, `SELECT `+honourCols+honourFrom+` WHERE x.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return h, apperr.NotFound("表彰记录")
	}
	return h, err
}

// Recommend records a recommendation for a member (of the roster) or a party organization.
func (s *Service) Recommend(ctx context.Context, in HonourInput) (Honour, error) {
	bad := apperr.Invalid()
	if nameIn(HonourKinds(), in.Kind) == "" {
		bad.Field("kind", "表彰类别应为优秀共产党员、优秀党务工作者、先进基层党组织或其他")
	}
	switch in.Subject {
	case SubjectMember:
		if in.MemberID == nil {
			bad.Field("member_id", "请选择党员")
		}
		if in.Kind == HonourAdvancedOrg {
			bad.Field("kind", "先进基层党组织只能授予党组织")
		}
	case SubjectPartyOrg:
		if in.PartyOrgID == 0 {
			bad.Field("party_org_id", "请选择党组织")
		}
		if in.Kind == HonourOutstandingMember || in.Kind == HonourOutstandingWorker {
			bad.Field("kind", "优秀共产党员、优秀党务工作者只能授予党员")
		}
	default:
		bad.Field("subject", "表彰对象应为 member（党员）或 party_org（党组织）")
	}
	in.Title = textField(bad, "title", "表彰名称", in.Title, in.Kind == HonourOther, 100)
	in.Note = textField(bad, "note", "备注", in.Note, false, 1000)
	if nameIn(HonourLevels(), in.Level) == "" {
		bad.Field("level", "表彰级别应为省级、市级、县级或乡镇（街道）级")
	}
	if in.Year < 2000 || in.Year > 2100 {
		bad.Field("year", "年度应为 2000–2100")
	}
	if in.RecommendedOn == "" {
		in.RecommendedOn = s.today()
	}
	on, err := parseDay("recommended_on", in.RecommendedOn)
	if err != nil {
		bad.Field("recommended_on", "推荐日期格式应为 YYYY-MM-DD")
	} else if on > s.today() {
		bad.Field("recommended_on", "推荐日期不能晚于今天")
	}
	if err := bad.OrNil(); err != nil {
		return Honour{}, err
	}
	var out Honour
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		partyOrg := in.PartyOrgID
		var member any
		if in.Subject == SubjectMember {
			cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
			if err != nil {
				return err
			}
			err = s.DB.QueryRow(ctx, tx, `SELECT m.party_org_id FROM members m WHERE m.id = ? AND `+cond, append([]any{*in.MemberID}, args...)...).Scan(&partyOrg)
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.NotFound("党员")
			}
			if err != nil {
				return err
			}
			member = *in.MemberID
		} else if _, _, err := s.inScopePartyOrg(ctx, tx, partyOrg); err != nil {
			return err
		}
		now := s.stamp()
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO assess_honours (subject, member_id, party_org_id, kind, title, level, year, status, recommended_on, note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Subject, member, partyOrg, in.Kind, in.Title, in.Level, in.Year, HonourRecommended, on, in.Note, now, now).Scan(&id); err != nil {
			return err
		}
		var err error
		if out, err = s.getHonour(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_honour_recommend", Entity: "assess_honour", EntityID: fmt.Sprint(id), After: out})
	})
	return out, err
}

// Decide awards or rejects a recommendation (or sets it back to recommended).
func (s *Service) Decide(ctx context.Context, id int64, d HonourDecision) (Honour, error) {
	var out Honour
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.getHonour(ctx, tx, id)
		if err != nil {
			return err
		}
		bad := apperr.Invalid()
		var decided any
		switch d.Status {
		case HonourAwarded, HonourRejected:
			if d.DecidedOn == "" {
				d.DecidedOn = s.today()
			}
			on, err := parseDay("decided_on", d.DecidedOn)
			switch {
			case err != nil:
				bad.Field("decided_on", "决定日期格式应为 YYYY-MM-DD")
			case on < before.RecommendedOn:
				bad.Field("decided_on", "决定日期不能早于推荐日期")
			case on > s.today():
				bad.Field("decided_on", "决定日期不能晚于今天")
			}
			decided = on
		case HonourRecommended:
		default:
			bad.Field("status", "状态应为 awarded（授予）、rejected（未获评）或 recommended（推荐中）")
		}
		note := before.Note
		if strings.TrimSpace(d.Note) != "" {
			note = textField(bad, "note", "备注", d.Note, false, 1000)
		}
		if err := bad.OrNil(); err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE assess_honours SET status = ?, decided_on = ?, note = ?, updated_at = ? WHERE id = ?`, d.Status, decided, note, s.stamp(), id); err != nil {
			return err
		}
		if out, err = s.getHonour(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "assess_honour_decide", Entity: "assess_honour", EntityID: fmt.Sprint(id), Before: before, After: out})
	})
	return out, err
}

// HonourFilter selects honours.
type HonourFilter struct {
	Year           int
	Kind, Status   string
	Subject        string
	Page, PageSize int // PageSize 0: all (exports)
}

func (s *Service) honourWhere(ctx context.Context, f HonourFilter) (string, []any, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "x.party_org_id")
	if err != nil {
		return "", nil, err
	}
	where := " WHERE " + cond
	bad := apperr.Invalid()
	if f.Year != 0 {
		where += " AND x.year = ?"
		args = append(args, f.Year)
	}
	if f.Kind != "" {
		if nameIn(HonourKinds(), f.Kind) == "" {
			bad.Field("kind", "表彰类别无效")
		}
		where += " AND x.kind = ?"
		args = append(args, f.Kind)
	}
	if f.Status != "" {
		if honourStatusName(f.Status) == "" {
			bad.Field("status", "状态无效")
		}
		where += " AND x.status = ?"
		args = append(args, f.Status)
	}
	if f.Subject != "" {
		if !slices.Contains(HonourSubjects, f.Subject) {
			bad.Field("subject", "表彰对象应为 member 或 party_org")
		}
		where += " AND x.subject = ?"
		args = append(args, f.Subject)
	}
	return where, args, bad.OrNil()
}

// ListHonours lists honours in the caller's scope, newest year first.
func (s *Service) ListHonours(ctx context.Context, f HonourFilter) ([]Honour, store.Total, error) {
	ctx = store.WithOp(ctx, "assess.ListHonours")
	where, args, err := s.honourWhere(ctx, f)
	if err != nil {
		return nil, store.Total{}, err
	}
	// No page size: every row, as many as 100,000.
	p := store.Page{Number: 1, Size: 100000}
	if f.PageSize > 0 {
		p = store.Page{Number: max(f.Page, 1), Size: f.PageSize}
	}
	return store.List(ctx, s.DB, store.ListQuery{Cols: honourCols, From: strings.TrimSpace(honourFrom),
		Cond: strings.TrimPrefix(where, " WHERE "), Args: args, Order: "x.year DESC, x.id DESC"}, p, scanHonour)
}

// HonourYear counts the honours of one year by kind.
type HonourYear struct {
	Year        int            `json:"year"`
	Awarded     map[string]int `json:"awarded"` // kind → count
	Recommended int            `json:"recommended"`
	AwardedAll  int            `json:"awarded_total"`
	Summary     string         `json:"summary"`
}

// HonourStats counts honours per year (awarded by kind, plus pending recommendations).
func (s *Service) HonourStats(ctx context.Context) ([]HonourYear, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "x.party_org_id")
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT x.year, x.kind, x.status, COUNT(*) FROM assess_honours x WHERE `+cond+` GROUP BY x.year, x.kind, x.status ORDER BY x.year DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HonourYear
	idx := map[int]int{}
	for rows.Next() {
		var year, n int
		var kind, status string
		if err := rows.Scan(&year, &kind, &status, &n); err != nil {
			return nil, err
		}
		i, ok := idx[year]
		if !ok {
			i = len(out)
			idx[year] = i
			out = append(out, HonourYear{Year: year, Awarded: map[string]int{}})
		}
		switch status {
		case HonourAwarded:
			out[i].Awarded[kind] += n
			out[i].AwardedAll += n
		case HonourRecommended:
			out[i].Recommended += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		var parts []string
		for _, k := range HonourKinds() {
			if n := out[i].Awarded[k.Code]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s%d名（个）", k.Name, n))
			}
		}
		out[i].Summary = fmt.Sprintf("%d年", out[i].Year)
		if len(parts) == 0 {
			out[i].Summary += "暂无获评"
		} else {
			out[i].Summary += "获评" + strings.Join(parts, "、")
		}
	}
	if out == nil {
		out = []HonourYear{}
	}
	return out, nil
}
