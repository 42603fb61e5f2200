package meeting

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
)

// Committee roles.
const (
	RoleSecretary       = "secretary"
	RoleDeputySecretary = "deputy_secretary"
	RoleOrganization    = "organization"
	RolePropaganda      = "propaganda"
	RoleDiscipline      = "discipline"
	RoleMember          = "member"
)

// Roles lists the committee roles.
func Roles() []Code {
	return []Code{{RoleSecretary, "书记"}, {RoleDeputySecretary, "副书记"}, {RoleOrganization, "组织委员"},
		{RolePropaganda, "宣传委员"}, {RoleDiscipline, "纪检委员"}, {RoleMember, "委员"}}
}

// Committee thresholds of domain.md §2.
const (
	MinFullForCommittee = 7 // ≥7 正式党员 → a 支部委员会
	MinCommittee        = 3
	NormalMaxCommittee  = 5
	MaxCommittee        = 7
	VacancyMonths       = 3 // a 书记 vacancy longer than this is flagged
)

// CommitteeMember is one post held on a committee.
type CommitteeMember struct {
	ID         int64   `json:"id"`
	PartyOrgID int64   `json:"party_org_id"`
	ElectionID *int64  `json:"election_id"`
	Role       string  `json:"role"`
	RoleName   string  `json:"role_name"`
	MemberID   *int64  `json:"member_id"`
	Name       string  `json:"name"`
	From       string  `json:"from"`
	To         *string `json:"to"`
	CrossPost  bool    `json:"cross_post"` // 交叉任职: also in the organization's management
}

// CommitteeMemberInput adds a post.
type CommitteeMemberInput struct {
	Role      string `json:"role"`
	MemberID  *int64 `json:"member_id"`
	Name      string `json:"name"`
	From      string `json:"from"`
	CrossPost bool   `json:"cross_post"`
}

// CommitteeMemberPatch ends a post or changes its flag.
type CommitteeMemberPatch struct {
	To        *string `json:"to"`
	CrossPost *bool   `json:"cross_post"`
}

// Committee is a party organization's current committee, its history and checks.
type Committee struct {
	PartyOrgID   int64             `json:"party_org_id"`
	PartyOrgName string            `json:"party_org_name"`
	FullMembers  int               `json:"full_members"`
	TermStarted  string            `json:"term_started_on"`
	TermDueOn    string            `json:"term_due_on"`
	Current      []CommitteeMember `json:"current"`
	History      []CommitteeMember `json:"history"`
	Elections    []Election        `json:"elections"`
	Warnings     []string          `json:"warnings"`
	Incomplete   bool              `json:"incomplete"`
	VacantSince  string            `json:"vacant_since,omitempty"`
	Vacant       bool              `json:"secretary_vacant"`
}

// Election is a recorded 换届 election.
type Election struct {
	ID       int64  `json:"id"`
	HeldOn   string `json:"held_on"`
	Note     string `json:"note"`
	Members  int    `json:"members"`
	Timing   string `json:"timing"` // on_time, early, late; "" for a first election
	Approval string `json:"approval"`
}

// ElectionInput records a 换届: the new committee replaces the current one.
type ElectionInput struct {
	HeldOn string `json:"held_on"`
	Note   string `json:"note"`
	// Approval is the higher committee's approval (批复) of an early or late
	// 换届: required when ElectionTiming says so.
	Approval string                 `json:"approval"`
	Members  []CommitteeMemberInput `json:"members"`
}

func (s *Service) fullMembers(ctx context.Context, q store.Querier, partyOrgID int64) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, q, `SELECT COUNT(*) FROM members WHERE party_org_id = ? AND category = 'full' AND status = 'active'`, partyOrgID).Scan(&n)
	return n, err
}

