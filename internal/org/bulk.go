package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

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

// RowError is the failure of one input of a bulk write (UpsertAll).
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
func (s *Service) UpsertAll(ctx context.Context, ins []Input, progress func(done int)) (sheetimport.Result, []RowError, error) {
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
// rolls everything back. It writes through the same bulk writer as the
// spreadsheet import (Import), each input's index standing for its row.
func (s *Service) UpsertEach(ctx context.Context, next func() (Input, bool), keep func() bool, progress func(done int)) (sheetimport.Result, []RowError, error) {
	var rowErrs []RowError
	bad := func(row int, err error) { rowErrs = append(rowErrs, RowError{row, err}) }
	var res sheetimport.Result
	ctx = withRegionCache(ctx)
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		w := s.newBulkWriter(tx)
		defer w.close()
		chunk := make([]sheetimport.Mapped[Input], 0, bulkChunk)
		for i, more := 0, true; more; {
			chunk = chunk[:0]
			for len(chunk) < bulkChunk {
				in, ok := next()
				if !ok {
					more = false
					break
				}
				chunk = append(chunk, sheetimport.Mapped[Input]{Row: i, Cmd: in})
				i++
			}
			did, err := w.write(ctx, chunk, bad)
			if err != nil {
				return err
			}
			res.Add(did)
			if progress != nil && len(chunk) > 0 {
				progress(i)
			}
		}
		if err := w.finish(ctx, len(rowErrs) == 0); err != nil {
			return err
		}
		if len(rowErrs) > 0 || (keep != nil && !keep()) {
			return errRollback
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "import", Entity: "organization", Note: importNote(res)})
	})
	// Rows written late (pending) may have failed after later rows.
	sort.SliceStable(rowErrs, func(a, b int) bool { return rowErrs[a].Index < rowErrs[b].Index })
	if errors.Is(err, errRollback) {
		return sheetimport.Result{}, rowErrs, nil
	}
	if err != nil {
		return sheetimport.Result{}, nil, err
	}
	return res, nil, nil
}

// importNote is the 说明 of an import's audit entry.
func importNote(r sheetimport.Result) string {
	return fmt.Sprintf("导入两新组织：新增 %d，更新 %d，未变 %d", r.Created, r.Updated, r.Unchanged)
}

// withRegionCache gives a bulk write's context its cache of the regions
// already looked up.
func withRegionCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, regionCacheKey{}, map[string]regionResult{})
}

// bulkWriter writes organizations chunk by chunk inside one transaction:
// one lookup of a chunk's codes and names instead of one per row, the new
// organizations in multi-row INSERTs, their audit entries buffered, their
// coverage spans and counts gathered (coverspan.Bulk) and written once at
// the end (issue 12, issue 18).
type bulkWriter struct {
	s      *Service
	tx     *store.StmtCache // the same few statements run for every row: prepared once
	audits *audit.Buffer
	cover  *coverspan.Bulk
	// known holds what the chunk being written has matched or made. It is
	// emptied for each chunk, so that it stays small whatever the number of
	// rows: an organization written by an earlier chunk is found again by
	// the chunk's lookup, which runs in the same transaction.
	known map[string]int64
	// New organizations wait in pending and are written together
	// (insertMany) at the end of a chunk, or before a row of the chunk
	// that refers to one of them.
	pending     []pendingRow
	pendingKeys map[string]bool
	// refused tells whether a row was refused: everything will be rolled
	// back, so the coverage work is skipped.
	refused bool
	// stage is set when the write fills a stage (SQLite; staged.go).
	stage *orgStage
	// hooked: stageHook was called with "staging".
	hooked bool
}

func (s *Service) newBulkWriter(tx *sql.Tx) *bulkWriter {
	c := store.NewStmtCache(tx)
	return &bulkWriter{s: s, tx: c, audits: s.Audit.NewBuffer(c), cover: coverspan.NewBulk(s.DB, c),
		known: map[string]int64{}, pendingKeys: map[string]bool{}}
}

func (w *bulkWriter) close() { w.tx.Close() }

// write writes one chunk of inputs (Row numbers them for bad, which gets
// each refused input with the ledger's error). A returned error ends the
// write.
func (w *bulkWriter) write(ctx context.Context, chunk []sheetimport.Mapped[Input], bad func(row int, err error)) (sheetimport.Result, error) {
	if w.stage == nil {
		return w.writeChunk(ctx, chunk, bad)
	}
	// A stage is filled in one short transaction per chunk (store.Stage.Begin).
	var res sheetimport.Result
	err := w.stage.inTx(ctx, func() (err error) {
		res, err = w.writeChunk(ctx, chunk, bad)
		return err
	})
	if err == nil && !w.hooked && stageHook != nil {
		w.hooked = true
		stageHook("staging")
	}
	return res, err
}

