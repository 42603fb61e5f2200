package org

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/coverspan"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// The staged organization import (SQLite; issue 12, see store.Stage and
// docs/decisions.md). The rows are validated, matched against the ledger
// and written into a scratch file, with their audit entries and their
// coverage snapshots and count changes, while other users keep writing the
// database; one short transaction then copies the stage into the ledger.
// When the ledger changed under the stage in a way that clashes (an
// organization with the same key created meanwhile, a row the import
// updates changed meanwhile, the counts' state changed), or the file holds
// a case the stage does not handle (a row repeating a new organization of
// the same file), the import falls back to the one-transaction write.

// errStageFallback ends a staged import that must be redone in one
// transaction.
var errStageFallback = errors.New("org: staged import must fall back to one transaction")

// stageIDBlock is how many organization ids one short write transaction
// reserves for a staged import.
const stageIDBlock = 10000

// orgStage is a staged write's state: the stage and the ids reserved.
type orgStage struct {
	st     *store.Stage
	blocks [][2]int64 // reserved ids, first and last of each block
	next   int64      // the next id to give (0: none left)
}

// stageTables creates the stage's tables: the new organizations (with the
// ledger's unique keys, so a clash inside the file is met while staging),
// their areas, the updates of existing ones, audit entries and counts.
func stageTables(ctx context.Context, st *store.Stage) error {
	const s = store.StageSchema
	for _, q := range []string{
		`CREATE TABLE ` + s + `.organizations AS SELECT id, ` + orgCols + ` FROM main.organizations WHERE 0`,
		`CREATE UNIQUE INDEX ` + s + `.organizations_id ON organizations (id)`,
		`CREATE UNIQUE INDEX ` + s + `.organizations_uscc ON organizations (uscc)`,
		`CREATE UNIQUE INDEX ` + s + `.organizations_name_region_without_uscc ON organizations (name, region_code) WHERE uscc IS NULL`,
		`CREATE TABLE ` + s + `.organization_areas AS SELECT organization_id, area_code FROM main.organization_areas WHERE 0`,
		`CREATE TABLE ` + s + `.organization_updates (id INTEGER PRIMARY KEY, before TEXT NOT NULL, after TEXT NOT NULL)`,
	} {
		if err := st.Exec(ctx, q); err != nil {
			return err
		}
	}
	if err := audit.StageTable(ctx, st.Exec, s); err != nil {
		return err
	}
	return coverspan.StageTables(ctx, st.Exec, s)
}

// newStagedBulkWriter is newBulkWriter over the staging connection.
func (s *Service) newStagedBulkWriter(st *store.Stage) *bulkWriter {
	c := store.NewConnStmtCache(st.Conn())
	return &bulkWriter{s: s, tx: c, audits: s.Audit.NewStagedBuffer(c, store.StageSchema),
		cover: coverspan.NewStagedBulk(s.DB, c, store.StageSchema),
		known: map[string]int64{}, pendingKeys: map[string]bool{}, stage: &orgStage{st: st}}
}

// inTx runs fn in a short transaction of the staging connection.
func (g *orgStage) inTx(ctx context.Context, fn func() error) error {
	if err := g.st.Begin(ctx); err != nil {
		return err
	}
	if err := fn(); err != nil {
		g.st.Rollback(ctx)
		return err
	}
	return g.st.Commit(ctx)
}

// owns tells whether id was reserved by this stage.
func (g *orgStage) owns(id int64) bool {
	for _, b := range g.blocks {
		if id >= b[0] && id <= b[1] {
			return true
		}
	}
	return false
}

// id gives the next reserved id, reserving a new block when none is left.
func (g *orgStage) id(ctx context.Context) (int64, error) {
	if g.next == 0 {
		first, err := g.st.ReserveIDs(ctx, "organizations", stageIDBlock)
		if err != nil {
			return 0, err
		}
		g.blocks = append(g.blocks, [2]int64{first, first + stageIDBlock - 1})
		g.next = first
	}
	id := g.next
	g.next++
	if last := g.blocks[len(g.blocks)-1][1]; g.next > last {
		g.next = 0
	}
	return id, nil
}

