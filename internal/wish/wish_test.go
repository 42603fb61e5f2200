package wish

import "testing"

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"张三": "张*", "李小明": "李*明", "欧阳小明": "欧**明", "王": "王*", " ": "匿名"} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLapsedAndAllowedSteps(t *testing.T) {
	due := "2026-12-08"
	w := Wish{State: StateClaimed, ClaimDueOn: &due, ClaimantName: "陈红梅", WisherName: "李小明", PublishConsent: true}
	w.decorate("2026-12-08") // the last day of the window: still claimed
	if w.State != StateClaimed || len(w.AllowedActions) != 2 || w.AllowedActions[0] != ActFulfil {
		t.Errorf("on the due day: %+v", w)
	}
	w = Wish{State: StateClaimed, ClaimDueOn: &due, ClaimantName: "陈红梅"}
	w.decorate("2026-12-09")
	if w.State != StateOpen || w.ClaimantName != "" || w.ClaimDueOn != nil || w.DisplayName != "匿名" || w.AllowedActions[0] != ActClaim {
		t.Errorf("the day after: %+v", w)
	}
	if got := addDays("2026-12-25", 15); got != "2027-01-09" {
		t.Errorf("addDays: %s", got)
	}
}
