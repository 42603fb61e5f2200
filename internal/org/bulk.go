package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/coverspan"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
)

// Validate checks an input as a new organization without writing anything.
func (s *Service) Validate(ctx context.Context, in Input) (Organization, error) {
	return s.apply(ctx, Organization{AreaCodes: []string{}, Tags: []string{}}, in)
}

// BulkResult counts what a bulk write did.
type BulkResult = sheetimport.Result

// RowError is the failure of one input of a bulk write.
type RowError struct {
	Index int
	Err   error
}

var errRollback = errors.New("rollback")

// bulkChunk is how many rows a bulk write looks up at once.
const bulkChunk = 200

// matchKey identifies an organization the way an import matches it: by
// 统一社会信用代码, or, without one, by name inside its region.
func matchKey(o Organization) string {
	if o.USCC != "" {
		return "c|" + o.USCC
	}
	return "n|" + o.Name + "|" + o.RegionCode
}

// matchMany looks up the organizations a chunk of validated inputs refers
// to (see matchKey) and adds them to known.
func (s *Service) matchMany(ctx context.Context, tx store.Querier, os []Organization, verr []error, known map[string]int64) error {
	var codes, names []any
	for j, o := range os {
		if verr[j] != nil {
			continue
		}
		if _, ok := known[matchKey(o)]; ok {
			continue
		}
		if o.USCC != "" {
			codes = append(codes, o.USCC)
		} else {
			names = append(names, o.Name)
		}
	}
	if len(codes) > 0 {
		rows, err := s.DB.Query(ctx, tx, lookupByCodeSQL(len(codes)), codes...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				rows.Close()
				return err
			}
			known["c|"+code] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(names) > 0 {
		rows, err := s.DB.Query(ctx, tx, lookupWithoutCodeSQL(s.DB.Dialect, len(names)), names...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var name, region string
			if err := rows.Scan(&id, &name, &region); err != nil {
				rows.Close()
				return err
			}
			known["n|"+name+"|"+region] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
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
		// Rows come in chunks: one lookup of the chunk's codes and names
		// instead of one per row, and the audit entries of new rows in
		// multi-row INSERTs. known holds what this write has matched or made.
		audits := s.Audit.NewBuffer(tx)
		known := map[string]int64{}
		var created []int64
		rec := func(ctx context.Context, e audit.Entry) error { return audits.Add(ctx, e) }
		chunk := make([]Input, 0, bulkChunk)
		for i, more := 0, true; more; {
			chunk = chunk[:0]
			for len(chunk) < bulkChunk {
				in, ok := next()
				if !ok {
					more = false
					break
				}
				chunk = append(chunk, in)
			}
			os := make([]Organization, len(chunk))
			verr := make([]error, len(chunk))
			for j, in := range chunk {
				os[j], verr[j] = s.Validate(ctx, in)
			}
			if err := s.matchMany(ctx, tx, os, verr, known); err != nil {
				return err
			}
			for j, in := range chunk {
				total++
				o := os[j]
				if verr[j] != nil {
					rowErrs = append(rowErrs, RowError{i, verr[j]})
					i++
					continue
				}
				id := known[matchKey(o)]
				if id == 0 {
					if err := s.insert(ctx, tx, &o, rec); err != nil {
						if _, ok := apperr.As(err); ok {
							rowErrs = append(rowErrs, RowError{i, err})
							i++
							continue
						}
						return err
					}
					known[matchKey(o)] = o.ID
					created = append(created, o.ID)
					res.Created++
				} else {
					before, err := s.get(ctx, tx, id)
					if apperr.IsKind(err, apperr.KindNotFound) {
						rowErrs = append(rowErrs, RowError{i, apperr.Conflict("该单位已登记在您的管辖范围以外，不能在此导入").Field("uscc", "该单位已登记在您的管辖范围以外")})
						i++
						continue
					}
					if err != nil {
						return err
					}
					after, err := s.apply(ctx, before, in)
					if err != nil {
						rowErrs = append(rowErrs, RowError{i, err})
						i++
						continue
					}
					after.UpdatedAt = before.UpdatedAt
					if reflect.DeepEqual(before, after) {
						res.Unchanged++
					} else {
						if err := s.update(ctx, tx, before, after); err != nil {
							if _, ok := apperr.As(err); ok {
								rowErrs = append(rowErrs, RowError{i, err})
								i++
								continue
							}
							return err
						}
						res.Updated++
					}
				}
				i++
				if progress != nil && i%500 == 0 {
					progress(i)
				}
			}
		}
		// The new organizations are counted together (coverage counts).
		if len(rowErrs) == 0 {
			if err := coverspan.Refresh(ctx, s.DB, tx, created...); err != nil {
				return err
			}
		}
		if err := audits.Flush(ctx); err != nil {
			return err
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

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// lookupByCodeSQL finds the organizations of n codes.
func lookupByCodeSQL(n int) string {
	return `SELECT id, uscc FROM organizations WHERE uscc IN (` + placeholders(n) + `)`
}

// lookupWithoutCodeSQL finds the organizations without a code of n names.
func lookupWithoutCodeSQL(d store.Dialect, n int) string {
	return `SELECT id, name, region_code FROM organizations` + withoutCodeIndex(d) + ` WHERE uscc IS NULL AND name IN (` + placeholders(n) + `)`
}

// withoutCodeIndex names the index the lookup of organizations without a
// code must use on SQLite. Without statistics (a new database, or a large
// import into one, before any ANALYZE) SQLite takes "uscc IS NULL" for a
// selective term of the unique code index and walks every organization
// without a code for each chunk of 200 rows: quadratic, a third of a
// 200,000-row import's CPU (issue 12). The partial index holds exactly the
// organizations without a code, by name. PostgreSQL plans from the
// statistics autovacuum keeps.
func withoutCodeIndex(d store.Dialect) string {
	if d == store.SQLite {
		return " INDEXED BY organizations_name_region_without_uscc"
	}
	return ""
}
