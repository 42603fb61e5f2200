package httpapi

import (
	"net/http"

	"liangxin/internal/auth"
	"liangxin/internal/instructor"
	"liangxin/internal/partyorg"
)

// ledgerExchangeRoutes lists the routes of Excel import and export of party organizations, instructors and reports (issue 3).
func (s *Server) ledgerExchangeRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/party-orgs/export", Perm: auth.PermLedgerRead, Tag: "党组织", Summary: "导出党组织（Excel，筛选条件同列表）", Query: []string{"q", "kind", "formation", "region_code", "parent_id", "status"}, QueryTypes: partyOrgQueryTypes, Response: "xlsx", handler: s.exportPartyOrgs},
		{Method: "GET", Path: "/api/v1/instructors/export", Perm: auth.PermLedgerRead, Tag: "党建指导员", Summary: "导出党建指导员及联系单位（Excel）", Query: []string{"q"}, Response: "xlsx", handler: s.exportInstructors},
		{Method: "GET", Path: "/api/v1/instructors/due-visits/export", Perm: auth.PermLedgerRead, Tag: "党建指导员", Summary: "导出应走访未走访清单（Excel，筛选条件同列表）", Query: []string{"full_time"}, Response: "xlsx", handler: s.exportAllDueVisits},
		{Method: "GET", Path: "/api/v1/stats/worklists/{kind}/export", Perm: auth.PermLedgerRead, Tag: "两个覆盖", Summary: "导出工作清单（Excel）：应建未建、有党员未建、无党员", Query: []string{"region_code", "as_of"}, Response: "xlsx", handler: s.exportWorklist},
		{Method: "GET", Path: "/api/v1/party-orgs/renewals/export", Perm: auth.PermLedgerRead, Tag: "党组织", Summary: "导出换届到期和逾期的党组织（Excel）", Query: []string{"within_days"}, Response: "xlsx", handler: s.exportRenewals},
		{Method: "GET", Path: "/api/v1/imports/party-orgs/template", Perm: auth.PermLedgerWrite, Tag: "党组织", Summary: "下载党组织导入模板（Excel，与导出表头相同）", Response: "xlsx", handler: s.partyOrgTemplate},
		{Method: "POST", Path: "/api/v1/imports/party-orgs", Perm: auth.PermLedgerWrite, Tag: "党组织", Summary: "导入党组织及其覆盖单位（Excel，按规定逐条校验，全部成功才写入；重复导入不改变数据）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importPartyOrgs},
		{Method: "GET", Path: "/api/v1/imports/instructors/template", Perm: auth.PermLedgerWrite, Tag: "党建指导员", Summary: "下载党建指导员及联系单位导入模板（Excel，与导出表头相同）", Response: "xlsx", handler: s.instructorTemplate},
		{Method: "POST", Path: "/api/v1/imports/instructors", Perm: auth.PermLedgerWrite, Tag: "党建指导员", Summary: "导入党建指导员及联系单位（Excel，每行一条联系记录，全部成功才写入；重复导入不改变数据）", Query: []string{"session"}, Upload: true, MaxBody: uploadLimit + 1<<20, Response: "ImportSession", handler: s.importInstructors},
		{Method: "GET", Path: "/api/v1/stats/coverage/export", Perm: auth.PermLedgerRead, Tag: "两个覆盖", Summary: "导出两个覆盖统计（Excel，含合计、下级区划和统计口径）", Query: []string{"region_code", "as_of"}, Response: "xlsx", handler: s.exportCoverage},
	}
}

// ledgerExchangeSchemas are the OpenAPI bodies of ledgerExchangeRoutes.
func ledgerExchangeSchemas() map[string]any {
	return map[string]any{}
}

func (s *Server) partyOrgTemplate(w http.ResponseWriter, r *http.Request) error {
	return sendTemplate(w, "party-orgs-template", "党组织导入模板", partyorg.ImportTemplate)
}

func (s *Server) importPartyOrgs(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "party_orgs", partyorg.ImportColumns(), s.Party.Import)
}

func (s *Server) instructorTemplate(w http.ResponseWriter, r *http.Request) error {
	return sendTemplate(w, "instructors-template", "党建指导员导入模板", instructor.ImportTemplate)
}

func (s *Server) importInstructors(w http.ResponseWriter, r *http.Request) error {
	return s.runImport(w, r, "instructors", instructor.ImportColumns(), s.Instr.Import)
}
