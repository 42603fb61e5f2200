package org

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// The duplicate check's table answers as a map of first rows would: 300,000
// keys, a third of them repeats, each repeat named with the row that had
// the key first, through several doublings of the table.
func TestSeenKeysNamesTheFirstRow(t *testing.T) {
	s := newSeenKeys()
	first := map[string]int{}
	r := rand.New(rand.NewPCG(1, 2))
	for row := 2; row < 300002; row++ {
		key := "91430426" + strconv.Itoa(r.IntN(200000))
		prev, dup := s.see(key, row)
		want, wantDup := first[key]
		if !wantDup {
			first[key] = row
		}
		if dup != wantDup || prev != want {
			t.Fatalf("row %d key %s: (%d, %t), want (%d, %t)", row, key, prev, dup, want, wantDup)
		}
	}
	if s.t.n != len(first) {
		t.Fatalf("%d keys held, want %d", s.t.n, len(first))
	}
}

// Keys whose hashes share the slot, or all but the last 32 bits, are told
// apart (probing past a taken slot; the second hash compared), and the
// table keeps every key when it doubles.
func TestSeenTableProbesAndGrows(t *testing.T) {
	tb := &seenTable{slots: make([]seenSlot, 8)}
	// 7, 15 and 23 start at slot 7 of 8; the same h with another h2 is
	// another key.
	steps := []struct {
		h    uint64
		h2   uint32
		row  int
		prev int
		dup  bool
	}{
		{7, 1, 10, 0, false},
		{15, 1, 11, 0, false},
		{7, 2, 12, 0, false},
		{23, 1, 13, 0, false},
		{15, 1, 14, 11, true},
		{7, 2, 15, 12, true},
		{7, 1, 16, 10, true},
		{31, 9, 17, 0, false},
		{23, 1, 18, 13, true},
		{31, 9, 19, 17, true},
		{0, 0, 20, 0, false}, // a zero hash is a key like another
		{0, 0, 21, 20, true},
		{1, 5, 22, 0, false}, // the 7th key in 8 slots: over 13/16, doubles
		{7, 1, 23, 10, true},
		{15, 1, 24, 11, true},
		{7, 2, 25, 12, true},
		{23, 1, 26, 13, true},
		{31, 9, 27, 17, true},
		{0, 0, 28, 20, true},
		{1, 5, 29, 22, true},
		{9, 5, 30, 0, false},
	}
	for _, st := range steps {
		if st.row == 22 && len(tb.slots) != 8 {
			t.Fatalf("table doubled early: %d slots at 6 keys", len(tb.slots))
		}
		prev, dup := tb.see(st.h, st.h2, st.row)
		if prev != st.prev || dup != st.dup {
			t.Fatalf("(%d, %d) at row %d: (%d, %t), want (%d, %t)", st.h, st.h2, st.row, prev, dup, st.prev, st.dup)
		}
	}
	if len(tb.slots) != 16 {
		t.Fatalf("%d slots after 8 keys, want 16", len(tb.slots))
	}
}
