package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// A staged write published with roll-forward (issue 12: others' p99 < 1 s
// during a 200,000-row import on SQLite).
//
// Stage.Publish copies a whole stage in one write transaction, and every
// other writer waits for it. PublishRollForward splits it: the commit
// transaction copies what must become visible at once (the ledger rows)
// and records a durable marker (a settings row "staged_publish:<stage
// file>"); the rest — rows that nothing else writes or that only add up
// (audit entries, count changes) — is then copied from the stage in short
// transactions of its own, each moving the marker's progress in the same
// transaction, and the last one removing the marker. The stage file is
// synced to disk before the commit and kept while a marker names it (the
// start-up clean-up skips it). A process killed during the roll-forward
// leaves the marker and the file: the next start (FinishPublishes)
// continues from the recorded progress, so the import is never half done
// once it committed, and nothing of it is visible before.
//
// The steps are named and registered by the packages that own the tables
// (RegisterRollForward), so the start-up of any program linking them can
// finish a publish.

// PublishKeyPrefix starts the settings key of a publish being rolled
// forward; the stage file's base name follows.
const PublishKeyPrefix = "staged_publish:"

// RollForwardRows is how many stage rows one roll-forward transaction
// copies (a variable so that tests can make several transactions of a
// small stage).
var RollForwardRows int64 = 5000

// RollForwardFunc copies the rows of a stage table whose rowid is in
// (lo, hi] inside tx, the stage attached as schema. stage is the stage
// file's base name (the key of the publish). last is true for the step's
// last chunk. It returns false to end the step early (the rows are no
// longer wanted, e.g. counts a rebuild has recounted).
type RollForwardFunc func(ctx context.Context, db *DB, tx *sql.Tx, schema, stage string, lo, hi int64, last bool) (more bool, err error)

// RollForwardLostFunc is called, inside a transaction, for a step whose
// stage file is gone at start-up (it cannot be copied any more).
type RollForwardLostFunc func(ctx context.Context, db *DB, tx *sql.Tx, stage string) error

type rollForwardStep struct {
	table string
	fn    RollForwardFunc
	lost  RollForwardLostFunc
}

var (
	rollForwardMu    sync.Mutex
	rollForwardSteps = map[string]rollForwardStep{}
)

// RegisterRollForward names a roll-forward step: fn copies the stage's
// table in chunks of rowid; lost (may be nil) handles a step that can no
// longer be copied.
func RegisterRollForward(name, table string, fn RollForwardFunc, lost RollForwardLostFunc) {
	rollForwardMu.Lock()
	defer rollForwardMu.Unlock()
	rollForwardSteps[name] = rollForwardStep{table: table, fn: fn, lost: lost}
}

func rollForwardStepOf(name string) (rollForwardStep, bool) {
	rollForwardMu.Lock()
	defer rollForwardMu.Unlock()
	s, ok := rollForwardSteps[name]
	return s, ok
}

// publishState is a marker's value: the steps, the one being copied and
// the last rowid of it already copied.
type publishState struct {
	Steps []string `json:"steps"`
	Step  int      `json:"step"`
	After int64    `json:"after"`
}

// rollForwardHook, set by tests only, runs before each roll-forward
// transaction (its error stops the roll-forward there, as a kill would).
var rollForwardHook func(st publishState) error

// SetRollForwardHook sets the test hook run before each roll-forward
// transaction with the step's name and the last rowid copied; an error
// stops the roll-forward there (as a kill would). nil removes it.
func SetRollForwardHook(h func(step string, after int64) error) {
	if h == nil {
		rollForwardHook = nil
		return
	}
	rollForwardHook = func(st publishState) error { return h(st.Steps[st.Step], st.After) }
}

