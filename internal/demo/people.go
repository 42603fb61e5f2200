package demo

import (
	"fmt"
	"math/rand/v2"

	"liangxin/internal/assess"
	"liangxin/internal/member"
)

// people records what happens to members in a year: 组织关系转接 inside the
// county (most completed, two in transit), letters out of the county never
// answered (口袋党员), 流动党员 away for work (three in the same city, who
// should form a 党小组) and come in from elsewhere, and the 七一 honours
// (seed 001: 4 个两新组织党组织、16 名党员获评"两优一先"). It runs last, on
// the rosters the other steps left; the 书记 and 委员 stay where they are.
func (l *loader) people(p *plan) error {
	r := rand.New(rand.NewPCG(uint64(len(p.Units)), 0x70656f706c65))
	y := p.Today.Year()
	type who struct {
		id, party int64
	}
	rows, err := l.a.DB.Query(l.ctx, l.a.DB, `SELECT m.id, m.party_org_id FROM members m JOIN party_orgs p ON p.id = m.party_org_id
		WHERE m.status = 'active' AND m.category = 'full' AND p.kind = 'branch'
		AND NOT EXISTS (SELECT 1 FROM committee_members c WHERE c.member_id = m.id AND c.to_on IS NULL) ORDER BY m.id`)
	if err != nil {
		return err
	}
	var ms []who
	for rows.Next() {
		var w who
		if err := rows.Scan(&w.id, &w.party); err != nil {
			rows.Close()
			return err
		}
		ms = append(ms, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ms) < 60 {
		return nil
	}
	r.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
	next := 0
	take := func() who { next++; return ms[next-1] }
	letter := 0
	letterNo := func() string { letter++; return fmt.Sprintf("祁两新转字〔%d〕%03d号", y, letter) }

	// Internal transfers: six completed over the year, two in transit.
	for k := range 8 {
		m, to := take(), take()
		for to.party == m.party {
			to = take()
		}
		issued := p.YearStart.AddDate(0, 1+k, 3+r.IntN(20))
		if k >= 6 {
			issued = p.Today.AddDate(0, 0, -5-r.IntN(10))
		}
		tr, err := l.a.Members.StartTransfer(l.ctx, member.TransferInput{Kind: member.TransferInternal, MemberID: m.id, ToPartyOrgID: to.party,
			LetterNo: letterNo(), IssuedOn: fmtDate(issued), ValidUntil: fmtDate(issued.AddDate(0, 1, 0)), Note: pick(r, []string{"工作调动", "随单位迁址", "跳槽到新单位"})})
		if err != nil {
			return fmt.Errorf("demo transfer: %w", err)
		}
		if k >= 6 {
			continue
		}
		if _, err := l.a.Members.AcceptTransfer(l.ctx, tr.ID, member.AcceptInput{On: fmtDate(issued.AddDate(0, 0, 5+r.IntN(10)))}); err != nil {
			return fmt.Errorf("demo transfer accepted: %w", err)
		}
	}
	// 口袋党员: letters out of the county whose validity passed unanswered.
	for k, to := range []string{"中共广东省深圳市龙华区某科技公司支部委员会", "中共浙江省义乌市某商贸公司党支部"} {
		m := take()
		issued := p.Today.AddDate(0, -5+k, -r.IntN(20))
		if _, err := l.a.Members.StartTransfer(l.ctx, member.TransferInput{Kind: member.TransferOut, MemberID: m.id, ToOutside: to,
			LetterNo: letterNo(), IssuedOn: fmtDate(issued), ValidUntil: fmtDate(issued.AddDate(0, 1, 0)), Note: "外出务工"}); err != nil {
			return fmt.Errorf("demo pocket transfer: %w", err)
		}
	}
	// 流动党员: away for work; three in 东莞, who should form a 党小组.
	places := []string{"广东省东莞市", "广东省东莞市", "广东省东莞市", "广东省广州市", "浙江省杭州市", "湖南省长沙市"}
	for k, place := range places {
		m := take()
		since := p.Today.AddDate(-1, -r.IntN(10), -r.IntN(28))
		if _, err := l.a.Members.StartMobility(l.ctx, m.id, member.MobilityInput{Direction: member.MobilityOut, Place: place, Since: fmtDate(since),
			CardNo: fmt.Sprintf("湘衡祁流%d%04d", since.Year(), 11+k), ReviewedOn: fmtDate(since.AddDate(0, 0, 7)), Note: "外出务工，按月线上参加组织生活"}); err != nil {
			return fmt.Errorf("demo mobile member: %w", err)
		}
	}
	for _, place := range []string{"湖南省衡阳市衡南县", "湖南省邵阳市邵东市"} {
		m := take()
		since := p.Today.AddDate(0, -8-r.IntN(6), -r.IntN(28))
		if _, err := l.a.Members.StartMobility(l.ctx, m.id, member.MobilityInput{Direction: member.MobilityIn, Place: place, Since: fmtDate(since),
			Note: "在本单位务工，组织关系在原籍"}); err != nil {
			return fmt.Errorf("demo incoming mobile member: %w", err)
		}
	}
	// 两优一先 on 七一: 16 members and 4 party organizations awarded, two
	// recommendations still open.
	recommended, decided := fmt.Sprintf("%d-06-05", y), fmt.Sprintf("%d-06-28", y)
	if p.Today.Before(date(y, 6, 28)) {
		y--
		recommended, decided = fmt.Sprintf("%d-06-05", y), fmt.Sprintf("%d-06-28", y)
	}
	levels := []string{"province", "city", "city", "county", "county", "county", "county", "county"}
	for k := range 18 {
		m := take()
		kind := assess.HonourOutstandingMember
		if k%4 == 3 {
			kind = assess.HonourOutstandingWorker
		}
		h, err := l.a.Assess.Recommend(l.ctx, assess.HonourInput{Subject: assess.SubjectMember, MemberID: &m.id, PartyOrgID: m.party, Kind: kind,
			Level: levels[k%len(levels)], Year: y, RecommendedOn: recommended, Note: "岗位建功、服务群众表现突出"})
		if err != nil {
			return fmt.Errorf("demo honour: %w", err)
		}
		if k < 16 {
			if _, err := l.a.Assess.Decide(l.ctx, h.ID, assess.HonourDecision{Status: assess.HonourAwarded, DecidedOn: decided}); err != nil {
				return fmt.Errorf("demo honour awarded: %w", err)
			}
		}
	}
	var best []int64
	for _, pp := range p.Parties {
		if pp.id != 0 && pp.Dissolve.IsZero() && pp.Formation == "single" && pp.Est.Before(p.YearStart) && len(best) < 4 {
			best = append(best, pp.id)
		}
	}
	for k, id := range best {
		h, err := l.a.Assess.Recommend(l.ctx, assess.HonourInput{Subject: assess.SubjectPartyOrg, PartyOrgID: id, Kind: assess.HonourAdvancedOrg,
			Level: levels[k*2%len(levels)], Year: y, RecommendedOn: recommended, Note: "党建引领企业发展成效明显"})
		if err != nil {
			return fmt.Errorf("demo honour of a party organization: %w", err)
		}
		if _, err := l.a.Assess.Decide(l.ctx, h.ID, assess.HonourDecision{Status: assess.HonourAwarded, DecidedOn: decided}); err != nil {
			return fmt.Errorf("demo honour awarded: %w", err)
		}
	}
	return nil
}
