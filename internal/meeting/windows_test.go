package meeting_test

import (
	"context"
	"strings"
	"testing"

	"liangxin/internal/meeting"
)

// checkWindows fails the test when the stored year-to-date window sums
// differ from the sums of the compliance slots.
func checkWindows(t *testing.T, m *meeting.Service, when string) {
	t.Helper()
	diffs, n, err := m.CheckWindows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("%s: no window compared", when)
	}
	if len(diffs) > 0 {
		t.Fatalf("%s: %d window sums differ from the slots', e.g.\n%s", when, len(diffs), strings.Join(diffs[:min(8, len(diffs))], "\n"))
	}
}

// sameWindows fails the test when the stored window sums (after a
// rebuild) differ from before (as the writers kept them).
func sameWindows(t *testing.T, m *meeting.Service, before []string) {
	t.Helper()
	after, err := m.WindowsTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) == 0 || strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("the rebuilt window sums differ from the ones the writers kept: %d rows before, %d after", len(before), len(after))
		for i := range min(len(before), len(after)) {
			if before[i] != after[i] {
				t.Errorf("first difference: kept %s, rebuilt %s", before[i], after[i])
				break
			}
		}
	}
}
