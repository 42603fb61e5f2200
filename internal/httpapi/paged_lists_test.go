package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/member"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
)

// pagedNames reads one page of a paged list as the names of its items.
type pagedNames struct {
	Items []struct {
		Name         string `json:"name"`
		PartyOrgName string `json:"party_org_name"`
	} `json:"items"`
	Total    int `json:"total"`
	Page     int `json:"page"`
	PageSize int `json:"page_size"`
}

func (p pagedNames) names() []string {
	out := []string{}
	for _, it := range p.Items {
		out = append(out, it.Name+"@"+it.PartyOrgName)
	}
	return out
}

// The four lists that grow with the data (arrears, the roster of
// candidates, reminders, laggards) come in pages like every other list:
// total is the full count, the pages keep the order of the whole list, and a
// bad page_size is refused naming it.
func TestGrowingListsArePaged(t *testing.T) {
	e := testenv.New(t)
	f := &fixtures{e: e, seq: new(int)}
	e.User("boss", "district", testenv.Jurisdiction)
	// Three dues members, each in a party organization of its own, none has paid.
	var po int64
	for i := 0; i < 3; i++ {
		id := f.duesMember(t, true)
		if err := e.App.DB.QueryRow(f.sys(), e.App.DB, `SELECT party_org_id FROM members WHERE id = ?`, id).Scan(&po); err != nil {
			t.Fatal(err)
		}
	}
	// Two more members in the last one: its roster has 3 candidates.
	for i := 0; i < 2; i++ {
		n := 900 + i
		birth := fmt.Sprintf("1990%02d%02d", i+1, i+1)
		first := "430426" + birth + "011"
		if _, err := e.App.Members.Create(f.sys(), member.Input{Name: fmt.Sprintf("党员%d", n), Gender: "male", BirthDate: birth[:4] + "-" + birth[4:6] + "-" + birth[6:],
			IDNumber: first + string(pdata.CheckChar(first)), Category: "full", PartyOrgID: po, JoinedOn: "2020-07-01"}); err != nil {
			t.Fatal(err)
		}
	}
	c := e.Login("boss", testenv.Password)
	cases := []struct {
		path  string
		total int // counted by hand from the fixtures above
	}{
		// 5 members, none has paid a month of 2026 (the 2 without a declared base owe too).
		{"/api/v1/dues/arrears?as_of=2026-09", 5},
		{fmt.Sprintf("/api/v1/meetings/candidates?party_org_id=%d", po), 3},
		// No meeting held anywhere: each of the 3 party organizations lags and is reminded.
		{"/api/v1/compliance/laggards?from=2026-01-01&to=2026-10-31", 3},
		{"/api/v1/compliance/reminders", 3},
	}
	for _, tc := range cases {
		sep := "&"
		if !strings.Contains(tc.path, "?") {
			sep = "?"
		}
		var all pagedNames
		c.Do("GET", tc.path, nil).JSON(t, &all)
		if all.Total != tc.total || len(all.Items) != tc.total || all.Page != 1 || all.PageSize != 20 {
			t.Errorf("%s: total %d, %d items, page %d, size %d; want %d, %d, 1, 20", tc.path, all.Total, len(all.Items), all.Page, all.PageSize, tc.total, tc.total)
			continue
		}
		var got []string
		last := (tc.total + 1) / 2
		for p := 1; p <= last; p++ {
			var pg pagedNames
			c.Do("GET", fmt.Sprintf("%s%spage=%d&page_size=2", tc.path, sep, p), nil).JSON(t, &pg)
			want := min(2, tc.total-2*(p-1))
			if pg.Total != tc.total || len(pg.Items) != want || pg.Page != p || pg.PageSize != 2 {
				t.Errorf("%s page %d: total %d, %d items, page %d, size %d", tc.path, p, pg.Total, len(pg.Items), pg.Page, pg.PageSize)
			}
			got = append(got, pg.names()...)
		}
		if strings.Join(got, ",") != strings.Join(all.names(), ",") {
			t.Errorf("%s: pages %v, whole list %v", tc.path, got, all.names())
		}
		var beyond pagedNames
		c.Do("GET", fmt.Sprintf("%s%spage=%d&page_size=2", tc.path, sep, last+1), nil).JSON(t, &beyond)
		if beyond.Total != tc.total || beyond.Items == nil || len(beyond.Items) != 0 {
			t.Errorf("%s beyond the last page: %+v", tc.path, beyond)
		}
		if res := c.Do("GET", tc.path+sep+"page_size=201", nil); res.Status != 422 || !strings.Contains(string(res.Body), `"page_size"`) {
			t.Errorf("%s page_size=201: %d %s", tc.path, res.Status, res.Body)
		}
	}
}
