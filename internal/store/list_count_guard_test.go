package store_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"liangxin/internal/racetest"
)

// handRolledLists are the list functions that still count every matching
// row themselves (SELECT COUNT(*) and a LIMIT/OFFSET page in one function)
// instead of going through store.List / store.ListPage, whose count stops
// at the cap. The list may only shrink: move a list onto store.List and
// delete its line here.
var handRolledLists = []string{
	"assess/honours.go:ListHonours",
	"auth/users.go:ListUsers",
	"briefing/briefing.go:List",
	"develop/lists.go:List",
	"funds/incubation.go:ListApplications",
	"funds/journal.go:ListEntries",
	"meeting/meetings.go:List",
	"member/transfers.go:ListTransfers",
	"purchase/purchase.go:List",
	"region/region.go:Search",
	"servicereq/dialogues.go:ListDialogues",
	"servicereq/list.go:List",
	"servicereq/units.go:ListUnits",
	"venue/activities.go:Activities",
	"venue/booking.go:Bookings",
	"venue/standards.go:BelowStandardList",
	"venue/standards.go:Inspections",
	"venue/venue.go:List",
	"volunteer/activities.go:ListActivities",
	"volunteer/ledger.go:ListAccounts",
	"volunteer/ledger.go:ListEntries",
	"volunteer/rewards.go:ListRedemptions",
	"volunteer/teams.go:ListPeople",
	"volunteer/teams.go:ListTeams",
	"wish/list.go:list",
	"workloop/notices.go:ListNotices",
	"workloop/receipts.go:Receipts",
	"workloop/supervision.go:ListPlans",
	"workloop/tasks.go:ListTasks",
}

// TestNoHandRolledListCounts fails when a function outside the store both
// counts with SELECT COUNT(*) and reads a page with LIMIT/OFFSET (or
// Page.Limit) and is not in handRolledLists; and when a listed function no
// longer does (so its line must go).
func TestNoHandRolledListCounts(t *testing.T) {
	racetest.Skip(t, "a scan of the source tree")
	t.Parallel()
	count := regexp.MustCompile(`(?i)SELECT\s+COUNT\(\*\)`)
	page := regexp.MustCompile(`(?i)\bOFFSET\b|\.Limit\(`)
	funcStart := regexp.MustCompile(`(?m)^func (?:\([^)]*\) )?(\w+)`)
	allowed := map[string]bool{}
	for _, a := range handRolledLists {
		allowed[a] = true
	}
	seen := map[string]bool{}
	checked := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, ".."+string(filepath.Separator)))
		if strings.HasPrefix(rel, "store/") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		src := string(b)
		locs := funcStart.FindAllStringSubmatchIndex(src, -1)
		for i, l := range locs {
			end := len(src)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			body := src[l[0]:end]
			if !count.MatchString(body) || !page.MatchString(body) {
				continue
			}
			key := rel + ":" + src[l[2]:l[3]]
			seen[key] = true
			if !allowed[key] {
				t.Errorf("%s counts every row and pages by hand; use store.List / store.ListPage (the count stops at store.DefaultTotalCap)", key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d Go files under internal", checked)
	}
	var gone []string
	for _, a := range handRolledLists {
		if !seen[a] {
			gone = append(gone, a)
		}
	}
	sort.Strings(gone)
	for _, g := range gone {
		t.Errorf("%s no longer hand-rolls its count: delete its line from handRolledLists", g)
	}
}
