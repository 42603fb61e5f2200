// Package meeting records organizational life (三会一课, 主题党日 and the rest) and computes compliance against the required frequencies; it also keeps committee terms and elections.
package meeting

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/readcache"
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
	// FilesDir is where earlier versions stored attachments on the node's
	// disk: read while a row has no sealed copy yet, and emptied into the
	// database by AdoptFiles at start-up.
	FilesDir string
	// copyRows makes writeSlots write with COPY: set by RebuildSlots on
	// PostgreSQL, inside store.InTxConn, whose connection the context
	// carries (the rebuild's own Service).
	copyRows bool
	// Protector seals attachments kept in the database (the members' key).
	Protector func() (*pdata.Protector, error)
	// Cache keeps Compliance results while the data generation stays the
	// same (nil: compute every time).
	Cache *readcache.Cache
	// MaxAttachment bounds one attachment in bytes (10 MiB if zero).
	MaxAttachment int64
}

// Code is a code with its Chinese name.
type Code struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Meeting kinds.
const (
	KindBranchAssembly   = "branch_assembly"
	KindCommitteeMeeting = "committee_meeting"
	KindGroupMeeting     = "group_meeting"
	KindPartyLecture     = "party_lecture"
	KindThemeDay         = "theme_day"
	KindLifeMeeting      = "life_meeting"
	KindMemberReview     = "member_review"
	KindHeartTalk        = "heart_talk"
	// Meetings of 党委 and 党总支 (domain.md §3 names the branch's only).
	KindPartyCommittee   = "party_committee"   // 党委会 (党委委员会会议)
	KindGeneralCommittee = "general_committee" // 总支委员会
	KindMemberAssembly   = "member_assembly"   // 党员大会 of a 党委 or 党总支
	KindDelegateAssembly = "delegate_assembly" // 党员代表大会 of a 党委
)

// Kinds lists the meeting kinds in display order.
func Kinds() []Code {
	return []Code{{KindBranchAssembly, "支部党员大会"}, {KindCommitteeMeeting, "支委会"}, {KindGroupMeeting, "党小组会"},
		{KindPartyLecture, "党课"}, {KindThemeDay, "主题党日"}, {KindLifeMeeting, "组织生活会"},
		{KindMemberReview, "民主评议党员"}, {KindHeartTalk, "谈心谈话"},
		{KindPartyCommittee, "党委会"}, {KindGeneralCommittee, "总支委员会"}, {KindMemberAssembly, "党员大会"}, {KindDelegateAssembly, "党员代表大会"}}
}

func name(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// KindName is the Chinese name of a meeting kind ("" if unknown).
func KindName(kind string) string { return name(Kinds(), kind) }

func (s *Service) today() string {
	return civil.Today(s.Now())
}

func parseDay(field, v string) (time.Time, error) {
	return civil.Parse(field, v)
}

// partyOrgInScope checks that the party organization is visible to the
// caller and returns its name, kind, region, founding and dissolution dates.
type poInfo struct {
	ID          int64
	Name        string
	Kind        string
	RegionCode  string
	Established string
	Dissolved   string
	TermStarted string
}

func (s *Service) partyOrg(ctx context.Context, q store.Querier, id int64) (poInfo, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "p.id")
	if err != nil {
		return poInfo{}, err
	}
	var p poInfo
	var dis sql.NullString
	err = s.DB.QueryRow(ctx, q, `SELECT p.id, p.name, p.kind, p.region_code, p.established_on, p.dissolved_on, COALESCE(p.term_started_on, p.established_on)
		FROM party_orgs p WHERE p.id = ? AND `+cond, append([]any{id}, args...)...).Scan(&p.ID, &p.Name, &p.Kind, &p.RegionCode, &p.Established, &dis, &p.TermStarted)
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.NotFound("党组织")
	}
	p.Dissolved = dis.String
	return p, err
}
