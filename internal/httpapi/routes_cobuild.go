package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/cobuild"
)

// cobuildRoutes lists the routes of 区域化共建 (issue 14 items 1–3).
func (s *Server) cobuildRoutes() []Route {
	const tag = "区域化共建"
	read, write := auth.PermCobuildRead, auth.PermCobuildWrite
	cat := qEnum(cobuild.Codes(cobuild.Categories()), "类别：elderly 助老助残、youth 关爱青少年、health 医疗健康、education 教育培训、culture 文体活动、environment 环境整治、"+
		"employment 就业创业、legal 法律服务、venue 场地设施、funds 资金物资、volunteer 志愿服务、other 其他")
	types := map[string]queryParamSpec{
		"kind":           qEnum(cobuild.Codes(cobuild.UnitKinds()), "单位类别：government 机关、institution 事业单位、soe 国有企业、liangxin 两新组织、other 其他"),
		"sort":           qStr("排序（各列表另有说明）"),
		"community_code": qStr("社区（村）或上级区域代码（含下级）"),
		"unit_id":        qInt(1, 1<<53, "共建单位 ID"),
		"agreement_id":   qInt(1, 1<<53, "共建协议 ID"),
		"category":       cat,
		"urgency":        qEnum(cobuild.Codes(cobuild.Urgencies()), "紧急程度：high 紧急、normal 一般、low 不急"),
		"year":           qInt(2000, 2100, "年度（默认今年）"),
	}
	with := func(extra map[string]queryParamSpec) map[string]queryParamSpec {
		out := map[string]queryParamSpec{}
		for k, v := range types {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	unitT := with(map[string]queryParamSpec{"sort": qEnum(cobuild.UnitSortCodes(), "排序：name 名称（默认）、created_desc 登记时间倒序、region 区域")})
	allianceT := with(map[string]queryParamSpec{"sort": qEnum(cobuild.AllianceSortCodes(), "排序：name 名称（默认）、created_desc 成立时间倒序")})
	reportT := with(map[string]queryParamSpec{"kind": qEnum(cobuild.Codes(cobuild.ReportKinds()), "报到类别：unit 单位党组织、member 在职党员"),
		"sort": qEnum(cobuild.ReportSortCodes(), "排序：reported_desc 报到日期倒序（默认）、hours_desc 今年服务时长从多到少、name 姓名/单位")})
	agreeT := with(map[string]queryParamSpec{"state": qEnum(cobuild.Codes(cobuild.AgreementStates()), "协议状态：active 履行中、expired 已到期、terminated 已终止"),
		"sort": qEnum(cobuild.AgreementSortCodes(), "排序：starts_desc 开始日期倒序（默认）、ends 到期日期")})
	needT := with(map[string]queryParamSpec{"state": qEnum(cobuild.Codes(cobuild.NeedStates()), "需求状态：open 待对接、matched 已对接、done 已解决、closed 已关闭"),
		"sort": qEnum(cobuild.NeedSortCodes(), "排序：created_desc 登记时间倒序（默认）、urgency 紧急程度、title 名称")})
	resT := with(map[string]queryParamSpec{"state": qEnum(cobuild.Codes(cobuild.ResourceStates()), "资源状态：available 可提供、in_use 已对接、withdrawn 已撤回"),
		"sort": qEnum(cobuild.ResourceSortCodes(), "排序：created_desc 登记时间倒序（默认）、available 可提供日期、title 名称")})
	projT := with(map[string]queryParamSpec{"state": qEnum(cobuild.Codes(cobuild.ProjectStatuses()), "项目状态：planned 计划中、ongoing 实施中、done 已完成、cancelled 已取消"),
		"sort": qEnum(cobuild.ProjectSortCodes(), "排序：starts_desc 开始日期倒序（默认）、ends 结束日期、title 名称")})
	unitQ := []string{"kind", "region_code", "q", "sort"}
	allianceQ := []string{"region_code", "q", "sort"}
	reportQ := []string{"kind", "community_code", "unit_id", "q", "sort"}
	agreeQ := []string{"community_code", "unit_id", "state", "q", "sort"}
	needQ := []string{"community_code", "category", "state", "urgency", "agreement_id", "q", "sort"}
	resQ := []string{"community_code", "category", "state", "unit_id", "agreement_id", "q", "sort"}
	projQ := []string{"community_code", "state", "agreement_id", "q", "sort"}
	paged := func(q []string) []string { return append(append([]string{}, q...), "page", "page_size") }
	const u, a, rp, ag, nd, rs, pj = "/api/v1/cobuild-units", "/api/v1/cobuild-alliances", "/api/v1/cobuild-reports", "/api/v1/cobuild-agreements",
		"/api/v1/cobuild-needs", "/api/v1/cobuild-resources", "/api/v1/cobuild-projects"
	return []Route{
		{Method: "GET", Path: "/api/v1/cobuild-options", Perm: read, Tag: tag, Summary: "区域化共建的单位类别、清单类别、状态等选项", Response: "CobuildOptions", handler: s.cobuildOptions},

		{Method: "GET", Path: u, Perm: read, Tag: tag, Summary: "共建单位（驻区单位）列表（按类别、区域、关键词筛选；电话脱敏）", Query: paged(unitQ), QueryTypes: unitT, Response: "CobuildUnitPage", handler: s.listCobuildUnits},
		{Method: "GET", Path: u + "/export", Perm: read, Tag: tag, Summary: "导出共建单位（Excel，按列表的筛选条件，电话脱敏）", Query: unitQ, QueryTypes: unitT, Response: "xlsx", handler: s.exportCobuildUnits},
		{Method: "POST", Path: u, Perm: write, Tag: tag, Summary: "登记共建单位（两新组织须关联台账中的组织；电话加密保存）", Request: "CobuildUnitInput", Response: "CobuildUnit", Status: 201, handler: s.createCobuildUnit},
		{Method: "GET", Path: u + "/{id}", Perm: read, Tag: tag, Summary: "查看共建单位（电话已脱敏）", Response: "CobuildUnit", handler: s.getCobuildUnit},
		{Method: "PUT", Path: u + "/{id}", Perm: write, Tag: tag, Summary: "修改共建单位（电话留空则不变）", Request: "CobuildUnitInput", Response: "CobuildUnit", handler: s.updateCobuildUnit},
		{Method: "POST", Path: u + "/{id}/reveal-phone", Perm: write, Tag: tag, Summary: "查看共建单位联系人完整电话（记入审计）", Response: "CobuildUnit", handler: s.revealCobuildUnitPhone},
		{Method: "GET", Path: u + "/{id}/year-report", Perm: read, Tag: tag, Summary: "单位年度双报到报告：单位及其在职党员在社区的参与情况、社区评价", Query: []string{"year"}, QueryTypes: types, Response: "CobuildYearReport", handler: s.cobuildYearReport},
		{Method: "GET", Path: u + "/{id}/year-report/export", Perm: read, Tag: tag, Summary: "导出单位年度双报到报告（Excel）", Query: []string{"year"}, QueryTypes: types, Response: "xlsx", handler: s.exportCobuildYearReport},
		{Method: "GET", Path: "/api/v1/imports/cobuild-units/template", Perm: write, Tag: tag, Summary: "下载共建单位导入模板（Excel，中文表头，含一行示例）", Response: "xlsx", handler: s.cobuildUnitTemplate},
		{Method: "POST", Path: "/api/v1/imports/cobuild-units", Perm: write, Tag: tag, Summary: "导入共建单位（逐行校验，全部正确才写入；同一区域同名单位视为已存在）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importCobuildUnits},

		{Method: "GET", Path: a, Perm: read, Tag: tag, Summary: "党建联盟列表", Query: paged(allianceQ), QueryTypes: allianceT, Response: "CobuildAlliancePage", handler: s.listCobuildAlliances},
		{Method: "GET", Path: a + "/export", Perm: read, Tag: tag, Summary: "导出党建联盟及成员单位（Excel）", Query: allianceQ, QueryTypes: allianceT, Response: "xlsx", handler: s.exportCobuildAlliances},
		{Method: "POST", Path: a, Perm: write, Tag: tag, Summary: "成立党建联盟（牵头党组织、所在区域如商圈）", Request: "CobuildAllianceInput", Response: "CobuildAlliance", Status: 201, handler: s.createCobuildAlliance},
		{Method: "GET", Path: a + "/{id}", Perm: read, Tag: tag, Summary: "查看党建联盟及成员单位（含已退出的）", Response: "CobuildAlliance", handler: s.getCobuildAlliance},
		{Method: "PUT", Path: a + "/{id}", Perm: write, Tag: tag, Summary: "修改党建联盟", Request: "CobuildAllianceInput", Response: "CobuildAlliance", handler: s.updateCobuildAlliance},
		{Method: "POST", Path: a + "/{id}/members", Perm: write, Tag: tag, Summary: "联盟增加成员单位（加入日期）", Request: "CobuildMemberInput", Response: "CobuildAlliance", Status: 201, handler: s.addCobuildMember},
		{Method: "POST", Path: a + "/{id}/members/{membership_id}/remove", Perm: write, Tag: tag, Summary: "成员单位退出联盟（退出日期，保留历史）", Request: "CobuildLeaveInput", Response: "CobuildAlliance", handler: s.removeCobuildMember},
		{Method: "GET", Path: a + "/{id}/meetings", Perm: read, Tag: tag, Summary: "联席会议记录（参会单位、议题、决定及其任务办理状态）", Response: "CobuildMeetingList", handler: s.listCobuildMeetings},
		{Method: "POST", Path: a + "/{id}/meetings", Perm: write, Tag: tag, Summary: "登记联席会议（日期、地点、参会单位、议题、决定）", Request: "CobuildMeetingInput", Response: "CobuildMeeting", Status: 201, handler: s.recordCobuildMeeting},
		{Method: "POST", Path: a + "/{id}/decisions/{decision_id}/follow", Perm: write, Tag: tag, Summary: "会议决定转为挂牌任务（承办对象、时限），在任务中跟踪办理", Request: "CobuildFollowInput", Response: "CobuildDecision", Status: 201, handler: s.followCobuildDecision},

		{Method: "GET", Path: rp, Perm: read, Tag: tag, Summary: "双报到记录（单位党组织和在职党员向社区报到；含今年服务次数和时长）", Query: paged(reportQ), QueryTypes: reportT, Response: "CobuildReportPage", handler: s.listCobuildReports},
		{Method: "GET", Path: rp + "/export", Perm: read, Tag: tag, Summary: "导出双报到记录（Excel，电话脱敏）", Query: reportQ, QueryTypes: reportT, Response: "xlsx", handler: s.exportCobuildReports},
		{Method: "POST", Path: rp, Perm: write, Tag: tag, Summary: "登记双报到（单位或在职党员向社区/村报到；花名册外党员电话加密保存）", Request: "CobuildReportInput", Response: "CobuildReport", Status: 201, handler: s.createCobuildReport},
		{Method: "GET", Path: rp + "/{id}", Perm: read, Tag: tag, Summary: "查看双报到记录（电话已脱敏）", Response: "CobuildReport", handler: s.getCobuildReport},
		{Method: "POST", Path: rp + "/{id}/reveal-phone", Perm: write, Tag: tag, Summary: "查看花名册外报到党员的完整电话（记入审计）", Response: "CobuildReport", handler: s.revealCobuildReportPhone},
		{Method: "GET", Path: rp + "/{id}/participations", Perm: read, Tag: tag, Summary: "报到单位或党员在社区的参与记录", Response: "CobuildParticipationList", handler: s.listCobuildParticipations},
		{Method: "POST", Path: rp + "/{id}/participations", Perm: write, Tag: tag, Summary: "社区登记参与记录（日期、活动、时长）", Request: "CobuildParticipationInput", Response: "CobuildParticipation", Status: 201, handler: s.addCobuildParticipation},
		{Method: "GET", Path: "/api/v1/cobuild-community-counts", Perm: read, Tag: tag, Summary: "各社区双报到统计：报到单位和党员数、今年参与的（活跃）数、服务时长、考核情况", Query: []string{"year", "region_code"}, QueryTypes: types, Response: "CobuildCommunityCountList", handler: s.cobuildCommunityCounts},
		{Method: "GET", Path: "/api/v1/cobuild-community-counts/export", Perm: read, Tag: tag, Summary: "导出各社区双报到统计（Excel）", Query: []string{"year", "region_code"}, QueryTypes: types, Response: "xlsx", handler: s.exportCobuildCommunityCounts},
		{Method: "GET", Path: "/api/v1/cobuild-ratings", Perm: read, Tag: tag, Summary: "双向考核：社区对报到单位的年度评价（得分高的在前）", Query: []string{"year", "region_code"}, QueryTypes: types, Response: "CobuildRatingList", handler: s.listCobuildRatings},
		{Method: "GET", Path: "/api/v1/cobuild-ratings/export", Perm: read, Tag: tag, Summary: "导出双向考核结果（Excel）", Query: []string{"year", "region_code"}, QueryTypes: types, Response: "xlsx", handler: s.exportCobuildRatings},
		{Method: "POST", Path: "/api/v1/cobuild-ratings", Perm: write, Tag: tag, Summary: "社区考核报到单位（得分、等次、评价；同一年度再次考核则更新，记入审计）", Request: "CobuildRatingInput", Response: "CobuildRating", Status: 201, handler: s.rateCobuildUnit},

		{Method: "GET", Path: ag, Perm: read, Tag: tag, Summary: "共建协议列表", Query: paged(agreeQ), QueryTypes: agreeT, Response: "CobuildAgreementPage", handler: s.listCobuildAgreements},
		{Method: "GET", Path: ag + "/export", Perm: read, Tag: tag, Summary: "导出共建协议（Excel）", Query: agreeQ, QueryTypes: agreeT, Response: "xlsx", handler: s.exportCobuildAgreements},
		{Method: "POST", Path: ag, Perm: write, Tag: tag, Summary: "签订共建协议（社区与共建单位，期限、内容）", Request: "CobuildAgreementInput", Response: "CobuildAgreement", Status: 201, handler: s.createCobuildAgreement},
		{Method: "GET", Path: ag + "/{id}", Perm: read, Tag: tag, Summary: "查看共建协议", Response: "CobuildAgreement", handler: s.getCobuildAgreement},
		{Method: "PUT", Path: ag + "/{id}", Perm: write, Tag: tag, Summary: "修改共建协议（含状态）", Request: "CobuildAgreementInput", Response: "CobuildAgreement", handler: s.updateCobuildAgreement},

		{Method: "GET", Path: nd, Perm: read, Tag: tag, Summary: "需求清单", Query: paged(needQ), QueryTypes: needT, Response: "CobuildNeedPage", handler: s.listCobuildNeeds},
		{Method: "GET", Path: nd + "/export", Perm: read, Tag: tag, Summary: "导出需求清单（Excel）", Query: needQ, QueryTypes: needT, Response: "xlsx", handler: s.exportCobuildNeeds},
		{Method: "GET", Path: nd + "/unmatched", Perm: read, Tag: tag, Summary: "无资源可匹配的待对接需求（本县区内没有同类可提供的资源）", Query: paged([]string{"community_code", "category", "q", "sort"}), QueryTypes: needT, Response: "CobuildNeedPage", handler: s.listUnmatchedNeeds},
		{Method: "POST", Path: nd, Perm: write, Tag: tag, Summary: "登记需求", Request: "CobuildNeedInput", Response: "CobuildNeed", Status: 201, handler: s.createCobuildNeed},
		{Method: "GET", Path: nd + "/{id}", Perm: read, Tag: tag, Summary: "查看需求", Response: "CobuildNeed", handler: s.getCobuildNeed},
		{Method: "PUT", Path: nd + "/{id}", Perm: write, Tag: tag, Summary: "修改需求", Request: "CobuildNeedInput", Response: "CobuildNeed", handler: s.updateCobuildNeed},
		{Method: "GET", Path: nd + "/{id}/suggestions", Perm: read, Tag: tag, Summary: "为需求推荐资源：同类别、可提供、未过期，同社区优先，其次同街道，再次本县区", Response: "CobuildResourceList", handler: s.suggestCobuildResources},
		{Method: "GET", Path: "/api/v1/imports/cobuild-needs/template", Perm: write, Tag: tag, Summary: "下载需求清单导入模板（Excel）", Response: "xlsx", handler: s.cobuildNeedTemplate},
		{Method: "POST", Path: "/api/v1/imports/cobuild-needs", Perm: write, Tag: tag, Summary: "导入需求清单（逐行校验，全部正确才写入；同一社区同名需求视为已存在）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importCobuildNeeds},

		{Method: "GET", Path: rs, Perm: read, Tag: tag, Summary: "资源清单", Query: paged(resQ), QueryTypes: resT, Response: "CobuildResourcePage", handler: s.listCobuildResources},
		{Method: "GET", Path: rs + "/export", Perm: read, Tag: tag, Summary: "导出资源清单（Excel）", Query: resQ, QueryTypes: resT, Response: "xlsx", handler: s.exportCobuildResources},
		{Method: "POST", Path: rs, Perm: write, Tag: tag, Summary: "登记资源", Request: "CobuildResourceInput", Response: "CobuildResource", Status: 201, handler: s.createCobuildResource},
		{Method: "GET", Path: rs + "/{id}", Perm: read, Tag: tag, Summary: "查看资源", Response: "CobuildResource", handler: s.getCobuildResource},
		{Method: "PUT", Path: rs + "/{id}", Perm: write, Tag: tag, Summary: "修改资源", Request: "CobuildResourceInput", Response: "CobuildResource", handler: s.updateCobuildResource},
		{Method: "GET", Path: "/api/v1/imports/cobuild-resources/template", Perm: write, Tag: tag, Summary: "下载资源清单导入模板（Excel）", Response: "xlsx", handler: s.cobuildResourceTemplate},
		{Method: "POST", Path: "/api/v1/imports/cobuild-resources", Perm: write, Tag: tag, Summary: "导入资源清单（逐行校验，全部正确才写入；同一单位同名资源视为已存在）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importCobuildResources},

		{Method: "GET", Path: pj, Perm: read, Tag: tag, Summary: "项目清单", Query: paged(projQ), QueryTypes: projT, Response: "CobuildProjectPage", handler: s.listCobuildProjects},
		{Method: "GET", Path: pj + "/export", Perm: read, Tag: tag, Summary: "导出项目清单（Excel）", Query: projQ, QueryTypes: projT, Response: "xlsx", handler: s.exportCobuildProjects},
		{Method: "POST", Path: pj, Perm: write, Tag: tag, Summary: "立项：关联需求和资源，负责人、起止日期（需求转为已对接，资源转为已对接）", Request: "CobuildProjectInput", Response: "CobuildProject", Status: 201, handler: s.createCobuildProject},
		{Method: "GET", Path: pj + "/{id}", Perm: read, Tag: tag, Summary: "查看项目（关联的需求、资源、佐证材料）", Response: "CobuildProject", handler: s.getCobuildProject},
		{Method: "PUT", Path: pj + "/{id}", Perm: write, Tag: tag, Summary: "修改项目（状态、成效；完成时关联需求转为已解决）", Request: "CobuildProjectInput", Response: "CobuildProject", handler: s.updateCobuildProject},
		{Method: "POST", Path: pj + "/{id}/files", Perm: write, Tag: tag, Summary: "上传项目佐证材料（JPG、PNG、PDF、Word、Excel，每个不超过 20 MB；加密保存）", Upload: true, MaxBody: cobuild.MaxFileBytes + 1<<20, Response: "CobuildFile", Status: 201, handler: s.uploadCobuildFile},
		{Method: "GET", Path: pj + "/{id}/files/{file_id}", Perm: read, Tag: tag, Summary: "下载项目佐证材料", Response: "evidence", handler: s.cobuildFile},
	}
}

func cobuildSchemas() map[string]any {
	return map[string]any{
		"CobuildOptions":            schemaOf(cobuild.Options{}),
		"CobuildUnitPage":           schemaOf(page[cobuild.Unit]{}),
		"CobuildUnit":               schemaOf(cobuild.Unit{}),
		"CobuildUnitInput":          requiring(schemaOf(cobuild.UnitInput{}), "kind", "name", "region_code"),
		"CobuildYearReport":         schemaOf(cobuild.YearReport{}),
		"CobuildAlliancePage":       schemaOf(page[cobuild.Alliance]{}),
		"CobuildAlliance":           schemaOf(cobuild.Alliance{}),
		"CobuildAllianceInput":      requiring(schemaOf(cobuild.AllianceInput{}), "name", "region_code"),
		"CobuildMemberInput":        requiring(schemaOf(cobuild.MemberInput{}), "unit_id", "joined_on"),
		"CobuildLeaveInput":         schemaOf(cobuild.LeaveInput{}),
		"CobuildMeetingList":        schemaOf(list[cobuild.Meeting]{}),
		"CobuildMeeting":            schemaOf(cobuild.Meeting{}),
		"CobuildMeetingInput":       requiring(schemaOf(cobuild.MeetingInput{}), "held_on", "topics"),
		"CobuildFollowInput":        requiring(schemaOf(cobuild.FollowInput{}), "assignee_kind", "deadline"),
		"CobuildDecision":           schemaOf(cobuild.Decision{}),
		"CobuildReportPage":         schemaOf(page[cobuild.Report]{}),
		"CobuildReport":             schemaOf(cobuild.Report{}),
		"CobuildReportInput":        requiring(schemaOf(cobuild.ReportInput{}), "kind", "community_code", "reported_on"),
		"CobuildParticipationList":  schemaOf(list[cobuild.Participation]{}),
		"CobuildParticipation":      schemaOf(cobuild.Participation{}),
		"CobuildParticipationInput": requiring(schemaOf(cobuild.ParticipationInput{}), "held_on", "activity", "hours"),
		"CobuildCommunityCountList": schemaOf(list[cobuild.CommunityCount]{}),
		"CobuildRatingList":         schemaOf(list[cobuild.Rating]{}),
		"CobuildRating":             schemaOf(cobuild.Rating{}),
		"CobuildRatingInput":        requiring(schemaOf(cobuild.RatingInput{}), "community_code", "unit_id", "year", "score"),
		"CobuildAgreementPage":      schemaOf(page[cobuild.Agreement]{}),
		"CobuildAgreement":          schemaOf(cobuild.Agreement{}),
		"CobuildAgreementInput":     requiring(schemaOf(cobuild.AgreementInput{}), "community_code", "unit_id", "title", "starts_on", "ends_on"),
		"CobuildNeedPage":           schemaOf(page[cobuild.Need]{}),
		"CobuildNeed":               schemaOf(cobuild.Need{}),
		"CobuildNeedInput":          requiring(schemaOf(cobuild.NeedInput{}), "community_code", "title", "category"),
		"CobuildResourcePage":       schemaOf(page[cobuild.Resource]{}),
		"CobuildResourceList":       schemaOf(list[cobuild.Resource]{}),
		"CobuildResource":           schemaOf(cobuild.Resource{}),
		"CobuildResourceInput":      requiring(schemaOf(cobuild.ResourceInput{}), "unit_id", "title", "category"),
		"CobuildProjectPage":        schemaOf(page[cobuild.Project]{}),
		"CobuildProject":            schemaOf(cobuild.Project{}),
		"CobuildProjectInput":       requiring(schemaOf(cobuild.ProjectInput{}), "community_code", "title", "owner", "starts_on", "ends_on"),
		"CobuildFile":               schemaOf(cobuild.File{}),
	}
}
