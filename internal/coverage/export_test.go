package coverage

import (
	"context"

	"liangxin/internal/region"
)

// FromCounts tells whether Coverage of rg would read the counts (tests check
// the fast path is the one compared).
func (s *Service) FromCounts(ctx context.Context, rg region.Region) (bool, error) {
	return s.fromCounts(ctx, rg)
}
