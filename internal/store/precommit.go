package store

import (
	"context"
	"database/sql"
)

// A pre-commit check runs inside a write transaction just before it
// commits (DB.InTx) and, by failing, rolls it back. A long job carries one
// in its context to re-check, in the same transaction as its writes, that
// it still owns its claim: a node paused past its lease (SIGSTOP, a long
// GC, a network stall) while another node took its job over must not
// commit when it wakes (sheetimport.Jobs.Claim).
type preCommitKey struct{}

// PreCommitFunc checks, inside tx, that the transaction may commit.
type PreCommitFunc func(ctx context.Context, tx *sql.Tx) error

// WithPreCommit returns ctx carrying check, run by every DB.InTx of ctx
// just before its commit (after the checks ctx already carries).
func WithPreCommit(ctx context.Context, check PreCommitFunc) context.Context {
	prev, _ := ctx.Value(preCommitKey{}).([]PreCommitFunc)
	next := make([]PreCommitFunc, 0, len(prev)+1)
	next = append(append(next, prev...), check)
	return context.WithValue(ctx, preCommitKey{}, next)
}

// RunPreCommit runs the pre-commit checks ctx carries, in order, and
// returns the first failure (the caller rolls back). A transaction not
// made by DB.InTx calls it itself before committing.
func RunPreCommit(ctx context.Context, tx *sql.Tx) error {
	checks, _ := ctx.Value(preCommitKey{}).([]PreCommitFunc)
	for _, c := range checks {
		if err := c(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

// withoutPreCommit returns ctx without pre-commit checks (the roll-forward
// of a write that has committed).
func withoutPreCommit(ctx context.Context) context.Context {
	return context.WithValue(ctx, preCommitKey{}, []PreCommitFunc(nil))
}
