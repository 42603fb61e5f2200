package briefing_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/briefing"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/reference_document.xml")

// The test clock starts on Monday 2026-11-23 09:00 UTC (testenv), so
// October 2026 is a closed month and November the running one.
type env struct {
	t      *testing.T
	e      *testenv.Env
	svc    *briefing.Service
	county context.Context
	n      int
}

func setup(t *testing.T) *env {
	e := testenv.New(t)
	return &env{t: t, e: e, svc: e.App.Briefing,
		county: actor.With(context.Background(), actor.Actor{UserID: 1, Username: "county", Role: "district", Scope: testenv.Jurisdiction})}
}

func (v *env) sys() context.Context { return actor.System(context.Background(), "test") }

func (v *env) org(region, registered string) int64 {
	v.t.Helper()
	v.n++
	name, cat, five := fmt.Sprintf("测试企业%d", v.n), "individual_business", 5
	o, err := v.e.App.Orgs.Create(v.sys(), org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five, RegisteredOn: &registered})
	if err != nil {
		v.t.Fatal(err)
	}
	return o.ID
}

func (v *env) partyOrg(name, formation, established string, covers ...int64) int64 {
	v.t.Helper()
	p, err := v.e.App.Party.Create(v.sys(), partyorg.Input{Name: name, Kind: "branch", Formation: formation, EstablishedOn: established, Covers: covers})
	if err != nil {
		v.t.Fatal(err)
	}
	return p.ID
}

func (v *env) exec(q string, args ...any) {
	v.t.Helper()
	if _, err := v.e.App.DB.Exec(context.Background(), v.e.App.DB, q, args...); err != nil {
		v.t.Fatal(err)
	}
}

// fixture builds the small ledger whose October 2026 figures are computed
// by hand in TestOctoberFigures.
func (v *env) fixture() {
	a := v.org(testenv.Hongqiao, "2025-01-01")
	v.org(testenv.Hongqiao, "2025-01-01") // B: never covered
	c := v.org(testenv.Yuhe, "2025-01-01")
	v.org(testenv.Yuhe, "2026-10-20") // D: registered in October, not covered
	pa := v.partyOrg("洪桥甲公司党支部", "single", "2026-10-10", a)
	pe := v.partyOrg("玉合丙公司党支部", "single", "2022-01-01", c)
	// 发展党员: one activist, one admitted in October, one applying in November.
	for i, steps := range [][][2]any{
		{{1, "2026-03-01"}, {3, "2026-06-01"}},
		{{1, "2025-03-01"}, {3, "2025-06-01"}, {7, "2026-04-01"}, {17, "2026-10-12"}},
		{{1, "2026-11-02"}},
	} {
		v.exec(`INSERT INTO dev_people (party_org_id, name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask, stage, applied_on, created_at, updated_at)
			VALUES (?, ?, 'male', '2000-01-01', 'x', ?, 'x', 'applicant', '2025-01-01', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')`,
			pe, fmt.Sprintf("发展对象%d", i), fmt.Sprintf("hash%d", i))
		for _, st := range steps {
			v.exec(`INSERT INTO dev_steps (person_id, step, done_on, created_at) VALUES ((SELECT id FROM dev_people WHERE id_number_hash = ?), ?, ?, '2026-01-01T00:00:00.000000Z')`,
				fmt.Sprintf("hash%d", i), st[0], st[1])
		}
	}
	// Tasks: open since 10-15 (overdue), closed 10-20 before its deadline
	// (not), closed 11-05 after a 10-10 deadline (overdue at the month's end).
	for _, t := range []struct {
		title, region, deadline string
		closed                  any
		state                   string
	}{
		{"整改甲", testenv.Hongqiao, "2026-10-15", nil, "open"},
		{"整改乙", testenv.Yuhe, "2026-10-25", "2026-10-20", "closed"},
		{"整改丙", testenv.Yuhe, "2026-10-10", "2026-11-05", "closed"},
	} {
		v.exec(`INSERT INTO tasks (title, assignee_kind, region_code, deadline, state, closed_on, created_by, created_at, updated_at)
			VALUES (?, 'region', ?, ?, ?, ?, 1, '2026-10-01T00:00:00.000000Z', '2026-10-01T00:00:00.000000Z')`, t.title, t.region, t.deadline, t.state, t.closed)
	}
	_ = pa
}

