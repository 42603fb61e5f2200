package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// RestoreOptions say where to restore. For SQLite the caller holds the data
// folder lock; for PostgreSQL it passes the open target database.
type RestoreOptions struct {
	DataDir string
	KeyPath string
	Cipher  string
	// Passphrase opens the key in the archive; the restored key replaces the
	// key file. Without it, the key file in place must open the data.
	Passphrase []byte
	Postgres   *store.DB
}

// Restore checks the archive completely (checksums of the database and of
// every attachment against the manifest, the key against the manifest's
// fingerprint, and for SQLite the database's integrity, row counts per table,
// a sealed value of every sealed column opening with the key, every
// attachment the database refers to being present) in a staging folder, and
// only then swaps the database, the attachments and the key into place. A
// failed check leaves the target as it was.
func Restore(ctx context.Context, file string, opt RestoreOptions) (Manifest, error) {
	if err := os.MkdirAll(opt.DataDir, 0o700); err != nil {
		return Manifest{}, err
	}
	stage, err := os.MkdirTemp(opt.DataDir, ".restore-*")
	if err != nil {
		return Manifest{}, err
	}
	defer os.RemoveAll(stage)
	x, err := extract(file, stage)
	if err != nil {
		return Manifest{}, err
	}
	m := x.manifest
	if err := x.checkFiles(); err != nil {
		return m, err
	}
	key, fromArchive, err := x.key(opt)
	if err != nil {
		return m, err
	}
	var prot *pdata.Protector
	if key != nil {
		if prot, err = pdata.New(key, opt.Cipher); err != nil {
			return m, err
		}
	}
	if latest := store.LatestVersion(store.Dialect(m.Dialect)); m.SchemaVersion > latest {
		return m, fmt.Errorf("备份的数据库结构版本 %d 高于本程序支持的 %d", m.SchemaVersion, latest)
	}
	switch store.Dialect(m.Dialect) {
	case store.SQLite:
		if opt.Postgres != nil {
			return m, errors.New("这是 SQLite 数据库的备份，不能恢复到 PostgreSQL")
		}
		if err := x.checkSQLite(ctx, prot); err != nil {
			return m, err
		}
		return m, x.swap(opt, key, fromArchive, func() error { return swapSQLite(x.dbPath, opt.DataDir) })
	case store.Postgres:
		if opt.Postgres == nil {
			return m, errors.New("这是 PostgreSQL 数据库的备份：请用 --db 指定要恢复到的数据库")
		}
		return m, x.swap(opt, key, fromArchive, func() error { return restorePostgres(ctx, opt.Postgres, x, prot) })
	}
	return m, fmt.Errorf("备份清单中的数据库类型 %q 无法识别", m.Dialect)
}

// key returns the key the restored data will use: the archive's (opened with
// the passphrase) or the key file in place; it must match the manifest.
func (x *extracted) key(opt RestoreOptions) (key []byte, fromArchive bool, err error) {
	m := x.manifest
	switch {
	case opt.Passphrase != nil && x.wrappedKey == nil:
		return nil, false, errors.New("备份中没有密钥（备份时未提供密钥口令），不能用口令恢复密钥：请放回原来的密钥文件后不带口令恢复")
	case opt.Passphrase != nil:
		key, err = pdata.UnwrapKey(x.wrappedKey, opt.Passphrase)
		if errors.Is(err, pdata.ErrWrongPassphrase) {
			return nil, false, errors.New("密钥口令不正确（或备份中的密钥已损坏），未恢复任何内容")
		}
		if err != nil {
			return nil, false, err
		}
		fromArchive = true
	default:
		key, err = pdata.LoadKey(opt.KeyPath)
		if errors.Is(err, pdata.ErrNoKey) {
			if m.KeyFingerprint == "" {
				return nil, false, nil
			}
			hint := "请放回备份时使用的密钥文件"
			if x.wrappedKey != nil {
				hint = "备份中含有用口令加密的密钥：请用 --key-passphrase-file（或环境变量 LIANGXIN_KEY_PASSPHRASE）提供口令"
			}
			return nil, false, fmt.Errorf("备份中的个人信息已加密，但找不到密钥文件 %s：%s。未恢复任何内容", opt.KeyPath, hint)
		}
		if err != nil {
			return nil, false, err
		}
	}
	if m.KeyFingerprint != "" && pdata.Fingerprint(key) != m.KeyFingerprint {
		where := "密钥文件 " + opt.KeyPath
		if fromArchive {
			where = "备份中的密钥"
		}
		return nil, false, fmt.Errorf("%s 不是加密该备份所用的密钥（指纹 %s，备份要求 %s），未恢复任何内容", where, pdata.Fingerprint(key), m.KeyFingerprint)
	}
	return key, fromArchive, nil
}

