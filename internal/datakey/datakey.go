// Package datakey loads the personal-data key at start-up and checks it
// against the database, and rotates it. The key lives in a file outside the
// database (pdata); this package is where the file and the sealed values in
// the database meet.
package datakey

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"liangxin/internal/pdata"
	"liangxin/internal/sealedfile"
	"liangxin/internal/store"
)

// Doc is where operators read about the key.
const Doc = "docs/operations.md §10"

// FileName is the key file's name in the data folder.
const FileName = "data.key"

// Path is the key file in use: keyFile when set, else data.key in dataDir.
func Path(keyFile, dataDir string) string {
	if keyFile != "" {
		return keyFile
	}
	return filepath.Join(dataDir, FileName)
}

// NewPath is where a rotation keeps the new key until it is done.
func NewPath(path string) string { return path + ".new" }

// ErrRotationPending means a key rotation was interrupted.
var ErrRotationPending = errors.New("密钥轮换尚未完成")

// ErrKeyMismatch means the key does not open the sealed values in the database.
var ErrKeyMismatch = errors.New("个人信息密钥与数据库不匹配")

// ErrNoKeyForData means the database holds sealed values and there is no key file.
var ErrNoKeyForData = errors.New("缺少个人信息密钥")

// Open loads the key at path and checks that it opens the sealed values in
// the database. A key is created only when the file is missing and the
// database holds no sealed value at all; a missing key for a database with
// sealed values, a key that does not open them, or an unfinished rotation is
// an error that names the file and the documentation.
func Open(ctx context.Context, db *store.DB, path, cipherName string) (*pdata.Protector, error) {
	if _, err := os.Stat(NewPath(path)); err == nil {
		return nil, fmt.Errorf("%w（存在 %s）：请重新运行 liangxin key rotate 完成轮换后再启动，见 %s", ErrRotationPending, NewPath(path), Doc)
	}
	key, err := pdata.LoadKey(path)
	if errors.Is(err, pdata.ErrNoKey) {
		col, found, serr := FirstSealed(ctx, db.Dialect, db)
		if serr != nil {
			return nil, serr
		}
		if found {
			return nil, fmt.Errorf("%w：数据库中已有加密的个人信息（%s.%s），但找不到密钥文件 %s：请放回原来的密钥文件（或用 --data-key-file 指定），或用 liangxin restore --key-passphrase-file 从含密钥的备份恢复；不会为已有数据生成新密钥。见 %s",
				ErrNoKeyForData, col.Table, col.Column, path, Doc)
		}
		key, err = pdata.CreateKey(path)
		if errors.Is(err, os.ErrExist) {
			// Another command started at the same moment and made it: use that one.
			key, err = pdata.LoadKey(path)
		}
		if err != nil {
			return nil, fmt.Errorf("无法创建个人信息密钥文件 %s：%w", path, err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("无法读取个人信息密钥文件 %s：%w（见 %s）", path, err, Doc)
	}
	prot, err := pdata.New(key, cipherName)
	if err != nil {
		return nil, err
	}
	if err := Verify(ctx, db.Dialect, db, prot); err != nil {
		return nil, fmt.Errorf("密钥文件 %s 不能用于本数据库：%w。请放回与该数据库配套的密钥文件（或检查 --data-cipher），不要生成新密钥。见 %s", path, err, Doc)
	}
	return prot, nil
}

// FirstSealed finds a column holding at least one sealed value.
func FirstSealed(ctx context.Context, d store.Dialect, q store.Querier) (store.SealedColumn, bool, error) {
	cols, err := store.SealedColumns(ctx, d, q)
	if err != nil {
		return store.SealedColumn{}, false, err
	}
	for _, c := range cols {
		vals, err := store.SampleSealed(ctx, q, c, 1)
		if err != nil {
			return store.SealedColumn{}, false, err
		}
		if len(vals) > 0 {
			return c, true, nil
		}
	}
	if c, _, ok := samplePhoto(ctx, q); ok {
		return c, true, nil
	}
	return store.SealedColumn{}, false, nil
}

// photoColumns hold sealed files (photos of instructor visits and of
// fulfilled wishes, spending receipts — sealedfile.Tables): blobs, not *_enc
// text, so SealedColumns does not list them.
var photoColumns = func() []store.SealedColumn {
	var out []store.SealedColumn
	for _, t := range sealedfile.Tables {
		out = append(out, store.SealedColumn{Table: t.Name, Column: "sealed_data"})
	}
	return out
}()

// samplePhoto returns one sealed photo and its column, if a photo table
// exists and holds any (a database before the photo migrations has none).
func samplePhoto(ctx context.Context, q store.Querier) (store.SealedColumn, []byte, bool) {
	for _, c := range photoColumns {
		var blob []byte
		if err := q.QueryRowContext(ctx, `SELECT `+c.Column+` FROM `+c.Table+` ORDER BY id LIMIT 1`).Scan(&blob); err == nil {
			return c, blob, true
		}
	}
	return store.SealedColumn{}, nil, false
}

// Verify opens a few sealed values of every sealed column with prot.
func Verify(ctx context.Context, d store.Dialect, q store.Querier, prot *pdata.Protector) error {
	cols, err := store.SealedColumns(ctx, d, q)
	if err != nil {
		return err
	}
	for _, c := range cols {
		vals, err := store.SampleSealed(ctx, q, c, 3)
		if err != nil {
			return err
		}
		for _, v := range vals {
			if _, err := prot.Decrypt(v); err != nil {
				return fmt.Errorf("%w：数据库中 %s.%s 的加密值无法用该密钥（算法 %s）解开", ErrKeyMismatch, c.Table, c.Column, prot.Cipher())
			}
		}
	}
	if c, blob, ok := samplePhoto(ctx, q); ok {
		if _, err := prot.OpenBytes(blob); err != nil {
			return fmt.Errorf("%w：数据库中 %s.%s 的加密照片无法用该密钥（算法 %s）解开", ErrKeyMismatch, c.Table, c.Column, prot.Cipher())
		}
	}
	return nil
}
