package httpapi

import "liangxin/internal/auth"

// ledgerExchangeRoutes lists the routes of Excel import and export of party organizations, instructors and reports (issue 3).
func (s *Server) ledgerExchangeRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/party-orgs/export", Perm: auth.PermLedgerRead, Tag: "党组织", Summary: "导出党组织（Excel，筛选条件同列表）", Query: []string{"q", "kind", "formation", "region_code", "parent_id", "status"}, Response: "xlsx", handler: s.exportPartyOrgs},
		{Method: "GET", Path: "/api/v1/instructors/export", Perm: auth.PermLedgerRead, Tag: "党建指导员", Summary: "导出党建指导员及联系单位（Excel）", Query: []string{"q"}, Response: "xlsx", handler: s.exportInstructors},
		{Method: "GET", Path: "/api/v1/stats/worklists/{kind}/export", Perm: auth.PermLedgerRead, Tag: "两个覆盖", Summary: "导出工作清单（Excel）：应建未建、有党员未建、无党员", Query: []string{"region_code", "as_of"}, Response: "xlsx", handler: s.exportWorklist},
		{Method: "GET", Path: "/api/v1/party-orgs/renewals/export", Perm: auth.PermLedgerRead, Tag: "党组织", Summary: "导出换届到期和逾期的党组织（Excel）", Query: []string{"within_days"}, Response: "xlsx", handler: s.exportRenewals},
		{Method: "GET", Path: "/api/v1/stats/coverage/export", Perm: auth.PermLedgerRead, Tag: "两个覆盖", Summary: "导出两个覆盖统计（Excel，含合计、下级区划和统计口径）", Query: []string{"region_code", "as_of"}, Response: "xlsx", handler: s.exportCoverage},
	}
}

// ledgerExchangeSchemas are the OpenAPI bodies of ledgerExchangeRoutes.
func ledgerExchangeSchemas() map[string]any {
	return map[string]any{}
}
