package briefing_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"liangxin/internal/briefing"
)

// LibreOffice opens the generated .docx: headless conversion to PDF and to
// text succeeds and the text holds the figures. Skipped when soffice is not
// installed, unless LIANGXIN_REQUIRE_SOFFICE=1 (CI) makes that a failure.
func TestLibreOfficeOpensDocx(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("LIANGXIN_REQUIRE_SOFFICE") == "1" {
			t.Fatal("soffice (LibreOffice) is required (LIANGXIN_REQUIRE_SOFFICE=1) but not found on PATH")
		}
		t.Skip("soffice (LibreOffice) not found on PATH: install libreoffice-writer-nogui to run this test")
	}
	if testing.Short() {
		t.Skip("slow: converts with LibreOffice")
	}
	d, err := briefing.RenderFixture()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var b bytes.Buffer
	if err := d.WriteDOCX(&b, briefing.FixtureStamp); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "briefing.docx")
	if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// A private profile so parallel runs do not share one.
	profile := "-env:UserInstallation=file://" + filepath.Join(dir, "profile")
	for _, to := range []string{"pdf", "txt:Text"} {
		cmd := exec.Command(soffice, profile, "--headless", "--convert-to", to, "--outdir", dir, in)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice --convert-to %s: %v\n%s", to, err, out)
		}
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "briefing.pdf"))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("no PDF: %v", err)
	}
	txt, err := os.ReadFile(filepath.Join(dir, "briefing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(txt)
	for _, want := range []string{"两新党建工作通报", "2026年第3期", "祁东县2026年10月两新党建工作情况通报", "组织覆盖率为79.1%", "提高 1.6 个百分点",
		"洪桥街道", "86.7%", "收缴率为97.0%", "按期办结率为94.8%", "祁东县某物流有限公司党支部", "2026年12月3日"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("text:\n%s", text)
	}
}
