// Package member keeps the party-member roster (党员花名册): personal data encrypted at rest, mobile and pocket members, and transfers of membership (组织关系转接).
package member

import (
	"path/filepath"
	"sync"
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

	// KeyFile is the personal-data key file (created with mode 0600 on first
	// use); empty means DataDir/data.key.
	KeyFile string
	// DataDir is the data folder, used when KeyFile is empty.
	DataDir string
	// Cipher is pdata.CipherSM4 (default) or pdata.CipherAES.
	Cipher string

	once sync.Once
	prot *pdata.Protector
	err  error
}

// KeyPath is the file the personal-data key is read from.
func (s *Service) KeyPath() string {
	if s.KeyFile != "" {
		return s.KeyFile
	}
	return filepath.Join(s.DataDir, "data.key")
}

// Protector loads (or on first use creates) the data key and returns the
// protector of 身份证号 and phone. The key never enters the database.
func (s *Service) Protector() (*pdata.Protector, error) {
	s.once.Do(func() {
		key, err := pdata.LoadOrCreateKey(s.KeyPath())
		if err != nil {
			s.err = err
			return
		}
		s.prot, s.err = pdata.New(key, s.Cipher)
	})
	return s.prot, s.err
}