func (s *Service) members(ctx context.Context, q store.Querier, partyOrgID int64, cond string, args ...any) ([]CommitteeMember, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT id, party_org_id, election_id, role, member_id, name, from_on, to_on, cross_post FROM committee_members
		WHERE party_org_id = ? `+cond+` ORDER BY from_on, id`, append([]any{partyOrgID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CommitteeMember{}
	for rows.Next() {
		var c CommitteeMember
		var el, mid sql.NullInt64
		var to sql.NullString
		if err := rows.Scan(&c.ID, &c.PartyOrgID, &el, &c.Role, &mid, &c.Name, &c.From, &to, &c.CrossPost); err != nil {
			return nil, err
		}
		if el.Valid {
			c.ElectionID = &el.Int64
		}
		if mid.Valid {
			c.MemberID = &mid.Int64
		}
		if to.Valid {
			c.To = &to.String
		}
		c.RoleName = name(Roles(), c.Role)
		out = append(out, c)
	}
	return out, rows.Err()
}

func inOffice(day string) (string, []any) {
	return "AND from_on <= ? AND (to_on IS NULL OR to_on > ?)", []any{day, day}
}

// checkCommittee applies domain.md §2 to a set of posts: fewer than 7 正式党员
// allow only 书记 and an optional 副书记; otherwise 3–5 (at most 7) members.
// It returns the hard errors (field-named) and the warnings.
func checkCommittee(full int, posts []CommitteeMember, field string) (*apperr.Error, []string) {
	bad := apperr.Invalid()
	var warn []string
	count := map[string]int{}
	for _, p := range posts {
		count[p.Role]++
	}
	if count[RoleSecretary] > 1 {
		bad.Field(field, "同一时间只能有一名书记")
	}
	if count[RoleDeputySecretary] > 1 && full < MinFullForCommittee {
		bad.Field(field, "不设支部委员会时最多设一名副书记")
	}
	if full < MinFullForCommittee {
		for _, p := range posts {
			if p.Role != RoleSecretary && p.Role != RoleDeputySecretary {
				bad.Field(field, fmt.Sprintf("正式党员不足 %d 人（现有 %d 人），不设支部委员会，只设书记（可设副书记）", MinFullForCommittee, full))
				break
			}
		}
	} else {
		if len(posts) > MaxCommittee {
			bad.Field(field, fmt.Sprintf("委员会成员不能超过 %d 人", MaxCommittee))
		}
		if len(posts) > 0 && len(posts) < MinCommittee {
			warn = append(warn, fmt.Sprintf("正式党员 %d 人，应设支部委员会（3–5 人），现有 %d 人", full, len(posts)))
		}
		if len(posts) > NormalMaxCommittee && len(posts) <= MaxCommittee {
			warn = append(warn, fmt.Sprintf("委员会一般为 3–5 人，现有 %d 人", len(posts)))
		}
	}
	if len(posts) > 0 && count[RoleSecretary] == 0 {
		warn = append(warn, "未设书记")
	}
	return bad, warn
}

func (s *Service) checkPost(ctx context.Context, q store.Querier, partyOrgID int64, in *CommitteeMemberInput, field string, bad *apperr.Error) {
	if name(Roles(), in.Role) == "" {
		bad.Field(field+"role", "职务无效")
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.MemberID != nil {
		var n string
		err := s.DB.QueryRow(ctx, q, `SELECT name FROM members WHERE id = ? AND party_org_id = ?`, *in.MemberID, partyOrgID).Scan(&n)
		if err != nil {
			bad.Field(field+"member_id", "不是本党组织的党员")
		} else if in.Name == "" {
			in.Name = n
		}
	}
	if in.Name == "" {
		bad.Field(field+"name", "请填写姓名或选择党员")
	}
	if utf8.RuneCountInString(in.Name) > 50 {
		bad.Field(field+"name", "姓名不能超过 50 个字")
	}
}

// Committee returns the current committee of a party organization (today), its history and its checks.
func (s *Service) Committee(ctx context.Context, partyOrgID int64) (Committee, error) {
	p, err := s.partyOrg(ctx, s.DB, partyOrgID)
	if err != nil {
		return Committee{}, err
	}
	today := s.today()
	c := Committee{PartyOrgID: p.ID, PartyOrgName: p.Name, TermStarted: p.TermStarted, Warnings: []string{}, Elections: []Election{}}
	if t, err := time.Parse(store.DateFormat, p.TermStarted); err == nil {
		c.TermDueOn = t.AddDate(partyorg.TermYears(p.Kind), 0, 0).Format(store.DateFormat)
	}
	if c.FullMembers, err = s.fullMembers(ctx, s.DB, p.ID); err != nil {
		return c, err
	}
	cond, args := inOffice(today)
	if c.Current, err = s.members(ctx, s.DB, p.ID, cond, args...); err != nil {
		return c, err
	}
	if c.History, err = s.members(ctx, s.DB, p.ID, "AND to_on IS NOT NULL AND to_on <= ?", today); err != nil {
		return c, err
	}
	_, c.Warnings = checkCommittee(c.FullMembers, c.Current, "")
	if c.Warnings == nil {
		c.Warnings = []string{}
	}
	inc, why, err := s.CommitteeIncomplete(ctx, p.ID, today)
	if err != nil {
		return c, err
	}
	c.Incomplete = inc
	if inc && why != "" {
		c.Warnings = append(c.Warnings, why)
	}
	if c.VacantSince, c.Vacant, err = s.SecretaryVacancy(ctx, p.ID, today); err != nil {
		return c, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT e.id, e.held_on, e.note, e.timing, e.approval, (SELECT COUNT(*) FROM committee_members c WHERE c.election_id = e.id)
		FROM elections e WHERE e.party_org_id = ? ORDER BY e.held_on DESC, e.id DESC`, p.ID)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Election
		if err := rows.Scan(&e.ID, &e.HeldOn, &e.Note, &e.Timing, &e.Approval, &e.Members); err != nil {
			return c, err
		}
		c.Elections = append(c.Elections, e)
	}
	return c, rows.Err()
}

