package instructor_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
)

// Writes that read through the shared pool inside their transaction must not
// starve each other of connections (a deadlock on a single small pool).
func TestConcurrentWritesDoNotStarve(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.With(context.Background(), actor.Actor{Role: "district", Scope: testenv.Jurisdiction})
	name, cat, region := "洪桥某店", "individual_business", testenv.Hongqiao
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	iname := "王指导"
	in, err := e.App.Instr.Create(ctx, instructor.Input{Name: &iname})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Instr.Assign(ctx, in.ID, o.ID, "2026-01-01", ""); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.App.Instr.AddVisit(ctx, in.ID, instructor.Visit{OrganizationID: o.ID, VisitedOn: "2026-05-01", Content: fmt.Sprintf("第 %d 次走访", i)})
			errs <- err
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("concurrent writes hung")
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("visit: %v", err)
		}
	}
	visits, err := e.App.Instr.Visits(ctx, in.ID)
	if err != nil || len(visits) != 32 {
		t.Fatalf("visits: %d %v", len(visits), err)
	}
}
