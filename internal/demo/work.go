package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"liangxin/internal/workloop"
)

// workLoop issues a year of 工作提示 (one a month, January to the demo's
// month) and 学习清单 (one a quarter) to the whole jurisdiction through the
// work-loop service, dates them to the first day of their month or quarter,
// and records partial receipts (older notices read by most, this month's by
// fewer) and completed study items; then lists six tasks (two of them
// overdue, one waiting for 销号, one closed) and one supervision plan.
func (l *loader) workLoop(p *plan) error {
	r := rand.New(rand.NewPCG(uint64(len(p.Units)), 0x776f726b))
	j, err := l.a.Regions.Jurisdiction(l.ctx)
	if err != nil {
		return err
	}
	y := p.Today.Year()
	type issued struct {
		id      int64
		on      time.Time
		current bool
	}
	var notices []issued
	for m := time.January; m <= p.Today.Month(); m++ {
		n, err := l.a.Work.CreateNotice(l.ctx, workloop.NoticeInput{Kind: workloop.KindTip, Title: fmt.Sprintf("%d年%d月两新党建工作提示", y, m),
			Body:   fmt.Sprintf("各街道（乡镇）两新组织综合党委、各两新党组织：\n现将%d月重点工作提示如下：\n- 按时召开支部党员大会、支委会、党小组会，上好党课\n- 做好党费收缴和发展党员有关工作\n- 及时更新两新组织和党组织台账", m),
			Period: fmt.Sprintf("%d-%02d", y, m), RegionCode: j})
		if err != nil {
			return fmt.Errorf("demo: tip %d: %w", m, err)
		}
		notices = append(notices, issued{n.ID, date(y, m, 1), m == p.Today.Month()})
	}
	quarter := (int(p.Today.Month())-1)/3 + 1
	items := [][]string{
		{"学习全国两会精神", "学习《中国共产党支部工作条例（试行）》", "开展一次主题党日活动"},
		{"学习《中国共产党章程》", "开展“七一”主题党日和党员承诺践诺", "学习两新组织党建工作有关文件"},
		{"学习习近平总书记重要讲话精神", "开展党员示范岗创建交流", "学习《中国共产党纪律处分条例》"},
		{"学习党的二十届四中全会精神", "开展年度组织生活会准备学习", "学习基层党组织选举工作条例"},
	}
	for q := 1; q <= quarter; q++ {
		n, err := l.a.Work.CreateNotice(l.ctx, workloop.NoticeInput{Kind: workloop.KindStudy, Title: fmt.Sprintf("%d年第%s季度学习清单", y, chineseNumber(q)),
			Body: "各两新党组织：\n请对照以下学习内容组织党员学习，完成后在系统中逐条标记完成并上传佐证材料。", Period: fmt.Sprintf("%d-Q%d", y, q), RegionCode: j, Items: items[q-1]})
		if err != nil {
			return fmt.Errorf("demo: study %d: %w", q, err)
		}
		notices = append(notices, issued{n.ID, date(y, time.Month(3*q-2), 1), q == quarter})
	}
	for _, n := range notices {
		if _, err := l.a.Work.Publish(l.ctx, n.id); err != nil {
			return err
		}
		// The history: published on the first day of its period, read by
		// most within a fortnight (this period's by about a third so far).
		if _, err := l.a.DB.Exec(l.ctx, l.a.DB, `UPDATE notices SET published_on = ? WHERE id = ?`, fmtDate(n.on), n.id); err != nil {
			return err
		}
		rows, err := l.a.DB.Query(l.ctx, l.a.DB, `SELECT party_org_id FROM notice_recipients WHERE notice_id = ? ORDER BY party_org_id`, n.id)
		if err != nil {
			return err
		}
		var orgs []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			orgs = append(orgs, id)
		}
		rows.Close()
		var itemIDs []int64
		irows, err := l.a.DB.Query(l.ctx, l.a.DB, `SELECT id FROM notice_items WHERE notice_id = ? ORDER BY seq`, n.id)
		if err != nil {
			return err
		}
		for irows.Next() {
			var id int64
			if err := irows.Scan(&id); err != nil {
				irows.Close()
				return err
			}
			itemIDs = append(itemIDs, id)
		}
		irows.Close()
		rate := 85
		if n.current {
			rate = 35
		}
		for _, org := range orgs {
			if r.IntN(100) >= rate {
				continue
			}
			read := n.on.AddDate(0, 0, 1+r.IntN(14))
			if read.After(p.Today) {
				read = p.Today
			}
			at := read.Add(time.Duration(1+r.IntN(8)) * time.Hour).Format("2006-01-02T15:04:05.000000Z")
			if _, err := l.a.DB.Exec(l.ctx, l.a.DB, `UPDATE notice_recipients SET read_at = ? WHERE notice_id = ? AND party_org_id = ?`, at, n.id, org); err != nil {
				return err
			}
			for _, it := range itemIDs {
				if r.IntN(100) >= rate {
					continue
				}
				done := read.AddDate(0, 0, r.IntN(20))
				if done.After(p.Today) {
					done = p.Today
				}
				if _, err := l.a.DB.Exec(l.ctx, l.a.DB, `INSERT INTO notice_item_done (item_id, party_org_id, done_on, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, 0, ?)`,
					it, org, fmtDate(done), "已组织党员集中学习", at); err != nil {
					return err
				}
			}
		}
	}
	return l.workTasks(p, j)
}