// AddCommitteeMember adds a post to the current committee.
func (s *Service) AddCommitteeMember(ctx context.Context, partyOrgID int64, in CommitteeMemberInput) (CommitteeMember, error) {
	var out CommitteeMember
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.partyOrg(ctx, tx, partyOrgID)
		if err != nil {
			return err
		}
		bad := apperr.Invalid()
		s.checkPost(ctx, tx, p.ID, &in, "", bad)
		if _, ok := civil.Check(bad, "from", in.From); ok && in.From < p.Established {
			bad.Field("from", "任职日期不能早于党组织成立日期（"+p.Established+"）")
		} else if in.From > s.today() {
			bad.Field("from", "任职日期不能晚于今天")
		}
		if err := bad.OrNil(); err != nil {
			return err
		}
		full, err := s.fullMembers(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		cond, args := inOffice(in.From)
		cur, err := s.members(ctx, tx, p.ID, cond, args...)
		if err != nil {
			return err
		}
		cur = append(cur, CommitteeMember{Role: in.Role, Name: in.Name})
		if b, _ := checkCommittee(full, cur, "role"); b.OrNil() != nil {
			return b
		}
		now := store.FormatTime(s.Now())
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO committee_members (party_org_id, role, member_id, name, from_on, cross_post, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.ID, in.Role, in.MemberID, in.Name, in.From, in.CrossPost, now, now).Scan(&out.ID); err != nil {
			return err
		}
		if err := s.refreshSlots(ctx, tx, p.ID); err != nil {
			return err
		}
		out = CommitteeMember{ID: out.ID, PartyOrgID: p.ID, Role: in.Role, RoleName: name(Roles(), in.Role), MemberID: in.MemberID, Name: in.Name, From: in.From, CrossPost: in.CrossPost}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "committee.add", Entity: "committee_member", EntityID: fmt.Sprint(out.ID), After: out})
	})
	return out, err
}

