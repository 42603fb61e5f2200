package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"liangxin/internal/assess"
	"liangxin/internal/develop"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
)

// development puts people into the 发展党员 pipeline: in about two branches
// of three someone became 发展对象 within the last 18 months, in some others
// an applicant or an activist is on the way. It runs after members (the
// introducers are full members) and before the assessment, whose
// "development" indicator and 软弱涣散 signal read it.
func (l *loader) development(p *plan) error {
	r := rand.New(rand.NewPCG(uint64(len(p.Parties)), 2027))
	seq := 0
	for _, pp := range p.Parties {
		if pp.id == 0 || !pp.Dissolve.IsZero() || pp.Kind == partyorg.KindCommittee {
			continue
		}
		// Branches older than two years have had a 发展对象 lately (but one
		// in twelve); newer ones have applicants and 积极分子 on the way.
		old := pp.Est.Before(p.Today.AddDate(-2, 0, 0))
		roll := r.IntN(12)
		if old && roll == 0 {
			continue // nobody in the pipeline: a 软弱涣散 signal
		}
		seq++
		birth := date(p.Today.Year()-22-r.IntN(15), time.Month(1+r.IntN(12)), 1+r.IntN(28))
		first := fmt.Sprintf("430426%s%03d", birth.Format("20060102"), 500+seq%500)
		applied := p.Today.AddDate(-2, -r.IntN(6), -r.IntN(28))
		activist := !old && roll < 6
		if !old {
			applied = between(r, maxTime(pp.Est.AddDate(0, 0, 10), p.Today.AddDate(0, -14, 0)), p.Today.AddDate(0, 0, -20))
		}
		person, err := l.a.Develop.Apply(l.ctx, develop.PersonInput{PartyOrgID: pp.id, Name: personName(r), IDNumber: first + string(pdata.CheckChar(first)), AppliedOn: fmtDate(applied)})
		if err != nil {
			return fmt.Errorf("demo applicant of %s: %w", pp.Name, err)
		}
		steps := []develop.StepInput{{Step: 2, DoneOn: fmtDate(applied.AddDate(0, 0, 10+r.IntN(15)))}}
		if old || activist {
			on := applied.AddDate(0, 2, 0)
			steps = append(steps,
				develop.StepInput{Step: 3, DoneOn: fmtDate(on)},
				develop.StepInput{Step: 4, DoneOn: fmtDate(on.AddDate(0, 0, 7))},
				develop.StepInput{Step: 5, DoneOn: fmtDate(on.AddDate(0, 0, 10)), People: personName(r) + "、" + personName(r)})
			// A review every quarter, so every half year has one.
			for q, note := range []string{"季度考察：表现良好", "半年考察：积极参加志愿服务", "季度考察：按时参加党课学习", "年度考察：具备发展对象条件"} {
				steps = append(steps, develop.StepInput{Step: 6, DoneOn: fmtDate(on.AddDate(0, 3*(q+1), -5)), Note: note})
			}
			if old {
				steps = append(steps, develop.StepInput{Step: 7, DoneOn: fmtDate(on.AddDate(1, 0, 10+r.IntN(60)))})
			}
		}
		for _, s := range steps {
			if s.DoneOn > fmtDate(p.Today) {
				break
			}
			if _, err := l.a.Develop.RecordStep(l.ctx, person.ID, s); err != nil {
				return fmt.Errorf("demo step %d of %s: %w", s.Step, pp.Name, err)
			}
		}
	}
	return nil
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
