package report

import (
	"encoding/csv"
	"io"
	"strings"
)

// formulaStarts are the first characters that make a spreadsheet (Excel,
// LibreOffice Calc, Google Sheets) read a CSV cell as a formula or as the
// start of one: =, +, -, @, tab and carriage return (the OWASP list for
// CSV injection).
const formulaStarts = "=+-@\t\r"

// SafeCell returns s as a spreadsheet shows it as text: a cell that starts
// with one of = + - @ tab or carriage return gets a leading apostrophe, so
// that text of an ingested file such as =HYPERLINK(…) or -2+3 is never run
// as a formula. Other cells are returned unchanged.
func SafeCell(s string) string {
	if s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// CSVWriter writes CSV rows, each cell passed through SafeCell first. Every
// CSV that jianbao writes goes through one.
type CSVWriter struct {
	cw  *csv.Writer
	row []string
}

// NewCSVWriter returns a CSVWriter writing to w.
func NewCSVWriter(w io.Writer) *CSVWriter {
	return &CSVWriter{cw: csv.NewWriter(w)}
}

// Write writes one row with its cells made safe; it returns the error of
// the underlying writer.
func (c *CSVWriter) Write(cells []string) error {
	c.row = c.row[:0]
	for _, s := range cells {
		c.row = append(c.row, SafeCell(s))
	}
	return c.cw.Write(c.row)
}

// Flush writes any buffered data and returns the first error of any
// Write or Flush.
func (c *CSVWriter) Flush() error {
	c.cw.Flush()
	return c.cw.Error()
}
