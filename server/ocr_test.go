package server

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/ingest"
	"jianbao/report"
)

// scanIndex indexes a speckled scan through the OCR results committed
// with ingest's tests, beside a TXT bulletin.
func scanIndex(t *testing.T) *index.Index {
	t.Helper()
	if _, err := exec.LookPath(ingest.ToolPDFToPPM); err != nil {
		t.Skip("pdftoppm is not installed: scans cannot be rendered")
	}
	scan, err := filepath.Abs("../ingest/testdata/scans/bulletin-2016-004.speckle.pdf")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(t.TempDir(), index.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	// tesseract is hidden: the page must come from the committed cache,
	// which the ingest is not allowed to write to.
	noTesseract := func(name string) (string, error) {
		if name == ingest.ToolTesseract {
			return "", exec.ErrNotFound
		}
		return exec.LookPath(name)
	}
	sum, err := archive.Ingest(context.Background(), ix, append(testFiles(t)[:1], scan), archive.Options{ParseOptions: ingest.Options{
		OCRCacheDir: "../ingest/testdata/scans/ocr", LookPath: noTesseract}})
	if err != nil || sum.Failed > 0 {
		t.Fatalf("ingest: %v %+v", err, sum)
	}
	return ix
}

// TestArticleOCRNote checks that the API tells readers the pages of a scan
// were read by OCR, how surely, and that an article of a text bulletin
// says nothing of OCR.
func TestArticleOCRNote(t *testing.T) {
	ix := scanIndex(t)
	srv := newTestServer(t, ix)
	var a report.ArticleView
	if st := getJSON(t, srv.URL+"/api/articles/2016-004-01", &a); st != 200 {
		t.Fatalf("status %d", st)
	}
	if a.OCR == nil || a.OCR.Page != 1 || a.OCR.Status != ingest.PageStatusOCR || a.OCR.Confidence <= 0 || a.OCR.Confidence > 100 {
		t.Fatalf("ocr note %+v", a.OCR)
	}
	if a.OCR.LowConfidence != (a.OCR.Confidence < ingest.LowConfidence) || a.OCR.Cleaned != ingest.Despeckled {
		t.Errorf("speckled page: %+v, want despeckled, low_confidence as its confidence says", a.OCR)
	}
	var txt report.ArticleView
	id := "2020-031-01"
	if st := getJSON(t, srv.URL+"/api/articles/"+id, &txt); st != 200 {
		t.Fatalf("status %d", st)
	}
	if txt.OCR != nil {
		t.Errorf("a TXT article has an OCR note: %+v", txt.OCR)
	}
}

// TestOCRNoteInBrowser opens the scan's article on the web page in
// headless Chromium and checks the note that its page was read by OCR.
func TestOCRNoteInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	srv := newTestServer(t, scanIndex(t))
	var a report.ArticleView
	if st := getJSON(t, srv.URL+"/api/articles/2016-004-01", &a); st != 200 || a.OCR == nil {
		t.Fatalf("status %d, ocr %+v", st, a.OCR)
	}
	do(t, ctx, "open the article",
		chromedp.Navigate(srv.URL+"/?article=2016-004-01"),
		chromedp.WaitVisible(css(`#ocr`)))
	note := run(t, ctx, "note", chromedp.Text(css(`#ocr`)))
	class := run(t, ctx, "class", chromedp.Evaluate[string](`document.getElementById("ocr").className`))
	// The page rounds half up, as Math.round does.
	want := fmt.Sprintf("此页由扫描件 OCR 识别，置信度 %d", int(math.Floor(a.OCR.Confidence+0.5)))
	if !strings.HasPrefix(note, want) || strings.Contains(class, "low") != a.OCR.LowConfidence {
		t.Errorf("note %q (class %q), want it to start %q, flagged low: %v", note, class, want, a.OCR.LowConfidence)
	}
}