// writeChunk is write's work.
func (w *bulkWriter) writeChunk(ctx context.Context, chunk []sheetimport.Mapped[Input], bad func(row int, err error)) (sheetimport.Result, error) {
	var res sheetimport.Result
	s, tx := w.s, w.tx
	refuse := func(row int, err error) {
		w.refused = true
		bad(row, err)
	}
	clear(w.known)
	os := make([]Organization, len(chunk))
	verr := make([]error, len(chunk))
	for j, m := range chunk {
		os[j], verr[j] = s.Validate(ctx, m.Cmd)
	}
	if err := s.matchMany(ctx, tx, os, verr, w.known); err != nil {
		return res, err
	}
	for j, m := range chunk {
		o := os[j]
		if verr[j] != nil {
			refuse(m.Row, verr[j])
			continue
		}
		if w.pendingKeys[matchKey(o)] {
			did, err := w.flushNew(ctx, refuse)
			if err != nil {
				return res, err
			}
			res.Add(did)
		}
		id := w.known[matchKey(o)]
		if w.stage != nil && w.stage.owns(id) {
			// A row repeating a new organization of the same write: the
			// stage cannot update what is not yet in the database.
			return res, errStageFallback
		}
		if id == 0 {
			w.pending = append(w.pending, pendingRow{m.Row, o})
			w.pendingKeys[matchKey(o)] = true
			continue
		}
		before, err := s.get(ctx, tx, id)
		if apperr.IsKind(err, apperr.KindNotFound) {
			refuse(m.Row, apperr.Conflict("该单位已登记在您的管辖范围以外，不能在此导入").Field("uscc", "该单位已登记在您的管辖范围以外"))
			continue
		}
		if err != nil {
			return res, err
		}
		after, err := s.apply(ctx, before, m.Cmd)
		if err != nil {
			refuse(m.Row, err)
			continue
		}
		after.UpdatedAt = before.UpdatedAt
		if reflect.DeepEqual(before, after) {
			res.Unchanged++
			continue
		}
		if w.stage != nil {
			if err := w.stage.queueUpdate(ctx, s, tx, before, after); err != nil {
				return res, err
			}
			res.Updated++
			continue
		}
		// An organization this write created may still wait in the bulk
		// count: counted first, or the update's refresh counts it twice.
		if err := w.cover.Settle(ctx, id); err != nil {
			return res, err
		}
		if err := s.updateRec(ctx, tx, before, after, w.audits.Add); err != nil {
			if _, ok := apperr.As(err); ok {
				refuse(m.Row, err)
				continue
			}
			return res, err
		}
		res.Updated++
	}
	did, err := w.flushNew(ctx, refuse)
	res.Add(did)
	if err == nil && w.stage == nil && !w.hooked && stageHook != nil {
		w.hooked = true
		stageHook("staging")
	}
	return res, err
}

// flushNew writes the pending new organizations.
func (w *bulkWriter) flushNew(ctx context.Context, refuse func(row int, err error)) (sheetimport.Result, error) {
	var res sheetimport.Result
	if len(w.pending) == 0 {
		return res, nil
	}
	s, tx := w.s, w.tx
	ps := w.pending
	w.pending = w.pending[:0]
	clear(w.pendingKeys)
	var ok bool
	var err error
	into := ""
	if w.stage != nil {
		ok, err = w.stage.insertMany(ctx, s, tx, ps)
		into = store.StageSchema + "."
	} else {
		ok, err = s.insertMany(ctx, tx, ps)
	}
	if err != nil {
		return res, err
	}
	rec := func(ctx context.Context, e audit.Entry) error { return w.audits.Add(ctx, e) }
	for _, p := range ps {
		o := p.o
		if ok {
			err = s.finishInsert(ctx, tx, into, &o, rec)
		} else {
			// A unique violation in the multi-row INSERT (rolled back):
			// row by row, to name the row.
			err = s.insert(ctx, tx, &o, rec)
			if _, isApp := apperr.As(err); isApp {
				refuse(p.idx, err)
				continue
			}
		}
		if err != nil {
			return res, err
		}
		w.known[matchKey(o)] = o.ID
		if !w.refused { // else everything rolls back
			if err := w.cover.Created(ctx, o.ID); err != nil {
				return res, err
			}
		}
		res.Created++
	}
	return res, nil
}

// finish writes what waits for the end: the coverage spans and counts
// (when the write will be kept) and the buffered audit entries.
func (w *bulkWriter) finish(ctx context.Context, keep bool) error {
	if w.stage != nil {
		return w.stage.inTx(ctx, func() error { return w.finishChunk(ctx, keep) })
	}
	return w.finishChunk(ctx, keep)
}

