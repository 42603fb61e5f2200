// Package develop records the 发展党员 pipeline: people move from 入党申请人 to
// 正式党员 through the 25 steps of 发展党员工作细则, each checked against the
// time rules of rules.go when it is recorded (hard rules refuse the step,
// soft ones record it with a warning). Admission (step 17) creates the roster
// member through an Admitter, and 转正 (step 24) confirms it, so the member
// keeps the whole record.
package develop

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
)

// Admission is what the Admitter needs to create the roster member.
type Admission struct {
	Name           string
	Gender         string
	BirthDate      string
	IDNumber       string
	PartyOrgID     int64
	OrganizationID *int64
	JoinedOn       string // the day of the admitting branch meeting (step 15)
}

// Admitter creates and confirms roster members inside the step's transaction.
type Admitter interface {
	AdmitTx(ctx context.Context, tx *sql.Tx, a Admission) (memberID int64, err error)
	ConfirmTx(ctx context.Context, tx *sql.Tx, memberID int64, confirmedOn string) error
}

// Grouper places the admitted member in a 党小组 of the branch at step ⑲
// (编入党支部和党小组) and returns the group's name.
type Grouper interface {
	PlaceTx(ctx context.Context, tx *sql.Tx, groupID, memberID int64, from string) (groupName string, err error)
}

// Service holds the dependencies of the pipeline.
type Service struct {
	DB        *store.DB
	Audit     *audit.Logger
	Now       func() time.Time
	Protector func() (*pdata.Protector, error)
	Admitter  Admitter
	Grouper   Grouper
}

// PersonInput registers an application (step 1).
type PersonInput struct {
	PartyOrgID     int64  `json:"party_org_id"`
	Name           string `json:"name"`
	Gender         string `json:"gender"`
	BirthDate      string `json:"birth_date"`
	IDNumber       string `json:"id_number"`
	OrganizationID *int64 `json:"organization_id"`
	AppliedOn      string `json:"applied_on"`
	Note           string `json:"note"`
}

// Person is one person in the pipeline; IDNumber is masked.
type Person struct {
	ID              int64   `json:"id"`
	PartyOrgID      int64   `json:"party_org_id"`
	PartyOrgName    string  `json:"party_org_name"`
	Name            string  `json:"name"`
	Gender          string  `json:"gender"`
	BirthDate       string  `json:"birth_date"`
	IDNumber        string  `json:"id_number"`
	OrganizationID  *int64  `json:"organization_id"`
	Stage           string  `json:"stage"`
	StageName       string  `json:"stage_name"`
	AppliedOn       string  `json:"applied_on"`
	ProbationEndsOn *string `json:"probation_ends_on"`
	ExtensionMonths int     `json:"extension_months"`
	MemberID        *int64  `json:"member_id"`
	LastStep        int     `json:"last_step"`
	LastStepName    string  `json:"last_step_name"`
	LastStepOn      string  `json:"last_step_on"`
	Steps           []Step  `json:"steps,omitempty"`
	Next            []Due   `json:"next"`
	encIDNumber     string
}

// Step is one recorded step.
type Step struct {
	ID         int64           `json:"id"`
	N          int             `json:"n"`
	Name       string          `json:"name"`
	DoneOn     string          `json:"done_on"`
	People     string          `json:"people"`
	Details    json.RawMessage `json:"details"`
	Documents  string          `json:"documents"`
	Note       string          `json:"note"`
	Warning    string          `json:"warning"`
	RecordedBy string          `json:"recorded_by"`
}

// Due is a step a person is due for (a deadline) or may take from a day (eligible).
type Due struct {
	Step  int    `json:"step"`
	Name  string `json:"name"`
	On    string `json:"on"`
	Kind  string `json:"kind"` // "deadline" or "eligible"
	Label string `json:"label"`
}

func (s *Service) today() time.Time {
	y, m, d := s.Now().In(civil.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func parseDay(field, v string) (time.Time, error) {
	return civil.Parse(field, v)
}

func day(t time.Time) string { return t.Format(civil.Layout) }

// visiblePartyOrg checks that a party organization is in the caller's scope.
func (s *Service) visiblePartyOrg(ctx context.Context, q store.Querier, id int64) (bool, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "id")
	if err != nil {
		return false, err
	}
	var n int
	err = s.DB.QueryRow(ctx, q, "SELECT COUNT(*) FROM party_orgs WHERE id = ? AND "+cond, append([]any{id}, args...)...).Scan(&n)
	return n > 0, err
}

// Apply registers a person's application (step ①): 18 years old on the day.
func (s *Service) Apply(ctx context.Context, in PersonInput) (Person, error) {
	var out Person
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.applyTx(ctx, tx, in)
		return err
	})
	return out, err
}

