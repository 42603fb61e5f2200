package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/dues"
	"liangxin/internal/instructor"
	"liangxin/internal/member"
	"liangxin/internal/testenv"
)

// rawPage reads one page of a paged list keeping each item as its JSON text,
// so that the pages can be compared with the whole list item by item.
type rawPage struct {
	Items    []json.RawMessage `json:"items"`
	Total    int               `json:"total"`
	Page     int               `json:"page"`
	PageSize int               `json:"page_size"`
}

// checkPaged reads path whole (default page size 20) and in pages of 2, and
// checks the total counted by hand, the page sizes, that the pages keep the
// order of the whole list, an empty page past the end and a refused
// page_size of 201.
func checkPaged(t *testing.T, c *testenv.Client, path string, total int) {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var all rawPage
	if res := c.Do("GET", path, nil); res.Status != 200 {
		t.Errorf("%s: %d %s", path, res.Status, res.Body)
		return
	} else {
		res.JSON(t, &all)
	}
	if all.Total != total || len(all.Items) != total || all.Page != 1 || all.PageSize != 20 {
		t.Errorf("%s: total %d, %d items, page %d, size %d; want %d, %d, 1, 20", path, all.Total, len(all.Items), all.Page, all.PageSize, total, total)
		return
	}
	var got []string
	last := (total + 1) / 2
	for p := 1; p <= last; p++ {
		var pg rawPage
		c.Do("GET", fmt.Sprintf("%s%spage=%d&page_size=2", path, sep, p), nil).JSON(t, &pg)
		want := min(2, total-2*(p-1))
		if pg.Total != total || len(pg.Items) != want || pg.Page != p || pg.PageSize != 2 {
			t.Errorf("%s page %d: total %d, %d items, page %d, size %d", path, p, pg.Total, len(pg.Items), pg.Page, pg.PageSize)
		}
		for _, it := range pg.Items {
			got = append(got, string(it))
		}
	}
	var whole []string
	for _, it := range all.Items {
		whole = append(whole, string(it))
	}
	if strings.Join(got, "\n") != strings.Join(whole, "\n") {
		t.Errorf("%s: the pages of 2 differ from the whole list", path)
	}
	var beyond rawPage
	c.Do("GET", fmt.Sprintf("%s%spage=%d&page_size=2", path, sep, last+1), nil).JSON(t, &beyond)
	if beyond.Total != total || beyond.Items == nil || len(beyond.Items) != 0 {
		t.Errorf("%s beyond the last page: %+v", path, beyond)
	}
	if res := c.Do("GET", path+sep+"page_size=201", nil); res.Status != 422 || !strings.Contains(string(res.Body), `"page_size"`) {
		t.Errorf("%s page_size=201: %d %s", path, res.Status, res.Body)
	}
}

// The lists of issue 20 that grow with the jurisdiction come in pages; the
// totals are counted by hand from the fixtures (the test clock is
// 2026-11-23).
func TestIssue20ListsArePaged(t *testing.T) {
	e := testenv.New(t)
	f := &fixtures{e: e, seq: new(int)}
	e.User("boss", "district", testenv.Jurisdiction)
	for i := 0; i < 3; i++ {
		f.pair(t, true)
		f.rectification(t, true)
	}
	// An instructor assigned to 3 organizations since 2025-01-01, visiting
	// the first one 3 times in May: all 3 are overdue by November whether
	// the instructor visits monthly or quarterly.
	in := f.instructor(t, true)
	var orgs []int64
	for i := 0; i < 3; i++ {
		o := f.organization(t, true)
		orgs = append(orgs, o)
		if _, err := e.App.Instr.Assign(f.sys(), in, o, "2025-01-01", ""); err != nil {
			t.Fatal(err)
		}
	}
	for d := 1; d <= 3; d++ {
		if _, err := e.App.Instr.AddVisit(f.sys(), in, instructor.Visit{OrganizationID: orgs[0], VisitedOn: fmt.Sprintf("2026-05-%02d", d), Form: "走访", Content: "了解党员情况"}); err != nil {
			t.Fatal(err)
		}
	}
	// 3 letters issued today and not accepted: all expired by 2030.
	for i := 0; i < 3; i++ {
		f.transfer(t, true, true, member.TransferInternal)
	}
	// 3 members under 双重管理 since 2026-01-01.
	for i := 0; i < 3; i++ {
		m := f.trMember(t, true)
		if _, err := e.App.Members.StartDual(f.sys(), m.ID, member.DualInput{SecondPartyOrgID: f.partyOrg(t, true).ID, From: "2026-01-01"}); err != nil {
			t.Fatal(err)
		}
	}
	// 9 members away since 2026-01-01 (more than 6 months), 3 in each of 3 places.
	places := []string{"广东省深圳市", "浙江省杭州市", "江苏省苏州市"}
	for i := 0; i < 9; i++ {
		m := f.trMember(t, true)
		if _, err := e.App.Members.StartMobility(f.sys(), m.ID, member.MobilityInput{Direction: member.MobilityOut, Place: places[i/3], Since: "2026-01-01"}); err != nil {
			t.Fatal(err)
		}
	}
	// 3 party organizations with dues paid for 2026-10.
	for i := 0; i < 3; i++ {
		if _, err := e.App.Dues.RecordPayment(f.sys(), dues.PaymentInput{MemberID: f.duesMember(t, true), Months: []string{"2026-10"}, PaidOn: "2026-11-20", Method: "self"}); err != nil {
			t.Fatal(err)
		}
	}
	c := e.Login("boss", testenv.Password)
	for _, tc := range []struct {
		path  string
		total int
	}{
		{"/api/v1/assess/pairs", 3},
		{"/api/v1/assess/rectifications", 3},
		{fmt.Sprintf("/api/v1/instructors/%d/visits", in), 3},
		{fmt.Sprintf("/api/v1/instructors/%d/organizations", in), 3},
		{fmt.Sprintf("/api/v1/instructors/%d/due-visits", in), 3},
		{"/api/v1/transfers/pocket?as_of=2030-01-01", 3},
		{"/api/v1/dual", 3},
		{"/api/v1/mobility?as_of=2026-11-23", 9},
		{"/api/v1/mobility/places?as_of=2026-11-23", 3},
		{"/api/v1/dues/refunds?year=2026", 3},
	} {
		checkPaged(t, c, tc.path, tc.total)
	}
}

// The lists of the party organizations' terms and secretaries come in
// pages: 3 branches established 2024-01-01 with a 3-year term are due for
// 换届 on 2027-01-01 (39 days after the test clock's 2026-11-23) and have no
// secretary.
func TestIssue20PartyOrgListsArePaged(t *testing.T) {
	e := testenv.New(t)
	f := &fixtures{e: e, seq: new(int)}
	e.User("boss", "district", testenv.Jurisdiction)
	for i := 0; i < 3; i++ {
		f.partyOrg(t, i%2 == 0)
	}
	c := e.Login("boss", testenv.Password)
	checkPaged(t, c, "/api/v1/party-orgs/renewals", 3)
	checkPaged(t, c, "/api/v1/committees/renewals", 3)
	checkPaged(t, c, "/api/v1/committees/vacancies", 3)
}
