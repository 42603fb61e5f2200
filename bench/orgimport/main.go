// Command orgimport is the import benchmark of issue 3: a 200,000-row
// organization ledger (.xlsx, the template's Chinese headers, Chinese
// category and street names) read and written by the real importer, beside
// the fastest hand-written equivalent in the same run: excelize streaming the
// rows with no validation and a prepared INSERT of the raw strings into a
// bare table, in one transaction.
//
//	go run ./bench/orgimport -db sqlite   -rows 200000
//	go run ./bench/orgimport -db postgres -rows 200000 [-pg URL]
//
// Each measurement runs in a child process of its own (the same binary with
// -phase), on a fresh database (a SQLite file in a temporary folder, or a new
// PostgreSQL schema dropped at the end), so that its peak memory (VmHWM, the
// resident high-water mark the kernel keeps) is its own. The file is
// generated once and shared. It exits non-zero if the importer reports a bad
// cell or writes a different number of rows.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/config"
	"liangxin/internal/coverspan"
	"liangxin/internal/org"
	"liangxin/internal/store"
	"liangxin/internal/uscc"
	"liangxin/internal/xlsx"
)

var (
	flagDB     = flag.String("db", "sqlite", "sqlite or postgres")
	flagRows   = flag.Int("rows", 200000, "rows of the generated file")
	flagPG     = flag.String("pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL URL (for -db postgres)")
	flagPhase  = flag.String("phase", "", "internal: bare or import (run by the parent process)")
	flagFile   = flag.String("file", "", "internal: the generated file")
	flagCPU    = flag.String("cpuprofile", "", "write a CPU profile of the importer to this file (investigation aid)")
	flagOther  = flag.Bool("others", false, "measure another user's logins and single writes during the import (SQLite; others.go)")
	flagRepeat = flag.Int("repeat", 2, "with -others: pairs of interleaved runs (one transaction, staged)")
	flagMem    = flag.String("memprofile", "", "write a heap profile of the importer, taken when its live heap was largest, to this file (investigation aid)")
	flagKeep   = flag.String("ledger", "", "use this generated file if it exists (with the same -rows), else generate it there and keep it")
	flagOnly   = flag.String("only", "", "with -others: run only this path (onetx or staged) in each pair")
	flagOneTx  = flag.Bool("onetx", false, "SQLite: import in one transaction (org.Service.NoStaging) instead of staged, to compare the two")
	flagUpper  = flag.Bool("city", false, "import into a city deployment (jurisdiction 4304: the counts keep the province's and city's series, coverspan.SettingCountsUpper)")
	flagInMem  = flag.Bool("inmem", false, "give the importer the upload in memory (as the server did before it spooled uploads to a file)")
	flagTrace  = flag.Duration("memtrace", 0, "print the importer's resident size, Go's and SQLite's memory and the phase at this interval (investigation aid; SQLite's figure needs -tags memory.counters)")
)

const jurisdiction = "430426"

// result is what a child process reports.
type result struct {
	Phase   string  `json:"phase"`
	Rows    int     `json:"rows"`
	Seconds float64 `json:"seconds"`
	PeakMB  float64 `json:"peak_mb"`
	Note    string  `json:"note,omitempty"`
}

func main() {
	flag.Parse()
	var err error
	if *flagPhase != "" {
		err = child()
	} else {
		err = parent()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "orgimport:", err)
		os.Exit(1)
	}
}

func parent() error {
	dir, err := os.MkdirTemp("", "liangxin-bench-orgimport-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "ledger.xlsx")
	start := time.Now()
	if *flagKeep != "" {
		file = *flagKeep
	}
	if _, err := os.Stat(file); *flagKeep == "" || err != nil {
		if err := generate(file, *flagRows); err != nil {
			return err
		}
	}
	st, _ := os.Stat(file)
	fmt.Printf("file: %d rows, %.1f MB, generated in %s\n", *flagRows, float64(st.Size())/1e6, time.Since(start).Round(time.Millisecond))
	fmt.Printf("machine: %d CPUs, %s, load %s\n", runtime.NumCPU(), runtime.Version(), loadAvg())
	if *flagOther {
		return othersParent(file)
	}
	var res []result
	for _, phase := range []string{"bare", "import"} {
		cmd := exec.Command(os.Args[0], "-phase", phase, "-file", file, "-db", *flagDB, "-pg", *flagPG, "-cpuprofile", *flagCPU, "-memprofile", *flagMem, fmt.Sprintf("-onetx=%t", *flagOneTx), fmt.Sprintf("-inmem=%t", *flagInMem), fmt.Sprintf("-city=%t", *flagUpper), "-memtrace", flagTrace.String())
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("%s: %w", phase, err)
		}
		var r result
		if err := json.Unmarshal(bytes.TrimSpace(out), &r); err != nil {
			return fmt.Errorf("%s: %w: %s", phase, err, out)
		}
		res = append(res, r)
	}
	bare, imp := res[0], res[1]
	fmt.Printf("\n| %s | rows/s | time | peak memory (VmHWM) |\n|---|---|---|---|\n", *flagDB)
	for _, r := range res {
		fmt.Printf("| %s | %.0f | %.1f s | %.0f MB |\n", map[string]string{"bare": "bare excelize + INSERT", "import": "importer (parse, validate, write)"}[r.Phase],
			float64(r.Rows)/r.Seconds, r.Seconds, r.PeakMB)
	}
	ratio := (float64(imp.Rows) / imp.Seconds) / (float64(bare.Rows) / bare.Seconds)
	fmt.Printf("\nimporter speed = %.2f× the bare read-and-insert (issue 12 target >= 2.0×, >= 40,000 rows/s); peak %.0f MB (target <= 96 MB)\n", ratio, imp.PeakMB)
	if imp.Note != "" {
		fmt.Println(imp.Note)
	}
	if imp.Rows != *flagRows || bare.Rows != *flagRows {
		return fmt.Errorf("rows: bare %d, importer %d, want %d", bare.Rows, imp.Rows, *flagRows)
	}
	return nil
}