// workTasks lists the demo's tasks and its supervision plan.
func (l *loader) workTasks(p *plan, j string) error {
	var streets []string
	rows, err := l.a.DB.Query(l.ctx, l.a.DB, `SELECT code FROM regions WHERE parent_code = ? AND level = 4 ORDER BY code LIMIT 3`, j)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		streets = append(streets, c)
	}
	rows.Close()
	var orgs []int64
	for _, pp := range p.Parties {
		if pp.id != 0 && pp.Dissolve.IsZero() && len(orgs) < 3 {
			orgs = append(orgs, pp.id)
		}
	}
	if len(streets) < 3 || len(orgs) < 3 {
		return nil
	}
	day := func(d int) string { return fmtDate(p.Today.AddDate(0, 0, d)) }
	type spec struct {
		in    workloop.TaskInput
		steps []string
	}
	specs := []spec{
		{workloop.TaskInput{Title: "报送本街道两新组织党建工作年度总结", AssigneeKind: "region", RegionCode: streets[0], Deadline: day(-10)}, nil},
		{workloop.TaskInput{Title: "完成新建党组织“六有”阵地建设", AssigneeKind: "party_org", PartyOrgID: orgs[0], Deadline: day(-3)}, []string{workloop.ActProgress}},
		{workloop.TaskInput{Title: "开展两新组织党组织书记轮训", AssigneeKind: "region", RegionCode: streets[1], Deadline: day(20)}, []string{workloop.ActProgress, workloop.ActRequestClose}},
		{workloop.TaskInput{Title: "补齐三会一课记录台账", AssigneeKind: "party_org", PartyOrgID: orgs[1], Deadline: day(-30)}, []string{workloop.ActRequestClose, workloop.ActAccept}},
		{workloop.TaskInput{Title: "按期完成支部换届选举", AssigneeKind: "party_org", PartyOrgID: orgs[2], Deadline: day(40)}, []string{workloop.ActRequestClose, workloop.ActSendBack}},
		{workloop.TaskInput{Title: "排查未建党组织的规模以上企业", AssigneeKind: "region", RegionCode: streets[2], Deadline: day(35)}, nil},
	}
	notes := map[string]string{workloop.ActProgress: "已部署，正在推进", workloop.ActRequestClose: "已按要求完成，附相关材料", workloop.ActAccept: "材料齐全，同意销号", workloop.ActSendBack: "选举结果批复材料缺失，请补充"}
	for _, s := range specs {
		t, err := l.a.Work.CreateTask(l.ctx, s.in)
		if err != nil {
			return fmt.Errorf("demo: task %s: %w", s.in.Title, err)
		}
		for _, st := range s.steps {
			if t, err = l.a.Work.Act(l.ctx, t.ID, workloop.TaskAction{Action: st, Version: t.Version, Note: notes[st]}, true, true); err != nil {
				return fmt.Errorf("demo: task %s %s: %w", s.in.Title, st, err)
			}
		}
	}
	pl, err := l.a.Work.CreatePlan(l.ctx, workloop.PlanInput{Kind: "supervision", Title: fmt.Sprintf("%d年下半年两新党建督导", p.Today.Year()),
		PeriodFrom: fmt.Sprintf("%d-07-01", p.Today.Year()), PeriodTo: fmt.Sprintf("%d-12-31", p.Today.Year()), RegionCode: j, Note: "每半年开展一次工作调研督导"})
	if err != nil {
		return err
	}
	_, err = l.a.Work.AddVisit(l.ctx, pl.ID, workloop.VisitInput{PartyOrgID: orgs[0], VisitedOn: day(-20), Visitors: "区两新工委 王科长、李干事", Summary: "查阅组织生活台账，座谈党员 6 名",
		Findings: []workloop.FindingInput{{Content: "三会一课记录不完整", Deadline: day(10)}, {Content: "党员活动室制度未上墙", Deadline: day(-5)}}})
	return err
}
