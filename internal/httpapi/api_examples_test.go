package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// docExamples returns the shell blocks of docs/api.md marked "# example: NAME".
func docExamples(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)```sh\n# example: ([a-z-]+)\n(.*?)```")
	out := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		if _, dup := out[m[1]]; dup {
			t.Fatalf("docs/api.md: example %q appears twice", m[1])
		}
		out[m[1]] = m[2]
	}
	return out
}

// runExample runs one documented block with bash, stopping at the first
// failing command, and returns its output.
func runExample(t *testing.T, script string, env ...string) string {
	t.Helper()
	// A guard against a hanging example, not a speed check.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-u", "-o", "pipefail", "-c", script)
	dir := t.TempDir()
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir, "LC_ALL=C.UTF-8"}, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	t.Logf("output:\n%s", out.String())
	if err != nil {
		t.Fatalf("example failed: %v\n--- script\n%s--- output\n%s", err, script, out.String())
	}
	return out.String()
}

// The examples of "Calling the API from a script" in docs/api.md run as
// written against a test server, and do what the text says they do.
func TestAPIDocExamples(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the docs' shell examples need %s, which is not installed: %v", tool, err)
		}
	}
	ex := docExamples(t)
	for _, name := range []string{"token", "paging", "error", "import"} {
		if ex[name] == "" {
			t.Fatalf("docs/api.md has no example %q (found %d examples)", name, len(ex))
		}
	}

	e := testenv.New(t)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	r := c.Do("POST", "/api/v1/tokens", map[string]string{"name": "文档示例"})
	if r.Status != 201 {
		t.Fatalf("create token: %d %s", r.Status, r.Body)
	}
	token := r.Map(t)["token"].(string)
	env := []string{"BASE=" + e.Server.URL, "TOKEN=" + token}

	t.Run("token", func(t *testing.T) {
		out := runExample(t, ex["token"], append(env[:1:1], "LX_USER=dist", "LX_PASSWORD="+testenv.Password)...)
		m := regexp.MustCompile(`(?m)^TOKEN=(lx_\S+)$`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no TOKEN=lx_… line in:\n%s", out)
		}
		// The new token acts as the user who made it.
		me := e.Bearer(m[1]).Do("GET", "/api/v1/auth/me", nil)
		if me.Status != 200 || !strings.Contains(string(me.Body), `"username":"dist"`) {
			t.Fatalf("the example's token: %d %s", me.Status, me.Body)
		}
	})

	t.Run("paging", func(t *testing.T) {
		// Five private enterprises in 洪桥,
		// one in 玉合 and an individual business in 洪桥 that the filter
		// leaves out: 5 matches at 2 a page are pages 1, 2 and 3.
		ctx := actor.With(context.Background(), actor.Actor{Role: "district", Scope: testenv.Jurisdiction})
		seq := 0
		add := func(name, cat, region string) {
			in := org.Input{Name: &name, Category: &cat, RegionCode: &region}
			if cat != "individual_business" {
				seq++
				code := uscc.Generate('9', '1', testenv.Jurisdiction, seq)
				in.USCC = &code
			}
			if _, err := e.App.Orgs.Create(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"洪桥甲公司", "洪桥乙公司", "洪桥丙公司", "洪桥丁公司", "洪桥戊公司"}
		for _, n := range want {
			add(n, "private_enterprise", testenv.Hongqiao)
		}
		add("玉合甲公司", "private_enterprise", testenv.Yuhe)
		add("洪桥个体户", "individual_business", testenv.Hongqiao)

		out := runExample(t, ex["paging"], env...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 3 {
			t.Fatalf("want 3 pages, got %d lines:\n%s", len(lines), out)
		}
		seen := map[string]int{}
		for i, l := range lines {
			var pg struct {
				Items []struct {
					Name string `json:"name"`
				} `json:"items"`
				Total    *int `json:"total"`
				Page     *int `json:"page"`
				PageSize *int `json:"page_size"`
			}
			if err := json.Unmarshal([]byte(l), &pg); err != nil {
				t.Fatalf("page %d is not JSON: %v\n%s", i+1, err, l)
			}
			wantItems := []int{2, 2, 1}[i]
			if pg.Total == nil || *pg.Total != 5 || pg.Page == nil || *pg.Page != i+1 || pg.PageSize == nil || *pg.PageSize != 2 || len(pg.Items) != wantItems {
				t.Errorf("page %d: want total 5, page %d, page_size 2 and %d items: %s", i+1, i+1, wantItems, l)
			}
			for _, it := range pg.Items {
				seen[it.Name]++
			}
		}
		for _, n := range want {
			if seen[n] != 1 {
				t.Errorf("%s listed %d times, want once:\n%s", n, seen[n], out)
			}
		}
		for _, n := range []string{"玉合甲公司", "洪桥个体户"} {
			if strings.Contains(out, n) {
				t.Errorf("%s does not match the filter but is listed", n)
			}
		}
	})

	t.Run("error", func(t *testing.T) {
		before := countOrgs(t, e)
		out := runExample(t, ex["error"], env...)
		if !strings.Contains(out, "HTTP 422\n") {
			t.Fatalf("want HTTP 422:\n%s", out)
		}
		fields := regexp.MustCompile(`(?m)^\{"name":"[^"]+"\}$`)
		if !fields.MatchString(out) {
			t.Fatalf("want the fields object naming only name:\n%s", out)
		}
		if countOrgs(t, e) != before {
			t.Fatal("the refused organization was written")
		}
	})

	t.Run("import", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "ledger.xlsx")
		if err := os.WriteFile(file, ledgerFile(t, 1, true), 0o600); err != nil {
			t.Fatal(err)
		}
		before := countOrgs(t, e)
		out := runExample(t, ex["import"], append(env, "FILE="+file)...)
		for _, s := range []string{"upload: HTTP 200\n", `"status":"succeeded"`, `"rows":1,`, `"created":1,`} {
			if !strings.Contains(out, s) {
				t.Errorf("want %s in:\n%s", s, out)
			}
		}
		if n := countOrgs(t, e); n != before+1 {
			t.Fatalf("organizations: %d, want %d", n, before+1)
		}
	})
}
