package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/sealedfile"
	"liangxin/internal/store"
)

// MaxReceiptBytes bounds one receipt (8 MiB).
const MaxReceiptBytes = 8 << 20

// MaxReceiptsPerEntry bounds the receipts of one spending.
const MaxReceiptsPerEntry = 9

// Receipt is an attachment of a spending; the file is served by OpenReceipt.
type Receipt struct {
	ID          int64  `json:"id"`
	EntryID     int64  `json:"entry_id"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	CreatedAt   string `json:"created_at"`
}

// SniffReceipt returns the content type of an allowed receipt (JPEG, PNG,
// WebP or PDF) judged by its first bytes; "" otherwise.
func SniffReceipt(data []byte) string { return sealedfile.SniffImageOrPDF(data) }

// receiptKind is the sealed-file kind of a spending receipt.
var receiptKind = sealedfile.Kind{MaxBytes: MaxReceiptBytes, Sniff: sealedfile.SniffImageOrPDF,
	TooBig: fmt.Sprintf("每张票据不能超过 %d MB", MaxReceiptBytes>>20), Empty: "票据文件是空的", WrongType: "票据只能是 JPG、PNG、WebP 图片或 PDF 文件"}

// AddReceipt attaches a receipt to a spending in the caller's scope. The
// file is sealed with the personal-data key before it is stored.
func (s *Service) AddReceipt(ctx context.Context, entryID int64, r io.Reader) (Receipt, error) {
	e, err := s.visibleEntry(ctx, s.DB, entryID)
	if err != nil {
		return Receipt{}, err
	}
	if e.Kind != EntrySpending || e.ReversesID != nil {
		return Receipt{}, apperr.InvalidField("file", "只有支出记录可以上传票据")
	}
	data, ct, err := receiptKind.Read(r)
	if err != nil {
		return Receipt{}, err
	}
	sealed, err := sealedfile.Seal(s.Protector, data)
	if err != nil {
		return Receipt{}, err
	}
	out := Receipt{EntryID: entryID, ContentType: ct, Size: int64(len(data)), CreatedAt: s.stamp()}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM funds_receipts WHERE entry_id = ?`, entryID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxReceiptsPerEntry {
			return apperr.InvalidField("file", fmt.Sprintf("每笔支出最多上传 %d 张票据", MaxReceiptsPerEntry))
		}
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO funds_receipts (entry_id, content_type, size, sealed_data, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, entryID, ct, out.Size, sealed, username(ctx), out.CreatedAt).Scan(&out.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "funds_receipt_add", Entity: "party_org", EntityID: fmt.Sprint(e.PartyOrgID), After: out})
	})
	if err != nil {
		return Receipt{}, fmt.Errorf("funds: add receipt: %w", err)
	}
	return out, nil
}

// OpenReceipt returns a receipt of a spending in the caller's scope, opened.
func (s *Service) OpenReceipt(ctx context.Context, entryID, receiptID int64) (Receipt, []byte, error) {
	if _, err := s.visibleEntry(ctx, s.DB, entryID); err != nil {
		return Receipt{}, nil, err
	}
	m, data, err := sealedfile.Open(ctx, s.DB, s.DB, s.Protector, "funds_receipts", "entry_id", entryID, receiptID)
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, nil, apperr.NotFound("票据")
	}
	if err != nil {
		return Receipt{}, nil, fmt.Errorf("funds: open receipt %d: %w", receiptID, err)
	}
	return Receipt{ID: receiptID, EntryID: entryID, ContentType: m.ContentType, Size: m.Size, CreatedAt: m.CreatedAt}, data, nil
}

func (s *Service) loadReceipts(ctx context.Context, q store.Querier, es []*Entry) error {
	if len(es) == 0 {
		return nil
	}
	byID := map[int64]*Entry{}
	ids := make([]any, 0, len(es))
	for _, e := range es {
		byID[e.ID] = e
		ids = append(ids, e.ID)
	}
	rows, err := s.DB.Query(ctx, q, `SELECT id, entry_id, content_type, size, created_at FROM funds_receipts WHERE entry_id IN (`+
		strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`) ORDER BY id`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r Receipt
		if err := rows.Scan(&r.ID, &r.EntryID, &r.ContentType, &r.Size, &r.CreatedAt); err != nil {
			return err
		}
		if e := byID[r.EntryID]; e != nil {
			e.Receipts = append(e.Receipts, r)
		}
	}
	return rows.Err()
}
