package httpapi

import (
	"liangxin/internal/auth"
	"liangxin/internal/dangtong"
)

// dangtongRoutes lists the routes of the 党统 tables (issue 16 item 5): the
// tables, their cells' drill-down, the .xlsx in the official layout, the
// agreement with the coverage report and the period counts.
func (s *Server) dangtongRoutes() []Route {
	const tag = "党统报表"
	read := auth.PermLedgerRead
	base := "/api/v1/stats/dangtong"
	q := []string{"date", "region_code"}
	types := map[string]queryParamSpec{"date": qDate("统计日期（YYYY-MM-DD，默认今天）；报告期为该年 1 月 1 日至统计日")}
	return []Route{
		{Method: "GET", Path: base + "/check", Perm: read, Tag: tag, Summary: "党统表 27、30 的合计与同日、同区划的两个覆盖统计是否一致", Query: q, QueryTypes: types, Response: "DangtongCheck", handler: s.dangtongCheck},
		{Method: "GET", Path: base + "/period", Perm: read, Tag: tag, Summary: "期间统计：新建党组织（按组建方式、类别）、各年发展与转正、换届次数", Query: []string{"from", "to", "region_code"}, Response: "DangtongPeriod", handler: s.dangtongPeriod},
		{Method: "GET", Path: base + "/{table}", Perm: read, Tag: tag, Summary: "党统表（24、27、30、43）：任一日期、任一区划，按官方行列", Query: q, QueryTypes: types, Response: "DangtongTable", handler: s.dangtongTable},
		{Method: "GET", Path: base + "/{table}/export", Perm: read, Tag: tag, Summary: "导出党统表 .xlsx（官方格式：标题、合并表头、行次）", Query: q, QueryTypes: types, Response: "xlsx", handler: s.dangtongExport},
		{Method: "GET", Path: base + "/{table}/cells/{row}/{col}", Perm: read, Tag: tag, Summary: "党统表某一格所计的单位、党组织、指导员或党员（分页）", Query: []string{"date", "region_code", "page", "page_size"}, QueryTypes: types, Response: "DangtongCell", handler: s.dangtongCell},
	}
}

// dangtongSchemas are the OpenAPI bodies of dangtongRoutes.
func dangtongSchemas() map[string]any {
	return map[string]any{
		"DangtongTable":  schemaOf(dangtong.Table{}),
		"DangtongCell":   schemaOf(dangtong.Cell{}),
		"DangtongCheck":  schemaOf(dangtong.Check{}),
		"DangtongPeriod": schemaOf(dangtong.Period{}),
	}
}
