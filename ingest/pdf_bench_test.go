package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkPDFPages measures reading PDFs from their text layer through to
// records, in pages per second; run with -cpu 1 for one core.
func BenchmarkPDFPages(b *testing.B) {
	for _, producer := range []string{"lo", "cairo", "gopdf"} {
		b.Run(producer, func(b *testing.B) {
			path := filepath.Join(pdfDir, "bulletin-2021-014."+producer+".pdf")
			data, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			DefaultTaxonomy()
			pages := 0
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				iss, err := Parse(ctx, path, data, Options{LookPath: noTools})
				if err != nil {
					b.Fatal(err)
				}
				pages += iss.Source.Pages
			}
			b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// BenchmarkPDFTiny measures the fixed cost of one small PDF.
func BenchmarkPDFTiny(b *testing.B) {
	data := tinyPDF(bulletinPages())
	ctx := context.Background()
	DefaultTaxonomy()
	for b.Loop() {
		if _, err := Parse(ctx, "tiny.pdf", data, Options{LookPath: noTools}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOCRPage measures OCR of one scanned page (render at 200 dpi and
// tesseract chi_sim with one thread), in seconds per page. It is skipped
// when tesseract or pdftoppm is absent.
func BenchmarkOCRPage(b *testing.B) {
	needTools(b, ToolTesseract, ToolPDFToPPM)
	data, err := os.ReadFile(filepath.Join(pdfDir, "broken/scanned.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		iss, err := Parse(ctx, "scanned.pdf", data, Options{})
		if iss == nil || len(iss.Source.PageNotes) != 1 || iss.Source.PageNotes[0].Status != PageStatusOCR {
			b.Fatalf("scanned page not OCRed: %v", err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/page")
}
