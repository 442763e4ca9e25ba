package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// copyTree copies the files under src to dst.
func copyTree(tb testing.TB, src, dst string) {
	tb.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// TestScanIngestAndShow ingests a speckled scan into an index whose OCR
// cache holds its page (as a previous ingest would have left it), so that
// tesseract is not run, and checks that parse, ingest and show tell the
// reader the page was read by OCR, how surely, and what was corrected.
func TestScanIngestAndShow(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm is not installed: scans cannot be rendered")
	}
	scan := "../../ingest/testdata/scans/bulletin-2016-004.speckle.pdf"
	dir := filepath.Join(t.TempDir(), "index")
	copyTree(t, "../../ingest/testdata/scans/ocr", filepath.Join(dir, "ocr-cache"))
	if code, out, stderr := run(t, "ingest", "--index", dir, scan); code != 0 {
		t.Fatalf("ingest: exit %d: %s%s", code, out, stderr)
	}
	code, out, stderr := run(t, "show", "--index", dir, "2016-004-01")
	if code != 0 || !strings.Contains(out, "第1页由扫描件 OCR 识别, 置信度 ") || !strings.Contains(out, "来源: 门头沟区潭柘寺镇 (门头沟区)") {
		t.Errorf("show: exit %d: %s%s", code, out, stderr)
	}
	code, out, stderr = run(t, "show", "--index", dir, "2016-004")
	if code != 0 || !strings.Contains(out, "第1页由扫描件 OCR 识别") {
		t.Errorf("show issue: exit %d: %s%s", code, out, stderr)
	}
	code, out, stderr = run(t, "parse", "--ocr-cache", filepath.Join(dir, "ocr-cache"), scan)
	if code != 0 || !strings.Contains(out, "第1页: ocr (no text layer (scanned image); image despeckled), 置信度 ") {
		t.Errorf("parse: exit %d: %s%s", code, out, stderr)
	}
}
