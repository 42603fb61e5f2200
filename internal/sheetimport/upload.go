package sheetimport

import (
	"errors"
	"fmt"
	"io"
	"os"
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

// UploadPrefix begins the name of a spooled upload in the temporary folder.
const UploadPrefix = "upload-"

// ErrUploadTooLarge is Spool's answer when the upload has more than its
// limit.
var ErrUploadTooLarge = errors.New("sheetimport: upload larger than its limit")

// Upload is a spooled upload: an io.ReaderAt over a temporary file.
type Upload struct {
	f    *os.File
	size int64
	name string // the file's name while it still has one, else ""
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
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
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

// ReadAt reads the upload.
func (u *Upload) ReadAt(p []byte, off int64) (int, error) { return u.f.ReadAt(p, off) }

// Size is the upload's length in bytes.
func (u *Upload) Size() int64 { return u.size }

// Close closes and removes the temporary file.
func (u *Upload) Close() error {
	err := u.f.Close()
	if u.name != "" {
		if rerr := os.Remove(u.name); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
			err = rerr
		}
		u.name = ""
	}
	return err
}
