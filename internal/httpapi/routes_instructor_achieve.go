package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/instructor"
)

// instructorAchieveRoutes lists the routes of what the 党建指导员's work
// achieved (issue 22 item 4): the figures of one instructor, the district
// ranking, their exports for the annual 述职, and marking the problems a
// visit raised solved.
func (s *Server) instructorAchieveRoutes() []Route {
	const tag = "党建指导员"
	period := []string{"from", "to", "year", "quarter"}
	types := map[string]queryParamSpec{
		"region": qStr("行政区划代码：只看该区划（含下级）的指导员"),
		"sort":   {map[string]any{"type": "string", "enum": instructor.RankingSorts}, "排序：visits 走访次数、reached 走访单位数、on_time 按时走访、problems_solved 解决问题、incubated 孵化党组织、developed 发展党员、assigned 联系单位数（均从多到少），name 按姓名"},
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/instructors/achievements", Perm: auth.PermLedgerRead, Tag: tag,
			Summary: "工作成效排名：辖区内指导员在一段时间内的走访、按时走访、问题解决、孵化党组织与发展党员（含全区合计和党统“其中党建工作指导员联系的”单位数）",
			Query:   append(append([]string{}, period...), "region", "sort", "page", "page_size"), QueryTypes: types, Response: "AchievementPage", handler: s.achievementRanking},
		{Method: "GET", Path: "/api/v1/instructors/achievements/export", Perm: auth.PermLedgerRead, Tag: tag, Summary: "导出工作成效排名（Excel）",
			Query: append(append([]string{}, period...), "region", "sort"), QueryTypes: types, Response: "xlsx", handler: s.exportAchievementRanking},
		{Method: "GET", Path: "/api/v1/instructors/{id}/achievements", Perm: auth.PermLedgerRead, AltPerm: auth.PermInstructorWork, Tag: tag,
			Summary: "指导员工作成效及明细（党建指导员本人只能查看自己的）", Query: period, QueryTypes: types, Response: "Achievement", handler: s.instructorAchievement},
		{Method: "GET", Path: "/api/v1/instructors/{id}/achievements/export", Perm: auth.PermLedgerRead, AltPerm: auth.PermInstructorWork, Tag: tag,
			Summary: "导出指导员年度述职材料（Excel：汇总、走访记录、走访单位、孵化成效）", Query: period, QueryTypes: types, Response: "xlsx", handler: s.exportInstructorAchievement},
		{Method: "POST", Path: "/api/v1/instructors/{id}/visits/{visit_id}/solve", Perm: auth.PermInstructorWork, Tag: tag,
			Summary: "标记走访发现的问题已解决（解决日期、解决情况）", Request: "VisitSolve", Response: "Visit", handler: s.solveVisit},
	}
}

// achievementPage is the answer of the ranking: a page of instructors and
// the totals over all of them.
type achievementPage struct {
	page[instructor.AchievementRow]
	Totals instructor.DistrictTotals `json:"totals"`
}

// instructorAchieveSchemas are the OpenAPI bodies of instructorAchieveRoutes.
func instructorAchieveSchemas() map[string]any {
	return map[string]any{
		"AchievementPage": schemaOf(achievementPage{}),
		"Achievement":     schemaOf(instructor.Achievement{}),
		"VisitSolve":      schemaOf(instructor.SolveInput{}),
	}
}
