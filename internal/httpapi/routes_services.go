package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/servicereq"
)

// serviceRoutes lists the routes of 订单式服务 (service requests, issue 13).
func (s *Server) serviceRoutes() []Route {
	const tag = "订单式服务"
	read, write := auth.PermServiceRead, auth.PermServiceWrite
	// A handler account (承办单位经办人) holds only auth.PermServiceHandle:
	// the routes below that carry it as AltPerm answer it with the requests
	// currently transferred to its unit, and 404 for any other.
	handle := auth.PermServiceHandle
	listQuery := []string{"state", "category_id", "region_code", "handler_unit_id", "overdue", "org_id", "origin_kind", "origin_id", "scope", "q"}
	types := map[string]queryParamSpec{
		"state": {map[string]any{"type": "string", "enum": optionCodes(servicereq.States())},
			"状态：received 已接单、handling 做单中、transferred 已转单、done 已办结、replied 已回单、closed 已关闭"},
		"category_id":     qInt(1, 1<<53, "诉求类别 ID"),
		"handler_unit_id": qInt(1, 1<<53, "承办单位 ID"),
		"overdue":         qBool("为 true 时只看超期未办结（计时中且已过办理期限）的诉求"),
		"org_id":          qInt(1, 1<<53, "所涉两新组织 ID（该组织的诉求及办理结果）"),
		"origin_kind":     qEnum([]string{servicereq.OriginDialogue, servicereq.OriginVisit}, "诉求出处：dialogue 政企对话、visit 指导员走访（与 origin_id 同用）"),
		"origin_id":       qInt(1, 1<<53, "提出诉求的政企对话或走访记录 ID"),
		"scope":           qEnum([]string{servicereq.ScopeDoneByMyUnit}, "仅承办单位经办人：done_by_my_unit 查看本单位已办结的诉求（只读）"),
		"from":            qDate("统计起始日期（含），默认当年 1 月 1 日"),
		"to":              qDate("统计截止日期（含），默认今天"),
		"q":               qStr("关键词（诉求内容、诉求人姓名、所涉组织名称模糊匹配）"),
		"sort": {map[string]any{"type": "string", "enum": servicereq.SortCodes()},
			"排序：received_desc 接单日期倒序（默认）、received_asc 接单日期正序、due_asc 办理期限最近在前、due_desc 办理期限最远在前"},
	}
	statsQuery := []string{"from", "to", "region_code"}
	dlgTypes := map[string]queryParamSpec{
		"q":    qStr("关键词（对话主题、企业反映的问题、参加部门模糊匹配）"),
		"from": qDate("对话日期起（含）"),
		"to":   qDate("对话日期止（含）"),
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/service-options", Perm: read, AltPerm: handle, Tag: tag, Summary: "诉求来源、状态、操作、类别等选项", Response: "ServiceOptions", handler: s.serviceOptions},
		{Method: "GET", Path: "/api/v1/service-settings", Perm: read, Tag: tag, Summary: "诉求类别及办理时限、节假日安排、重新办理期限", Response: "ServiceSettings", handler: s.serviceSettings},
		{Method: "PUT", Path: "/api/v1/service-settings", Perm: auth.PermServiceSettings, Tag: tag, Summary: "修改诉求类别、节假日安排和重新办理期限（记入审计）", Request: "ServiceSettingsInput", Response: "ServiceSettings", handler: s.setServiceSettings},
		{Method: "GET", Path: "/api/v1/users/handler-unit-options", Perm: auth.PermUserGrant, Tag: "用户", Summary: "可绑定给承办单位经办人账户的承办单位（本辖区内未停用的单位，按名称搜索）",
			Query: []string{"q"}, QueryTypes: map[string]queryParamSpec{"q": qStr("承办单位名称（模糊匹配）")}, Response: "HandlerUnitOptionList", handler: s.handlerUnitOptions},
		{Method: "GET", Path: "/api/v1/service-handler-units", Perm: read, Tag: tag, Summary: "承办单位列表（本级及上级的单位）", Query: []string{"q", "page", "page_size"}, QueryTypes: map[string]queryParamSpec{"q": qStr("单位名称（模糊匹配）")}, Response: "ServiceHandlerUnitPage", handler: s.listHandlerUnits},
		{Method: "POST", Path: "/api/v1/service-handler-units", Perm: write, Tag: tag, Summary: "登记承办单位", Request: "ServiceHandlerUnitInput", Response: "ServiceHandlerUnit", Status: 201, handler: s.createHandlerUnit},
		{Method: "GET", Path: "/api/v1/service-requests", Perm: read, AltPerm: handle, Tag: tag, Summary: "诉求列表（可按状态、类别、区域、承办单位、超期、关键词筛选）", Query: append(append([]string{}, listQuery...), "sort", "page", "page_size"), QueryTypes: types, Response: "ServiceRequestPage", handler: s.listServiceRequests},
		{Method: "GET", Path: "/api/v1/service-requests/export", Perm: read, Tag: tag, Summary: "导出诉求（Excel，筛选条件同列表，电话已脱敏，记入审计）", Query: append(append([]string{}, listQuery...), "sort"), QueryTypes: types, Response: "xlsx", handler: s.exportServiceRequests},
		{Method: "GET", Path: "/api/v1/service-requests/stats", Perm: read, Tag: tag, Summary: "诉求办理统计：受理、办结、按期办结率、满意率、平均办理天数、重新办理率，按类别、按承办单位排名、按月", Query: statsQuery, QueryTypes: types, Response: "ServiceStats", handler: s.serviceStats},
		{Method: "GET", Path: "/api/v1/service-requests/stats/export", Perm: read, Tag: tag, Summary: "导出诉求办理统计（Excel，记入审计）", Query: statsQuery, QueryTypes: types, Response: "xlsx", handler: s.exportServiceStats},
		{Method: "GET", Path: "/api/v1/imports/service-requests/template", Perm: write, Tag: tag, Summary: "下载历史诉求导入模板（Excel）", Response: "xlsx", handler: s.serviceRequestTemplate},
		{Method: "POST", Path: "/api/v1/imports/service-requests", Perm: write, Tag: tag, Summary: "导入历史诉求（Excel，按办结、回单日期落在其最终状态；全部成功才写入，出错时返回标注错误的表格）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importServiceRequests},
		{Method: "GET", Path: "/api/v1/dialogues", Perm: read, Tag: tag, Summary: "政企对话列表（按日期倒序，可按区域、日期、关键词筛选）", Query: []string{"q", "region_code", "from", "to", "page", "page_size"}, QueryTypes: dlgTypes, Response: "DialoguePage", handler: s.listDialogues},
		{Method: "POST", Path: "/api/v1/dialogues", Perm: write, Tag: tag, Summary: "登记政企对话（参加部门、参加企业、企业反映的问题）", Request: "DialogueInput", Response: "Dialogue", Status: 201, handler: s.createDialogue},
		{Method: "GET", Path: "/api/v1/dialogues/{id}", Perm: read, Tag: tag, Summary: "查看政企对话及由此提出的诉求", Response: "Dialogue", handler: s.getDialogue},
		{Method: "PUT", Path: "/api/v1/dialogues/{id}", Perm: write, Tag: tag, Summary: "修改政企对话（带版本号，并发时后到者 409）", Request: "DialogueInput", Response: "Dialogue", handler: s.updateDialogue},
		{Method: "GET", Path: "/api/v1/service-requests/counts", Perm: read, AltPerm: handle, Tag: tag, Summary: "各状态诉求数及超期数（筛选条件同列表，不含状态）", Query: listQuery[1:], QueryTypes: types, Response: "ServiceRequestCounts", handler: s.countServiceRequests},
		{Method: "POST", Path: "/api/v1/service-requests", Perm: write, Tag: tag, Summary: "接单：登记诉求（按类别时限计算办理期限）", Request: "ServiceRequestInput", Response: "ServiceRequest", Status: 201, handler: s.createServiceRequest},
		{Method: "GET", Path: "/api/v1/service-requests/{id}", Perm: read, AltPerm: handle, Tag: tag, Summary: "查看诉求（电话已脱敏）", Response: "ServiceRequest", handler: s.getServiceRequest},
		{Method: "GET", Path: "/api/v1/service-requests/{id}/timeline", Perm: read, AltPerm: handle, Tag: tag, Summary: "诉求办理经过（谁、何时、做了什么）", Response: "ServiceRequestEventList", handler: s.serviceRequestTimeline},
		{Method: "POST", Path: "/api/v1/service-requests/{id}/actions", Perm: write, AltPerm: handle, Tag: tag, Summary: "办理诉求：做单、转单、退回、办结、回单、关闭、重新办理、暂停或恢复计时（带版本号，并发时后到者 409；承办单位经办人只能对转给本单位的诉求办结或退回）", Request: "ServiceRequestAction", Response: "ServiceRequest", handler: s.actOnServiceRequest},
		{Method: "POST", Path: "/api/v1/service-requests/{id}/reveal-phone", Perm: write, Tag: tag, Summary: "查看诉求人完整联系电话（记入审计）", Response: "ServiceRequest", handler: s.revealServiceRequestPhone},
	}
}

func optionCodes(opts []servicereq.Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Code
	}
	return out
}