// UpdateCommitteeMember ends a post (to) or changes its 交叉任职 flag.
func (s *Service) UpdateCommitteeMember(ctx context.Context, id int64, p CommitteeMemberPatch) (CommitteeMember, error) {
	var out CommitteeMember
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		cond, args, err := store.PartyOrgFilter(ctx, "party_org_id")
		if err != nil {
			return err
		}
		var po int64
		err = s.DB.QueryRow(ctx, tx, `SELECT party_org_id FROM committee_members WHERE id = ? AND `+cond, append([]any{id}, args...)...).Scan(&po)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("委员会成员")
		}
		if err != nil {
			return err
		}
		list, err := s.members(ctx, tx, po, "AND id = ?", id)
		if err != nil || len(list) == 0 {
			return err
		}
		before := list[0]
		after := before
		if p.To != nil {
			if _, err := civil.Parse("to", *p.To); err != nil {
				return err
			}
			if *p.To <= before.From {
				return apperr.InvalidField("to", "离任日期应晚于任职日期（"+before.From+"）")
			}
			if *p.To > s.today() {
				return apperr.InvalidField("to", "离任日期不能晚于今天")
			}
			v := *p.To
			after.To = &v
		}
		if p.CrossPost != nil {
			after.CrossPost = *p.CrossPost
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE committee_members SET to_on = ?, cross_post = ?, updated_at = ? WHERE id = ?`,
			after.To, after.CrossPost, store.FormatTime(s.Now()), id); err != nil {
			return err
		}
		if err := s.refreshSlots(ctx, tx, before.PartyOrgID); err != nil {
			return err
		}
		out = after
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "committee.update", Entity: "committee_member", EntityID: fmt.Sprint(id), Before: before, After: after})
	})
	return out, err
}

// RecordElection records a 换届: every post in office ends on held_on, the
// elected members take office that day, and the party organization's term
// starts again (term_started_on), all in one transaction.
func (s *Service) RecordElection(ctx context.Context, partyOrgID int64, in ElectionInput) (Committee, error) {
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.partyOrg(ctx, tx, partyOrgID)
		if err != nil {
			return err
		}
		bad := apperr.Invalid()
		if _, ok := civil.Check(bad, "held_on", in.HeldOn); ok && in.HeldOn < p.Established {
			bad.Field("held_on", "选举日期不能早于党组织成立日期（"+p.Established+"）")
		} else if in.HeldOn > s.today() {
			bad.Field("held_on", "选举日期不能晚于今天")
		}
		in.Note = strings.TrimSpace(in.Note)
		if utf8.RuneCountInString(in.Note) > 500 {
			bad.Field("note", "备注不能超过 500 个字")
		}
		in.Approval = strings.TrimSpace(in.Approval)
		if utf8.RuneCountInString(in.Approval) > 200 {
			bad.Field("approval", "批复情况不能超过 200 个字")
		}
		timing := ""
		if bad.OrNil() == nil {
			var msg string
			timing, msg = ElectionTiming(p.TermStarted, partyorg.TermYears(p.Kind), in.HeldOn)
			switch {
			case timing == TimingRefused:
				bad.Field("held_on", msg)
			case (timing == TimingEarly || timing == TimingLate) && in.Approval == "":
				bad.Field("approval", msg+"，须填写上级党组织的批复（文号或批准情况）")
			}
		}
		if len(in.Members) == 0 {
			bad.Field("members", "请填写当选的委员会成员")
		}
		posts := []CommitteeMember{}
		for i := range in.Members {
			s.checkPost(ctx, tx, p.ID, &in.Members[i], fmt.Sprintf("members[%d].", i), bad)
			posts = append(posts, CommitteeMember{Role: in.Members[i].Role, Name: in.Members[i].Name})
		}
		if err := bad.OrNil(); err != nil {
			return err
		}
		var last sql.NullString
		if err := s.DB.QueryRow(ctx, tx, `SELECT MAX(held_on) FROM elections WHERE party_org_id = ?`, p.ID).Scan(&last); err != nil {
			return err
		}
		if last.Valid && in.HeldOn <= last.String {
			return apperr.InvalidField("held_on", "选举日期应晚于上次换届（"+last.String+"）")
		}
		full, err := s.fullMembers(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if b, _ := checkCommittee(full, posts, "members"); b.OrNil() != nil {
			return b
		}
		cond, args := inOffice(in.HeldOn)
		before, err := s.members(ctx, tx, p.ID, cond, args...)
		if err != nil {
			return err
		}
		now := store.FormatTime(s.Now())
		if _, err := s.DB.Exec(ctx, tx, `UPDATE committee_members SET to_on = ?, updated_at = ? WHERE party_org_id = ? AND from_on <= ? AND (to_on IS NULL OR to_on > ?)`,
			in.HeldOn, now, p.ID, in.HeldOn, in.HeldOn); err != nil {
			return err
		}
		var eid int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO elections (party_org_id, held_on, note, timing, approval, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			p.ID, in.HeldOn, in.Note, timing, in.Approval, now).Scan(&eid); err != nil {
			return err
		}
		for _, m := range in.Members {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO committee_members (party_org_id, election_id, role, member_id, name, from_on, cross_post, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, eid, m.Role, m.MemberID, m.Name, in.HeldOn, m.CrossPost, now, now); err != nil {
				return err
			}
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE party_orgs SET term_started_on = ?, updated_at = ? WHERE id = ?`, in.HeldOn, now, p.ID); err != nil {
			return err
		}
		if err := s.refreshSlots(ctx, tx, p.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "committee.election", Entity: "party_org", EntityID: fmt.Sprint(p.ID),
			Before: map[string]any{"term_started_on": p.TermStarted, "committee": before}, After: map[string]any{"term_started_on": in.HeldOn, "election_id": eid, "committee": in.Members, "timing": timing, "approval": in.Approval}})
	})
	if err != nil {
		return Committee{}, err
	}
	return s.Committee(ctx, partyOrgID)
}

