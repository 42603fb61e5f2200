package member_test

import (
	"strings"
	"testing"

	"liangxin/internal/member"
)

// A query of the member list that fails says which operation failed
// ("member.List: …"), so the log of a 500 names it.
func TestFailedListNamesItsOperation(t *testing.T) {
	e, ctx, _ := setup(t)
	db := e.App.DB
	if _, err := db.Exec(ctx, db, `ALTER TABLE members RENAME TO members_gone`); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if _, err := db.Exec(ctx, db, `ALTER TABLE members_gone RENAME TO members`); err != nil {
			t.Fatal(err)
		}
	}()
	_, _, err := e.App.Members.List(ctx, member.Filter{})
	if err == nil || !strings.HasPrefix(err.Error(), "member.List: ") {
		t.Fatalf("List with the table gone: %v, want an error naming member.List", err)
	}
}