// PublishRollForward publishes the stage in one short commit transaction
// and a roll-forward (see the top of this file): fn copies inside the
// commit transaction what must appear at once and returns the steps
// (registered names) to copy after it, in order, in transactions of
// RollForwardRows rows. The commit transaction runs the pre-commit checks
// of ctx; the roll-forward's do not (the write has committed). Once the
// commit transaction has committed, PublishRollForward returns nil even
// when the roll-forward stops on an error: the write is done, the marker
// stays and the next start finishes it (the error is logged).
func (st *Stage) PublishRollForward(ctx context.Context, fn func(tx *sql.Tx) ([]string, error)) error {
	// The stage must survive what the marker survives.
	if err := syncFile(st.Path); err != nil {
		return err
	}
	if err := syncFile(filepath.Dir(st.Path)); err != nil {
		return err
	}
	name := filepath.Base(st.Path)
	var state publishState
	err := st.Publish(ctx, func(tx *sql.Tx) error {
		steps, err := fn(tx)
		if err != nil {
			return err
		}
		for _, s := range steps {
			if _, ok := rollForwardStepOf(s); !ok {
				return fmt.Errorf("store: roll-forward step %q not registered", s)
			}
		}
		state = publishState{Steps: steps}
		if len(steps) == 0 {
			return nil
		}
		return putPublishState(ctx, st.db, tx, name, state, false)
	})
	if err != nil || len(state.Steps) == 0 {
		return err
	}
	// From here on the file is the write's: Close must not remove it
	// unless the roll-forward finished.
	st.keep = true
	if err := st.db.rollForward(ctx, st.Path, state); err != nil {
		slog.Error("store: roll-forward of a published stage stopped; the next start finishes it", "stage", name, "err", err)
		return nil
	}
	st.keep = false
	return nil
}

func putPublishState(ctx context.Context, db *DB, q Querier, name string, state publishState, update bool) error {
	v, err := json.Marshal(state)
	if err != nil {
		return err
	}
	if update {
		_, err = db.Exec(ctx, q, `UPDATE settings SET value = ? WHERE key = ?`, string(v), PublishKeyPrefix+name)
	} else {
		_, err = db.Exec(ctx, q, `INSERT INTO settings (key, value) VALUES (?, ?)`, PublishKeyPrefix+name, string(v))
	}
	return err
}

