package sheetimport_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/sheetimport"
	"liangxin/internal/testenv"
)

// An error workbook is stored sealed, opened for its uploader only, deleted
// on demand, and deleted by the sweep once older than the retention
// setting (import-report-retention-days, default 7).
func TestReportsSealedAndSwept(t *testing.T) {
	e := testenv.New(t)
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	s := e.App.Imports
	report := []byte("PK\x03\x04 13812345678 430426199001011234")
	finish := func(id string) {
		t.Helper()
		if err := s.Start(ctx, id, "members"); err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(ctx, id, sheetimport.StatusRejected, "有错误", 2, sheetimport.Result{}, report); err != nil {
			t.Fatal(err)
		}
	}
	finish("sealed-report-1")
	var stored []byte
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT report FROM import_sessions WHERE id = 'sealed-report-1'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if len(stored) == 0 || bytes.Contains(stored, []byte("13812345678")) || bytes.Contains(stored, []byte("PK")) {
		t.Fatalf("report stored in clear: %q", stored)
	}
	got, err := s.Report(ctx, "sealed-report-1")
	if err != nil || !bytes.Equal(got, report) {
		t.Fatalf("report: %q %v", got, err)
	}
	other := actor.With(context.Background(), actor.Actor{UserID: u.ID + 100, Role: "district", Scope: testenv.Jurisdiction})
	if _, err := s.Report(other, "sealed-report-1"); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("another user's report: %v", err)
	}
	if err := s.DeleteReport(other, "sealed-report-1"); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("another user deleted a report: %v", err)
	}
	if err := s.DeleteReport(ctx, "sealed-report-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Report(ctx, "sealed-report-1"); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("deleted report: %v", err)
	}

	finish("sealed-report-2")
	if e.App.Cfg.ImportReportRetention != 7*24*time.Hour {
		t.Fatalf("retention %s, want 7 days", e.App.Cfg.ImportReportRetention)
	}
	e.Clock.Advance(6 * 24 * time.Hour)
	if n := e.App.SweepImportReports(context.Background()); n != 0 {
		t.Fatalf("swept %d reports younger than the retention", n)
	}
	if _, err := s.Report(ctx, "sealed-report-2"); err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(24*time.Hour + time.Minute)
	if n := e.App.SweepImportReports(context.Background()); n != 1 {
		t.Fatalf("swept %d reports, want 1", n)
	}
	if _, err := s.Report(ctx, "sealed-report-2"); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("expired report: %v", err)
	}
	ss, err := s.Get(ctx, "sealed-report-2")
	if err != nil || ss.HasReport || ss.Status != sheetimport.StatusRejected {
		t.Fatalf("session after the sweep: %+v %v", ss, err)
	}
}
