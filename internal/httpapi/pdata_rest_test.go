package httpapi_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"liangxin/internal/app"
	"liangxin/internal/backup"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

// plantedID makes a valid 身份证号 from a distinctive 17-digit body.
func plantedID(first17 string) string { return first17 + string(pdata.CheckChar(first17)) }

// phoneForms are the ways a planted phone number could be written down.
func phoneForms(p string) []string {
	return []string{p, p[:3] + "-" + p[3:7] + "-" + p[7:], p[:3] + " " + p[3:7] + " " + p[7:]}
}

// findClear reports where any planted value occurs in b, looking inside zip
// archives (xlsx workbooks, backups) recursively.
func findClear(where string, b []byte, planted []string, depth int) []string {
	var hits []string
	for _, p := range planted {
		if bytes.Contains(b, []byte(p)) {
			hits = append(hits, fmt.Sprintf("%s holds %s", where, p))
		}
	}
	if depth > 4 {
		return hits
	}
	// A gzip stream (a backup archive) and a tar archive inside it.
	if bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
			inner, _ := io.ReadAll(io.LimitReader(zr, 1<<30))
			return append(hits, findClear(where+"!gunzip", inner, planted, depth+1)...)
		}
	}
	if len(b) > 262 && bytes.Equal(b[257:262], []byte("ustar")) {
		tr := tar.NewReader(bytes.NewReader(b))
		for {
			h, err := tr.Next()
			if err != nil {
				break
			}
			inner, _ := io.ReadAll(io.LimitReader(tr, 1<<30))
			hits = append(hits, findClear(where+"!"+h.Name, inner, planted, depth+1)...)
		}
		return hits
	}
	// Any zip archive inside b (a blob in a dump, a file on disk).
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("PK\x03\x04"))
		if i < 0 {
			break
		}
		start := off + i
		off = start + 4
		zr, err := zip.NewReader(bytes.NewReader(b[start:]), int64(len(b)-start))
		if err != nil {
			continue
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				continue
			}
			inner, _ := io.ReadAll(io.LimitReader(rc, 256<<20))
			rc.Close()
			hits = append(hits, findClear(where+"!"+f.Name, inner, planted, depth+1)...)
		}
		break
	}
	return hits
}

// dumpDatabase reads every column of every table (as text or bytes) and
// looks for the planted values in each.
func dumpDatabase(t *testing.T, ctx context.Context, db *sql.DB, dialect store.Dialect, label string, planted []string) []string {
	t.Helper()
	var tables []string
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if dialect == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 20 {
		t.Fatalf("%s: only %d tables found", label, len(tables))
	}
	var hits []string
	for _, tbl := range tables {
		r, err := db.QueryContext(ctx, `SELECT * FROM "`+tbl+`"`)
		if err != nil {
			t.Fatalf("%s: %v", tbl, err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var b []byte
				switch x := v.(type) {
				case []byte:
					b = x
				case string:
					b = []byte(x)
				case nil:
					continue
				default:
					b = []byte(fmt.Sprint(x))
				}
				hits = append(hits, findClear(label+":"+tbl+"."+cols[i], b, planted, 0)...)
			}
		}
		r.Close()
	}
	return hits
}

