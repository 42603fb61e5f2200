package store

import "context"

// ParseMigration reads one migration file's text for a test, as Migrations
// reads the embedded files.
func ParseMigration(d Dialect, version int, name, body string) (Migration, error) {
	m := Migration{Version: version, Name: name}
	m.addPart(d, body, true)
	return m, m.prepare(d)
}

// MigrateWith migrates db with the binary's migrations followed by extra
// (a test's fixture migrations, numbered after the newest).
func (db *DB) MigrateWith(ctx context.Context, extra ...Migration) (int, error) {
	ms, err := Migrations(db.Dialect)
	if err != nil {
		return 0, err
	}
	return db.migrate(ctx, append(ms, extra...))
}