// checkSQLite checks the staged database: integrity, counts, key, file references.
func (x *extracted) checkSQLite(ctx context.Context, prot *pdata.Protector) error {
	v, err := store.CheckSQLiteBackup(ctx, x.dbPath)
	if err != nil {
		return err
	}
	if v != x.manifest.SchemaVersion {
		return fmt.Errorf("备份中数据库的结构版本 %d 与清单的 %d 不符", v, x.manifest.SchemaVersion)
	}
	ro, err := store.OpenSQLiteReadOnly(x.dbPath)
	if err != nil {
		return err
	}
	defer ro.Close()
	snap, err := readSnapshot(ctx, store.SQLite, ro, prot)
	if err != nil {
		return fmt.Errorf("备份中的数据库未通过检查：%w", err)
	}
	return x.compare(snap)
}

// compare checks what the restored database holds against the manifest and
// the attachments read from the archive.
func (x *extracted) compare(snap snapshot) error {
	if err := compareCounts(snap.tables, x.manifest.Tables); err != nil {
		return err
	}
	for _, n := range snap.fileRefs {
		if _, ok := x.attachments[n]; !ok {
			return fmt.Errorf("数据库登记的会议附件 %s 不在备份中", n)
		}
	}
	return nil
}

func compareCounts(got, want map[string]int64) error {
	var diffs []string
	for t, n := range want {
		if g, ok := got[t]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s 缺失", t))
		} else if g != n {
			diffs = append(diffs, fmt.Sprintf("%s 有 %d 行，清单为 %d 行", t, g, n))
		}
	}
	for t := range got {
		if _, ok := want[t]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s 不在清单中", t))
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		return fmt.Errorf("备份中的数据与清单不符：%s", strings.Join(diffs, "；"))
	}
	return nil
}

// swap puts the key and the attachments in place and runs swapDB; if swapDB
// fails, the key and the attachments are put back.
func (x *extracted) swap(opt RestoreOptions, key []byte, fromArchive bool, swapDB func() error) error {
	live := AttachmentsFolder(opt.DataDir)
	previous := filepath.Join(x.dir, "attachments.previous")
	hadLive := false
	if _, err := os.Stat(live); err == nil {
		if err := os.Rename(live, previous); err != nil {
			return err
		}
		hadLive = true
	}
	undoFiles := func() {
		os.RemoveAll(live)
		if hadLive {
			os.Rename(previous, live)
		}
	}
	if err := os.Rename(filepath.Join(x.dir, AttachmentsDir), live); err != nil {
		undoFiles()
		return err
	}
	var oldKey []byte
	if fromArchive {
		oldKey, _ = pdata.LoadKey(opt.KeyPath)
		if oldKey != nil && pdata.Fingerprint(oldKey) != pdata.Fingerprint(key) {
			// Keep the replaced key: it opens backups made with it.
			if err := pdata.WriteKeyFile(opt.KeyPath+".replaced-"+pdata.Fingerprint(oldKey), oldKey); err != nil {
				undoFiles()
				return err
			}
		}
		if err := pdata.WriteKeyFile(opt.KeyPath, key); err != nil {
			undoFiles()
			return err
		}
	}
	if err := swapDB(); err != nil {
		undoFiles()
		if fromArchive {
			if oldKey != nil {
				pdata.WriteKeyFile(opt.KeyPath, oldKey)
			} else {
				os.Remove(opt.KeyPath)
			}
		}
		return err
	}
	return nil
}

