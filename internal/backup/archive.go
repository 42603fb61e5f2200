// Package backup writes and restores one archive holding everything a
// Liangxin installation needs: the database (a SQLite snapshot or a pg_dump),
// the meeting attachments, a manifest (format version, time, row counts per
// table, SHA-256 of every file, the fingerprint of the personal-data key) and,
// only when asked with a passphrase, the data key wrapped by it.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Archive entry names.
const (
	ManifestName   = "manifest.json"
	SQLiteName     = "database.db"
	PostgresName   = "database.dump"
	WrappedKeyName = "data.key.wrapped"
	AttachmentsDir = "attachments"
	formatName     = "liangxin-backup"
	// FormatVersion is the archive format this binary writes and reads.
	FormatVersion = 1
)

// AttachmentsFolder is where the attachments live inside the data folder
// (meeting.Service.FilesDir as wired in internal/app).
func AttachmentsFolder(dataDir string) string { return filepath.Join(dataDir, AttachmentsDir) }

// File is one file of the archive with its size and SHA-256.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest describes an archive; restore checks the archive against it.
type Manifest struct {
	Format        string           `json:"format"`
	Version       int              `json:"version"`
	CreatedAt     time.Time        `json:"created_at"`
	Dialect       string           `json:"dialect"`
	SchemaVersion int              `json:"schema_version"`
	Database      File             `json:"database"`
	Tables        map[string]int64 `json:"tables"`
	Attachments   []File           `json:"attachments"`
	// KeyFingerprint identifies the key that opens the sealed values ("" when
	// the database holds none); the key itself is never in the manifest.
	KeyFingerprint string `json:"key_fingerprint"`
	KeyIncluded    bool   `json:"key_included"`
}

// hashingWriter counts and hashes what passes through.
type hashingWriter struct {
	w io.Writer
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
	n int64
}

func newHashingWriter(w io.Writer) *hashingWriter { return &hashingWriter{w: w, h: sha256.New()} }

func (hw *hashingWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

func (hw *hashingWriter) file(name string) File {
	return File{Name: name, Size: hw.n, SHA256: hex.EncodeToString(hw.h.Sum(nil))}
}

// archiveWriter writes a gzip-compressed tar.
type archiveWriter struct {
	f  *os.File
	gz *gzip.Writer
	tw *tar.Writer
}

func newArchiveWriter(f *os.File) *archiveWriter {
	gz := gzip.NewWriter(f)
	return &archiveWriter{f: f, gz: gz, tw: tar.NewWriter(gz)}
}

// addFile copies the file at src into the archive as name and returns its checksum.
func (a *archiveWriter) addFile(name, src string) (File, error) {
	in, err := os.Open(src)
	if err != nil {
		return File{}, err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return File{}, err
	}
	if err := a.tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		return File{}, err
	}
	hw := newHashingWriter(a.tw)
	if n, err := io.Copy(hw, in); err != nil {
		return File{}, err
	} else if n != st.Size() {
		return File{}, fmt.Errorf("文件 %s 在备份过程中被改动", src)
	}
	return hw.file(name), nil
}

func (a *archiveWriter) addBytes(name string, b []byte, mod time.Time) error {
	if err := a.tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: mod, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		return err
	}
	_, err := a.tw.Write(b)
	return err
}

func (a *archiveWriter) close() error {
	if err := a.tw.Close(); err != nil {
		return err
	}
	if err := a.gz.Close(); err != nil {
		return err
	}
	if err := a.f.Sync(); err != nil {
		return err
	}
	return a.f.Close()
}

// extracted is an archive unpacked into a staging folder, with the checksum
// of every file as read.
type extracted struct {
	dir         string
	manifest    Manifest
	database    File
	dbPath      string
	wrappedKey  []byte
	attachments map[string]File // by name inside attachments/
}

