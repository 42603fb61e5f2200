package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/instructor"
)

// instructorAchieveMatrixCases are the access-matrix cases of what the
// instructors' work achieved (issue 22 item 4).
func instructorAchieveMatrixCases() map[string]matrixCase {
	own := func(suffix string) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, caller string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/instructors/%d/achievements%s", f.instructorFor(t, caller, in), suffix), nil
		}
	}
	return map[string]matrixCase{
		"GET /api/v1/instructors/achievements":             {unscoped: true, call: static("/api/v1/instructors/achievements?year=2026&sort=reached")},
		"GET /api/v1/instructors/achievements/export":      {unscoped: true, call: static("/api/v1/instructors/achievements/export?year=2026&quarter=2")},
		"GET /api/v1/instructors/{id}/achievements":        {call: own("?from=2026-01-01&to=2026-06-30")},
		"GET /api/v1/instructors/{id}/achievements/export": {call: own("?year=2026")},
		"POST /api/v1/instructors/{id}/visits/{visit_id}/solve": {call: func(t *testing.T, f *fixtures, caller string, in bool) (string, any) {
			id, o := f.assigned(t, caller, in)
			v, err := f.e.App.Instr.AddVisit(f.sys(), id, instructor.Visit{OrganizationID: o, VisitedOn: "2026-05-01", Content: "走访了解情况", Problems: "缺少活动场所"})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/instructors/%d/visits/%d/solve", id, v.ID), map[string]string{"solved_on": "2026-06-01", "note": "协调提供活动场所"}
		}},
	}
}
