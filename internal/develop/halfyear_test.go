package develop_test

import (
	"testing"

	"liangxin/internal/develop"
)

// TestDecisionNeedsAReviewEveryHalfYear: ⑦ needs a ⑥ in every half year since
// ③ that has ended (domain.md §4 "⑥ education and review every half year").
// ③ on 2023-04-01: the half years are 04-01..10-01 and 10-01..2024-04-01.
func TestDecisionNeedsAReviewEveryHalfYear(t *testing.T) {
	w := newWorld(t)
	for _, c := range []struct {
		name    string
		reviews []string
		ok      bool
	}{
		{"one review in twelve months", []string{"2023-12-01"}, false},
		{"both half years, on their last days", []string{"2023-10-01", "2024-04-01"}, true},
		{"first half year missed by one day", []string{"2023-10-02", "2024-03-01"}, false},
		{"review on ③'s own day counts for the first half year", []string{"2023-04-01", "2023-12-01"}, true},
		{"two reviews in the second half year only", []string{"2023-11-01", "2024-02-01"}, false},
	} {
		p := w.apply(t, "1995-05-05", "2023-01-10")
		w.step(t, p.ID, develop.StepInput{Step: 2, DoneOn: "2023-02-01"})
		w.step(t, p.ID, develop.StepInput{Step: 3, DoneOn: "2023-04-01"})
		w.step(t, p.ID, develop.StepInput{Step: 4, DoneOn: "2023-04-01"})
		w.step(t, p.ID, develop.StepInput{Step: 5, DoneOn: "2023-04-01", People: "张明"})
		for _, d := range c.reviews {
			w.step(t, p.ID, develop.StepInput{Step: 6, DoneOn: d})
		}
		_, err := w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 7, DoneOn: "2024-04-01"})
		if c.ok && err != nil {
			t.Errorf("%s: refused: %v", c.name, err)
		}
		if !c.ok {
			if err == nil {
				t.Errorf("%s: ⑦ accepted", c.name)
				continue
			}
			fieldErr(t, err, "done_on", "每半年")
		}
	}
	// A half year that has not ended yet is not required: ⑦ on 2024-04-01 after
	// ③ on 2023-03-31 needs reviews in ..09-30 and ..2024-03-31 only.
	p := w.apply(t, "1995-05-05", "2023-01-10")
	for _, in := range []develop.StepInput{{Step: 2, DoneOn: "2023-02-01"}, {Step: 3, DoneOn: "2023-03-31"}, {Step: 4, DoneOn: "2023-03-31"},
		{Step: 5, DoneOn: "2023-03-31", People: "张明"}, {Step: 6, DoneOn: "2023-09-30"}, {Step: 6, DoneOn: "2024-03-31"}} {
		w.step(t, p.ID, in)
	}
	w.step(t, p.ID, develop.StepInput{Step: 7, DoneOn: "2024-04-01"})
}
