package sheetimport

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/emmansun/gmsm/sm4"
)

// An upload is spooled to a temporary file while it is imported, not held
// in memory (issue 12 item 2: the 12 MB of a 200,000-row upload were a
// quarter of the import's live heap). The reader (xlsx) reads it through
// io.ReaderAt with its streaming limits unchanged.
//
// The file is created in the server's private temporary folder and, where
// the system allows it (Linux, the BSDs, macOS), its name is removed at
// once: the open file stays readable, no other process can open it, and
// the system frees it when it is closed or the process dies, so a killed
// import leaves nothing behind. Elsewhere (Windows) the name stays until
// Close, and the start-up clean-up of the temporary folder removes what a
// killed process left (app.resetTempDir, files older than an hour).
//
// A roster upload holds 身份证号 and phone numbers. A removed name does not
// wipe the file's blocks, so the upload is written encrypted (security.md:
// personal data is never on disk in clear): SM4 in counter mode under a key
// and counter made for this one file, held only in the process's memory and
// dropped at Close. Counter mode lets ReadAt decrypt any range on its own,
// which the zip reader needs. What is left on the disk after a crash or a
// Close is unreadable without a key that no longer exists.

// UploadPrefix begins the name of a spooled upload in the temporary folder.
const UploadPrefix = "upload-"

// ErrUploadTooLarge is Spool's answer when the upload has more than its
// limit.
var ErrUploadTooLarge = errors.New("sheetimport: upload larger than its limit")

// Upload is a spooled upload: an io.ReaderAt over a temporary file.
type Upload struct {
	f     *os.File
	size  int64
	name  string // the file's name while it still has one, else ""
	block cipher.Block
	iv    [sm4.BlockSize]byte // the counter of the file's first block
}

// Spool copies r (at most limit bytes, else ErrUploadTooLarge) into a new
// temporary file in dir (os.TempDir() when empty). Close removes it.
func Spool(r io.Reader, dir string, limit int64) (*Upload, error) {
	f, err := os.CreateTemp(dir, UploadPrefix+"*") // mode 0600
	if errors.Is(err, os.ErrNotExist) && dir != "" {
		// The folder is made at start-up (app.resetTempDir); a server
		// built without it (tests, tools) makes it here, private.
		if err = os.MkdirAll(dir, 0o700); err == nil {
			f, err = os.CreateTemp(dir, UploadPrefix+"*")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("sheetimport: spool upload: %w", err)
	}
	u := &Upload{f: f, name: f.Name()}
	if os.Remove(u.name) == nil {
		u.name = ""
	}
	var key [sm4.BlockSize]byte
	if _, err := rand.Read(key[:]); err != nil {
		u.Close()
		return nil, fmt.Errorf("sheetimport: spool key: %w", err)
	}
	_, _ = rand.Read(u.iv[:])
	u.block, err = sm4.NewCipher(key[:])
	clear(key[:])
	if err != nil {
		u.Close()
		return nil, fmt.Errorf("sheetimport: spool cipher: %w", err)
	}
	enc := &cipher.StreamWriter{S: cipher.NewCTR(u.block, u.iv[:]), W: f}
	n, err := io.Copy(enc, io.LimitReader(r, limit+1))
	if err == nil && n > limit {
		err = ErrUploadTooLarge
	}
	if err != nil {
		u.Close()
		return nil, err
	}
	u.size = n
	return u, nil
}

// ReadAt reads the upload, decrypting the bytes read.
func (u *Upload) ReadAt(p []byte, off int64) (int, error) {
	if u.block == nil {
		return 0, os.ErrClosed
	}
	n, err := u.f.ReadAt(p, off)
	if n > 0 {
		u.xorAt(p[:n], off)
	}
	return n, err
}

// xorAt applies the key stream at byte offset off of the file to p: the
// counter of the block holding off is the file's first counter plus the
// block's number (a 128-bit big-endian sum, as cipher.NewCTR counts), and
// the first off%16 bytes of that block's stream are skipped.
func (u *Upload) xorAt(p []byte, off int64) {
	var ctr [sm4.BlockSize]byte
	hi := binary.BigEndian.Uint64(u.iv[:8])
	lo := binary.BigEndian.Uint64(u.iv[8:])
	add := uint64(off) / sm4.BlockSize
	sum := lo + add
	if sum < lo {
		hi++
	}
	binary.BigEndian.PutUint64(ctr[:8], hi)
	binary.BigEndian.PutUint64(ctr[8:], sum)
	s := cipher.NewCTR(u.block, ctr[:])
	if skip := int(uint64(off) % sm4.BlockSize); skip > 0 {
		var discard [sm4.BlockSize]byte
		s.XORKeyStream(discard[:skip], discard[:skip])
	}
	s.XORKeyStream(p, p)
}

// Size is the upload's length in bytes.
func (u *Upload) Size() int64 { return u.size }

// Close closes and removes the temporary file and forgets its key.
func (u *Upload) Close() error {
	u.block = nil
	err := u.f.Close()
	if u.name != "" {
		if rerr := os.Remove(u.name); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
			err = rerr
		}
		u.name = ""
	}
	return err
}