// Personal data never rests in clear: after a good and a rejected member
// import, instructors created and imported (one import rejected), no planted
// 身份证号 or phone number is found in any file of the data folder, the
// database folder, the temporary folder, any column of any table, or a backup
// (unzipped and opened). The error workbook is still shown to its uploader.
func TestPersonalDataNotStoredInClear(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := testenv.New(t)
	// The server logs at debug level into logs, which is searched too.
	logs := &lockedBuffer{}
	e.App.Log = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.Server = httptest.NewServer(e.App.HTTP(nil).Handler())
	t.Cleanup(e.Server.Close)
	ctx := context.Background()
	sys := actor.System(ctx, "fixture")
	name, cat, region, full := "洪桥清扫公司", "individual_business", testenv.Hongqiao, 3
	o, err := e.App.Orgs.Create(sys, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
	if err != nil {
		t.Fatal(err)
	}
	po, err := e.App.Party.Create(sys, partyorg.Input{Name: "洪桥清扫公司支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	e.User("street", "street", testenv.Hongqiao)
	c := e.Login("street", testenv.Password)

	goodID, goodPhone := plantedID("43042619770707707"), "13877770707"
	rejID, rejPhone := plantedID("43042619880808808"), "13988880808"
	badID, badPhone := "430426199909099090", "13599990909" // wrong check character: the rejected cell
	instrPhone, instrImported, instrRejected := "13766660606", "13655550505", "13544440404"
	devID, devRejID := plantedID("43042620000202202"), plantedID("43042620010303303")
	planted := []string{goodID, rejID, badID, devID, devRejID}
	for _, p := range []string{goodPhone, rejPhone, badPhone, instrPhone, instrImported, instrRejected} {
		planted = append(planted, phoneForms(p)...)
	}

	book := func(headers []string, rows ...[]any) []byte {
		f := excelize.NewFile()
		sheet := f.GetSheetName(0)
		h := make([]any, len(headers))
		for i, v := range headers {
			h[i] = v
		}
		_ = f.SetSheetRow(sheet, "A1", &h)
		for i, r := range rows {
			_ = f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &r)
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	memberRow := func(n, id, phone string) []any {
		return []any{n, "", "汉族", "", id, phone, "本科", "正式", po.Name, name, "2015-07-01", "2016-07-01", ""}
	}
	if r := uploadTo(t, c, "/api/v1/imports/members", "good-members", book(member.ImportHeaders(), memberRow("清扫甲", goodID, goodPhone))); r.Status != 200 {
		t.Fatalf("good member import: %d %s", r.Status, r.Body)
	}
	r := uploadTo(t, c, "/api/v1/imports/members", "bad-members", book(member.ImportHeaders(), memberRow("清扫乙", rejID, rejPhone), memberRow("清扫丙", badID, badPhone)))
	if r.Status != 422 {
		t.Fatalf("rejected member import: %d %s", r.Status, r.Body)
	}
	// The uploader still gets the rows they sent, marked.
	rep := c.Do("GET", "/api/v1/imports/import-bad-members/report", nil)
	if rep.Status != 200 || len(findClear("report", rep.Body, []string{rejID, badID, rejPhone}, 0)) != 3 {
		t.Fatalf("error workbook: %d, want the uploaded rows in it", rep.Status)
	}

	if r := c.Do("POST", "/api/v1/instructors", map[string]any{"name": "清扫指导员", "phone": instrPhone, "region_code": testenv.Hongqiao}); r.Status != 201 {
		t.Fatalf("create instructor: %d %s", r.Status, r.Body)
	}
	ih := []string{"指导员姓名", "联系电话", "工作单位", "专职/兼职"}
	if r := uploadTo(t, c, "/api/v1/imports/instructors", "good-instr", book(ih, []any{"导入指导员", instrImported, "县委组织部", "专职"})); r.Status != 200 {
		t.Fatalf("instructor import: %d %s", r.Status, r.Body)
	}
	if r := uploadTo(t, c, "/api/v1/imports/instructors", "bad-instr", book(ih, []any{"退回指导员", instrRejected, "县委组织部", "半职"})); r.Status != 422 {
		t.Fatalf("rejected instructor import: %d %s", r.Status, r.Body)
	}

	// Development candidates (发展党员): one imported, one file rejected.
	dh := []string{"身份证号", "姓名", "党组织名称", "步骤", "日期"}
	if r := uploadTo(t, c, "/api/v1/imports/develop", "good-dev", book(dh, []any{devID, "申请人甲", po.Name, 1, "2026-03-01"})); r.Status != 200 {
		t.Fatalf("develop import: %d %s", r.Status, r.Body)
	}
	if r := uploadTo(t, c, "/api/v1/imports/develop", "bad-dev", book(dh, []any{devRejID, "申请人乙", po.Name, 99, "2026-03-01"})); r.Status != 422 {
		t.Fatalf("rejected develop import: %d %s", r.Status, r.Body)
	}

	var hits []string
	hits = append(hits, dumpDatabase(t, ctx, e.App.DB.DB, e.App.DB.Dialect, "live", planted)...)
	dirs := []string{e.App.Cfg.DataDir, tmp}
	if e.App.DB.Path != "" {
		dirs = append(dirs, filepath.Dir(e.App.DB.Path))
	}
	// The backup an operator makes: one archive (tar.gz) with the database.
	archiveDir := t.TempDir()
	archive := filepath.Join(archiveDir, "liangxin.tar.gz")
	if _, err := backup.Create(ctx, e.App.DB, archive, backup.Options{DataDir: e.App.Cfg.DataDir, KeyPath: app.KeyPath(e.App.Cfg), Cipher: e.App.Cfg.DataCipher}); err != nil {
		t.Fatalf("backup: %v", err)
	}
	dirs = append(dirs, archiveDir)
	backupDB := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(backupDB, archiveEntry(t, archive, map[store.Dialect]string{store.SQLite: backup.SQLiteName, store.Postgres: backup.PostgresName}[e.App.DB.Dialect]), 0o600); err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, d := range dirs {
		_ = filepath.WalkDir(d, func(p string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Errorf("read %s: %v", p, err)
				return nil
			}
			files++
			hits = append(hits, findClear(p, b, planted, 0)...)
			return nil
		})
	}
	if e.App.DB.Dialect == store.Postgres {
		// The custom-format dump is compressed: read it back as SQL text.
		sqlText, err := exec.CommandContext(ctx, "pg_restore", "--file=-", backupDB).Output()
		if err != nil || !bytes.Contains(sqlText, []byte("import_sessions")) {
			t.Fatalf("pg_restore of the backup: %v", err)
		}
		hits = append(hits, findClear("backup (pg_restore)", sqlText, planted, 0)...)
	}
	if e.App.DB.Dialect == store.SQLite {
		if files < 3 {
			t.Fatalf("only %d files looked at", files)
		}
		bdb, err := sql.Open("sqlite", "file:"+backupDB+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer bdb.Close()
		hits = append(hits, dumpDatabase(t, ctx, bdb, store.SQLite, "backup", planted)...)
	}
	if logs.Len() == 0 {
		t.Fatal("the server logged nothing")
	}
	hits = append(hits, findClear("server log", logs.Bytes(), planted, 0)...)
	for _, h := range hits {
		t.Error(h)
	}
}

// lockedBuffer collects log lines written by the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}

// auditDetail returns the detail of the newest audit entry of an action.
func auditDetail(t *testing.T, e *testenv.Env, action, entityID string) string {
	t.Helper()
	var d sql.NullString
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT detail FROM audit_log WHERE action = ? AND entity_id = ? ORDER BY id DESC LIMIT 1`,
		action, entityID).Scan(&d); err != nil {
		t.Fatalf("no %s audit entry for %s: %v", action, entityID, err)
	}
	return d.String
}

// Instructor phones are masked in every answer (create, get, list, export,
// update), even to readonly; reveal needs the members' reveal permission
// and is audited with the name of the person whose number was shown, the
// number masked. Members' reveal audit names its subject the same way.
func TestPhonesMaskedUnlessRevealedAndRevealAudited(t *testing.T) {
	e := testenv.New(t)
	e.User("street", "street", testenv.Hongqiao)
	e.User("viewer", "readonly", testenv.Hongqiao)
	street := e.Login("street", testenv.Password)
	viewer := e.Login("viewer", testenv.Password)
	const phone = "13712345670"
	r := street.Do("POST", "/api/v1/instructors", map[string]any{"name": "孙指导", "phone": phone, "region_code": testenv.Hongqiao})
	if r.Status != 201 || bytes.Contains(r.Body, []byte(phone)) || !bytes.Contains(r.Body, []byte(`"137****5670"`)) {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	id := fmt.Sprint(int64(r.Map(t)["id"].(float64)))
	for _, c := range []*testenv.Client{street, viewer} {
		for _, path := range []string{"/api/v1/instructors/" + id, "/api/v1/instructors", "/api/v1/instructors/export"} {
			r := c.Do("GET", path, nil)
			if r.Status != 200 || len(findClear(path, r.Body, []string{phone}, 0)) > 0 {
				t.Errorf("%s: %d, whole number shown", path, r.Status)
			}
		}
	}
	if r := street.Do("PATCH", "/api/v1/instructors/"+id, map[string]any{"unit": "县委组织部"}); r.Status != 200 || bytes.Contains(r.Body, []byte(phone)) {
		t.Errorf("update: %d %s", r.Status, r.Body)
	}
	if r := viewer.Do("GET", "/api/v1/instructors/"+id+"?reveal=true", nil); r.Status != 403 {
		t.Errorf("readonly reveal: %d %s", r.Status, r.Body)
	}
	if r := street.Do("GET", "/api/v1/instructors/"+id+"?reveal=yes", nil); r.Status != 422 {
		t.Errorf("reveal=yes: %d %s", r.Status, r.Body)
	}
	r = street.Do("GET", "/api/v1/instructors/"+id+"?reveal=true", nil)
	if r.Status != 200 || r.Map(t)["phone"] != phone {
		t.Fatalf("reveal: %d %s", r.Status, r.Body)
	}
	d := auditDetail(t, e, "instructor_reveal", id)
	if !strings.Contains(d, "孙指导") || !strings.Contains(d, "137****5670") || strings.Contains(d, phone) {
		t.Errorf("instructor reveal audit: %s", d)
	}

	// Members: the reveal entry names whose 身份证号 and phone were shown.
	sys := actor.System(context.Background(), "fixture")
	name, cat, region, full := "洪桥电器行", "individual_business", testenv.Hongqiao, 3
	o, err := e.App.Orgs.Create(sys, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
	if err != nil {
		t.Fatal(err)
	}
	po, err := e.App.Party.Create(sys, partyorg.Input{Name: "洪桥电器行支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	idn := plantedID("43042619850505505")
	m, err := e.App.Members.Create(sys, member.Input{Name: "钱党员", Gender: "male", BirthDate: "1985-05-05", IDNumber: idn, Phone: "13612345679", Category: "full", PartyOrgID: po.ID})
	if err != nil {
		t.Fatal(err)
	}
	if r := street.Do("GET", fmt.Sprintf("/api/v1/members/%d?reveal=true", m.ID), nil); r.Status != 200 || r.Map(t)["id_number"] != idn {
		t.Fatalf("member reveal: %d %s", r.Status, r.Body)
	}
	d = auditDetail(t, e, "member_reveal", fmt.Sprint(m.ID))
	if !strings.Contains(d, "钱党员") || !strings.Contains(d, pdata.MaskID(idn)) || strings.Contains(d, idn) || strings.Contains(d, "13612345679") {
		t.Errorf("member reveal audit: %s", d)
	}
}

// archiveEntry reads one entry of a backup archive (tar.gz).
func archiveEntry(t *testing.T, archive, name string) []byte {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s has no %s: %v", archive, name, err)
		}
		if h.Name == name {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}

// The search itself must see through a backup archive (tar.gz) and a zip
// inside it, or the at-rest test could pass while a backup leaks.
func TestFindClearOpensArchives(t *testing.T) {
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("xl/sharedStrings.xml")
	_, _ = w.Write([]byte("<t>13912345678</t>"))
	_ = zw.Close()
	var gbuf bytes.Buffer
	gz := gzip.NewWriter(&gbuf)
	tw := tar.NewWriter(gz)
	for name, body := range map[string][]byte{"database.db": append([]byte("page 110105194912310021 "), zbuf.Bytes()...), "manifest.json": []byte("{}")} {
		_ = tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg})
		_, _ = tw.Write(body)
	}
	_ = tw.Close()
	_ = gz.Close()
	hits := findClear("archive", gbuf.Bytes(), []string{"110105194912310021", "13912345678", "13800000000"}, 0)
	all := strings.Join(hits, "\n")
	if !strings.Contains(all, "database.db holds 110105194912310021") || !strings.Contains(all, "sharedStrings.xml holds 13912345678") || strings.Contains(all, "13800000000") {
		t.Fatalf("hits %v, want the ID number and the phone inside the archive, and nothing else", hits)
	}
}
