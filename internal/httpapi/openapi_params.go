package httpapi

import "slices"

// queryParamSpec is the documented type of a query parameter.
type queryParamSpec struct {
	schema      map[string]any
	description string
}

func qInt(min, max int, d string) queryParamSpec {
	return queryParamSpec{map[string]any{"type": "integer", "minimum": min, "maximum": max}, d}
}

func qInteger(d string) queryParamSpec {
	return queryParamSpec{map[string]any{"type": "integer"}, d}
}

func qBool(d string) queryParamSpec {
	return queryParamSpec{map[string]any{"type": "boolean"}, d}
}

func qDate(d string) queryParamSpec {
	return queryParamSpec{map[string]any{"type": "string", "format": "date"}, d}
}

func qStr(d string) queryParamSpec {
	return queryParamSpec{map[string]any{"type": "string", "maxLength": maxQueryValue}, d}
}

// queryParams types every query parameter name the routes use. A route
// naming a parameter missing here fails TestOpenAPIQueryParametersTyped, so
// a new route documents its parameters from the start.
var queryParams = map[string]queryParamSpec{
	"page":              {map[string]any{"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}, "页码，从 1 开始"},
	"page_size":         {map[string]any{"type": "integer", "minimum": 1, "maximum": 200, "default": 20}, "每页条数（1–200）"},
	"q":                 qStr("关键词（名称、代码等模糊匹配）"),
	"region_code":       qStr("行政区划代码（含下级）"),
	"area_code":         qStr("片区代码"),
	"party_org_id":      qInt(1, 1<<53, "党组织 ID"),
	"parent_id":         qInteger("上级党组织 ID"),
	"member_id":         qInt(1, 1<<53, "党员 ID"),
	"organization_id":   qInt(1, 1<<53, "“两新”组织 ID"),
	"entity_id":         qStr("审计对象 ID"),
	"year":              qInteger("年度"),
	"months":            qInt(1, 120, "月数"),
	"min_months":        qInteger("最少月数"),
	"within":            qInt(0, 3660, "天数范围"),
	"within_days":       qInt(0, 3660, "天数范围"),
	"depth":             qInteger("展开层数"),
	"min_employees":     qInt(0, 1<<31, "从业人员数下限"),
	"max_employees":     qInt(0, 1<<31, "从业人员数上限"),
	"as_of":             qDate("统计日期（默认今天）"),
	"from":              qDate("开始日期（含）"),
	"to":                qDate("结束日期（含）"),
	"registered_from":   qDate("登记日期起"),
	"registered_to":     qDate("登记日期止"),
	"above_scale":       qBool("是否规模以上"),
	"has_charter":       qBool("章程是否完善"),
	"charter_has_party": qBool("章程是否写入党建内容"),
	"has_members":       qBool("是否有党员"),
	"owner_is_member":   qBool("出资人是否党员"),
	"late":              qBool("是否补录"),
	"flagged":           qBool("是否只看标记项"),
	"ended":             qBool("是否含已结束的"),
	"full_time":         qBool("指导员类别：true 专职，false 兼职，不填为全部"),
	"reveal":            qBool("是否显示完整的个人信息（记入审计日志）"),
	"all":               qBool("是否含全部（不只未处理的）"),
	"base":              qStr("月工资基数（元，最多两位小数）"),
	"kind":              qStr("类别代码"),
	"status":            qStr("状态代码"),
	"category":          qStr("组织类别代码"),
	"sector":            {map[string]any{"type": "string", "enum": []string{"economic", "social"}}, "领域：economic 非公有制经济组织，social 社会组织"},
	"coverage":          qStr("覆盖情况代码"),
	"industry":          qStr("行业代码"),
	"tag":               qStr("标签"),
	"sort":              qStr("排序字段"),
	"order":             {map[string]any{"type": "string", "enum": []string{"asc", "desc"}}, "排序方向"},
	"formation":         qStr("组建方式代码"),
	"stage":             qStr("发展阶段代码"),
	"subject":           qStr("对象类别代码"),
	"name":              qStr("姓名（模糊匹配）"),
	"gender":            qStr("性别"),
	"education":         qStr("学历"),
	"age_band":          qStr("年龄段"),
	"id_number":         qStr("身份证号（完整匹配）"),
	"role":              qStr("角色代码"),
	"username":          qStr("用户名"),
	"action":            qStr("操作代码"),
	"entity":            qStr("对象类型"),
	"result":            qStr("结果：success 成功、failure 失败、denied 拒绝"),
	"direction":         qStr("流向"),
	"session":           qStr("预检会话 ID（导入时带上预检返回的 session）"),
	"state":             qStr("状态代码"),
	"category_id":       qInt(1, 1<<53, "类别 ID"),
	"handler_unit_id":   qInt(1, 1<<53, "承办单位 ID"),
	"overdue":           qBool("是否只看超期的"),
}

// withoutPaging drops page and page_size (exports write every record).
func withoutPaging(q []string) []string {
	var out []string
	for _, n := range q {
		if n != "page" && n != "page_size" {
			out = append(out, n)
		}
	}
	return out
}

// queryParameter is the OpenAPI parameter object of query parameter name of rt.
func queryParameter(rt Route, name string) map[string]any {
	spec, ok := rt.QueryTypes[name]
	if !ok {
		spec, ok = queryParams[name]
	}
	if !ok {
		spec = qStr("")
	}
	p := map[string]any{"name": name, "in": "query", "schema": spec.schema}
	if spec.description != "" {
		p["description"] = spec.description
	}
	if slices.Contains(rt.RequiredQuery, name) {
		p["required"] = true
	}
	return p
}
