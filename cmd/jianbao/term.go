package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// termText returns s with each control character other than newline and
// tab written as a visible escape (\x1b, \u009b): text of an ingested file
// never reaches a terminal raw, where ESC or the C1 CSI (U+009B) would
// start a control sequence that moves the cursor, rewrites the screen or
// sets the window title. Ingest refuses such text; an index made before
// it did may still hold some.
func termText(s string) string {
	if !strings.ContainsFunc(s, isTermControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !isTermControl(r):
			b.WriteRune(r)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// isTermControl reports a control character a terminal may act on: C0
// other than newline and tab, DEL and C1.
func isTermControl(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }

// termJSON escapes in JSON text what encoding/json leaves raw and a
// terminal acts on: DEL and the C1 controls U+0080..U+009F become \u007f,
// \u0080…; outside strings JSON is ASCII without them, so the result is the
// same JSON value.
func termJSON(b []byte) []byte {
	if !bytes.Contains(b, []byte{0x7f}) && !hasC1(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == 0x7f:
			out = append(out, `\u007f`...)
		case b[i] == 0xC2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9F:
			out = fmt.Appendf(out, `\u%04x`, b[i+1])
			i++
		default:
			out = append(out, b[i])
		}
	}
	return out
}

// hasC1 reports whether UTF-8 b holds a C1 control character.
func hasC1(b []byte) bool {
	for i := bytes.IndexByte(b, 0xC2); i >= 0 && i+1 < len(b); {
		if b[i+1] >= 0x80 && b[i+1] <= 0x9F {
			return true
		}
		j := bytes.IndexByte(b[i+1:], 0xC2)
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// termJSONWriter passes each write through termJSON. json.Encoder makes
// one write per value, so no escape is split between two writes.
type termJSONWriter struct{ w io.Writer }

func (t termJSONWriter) Write(p []byte) (int, error) {
	if _, err := t.w.Write(termJSON(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
