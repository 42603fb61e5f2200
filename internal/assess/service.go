// Package assess runs assessments by versioned indicator sheets (星级/五化), lists 软弱涣散 signals, and keeps 结对帮带 pairs and honours.
package assess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/region"
	"liangxin/internal/store"
)

// MeetingSource gives a party organization's organizational-life compliance
// and average attendance (both 0–1) over a period (internal/meeting).
type MeetingSource interface {
	PartyOrgCompliance(ctx context.Context, partyOrgID int64, from, to string) (compliance, attendance float64, err error)
	// PartyOrgRate is the compliance rate, nil when nothing was required.
	PartyOrgRate(ctx context.Context, partyOrgID int64, from, to string) (*float64, error)
}

// CommitteeSource tells whether a party organization's 书记 post is vacant
// (and since when) and whether its committee is incomplete (internal/meeting).
type CommitteeSource interface {
	SecretaryVacancy(ctx context.Context, partyOrgID int64, asOf string) (vacantSince string, vacant bool, err error)
	CommitteeIncomplete(ctx context.Context, partyOrgID int64, asOf string) (bool, string, error)
}

// DevelopmentSource gives the latest date someone became 发展对象 in a party
// organization (internal/develop).
type DevelopmentSource interface {
	LastDevelopmentObject(ctx context.Context, partyOrgID int64) (on string, ok bool, err error)
}

// DuesSource gives the share (0–1) of dues paid on time in a party
// organization over a period (internal/dues).
type DuesSource interface {
	OnTimeRate(ctx context.Context, partyOrgID int64, from, to string) (float64, error)
}

// Service holds the dependencies of the assess use cases. A nil source means
// the data is not available: indicators and signals that need it are reported
// as not computable, never as zero.
type Service struct {
	DB      *store.DB
	Audit   *audit.Logger
	Regions *region.Service
	Orgs    *org.Service
	Party   *partyorg.Service
	Now     func() time.Time

	Meetings    MeetingSource
	Committees  CommitteeSource
	Development DevelopmentSource
	Dues        DuesSource
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) today() string { return civil.Today(s.now()) }

func (s *Service) stamp() string { return store.FormatTime(s.now()) }

// Points is a score in hundredths of a point (8999 = 89.99 分). It is written
// and read in JSON as a plain number with at most two decimals, exactly.
type Points int64

// MarshalJSON writes the number with two decimals.
func (p Points) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalJSON reads a JSON number (or a numeric string) with at most two decimals.
func (p *Points) UnmarshalJSON(b []byte) error {
	v, err := ParsePoints(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// String renders the points as "89.99".
func (p Points) String() string {
	sign := ""
	n := int64(p)
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
}

// ParsePoints reads "90", "89.9" or "89.99" exactly; more decimals are refused.
func ParsePoints(s string) (Points, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || len(whole) > 9 {
		return 0, fmt.Errorf("分值最多两位小数")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("分值应为数字")
	}
	f := int64(0)
	if frac != "" {
		for len(frac) < 2 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || frac[0] == '+' || frac[0] == '-' {
			return 0, fmt.Errorf("分值应为数字")
		}
	}
	v := w*100 + f
	if neg {
		v = -v
	}
	return Points(v), nil
}

// scale is the precision of computed 0–1 values (ten-thousandths).
const scale = 10000

// pointsOf maps a 0–1 value (in ten-thousandths) to points of an indicator,
// rounding half up to the hundredth.
func pointsOf(value int64, max Points) Points {
	if value < 0 {
		value = 0
	}
	if value > scale {
		value = scale
	}
	return Points((value*int64(max) + scale/2) / scale)
}

// toValue turns a 0–1 float from a source into ten-thousandths.
func toValue(f float64) int64 {
	if f < 0 {
		f = 0
	}
	if f > 1 {
		f = 1
	}
	return int64(f*scale + 0.5)
}

func pct(v int64) string { return fmt.Sprintf("%d.%02d%%", v/100, v%100) }

// visibleRegion limits col (the region a sheet or round belongs to) to those
// the actor may see: inside its scope, or an ancestor of it (a district's
// sheet and round are visible to its streets).
func visibleRegion(ctx context.Context, col string) (string, []any, error) {
	a, ok := actor.From(ctx)
	if !ok {
		return "", nil, apperr.Unauthenticated("")
	}
	if a.System {
		return "1=1", nil, nil
	}
	if a.Scope == "" {
		return "1=0", nil, nil
	}
	in, inArgs := store.PrefixRange(col, a.Scope)
	up, upArgs := store.AncestorsOf(col, a.Scope)
	return "(" + in + " OR " + up + ")", append(inArgs, upArgs...), nil
}

// owns reports whether the actor may manage a record of the region (inside
// its scope; a party-organization-bound actor manages nothing region-wide).
func owns(ctx context.Context, code string) bool {
	a, _ := actor.From(ctx)
	if a.System {
		return true
	}
	return a.PartyOrgID == 0 && a.InScope(code)
}

func parseDay(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", apperr.InvalidField(field, "请填写日期")
	}
	return civil.Day(field, s)
}

func addDays(day string, years, months, days int) string {
	t, _ := civil.Read(day)
	return t.AddDate(years, months, days).Format(civil.Layout)
}

// inScopePartyOrg checks that a party organization exists inside the actor's
// scope and returns its name and region.
func (s *Service) inScopePartyOrg(ctx context.Context, q store.Querier, id int64) (name, regionCode string, err error) {
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return "", "", err
	}
	err = s.DB.QueryRow(ctx, q, `SELECT p.name, p.region_code FROM party_orgs p WHERE p.id = ? AND `+cond, append([]any{id}, args...)...).Scan(&name, &regionCode)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", apperr.NotFound("党组织")
	}
	return name, regionCode, err
}
