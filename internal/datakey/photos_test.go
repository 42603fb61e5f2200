package datakey_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"liangxin/internal/app"
	"liangxin/internal/datakey"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
)

// withPhotoOnly makes a database whose only sealed value is one visit photo
// (the instructor has no phone, there are no members).
func withPhotoOnly(t *testing.T) *testenv.Env {
	t.Helper()
	e := testenv.New(t)
	name, cat, region := "照片个体户", "individual_business", testenv.Hongqiao
	o, err := e.App.Orgs.Create(district, org.Input{Name: &name, Category: &cat, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	iname := "王指导"
	in, err := e.App.Instr.Create(district, instructor.Input{Name: &iname, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Instr.Assign(district, in.ID, o.ID, "2026-01-01", ""); err != nil {
		t.Fatal(err)
	}
	v, err := e.App.Instr.AddVisit(district, in.ID, instructor.Visit{OrganizationID: o.ID, VisitedOn: "2026-11-02", Content: "查看阵地"})
	if err != nil {
		t.Fatal(err)
	}
	png := append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, bytes.Repeat([]byte{5}, 40)...)
	if _, err := e.App.Instr.AddPhoto(district, in.ID, v.ID, bytes.NewReader(png)); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestPhotosCountAsSealedData: a database holding only sealed visit photos
// is not given a new key when the key file is missing, and another key is
// refused, as for the *_enc columns.
func TestPhotosCountAsSealedData(t *testing.T) {
	e := withPhotoOnly(t)
	other := filepath.Join(t.TempDir(), "other.key")
	if _, err := pdata.CreateKey(other); err != nil {
		t.Fatal(err)
	}
	cfg := e.App.Cfg
	cfg.DataKeyFile = other
	if _, err := app.OpenKey(context.Background(), cfg, e.App.DB); !errors.Is(err, datakey.ErrKeyMismatch) || !strings.Contains(err.Error(), "instructor_visit_photos") {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := app.OpenKey(context.Background(), e.App.Cfg, e.App.DB); err != nil {
		t.Fatalf("right key: %v", err)
	}
	path := app.KeyPath(e.App.Cfg)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := app.OpenKey(context.Background(), e.App.Cfg, e.App.DB); !errors.Is(err, datakey.ErrNoKeyForData) || !strings.Contains(err.Error(), "instructor_visit_photos") {
		t.Fatalf("start without key: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("a key was created for a database that holds sealed photos")
	}
}

// TestRotateResealsPhotos: `key rotate` re-seals visit photos; afterwards
// only the new key opens them and the image is unchanged.
func TestRotateResealsPhotos(t *testing.T) {
	e := withPhotoOnly(t)
	ctx := context.Background()
	path := app.KeyPath(e.App.Cfg)
	oldKey, _ := pdata.LoadKey(path)
	oldP, _ := pdata.New(oldKey, "")
	if _, err := datakey.Rotate(ctx, e.App.DB, path, datakey.RotateOptions{}); err != nil {
		t.Fatal(err)
	}
	newKey, _ := pdata.LoadKey(path)
	newP, _ := pdata.New(newKey, "")
	var blob []byte
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT sealed_data FROM instructor_visit_photos`).Scan(&blob); err != nil {
		t.Fatal(err)
	}
	if _, err := oldP.OpenBytes(blob); err == nil {
		t.Fatal("the old key still opens the photo")
	}
	plain, err := newP.OpenBytes(blob)
	want := append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, bytes.Repeat([]byte{5}, 40)...)
	if err != nil || !bytes.Equal(plain, want) {
		t.Fatalf("new key: %v, %d bytes", err, len(plain))
	}
}
