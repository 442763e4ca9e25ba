package ingest

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Page is the extracted text of one page of a source. TXT files are one page
// numbered 0.
type Page struct {
	Number int // 1-based PDF page; 0 for TXT
	Text   string
}

// Line is one non-blank line of normalised text.
type Line struct {
	Text string // normalised: see Normalize
	Raw  string // the line as extracted
	Pos  Pos
}

// Normalize splits pages into lines and normalises each: line endings of any
// kind, blank lines and page furniture (page numbers such as "— 3 —" or
// "第3页") dropped, and the spaces that extraction puts between CJK
// characters, or between CJK and digits or Latin letters, removed
// ("2021 年 3 月 23 日" → "2021年3月23日"). Widths are kept as written; Fold
// makes them alike for matching. Lines split by page breaks are re-joined by
// Structure, which knows where a paragraph may continue.
func Normalize(pages []Page) []Line {
	var lines []Line
	for _, p := range pages {
		text := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\f", "\n").Replace(p.Text)
		no := 0
		for raw := range strings.Lines(text) {
			no++
			raw = strings.TrimRight(raw, "\n")
			t := CleanSpaces(dropControls(raw))
			if t == "" || isPageNumber(t) {
				continue
			}
			lines = append(lines, Line{Text: t, Raw: raw, Pos: Pos{Line: no, Page: p.Number}})
		}
	}
	return lines
}

// pageNumberRe matches the usual forms of a page number standing alone on a
// line: "— 3 —", "-3-", "第3页", "第 3 页 共 8 页", "3/8", "3".
var pageNumberRe = regexp.MustCompile(`^(?:[-—–－―−]*\s*\d{1,3}\s*[-—–－―−]*|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})$`)

// maxPageNumberLine bounds the length in bytes of a page-number line, so
// that the lines of text are not matched against pageNumberRe.
const maxPageNumberLine = 48

func isPageNumber(s string) bool {
	return len(s) <= maxPageNumberLine && pageNumberRe.MatchString(Fold(s))
}

// dropControls returns s without control characters other than white
// space: C0 controls such as ESC, DEL and the C1 controls U+0080..U+009F.
// A TXT file holding one is refused by Decode; text extracted from a PDF
// loses them here, so that none reaches the index or a terminal.
func dropControls(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

// isControl reports a control character that is not white space.
func isControl(r rune) bool { return unicode.IsControl(r) && !IsSpace(r) }

// CleanSpaces trims s and removes every run of white space (including the
// ideographic space U+3000) that touches a CJK character or CJK punctuation
// on either side; other runs become one space.
func CleanSpaces(s string) string {
	s = strings.TrimFunc(s, IsSpace)
	if !strings.ContainsFunc(s, IsSpace) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
	pending := false
	for _, r := range s {
		if IsSpace(r) {
			pending = true
			continue
		}
		if pending {
			if !isCJK(prev) && !isCJK(r) {
				b.WriteByte(' ')
			}
			pending = false
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// IsSpace reports whether r is white space: the Unicode White_Space
// property, which takes in the ideographic space U+3000, the no-break space
// U+00A0, the em space U+2003 and the thin space U+2009 beside ASCII's.
// Normalising, the query language and the search of exact phrases all use
// it, so that text and queries split and join on the same characters.
func IsSpace(r rune) bool { return unicode.Is(unicode.White_Space, r) }

// isCJK reports whether r is a Han character or punctuation set in CJK text:
// CJK symbols, full-width forms, curly quotes, dashes and the middle dot.
func isCJK(r rune) bool {
	switch {
	case unicode.Is(unicode.Han, r),
		r >= 0x3000 && r <= 0x303F, // CJK symbols and punctuation
		r >= 0xFF00 && r <= 0xFFEF, // half- and full-width forms
		r >= 0x2010 && r <= 0x2027, // dashes, curly quotes, ellipsis
		r == 0x00B7:                // middle dot
		return true
	}
	return false
}

// Fold returns s with full-width ASCII letters, digits and punctuation mapped
// to their half-width forms ("，２０２１" → ",2021"), so that text typed or
// extracted either way matches. It is width.Fold; text with nothing to
// fold, most of every bulletin, is returned as it is without going through
// the transformer.
func Fold(s string) string {
	if !mayFold(s) {
		return s
	}
	return width.Fold.String(s)
}

// mayFold reports whether s may hold a rune that width.Fold changes. Those
// are the ideographic space U+3000 and forms from U+FF01 to U+FFEE
// (TestFoldEveryRune), which UTF-8 writes as E3 80 80 and as EF BC 81 to
// EF BF AE: a lead byte EF followed by BC or more marks every one of them
// and a few others.
func mayFold(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		switch s[i] {
		case 0xE3:
			if s[i+1] == 0x80 && s[i+2] == 0x80 {
				return true
			}
		case 0xEF:
			if s[i+1] >= 0xBC {
				return true
			}
		}
	}
	return false
}

// MatchText is the form of text used for matching: spaces removed as by
// Normalize, widths folded. Index and query apply it alike.
func MatchText(s string) string { return Fold(CleanSpaces(s)) }
