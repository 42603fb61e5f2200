package develop

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/civil"
	"liangxin/internal/store"
)

// StepInput records one step for a person.
type StepInput struct {
	Step      int    `json:"step"`
	DoneOn    string `json:"done_on"`
	People    string `json:"people"` // 培养联系人 and the like, by name
	Documents string `json:"documents"`
	Note      string `json:"note"`
	// Step ⑨: the two 入党介绍人, roster members who are full members.
	Introducers []int64 `json:"introducers,omitempty"`
	// Step ⑪: the training.
	TrainingDays  int `json:"training_days,omitempty"`
	TrainingHours int `json:"training_hours,omitempty"`
	// Steps ⑮ and ㉓: the branch meeting's vote.
	VotersDue int `json:"voters_due,omitempty"` // full members with a vote who were due to attend
	Present   int `json:"present,omitempty"`
	Yes       int `json:"yes,omitempty"`
	// The probation extension: months.
	Months int `json:"months,omitempty"`
	// Steps ⑯ and ㉔: the 公示 held before them (first and last day).
	PublicityFrom string `json:"publicity_from,omitempty"`
	PublicityTo   string `json:"publicity_to,omitempty"`
	// Step ⑲: the 党小组 of the branch the member joins (optional).
	GroupID *int64 `json:"group_id,omitempty"`
}

// Recorded is a step as recorded, with the warnings of the soft rules.
type Recorded struct {
	Person   Person   `json:"person"`
	Step     Step     `json:"step"`
	Warnings []string `json:"warnings"`
}

func addYears(t time.Time, n int) time.Time { return t.AddDate(n, 0, 0) }

// RecordStep checks the rules of the step and records it. A violated hard
// rule refuses the step with a message naming the rule; soft rules record it
// with a warning.
func (s *Service) RecordStep(ctx context.Context, personID int64, in StepInput) (Recorded, error) {
	ctx = store.WithOp(ctx, "develop.RecordStep")
	var out Recorded
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.recordStepTx(ctx, tx, personID, in)
		return err
	})
	return out, err
}

