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
// them (PublishStagedSnapshots and the roll-forward): the count changes are already added up per series,
// grain and bucket. Existing organizations a staged write changes are
// refreshed at publish time, by the ordinary update path.

// ErrCountsChanged is PublishStagedSnapshots' answer when the counts began to be
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
// counts nothing and leaves the mark to PublishStagedSnapshots.
func (b *Bulk) counter(ctx context.Context) (func(Org) int, bool, error) {
	if b.into == "" {
		return counter(ctx, b.db, b.q)
	}
	kept, err := countsKept(ctx, b.db, b.q)
	if err != nil || !kept {
		return nil, false, err
	}
	upper, err := CountsUpper(ctx, b.db, b.q)
	if err != nil {
		return nil, false, err
	}
	cl, err := classifier(ctx, b.db, b.q)
	return cl, upper, err
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

// Rolled forward: the count changes of a published stage are added to the
// counts after the write's commit, in short transactions of their own
// (store.Stage.PublishRollForward), while the snapshots go with the
// commit. Between the two, the settings row SettingCountsPending+<stage>
// makes readers use the spans (CountsReady is false), so no reader sees
// counts that hold part of the import; a rebuild meanwhile counts the
// ledger, which holds the whole import, and deletes the row, which ends
// the roll-forward's step (the changes are not added twice). The changes
// only add up, so other writers' changes in between commute with them.

// SettingCountsPending starts the settings key of a published stage whose
// count changes are being rolled forward; the stage's name follows.
const SettingCountsPending = "coverage_counts_pending:"

// RollForwardStep is the name of the roll-forward step adding a published
// stage's count changes.
const RollForwardStep = "coverage_counts"

// PublishStagedSnapshots publishes a staged write's counts part (counted is
// the staged Bulk's Counted). When the counts stopped being kept meanwhile,
// nothing is copied (the rebuild counts from the ledger); when they began to
// be kept, ErrCountsChanged. Otherwise,
// inside the commit transaction tx it copies the snapshots and, when there
// are count changes to add, marks them pending for stage (the stage's
// name) and returns the roll-forward step that adds them (nil: none).
func PublishStagedSnapshots(ctx context.Context, db *store.DB, tx store.Querier, schema, stage string, counted bool) ([]string, error) {
	kept, err := countsKept(ctx, db, tx)
	if err != nil {
		return nil, err
	}
	if !kept {
		_, _, err := counter(ctx, db, tx)
		return nil, err
	}
	if !counted {
		var created int
		if err := db.QueryRow(ctx, tx, `SELECT COUNT(*) FROM `+schema+`.organizations`).Scan(&created); err != nil {
			return nil, err
		}
		if created > 0 {
			return nil, ErrCountsChanged
		}
		return nil, nil
	}
	const snap = `organization_id, region_code, category, industry, above_scale, employees, full_members, has_charter, charter_has_party,
		registered_on, closed_on`
	if _, err := db.Exec(ctx, tx, `INSERT INTO main.coverage_count_orgs (`+snap+`) SELECT `+snap+` FROM `+schema+`.coverage_count_orgs`); err != nil {
		return nil, err
	}
	var any int
	if err := db.QueryRow(ctx, tx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+schema+`.coverage_counts LIMIT 1) t`).Scan(&any); err != nil {
		return nil, err
	}
	if any == 0 {
		return nil, nil
	}
	if _, err := db.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, '1')`, SettingCountsPending+stage); err != nil {
		return nil, err
	}
	return []string{RollForwardStep}, nil
}

func init() {
	store.RegisterRollForward(RollForwardStep, "coverage_counts", rollForwardCounts, func(ctx context.Context, db *store.DB, tx *sql.Tx, stage string) error {
		// The changes cannot be added any more: the counts are rebuilt.
		if err := MarkCountsStale(ctx, db, tx); err != nil {
			return err
		}
		_, err := db.Exec(ctx, tx, `DELETE FROM settings WHERE key = ?`, SettingCountsPending+stage)
		return err
	})
}

// rollForwardCounts adds the stage's count changes of rowid (lo, hi].
func rollForwardCounts(ctx context.Context, db *store.DB, tx *sql.Tx, schema, stage string, lo, hi int64, last bool) (bool, error) {
	var n int
	if err := db.QueryRow(ctx, tx, `SELECT COUNT(*) FROM settings WHERE key = ?`, SettingCountsPending+stage).Scan(&n); err != nil {
		return false, err
	}
	if n == 0 {
		return false, nil // a rebuild counted the ledger meanwhile
	}
	const cols = `region_code, grain, bucket, dim, key, ` + MeasureCols
	if _, err := db.Exec(ctx, tx, `INSERT INTO main.coverage_counts (`+cols+`) SELECT `+cols+` FROM `+schema+`.coverage_counts
		WHERE rowid > ? AND rowid <= ? ORDER BY region_code, dim, grain, bucket, key`+countsUpsert, lo, hi); err != nil {
		return false, err
	}
	if last {
		if _, err := db.Exec(ctx, tx, `DELETE FROM settings WHERE key = ?`, SettingCountsPending+stage); err != nil {
			return false, err
		}
	}
	return true, nil
}
