// Package member keeps the party-member roster (党员花名册): personal data encrypted at rest, mobile and pocket members, and transfers of membership (组织关系转接).
package member

import (
	"time"

	"liangxin/internal/audit"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/region"
	"liangxin/internal/store"
)

// Service holds the dependencies of the member use cases.
type Service struct {
	DB      *store.DB
	Audit   *audit.Logger
	Regions *region.Service
	Orgs    *org.Service
	Party   *partyorg.Service
	Now     func() time.Time
}