// SecretaryVacancy reports whether the 书记 post is vacant on asOf and since
// when: the day the last 书记 left, or the founding day if there never was one.
func (s *Service) SecretaryVacancy(ctx context.Context, partyOrgID int64, asOf string) (vacantSince string, vacant bool, err error) {
	if _, err := parseDay("as_of", asOf); err != nil {
		return "", false, err
	}
	p, err := s.partyOrg(ctx, s.DB, partyOrgID)
	if err != nil {
		return "", false, err
	}
	var n int
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*) FROM committee_members WHERE party_org_id = ? AND role = ? AND from_on <= ? AND (to_on IS NULL OR to_on > ?)`,
		p.ID, RoleSecretary, asOf, asOf).Scan(&n); err != nil {
		return "", false, err
	}
	if n > 0 {
		return "", false, nil
	}
	var last sql.NullString
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT MAX(to_on) FROM committee_members WHERE party_org_id = ? AND role = ? AND to_on <= ?`,
		p.ID, RoleSecretary, asOf).Scan(&last); err != nil {
		return "", false, err
	}
	if last.Valid {
		return last.String, true, nil
	}
	return p.Established, true, nil
}

// VacancyFlagged reports a vacancy longer than VacancyMonths on asOf: flagged
// from the day after vacantSince + 3 months.
func VacancyFlagged(vacantSince, asOf string) bool {
	v, err1 := time.Parse(store.DateFormat, vacantSince)
	a, err2 := time.Parse(store.DateFormat, asOf)
	if err1 != nil || err2 != nil {
		return false
	}
	return a.After(v.AddDate(0, VacancyMonths, 0))
}

// CommitteeIncomplete reports whether the committee in office on asOf is
// incomplete, with the reason in Chinese: no 书记, or a party organization
// with ≥7 正式党员 without a committee of at least 3.
func (s *Service) CommitteeIncomplete(ctx context.Context, partyOrgID int64, asOf string) (bool, string, error) {
	if _, err := parseDay("as_of", asOf); err != nil {
		return false, "", err
	}
	p, err := s.partyOrg(ctx, s.DB, partyOrgID)
	if err != nil {
		return false, "", err
	}
	full, err := s.fullMembers(ctx, s.DB, p.ID)
	if err != nil {
		return false, "", err
	}
	cond, args := inOffice(asOf)
	cur, err := s.members(ctx, s.DB, p.ID, cond, args...)
	if err != nil {
		return false, "", err
	}
	hasSec := false
	for _, c := range cur {
		if c.Role == RoleSecretary {
			hasSec = true
		}
	}
	if !hasSec {
		return true, "书记空缺", nil
	}
	if full >= MinFullForCommittee && len(cur) < MinCommittee {
		return true, fmt.Sprintf("正式党员 %d 人，委员会仅 %d 人（应为 3–5 人）", full, len(cur)), nil
	}
	return false, "", nil
}

// Vacancy is a party organization whose 书记 post is vacant.
type Vacancy struct {
	PartyOrgID   int64  `json:"party_org_id"`
	PartyOrgName string `json:"party_org_name"`
	VacantSince  string `json:"vacant_since"`
	Days         int    `json:"days"`
	Flagged      bool   `json:"flagged"` // vacant longer than 3 months
}

