package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"time"
)

// SQLite's write-ahead log is copied back into the database file by
// checkpoints. By default the connection that commits runs one (PASSIVE)
// whenever the log holds more than 1000 pages: the writer pays for copying
// pages and syncing the file inside its commit, and while readers keep
// arriving the checkpoint never catches up with the log's end, so the log is
// never restarted and the same writer pays again at every commit while the
// file keeps growing (issue 18: writes fell to about 200 per second, p99
// 240 ms, with a 52 MB log under a read load).
//
// Here commits never checkpoint (wal_autocheckpoint=0). A checkpointer of
// its own, on a connection of its own, runs a PASSIVE checkpoint every
// checkpointInterval, which neither waits for nor blocks anyone; once a
// PASSIVE checkpoint has copied the whole log, readers that start afterwards
// read the database file only and the next writer restarts the log from its
// beginning. When nothing was written since the last tick, or when the log
// has grown past walLimit anyway, it runs a TRUNCATE checkpoint, which
// empties the file; it waits at most checkpointBusy for readers still on the
// log (holding writers back that long at most) and otherwise leaves the work
// to the next tick. journal_size_limit trims the file after a restart.
const (
	checkpointInterval = 200 * time.Millisecond
	checkpointBusy     = 50 * time.Millisecond
	// defaultWALLimit is the log size past which the checkpointer truncates
	// the log even while writes continue.
	defaultWALLimit = 16 << 20
	// journalSizeLimit is what a restarted log file is trimmed back to.
	journalSizeLimit = 4 << 20
)

// checkpointer runs SQLite checkpoints in the background (see above).
type checkpointer struct {
	db       *sql.DB // one connection, busy_timeout = checkpointBusy
	walPath  string
	walLimit int64
	// busy bounds the TRUNCATE checkpoint's wait for readers still on the
	// log (it holds writers back meanwhile).
	busy    time.Duration
	mu      sync.Mutex // one step at a time
	lastLog int64
	stop    context.CancelFunc
	done    chan struct{}
}

// CheckpointResult is what one checkpoint reported: Busy when it could not
// finish (readers or a writer in the way), Log the frames in the log and
// Checkpointed the frames copied to the database file.
type CheckpointResult struct {
	Busy         bool
	Log          int64
	Checkpointed int64
	// Truncated tells that a TRUNCATE checkpoint ran and emptied the log.
	Truncated bool
}

func newCheckpointer(dsn, path string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	return &checkpointer{db: db, walPath: path + "-wal", walLimit: defaultWALLimit, busy: checkpointBusy, lastLog: -1}, nil
}

func (c *checkpointer) start() {
	ctx, cancel := context.WithCancel(context.Background())
	c.stop = cancel
	c.done = make(chan struct{})
	go func() {
		defer close(c.done)
		t := time.NewTicker(checkpointInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_, _ = c.step(ctx)
			}
		}
	}()
}

func (c *checkpointer) close() error {
	if c.stop != nil {
		c.stop()
		<-c.done
	}
	return c.db.Close()
}

func (c *checkpointer) run(ctx context.Context, mode string) (CheckpointResult, error) {
	var busy int
	var r CheckpointResult
	if err := c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &r.Log, &r.Checkpointed); err != nil {
		return r, fmt.Errorf("store: wal_checkpoint(%s): %w", mode, err)
	}
	r.Busy = busy != 0
	return r, nil
}

// step is one tick: PASSIVE, then TRUNCATE when idle or over the limit.
func (c *checkpointer) step(ctx context.Context) (CheckpointResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, err := c.run(ctx, "PASSIVE")
	if err != nil {
		return r, err
	}
	idle := r.Log > 0 && r.Log == c.lastLog && !r.Busy && r.Checkpointed == r.Log
	c.lastLog = r.Log
	if !idle && fileSize(c.walPath) <= c.walLimit {
		return r, nil
	}
	if _, err := c.db.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", c.busy.Milliseconds())); err != nil {
		return r, fmt.Errorf("store: checkpointer busy_timeout: %w", err)
	}
	t, err := c.run(ctx, "TRUNCATE")
	if err != nil {
		return r, err
	}
	if !t.Busy {
		t.Truncated = true
		c.lastLog = 0
	}
	return t, nil
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// Checkpoint runs one tick of the background checkpointer now: a PASSIVE
// checkpoint, then a TRUNCATE one when nothing was written since the
// previous tick or the log is over its limit. Nothing on PostgreSQL.
func (db *DB) Checkpoint(ctx context.Context) (CheckpointResult, error) {
	if db.ckpt == nil {
		return CheckpointResult{}, nil
	}
	return db.ckpt.step(ctx)
}

// WALSize is the size in bytes of the SQLite write-ahead log file (0 when
// absent); -1 on PostgreSQL.
func (db *DB) WALSize() int64 {
	if db.Dialect != SQLite {
		return -1
	}
	return fileSize(db.Path + "-wal")
}
