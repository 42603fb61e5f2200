package httpapi

import (
	"net/http"
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
)

func pageOf(item string) map[string]any {
	return obj(map[string]any{"items": arr(ref(item)), "total": tInt, "page": tInt, "page_size": tInt})
}

// schemas are the named bodies the routes refer to.
func schemas() map[string]any {
	user := obj(map[string]any{
		"id": tInt, "username": tStr, "display_name": tStr, "role": tStr, "role_name": tStr, "scope": tStr, "scope_name": tStr,
		"must_change_password": tBool, "disabled": tBool, "locked_until": tTimeNul, "last_login_at": tTimeNul,
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
		"UserCreate":      obj(map[string]any{"username": tStr, "display_name": tStr, "role": tStr, "scope": tStr, "password": tStr}, "username", "role", "scope"),
		"UserCreated":     obj(map[string]any{"user": ref("User"), "initial_password": tStr}),
		"UserPatch":       obj(map[string]any{"display_name": tStr, "role": tStr, "scope": tStr, "disabled": tBool}),
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
			"entity": tStr, "entity_id": tStr, "result": map[string]any{"type": "string", "enum": []string{"success", "failure", "denied"}},
			"detail": map[string]any{"type": "object", "nullable": true}}),
		"AuditPage":  pageOf("AuditRow"),
		"ActionList": obj(map[string]any{"items": arr(obj(map[string]any{"code": tStr, "name": tStr}))}),
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
			params = append(params, map[string]any{"name": q, "in": "query", "schema": tStr})
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
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Perm == "public" {
			op["security"] = []any{}
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
