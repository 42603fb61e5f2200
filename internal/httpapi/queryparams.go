package httpapi

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"liangxin/internal/apperr"
)

// Limits on the query string, checked once for every route before its
// handler reads any parameter (see checkQuery).
const (
	// maxQueryValue is the longest value of any query parameter, in
	// characters. Search terms, codes, dates, enums and numbers are all far
	// shorter; a 50,000-character search term made SQLite refuse the LIKE
	// pattern ("LIKE or GLOB pattern too complex") and the request answer 500.
	maxQueryValue = 100
	// maxQueryKey is the longest parameter name.
	maxQueryKey = 40
	// maxQueryParams is the most parameters (name=value pairs) a request may carry.
	maxQueryParams = 40
)

// queryField names the query string as a whole in errors that concern no
// single parameter.
const queryField = "query"

// checkQuery validates the raw query string of a request: well-formed, at
// most maxQueryParams pairs, and every name and value valid UTF-8 without
// control characters and within its length limit. The error is a 422 naming
// the offending parameter, so no handler sees a value that the database
// could choke on.
func checkQuery(raw string) error {
	if raw == "" {
		return nil
	}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return apperr.InvalidField(queryField, "查询参数格式不正确（须为 URL 编码的 名称=值）")
	}
	n := 0
	for _, vs := range values {
		n += len(vs)
	}
	if n > maxQueryParams {
		return apperr.InvalidField(queryField, fmt.Sprintf("查询参数不能超过 %d 个", maxQueryParams))
	}
	bad := apperr.Invalid()
	for key, vs := range values {
		if msg := textProblem(key, maxQueryKey); msg != "" || key == "" {
			bad.Field(queryField, "查询参数名称无效")
			continue
		}
		for _, v := range vs {
			if msg := textProblem(v, maxQueryValue); msg != "" {
				bad.Field(key, fmt.Sprintf("查询参数 %s %s", key, msg))
			}
		}
	}
	return bad.OrNil()
}

// acceptedQuery is the set of query parameter names a route documents.
func acceptedQuery(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// checkQueryNames refuses a query parameter the route does not document
// (Route.Query, the same list the OpenAPI document is built from): a
// misspelt ?pagesize=2 would otherwise be ignored silently and the caller
// would get the default page size without noticing. The 422 names the
// unknown parameter and lists the accepted ones.
func checkQueryNames(values url.Values, accepted map[string]bool, names []string) error {
	bad := apperr.Invalid()
	for key := range values {
		if accepted[key] {
			continue
		}
		if len(names) == 0 {
			bad.Field(key, fmt.Sprintf("本接口不接受查询参数（收到 %s）", key))
		} else {
			bad.Field(key, fmt.Sprintf("不支持的查询参数 %s（本接口接受：%s）", key, strings.Join(names, "、")))
		}
	}
	return bad.OrNil()
}

// textProblem says what is wrong with a query text s (in Chinese), or "".
func textProblem(s string, max int) string {
	if !utf8.ValidString(s) {
		return "含有无效的字符编码（须为 UTF-8）"
	}
	if utf8.RuneCountInString(s) > max {
		return fmt.Sprintf("不能超过 %d 个字符", max)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "不能含有控制字符"
		}
	}
	return ""
}
