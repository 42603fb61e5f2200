package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/member"
)

// transferRoutes lists the routes of transfers of membership (组织关系转接),
// the membership history, mobile members (流动党员), pocket members (口袋党员)
// and dual management (双重管理) (issue 4).
func (s *Server) transferRoutes() []Route {
	const tag = "组织关系转接与流动党员"
	r, w := auth.PermMemberRead, auth.PermMemberWrite
	// These reports read as_of leniently (an unrecognised value is today).
	lenientAsOf := map[string]queryParamSpec{"as_of": {map[string]any{"type": "string", "pattern": `^(\s*|[0-9]{4}-[0-9]{2}-[0-9]{2})$`}, "截至日期 YYYY-MM-DD（默认今天；空白按今天计）"}}
	mobilityQuery := map[string]queryParamSpec{"as_of": lenientAsOf["as_of"],
		"direction": qEnum(transferCodes(member.MobilityDirections()), "流动方向：out 流出，in 流入")}
	return []Route{
		{Method: "GET", Path: "/api/v1/transfers", Perm: r, Tag: tag, Summary: "组织关系转接列表（转出方或接收方在本人管辖范围内）",
			Query: []string{"status", "kind", "party_org_id", "member_id", "page", "page_size"}, QueryTypes: transferQueryTypes, Response: "TransferPage", handler: s.listTransfers},
		{Method: "POST", Path: "/api/v1/transfers", Perm: w, Tag: tag, Summary: "开具介绍信（系统内转接、转出到系统外）或登记从系统外转入", Request: "TransferInput", Response: "Transfer", Status: 201, handler: s.startTransfer},
		{Method: "GET", Path: "/api/v1/transfers/export", Perm: r, Tag: tag, Summary: "导出组织关系转接（Excel，转出方或接收方在本人管辖范围内；不含身份证号、手机号）",
			Query: []string{"status", "kind", "party_org_id", "member_id"}, QueryTypes: transferQueryTypes, Response: "xlsx", handler: s.exportTransfers},
		{Method: "GET", Path: "/api/v1/transfers/options", Perm: r, Tag: tag, Summary: "转接类型、状态、流动方向代码", Response: "TransferOptions", handler: s.transferOptions},
		{Method: "GET", Path: "/api/v1/transfers/pocket", Perm: r, Tag: tag, Summary: "口袋党员：介绍信已开具、截至某日已过有效期仍未被接收（系统内转接与转出到系统外）", Query: []string{"as_of", "page", "page_size"}, QueryTypes: lenientAsOf, Response: "TransferPage", handler: s.pocketMembers},
		{Method: "GET", Path: "/api/v1/transfers/{id}", Perm: r, Tag: tag, Summary: "查看组织关系转接", Response: "Transfer", handler: s.getTransfer},
		{Method: "POST", Path: "/api/v1/transfers/{id}/accept", Perm: w, Tag: tag, Summary: "接收方接收组织关系（系统外转入时同时登记党员信息）", Request: "TransferAccept", Response: "Transfer", handler: s.acceptTransfer},
		{Method: "POST", Path: "/api/v1/transfers/{id}/return-slip", Perm: w, Tag: tag, Summary: "登记回执（转出到系统外办结，党员状态为已转出）", Request: "TransferClose", Response: "Transfer", handler: s.transferReturnSlip},
		{Method: "POST", Path: "/api/v1/transfers/{id}/return", Perm: w, Tag: tag, Summary: "接收方退回介绍信", Request: "TransferClose", Response: "Transfer", handler: s.returnTransfer},
		{Method: "POST", Path: "/api/v1/transfers/{id}/cancel", Perm: w, Tag: tag, Summary: "撤销未办结的转接", Request: "TransferClose", Response: "Transfer", handler: s.cancelTransfer},
		{Method: "GET", Path: "/api/v1/members/{id}/memberships", Perm: r, Tag: tag, Summary: "党员组织关系历史", Response: "MembershipList", handler: s.memberMemberships},

		{Method: "POST", Path: "/api/v1/members/{id}/mobility", Perm: w, Tag: tag, Summary: "登记流出或流入（地点、时间、流动党员活动证）", Request: "MobilityInput", Response: "Mobility", Status: 201, handler: s.startMobility},
		{Method: "PATCH", Path: "/api/v1/mobility/{id}", Perm: w, Tag: tag, Summary: "活动证年度审核、修改或结束流动（返回）", Request: "MobilityPatch", Response: "Mobility", handler: s.updateMobility},
		{Method: "GET", Path: "/api/v1/mobility", Perm: r, Tag: tag, Summary: "流动党员（截至某日外出满六个月，可调整月数）",
			Query: []string{"as_of", "direction", "min_months", "party_org_id", "page", "page_size"}, QueryTypes: mobilityQuery, Response: "MobilityPage", handler: s.listMobility},
		{Method: "GET", Path: "/api/v1/mobility/places", Perm: r, Tag: tag, Summary: "同一地点流动党员三人以上（应建立流动党员党支部或党小组）", Query: []string{"as_of", "page", "page_size"}, QueryTypes: lenientAsOf, Response: "PlacePage", handler: s.mobilityPlaces},

		{Method: "POST", Path: "/api/v1/members/{id}/dual", Perm: w, Tag: tag, Summary: "登记双重管理（参加另一党组织活动，组织关系不变）", Request: "DualInput", Response: "Dual", Status: 201, handler: s.startDual},
		{Method: "POST", Path: "/api/v1/dual/{id}/end", Perm: w, Tag: tag, Summary: "结束双重管理", Request: "TransferClose", Response: "Dual", handler: s.endDual},
		{Method: "GET", Path: "/api/v1/dual", Perm: r, Tag: tag, Summary: "双重管理党员（组织关系所在或参加活动的党组织在管辖范围内）", Query: []string{"party_org_id", "ended", "page", "page_size"}, Response: "DualPage", handler: s.listDual},
	}
}

