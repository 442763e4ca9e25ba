package ingest

import (
	"context"
	"os/exec"
	"strings"
)

// Optional external programs that PDF reading uses when they are installed.
const (
	ToolPDFToText = "pdftotext" // poppler-utils: pages whose text layer does not decode
	ToolPDFToPPM  = "pdftoppm"  // poppler-utils: renders pages for OCR
	ToolTesseract = "tesseract" // tesseract-ocr with chi_sim: pages that are scanned images
)

// Tool is an optional external program and what it adds.
type Tool struct {
	Name    string // the program
	Package string // the Debian package that installs it
	Adds    string // what jianbao can do with it
	Path    string // where it was found; "" when absent
	Version string // the first line of its version output, when found
	Problem string // why it is present but not usable, if it is not
}

// Tools reports which optional tools are installed: pdftotext and pdftoppm
// (poppler-utils) and tesseract with its Simplified Chinese data. lookPath
// finds a program (nil means exec.LookPath).
func Tools(ctx context.Context, lookPath func(string) (string, error)) []Tool {
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	tools := []Tool{
		{Name: ToolPDFToText, Package: "poppler-utils", Adds: "reads PDF pages whose text layer does not decode (fonts without a usable ToUnicode map)"},
		{Name: ToolPDFToPPM, Package: "poppler-utils", Adds: "renders scanned PDF pages as images for OCR"},
		{Name: ToolTesseract, Package: "tesseract-ocr tesseract-ocr-chi-sim", Adds: "OCR of scanned PDF pages (no text layer), with --ocr auto or force"},
	}
	for i := range tools {
		t := &tools[i]
		p, err := lookPath(t.Name)
		if err != nil {
			continue
		}
		t.Path = p
		flag := "-v"
		if t.Name == ToolTesseract {
			flag = "--version"
		}
		out, _ := exec.CommandContext(ctx, p, flag).CombinedOutput()
		if first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n"); first != "" {
			t.Version = first
		}
		if t.Name == ToolTesseract {
			langs, err := exec.CommandContext(ctx, p, "--list-langs").CombinedOutput()
			if err != nil || !strings.Contains(string(langs), "chi_sim") {
				t.Problem = "the chi_sim language data is missing (install tesseract-ocr-chi-sim)"
			}
		}
	}
	return tools
}
