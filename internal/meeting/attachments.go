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
	if s.FilesDir == "" {
		return Attachment{}, errors.New("meeting: attachment directory not configured")
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
	var rnd [16]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return Attachment{}, err
	}
	stored := hex.EncodeToString(rnd[:])
	if err := os.MkdirAll(s.FilesDir, 0o700); err != nil {
		return Attachment{}, err
	}
	path := filepath.Join(s.FilesDir, stored)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return Attachment{}, err
	}
	a := Attachment{Name: fileName, ContentType: ct, Size: int64(len(data))}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.get(ctx, tx, meetingID); err != nil {
			return err
		}
		now := s.Now()
		a.CreatedAt = now
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO meeting_attachments (meeting_id, name, content_type, size, stored_name, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			meetingID, a.Name, a.ContentType, a.Size, stored, store.FormatTime(now)).Scan(&a.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "meeting.attachment", Entity: "meeting", EntityID: fmt.Sprint(meetingID), After: a})
	})
	if err != nil {
		os.Remove(path)
	}
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
	err = s.DB.QueryRow(ctx, s.DB, `SELECT x.id, x.name, x.content_type, x.size, x.stored_name, x.created_at FROM meeting_attachments x
		JOIN meetings m ON m.id = x.meeting_id WHERE x.id = ? AND `+cond, append([]any{id}, args...)...).Scan(&a.ID, &a.Name, &a.ContentType, &a.Size, &stored, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, apperr.NotFound("附件")
	}
	if err != nil {
		return a, nil, err
	}
	a.CreatedAt, _ = store.ParseTime(created)
	f, err := os.Open(filepath.Join(s.FilesDir, stored))
	if errors.Is(err, os.ErrNotExist) {
		return a, nil, apperr.NotFound("附件")
	}
	return a, f, err
}

func (s *Service) removeFiles(names []string) {
	for _, n := range names {
		os.Remove(filepath.Join(s.FilesDir, n))
	}
}
