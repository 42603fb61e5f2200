package httpapi

import (
	"fmt"
	"net/http"

	"liangxin/internal/instructor"
	"liangxin/internal/xlsx"
)

// achievePeriod reads from/to or year/quarter (422 naming the field).
func (s *Server) achievePeriod(r *http.Request) (instructor.Period, error) {
	q := r.URL.Query()
	return s.Instr.ParsePeriod(q.Get("from"), q.Get("to"), q.Get("year"), q.Get("quarter"))
}

func (s *Server) rankingFilter(r *http.Request) (instructor.RankingFilter, error) {
	p, err := s.achievePeriod(r)
	if err != nil {
		return instructor.RankingFilter{}, err
	}
	return instructor.RankingFilter{Period: p, Region: r.URL.Query().Get("region"), Sort: r.URL.Query().Get("sort")}, nil
}

func (s *Server) achievementRanking(w http.ResponseWriter, r *http.Request) error {
	f, err := s.rankingFilter(r)
	if err != nil {
		return err
	}
	p, size, err := pageParams(r)
	if err != nil {
		return err
	}
	items, total, tot, err := s.Instr.Ranking(r.Context(), f, p, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, achievementPage{page: page[instructor.AchievementRow]{Items: items, Total: total, Page: p, PageSize: size}, Totals: tot})
	return nil
}

func (s *Server) instructorAchievement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.achievePeriod(r)
	if err != nil {
		return err
	}
	a, err := s.Instr.Achievement(r.Context(), id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) solveVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	visitID, err := pathID(r, "visit_id")
	if err != nil {
		return err
	}
	var in instructor.SolveInput
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := s.Instr.SolveVisit(r.Context(), id, visitID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// achievementHeader is the header of the figures, ranking and summary alike.
var achievementHeader = []string{"联系单位数", "走访单位数", "走访次数", "按时走访次数", "发现问题", "已解决问题", "孵化党组织", "入党申请", "接收预备党员"}

func figureCells(f instructor.Figures) []any {
	return []any{f.Assigned, f.Reached, f.Visits, f.OnTime, f.ProblemsRaised, f.ProblemsSolved, f.Incubated, f.Applications, f.Admitted}
}

func (s *Server) exportAchievementRanking(w http.ResponseWriter, r *http.Request) error {
	f, err := s.rankingFilter(r)
	if err != nil {
		return err
	}
	items, total, tot, err := s.Instr.Ranking(r.Context(), f, 1, 1<<30)
	if err != nil {
		return err
	}
	header := append([]string{"名次", "指导员", "类别", "所在区划", "工作单位"}, achievementHeader...)
	sw, err := xlsx.NewWriter("工作成效排名", header, []float64{6, 12, 8, 16, 24, 10, 10, 10, 12, 10, 10, 10, 10, 12})
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := sw.Row(append([]any{it.Rank, it.InstructorName, it.KindName, it.RegionName, it.Unit}, figureCells(it.Figures)...)...); err != nil {
			return err
		}
	}
	if err := sw.Row(append([]any{"合计", fmt.Sprintf("%d 名指导员", tot.Instructors), "", "", ""}, figureCells(tot.Figures)...)...); err != nil {
		return err
	}
	if err := sw.Row(); err != nil {
		return err
	}
	if err := sw.Row("", fmt.Sprintf("统计期间 %s 至 %s；截至 %s 党建工作指导员联系的两新组织 %d 个", f.From, f.To, tot.Contacted.On, tot.Contacted.Count)); err != nil {
		return err
	}
	return s.sendAssessXLSX(w, r, sw, "instructor_achievement", "党建指导员工作成效排名", "instructor-achievements", total)
}

func (s *Server) exportInstructorAchievement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.achievePeriod(r)
	if err != nil {
		return err
	}
	a, err := s.Instr.Achievement(r.Context(), id, p)
	if err != nil {
		return err
	}
	sw, err := xlsx.NewWriter("汇总", []string{"项目", "数量"}, []float64{24, 12})
	if err != nil {
		return err
	}
	for _, row := range [][]any{{"指导员", a.InstructorName}, {"类别", a.KindName}, {"所在区划", a.RegionName}, {"工作单位", a.Unit},
		{"统计期间", a.From + " 至 " + a.To}} {
		if err := sw.Row(row...); err != nil {
			return err
		}
	}
	for i, v := range figureCells(a.Figures) {
		if err := sw.Row(achievementHeader[i], v); err != nil {
			return err
		}
	}
	if err := sw.Sheet("走访记录", []string{"走访日期", "两新组织", "形式", "应走访日期", "是否按时", "发现的问题", "解决日期", "解决情况"},
		[]float64{12, 30, 8, 12, 10, 40, 12, 40}); err != nil {
		return err
	}
	for _, v := range a.VisitList {
		due, solved := "", ""
		if v.DueOn != nil {
			due = *v.DueOn
		}
		if v.SolvedOn != nil {
			solved = *v.SolvedOn
		}
		if err := sw.Row(v.VisitedOn, v.OrganizationName, v.Form, due, yesNo(v.OnTime), v.Problems, solved, v.SolvedNote); err != nil {
			return err
		}
	}
	if err := sw.Sheet("走访单位", []string{"两新组织", "是否走访"}, []float64{36, 10}); err != nil {
		return err
	}
	reached := map[int64]bool{}
	for _, o := range a.ReachedOrgs {
		reached[o.OrganizationID] = true
	}
	for _, o := range a.AssignedOrgs {
		if err := sw.Row(o.Name, yesNo(reached[o.OrganizationID])); err != nil {
			return err
		}
	}
	if err := sw.Sheet("孵化成效", []string{"类别", "两新组织", "党组织或人员", "事项", "日期"}, []float64{12, 30, 30, 28, 12}); err != nil {
		return err
	}
	for _, o := range a.IncubatedOrgs {
		if err := sw.Row("组建党组织", o.Name, o.PartyOrgName, "党组织开始覆盖", o.CoveredFrom); err != nil {
			return err
		}
	}
	for _, d := range a.Developed {
		if err := sw.Row("发展党员", d.OrganizationName, d.Name, d.StepName, d.DoneOn); err != nil {
			return err
		}
	}
	return s.sendAssessXLSX(w, r, sw, "instructor_achievement", a.InstructorName+"工作成效"+a.From+"至"+a.To, fmt.Sprintf("instructor-%d-achievements", id), len(a.VisitList))
}
