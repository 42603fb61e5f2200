package coverspan

import (
	"context"
	"database/sql"
	"errors"

	"liangxin/internal/store"
)

// A staged bulk write (SQLite, store.Stage) computes the spans and counts
// of its new organizations while staging, into the stage's own
// coverage_count_orgs and coverage_counts, so that publishing only copies
// them (PublishStaged): the count changes are already added up per series,
// grain and bucket. Existing organizations a staged write changes are
// refreshed at publish time, by the ordinary update path.

// ErrCountsChanged is PublishStaged's answer when the counts began to be
// kept between staging and publishing (a rebuild finished meanwhile): the
// staged counts are missing and the write must be redone in one
// transaction.
var ErrCountsChanged = errors.New("coverspan: the counts' state changed while staging")

// StageTables creates the stage's count tables (schema: the stage's name).
func StageTables(ctx context.Context, exec func(ctx context.Context, query string, args ...any) error, schema string) error {
	for _, q := range []string{
		`CREATE TABLE ` + schema + `.coverage_count_orgs AS SELECT * FROM main.coverage_count_orgs WHERE 0`,
		`CREATE TABLE ` + schema + `.coverage_counts AS SELECT * FROM main.coverage_counts WHERE 0`,
		`CREATE UNIQUE INDEX ` + schema + `.coverage_counts_key ON coverage_counts (region_code, dim, grain, bucket, key)`,
	} {
		if err := exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// NewStagedBulk is NewBulk for a staged write: q is the staging
// transaction, the new organizations are read from, and the snapshots and
// counts written to, the tables of schema.
func NewStagedBulk(db *store.DB, q store.Querier, schema string) *Bulk {
	b := NewBulk(db, q)
	b.into = schema + "."
	return b
}

// counter is the classification in force (see counter). A staged Bulk
// must not write the database: when the counts would be marked stale, it
// counts nothing and leaves the mark to PublishStaged.
func (b *Bulk) counter(ctx context.Context) (func(Org) int, error) {
	if b.into == "" {
		return counter(ctx, b.db, b.q)
	}
	kept, err := countsKept(ctx, b.db, b.q)
	if err != nil || !kept {
		return nil, err
	}
	return classifier(ctx, b.db, b.q)
}

// Counted tells whether a staged Bulk counted its new organizations (the
// counts were kept when it looked).
func (b *Bulk) Counted() bool { return b.clRead && b.cl != nil }

// countsKept tells whether the counts are kept (no rebuild pending, a
// classification set).
func countsKept(ctx context.Context, db *store.DB, q store.Querier) (bool, error) {
	var v string
	err := db.QueryRow(ctx, q, `SELECT value FROM settings WHERE key = ?`, SettingCountsRebuild).Scan(&v)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	return classifier != nil, nil
}

// PublishStaged copies a staged write's snapshots and count changes from
// the tables of schema into the database, inside the publishing
// transaction tx. counted is the staged Bulk's Counted. When the counts
// stopped being kept meanwhile, nothing is copied (the rebuild counts from
// the ledger); when they began to be kept, ErrCountsChanged.
func PublishStaged(ctx context.Context, db *store.DB, tx store.Querier, schema string, counted bool) error {
	kept, err := countsKept(ctx, db, tx)
	if err != nil {
		return err
	}
	if !kept {
		// As counter would: without a classification the counts are
		// marked stale.
		_, err := counter(ctx, db, tx)
		return err
	}
	if !counted {
		var created int
		if err := db.QueryRow(ctx, tx, `SELECT COUNT(*) FROM `+schema+`.organizations`).Scan(&created); err != nil {
			return err
		}
		if created > 0 {
			return ErrCountsChanged
		}
		return nil
	}
	const snap = `organization_id, region_code, category, industry, above_scale, employees, full_members, has_charter, charter_has_party,
		registered_on, closed_on`
	if _, err := db.Exec(ctx, tx, `INSERT INTO main.coverage_count_orgs (`+snap+`) SELECT `+snap+` FROM `+schema+`.coverage_count_orgs`); err != nil {
		return err
	}
	const cols = `region_code, grain, bucket, dim, key, ` + MeasureCols
	// "WHERE true": SQLite's parser needs it between a SELECT and ON CONFLICT.
	_, err = db.Exec(ctx, tx, `INSERT INTO main.coverage_counts (`+cols+`) SELECT `+cols+` FROM `+schema+`.coverage_counts
		WHERE true ORDER BY region_code, dim, grain, bucket, key`+countsUpsert)
	return err
}