// Vacancies lists the active party organizations in scope without a 书记 today.
// A 党小组 is led by a 组长 and elects no committee (domain.md §2): it is not a
// party organization for this list and is left out.
func (s *Service) Vacancies(ctx context.Context) ([]Vacancy, error) {
	orgs, scope, err := s.scopeOrgSet(ctx, ReportFilter{})
	if err != nil {
		return nil, err
	}
	today := s.today()
	t, _ := time.Parse(store.DateFormat, today)
	live := orgs[:0:0]
	for _, p := range orgs {
		if p.Kind != partyorg.KindGroup && (p.Dissolved == "" || p.Dissolved > today) {
			live = append(live, p)
		}
	}
	since, err := s.vacancies(ctx, live, orgSet{sub: scope.sub, subArgs: scope.subArgs}, today)
	if err != nil {
		return nil, err
	}
	out := []Vacancy{}
	for _, p := range live {
		v, vacant := since[p.ID]
		if !vacant {
			continue
		}
		d, _ := time.Parse(store.DateFormat, v)
		out = append(out, Vacancy{PartyOrgID: p.ID, PartyOrgName: p.Name, VacantSince: v, Days: int(t.Sub(d).Hours() / 24), Flagged: VacancyFlagged(v, today)})
	}
	return out, nil
}

