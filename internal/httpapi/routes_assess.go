package httpapi

import (
	"liangxin/internal/assess"
	"liangxin/internal/auth"
)

// assessRoutes lists the routes of assessment, star rating, weak branches, pairing, honours (issue 5).
func (s *Server) assessRoutes() []Route {
	const tag = "考评与星级"
	read, write, manage := auth.PermOrgLifeRead, auth.PermOrgLifeWrite, auth.PermAssessManage
	return []Route{
		{Method: "GET", Path: "/api/v1/assess/options", Perm: read, Tag: tag, Summary: "评分方式、信号、表彰类别等选项", Response: "AssessOptions", handler: s.assessOptions},
		{Method: "GET", Path: "/api/v1/assess/sheets", Perm: read, Tag: tag, Summary: "指标体系列表", Response: "AssessSheetList", handler: s.listSheets},
		{Method: "POST", Path: "/api/v1/assess/sheets", Perm: manage, Tag: tag, Summary: "新建指标体系", Request: "AssessSheetInput", Response: "AssessSheet", Status: 201, handler: s.createSheet},
		{Method: "GET", Path: "/api/v1/assess/sheets/{id}", Perm: read, Tag: tag, Summary: "查看指标体系", Response: "AssessSheet", handler: s.getSheet},
		{Method: "PUT", Path: "/api/v1/assess/sheets/{id}", Perm: manage, Tag: tag, Summary: "修改指标体系（已用于考评的不能修改）", Request: "AssessSheetInput", Response: "AssessSheet", handler: s.updateSheet},
		{Method: "POST", Path: "/api/v1/assess/sheets/{id}/copy", Perm: manage, Tag: tag, Summary: "复制指标体系为新版本", Request: "AssessSheetCopy", Response: "AssessSheet", Status: 201, handler: s.copySheet},

		{Method: "GET", Path: "/api/v1/assess/rounds", Perm: read, Tag: tag, Summary: "考评轮次列表", Response: "AssessRoundList", handler: s.listRounds},
		{Method: "POST", Path: "/api/v1/assess/rounds", Perm: manage, Tag: tag, Summary: "发起考评（系统预填计算类指标）", Request: "AssessRoundInput", Response: "AssessRound", Status: 201, handler: s.createRound},
		{Method: "GET", Path: "/api/v1/assess/rounds/{id}", Perm: read, Tag: tag, Summary: "考评结果：得分、星级、排名、星级分布", Response: "AssessRoundView", handler: s.roundResults},
		{Method: "GET", Path: "/api/v1/assess/rounds/{id}/export", Perm: read, Tag: tag, Summary: "导出星级评定结果（Excel）", Response: "xlsx", handler: s.exportRound},
		{Method: "POST", Path: "/api/v1/assess/rounds/{id}/prefill", Perm: manage, Tag: tag, Summary: "重新预填计算类指标", Response: "AssessRound", handler: s.prefillRound},
		{Method: "POST", Path: "/api/v1/assess/rounds/{id}/close", Perm: manage, Tag: tag, Summary: "结束考评并冻结结果", Response: "AssessRoundView", handler: s.closeRound},
		{Method: "POST", Path: "/api/v1/assess/rounds/{id}/reopen", Perm: manage, Tag: tag, Summary: "重新开启已结束的考评（记入审计）", Request: "AssessReopen", Response: "AssessRoundView", handler: s.reopenRound},
		{Method: "GET", Path: "/api/v1/assess/rounds/{id}/orgs/{party_org_id}", Perm: read, Tag: tag, Summary: "某党组织的评分表（含系统预填及依据）", Response: "AssessOrgScores", handler: s.orgScores},
		{Method: "PUT", Path: "/api/v1/assess/rounds/{id}/orgs/{party_org_id}", Perm: write, Tag: tag, Summary: "评分：人工指标得分、否决事项、满意度", Request: "AssessOrgScoresInput", Response: "AssessOrgScores", handler: s.saveOrgScores},

		{Method: "GET", Path: "/api/v1/assess/signals", Perm: read, Tag: tag, Summary: "软弱涣散预警信号及依据", Query: []string{"region_code", "from", "to", "as_of", "all"}, QueryTypes: map[string]queryParamSpec{"all": qStr("为 true 时含全部组织（其他值视为 false）")}, Response: "AssessSignalReport", handler: s.signals},
		{Method: "GET", Path: "/api/v1/assess/signals/export", Perm: read, Tag: tag, Summary: "导出软弱涣散预警（Excel）", Query: []string{"region_code", "from", "to", "as_of"}, Response: "xlsx", handler: s.exportSignals},
		{Method: "GET", Path: "/api/v1/assess/settings", Perm: read, Tag: tag, Summary: "预警阈值设置", Response: "AssessSettings", handler: s.assessSettings},
		{Method: "PUT", Path: "/api/v1/assess/settings", Perm: auth.PermOrgLifeSettings, Tag: tag, Summary: "修改预警阈值", Request: "AssessSettingsInput", Response: "AssessSettings", handler: s.setAssessSettings},

		{Method: "GET", Path: "/api/v1/assess/rectifications", Perm: read, Tag: tag, Summary: "软弱涣散整改台账（可筛选逾期）", Query: []string{"region_code", "status", "page", "page_size"}, QueryTypes: rectQueryTypes, Response: "AssessRectificationPage", handler: s.listRectifications},
		{Method: "POST", Path: "/api/v1/assess/rectifications", Perm: manage, Tag: tag, Summary: "认定软弱涣散党组织并制定整改", Request: "AssessRectificationInput", Response: "AssessRectification", Status: 201, handler: s.designate},
		{Method: "PATCH", Path: "/api/v1/assess/rectifications/{id}", Perm: write, Tag: tag, Summary: "更新整改进展（措施、责任人、期限、完成）", Request: "AssessRectificationPatch", Response: "AssessRectification", handler: s.updateRectification},
		{Method: "GET", Path: "/api/v1/assess/rectifications/export", Perm: read, Tag: tag, Summary: "导出整改台账（Excel）", Query: []string{"region_code", "status"}, QueryTypes: rectQueryTypes, Response: "xlsx", handler: s.exportRectifications},

		{Method: "GET", Path: "/api/v1/assess/pairs", Perm: read, Tag: tag, Summary: "“1+1”结对帮带列表（含帮带前后对比）", Query: []string{"page", "page_size"}, Response: "AssessPairPage", handler: s.listPairs},
		{Method: "POST", Path: "/api/v1/assess/pairs", Perm: manage, Tag: tag, Summary: "建立结对帮带", Request: "AssessPairInput", Response: "AssessPair", Status: 201, handler: s.createPair},
		{Method: "GET", Path: "/api/v1/assess/pairs/export", Perm: read, Tag: tag, Summary: "导出结对帮带（Excel）", Response: "xlsx", handler: s.exportPairs},
		{Method: "GET", Path: "/api/v1/assess/pairs/{id}", Perm: read, Tag: tag, Summary: "查看结对帮带", Response: "AssessPair", handler: s.getPair},
		{Method: "POST", Path: "/api/v1/assess/pairs/{id}/activities", Perm: write, Tag: tag, Summary: "登记帮带活动", Request: "AssessActivityInput", Response: "AssessPair", Status: 201, handler: s.addActivity},

		{Method: "GET", Path: "/api/v1/assess/honours", Perm: read, Tag: tag, Summary: "表彰（两优一先等）列表", Query: []string{"year", "kind", "status", "subject", "page", "page_size"}, QueryTypes: honourQueryTypes, Response: "AssessHonourPage", handler: s.listHonours},
		{Method: "POST", Path: "/api/v1/assess/honours", Perm: write, Tag: tag, Summary: "推荐表彰对象", Request: "AssessHonourInput", Response: "AssessHonour", Status: 201, handler: s.recommend},
		{Method: "PATCH", Path: "/api/v1/assess/honours/{id}", Perm: manage, Tag: tag, Summary: "授予或不予表彰", Request: "AssessHonourDecision", Response: "AssessHonour", handler: s.decideHonour},
		{Method: "GET", Path: "/api/v1/assess/honours/stats", Perm: read, Tag: tag, Summary: "各年度表彰统计", Response: "AssessHonourStats", handler: s.honourStats},
		{Method: "GET", Path: "/api/v1/assess/honours/export", Perm: read, Tag: tag, Summary: "导出表彰（Excel）", Query: []string{"year", "kind", "status", "subject"}, QueryTypes: honourQueryTypes, Response: "xlsx", handler: s.exportHonours},
	}
}

