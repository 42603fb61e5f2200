package httpapi

import (
	"net/http"

	"liangxin/internal/audit"
	"liangxin/internal/auth"
	"liangxin/internal/region"

	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"regexp"
	"sort"
	"strings"
)

var pathParamRE = regexp.MustCompile(`\{([a-z_]+)\}`)

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// requiring marks the fields a request body must carry (the server answers
// 422 naming each one that is missing); reflection cannot see them.
func requiring(s map[string]any, fields ...string) map[string]any {
	s["required"] = fields
	return s
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func arr(item any) map[string]any { return map[string]any{"type": "array", "items": item} }

var (
	tStr     = map[string]any{"type": "string"}
	tInt     = map[string]any{"type": "integer"}
	tBool    = map[string]any{"type": "boolean"}
	tTime    = map[string]any{"type": "string", "format": "date-time"}
	tTimeNul = map[string]any{"type": "string", "format": "date-time", "nullable": true}
	tDate    = map[string]any{"type": "string", "format": "date"}
	tDateNul = map[string]any{"type": "string", "format": "date", "nullable": true}
	// tDateOrEmpty is an optional date of an input form: the server reads
	// "" as not filled in (the UI sends the empty fields of its forms).
	tDateOrEmpty = map[string]any{"type": "string", "pattern": `^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, "description": "日期 YYYY-MM-DD；空字符串表示未填"}
	tIntNul      = map[string]any{"type": "integer", "nullable": true}
	tNum         = map[string]any{"type": "number"}
	// reasonSchema is the reason of a change to a jurisdiction-wide rule.
	reasonSchema = map[string]any{"type": "string", "description": "修改原因（生效日期早于今天即追溯修改时必填；记入审计日志）"}
)

// withReason adds the optional reason field to an object schema.
func withReason(o map[string]any) map[string]any {
	props, _ := o["properties"].(map[string]any)
	out := map[string]any{}
	for k, v := range props {
		out[k] = v
	}
	out["reason"] = reasonSchema
	c := map[string]any{}
	for k, v := range o {
		c[k] = v
	}
	c["properties"] = out
	return c
}

// enumOf is a string schema limited to values, the codes a Go package
// defines (one source for the server and the document).
func enumOf(values []string) map[string]any {
	return map[string]any{"type": "string", "enum": append([]string(nil), values...)}
}

// formationInput is the formation of a new party organization: one of the
// formations, or "" for a 党小组, which takes its 党支部's.
func formationInput() map[string]any {
	s := enumOf(append(partyorg.Codes(partyorg.Formations()), ""))
	s["description"] = "组建方式；党小组留空（沿用所在党支部的组建方式）"
	return s
}

func categoryCodes() []string {
	var out []string
	for _, c := range org.Categories() {
		out = append(out, c.Code)
	}
	return out
}

func pageOf(item string) map[string]any {
	return obj(map[string]any{"items": arr(ref(item)), "total": tInt, "total_capped": totalCapped(), "page": tInt, "page_size": tInt})
}

// totalCapped is the flag of a list whose count stopped at the cap
// (store.DefaultTotalCap): total is then a lower bound.
func totalCapped() map[string]any {
	return map[string]any{"type": "boolean",
		"description": "为 true 时列表只数到上限，total 是下限（实际多于 total 条，界面显示“10000+ 条”）；为 false 时 total 为确切条数"}
}

// schemas are the named bodies the routes refer to.
func schemas() map[string]any {
	all := coreSchemas()
	for _, more := range []map[string]any{ledgerExchangeSchemas(), memberSchemas(), transferSchemas(), duesSchemas(), developSchemas(), meetingSchemas(), assessSchemas(), profileSchemas(), instructorAchieveSchemas(), serviceSchemas(), venueSchemas(), notifySchemas(), contractSchemas(), workSchemas(), wishSchemas(), dangtongSchemas(), fundsSchemas(), homeSchemas(), cobuildSchemas(), briefingSchemas(), memberSelfSchemas(), volunteerSchemas()} {
		for k, v := range more {
			all[k] = v
		}
	}
	return all
}

// coreSchemas are the bodies of the core and ledger routes.
func coreSchemas() map[string]any {
	user := obj(map[string]any{
		"id": tInt, "username": tStr, "display_name": tStr, "role": tStr, "role_name": tStr, "scope": tStr, "scope_name": tStr,
		"party_org_id": map[string]any{"type": "integer", "nullable": true}, "instructor_id": map[string]any{"type": "integer", "nullable": true}, "handler_unit_id": map[string]any{"type": "integer", "nullable": true}, "must_change_password": tBool, "disabled": tBool, "locked_until": tTimeNul, "last_login_at": tTimeNul,
		"password_changed_at": tTime, "created_at": tTime,
	})
	region := obj(map[string]any{
		"code": tStr, "name": tStr, "level": map[string]any{"type": "string", "enum": []string{"province", "prefecture", "county", "town", "village", "area"}},
		"level_name": tStr, "parent_code": tStr, "kind": tStr, "kind_name": tStr, "has_children": tBool, "path": tStr,
	})
	return map[string]any{
		"Error": obj(map[string]any{"error": obj(map[string]any{
			"code":         map[string]any{"type": "string", "enum": errorCodeList(), "description": errorCodesDescription()},
			"message":      map[string]any{"type": "string", "description": "给用户看的中文说明"},
			"fields":       map[string]any{"type": "object", "additionalProperties": tStr, "description": "字段名 → 中文错误说明（code 为 invalid 时）"},
			"locked_until": map[string]any{"type": "string", "format": "date-time", "description": "账号锁定到期时间（code 为 account_locked 时）"},
			"session":      map[string]any{"type": "string", "description": "导入会话 ID（code 为 import_invalid 时）"},
			"error_count":  map[string]any{"type": "integer", "description": "文件中的错误总数（code 为 import_invalid 时）"},
			"errors": map[string]any{"type": "array", "description": "前 50 处错误（code 为 import_invalid 时）",
				"items": obj(map[string]any{"row": tInt, "column": tStr, "message": tStr}, "row", "column", "message")},
			"report_url": map[string]any{"type": "string", "description": "标出错误的表格下载地址（code 为 import_invalid 时）"},
		}, "code", "message")}, "error"),
		"LoginRequest":    obj(map[string]any{"username": tStr, "password": tStr}, "username", "password"),
		"SessionResponse": obj(map[string]any{"user": ref("User"), "csrf_token": tStr, "perms": arr(tStr)}),
		"PasswordChange":  obj(map[string]any{"old_password": tStr, "new_password": tStr}, "old_password", "new_password"),
		"SystemInfo":      obj(map[string]any{"name": tStr, "version": tStr, "jurisdiction": obj(map[string]any{"code": tStr, "name": tStr, "full_name": tStr})}),
		"RoleList":        obj(map[string]any{"items": arr(obj(map[string]any{"code": tStr, "name": tStr, "assignable": tBool}))}),
		"User":            user,
		"UserPage":        pageOf("User"),
		"UserCreate":      obj(map[string]any{"username": tStr, "display_name": tStr}, "username"),
		"UserGrant":       obj(map[string]any{"role": tStr, "scope": tStr, "party_org_id": tInt, "instructor_id": tInt, "handler_unit_id": tInt}, "role"),
		"UserCreated":     obj(map[string]any{"user": ref("User"), "initial_password": tStr}),
		"UserPatch":       obj(map[string]any{"display_name": tStr, "disabled": tBool}),
		"PasswordReset":   obj(map[string]any{"temporary_password": tStr}),
		"Region":          region,
		"RegionList":      obj(map[string]any{"items": arr(ref("Region"))}),
		"RegionPage":      pageOf("Region"),
		"RegionTree":      map[string]any{"allOf": []any{ref("Region"), obj(map[string]any{"children": arr(ref("RegionTree"))})}},
		"RegionStats": obj(map[string]any{
			"counts":   map[string]any{"type": "object", "additionalProperties": tInt},
			"children": arr(obj(map[string]any{"code": tStr, "name": tStr, "villages": tInt, "areas": tInt})),
		}),
		"AreaKindList": obj(map[string]any{"items": arr(obj(map[string]any{"code": tStr, "name": tStr}))}),
		"AreaCreate":   obj(map[string]any{"name": tStr, "kind": map[string]any{"type": "string", "enum": []string{"business_district", "building", "park", "grid"}}}, "name", "kind"),
		"AreaUpdate":   obj(map[string]any{"name": tStr}, "name"),
		"Token":        obj(map[string]any{"id": tInt, "name": tStr, "prefix": tStr, "created_at": tTime, "last_used_at": tTimeNul, "revoked_at": tTimeNul}),
		"TokenList":    obj(map[string]any{"items": arr(ref("Token"))}),
		"TokenCreate":  obj(map[string]any{"name": tStr}, "name"),
		"TokenCreated": obj(map[string]any{"token": tStr, "item": ref("Token")}),
		"AuditRow": obj(map[string]any{"id": tInt, "at": tTime, "username": tStr, "role": tStr, "ip": tStr, "action": tStr, "action_name": tStr,
			"entity": tStr, "entity_id": tStr, "entity_label": tStr, "entity_name": tStr, "subject": tStr, "labels": map[string]any{"type": "object", "additionalProperties": tStr}, "result": map[string]any{"type": "string", "enum": []string{"success", "failure", "denied"}},
			"detail": map[string]any{"type": "object", "nullable": true}}),
		"AuditPage": pageOf("AuditRow"),
		"Organization": obj(map[string]any{"id": tInt, "name": tStr, "uscc": tStr, "category": enumOf(categoryCodes()), "category_name": tStr, "sector": enumOf(org.Sectors()),
			"region_code": tStr, "region_name": tStr, "area_codes": arr(tStr), "industry": tStr, "employees": tInt, "above_scale": tBool,
			"full_members": tInt, "probationary_members": tInt, "owner_is_member": tBool, "has_charter": tBool, "charter_has_party": tBool,
			"ownership": enumOf(append([]string{""}, org.CodeValues(org.Ownerships())...)), "staff_on_post": tInt, "staff_members": tInt,
			"legal_rep_member": tBool, "legal_rep_secretary": tBool, "intermediary_kind": enumOf(append([]string{""}, org.CodeValues(org.IntermediaryKinds())...)),
			"tags": arr(tStr), "registered_on": tDateNul, "closed_on": tDateNul, "no_org_reason": tStr, "planned_on": tDateNul,
			"created_at": tTime, "updated_at": tTime}),
		"OrganizationInput": obj(map[string]any{"name": tStr, "uscc": tStr, "category": map[string]any{"type": "string", "enum": categoryCodes()},
			"region_code": tStr, "area_codes": arr(tStr), "industry": tStr, "employees": tInt, "above_scale": tBool, "full_members": tInt,
			"probationary_members": tInt, "owner_is_member": tBool, "has_charter": tBool, "charter_has_party": tBool, "tags": arr(tStr),
			"ownership":     map[string]any{"type": "string", "description": "控股情况（党统表27）：private_control 私有经济控制、private_sole 私营独资、hmt_invest/hmt_control/hmt_sole 港澳台商投资/经济控制/独资、foreign_invest/foreign_control/foreign_sole 外商投资/经济控制/独资；空为未填（仅企业）"},
			"staff_on_post": tInt, "staff_members": tInt, "legal_rep_member": tBool, "legal_rep_secretary": tBool,
			"intermediary_kind": map[string]any{"type": "string", "description": "中介机构类别（仅中介服务组织）：law 律师事务所、accounting 会计师事务所、tax 税务师事务所、other 其他；空为未填"},
			"registered_on":     tDateOrEmpty, "closed_on": tDateOrEmpty, "no_org_reason": tStr, "planned_on": tDateOrEmpty}, "name", "category", "region_code"),
		"OrganizationPatch": obj(map[string]any{"name": tStr, "uscc": tStr, "category": map[string]any{"type": "string", "enum": categoryCodes()},
			"region_code": tStr, "area_codes": arr(tStr), "industry": tStr, "employees": tInt, "above_scale": tBool, "full_members": tInt,
			"probationary_members": tInt, "owner_is_member": tBool, "has_charter": tBool, "charter_has_party": tBool, "tags": arr(tStr),
			"ownership":     map[string]any{"type": "string", "description": "控股情况（党统表27）：private_control 私有经济控制、private_sole 私营独资、hmt_invest/hmt_control/hmt_sole 港澳台商投资/经济控制/独资、foreign_invest/foreign_control/foreign_sole 外商投资/经济控制/独资；空为未填（仅企业）"},
			"staff_on_post": tInt, "staff_members": tInt, "legal_rep_member": tBool, "legal_rep_secretary": tBool,
			"intermediary_kind": map[string]any{"type": "string", "description": "中介机构类别（仅中介服务组织）：law 律师事务所、accounting 会计师事务所、tax 税务师事务所、other 其他；空为未填"},
			"registered_on":     tDateOrEmpty, "closed_on": tDateOrEmpty, "no_org_reason": tStr, "planned_on": tDateOrEmpty}),
		"OrganizationPage": pageOf("Organization"),
		"LedgerOptions":    obj(map[string]any{"categories": arr(obj(map[string]any{"code": tStr, "name": tStr, "sector": tStr})), "industries": arr(obj(map[string]any{"code": tStr, "name": tStr})), "tags": arr(tStr), "party_org_kinds": arr(obj(map[string]any{"code": tStr, "name": tStr})), "formations": arr(obj(map[string]any{"code": tStr, "name": tStr})), "instructor_levels": arr(tStr)}),
		"HistoryList":      obj(map[string]any{"items": arr(obj(map[string]any{"at": tTime, "username": tStr, "action": tStr, "action_name": tStr, "detail": map[string]any{"type": "object"}}))}),
		"Cover":            obj(map[string]any{"id": tInt, "organization_id": tInt, "organization_name": tStr, "organization_uscc": tStr, "from": tDate, "to": tDateNul}),
		"PartyOrg": obj(map[string]any{"id": tInt, "name": tStr, "kind": enumOf(partyorg.Codes(partyorg.Kinds())), "kind_name": tStr,
			"formation": enumOf(partyorg.Codes(partyorg.Formations())), "formation_name": tStr,
			"parent_id": map[string]any{"type": "integer", "nullable": true}, "parent_name": tStr, "region_code": tStr, "region_name": tStr,
			"established_on": tDate, "dissolved_on": tDateNul, "term_started_on": tDate, "term_years": tInt, "term_due_on": tDate,
			"covers": arr(ref("Cover")), "members": tInt, "warnings": arr(tStr), "created_at": tTime, "updated_at": tTime}),
		"PartyOrgInput": obj(map[string]any{"name": tStr, "kind": enumOf(partyorg.Codes(partyorg.Kinds())), "formation": formationInput(), "parent_id": tInt, "region_code": tStr,
			"established_on": tDate, "term_started_on": tDate, "covers": arr(tInt)}, "name", "kind", "formation", "established_on"),
		"PartyOrgPatch": obj(map[string]any{"name": tStr, "parent_id": tInt, "term_started_on": tDate}),
		"PartyOrgPage":  pageOf("PartyOrg"),
		"PartyOrgTree":  obj(map[string]any{"items": arr(ref("PartyOrgNode"))}),
		"PartyOrgNode": obj(map[string]any{"id": tInt, "name": tStr, "kind": tStr, "kind_name": tStr, "formation": tStr, "formation_name": tStr,
			"units": tInt, "children": arr(ref("PartyOrgNode"))}),
		"RenewalPage":     obj(map[string]any{"items": arr(map[string]any{"allOf": []any{ref("PartyOrg"), obj(map[string]any{"days_left": tInt, "overdue": tBool})}}), "total": tInt, "page": tInt, "page_size": tInt}),
		"DateOn":          obj(map[string]any{"on": tDate}, "on"),
		"CoverInput":      obj(map[string]any{"organization_id": tInt, "from": tDate}, "organization_id", "from"),
		"Assignment":      obj(map[string]any{"id": tInt, "instructor_id": tInt, "organization_id": tInt, "organization_name": tStr, "from": tDate, "to": tDateNul}),
		"AssignmentInput": obj(map[string]any{"organization_id": tInt, "from": tDate, "to": tDate}, "organization_id", "from"),
		"Instructor": obj(map[string]any{"id": tInt, "name": tStr, "phone": tStr, "unit": tStr, "full_time": tBool, "level": tStr,
			"region_code": tStr, "region_name": tStr, "assignments": arr(ref("Assignment")), "active": tInt, "created_at": tTime}),
		"InstructorInput": obj(map[string]any{"name": tStr, "phone": tStr, "unit": tStr, "full_time": tBool, "level": tStr, "region_code": tStr}, "name"),
		"InstructorPatch": obj(map[string]any{"name": tStr, "phone": tStr, "unit": tStr, "full_time": tBool, "level": tStr, "region_code": tStr}),
		"InstructorPage":  pageOf("Instructor"),
		"Visit": obj(map[string]any{"id": tInt, "instructor_id": tInt, "organization_id": tInt, "organization_name": tStr, "visited_on": tDate,
			"form": tStr, "content": tStr, "problems": tStr, "solved": tStr, "solved_on": tDateNul, "solved_note": tStr, "photos": arr(ref("VisitPhoto"))}),
		"VisitPhoto":         obj(map[string]any{"id": tInt, "visit_id": tInt, "content_type": map[string]any{"type": "string", "enum": []string{"image/jpeg", "image/png", "image/webp"}}, "size": tInt, "created_at": tTime}),
		"VisitInput":         obj(map[string]any{"organization_id": tInt, "visited_on": tDate, "form": map[string]any{"type": "string", "enum": instructor.VisitForms}, "content": tStr, "problems": tStr, "solved": tStr}, "organization_id", "visited_on", "content"),
		"VisitPage":          pageOf("Visit"),
		"AssignedOrgPage":    schemaOf(page[instructor.AssignedOrg]{}),
		"DueVisitPage":       schemaOf(dueVisitList{}),
		"VisitFrequency":     schemaOf(instructor.Frequency{}),
		"VisitFrequencyList": schemaOf(list[instructor.Frequency]{}),
		"VisitFrequencyInput": obj(map[string]any{"full_time": tBool, "every_months": map[string]any{"type": "integer", "minimum": 1, "maximum": 12},
			"effective_from": tDate, "reason": reasonSchema}, "full_time", "every_months", "effective_from"),
		"OverdueVisitPage": schemaOf(page[instructor.OverdueVisit]{}),
		"CoverageRule": obj(map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"all", "above_scale", "min_employees"}}, "min_employees": tInt,
			"enterprise_min_employees": tInt, "social_min_employees": tInt, "description": tStr}, "kind"),
		"CoverageRuleInput": obj(map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"all", "above_scale", "min_employees"}}, "min_employees": tInt, "description": tStr,
			"enterprise_min_employees": tInt, "social_min_employees": tInt, "reason": reasonSchema}, "kind"),
		"CoverageCounts": obj(map[string]any{"total": tInt, "org_covered": tInt, "single_covered": tInt, "work_covered": tInt,
			"effective_covered": tInt, "ineffective": tInt, "instructed": tInt, "has_charter": tInt, "charter_has_party": tInt,
			"org_rate": tNum, "single_rate": tNum, "work_rate": tNum, "effective_rate": tNum, "charter_rate": tNum}),
		"CoverageReport": map[string]any{"allOf": []any{ref("CoverageCounts"), obj(map[string]any{
			"region_code": tStr, "region_name": tStr, "as_of": tDate, "scope_rule": ref("CoverageRule"),
			"by_sector":      obj(map[string]any{"economic": ref("CoverageCounts"), "social": ref("CoverageCounts")}),
			"by_category":    arr(map[string]any{"allOf": []any{ref("CoverageCounts"), obj(map[string]any{"key": tStr, "name": tStr})}}),
			"by_industry":    arr(map[string]any{"allOf": []any{ref("CoverageCounts"), obj(map[string]any{"key": tStr, "name": tStr})}}),
			"by_above_scale": arr(map[string]any{"allOf": []any{ref("CoverageCounts"), obj(map[string]any{"key": tStr, "name": tStr})}}),
			"by_region":      arr(map[string]any{"allOf": []any{ref("CoverageCounts"), obj(map[string]any{"region_code": tStr, "name": tStr})}}),
			"rules": arr(map[string]any{"allOf": []any{ref("CoverageCounts"), obj(map[string]any{
				"key": map[string]any{"type": "string", "enum": []string{"all", "should_build", "size", "above_scale"}}, "name": tStr, "description": tStr})}}),
		})}},
		"CoverageTrend": obj(map[string]any{"items": arr(map[string]any{"allOf": []any{ref("CoverageCounts"), obj(map[string]any{
			"region_code": tStr, "region_name": tStr, "as_of": tDate, "scope_rule": ref("CoverageRule"),
			"by_sector":      map[string]any{"type": "object", "additionalProperties": ref("CoverageCounts")},
			"by_category":    map[string]any{"type": "array", "nullable": true, "description": "趋势不按类别分解，为 null", "items": obj(map[string]any{"key": tStr, "name": tStr})},
			"by_industry":    map[string]any{"type": "array", "nullable": true, "description": "趋势不按行业分解，为 null", "items": obj(map[string]any{"key": tStr, "name": tStr})},
			"by_above_scale": map[string]any{"type": "array", "nullable": true, "description": "趋势不按规模分解，为 null", "items": obj(map[string]any{"key": tStr, "name": tStr})},
			"by_region":      map[string]any{"type": "array", "nullable": true, "description": "趋势不按地区分解，为 null", "items": obj(map[string]any{"region_code": tStr, "name": tStr})},
		})}})}),
		"ImportSession": obj(map[string]any{"id": tStr, "kind": tStr, "status": map[string]any{"type": "string", "enum": []string{"running", "succeeded", "rejected", "failed"}},
			"phase": tStr, "processed": tInt, "rows": tInt, "created": tInt, "updated": tInt, "unchanged": tInt, "message": tStr, "has_report": tBool,
			"created_at": tTime, "updated_at": tTime}),
		"InstructorOptionList": obj(map[string]any{"items": arr(obj(map[string]any{"id": tInt, "name": tStr, "unit": tStr, "region_name": tStr}))}),
		"PartyOrgOptionList":   obj(map[string]any{"items": arr(obj(map[string]any{"id": tInt, "name": tStr, "region_code": tStr}))}),
		"ActionList":           obj(map[string]any{"items": arr(obj(map[string]any{"code": tStr, "name": tStr}))}),
	}
}

// OpenAPI builds the OpenAPI 3 document from the route table, so the two
// cannot drift apart.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	all := schemas()
	requests, responses := map[string]bool{}, map[string]bool{}
	for _, rt := range s.Routes() {
		if rt.Request != "" {
			refsFrom(all, rt.Request, requests)
		}
		if rt.Response != "" && rt.Response != "xlsx" && rt.Response != "image" && rt.Response != "receipt" && rt.Response != "evidence" {
			refsFrom(all, rt.Response, responses)
		}
	}
	tighten(all, requests, responses)
	for name, max := range fixedLists() {
		if o, ok := all[name].(map[string]any); ok && responses[name] {
			o["description"] = "固定小列表，不分页"
			if items, ok := o["properties"].(map[string]any)["items"].(map[string]any); ok && max > 0 {
				items["maxItems"] = max
			}
		}
	}
	for name, bound := range boundedLists() {
		if o, ok := all[name].(map[string]any); ok && responses[name] {
			o["description"] = bound
		}
	}
	for _, rt := range s.Routes() {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		var params []any
		for _, m := range pathParamRE.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, pathParameter(rt.Path, m[1]))
		}
		for _, q := range rt.Query {
			params = append(params, queryParameter(rt, q))
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": successText(status)}
		switch rt.Response {
		case "":
		case "xlsx":
			ok["content"] = map[string]any{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		case "document":
			bin := map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
			ok["content"] = map[string]any{"application/pdf": bin, "application/vnd.openxmlformats-officedocument.wordprocessingml.document": bin,
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": bin}
		case "image":
			bin := map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
			ok["content"] = map[string]any{"image/jpeg": bin, "image/png": bin, "image/webp": bin}
		case "evidence":
			bin := map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
			ok["content"] = map[string]any{"image/jpeg": bin, "image/png": bin, "application/pdf": bin,
				"application/vnd.openxmlformats-officedocument.wordprocessingml.document": bin,
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       bin}
		case "receipt":
			bin := map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
			ok["content"] = map[string]any{"image/jpeg": bin, "image/png": bin, "image/webp": bin, "application/pdf": bin}
		default:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(rt.Response)}}
		}
		op := map[string]any{
			"summary":      rt.Summary,
			"tags":         []string{rt.Tag},
			"operationId":  operationID(rt),
			"responses":    errorResponses(rt, map[string]any{itoa(status): ok}),
			"x-permission": string(rt.Perm),
		}
		if rt.AltPerm != "" {
			op["x-permission-alt"] = string(rt.AltPerm)
		}
		if rt.Perm != "public" && rt.Method != http.MethodGet {
			params = append(params, map[string]any{"$ref": "#/components/parameters/CSRFToken"})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Perm == "public" {
			op["security"] = []any{}
		}
		if rt.Upload {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{
				"schema": obj(map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}, "file")}}}
		}
		if rt.Request != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(rt.Request)}}}
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "两新党建综合管理平台 API",
			"version":     s.Version,
			"description": "JSON 接口。浏览器会话使用 Cookie（非 GET 请求需带 X-CSRF-Token 头）；集成方使用 Authorization: Bearer 令牌。",
			"contact":     map[string]any{"name": "两新党建综合管理平台运维组（部署单位的系统管理员）"},
			"license":     map[string]any{"name": "专有软件，仅限授权单位使用"},
		},
		"tags":    openAPITags(s.Routes()),
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": all,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "lx_ 前缀的不透明令牌（auth.TokenPrefix）", "description": "API 令牌（在“API 令牌”页面创建），Authorization: Bearer <令牌>"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie, "description": "浏览器会话 Cookie；非 GET 请求还须带 X-CSRF-Token 头（见参数 CSRFToken）"},
			},
			"parameters": map[string]any{"CSRFToken": map[string]any{"name": "X-CSRF-Token", "in": "header", "required": false,
				"description": "Cookie 会话的写请求必带：登录或 /auth/me 返回的 csrf_token；使用 Bearer 令牌时不需要", "schema": tStr}},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	}
}

// actionVerbs are last path segments that name an action, not a resource:
// POST /party-orgs/{id}/covers/{cover_id}/end is endPartyOrgCover.
var actionVerbs = map[string]string{
	"accept": "accept", "cancel": "cancel", "close": "close", "copy": "copy", "dissolve": "dissolve", "end": "end",
	"grant": "grant", "login": "login", "logout": "logout", "password": "change", "prefill": "prefill", "reopen": "reopen",
	"reset-password": "resetPassword", "return": "return", "revoke-sessions": "revokeSessions", "unlock": "unlock",
	"void": "void", "export": "export", "report": "getReport", "return-slip": "getReturnSlip",
}

// operationID derives a readable, stable operationId from method and path:
// listOrganizations, getOrganization, createOrganization, updateOrganization,
// deleteOrganization, exportOrganizations, endPartyOrgCover.
func operationID(rt Route) string {
	if id, ok := operationIDs[rt.Method+" "+rt.Path]; ok {
		return id
	}
	segs := strings.Split(strings.TrimPrefix(rt.Path, "/api/v1/"), "/")
	last := segs[len(segs)-1]
	endsWithParam := strings.HasPrefix(last, "{")
	var nouns []string
	for _, sg := range segs {
		if !strings.HasPrefix(sg, "{") {
			nouns = append(nouns, sg)
		}
	}
	verb := ""
	if v, ok := actionVerbs[last]; ok && !(rt.Method == http.MethodGet && last == "password") {
		verb = v
		nouns = nouns[:len(nouns)-1]
		if last == "password" {
			verb = "change"
			nouns = append(nouns, "password")
		}
	}
	plural := false
	if verb == "" {
		switch rt.Method {
		case http.MethodGet:
			if endsWithParam {
				verb = "get"
			} else if isListResponse(rt.Response) {
				verb, plural = "list", true
			} else {
				verb = "get"
				plural = true
			}
		case http.MethodPost:
			verb = "create"
		case http.MethodPut, http.MethodPatch:
			verb = "update"
		case http.MethodDelete:
			verb = "delete"
		}
	}
	if verb == "export" {
		plural = len(segs) < 2 || !strings.HasPrefix(segs[len(segs)-2], "{")
	}
	var b strings.Builder
	b.WriteString(verb)
	for i, n := range nouns {
		w := camel(n)
		if !(plural && i == len(nouns)-1) {
			w = singular(w)
		}
		b.WriteString(w)
	}
	return b.String()
}

func isListResponse(name string) bool {
	return strings.HasSuffix(name, "Page") || strings.HasSuffix(name, "List") || name == "xlsx"
}

// camel turns "party-orgs" into "PartyOrgs".
func camel(s string) string {
	var b strings.Builder
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(p[:1]) + p[1:])
	}
	return b.String()
}

// operationIDs name the operations the rules of operationID name badly.
var operationIDs = map[string]string{
	// A summary with one page of its rows: the report it was before paging.
	"GET /api/v1/compliance":                                "getCompliance",
	"GET /api/v1/service-options":                           "getServiceOptions",
	"GET /api/v1/users/handler-unit-options":                "listHandlerUnitOptions",
	"GET /api/v1/service-settings":                          "getServiceSettings",
	"PUT /api/v1/service-settings":                          "updateServiceSettings",
	"GET /api/v1/service-requests/counts":                   "countServiceRequests",
	"GET /api/v1/service-requests/{id}/timeline":            "listServiceRequestTimeline",
	"POST /api/v1/service-requests/{id}/actions":            "actOnServiceRequest",
	"POST /api/v1/service-requests/{id}/reveal-phone":       "revealServiceRequestPhone",
	"POST /api/v1/auth/login":                               "login",
	"POST /api/v1/auth/logout":                              "logout",
	"GET /api/v1/auth/me":                                   "getCurrentSession",
	"POST /api/v1/auth/password":                            "changeOwnPassword",
	"GET /api/v1/openapi.json":                              "getOpenAPIDocument",
	"GET /api/v1/instructors/due-visits":                    "listOverdueVisits",
	"GET /api/v1/instructors/due-visits/export":             "exportOverdueVisits",
	"GET /api/v1/instructors/achievements":                  "listInstructorAchievements",
	"GET /api/v1/instructors/achievements/export":           "exportInstructorAchievementRanking",
	"GET /api/v1/instructors/{id}/achievements":             "getInstructorAchievements",
	"GET /api/v1/instructors/{id}/achievements/export":      "exportInstructorAchievementReport",
	"POST /api/v1/instructors/{id}/visits/{visit_id}/solve": "solveInstructorVisit",
	"GET /api/v1/imports/{id}/report":                       "getImportReport",
	"DELETE /api/v1/imports/{id}/report":                    "deleteImportReport",
	"POST /api/v1/users/{id}/reset-password":                "resetUserPassword",
	"POST /api/v1/users/{id}/revoke-sessions":               "revokeUserSessions",
	"POST /api/v1/transfers/{id}/return-slip":               "issueTransferReturnSlip",
	"POST /api/v1/party-orgs/{id}/committee":                "addPartyOrgCommitteeMember",
	"POST /api/v1/develop/people":                           "createDevelopPerson",
	"GET /api/v1/develop/people/{id}":                       "getDevelopPerson",
	"POST /api/v1/develop/people/{id}/steps":                "recordDevelopStep",
	"GET /api/v1/imports/organizations/template":            "getOrganizationImportTemplate",
	"GET /api/v1/imports/party-orgs/template":               "getPartyOrgImportTemplate",
	"GET /api/v1/imports/instructors/template":              "getInstructorImportTemplate",
	"GET /api/v1/imports/members/template":                  "getMemberImportTemplate",
	"GET /api/v1/imports/develop/template":                  "getDevelopImportTemplate",
	"GET /api/v1/imports/meetings/template":                 "getMeetingImportTemplate",
	"POST /api/v1/imports/organizations":                    "importOrganizations",
	"POST /api/v1/imports/party-orgs":                       "importPartyOrgs",
	"POST /api/v1/imports/instructors":                      "importInstructors",
	"POST /api/v1/imports/members":                          "importMembers",
	"POST /api/v1/imports/develop":                          "importDevelopPeople",
	"POST /api/v1/imports/meetings":                         "importMeetings",
	"GET /api/v1/imports/service-requests/template":         "getServiceRequestImportTemplate",
	"POST /api/v1/imports/service-requests":                 "importServiceRequests",
}

// uncountable words keep their form (Dues, not Due).
var uncountable = map[string]bool{"Dues": true, "Stats": true, "Settings": true, "People": true, "Compliance": true, "Mobility": true, "Dual": true, "Assess": true, "Develop": true, "Options": true}

// singular drops an English plural ending (Activities → Activity, Orgs → Org).
func singular(w string) string {
	switch {
	case uncountable[w]:
		return w
	case strings.HasSuffix(w, "ies"):
		return strings.TrimSuffix(w, "ies") + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "Status"), strings.HasSuffix(w, "ss"):
		return w
	case strings.HasSuffix(w, "s"):
		return strings.TrimSuffix(w, "s")
	}
	return w
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.OpenAPI())
	return nil
}

// fixedLists are the bare {items} responses whose length does not grow with
// the data: code lists, settings, a trend of at most 120 months, the
// candidates of a binding search. The value is the bound (maxItems), 0 when
// none is fixed in code. Every other bare list is described as a complete,
// unpaged list.
func fixedLists() map[string]int {
	return map[string]int{
		"RoleList":              len(auth.Roles()),
		"ActionList":            len(audit.Actions()),
		"AreaKindList":          len(region.AreaKinds()),
		"CoverageTrend":         120,
		"PartyOrgOptionList":    optionsLimit,
		"InstructorOptionList":  optionsLimit,
		"HandlerUnitOptionList": optionsLimit,
		"VisitFrequencyList":    0,
		"FrequencyList":         0,
		"DuesRateTableList":     0,
		"AssessRoundList":       0,
		"DevStats":              0,
		"AssessHonourStats":     0,
	}
}

// boundedLists are the bare {items} responses that are not paged because
// their length is bounded by one parent record or by a structure, with the
// bound said precisely (docs/decisions.md, "One list shape"). A list that
// grows with the data of the jurisdiction is paged instead; the test
// TestOpenAPIListsPagedOrBounded keeps every list in one of the three kinds.
func boundedLists() map[string]string {
	return map[string]string{
		"MembershipList":            "单个党员的组织关系历史，随该党员的转接次数增长，不分页",
		"HistoryList":               "单个两新组织的修改历史，随该组织记录的修改次数增长，不分页",
		"RegionList":                "单个区划的直接下级区划，受区划结构限制，不分页",
		"TokenList":                 "当前用户本人的 API 令牌，随本人创建的令牌数增长，不分页",
		"PartyOrgTree":              "辖区党组织隶属关系树，一次返回整棵树（树形结构不能分页），不分页",
		"GroupMemberList":           "单个党小组的成员（现任和历史），随该党小组成员增长，不分页",
		"AssessSheetList":           "考核指标体系，每年由组织部制定少量几套，不分页",
		"ServiceRequestEventList":   "单个诉求的办理经过，随该诉求的办理步骤增长，不分页",
		"ContractEvaluationList":    "单个购买服务合同的评估记录，每年少量几次，最多 100 条，不分页",
		"TaskEventList":             "单个任务的办理经过，随该任务的办理步骤增长，不分页",
		"StreetTaskList":            "每个街道（乡镇）一行，受区划结构限制，不分页",
		"WishEventList":             "单个微心愿的经过，随该心愿的办理步骤增长，不分页",
		"VenueChecklistList":        "阵地达标标准及其各版本，由组织部制定少量几套，不分页",
		"FundsStandardList":         "每个年度一套经费保障标准（最新版本），随年度增长，不分页",
		"CobuildResourceList":       "为一项需求推荐的资源，最多 20 条，不分页",
		"CobuildParticipationList":  "单个报到单位或党员的参与记录，随其参与次数增长，不分页",
		"CobuildMeetingList":        "单个党建联盟的联席会议记录，每年少量几次，不分页",
		"CobuildCommunityCountList": "每个有报到记录的社区（村）一行，受区划结构限制，不分页",
		"CobuildRatingList":         "一个年度每个报到单位每个社区至多一条考核结果，受报到单位数限制，不分页",
		"BriefingTemplateList":      "通报模板的各版本，由组织部偶尔修改，随修改次数增长，不分页",
		"BriefingPlaceholderList":   "通报模板的占位符，数量固定（约 50 个），不分页",
		"VolunteerParticipantList":  "单个志愿活动的参与人，受该活动招募人数限制，不分页",
		"TimebankRewardList":        "时间银行兑换目录，由党群服务中心维护的少量物品和服务，不分页",
		"TimebankLeaderboard":       "排行榜前若干名（limit，最多 100 名），不分页",
		"TimebankRateList":          "每个活动类别一行（固定 6 类），不分页",
	}
}

// nullable returns a copy of an inline schema that may also be null.
func nullable(s map[string]any, description string) map[string]any {
	c := map[string]any{}
	for k, v := range s {
		c[k] = v
	}
	c["nullable"] = true
	if description != "" {
		c["description"] = description
	}
	return c
}

// tighten closes the request bodies (additionalProperties: false, as the
// server refuses unknown fields) and marks every property of a response body
// required unless listed in optionalFields (the field is omitted at times).
// Each schema is copied first: inline parts are shared between schemas.
func tighten(all map[string]any, requests, responses map[string]bool) {
	for name, s := range all {
		if !requests[name] && !responses[name] {
			continue
		}
		c := deepCopy(s)
		walkObjects(c, func(o map[string]any) {
			props, ok := o["properties"].(map[string]any)
			if !ok {
				return
			}
			if requests[name] {
				if _, has := o["additionalProperties"]; !has {
					o["additionalProperties"] = false
				}
				return
			}
			var req []string
			for k := range props {
				if !optionalFields[name+"."+k] && !optionalFields["*."+k] {
					req = append(req, k)
				}
			}
			sort.Strings(req)
			if len(req) > 0 {
				o["required"] = req
			}
		})
		all[name] = c
	}
}

// optionalFields are response properties the server omits at times
// ("Schema.field", or "*.field" for every schema).
var optionalFields = map[string]bool{
	// Where only some schemas omit a field (Go ",omitempty" on that type).
	"AuditRow.entity_label":      true,
	"AuditRow.entity_name":       true,
	"AuditRow.labels":            true,
	"AuditRow.subject":           true,
	"Committee.vacant_since":     true,
	"CoverageRule.min_employees": true,
	"DevPerson.steps":            true,
	"DevelopCatalogue.enters":    true,
	"DevelopCatalogue.fields":    true,
	"Error.fields":               true,
	"Error.locked_until":         true,
	"PartyOrg.warnings":          true,
	"PlacePage.warning":          true,
	"Region.path":                true,
	"*.children":                 true,
	// The json ",omitempty" fields of the response types.
	"*.amount":         true,
	"*.introducers":    true,
	"*.publicity_from": true,
	"*.publicity_to":   true,
	"*.rate":           true,
	"*.training_days":  true,
	"*.training_hours": true,
	"*.up_to":          true,
	"*.voters_due":     true,
	"*.yes":            true,
}

func walkObjects(s any, f func(map[string]any)) {
	switch v := s.(type) {
	case map[string]any:
		if _, isRef := v["$ref"]; isRef {
			return
		}
		if _, ok := v["properties"]; ok {
			f(v)
		}
		for _, k := range []string{"properties", "additionalProperties", "items"} {
			switch x := v[k].(type) {
			case map[string]any:
				if k == "properties" {
					for _, p := range x {
						walkObjects(p, f)
					}
				} else {
					walkObjects(x, f)
				}
			}
		}
		if all, ok := v["allOf"].([]any); ok {
			for _, p := range all {
				walkObjects(p, f)
			}
		}
	}
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(x))
		for k, e := range x {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	case []string:
		return append([]string(nil), x...)
	}
	return v
}

// refsFrom collects the schema names reachable from name.
func refsFrom(all map[string]any, name string, seen map[string]bool) {
	if seen[name] {
		return
	}
	seen[name] = true
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				refsFrom(all, strings.TrimPrefix(r, "#/components/schemas/"), seen)
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(all[name])
}
