package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/instructor"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

// An organization's profile says how it is covered (party organization, since
// when, formation by name), its instructor and visits, its members on the
// roster against the declared counts, and names its 片区 and 行业门类.
func TestOrganizationProfile(t *testing.T) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	area := f.area(t, true)
	name, cat, region, industry, five := "达孝机械有限公司", "individual_business", testenv.Hongqiao, "C", 5
	o, err := e.App.Orgs.Create(f.sys(), org.Input{Name: &name, Category: &cat, RegionCode: &region, Industry: &industry, FullMembers: &five, AreaCodes: &[]string{area}})
	if err != nil {
		t.Fatal(err)
	}
	po, err := e.App.Party.Create(f.sys(), partyorg.Input{Name: "达孝片区联合党支部", Kind: "branch", Formation: "regional", EstablishedOn: "2024-03-01",
		Covers: []int64{o.ID, f.organization(t, true)}})
	if err != nil {
		t.Fatal(err)
	}
	iname := "周指导员"
	in, err := e.App.Instr.Create(f.sys(), instructor.Input{Name: &iname, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Instr.Assign(f.sys(), in.ID, o.ID, "2025-01-01", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Instr.AddVisit(f.sys(), in.ID, instructor.Visit{OrganizationID: o.ID, VisitedOn: "2026-03-02", Content: "指导组织生活"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Members.Create(f.sys(), member.Input{Name: "钱党员", Gender: "male", BirthDate: "1990-01-01", IDNumber: idNumber(f.next()),
		Phone: "13812345678", Category: "full", PartyOrgID: po.ID, OrganizationID: &o.ID}); err != nil {
		t.Fatal(err)
	}
	e.User("district_p", auth.RoleDistrict, testenv.Jurisdiction)
	c := e.Login("district_p", testenv.Password)
	var p struct {
		IndustryName string `json:"industry_name"`
		Areas        []struct{ Code, Name string }
		Coverage     string
		CoverageName string `json:"coverage_name"`
		Covers       []struct {
			PartyOrgName  string `json:"party_org_name"`
			FormationName string `json:"formation_name"`
			KindName      string `json:"kind_name"`
			From          string
			Current       bool
			Units         int
		}
		Instructors []struct {
			Name    string
			Current bool
		}
		Visits []struct {
			Content        string
			InstructorName string `json:"instructor_name"`
		}
		VisitCount int `json:"visit_count"`
		Members    struct {
			DeclaredFull int  `json:"declared_full"`
			RecordedFull int  `json:"recorded_full"`
			Mismatch     bool `json:"mismatch"`
		}
	}
	res := c.Do("GET", fmt.Sprintf("/api/v1/organizations/%d/profile", o.ID), nil)
	if res.Status != 200 {
		t.Fatalf("profile: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &p)
	if p.IndustryName != "C 制造业" || len(p.Areas) != 1 || p.Areas[0].Code != area || p.Areas[0].Name == area || p.Areas[0].Name == "" {
		t.Errorf("names: %q %+v", p.IndustryName, p.Areas)
	}
	if p.Coverage != "shared" || p.CoverageName == "" || len(p.Covers) != 1 {
		t.Fatalf("coverage: %s %+v", res.Body, p.Covers)
	}
	if cv := p.Covers[0]; cv.PartyOrgName != "达孝片区联合党支部" || cv.FormationName != "区域组建" || cv.KindName != "党支部" || cv.From != "2024-03-01" || !cv.Current || cv.Units != 2 {
		t.Errorf("cover: %+v", cv)
	}
	if len(p.Instructors) != 1 || p.Instructors[0].Name != "周指导员" || !p.Instructors[0].Current || p.VisitCount != 1 || len(p.Visits) != 1 || p.Visits[0].InstructorName != "周指导员" {
		t.Errorf("instructors and visits: %+v %+v", p.Instructors, p.Visits)
	}
	if p.Members.DeclaredFull != 5 || p.Members.RecordedFull != 1 || !p.Members.Mismatch {
		t.Errorf("members: %+v", p.Members)
	}
	// An organization nobody covers or guides says so.
	c.Do("GET", fmt.Sprintf("/api/v1/organizations/%d/profile", f.organization(t, true)), nil).JSON(t, &p)
	if p.Coverage != "none" || p.CoverageName != "未覆盖" || len(p.Covers) != 0 || len(p.Instructors) != 0 {
		t.Errorf("uncovered: %+v", p)
	}
}
