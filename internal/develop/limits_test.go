package develop_test

import (
	"strings"
	"testing"

	"liangxin/internal/develop"
)

// Free-text limits hold at their edges: a note of exactly 2000 characters,
// documents of 1000 and people of 200 are taken; one more character is not.
// The stage change is stamped with the service clock, not the wall clock.
func TestStepTextLimitsAndClock(t *testing.T) {
	w := newWorld(t)
	p := w.apply(t, "1995-05-05", "2023-01-10")
	_, err := w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 2, DoneOn: "2023-01-20", Note: strings.Repeat("谈", 2001)})
	fieldErr(t, err, "note", "2000")
	w.step(t, p.ID, develop.StepInput{Step: 2, DoneOn: "2023-01-20", Note: strings.Repeat("谈", 2000),
		Documents: strings.Repeat("材", 1000), People: strings.Repeat("人", 200)})
	w.step(t, p.ID, develop.StepInput{Step: 3, DoneOn: "2023-02-10"})
	var updated string
	db := w.e.App.DB
	if err := db.QueryRow(w.ctx, db, `SELECT updated_at FROM dev_people WHERE id = ?`, p.ID).Scan(&updated); err != nil {
		t.Fatal(err)
	}
	if want := w.e.App.Develop.Now().UTC().Format("2006-01-02"); !strings.HasPrefix(updated, want) {
		t.Errorf("updated_at %s, want the service clock's day %s", updated, want)
	}
}