// finishChunk is finish's work.
func (w *bulkWriter) finishChunk(ctx context.Context, keep bool) error {
	if keep && !w.refused {
		if err := w.cover.Flush(ctx); err != nil {
			return err
		}
	}
	return w.audits.Flush(ctx)
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

// pendingRow is a new organization waiting for its chunk's INSERT, with the
// row of its input (UpsertAll: the input's index).
type pendingRow struct {
	idx int
	o   Organization
}

// orgCols are the columns insertMany writes, in the order of insertArgs.
const orgCols = `name, uscc, category, region_code, industry, employees, above_scale,
		full_members, probationary_members, owner_is_member, has_charter, charter_has_party, tags, registered_on, closed_on,
		no_org_reason, planned_on, created_at, updated_at, ownership, staff_on_post, staff_members, legal_rep_member, legal_rep_secretary,
		intermediary_kind`

const orgColCount = 25

// insertArgs are the values of a new organization for orgCols (the same as
// Service.insert writes).
func insertArgs(args []any, o Organization, now time.Time) []any {
	return append(args, o.Name, usccValue(o), o.Category, o.RegionCode, o.Industry, o.Employees, o.AboveScale, o.FullMembers, o.ProbationaryMembers,
		o.OwnerIsMember, o.HasCharter, o.CharterHasParty, strings.Join(o.Tags, ","), nullable(o.RegisteredOn), nullable(o.ClosedOn),
		o.NoOrgReason, nullable(o.PlannedOn), store.FormatTime(now), store.FormatTime(now),
		o.Ownership, o.StaffOnPost, o.StaffMembers, o.LegalRepMember, o.LegalRepSecretary, o.IntermediaryKind)
}

// insertMany writes new organizations in one multi-row INSERT and sets
// their ids and times (matched by their key, since RETURNING promises no
// order). ok is false, with nothing written, when the INSERT hit a unique
// violation: the caller then writes the rows one by one to name the row
// (on PostgreSQL through a savepoint, which keeps the transaction usable).
func (s *Service) insertMany(ctx context.Context, tx store.Querier, ps []pendingRow) (ok bool, err error) {
	if ok, done, err := s.copyMany(ctx, tx, ps); done {
		return ok, err
	}
	now := s.Now()
	args := make([]any, 0, len(ps)*orgColCount)
	for _, p := range ps {
		args = insertArgs(args, p.o, now)
	}
	row := "(" + placeholders(orgColCount) + ")"
	q := `INSERT INTO organizations (` + orgCols + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", len(ps)), ", ") +
		` RETURNING id, uscc, name, region_code`
	pg := s.DB.Dialect == store.Postgres
	if pg {
		if _, err := s.DB.Exec(ctx, tx, `SAVEPOINT org_bulk_insert`); err != nil {
			return false, err
		}
	}
	ids := make(map[string]int64, len(ps))
	err = func() error {
		rows, err := s.DB.Query(ctx, tx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var code sql.NullString
			var name, region string
			if err := rows.Scan(&id, &code, &name, &region); err != nil {
				return err
			}
			if code.Valid {
				ids["c|"+code.String] = id
			} else {
				ids["n|"+name+"|"+region] = id
			}
		}
		return rows.Err()
	}()
	if err != nil {
		if !store.IsUniqueViolation(err) {
			return false, err
		}
		if pg {
			if _, err := s.DB.Exec(ctx, tx, `ROLLBACK TO SAVEPOINT org_bulk_insert`); err != nil {
				return false, err
			}
		}
		return false, nil
	}
	if pg {
		if _, err := s.DB.Exec(ctx, tx, `RELEASE SAVEPOINT org_bulk_insert`); err != nil {
			return false, err
		}
	}
	t := now.UTC().Truncate(time.Microsecond)
	for k := range ps {
		o := &ps[k].o
		o.ID = ids[matchKey(*o)]
		if o.ID == 0 {
			return false, fmt.Errorf("org: bulk insert: no id returned for %q", o.Name)
		}
		o.CreatedAt, o.UpdatedAt = t, t
	}
	return true, nil
}

// finishInsert writes what follows a new organization's row: its areas and
// its audit entry (as Service.insert does).
func (s *Service) finishInsert(ctx context.Context, tx store.Querier, into string, o *Organization, rec func(context.Context, audit.Entry) error) error {
	for _, c := range o.AreaCodes {
		if _, err := s.DB.Exec(ctx, tx, `INSERT INTO `+into+`organization_areas (organization_id, area_code) VALUES (?, ?)`, o.ID, c); err != nil {
			return err
		}
	}
	return rec(ctx, audit.Entry{Action: "organization_create", Entity: "organization", EntityID: fmt.Sprint(o.ID), After: *o})
}
