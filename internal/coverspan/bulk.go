package coverspan

import (
	"context"
	"database/sql"

	"liangxin/internal/store"
)

// Bulk keeps the spans and the coverage counts of a bulk write (an import)
// in step chunk by chunk inside the write's transaction, in bounded memory:
// the organizations are refreshed 500 at a time as the write goes, and the
// count changes are written whenever they exceed bulkFlushAt series-days,
// instead of one Refresh over every id at the end (issue 12, issue 18).
//
// The result equals Refresh over the same ids: Created is Refresh without
// the old side, which a new organization does not have.
type Bulk struct {
	db      *store.DB
	q       store.Querier
	acc     countAcc
	created []int64
	changed []int64
	cl      func(Org) int
	clRead  bool
}

// bulkFlushAt bounds the count changes a Bulk holds (series × day): about
// 200 bytes each with the flush's own map, so tens of MB at the peak; fewer flushes rewrite
// the same count rows less often (1 << 14 spent half the import in flushes).
var bulkFlushAt = 1 << 15

// NewBulk starts a bulk refresh through q (the caller's transaction).
func NewBulk(db *store.DB, q store.Querier) *Bulk {
	return &Bulk{db: db, q: q, acc: countAcc{}}
}

// Created queues organizations inserted by this transaction. They can have
// no spans, no count snapshot, no covers and no instructor assignments yet
// (those reference an existing organization, and deleting an organization
// uncounts it), so only their rows are read and counted.
func (b *Bulk) Created(ctx context.Context, ids ...int64) error {
	b.created = append(b.created, ids...)
	if len(b.created) >= chunk {
		return b.step(ctx, false)
	}
	return nil
}

// Changed queues existing organizations whose span or count fields changed
// (Refresh semantics).
func (b *Bulk) Changed(ctx context.Context, ids ...int64) error {
	b.changed = append(b.changed, ids...)
	if len(b.changed) >= chunk {
		return b.step(ctx, false)
	}
	return nil
}

// Flush refreshes everything queued and writes the count changes. Call it
// before the transaction commits.
func (b *Bulk) Flush(ctx context.Context) error { return b.step(ctx, true) }

func (b *Bulk) step(ctx context.Context, all bool) error {
	if len(b.changed) > 0 {
		ids := unique(b.changed)
		b.changed = b.changed[:0]
		for len(ids) > 0 {
			n := min(len(ids), chunk)
			if err := refresh(ctx, b.db, b.q, ids[:n], b.acc); err != nil {
				return err
			}
			ids = ids[n:]
		}
	}
	for len(b.created) > 0 {
		n := min(len(b.created), chunk)
		if err := b.refreshCreated(ctx, b.created[:n]); err != nil {
			return err
		}
		b.created = b.created[n:]
	}
	b.created = b.created[:0:0]
	if all || len(b.acc) >= bulkFlushAt {
		return b.acc.flush(ctx, b.db, b.q)
	}
	return nil
}

// refreshCreated counts new organizations: no spans (no links), a snapshot
// and their ledger changes.
func (b *Bulk) refreshCreated(ctx context.Context, ids []int64) error {
	if !b.clRead {
		cl, err := counter(ctx, b.db, b.q)
		if err != nil {
			return err
		}
		b.cl, b.clRead = cl, true
	}
	if b.cl == nil {
		return nil // counts not kept; a new organization has no spans
	}
	rows, err := b.db.Query(ctx, b.q, `SELECT id, region_code, category, industry, above_scale, employees, full_members, registered_on, closed_on,
		has_charter, charter_has_party FROM organizations WHERE id IN (`+placeholders(len(ids))+`) ORDER BY id`, idArgs(ids)...)
	if err != nil {
		return err
	}
	orgs := make([]Org, 0, len(ids))
	for rows.Next() {
		var o Org
		var reg, closed sql.NullString
		if err := rows.Scan(&o.ID, &o.RegionCode, &o.Category, &o.Industry, &o.AboveScale, &o.Employees, &o.FullMembers, &reg, &closed,
			&o.HasCharter, &o.CharterParty); err != nil {
			rows.Close()
			return err
		}
		o.RegisteredOn, o.ClosedOn = str(reg), str(closed)
		orgs = append(orgs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, o := range orgs {
		b.acc.add(o, nil, b.cl(o), 1)
	}
	return writeSnapshots(ctx, b.db, b.q, orgs)
}
