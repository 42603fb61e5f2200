package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Backup writes a consistent copy of the live database to out. SQLite uses
// VACUUM INTO (a transactionally consistent snapshot that does not block
// writers for long); PostgreSQL uses pg_dump's custom format (one snapshot).
func (db *DB) Backup(ctx context.Context, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("备份文件 %s 已存在，不会覆盖", out)
	}
	switch db.Dialect {
	case SQLite:
		return db.backupSQLite(ctx, out)
	case Postgres:
		return db.DumpPostgres(ctx, out, "")
	}
	return fmt.Errorf("unknown dialect %q", db.Dialect)
}

// BackupWait is how long a SQLite backup waits for the publishes being
// rolled forward to finish (a variable for tests).
var BackupWait = 2 * time.Minute

// backupSQLite copies the database with VACUUM INTO, at a moment when no
// published import is being rolled forward (rollforward.go): a copy taken
// then would hold its marker without its stage file, whose rows (audit
// entries, count changes) a restore could not add. A roll-forward takes
// seconds; the copy waits for it, and is taken again if one began meanwhile.
func (db *DB) backupSQLite(ctx context.Context, out string) error {
	deadline := time.Now().Add(BackupWait)
	for {
		pending, err := pendingPublishes(ctx, db.DB)
		if err != nil {
			return fmt.Errorf("备份失败：%w", err)
		}
		if len(pending) == 0 {
			if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, out); err != nil {
				return fmt.Errorf("备份失败：%w", err)
			}
			copied, err := OpenSQLiteReadOnly(out)
			if err == nil {
				pending, err = pendingPublishes(ctx, copied)
				copied.Close()
			}
			if err != nil {
				os.Remove(out)
				return fmt.Errorf("备份失败：%w", err)
			}
			if len(pending) == 0 {
				return os.Chmod(out, 0o600)
			}
			os.Remove(out)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("备份失败：已提交的导入仍在写入审计记录和统计数据（超过 %s 未完成），请稍后重试；若服务已停止，请先启动服务完成这些写入", BackupWait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// DumpPostgres runs pg_dump (custom format) into out; a non-empty snapshot
// (from pg_export_snapshot in a transaction the caller keeps open) makes the
// dump see exactly what that transaction sees.
func (db *DB) DumpPostgres(ctx context.Context, out, snapshot string) error {
	args := []string{"--format=custom", "--no-owner", "--file=" + out, "--dbname=" + db.URL}
	if db.Schema != "" {
		args = append(args, "--schema="+db.Schema)
	}
	if snapshot != "" {
		args = append(args, "--snapshot="+snapshot)
	}
	cmd := exec.CommandContext(ctx, "pg_dump", args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		os.Remove(out)
		return fmt.Errorf("pg_dump 失败：%v：%s", err, b)
	}
	return os.Chmod(out, 0o600)
}

// CheckSQLiteBackup opens a backup file read-only and checks that it is an
// intact Liangxin database.
func CheckSQLiteBackup(ctx context.Context, file string) (version int, err error) {
	if _, err := os.Stat(file); err != nil {
		return 0, fmt.Errorf("找不到备份文件 %s", file)
	}
	db, err := sql.Open("sqlite", sqliteURI(file)+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return 0, fmt.Errorf("备份文件不是有效的 SQLite 数据库：%w", err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("备份文件已损坏：%s", res)
	}
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil {
		return 0, fmt.Errorf("备份文件不是 liangxin 数据库：%w", err)
	}
	return version, nil
}

// RestoreSQLite replaces the database file in dataDir with a checked backup.
// The caller must hold the data folder lock (no server running).
func RestoreSQLite(ctx context.Context, file, dataDir string) error {
	v, err := CheckSQLiteBackup(ctx, file)
	if err != nil {
		return err
	}
	if latest := LatestVersion(SQLite); v > latest {
		return fmt.Errorf("备份的数据库结构版本 %d 高于本程序支持的 %d", v, latest)
	}
	dst := filepath.Join(dataDir, SQLiteFile)
	tmp := dst + ".restore"
	if err := copyFile(file, tmp); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dst + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return os.Rename(tmp, dst)
}

// RestorePostgres loads a pg_dump custom-format backup, replacing the objects it contains.
func RestorePostgres(ctx context.Context, dbURL, file string) error {
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("找不到备份文件 %s", file)
	}
	cmd := exec.CommandContext(ctx, "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname="+dbURL, file)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_restore 失败：%v：%s", err, b)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// OpenSQLiteReadOnly opens a SQLite file (a backup being checked) read-only.
func OpenSQLiteReadOnly(file string) (*sql.DB, error) {
	if _, err := os.Stat(file); err != nil {
		return nil, fmt.Errorf("找不到数据库文件 %s", file)
	}
	return sql.Open("sqlite", sqliteURI(file)+"?mode=ro")
}