func (s *Service) applyTx(ctx context.Context, tx *sql.Tx, in PersonInput) (Person, error) {
	prot, err := s.Protector()
	if err != nil {
		return Person{}, err
	}
	in.Name = strings.TrimSpace(in.Name)
	bad := apperr.Invalid()
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 50 {
		bad.Field("name", "请填写姓名（不超过 50 个字）")
	}
	info, idErr := pdata.ParseID(in.IDNumber, s.Now())
	if idErr != nil {
		bad.Field("id_number", idErr.Error())
	} else {
		if in.BirthDate == "" {
			in.BirthDate = info.BirthDate.Format(civil.Layout)
		}
		if in.Gender == "" {
			in.Gender = info.Gender
		}
		if in.BirthDate != info.BirthDate.Format(civil.Layout) {
			bad.Field("birth_date", "出生日期与身份证号不一致")
		}
		if in.Gender != info.Gender {
			bad.Field("gender", "性别与身份证号不一致")
		}
	}
	applied, err := parseDay("applied_on", in.AppliedOn)
	if err != nil {
		bad.Field("applied_on", "请填写递交入党申请书的日期（YYYY-MM-DD）")
	} else if applied.After(s.today()) {
		bad.Field("applied_on", "申请日期不能晚于今天")
	} else if idErr == nil {
		if err := CheckApplicationAge(info.BirthDate, applied); err != nil {
			bad.Field("applied_on", "申请时未满18周岁：入党申请人须年满18周岁（发展党员工作细则第一步）")
		}
	}
	if in.PartyOrgID == 0 {
		bad.Field("party_org_id", "请选择受理申请的党组织")
	}
	if len(bad.Fields) > 0 {
		return Person{}, bad
	}
	var out Person
	err = func() error {
		ok, err := s.visiblePartyOrg(ctx, tx, in.PartyOrgID)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.InvalidField("party_org_id", "党组织不存在或不在您的管辖范围内")
		}
		hash := prot.Hash(info.Number)
		var n int
		if err := s.DB.QueryRow(ctx, tx, `SELECT (SELECT COUNT(*) FROM dev_people WHERE id_number_hash = ?) + (SELECT COUNT(*) FROM members WHERE id_number_hash = ?)`, hash, hash).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("该身份证号的人员已在发展党员名册或党员花名册中")
		}
		enc, err := prot.Encrypt(info.Number)
		if err != nil {
			return err
		}
		now := store.FormatTime(s.Now())
		var id int64
		if err := s.DB.QueryRow(ctx, tx, `INSERT INTO dev_people (party_org_id, name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask,
			organization_id, stage, applied_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.PartyOrgID, in.Name, in.Gender, in.BirthDate, enc, hash, pdata.MaskID(info.Number), in.OrganizationID, StageApplicant, day(applied), now, now).Scan(&id); err != nil {
			return err
		}
		if err := s.insertStep(ctx, tx, id, 1, day(applied), "", "{}", "", strings.TrimSpace(in.Note), ""); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "dev_person_create", Entity: "dev_person", EntityID: fmt.Sprint(id), After: out})
	}()
	return out, err
}

func (s *Service) insertStep(ctx context.Context, tx *sql.Tx, personID int64, n int, doneOn, people, details, documents, note, warning string) error {
	a, _ := actor.From(ctx)
	_, err := s.DB.Exec(ctx, tx, `INSERT INTO dev_steps (person_id, step, done_on, people, details, documents, note, warning, recorded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, personID, n, doneOn, people, details, documents, note, warning, a.Username, store.FormatTime(s.Now()))
	return err
}

const personCols = `p.id, p.party_org_id, o.name, p.name, p.gender, p.birth_date, p.id_number_mask, p.organization_id, p.stage, p.applied_on,
	p.probation_ends_on, p.extension_months, p.member_id, p.id_number_enc,
	COALESCE((SELECT MAX(st.step) FROM dev_steps st WHERE st.person_id = p.id AND st.step <= 25), 0),
	COALESCE((SELECT MAX(st.done_on) FROM dev_steps st WHERE st.person_id = p.id), '')`

const personFrom = ` FROM dev_people p JOIN party_orgs o ON o.id = p.party_org_id`

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var p Person
	var org, member sql.NullInt64
	var ends sql.NullString
	if err := row.Scan(&p.ID, &p.PartyOrgID, &p.PartyOrgName, &p.Name, &p.Gender, &p.BirthDate, &p.IDNumber, &org, &p.Stage, &p.AppliedOn,
		&ends, &p.ExtensionMonths, &member, &p.encIDNumber, &p.LastStep, &p.LastStepOn); err != nil {
		return p, err
	}
	if org.Valid {
		p.OrganizationID = &org.Int64
	}
	if member.Valid {
		p.MemberID = &member.Int64
	}
	if ends.Valid {
		p.ProbationEndsOn = &ends.String
	}
	p.StageName = StageName(p.Stage)
	if d, ok := stepDef(p.LastStep); ok {
		p.LastStepName = d.Name
	}
	return p, nil
}

// Get returns a person in the caller's scope with the whole timeline.
func (s *Service) Get(ctx context.Context, id int64) (Person, error) {
	ctx = store.WithOp(ctx, "develop.Get")
	return s.get(ctx, s.DB, id)
}

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (Person, error) {
	cond, args, err := store.PartyOrgFilter(ctx, "p.party_org_id")
	if err != nil {
		return Person{}, err
	}
	p, err := scanPerson(s.DB.QueryRow(ctx, q, `SELECT `+personCols+personFrom+` WHERE p.id = ? AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.NotFound("发展对象记录")
	}
	if err != nil {
		return p, err
	}
	if p.Steps, err = s.steps(ctx, q, id); err != nil {
		return p, err
	}
	p.Next = s.next(p)
	return p, nil
}

func (s *Service) steps(ctx context.Context, q store.Querier, personID int64) ([]Step, error) {
	rows, err := s.DB.Query(ctx, q, `SELECT id, step, done_on, people, details, documents, note, warning, recorded_by FROM dev_steps
		WHERE person_id = ? ORDER BY done_on, id`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Step{}
	for rows.Next() {
		var st Step
		var details string
		if err := rows.Scan(&st.ID, &st.N, &st.DoneOn, &st.People, &details, &st.Documents, &st.Note, &st.Warning, &st.RecordedBy); err != nil {
			return nil, err
		}
		st.Details = json.RawMessage(details)
		if d, ok := stepDef(st.N); ok {
			st.Name = d.Name
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
