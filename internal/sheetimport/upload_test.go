package sheetimport_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"liangxin/internal/sheetimport"
)

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// A spooled upload reads back byte for byte, has no name in the folder
// while it is open (Linux: a killed process leaves nothing), and is gone
// once closed.
func TestSpoolReadsBackAndLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	data := bytes.Repeat([]byte("两新组织台账,0123456789\n"), 5000) // 30 bytes × 5,000
	u, err := sheetimport.Spool(bytes.NewReader(data), dir, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if u.Size() != 150000 {
		t.Fatalf("size %d, want 150000", u.Size())
	}
	got, err := io.ReadAll(io.NewSectionReader(u, 0, u.Size()))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes (err %v), want the %d uploaded", len(got), err, len(data))
	}
	// A read in the middle (the zip reader jumps to the central directory).
	p := make([]byte, 10)
	if _, err := u.ReadAt(p, 30*7+19); err != nil || string(p) != "0123456789" {
		t.Fatalf("ReadAt(229) = %q, %v", p, err)
	}
	if runtime.GOOS == "linux" {
		if names := entries(t, dir); len(names) != 0 {
			t.Errorf("an open upload has a name in the temporary folder: %v", names)
		}
	}
	if err := u.Close(); err != nil {
		t.Fatal(err)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("a closed upload left %v", names)
	}
}

// An upload over its limit is refused, and nothing of it stays.
func TestSpoolRefusesAnUploadOverItsLimit(t *testing.T) {
	dir := t.TempDir()
	if _, err := sheetimport.Spool(strings.NewReader("12345"), dir, 5); err != nil {
		t.Fatalf("an upload of exactly the limit: %v", err)
	}
	_, err := sheetimport.Spool(strings.NewReader("123456"), dir, 5)
	if !errors.Is(err, sheetimport.ErrUploadTooLarge) {
		t.Fatalf("6 bytes with a limit of 5: %v, want ErrUploadTooLarge", err)
	}
	if names := entries(t, dir); len(names) > 1 { // the first, never closed, may keep its name off Linux
		t.Errorf("a refused upload left %v", names)
	}
}
