// Command hostile uploads the hostile spreadsheets of issue 12 to a running
// server, all at once as several users might, and prints what each upload
// was answered and the server's peak resident memory (VmHWM of
// /proc/<pid>/status) before and after. The target: every upload is
// refused with a 422 naming its limit, and the peak stays under 256 MB.
//
//	go run ./bench/hostile -bin bin/liangxin            # starts its own server (SQLite, temporary folder)
//	go run ./bench/hostile -url http://127.0.0.1:8080 -pid 1234 -user u -password p
//
// The four files (each a few hundred KB at most, built in memory here):
//
//	cell190MB          one inline cell of 190 MB (one letter repeated)
//	sharedStrings7.6M  7.6 million one-letter shared strings, no header row
//	sharedText60MB     2,000 shared strings of 30,000 letters
//	row5Mcells         one row of 5 million cells
//
// -copies uploads each file that many times (default 1: four uploads at
// once). VmHWM is the peak since the process started, so the figure before
// the uploads is the start-up's own peak; the run reads VmRSS every 10 ms
// too. With -bin the server is started in a fresh temporary data folder
// with the jurisdiction 430426 and one district user, and stopped at the
// end. Linux only (/proc). Not part of CI: `make hostile`.
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/liangxin", "the server binary to start when -url is not given")
	url := flag.String("url", "", "base URL of a running server (then -pid, -user and -password)")
	pid := flag.Int("pid", 0, "process id of the running server (for VmHWM)")
	user := flag.String("user", "uploader", "user name (a role that may import organizations)")
	password := flag.String("password", "Hostile#Qidong-2026", "password")
	copies := flag.Int("copies", 1, "uploads of each file at once")
	flag.Parse()
	if err := run(*bin, *url, *pid, *user, *password, *copies); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

