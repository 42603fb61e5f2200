package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/assess"
	"liangxin/internal/civil"
	"liangxin/internal/develop"
	"liangxin/internal/member"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
)

// development puts people into the 发展党员 pipeline, through the develop
// service's own calls (every rule of the 25 steps is checked): in the
// branches older than two years someone became 发展对象 within the last two
// years (but in one branch of twelve: a 软弱涣散 signal), and that person is
// now, by the roll, 正式党员 (转正 this year, one year after ⑰), 预备党员
// (admitted by the 上级党委 within the last year) or still 发展对象; half of
// those branches also have a new 入党申请人 or 积极分子. Newer branches have
// applicants and 积极分子 on the way. It runs after members (the
// introducers and the voters are the branch's full members) and before the
// assessment, whose "development" indicator and 软弱涣散 signal read it.
func (l *loader) development(p *plan) error {
	r := rand.New(rand.NewPCG(uint64(len(p.Parties)), 2027))
	seq := 0
	admitted := 0
	for _, pp := range p.Parties {
		if pp.id == 0 || !pp.Dissolve.IsZero() || pp.Kind == partyorg.KindCommittee {
			continue
		}
		old := pp.Est.Before(p.Today.AddDate(-2, 0, 0))
		roll := r.IntN(12)
		if old && roll == 0 {
			continue // nobody in the pipeline: a 软弱涣散 signal
		}
		var unitID *int64
		for _, ui := range pp.Initial {
			if id := p.Units[ui].id; id != 0 {
				unitID = &id
				break
			}
		}
		full, err := l.fullMembers(pp.id)
		if err != nil {
			return err
		}
		var runs []devRun
		if old {
			// A 发展对象 now; a 预备党员 admitted within the last year; in
			// the branches old enough for the whole way (application about
			// three years ago) a 转正 this year instead, and in half of
			// them a 预备党员 as well.
			targets := []string{develop.StageCandidate}
			switch {
			case len(full) < 2: // no two full members to introduce anyone: 发展对象 only
			case pp.Est.Before(p.Today.AddDate(0, -34, 0)):
				targets = append(targets, develop.StageFull)
				if roll%2 == 0 {
					targets = append(targets, develop.StageProbationary)
				}
			default:
				targets = append(targets, develop.StageProbationary)
			}
			for _, target := range targets {
				runs = append(runs, devRun{target: target, plan: devTimeline(r, p.Today, pp.Est, target, full)})
			}
			if roll%3 == 0 {
				runs = append(runs, devRun{target: develop.StageApplicant, plan: earlyTimeline(r, p.Today, pp.Est, roll%2 == 0)})
			}
		} else {
			runs = append(runs, devRun{target: develop.StageActivist, plan: earlyTimeline(r, p.Today, pp.Est, roll < 6)})
		}
		for _, run := range runs {
			person, err := l.applicant(r, p.Today, &seq, pp, unitID, run.plan.applied)
			if err != nil {
				return err
			}
			rec := develop.Recorded{Person: person}
			for _, st := range run.plan.steps {
				if st.DoneOn > fmtDate(p.Today) {
					break
				}
				if rec, err = l.a.Develop.RecordStep(l.ctx, person.ID, st); err != nil {
					return fmt.Errorf("demo step %d of %s: %w", st.Step, pp.Name, err)
				}
			}
			if l.sum.Development == nil {
				l.sum.Development = map[string]int{}
			}
			l.sum.Development[rec.Person.Stage]++
			if rec.Person.MemberID != nil {
				// The roster member the admission made: the rest of the
				// record (学历, 民族, phone, post), then the year's 党费.
				admitted++
				birth, _ := civil.Read(rec.Person.BirthDate)
				patch := member.Patch{Ethnicity: ptr(ethnicity(r)), Education: ptr(education(r, birth)),
					Phone: ptr(fmt.Sprintf("13%d%08d", 5+r.IntN(5), r.IntN(100000000))), Position: ptr(pick(r, positions))}
				m, err := l.a.Members.Update(l.ctx, *rec.Person.MemberID, patch)
				if err != nil {
					return fmt.Errorf("demo admitted member of %s: %w", pp.Name, err)
				}
				joined := ""
				if m.JoinedOn != nil {
					joined = *m.JoinedOn
				}
				if err := l.memberDues(r, p, m.ID, m.BirthDate, joined, int(p.Today.Month())-1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

type devRun struct {
	target string
	plan   devPlan
}

// devPlan is one person's application day and the steps after it, in order;
// the steps later than today are not recorded.
type devPlan struct {
	applied time.Time
	steps   []develop.StepInput
}

// applicant registers step ① for a new person of the branch, born 25–38
// years before today, with an invented 身份证号 of 祁东.
func (l *loader) applicant(r *rand.Rand, today time.Time, seq *int, pp *partyPlan, unitID *int64, applied time.Time) (develop.Person, error) {
	birth := date(today.Year()-25-r.IntN(14), time.Month(1+r.IntN(12)), 1+r.IntN(28))
	name := personName(r)
	for try := 0; ; try++ {
		*seq++
		first := fmt.Sprintf("430426%s%03d", birth.Format("20060102"), 500+*seq%500)
		person, err := l.a.Develop.Apply(l.ctx, develop.PersonInput{PartyOrgID: pp.id, Name: name, IDNumber: first + string(pdata.CheckChar(first)),
			OrganizationID: unitID, AppliedOn: fmtDate(applied)})
		if apperr.IsKind(err, apperr.KindConflict) && try < 5 {
			continue // the invented number is someone else's: the next one
		}
		if err != nil {
			return person, fmt.Errorf("demo applicant of %s: %w", pp.Name, err)
		}
		return person, nil
	}
}

// earlyTimeline is an application within the last 14 months (after the
// branch was set up), the talk, and for an activist ③–⑤ and the quarterly ⑥.
func earlyTimeline(r *rand.Rand, today, est time.Time, activist bool) devPlan {
	applied := between(r, maxTime(est.AddDate(0, 0, 10), today.AddDate(0, -14, 0)), today.AddDate(0, 0, -20))
	out := devPlan{applied: applied, steps: []develop.StepInput{{Step: 2, DoneOn: fmtDate(applied.AddDate(0, 0, 10+r.IntN(15))), People: "支部书记"}}}
	if activist {
		on := applied.AddDate(0, 2, 0)
		out.steps = append(out.steps, activistSteps(r, on)...)
	}
	return out
}

// activistSteps are ③ 确定积极分子 on the day given, ④, ⑤ and a ⑥ every
// quarter for a year, so every half year before ⑦ holds a review.
func activistSteps(r *rand.Rand, on time.Time) []develop.StepInput {
	steps := []develop.StepInput{
		{Step: 3, DoneOn: fmtDate(on), Note: "支部委员会研究确定"},
		{Step: 4, DoneOn: fmtDate(on.AddDate(0, 0, 7))},
		{Step: 5, DoneOn: fmtDate(on.AddDate(0, 0, 10)), People: personName(r) + "、" + personName(r)},
	}
	for q, note := range []string{"季度考察：表现良好", "半年考察：积极参加志愿服务", "季度考察：按时参加党课学习", "年度考察：具备发展对象条件"} {
		steps = append(steps, develop.StepInput{Step: 6, DoneOn: fmtDate(on.AddDate(0, 3*(q+1), -5)), Note: note})
	}
	return steps
}

// weekOfPublicity is the Monday-to-Friday week of a 公示 starting on the
// first Monday after day: 5 working days, the default rule.
func weekOfPublicity(day time.Time) (from, to time.Time) {
	from = day.AddDate(0, 0, 1)
	for from.Weekday() != time.Monday {
		from = from.AddDate(0, 0, 1)
	}
	return from, from.AddDate(0, 0, 4)
}

// devTimeline plans a person of an older branch who became 发展对象 (⑦)
// and goes on to the target stage:
//   - 发展对象: ⑦ 40 days to 4 months ago, then ⑧–⑭ as far as time allows;
//   - 预备党员: ⑦ 5–11 months ago, so ⑰ falls 1–7 months ago, then ⑱–㉑;
//   - 正式党员: ⑦ about 21–22 months ago, ⑰ 4 months later, ㉓ one year
//     after ⑰ (the probation of a year from ⑮ has ended), ㉔ and ㉕.
//
// Backwards from ⑦: ③ a year and 10–70 days before (a year of 积极分子
// with a review every quarter), ① two months before ③.
func devTimeline(r *rand.Rand, today, est time.Time, target string, full []int64) devPlan {
	var d7 time.Time
	switch target {
	case develop.StageFull:
		d7 = today.AddDate(0, -20, -r.IntN(40))
	case develop.StageProbationary:
		d7 = today.AddDate(0, -5-r.IntN(6), -r.IntN(28))
	default:
		d7 = today.AddDate(0, 0, -40-r.IntN(80))
	}
	on := d7.AddDate(-1, 0, -10-r.IntN(60))
	applied := on.AddDate(0, -2, -r.IntN(20))
	if applied.Before(est.AddDate(0, 0, 10)) { // the branch is younger than the plan: start as late as it allows
		applied = est.AddDate(0, 0, 10)
		on = applied.AddDate(0, 2, 0)
		d7 = on.AddDate(1, 0, 10)
	}
	out := devPlan{applied: applied, steps: []develop.StepInput{{Step: 2, DoneOn: fmtDate(applied.AddDate(0, 0, 10+r.IntN(15))), People: "支部书记"}}}
	out.steps = append(out.steps, activistSteps(r, on)...)
	out.steps = append(out.steps,
		develop.StepInput{Step: 7, DoneOn: fmtDate(d7), Note: "支部大会讨论确定，听取党小组、培养联系人和群众意见"},
		develop.StepInput{Step: 8, DoneOn: fmtDate(d7.AddDate(0, 0, 7))})
	if len(full) < 2 {
		return out // no two full members in the branch to introduce the person
	}
	out.steps = append(out.steps, develop.StepInput{Step: 9, DoneOn: fmtDate(d7.AddDate(0, 0, 14)), Introducers: full[:2]})
	pubFrom, pubTo := weekOfPublicity(d7.AddDate(0, 0, 46))
	out.steps = append(out.steps,
		develop.StepInput{Step: 10, DoneOn: fmtDate(d7.AddDate(0, 0, 30)), Note: "函调本人及直系亲属，政治审查合格"},
		develop.StepInput{Step: 11, DoneOn: fmtDate(d7.AddDate(0, 0, 45)), TrainingDays: 3, TrainingHours: 24, Note: "县委党校发展对象培训班"},
		develop.StepInput{Step: 12, DoneOn: fmtDate(pubTo.AddDate(0, 0, 3))},
		develop.StepInput{Step: 13, DoneOn: fmtDate(d7.AddDate(0, 0, 70))},
		develop.StepInput{Step: 14, DoneOn: fmtDate(d7.AddDate(0, 0, 75))})
	if target == develop.StageCandidate {
		// Still 发展对象: stop between ⑧ and ⑭.
		keep := len(out.steps) - r.IntN(6)
		out.steps = out.steps[:keep]
		return out
	}
	voters := len(full)
	present := voters
	if voters > 4 {
		present--
	}
	d15 := d7.AddDate(0, 0, 80)
	d17 := d15.AddDate(0, 0, 30+r.IntN(40)) // within three months of the vote
	out.steps = append(out.steps,
		develop.StepInput{Step: 15, DoneOn: fmtDate(d15), VotersDue: voters, Present: present, Yes: present, Note: "支部党员大会无记名投票表决"},
		develop.StepInput{Step: 16, DoneOn: fmtDate(d15.AddDate(0, 0, 10)), People: "乡镇（街道）党（工）委组织委员",
			PublicityFrom: fmtDate(pubFrom), PublicityTo: fmtDate(pubTo)},
		develop.StepInput{Step: 17, DoneOn: fmtDate(d17), Note: "上级党委集体讨论审批"},
		develop.StepInput{Step: 18, DoneOn: fmtDate(d17.AddDate(0, 0, 7))},
		develop.StepInput{Step: 19, DoneOn: fmtDate(d17.AddDate(0, 0, 10))},
		develop.StepInput{Step: 20, DoneOn: fmtDate(d17.AddDate(0, 0, 20)), Note: "在党旗下宣誓"})
	for q := 1; q <= 3; q++ {
		out.steps = append(out.steps, develop.StepInput{Step: 21, DoneOn: fmtDate(d17.AddDate(0, 3*q, 0)), Note: "季度教育考察：表现合格"})
	}
	if target != develop.StageFull {
		return out
	}
	ends := d15.AddDate(1, 0, 0)
	d23 := d17.AddDate(1, 0, r.IntN(5))
	pub2From, pub2To := weekOfPublicity(d23)
	d24 := pub2To.AddDate(0, 0, 3+r.IntN(14))
	out.steps = append(out.steps,
		develop.StepInput{Step: 22, DoneOn: fmtDate(ends.AddDate(0, 0, -10)), Note: "预备期满前提交书面转正申请"},
		develop.StepInput{Step: 23, DoneOn: fmtDate(d23), VotersDue: voters, Present: present, Yes: present, Note: "支部党员大会讨论，同意按期转正"},
		develop.StepInput{Step: 24, DoneOn: fmtDate(d24), PublicityFrom: fmtDate(pub2From), PublicityTo: fmtDate(pub2To), Note: "上级党委审批，同意按期转正"},
		develop.StepInput{Step: 25, DoneOn: fmtDate(d24.AddDate(0, 0, 10)), Note: "入党志愿书、转正申请等材料归入人事档案"})
	return out
}

// fullMembers lists the active full members of a branch (the introducers
// and the voters of its meetings), oldest record first.
func (l *loader) fullMembers(partyOrgID int64) ([]int64, error) {
	rows, err := l.a.DB.Query(l.ctx, l.a.DB, `SELECT id FROM members WHERE party_org_id = ? AND category = 'full' AND status = 'active' ORDER BY id`, partyOrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// assessment runs a closed star-rating round over the jurisdiction for the
// last twelve months, with computed indicators from the system and manual
// ones scored plausibly, then two "1+1" pairs and one rectification.
func (l *loader) assessment(p *plan) error {
	r := rand.New(rand.NewPCG(uint64(len(p.Units)), 3037))
	j, err := l.a.Regions.Jurisdiction(l.ctx)
	if err != nil {
		return err
	}
	to := date(p.Today.Year(), p.Today.Month(), 1).AddDate(0, 0, -1) // end of last month
	from := to.AddDate(-1, 0, 1)
	sh, err := l.a.Assess.CreateSheet(l.ctx, assess.SheetInput{Name: fmt.Sprintf("两新党组织星级评定指标（%d年版）", from.Year()), Year: from.Year(), RegionCode: j,
		Indicators: []assess.IndicatorInput{
			{Area: "组织建设", Name: "三会一课落实", MaxPoints: 2500, Method: assess.MethodMeetingCompliance, Guidance: "按规定频次召开的比例"},
			{Area: "组织建设", Name: "党员参会率", MaxPoints: 1500, Method: assess.MethodAttendance},
			{Area: "队伍建设", Name: "发展党员", MaxPoints: 1000, Method: assess.MethodDevelopment, Guidance: "近2年确定过发展对象"},
			{Area: "班子建设", Name: "班子团结、书记履职", MaxPoints: 2000, Method: assess.MethodManual, Guidance: "查阅台账、个别谈话"},
			{Area: "作用发挥", Name: "服务企业发展和职工群众", MaxPoints: 2000, Method: assess.MethodManual, Guidance: "实地查看、听取企业意见"},
			{Area: "基础保障", Name: "阵地、经费、制度", MaxPoints: 1000, Method: assess.MethodManual},
		},
		Vetoes: []assess.VetoInput{{Name: "党组织或书记发生违纪违法问题", CapStars: 2}}})
	if err != nil {
		return fmt.Errorf("demo sheet: %w", err)
	}
	round, err := l.a.Assess.CreateRound(l.ctx, assess.RoundInput{SheetID: sh.ID, Name: fmt.Sprintf("%d年度星级党组织评定", from.Year()), RegionCode: j,
		From: fmtDate(from), To: fmtDate(to)})
	if err != nil {
		return fmt.Errorf("demo round: %w", err)
	}
	view, err := l.a.Assess.RoundResults(l.ctx, round.ID)
	if err != nil {
		return err
	}
	// The seed's round: 五星 7, 四星 10, 三星 25, the others lower. The
	// computed indicators come from the records; the manual ones are scored
	// so that the total lands in the band of the star level planned, the
	// best computed records taking the highest levels.
	rs0 := append([]assess.Result{}, view.Results...)
	sort.SliceStable(rs0, func(a, b int) bool {
		if rs0[a].Total != rs0[b].Total {
			return rs0[a].Total > rs0[b].Total
		}
		return rs0[a].PartyOrgID < rs0[b].PartyOrgID
	})
	manualMax := assess.Points(0)
	for _, ind := range sh.Indicators {
		if ind.Method == assess.MethodManual {
			manualMax += ind.MaxPoints
		}
	}
	vetoed := len(rs0) - 1 - r.IntN(max(1, len(rs0)/4))
	for i, res := range rs0 {
		var lo, span int
		switch {
		case i < starsFive:
			lo, span = 9000, 800
		case i < starsFive+starsFour:
			lo, span = 8000, 900
		case i < starsFive+starsFour+starsThree:
			lo, span = 7000, 900
		case r.IntN(10) < 7:
			lo, span = 6000, 900
		default:
			lo, span = 4500, 1400
		}
		target := assess.Points(lo + r.IntN(span/50+1)*50)
		need := min(manualMax, max(0, target-res.Total))
		var in assess.OrgScoresInput
		left := need
		for _, ind := range sh.Indicators {
			if ind.Method != assess.MethodManual {
				continue
			}
			v := need * ind.MaxPoints / manualMax / 50 * 50 // to half points
			v = min(v, left)
			left -= v
			in.Scores = append(in.Scores, assess.ScoreInput{IndicatorID: ind.ID, Points: &v, Note: "查阅台账、实地查看"})
		}
		for k := 0; left > 0 && k < len(in.Scores); k++ {
			ind := manualIndicator(sh, in.Scores[k].IndicatorID)
			add := min(left, ind.MaxPoints-*in.Scores[k].Points)
			v := *in.Scores[k].Points + add
			in.Scores[k].Points = &v
			left -= add
		}
		sat := assess.Points(7000 + r.IntN(28)*100)
		if i == len(rs0)-2 {
			sat = 5600 // one branch the people are not satisfied with
		}
		in.Satisfaction = &sat
		if i == vetoed {
			in.Vetoes = []assess.VetoHitInput{{VetoID: sh.Vetoes[0].ID, Hit: true, Note: "书记受到党纪处分"}}
		}
		if _, err := l.a.Assess.SaveOrgScores(l.ctx, round.ID, res.PartyOrgID, in); err != nil {
			return fmt.Errorf("demo scores of %s: %w", res.PartyOrgName, err)
		}
	}
	closed, err := l.a.Assess.CloseRound(l.ctx, round.ID)
	if err != nil {
		return fmt.Errorf("demo close: %w", err)
	}
	// Two pairs: the best rated help the weakest, from the round's end.
	rs := append([]assess.Result{}, closed.Results...)
	sort.Slice(rs, func(a, b int) bool { return rs[a].Rank < rs[b].Rank })
	if len(rs) >= 4 {
		start := to.AddDate(0, 0, 1)
		for k := 0; k < 2; k++ {
			model, helped := rs[k], rs[len(rs)-1-k]
			pair, err := l.a.Assess.CreatePair(l.ctx, assess.PairInput{ModelID: model.PartyOrgID, HelpedID: helped.PartyOrgID,
				From: fmtDate(start.AddDate(0, -6, 0)), To: fmtDate(start.AddDate(0, 6, 0)), Goals: "规范三会一课，补齐班子，一年内达到三星级"})
			if err != nil {
				return fmt.Errorf("demo pair: %w", err)
			}
			for a, what := range []string{"联合开展主题党日", "书记上门指导组织生活会", "共建志愿服务队"} {
				on := start.AddDate(0, -5+2*a, 0)
				if on.After(p.Today) {
					break
				}
				if _, err := l.a.Assess.AddActivity(l.ctx, pair.ID, assess.ActivityInput{HeldOn: fmtDate(on), Content: what}); err != nil {
					return fmt.Errorf("demo pair activity: %w", err)
				}
			}
		}
		last := rs[len(rs)-1]
		if _, err := l.a.Assess.Designate(l.ctx, assess.RectificationInput{PartyOrgID: last.PartyOrgID, DesignatedOn: fmtDate(start),
			Reasons: "考评排名末位", Measures: "选派党建指导员驻点指导，每月督导组织生活", Responsible: "街道党工委组织委员",
			Deadline: fmtDate(start.AddDate(0, 6, 0))}); err != nil {
			return fmt.Errorf("demo rectification: %w", err)
		}
	}
	return nil
}

// The seed's star levels (祁东县: 五星级党支部 7 个、四星级 10 个、三星级 25 个).
const (
	starsFive  = 7
	starsFour  = 10
	starsThree = 25
)

func manualIndicator(sh assess.Sheet, id int64) assess.Indicator {
	for _, ind := range sh.Indicators {
		if ind.ID == id {
			return ind
		}
	}
	return assess.Indicator{}
}
