package httpapi

import (
	"net/http"

	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"regexp"
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
	tNum     = map[string]any{"type": "number"}
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

func categoryCodes() []string {
	var out []string
	for _, c := range org.Categories() {
		out = append(out, c.Code)
	}
	return out
}

func pageOf(item string) map[string]any {
	return obj(map[string]any{"items": arr(ref(item)), "total": tInt, "page": tInt, "page_size": tInt})
}

// schemas are the named bodies the routes refer to.
func schemas() map[string]any {
	all := coreSchemas()
	for _, more := range []map[string]any{ledgerExchangeSchemas(), memberSchemas(), transferSchemas(), duesSchemas(), developSchemas(), meetingSchemas(), assessSchemas(), profileSchemas()} {
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
		"party_org_id": map[string]any{"type": "integer", "nullable": true}, "instructor_id": map[string]any{"type": "integer", "nullable": true}, "must_change_password": tBool, "disabled": tBool, "locked_until": tTimeNul, "last_login_at": tTimeNul,
		"password_changed_at": tTime, "created_at": tTime,
	})
	region := obj(map[string]any{
		"code": tStr, "name": tStr, "level": map[string]any{"type": "string", "enum": []string{"province", "prefecture", "county", "town", "village", "area"}},
		"level_name": tStr, "parent_code": tStr, "kind": tStr, "kind_name": tStr, "has_children": tBool, "path": tStr,
	})
	return map[string]any{
		"Error": obj(map[string]any{"error": obj(map[string]any{
			"code": tStr, "message": tStr, "fields": map[string]any{"type": "object", "additionalProperties": tStr}, "locked_until": tTime,
		}, "code", "message")}, "error"),
		"LoginRequest":    obj(map[string]any{"username": tStr, "password": tStr}, "username", "password"),
		"SessionResponse": obj(map[string]any{"user": ref("User"), "csrf_token": tStr, "perms": arr(tStr)}),
		"PasswordChange":  obj(map[string]any{"old_password": tStr, "new_password": tStr}, "old_password", "new_password"),
		"SystemInfo":      obj(map[string]any{"name": tStr, "version": tStr, "jurisdiction": obj(map[string]any{"code": tStr, "name": tStr, "full_name": tStr})}),
		"RoleList":        obj(map[string]any{"items": arr(obj(map[string]any{"code": tStr, "name": tStr}))}),
		"User":            user,
		"UserPage":        pageOf("User"),
		"UserCreate":      obj(map[string]any{"username": tStr, "display_name": tStr}, "username"),
		"UserGrant":       obj(map[string]any{"role": tStr, "scope": tStr, "party_org_id": tInt, "instructor_id": tInt}, "role"),
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
		"Organization": obj(map[string]any{"id": tInt, "name": tStr, "uscc": tStr, "category": tStr, "category_name": tStr, "sector": tStr,
			"region_code": tStr, "region_name": tStr, "area_codes": arr(tStr), "industry": tStr, "employees": tInt, "above_scale": tBool,
			"full_members": tInt, "probationary_members": tInt, "owner_is_member": tBool, "has_charter": tBool, "charter_has_party": tBool,
			"tags": arr(tStr), "registered_on": tDateNul, "closed_on": tDateNul, "no_org_reason": tStr, "planned_on": tDateNul,
			"created_at": tTime, "updated_at": tTime}),
		"OrganizationInput": obj(map[string]any{"name": tStr, "uscc": tStr, "category": map[string]any{"type": "string", "enum": categoryCodes()},
			"region_code": tStr, "area_codes": arr(tStr), "industry": tStr, "employees": tInt, "above_scale": tBool, "full_members": tInt,
			"probationary_members": tInt, "owner_is_member": tBool, "has_charter": tBool, "charter_has_party": tBool, "tags": arr(tStr),
			"registered_on": tDate, "closed_on": tDate, "no_org_reason": tStr, "planned_on": tDate}),
		"OrganizationPage": pageOf("Organization"),
		"LedgerOptions":    obj(map[string]any{"categories": arr(obj(map[string]any{"code": tStr, "name": tStr, "sector": tStr})), "industries": arr(obj(map[string]any{"code": tStr, "name": tStr})), "tags": arr(tStr), "party_org_kinds": arr(obj(map[string]any{"code": tStr, "name": tStr})), "formations": arr(obj(map[string]any{"code": tStr, "name": tStr})), "instructor_levels": arr(tStr)}),
		"HistoryList":      obj(map[string]any{"items": arr(obj(map[string]any{"at": tTime, "username": tStr, "action": tStr, "action_name": tStr, "detail": map[string]any{"type": "object"}}))}),
		"Cover":            obj(map[string]any{"id": tInt, "organization_id": tInt, "organization_name": tStr, "organization_uscc": tStr, "from": tDate, "to": tDateNul}),
		"PartyOrg": obj(map[string]any{"id": tInt, "name": tStr, "kind": map[string]any{"type": "string", "enum": []string{"committee", "general_branch", "branch", "group"}}, "kind_name": tStr,
			"formation": map[string]any{"type": "string", "enum": []string{"single", "joint", "regional", "industry"}}, "formation_name": tStr,
			"parent_id": map[string]any{"type": "integer", "nullable": true}, "parent_name": tStr, "region_code": tStr, "region_name": tStr,
			"established_on": tDate, "dissolved_on": tDateNul, "term_started_on": tDate, "term_years": tInt, "term_due_on": tDate,
			"covers": arr(ref("Cover")), "members": tInt, "warnings": arr(tStr), "created_at": tTime, "updated_at": tTime}),
		"PartyOrgInput": obj(map[string]any{"name": tStr, "kind": tStr, "formation": tStr, "parent_id": tInt, "region_code": tStr,
			"established_on": tDate, "term_started_on": tDate, "covers": arr(tInt)}, "name", "kind", "formation", "established_on"),
		"PartyOrgPatch": obj(map[string]any{"name": tStr, "parent_id": tInt, "term_started_on": tDate}),
		"PartyOrgPage":  pageOf("PartyOrg"),
		"PartyOrgTree":  obj(map[string]any{"items": arr(ref("PartyOrgNode"))}),
		"PartyOrgNode": obj(map[string]any{"id": tInt, "name": tStr, "kind": tStr, "kind_name": tStr, "formation": tStr, "formation_name": tStr,
			"units": tInt, "children": arr(ref("PartyOrgNode"))}),
		"RenewalList":     obj(map[string]any{"items": arr(map[string]any{"allOf": []any{ref("PartyOrg"), obj(map[string]any{"days_left": tInt, "overdue": tBool})}})}),
		"DateOn":          obj(map[string]any{"on": tDate}, "on"),
		"CoverInput":      obj(map[string]any{"organization_id": tInt, "from": tDate}, "organization_id", "from"),
		"Assignment":      obj(map[string]any{"id": tInt, "instructor_id": tInt, "organization_id": tInt, "organization_name": tStr, "from": tDate, "to": tDateNul}),
		"AssignmentInput": obj(map[string]any{"organization_id": tInt, "from": tDate, "to": tDate}, "organization_id", "from"),
		"Instructor": obj(map[string]any{"id": tInt, "name": tStr, "phone": tStr, "unit": tStr, "full_time": tBool, "level": tStr,
			"region_code": tStr, "region_name": tStr, "assignments": arr(ref("Assignment")), "active": tInt, "created_at": tTime}),
		"InstructorInput": obj(map[string]any{"name": tStr, "phone": tStr, "unit": tStr, "full_time": tBool, "level": tStr, "region_code": tStr}, "name"),
		"InstructorPage":  pageOf("Instructor"),
		"Visit": obj(map[string]any{"id": tInt, "instructor_id": tInt, "organization_id": tInt, "organization_name": tStr, "visited_on": tDate,
			"form": tStr, "content": tStr, "problems": tStr, "solved": tStr}),
		"VisitInput":      obj(map[string]any{"organization_id": tInt, "visited_on": tDate, "form": map[string]any{"type": "string", "enum": instructor.VisitForms}, "content": tStr, "problems": tStr, "solved": tStr}, "organization_id", "visited_on", "content"),
		"VisitList":       obj(map[string]any{"items": arr(ref("Visit"))}),
		"AssignedOrgList": schemaOf(list[instructor.AssignedOrg]{}),
		"DueVisitList":    schemaOf(dueVisitList{}),
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
		"CoverageTrend": obj(map[string]any{"items": arr(ref("CoverageReport"))}),
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
	for _, rt := range s.Routes() {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		var params []any
		for _, m := range pathParamRE.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": tStr})
		}
		for _, q := range rt.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string", "maxLength": maxQueryValue}})
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		switch rt.Response {
		case "":
		case "xlsx":
			ok["content"] = map[string]any{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		default:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(rt.Response)}}
		}
		errResp := map[string]any{"description": "错误", "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
		op := map[string]any{
			"summary":      rt.Summary,
			"tags":         []string{rt.Tag},
			"operationId":  operationID(rt),
			"responses":    map[string]any{itoa(status): ok, "default": errResp},
			"x-permission": string(rt.Perm),
		}
		if rt.AltPerm != "" {
			op["x-permission-alt"] = string(rt.AltPerm)
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
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas(),
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
			},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	}
}

func operationID(rt Route) string {
	p := strings.TrimPrefix(rt.Path, "/api/v1/")
	p = pathParamRE.ReplaceAllString(p, "by_$1")
	p = strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + p
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
