package demo

import (
	"fmt"
	"liangxin/internal/compliancehook"
	"math/rand/v2"
	"time"

	"liangxin/internal/meeting"
	"liangxin/internal/partyorg"
)

// orgLife adds a year of meetings, a closed assessment round and "1+1"
// pairs (issue 5). It runs after members. This part writes the meetings
// (with attendance from the roster when members exist) and the committees;
// the assessment round and the pairs are added by the assessment step.
func (l *loader) orgLife(p *plan) error {
	r := rand.New(rand.NewPCG(uint64(len(p.Parties))+7, 0x6f72676c696665))
	start := date(p.Today.Year()-1, p.Today.Month(), 1)
	topics := map[string][]string{
		meeting.KindBranchAssembly:   {"通报季度党建工作，讨论发展党员事项", "学习传达上级会议精神", "审议支部年度工作计划"},
		meeting.KindCommitteeMeeting: {"研究本月党建工作安排", "讨论党员教育管理事项"},
		meeting.KindGroupMeeting:     {"学习党章党规", "交流岗位建功体会"},
		meeting.KindPartyLecture:     {"学习贯彻党的二十大精神", "新时代非公企业党建", "廉洁从业专题党课"},
		meeting.KindThemeDay:         {"重温入党誓词", "志愿服务进社区", "参观红色教育基地", "学习先进典型事迹"},
		meeting.KindLifeMeeting:      {"年度组织生活会，开展批评与自我批评"},
		meeting.KindMemberReview:     {"年度民主评议党员"},
		meeting.KindHeartTalk:        {"支部书记与党员谈心谈话"},
		meeting.KindGeneralCommittee: {"研究本月党建工作安排", "听取各支部工作汇报"},
		meeting.KindPartyCommittee:   {"研究部署本月党建工作", "听取所属党组织工作汇报", "研究发展党员工作"},
		meeting.KindMemberAssembly:   {"年度党员大会，审议年度工作报告"},
	}
	for i, pp := range p.Parties {
		if pp.id == 0 || (!pp.Dissolve.IsZero() && !pp.Dissolve.After(p.Today)) {
			continue
		}
		// Most organizations keep up; a few lag (so the dashboard has laggards).
		diligence := 1.0
		switch i % 25 {
		case 3:
			diligence = 0.6
		case 16:
			diligence = 0.85
		}
		members, err := l.roster(pp.id)
		if err != nil {
			return err
		}
		hasCommittee, err := l.committee(r, pp, len(members))
		if err != nil {
			return err
		}
		from := maxTime(start, pp.Est)
		hold := func(kind string, lo, hi time.Time) error {
			if hi.After(p.Today) {
				hi = p.Today
			}
			if hi.Before(lo) || r.Float64() > diligence {
				return nil
			}
			day := between(r, lo, hi)
			ts := topics[kind]
			in := meeting.Input{PartyOrgID: pp.id, Kind: kind, Date: fmtDate(day), Place: "党员活动室", Topic: ts[r.IntN(len(ts))]}
			if kind == meeting.KindPartyLecture {
				in.Presenter = "支部书记"
			}
			for _, id := range members {
				st := meeting.Present
				switch x := r.Float64(); {
				case x < 0.06:
					st = meeting.Absent
				case x < 0.15:
					st = meeting.Excused
				}
				in.Attendees = append(in.Attendees, meeting.AttendeeInput{MemberID: id, Status: st})
			}
			m, err := l.a.Meet.Create(l.ctx, in)
			if err != nil {
				return fmt.Errorf("demo meeting of %s: %w", pp.Name, err)
			}
			// The demo loads a year of history at once: only a few records are 补报.
			if m.Late && r.Float64() > 0.05 {
				if _, err := l.a.DB.Exec(l.ctx, l.a.DB, `UPDATE meetings SET late = ? WHERE id = ?`, false, m.ID); err != nil {
					return err
				}
				// A write past the services: its compliance slots by hand.
				if err := compliancehook.Refresh(l.ctx, l.a.DB, l.a.DB, m.PartyOrgID); err != nil {
					return err
				}
			}
			return nil
		}
		for m := from; !m.After(p.Today); m = m.AddDate(0, 1, 0) {
			ms := date(m.Year(), m.Month(), 1)
			me := ms.AddDate(0, 1, -1)
			lo := maxTime(ms, pp.Est)
			if err := hold(meeting.KindThemeDay, lo, me); err != nil {
				return err
			}
			// The committee's own meeting: 支委会 of a branch with a committee,
			// 总支委员会 of a 党总支, 党委会 of a 党委 (meeting.KindsFor).
			committeeKind := map[string]string{partyorg.KindGeneralBranch: meeting.KindGeneralCommittee, partyorg.KindCommittee: meeting.KindPartyCommittee}[pp.Kind]
			if committeeKind == "" && hasCommittee {
				committeeKind = meeting.KindCommitteeMeeting
			}
			if committeeKind != "" {
				if err := hold(committeeKind, lo, me); err != nil {
					return err
				}
			}
			if ms.Month()%3 == 0 { // last month of a quarter
				qs := ms.AddDate(0, -2, 0)
				quarterly := []string{meeting.KindPartyLecture}
				if pp.Kind == partyorg.KindBranch {
					quarterly = append(quarterly, meeting.KindBranchAssembly)
				}
				for _, kind := range quarterly {
					if err := hold(kind, maxTime(qs, pp.Est), me); err != nil {
						return err
					}
				}
			}
			if ms.Month() == 12 {
				yearly := []string{meeting.KindLifeMeeting, meeting.KindMemberReview, meeting.KindHeartTalk}
				if pp.Kind != partyorg.KindBranch {
					yearly = append(yearly, meeting.KindMemberAssembly)
				}
				for _, kind := range yearly {
					if err := hold(kind, maxTime(ms, pp.Est), me); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// roster lists the active members of a party organization.
func (l *loader) roster(partyOrgID int64) ([]int64, error) {
	rows, err := l.a.DB.Query(l.ctx, l.a.DB, `SELECT id FROM members WHERE party_org_id = ? AND status = 'active' ORDER BY id`, partyOrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// committee elects a committee at the start of the current term: a 书记
// (sometimes also in the unit's management, 交叉任职) and, with ≥7 full
// members, 组织 and 宣传委员. One in nine has no 书记 at present.
func (l *loader) committee(r *rand.Rand, pp *partyPlan, _ int) (bool, error) {
	var full int
	if err := l.a.DB.QueryRow(l.ctx, l.a.DB, `SELECT COUNT(*) FROM members WHERE party_org_id = ? AND category = 'full' AND status = 'active'`, pp.id).Scan(&full); err != nil {
		return false, err
	}
	if r.IntN(40) == 0 {
		return false, nil
	}
	// The 书记 and 委员 are full members of the roster; a committee without
	// a roster of its own (a 综合党委) is led by officials named only.
	var ids []int64
	var names []string
	rows, err := l.a.DB.Query(l.ctx, l.a.DB, `SELECT id, name FROM members WHERE party_org_id = ? AND category = 'full' AND status = 'active' ORDER BY id`, pp.id)
	if err != nil {
		return false, err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return false, err
		}
		ids, names = append(ids, id), append(names, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	k := 0
	post := func(role string, cross bool) meeting.CommitteeMemberInput {
		if k < len(ids) {
			k++
			return meeting.CommitteeMemberInput{Role: role, MemberID: &ids[k-1], Name: names[k-1], CrossPost: cross}
		}
		return meeting.CommitteeMemberInput{Role: role, Name: personName(r), CrossPost: cross}
	}
	posts := []meeting.CommitteeMemberInput{post(meeting.RoleSecretary, r.IntN(2) == 0)}
	committee := full >= meeting.MinFullForCommittee
	if committee {
		posts = append(posts, post(meeting.RoleOrganization, false), post(meeting.RolePropaganda, false))
	}
	on := pp.Term
	if on.IsZero() || on.Before(pp.Est) {
		on = pp.Est
	}
	if _, err := l.a.Meet.RecordElection(l.ctx, pp.id, meeting.ElectionInput{HeldOn: fmtDate(on), Note: "换届选举", Members: posts}); err != nil {
		return false, fmt.Errorf("demo committee of %s: %w", pp.Name, err)
	}
	return committee, nil
}
