package ingest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pdfSeeds are small PDFs for fuzzing: the tiny bulletin whole, cut short,
// wrapped in junk, with a 2.0 header and with a page and a stream mangled.
func pdfSeeds() [][]byte {
	tiny := tinyPDF(bulletinPages())
	one := tinyPDF(bulletinPages()[:1])
	return [][]byte{
		tiny,
		one,
		tiny[:len(tiny)*2/3],
		append([]byte("\xEF\xBB\xBFjunk\r\n"), append(bytes.Clone(tiny), "trailing junk"...)...),
		bytes.Replace(bytes.Clone(tiny), []byte("%PDF-1.4"), []byte("%PDF-2.0"), 1),
		bytes.Replace(bytes.Clone(tiny), []byte("/Count 2"), []byte("/Count 9"), 1),
		bytes.Replace(bytes.Clone(tiny), []byte("Tj"), []byte("TJ"), 3),
		bytes.Replace(bytes.Clone(one), []byte("/Size"), []byte("/Size 1 /X"), 1),
	}
}

// FuzzParsePDF checks that no PDF bytes make Parse panic or hang, and that
// what it returns holds together: an error names the file; a record's
// pages, notes and article pages lie within the file's pages.
func FuzzParsePDF(f *testing.F) {
	for _, s := range pdfSeeds() {
		f.Add(s)
	}
	if data, err := os.ReadFile(filepath.Join(pdfDir, "broken/not-a-pdf.pdf")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{LookPath: noTools, PDFTimeout: 10 * time.Second, MaxPDFPages: 50}
		iss, err := Parse(context.Background(), "fuzz.pdf", data, opts)
		if iss == nil {
			if err == nil {
				t.Fatal("no record and no error")
			}
			if !strings.HasPrefix(err.Error(), "fuzz.pdf: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			if strings.Contains(err.Error(), "reading stopped") {
				t.Fatalf("reading hung: %v", err)
			}
			return
		}
		var warnings ErrorList
		if err != nil && !errors.As(err, &warnings) {
			t.Fatalf("record returned with a non-warning error: %v", err)
		}
		src := iss.Source
		if src.Format != FormatPDF || src.Pages < 1 {
			t.Fatalf("source = %+v", src)
		}
		for _, n := range src.PageNotes {
			if n.Page < 1 || n.Page > src.Pages || n.Reason == "" {
				t.Fatalf("page note %+v of %d pages", n, src.Pages)
			}
		}
		for _, w := range warnings {
			if w.Pos.Page < 0 || w.Pos.Page > src.Pages {
				t.Fatalf("warning at page %d of %d: %v", w.Pos.Page, src.Pages, w)
			}
		}
		for _, a := range iss.Articles {
			if a.Page < 1 || a.Page > src.Pages {
				t.Fatalf("article %s on page %d of %d", a.ID, a.Page, src.Pages)
			}
		}
	})
}
