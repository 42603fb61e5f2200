package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"liangxin/internal/instructor"
)

// visit returns an instructor record (as instructorFor) and a visit of it
// to an organization it is assigned to.
func (f *fixtures) visit(t *testing.T, caller string, in bool) (int64, int64) {
	t.Helper()
	id, o := f.assigned(t, caller, in)
	v, err := f.e.App.Instr.AddVisit(f.sys(), id, instructor.Visit{OrganizationID: o, VisitedOn: "2026-05-01", Form: "走访", Content: "了解党员情况"})
	if err != nil {
		t.Fatal(err)
	}
	return id, v.ID
}

// visitPhoto returns the path of a photo of a fresh visit.
func (f *fixtures) visitPhoto(t *testing.T, caller string, in bool) string {
	t.Helper()
	id, v := f.visit(t, caller, in)
	ph, err := f.e.App.Instr.AddPhoto(f.sys(), id, v, bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("/api/v1/instructors/%d/visits/%d/photos/%d", id, v, ph.ID)
}

// instructorPhotoMatrixCases are the access-matrix cases of the visit
// photos: another instructor's visit (the bound instructor) or a visit out
// of scope answers 404.
func instructorPhotoMatrixCases() map[string]matrixCase {
	photo := func(t *testing.T, f *fixtures, caller string, in bool) (string, any) {
		return f.visitPhoto(t, caller, in), nil
	}
	return map[string]matrixCase{
		"POST /api/v1/instructors/{id}/visits/{visit_id}/photos": {upload: true, call: func(t *testing.T, f *fixtures, caller string, in bool) (string, any) {
			id, v := f.visit(t, caller, in)
			return fmt.Sprintf("/api/v1/instructors/%d/visits/%d/photos", id, v), pngBytes
		}},
		"GET /api/v1/instructors/{id}/visits/{visit_id}/photos/{photo_id}":    {call: photo},
		"DELETE /api/v1/instructors/{id}/visits/{visit_id}/photos/{photo_id}": {call: photo},
	}
}
