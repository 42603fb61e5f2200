package develop

import (
	"testing"
	"time"
)

func d(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }

func TestTimeRules(t *testing.T) {
	if CheckApplicationAge(d("2008-03-10"), d("2026-03-09")) == nil || CheckApplicationAge(d("2008-03-10"), d("2026-03-10")) != nil {
		t.Error("age 18 boundary")
	}
	if TalkLate(d("2026-01-31"), d("2026-02-28")) || !TalkLate(d("2026-01-31"), d("2026-03-01")) {
		t.Error("talk within 1 month")
	}
	if CheckActivistYear(d("2025-05-01"), d("2026-04-30")) == nil || CheckActivistYear(d("2025-05-01"), d("2026-05-01")) != nil {
		t.Error("activist 1 year boundary")
	}
	if CheckTraining(2, 23) == nil || CheckTraining(3, 0) != nil || CheckTraining(0, 24) != nil {
		t.Error("training 3 days or 24 hours")
	}
	if w, err := ApprovalLate(d("2026-01-10"), d("2026-04-10")); w || err != nil {
		t.Error("3 months exactly is on time")
	}
	if w, err := ApprovalLate(d("2026-01-10"), d("2026-04-11")); !w || err != nil {
		t.Error("beyond 3 months warns")
	}
	if _, err := ApprovalLate(d("2026-01-10"), d("2026-07-11")); err == nil {
		t.Error("beyond 6 months refused")
	}
	if CheckExtension(0, 5) == nil || CheckExtension(0, 13) == nil || CheckExtension(0, 6) != nil || CheckExtension(0, 12) != nil || CheckExtension(1, 6) == nil {
		t.Error("extension once by 6-12 months")
	}
}
