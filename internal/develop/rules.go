package develop

import (
	"time"

	"liangxin/internal/apperr"
)

// addMonths adds n calendar months, clamping to the month's last day
// (2026-01-31 + 1 month = 2026-02-28).
func addMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

// CheckApplicationAge is the hard rule of step ①: 18 years old on the day of application.
func CheckApplicationAge(birth, applied time.Time) error {
	if applied.Before(birth.AddDate(18, 0, 0)) {
		return apperr.InvalidField("date", "入党申请人须年满18周岁")
	}
	return nil
}

// TalkLate is the soft rule of step ②: the talk is due within 1 month of the application.
func TalkLate(applied, talk time.Time) bool { return talk.After(addMonths(applied, 1)) }

// CheckActivistYear is the hard rule of step ⑦: at least 1 year as 积极分子 (on the anniversary is enough).
func CheckActivistYear(activistOn, decidedOn time.Time) error {
	if decidedOn.Before(activistOn.AddDate(1, 0, 0)) {
		return apperr.InvalidField("date", "确定为发展对象前须经过1年以上的积极分子培养")
	}
	return nil
}

// CheckTraining is the hard rule of step ⑪: at least 3 days or 24 class hours.
func CheckTraining(days, hours int) error {
	if days < 3 && hours < 24 {
		return apperr.InvalidField("training", "集中培训不少于3天或24学时")
	}
	return nil
}

// ApprovalLate is the rule of step ⑰ (and ㉔): approval within 3 months of the
// branch vote is on time (no warning); 3–6 months is recorded with a warning
// (the extension); beyond 6 months is refused.
func ApprovalLate(vote, approval time.Time) (warn bool, err error) {
	if approval.After(addMonths(vote, 6)) {
		return false, apperr.InvalidField("date", "上级党委审批超过6个月的最长期限")
	}
	return approval.After(addMonths(vote, 3)), nil
}

// CheckExtension is the probation rule: extended at most once, by 6–12 months.
func CheckExtension(previous, months int) error {
	if previous > 0 {
		return apperr.InvalidField("months", "预备期只能延长一次")
	}
	if months < 6 || months > 12 {
		return apperr.InvalidField("months", "预备期延长时间应为6至12个月")
	}
	return nil
}

// MissingHalfYearReview is the rule of step ⑥ before step ⑦: a 积极分子 is
// educated and reviewed every half year, so every half year since ③ that has
// ended by the day of ⑦ must hold at least one ⑥. Half year k runs from
// ③ + 6(k−1) months (exclusive; the first one includes ③'s own day) to
// ③ + 6k months (inclusive). It returns the first half year without a review.
func MissingHalfYearReview(activistOn time.Time, reviews []time.Time, decidedOn time.Time) (from, to time.Time, missing bool) {
	for k := 1; ; k++ {
		from, to = addMonths(activistOn, 6*(k-1)), addMonths(activistOn, 6*k)
		if to.After(decidedOn) {
			return time.Time{}, time.Time{}, false
		}
		held := false
		for _, r := range reviews {
			if (r.After(from) || (k == 1 && r.Equal(from))) && !r.After(to) {
				held = true
				break
			}
		}
		if !held {
			return from, to, true
		}
	}
}
