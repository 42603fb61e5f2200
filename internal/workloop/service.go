// Package workloop is the district's work loop (issue 16): 工作提示 (monthly
// work notices) and 学习清单 (quarterly study lists) published to a subtree
// with read receipts and item completions; 挂牌销号 tasks with a state
// machine; supervision plans (督导/调研) with visits and findings; and the
// documents attached to them. It has no HTTP types.
package workloop

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/sealedfile"
	"liangxin/internal/store"
)

// RectificationReader reads a 软弱涣散 rectification the caller may see
// (internal/assess); a task made from one links back to it.
type RectificationReader interface {
	RectificationBrief(ctx context.Context, id int64) (partyOrgID int64, title string, deadline string, err error)
}

// Service holds the dependencies of the work-loop use cases.
type Service struct {
	DB    *store.DB
	Audit *audit.Logger
	Now   func() time.Time
	// Rect reads rectifications for tasks made from them (may be nil: then
	// that origin is refused).
	Rect RectificationReader
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) today() string { return civil.Today(s.now()) }

func (s *Service) stamp() string { return store.FormatTime(s.now()) }

// Option is a code with its Chinese name.
type Option struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func optionName(opts []Option, code string) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Name
		}
	}
	return ""
}

func textField(bad *apperr.Error, field, label, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	if required && v == "" {
		bad.Field(field, "请填写"+label)
	}
	if utf8.RuneCountInString(v) > max {
		bad.Field(field, fmt.Sprintf("%s不能超过 %d 个字", label, max))
	}
	return v
}

func dateField(bad *apperr.Error, field, label, v string, required bool) string {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			bad.Field(field, "请填写"+label+"（YYYY-MM-DD）")
		}
		return ""
	}
	if _, err := civil.Read(v); err != nil {
		bad.Field(field, label+"格式应为 YYYY-MM-DD")
	}
	return v
}

func who(ctx context.Context) actor.Actor {
	a, _ := actor.From(ctx)
	return a
}

// overlapScope limits col (a region code a record is published or assigned
// to) to records inside the caller's scope or whose subtree contains it.
func overlapScope(ctx context.Context, col string) (string, []any, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return "", nil, apperr.Unauthenticated("")
	}
	if a.System {
		return "1=1", nil, nil
	}
	if a.Scope == "" {
		return "1=0", nil, nil
	}
	in, inArgs := store.PrefixRange(col, a.Scope)
	up, upArgs := store.AncestorsOf(col, a.Scope)
	return "(" + in + " OR " + up + ")", append(inArgs, upArgs...), nil
}

// streetJoin joins the street (level 4, the first nine digits) of the
// region code in col as st.
func streetJoin(col string) string {
	return ` LEFT JOIN regions st ON st.code = substr(` + col + `, 1, 9) AND st.level = 4`
}

// MaxFileBytes bounds one stored document (20 MiB).
const MaxFileBytes = 20 << 20

// File is a stored document (its content is served by OpenFile).
type File struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	CreatedAt   string `json:"created_at"`
}

const (
	ctPDF  = "application/pdf"
	ctDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	ctXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// SniffDocument returns the content type of an allowed document judged by
// its first bytes and, for the zip-based formats, by the entries that name
// the format (word/document.xml or xl/workbook.xml); "" otherwise.
func SniffDocument(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return ctPDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil || len(zr.File) > 2000 {
			return ""
		}
		for _, f := range zr.File {
			switch f.Name {
			case "word/document.xml":
				return ctDOCX
			case "xl/workbook.xml":
				return ctXLSX
			}
		}
	}
	return ""
}

// documentKind checks an uploaded document (the shared size and type checks
// of sealedfile; documents are stored as they came, see docs).
var documentKind = sealedfile.Kind{MaxBytes: MaxFileBytes, Sniff: SniffDocument,
	TooBig: fmt.Sprintf("每个附件不能超过 %d MB", MaxFileBytes>>20), Empty: "附件是空的", WrongType: "只能上传 PDF、Word（.docx）或 Excel（.xlsx）文件"}

func extFor(ct string) string {
	switch ct {
	case ctPDF:
		return ".pdf"
	case ctDOCX:
		return ".docx"
	case ctXLSX:
		return ".xlsx"
	}
	return ""
}

// Upload stores a document not yet attached to anything; the uploader
// attaches it by id (a notice, a completion, a task step). PDF, Word (.docx)
// or Excel (.xlsx) by content, at most MaxFileBytes.
func (s *Service) Upload(ctx context.Context, name string, r io.Reader) (File, error) {
	data, ct, err := documentKind.Read(r)
	if err != nil {
		return File{}, err
	}
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "" || name == "." || name == "/" || utf8.RuneCountInString(name) > 100 {
		name = "附件" + extFor(ct)
	}
	if !strings.HasSuffix(strings.ToLower(name), extFor(ct)) {
		name = strings.TrimSuffix(name, path.Ext(name)) + extFor(ct)
	}
	a := who(ctx)
	out := File{Name: name, ContentType: ct, Size: int64(len(data)), CreatedAt: s.stamp()}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO workloop_files (name, content_type, size, data, uploaded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, out.Name, ct, out.Size, data, a.UserID, out.CreatedAt).Scan(&out.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "workloop_file_upload", Entity: "workloop_file", EntityID: fmt.Sprint(out.ID), After: out})
	})
	if err != nil {
		return File{}, fmt.Errorf("workloop: upload: %w", err)
	}
	return out, nil
}

// attach binds unattached files uploaded by the caller to an owner; any
// other id is refused naming field.
func (s *Service) attach(ctx context.Context, tx *sql.Tx, field string, ids []int64, kind string, owner int64) error {
	a := who(ctx)
	for _, id := range ids {
		res, err := s.DB.Exec(ctx, tx, `UPDATE workloop_files SET owner_kind = ?, owner_id = ? WHERE id = ? AND owner_kind = '' AND (uploaded_by = ? OR ?)`,
			kind, owner, id, a.UserID, a.System)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.InvalidField(field, fmt.Sprintf("附件 %d 不存在、已被使用或不是您上传的", id))
		}
	}
	return nil
}

func (s *Service) files(ctx context.Context, q store.Querier, kind string, owner int64) ([]File, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT id, name, content_type, size, created_at FROM workloop_files WHERE owner_kind = ? AND owner_id = ? ORDER BY id`, kind, owner)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []File{}
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// OpenFile returns a document with its content when the caller may see
// what it is attached to (an unattached one: its uploader only); 404 otherwise.
func (s *Service) OpenFile(ctx context.Context, id int64) (File, []byte, error) {
	var f File
	var kind string
	var owner, by int64
	var data []byte
	err := s.DB.QueryRow(ctx, s.DB, `SELECT id, name, content_type, size, created_at, owner_kind, owner_id, uploaded_by, data FROM workloop_files WHERE id = ?`, id).
		Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.CreatedAt, &kind, &owner, &by, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, nil, apperr.NotFound("附件")
	}
	if err != nil {
		return File{}, nil, fmt.Errorf("workloop: open file: %w", err)
	}
	a := who(ctx)
	switch kind {
	case "":
		if !a.System && by != a.UserID {
			err = apperr.NotFound("附件")
		}
	case "notice":
		_, err = s.getNotice(ctx, s.DB, owner)
	case "completion":
		err = s.completionVisible(ctx, owner)
	case "task_event":
		err = s.taskEventVisible(ctx, owner)
	default:
		err = apperr.NotFound("附件")
	}
	if err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return File{}, nil, apperr.NotFound("附件")
		}
		return File{}, nil, err
	}
	return f, data, nil
}
