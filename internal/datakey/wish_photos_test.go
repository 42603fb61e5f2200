package datakey_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"liangxin/internal/app"
	"liangxin/internal/datakey"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
	"liangxin/internal/wish"
)

// TestRotateResealsWishPhotos: a database whose only sealed value is the
// evidence photo of a wish refuses another key, and `key rotate` re-seals the
// photo so that only the new key opens it, unchanged.
func TestRotateResealsWishPhotos(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	name, cat, region, five := "心愿个体户", "individual_business", testenv.Hongqiao, 5
	o, err := e.App.Orgs.Create(district, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
	if err != nil {
		t.Fatal(err)
	}
	po, err := e.App.Party.Create(district, partyorg.Input{Name: "心愿测试党支部", Kind: "branch", Formation: "regional", EstablishedOn: "2024-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	w, err := e.App.Wishes.Create(district, wish.Input{Category: "goods", Content: "一袋大米", WisherName: "周大爷", RegionCode: testenv.Hongqiao})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Wishes.Act(district, w.ID, wish.ActionInput{Action: wish.ActClaim, Version: w.Version, ClaimantPartyOrgID: &po.ID}); err != nil {
		t.Fatal(err)
	}
	png := append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, bytes.Repeat([]byte{9}, 30)...)
	if _, err := e.App.Wishes.AddPhoto(district, w.ID, bytes.NewReader(png)); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "other.key")
	if _, err := pdata.CreateKey(other); err != nil {
		t.Fatal(err)
	}
	cfg := e.App.Cfg
	cfg.DataKeyFile = other
	if _, err := app.OpenKey(ctx, cfg, e.App.DB); !errors.Is(err, datakey.ErrKeyMismatch) || !strings.Contains(err.Error(), "wish_photos") {
		t.Fatalf("wrong key: %v", err)
	}
	path := app.KeyPath(e.App.Cfg)
	oldKey, _ := pdata.LoadKey(path)
	oldP, _ := pdata.New(oldKey, "")
	if _, err := datakey.Rotate(ctx, e.App.DB, path, datakey.RotateOptions{}); err != nil {
		t.Fatal(err)
	}
	newKey, _ := pdata.LoadKey(path)
	newP, _ := pdata.New(newKey, "")
	var blob []byte
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT sealed_data FROM wish_photos`).Scan(&blob); err != nil {
		t.Fatal(err)
	}
	if _, err := oldP.OpenBytes(blob); err == nil {
		t.Fatal("the old key still opens the wish photo")
	}
	if plain, err := newP.OpenBytes(blob); err != nil || !bytes.Equal(plain, png) {
		t.Fatalf("new key: %v", err)
	}
}