func (s *Service) recordStepTx(ctx context.Context, tx *sql.Tx, personID int64, in StepInput) (Recorded, error) {
	def, ok := stepDef(in.Step)
	if !ok || in.Step == 1 {
		return Recorded{}, apperr.InvalidField("step", "步骤应为 2–25（第一步在登记入党申请人时记录），或 100（延长预备期）")
	}
	done, err := parseDay("done_on", in.DoneOn)
	if err != nil {
		return Recorded{}, err
	}
	if done.After(s.today()) {
		return Recorded{}, apperr.InvalidField("done_on", "日期不能晚于今天")
	}
	in.People, in.Documents, in.Note = strings.TrimSpace(in.People), strings.TrimSpace(in.Documents), strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > 2000 || utf8.RuneCountInString(in.Documents) > 1000 || utf8.RuneCountInString(in.People) > 200 {
		return Recorded{}, apperr.InvalidField("note", "说明不超过 2000 字，材料不超过 1000 字，人员不超过 200 字")
	}
	var out Recorded
	err = func() error {
		p, err := s.get(ctx, tx, personID)
		if err != nil {
			return err
		}
		before := p
		last := map[int]time.Time{} // latest day of each recorded step
		count := map[int]int{}
		var reviews []time.Time // every ⑥
		for _, st := range p.Steps {
			t, _ := civil.Read(st.DoneOn)
			if st.N == 6 {
				reviews = append(reviews, t)
			}
			if t.After(last[st.N]) {
				last[st.N] = t
			}
			count[st.N]++
		}
		if p.Stage == StageFull && in.Step != 25 {
			return apperr.Conflict("已转为正式党员，只能记录材料归档")
		}
		if count[in.Step] > 0 && !def.Repeatable && in.Step != StepExtension {
			return apperr.Conflict(fmt.Sprintf("第%d步“%s”已经记录过", in.Step, def.Name))
		}
		// Order: each step follows the one before it (a repeatable step at least once).
		prev := in.Step - 1
		if in.Step == StepExtension {
			if p.Stage != StageProbationary {
				return apperr.Conflict("只有预备党员才能延长预备期")
			}
			prev = 17
		}
		if count[prev] == 0 {
			pd, _ := stepDef(prev)
			return apperr.Conflict(fmt.Sprintf("须先记录第%d步“%s”，才能记录第%d步“%s”", prev, pd.Name, in.Step, def.Name))
		}
		if done.Before(last[prev]) {
			pd, _ := stepDef(prev)
			return apperr.InvalidField("done_on", fmt.Sprintf("日期不能早于第%d步“%s”（%s）", prev, pd.Name, day(last[prev])))
		}
		var warnings []string
		details := map[string]any{}
		people := in.People
		switch in.Step {
		case 2:
			if TalkLate(last[1], done) {
				warnings = append(warnings, fmt.Sprintf("谈话应在收到入党申请书后1个月内进行（%s 前），本次已逾期", day(addMonths(last[1], 1))))
			}
		case 5:
			n := 0
			for _, f := range strings.FieldsFunc(in.People, func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == ' ' }) {
				if f != "" {
					n++
				}
			}
			if n < 1 || n > 2 {
				return apperr.InvalidField("people", "应指定1至2名正式党员作为培养联系人（用顿号分隔姓名）")
			}
		case 7:
			if err := CheckActivistYear(last[3], done); err != nil {
				return apperr.InvalidField("done_on", fmt.Sprintf("确定为发展对象前须经过1年以上的积极分子培养：%s 确定为积极分子，最早 %s", day(last[3]), day(addYears(last[3], 1))))
			}
			if from, to, missing := MissingHalfYearReview(last[3], reviews, done); missing {
				return apperr.InvalidField("done_on", fmt.Sprintf("积极分子每半年应至少考察一次：%s 至 %s 没有第6步“培养教育考察”记录，请先补记", day(from), day(to)))
			}
		case 9:
			names, err := s.checkIntroducers(ctx, tx, in.Introducers)
			if err != nil {
				return err
			}
			details["introducers"] = in.Introducers
			people = names
		case 11:
			if in.TrainingDays < 0 || in.TrainingHours < 0 {
				return apperr.InvalidField("training_days", "培训天数和学时不能为负数")
			}
			if err := CheckTraining(in.TrainingDays, in.TrainingHours); err != nil {
				return apperr.InvalidField("training_days", "集中培训时间不少于3天或不少于24学时")
			}
			details["training_days"], details["training_hours"] = in.TrainingDays, in.TrainingHours
		case 15, 23:
			if err := checkVote(in); err != nil {
				return err
			}
			details["voters_due"], details["present"], details["yes"] = in.VotersDue, in.Present, in.Yes
			if in.Step == 23 && p.ProbationEndsOn != nil && day(done) < *p.ProbationEndsOn {
				return apperr.InvalidField("done_on", fmt.Sprintf("预备期至 %s 届满，届满后方可讨论转正", *p.ProbationEndsOn))
			}
		case 16, 24:
			since := 7 // 公示 of the 发展对象 before ⑯; of the 转正 after the application ㉒ before ㉔
			if in.Step == 24 {
				since = 22
			}
			set, err := s.Publicity(ctx)
			if err != nil {
				return err
			}
			pub, err := checkPublicity(in, last[since], done, since, set)
			if err != nil {
				return err
			}
			for k, v := range pub {
				details[k] = v
			}
		}
		switch in.Step {
		case 17, 24:
			vote := 15
			if in.Step == 24 {
				vote = 23
			}
			warn, err := ApprovalLate(last[vote], done)
			if err != nil {
				return apperr.InvalidField("done_on", fmt.Sprintf("上级党委应在支部党员大会（%s）后3个月内审批，最长不超过6个月（%s 前）", day(last[vote]), day(addMonths(last[vote], 6))))
			}
			if warn {
				warnings = append(warnings, fmt.Sprintf("审批超过3个月（%s 前），已按延长期限记录", day(addMonths(last[vote], 3))))
			}
		case 19:
			if in.GroupID != nil {
				if p.MemberID == nil || s.Grouper == nil {
					return apperr.InvalidField("group_id", "尚未列入党员花名册，不能编入党小组")
				}
				name, err := s.Grouper.PlaceTx(ctx, tx, *in.GroupID, *p.MemberID, day(done))
				if err != nil {
					return err
				}
				details["group_id"], details["group_name"] = *in.GroupID, name
			}
		case StepExtension:
			if err := CheckExtension(p.ExtensionMonths, in.Months); err != nil {
				e, _ := apperr.As(err)
				return apperr.InvalidField("months", e.Fields["months"])
			}
			details["months"] = in.Months
		}
		dj, _ := json.Marshal(details)
		if err := s.insertStep(ctx, tx, personID, in.Step, day(done), people, string(dj), in.Documents, in.Note, strings.Join(warnings, "；")); err != nil {
			return err
		}
		if err := s.advance(ctx, tx, p, in, last); err != nil {
			return err
		}
		if p, err = s.get(ctx, tx, personID); err != nil {
			return err
		}
		out = Recorded{Person: p, Warnings: warnings}
		if out.Warnings == nil {
			out.Warnings = []string{}
		}
		for _, st := range p.Steps {
			if st.N == in.Step {
				out.Step = st
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "dev_step_record", Entity: "dev_person", EntityID: fmt.Sprint(personID), Before: before, After: out.Step})
	}()
	return out, err
}

