package sheetimport

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sync"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// Job statuses.
const (
	StatusRunning   = "running"
	StatusSucceeded = "succeeded"
	StatusRejected  = "rejected" // bad cells: nothing written, report available
	StatusFailed    = "failed"   // the file could not be read, or an internal error
)

// Job is an import's progress and result.
type Job struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Status    string    `json:"status"`
	Phase     string    `json:"phase"`
	Processed int       `json:"processed"`
	Rows      int       `json:"rows"`
	Created   int       `json:"created"`
	Updated   int       `json:"updated"`
	Unchanged int       `json:"unchanged"`
	Message   string    `json:"message"`
	HasReport bool      `json:"has_report"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Jobs stores the import jobs of every importer (table import_sessions;
// the HTTP API calls a job an import session). An error workbook holds the rows the
// uploader sent (身份证号, phone numbers): it is stored sealed with the
// personal-data key and deleted after the retention period (SweepReports).
type Jobs struct {
	DB  *store.DB
	Now func() time.Time
	// Protector seals and opens error workbooks (the members' key).
	Protector func() (*pdata.Protector, error)

	// progress of the running sessions of this process. The import writes
	// in one long transaction, and on SQLite (one writer at a time) a
	// progress row written beside it would wait for the transaction to end;
	// so this process keeps the figures in memory, and on PostgreSQL also
	// writes them for the other app nodes.
	mu       sync.Mutex
	progress map[string]progressNote

	// Instance names this process as the owner of the jobs it runs (a
	// random id per start, see NewInstanceID). Empty is allowed in tests
	// that never recover jobs.
	Instance string
	// Lease: a running job whose heartbeat is older is another node's job
	// that is gone (see DefaultLease); zero means DefaultLease.
	Lease time.Duration
}

// Reasons a job ends failed without an importer's own message.
const (
	// ReasonRestarted: the process that ran the job is gone (killed, crashed,
	// restarted). Its transaction never committed, so nothing was written.
	ReasonRestarted = "服务重启，导入未完成，数据已回滚，请重新导入"
	// ReasonInternal: the import ended in an internal error or a panic.
	ReasonInternal = "导入因服务内部错误中止，数据已回滚，请重新导入；如再次出现请联系系统管理员"
)

// DefaultLease is the lease of a PostgreSQL node's running import jobs
// when Jobs.Lease is not set (setting import-lease-seconds): a job
// whose heartbeat is older than the lease belongs to a node that is gone
// (killed, or paused: SIGSTOP, a long GC, a network stall), and any node's
// RecoverAbandoned fails it. The node beats every Lease/BeatsPerLease, so a
// live node misses several beats before its jobs are taken over; a node
// that wakes after the takeover cannot commit (Claim).
const (
	DefaultLease  = 30 * time.Second
	MinLease      = 10 * time.Second
	BeatsPerLease = 6
	// StaleAfter is the default lease (the name older callers use).
	StaleAfter = DefaultLease
)

// LeaseOrDefault is the lease in force: Lease, or DefaultLease when unset.
func (s *Jobs) LeaseOrDefault() time.Duration {
	if s.Lease > 0 {
		return s.Lease
	}
	return DefaultLease
}

// HeartbeatEvery is how often this node refreshes the heartbeat of its
// running jobs (and the leader looks for stale ones): a sixth of the lease.
func (s *Jobs) HeartbeatEvery() time.Duration { return s.LeaseOrDefault() / BeatsPerLease }

// NewInstanceID returns an id naming this process as a job owner, unique in
// a cluster: the host name, the process id and random bits (a restarted
// process with a reused pid still differs).
func NewInstanceID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "node"
	}
	if len(host) > 40 {
		host = host[:40]
	}
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

type progressNote struct {
	phase string
	n     int
}

var sessionIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// ValidID reports whether a client-chosen session id is acceptable.
func ValidID(id string) bool { return sessionIDRE.MatchString(id) }

// Start records a running session for the caller, owned by this process.
// The id of one of the caller's failed sessions may be used again (the
// retry after a crash or an internal error); any other id in use answers
// 409.
func (s *Jobs) Start(ctx context.Context, id, kind string) error {
	a, _ := actor.From(ctx)
	now := store.FormatTime(s.Now())
	_, err := s.DB.Exec(store.Quiet(ctx), s.DB, `INSERT INTO import_sessions (id, user_id, kind, status, owner, heartbeat_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, a.UserID, kind, StatusRunning, s.Instance, now, now, now)
	if !store.IsUniqueViolation(err) {
		return err
	}
	res, err := s.DB.Exec(store.Quiet(ctx), s.DB, `UPDATE import_sessions SET kind = ?, status = ?, phase = '', processed = 0, total_rows = 0, created = 0, updated = 0,
		unchanged = 0, message = '', report = NULL, owner = ?, heartbeat_at = ?, created_at = ?, updated_at = ? WHERE id = ? AND user_id = ? AND status = ?`,
		kind, StatusRunning, s.Instance, now, now, now, id, a.UserID, StatusFailed)
	if err != nil {
		return fmt.Errorf("sheetimport: restart failed session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	return apperr.Conflict("导入会话编号已被使用").Field("session", "导入会话编号已被使用")
}

// ReasonClaimLost is the failure of a run that lost its job while paused
// past its lease: another node failed the job, so this run's writes were
// rolled back at their commit.
const ReasonClaimLost = "导入任务所在服务暂停或失联超过租约时限，已被判定中止，本次写入已回滚，请重新导入"

// Claim returns ctx carrying the re-check of this run's claim on session
// id: every write transaction of ctx (store.DB.InTx), just before its
// commit, refreshes the job's heartbeat inside the same transaction on the
// condition that the job is still this process's and still running, and
// rolls back with ReasonClaimLost (409) when no row matched. A node paused
// past its lease (SIGSTOP, a long GC, a network stall) while another node
// failed its job therefore never commits the job's rows when it wakes: the
// job stays failed and nothing of it is written. On PostgreSQL the UPDATE
// locks the job's row until the commit, so a takeover running at the same
// moment either fails the job first (then this run rolls back) or waits and
// finds a fresh heartbeat (then this run commits and finishes the job).
func (s *Jobs) Claim(ctx context.Context, id string) context.Context {
	return store.WithPreCommit(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := s.DB.Exec(ctx, tx, `UPDATE import_sessions SET heartbeat_at = ? WHERE id = ? AND owner = ? AND status = ?`,
			store.FormatTime(s.Now()), id, s.Instance, StatusRunning)
		if err != nil {
			return fmt.Errorf("sheetimport: re-check the claim on job %s: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return apperr.Conflict(ReasonClaimLost).Field("session", ReasonClaimLost)
		}
		return nil
	})
}

// Abandon marks the session failed with reason unless it has already
// finished: an import that returned an internal error or panicked calls it
// (deferred), so that no session stays running for a request that is over.
func (s *Jobs) Abandon(ctx context.Context, id, reason string) error {
	s.mu.Lock()
	delete(s.progress, id)
	s.mu.Unlock()
	_, err := s.DB.Exec(store.Quiet(ctx), s.DB, `UPDATE import_sessions SET status = ?, phase = 'done', message = ?, updated_at = ? WHERE id = ? AND status = ? AND owner = ?`,
		StatusFailed, reason, store.FormatTime(s.Now()), id, StatusRunning, s.Instance)
	if err != nil {
		return fmt.Errorf("sheetimport: abandon session: %w", err)
	}
	return nil
}

// Heartbeat tells the other nodes that this process still runs its jobs.
// On SQLite the update waits behind an import's write transaction (one
// writer at a time) and may fail with the busy timeout; no other server
// can hold the data folder then, so a missed beat there harms nobody.
func (s *Jobs) Heartbeat(ctx context.Context) error {
	ctx = store.Quiet(ctx) // a job heartbeat changes no figure
	_, err := s.DB.Exec(store.Quiet(ctx), s.DB, `UPDATE import_sessions SET heartbeat_at = ? WHERE status = ? AND owner = ?`,
		store.FormatTime(s.Now()), StatusRunning, s.Instance)
	if err != nil {
		return fmt.Errorf("sheetimport: heartbeat: %w", err)
	}
	return nil
}

// RecoverAbandoned marks failed, with ReasonRestarted, every running job of
// another process whose heartbeat is older than the lease (six missed
// beats: the owner is gone or paused), and returns how many. A live node's job is
// never touched, on either database. An import's rows are written in one
// transaction, which the database rolled back when its process died:
// marking the job failed is all that is left to do. Every node may run it
// at once: the UPDATE is conditional, so a job is failed once.
func (s *Jobs) RecoverAbandoned(ctx context.Context) (int64, error) {
	now := s.Now()
	res, err := s.DB.Exec(store.Quiet(ctx), s.DB, `UPDATE import_sessions SET status = ?, phase = 'done', message = ?, updated_at = ?
		WHERE status = ? AND owner <> ? AND heartbeat_at < ?`,
		StatusFailed, ReasonRestarted, store.FormatTime(now), StatusRunning, s.Instance, store.FormatTime(now.Add(-s.LeaseOrDefault())))
	if err != nil {
		return 0, fmt.Errorf("sheetimport: recover abandoned jobs: %w", err)
	}
	return res.RowsAffected()
}

// RecoverAtStart is the recovery of a server that starts. On SQLite the
// server holds the data folder's lock, so no other server runs: every
// running job of another process is abandoned at once. On PostgreSQL other
// nodes may be running their jobs, and the lease applies (RecoverAbandoned).
func (s *Jobs) RecoverAtStart(ctx context.Context) (int64, error) {
	if s.DB.Dialect == store.Postgres {
		return s.RecoverAbandoned(ctx)
	}
	res, err := s.DB.Exec(store.Quiet(ctx), s.DB, `UPDATE import_sessions SET status = ?, phase = 'done', message = ?, updated_at = ? WHERE status = ? AND owner <> ?`,
		StatusFailed, ReasonRestarted, store.FormatTime(s.Now()), StatusRunning, s.Instance)
	if err != nil {
		return 0, fmt.Errorf("sheetimport: recover abandoned jobs: %w", err)
	}
	return res.RowsAffected()
}

// Progress updates a running session.
func (s *Jobs) Progress(ctx context.Context, id, phase string, processed int) {
	s.mu.Lock()
	if s.progress == nil {
		s.progress = map[string]progressNote{}
	}
	s.progress[id] = progressNote{phase, processed}
	s.mu.Unlock()
	if s.DB.Dialect == store.Postgres {
		_, _ = s.DB.Exec(store.Quiet(ctx), s.DB, `UPDATE import_sessions SET phase = ?, processed = ?, updated_at = ? WHERE id = ?`,
			phase, processed, store.FormatTime(s.Now()), id)
	}
}

// Finish records the outcome.
func (s *Jobs) Finish(ctx context.Context, id, status, message string, rows int, res Result, report []byte) error {
	s.mu.Lock()
	delete(s.progress, id)
	s.mu.Unlock()
	var rep any
	if report != nil {
		p, err := s.protector()
		if err != nil {
			return err
		}
		sealed, err := p.SealBytes(report)
		if err != nil {
			return err
		}
		rep = sealed
	}
	return s.finishIn(ctx, s.DB, id, status, message, rows, res, rep)
}

// finishIn records the outcome through q.
func (s *Jobs) finishIn(ctx context.Context, q store.Querier, id, status, message string, rows int, res Result, rep any) error {
	// Only this process's run of the session is finished: not a retry the
	// user started elsewhere after another node failed this run as
	// abandoned. A run failed as abandoned while it was in fact alive (its
	// beats lost) gets its true outcome back.
	_, err := s.DB.Exec(store.Quiet(ctx), q, `UPDATE import_sessions SET status = ?, phase = 'done', message = ?, total_rows = ?, processed = ?, created = ?, updated = ?,
		unchanged = ?, report = ?, updated_at = ? WHERE id = ? AND owner = ? AND (status = ? OR (status = ? AND message = ?))`,
		status, message, rows, rows, res.Created, res.Updated, res.Unchanged, rep,
		store.FormatTime(s.Now()), id, s.Instance, StatusRunning, StatusFailed, ReasonRestarted)
	return err
}

// Get returns one of the caller's sessions (another user's answers 404).
func (s *Jobs) Get(ctx context.Context, id string) (Job, error) {
	a, _ := actor.From(ctx)
	var ss Job
	var created, updated string
	err := s.DB.QueryRow(ctx, s.DB, `SELECT id, kind, status, phase, processed, total_rows, created, updated, unchanged, message,
		report IS NOT NULL, created_at, updated_at FROM import_sessions WHERE id = ? AND user_id = ?`, id, a.UserID).Scan(
		&ss.ID, &ss.Kind, &ss.Status, &ss.Phase, &ss.Processed, &ss.Rows, &ss.Created, &ss.Updated, &ss.Unchanged, &ss.Message,
		&ss.HasReport, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return ss, apperr.NotFound("导入记录")
	}
	ss.CreatedAt, _ = store.ParseTime(created)
	ss.UpdatedAt, _ = store.ParseTime(updated)
	if err == nil && ss.Status == StatusRunning {
		s.mu.Lock()
		if p, ok := s.progress[id]; ok {
			ss.Phase, ss.Processed = p.phase, p.n
		}
		s.mu.Unlock()
	}
	return ss, err
}

// Report returns the error workbook of one of the caller's sessions.
func (s *Jobs) Report(ctx context.Context, id string) ([]byte, error) {
	a, _ := actor.From(ctx)
	var b []byte
	err := s.DB.QueryRow(ctx, s.DB, `SELECT report FROM import_sessions WHERE id = ? AND user_id = ? AND report IS NOT NULL`, id, a.UserID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("错误报告")
	}
	if err != nil {
		return nil, err
	}
	p, err := s.protector()
	if err != nil {
		return nil, err
	}
	return p.OpenBytes(b)
}

func (s *Jobs) protector() (*pdata.Protector, error) {
	if s.Protector == nil {
		return nil, errors.New("sheetimport: no personal-data protector wired: error workbooks are never stored in clear")
	}
	return s.Protector()
}

// DeleteReport deletes the error workbook of one of the caller's sessions
// (another user's answers 404).
func (s *Jobs) DeleteReport(ctx context.Context, id string) error {
	a, _ := actor.From(ctx)
	res, err := s.DB.Exec(store.Quiet(ctx), s.DB, `UPDATE import_sessions SET report = NULL, updated_at = ? WHERE id = ? AND user_id = ? AND report IS NOT NULL`,
		store.FormatTime(s.Now()), id, a.UserID)
	if err != nil {
		return fmt.Errorf("sheetimport: delete report: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFound("错误报告")
	}
	return nil
}

// SweepReports deletes the error workbooks of sessions finished before
// cutoff and returns how many went. The sessions themselves (counts and
// message, no personal data) stay.
func (s *Jobs) SweepReports(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.DB.Exec(store.Quiet(ctx), s.DB, `UPDATE import_sessions SET report = NULL WHERE report IS NOT NULL AND updated_at < ?`, store.FormatTime(cutoff))
	if err != nil {
		return 0, fmt.Errorf("sheetimport: sweep reports: %w", err)
	}
	return res.RowsAffected()
}

// A write that commits before its work is over (a staged import published
// with roll-forward: its audit entries and counts are added after the
// commit, store.Stage.PublishRollForward) records its job's success in its
// commit transaction, so that a kill after the commit leaves a job that
// reads succeeded (not failed by the next start's recovery) for data that
// is there. The runner puts the recording into the context (WithCommitted);
// the writer calls Committed inside its commit transaction.
type committedKey struct{}

// CommittedFunc records a job's success inside tx.
type CommittedFunc func(ctx context.Context, tx *sql.Tx, res Result) error

// WithCommitted returns ctx carrying fn (see Committed).
func WithCommitted(ctx context.Context, fn CommittedFunc) context.Context {
	return context.WithValue(ctx, committedKey{}, fn)
}

// Committed records, inside the commit transaction tx, that the job of
// ctx succeeded with res (nothing when ctx carries no job). Call it after
// the transaction's pre-commit checks (the claim re-check needs the job
// still running): as the last pre-commit check.
func Committed(ctx context.Context, tx *sql.Tx, res Result) error {
	if fn, ok := ctx.Value(committedKey{}).(CommittedFunc); ok && fn != nil {
		return fn(ctx, tx, res)
	}
	return nil
}

// FinishIn records the success of job id inside tx (a CommittedFunc's
// body): as Finish with StatusSucceeded.
func (s *Jobs) FinishIn(ctx context.Context, tx *sql.Tx, id, message string, res Result) error {
	s.mu.Lock()
	delete(s.progress, id)
	s.mu.Unlock()
	return s.finishIn(ctx, tx, id, StatusSucceeded, message, res.Rows, res, nil)
}