// vacancies gives, for the party organizations of orgs whose 书记 post is
// vacant on asOf, the day it fell vacant (as SecretaryVacancy), in two
// queries per chunk.
func (s *Service) vacancies(ctx context.Context, orgs []poInfo, set orgSet, asOf string) (map[int64]string, error) {
	set.ids = make([]int64, len(orgs))
	for i, p := range orgs {
		set.ids[i] = p.ID
	}
	seated := map[int64]bool{}
	left := map[int64]string{}
	for _, part := range set.parts() {
		in, args := part.in, part.args
		err := s.eachRow(ctx, `SELECT DISTINCT party_org_id FROM committee_members WHERE party_org_id IN (`+in+`) AND role = ? AND from_on <= ? AND (to_on IS NULL OR to_on > ?)`,
			append(args, RoleSecretary, asOf, asOf), func(r *sql.Rows) error {
				var id int64
				if err := r.Scan(&id); err != nil {
					return err
				}
				seated[id] = true
				return nil
			})
		if err != nil {
			return nil, err
		}
		err = s.eachRow(ctx, `SELECT party_org_id, MAX(to_on) FROM committee_members WHERE party_org_id IN (`+in+`) AND role = ? AND to_on <= ? GROUP BY party_org_id`,
			append(args, RoleSecretary, asOf), func(r *sql.Rows) error {
				var id int64
				var last sql.NullString
				if err := r.Scan(&id, &last); err != nil {
					return err
				}
				if last.Valid {
					left[id] = last.String
				}
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	out := map[int64]string{}
	for _, p := range orgs {
		if seated[p.ID] {
			continue
		}
		if v, ok := left[p.ID]; ok {
			out[p.ID] = v
		} else {
			out[p.ID] = p.Established
		}
	}
	return out, nil
}

// SecretaryVacancies is SecretaryVacancy for many party organizations at
// once: for each of ids the caller may see, the day its 书记 post fell
// vacant, or "" when a 书记 is in office on asOf. Party organizations out of
// sight are absent from the map.
func (s *Service) SecretaryVacancies(ctx context.Context, ids []int64, asOf string) (map[int64]string, error) {
	if _, err := parseDay("as_of", asOf); err != nil {
		return nil, err
	}
	byID, err := s.partyOrgsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	orgs := make([]poInfo, 0, len(byID))
	for _, p := range byID {
		orgs = append(orgs, p)
	}
	since, err := s.vacancies(ctx, orgs, orgSet{}, asOf)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(byID))
	for id := range byID {
		out[id] = since[id]
	}
	return out, nil
}

// CommitteeIncompletes is CommitteeIncomplete for many party organizations
// at once: for each of ids the caller may see, why its committee in office
// on asOf is incomplete, or "" when it is complete. Party organizations out
// of sight are absent from the map.
func (s *Service) CommitteeIncompletes(ctx context.Context, ids []int64, asOf string) (map[int64]string, error) {
	if _, err := parseDay("as_of", asOf); err != nil {
		return nil, err
	}
	byID, err := s.partyOrgsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	full := map[int64]int{}
	seated := map[int64]int{}
	secretary := map[int64]bool{}
	var visible []int64
	for id := range byID {
		visible = append(visible, id)
	}
	for _, c := range chunks(visible) {
		in, args := inList(c)
		err := s.eachRow(ctx, `SELECT party_org_id, COUNT(*) FROM members WHERE party_org_id IN (`+in+`) AND category = 'full' AND status = 'active' GROUP BY party_org_id`,
			args, func(r *sql.Rows) error {
				var id int64
				var n int
				if err := r.Scan(&id, &n); err != nil {
					return err
				}
				full[id] = n
				return nil
			})
		if err != nil {
			return nil, err
		}
		cond, cargs := inOffice(asOf)
		err = s.eachRow(ctx, `SELECT party_org_id, role FROM committee_members WHERE party_org_id IN (`+in+`) `+cond, append(args, cargs...),
			func(r *sql.Rows) error {
				var id int64
				var role string
				if err := r.Scan(&id, &role); err != nil {
					return err
				}
				seated[id]++
				if role == RoleSecretary {
					secretary[id] = true
				}
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	out := make(map[int64]string, len(byID))
	for id := range byID {
		switch {
		case !secretary[id]:
			out[id] = "书记空缺"
		case full[id] >= MinFullForCommittee && seated[id] < MinCommittee:
			out[id] = fmt.Sprintf("正式党员 %d 人，委员会仅 %d 人（应为 3–5 人）", full[id], seated[id])
		default:
			out[id] = ""
		}
	}
	return out, nil
}

// Renewals lists 换届 due within 3 months (90 days) and overdue, from the party organization ledger.
func (s *Service) Renewals(ctx context.Context) ([]partyorg.Renewal, error) {
	return s.Party.Renewals(ctx, partyorg.RenewalNoticeDays)
}

// Timings of a 换届 against the term it ends.
const (
	TimingOnTime  = "on_time"
	TimingEarly   = "early"
	TimingLate    = "late"
	TimingRefused = "refused"
)

// ElectionTiming judges a 换届 held on heldOn against the term that started on
// termStarted and lasts termYears (domain.md §3: early or late 换届 needs
// approval and shifts by at most one year). On time is from
// partyorg.RenewalNoticeDays (90) days before the term's end up to its last
// day; earlier is early and later is late, both needing an approval; more than
// one year early is refused (late elections are recorded, however late, since
// they happened). An election within RenewalNoticeDays after the term's start
// is the one that began it (the founding election, or one recorded after the
// fact) and returns "". The message says why, in Chinese.
func ElectionTiming(termStarted string, termYears int, heldOn string) (timing, msg string) {
	start, err := time.Parse(store.DateFormat, termStarted)
	if err != nil {
		return "", ""
	}
	held, err := time.Parse(store.DateFormat, heldOn)
	if err != nil {
		return "", ""
	}
	if !held.Before(start) && !held.After(start.AddDate(0, 0, partyorg.RenewalNoticeDays)) {
		return "", ""
	}
	due := start.AddDate(termYears, 0, 0)
	dueS := due.Format(store.DateFormat)
	switch {
	case held.Before(due.AddDate(-1, 0, 0)):
		return TimingRefused, fmt.Sprintf("本届任期至 %s 届满，提前换届一般不超过1年（最早 %s）", dueS, due.AddDate(-1, 0, 0).Format(store.DateFormat))
	case held.Before(due.AddDate(0, 0, -partyorg.RenewalNoticeDays)):
		return TimingEarly, fmt.Sprintf("本届任期至 %s 届满，%s 换届属于提前换届", dueS, heldOn)
	case held.After(due):
		if held.After(due.AddDate(1, 0, 0)) {
			return TimingLate, fmt.Sprintf("本届任期已于 %s 届满，延期换届超过1年", dueS)
		}
		return TimingLate, fmt.Sprintf("本届任期已于 %s 届满，%s 换届属于延期换届", dueS, heldOn)
	}
	return TimingOnTime, ""
}
