package ingest

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotBulletin is wrapped by the error returned for a text that has no
// recognisable bulletin header.
var ErrNotBulletin = errors.New("not a bulletin")

// Pos is a position in a source file. Line is the 1-based line of the text
// (of the page, for a PDF); Page is the 1-based PDF page, 0 for TXT.
type Pos struct {
	Line int
	Page int
}

func (p Pos) String() string {
	switch {
	case p.Page > 0 && p.Line > 0:
		return fmt.Sprintf("page %d, line %d", p.Page, p.Line)
	case p.Page > 0:
		return fmt.Sprintf("page %d", p.Page)
	case p.Line > 0:
		return fmt.Sprintf("line %d", p.Line)
	}
	return "-"
}

// Error is a problem found at a position of a file. The rest of the file was
// still structured.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is a list of problems found in one file, in order.
type ErrorList []*Error

// Add appends a problem at pos.
func (l *ErrorList) Add(pos Pos, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	b.WriteString(l[0].Error())
	fmt.Fprintf(&b, " (and %d more)", len(l)-1)
	return b.String()
}

// Err returns l as an error, or nil if l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
