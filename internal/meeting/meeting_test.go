package meeting_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/meeting"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

type kit struct {
	t   *testing.T
	e   *testenv.Env
	ctx context.Context
	n   int
}

func newKit(t *testing.T) *kit {
	e := testenv.New(t)
	e.App.Meet.FilesDir = t.TempDir()
	return &kit{t: t, e: e, ctx: actor.System(context.Background(), "test")}
}

// partyOrg creates a branch founded 2020-01-01 in region.
func (k *kit) partyOrg(name, region string) partyorg.PartyOrg {
	k.t.Helper()
	return k.partyOrgFounded(name, region, "2020-01-01")
}

// partyOrgFounded creates a branch founded on the day in region.
func (k *kit) partyOrgFounded(name, region, founded string) partyorg.PartyOrg {
	k.t.Helper()
	k.n++
	on, cat, five := fmt.Sprintf("企业%d", k.n), "individual_business", 5
	o, err := k.e.App.Orgs.Create(k.ctx, org.Input{Name: &on, Category: &cat, RegionCode: &region, FullMembers: &five})
	if err != nil {
		k.t.Fatal(err)
	}
	p, err := k.e.App.Party.Create(k.ctx, partyorg.Input{Name: name, Kind: "branch", Formation: "regional", EstablishedOn: founded, Covers: []int64{o.ID}})
	if err != nil {
		k.t.Fatal(err)
	}
	return p
}

// member inserts a roster member with dummy values (the roster is another package's).
func (k *kit) member(partyOrgID int64, name, category string) int64 {
	k.t.Helper()
	k.n++
	db := k.e.App.DB
	var id int64
	err := db.QueryRow(k.ctx, db, `INSERT INTO members (name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask, category, party_org_id, status, created_at, updated_at)
		VALUES (?, 'male', '1980-01-01', 'x', ?, 'x', ?, ?, 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id`,
		name, fmt.Sprintf("hash-%d", k.n), category, partyOrgID).Scan(&id)
	if err != nil {
		k.t.Fatal(err)
	}
	return id
}

func (k *kit) meet(po int64, kind, date string, att ...meeting.AttendeeInput) meeting.Meeting {
	k.t.Helper()
	m, err := k.e.App.Meet.Create(k.ctx, meeting.Input{PartyOrgID: po, Kind: kind, Date: date, Topic: "学习", Presenter: "张书记", Attendees: att})
	if err != nil {
		k.t.Fatal(err)
	}
	return m
}

func fieldErr(t *testing.T, err error, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Fields[field] == "" {
		t.Fatalf("want a field error on %s, got %v", field, err)
	}
}

func TestAttendanceArithmetic(t *testing.T) {
	if v := meeting.Attendance(10, 6, 2); v == nil || *v != 0.75 {
		t.Errorf("6 present of 10 with 2 excused: %v, want 0.75", v)
	}
	if v := meeting.Attendance(10, 10, 0); v == nil || *v != 1 {
		t.Errorf("all present: %v", v)
	}
	if v := meeting.Attendance(3, 0, 3); v != nil {
		t.Errorf("all excused: %v, want nil", *v)
	}
	k := newKit(t)
	p := k.partyOrg("达孝社区联合党支部", testenv.Hongqiao)
	a, b, c := k.member(p.ID, "甲", "full"), k.member(p.ID, "乙", "full"), k.member(p.ID, "丙", "probationary")
	d := k.member(p.ID, "丁", "full")
	m := k.meet(p.ID, meeting.KindThemeDay, "2026-11-02", meeting.AttendeeInput{MemberID: a, Status: "present"},
		meeting.AttendeeInput{MemberID: b, Status: "present"}, meeting.AttendeeInput{MemberID: c, Status: "excused"}, meeting.AttendeeInput{MemberID: d, Status: "absent"})
	if m.Expected != 4 || m.Present != 2 || m.Excused != 1 || m.Absent != 1 || m.Attendance == nil || fmt.Sprintf("%.4f", *m.Attendance) != "0.6667" {
		t.Errorf("meeting attendance: %+v", m)
	}
	list, _, err := k.e.App.Meet.List(k.ctx, meeting.Filter{PartyOrgID: p.ID})
	if err != nil || len(list) != 1 || list[0].Present != 2 || list[0].Absent != 1 {
		t.Fatalf("list: %+v %v", list, err)
	}
	// A member of another party organization is refused.
	other := k.partyOrg("别的党支部", testenv.Hongqiao)
	x := k.member(other.ID, "外人", "full")
	_, err = k.e.App.Meet.Create(k.ctx, meeting.Input{PartyOrgID: p.ID, Kind: meeting.KindThemeDay, Date: "2026-11-03", Topic: "x",
		Attendees: []meeting.AttendeeInput{{MemberID: x, Status: "present"}}})
	fieldErr(t, err, "attendees[0].member_id")
}

