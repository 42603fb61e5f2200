package workloop

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/store"
)

// Completion is a recipient's record of one 学习清单 item.
type Completion struct {
	ItemID int64  `json:"item_id"`
	Seq    int    `json:"seq"`
	DoneOn string `json:"done_on"`
	Note   string `json:"note"`
	FileID *int64 `json:"file_id"`
}

// Receipt is one recipient party organization of a notice: whether and
// when it read it, and which items it did.
type Receipt struct {
	PartyOrgID   int64        `json:"party_org_id"`
	PartyOrgName string       `json:"party_org_name"`
	RegionCode   string       `json:"region_code"`
	StreetCode   string       `json:"street_code"`
	StreetName   string       `json:"street_name"`
	ReadAt       *string      `json:"read_at"`
	ReadBy       string       `json:"read_by"`
	ItemsDone    int          `json:"items_done"`
	ItemsTotal   int          `json:"items_total"`
	Completions  []Completion `json:"completions"`
}

// ReceiptStatuses lists the receipt filters.
func ReceiptStatuses() []Option {
	return []Option{{"unread", "未阅读"}, {"read", "已阅读"}, {"not_done", "未完成全部学习内容"}, {"done", "已完成全部学习内容"}}
}

// ReceiptFilter selects recipients; empty fields do not filter.
type ReceiptFilter struct {
	Status     string
	StreetCode string
	Q          string
	Page       int
	PageSize   int // 0: all (export)
}

// Validate names a wrong filter field.
func (f ReceiptFilter) Validate() error {
	if f.Status != "" && optionName(ReceiptStatuses(), f.Status) == "" {
		return apperr.InvalidField("status", "状态应为 unread、read、not_done 或 done")
	}
	return nil
}

const receiptFrom = ` FROM notice_recipients r JOIN party_orgs p ON p.id = r.party_org_id LEFT JOIN users u ON u.id = r.read_by` +
	` LEFT JOIN regions st ON st.code = substr(r.region_code, 1, 9) AND st.level = 4`

const doneCount = `(SELECT COUNT(*) FROM notice_item_done d JOIN notice_items i ON i.id = d.item_id WHERE i.notice_id = r.notice_id AND d.party_org_id = r.party_org_id)`

// Receipts lists the recipients of a notice in the caller's sight, with
// the total: who has not read it, who has not done every item, per street.
func (s *Service) Receipts(ctx context.Context, id int64, f ReceiptFilter) ([]Receipt, store.Total, error) {
	if err := f.Validate(); err != nil {
		return nil, store.Total{}, err
	}
	n, err := s.getNotice(ctx, s.DB, id)
	if err != nil {
		return nil, store.Total{}, err
	}
	cond, args, err := recipientScope(ctx)
	if err != nil {
		return nil, store.Total{}, err
	}
	cond = "r.notice_id = ? AND " + cond
	args = append([]any{id}, args...)
	var items int
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*) FROM notice_items WHERE notice_id = ?`, id).Scan(&items); err != nil {
		return nil, store.Total{}, err
	}
	switch f.Status {
	case "unread":
		cond += " AND r.read_at IS NULL"
	case "read":
		cond += " AND r.read_at IS NOT NULL"
	case "not_done":
		cond += " AND " + doneCount + " < ?"
		args = append(args, items)
	case "done":
		cond += " AND " + doneCount + " >= ?"
		args = append(args, items)
	}
	if f.StreetCode != "" {
		rc, ra := store.PrefixRange("r.region_code", f.StreetCode)
		cond, args = cond+" AND "+rc, append(args, ra...)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond += ` AND p.name LIKE ? ESCAPE '\'`
		args = append(args, "%"+store.LikeEscape(q)+"%")
	}
	var total store.Total
	out := []Receipt{}
	err = s.DB.Report(ctx, func(q store.Querier) error {
		var err error
		out, total, err = store.ListIn(ctx, s.DB, q, store.ListQuery{
			Cols: `r.party_org_id, p.name, r.region_code, COALESCE(st.code, ''), COALESCE(st.name, ''), r.read_at, COALESCE(u.display_name, ''), ` + doneCount,
			From: receiptFrom[1:], Cond: cond, Args: args, Order: "COALESCE(st.code, ''), p.name, p.id"}, store.Page{Number: f.Page, Size: max(f.PageSize, 0)},
			func(row store.Scanner) (Receipt, error) {
				var r Receipt
				var read sql.NullString
				err := row.Scan(&r.PartyOrgID, &r.PartyOrgName, &r.RegionCode, &r.StreetCode, &r.StreetName, &read, &r.ReadBy, &r.ItemsDone)
				if read.Valid {
					r.ReadAt = &read.String
				}
				r.ItemsTotal, r.Completions = items, []Completion{}
				return r, err
			})
		if err != nil {
			return err
		}
		if items == 0 || len(out) == 0 {
			return nil
		}
		at := map[int64]int{}
		for i, r := range out {
			at[r.PartyOrgID] = i
		}
		crows, err := s.DB.Query(ctx, q, `SELECT d.party_org_id, d.item_id, i.seq, d.done_on, d.note, d.file_id FROM notice_item_done d
			JOIN notice_items i ON i.id = d.item_id WHERE i.notice_id = ? ORDER BY d.party_org_id, i.seq`, id)
		if err != nil {
			return err
		}
		defer crows.Close()
		for crows.Next() {
			var org int64
			var c Completion
			var file sql.NullInt64
			if err := crows.Scan(&org, &c.ItemID, &c.Seq, &c.DoneOn, &c.Note, &file); err != nil {
				return err
			}
			if file.Valid {
				c.FileID = &file.Int64
			}
			if i, ok := at[org]; ok {
				out[i].Completions = append(out[i].Completions, c)
			}
		}
		return crows.Err()
	})
	if err != nil {
		return nil, store.Total{}, fmt.Errorf("workloop: receipts of %d: %w", n.ID, err)
	}
	return out, total, nil
}

