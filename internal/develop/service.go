// Package develop records the 发展党员 pipeline: the 5 stages and 25 steps with their time rules.
package develop

import (
	"time"

	"liangxin/internal/audit"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/region"
	"liangxin/internal/store"
)

// Service holds the dependencies of the develop use cases.
type Service struct {
	DB      *store.DB
	Audit   *audit.Logger
	Regions *region.Service
	Orgs    *org.Service
	Party   *partyorg.Service
	Now     func() time.Time
}
