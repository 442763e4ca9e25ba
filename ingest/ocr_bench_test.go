package ingest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// BenchmarkOCRPageCached measures a scanned page whose OCR is in the cache:
// rendering it, hashing the image and the rest of parsing, in seconds per
// page (make scans measures the uncached cost on every scan).
func BenchmarkOCRPageCached(b *testing.B) {
	needTools(b, ToolPDFToPPM)
	data, err := os.ReadFile(filepath.Join(scansDir, "bulletin-2021-014.clean.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	opts := Options{OCRCacheDir: filepath.Join(scansDir, "ocr"), LookPath: cacheOnly, OCRWorkers: 1}
	pages := 0
	for b.Loop() {
		iss, err := Parse(ctx, "bulletin-2021-014.clean.pdf", data, opts)
		if iss == nil || !readByOCR(iss.Source.PageNotes) {
			b.Fatalf("not read from the OCR cache: %v", err)
		}
		pages += iss.Source.Pages
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(pages), "s/page")
}

// BenchmarkOCRCorrections measures the correction of OCR text alone, on
// the pages of the clean scan of the real bulletin, in seconds per page.
func BenchmarkOCRCorrections(b *testing.B) {
	needTools(b, ToolPDFToPPM)
	data, err := os.ReadFile(filepath.Join(scansDir, "bulletin-2021-014.clean.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	x := &pdfExtractor{data: repairPDF(data), opts: Options{OCRCacheDir: filepath.Join(scansDir, "ocr"), LookPath: cacheOnly}, log: Options{}.logger()}
	defer x.cleanup()
	var read [][]visualLine
	for i := 1; i <= 5; i++ {
		r, err := x.ocrPage(context.Background(), i)
		if err != nil {
			b.Fatal(err)
		}
		read = append(read, r.visualLines(i))
	}
	ocr := []bool{true, true, true, true, true}
	pages := make([][]visualLine, len(read))
	for b.Loop() {
		for i := range read {
			pages[i] = slices.Clone(read[i])
		}
		fixOCRLines(pages, ocr, nil)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N*len(read)), "s/page")
}
