// Package meeting records organizational life (三会一课, 主题党日 and the rest) and computes compliance against the required frequencies; it also keeps committee terms and elections.
package meeting

import (
	"time"

	"liangxin/internal/audit"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/region"
	"liangxin/internal/store"
)

// Service holds the dependencies of the meeting use cases.
type Service struct {
	DB      *store.DB
	Audit   *audit.Logger
	Regions *region.Service
	Orgs    *org.Service
	Party   *partyorg.Service
	Now     func() time.Time
}
