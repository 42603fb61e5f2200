// Command memberimport is the benchmark of the roster import (党员花名册导入):
// a synthetic roster workbook of -rows members (default 200,000) with valid
// 身份证号, imported on SQLite or PostgreSQL, measured beside the bare
// equivalent in the same run.
//
//	go run ./bench/memberimport -db sqlite   -rows 200000
//	go run ./bench/memberimport -db postgres -rows 200000 [-pg URL]
//
// It creates a fresh database (a SQLite file in a temporary folder, or a new
// schema bench_<random> in the PostgreSQL database, dropped at the end),
// migrates it, initialises the jurisdiction 430426 with -partyorgs party
// organizations (each covering one 两新组织), and writes the workbook with
// excelize's streaming writer: the template's 13 columns; 出生日期 and 性别
// left blank on every third row (derived from the 身份证号), 工作单位 given
// by 统一社会信用代码 on half the rows and by name on a quarter.
//
// Then it runs, each in a child process of its own so that the peak memory
// of one is not the other's:
//
//	bare      excelize streaming read of the file and a plain INSERT of the
//	          raw strings into a scratch table, batched like the importer,
//	          in one transaction: no validation, no encryption, no lookups;
//	read      the project's sheet reader (internal/xlsx, which adds a second
//	          streaming pass for the cell types) over every row, no database;
//	import    member.Service.Import: parse, validate every row (GB 11643,
//	          birth date/gender, scope), encrypt 身份证号 and phone (SM4),
//	          keyed hashes, batched INSERT in one transaction;
//	reimport  the same file again: every row found by its hash, compared,
//	          nothing written (0 created, all unchanged).
//
// Each reports its wall time and rows/s, the CPU time of its process
// (user + system, less sensitive than wall time to other work on the
// machine; it includes the process's start-up and, on PostgreSQL, not the
// server's work), the peak Go heap in use (runtime.MemStats.HeapInuse
// sampled every 20 ms), the peak of runtime.MemStats.Sys and the process's
// peak resident set (VmHWM from /proc/self/status). The file is read
// through an *os.File in both; the HTTP route also holds the upload in
// memory (add the file size).
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
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
	"sync"
	"time"

	"github.com/xuri/excelize/v2"
	"modernc.org/libc"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/config"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
	"liangxin/internal/uscc"
	"liangxin/internal/xlsx"
)

const jurisdiction = "430426"

var (
	flagDB        = flag.String("db", "sqlite", "sqlite or postgres")
	flagRows      = flag.Int("rows", 200000, "members in the generated workbook")
	flagPartyOrgs = flag.Int("partyorgs", 200, "party organizations (each covering one 两新组织)")
	flagPG        = flag.String("pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL URL (for -db postgres)")
	flagSeed      = flag.Uint64("seed", 1, "random seed of the synthetic data")
	flagKeep      = flag.Bool("keep", false, "keep the database, the key and the workbook at the end")
	flagOnly      = flag.String("only", "bare,read,import,reimport", "phases to run, comma-separated")
	flagProfile   = flag.String("cpuprofile", "", "write a CPU profile of each phase to this folder as <phase>.pprof (investigation aid)")
	flagMemProf   = flag.String("memprofile", "", "write a heap profile of each phase, taken when its live heap was largest, to this folder as <phase>.heap (investigation aid)")

	// Set by the parent for a child process.
	flagPhase  = flag.String("phase", "", "internal: run one phase (bare, import) and print its result as JSON")
	flagFile   = flag.String("file", "", "internal: the workbook")
	flagTarget = flag.String("target", "", "internal: the SQLite file or the PostgreSQL schema")
	flagKey    = flag.String("key", "", "internal: the personal-data key file")
)

