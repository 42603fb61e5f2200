package datakey_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/apperr"
	"liangxin/internal/datakey"
	"liangxin/internal/develop"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

var district = actor.With(context.Background(), actor.Actor{Username: "d", Role: "district", Scope: testenv.Jurisdiction})

func idNumber(i int) string {
	first17 := fmt.Sprintf("430426199001%05d", 10000+i)[:17]
	return first17 + string(pdata.CheckChar(first17))
}

// withMembers boots the app and creates n members (身份证号 and phone sealed)
// and one development candidate.
func withMembers(t *testing.T, n int) (*testenv.Env, []member.Member) {
	t.Helper()
	e := testenv.New(t)
	name, cat, region, full := "红星个体户", "individual_business", testenv.Hongqiao, 3
	o, err := e.App.Orgs.Create(district, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.App.Party.Create(district, partyorg.Input{Name: "红星科技支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	var ms []member.Member
	for i := 0; i < n; i++ {
		id := idNumber(i)
		m, err := e.App.Members.Create(district, member.Input{Name: fmt.Sprintf("党员%d", i), Gender: gender(id), BirthDate: id[6:10] + "-" + id[10:12] + "-" + id[12:14],
			IDNumber: id, Phone: fmt.Sprintf("138%08d", i), Category: "full", PartyOrgID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	cand := idNumber(9000)
	if _, err := e.App.Develop.Apply(district, develop.PersonInput{PartyOrgID: p.ID, Name: "申请人", Gender: gender(cand),
		BirthDate: cand[6:10] + "-" + cand[10:12] + "-" + cand[12:14], IDNumber: cand, AppliedOn: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	return e, ms
}

func gender(id string) string {
	if (id[16]-'0')%2 == 1 {
		return "male"
	}
	return "female"
}

// TestOpenRefusesMissingKeyForSealedData: a database holding sealed values
// and no key file (a restore without data.key) does not start, says which
// file and where to read, and no new key is made.
func TestOpenRefusesMissingKeyForSealedData(t *testing.T) {
	e, _ := withMembers(t, 1)
	path := app.KeyPath(e.App.Cfg)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	_, err := app.OpenKey(context.Background(), e.App.Cfg, e.App.DB)
	if !errors.Is(err, datakey.ErrNoKeyForData) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "docs/operations.md") {
		t.Fatalf("start without key: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("a key was created for a database that holds sealed values")
	}
}

// TestOpenRefusesWrongKey: another key (a different data.key) is refused
// before any request could fail with 500 or find nothing by 身份证号.
func TestOpenRefusesWrongKey(t *testing.T) {
	e, _ := withMembers(t, 1)
	path := filepath.Join(t.TempDir(), "other.key")
	if _, err := pdata.CreateKey(path); err != nil {
		t.Fatal(err)
	}
	cfg := e.App.Cfg
	cfg.DataKeyFile = path
	_, err := app.OpenKey(context.Background(), cfg, e.App.DB)
	if !errors.Is(err, datakey.ErrKeyMismatch) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "_enc") {
		t.Fatalf("wrong key: %v", err)
	}
	cfg.DataKeyFile, cfg.DataCipher = "", pdata.CipherAES
	if _, err := app.OpenKey(context.Background(), cfg, e.App.DB); !errors.Is(err, datakey.ErrKeyMismatch) {
		t.Fatalf("wrong cipher: %v", err)
	}
	// The right key opens.
	if _, err := app.OpenKey(context.Background(), e.App.Cfg, e.App.DB); err != nil {
		t.Fatal(err)
	}
}

// TestOpenCreatesKeyOnlyForEmptyData: a database without sealed values gets
// a key (mode 0600) on first start, and a second start reads the same key.
func TestOpenCreatesKeyOnlyForEmptyData(t *testing.T) {
	e := testenv.New(t)
	path := app.KeyPath(e.App.Cfg)
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	k1, _ := pdata.LoadKey(path)
	if _, err := app.OpenKey(context.Background(), e.App.Cfg, e.App.DB); err != nil {
		t.Fatal(err)
	}
	if k2, _ := pdata.LoadKey(path); pdata.Fingerprint(k1) != pdata.Fingerprint(k2) {
		t.Fatal("a second start replaced the key")
	}
}

// allSealed reads every sealed value of the database.
func allSealed(t *testing.T, e *testenv.Env) []string {
	t.Helper()
	ctx := context.Background()
	cols, err := store.SealedColumns(ctx, e.App.DB.Dialect, e.App.DB)
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) < 3 {
		t.Fatalf("sealed columns found: %v", cols)
	}
	var out []string
	for _, c := range cols {
		vals, err := store.SampleSealed(ctx, e.App.DB, c, 1000)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, vals...)
	}
	return out
}

// TestRotateResumesAfterInterruption: a rotation killed after some batches
// leaves the server refusing to start; running it again finishes it; every
// value then opens with the new key only, and look-ups by 身份证号 (keyed
// hash) and reveals work under the new key.
func TestRotateResumesAfterInterruption(t *testing.T) {
	e, ms := withMembers(t, 11)
	ctx := context.Background()
	path := app.KeyPath(e.App.Cfg)
	oldKey, _ := pdata.LoadKey(path)
	oldP, _ := pdata.New(oldKey, "")

	killed := errors.New("killed")
	_, err := datakey.Rotate(ctx, e.App.DB, path, datakey.RotateOptions{BatchSize: 4, AfterBatch: func(n int) error {
		if n == 2 {
			return killed
		}
		return nil
	}})
	if !errors.Is(err, killed) {
		t.Fatalf("interrupted rotation: %v", err)
	}
	if _, err := app.OpenKey(ctx, e.App.Cfg, e.App.DB); !errors.Is(err, datakey.ErrRotationPending) {
		t.Fatalf("start during a rotation: %v", err)
	}
	if k, _ := pdata.LoadKey(path); pdata.Fingerprint(k) != pdata.Fingerprint(oldKey) {
		t.Fatal("the key file changed before the rotation finished")
	}

	res, err := datakey.Rotate(ctx, e.App.DB, path, datakey.RotateOptions{BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped == 0 || res.Resealed == 0 {
		t.Fatalf("resumed run did not skip the done values: %+v", res)
	}
	if _, err := os.Stat(datakey.NewPath(path)); !os.IsNotExist(err) {
		t.Fatal("data.key.new left behind")
	}
	if k, err := pdata.LoadKey(res.OldFile); err != nil || pdata.Fingerprint(k) != pdata.Fingerprint(oldKey) {
		t.Fatalf("old key not kept: %v", err)
	}
	newKey, _ := pdata.LoadKey(path)
	newP, _ := pdata.New(newKey, "")
	if pdata.Fingerprint(newKey) == pdata.Fingerprint(oldKey) {
		t.Fatal("key not replaced")
	}
	for _, v := range allSealed(t, e) {
		if _, err := newP.Decrypt(v); err != nil {
			t.Fatalf("value does not open with the new key: %v", err)
		}
		if _, err := oldP.Decrypt(v); err == nil {
			t.Fatal("value still opens with the old key")
		}
	}

	// A restarted server on the new key finds members by 身份证号 and reveals them.
	prot, err := app.OpenKey(ctx, e.App.Cfg, e.App.DB)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(e.App.Cfg, e.App.DB, e.App.Log, e.App.Now, prot)
	for _, i := range []int{0, 5, 10} {
		found, n, err := a.Members.List(district, member.Filter{IDNumber: idNumber(i), Page: 1, PageSize: 10})
		if err != nil || n != store.Exact(1) || found[0].ID != ms[i].ID {
			t.Fatalf("look-up by 身份证号 after rotation: %v %+v", err, n)
		}
		m, err := a.Members.Get(district, ms[i].ID, true)
		if err != nil || m.IDNumber != idNumber(i) || m.Phone != fmt.Sprintf("138%08d", i) {
			t.Fatalf("reveal after rotation: %+v %v", m, err)
		}
	}
	// A duplicate is still refused: the uniqueness hash is under the new key.
	if _, err := a.Members.Create(district, member.Input{Name: "重复", Gender: gender(idNumber(3)), BirthDate: "1990-01-" + idNumber(3)[12:14],
		IDNumber: idNumber(3), Category: "full", PartyOrgID: ms[3].PartyOrgID}); !isConflict(err) {
		t.Fatal("duplicate 身份证号 accepted after rotation")
	}
	// The candidate's hash moved too.
	var hits int
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT COUNT(*) FROM dev_people WHERE id_number_hash = ?`, newP.Hash(idNumber(9000))).Scan(&hits); err != nil || hits != 1 {
		t.Fatalf("candidate hash after rotation: %d %v", hits, err)
	}
}

func isConflict(err error) bool {
	e, ok := apperr.As(err)
	return ok && e.Kind == apperr.KindConflict
}

// TestRotateResealsErrorWorkbooks: the error workbook an uploader may still
// download (a sealed blob, not an *_enc column) follows the key; one that
// opens with neither key is dropped rather than left unreadable.
func TestRotateResealsErrorWorkbooks(t *testing.T) {
	e, _ := withMembers(t, 1)
	ctx := context.Background()
	path := app.KeyPath(e.App.Cfg)
	oldKey, _ := pdata.LoadKey(path)
	oldP, _ := pdata.New(oldKey, "")
	stranger, _ := pdata.New([]byte(strings.Repeat("k", pdata.KeySize)), "")
	good, _ := oldP.SealBytes([]byte("PK workbook"))
	lost, _ := stranger.SealBytes([]byte("PK lost"))
	for id, blob := range map[string][]byte{"s-good": good, "s-lost": lost} {
		if _, err := e.App.DB.Exec(ctx, e.App.DB, `INSERT INTO import_sessions (id, user_id, kind, status, report, created_at, updated_at) VALUES (?, 1, 'members', 'rejected', ?, '2026-11-23T09:00:00Z', '2026-11-23T09:00:00Z')`, id, blob); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := datakey.Rotate(ctx, e.App.DB, path, datakey.RotateOptions{}); err != nil {
		t.Fatal(err)
	}
	newKey, _ := pdata.LoadKey(path)
	newP, _ := pdata.New(newKey, "")
	var b []byte
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT report FROM import_sessions WHERE id = 's-good'`).Scan(&b); err != nil {
		t.Fatal(err)
	}
	if plain, err := newP.OpenBytes(b); err != nil || string(plain) != "PK workbook" {
		t.Fatalf("workbook after rotation: %q %v", plain, err)
	}
	var n int
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT COUNT(*) FROM import_sessions WHERE id = 's-lost' AND report IS NULL`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("unreadable workbook kept: %d %v", n, err)
	}
}
