package sheetimport

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// raw reads the spooled file's bytes as they are on the disk.
func raw(t *testing.T, u *Upload) []byte {
	t.Helper()
	b, err := io.ReadAll(io.NewSectionReader(u.f, 0, u.size))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A roster's identity numbers and phones never reach the disk in clear: the
// spooled bytes hold neither the uploaded text nor any of its 18-digit
// numbers, two uploads of the same data differ on the disk (a key per
// file), and every range read through ReadAt — at offsets on and off the
// cipher's 16-byte blocks, across block edges — equals the upload.
func TestSpoolIsEncryptedOnDisk(t *testing.T) {
	var plain bytes.Buffer
	for i := range 4000 {
		// 身份证号 and a mobile number on every line, as a roster has.
		plain.WriteString("张三,43042619900101")
		plain.WriteString([]string{"1234", "5678", "0011", "2233"}[i%4])
		plain.WriteString(",13800138000\n")
	}
	data := plain.Bytes()
	dir := t.TempDir()
	u1, err := Spool(bytes.NewReader(data), dir, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer u1.Close()
	u2, err := Spool(bytes.NewReader(data), dir, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer u2.Close()

	d1, d2 := raw(t, u1), raw(t, u2)
	if len(d1) != len(data) {
		t.Fatalf("%d bytes on disk, want %d", len(d1), len(data))
	}
	for _, needle := range []string{"430426199001011234", "13800138000", "张三"} {
		if bytes.Contains(d1, []byte(needle)) {
			t.Errorf("the spooled file holds %q in clear", needle)
		}
	}
	if bytes.Equal(d1, d2) {
		t.Error("two uploads of the same data are the same bytes on disk: the key is not per file")
	}

	// Every range reads back, whatever its alignment.
	r := rand.New(rand.NewPCG(1, 2))
	offs := []int{0, 1, 15, 16, 17, 31, 32, len(data) - 1}
	for range 200 {
		offs = append(offs, r.IntN(len(data)))
	}
	for _, off := range offs {
		n := 1 + r.IntN(70)
		if off+n > len(data) {
			n = len(data) - off
		}
		p := make([]byte, n)
		if _, err := u1.ReadAt(p, int64(off)); err != nil {
			t.Fatalf("ReadAt(%d, %d bytes): %v", off, n, err)
		}
		if !bytes.Equal(p, data[off:off+n]) {
			t.Fatalf("ReadAt(%d, %d bytes) = %q, want %q", off, n, p, data[off:off+n])
		}
	}
}

// The counter for a block past the low 64 bits' wrap carries into the high
// half, as cipher.NewCTR counts: a stream started at the file's first
// counter and one started at the block's own counter agree.
func TestSpoolCounterCarries(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 8)
	u, err := Spool(bytes.NewReader(data), t.TempDir(), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	// Re-encrypt from a counter whose low half is about to wrap.
	for i := 8; i < 16; i++ {
		u.iv[i] = 0xff
	}
	u.iv[15] = 0xfd // blocks 0–2 before the wrap, 3 onwards after it
	enc := bytes.Clone(data)
	u.xorAt(enc, 0) // the whole file as one stream from the first counter
	if _, err := u.f.WriteAt(enc, 0); err != nil {
		t.Fatal(err)
	}
	for off := 0; off < len(data); off += 5 {
		p := make([]byte, min(11, len(data)-off))
		if _, err := u.ReadAt(p, int64(off)); err != nil || !bytes.Equal(p, data[off:off+len(p)]) {
			t.Fatalf("ReadAt(%d) = %q, %v; want %q", off, p, err, data[off:off+len(p)])
		}
	}
}
