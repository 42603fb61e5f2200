package instructor

import (
	"context"
	"fmt"

	"liangxin/internal/sheetexport"
)

// figureHeaders are the headers of the figures, ranking and summary alike.
var figureHeaders = []string{"联系单位数", "走访单位数", "走访次数", "按时走访次数", "发现问题", "已解决问题", "孵化党组织", "入党申请", "接收预备党员"}

// cells are the figures in the order of figureHeaders.
func (f Figures) cells() []any {
	return []any{f.Assigned, f.Reached, f.Visits, f.OnTime, f.ProblemsRaised, f.ProblemsSolved, f.Incubated, f.Applications, f.Admitted}
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// achievementNote is the note of both achievement exports, as they were
// always recorded: 导出<what> n 条.
func achievementNote(what string) func(int) string {
	return func(n int) string { return fmt.Sprintf("导出%s %d 条", what, n) }
}

// ExportRanking writes the ranking of f (every instructor, no page) to t —
// one row per instructor, the 合计 row, a blank row and the period with the
// 党统 figure of organizations contacted — and records the export with the
// instructors' count.
func (s *Service) ExportRanking(ctx context.Context, t sheetexport.Target, f RankingFilter) error {
	items, _, tot, err := s.Ranking(ctx, f, 1, 1<<30)
	if err != nil {
		return err
	}
	header := append([]string{"名次", "指导员", "类别", "所在区划", "工作单位"}, figureHeaders...)
	sheet := sheetexport.Rows("工作成效排名", header, []float64{6, 12, 8, 16, 24, 10, 10, 10, 12, 10, 10, 10, 10, 12}, sheetexport.Slice(items), func(it AchievementRow, emit sheetexport.Emit) error {
		return emit(append([]any{it.Rank, it.InstructorName, it.KindName, it.RegionName, it.Unit}, it.Figures.cells()...)...)
	}, func(emit sheetexport.Emit) error {
		if err := emit(append([]any{"合计", fmt.Sprintf("%d 名指导员", tot.Instructors), "", "", ""}, tot.Figures.cells()...)...); err != nil {
			return err
		}
		if err := emit(); err != nil {
			return err
		}
		return emit("", fmt.Sprintf("统计期间 %s 至 %s；截至 %s 党建工作指导员联系的两新组织 %d 个", f.From, f.To, tot.Contacted.On, tot.Contacted.Count))
	})
	_, err = sheetexport.Write(ctx, t, sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "instructor_achievement",
		Filters: map[string]string{"from": f.From, "to": f.To, "region": f.Region, "sort": f.Sort},
		Note:    achievementNote("党建指导员工作成效排名")}, sheet)
	return err
}

// ExportAchievement writes instructor id's 述职 workbook for period p to
// the target named by its title (the instructor, 工作成效 and the period):
// the 汇总 of the figures, the visits, the organizations assigned with
// whether each was visited, and the 孵化 results. The export is recorded
// with the visits' count.
func (s *Service) ExportAchievement(ctx context.Context, target func(title string) sheetexport.Target, id int64, p Period) error {
	a, err := s.Achievement(ctx, id, p)
	if err != nil {
		return err
	}
	title := a.InstructorName + "工作成效" + a.From + "至" + a.To
	summary := sheetexport.Func("汇总", []string{"项目", "数量"}, []float64{24, 12}, func(emit sheetexport.Emit) (int, error) {
		for _, row := range [][]any{{"指导员", a.InstructorName}, {"类别", a.KindName}, {"所在区划", a.RegionName}, {"工作单位", a.Unit},
			{"统计期间", a.From + " 至 " + a.To}} {
			if err := emit(row...); err != nil {
				return 0, err
			}
		}
		for i, v := range a.Figures.cells() {
			if err := emit(figureHeaders[i], v); err != nil {
				return 0, err
			}
		}
		// The note counts the visits, as the workbook always did.
		return len(a.VisitList), nil
	})
	visits := sheetexport.One("走访记录", []string{"走访日期", "两新组织", "形式", "应走访日期", "是否按时", "发现的问题", "解决日期", "解决情况"},
		[]float64{12, 30, 8, 12, 10, 40, 12, 40}, sheetexport.Slice(a.VisitList), func(v VisitRef) []any {
			return []any{v.VisitedOn, v.OrganizationName, v.Form, derefStr(v.DueOn), yesNo(v.OnTime), v.Problems, derefStr(v.SolvedOn), v.SolvedNote}
		})
	reached := map[int64]bool{}
	for _, o := range a.ReachedOrgs {
		reached[o.OrganizationID] = true
	}
	orgs := sheetexport.One("走访单位", []string{"两新组织", "是否走访"}, []float64{36, 10}, sheetexport.Slice(a.AssignedOrgs), func(o OrgRef) []any {
		return []any{o.Name, yesNo(reached[o.OrganizationID])}
	})
	incubated := sheetexport.Func("孵化成效", []string{"类别", "两新组织", "党组织或人员", "事项", "日期"}, []float64{12, 30, 30, 28, 12},
		func(emit sheetexport.Emit) (int, error) {
			for _, o := range a.IncubatedOrgs {
				if err := emit("组建党组织", o.Name, o.PartyOrgName, "党组织开始覆盖", o.CoveredFrom); err != nil {
					return 0, err
				}
			}
			for _, d := range a.Developed {
				if err := emit("发展党员", d.OrganizationName, d.Name, d.StepName, d.DoneOn); err != nil {
					return 0, err
				}
			}
			return len(a.IncubatedOrgs) + len(a.Developed), nil
		})
	_, err = sheetexport.Write(ctx, target(title), sheetexport.Audit{Logger: s.Audit, DB: s.DB, Entity: "instructor_achievement", EntityID: fmt.Sprint(id),
		Filters: map[string]string{"from": p.From, "to": p.To}, Note: achievementNote(title)}, summary, visits, orgs, incubated)
	return err
}