// assessSchemas are the OpenAPI bodies of assessRoutes, derived from the
// types the handlers write and decode.
func assessSchemas() map[string]any {
	type reopen struct {
		Reason string `json:"reason"`
	}
	type options struct {
		Methods           []assess.Method   `json:"methods"`
		Signals           []assess.Method   `json:"signals"`
		HonourKinds       []assess.Method   `json:"honour_kinds"`
		HonourLevels      []assess.Method   `json:"honour_levels"`
		DefaultThresholds assess.Thresholds `json:"default_thresholds"`
	}
	return map[string]any{
		"AssessOptions":            schemaOf(options{}),
		"AssessSheetList":          schemaOf(list[assess.Sheet]{}),
		"AssessSheetInput":         requiring(schemaOf(assess.SheetInput{}), "name", "year"),
		"AssessSheet":              schemaOf(assess.Sheet{}),
		"AssessSheetCopy":          schemaOf(assess.CopyInput{}),
		"AssessRoundList":          schemaOf(list[assess.Round]{}),
		"AssessRoundInput":         requiring(schemaOf(assess.RoundInput{}), "name", "from", "to"),
		"AssessRound":              schemaOf(assess.Round{}),
		"AssessRoundView":          schemaOf(assess.RoundView{}),
		"AssessReopen":             schemaOf(reopen{}),
		"AssessOrgScores":          schemaOf(assess.OrgScores{}),
		"AssessOrgScoresInput":     schemaOf(assess.OrgScoresInput{}),
		"AssessSignalReport":       schemaOf(assess.SignalReport{}),
		"AssessSettings":           schemaOf(assess.Settings{}),
		"AssessSettingsInput":      withReason(schemaOf(assess.Settings{})),
		"AssessRectificationPage":  schemaOf(page[assess.Rectification]{}),
		"AssessRectificationInput": requiring(schemaOf(assess.RectificationInput{}), "reasons", "designated_on", "deadline"),
		"AssessRectificationPatch": schemaOf(assess.RectificationPatch{}),
		"AssessRectification":      schemaOf(assess.Rectification{}),
		"AssessPairPage":           schemaOf(page[assess.Pair]{}),
		"AssessPairInput":          requiring(schemaOf(assess.PairInput{}), "goals", "from", "to"),
		"AssessPair":               schemaOf(assess.Pair{}),
		"AssessActivityInput":      requiring(schemaOf(assess.ActivityInput{}), "content", "held_on"),
		"AssessHonourPage":         schemaOf(page[assess.Honour]{}),
		"AssessHonourInput":        schemaOf(assess.HonourInput{}),
		"AssessHonourDecision":     schemaOf(assess.HonourDecision{}),
		"AssessHonour":             schemaOf(assess.Honour{}),
		"AssessHonourStats":        schemaOf(list[assess.HonourYear]{}),
	}
}
