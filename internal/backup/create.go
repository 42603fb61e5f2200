package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"liangxin/internal/datakey"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// Options say where the files and the key are.
type Options struct {
	DataDir string // attachments are in DataDir/attachments
	KeyPath string // the personal-data key file
	Cipher  string // pdata cipher name
	// Passphrase, when set, puts the data key in the archive wrapped by it
	// (argon2id + SM4-GCM). Without it the archive holds no key.
	Passphrase []byte
	Now        func() time.Time
}

// snapshot is what was read inside the database snapshot.
type snapshot struct {
	tables   map[string]int64
	version  int
	sealed   bool
	fileRefs []string // attachment files the database refers to
}

// readSnapshot reads counts, schema version and file references, and checks
// prot (nil: no key) against the sealed values, all inside one snapshot.
func readSnapshot(ctx context.Context, d store.Dialect, q store.Querier, prot *pdata.Protector) (snapshot, error) {
	var s snapshot
	var err error
	if s.tables, err = store.TableCounts(ctx, d, q); err != nil {
		return s, err
	}
	if err := q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&s.version); err != nil {
		return s, fmt.Errorf("不是 liangxin 数据库：%w", err)
	}
	col, found, err := datakey.FirstSealed(ctx, d, q)
	if err != nil {
		return s, err
	}
	s.sealed = found
	if found && prot == nil {
		return s, fmt.Errorf("%w：数据库中有加密的个人信息（%s.%s），但没有密钥文件", datakey.ErrNoKeyForData, col.Table, col.Column)
	}
	if found {
		if err := datakey.Verify(ctx, d, q, prot); err != nil {
			return s, err
		}
	}
	if _, ok := s.tables["meeting_attachments"]; ok {
		rows, err := q.QueryContext(ctx, `SELECT stored_name FROM meeting_attachments WHERE stored_name NOT LIKE 'db:%' ORDER BY stored_name`)
		if err != nil {
			return s, err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return s, err
			}
			s.fileRefs = append(s.fileRefs, n)
		}
		if err := rows.Err(); err != nil {
			return s, err
		}
	}
	return s, nil
}

// Create writes the archive to out (never over an existing file). The
// database is copied from one consistent snapshot in which the row counts
// are taken and the key is checked against the sealed values; every
// attachment the snapshot refers to must be on disk.
func Create(ctx context.Context, db *store.DB, out string, opt Options) (Manifest, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	m := Manifest{Format: formatName, Version: FormatVersion, CreatedAt: opt.Now().UTC(), Dialect: string(db.Dialect)}
	if _, err := os.Stat(out); err == nil {
		return m, fmt.Errorf("备份文件 %s 已存在，不会覆盖", out)
	}
	var prot *pdata.Protector
	key, err := pdata.LoadKey(opt.KeyPath)
	switch {
	case err == nil:
		if prot, err = pdata.New(key, opt.Cipher); err != nil {
			return m, err
		}
	case errors.Is(err, pdata.ErrNoKey):
		if opt.Passphrase != nil {
			return m, fmt.Errorf("没有可备份的密钥：找不到密钥文件 %s", opt.KeyPath)
		}
	default:
		return m, fmt.Errorf("无法读取密钥文件 %s：%w", opt.KeyPath, err)
	}
	var wrapped []byte
	if opt.Passphrase != nil {
		if wrapped, err = pdata.WrapKey(key, opt.Passphrase); err != nil {
			return m, err
		}
	}

	stage, err := os.MkdirTemp(filepath.Dir(out), ".liangxin-backup-*")
	if err != nil {
		return m, err
	}
	defer os.RemoveAll(stage)
	var snap snapshot
	switch db.Dialect {
	case store.SQLite:
		m.Database.Name = SQLiteName
		dbFile := filepath.Join(stage, SQLiteName)
		if err := db.Backup(ctx, dbFile); err != nil {
			return m, err
		}
		ro, err := store.OpenSQLiteReadOnly(dbFile)
		if err != nil {
			return m, err
		}
		snap, err = readSnapshot(ctx, store.SQLite, ro, prot)
		ro.Close()
		if err != nil {
			return m, err
		}
	case store.Postgres:
		m.Database.Name = PostgresName
		if snap, err = dumpPostgres(ctx, db, filepath.Join(stage, PostgresName), prot); err != nil {
			return m, err
		}
	default:
		return m, fmt.Errorf("unknown dialect %q", db.Dialect)
	}
	m.Tables, m.SchemaVersion = snap.tables, snap.version
	if snap.sealed {
		m.KeyFingerprint = pdata.Fingerprint(key)
	}

	tmp := out + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return m, err
	}
	defer os.Remove(tmp)
	aw := newArchiveWriter(f)
	fail := func(err error) (Manifest, error) { f.Close(); return m, err }
	if m.Database, err = aw.addFile(m.Database.Name, filepath.Join(stage, m.Database.Name)); err != nil {
		return fail(err)
	}
	names, err := attachmentNames(AttachmentsFolder(opt.DataDir))
	if err != nil {
		return fail(err)
	}
	have := map[string]bool{}
	for _, n := range names {
		fe, err := aw.addFile(AttachmentsDir+"/"+n, filepath.Join(AttachmentsFolder(opt.DataDir), n))
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted since the listing; checked against the database below
		}
		if err != nil {
			return fail(err)
		}
		have[n] = true
		m.Attachments = append(m.Attachments, fe)
	}
	for _, n := range snap.fileRefs {
		if !have[n] {
			return fail(fmt.Errorf("数据库登记的会议附件 %s 在 %s 中找不到：备份不完整，未写出", n, AttachmentsFolder(opt.DataDir)))
		}
	}
	if wrapped != nil {
		m.KeyIncluded = true
		if err := aw.addBytes(WrappedKeyName, wrapped, m.CreatedAt); err != nil {
			return fail(err)
		}
	}
	mj, err := jsonIndent(m)
	if err != nil {
		return fail(err)
	}
	if err := aw.addBytes(ManifestName, mj, m.CreatedAt); err != nil {
		return fail(err)
	}
	if err := aw.close(); err != nil {
		return m, err
	}
	// A hard link never replaces an existing file. Where the file system has
	// no hard links (some network shares), check and rename instead.
	err = os.Link(tmp, out)
	if errors.Is(err, os.ErrExist) {
		return m, fmt.Errorf("备份文件 %s 已存在，不会覆盖", out)
	}
	if err != nil {
		if _, serr := os.Stat(out); serr == nil {
			return m, fmt.Errorf("备份文件 %s 已存在，不会覆盖", out)
		}
		if err := os.Rename(tmp, out); err != nil {
			return m, err
		}
	}
	return m, nil
}

// dumpPostgres runs pg_dump on a snapshot exported from a read-only
// repeatable-read transaction in which the counts and the key check are made.
func dumpPostgres(ctx context.Context, db *store.DB, file string, prot *pdata.Protector) (snapshot, error) {
	tx, err := db.DB.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return snapshot{}, err
	}
	defer tx.Rollback()
	var id string
	if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&id); err != nil {
		return snapshot{}, err
	}
	snap, err := readSnapshot(ctx, store.Postgres, tx, prot)
	if err != nil {
		return snap, err
	}
	return snap, db.DumpPostgres(ctx, file, id)
}

func attachmentNames(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() && validAttachmentName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}
