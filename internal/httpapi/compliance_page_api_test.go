package httpapi_test

import (
	"fmt"
	"testing"

	"liangxin/internal/meeting/meetingtest"
	"liangxin/internal/testenv"
)

// GET /api/v1/compliance answers the whole scope's summary with one page of
// party organizations: pages of 7 walk the 30 of the fixture once, the
// summary is the same on every page, and bad paging names its field.
func TestCompliancePagesOverHTTP(t *testing.T) {
	e := testenv.New(t)
	meetingtest.Build(t, e.App.DB, 30)
	e.User("county", "district", testenv.Jurisdiction)
	c := e.Login("county", testenv.Password)
	type page struct {
		Required, Held, Total, Page int
		PageSize                    int `json:"page_size"`
		Counts                      struct{ All, Complete, Incomplete, None int }
		Orgs                        []struct {
			PartyOrgID int64 `json:"party_org_id"`
			Required   int
			Held       int
			Kinds      []struct{ Kind string }
		}
	}
	var first page
	c.Do("GET", "/api/v1/compliance?from=2026-01-01&to=2026-06-30", nil).JSON(t, &first)
	if first.Page != 1 || first.PageSize != 20 || len(first.Orgs) != 20 || first.Total != 30 || first.Counts.All != 30 {
		t.Fatalf("default page: page %d size %d, %d rows of %d (counts %+v); want page 1 of 20 rows, 30 in all",
			first.Page, first.PageSize, len(first.Orgs), first.Total, first.Counts)
	}
	seen := map[int64]bool{}
	req, held := 0, 0
	for p := 1; p <= 5; p++ {
		var pg page
		c.Do("GET", fmt.Sprintf("/api/v1/compliance?from=2026-01-01&to=2026-06-30&page=%d&page_size=7&sort=rate&order=desc", p), nil).JSON(t, &pg)
		if pg.Required != first.Required || pg.Held != first.Held || pg.Total != 30 {
			t.Errorf("page %d: summary %d of %d, total %d; want the first page's %d of %d, 30", p, pg.Held, pg.Required, pg.Total, first.Held, first.Required)
		}
		if want := min(7, 30-(p-1)*7); len(pg.Orgs) != want {
			t.Errorf("page %d: %d rows, want %d", p, len(pg.Orgs), want)
		}
		for _, o := range pg.Orgs {
			if seen[o.PartyOrgID] {
				t.Errorf("party organization %d on two pages", o.PartyOrgID)
			}
			seen[o.PartyOrgID] = true
			req += o.Required
			held += o.Held
			if len(o.Kinds) == 0 {
				t.Errorf("party organization %d without its kinds", o.PartyOrgID)
			}
		}
	}
	if len(seen) != 30 || req != first.Required || held != first.Held {
		t.Errorf("pages hold %d party organizations, %d of %d; want 30 summing to the summary's %d of %d", len(seen), held, req, first.Held, first.Required)
	}
	var lag page
	c.Do("GET", "/api/v1/compliance?from=2026-01-01&to=2026-06-30&status=incomplete&page_size=500", nil).JSON(t, &lag)
	if lag.Total != lag.Counts.Incomplete || len(lag.Orgs) != lag.Total || lag.Total == 0 {
		t.Errorf("status=incomplete: %d rows, total %d, counts %+v", len(lag.Orgs), lag.Total, lag.Counts)
	}
	for q, field := range map[string]string{"page_size=501": "page_size", "page=0": "page", "page_size=x": "page_size", "sort=id": "sort", "order=up": "order", "status=all": "status"} {
		res := c.Do("GET", "/api/v1/compliance?from=2026-01-01&to=2026-06-30&"+q, nil)
		var body struct {
			Error struct{ Fields map[string]string }
		}
		res.JSON(t, &body)
		if res.Status != 422 || body.Error.Fields[field] == "" {
			t.Errorf("%s: %d %s, want 422 naming %s", q, res.Status, res.Body, field)
		}
	}
}
