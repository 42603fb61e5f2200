package cli_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/cli"
	"liangxin/internal/config"
	"liangxin/internal/meeting"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

const (
	plantedID    = "430426199001100019"
	plantedPhone = "13812345678"
)

var districtCtx = actor.With(context.Background(), actor.Actor{Username: "d", Role: "district", Scope: "430426"})

// personal is what seedPersonal planted.
type personal struct {
	memberID, attachmentID int64
	attachmentSum          [32]byte
}

// openTarget opens the target's application the way serve does (key check
// included); the caller closes it.
func openTarget(tg target) (*app.App, error) {
	cfg := config.Default()
	cfg.DataDir, cfg.DB = tg.data, tg.db
	return app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// seedPersonal initialises the target and adds a member (sealed 身份证号 and
// phone) and a meeting with an attachment on disk.
func seedPersonal(t *testing.T, tg target) personal {
	t.Helper()
	if code, _, errOut := tg.run(t, "init", "--jurisdiction", "430426"); code != 0 {
		t.Fatal(errOut)
	}
	a, err := openTarget(tg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	name, cat, region, full := "红星个体户", "individual_business", "430426001", 3
	o, err := a.Orgs.Create(districtCtx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Party.Create(districtCtx, partyorg.Input{Name: "红星科技支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.Members.Create(districtCtx, member.Input{Name: "张三", Gender: "male", BirthDate: "1990-01-10", IDNumber: plantedID, Phone: plantedPhone, Category: "full", PartyOrgID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	mt, err := a.Meet.Create(districtCtx, meeting.Input{PartyOrgID: p.ID, Kind: meeting.KindThemeDay, Date: "2026-11-02", Topic: "学习", Presenter: "张书记"})
	if err != nil {
		t.Fatal(err)
	}
	png := append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, bytes.Repeat([]byte("现场照片"), 500)...)
	att, err := a.Meet.AddAttachment(districtCtx, mt.ID, "现场.png", bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	// The attachment is left as an earlier version stored it: a file in the
	// data folder and no sealed copy. The backup carries such files; the
	// next start-up (checkRestored) moves them into the database.
	stored := "0123456789abcdef0123456789abcdef"
	if err := os.MkdirAll(filepath.Join(tg.data, "attachments"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tg.data, "attachments", stored), png, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(districtCtx, a.DB, `UPDATE meeting_attachments SET sealed_data = NULL, stored_name = ? WHERE id = ?`, stored, att.ID); err != nil {
		t.Fatal(err)
	}
	return personal{memberID: m.ID, attachmentID: att.ID, attachmentSum: sha256.Sum256(png)}
}

// checkRestored opens the target like a restarted server and checks that the
// member reveals its 身份证号, is found by it, and the attachment downloads.
func checkRestored(t *testing.T, tg target, p personal) {
	t.Helper()
	a, err := openTarget(tg)
	if err != nil {
		t.Fatalf("start after restore: %v", err)
	}
	defer a.Close()
	m, err := a.Members.Get(districtCtx, p.memberID, true)
	if err != nil || m.IDNumber != plantedID || m.Phone != plantedPhone {
		t.Fatalf("reveal after restore: %+v %v", m, err)
	}
	found, n, err := a.Members.List(districtCtx, member.Filter{IDNumber: plantedID, Page: 1, PageSize: 10})
	if err != nil || n != store.Exact(1) || found[0].ID != p.memberID {
		t.Fatalf("look-up by 身份证号 after restore: %+v %v", n, err)
	}
	_, rc, err := a.Meet.OpenAttachment(districtCtx, p.attachmentID)
	if err != nil {
		t.Fatalf("attachment after restore: %v", err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if sha256.Sum256(b) != p.attachmentSum {
		t.Fatal("attachment content differs after restore")
	}
}

func writePassFile(t *testing.T, pass string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "pass")
	if err := os.WriteFile(f, []byte(pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestBackupRestoreOnNewMachine: one archive carries the database, the
// attachments and (with a passphrase) the wrapped key. On an empty machine a
// restore without the passphrase or with a wrong one fails and writes
// nothing; with the right one, reveals, look-ups and downloads work.
func TestBackupRestoreOnNewMachine(t *testing.T) {
	tg := newTarget(t)
	p := seedPersonal(t, tg)
	archive := filepath.Join(t.TempDir(), "liangxin.tar.gz")
	pass := writePassFile(t, "祁东两新 backup passphrase")
	if code, out, errOut := tg.run(t, "backup", "--out", archive, "--key-passphrase-file", pass); code != 0 || !strings.Contains(out, "1 个附件") {
		t.Fatalf("backup: %s %s", out, errOut)
	}
	origKey, _ := pdata.LoadKey(filepath.Join(tg.data, "data.key"))

	// The new machine: an empty data folder (PostgreSQL: the same database,
	// changed after the backup).
	fresh := target{data: t.TempDir(), db: tg.db}
	if tg.db != "" {
		if code, _, errOut := tg.run(t, "user", "create", "--username", "after", "--role", "readonly"); code != 0 {
			t.Fatal(errOut)
		}
	}
	untouched := func(label string) {
		t.Helper()
		ents, _ := os.ReadDir(fresh.data)
		var names []string
		for _, e := range ents {
			if e.Name() != "liangxin.lock" {
				names = append(names, e.Name())
			}
		}
		if len(names) != 0 {
			t.Fatalf("%s: the refused restore left %v", label, names)
		}
		if tg.db != "" && !strings.Contains(users(t, tg), "after") {
			t.Fatalf("%s: the refused restore changed the database", label)
		}
	}
	code, _, errOut := fresh.run(t, "restore", "--in", archive)
	if code == 0 || !strings.Contains(errOut, "--key-passphrase-file") {
		t.Fatalf("restore without key or passphrase: %d %s", code, errOut)
	}
	untouched("no passphrase")
	code, _, errOut = fresh.run(t, "restore", "--in", archive, "--key-passphrase-file", writePassFile(t, "a wrong passphrase here"))
	if code == 0 || !strings.Contains(errOut, "口令不正确") {
		t.Fatalf("restore with a wrong passphrase: %d %s", code, errOut)
	}
	untouched("wrong passphrase")

	// The passphrase may also come from the environment.
	fresh.vars = map[string]string{"LIANGXIN_KEY_PASSPHRASE": "祁东两新 backup passphrase"}
	if code, out, errOut := fresh.run(t, "restore", "--in", archive); code != 0 {
		t.Fatalf("restore: %s %s", out, errOut)
	}
	if k, err := pdata.LoadKey(filepath.Join(fresh.data, "data.key")); err != nil || pdata.Fingerprint(k) != pdata.Fingerprint(origKey) {
		t.Fatalf("restored key: %v", err)
	}
	if tg.db != "" && strings.Contains(users(t, tg), "after") {
		t.Fatal("restore kept a user created after the backup")
	}
	if !strings.HasSuffix(actions(t, fresh), ",meeting.attachment,backup_restore") {
		t.Fatalf("the restore is not the last entry of the restored trail: %s", actions(t, fresh))
	}
	checkRestored(t, fresh, p)
	if !strings.Contains(actions(t, tg), "backup_create") && tg.db == "" {
		t.Fatal("backup not audited")
	}
}

func users(t *testing.T, tg target) string {
	t.Helper()
	return column(t, tg, `SELECT username FROM users ORDER BY id`)
}

// actions lists the audit trail's actions.
func actions(t *testing.T, tg target) string {
	t.Helper()
	return column(t, tg, `SELECT action FROM audit_log ORDER BY id`)
}

func column(t *testing.T, tg target, query string) string {
	t.Helper()
	db, err := store.Open(context.Background(), tg.db, tg.data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		rows.Scan(&u)
		out = append(out, u)
	}
	return strings.Join(out, ",")
}

// rewrite copies a backup archive, letting edit change or drop entries.
func rewrite(t *testing.T, src, dst string, edit func(name string, data []byte) ([]byte, bool)) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	gz, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var buf bytes.Buffer
	ogz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(ogz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		data, keep := edit(h.Name, data)
		if !keep {
			continue
		}
		h.Size = int64(len(data))
		tw.WriteHeader(h)
		tw.Write(data)
	}
	tw.Close()
	ogz.Close()
	if err := os.WriteFile(dst, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreRefusesDamagedArchive: a missing attachment, a changed
// attachment, a changed database and a manifest whose counts differ are each
// refused, and the live data folder is left exactly as it was.
func TestRestoreRefusesDamagedArchive(t *testing.T) {
	tg := newTarget(t)
	p := seedPersonal(t, tg)
	archive := filepath.Join(t.TempDir(), "good.tar.gz")
	if code, out, errOut := tg.run(t, "backup", "--out", archive); code != 0 || !strings.Contains(out, "不含密钥") {
		t.Fatalf("backup: %s %s", out, errOut)
	}
	// A change after the backup, so an accidental restore shows.
	if code, _, errOut := tg.run(t, "user", "create", "--username", "after", "--role", "readonly"); code != 0 {
		t.Fatal(errOut)
	}
	before := users(t, tg)
	attDir := filepath.Join(tg.data, "attachments")
	listing := func() string {
		ents, _ := os.ReadDir(tg.data)
		var names []string
		for _, e := range ents {
			if e.Name() != "liangxin.lock" {
				names = append(names, e.Name())
			}
		}
		atts, _ := os.ReadDir(attDir)
		for _, e := range atts {
			names = append(names, "attachments/"+e.Name())
		}
		return strings.Join(names, ",")
	}
	beforeFiles := listing()
	cases := []struct {
		name, want string
		edit       func(string, []byte) ([]byte, bool)
	}{
		{"missing attachment", "缺少附件", func(n string, b []byte) ([]byte, bool) { return b, !strings.HasPrefix(n, "attachments/") }},
		{"changed attachment", "校验和", func(n string, b []byte) ([]byte, bool) {
			if strings.HasPrefix(n, "attachments/") {
				b = append([]byte{}, b...)
				b[len(b)-1] ^= 1
			}
			return b, true
		}},
		{"changed database", "校验和", func(n string, b []byte) ([]byte, bool) {
			if strings.HasPrefix(n, "database.") {
				b = append([]byte{}, b...)
				b[len(b)/2] ^= 1
			}
			return b, true
		}},
		{"changed count", "清单", func(n string, b []byte) ([]byte, bool) {
			if n != "manifest.json" {
				return b, true
			}
			var m map[string]any
			json.Unmarshal(b, &m)
			m["tables"].(map[string]any)["members"] = 2
			b, _ = json.Marshal(m)
			return b, true
		}},
	}
	for _, c := range cases {
		bad := filepath.Join(t.TempDir(), "bad.tar.gz")
		rewrite(t, archive, bad, c.edit)
		code, _, errOut := tg.run(t, "restore", "--in", bad)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: restore answered %d %q", c.name, code, errOut)
		}
		if got := users(t, tg); got != before {
			t.Fatalf("%s: the refused restore changed the database: %s", c.name, got)
		}
		if got := listing(); got != beforeFiles {
			t.Fatalf("%s: the refused restore changed the data folder:\n%s\n%s", c.name, got, beforeFiles)
		}
	}
	// A key file that does not open the backup's sealed values is refused too.
	keyFile := filepath.Join(tg.data, "data.key")
	right, _ := pdata.LoadKey(keyFile)
	other, _ := pdata.NewKey()
	if err := pdata.WriteKeyFile(keyFile, other); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := tg.run(t, "restore", "--in", archive); code == 0 || !strings.Contains(errOut, "不是加密该备份所用的密钥") {
		t.Errorf("restore with another key: %d %s", code, errOut)
	}
	if got := users(t, tg); got != before {
		t.Fatal("restore with another key changed the database")
	}
	if err := pdata.WriteKeyFile(keyFile, right); err != nil {
		t.Fatal(err)
	}
	// The untouched archive restores.
	if code, out, errOut := tg.run(t, "restore", "--in", archive); code != 0 {
		t.Fatalf("restore: %s %s", out, errOut)
	}
	if strings.Contains(users(t, tg), "after") {
		t.Fatal("restore did not replace the database")
	}
	checkRestored(t, tg, p)
}

// TestServeRefusesWithoutKey: a data folder whose database holds sealed
// values and no data.key (a restore without the key) does not start, names
// the key file and the documentation, and no key is created.
func TestServeRefusesWithoutKey(t *testing.T) {
	tg := newTarget(t)
	seedPersonal(t, tg)
	keyFile := filepath.Join(tg.data, "data.key")
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	env := tg.env()
	env.Stdout, env.Stderr = &out, &out
	started := false
	env.Ready = func(string) { started = true; cancel() }
	code := cli.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, env)
	if started || code == 0 {
		t.Fatalf("serve started without the key: %d %s", code, out.String())
	}
	if !strings.Contains(out.String(), keyFile) || !strings.Contains(out.String(), "docs/operations.md") {
		t.Fatalf("message: %s", out.String())
	}
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Fatal("serve created a key for a database with sealed values")
	}
}

// TestKeyRotateCommand: `liangxin key rotate` re-seals under a new key; the
// server starts on it and reveals and finds the member.
func TestKeyRotateCommand(t *testing.T) {
	tg := newTarget(t)
	p := seedPersonal(t, tg)
	old, _ := pdata.LoadKey(filepath.Join(tg.data, "data.key"))
	code, out, errOut := tg.run(t, "key", "rotate", "--batch", "1")
	if code != 0 || !strings.Contains(out, "密钥已轮换") {
		t.Fatalf("key rotate: %d %s %s", code, out, errOut)
	}
	k, _ := pdata.LoadKey(filepath.Join(tg.data, "data.key"))
	if pdata.Fingerprint(k) == pdata.Fingerprint(old) {
		t.Fatal("key unchanged")
	}
	if !strings.HasSuffix(actions(t, tg), ",key_rotate") {
		t.Fatalf("rotation not audited: %s", actions(t, tg))
	}
	checkRestored(t, tg, p)
}

// TestBackupRefusesMissingAttachment: an attachment the database lists but
// the disk lacks makes the backup fail instead of writing an archive whose
// restore would answer 404.
func TestBackupRefusesMissingAttachment(t *testing.T) {
	tg := newTarget(t)
	seedPersonal(t, tg)
	ents, _ := os.ReadDir(filepath.Join(tg.data, "attachments"))
	for _, e := range ents {
		os.Remove(filepath.Join(tg.data, "attachments", e.Name()))
	}
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	code, _, errOut := tg.run(t, "backup", "--out", archive)
	if code == 0 || !strings.Contains(errOut, "附件") {
		t.Fatalf("backup with a missing attachment: %d %s", code, errOut)
	}
	if _, err := os.Stat(archive); !os.IsNotExist(err) {
		t.Fatal("an incomplete archive was written")
	}
}

// TestRestoreLegacyNeedsConsent: a bare database file from an older version
// is refused unless --legacy=true says the operator accepts an unchecked
// restore without attachments.
func TestRestoreLegacyNeedsConsent(t *testing.T) {
	tg := newTarget(t)
	if tg.db != "" {
		t.Skip("SQLite file format")
	}
	if code, _, errOut := tg.run(t, "init", "--jurisdiction", "430426"); code != 0 {
		t.Fatal(errOut)
	}
	db, err := store.Open(context.Background(), "", tg.data)
	if err != nil {
		t.Fatal(err)
	}
	legacy := filepath.Join(t.TempDir(), "old.db")
	err = db.Backup(context.Background(), legacy)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := tg.run(t, "restore", "--in", legacy); code == 0 || !strings.Contains(errOut, "--legacy=true") {
		t.Fatalf("legacy restore without consent: %d %s", code, errOut)
	}
	if code, _, errOut := tg.run(t, "restore", "--in", legacy, "--legacy=true"); code != 0 {
		t.Fatalf("legacy restore: %s", errOut)
	}
}
