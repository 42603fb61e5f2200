package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"liangxin/internal/app"
	"liangxin/internal/httpapi"
	"liangxin/internal/racetest"
	"liangxin/internal/sheetimport"
	"liangxin/internal/store"
	"liangxin/internal/testenv"

	"github.com/xuri/excelize/v2"
)

// The reasons the user reads, written out here as the issue states them.
const (
	reasonRestarted = "服务重启，导入未完成，数据已回滚，请重新导入"
	reasonInternal  = "导入因服务内部错误中止，数据已回滚，请重新导入；如再次出现请联系系统管理员"
)

func uploadSession(t *testing.T, c *testenv.Client, session string, data []byte) testenv.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "ledger.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return c.Raw("POST", "/api/v1/imports/organizations?session="+session, mw.FormDataContentType(), body.Bytes())
}

func sessionState(t *testing.T, c *testenv.Client, id string) (status, message string) {
	t.Helper()
	r := c.Do("GET", "/api/v1/imports/"+id, nil)
	if r.Status != 200 {
		t.Fatalf("GET session %s: %d %s", id, r.Status, r.Body)
	}
	m := r.Map(t)
	return m["status"].(string), m["message"].(string)
}

// A process killed during an import (kill -9) leaves its job running in the
// database; the next start marks it failed with the reason, and the user
// may import again under the same session id. On PostgreSQL a job whose
// owner still beats its heartbeat belongs to a live node and is left alone;
// on SQLite only the serving process (which holds the data folder's lock)
// runs imports, so every other owner is gone.
func TestImportJobOfAStoppedProcessFailsAtStart(t *testing.T) {
	e := testenv.New(t)
	u := e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	ctx := context.Background()
	now := e.Clock.Now()
	for _, j := range []struct {
		id, owner string
		beat      time.Time
	}{
		{"crashed-job-1", "gone-instance", now.Add(-time.Hour)},
		{"legacy-job-1", "", time.Time{}}, // a job of a version before owners
		{"busy-job-1", "live-node", now},
	} {
		beat := ""
		if !j.beat.IsZero() {
			beat = store.FormatTime(j.beat)
		}
		if _, err := e.App.DB.Exec(ctx, e.App.DB, `INSERT INTO import_sessions (id, user_id, kind, status, phase, processed, owner, heartbeat_at, created_at, updated_at)
			VALUES (?, ?, 'organizations', 'running', 'writing', 43000, ?, ?, ?, ?)`, j.id, u.ID, j.owner, beat, store.FormatTime(now), store.FormatTime(now)); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := sessionState(t, c, "crashed-job-1"); st != "running" {
		t.Fatalf("before the restart: %s", st)
	}

	// The restart: a new process (new instance id) on the same database.
	restarted := app.New(e.App.Cfg, e.App.DB, slog.New(slog.NewJSONHandler(io.Discard, nil)), e.Clock.Now, e.App.Prot)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	cancel() // Serve recovers the jobs first, then sees the end at once.
	if err := restarted.Serve(sctx, ln, nil); err != nil {
		t.Fatal(err)
	}

	for _, id := range []string{"crashed-job-1", "legacy-job-1"} {
		st, msg := sessionState(t, c, id)
		if st != "failed" || msg != reasonRestarted {
			t.Errorf("%s after the restart: %s %q", id, st, msg)
		}
	}
	wantBusy := "failed"
	if e.App.DB.Dialect == store.Postgres {
		wantBusy = "running"
	}
	if st, _ := sessionState(t, c, "busy-job-1"); st != wantBusy {
		t.Errorf("job with a fresh heartbeat of another owner: %s, want %s", st, wantBusy)
	}

	// The same session id may be used again (it answered 409 before).
	r := uploadSession(t, c, "crashed-job-1", ledgerFile(t, 1, true))
	if r.Status != 200 {
		t.Fatalf("re-import under the failed session id: %d %s", r.Status, r.Body)
	}
	if st, _ := sessionState(t, c, "crashed-job-1"); st != "succeeded" {
		t.Fatalf("re-import: %s", st)
	}
	// A succeeded session id is still taken.
	if r := uploadSession(t, c, "crashed-job-1", ledgerFile(t, 2, true)); r.Status != 409 {
		t.Fatalf("re-using a succeeded session id: %d %s", r.Status, r.Body)
	}
	// Another user cannot take over the failed session id of someone else.
	e.User("other", "district", testenv.Jurisdiction)
	if r := uploadSession(t, e.Login("other", testenv.Password), "legacy-job-1", ledgerFile(t, 3, true)); r.Status != 409 {
		t.Fatalf("another user's failed session id: %d %s", r.Status, r.Body)
	}
}

// An import whose write fails inside the database (here a trigger refuses
// every new organization) answers 500, writes nothing and leaves its session
// failed with a reason, not running; the id may then be used again.
func TestImportJobEndingInAnInternalErrorIsFailed(t *testing.T) {
	e := testenv.New(t)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	ctx := context.Background()
	db := e.App.DB
	var install, remove []string
	if db.Dialect == store.Postgres {
		install = []string{
			`CREATE FUNCTION refuse_org() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk gone'; END $$ LANGUAGE plpgsql`,
			`CREATE TRIGGER refuse_org BEFORE INSERT ON organizations FOR EACH ROW EXECUTE FUNCTION refuse_org()`,
		}
		remove = []string{`DROP TRIGGER refuse_org ON organizations`}
	} else {
		install = []string{`CREATE TRIGGER refuse_org BEFORE INSERT ON organizations BEGIN SELECT RAISE(ABORT, 'disk gone'); END`}
		remove = []string{`DROP TRIGGER refuse_org`}
	}
	for _, q := range install {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	r := uploadSession(t, c, "broken-job-1", ledgerFile(t, 1, true))
	if r.Status != 500 {
		t.Fatalf("import with a failing write: %d %s", r.Status, r.Body)
	}
	if st, msg := sessionState(t, c, "broken-job-1"); st != "failed" || msg != reasonInternal {
		t.Fatalf("session after the internal error: %s %q", st, msg)
	}
	if n := countOrgs(t, e); n != 0 {
		t.Fatalf("a failed import wrote %d organizations", n)
	}
	for _, q := range remove {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if r := uploadSession(t, c, "broken-job-1", ledgerFile(t, 1, true)); r.Status != 200 {
		t.Fatalf("retry under the same session id: %d %s", r.Status, r.Body)
	}
	if n := countOrgs(t, e); n != 1 {
		t.Fatalf("after the retry: %d organizations", n)
	}
}

// The memory upload of the issue: about 200 KB holding one 190 MB cell. The
// reader refuses it while it streams; the user gets a 422 naming the limit
// and the row, and the session is failed with the same message.
func TestImportRefusesAHugeCellWith422(t *testing.T) {
	racetest.Skip(t, "a parser fed a huge cell; import concurrency is raced by the other job tests")
	e := testenv.New(t)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	buf := hugeCellBook(t, 190)
	const msg = "单元格内容超过 32767 个字符（第 1 行）"
	r := uploadSession(t, c, "huge-cell-1", buf.Bytes())
	if r.Status != 422 || !strings.Contains(string(r.Body), msg) {
		t.Fatalf("huge cell: %d %s", r.Status, r.Body)
	}
	if st, m := sessionState(t, c, "huge-cell-1"); st != "failed" || m != msg {
		t.Fatalf("session: %s %q", st, m)
	}
}

// A handler that panics in the middle of an import (here at the first
// progress report of the write, 500 rows into its transaction) answers 500,
// writes nothing, and leaves the session failed with the reason the user
// reads, not running; the same session id then imports the file in full.
func TestImportJobPanickingMidWriteIsFailed(t *testing.T) {
	e := testenv.New(t)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	const id = "panicking-job-1"
	var reports []string
	remove := httpapi.SetImportFault(id, func(phase string, n int) {
		reports = append(reports, phase)
		if phase == "write" && n > 0 {
			panic("importer bug in the middle of the write")
		}
	})
	// 1,200 rows: the writer reports progress every 500 rows, so the
	// panic comes with 500 rows inserted in the open transaction.
	ledger := ledgerRows(t, 1200)
	if r := uploadSession(t, c, id, ledger); r.Status != 500 {
		t.Fatalf("import that panics: %d %s", r.Status, r.Body)
	}
	remove()
	if !slices.Contains(reports, "write") {
		t.Fatalf("the fault never ran in the write phase: %v", reports)
	}
	if st, msg := sessionState(t, c, id); st != "failed" || msg != reasonInternal {
		t.Fatalf("session after the panic: %s %q", st, msg)
	}
	if n := countOrgs(t, e); n != 0 {
		t.Fatalf("the panicking import left %d organizations", n)
	}
	// The transaction was rolled back and released: the retry (under the
	// same id, which a dead job does not keep) writes everything.
	if r := uploadSession(t, c, id, ledger); r.Status != 200 {
		t.Fatalf("retry under the same session id: %d %s", r.Status, r.Body)
	}
	if st, _ := sessionState(t, c, id); st != "succeeded" {
		t.Fatalf("retry: %s", st)
	}
	if n := countOrgs(t, e); n != 1200 {
		t.Fatalf("after the retry: %d organizations, want 1200", n)
	}
}

// ledgerRows is an organization sheet of n 个体工商户 in 洪桥街道.
func ledgerRows(t *testing.T, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"单位名称", "统一社会信用代码", "单位类别", "所属街道（乡镇）"}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow("Sheet1", cell, &[]any{fmt.Sprintf("中途出错个体户%d", i), "", "个体工商户", "洪桥街道"}); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hugeCellBook is a workbook whose only cell (A1, an inline string) holds mb
// MB of one letter: a small upload (about 1 KB per MB).
func hugeCellBook(t *testing.T, mb int) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, p := range [][2]string{
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
	} {
		w, _ := z.Create(p[0])
		io.WriteString(w, p[1])
	}
	w, _ := z.Create("xl/worksheets/sheet1.xml")
	io.WriteString(w, `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`)
	chunk := strings.Repeat("a", 1<<20)
	for range mb {
		io.WriteString(w, chunk)
	}
	io.WriteString(w, `</t></is></c></row></sheetData></worksheet>`)
	z.Close()
	if buf.Len() > 1<<20 {
		t.Fatalf("upload of %d bytes", buf.Len())
	}
	return &buf
}

// A 40 MB cell in a 41 KB upload answers 422 naming the limit, and the
// server allocates a bounded amount while it refuses it: the whole request
// (upload, session, reading until the limit, the failed job) allocates
// less than a fifth of the cell, where a reader that took the cell in whole
// would allocate at least 40 MB.
func TestImportOfAHugeCellAllocatesLittle(t *testing.T) {
	racetest.Skip(t, "an allocation count, which the detector changes")
	e := testenv.New(t)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	book := hugeCellBook(t, 40).Bytes()
	const bound = 8 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := uploadSession(t, c, "big-cell-1", book)
	runtime.ReadMemStats(&after)
	if r.Status != 422 || !strings.Contains(string(r.Body), "单元格内容超过 32767 个字符（第 1 行）") {
		t.Fatalf("40 MB cell: %d %s", r.Status, r.Body)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > bound {
		t.Fatalf("refusing a 40 MB cell allocated %d bytes, want at most %d", d, bound)
	} else {
		t.Logf("%d KB upload, %d KB allocated by the request", len(book)>>10, d>>10)
	}
	if st, _ := sessionState(t, c, "big-cell-1"); st != "failed" {
		t.Fatalf("session: %s", st)
	}
}

// spooledUploads lists this process's open files that are spooled uploads
// (sheetimport.Spool: a temporary file whose name is already removed).
func spooledUploads(t *testing.T) []string {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var open []string
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.Contains(filepath.Base(target), sheetimport.UploadPrefix) {
			open = append(open, target)
		}
	}
	return open
}

// An upload is spooled to a file of the private temporary folder while it
// is imported (not held in memory), and the file is gone once the import
// ends, whether it succeeded, was rejected for a bad cell or failed.
func TestImportSpoolsTheUploadAndRemovesIt(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/fd")
	}
	e := testenv.New(t)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	tmp := e.App.TempDir()
	check := func(what string) {
		t.Helper()
		if open := spooledUploads(t); len(open) != 0 {
			t.Errorf("%s: spooled uploads still open: %v", what, open)
		}
		es, err := os.ReadDir(tmp)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range es {
			if strings.HasPrefix(f.Name(), sheetimport.UploadPrefix) {
				t.Errorf("%s: %s left in the temporary folder", what, f.Name())
			}
		}
	}
	for _, tc := range []struct {
		id     string
		file   []byte
		status int
		fault  bool
	}{
		{"spool-ok-1", ledgerRows(t, 600), 200, false},
		{"spool-bad-1", badLedger(t), 422, false}, // one row: refused before any progress report
		{"spool-panic-1", ledgerRows(t, 1200), 500, true},
	} {
		var during []string
		remove := httpapi.SetImportFault(tc.id, func(phase string, n int) {
			if during == nil {
				during = spooledUploads(t)
			}
			if tc.fault && phase == "write" && n > 0 {
				panic("importer bug in the middle of the write")
			}
		})
		if r := uploadSession(t, c, tc.id, tc.file); r.Status != tc.status {
			t.Fatalf("%s: %d %s", tc.id, r.Status, r.Body)
		}
		remove()
		if tc.id == "spool-bad-1" {
			check(tc.id)
			continue
		}
		if len(during) != 1 || !strings.HasPrefix(during[0], filepath.Join(tmp, sheetimport.UploadPrefix)) || !strings.HasSuffix(during[0], " (deleted)") {
			t.Errorf("%s: open uploads while importing %v, want one removed file of %s", tc.id, during, tmp)
		}
		check(tc.id)
	}
}

// A staged import (SQLite) records its job's success in its commit
// transaction: while its audit entries and counts are still being rolled
// forward (store.Stage.PublishRollForward), the job already reads
// succeeded in the database, so a kill then leaves a finished job for
// data that is there (the next start completes the roll-forward).
func TestStagedImportJobSucceedsWithItsCommit(t *testing.T) {
	e := testenv.New(t)
	if e.App.DB.Dialect != store.SQLite {
		t.Skip("staging is SQLite's")
	}
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	var during []string
	store.SetRollForwardHook(func(step string, _ int64) error {
		var status string
		if err := e.App.DB.QueryRowContext(context.Background(), `SELECT status FROM import_sessions WHERE id = ?`, "rolled-1").Scan(&status); err != nil {
			return err
		}
		during = append(during, step+":"+status)
		return nil
	})
	defer store.SetRollForwardHook(nil)
	if r := uploadSession(t, c, "rolled-1", ledgerFile(t, 1, true)); r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	if len(during) == 0 {
		t.Fatal("the import did not roll forward")
	}
	for _, d := range during {
		if !strings.HasSuffix(d, ":succeeded") {
			t.Fatalf("job during the roll-forward: %v, want succeeded from the commit on", during)
		}
	}
	if st, msg := sessionState(t, c, "rolled-1"); st != "succeeded" || !strings.HasPrefix(msg, "导入完成") {
		t.Fatalf("session after the import: %s %q", st, msg)
	}
}