func (k *kit) report(po int64, from, to string) meeting.OrgCompliance {
	k.t.Helper()
	rep, err := k.e.App.Meet.Compliance(k.ctx, meeting.ReportFilter{From: from, To: to, PartyOrgID: po})
	if err != nil {
		k.t.Fatal(err)
	}
	if len(rep.Orgs) != 1 {
		k.t.Fatalf("report orgs: %+v", rep.Orgs)
	}
	return rep.Orgs[0]
}

func kindOf(oc meeting.OrgCompliance, kind string) meeting.KindCompliance {
	for _, k := range oc.Kinds {
		if k.Kind == kind {
			return k
		}
	}
	return meeting.KindCompliance{}
}

// A meeting on the last day of a quarter counts for that quarter; the next
// day belongs to the next quarter.
func TestQuarterBoundary(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("洪桥街道达孝社区联合党支部", testenv.Hongqiao)
	k.meet(p.ID, meeting.KindBranchAssembly, "2024-09-30") // Q3, last day
	k.meet(p.ID, meeting.KindBranchAssembly, "2024-10-01") // Q4, first day
	oc := k.report(p.ID, "2024-07-01", "2024-12-31")
	ba := kindOf(oc, meeting.KindBranchAssembly)
	if ba.Required != 2 || ba.Held != 2 || len(ba.Missing) != 0 {
		t.Errorf("Q3+Q4 with meetings on 09-30 and 10-01: %+v", ba)
	}
	q := newKit(t)
	p2 := q.partyOrg("洪桥街道达孝社区联合党支部", testenv.Hongqiao)
	q.meet(p2.ID, meeting.KindBranchAssembly, "2024-10-01")
	q.meet(p2.ID, meeting.KindBranchAssembly, "2024-12-31")
	oc = q.report(p2.ID, "2024-07-01", "2024-12-31")
	ba = kindOf(oc, meeting.KindBranchAssembly)
	if ba.Required != 2 || ba.Held != 1 || ba.Total != 2 {
		t.Errorf("two meetings in Q4 count once, Q3 missing: %+v", ba)
	}
	want := "洪桥街道达孝社区联合党支部：2024年第三季度未召开支部党员大会"
	found := false
	for _, m := range oc.Missing {
		if m == want {
			found = true
		}
	}
	if !found {
		t.Errorf("missing list lacks %q: %v", want, oc.Missing)
	}
}

func TestMonthAndYearBoundaries(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("月份党支部", testenv.Hongqiao)
	k.meet(p.ID, meeting.KindThemeDay, "2024-01-31")
	k.meet(p.ID, meeting.KindThemeDay, "2024-03-01")
	k.meet(p.ID, meeting.KindLifeMeeting, "2024-12-31")
	oc := k.report(p.ID, "2024-01-01", "2024-03-31")
	td := kindOf(oc, meeting.KindThemeDay)
	if td.Required != 3 || td.Held != 2 || len(td.Missing) != 1 || td.Missing[0] != "2024年2月" {
		t.Errorf("theme day Jan–Mar: %+v", td)
	}
	// A year is required only when the whole year is in the period.
	if lm := kindOf(oc, meeting.KindLifeMeeting); lm.Required != 0 {
		t.Errorf("life meeting required in a quarter: %+v", lm)
	}
	oc = k.report(p.ID, "2024-01-01", "2024-12-31")
	if lm := kindOf(oc, meeting.KindLifeMeeting); lm.Required != 1 || lm.Held != 1 {
		t.Errorf("life meeting on 12-31 counts for the year: %+v", lm)
	}
	oc = k.report(p.ID, "2025-01-01", "2025-12-31")
	if lm := kindOf(oc, meeting.KindLifeMeeting); lm.Required != 1 || lm.Held != 0 {
		t.Errorf("2025 without a life meeting: %+v", lm)
	}
	// 支委会 is not required without a committee.
	if cm := kindOf(oc, meeting.KindCommitteeMeeting); cm.Required != 0 {
		t.Errorf("committee meetings required without a committee: %+v", cm)
	}
	// Rate: Jan–Mar 2024 → assembly 1, lecture 1, theme 3 = 5 required
	// (党小组会 only of a branch with a 党小组: this one has none).
	oc = k.report(p.ID, "2024-01-01", "2024-03-31")
	if oc.Required != 5 || oc.Held != 2 || oc.Rate == nil || *oc.Rate != 0.4 {
		t.Errorf("Q1 totals: required %d held %d rate %v", oc.Required, oc.Held, oc.Rate)
	}
}