// validAttachmentName accepts a plain file name (no folders, no dots only).
func validAttachmentName(n string) bool {
	return n != "" && n != "." && n != ".." && !strings.ContainsAny(n, `/\`) && !strings.HasPrefix(n, ".")
}

// extract unpacks the archive into dir, refusing anything but the known entries.
func extract(file, dir string) (*extracted, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("找不到备份文件 %s", file)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, errNotArchive
	}
	tr := tar.NewReader(gz)
	x := &extracted{dir: dir, attachments: map[string]File{}}
	var manifestRaw []byte
	if err := os.Mkdir(filepath.Join(dir, AttachmentsDir), 0o700); err != nil {
		return nil, err
	}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("备份文件已损坏（读取失败：%v）", err)
		}
		if h.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("备份文件含有不应有的条目 %q", h.Name)
		}
		switch name := h.Name; {
		case name == ManifestName:
			if manifestRaw, err = io.ReadAll(io.LimitReader(tr, 64<<20)); err != nil {
				return nil, err
			}
		case name == WrappedKeyName:
			if x.wrappedKey, err = io.ReadAll(io.LimitReader(tr, 1<<20)); err != nil {
				return nil, err
			}
		case name == SQLiteName || name == PostgresName:
			x.dbPath = filepath.Join(dir, name)
			if x.database, err = writeEntry(tr, x.dbPath, name); err != nil {
				return nil, err
			}
		case strings.HasPrefix(name, AttachmentsDir+"/") && validAttachmentName(strings.TrimPrefix(name, AttachmentsDir+"/")):
			base := strings.TrimPrefix(name, AttachmentsDir+"/")
			fe, err := writeEntry(tr, filepath.Join(dir, AttachmentsDir, base), name)
			if err != nil {
				return nil, err
			}
			x.attachments[base] = fe
		default:
			return nil, fmt.Errorf("备份文件含有不应有的条目 %q", h.Name)
		}
	}
	if manifestRaw == nil {
		return nil, errors.New("备份文件缺少清单 manifest.json，不是完整的 liangxin 备份")
	}
	if err := json.Unmarshal(manifestRaw, &x.manifest); err != nil || x.manifest.Format != formatName {
		return nil, errors.New("备份清单 manifest.json 无法识别")
	}
	return x, nil
}

func writeEntry(r io.Reader, dst, name string) (File, error) {
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return File{}, fmt.Errorf("备份文件中 %s 重复或无法写出：%w", name, err)
	}
	hw := newHashingWriter(out)
	if _, err := io.Copy(hw, r); err != nil {
		out.Close()
		return File{}, fmt.Errorf("备份文件已损坏（%s 读取失败：%v）", name, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return File{}, err
	}
	return hw.file(name), out.Close()
}

var errNotArchive = errors.New("不是 liangxin 备份归档（.tar.gz）")

// IsLegacy reports whether file is not an archive (a bare database file or
// dump made by an older version).
func IsLegacy(file string) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [2]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		return false
	}
	return magic != [2]byte{0x1f, 0x8b}
}

// checkFiles compares the files read from the archive with the manifest.
func (x *extracted) checkFiles() error {
	m := x.manifest
	if m.Version != FormatVersion {
		return fmt.Errorf("备份格式版本 %d 不受本程序支持（支持 %d）", m.Version, FormatVersion)
	}
	if x.dbPath == "" || x.database.Name != m.Database.Name {
		return fmt.Errorf("备份文件缺少数据库 %s", m.Database.Name)
	}
	if x.database.SHA256 != m.Database.SHA256 || x.database.Size != m.Database.Size {
		return fmt.Errorf("备份中的数据库 %s 校验和与清单不符（文件已损坏或被改动）", m.Database.Name)
	}
	listed := map[string]bool{}
	for _, a := range m.Attachments {
		base := path.Base(a.Name)
		listed[base] = true
		got, ok := x.attachments[base]
		if !ok {
			return fmt.Errorf("备份中缺少附件 %s", a.Name)
		}
		if got.SHA256 != a.SHA256 || got.Size != a.Size {
			return fmt.Errorf("备份中的附件 %s 校验和（SHA-256）与清单不符", a.Name)
		}
	}
	for n := range x.attachments {
		if !listed[n] {
			return fmt.Errorf("备份中的附件 %s 不在清单中", n)
		}
	}
	if m.KeyIncluded != (x.wrappedKey != nil) {
		return errors.New("备份中的密钥与清单不符")
	}
	return nil
}

func jsonIndent(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }
