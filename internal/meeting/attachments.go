package meeting

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// DefaultMaxAttachment bounds one attachment (10 MiB).
const DefaultMaxAttachment = 10 << 20

// SniffType returns the content type of an allowed attachment (jpeg, png,
// pdf, docx, xlsx) judged by its first bytes and, for the zip-based Office
// formats, by the parts it contains; "" if not allowed.
func SniffType(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(data, []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}):
		return "image/png"
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		// Office Open XML: the part names are stored uncompressed in the zip headers.
		switch {
		case bytes.Contains(data, []byte("word/")):
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		case bytes.Contains(data, []byte("xl/")):
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
	}
	return ""
}

func (s *Service) maxAttachment() int64 {
	if s.MaxAttachment > 0 {
		return s.MaxAttachment
	}
	return DefaultMaxAttachment
}

// AddAttachment stores a photo or document of a meeting.
func (s *Service) AddAttachment(ctx context.Context, meetingID int64, fileName string, r io.Reader) (Attachment, error) {
	if _, err := s.Get(ctx, meetingID); err != nil {
		return Attachment{}, err
	}
	if s.Protector == nil {
		return Attachment{}, errors.New("meeting: no key to seal attachments")
	}
	max := s.maxAttachment()
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return Attachment{}, err
	}
	if int64(len(data)) > max {
		return Attachment{}, apperr.InvalidField("file", fmt.Sprintf("附件不能超过 %d MB", max>>20))
	}
	if len(data) == 0 {
		return Attachment{}, apperr.InvalidField("file", "附件为空")
	}
	ct := SniffType(data)
	if ct == "" {
		return Attachment{}, apperr.InvalidField("file", "只能上传 JPG、PNG 照片或 PDF、Word（docx）、Excel（xlsx）文档")
	}
	fileName = strings.TrimSpace(filepath.Base(strings.ReplaceAll(fileName, `\`, "/")))
	if fileName == "" || fileName == "." || fileName == "/" {
		fileName = "附件"
	}
	if utf8.RuneCountInString(fileName) > 120 {
		fileName = string([]rune(fileName)[:120])
	}
	stored, err := newStoredName()
	if err != nil {
		return Attachment{}, err
	}
	p, err := s.Protector()
	if err != nil {
		return Attachment{}, err
	}
	sealed, err := p.SealBytes(data)
	if err != nil {
		return Attachment{}, err
	}
	a := Attachment{Name: fileName, ContentType: ct, Size: int64(len(data))}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.get(ctx, tx, meetingID); err != nil {
			return err
		}
		now := s.Now()
		a.CreatedAt = now
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO meeting_attachments (meeting_id, name, content_type, size, stored_name, sealed_data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			meetingID, a.Name, a.ContentType, a.Size, stored, sealed, store.FormatTime(now)).Scan(&a.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting.attachment", Entity: "meeting", EntityID: fmt.Sprint(meetingID), After: a})
	})
	return a, err
}

// OpenAttachment returns an attachment of a meeting in scope and its content.
func (s *Service) OpenAttachment(ctx context.Context, id int64) (Attachment, io.ReadCloser, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "m.party_org_id")
	if err != nil {
		return Attachment{}, nil, err
	}
	var a Attachment
	var stored, created string
	var sealed []byte
	err = s.DB.QueryRow(ctx, s.DB, `SELECT x.id, x.name, x.content_type, x.size, x.stored_name, x.sealed_data, x.created_at FROM meeting_attachments x
		JOIN meetings m ON m.id = x.meeting_id WHERE x.id = ? AND `+cond, append([]any{id}, args...)...).Scan(&a.ID, &a.Name, &a.ContentType, &a.Size, &stored, &sealed, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, apperr.NotFound("附件")
	}
	if err != nil {
		return a, nil, err
	}
	a.CreatedAt, _ = store.ParseTime(created)
	if sealed != nil {
		if s.Protector == nil {
			return a, nil, errors.New("meeting: no key to open attachments")
		}
		p, err := s.Protector()
		if err != nil {
			return a, nil, err
		}
		data, err := p.OpenBytes(sealed)
		if err != nil {
			return a, nil, fmt.Errorf("meeting: open attachment %d: %w", a.ID, err)
		}
		return a, io.NopCloser(bytes.NewReader(data)), nil
	}
	// A file of an earlier version that AdoptFiles has not moved in yet.
	if s.FilesDir == "" || !legacyName(stored) {
		return a, nil, apperr.NotFound("附件")
	}
	f, err := os.Open(filepath.Join(s.FilesDir, stored))
	if errors.Is(err, os.ErrNotExist) {
		return a, nil, apperr.NotFound("附件")
	}
	return a, f, err
}

func (s *Service) removeFiles(names []string) {
	for _, n := range names {
		if s.FilesDir != "" && legacyName(n) {
			os.Remove(filepath.Join(s.FilesDir, n))
		}
	}
}

// InDatabase prefixes the stored name of an attachment kept in the
// database (sealed_data), so that the backup, which copies the files of the
// data folder, knows which rows have a file there. The column stays unique.
const InDatabase = "db:"

// newStoredName returns the unique stored name of a new attachment.
func newStoredName() (string, error) {
	var rnd [16]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", err
	}
	return InDatabase + hex.EncodeToString(rnd[:]), nil
}

// legacyName reports whether a stored name is that of a file an earlier
// version wrote in the data folder: 32 hex digits and nothing else (no
// path can be built from anything else).
func legacyName(n string) bool {
	if len(n) != 32 {
		return false
	}
	_, err := hex.DecodeString(n)
	return err == nil
}

// AdoptFiles moves the attachments an earlier version kept in the data
// folder into the database, sealed, and deletes each file once its row
// holds it; it returns how many it moved and how many rows name a file that
// is not there (left as they are: they answer 404 as before, and another
// node that has the folder may still move them). Safe to run on several
// nodes at once: a row takes the first copy written.
func (s *Service) AdoptFiles(ctx context.Context) (moved, missing int, err error) {
	if s.FilesDir == "" || s.Protector == nil {
		return 0, 0, nil
	}
	type row struct {
		id     int64
		stored string
	}
	var todo []row
	rows, err := s.DB.Query(ctx, s.DB, `SELECT id, stored_name FROM meeting_attachments WHERE sealed_data IS NULL ORDER BY id`)
	if err != nil {
		return 0, 0, fmt.Errorf("读取会议附件失败：%w", err)
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.stored); err != nil {
			rows.Close()
			return 0, 0, err
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	if len(todo) == 0 {
		return 0, 0, nil
	}
	p, err := s.Protector()
	if err != nil {
		return 0, 0, err
	}
	for _, r := range todo {
		if !legacyName(r.stored) {
			missing++
			continue
		}
		path := filepath.Join(s.FilesDir, r.stored)
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			missing++
			continue
		}
		if err != nil {
			return moved, missing, fmt.Errorf("读取会议附件 %s 失败：%w", r.stored, err)
		}
		sealed, err := p.SealBytes(data)
		if err != nil {
			return moved, missing, err
		}
		res, err := s.DB.Exec(ctx, s.DB, `UPDATE meeting_attachments SET sealed_data = ?, stored_name = ? WHERE id = ? AND sealed_data IS NULL`,
			sealed, InDatabase+r.stored, r.id)
		if err != nil {
			return moved, missing, fmt.Errorf("保存会议附件 %s 失败：%w", r.stored, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			moved++
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return moved, missing, fmt.Errorf("删除已移入数据库的会议附件 %s 失败：%w", r.stored, err)
		}
	}
	return moved, missing, nil
}
