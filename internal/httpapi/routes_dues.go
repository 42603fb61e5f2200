package httpapi

import "liangxin/internal/auth"

// duesRoutes lists the routes of 党费: rates, yearly amounts, payments, arrears, refunds (issue 4).
func (s *Server) duesRoutes() []Route {
	const tag = "党费"
	r, w, set := auth.PermMemberRead, auth.PermMemberWrite, auth.PermMemberSettings
	aq := []string{"as_of", "party_org_id", "flagged", "page", "page_size"}
	asOfMonth := map[string]queryParamSpec{"as_of": {map[string]any{"type": "string", "pattern": `^[0-9]{4}-[0-9]{2}$`}, "截至月份 YYYY-MM（默认本月）"}}
	sq := []string{"party_org_id", "year"}
	return []Route{
		{Method: "GET", Path: "/api/v1/dues/calc", Perm: r, Tag: tag, Summary: "按基数和类别计算每月党费", Query: []string{"base", "kind"}, RequiredQuery: []string{"base"}, Response: "DuesCalc", handler: s.duesCalc},
		{Method: "GET", Path: "/api/v1/dues/options", Perm: r, Tag: tag, Summary: "党费类别、交纳方式及补交、预交月数上限", Response: "DuesOptions", handler: s.duesOptions},
		{Method: "GET", Path: "/api/v1/dues/rate-tables", Perm: r, Tag: tag, Summary: "党费收缴标准（含内置 2008 年标准和历次版本）", Response: "DuesRateTableList", handler: s.duesRateTables},
		{Method: "POST", Path: "/api/v1/dues/rate-tables", Perm: set, Tag: tag, Summary: "设置党费收缴标准新版本（自某日起生效，只影响此后开始的年度）", Request: "DuesRateTableInput", Response: "DuesRateTable", Status: 201, handler: s.duesSetRateTable},
		{Method: "GET", Path: "/api/v1/dues/refund-policy", Perm: r, Tag: tag, Summary: "党费返还政策（返还比例，默认全额返还）", Response: "DuesRefundPolicy", handler: s.duesRefundPolicy},
		{Method: "PUT", Path: "/api/v1/dues/refund-policy", Perm: set, Tag: tag, Summary: "修改党费返还比例", Request: "DuesRefundPolicyInput", Response: "DuesRefundPolicy", handler: s.duesSetRefundPolicy},
		{Method: "POST", Path: "/api/v1/dues/bases", Perm: w, Tag: tag, Summary: "申报党员年度党费基数（按 1 月 1 日有效的标准确定全年月交纳额）", Request: "DuesBaseInput", Response: "DuesBase", Status: 201, handler: s.duesDeclareBase},
		{Method: "GET", Path: "/api/v1/dues/members/{id}", Perm: r, Tag: tag, Summary: "党员某年度党费（基数、各月交纳情况）", Query: []string{"year"}, Response: "DuesMemberYear", handler: s.duesMemberYear},
		{Method: "POST", Path: "/api/v1/dues/payments", Perm: w, Tag: tag, Summary: "登记党费交纳（可一次多月：按季交纳、补交、代缴、免交）", Request: "DuesPaymentInput", Response: "DuesBatch", Status: 201, handler: s.duesRecordPayment},
		{Method: "POST", Path: "/api/v1/dues/payments/void", Perm: w, Tag: tag, Summary: "撤销登记有误的党费交纳（整笔撤销并注明原因，原记录留在审计日志中；已登记返还的年度不能撤销）", Request: "DuesVoidInput", Response: "DuesBatch", handler: s.duesVoidPayment},
		{Method: "GET", Path: "/api/v1/dues/arrears", Perm: r, Tag: tag, Summary: "党费欠交名单（连续 6 个月未交标记）", Query: aq, QueryTypes: asOfMonth, Response: "DuesArrearsPage", handler: s.duesArrears},
		{Method: "GET", Path: "/api/v1/dues/arrears/export", Perm: r, Tag: tag, Summary: "导出党费欠交名单（Excel）", Query: aq[:3], QueryTypes: asOfMonth, Response: "xlsx", handler: s.duesArrearsExport},
		{Method: "GET", Path: "/api/v1/dues/summary", Perm: r, Tag: tag, Summary: "党组织年度党费收缴公示", Query: sq, RequiredQuery: []string{"party_org_id"}, Response: "DuesSummary", handler: s.duesSummary},
		{Method: "GET", Path: "/api/v1/dues/summary/export", Perm: r, Tag: tag, Summary: "导出党费收缴公示（Excel）", Query: sq, RequiredQuery: []string{"party_org_id"}, Response: "xlsx", handler: s.duesSummaryExport},
		{Method: "GET", Path: "/api/v1/dues/refunds", Perm: r, Tag: tag, Summary: "两新党组织党费返还（收缴金额 × 返还比例、已返还记录）", Query: []string{"year", "party_org_id", "page", "page_size"}, Response: "DuesRefundPage", handler: s.duesRefunds},
		{Method: "POST", Path: "/api/v1/dues/refunds", Perm: w, Tag: tag, Summary: "登记党费返还（每个党组织每年一次）", Request: "DuesRefundInput", Response: "DuesRefund", Status: 201, handler: s.duesRecordRefund},
	}
}

// duesSchemas are the OpenAPI bodies of duesRoutes.
func duesSchemas() map[string]any {
	money := func(d string) map[string]any {
		return map[string]any{"type": "string", "description": d + "（元，两位小数）"}
	}
	month := map[string]any{"type": "string", "description": "月份 YYYY-MM"}
	code := obj(map[string]any{"code": tStr, "name": tStr})
	bracket := obj(map[string]any{"up_to": money("本档上限（含），最后一档为空"), "rate": map[string]any{"type": "string", "description": "比例（如 0.015）"},
		"amount": money("定额类别的每月金额")})
	brackets := map[string]any{"type": "object", "description": "按类别（employed、retired、student、unemployed、relief、farmer）的档次", "additionalProperties": arr(bracket)}
	kind := map[string]any{"type": "string", "enum": []string{"employed", "retired", "student", "unemployed", "relief", "farmer"}}
	payment := obj(map[string]any{"id": tInt, "member_id": tInt, "month": month, "amount": money("金额"), "paid_on": tDate,
		"method": tStr, "method_name": tStr, "payer": tStr, "reason": tStr, "batch_id": tStr, "recorded_by": tStr})
	base := obj(map[string]any{"member_id": tInt, "year": tInt, "kind": tStr, "kind_name": tStr, "base": money("基数"), "monthly_amount": money("月交纳额"),
		"rate": tStr, "rate_table_from": tDate})
	refund := obj(map[string]any{"party_org_id": tInt, "party_org_name": tStr, "year": tInt, "collected": money("收缴金额"), "ratio": tStr,
		"due": money("应返还金额 = 收缴金额 × 比例，四舍五入到分"), "refunded": map[string]any{"type": "string", "nullable": true, "description": "已返还金额（元）"},
		"refunded_on": tDateNul, "note": tStr})
	line := map[string]any{"member_id": tInt, "name": tStr, "kind": tStr, "kind_name": tStr, "monthly_amount": money("月交纳额，未申报为空"),
		"months_due": tInt, "months_paid": tInt, "months_waived": tInt, "amount_due": money("应交"), "amount_paid": money("已交"), "amount_unpaid": money("未交")}
	return map[string]any{
		"DuesCalc": map[string]any{"type": "object", "properties": map[string]any{
			"rate":   map[string]any{"type": "string", "description": "比例（如 0.005）；定额类别为空"},
			"amount": map[string]any{"type": "string", "description": "每月应交金额（元，两位小数）"},
		}},
		"DuesOptions":           obj(map[string]any{"kinds": arr(code), "methods": arr(code), "max_back_months": tInt, "max_ahead_months": tInt}),
		"DuesRateTable":         obj(map[string]any{"id": tInt, "effective_from": tDate, "note": tStr, "built_in": tBool, "brackets": brackets}),
		"DuesRateTableList":     obj(map[string]any{"items": arr(ref("DuesRateTable"))}),
		"DuesRateTableInput":    obj(map[string]any{"effective_from": tDate, "note": tStr, "brackets": brackets, "reason": reasonSchema}, "effective_from", "brackets"),
		"DuesRefundPolicy":      obj(map[string]any{"ratio": map[string]any{"type": "string", "description": "返还比例（0–3，最多四位小数；1 为全额返还，2 为全额返还并 1:1 配套）"}, "note": tStr}, "ratio"),
		"DuesRefundPolicyInput": obj(map[string]any{"ratio": map[string]any{"type": "string", "description": "返还比例（0–3，最多四位小数；1 为全额返还，2 为全额返还并 1:1 配套）"}, "note": tStr, "reason": reasonSchema}, "ratio"),
		"DuesBaseInput":         obj(map[string]any{"member_id": tInt, "year": tInt, "kind": kind, "base": money("基数")}, "member_id", "year", "kind", "base"),
		"DuesBase":              base,
		"DuesMemberYear": obj(map[string]any{"member_id": tInt, "name": tStr, "year": tInt, "base": nullable(base, "未申报基数时为 null"), "paid": money("本年已交"),
			"months": arr(obj(map[string]any{"month": month, "due": tBool, "payment": nullable(payment, "未交纳时为 null")}))}),
		"DuesPaymentInput": obj(map[string]any{"member_id": tInt, "months": arr(month), "paid_on": tDate,
			"method": map[string]any{"type": "string", "enum": []string{"self", "proxy", "waived"}}, "payer": tStr, "reason": tStr}, "member_id", "months", "paid_on", "method"),
		"DuesVoidInput": obj(map[string]any{"batch_id": tStr, "reason": tStr}, "batch_id", "reason"),
		"DuesBatch":     obj(map[string]any{"batch_id": tStr, "member_id": tInt, "total": money("合计"), "back_months": tInt, "ahead_months": tInt, "payments": arr(payment)}),
		"DuesArrear": obj(map[string]any{"member_id": tInt, "name": tStr, "party_org_id": tInt, "party_org_name": tStr,
			"joined_on": tDate, "unpaid_months": arr(month), "consecutive_unpaid": tInt, "flagged": tBool}),
		"DuesArrearsPage": pageOf("DuesArrear"),
		"DuesSummary": obj(map[string]any{"party_org_id": tInt, "party_org_name": tStr, "year": tInt, "through": month, "members": tInt,
			"months_due": tInt, "months_paid": tInt, "months_waived": tInt, "amount_due": money("应交"), "amount_paid": money("已交"),
			"amount_unpaid": money("未交"), "lines": arr(obj(line))}),
		"DuesRefund":     refund,
		"DuesRefundPage": obj(map[string]any{"items": arr(refund), "total": tInt, "page": tInt, "page_size": tInt}),
		"DuesRefundInput": obj(map[string]any{"party_org_id": tInt, "year": tInt, "amount": money("实际返还金额，默认为应返还金额"), "refunded_on": tDate, "note": tStr},
			"party_org_id", "year", "refunded_on"),
	}
}
