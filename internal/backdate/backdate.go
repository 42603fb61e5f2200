// Package backdate holds the rule for changing a jurisdiction-wide rule with
// an effective date in the past: such a change rewrites results already
// reported (compliance, dues owed, signals), so it needs a written reason,
// which the audit entry of the change records.
package backdate

import (
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
)

// MaxReason is the longest reason accepted, in characters.
const MaxReason = 500

// Today is the date of now in China Standard Time (YYYY-MM-DD).
func Today(now time.Time) string { return civil.Today(now) }

// Check validates the reason of a change effective from effectiveFrom
// (YYYY-MM-DD) on the day today. A back-dated change (effectiveFrom before
// today) without a reason adds a field error on "reason"; so does a reason
// that is too long. It returns the trimmed reason.
func Check(bad *apperr.Error, effectiveFrom, today, reason string) string {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxReason {
		bad.Field("reason", "修改原因不能超过 500 个字")
		return reason
	}
	if effectiveFrom != "" && effectiveFrom < today && reason == "" {
		bad.Field("reason", "生效日期早于今天（追溯修改），请填写修改原因")
	}
	return reason
}

// Note is the audit note of a rule change: the reason, marked as back-dated
// when it is.
func Note(effectiveFrom, today, reason string) string {
	if effectiveFrom != "" && effectiveFrom < today {
		return "追溯修改（自 " + effectiveFrom + " 起生效），原因：" + reason
	}
	if reason != "" {
		return "修改原因：" + reason
	}
	return ""
}