var towns = []string{"洪桥街道", "玉合街道", "永昌街道", "白地市镇", "黄土铺镇", "官家嘴镇", "过水坪镇", "归阳镇"}

var categories = []string{"民营企业", "个体工商户", "外资及港澳台企业", "其他企业", "社会团体", "民办非企业单位", "基金会", "中介服务组织"}

// generate writes a ledger in the template's layout with a title row above the header.
func generate(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"祁东县两新组织台账（基准测试）"}); err != nil {
		return err
	}
	hdr := make([]any, 0, len(org.Headers()))
	for _, h := range org.Headers() {
		hdr = append(hdr, h)
	}
	if err := sw.SetRow("A2", hdr); err != nil {
		return err
	}
	r := mrand.New(mrand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		cat := categories[r.IntN(len(categories))]
		code := uscc.Generate('9', '1', "430426", i+1)
		if cat == "个体工商户" && i%2 == 0 {
			code = ""
		}
		above := "否"
		if r.IntN(10) == 0 {
			above = "是"
		}
		reg := time.Date(2000+r.IntN(26), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		full, prob := r.IntN(6), r.IntN(2)
		row := []any{fmt.Sprintf("祁东县基准单位%06d", i+1), code, cat, towns[r.IntN(len(towns))], "", "F",
			full + prob + r.IntN(500), full, prob, above, reg.Format("2006-01-02"), ""}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

func child() error {
	ctx := context.Background()
	db, cleanup, err := open(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	a := app.New(config.Default(), db, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, nil) // no personal data here: no key
	if _, err := a.EnsureJurisdiction(ctx, jurisdiction); err != nil {
		return err
	}
	if *flagUpper {
		// The county's city as the jurisdiction; the rebuild of the empty
		// counts records that they keep the upper series.
		if _, err := db.ExecContext(ctx, `UPDATE settings SET value = '4304' WHERE key = 'jurisdiction'`); err != nil {
			return err
		}
		if err := coverspan.Rebuild(ctx, db); err != nil {
			return err
		}
	}
	data, err := os.ReadFile(*flagFile)
	if err != nil {
		return err
	}
	st, err := os.Stat(*flagFile)
	if err != nil {
		return err
	}
	runtime.GC()
	res := result{Phase: *flagPhase}
	start := time.Now()
	switch *flagPhase {
	case "others-onetx", "others-staged":
		return othersChild(ctx, a, data, *flagPhase == "others-staged")
	case "bare":
		res.Rows, err = bare(ctx, db, data)
	case "import":
		if *flagCPU != "" {
			pf, err := os.Create(*flagCPU)
			if err != nil {
				return err
			}
			if err := pprof.StartCPUProfile(pf); err != nil {
				return err
			}
			defer pprof.StopCPUProfile()
		}
		if *flagMem != "" {
			stop := peakHeapProfile(*flagMem)
			defer stop()
		}
		var progress func(string, int)
		if *flagTrace > 0 {
			setPhase, stop := memTrace(*flagTrace)
			defer stop()
			progress = func(phase string, _ int) { setPhase(phase) }
		}
		a.Orgs.NoStaging = *flagOneTx
		sys := actor.System(ctx, "bench")
		// The server spools an upload to a temporary file (sheetimport.Spool)
		// and reads it from there: so does the importer here, unless
		// -inmem asks for the upload in memory (as before).
		var ra io.ReaderAt = bytes.NewReader(data)
		if !*flagInMem {
			f, err := os.Open(*flagFile)
			if err != nil {
				return err
			}
			defer f.Close()
			ra, data = f, nil
			runtime.GC()
		}
		got, cellErrs, ierr := org.Import(sys, a.Orgs, a.Regions, ra, st.Size(), xlsx.Limits{MaxBytes: 1 << 30, MaxRows: 1 << 20}, progress)
		err = ierr
		if err == nil && len(cellErrs) > 0 {
			err = fmt.Errorf("%d bad cells, first: %v", len(cellErrs), cellErrs[0])
		}
		res.Rows = got.Created + got.Updated + got.Unchanged
		res.Note = fmt.Sprintf("importer: %d created, %d updated, %d unchanged", got.Created, got.Updated, got.Unchanged)
	default:
		err = fmt.Errorf("unknown phase %q", *flagPhase)
	}
	if err != nil {
		return err
	}
	res.Seconds = time.Since(start).Seconds()
	res.PeakMB = vmHWM()
	return json.NewEncoder(os.Stdout).Encode(res)
}

// bare is the hand-written equivalent: stream the rows, insert the strings.
func bare(ctx context.Context, db *store.DB, data []byte) (int, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE bare_orgs (name TEXT, uscc TEXT, category TEXT, town TEXT, village TEXT, industry TEXT,
		employees TEXT, full_members TEXT, prob_members TEXT, above_scale TEXT, registered TEXT, closed TEXT)`); err != nil {
		return 0, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rows, err := f.Rows("Sheet1")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	q := `INSERT INTO bare_orgs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	if db.Dialect == store.Postgres {
		q = `INSERT INTO bare_orgs VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`
	}
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	n, line := 0, 0
	args := make([]any, 12)
	for rows.Next() {
		line++
		cols, err := rows.Columns()
		if err != nil {
			return 0, err
		}
		if line <= 2 { // title and header
			continue
		}
		for i := range args {
			args[i] = ""
			if i < len(cols) {
				args[i] = cols[i]
			}
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return 0, err
		}
		n++
	}
	if err := rows.Error(); err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

func open(ctx context.Context) (*store.DB, func(), error) {
	switch *flagDB {
	case "sqlite":
		dir, err := os.MkdirTemp("", "liangxin-bench-orgimport-db-")
		if err != nil {
			return nil, nil, err
		}
		db, err := store.OpenSQLite(ctx, filepath.Join(dir, store.SQLiteFile))
		if err != nil {
			return nil, nil, err
		}
		return db, func() { db.Close(); os.RemoveAll(dir) }, nil
	case "postgres":
		b := make([]byte, 5)
		_, _ = rand.Read(b)
		schema := "bench_" + hex.EncodeToString(b)
		admin, err := store.OpenPostgres(ctx, *flagPG, "")
		if err != nil {
			return nil, nil, err
		}
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			return nil, nil, err
		}
		db, err := store.OpenPostgres(ctx, *flagPG, schema)
		if err != nil {
			admin.Close()
			return nil, nil, err
		}
		return db, func() {
			db.Close()
			_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		}, nil
	}
	return nil, nil, fmt.Errorf("-db must be sqlite or postgres, not %q", *flagDB)
}

// peakHeapProfile samples the live heap every 50 ms and keeps a heap
// profile taken when it was largest; stop writes it to path. It also
// reports, at the largest resident size seen, how much of it the Go
// runtime had mapped (the rest is memory outside Go's heap, e.g. the
// SQLite engine's own allocations).
func peakHeapProfile(path string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var best, bestRSS uint64
		var atRSS [3]uint64
		var prof bytes.Buffer
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/total:bytes"},
			{Name: "/memory/classes/heap/released:bytes"}, {Name: "/gc/heap/goal:bytes"}}
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				if err := os.WriteFile(path, prof.Bytes(), 0o644); err != nil {
					fmt.Fprintln(os.Stderr, "memprofile:", err)
				}
				fmt.Fprintf(os.Stderr, "memprofile: largest live heap %.1f MB; at the largest RSS %.1f MB: Go mapped %.1f MB (less released), live heap %.1f MB, heap goal %.1f MB\n",
					float64(best)/1e6, float64(bestRSS)/1e6, float64(atRSS[0])/1e6, float64(atRSS[1])/1e6, float64(atRSS[2])/1e6)
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if rss := vmRSS(); rss > bestRSS {
				bestRSS = rss
				atRSS = [3]uint64{sample[1].Value.Uint64() - sample[2].Value.Uint64(), sample[0].Value.Uint64(), sample[3].Value.Uint64()}
			}
			if v := sample[0].Value.Uint64(); v > best {
				best = v
				prof.Reset()
				_ = pprof.Lookup("heap").WriteTo(&prof, 0)
			}
		}
	}()
	return func() { close(done); <-finished }
}

// vmRSS is the process's resident size in bytes (Linux).
func vmRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseUint(strings.Fields(line)[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// vmHWM is the process's resident-memory high-water mark in MB (Linux).
func vmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