// serviceSchemas are the OpenAPI bodies of serviceRoutes, derived from the
// types the handlers write and decode.
func serviceSchemas() map[string]any {
	return map[string]any{
		"ServiceOptions":          schemaOf(servicereq.Options{}),
		"ServiceSettings":         schemaOf(servicereq.Settings{}),
		"ServiceSettingsInput":    schemaOf(servicereq.SettingsInput{}),
		"ServiceHandlerUnitPage":  schemaOf(page[servicereq.HandlerUnit]{}),
		"ServiceHandlerUnitInput": requiring(schemaOf(servicereq.HandlerUnitInput{}), "name", "kind", "region_code"),
		"ServiceHandlerUnit":      schemaOf(servicereq.HandlerUnit{}),
		"HandlerUnitOptionList":   schemaOf(list[servicereq.HandlerUnit]{}),
		"ServiceRequestPage":      schemaOf(page[servicereq.Request]{}),
		"ServiceRequestCounts":    schemaOf(servicereq.Counts{}),
		"ServiceRequestInput":     requiring(schemaOf(servicereq.RequestInput{}), "source", "category_id", "content", "requester_name", "region_code"),
		"ServiceRequest":          schemaOf(servicereq.Request{}),
		"ServiceRequestEventList": schemaOf(list[servicereq.Event]{}),
		"ServiceRequestAction":    schemaOf(servicereq.ActionInput{}),
		"ServiceStats":            schemaOf(servicereq.Stats{}),
		"DialoguePage":            schemaOf(page[servicereq.Dialogue]{}),
		"Dialogue":                schemaOf(servicereq.Dialogue{}),
		"DialogueInput":           requiring(schemaOf(servicereq.DialogueInput{}), "held_on", "title", "region_code"),
	}
}