func TestOctoberFigures(t *testing.T) {
	v := setup(t)
	v.fixture()
	f, _, final, err := v.svc.Snapshot(v.county, "2026-10", testenv.Jurisdiction, false)
	if err != nil {
		t.Fatal(err)
	}
	if !final || f.AsOf != "2026-10-31" {
		t.Fatalf("closed month: final %v as of %s", final, f.AsOf)
	}
	// Coverage on 10-31: units A, B, C, D; covered A (from 10-10) and C → 2/4 = 50.0%.
	// On 09-30: A, B, C; covered C → 1/3 = 33.3%. On 2025-12-31 the same: 33.3%.
	want := briefing.CoverageFig{AsOf: "2026-10-31", Total: 4, OrgCovered: 2, OrgRate: 50, WorkCovered: 2, WorkRate: 50}
	if f.Coverage != want {
		t.Errorf("coverage %+v, want %+v", f.Coverage, want)
	}
	if f.PrevCoverage.Total != 3 || f.PrevCoverage.OrgRate != 33.3 || f.YearCoverage.AsOf != "2025-12-31" || f.YearCoverage.OrgRate != 33.3 {
		t.Errorf("previous %+v, year %+v", f.PrevCoverage, f.YearCoverage)
	}
	// Streets: 洪桥 1/2 = 50.0 (was 0/2 = 0.0, +50.0); 玉合 1/2 = 50.0 (was 1/1 = 100.0, −50.0);
	// a tie shares rank 1, in code order.
	if len(f.Streets) < 2 || f.Streets[0].Code != testenv.Hongqiao || f.Streets[0].Rank != 1 || f.Streets[0].Change != 50 ||
		f.Streets[1].Code != testenv.Yuhe || f.Streets[1].Rank != 1 || f.Streets[1].Change != -50 {
		t.Errorf("streets %+v", f.Streets)
	}
	// New in October: 洪桥甲 (single) only.
	if f.NewPartyOrgs != 1 || f.ByFormation[0].Code != "single" || f.ByFormation[0].Count != 1 {
		t.Errorf("new party orgs %d %+v", f.NewPartyOrgs, f.ByFormation)
	}
	// 玉合丙 set up 2022-01-01, term 3 years: due 2025-01-01, no election → overdue.
	if f.RenewalsOverdue != 1 || len(f.OverdueOrgs) != 1 || f.OverdueOrgs[0].Name != "玉合丙公司党支部" {
		t.Errorf("renewals %d %+v", f.RenewalsOverdue, f.OverdueOrgs)
	}
	// Stages on 10-31: person 0 activist, person 1 probationary (10-12), person 2 not yet (11-02).
	stages := map[string]int{}
	for _, c := range f.Stages {
		stages[c.Code] = c.Count
	}
	if !reflect.DeepEqual(stages, map[string]int{"applicant": 0, "activist": 1, "candidate": 0, "probationary": 1}) {
		t.Errorf("stages %v", stages)
	}
	if f.DevelopedMonth != 1 || f.DevelopedYear != 1 || f.ConfirmedMonth != 0 {
		t.Errorf("developed %d/%d confirmed %d", f.DevelopedMonth, f.DevelopedYear, f.ConfirmedMonth)
	}
	// Tasks overdue on 10-31: 整改丙 (10-10, 21 days) and 整改甲 (10-15, 16 days).
	if f.OverdueTasks != 2 || f.LateTasks[0].Title != "整改丙" || f.LateTasks[0].Days != 21 || f.LateTasks[1].Days != 16 {
		t.Errorf("tasks %d %+v", f.OverdueTasks, f.LateTasks)
	}
	if len(f.TasksStreet) != 2 || f.TasksStreet[0].Count != 1 || f.TasksStreet[1].Count != 1 {
		t.Errorf("tasks by street %+v", f.TasksStreet)
	}
	// 玉合丙 held no meetings this year: it lags with nothing held.
	found := false
	for _, l := range f.Laggards {
		if l.Name == "玉合丙公司党支部" && l.Held == 0 && l.Rate == 0 {
			found = true
		}
	}
	if !found || f.LaggardCount < 1 {
		t.Errorf("laggards %d %+v", f.LaggardCount, f.Laggards)
	}
	// The app wires the time bank's hours: available, and none were worked.
	if !f.VolunteerAvailable || f.VolunteerHours != 0 || f.DuesDue != 0 || f.DuesRate != 0 || f.WishesDone != 0 {
		t.Errorf("volunteer %v dues %d/%v wishes %d", f.VolunteerAvailable, f.DuesDue, f.DuesRate, f.WishesDone)
	}
}

