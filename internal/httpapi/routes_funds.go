package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/funds"
)

// fundsRoutes lists the routes of 经费保障 (issue 15, funds part).
func (s *Server) fundsRoutes() []Route {
	const tag = "经费保障"
	read, write, settings := auth.PermFundsRead, auth.PermFundsWrite, auth.PermFundsSettings
	year := map[string]queryParamSpec{"year": qInt(funds.MinYear, funds.MaxYear, "年度（默认今年）")}
	entryTypes := map[string]queryParamSpec{
		"year": year["year"],
		"kind": qEnum([]string{funds.EntryEntitlement, funds.EntryAllocation, funds.EntrySpending, funds.EntryGrant},
			"记录类别：entitlement 核定应拨、allocation 拨付、spending 支出、grant 孵化基金资助"),
		"q": qStr("关键词（凭证号、摘要模糊匹配）"),
	}
	appTypes := map[string]queryParamSpec{
		"year":   year["year"],
		"status": qEnum([]string{funds.AppApplied, funds.AppReviewed, funds.AppGranted, funds.AppRefused}, "申请状态：applied 已申请、reviewed 已审核、granted 已资助、refused 未通过"),
	}
	reportTypes := map[string]queryParamSpec{"year": year["year"], "region_code": qStr("行政区划代码（含下级），默认本人辖区")}
	return []Route{
		{Method: "GET", Path: "/api/v1/funds-options", Perm: read, Tag: tag, Summary: "党组织类别、组建方式、支出类别、折算方式等选项", Response: "FundsOptions", handler: s.fundsOptions},
		{Method: "GET", Path: "/api/v1/funds/standards", Perm: read, Tag: tag, Summary: "各年度经费保障标准（每年的最新版本）", Response: "FundsStandardList", handler: s.listFundsStandards},
		{Method: "GET", Path: "/api/v1/funds/standard", Perm: read, Tag: tag, Summary: "某年度经费保障标准（最新版本）", Query: []string{"year"}, QueryTypes: year, Response: "FundsStandard", handler: s.getFundsStandard},
		{Method: "PUT", Path: "/api/v1/funds/standard", Perm: settings, Tag: tag, Summary: "设置某年度经费保障标准（新增一个版本；区级）", Request: "FundsStandardInput", Response: "FundsStandard", handler: s.setFundsStandard},
		{Method: "POST", Path: "/api/v1/funds/recompute", Perm: write, Tag: tag, Summary: "按台账和党费收缴重新核算本辖区各党组织某年度应拨经费（差额记账）", Request: "FundsYearInput", Response: "FundsRecompute", handler: s.recomputeFunds},
		{Method: "GET", Path: "/api/v1/funds/report", Perm: read, Tag: tag, Summary: "年度经费表：各党组织应拨、已拨、支出、余额，按街道小计", Query: []string{"year", "region_code"}, QueryTypes: reportTypes, Response: "FundsReport", handler: s.fundsReport},
		{Method: "GET", Path: "/api/v1/funds/report/export", Perm: read, Tag: tag, Summary: "导出年度经费表（Excel，财务科格式：每个党组织一行，街道小计，合计）", Query: []string{"year", "region_code"}, QueryTypes: reportTypes, Response: "xlsx", handler: s.exportFundsReport},
		{Method: "GET", Path: "/api/v1/funds/entries", Perm: read, Tag: tag, Summary: "经费记账记录（可按党组织、类别、关键词筛选）", Query: []string{"year", "party_org_id", "kind", "q", "page", "page_size"}, QueryTypes: entryTypes, Response: "FundsEntryPage", handler: s.listFundsEntries},
		{Method: "GET", Path: "/api/v1/funds/entries/{id}", Perm: read, Tag: tag, Summary: "查看一条经费记录（含票据）", Response: "FundsEntry", handler: s.getFundsEntry},
		{Method: "POST", Path: "/api/v1/funds/allocations", Perm: write, Tag: tag, Summary: "拨付经费（须填凭证号，不得超过未拨数）", Request: "FundsAllocationInput", Response: "FundsEntry", Status: 201, handler: s.allocateFunds},
		{Method: "POST", Path: "/api/v1/funds/spendings", Perm: write, Tag: tag, Summary: "登记经费支出（余额不足时 409）", Request: "FundsSpendingInput", Response: "FundsEntry", Status: 201, handler: s.spendFunds},
		{Method: "POST", Path: "/api/v1/funds/entries/{id}/reverse", Perm: write, Tag: tag, Summary: "冲销一条拨付、支出或资助记录（红字冲销，不修改原记录）", Request: "FundsReverseInput", Response: "FundsEntry", Status: 201, handler: s.reverseFundsEntry},
		{Method: "POST", Path: "/api/v1/funds/entries/{id}/receipts", Perm: write, Tag: tag, Summary: "为支出上传票据（JPG、PNG、WebP 或 PDF，每张不超过 8 MB，每笔最多 9 张；加密保存）", Upload: true, MaxBody: funds.MaxReceiptBytes + 1<<20, Response: "FundsReceipt", Status: 201, handler: s.uploadFundsReceipt},
		{Method: "GET", Path: "/api/v1/funds/entries/{id}/receipts/{receipt_id}", Perm: read, Tag: tag, Summary: "查看支出票据（文件本身）", Response: "receipt", handler: s.fundsReceipt},
		{Method: "GET", Path: "/api/v1/funds/incubation", Perm: read, Tag: tag, Summary: "孵化发展基金申请（可按状态筛选）", Query: []string{"year", "status", "page", "page_size"}, QueryTypes: appTypes, Response: "FundsApplicationPage", handler: s.listFundsApplications},
		{Method: "POST", Path: "/api/v1/funds/incubation", Perm: write, Tag: tag, Summary: "申请孵化发展基金", Request: "FundsApplicationInput", Response: "FundsApplication", Status: 201, handler: s.applyFunds},
		{Method: "POST", Path: "/api/v1/funds/incubation/{id}/review", Perm: write, Tag: tag, Summary: "审核孵化基金申请（填写审核意见）", Request: "FundsReviewInput", Response: "FundsApplication", handler: s.reviewFundsApplication},
		{Method: "GET", Path: "/api/v1/imports/funds-allocations/template", Perm: write, Tag: tag, Summary: "下载经费拨付导入模板（Excel）", Response: "xlsx", handler: s.fundsAllocationTemplate},
		{Method: "POST", Path: "/api/v1/imports/funds-allocations", Perm: write, Tag: tag, Summary: "导入上年度经费拨付（Excel，全部成功才写入；出错时返回标注错误的表格；须先核算该年度应拨数）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importFundsAllocations},
		{Method: "POST", Path: "/api/v1/funds/incubation/{id}/decide", Perm: write, Tag: tag, Summary: "孵化基金资助决定（资助或不予资助，须写理由；资助即记账）", Request: "FundsDecisionInput", Response: "FundsApplication", handler: s.decideFundsApplication},
	}
}

// FundsYearInput names the year of a recompute.
type FundsYearInput struct {
	Year int `json:"year"`
}

// fundsSchemas are the OpenAPI bodies of fundsRoutes.
func fundsSchemas() map[string]any {
	return map[string]any{
		"FundsOptions":          schemaOf(funds.Options{}),
		"FundsStandardList":     schemaOf(list[funds.Standard]{}),
		"FundsStandard":         schemaOf(funds.Standard{}),
		"FundsStandardInput":    schemaOf(funds.StandardInput{}),
		"FundsYearInput":        schemaOf(FundsYearInput{}),
		"FundsRecompute":        schemaOf(funds.RecomputeResult{}),
		"FundsReport":           schemaOf(funds.Report{}),
		"FundsEntryPage":        schemaOf(page[funds.Entry]{}),
		"FundsEntry":            schemaOf(funds.Entry{}),
		"FundsAllocationInput":  schemaOf(funds.AllocationInput{}),
		"FundsSpendingInput":    schemaOf(funds.SpendingInput{}),
		"FundsReverseInput":     schemaOf(funds.ReverseInput{}),
		"FundsReceipt":          schemaOf(funds.Receipt{}),
		"FundsApplicationPage":  schemaOf(page[funds.Application]{}),
		"FundsApplicationInput": schemaOf(funds.ApplicationInput{}),
		"FundsApplication":      schemaOf(funds.Application{}),
		"FundsReviewInput":      schemaOf(funds.ReviewInput{}),
		"FundsDecisionInput":    schemaOf(funds.DecisionInput{}),
	}
}