// swapSQLite renames the checked database over the live one.
func swapSQLite(staged, dataDir string) error {
	dst := filepath.Join(dataDir, store.SQLiteFile)
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dst + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return os.Rename(staged, dst)
}

// restorePostgres loads the dump and checks it in one transaction: pg_restore
// turns the dump into a script, the row counts of the manifest and the
// attachment references are appended as statements that raise an error on a
// mismatch, and psql runs the whole in a single transaction, so a failed
// check rolls everything back. The key was checked against the manifest's
// fingerprint before; a few sealed values are opened afterwards as well.
func restorePostgres(ctx context.Context, db *store.DB, x *extracted, prot *pdata.Protector) error {
	schema := db.Schema
	if schema == "" {
		if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
			return err
		}
	}
	for _, tool := range []string{"pg_restore", "psql"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("恢复 PostgreSQL 备份需要 %s（PostgreSQL 客户端），本机找不到", tool)
		}
	}
	script := filepath.Join(x.dir, "restore.sql")
	if b, err := exec.CommandContext(ctx, "pg_restore", "--clean", "--if-exists", "--no-owner", "--file="+script, x.dbPath).CombinedOutput(); err != nil {
		return fmt.Errorf("pg_restore 失败：%v：%s", err, b)
	}
	f, err := os.OpenFile(script, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(checkSQL(schema, x))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "psql", "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1", "--file="+script, "--dbname="+db.URL)
	if b, err := cmd.CombinedOutput(); err != nil {
		msg := string(b)
		if i := strings.Index(msg, "备份"); i >= 0 {
			msg = strings.SplitN(msg[i:], "\n", 2)[0]
		}
		return fmt.Errorf("恢复未生效（已整体回滚）：%s", strings.TrimSpace(msg))
	}
	fresh, err := store.OpenPostgres(ctx, db.URL, db.Schema)
	if err != nil {
		return err
	}
	defer fresh.Close()
	if _, err := readSnapshot(ctx, store.Postgres, fresh, prot); err != nil {
		return fmt.Errorf("恢复后的数据库未通过检查：%w", err)
	}
	return nil
}

// checkSQL is the statements that end the restore script: each raises an
// error, rolling the restore back, when the restored data differ from the
// manifest or refer to an attachment the archive lacks.
func checkSQL(schema string, x *extracted) string {
	lit := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	var b strings.Builder
	fmt.Fprintf(&b, "\nSET search_path TO %s;\n", store.QuoteIdent(schema))
	tables := make([]string, 0, len(x.manifest.Tables))
	for t := range x.manifest.Tables {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		n := x.manifest.Tables[t]
		fmt.Fprintf(&b, "DO $check$ DECLARE n bigint; BEGIN SELECT COUNT(*) INTO n FROM %s; IF n <> %d THEN RAISE EXCEPTION %s, n; END IF; END $check$;\n",
			store.QuoteIdent(t), n, lit(fmt.Sprintf("备份中的数据与清单不符：%s 有 %% 行，清单为 %d 行", t, n)))
	}
	if _, ok := x.manifest.Tables["meeting_attachments"]; ok {
		names := make([]string, 0, len(x.attachments))
		for n := range x.attachments {
			names = append(names, lit(n))
		}
		sort.Strings(names)
		// Attachments kept in the database (stored name db:…) have no file.
		cond := "stored_name NOT LIKE 'db:%'"
		if len(names) > 0 {
			cond += " AND stored_name NOT IN (" + strings.Join(names, ", ") + ")"
		}
		fmt.Fprintf(&b, "DO $check$ DECLARE s text; BEGIN SELECT stored_name INTO s FROM meeting_attachments WHERE %s LIMIT 1; IF s IS NOT NULL THEN RAISE EXCEPTION %s, s; END IF; END $check$;\n",
			cond, lit("数据库登记的会议附件 % 不在备份中"))
	}
	return b.String()
}
