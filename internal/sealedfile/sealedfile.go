// Package sealedfile is the one store of uploaded files kept sealed with the
// personal-data key (visit photos, wish photos, spending receipts): the size
// and type checks of an upload, sealing before the row is written, opening
// when it is served, and re-sealing every row under a new key at key
// rotation. Each file table keeps its own owner columns; the file itself is
// always the columns content_type, size, sealed_data and created_at of a
// table with an id. Files live in the database, never on a node's disk, so
// any app node behind a load balancer serves any of them (docs/decisions.md,
// "Stateless nodes").
package sealedfile

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"liangxin/internal/apperr"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// Content types the sniffers recognize.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	WebP = "image/webp"
	PDF  = "application/pdf"
)

// SniffImage returns the content type of an allowed photo (JPEG, PNG or
// WebP) judged by its first bytes, whatever the name or the declared type
// say; "" if it is none of them.
func SniffImage(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG
	case bytes.HasPrefix(data, []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}):
		return PNG
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP
	}
	return ""
}

// SniffImageOrPDF is SniffImage that also accepts a PDF.
func SniffImageOrPDF(data []byte) string {
	if ct := SniffImage(data); ct != "" {
		return ct
	}
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return PDF
	}
	return ""
}

// Kind describes one kind of sealed file: its size bound, its sniffer and
// the Chinese messages of a refused upload (each on the field "file").
type Kind struct {
	MaxBytes  int64
	Sniff     func([]byte) string
	TooBig    string // e.g. "每张照片不能超过 8 MB"
	Empty     string // e.g. "照片是空的"
	WrongType string // e.g. "只能上传 JPG、PNG 或 WebP 格式的照片"
}

// Read reads an upload of kind k: at most MaxBytes, not empty, of a type
// the sniffer knows (422 naming "file" otherwise).
func (k Kind) Read(r io.Reader) (data []byte, contentType string, err error) {
	data, err = io.ReadAll(io.LimitReader(r, k.MaxBytes+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(data)) > k.MaxBytes {
		return nil, "", apperr.InvalidField("file", k.TooBig)
	}
	if len(data) == 0 {
		return nil, "", apperr.InvalidField("file", k.Empty)
	}
	ct := k.Sniff(data)
	if ct == "" {
		return nil, "", apperr.InvalidField("file", k.WrongType)
	}
	return data, ct, nil
}

// Seal seals data with the personal-data key (p nil or failing to load is
// an error: a file is never stored in clear).
func Seal(protector func() (*pdata.Protector, error), data []byte) ([]byte, error) {
	p, err := protector()
	if err != nil {
		return nil, err
	}
	return p.SealBytes(data)
}

// Meta is the stored description of a sealed file.
type Meta struct {
	ContentType string
	Size        int64
	CreatedAt   string
}

// Open reads the file id of table whose owner column equals owner and opens
// it; sql.ErrNoRows when there is no such row (the caller names its 404).
func Open(ctx context.Context, db *store.DB, q store.Querier, protector func() (*pdata.Protector, error),
	table, ownerColumn string, owner, id int64) (Meta, []byte, error) {
	var m Meta
	var sealed []byte
	if err := db.QueryRow(ctx, q, `SELECT content_type, size, sealed_data, created_at FROM `+table+` WHERE id = ? AND `+ownerColumn+` = ?`,
		id, owner).Scan(&m.ContentType, &m.Size, &sealed, &m.CreatedAt); err != nil {
		return Meta{}, nil, err
	}
	p, err := protector()
	if err != nil {
		return Meta{}, nil, err
	}
	data, err := p.OpenBytes(sealed)
	if err != nil {
		return Meta{}, nil, fmt.Errorf("sealedfile: open %s %d: %w", table, id, err)
	}
	return m, data, nil
}

// Table is a table of sealed files and the Chinese name of its files.
type Table struct {
	Name  string
	Label string
}

// Tables are the tables of sealed files, re-sealed at key rotation (every
// table with a sealed_data column: TestEveryFileTableRotates). A
// meeting attachment of an earlier version has no sealed copy until the
// start-up moves it in (sealed_data NULL) and is left alone.
var Tables = []Table{
	{"instructor_visit_photos", "走访照片"},
	{"wish_photos", "微心愿照片"},
	{"funds_receipts", "经费支出票据"},
	{"cobuild_files", "共建项目佐证材料"},
	{"meeting_attachments", "会议附件"},
}

// Rotate re-seals the sealed_data column of every table of Tables under the
// new key, one transaction per row. A row that already opens with the new key
// is left (a resumed rotation); one that opens with neither key stops the
// rotation, since a file is a record, not a convenience copy.
func Rotate(ctx context.Context, db *store.DB, oldP, newP *pdata.Protector) error {
	for _, t := range Tables {
		if err := rotateTable(ctx, db, oldP, newP, t); err != nil {
			return err
		}
	}
	return nil
}

func rotateTable(ctx context.Context, db *store.DB, oldP, newP *pdata.Protector, t Table) error {
	var ids []int64
	rows, err := db.Query(ctx, db, `SELECT id FROM `+t.Name+` WHERE sealed_data IS NOT NULL ORDER BY id`)
	if err != nil {
		return fmt.Errorf("读取%s失败：%w", t.Label, err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if err := db.InTx(ctx, func(tx *sql.Tx) error {
			var blob []byte
			if err := db.QueryRow(ctx, tx, `SELECT sealed_data FROM `+t.Name+` WHERE id = ? AND sealed_data IS NOT NULL`, id).Scan(&blob); errors.Is(err, sql.ErrNoRows) {
				return nil // deleted meanwhile
			} else if err != nil {
				return err
			}
			if _, err := newP.OpenBytes(blob); err == nil {
				return nil
			}
			plain, err := oldP.OpenBytes(blob)
			if err != nil {
				return fmt.Errorf("%s %d 用原密钥无法解密", t.Label, id)
			}
			sealed, err := newP.SealBytes(plain)
			if err != nil {
				return err
			}
			_, err = db.Exec(ctx, tx, `UPDATE `+t.Name+` SET sealed_data = ? WHERE id = ?`, sealed, id)
			return err
		}); err != nil {
			return fmt.Errorf("重新加密%s失败：%w", t.Label, err)
		}
	}
	return nil
}
