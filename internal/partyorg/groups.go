package partyorg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// GroupMember is a member's place in a 党小组 over a period.
type GroupMember struct {
	ID         int64   `json:"id"`
	GroupID    int64   `json:"group_id"`
	GroupName  string  `json:"group_name"`
	MemberID   int64   `json:"member_id"`
	MemberName string  `json:"member_name"`
	From       string  `json:"from"`
	To         *string `json:"to"`
	// Mobile is the place a 流出 member is away at ("" if not away).
	Mobile string `json:"mobile"`
	// Dual is true for a member of another party organization taking part
	// here under 双重管理 (a 流入 member).
	Dual bool `json:"dual"`
}

// GroupMemberInput assigns a member to a 党小组 from a day.
type GroupMemberInput struct {
	MemberID int64  `json:"member_id"`
	From     string `json:"from"`
}

// groupOf loads a 党小组 in the caller's scope.
func (s *Service) groupOf(ctx context.Context, q store.Querier, id int64) (PartyOrg, error) {
	g, err := s.get(ctx, q, id)
	if err != nil {
		return g, err
	}
	if g.Kind != KindGroup {
		return g, apperr.InvalidField("party_org_id", "「"+g.Name+"」不是党小组")
	}
	return g, nil
}

// GroupMembers lists the members of a 党小组 (current ones first, then past).
func (s *Service) GroupMembers(ctx context.Context, groupID int64) ([]GroupMember, error) {
	g, err := s.groupOf(ctx, s.DB, groupID)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT x.id, x.member_id, m.name, x.from_on, x.to_on,
		COALESCE((SELECT y.place FROM member_mobility y WHERE y.member_id = m.id AND y.direction = 'out' AND y.ended_on IS NULL), ''),
		CASE WHEN m.party_org_id = ? THEN 0 ELSE 1 END
		FROM party_group_members x JOIN members m ON m.id = x.member_id WHERE x.group_id = ?
		ORDER BY CASE WHEN x.to_on IS NULL THEN 0 ELSE 1 END, x.from_on, x.id`, nullableID(g.ParentID), groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []GroupMember{}
	for rows.Next() {
		gm := GroupMember{GroupID: g.ID, GroupName: g.Name}
		var to sql.NullString
		var dual int
		if err := rows.Scan(&gm.ID, &gm.MemberID, &gm.MemberName, &gm.From, &to, &gm.Mobile, &dual); err != nil {
			return nil, err
		}
		if to.Valid {
			gm.To = &to.String
		}
		gm.Dual = dual == 1
		out = append(out, gm)
	}
	return out, rows.Err()
}

func nullableID(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// AddGroupMember puts a member into a 党小组 from a day. The member belongs to
// the group's branch (or takes part in it under 双重管理, as 流入 members do)
// and is in one 党小组 of the branch at a time: an open place in another
// group of the branch ends that day.
func (s *Service) AddGroupMember(ctx context.Context, groupID int64, in GroupMemberInput) (GroupMember, error) {
	from, err := parseDate("from", in.From)
	if err != nil {
		return GroupMember{}, apperr.InvalidField("from", "编入日期格式应为 YYYY-MM-DD")
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (GroupMember, error) {
		return s.AddGroupMemberTx(ctx, tx, groupID, in.MemberID, from)
	})
}

// AddGroupMemberTx is AddGroupMember inside a transaction (step ⑲ of
// 发展党员 records the group with the member's admission).
func (s *Service) AddGroupMemberTx(ctx context.Context, tx *sql.Tx, groupID, memberID int64, from string) (GroupMember, error) {
	g, err := s.groupOf(ctx, tx, groupID)
	if err != nil {
		return GroupMember{}, err
	}
	if g.DissolvedOn != nil && *g.DissolvedOn <= from {
		return GroupMember{}, apperr.Conflict("党小组「" + g.Name + "」已于 " + *g.DissolvedOn + " 撤销")
	}
	if from < g.EstablishedOn {
		return GroupMember{}, apperr.InvalidField("from", "编入日期不能早于党小组成立日期 "+g.EstablishedOn)
	}
	var name, status string
	var partyOrgID int64
	err = s.DB.QueryRow(ctx, tx, `SELECT name, party_org_id, status FROM members WHERE id = ?`, memberID).Scan(&name, &partyOrgID, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return GroupMember{}, apperr.InvalidField("member_id", "党员不存在")
	}
	if err != nil {
		return GroupMember{}, err
	}
	if status != "active" {
		return GroupMember{}, apperr.InvalidField("member_id", name+"不在册，不能编入党小组")
	}
	branch := int64(0)
	if g.ParentID != nil {
		branch = *g.ParentID
	}
	if partyOrgID != branch {
		var dual int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM member_dual WHERE member_id = ? AND party_org_id = ? AND ended_on IS NULL`,
			memberID, branch).Scan(&dual); err != nil {
			return GroupMember{}, err
		}
		if dual == 0 {
			return GroupMember{}, apperr.InvalidField("member_id", fmt.Sprintf("%s不是「%s」的党员，只能编入本支部的党小组", name, g.ParentName))
		}
	}
	// One group of the branch at a time: close the open place elsewhere.
	var prev []int64
	rows, err := s.DB.Query(ctx, tx, `SELECT x.id, x.group_id, x.from_on FROM party_group_members x JOIN party_orgs p ON p.id = x.group_id
		WHERE x.member_id = ? AND p.parent_id = ? AND x.to_on IS NULL`, memberID, branch)
	if err != nil {
		return GroupMember{}, err
	}
	for rows.Next() {
		var id, gid int64
		var f string
		if err := rows.Scan(&id, &gid, &f); err != nil {
			rows.Close()
			return GroupMember{}, err
		}
		if gid == groupID {
			rows.Close()
			return GroupMember{}, apperr.Conflict(name + "已在党小组「" + g.Name + "」")
		}
		if f > from {
			rows.Close()
			return GroupMember{}, apperr.InvalidField("from", fmt.Sprintf("%s于 %s 编入另一党小组，编入日期不能更早", name, f))
		}
		prev = append(prev, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return GroupMember{}, err
	}
	for _, id := range prev {
		if _, err := s.DB.Exec(ctx, tx, `UPDATE party_group_members SET to_on = ? WHERE id = ?`, from, id); err != nil {
			return GroupMember{}, err
		}
	}
	gm := GroupMember{GroupID: g.ID, GroupName: g.Name, MemberID: memberID, MemberName: name, From: from, Dual: partyOrgID != branch}
	if err := s.DB.QueryRow(ctx, tx, `INSERT INTO party_group_members (group_id, member_id, from_on, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		groupID, memberID, from, store.FormatTime(s.Now())).Scan(&gm.ID); err != nil {
		return GroupMember{}, err
	}
	return gm, s.Audit.Record(ctx, tx, audit.Entry{Action: "party_group_member_add", Entity: "party_org", EntityID: fmt.Sprint(groupID), After: gm})
}

// EndGroupMember ends a member's place in a 党小组 on a day.
func (s *Service) EndGroupMember(ctx context.Context, groupID, memberID int64, on string) (GroupMember, error) {
	d, err := parseDate("on", on)
	if err != nil {
		return GroupMember{}, apperr.InvalidField("on", "日期格式应为 YYYY-MM-DD")
	}
	return store.InTxGet(ctx, s.DB, func(tx *sql.Tx) (GroupMember, error) {
		g, err := s.groupOf(ctx, tx, groupID)
		if err != nil {
			return GroupMember{}, err
		}
		gm := GroupMember{GroupID: g.ID, GroupName: g.Name, MemberID: memberID}
		err = s.DB.QueryRow(ctx, tx, `SELECT x.id, m.name, x.from_on FROM party_group_members x JOIN members m ON m.id = x.member_id
			WHERE x.group_id = ? AND x.member_id = ? AND x.to_on IS NULL`, groupID, memberID).Scan(&gm.ID, &gm.MemberName, &gm.From)
		if errors.Is(err, sql.ErrNoRows) {
			return gm, apperr.NotFound("党小组成员")
		}
		if err != nil {
			return gm, err
		}
		if d < gm.From {
			return gm, apperr.InvalidField("on", "移出日期不能早于编入日期 "+gm.From)
		}
		if _, err := s.DB.Exec(ctx, tx, `UPDATE party_group_members SET to_on = ? WHERE id = ?`, d, gm.ID); err != nil {
			return gm, err
		}
		gm.To = &d
		return gm, s.Audit.Record(ctx, tx, audit.Entry{Action: "party_group_member_end", Entity: "party_org", EntityID: fmt.Sprint(groupID), After: gm})
	})
}
