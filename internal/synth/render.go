package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/simplifiedchinese"

	"jianbao/ingest"
)

// Encodings of generated files.
const (
	encUTF8 = iota
	encBOM
	encGBK
)

// style is how a file is laid out and encoded.
type style struct {
	full   bool // full-width ， （ ） ： ； (else half-width , ( ) : ;)
	blank  bool // a blank line after every line
	spaced bool // spaces between CJK characters and digits, as PDF extraction leaves them
	indent bool // paragraphs indented by two ideographic spaces
	enc    int
	crlf   bool
}

func (g *generator) style() style {
	r := g.r
	st := style{
		full:   r.IntN(2) == 0,
		blank:  r.IntN(100) < 80,
		spaced: r.IntN(2) == 0,
		indent: r.IntN(10) == 0,
		crlf:   r.IntN(100) < 15,
	}
	switch k := r.IntN(100); {
	case k < 15:
		st.enc = encGBK
	case k < 25:
		st.enc = encBOM
	}
	return st
}

// writer accumulates the lines of a file in its style.
type writer struct {
	st   style
	r    *rand.Rand
	buf  strings.Builder
	page int // number of the page being written, from 1
}

func (w *writer) line(s string) {
	w.buf.WriteString(s)
	w.buf.WriteByte('\n')
	if w.st.blank {
		w.buf.WriteByte('\n')
	}
}

// header writes the masthead: title, special issue, 第N期, (总第N期), issuer
// and date, after 0–2 blank lines.
func (w *writer) header(iss *ingest.Issue, s issueSlot) {
	r := w.r
	for range r.IntN(3) {
		w.buf.WriteByte('\n')
	}
	w.line(iss.Title)
	if s.special != "" {
		w.line(s.special)
	}
	if r.IntN(2) == 0 {
		w.line(fmt.Sprintf("第 %d 期", s.issue))
	} else {
		w.line(fmt.Sprintf("第%d期", s.issue))
	}
	if s.total > 0 {
		open, close := "(", ")"
		if w.st.full {
			open, close = "（", "）"
		}
		if r.IntN(2) == 0 {
			w.line(fmt.Sprintf("%s总第 %d 期%s", open, s.total, close))
		} else {
			w.line(fmt.Sprintf("%s总第%d期%s", open, s.total, close))
		}
	}
	w.line(iss.Issuer)
	y, m, d := s.date.Date()
	switch r.IntN(3) {
	case 0:
		w.line(fmt.Sprintf("%d 年 %d 月 %d 日", y, m, d))
	case 1:
		w.line(fmt.Sprintf("%d年%d月%d日", y, m, d))
	default:
		w.line(fmt.Sprintf("%d年 %d月 %d日", y, m, d))
	}
}

// article writes an article: its title line, its paragraphs (split where
// a.cut says) and its attribution line.
func (w *writer) article(a *article) {
	if a.title != "" {
		w.line(w.artefacts(a.title))
	}
	for i, p := range a.paras {
		if i > 0 && w.r.IntN(40) == 0 {
			w.line(w.pageNumber()) // a page ending with its paragraph
		}
		indent := ""
		if w.st.indent {
			indent = "\u3000\u3000"
		}
		c, split := a.cut[i]
		if !split {
			w.line(indent + w.artefacts(p) + w.trailing())
			continue
		}
		rs := []rune(p)
		w.buf.WriteString(indent + w.artefacts(string(rs[:c.pos])) + w.trailing())
		w.buf.WriteString("\n\n")
		if c.number {
			w.buf.WriteString(w.pageNumber() + "\n\n")
		}
		w.line(w.artefacts(string(rs[c.pos:])) + w.trailing())
	}
	if a.org != "" {
		if w.st.full {
			w.line("（" + a.org + "）")
		} else {
			w.line("(" + a.org + ")")
		}
	}
}

// pageNumber returns the page-number line that starts the next page, in
// one of the forms extraction leaves: "— 2 —", "-2-".
func (w *writer) pageNumber() string {
	w.page++
	return fmt.Sprintf(pick(w.r, []string{"— %d —", "—%d—", "- %d -", "-%d-"}), w.page+1)
}

// trailing returns the white space some extracted lines end with.
func (w *writer) trailing() string {
	if w.st.spaced && w.r.IntN(10) == 0 {
		return " "
	}
	return ""
}

// artefacts inserts, in a spaced file, the spaces PDF extraction puts
// between Han characters and digits or Latin letters ("志愿者 1500 余人"), and
// now and then a stray space between two Han characters.
func (w *writer) artefacts(s string) string {
	if !w.st.spaced {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	var prev rune
	for i, c := range s {
		if i > 0 {
			ph, ch := unicode.Is(unicode.Han, prev), unicode.Is(unicode.Han, c)
			switch {
			case ph && isASCIIAlnum(c) || isASCIIAlnum(prev) && ch:
				if w.r.IntN(100) < 85 {
					b.WriteByte(' ')
				}
			case ph && ch:
				if w.r.IntN(300) == 0 {
					b.WriteByte(' ')
				}
			}
		}
		b.WriteRune(c)
		prev = c
	}
	return b.String()
}

// bytes returns the file: line endings and encoding applied.
func (w *writer) bytes() []byte {
	text := w.buf.String()
	if w.st.crlf {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	switch w.st.enc {
	case encGBK:
		data, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
		if err != nil {
			panic(fmt.Sprintf("synth: generated text not encodable in GBK: %v", err))
		}
		return data
	case encBOM:
		return append([]byte{0xEF, 0xBB, 0xBF}, text...)
	}
	return []byte(text)
}
