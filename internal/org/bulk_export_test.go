package org

import (
	"context"

	"liangxin/internal/store"
)

// InsertManyForTest runs insertMany over organizations and returns their ids.
func (s *Service) InsertManyForTest(ctx context.Context, tx store.Querier, os []Organization) ([]int64, bool, error) {
	ps := make([]pendingRow, len(os))
	for i, o := range os {
		ps[i] = pendingRow{i, o}
	}
	ok, err := s.insertMany(ctx, tx, ps)
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.o.ID
	}
	return ids, ok, err
}
