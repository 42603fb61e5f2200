// Package dues computes and records 党费: the versioned rate table, each member's yearly amount, payments, arrears and refunds to 两新 party organizations.
package dues

import (
	"time"

	"liangxin/internal/audit"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/region"
	"liangxin/internal/store"
)

// Service holds the dependencies of the dues use cases.
type Service struct {
	DB      *store.DB
	Audit   *audit.Logger
	Regions *region.Service
	Orgs    *org.Service
	Party   *partyorg.Service
	Now     func() time.Time
}
