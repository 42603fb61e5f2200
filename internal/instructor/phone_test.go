package instructor_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/instructor"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

func districtCtx() context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: 1, Username: "district", Role: "district", Scope: testenv.Jurisdiction})
}

// A phone number is stored sealed with a keyed hash and a mask, answered
// masked by create, get, list and update, and shown in full only by Reveal,
// which is audited naming whose number it was.
func TestPhoneSealedMaskedAndRevealed(t *testing.T) {
	e := testenv.New(t)
	ctx := districtCtx()
	name, phone, region := "周指导", "１３８１２３４５６７８", testenv.Hongqiao // full-width digits, as typed on some keyboards
	in, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, Phone: &phone, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	if in.Phone != "138****5678" {
		t.Fatalf("create answered %q", in.Phone)
	}
	var clear, enc, hash, mask string
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT phone, phone_enc, phone_hash, phone_mask FROM instructors WHERE id = ?`, in.ID).Scan(&clear, &enc, &hash, &mask); err != nil {
		t.Fatal(err)
	}
	if clear != "" || enc == "" || strings.Contains(enc, "5678") || hash == "" || mask != "138****5678" {
		t.Fatalf("stored phone=%q enc=%q hash=%q mask=%q", clear, enc, hash, mask)
	}
	got, err := e.App.Instr.Get(ctx, in.ID)
	if err != nil || got.Phone != "138****5678" {
		t.Fatalf("get: %q %v", got.Phone, err)
	}
	list, _, err := e.App.Instr.List(ctx, "", 1, 20)
	if err != nil || len(list) != 1 || list[0].Phone != "138****5678" {
		t.Fatalf("list: %+v %v", list, err)
	}
	unit := "县委组织部"
	up, err := e.App.Instr.Update(ctx, in.ID, instructor.Input{Unit: &unit})
	if err != nil || up.Phone != "138****5678" {
		t.Fatalf("update: %q %v", up.Phone, err)
	}
	var enc2 string
	_ = e.App.DB.QueryRow(ctx, e.App.DB, `SELECT phone_enc FROM instructors WHERE id = ?`, in.ID).Scan(&enc2)
	if enc2 != enc {
		t.Fatal("an update that keeps the number re-sealed it")
	}
	rev, err := e.App.Instr.Reveal(ctx, in.ID)
	if err != nil || rev.Phone != "13812345678" {
		t.Fatalf("reveal: %q %v", rev.Phone, err)
	}
	var detail string
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT detail FROM audit_log WHERE action = 'instructor_reveal' AND entity_id = ?`, itoa(in.ID)).Scan(&detail); err != nil {
		t.Fatalf("reveal not audited: %v", err)
	}
	if !strings.Contains(detail, name) || !strings.Contains(detail, "138****5678") || strings.Contains(detail, "13812345678") {
		t.Fatalf("reveal audit detail %s: want the name and the masked number only", detail)
	}
	// Another street's caller cannot reveal it.
	other := actor.With(context.Background(), actor.Actor{UserID: 2, Username: "yuhe", Role: "street", Scope: testenv.Yuhe})
	if _, err := e.App.Instr.Reveal(other, in.ID); err == nil {
		t.Fatal("revealed outside the caller's scope")
	}
	// Clearing the number clears all three columns.
	empty := ""
	if _, err := e.App.Instr.Update(ctx, in.ID, instructor.Input{Phone: &empty}); err != nil {
		t.Fatal(err)
	}
	_ = e.App.DB.QueryRow(ctx, e.App.DB, `SELECT phone_enc, phone_hash, phone_mask FROM instructors WHERE id = ?`, in.ID).Scan(&enc, &hash, &mask)
	if enc != "" || hash != "" || mask != "" {
		t.Fatalf("cleared phone left enc=%q hash=%q mask=%q", enc, hash, mask)
	}
}

func itoa(n int64) string {
	b := []byte{}
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// Numbers an older version kept in clear (before migration 0015) are
// sealed by SealLegacyPhones, which is idempotent; after the scrub that
// start-up runs, no file of a SQLite database holds them.
func TestSealLegacyPhones(t *testing.T) {
	e := testenv.New(t)
	ctx := districtCtx()
	const legacy = "13900112233"
	for i, p := range []string{legacy, " 0734-6543210 ", ""} {
		if _, err := e.App.DB.Exec(ctx, e.App.DB, `INSERT INTO instructors (name, phone, unit, full_time, level, region_code, created_at, updated_at)
			VALUES (?, ?, '', ?, '', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`, "旧指导员"+itoa(int64(i)), p, false, testenv.Hongqiao); err != nil {
			t.Fatal(err)
		}
	}
	n, err := e.App.Instr.SealLegacyPhones(ctx)
	if err != nil || n != 2 {
		t.Fatalf("sealed %d, %v", n, err)
	}
	if n, err := e.App.Instr.SealLegacyPhones(ctx); err != nil || n != 0 {
		t.Fatalf("second run sealed %d, %v", n, err)
	}
	var left int
	_ = e.App.DB.QueryRow(ctx, e.App.DB, `SELECT COUNT(*) FROM instructors WHERE phone <> ''`).Scan(&left)
	if left != 0 {
		t.Fatalf("%d clear phones left", left)
	}
	list, _, err := e.App.Instr.List(ctx, "旧指导员", 1, 20)
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %v %v", list, err)
	}
	want := map[string]string{"旧指导员0": legacy, "旧指导员1": "0734-6543210", "旧指导员2": ""}
	for _, in := range list {
		rev, err := e.App.Instr.Reveal(ctx, in.ID)
		if err != nil || rev.Phone != want[in.Name] {
			t.Errorf("%s: revealed %q (%v), want %q", in.Name, rev.Phone, err, want[in.Name])
		}
	}
	pending, err := e.App.DB.ScrubPending(ctx)
	if err != nil || !pending {
		t.Fatalf("migration 0015 asks for a scrub: %v %v", pending, err)
	}
	if err := e.App.DB.Scrub(ctx, "instructors", "import_sessions"); err != nil {
		t.Fatal(err)
	}
	if pending, _ := e.App.DB.ScrubPending(ctx); pending {
		t.Fatal("scrub request not cleared")
	}
	if e.App.DB.Dialect != store.SQLite {
		return
	}
	matches, _ := filepath.Glob(e.App.DB.Path + "*")
	if len(matches) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range matches {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(legacy)) || bytes.Contains(b, []byte("6543210")) {
			t.Errorf("%s still holds a legacy clear phone", f)
		}
	}
}

// An edit form shows the masked number; sending it back keeps the stored
// number, and any other masked text is refused naming the field.
func TestMaskSentBackKeepsTheNumber(t *testing.T) {
	e := testenv.New(t)
	ctx := districtCtx()
	name, phone, region := "吴指导", "13811112222", testenv.Hongqiao
	in, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, Phone: &phone, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	mask, unit := in.Phone, "县委组织部"
	if _, err := e.App.Instr.Update(ctx, in.ID, instructor.Input{Phone: &mask, Unit: &unit}); err != nil {
		t.Fatalf("mask sent back: %v", err)
	}
	if rev, err := e.App.Instr.Reveal(ctx, in.ID); err != nil || rev.Phone != phone {
		t.Fatalf("number after the edit: %q %v", rev.Phone, err)
	}
	other := "139****2222"
	_, err = e.App.Instr.Update(ctx, in.ID, instructor.Input{Phone: &other})
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Fields["phone"] == "" {
		t.Fatalf("another mask: %v", err)
	}
}
