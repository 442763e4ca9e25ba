package main

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
)

func TestDoctorWithoutTools(t *testing.T) {
	var out bytes.Buffer
	none := func(string) (string, error) { return "", exec.ErrNotFound }
	if err := runDoctor(context.Background(), &out, doctorOptions{lookPath: none}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"pdftotext  missing: apt install poppler-utils",
		"tesseract  missing: apt install tesseract-ocr tesseract-ocr-chi-sim",
		"Scanned PDF pages cannot be read",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, got)
		}
	}
}

func TestDoctorCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main([]string{"doctor"}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, tool := range []string{"pdftotext", "pdftoppm", "tesseract"} {
		if !strings.Contains(out.String(), tool) {
			t.Errorf("doctor does not report %s:\n%s", tool, out.String())
		}
	}
	if _, err := exec.LookPath("pdftotext"); err == nil && !strings.Contains(out.String(), "pdftotext  ok ") {
		t.Errorf("pdftotext is installed but not reported ok:\n%s", out.String())
	}
}

func TestParseOCRFlag(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Main([]string{"parse", "--ocr", "sometimes", "../../ingest/testdata/pdf/broken/scanned.pdf"}, &out, &errOut)
	if code != exitUsage || !strings.Contains(errOut.String(), "want auto, off or force") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	out.Reset()
	errOut.Reset()
	code = Main([]string{"parse", "--ocr", "off", "../../ingest/testdata/pdf/broken/scanned.pdf", "../../ingest/testdata/pdf/bulletin-2021-014.lo.pdf"}, &out, &errOut)
	if code != exitFailure || !strings.Contains(errOut.String(), "OCR is off") || !strings.Contains(out.String(), "2021-014") {
		t.Errorf("exit %d, stderr %q, stdout %q", code, errOut.String(), out.String()[:min(len(out.String()), 80)])
	}
}