// StreetReceipts are the receipt counts of one street (街道/乡镇).
type StreetReceipts struct {
	StreetCode string `json:"street_code"`
	StreetName string `json:"street_name"`
	Recipients int    `json:"recipients"`
	Read       int    `json:"read"`
	Unread     int    `json:"unread"`
	AllDone    int    `json:"all_done"`
	NotDone    int    `json:"not_done"`
}

// ReceiptSummary is the notice's receipt statistics per street, with the totals.
type ReceiptSummary struct {
	NoticeID int64            `json:"notice_id"`
	Items    int              `json:"items"`
	Streets  []StreetReceipts `json:"streets"`
	Total    StreetReceipts   `json:"total"`
}

// ReceiptsByStreet counts the recipients in the caller's sight per street.
// For a 工作提示 (no items) AllDone and NotDone are 0.
func (s *Service) ReceiptsByStreet(ctx context.Context, id int64) (ReceiptSummary, error) {
	out := ReceiptSummary{NoticeID: id, Streets: []StreetReceipts{}, Total: StreetReceipts{StreetName: "合计"}}
	if _, err := s.getNotice(ctx, s.DB, id); err != nil {
		return out, err
	}
	cond, args, err := recipientScope(ctx)
	if err != nil {
		return out, err
	}
	if err := s.DB.QueryRow(ctx, s.DB, `SELECT COUNT(*) FROM notice_items WHERE notice_id = ?`, id).Scan(&out.Items); err != nil {
		return out, err
	}
	rows, err := s.DB.Query(ctx, s.DB, `SELECT COALESCE(st.code, ''), COALESCE(MAX(st.name), ''), COUNT(*), COUNT(r.read_at),
		SUM(CASE WHEN ? > 0 AND `+doneCount+` >= ? THEN 1 ELSE 0 END), SUM(CASE WHEN ? > 0 AND `+doneCount+` < ? THEN 1 ELSE 0 END)
		FROM notice_recipients r LEFT JOIN regions st ON st.code = substr(r.region_code, 1, 9) AND st.level = 4
		WHERE r.notice_id = ? AND `+cond+` GROUP BY COALESCE(st.code, '') ORDER BY COALESCE(st.code, '')`,
		append([]any{out.Items, out.Items, out.Items, out.Items, id}, args...)...)
	if err != nil {
		return out, fmt.Errorf("workloop: receipts by street: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r StreetReceipts
		if err := rows.Scan(&r.StreetCode, &r.StreetName, &r.Recipients, &r.Read, &r.AllDone, &r.NotDone); err != nil {
			return out, err
		}
		if r.StreetCode == "" {
			r.StreetName = "区直属"
		}
		r.Unread = r.Recipients - r.Read
		out.Streets = append(out.Streets, r)
		out.Total.Recipients += r.Recipients
		out.Total.Read += r.Read
		out.Total.Unread += r.Unread
		out.Total.AllDone += r.AllDone
		out.Total.NotDone += r.NotDone
	}
	return out, rows.Err()
}
