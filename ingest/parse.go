package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
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

// ParseFile reads the bulletin at path; see Parse.
func ParseFile(ctx context.Context, path string, opts Options) (*Issue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(ctx, path, data, opts)
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
	switch src.Format {
	case FormatTXT:
		text, enc, err := Decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		opts.logger().Debug("decoded", "file", name, "encoding", enc, "bytes", len(data))
		pages = []Page{{Text: text}}
	default:
		return nil, fmt.Errorf("%s: reading %s files is not supported", name, src.Format)
	}
	iss, err := Structure(Normalize(pages))
	if iss == nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	iss.Source = src
	themes := opts.Themes
	if themes == nil {
		themes = DefaultTaxonomy()
	}
	themes.TagIssue(iss)
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
