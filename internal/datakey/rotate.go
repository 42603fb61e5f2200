package datakey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"liangxin/internal/pdata"
	"liangxin/internal/sealedfile"
	"liangxin/internal/store"
)

// RotateOptions tune a rotation.
type RotateOptions struct {
	// Cipher is the algorithm of the sealed values (pdata.CipherSM4 by default).
	Cipher string
	// BatchSize is the number of rows re-sealed per transaction (default 500).
	BatchSize int
	// AfterBatch, if set, runs after each committed batch; an error stops the
	// rotation there (tests use it to simulate a killed process).
	AfterBatch func(batches int) error
}

// RotateResult counts what a rotation did.
type RotateResult struct {
	Resealed int    // values sealed again under the new key by this run
	Skipped  int    // values already under the new key (an earlier, interrupted run)
	OldFile  string // where the old key was kept
	// OldFingerprint and NewFingerprint identify the two keys (pdata.Fingerprint).
	OldFingerprint, NewFingerprint string
}

// OldPath is where a finished rotation keeps the old key: backups made
// before the rotation need it.
func OldPath(path string, oldKey []byte) string {
	return path + ".old-" + pdata.Fingerprint(oldKey)
}

// Rotate re-seals every sealed value (every *_enc column of every table) under
// a new key and recomputes the keyed hashes (*_hash) beside them. The new key
// waits in path.new until every value is under it, then replaces path
// atomically; the old key is kept in OldPath. A killed rotation is resumed by
// running it again: a value that opens with the new key is skipped, so every
// batch is idempotent. No server may use the database meanwhile (Open refuses
// to start while path.new exists).
func Rotate(ctx context.Context, db *store.DB, path string, opt RotateOptions) (RotateResult, error) {
	var res RotateResult
	if opt.BatchSize <= 0 {
		opt.BatchSize = 500
	}
	oldKey, err := pdata.LoadKey(path)
	if err != nil {
		return res, fmt.Errorf("无法读取当前密钥 %s：%w", path, err)
	}
	newKey, err := pdata.LoadKey(NewPath(path))
	if errors.Is(err, pdata.ErrNoKey) {
		newKey, err = pdata.CreateKey(NewPath(path))
	}
	if err != nil {
		return res, fmt.Errorf("无法准备新密钥 %s：%w", NewPath(path), err)
	}
	if pdata.Fingerprint(oldKey) == pdata.Fingerprint(newKey) {
		return res, fmt.Errorf("新密钥 %s 与当前密钥相同", NewPath(path))
	}
	oldP, err := pdata.New(oldKey, opt.Cipher)
	if err != nil {
		return res, err
	}
	newP, err := pdata.New(newKey, opt.Cipher)
	if err != nil {
		return res, err
	}
	cols, err := store.SealedColumns(ctx, db.Dialect, db)
	if err != nil {
		return res, err
	}
	byTable := map[string][]store.SealedColumn{}
	var tables []string
	for _, c := range cols {
		if byTable[c.Table] == nil {
			tables = append(tables, c.Table)
		}
		byTable[c.Table] = append(byTable[c.Table], c)
	}
	batches := 0
	for _, t := range tables {
		var last int64
		for {
			n, next, err := rotateBatch(ctx, db, t, byTable[t], last, opt.BatchSize, oldP, newP, &res)
			if err != nil {
				return res, err
			}
			if n == 0 {
				break
			}
			last = next
			batches++
			if opt.AfterBatch != nil {
				if err := opt.AfterBatch(batches); err != nil {
					return res, err
				}
			}
		}
	}
	// The sealed error workbooks of imports (blobs, not *_enc columns) follow.
	if err := rotateReports(ctx, db, oldP, newP); err != nil {
		return res, err
	}
	// So do the sealed photos of instructor visits.
	if err := rotatePhotos(ctx, db, oldP, newP); err != nil {
		return res, err
	}
	// Every value must open with the new key before it replaces the old one.
	for _, c := range cols {
		if err := checkAll(ctx, db, c, newP); err != nil {
			return res, err
		}
	}
	res.OldFile = OldPath(path, oldKey)
	res.OldFingerprint, res.NewFingerprint = pdata.Fingerprint(oldKey), pdata.Fingerprint(newKey)
	if err := pdata.WriteKeyFile(res.OldFile, oldKey); err != nil {
		return res, err
	}
	if err := os.Rename(NewPath(path), path); err != nil {
		return res, err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return res, nil
}

// rotateBatch re-seals up to size rows of table t with id > after, in one
// transaction. It returns the rows read and the last id.
func rotateBatch(ctx context.Context, db *store.DB, t string, cols []store.SealedColumn, after int64, size int,
	oldP, newP *pdata.Protector, res *RotateResult) (int, int64, error) {
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = "COALESCE(" + store.QuoteIdent(c.Column) + ", '')"
	}
	n, last := 0, after
	resealed, skipped := 0, 0
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		rows, err := db.Query(ctx, tx, fmt.Sprintf(`SELECT id, %s FROM %s WHERE id > ? ORDER BY id LIMIT %d`,
			strings.Join(sel, ", "), store.QuoteIdent(t), size), after)
		if err != nil {
			return fmt.Errorf("datakey: read %s: %w", t, err)
		}
		type row struct {
			id   int64
			vals []string
		}
		var batch []row
		for rows.Next() {
			r := row{vals: make([]string, len(cols))}
			dest := []any{&r.id}
			for i := range r.vals {
				dest = append(dest, &r.vals[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range batch {
			n++
			last = r.id
			var sets []string
			var args []any
			for i, c := range cols {
				v := r.vals[i]
				if v == "" {
					continue
				}
				if _, err := newP.Decrypt(v); err == nil {
					skipped++
					continue
				}
				plain, err := oldP.Decrypt(v)
				if err != nil {
					return fmt.Errorf("%s.%s（id %d）的加密值既不能用当前密钥也不能用新密钥解开：%w", t, c.Column, r.id, ErrKeyMismatch)
				}
				enc, err := newP.Encrypt(plain)
				if err != nil {
					return err
				}
				sets = append(sets, store.QuoteIdent(c.Column)+" = ?")
				args = append(args, enc)
				if c.Hash != "" {
					sets = append(sets, store.QuoteIdent(c.Hash)+" = ?")
					args = append(args, newP.Hash(plain))
				}
				resealed++
			}
			if len(sets) == 0 {
				continue
			}
			args = append(args, r.id)
			if _, err := db.Exec(ctx, tx, fmt.Sprintf(`UPDATE %s SET %s WHERE id = ?`, store.QuoteIdent(t), strings.Join(sets, ", ")), args...); err != nil {
				return fmt.Errorf("datakey: update %s: %w", t, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, after, err
	}
	res.Resealed += resealed
	res.Skipped += skipped
	return n, last, nil
}

// checkAll opens every value of one column with p.
func checkAll(ctx context.Context, db *store.DB, c store.SealedColumn, p *pdata.Protector) error {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s <> ''`,
		store.QuoteIdent(c.Column), store.QuoteIdent(c.Table), store.QuoteIdent(c.Column)))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return err
		}
		if _, err := p.Decrypt(v); err != nil {
			return fmt.Errorf("轮换后 %s.%s 仍有值不能用新密钥解开：%w", c.Table, c.Column, ErrKeyMismatch)
		}
	}
	return rows.Err()
}

// rotateReports re-seals the error workbooks kept for their uploaders
// (import_sessions.report, sealed blobs) under the new key. A workbook that
// already opens with the new key is left (a resumed rotation); one that opens
// with neither key could never be shown again and is dropped.
func rotateReports(ctx context.Context, db *store.DB, oldP, newP *pdata.Protector) error {
	type report struct {
		id   string
		blob []byte
	}
	var list []report
	rows, err := db.Query(ctx, db, `SELECT id, report FROM import_sessions WHERE report IS NOT NULL ORDER BY id`)
	if err != nil {
		return fmt.Errorf("读取导入错误报告失败：%w", err)
	}
	for rows.Next() {
		var r report
		if err := rows.Scan(&r.id, &r.blob); err != nil {
			rows.Close()
			return err
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range list {
		if _, err := newP.OpenBytes(r.blob); err == nil {
			continue
		}
		var sealed []byte
		if plain, err := oldP.OpenBytes(r.blob); err == nil {
			if sealed, err = newP.SealBytes(plain); err != nil {
				return err
			}
		}
		if err := db.InTx(ctx, func(tx *sql.Tx) error {
			_, err := db.Exec(ctx, tx, `UPDATE import_sessions SET report = ? WHERE id = ?`, sealed, r.id)
			return err
		}); err != nil {
			return fmt.Errorf("重新加密导入错误报告失败：%w", err)
		}
	}
	return nil
}

// rotatePhotos re-seals the sealed files (visit and wish photos, spending
// receipts: sealedfile.Tables) under the new key, one transaction per file.
func rotatePhotos(ctx context.Context, db *store.DB, oldP, newP *pdata.Protector) error {
	return sealedfile.Rotate(ctx, db, oldP, newP)
}