// insertMany writes new organizations into the stage with reserved ids
// (Service.insertMany's staged form). A unique violation (two rows of the
// file with one key the reader let through) falls back.
func (g *orgStage) insertMany(ctx context.Context, s *Service, tx store.Querier, ps []pendingRow) (bool, error) {
	now := s.Now()
	args := make([]any, 0, len(ps)*(orgColCount+1))
	for k := range ps {
		id, err := g.id(ctx)
		if err != nil {
			return false, err
		}
		ps[k].o.ID = id
		args = insertArgs(append(args, id), ps[k].o, now)
	}
	row := "(" + placeholders(orgColCount+1) + ")"
	q := `INSERT INTO ` + store.StageSchema + `.organizations (id, ` + orgCols + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", len(ps)), ", ")
	if _, err := s.DB.Exec(ctx, tx, q, args...); err != nil {
		if store.IsUniqueViolation(err) {
			return false, errStageFallback
		}
		return false, err
	}
	t := now.UTC().Truncate(time.Microsecond)
	for k := range ps {
		ps[k].o.CreatedAt, ps[k].o.UpdatedAt = t, t
	}
	return true, nil
}

// queueUpdate records in the stage an update of an existing organization,
// applied when the stage is published if the organization is still as
// before.
func (g *orgStage) queueUpdate(ctx context.Context, s *Service, tx store.Querier, before, after Organization) error {
	b, err := json.Marshal(before)
	if err != nil {
		return err
	}
	a, err := json.Marshal(after)
	if err != nil {
		return err
	}
	_, err = s.DB.Exec(ctx, tx, `INSERT INTO `+store.StageSchema+`.organization_updates (id, before, after) VALUES (?, ?, ?)`, before.ID, string(b), string(a))
	if store.IsUniqueViolation(err) {
		return errStageFallback // the file updates one organization twice
	}
	return err
}

