package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"
)

// Formats of source files.
const (
	FormatTXT = "txt"
	FormatPDF = "pdf"
)

// Options control how a file is read.
type Options struct {
	// Logger receives progress and detail; nil discards them.
	Logger *slog.Logger
	// Themes tags the articles; nil means DefaultTaxonomy().
	Themes *Taxonomy
	// Untagged leaves the articles' themes empty, for a caller that tags
	// them itself.
	Untagged bool
	// MaxFileBytes bounds the size of a file ParseFile reads
	// (DefaultMaxFileBytes if 0).
	MaxFileBytes int64

	// OCR says when PDF pages are read by OCR: OCRAuto (the default when
	// empty), OCROff or OCRForce.
	OCR string
	// PDFTimeout bounds the reading of one PDF (DefaultPDFTimeout if 0).
	PDFTimeout time.Duration
	// MaxPDFPages and MaxPDFBytes bound the size of a PDF that is read
	// (DefaultMaxPDFPages, DefaultMaxPDFBytes if 0).
	MaxPDFPages, MaxPDFBytes int
	// Progress, when set, is called with the format of the file once it is
	// known (pages 0), and for a PDF again with its number of pages once
	// they are counted, before they are read.
	Progress func(format string, pages int)
	// OCRCacheDir keeps the results of OCR by page image, so that a page
	// is read by tesseract once; "" reads every time.
	OCRCacheDir string
	// OCRWorkers is the number of pages of one PDF read by OCR at once;
	// 0 means GOMAXPROCS.
	OCRWorkers int
	// OCRRaw keeps text read by OCR as tesseract gives it: no correction
	// of its structure and no partial record of a scan whose masthead is
	// not read. It is for measuring what those add.
	OCRRaw bool
	// LookPath finds the optional external tools (pdftotext, pdftoppm,
	// tesseract); nil means exec.LookPath.
	LookPath func(file string) (string, error)
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// DetectFormat returns the format of a source from its leading bytes, or
// from its name's extension when the bytes do not tell.
func DetectFormat(name string, data []byte) string {
	head := data[:min(len(data), 1024)]
	if bytes.Contains(head, []byte("%PDF-")) {
		return FormatPDF
	}
	if strings.EqualFold(filepath.Ext(name), ".pdf") {
		return FormatPDF
	}
	return FormatTXT
}

// Parse turns the bytes of one bulletin file into its Issue. name is the
// file's path, recorded in Source and used in messages. The error, when not
// nil, is prefixed by name; as with Structure, an ErrorList error comes with
// a usable Issue, any other error with none.
func Parse(ctx context.Context, name string, data []byte, opts Options) (*Issue, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	src := Source{Path: name, Format: DetectFormat(name, data), SHA256: hex.EncodeToString(sum[:])}
	var pages []Page
	var pageErrs ErrorList
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: empty file", name)
	}
	if opts.Progress != nil {
		opts.Progress(src.Format, 0)
	}
	switch src.Format {
	case FormatTXT:
		text, enc, err := Decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		opts.logger().Debug("decoded", "file", name, "encoding", enc, "bytes", len(data))
		pages = []Page{{Text: text}}
	case FormatPDF:
		var info pdfInfo
		var err error
		pages, info, err = readPDF(ctx, data, opts)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		src.Pages, src.PageNotes, pageErrs = info.pages, info.notes, info.warns
		src.Corrections = info.corrections
		opts.logger().Debug("read pdf", "file", name, "pages", info.pages, "notes", len(info.notes))
	default:
		return nil, fmt.Errorf("%s: reading %s files is not supported", name, src.Format)
	}
	if err := checkLines(pages); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lines := Normalize(pages)
	iss, err := Structure(lines)
	if iss == nil && errors.Is(err, ErrNotBulletin) && readByOCR(src.PageNotes) && !opts.OCRRaw {
		// A scan whose masthead OCR could not read is kept, in part.
		iss, err = structurePartial(lines, name, src.SHA256, err)
	}
	if iss == nil {
		if len(pageErrs) > 0 {
			return nil, fmt.Errorf("%s: %w (%w)", name, err, pageErrs)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if l, ok := err.(ErrorList); ok || err == nil {
		err = append(pageErrs, l...).Err()
	}
	iss.Source = src
	if !opts.Untagged {
		themes := opts.Themes
		if themes == nil {
			themes = DefaultTaxonomy()
		}
		themes.TagIssue(iss)
	}
	if err != nil {
		return iss, prefixErrors(name, err)
	}
	return iss, nil
}

// NamedErrorList is an ErrorList with the name of the file it is about.
type NamedErrorList struct {
	Name string
	ErrorList
}

func (e *NamedErrorList) Error() string { return e.Name + ": " + e.ErrorList.Error() }
func (e *NamedErrorList) Unwrap() error { return e.ErrorList }

func prefixErrors(name string, err error) error {
	if l, ok := err.(ErrorList); ok {
		return &NamedErrorList{Name: name, ErrorList: l}
	}
	return fmt.Errorf("%s: %w", name, err)
}
