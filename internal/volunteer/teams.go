package volunteer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// TeamMember is a roster member in a team.
type TeamMember struct {
	MemberID     int64  `json:"member_id"`
	Name         string `json:"name"`
	PartyOrgName string `json:"party_org_name"`
	JoinedOn     string `json:"joined_on"`
}

// Team is a 党员服务队.
type Team struct {
	ID           int64        `json:"id"`
	Name         string       `json:"name"`
	PartyOrgID   *int64       `json:"party_org_id"`
	PartyOrgName string       `json:"party_org_name"`
	RegionCode   string       `json:"region_code"`
	RegionName   string       `json:"region_name"`
	LeaderID     *int64       `json:"leader_member_id"`
	LeaderName   string       `json:"leader_name"`
	Note         string       `json:"note"`
	MemberCount  int          `json:"member_count"`
	Members      []TeamMember `json:"members"`
	CreatedBy    string       `json:"created_by"`
	CreatedAt    string       `json:"created_at"`
}

// TeamInput creates or changes a team; MemberIDs is the whole membership.
type TeamInput struct {
	Name       string  `json:"name"`
	PartyOrgID *int64  `json:"party_org_id"`
	RegionCode string  `json:"region_code"`
	LeaderID   *int64  `json:"leader_member_id"`
	Note       string  `json:"note"`
	MemberIDs  []int64 `json:"member_ids"`
}

// TeamFilter selects teams.
type TeamFilter struct {
	Q          string
	RegionCode string
	Page       int
	PageSize   int
}

const teamCols = `t.id, t.name, t.party_org_id, COALESCE(p.name, ''), t.region_code, COALESCE(g.name, ''), t.leader_member_id, COALESCE(l.name, ''), t.note,
	(SELECT COUNT(*) FROM vol_team_members x WHERE x.team_id = t.id), t.created_by, t.created_at`

const teamFrom = ` FROM vol_teams t LEFT JOIN party_orgs p ON p.id = t.party_org_id LEFT JOIN regions g ON g.code = t.region_code LEFT JOIN members l ON l.id = t.leader_member_id`

func scanTeam(sc interface{ Scan(...any) error }) (Team, error) {
	var t Team
	var po, leader sql.NullInt64
	err := sc.Scan(&t.ID, &t.Name, &po, &t.PartyOrgName, &t.RegionCode, &t.RegionName, &leader, &t.LeaderName, &t.Note, &t.MemberCount, &t.CreatedBy, &t.CreatedAt)
	if po.Valid {
		t.PartyOrgID = &po.Int64
	}
	if leader.Valid {
		t.LeaderID = &leader.Int64
	}
	t.Members = []TeamMember{}
	return t, err
}

