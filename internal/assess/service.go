// Package assess runs assessments by versioned indicator sheets (星级/五化), lists 软弱涣散 signals, and keeps 结对帮带 pairs and honours.
package assess

import (
	"time"

	"liangxin/internal/audit"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/region"
	"liangxin/internal/store"
)

// Service holds the dependencies of the assess use cases.
type Service struct {
	DB      *store.DB
	Audit   *audit.Logger
	Regions *region.Service
	Orgs    *org.Service
	Party   *partyorg.Service
	Now     func() time.Time
}