func docxBytes(t *testing.T, v *env, id int64) []byte {
	t.Helper()
	r, err := v.svc.Render(v.county, id)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Document.WriteDOCX(&b, r.Stamp()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func entry(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return string(b)
		}
	}
	t.Fatalf("no %s", name)
	return ""
}

func wantKind(t *testing.T, err error, kind apperr.Kind, field, contains string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind {
		t.Fatalf("got %v, want kind %d", err, kind)
	}
	msg := e.Message
	if field != "" {
		msg = e.Fields[field]
	}
	if !strings.Contains(msg, contains) {
		t.Errorf("message %q (fields %v) does not contain %q", msg, e.Fields, contains)
	}
}

// The figures are frozen: a ledger change after the month's end (a unit and
// party organization back-dated into October) leaves the snapshot, the
// draft and the issued briefing as they were; the .docx comes out the same bytes.
func TestSnapshotFrozenAndIssueImmutable(t *testing.T) {
	v := setup(t)
	v.fixture()
	b, err := v.svc.Generate(v.county, briefing.GenerateInput{Month: "2026-10", RegionCode: testenv.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	if b.State != "draft" || b.Figures == nil || b.Figures.Coverage.OrgRate != 50 || !b.Final {
		t.Fatalf("draft %+v", b)
	}
	before, _ := json.Marshal(b.Figures)
	draftDocx := docxBytes(t, v, b.ID)

	x := v.org(testenv.Hongqiao, "2026-10-05")
	v.partyOrg("洪桥补录党支部", "single", "2026-10-06", x)
	if rep, _ := v.e.App.Cover.Coverage(v.county, testenv.Jurisdiction, "2026-10-31"); rep.Total != 5 {
		t.Fatalf("the ledger change should show in a fresh coverage report: %d", rep.Total)
	}
	again, err := v.svc.Generate(v.county, briefing.GenerateInput{Month: "2026-10", RegionCode: testenv.Jurisdiction, Refresh: true})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(again.Figures)
	if again.ID != b.ID || string(before) != string(after) {
		t.Fatalf("a final snapshot changed:\n%s\n%s", before, after)
	}
	if !bytes.Equal(draftDocx, docxBytes(t, v, b.ID)) {
		t.Fatal("draft .docx differs after regeneration")
	}

	// Words: an unknown placeholder is a field error naming it; a table
	// placeholder must stand alone.
	_, err = v.svc.Update(v.county, b.ID, briefing.UpdateInput{Title: "通报", Body: "覆盖率{{覆盖率}}，{{不存在的数}}", Version: b.Version})
	wantKind(t, err, apperr.KindInvalid, "body", "{{不存在的数}}")
	_, err = v.svc.Update(v.county, b.ID, briefing.UpdateInput{Title: "通报", Body: "排名：{{街道排名表}}", Version: b.Version})
	wantKind(t, err, apperr.KindInvalid, "body", "单独占一行")
	b, err = v.svc.Update(v.county, b.ID, briefing.UpdateInput{Title: "{{地区}}{{年}}年{{月}}月通报", Body: "组织覆盖率{{覆盖率}}，{{较上月变化}}。\n{{街道排名表}}", Version: b.Version})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.svc.Issue(v.county, b.ID, briefing.IssueInput{Version: b.Version - 1})
	wantKind(t, err, apperr.KindConflict, "", "已被他人修改")
	issued, err := v.svc.Issue(v.county, b.ID, briefing.IssueInput{Version: b.Version})
	if err != nil {
		t.Fatal(err)
	}
	if issued.State != "issued" || issued.SerialName != "2026年第1期" || issued.IssuedBy != "county" {
		t.Fatalf("issued %+v", issued)
	}
	r, err := v.svc.Render(v.county, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 50.0% on 10-31 against 33.3% on 09-30: up 16.7 points.
	if r.Document.Title != "祁东县2026年10月通报" || r.Document.Blocks[0].Text != "组织覆盖率50.0%，提高 16.7 个百分点。" || r.Document.Serial != "2026年第1期" {
		t.Fatalf("rendered %+v", r.Document)
	}
	one := docxBytes(t, v, b.ID)
	if !bytes.Equal(one, docxBytes(t, v, b.ID)) {
		t.Fatal("issued .docx is not reproducible")
	}
	// Issued: immutable.
	_, err = v.svc.Update(v.county, b.ID, briefing.UpdateInput{Title: "改", Body: "改", Version: issued.Version})
	wantKind(t, err, apperr.KindConflict, "", "不能修改")
	wantKind(t, v.svc.Delete(v.county, b.ID), apperr.KindConflict, "", "不能删除")
	_, err = v.svc.Issue(v.county, b.ID, briefing.IssueInput{Version: issued.Version})
	wantKind(t, err, apperr.KindConflict, "", "不能再次签发")

	// The next briefing of the region takes 期号 2; a draft can be deleted.
	d, err := v.svc.Generate(v.county, briefing.GenerateInput{Month: "2026-09", RegionCode: testenv.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := v.svc.Issue(v.county, d.ID, briefing.IssueInput{Version: d.Version})
	if err != nil || d2.SerialName != "2026年第2期" {
		t.Fatalf("second %+v %v", d2, err)
	}
	nov, err := v.svc.Generate(v.county, briefing.GenerateInput{Month: "2026-11", RegionCode: testenv.Hongqiao})
	if err != nil {
		t.Fatal(err)
	}
	if nov.Final || nov.Figures.AsOf != "2026-11-23" {
		t.Fatalf("running month %+v", nov)
	}
	if err := v.svc.Delete(v.county, nov.ID); err != nil {
		t.Fatal(err)
	}
	list, total, err := v.svc.List(v.county, briefing.Filter{State: "issued"})
	if err != nil || total != store.Exact(2) || len(list) != 2 || list[0].Month != "2026-10" {
		t.Fatalf("list %v %+v %v", total, list, err)
	}
}

func TestTargetsAndAccess(t *testing.T) {
	v := setup(t)
	_, err := v.svc.Generate(v.county, briefing.GenerateInput{Month: "2026-12", RegionCode: testenv.Jurisdiction})
	wantKind(t, err, apperr.KindInvalid, "month", "未来")
	_, err = v.svc.Generate(v.county, briefing.GenerateInput{Month: "2026-1", RegionCode: testenv.Jurisdiction})
	wantKind(t, err, apperr.KindInvalid, "month", "YYYY-MM")
	hq := actor.With(context.Background(), actor.Actor{UserID: 2, Username: "hq", Role: "street", Scope: testenv.Hongqiao})
	_, err = v.svc.Generate(hq, briefing.GenerateInput{Month: "2026-10", RegionCode: testenv.Jurisdiction})
	wantKind(t, err, apperr.KindInvalid, "region_code", "管辖范围")
	b, err := v.svc.Generate(hq, briefing.GenerateInput{Month: "2026-10"})
	if err != nil || b.RegionCode != testenv.Hongqiao {
		t.Fatalf("street's own %+v %v", b, err)
	}
	yh := actor.With(context.Background(), actor.Actor{UserID: 3, Username: "yh", Role: "street", Scope: testenv.Yuhe})
	if _, err := v.svc.Get(yh, b.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("another street's briefing: %v", err)
	}
	po := actor.With(context.Background(), actor.Actor{UserID: 4, Username: "po", Role: "party_org", Scope: testenv.Hongqiao, PartyOrgID: 1})
	if _, _, err := v.svc.List(po, briefing.Filter{}); !apperr.IsKind(err, apperr.KindForbidden) {
		t.Fatalf("party organization: %v", err)
	}
	// Templates: versioned; an unknown placeholder names itself.
	_, err = v.svc.SaveTemplate(v.county, briefing.TemplateInput{Title: "{{地区}}通报", Body: "{{覆盖率x}}"})
	wantKind(t, err, apperr.KindInvalid, "body", "{{覆盖率x}}")
	tp, err := v.svc.SaveTemplate(v.county, briefing.TemplateInput{Title: "{{地区}}通报", Body: "覆盖率{{覆盖率}}", Note: "精简"})
	if err != nil || tp.Version != 1 {
		t.Fatalf("template %+v %v", tp, err)
	}
	cur, _ := v.svc.Template(v.county)
	if cur.Version != 1 || cur.Body != "覆盖率{{覆盖率}}" {
		t.Fatalf("current %+v", cur)
	}
}

// The default template renders without leftovers, and its document.xml
// matches the stored reference (run with -update after an intended change).
func TestDefaultTemplateReferenceDocx(t *testing.T) {
	d, err := briefing.RenderFixture()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := d.WriteDOCX(&b, briefing.FixtureStamp); err != nil {
		t.Fatal(err)
	}
	xml := entry(t, b.Bytes(), "word/document.xml")
	if strings.Contains(xml, "{{") {
		t.Fatal("a placeholder was left in the document")
	}
	for _, want := range []string{`w:eastAsia="仿宋_GB2312"`, `w:eastAsia="方正小标宋简体"`, `w:eastAsia="黑体"`} {
		if !strings.Contains(entry(t, b.Bytes(), "word/styles.xml"), want) {
			t.Errorf("styles lack %s", want)
		}
	}
	if !strings.Contains(entry(t, b.Bytes(), "word/fontTable.xml"), `<w:altName w:val="仿宋"/>`) {
		t.Error("no substitute for 仿宋_GB2312")
	}
	// Normalise what may legitimately vary: relationship ids and dates.
	norm := func(s string) string {
		s = regexp.MustCompile(`r:id="[^"]*"`).ReplaceAllString(s, `r:id="ID"`)
		return regexp.MustCompile(`\d{4}年\d{1,2}月\d{1,2}日`).ReplaceAllString(s, "DATE")
	}
	path := filepath.Join("testdata", "reference_document.xml")
	if *update {
		if err := os.WriteFile(path, []byte(xml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ref, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if norm(string(ref)) != norm(xml) {
		t.Fatalf("document.xml differs from %s (go test -run Reference -update to accept)", path)
	}
}

// Two clerks issue the same draft at once: exactly one gets 第1期, the
// other a conflict; the briefing is issued once.
func TestIssueRaceOneWins(t *testing.T) {
	v := setup(t)
	b, err := v.svc.Generate(v.county, briefing.GenerateInput{Month: "2026-10", RegionCode: testenv.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		go func() {
			<-start
			_, err := v.svc.Issue(v.county, b.ID, briefing.IssueInput{Version: b.Version})
			errs <- err
		}()
	}
	close(start)
	ok := 0
	for i := 0; i < n; i++ {
		err := <-errs
		switch {
		case err == nil:
			ok++
		case apperr.IsKind(err, apperr.KindConflict):
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d issues succeeded, want exactly 1", ok)
	}
	got, err := v.svc.Get(v.county, b.ID)
	if err != nil || got.SerialName != "2026年第1期" {
		t.Fatalf("after the race: %+v %v", got, err)
	}
}
