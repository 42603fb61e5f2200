package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/briefing"
)

// briefingRoutes lists the routes of the monthly 通报 (issue 16 item 4):
// drafts generated from a frozen snapshot of a month's figures, the editable
// template, 签发 (immutable once issued) and the .docx/.xlsx outputs. The
// district writes; streets read their own; party organizations have no part.
func (s *Server) briefingRoutes() []Route {
	const tag = "月度通报"
	read, write := auth.PermBriefingRead, auth.PermWorkWrite
	types := map[string]queryParamSpec{
		"state": qEnum([]string{briefing.StateDraft, briefing.StateIssued}, "状态：draft 草稿、issued 已签发"),
		"year":  qInt(2000, 2100, "通报月份所在年度"),
		"q":     qStr("关键词（标题模板、范围名称或月份模糊匹配）"),
	}
	base := "/api/v1/briefings"
	return []Route{
		{Method: "GET", Path: base, Perm: read, Tag: tag, Summary: "通报列表（期号、月份、范围、状态、签发时间和签发人；月份新的在前）",
			Query: []string{"state", "year", "region_code", "q", "page", "page_size"}, QueryTypes: types, Response: "BriefingPage", handler: s.listBriefings},
		{Method: "POST", Path: base, Perm: write, Tag: tag, Summary: "生成某月、某区划的通报草稿：已结束的月份按月末数据生成并冻结；本月按当日数据，可刷新；同月同区划已有草稿则返回该草稿",
			Request: "BriefingGenerate", Response: "Briefing", handler: s.generateBriefing},
		{Method: "GET", Path: base + "/{id}", Perm: read, Tag: tag, Summary: "查看通报（正文模板、冻结的数据）", Response: "Briefing", handler: s.getBriefing},
		{Method: "PUT", Path: base + "/{id}", Perm: write, Tag: tag, Summary: "修改草稿的标题和正文（占位符须为可用占位符；已签发的不能修改，409）", Request: "BriefingUpdate", Response: "Briefing", handler: s.updateBriefing},
		{Method: "DELETE", Path: base + "/{id}", Perm: write, Tag: tag, Summary: "删除草稿（已签发的不能删除，409）", Status: 204, handler: s.deleteBriefing},
		{Method: "POST", Path: base + "/{id}/issue", Perm: write, Tag: tag, Summary: "签发：编入本区划当年期号，冻结数据和文字，此后不能修改或删除", Request: "BriefingIssue", Response: "Briefing", handler: s.issueBriefing},
		{Method: "GET", Path: base + "/{id}/document", Perm: read, Tag: tag, Summary: "通报成文（版头、标题、段落、表格）及全部数据表，用于预览和打印", Response: "BriefingRendered", handler: s.briefingDocument},
		{Method: "GET", Path: base + "/{id}/docx", Perm: read, Tag: tag, Summary: "下载通报 Word 文档（.docx，公文版式；已签发的每次下载内容相同）", Response: "document", handler: s.briefingDOCX},
		{Method: "GET", Path: base + "/{id}/xlsx", Perm: read, Tag: tag, Summary: "下载通报数据表（Excel，每张表一页）", Response: "xlsx", handler: s.briefingXLSX},
		{Method: "GET", Path: "/api/v1/briefing-template", Perm: read, Tag: tag, Summary: "当前通报模板（版本 0 为系统默认模板）", Response: "BriefingTemplate", handler: s.briefingTemplate},
		{Method: "PUT", Path: "/api/v1/briefing-template", Perm: write, Tag: tag, Summary: "保存通报模板（生成新版本；之后生成的草稿使用新模板）", Request: "BriefingTemplateInput", Response: "BriefingTemplate", handler: s.saveBriefingTemplate},
		{Method: "GET", Path: "/api/v1/briefing-template/versions", Perm: read, Tag: tag, Summary: "通报模板的历史版本（新的在前）", Response: "BriefingTemplateList", handler: s.briefingTemplates},
		{Method: "GET", Path: "/api/v1/briefing-placeholders", Perm: read, Tag: tag, Summary: "模板可用的占位符及说明（表格占位符须单独占一行）", Response: "BriefingPlaceholderList", handler: s.briefingPlaceholders},
	}
}

// briefingSchemas are the OpenAPI bodies of briefingRoutes.
func briefingSchemas() map[string]any {
	return map[string]any{
		"BriefingPage":            schemaOf(page[briefing.Briefing]{}),
		"Briefing":                schemaOf(briefing.Briefing{}),
		"BriefingGenerate":        requiring(schemaOf(briefing.GenerateInput{}), "month"),
		"BriefingUpdate":          requiring(schemaOf(briefing.UpdateInput{}), "title", "body", "version"),
		"BriefingIssue":           requiring(schemaOf(briefing.IssueInput{}), "version"),
		"BriefingRendered":        schemaOf(briefing.Rendered{}),
		"BriefingTemplate":        schemaOf(briefing.Template{}),
		"BriefingTemplateInput":   requiring(schemaOf(briefing.TemplateInput{}), "title", "body"),
		"BriefingTemplateList":    schemaOf(list[briefing.Template]{}),
		"BriefingPlaceholderList": schemaOf(list[briefing.Placeholder]{}),
	}
}