func TestFrequencyVersions(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("党课党支部", testenv.Hongqiao)
	if _, err := k.e.App.Meet.SetFrequency(k.ctx, meeting.FrequencyInput{Kind: meeting.KindPartyLecture, Period: "month", Times: 1, EffectiveFrom: "2024-07-01", Reason: "补录"}); err != nil {
		t.Fatal(err)
	}
	oc := k.report(p.ID, "2024-01-01", "2024-12-31")
	if pl := kindOf(oc, meeting.KindPartyLecture); pl.Required != 8 {
		t.Errorf("党课 quarterly to June, monthly from July: required %d, want 2+6", pl.Required)
	}
	_, err := k.e.App.Meet.SetFrequency(k.ctx, meeting.FrequencyInput{Kind: meeting.KindPartyLecture, Period: "week", Times: 1, EffectiveFrom: "2024-07-01"})
	fieldErr(t, err, "period")
	_, err = k.e.App.Meet.SetFrequency(k.ctx, meeting.FrequencyInput{Kind: meeting.KindPartyLecture, Period: "month", Times: 0, EffectiveFrom: "2024-07-01"})
	fieldErr(t, err, "times")
	// Back-dated (before today, 2026-11-23 in China) without a reason.
	_, err = k.e.App.Meet.SetFrequency(k.ctx, meeting.FrequencyInput{Kind: meeting.KindPartyLecture, Period: "month", Times: 1, EffectiveFrom: "2026-11-22"})
	fieldErr(t, err, "reason")
	if _, err := k.e.App.Meet.SetFrequency(k.ctx, meeting.FrequencyInput{Kind: meeting.KindPartyLecture, Period: "month", Times: 1, EffectiveFrom: "2026-11-23"}); err != nil {
		t.Errorf("from today needs no reason: %v", err)
	}
}

func TestCommitteeMeetingsRequiredWithCommittee(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("有支委会的党支部", testenv.Hongqiao)
	for i := 0; i < 7; i++ {
		k.member(p.ID, fmt.Sprintf("党员%d", i), "full")
	}
	_, err := k.e.App.Meet.RecordElection(k.ctx, p.ID, meeting.ElectionInput{HeldOn: "2024-03-15", Approval: "县委组织部同意延期换届", Members: []meeting.CommitteeMemberInput{
		{Role: "secretary", Name: "张三"}, {Role: "organization", Name: "李四"}, {Role: "propaganda", Name: "王五"}}})
	if err != nil {
		t.Fatal(err)
	}
	oc := k.report(p.ID, "2024-01-01", "2024-06-30")
	// Committee from 03-15: March (end 03-31), April, May, June.
	if cm := kindOf(oc, meeting.KindCommitteeMeeting); cm.Required != 4 {
		t.Errorf("committee meetings from March: %+v", cm)
	}
}

func TestLateRecording(t *testing.T) {
	k := newKit(t) // today 2026-11-23
	p := k.partyOrg("补报党支部", testenv.Hongqiao)
	if m := k.meet(p.ID, meeting.KindThemeDay, "2026-10-31"); !m.Late {
		t.Error("a theme day of October recorded in November is not marked late")
	}
	if m := k.meet(p.ID, meeting.KindThemeDay, "2026-11-01"); m.Late {
		t.Error("a theme day of this month is marked late")
	}
	if m := k.meet(p.ID, meeting.KindBranchAssembly, "2026-10-01"); m.Late {
		t.Error("an assembly of this quarter is marked late")
	}
	oc := k.report(p.ID, "2026-10-01", "2026-10-31")
	if td := kindOf(oc, meeting.KindThemeDay); td.Held != 1 || td.Late != 1 {
		t.Errorf("late meeting counts but is marked: %+v", td)
	}
	_, err := k.e.App.Meet.Create(k.ctx, meeting.Input{PartyOrgID: p.ID, Kind: meeting.KindThemeDay, Date: "2026-11-24", Topic: "x"})
	fieldErr(t, err, "date")
	if _, err := k.e.App.Meet.Create(k.ctx, meeting.Input{PartyOrgID: p.ID, Kind: meeting.KindThemeDay, Status: "planned", Date: "2026-12-05", Topic: "计划"}); err != nil {
		t.Errorf("planning a future meeting: %v", err)
	}
	_, err = k.e.App.Meet.Create(k.ctx, meeting.Input{PartyOrgID: p.ID, Kind: meeting.KindPartyLecture, Date: "2026-11-20", Topic: "党课"})
	fieldErr(t, err, "presenter")
	// Planned meetings do not count.
	oc = k.report(p.ID, "2026-12-01", "2026-12-31")
	if td := kindOf(oc, meeting.KindThemeDay); td.Held != 0 {
		t.Errorf("planned meeting counted: %+v", td)
	}
}

