package meeting_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"liangxin/internal/meeting"
	"liangxin/internal/pdata"
	"liangxin/internal/sealedfile"
	"liangxin/internal/testenv"
)

// TestAttachmentsLiveInTheDatabase: a new attachment writes nothing in the
// data folder; its row holds the file sealed (the bytes do not appear in
// clear) and it opens on a service whose folder is another node's.
func TestAttachmentsLiveInTheDatabase(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("数据库附件党支部", testenv.Hongqiao)
	m := k.meet(p.ID, meeting.KindThemeDay, "2026-11-02")
	png := append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, []byte(strings.Repeat("会议现场照片", 40))...)
	a, err := k.e.App.Meet.AddAttachment(k.ctx, m.ID, "现场.png", bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(k.e.App.Meet.FilesDir); len(ents) != 0 {
		t.Errorf("files written in the data folder: %d", len(ents))
	}
	var stored string
	var sealed []byte
	db := k.e.App.DB
	if err := db.QueryRow(k.ctx, db, `SELECT stored_name, sealed_data FROM meeting_attachments WHERE id = ?`, a.ID).Scan(&stored, &sealed); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored, meeting.InDatabase) || len(sealed) == 0 || bytes.Contains(sealed, []byte("会议现场照片")) {
		t.Fatalf("stored %q, %d sealed bytes (clear text inside: %v)", stored, len(sealed), bytes.Contains(sealed, []byte("会议现场照片")))
	}
	other := *k.e.App.Meet
	other.FilesDir = t.TempDir()
	_, rc, err := other.OpenAttachment(k.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, png) {
		t.Fatalf("other node reads %d bytes, want %d", len(got), len(png))
	}
}

// TestLegacyAttachmentsAdopted: a file an earlier version wrote in the data
// folder is read from there until AdoptFiles moves it into the database,
// sealed, and deletes the file; a row whose file is gone is counted missing
// and left as it is; a second run moves nothing.
func TestLegacyAttachmentsAdopted(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("旧附件党支部", testenv.Hongqiao)
	m := k.meet(p.ID, meeting.KindThemeDay, "2026-11-02")
	db := k.e.App.DB
	dir := k.e.App.Meet.FilesDir
	pdf := []byte("%PDF-1.7 旧版本保存的会议记录")
	legacy := func(stored string, write bool) int64 {
		t.Helper()
		if write {
			if err := os.WriteFile(filepath.Join(dir, stored), pdf, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		var id int64
		if err := db.QueryRow(k.ctx, db, `INSERT INTO meeting_attachments (meeting_id, name, content_type, size, stored_name, created_at)
			VALUES (?, '记录.pdf', 'application/pdf', ?, ?, '2026-11-02T08:00:00.000000Z') RETURNING id`, m.ID, len(pdf), stored).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	onDisk := legacy("00112233445566778899aabbccddeeff", true)
	gone := legacy("ffeeddccbbaa99887766554433221100", false)
	read := func(id int64) []byte {
		t.Helper()
		_, rc, err := k.e.App.Meet.OpenAttachment(k.ctx, id)
		if err != nil {
			t.Fatalf("open %d: %v", id, err)
		}
		defer rc.Close()
		b, _ := io.ReadAll(rc)
		return b
	}
	if got := read(onDisk); !bytes.Equal(got, pdf) {
		t.Fatalf("legacy read before adoption: %q", got)
	}
	moved, missing, err := k.e.App.Meet.AdoptFiles(k.ctx)
	if err != nil || moved != 1 || missing != 1 {
		t.Fatalf("adopt: moved %d missing %d %v, want 1 1", moved, missing, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "00112233445566778899aabbccddeeff")); !os.IsNotExist(err) {
		t.Errorf("file still on disk after adoption: %v", err)
	}
	if got := read(onDisk); !bytes.Equal(got, pdf) {
		t.Fatalf("read after adoption: %q", got)
	}
	var stored string
	if err := db.QueryRow(k.ctx, db, `SELECT stored_name FROM meeting_attachments WHERE id = ?`, onDisk).Scan(&stored); err != nil || stored != "db:00112233445566778899aabbccddeeff" {
		t.Errorf("stored name after adoption: %q %v", stored, err)
	}
	if _, _, err := k.e.App.Meet.OpenAttachment(k.ctx, gone); err == nil {
		t.Error("an attachment whose file is gone opens")
	}
	moved, missing, err = k.e.App.Meet.AdoptFiles(k.ctx)
	if err != nil || moved != 0 || missing != 1 {
		t.Errorf("second run: moved %d missing %d %v, want 0 1", moved, missing, err)
	}
}

// TestRotateReSealsAttachments: a key rotation re-seals the attachments
// kept in the database and passes over a row an earlier version left on
// disk (no sealed copy yet) instead of stopping.
func TestRotateReSealsAttachments(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("轮换附件党支部", testenv.Hongqiao)
	m := k.meet(p.ID, meeting.KindThemeDay, "2026-11-02")
	pdf := []byte("%PDF-1.7 轮换前保存")
	a, err := k.e.App.Meet.AddAttachment(k.ctx, m.ID, "记录.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	db := k.e.App.DB
	if _, err := db.Exec(k.ctx, db, `INSERT INTO meeting_attachments (meeting_id, name, content_type, size, stored_name, created_at)
		VALUES (?, '旧.pdf', 'application/pdf', 3, '00112233445566778899aabbccddeeff', '2026-11-02T08:00:00.000000Z')`, m.ID); err != nil {
		t.Fatal(err)
	}
	key, err := pdata.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	newP, err := pdata.New(key, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := sealedfile.Rotate(k.ctx, db, k.e.App.Prot, newP); err != nil {
		t.Fatalf("rotate: %v", err)
	}
	var blob []byte
	if err := db.QueryRow(k.ctx, db, `SELECT sealed_data FROM meeting_attachments WHERE id = ?`, a.ID).Scan(&blob); err != nil {
		t.Fatal(err)
	}
	if got, err := newP.OpenBytes(blob); err != nil || !bytes.Equal(got, pdf) {
		t.Errorf("with the new key: %q %v", got, err)
	}
	if _, err := k.e.App.Prot.OpenBytes(blob); err == nil {
		t.Error("the old key still opens the attachment")
	}
}
