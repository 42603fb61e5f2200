package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

func generation(t *testing.T, db *store.DB) int64 {
	t.Helper()
	g, _, err := db.ReadGeneration(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return g.DB
}

// Which writes bump the shared data generation, and by how much.
func TestGenerationBumps(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	ins := func(q store.Querier, ctx context.Context, k string) error {
		_, err := db.Exec(ctx, q, `INSERT INTO settings (key, value) VALUES (?, '1')`, k)
		return err
	}
	steps := []struct {
		name string
		do   func() error
		bump int64
	}{
		{"write transaction", func() error {
			return db.InTx(ctx, func(tx *sql.Tx) error { return ins(tx, ctx, "g1") })
		}, 1},
		{"write transaction with two statements bumps once", func() error {
			return db.InTx(ctx, func(tx *sql.Tx) error {
				if err := ins(tx, ctx, "g2"); err != nil {
					return err
				}
				return ins(tx, ctx, "g3")
			})
		}, 1},
		{"quiet transaction", func() error {
			return db.InTx(store.Quiet(ctx), func(tx *sql.Tx) error { return ins(tx, ctx, "g4") })
		}, 0},
		{"rolled back transaction", func() error {
			err := db.InTx(ctx, func(tx *sql.Tx) error {
				if err := ins(tx, ctx, "g5"); err != nil {
					return err
				}
				return errors.New("no")
			})
			if err == nil {
				return errors.New("rollback expected")
			}
			return nil
		}, 0},
		{"write outside a transaction", func() error { return ins(db, ctx, "g6") }, 1},
		{"quiet write outside a transaction", func() error { return ins(db, store.Quiet(ctx), "g7") }, 0},
		{"update outside a transaction that matches nothing", func() error {
			_, err := db.Exec(ctx, db, `UPDATE settings SET value = '2' WHERE key = 'no such key'`)
			return err
		}, 0},
		{"update outside a transaction that changes a row", func() error {
			_, err := db.Exec(ctx, db, `UPDATE settings SET value = '2' WHERE key = 'g6'`)
			return err
		}, 1},
		{"read outside a transaction", func() error {
			_, err := db.Exec(ctx, db, `SELECT 1`)
			return err
		}, 0},
		{"explicit bump", func() error { db.BumpGeneration(ctx); return nil }, 1},
	}
	for _, s := range steps {
		before := generation(t, db)
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := generation(t, db) - before; got != s.bump {
			t.Errorf("%s: generation went up by %d, want %d", s.name, got, s.bump)
		}
	}
	if n := db.BumpErrors(); n != 0 {
		t.Errorf("%d failed bumps", n)
	}
}

// A write through another store.DB on the same database (another node, or
// a CLI process next to the server) moves the generation this one reads;
// this process's own count (Local) moves only with its own writes.
func TestGenerationSharedAcrossNodes(t *testing.T) {
	db := storetest.Open(t)
	other := storetest.Reopen(t, db)
	ctx := context.Background()
	g0, _, err := db.ReadGeneration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.InTx(ctx, func(tx *sql.Tx) error {
		_, err := other.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES ('node2', '1')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	g1, _, err := db.ReadGeneration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g1.DB != g0.DB+1 || g1.Local != g0.Local {
		t.Errorf("after the other node's write: %+v, was %+v (want DB+1, same Local)", g1, g0)
	}
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := db.Exec(ctx, tx, `INSERT INTO settings (key, value) VALUES ('node1', '1')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	g2, _, _ := db.ReadGeneration(ctx)
	if g2.DB != g1.DB+1 || g2.Local != g1.Local+1 {
		t.Errorf("after its own write: %+v, was %+v (want DB+1, Local+1)", g2, g1)
	}
}

// The generation is read where the report would read, and a generation
// read on the primary keeps the computation there: a replica that becomes
// usable in between may be behind that generation.
func TestGenerationReadWhereTheReportReads(t *testing.T) {
	db, r := replicaDB(t)
	ctx := context.Background()
	reads := store.ReadFromReplica(ctx, 0)
	// Not probed yet: the generation comes from the primary.
	_, pinned, err := db.ReadGeneration(reads)
	if err != nil {
		t.Fatal(err)
	}
	r.Refresh(ctx)
	if got := where(t, reads, db); got != "replica" {
		t.Fatalf("marked read after the probe: %s", got)
	}
	if got := where(t, pinned, db); got != "primary" {
		t.Errorf("computation after a generation read on the primary ran on the %s", got)
	}
	// Usable replica: read there, and the computation may stay there.
	_, onReplica, err := db.ReadGeneration(reads)
	if err != nil {
		t.Fatal(err)
	}
	if got := where(t, onReplica, db); got != "replica" {
		t.Errorf("computation after a generation read on the replica ran on the %s", got)
	}
	// The caller's last write not replayed yet: primary, pinned.
	fake := &fakeProbe{}
	r.SetProbe(fake)
	fake.set(store.ReplicaState{InRecovery: true, ReplayLSN: 0x5000}, nil)
	r.Refresh(ctx)
	_, mine, err := db.ReadGeneration(store.ReadFromReplica(ctx, 0x5001))
	if err != nil {
		t.Fatal(err)
	}
	fake.set(store.ReplicaState{InRecovery: true, ReplayLSN: 0x6000}, nil)
	r.Refresh(ctx)
	if got := where(t, mine, db); got != "primary" {
		t.Errorf("read-your-writes: computation ran on the %s", got)
	}
}