// transferSchemas are the OpenAPI bodies of transferRoutes.
func transferSchemas() map[string]any {
	intNul := map[string]any{"type": "integer", "nullable": true}
	code := obj(map[string]any{"code": tStr, "name": tStr})
	kinds := map[string]any{"type": "string", "enum": []string{"internal", "in_from_outside", "out_to_outside"}}
	dir := map[string]any{"type": "string", "enum": []string{"out", "in"}}
	mobility := obj(map[string]any{"id": tInt, "member_id": tInt, "member_name": tStr, "party_org_id": tInt, "party_org_name": tStr,
		"direction": tStr, "direction_name": tStr, "place": tStr, "since": tDate, "card_no": tStr, "reviewed_on": tDateNul, "ended_on": tDateNul,
		"note": tStr, "months": tInt})
	return map[string]any{
		"Transfer": obj(map[string]any{"id": tInt, "member_id": intNul, "member_name": tStr, "kind": tStr, "kind_name": tStr,
			"from_party_org_id": intNul, "from_party_org_name": tStr, "from_outside": tStr, "to_party_org_id": intNul, "to_party_org_name": tStr,
			"to_outside": tStr, "letter_no": tStr, "issued_on": tDate, "valid_until": tDate, "status": tStr, "status_name": tStr, "expired": tBool,
			"return_slip_on": tDateNul, "accepted_on": tDateNul, "accepted_by": tStr, "closed_on": tDateNul, "note": tStr, "created_by": tStr,
			"created_at": tTime, "updated_at": tTime}),
		"TransferPage": pageOf("Transfer"),
		"TransferInput": obj(map[string]any{"kind": kinds, "member_id": tInt, "member_name": tStr, "from_outside": tStr, "to_party_org_id": tInt,
			"to_outside": tStr, "letter_no": tStr, "issued_on": tDate, "valid_until": tDate, "note": tStr}, "kind", "letter_no"),
		"TransferAccept": obj(map[string]any{"on": tDate, "member": obj(map[string]any{"name": tStr, "gender": map[string]any{"type": "string", "enum": []string{"male", "female"}},
			"birth_date": tDate, "id_number": tStr, "phone": tStr, "category": map[string]any{"type": "string", "enum": []string{"full", "probationary"}},
			"organization_id": intNul, "joined_on": tDate, "confirmed_on": tDate})}),
		"TransferClose":   obj(map[string]any{"on": tDate, "note": tStr}),
		"TransferOptions": obj(map[string]any{"kinds": arr(code), "statuses": arr(code), "directions": arr(code)}),
		"MembershipList": obj(map[string]any{"items": arr(obj(map[string]any{"party_org_id": tInt, "party_org_name": tStr, "from": tDate, "to": tDateNul,
			"transfer_id": intNul}))}),
		"Mobility":      mobility,
		"MobilityPage":  pageOf("Mobility"),
		"MobilityInput": obj(map[string]any{"direction": dir, "place": tStr, "since": tDate, "card_no": tStr, "reviewed_on": tDate, "note": tStr}, "direction", "place", "since"),
		"MobilityPatch": obj(map[string]any{"card_no": tStr, "reviewed_on": tDate, "ended_on": tDate, "note": tStr}),
		"PlacePage":     obj(map[string]any{"items": arr(obj(map[string]any{"place": tStr, "count": tInt, "members": arr(ref("Mobility")), "ungrouped": tInt, "warning": tStr})), "total": tInt, "page": tInt, "page_size": tInt}),
		"Dual": obj(map[string]any{"id": tInt, "member_id": tInt, "member_name": tStr, "party_org_id": tInt, "party_org_name": tStr,
			"second_party_org_id": tInt, "second_party_org_name": tStr, "from": tDate, "to": tDateNul, "note": tStr}),
		"DualInput": obj(map[string]any{"second_party_org_id": tInt, "from": tDate, "note": tStr}, "second_party_org_id"),
		"DualPage":  pageOf("Dual"),
	}
}