// publish copies the stage into the ledger inside tx (the commit
// transaction of a publish with roll-forward, store.Stage.
// PublishRollForward): the new organizations and their areas, the
// updates, the coverage snapshots and the import's own entry. It returns
// the roll-forward steps that follow the commit: the count changes (when
// there are any to add) and the per-row audit entries.
func (g *orgStage) publish(ctx context.Context, s *Service, tx *sql.Tx, counted bool, entry audit.Entry) ([]string, error) {
	const st = store.StageSchema
	var took []any // each step's duration, logged once published
	step := func(name string, fn func() error) error {
		t0 := time.Now()
		err := fn()
		took = append(took, name, time.Since(t0).Round(time.Millisecond).String())
		return err
	}
	t0 := time.Now()
	err := step("organizations", func() error {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO main.organizations (id, `+orgCols+`) SELECT id, `+orgCols+` FROM `+st+`.organizations ORDER BY id`); err != nil {
			if store.IsUniqueViolation(err) {
				return errStageFallback // the same key was created meanwhile
			}
			return err
		}
		_, err := s.DB.Exec(ctx, tx, `INSERT INTO main.organization_areas (organization_id, area_code) SELECT organization_id, area_code FROM `+st+`.organization_areas`)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := step("updates", func() error { return g.publishUpdates(ctx, s, tx) }); err != nil {
		return nil, err
	}
	var steps []string
	if err := step("snapshots", func() error {
		var err error
		steps, err = coverspan.PublishStagedSnapshots(ctx, s.DB, tx, st, filepath.Base(g.st.Path), counted)
		return err
	}); err != nil {
		if errors.Is(err, coverspan.ErrCountsChanged) {
			return nil, errStageFallback
		}
		return nil, err
	}
	if err := s.Audit.Record(ctx, tx, entry); err != nil {
		return nil, err
	}
	slog.Info("org import: stage committed", append(took, "commit transaction before its commit", time.Since(t0).Round(time.Millisecond).String())...)
	return append(steps, audit.RollForwardStep), nil
}

// publishUpdates applies the staged updates, each only if its organization
// is still what the stage read (otherwise the import falls back).
func (g *orgStage) publishUpdates(ctx context.Context, s *Service, tx *sql.Tx) error {
	type upd struct {
		id            int64
		before, after string
	}
	var us []upd
	rows, err := s.DB.Query(ctx, tx, `SELECT id, before, after FROM `+store.StageSchema+`.organization_updates ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var u upd
		if err := rows.Scan(&u.id, &u.before, &u.after); err != nil {
			rows.Close()
			return err
		}
		us = append(us, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, u := range us {
		cur, err := s.get(ctx, tx, u.id)
		if apperr.IsKind(err, apperr.KindNotFound) {
			return errStageFallback
		}
		if err != nil {
			return err
		}
		now, err := json.Marshal(cur)
		if err != nil {
			return err
		}
		if !bytes.Equal(now, []byte(u.before)) {
			return errStageFallback // changed meanwhile
		}
		var after Organization
		if err := json.Unmarshal([]byte(u.after), &after); err != nil {
			return fmt.Errorf("org: staged update %d: %w", u.id, err)
		}
		if err := s.update(ctx, tx, cur, after); err != nil {
			if _, ok := apperr.As(err); ok {
				return errStageFallback
			}
			return err
		}
	}
	return nil
}

// stagedImport is Import's staged form (SQLite): run stages the rows with
// the environment and the writer's constructor it is given; publishing
// follows. errStageFallback asks for the one-transaction write.
func stagedImport(ctx context.Context, orgs *Service, progress func(phase string, done int),
	run func(env sheetimport.Env, newWriter func(tx *sql.Tx) *bulkWriter) (sheetimport.Result, []xlsx.CellError, error)) (sheetimport.Result, []xlsx.CellError, error) {
	st, err := orgs.DB.NewStage(ctx)
	if err != nil {
		return sheetimport.Result{}, nil, err
	}
	defer st.Close()
	if err := stageTables(ctx, st); err != nil {
		return sheetimport.Result{}, nil, err
	}
	var w *bulkWriter
	// The writer writes through the staging connection, in a short
	// transaction per chunk: the driver's transaction is none (Stage.Run).
	res, errs, err := run(sheetimport.Env{DB: orgs.DB, InTx: st.Run}, func(*sql.Tx) *bulkWriter {
		w = orgs.newStagedBulkWriter(st)
		return w
	})
	if err != nil || len(errs) > 0 {
		return res, errs, err
	}
	if stageHook != nil {
		stageHook("staged")
	}
	if progress != nil {
		progress(PhasePublish, res.Rows)
	}
	// The job reads succeeded from the commit on (the last pre-commit
	// check, after the claim's): a kill during the roll-forward that
	// follows leaves a finished import, whose audit entries and counts the
	// next start completes.
	pctx := store.WithPreCommit(ctx, func(ctx context.Context, tx *sql.Tx) error { return sheetimport.Committed(ctx, tx, res) })
	err = st.PublishRollForward(pctx, func(tx *sql.Tx) ([]string, error) {
		return w.stage.publish(ctx, orgs, tx, w.cover.Counted(), importSheet.Entry(res))
	})
	if err != nil {
		return sheetimport.Result{Rows: res.Rows}, nil, err
	}
	return res, nil, nil
}

// stageHook, set by tests only, is called while an import writes (after
// its first chunk: "staging", while a stage is being filled on SQLite, in
// the import's transaction otherwise), once a stage is filled, before it
// is published ("staged"), and when a staged import falls back to one
// transaction ("fallback").
var stageHook func(point string)

// PhasePublish is the progress phase of a staged import while it copies
// the stage into the ledger.
const PhasePublish = "publish"
