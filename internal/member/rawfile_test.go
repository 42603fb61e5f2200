package member_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/config"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

// The SQLite files alone (without the key file) reveal no ID number or phone.
func TestRawDatabaseFileHoldsNoPlainPersonalData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.DataKeyFile = filepath.Join(t.TempDir(), "data.key")
	prot, err := app.OpenKey(ctx, cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(cfg, db, slog.New(slog.NewJSONHandler(io.Discard, nil)), func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }, prot)
	if _, err := a.EnsureJurisdiction(ctx, testenv.Jurisdiction); err != nil {
		t.Fatal(err)
	}
	actx := actor.With(ctx, actor.Actor{Username: "d", Role: "district", Scope: testenv.Jurisdiction})
	name, cat, region, full := "红星个体户", "individual_business", testenv.Hongqiao, 3
	o, err := a.Orgs.Create(actx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Party.Create(actx, partyorg.Input{Name: "红星支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	idn, phone := id("43042619900101001"), "13987654321"
	m, err := a.Members.Create(actx, member.Input{Name: "李四", Gender: "male", BirthDate: "1990-01-01", IDNumber: idn, Phone: phone, Category: "full", PartyOrgID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Members.Get(actx, m.ID, true); err != nil {
		t.Fatal(err)
	}
	db.Close()
	files, _ := os.ReadDir(dir)
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			continue
		}
		seen += len(b)
		for _, secret := range []string{idn, phone, idn[6:14] + idn[14:]} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s contains %s in plain text", f.Name(), secret)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no database file found")
	}
}