func TestCommitteeRules(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("小党支部", testenv.Hongqiao)
	for i := 0; i < 6; i++ {
		k.member(p.ID, fmt.Sprintf("党员%d", i), "full")
	}
	svc := k.e.App.Meet
	if _, err := svc.AddCommitteeMember(k.ctx, p.ID, meeting.CommitteeMemberInput{Role: "secretary", Name: "张书记", From: "2024-01-01", CrossPost: true}); err != nil {
		t.Fatal(err)
	}
	// 6 full members: no committee, so no 组织委员.
	_, err := svc.AddCommitteeMember(k.ctx, p.ID, meeting.CommitteeMemberInput{Role: "organization", Name: "李委员", From: "2024-01-01"})
	fieldErr(t, err, "role")
	if _, err := svc.AddCommitteeMember(k.ctx, p.ID, meeting.CommitteeMemberInput{Role: "deputy_secretary", Name: "王副书记", From: "2024-01-01"}); err != nil {
		t.Errorf("副书记 with 6 members: %v", err)
	}
	_, err = svc.AddCommitteeMember(k.ctx, p.ID, meeting.CommitteeMemberInput{Role: "secretary", Name: "第二书记", From: "2024-02-01"})
	fieldErr(t, err, "role")
	// The seventh full member allows a committee.
	k.member(p.ID, "党员6", "full")
	if _, err := svc.AddCommitteeMember(k.ctx, p.ID, meeting.CommitteeMemberInput{Role: "organization", Name: "李委员", From: "2024-01-01"}); err != nil {
		t.Errorf("组织委员 with 7 members: %v", err)
	}
	c, err := svc.Committee(k.ctx, p.ID)
	if err != nil || len(c.Current) != 3 || c.Incomplete || !c.Current[0].CrossPost {
		t.Fatalf("committee: %+v %v", c, err)
	}
	// Election: the old committee goes to history, the term restarts.
	c, err = svc.RecordElection(k.ctx, p.ID, meeting.ElectionInput{HeldOn: "2026-06-01", Approval: "县委组织部同意延期换届", Members: []meeting.CommitteeMemberInput{
		{Role: "secretary", Name: "新书记"}, {Role: "organization", Name: "新组织委员"}, {Role: "discipline", Name: "新纪检委员"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Current) != 3 || len(c.History) != 3 || c.TermStarted != "2026-06-01" || c.TermDueOn != "2029-06-01" || len(c.Elections) != 1 {
		t.Errorf("after election: %+v", c)
	}
	po, _ := k.e.App.Party.Get(k.ctx, p.ID)
	if po.TermStartedOn != "2026-06-01" {
		t.Errorf("party org term: %s", po.TermStartedOn)
	}
	_, err = svc.RecordElection(k.ctx, p.ID, meeting.ElectionInput{HeldOn: "2026-05-01", Members: []meeting.CommitteeMemberInput{{Role: "secretary", Name: "x"}}})
	fieldErr(t, err, "held_on")
	// More than 7 is refused.
	eight := []meeting.CommitteeMemberInput{{Role: "secretary", Name: "a"}}
	for i := 0; i < 7; i++ {
		eight = append(eight, meeting.CommitteeMemberInput{Role: "member", Name: fmt.Sprintf("m%d", i)})
	}
	_, err = svc.RecordElection(k.ctx, p.ID, meeting.ElectionInput{HeldOn: "2026-07-01", Members: eight})
	fieldErr(t, err, "members")
}

// A 书记 vacancy is flagged once it is longer than 3 months.
func TestSecretaryVacancyBoundary(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("空缺党支部", testenv.Hongqiao)
	svc := k.e.App.Meet
	since, vacant, err := svc.SecretaryVacancy(k.ctx, p.ID, "2026-01-01")
	if err != nil || !vacant || since != "2020-01-01" {
		t.Fatalf("never had a secretary: %s %v %v", since, vacant, err)
	}
	sec, err := svc.AddCommitteeMember(k.ctx, p.ID, meeting.CommitteeMemberInput{Role: "secretary", Name: "老书记", From: "2021-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	end := "2026-01-15"
	if _, err := svc.UpdateCommitteeMember(k.ctx, sec.ID, meeting.CommitteeMemberPatch{To: &end}); err != nil {
		t.Fatal(err)
	}
	if _, vacant, _ := svc.SecretaryVacancy(k.ctx, p.ID, "2026-01-14"); vacant {
		t.Error("vacant while the secretary was in office")
	}
	since, vacant, _ = svc.SecretaryVacancy(k.ctx, p.ID, "2026-01-15")
	if !vacant || since != "2026-01-15" {
		t.Errorf("vacancy from the day the secretary left: %s %v", since, vacant)
	}
	if meeting.VacancyFlagged(since, "2026-04-15") {
		t.Error("exactly 3 months is flagged")
	}
	if !meeting.VacancyFlagged(since, "2026-04-16") {
		t.Error("3 months and a day is not flagged")
	}
	inc, why, err := svc.CommitteeIncomplete(k.ctx, p.ID, "2026-02-01")
	if err != nil || !inc || why != "书记空缺" {
		t.Errorf("incomplete: %v %q %v", inc, why, err)
	}
	vs, err := svc.Vacancies(k.ctx)
	if err != nil || len(vs) != 1 || !vs[0].Flagged {
		t.Errorf("vacancies: %+v %v", vs, err)
	}
}

func TestAttachmentsTypeCheckedAndScoped(t *testing.T) {
	k := newKit(t)
	p := k.partyOrg("附件党支部", testenv.Hongqiao)
	m := k.meet(p.ID, meeting.KindThemeDay, "2026-11-02")
	png := append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, bytes.Repeat([]byte{1}, 100)...)
	a, err := k.e.App.Meet.AddAttachment(k.ctx, m.ID, "现场.png", bytes.NewReader(png))
	if err != nil || a.ContentType != "image/png" || a.Size != int64(len(png)) {
		t.Fatalf("png: %+v %v", a, err)
	}
	_, err = k.e.App.Meet.AddAttachment(k.ctx, m.ID, "x.exe", strings.NewReader("MZ\x90\x00 not allowed"))
	fieldErr(t, err, "file")
	k.e.App.Meet.MaxAttachment = 50
	_, err = k.e.App.Meet.AddAttachment(k.ctx, m.ID, "big.png", bytes.NewReader(png))
	fieldErr(t, err, "file")
	// Another party organization's actor cannot read it.
	other := k.partyOrg("别的党支部", testenv.Hongqiao)
	octx := actor.With(context.Background(), actor.Actor{UserID: 99, Username: "sec", Role: "party_org", Scope: other.RegionCode, PartyOrgID: other.ID})
	if _, _, err := k.e.App.Meet.OpenAttachment(octx, a.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("other party org reads the attachment: %v", err)
	}
	if _, err := k.e.App.Meet.Get(octx, m.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("other party org reads the meeting: %v", err)
	}
	_, rc, err := k.e.App.Meet.OpenAttachment(k.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	for _, c := range []struct {
		data []byte
		want string
	}{{[]byte("\xFF\xD8\xFF\xE0"), "image/jpeg"}, {[]byte("%PDF-1.7"), "application/pdf"}, {[]byte("PK\x03\x04....word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{[]byte("PK\x03\x04....xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, {[]byte("PK\x03\x04 plain zip"), ""}, {[]byte("GIF89a"), ""}} {
		if got := meeting.SniffType(c.data); got != c.want {
			t.Errorf("SniffType(%q) = %q, want %q", c.data[:6], got, c.want)
		}
	}
}

func TestRemindersAndLaggards(t *testing.T) {
	k := newKit(t) // today 2026-11-23: Q4, November
	p := k.partyOrg("提醒党支部", testenv.Hongqiao)
	k.meet(p.ID, meeting.KindThemeDay, "2026-11-02")
	k.meet(p.ID, meeting.KindBranchAssembly, "2026-10-15")
	rs, err := k.e.App.Meet.Reminders(k.ctx, p.ID)
	if err != nil || len(rs) != 1 {
		t.Fatalf("reminders: %+v %v", rs, err)
	}
	joined := strings.Join(rs[0].Items, "|")
	if strings.Contains(joined, "主题党日") || strings.Contains(joined, "支部党员大会") || strings.Contains(joined, "党小组会") ||
		!strings.Contains(joined, "本季度还需召开党课1次") {
		t.Errorf("reminders: %s", joined)
	}
	good := k.partyOrg("达标党支部", testenv.Yuhe)
	for _, kind := range []string{meeting.KindThemeDay, meeting.KindGroupMeeting} {
		k.meet(good.ID, kind, "2026-10-10")
	}
	k.meet(good.ID, meeting.KindBranchAssembly, "2026-10-10")
	k.meet(good.ID, meeting.KindPartyLecture, "2026-10-10")
	lag, err := k.e.App.Meet.Laggards(k.ctx, meeting.ReportFilter{From: "2026-10-01", To: "2026-10-31"})
	if err != nil || len(lag) != 1 || lag[0].PartyOrgID != p.ID {
		t.Errorf("laggards: %+v %v", lag, err)
	}
	c, att, err := k.e.App.Meet.PartyOrgCompliance(k.ctx, good.ID, "2026-10-01", "2026-10-31")
	if err != nil || c != 1 || att != 0 {
		t.Errorf("PartyOrgCompliance: %v %v %v", c, att, err)
	}
}

// TestElectionTimingNeedsApproval: a 党支部's term is 3 years; from 90 days
// before its end to the end is on time; earlier or later needs the higher
// committee's approval; more than a year early is refused (domain.md §3).
// Term started 2023-06-01 → due 2026-06-01; 90 days before is 2026-03-03.
func TestElectionTimingNeedsApproval(t *testing.T) {
	for _, c := range []struct {
		held, want string
	}{
		{"2023-06-01", ""}, {"2023-08-30", ""}, // the election that began the term (≤ 90 days after its start)
		{"2025-05-31", meeting.TimingRefused}, {"2025-06-01", meeting.TimingEarly},
		{"2026-03-02", meeting.TimingEarly}, {"2026-03-03", meeting.TimingOnTime},
		{"2026-06-01", meeting.TimingOnTime}, {"2026-06-02", meeting.TimingLate},
		{"2027-06-02", meeting.TimingLate},
	} {
		if got, _ := meeting.ElectionTiming("2023-06-01", 3, c.held); got != c.want {
			t.Errorf("held %s: %q, want %q", c.held, got, c.want)
		}
	}
	// A 党委's 5-year term: 2021-06-01 → 2026-06-01, so 2026-03-03 is on time
	// there too, and 2022-06-01 (4 years early) is refused.
	if got, _ := meeting.ElectionTiming("2021-06-01", 5, "2022-06-01"); got != meeting.TimingRefused {
		t.Errorf("党委 4 years early: %q", got)
	}

	k := newKit(t)
	p := k.partyOrg("换届支部", testenv.Hongqiao) // founded 2020-01-01: term due 2023-01-01
	posts := []meeting.CommitteeMemberInput{{Role: "secretary", Name: "新书记"}}
	_, err := k.e.App.Meet.RecordElection(k.ctx, p.ID, meeting.ElectionInput{HeldOn: "2024-03-15", Members: posts})
	fieldErr(t, err, "approval")
	c, err := k.e.App.Meet.RecordElection(k.ctx, p.ID, meeting.ElectionInput{HeldOn: "2024-03-15", Approval: "祁组复〔2023〕5号", Members: posts})
	if err != nil {
		t.Fatal(err)
	}
	if e := c.Elections[0]; e.Timing != meeting.TimingLate || e.Approval != "祁组复〔2023〕5号" || c.TermDueOn != "2027-03-15" {
		t.Errorf("recorded: %+v due %s", e, c.TermDueOn)
	}
	// The next term ends 2027-03-15: on 2026-11-23 (today) that is early, and
	// 2026-03-14 would be more than a year early.
	_, err = k.e.App.Meet.RecordElection(k.ctx, p.ID, meeting.ElectionInput{HeldOn: "2026-03-14", Approval: "同意", Members: posts})
	fieldErr(t, err, "held_on")
}