// advance moves the person to the stage a step enters, admitting or
// confirming the roster member.
func (s *Service) advance(ctx context.Context, tx *sql.Tx, p Person, in StepInput, last map[int]time.Time) error {
	now := time.Now().UTC().Format(time.RFC3339)
	if s.Now != nil {
		now = s.Now().UTC().Format(time.RFC3339)
	}
	done, _ := parseDay("done_on", in.DoneOn)
	switch in.Step {
	case 3, 7:
		def, _ := stepDef(in.Step)
		_, err := s.DB.Exec(ctx, tx, `UPDATE dev_people SET stage = ?, updated_at = ? WHERE id = ?`, def.Enters, now, p.ID)
		return err
	case 17:
		joined := last[15]
		ends := day(addYears(joined, 1))
		var memberID any
		if s.Admitter != nil {
			prot, err := s.Protector()
			if err != nil {
				return err
			}
			idn, err := prot.Decrypt(p.encIDNumber)
			if err != nil {
				return err
			}
			id, err := s.Admitter.AdmitTx(ctx, tx, Admission{Name: p.Name, Gender: p.Gender, BirthDate: p.BirthDate, IDNumber: idn,
				PartyOrgID: p.PartyOrgID, OrganizationID: p.OrganizationID, JoinedOn: day(joined)})
			if err != nil {
				return err
			}
			memberID = id
		}
		_, err := s.DB.Exec(ctx, tx, `UPDATE dev_people SET stage = ?, probation_ends_on = ?, member_id = ?, updated_at = ? WHERE id = ?`,
			StageProbationary, ends, memberID, now, p.ID)
		return err
	case StepExtension:
		end, _ := parseDay("probation_ends_on", *p.ProbationEndsOn)
		_, err := s.DB.Exec(ctx, tx, `UPDATE dev_people SET probation_ends_on = ?, extension_months = ?, updated_at = ? WHERE id = ?`,
			day(addMonths(end, in.Months)), in.Months, now, p.ID)
		return err
	case 24:
		if s.Admitter != nil && p.MemberID != nil {
			if err := s.Admitter.ConfirmTx(ctx, tx, *p.MemberID, *p.ProbationEndsOn); err != nil {
				return err
			}
		}
		_, err := s.DB.Exec(ctx, tx, `UPDATE dev_people SET stage = ?, updated_at = ? WHERE id = ?`, StageFull, now, p.ID)
		return err
	}
	_ = done
	return nil
}

// checkIntroducers is the rule of step ⑨: two introducers, both full members on the roster.
func (s *Service) checkIntroducers(ctx context.Context, tx *sql.Tx, ids []int64) (string, error) {
	if len(ids) != 2 || ids[0] == ids[1] {
		return "", apperr.InvalidField("introducers", "应确定2名正式党员作为入党介绍人")
	}
	var names []string
	for _, id := range ids {
		var name, category, status string
		err := s.DB.QueryRow(ctx, tx, `SELECT name, category, status FROM members WHERE id = ?`, id).Scan(&name, &category, &status)
		if err == sql.ErrNoRows {
			return "", apperr.InvalidField("introducers", fmt.Sprintf("党员（编号 %d）不在花名册中", id))
		}
		if err != nil {
			return "", err
		}
		if category != "full" || status != "active" {
			return "", apperr.InvalidField("introducers", fmt.Sprintf("%s 不是在册的正式党员，不能担任入党介绍人（预备党员不能当介绍人）", name))
		}
		names = append(names, name)
	}
	return strings.Join(names, "、"), nil
}

// checkVote is the rule of the branch meeting (steps ⑮ and ㉓): more than
// half of the voting members due attend, and more than half of them vote yes.
func checkVote(in StepInput) error {
	bad := apperr.Invalid()
	switch {
	case in.VotersDue < 1:
		bad.Field("voters_due", "请填写应到会有表决权的正式党员人数")
	case in.Present < 0 || in.Present > in.VotersDue:
		bad.Field("present", "实到人数应在 0 至应到人数之间")
	case in.Present*2 <= in.VotersDue:
		bad.Field("present", "到会有表决权的党员须超过应到会人数的半数，会议方可进行")
	case in.Yes < 0 || in.Yes > in.Present:
		bad.Field("yes", "赞成人数应在 0 至实到人数之间")
	case in.Yes*2 <= in.VotersDue:
		bad.Field("yes", "赞成人数须超过应到会有表决权正式党员的半数，决议方为有效")
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	return nil
}