// rollForward copies the remaining steps of the publish of the stage file
// at path, from state on, one short transaction per chunk, and removes the
// marker in the last.
func (db *DB) rollForward(ctx context.Context, path string, state publishState) error {
	ctx = withoutPreCommit(context.WithoutCancel(ctx))
	name := filepath.Base(path)
	start, txs, longest := time.Now(), 0, time.Duration(0)
	for state.Step < len(state.Steps) {
		if rollForwardHook != nil {
			if err := rollForwardHook(state); err != nil {
				return err
			}
		}
		step, ok := rollForwardStepOf(state.Steps[state.Step])
		if !ok {
			return fmt.Errorf("store: roll-forward step %q not registered", state.Steps[state.Step])
		}
		next := state
		t0 := time.Now()
		err := db.withStage(ctx, path, func(tx *sql.Tx) error {
			var top int64
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(rowid), 0) FROM `+StageSchema+`.`+step.table).Scan(&top); err != nil {
				return err
			}
			hi := min(state.After+RollForwardRows, top)
			more := true
			if hi > state.After {
				var err error
				if more, err = step.fn(ctx, db, tx, StageSchema, name, state.After, hi, hi == top); err != nil {
					return fmt.Errorf("store: roll-forward %s: %w", state.Steps[state.Step], err)
				}
			}
			if !more || hi >= top {
				next.Step, next.After = state.Step+1, 0
			} else {
				next.After = hi
			}
			if next.Step == len(next.Steps) {
				_, err := db.Exec(ctx, tx, `DELETE FROM settings WHERE key = ?`, PublishKeyPrefix+name)
				return err
			}
			return putPublishState(ctx, db, tx, name, next, true)
		})
		if err != nil {
			return err
		}
		txs++
		longest = max(longest, time.Since(t0))
		state = next
	}
	db.bump(ctx, nil)
	slog.Info("store: published stage rolled forward", "stage", name, "transactions", txs,
		"longest", longest.Round(time.Millisecond).String(), "total", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// withStage runs fn in a write transaction on the transaction pool's
// connection with the stage file at path attached (Stage.Publish's
// transaction). It keeps SQLite's default page cache: a 128 MB cache for
// the commit transaction made it no faster (0.99 s against 0.97–1.08 s
// for the organizations of a 200,000-row import, quiet machine) and raised
// the import's peak from 99 to 192 MB (docs/benchmarks.md).
func (db *DB) withStage(ctx context.Context, path string, fn func(tx *sql.Tx) error) error {
	conn, err := db.tx.Conn(ctx)
	if err != nil {
		return err
	}
	if err := attachStage(ctx, conn, path); err != nil {
		conn.Close()
		return err
	}
	err = func() error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		return commitTx(ctx, tx, fn)
	}()
	bad := false
	if _, derr := conn.ExecContext(context.WithoutCancel(ctx), `DETACH DATABASE `+StageSchema); derr != nil {
		bad = true
		slog.Warn("store: detach stage", "err", derr)
	}
	if bad {
		// The pool's connection must not keep the stage: drop it.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	conn.Close()
	return err
}

// pendingPublishes reads the markers of publishes being rolled forward:
// the stage files' base names with their states.
func pendingPublishes(ctx context.Context, q Querier) (map[string]publishState, error) {
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE ?`, PublishKeyPrefix+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]publishState{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		var s publishState
		if err := json.Unmarshal([]byte(v), &s); err != nil {
			return nil, fmt.Errorf("store: marker %s: %w", k, err)
		}
		out[strings.TrimPrefix(k, PublishKeyPrefix)] = s
	}
	return out, rows.Err()
}

// FinishPublishes finishes the roll-forward of every publish a killed
// process left (SQLite; app start-up, after the migrations and before
// anything reads the rolled-forward tables' derived state). A stage file
// another live process holds is left to it. A marker whose file is gone
// (it cannot be, unless removed by hand) is dropped after each remaining
// step's lost handler ran. It returns how many publishes it finished.
func (db *DB) FinishPublishes(ctx context.Context) (int, error) {
	if db.Dialect != SQLite {
		return 0, nil
	}
	pending, err := pendingPublishes(ctx, db.DB)
	if err != nil {
		return 0, fmt.Errorf("store: read pending publishes: %w", err)
	}
	names := make([]string, 0, len(pending))
	for n := range pending {
		names = append(names, n)
	}
	sort.Strings(names)
	done := 0
	for _, name := range names {
		state := pending[name]
		path := filepath.Join(filepath.Dir(db.Path), name)
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if errors.Is(err, os.ErrNotExist) {
			slog.Error("store: the stage of a committed publish is gone; its remaining steps are lost", "stage", name, "steps", state.Steps[state.Step:])
			err := db.InTx(ctx, func(tx *sql.Tx) error {
				for _, s := range state.Steps[state.Step:] {
					if step, ok := rollForwardStepOf(s); ok && step.lost != nil {
						if err := step.lost(ctx, db, tx, name); err != nil {
							return err
						}
					}
				}
				_, err := db.Exec(ctx, tx, `DELETE FROM settings WHERE key = ?`, PublishKeyPrefix+name)
				return err
			})
			if err != nil {
				return done, err
			}
			continue
		}
		if err != nil {
			return done, fmt.Errorf("store: open stage %s: %w", name, err)
		}
		if lockFile(f) != nil { // a live process rolls it forward
			f.Close()
			continue
		}
		err = db.rollForward(ctx, path, state)
		if err == nil {
			err = removeStageFiles(path)
		}
		f.Close()
		if err != nil {
			return done, err
		}
		slog.Info("store: finished the roll-forward of a published stage", "stage", name)
		done++
	}
	return done, nil
}

// syncFile flushes a file (or directory) to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("store: sync %s: %w", path, err)
	}
	return nil
}
