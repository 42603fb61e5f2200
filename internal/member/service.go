// Package member keeps the party-member roster (党员花名册): personal data encrypted at rest, mobile and pocket members, and transfers of membership (组织关系转接).
package member

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"liangxin/internal/audit"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
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

	// Prot seals, hashes and opens 身份证号 and phone. The wiring (app.Open)
	// loads it once at start-up and checks it against the database; the
	// service never reads or creates a key file itself.
	Prot *pdata.Protector

	// Left, when set, is told inside the transaction that a member left the
	// roster (转出 completed): the member's own account (党员账号) closes.
	Left LeaveHook
}

// LeaveHook is told that a member left the roster.
type LeaveHook interface {
	MemberLeft(ctx context.Context, tx *sql.Tx, memberID int64) error
}

// errNoProtector means the service was built without a key.
var errNoProtector = errors.New("member: personal-data key not loaded")

// Protector returns the protector of 身份证号 and phone. The key never enters
// the database.
func (s *Service) Protector() (*pdata.Protector, error) {
	if s.Prot == nil {
		return nil, errNoProtector
	}
	return s.Prot, nil
}
