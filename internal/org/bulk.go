package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
)

// Validate checks an input as a new organization without writing anything.
func (s *Service) Validate(ctx context.Context, in Input) (Organization, error) {
	return s.apply(ctx, Organization{AreaCodes: []string{}, Tags: []string{}}, in)
}

// BulkResult counts what a bulk write did.
type BulkResult struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// RowError is the failure of one input of a bulk write.
type RowError struct {
	Index int
	Err   error
}

var errRollback = errors.New("rollback")

// matchExisting finds the organization an input refers to: by 统一社会信用代码,
// or, without one, by name inside its region. It returns 0 when there is none.
func (s *Service) matchExisting(ctx context.Context, tx store.Querier, o Organization) (int64, error) {
	var id int64
	var err error
	if o.USCC != "" {
		err = s.DB.QueryRow(ctx, tx, `SELECT id FROM organizations WHERE uscc = ?`, o.USCC).Scan(&id)
	} else {
		err = s.DB.QueryRow(ctx, tx, `SELECT id FROM organizations WHERE uscc IS NULL AND name = ? AND region_code = ?`, o.Name, o.RegionCode).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// UpsertAll writes inputs in one transaction, all or nothing: each input
// updates the organization with the same 统一社会信用代码 (or, without one, the
// same name in the same region) or creates a new one; inputs identical to what
// is stored change nothing. If any input fails, nothing is written and the
// failures are returned. progress, if set, is called with the number done.
func (s *Service) UpsertAll(ctx context.Context, ins []Input, progress func(done int)) (BulkResult, []RowError, error) {
	i := 0
	next := func() (Input, bool) {
		if i == len(ins) {
			return Input{}, false
		}
		i++
		return ins[i-1], true
	}
	return s.UpsertEach(ctx, next, nil, progress)
}

// UpsertEach is UpsertAll over a stream: next yields the inputs until it
// answers false. When keep is set it is asked before the commit, and false
// rolls everything back (a reader that found bad cells of its own).
func (s *Service) UpsertEach(ctx context.Context, next func() (Input, bool), keep func() bool, progress func(done int)) (BulkResult, []RowError, error) {
	var res BulkResult
	var rowErrs []RowError
	total := 0
	ctx = context.WithValue(ctx, regionCacheKey{}, map[string]regionResult{})
	err := s.DB.InTx(ctx, func(sqlTx *sql.Tx) error {
		// The same few statements run for every row: prepare them once.
		tx := store.NewStmtCache(sqlTx)
		defer tx.Close()
		for i := 0; ; i++ {
			in, ok := next()
			if !ok {
				break
			}
			total++
			o, err := s.Validate(ctx, in)
			if err != nil {
				rowErrs = append(rowErrs, RowError{i, err})
				continue
			}
			id, err := s.matchExisting(ctx, tx, o)
			if err != nil {
				return err
			}
			if id == 0 {
				if err := s.insert(ctx, tx, &o); err != nil {
					if _, ok := apperr.As(err); ok {
						rowErrs = append(rowErrs, RowError{i, err})
						continue
					}
					return err
				}
				res.Created++
			} else {
				before, err := s.get(ctx, tx, id)
				if apperr.IsKind(err, apperr.KindNotFound) {
					rowErrs = append(rowErrs, RowError{i, apperr.Conflict("该单位已登记在您的管辖范围以外，不能在此导入").Field("uscc", "该单位已登记在您的管辖范围以外")})
					continue
				}
				if err != nil {
					return err
				}
				after, err := s.apply(ctx, before, in)
				if err != nil {
					rowErrs = append(rowErrs, RowError{i, err})
					continue
				}
				after.UpdatedAt = before.UpdatedAt
				if reflect.DeepEqual(before, after) {
					res.Unchanged++
				} else {
					if err := s.update(ctx, tx, before, after); err != nil {
						if _, ok := apperr.As(err); ok {
							rowErrs = append(rowErrs, RowError{i, err})
							continue
						}
						return err
					}
					res.Updated++
				}
			}
			if progress != nil && (i+1)%500 == 0 {
				progress(i + 1)
			}
		}
		if len(rowErrs) > 0 || (keep != nil && !keep()) {
			return errRollback
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "import", Entity: "organization",
			Note: fmt.Sprintf("导入两新组织：新增 %d，更新 %d，未变 %d", res.Created, res.Updated, res.Unchanged)})
	})
	if errors.Is(err, errRollback) {
		return BulkResult{}, rowErrs, nil
	}
	if err != nil {
		return BulkResult{}, nil, err
	}
	if progress != nil {
		progress(total)
	}
	return res, nil, nil
}
