package app

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"liangxin/internal/config"
	"liangxin/internal/sheetimport"
)

// The temporary folder (where a large error workbook may spill) is private,
// and a start deletes the left-overs of a killed process but not a file
// another running process is still writing.
func TestResetTempDir(t *testing.T) {
	a := &App{Cfg: config.Config{DataDir: t.TempDir()}}
	dir := a.TempDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, fresh := filepath.Join(dir, "excelize-old"), filepath.Join(dir, "excelize-fresh")
	// A spooled upload keeps its name only where the system cannot remove
	// an open file's (sheetimport.Spool); a killed process's is a left-over.
	oldUpload := filepath.Join(dir, sheetimport.UploadPrefix+"123456")
	for _, f := range []string{old, fresh, oldUpload} {
		if err := os.WriteFile(f, []byte("13812345678"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * time.Hour)
	for _, f := range []string{old, oldUpload} {
		if err := os.Chtimes(f, past, past); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.resetTempDir(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{old, oldUpload} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("left-over %s kept: %v", filepath.Base(f), err)
		}
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a file in use was deleted: %v", err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("temporary folder mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
}
