package member

import (
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
)

// LostReason is one 情形 of a 失联党员 (domain.md §11, the member collection form).
type LostReason struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// LostReasons lists the 情形 in the official order (党统 table 43's columns).
func LostReasons() []LostReason {
	return []LostReason{
		{"migrant_work", "外出务工经商"}, {"restructure", "单位改制或破产"}, {"graduate", "毕业后去向不明"},
		{"job_change", "工作单位改变"}, {"abroad", "出国（境）"}, {"moved", "居住地改变"}, {"other", "其他"},
	}
}

// LostReasonCodes are the codes of LostReasons.
func LostReasonCodes() []string {
	out := []string{}
	for _, r := range LostReasons() {
		out = append(out, r.Code)
	}
	return out
}

// lostReasonByName resolves a code or a Chinese name.
func lostReasonByName(s string) (LostReason, bool) {
	s = strings.TrimSpace(s)
	for _, r := range LostReasons() {
		if s == r.Code || s == r.Name || s == strings.NewReplacer("（", "(", "）", ")").Replace(r.Name) {
			return r, true
		}
	}
	return LostReason{}, false
}

// checkLost validates a 失联 change: both fields empty (not lost) or a date
// (YYYY-MM-DD, or a month YYYY-MM kept as its first day) with a 情形. A nil
// field counts as empty.
func checkLost(bad *apperr.Error, sinceP, reasonP *string) (since, reason string, ok bool) {
	if sinceP != nil {
		since = strings.TrimSpace(*sinceP)
	}
	if reasonP != nil {
		reason = strings.TrimSpace(*reasonP)
	}
	if since == "" && reason == "" {
		return "", "", true
	}
	ok = true
	if len(since) == 7 {
		since += "-01"
	}
	if since == "" {
		bad.Field("lost_since", "请填写失联时间（年月）")
		ok = false
	} else if d, err := civil.Day("lost_since", since); err != nil {
		bad.Field("lost_since", "失联时间格式应为 YYYY-MM 或 YYYY-MM-DD")
		ok = false
	} else {
		since = d
	}
	if r, found := lostReasonByName(reason); found {
		reason = r.Code
	} else {
		bad.Field("lost_reason", "失联情形应为外出务工经商、单位改制或破产、毕业后去向不明、工作单位改变、出国（境）、居住地改变或其他")
		ok = false
	}
	return since, reason, ok
}