func main() {
	flag.Parse()
	var err error
	if *flagPhase != "" {
		err = child()
	} else {
		err = parent()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/memberimport:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// result is what a phase reports.
type result struct {
	Phase     string  `json:"phase"`
	Rows      int     `json:"rows"`
	Created   int     `json:"created"`
	Unchanged int     `json:"unchanged"`
	Seconds   float64 `json:"seconds"`
	CPU       float64 `json:"cpu"` // user + system seconds of the whole child process
	PeakHeap  uint64  `json:"peak_heap"`
	PeakSys   uint64  `json:"peak_sys"`
	VmHWM     uint64  `json:"vmhwm"`
	// PeakC is the peak of what SQLite's C allocator (modernc.org/libc)
	// held, sampled with the Go heap; 0 unless the binary is built with
	// `-tags memory.counters`.
	PeakC uint64 `json:"peak_c"`
}

func parent() error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "liangxin-bench-memberimport-")
	if err != nil {
		return err
	}
	db, target, cleanup, err := open(ctx, dir)
	if err != nil {
		return err
	}
	defer func() {
		cleanup()
		if *flagKeep {
			logf("kept %s", dir)
		} else {
			os.RemoveAll(dir)
		}
	}()
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	cfg := config.Default()
	cfg.DataDir = dir
	prot, err := app.OpenKey(ctx, cfg, db)
	if err != nil {
		return err
	}
	a := app.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, prot)
	if _, err := a.EnsureJurisdiction(ctx, jurisdiction); err != nil {
		return fmt.Errorf("jurisdiction: %w", err)
	}
	units, err := seed(ctx, a)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	file := filepath.Join(dir, "roster.xlsx")
	start := time.Now()
	if err := generate(file, units); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	st, _ := os.Stat(file)
	logf("workbook: %d rows, %.1f MB, written in %s", *flagRows, float64(st.Size())/1e6, time.Since(start).Round(time.Millisecond))
	if n, err := unzipped(file); err == nil {
		logf("workbook unzipped: %.1f MB", float64(n)/1e6)
	}
	db.Close()

	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var results []result
	for _, phase := range strings.Split(*flagOnly, ",") {
		run := phase
		if phase == "reimport" {
			run = "import"
		}
		args := []string{"-phase", run, "-db", *flagDB, "-pg", *flagPG, "-file", file, "-target", target, "-key", filepath.Join(dir, "data.key")}
		if *flagProfile != "" {
			args = append(args, "-cpuprofile", filepath.Join(*flagProfile, phase+".pprof"))
		}
		if *flagMemProf != "" {
			args = append(args, "-memprofile", filepath.Join(*flagMemProf, phase+".heap"))
		}
		cmd := exec.Command(exe, args...)
		cmd.Stderr = os.Stderr
		var out bytes.Buffer
		cmd.Stdout = &out
		logf("phase %s …", phase)
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("phase %s: %w", phase, err)
		}
		var r result
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			return fmt.Errorf("phase %s: %w (%s)", phase, err, out.String())
		}
		r.Phase = phase
		r.CPU = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		results = append(results, r)
		logf("phase %s: %d rows in %.1f s", phase, r.Rows, r.Seconds)
	}
	for _, r := range results {
		switch r.Phase {
		case "import":
			if r.Created != *flagRows {
				return fmt.Errorf("import created %d of %d rows", r.Created, *flagRows)
			}
		case "reimport":
			if r.Created != 0 || r.Unchanged != *flagRows {
				return fmt.Errorf("re-import: %d created, %d unchanged", r.Created, r.Unchanged)
			}
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("\n%s, %d rows, %s, %d CPUs, %s, load %s\n", *flagDB, *flagRows, runtime.Version(), runtime.NumCPU(), cpuModel(), strings.Join(strings.Fields(string(load))[:3], " "))
	fmt.Printf("workbook %.1f MB\n\n", float64(st.Size())/1e6)
	fmt.Println("| phase | time | rows/s | CPU time (child) | peak Go heap in use | peak Go Sys | peak SQLite (C) | peak RSS (VmHWM) |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		fmt.Printf("| %s | %.1f s | %s | %.1f s | %s | %s | %s | %s |\n", r.Phase, r.Seconds, group(int(float64(r.Rows)/r.Seconds)), r.CPU, mb(r.PeakHeap), mb(r.PeakSys), mb(r.PeakC), mb(r.VmHWM))
	}
	secs := map[string]float64{}
	for _, r := range results {
		secs[r.Phase] = r.Seconds
	}
	if secs["bare"] > 0 && secs["import"] > 0 {
		fmt.Printf("\nimport / bare: %.2f×\n", secs["import"]/secs["bare"])
	}
	if secs["read"] > 0 && secs["import"] > 0 {
		fmt.Printf("import − read (validation, encryption, lookups, writes): %.1f s\n", secs["import"]-secs["read"])
	}
	return nil
}

func mb(b uint64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

func group(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			_, v, _ := strings.Cut(l, ":")
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// unzipped sums the uncompressed sizes in the workbook's zip directory.
func unzipped(file string) (int64, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	var n int64
	for _, e := range zr.File {
		n += int64(e.UncompressedSize64)
	}
	return n, nil
}

// open creates the fresh database; target names it for the children.
func open(ctx context.Context, dir string) (*store.DB, string, func(), error) {
	switch *flagDB {
	case "sqlite":
		path := filepath.Join(dir, store.SQLiteFile)
		db, err := store.OpenSQLite(ctx, path)
		if err != nil {
			return nil, "", nil, err
		}
		logf("SQLite file %s", path)
		return db, path, func() { db.Close() }, nil
	case "postgres":
		b := make([]byte, 5)
		_, _ = rand.Read(b)
		schema := "bench_" + hex.EncodeToString(b)
		admin, err := store.OpenPostgres(ctx, *flagPG, "")
		if err != nil {
			return nil, "", nil, err
		}
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			return nil, "", nil, err
		}
		db, err := store.OpenPostgres(ctx, *flagPG, schema)
		if err != nil {
			admin.Close()
			return nil, "", nil, err
		}
		logf("PostgreSQL schema %s", schema)
		return db, schema, func() {
			db.Close()
			if *flagKeep {
				logf("kept schema %s", schema)
			} else if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				logf("drop schema %s: %v", schema, err)
			}
			admin.Close()
		}, nil
	}
	return nil, "", nil, fmt.Errorf("-db must be sqlite or postgres")
}

func reopen(ctx context.Context) (*store.DB, error) {
	if *flagDB == "postgres" {
		return store.OpenPostgres(ctx, *flagPG, *flagTarget)
	}
	return store.OpenSQLite(ctx, *flagTarget)
}

// unit is a party organization and the 两新组织 it covers.
type unit struct{ partyOrg, org, uscc string }

// seed creates the party organizations and 两新组织 through the services.
func seed(ctx context.Context, a *app.App) ([]unit, error) {
	sys := actor.System(ctx, "bench")
	streets := []string{"430426001", "430426002", "430426003", "430426004"}
	var units []unit
	for i := 0; i < *flagPartyOrgs; i++ {
		name, code := fmt.Sprintf("祁东县第%d号有限公司", i+1), uscc.Generate('9', '1', jurisdiction, 1000+i)
		cat, region, full := "private_enterprise", streets[i%len(streets)], 30
		o, err := a.Orgs.Create(sys, org.Input{Name: &name, USCC: &code, Category: &cat, RegionCode: &region, FullMembers: &full})
		if err != nil {
			return nil, err
		}
		p, err := a.Party.Create(sys, partyorg.Input{Name: name + "党支部", Kind: "branch", Formation: "single", EstablishedOn: "2020-01-01", Covers: []int64{o.ID}})
		if err != nil {
			return nil, err
		}
		units = append(units, unit{p.Name, name, code})
	}
	return units, nil
}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
var given = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅文斌志辉海燕玉兰春梅俊峰丹亮波宁雪琳晨浩宇欣怡子轩思远")

var ethnicities = []string{"汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "瑶族", "苗族", "土家族", "回族"}
var educations = []string{"初中", "高中", "中专", "大专", "本科", "本科", "研究生"}
var positions = []string{"", "", "", "职员", "经理", "技术员", "会计", "主任"}

// generate writes the roster workbook. Row i's 身份证号 is unique: its birth
// date is 1950-01-01 plus i mod 18,000 days, its sequence number i div 18,000.
func generate(file string, units []unit) error {
	rng := mrand.New(mrand.NewPCG(*flagSeed, 2))
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	hdr := make([]any, 0, 13)
	for _, h := range member.ImportHeaders() {
		hdr = append(hdr, h)
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	base := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	const days = 18000
	if *flagRows > days*1000 {
		return fmt.Errorf("at most %d rows", days*1000)
	}
	row := make([]any, 13)
	for i := 0; i < *flagRows; i++ {
		birth := base.AddDate(0, 0, i%days)
		first := fmt.Sprintf("%s%s%03d", "430426", birth.Format("20060102"), i/days)
		idn := first + string(pdata.CheckChar(first))
		gender := "女"
		if (first[16]-'0')%2 == 1 {
			gender = "男"
		}
		u := units[rng.IntN(len(units))]
		name := string(surnames[rng.IntN(len(surnames))]) + string(given[rng.IntN(len(given))])
		if rng.IntN(2) == 0 {
			name += string(given[rng.IntN(len(given))])
		}
		joined := birth.AddDate(20+rng.IntN(15), rng.IntN(12), rng.IntN(28))
		if joined.After(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
			joined = time.Date(2025, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		}
		category, confirmed := "正式", joined.AddDate(1, 0, 0).Format("2006-01-02")
		if joined.Year() == 2025 {
			category, confirmed = "预备", ""
		}
		work := ""
		switch rng.IntN(4) {
		case 0, 1:
			work = u.uscc
		case 2:
			work = u.org
		}
		row[0], row[1], row[2], row[3] = name, gender, ethnicities[rng.IntN(len(ethnicities))], birth.Format("2006-01-02")
		if i%3 == 2 {
			row[1], row[3] = "", ""
		}
		row[4], row[5], row[6], row[7] = idn, fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1000000000)), educations[rng.IntN(len(educations))], category
		row[8], row[9], row[10], row[11], row[12] = u.partyOrg, work, joined.Format("2006.1.2"), confirmed, positions[rng.IntN(len(positions))]
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(file)
}

// child runs one phase and prints its result.
func child() error {
	ctx := context.Background()
	db, err := reopen(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	fh, err := os.Open(*flagFile)
	if err != nil {
		return err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return err
	}
	if *flagProfile != "" {
		pf, err := os.Create(*flagProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *flagMemProf != "" {
		defer peakHeapProfile(*flagMemProf)()
	}
	var r result
	runtime.GC()
	stop := sample(&r)
	start := time.Now()
	switch *flagPhase {
	case "bare":
		if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS bench_raw (c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT, c8 TEXT, c9 TEXT, c10 TEXT, c11 TEXT, c12 TEXT, c13 TEXT)"); err != nil {
			return err
		}
		start = time.Now()
		r.Rows, err = bare(ctx, db, fh, st.Size())
		r.Created = r.Rows
	case "read":
		start = time.Now()
		r.Rows, err = readOnly(fh, st.Size())
	case "import":
		cfg := config.Default()
		cfg.DataDir = filepath.Dir(*flagKey)
		cfg.DataKeyFile = *flagKey
		prot, kerr := app.OpenKey(ctx, cfg, db)
		if kerr != nil {
			return kerr
		}
		a := app.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, prot)
		district := actor.With(ctx, actor.Actor{Username: "bench", Role: "district", Scope: jurisdiction})
		var res member.ImportResult
		var errs []xlsx.CellError
		res, errs, err = a.Members.Import(district, fh, st.Size(), xlsx.Limits{MaxBytes: 1 << 30, MaxUnzipped: 4 << 30, MaxRows: 10000000}, nil)
		if len(errs) > 0 {
			return fmt.Errorf("%d cell errors, first %v", len(errs), errs[0])
		}
		r.Rows, r.Created, r.Unchanged = res.Rows, res.Created, res.Unchanged
	default:
		return fmt.Errorf("unknown phase %q", *flagPhase)
	}
	if err != nil {
		return err
	}
	r.Seconds = time.Since(start).Seconds()
	stop()
	r.VmHWM = vmHWM()
	return json.NewEncoder(os.Stdout).Encode(r)
}

// bare is the floor: stream the sheet with excelize and insert the raw
// strings, batched as the importer batches, in one transaction.
func bare(ctx context.Context, db *store.DB, ra io.ReaderAt, size int64) (int, error) {
	f, err := excelize.OpenReader(io.NewSectionReader(ra, 0, size), excelize.Options{UnzipSizeLimit: 4 << 30})
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rows, err := f.Rows("Sheet1")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	const batch, cols = 400, 13
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	full := "INSERT INTO bench_raw VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", batch), ", ")
	n := 0
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, db.Rebind(full))
		if err != nil {
			return err
		}
		defer st.Close()
		args := make([]any, 0, batch*cols)
		flush := func() error {
			if len(args) == 0 {
				return nil
			}
			var err error
			if len(args) == batch*cols {
				_, err = st.ExecContext(ctx, args...)
			} else {
				k := len(args) / cols
				_, err = tx.ExecContext(ctx, db.Rebind("INSERT INTO bench_raw VALUES "+strings.TrimSuffix(strings.Repeat(one+", ", k), ", ")), args...)
			}
			args = args[:0]
			return err
		}
		header := true
		for rows.Next() {
			cells, err := rows.Columns()
			if err != nil {
				return err
			}
			if header {
				header = false
				continue
			}
			for i := 0; i < cols; i++ {
				v := ""
				if i < len(cells) {
					v = cells[i]
				}
				args = append(args, v)
			}
			n++
			if len(args) == batch*cols {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := rows.Error(); err != nil {
			return err
		}
		return flush()
	})
	return n, err
}

// readOnly streams the sheet through the project's reader (internal/xlsx:
// excelize's iterator plus its own pass for the cell types), touching every
// cell's text, with no validation and no database.
func readOnly(ra io.ReaderAt, size int64) (int, error) {
	r, err := xlsx.OpenSheet(ra, size, member.ImportColumns(), xlsx.Limits{MaxBytes: 1 << 30, MaxUnzipped: 4 << 30, MaxRows: 10000000})
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n, chars := 0, 0
	for r.Next() {
		for _, c := range r.Row().Cells {
			chars += len(c.Text())
		}
		n++
	}
	if chars == 0 {
		return n, fmt.Errorf("no text read")
	}
	return n, r.Err()
}

// sample records the peaks of HeapInuse and Sys every 20 ms until stopped.
func sample(r *result) func() {
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	take := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		r.PeakHeap = max(r.PeakHeap, m.HeapInuse)
		r.PeakSys = max(r.PeakSys, m.Sys)
		r.PeakC = max(r.PeakC, uint64(libc.MemStat().Bytes))
		mu.Unlock()
	}
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				take()
				return
			case <-t.C:
				take()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// vmHWM is the process's peak resident set in bytes (Linux).
func vmHWM() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// peakHeapProfile writes a heap profile taken when the live heap was largest
// (sampled every 50 ms) to path when stopped.
func peakHeapProfile(path string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var best uint64
		var prof bytes.Buffer
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				if err := os.WriteFile(path, prof.Bytes(), 0o644); err != nil {
					fmt.Fprintln(os.Stderr, "memprofile:", err)
				}
				fmt.Fprintf(os.Stderr, "memprofile: largest live heap %.1f MB\n", float64(best)/1e6)
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > best {
				best = v
				prof.Reset()
				_ = pprof.Lookup("heap").WriteTo(&prof, 0)
			}
		}
	}()
	return func() { close(done); <-finished }
}
