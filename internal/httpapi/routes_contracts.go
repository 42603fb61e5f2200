package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/purchase"
)

// contractRoutes lists the routes of 购买服务 (purchase-of-services
// contracts with social organizations and their four-party evaluation,
// issue 15 item 5).
func (s *Server) contractRoutes() []Route {
	const tag = "购买服务"
	read, write := auth.PermContractRead, auth.PermContractWrite
	listQuery := []string{"status", "region_code", "org_id", "year", "grade", "q", "sort"}
	types := map[string]queryParamSpec{
		"status": qEnum(purchase.StatusCodes(), "合同状态：active 履行中、completed 已完成、terminated 已终止"),
		"org_id": qInt(1, 1<<53, "承接服务的社会组织 ID"),
		"year":   qInt(2000, 2100, "年度：服务期与该年有交集的合同"),
		"grade":  qEnum(purchase.GradeCodes(), "最近一次评估等次：excellent 优秀、good 良好、pass 合格、fail 不合格"),
		"q":      qStr("关键词（承接组织名称、购买单位、服务内容模糊匹配）"),
		"sort": qEnum(purchase.SortCodes(), "排序：starts_desc 服务期起始倒序（默认）、starts_asc 服务期起始正序、"+
			"amount_desc 金额从高到低、amount_asc 金额从低到高"),
	}
	one := "/api/v1/service-contracts/{id}"
	return []Route{
		{Method: "GET", Path: "/api/v1/contract-options", Perm: read, Tag: tag, Summary: "合同状态、评估等次选项", Response: "ContractOptions", handler: s.contractOptions},
		{Method: "GET", Path: "/api/v1/contract-settings", Perm: read, Tag: tag, Summary: "四方评估权重及等次分数线（现行版本及历史版本）", Response: "ContractSettings", handler: s.contractSettings},
		{Method: "PUT", Path: "/api/v1/contract-settings", Perm: auth.PermContractSettings, Tag: tag, Summary: "修改四方评估权重（之和须为 100）及等次分数线：生成新版本，记入审计", Request: "ContractSettingsInput", Response: "ContractSettings", handler: s.setContractSettings},
		{Method: "GET", Path: "/api/v1/service-contracts", Perm: read, Tag: tag, Summary: "购买服务合同列表（可按状态、区域、组织、年度、评估等次、关键词筛选）", Query: append(append([]string{}, listQuery...), "page", "page_size"), QueryTypes: types, Response: "ServiceContractPage", handler: s.listContracts},
		{Method: "GET", Path: "/api/v1/service-contracts/export", Perm: read, Tag: tag, Summary: "导出购买服务合同及最近评估（Excel，筛选条件同列表）", Query: listQuery, QueryTypes: types, Response: "xlsx", handler: s.exportContracts},
		{Method: "POST", Path: "/api/v1/service-contracts", Perm: write, Tag: tag, Summary: "登记购买服务合同（承接方须为台账中的社会组织，金额单位：分）", Request: "ServiceContractInput", Response: "ServiceContract", Status: 201, handler: s.createContract},
		{Method: "GET", Path: one, Perm: read, Tag: tag, Summary: "查看购买服务合同（含最近评估）", Response: "ServiceContract", handler: s.getContract},
		{Method: "PUT", Path: one, Perm: write, Tag: tag, Summary: "修改购买服务合同", Request: "ServiceContractInput", Response: "ServiceContract", handler: s.updateContract},
		{Method: "GET", Path: one + "/evaluations", Perm: read, Tag: tag, Summary: "合同的四方评估记录（最新在前）", Response: "ContractEvaluationList", handler: s.listContractEvaluations},
		{Method: "POST", Path: one + "/evaluations", Perm: write, Tag: tag, Summary: "四方评估：职能部门、街道、专家、群众评分（0–100，最多一位小数），按现行权重计算综合得分和等次", Request: "ContractEvaluationInput", Response: "ContractEvaluation", Status: 201, handler: s.evaluateContract},
	}
}

// contractSchemas are the OpenAPI bodies of contractRoutes.
func contractSchemas() map[string]any {
	return map[string]any{
		"ContractOptions":         schemaOf(purchase.Options{}),
		"ContractSettings":        schemaOf(purchase.SettingsView{}),
		"ContractSettingsInput":   requiring(schemaOf(purchase.SettingsInput{}), "weights", "thresholds"),
		"ServiceContractPage":     schemaOf(page[purchase.Contract]{}),
		"ServiceContractInput":    requiring(schemaOf(purchase.Input{}), "org_id", "department", "content", "starts_on", "ends_on", "amount_fen"),
		"ServiceContract":         schemaOf(purchase.Contract{}),
		"ContractEvaluationList":  schemaOf(list[purchase.Evaluation]{}),
		"ContractEvaluationInput": requiring(schemaOf(purchase.EvaluationInput{}), "scores"),
		"ContractEvaluation":      schemaOf(purchase.Evaluation{}),
	}
}
