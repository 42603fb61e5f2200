package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
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
// its own runs every checkpointInterval (see step): a PASSIVE checkpoint,
// which neither waits for nor blocks anyone, then a short one that holds the
// writers back while it copies what they wrote meanwhile; once the whole
// log is copied, readers that start afterwards read the database file only
// and the next writer restarts the log from its beginning. When nothing was
// written since the last tick, or when the log has grown past walLimit
// anyway, it runs a TRUNCATE checkpoint, which empties the file; it waits at
// most checkpointBusy for readers still on the log and otherwise leaves the
// work to the next tick. journal_size_limit trims the file after a restart.
const (
	checkpointInterval = 200 * time.Millisecond
	checkpointBusy     = 50 * time.Millisecond
	// writerBusy is every other connection's busy_timeout.
	writerBusy = 10 * time.Second
	// defaultWALLimit is the log size past which the checkpointer truncates
	// the log even while writes continue.
	defaultWALLimit = 16 << 20
	// journalSizeLimit is what a restarted log file is trimmed back to.
	journalSizeLimit = 4 << 20
)

// checkpointer runs SQLite checkpoints in the background (see above).
type checkpointer struct {
	db *sql.DB // one connection of its own
	// writer is the transaction pool (one connection, every writer's).
	writer   *sql.DB
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

func newCheckpointer(dsn, path string, writer *sql.DB) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	return &checkpointer{db: db, writer: writer, walPath: path + "-wal", walLimit: defaultWALLimit, busy: checkpointBusy, lastLog: -1}, nil
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

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func checkpoint(ctx context.Context, q querier, mode string) (CheckpointResult, error) {
	var busy int
	var r CheckpointResult
	if err := q.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &r.Log, &r.Checkpointed); err != nil {
		return r, fmt.Errorf("store: wal_checkpoint(%s): %w", mode, err)
	}
	r.Busy = busy != 0
	return r, nil
}

// step is one tick. First a PASSIVE checkpoint on the checkpointer's own
// connection does the bulk of the copying while writers go on. Then, if
// anything was written, a second PASSIVE one on the writers' connection
// (the transaction pool's only one), so no commit can come in between: it
// copies the few frames written meanwhile, and when no reader is left on
// the log the next writer restarts it. A saturated writer would otherwise
// always commit between the checkpoint's end and its own start, and the log
// would never restart. When nothing was written since the last tick, or
// the log is over its limit, a TRUNCATE checkpoint on the writers'
// connection empties the file (waiting at most c.busy for readers).
func (c *checkpointer) step(ctx context.Context) (CheckpointResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, err := checkpoint(ctx, c.db, "PASSIVE")
	if err != nil {
		return r, err
	}
	if r.Log <= 0 {
		c.lastLog = r.Log
		return r, nil
	}
	idle := r.Log == c.lastLog && !r.Busy && r.Checkpointed == r.Log
	c.lastLog = r.Log
	truncate := idle || fileSize(c.walPath) > c.walLimit
	if !truncate && r.Checkpointed == r.Log || c.writer == nil {
		return r, nil
	}
	// Wait briefly for the writers' connection: when a long transaction (an
	// import) holds it, this tick's second step is skipped rather than run
	// after the commit over everything the transaction wrote, which would
	// hold the next writers back for the whole copy.
	wctx, cancel := context.WithTimeout(ctx, c.busy)
	conn, err := c.writer.Conn(wctx)
	cancel()
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	defer conn.Close()
	if !truncate {
		return checkpoint(ctx, conn, "PASSIVE")
	}
	t, err := truncateOn(ctx, conn, c.busy)
	if err != nil {
		return r, err
	}
	if !t.Busy {
		t.Truncated = true
		c.lastLog = 0
	}
	return t, nil
}

// truncateOn runs a TRUNCATE checkpoint on conn (a connection of the
// writers' pool), letting it wait at most busy for readers still on the log
// (SQLite's busy handler), then gives the connection back its writers'
// busy_timeout. Busy in the result means a reader outlasted the wait and the
// log was left as it was.
func truncateOn(ctx context.Context, conn *sql.Conn, busy time.Duration) (CheckpointResult, error) {
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busy.Milliseconds())); err != nil {
		return CheckpointResult{}, fmt.Errorf("store: checkpoint busy_timeout: %w", err)
	}
	t, err := checkpoint(ctx, conn, "TRUNCATE")
	if _, e := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA busy_timeout = %d", writerBusy.Milliseconds())); e != nil {
		// The connection must not go back to the writers with a short
		// timeout: drop it (the pool opens a new one from the DSN).
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		if err == nil {
			err = fmt.Errorf("store: checkpoint busy_timeout: %w", e)
		}
	}
	return t, err
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

// PauseCheckpoints stops the background checkpointer and closes its
// connection until resume is called. A bulk load that takes the file out of
// WAL and back (internal/gen) wants the only connection to it; the
// checkpointer's connection (whose connection string asks for WAL) ticking
// through the load is the likely cause of an SQLITE_BUSY seen once in a
// race run of the load under heavy machine load.
func (db *DB) PauseCheckpoints() (resume func()) {
	c := db.ckpt
	if c == nil {
		return func() {}
	}
	if c.stop != nil {
		c.stop()
		<-c.done
		c.stop = nil
	}
	c.db.SetMaxIdleConns(0)
	return func() {
		c.db.SetMaxIdleConns(1)
		c.start()
	}
}