// ListTeams lists the teams in the caller's scope.
func (s *Service) ListTeams(ctx context.Context, f TeamFilter) ([]Team, store.Total, error) {
	ctx = store.WithOp(ctx, "volunteer.ListTeams")
	cond, args, err := store.ScopeFilter(ctx, "t.region_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	where := " WHERE " + cond
	if f.Q != "" {
		where += ` AND t.name LIKE ? ESCAPE '\'`
		args = append(args, "%"+store.LikeEscape(f.Q)+"%")
	}
	if f.RegionCode != "" {
		rc, ra := store.PrefixRange("t.region_code", f.RegionCode)
		where, args = where+" AND "+rc, append(args, ra...)
	}
	return store.List(ctx, s.DB, store.ListQuery{Cols: teamCols, From: teamFrom[1:], CountFrom: "FROM vol_teams t", Cond: strings.TrimPrefix(where, " WHERE "), Args: args,
		Order: "t.id DESC"}, store.Page{Number: max(f.Page, 1), Size: max(f.PageSize, 0)}, scanTeam)
}

func (s *Service) team(ctx context.Context, q store.Querier, id int64) (Team, error) {
	cond, args, err := store.ScopeFilter(ctx, "t.region_code")
	if err != nil {
		return Team{}, err
	}
	t, err := scanTeam(s.DB.QueryRow(ctx, q, `SELECT `+teamCols+teamFrom+` WHERE t.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return t, apperr.NotFound("服务队")
	}
	if err != nil {
		return t, err
	}
	rows, err := s.DB.Query(ctx, q, `SELECT m.id, m.name, COALESCE(p.name, ''), x.joined_on FROM vol_team_members x JOIN members m ON m.id = x.member_id
		LEFT JOIN party_orgs p ON p.id = m.party_org_id WHERE x.team_id = ? ORDER BY m.name, m.id`, id)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var m TeamMember
		if err := rows.Scan(&m.MemberID, &m.Name, &m.PartyOrgName, &m.JoinedOn); err != nil {
			return t, err
		}
		t.Members = append(t.Members, m)
	}
	return t, rows.Err()
}

// GetTeam returns one team with its members.
func (s *Service) GetTeam(ctx context.Context, id int64) (Team, error) { return s.team(ctx, s.DB, id) }

func (s *Service) checkTeam(ctx context.Context, tx *sql.Tx, in *TeamInput) error {
	bad := apperr.Invalid()
	in.Name = textField(bad, "name", "服务队名称", in.Name, true, 60)
	in.Note = textField(bad, "note", "备注", in.Note, false, 500)
	if strings.TrimSpace(in.RegionCode) == "" {
		bad.Field("region_code", "请选择服务队所在区域（社区）")
	}
	if len(in.MemberIDs) > 500 {
		bad.Field("member_ids", "一个服务队最多 500 名队员")
	}
	if err := bad.OrNil(); err != nil {
		return err
	}
	if err := s.regionInScope(ctx, tx, "region_code", in.RegionCode); err != nil {
		return err
	}
	if in.PartyOrgID != nil {
		if _, err := s.partyOrgInScope(ctx, tx, "party_org_id", *in.PartyOrgID); err != nil {
			return err
		}
	}
	seen := map[int64]bool{}
	ids := []int64{}
	for _, id := range in.MemberIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, _, err := s.memberInScope(ctx, tx, "member_ids", id); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	in.MemberIDs = ids
	if in.LeaderID != nil {
		if _, _, err := s.memberInScope(ctx, tx, "leader_member_id", *in.LeaderID); err != nil {
			return err
		}
		if !seen[*in.LeaderID] {
			in.MemberIDs = append(in.MemberIDs, *in.LeaderID)
		}
	}
	return nil
}

func (s *Service) setTeamMembers(ctx context.Context, tx *sql.Tx, id int64, ids []int64) error {
	keep := map[int64]bool{}
	for _, m := range ids {
		keep[m] = true
	}
	rows, err := s.DB.Query(ctx, tx, `SELECT member_id FROM vol_team_members WHERE team_id = ?`, id)
	if err != nil {
		return err
	}
	have := map[int64]bool{}
	for rows.Next() {
		var m int64
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return err
		}
		have[m] = true
	}
	rows.Close()
	for m := range have {
		if !keep[m] {
			if _, err := s.DB.Exec(ctx, tx, `DELETE FROM vol_team_members WHERE team_id = ? AND member_id = ?`, id, m); err != nil {
				return err
			}
		}
	}
	for _, m := range ids {
		if !have[m] {
			if _, err := s.DB.Exec(ctx, tx, `INSERT INTO vol_team_members (team_id, member_id, joined_on) VALUES (?, ?, ?)`, id, m, s.today()); err != nil {
				return err
			}
		}
	}
	return nil
}

// CreateTeam creates a team with its members (audited).
func (s *Service) CreateTeam(ctx context.Context, in TeamInput) (Team, error) {
	ctx = store.WithOp(ctx, "volunteer.CreateTeam")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Team, error) {
		if err := s.checkTeam(ctx, tx, &in); err != nil {
			return Team{}, err
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO vol_teams (name, party_org_id, region_code, leader_member_id, note, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Name, in.PartyOrgID, in.RegionCode, in.LeaderID, in.Note, username(ctx), s.stamp(), s.stamp()).Scan(&id); err != nil {
			return Team{}, err
		}
		if err := s.setTeamMembers(ctx, tx, id, in.MemberIDs); err != nil {
			return Team{}, err
		}
		t, err := s.team(ctx, tx, id)
		if err != nil {
			return t, err
		}
		return t, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_team_create", Entity: "vol_team", EntityID: fmt.Sprint(id), After: t,
			Note: "成立党员服务队：" + t.Name})
	})
}

// UpdateTeam changes a team and its membership (audited).
func (s *Service) UpdateTeam(ctx context.Context, id int64, in TeamInput) (Team, error) {
	ctx = store.WithOp(ctx, "volunteer.UpdateTeam")
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Team, error) {
		before, err := s.team(ctx, tx, id)
		if err != nil {
			return Team{}, err
		}
		if err := s.checkTeam(ctx, tx, &in); err != nil {
			return Team{}, err
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE vol_teams SET name = ?, party_org_id = ?, region_code = ?, leader_member_id = ?, note = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.PartyOrgID, in.RegionCode, in.LeaderID, in.Note, s.stamp(), id); err != nil {
			return Team{}, err
		}
		if err := s.setTeamMembers(ctx, tx, id, in.MemberIDs); err != nil {
			return Team{}, err
		}
		t, err := s.team(ctx, tx, id)
		if err != nil {
			return t, err
		}
		return t, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_team_update", Entity: "vol_team", EntityID: fmt.Sprint(id), Before: before, After: t,
			Note: "修改党员服务队：" + t.Name})
	})
}

// Person is a registered resident or volunteer who is not on the roster.
type Person struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Phone      string `json:"phone"` // masked
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	Note       string `json:"note"`
	CreatedAt  string `json:"created_at"`
}

// PersonInput registers a volunteer.
type PersonInput struct {
	Name       string `json:"name"`
	Phone      string `json:"phone"`
	RegionCode string `json:"region_code"`
	Note       string `json:"note"`
}

// ListPeople lists the registered volunteers in the caller's scope.
func (s *Service) ListPeople(ctx context.Context, q string, page, size int) ([]Person, store.Total, error) {
	ctx = store.WithOp(ctx, "volunteer.ListPeople")
	cond, args, err := store.ScopeFilter(ctx, "v.region_code")
	if err != nil {
		return nil, store.Total{}, err
	}
	where := " WHERE " + cond
	if q != "" {
		where += ` AND v.name LIKE ? ESCAPE '\'`
		args = append(args, "%"+store.LikeEscape(q)+"%")
	}
	return store.List(ctx, s.DB, store.ListQuery{Cols: `v.id, v.name, v.phone_mask, v.region_code, COALESCE(g.name, ''), v.note, v.created_at`,
		From: `FROM vol_people v LEFT JOIN regions g ON g.code = v.region_code`, CountFrom: "FROM vol_people v", Cond: strings.TrimPrefix(where, " WHERE "), Args: args,
		Order: "v.id DESC"}, store.Page{Number: max(page, 1), Size: max(size, 0)}, func(r store.Scanner) (Person, error) {
		var p Person
		return p, r.Scan(&p.ID, &p.Name, &p.Phone, &p.RegionCode, &p.RegionName, &p.Note, &p.CreatedAt)
	})
}

// CreatePerson registers a volunteer; the phone is sealed and masked.
func (s *Service) CreatePerson(ctx context.Context, in PersonInput) (Person, error) {
	ctx = store.WithOp(ctx, "volunteer.CreatePerson")
	bad := apperr.Invalid()
	in.Name = textField(bad, "name", "姓名", in.Name, true, 30)
	in.Note = textField(bad, "note", "备注", in.Note, false, 200)
	phone := ""
	if strings.TrimSpace(in.Phone) != "" {
		p, ok := pdata.NormalizePhone(in.Phone)
		if !ok {
			bad.Field("phone", "联系电话应为11位手机号或带区号的固定电话")
		}
		phone = p
	}
	if strings.TrimSpace(in.RegionCode) == "" {
		bad.Field("region_code", "请选择所在区域（社区）")
	}
	if err := bad.OrNil(); err != nil {
		return Person{}, err
	}
	enc := ""
	if phone != "" {
		if s.Protector == nil {
			return Person{}, errors.New("volunteer: no protector")
		}
		prot, err := s.Protector()
		if err != nil {
			return Person{}, err
		}
		if enc, err = prot.Encrypt(phone); err != nil {
			return Person{}, err
		}
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (Person, error) {
		if err := s.regionInScope(ctx, tx, "region_code", in.RegionCode); err != nil {
			return Person{}, err
		}
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO vol_people (name, phone_enc, phone_mask, region_code, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Name, enc, pdata.MaskPhone(phone), in.RegionCode, in.Note, username(ctx), s.stamp()).Scan(&id); err != nil {
			return Person{}, err
		}
		if _, err := s.personAccount(ctx, tx, id); err != nil {
			return Person{}, err
		}
		var p Person
		err := s.DB.QueryRow(ctx, tx, `SELECT v.id, v.name, v.phone_mask, v.region_code, COALESCE(g.name, ''), v.note, v.created_at FROM vol_people v
			LEFT JOIN regions g ON g.code = v.region_code WHERE v.id = ?`, id).Scan(&p.ID, &p.Name, &p.Phone, &p.RegionCode, &p.RegionName, &p.Note, &p.CreatedAt)
		if err != nil {
			return p, err
		}
		return p, s.Audit.Record(ctx, tx, audit.Entry{Action: "volunteer_person_create", Entity: "vol_person", EntityID: fmt.Sprint(id), After: p,
			Note: "登记志愿者：" + p.Name})
	})
}

func (s *Service) personInScope(ctx context.Context, q store.Querier, field string, id int64) (string, error) {
	cond, args, err := store.ScopeFilter(ctx, "region_code")
	if err != nil {
		return "", err
	}
	var name string
	err = s.DB.QueryRow(ctx, q, `SELECT name FROM vol_people WHERE id = ? AND `+cond, append([]any{id}, args...)...).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.InvalidField(field, "所选志愿者不存在或不在管辖范围内")
	}
	return name, err
}