func run(bin, base string, pid int, user, password string, copies int) error {
	var srv *server
	if base == "" {
		var err error
		srv, err = startServer(bin, user, password)
		if err != nil {
			return err
		}
		defer srv.stop()
		base, pid = srv.base, srv.cmd.Process.Pid
	}
	if pid <= 0 {
		return errors.New("-pid is needed with -url")
	}
	c, err := login(base, user, password)
	if err != nil {
		return err
	}
	books := hostileBooks()
	rssBefore, hwmBefore, err := memory(pid)
	if err != nil {
		return err
	}
	fmt.Printf("server pid %d: VmRSS %.1f MB, VmHWM %.1f MB before the uploads\n", pid, mb(rssBefore), mb(hwmBefore))

	var peakRSS atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, _, err := memory(pid); err == nil && rss > peakRSS.Load() {
				peakRSS.Store(rss)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	type answer struct {
		name    string
		size    int
		status  int
		message string
		took    time.Duration
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		answers []answer
	)
	start := time.Now()
	for i := range copies {
		for k, b := range books {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t0 := time.Now()
				status, msg := c.upload(fmt.Sprintf("hostile-%d-%d-%d", k, i, time.Now().UnixNano()), b.data)
				mu.Lock()
				answers = append(answers, answer{b.name, len(b.data), status, msg, time.Since(t0)})
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	wall := time.Since(start)
	close(stop)
	<-sampled
	_, hwmAfter, err := memory(pid)
	if err != nil {
		return err
	}
	fmt.Printf("\n%-18s %9s %7s %8s  %s\n", "upload", "size", "status", "time", "message")
	failed := false
	for _, a := range answers {
		fmt.Printf("%-18s %6d KB %7d %7.2fs  %s\n", a.name, a.size>>10, a.status, a.took.Seconds(), a.message)
		if a.status != http.StatusUnprocessableEntity {
			failed = true
		}
	}
	fmt.Printf("\n%d uploads at once in %.2fs; server VmRSS peak sampled %.1f MB; VmHWM %.1f MB (before %.1f MB); target < 256 MB\n",
		len(answers), wall.Seconds(), mb(peakRSS.Load()), mb(hwmAfter), mb(hwmBefore))
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average: %s", load)
	}
	if failed && srv != nil {
		fmt.Printf("\nthe server's log:\n%s\n", srv.out.String())
	}
	if failed {
		return errors.New("an upload was not refused with 422")
	}
	return nil
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// memory reads VmRSS and VmHWM (bytes) of a process.
func memory(pid int) (rss, hwm int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %q", k, v)
		}
		if k == "VmRSS" {
			rss = n << 10
		} else {
			hwm = n << 10
		}
	}
	return rss, hwm, sc.Err()
}

type book struct {
	name string
	data []byte
}

const headerRow = `<row r="1"><c r="A1" t="inlineStr"><is><t>单位名称</t></is></c></row>`

func hostileBooks() []book {
	return []book{
		{"cell190MB", workbook(func(w io.Writer) {
			io.WriteString(w, headerRow+`<row r="2"><c r="A2" t="inlineStr"><is><t>`)
			repeat(w, "a", 190<<20)
			io.WriteString(w, `</t></is></c></row>`)
		}, nil)},
		{"sharedStrings7.6M", workbook(func(w io.Writer) {
			io.WriteString(w, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`)
		}, func(w io.Writer) { repeat(w, `<si><t>x</t></si>`, 7600000) })},
		{"sharedText60MB", workbook(func(w io.Writer) { io.WriteString(w, headerRow) }, func(w io.Writer) {
			s := `<si><t>` + strings.Repeat("c", 30000) + `</t></si>`
			for range 2000 {
				io.WriteString(w, s)
			}
		})},
		{"row5Mcells", workbook(func(w io.Writer) {
			io.WriteString(w, headerRow+`<row r="2">`)
			repeat(w, `<c><v>1</v></c>`, 5000000)
			io.WriteString(w, `</row>`)
		}, nil)},
	}
}

// workbook writes a minimal xlsx whose sheet and shared-string parts are
// streamed by the callers; sst may be nil.
func workbook(sheetData, sst func(w io.Writer)) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name string, body func(w io.Writer)) {
		w, err := z.Create(name)
		if err != nil {
			panic(err)
		}
		body(w)
	}
	str := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst != nil {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	put("_rels/.rels", str(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	put("xl/workbook.xml", str(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	put("xl/_rels/workbook.xml.rels", str(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels+`</Relationships>`))
	if sst != nil {
		put("xl/sharedStrings.xml", func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
			sst(w)
			io.WriteString(w, `</sst>`)
		})
	}
	put("xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		sheetData(w)
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	if err := z.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// repeat writes n copies of s in large chunks.
func repeat(w io.Writer, s string, n int) {
	chunk := strings.Repeat(s, 1<<16/len(s)+1)
	per := len(chunk) / len(s)
	for n > 0 {
		k := min(per, n)
		io.WriteString(w, chunk[:k*len(s)])
		n -= k
	}
}

// server is a liangxin serve started for the run.
type server struct {
	cmd  *exec.Cmd
	base string
	dir  string
	out  bytes.Buffer
	done chan struct{}
}

func startServer(bin, user, password string) (*server, error) {
	dir, err := os.MkdirTemp("", "liangxin-hostile-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir}
	env := append(os.Environ(), "LIANGXIN_DATA="+filepath.Join(dir, "data"), "LIANGXIN_LOG_LEVEL=warn")
	const initial = "Initial#Qidong-2026"
	for _, args := range [][]string{
		{"init", "--jurisdiction", "430426"},
		{"user", "create", "--username", user, "--role", "district", "--scope", "430426", "--password", initial},
	} {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("liangxin %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	s.base = "http://" + addr
	s.cmd = exec.Command(bin, "serve", "--addr", addr)
	s.cmd.Env = env
	s.cmd.Stdout, s.cmd.Stderr = &s.out, &s.out
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.done = make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if res, err := http.Get(s.base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("the server did not answer /healthz")
		}
		time.Sleep(50 * time.Millisecond)
	}
	c, err := login(s.base, user, initial)
	if err != nil {
		s.stop()
		return nil, err
	}
	if status, body := c.json("POST", "/api/v1/auth/password", map[string]string{"old_password": initial, "new_password": password}); status != 200 {
		s.stop()
		return nil, fmt.Errorf("password change: %d %s", status, body)
	}
	return s, nil
}

func (s *server) stop() {
	_ = s.cmd.Process.Kill()
	<-s.done
	os.RemoveAll(s.dir)
}

// client is a signed-in API client (cookie session plus CSRF token).
type client struct {
	base string
	http *http.Client
	csrf string
}

func login(base, user, password string) (*client, error) {
	jar, _ := cookiejar.New(nil)
	c := &client{base: base, http: &http.Client{Jar: jar, Timeout: 10 * time.Minute}}
	status, body := c.json("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": password})
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if status != 200 || json.Unmarshal(body, &out) != nil || out.CSRF == "" {
		return nil, fmt.Errorf("login: %d %s", status, body)
	}
	c.csrf = out.CSRF
	return c, nil
}

func (c *client) json(method, path string, v any) (int, []byte) {
	b, _ := json.Marshal(v)
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return c.do(req)
}

func (c *client) do(req *http.Request) (int, []byte) {
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// upload sends a workbook to the organization import and returns the
// status and the answer's message.
func (c *client) upload(session string, data []byte) (int, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "hostile.xlsx")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+"/api/v1/imports/organizations?session="+session, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	status, b := c.do(req)
	var out struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(b, &out) == nil && out.Error.Message != "" {
		return status, out.Error.Message
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return status, string(b)
}
