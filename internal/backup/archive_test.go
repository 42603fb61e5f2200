package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func archiveOf(t *testing.T, entries map[string]string, typ byte) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range entries {
		h := &tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: typ}
		if typ == tar.TypeSymlink {
			h.Size, h.Linkname = 0, "/etc/passwd"
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			tw.Write([]byte(body))
		}
	}
	tw.Close()
	gz.Close()
	f := filepath.Join(t.TempDir(), "a.tar.gz")
	if err := os.WriteFile(f, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestExtractRefusesForeignEntries: only the known entries are unpacked;
// paths that climb out of the staging folder, folders inside attachments,
// links and unknown files are refused.
func TestExtractRefusesForeignEntries(t *testing.T) {
	for _, name := range []string{"../evil", "attachments/../../evil", "attachments/sub/x", "attachments/.hidden", "/etc/cron.d/x", "notes.txt"} {
		stage := t.TempDir()
		_, err := extract(archiveOf(t, map[string]string{name: "x"}, tar.TypeReg), stage)
		if err == nil || !strings.Contains(err.Error(), "不应有的条目") {
			t.Errorf("%q: %v", name, err)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(stage), "evil")); err == nil {
			t.Fatalf("%q escaped the staging folder", name)
		}
	}
	if _, err := extract(archiveOf(t, map[string]string{"attachments/abc": ""}, tar.TypeSymlink), t.TempDir()); err == nil {
		t.Error("symlink accepted")
	}
	if _, err := extract(archiveOf(t, map[string]string{"attachments/abc": "x"}, tar.TypeReg), t.TempDir()); err == nil || !strings.Contains(err.Error(), "manifest") {
		t.Errorf("archive without manifest: %v", err)
	}
	plain := filepath.Join(t.TempDir(), "old.db")
	os.WriteFile(plain, []byte("SQLite format 3\x00"), 0o600)
	if !IsLegacy(plain) {
		t.Error("bare database not recognised as legacy")
	}
	if _, err := extract(plain, t.TempDir()); err == nil {
		t.Error("bare database extracted")
	}
}
