package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"unicode/utf16"
	"unicode/utf8"

	"jianbao/ingest"
	"jianbao/segment"
)

// An article stores its search text, the value of fText, once: as
// UTF-16LE (fMatch), two bytes a Chinese character where UTF-8 takes three,
// which the index's own compression of stored fields then shrinks to about
// 0.6 of the UTF-8. Phrase search checks its candidates against it (no
// positions are indexed) and snippets are cut from it. The body of the
// record is rebuilt from it with a patch (fPatch): the lengths of the
// headline's and attribution's parts, then the edits that turn the body's
// match form back into the body (paragraph breaks, full-width forms).

// appendUTF16 appends s as UTF-16LE.
func appendUTF16(b []byte, s string) []byte {
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			b = binary.LittleEndian.AppendUint16(b, uint16(r1))
			b = binary.LittleEndian.AppendUint16(b, uint16(r2))
			continue
		}
		b = binary.LittleEndian.AppendUint16(b, uint16(r))
	}
	return b
}

// decodeUTF16 returns the UTF-16LE text b as UTF-8.
func decodeUTF16(b []byte) string {
	buf := make([]byte, 0, len(b)*3/2)
	for i := 0; i+1 < len(b); i += 2 {
		u := rune(binary.LittleEndian.Uint16(b[i:]))
		if utf16.IsSurrogate(u) && i+3 < len(b) {
			if r := utf16.DecodeRune(u, rune(binary.LittleEndian.Uint16(b[i+2:]))); r != utf8.RuneError {
				buf = utf8.AppendRune(buf, r)
				i += 2
				continue
			}
		}
		buf = utf8.AppendRune(buf, u)
	}
	return string(buf)
}

// indexUTF16 returns the byte offset of the first place at or after from
// where UTF-16LE q is in UTF-16LE text at a character (not across two),
// -1 if none.
func indexUTF16(text, q []byte, from int) int {
	for from <= len(text) {
		i := bytes.Index(text[from:], q)
		if i < 0 {
			return -1
		}
		if i += from; i%2 == 0 {
			return i
		}
		from = i + 1
	}
	return -1
}

// occurrences returns the number of places where UTF-16LE q is in UTF-16LE
// text (overlapping ones too), and the byte offset of the first (-1: none).
func occurrences(text, q []byte) (n, first int) {
	first = indexUTF16(text, q, 0)
	for i := first; i >= 0; i = indexUTF16(text, q, i+2) {
		n++
	}
	return n, first
}

// separatorAt returns the byte offset of the first separator in UTF-16LE
// text (len(text): none), where its headline ends.
func separatorAt(text []byte) int {
	if i := indexUTF16(text, []byte{byte(segment.Separator), 0}, 0); i >= 0 {
		return i
	}
	return len(text)
}

// matchLayout is where the parts of a stored search text are, in bytes,
// and where the edits of its patch start.
type matchLayout struct{ headEnd, bodyStart, bodyEnd, edits int }

// storedMatch is the stored search text of an article and its patch.
type storedMatch struct {
	text  []byte // UTF-16LE
	patch []byte
}

// encodeMatch returns the search text of an article (its headline,
// attribution and body in match form, each followed by the separator), its
// stored form and the patch that rebuilds body from that; ok is false when
// the patch cannot (the record then keeps the body itself).
func encodeMatch(headline, org, body string) (text string, m storedMatch, ok bool) {
	h, o, b := ingest.MatchText(headline), ingest.MatchText(org), ingest.MatchText(body)
	sep := string(segment.Separator)
	text = h + sep + o + sep + b + sep
	m.text = appendUTF16(make([]byte, 0, 2*len(text)), text)
	m.patch = binary.AppendUvarint(nil, uint64(utf16Len(h)))
	m.patch = binary.AppendUvarint(m.patch, uint64(utf16Len(o)))
	edits, ok := bodyEdits(body, b)
	m.patch = append(m.patch, edits...)
	if ok {
		if got, err := m.body(); err != nil || got != body {
			ok = false
		}
	}
	if !ok {
		m.patch = m.patch[:len(m.patch)-len(edits)]
	}
	return text, m, ok
}

// utf16Len returns the number of UTF-16 units of s.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// layout returns where the parts of m's text are.
func (m storedMatch) layout() (matchLayout, error) {
	h, n := binary.Uvarint(m.patch)
	o, n2 := binary.Uvarint(m.patch[max(n, 0):])
	if n <= 0 || n2 <= 0 || h > uint64(len(m.text)) || o > uint64(len(m.text)) {
		return matchLayout{}, errors.New("stored search text: bad patch")
	}
	l := matchLayout{headEnd: int(h) * 2, edits: n + n2}
	l.bodyStart = l.headEnd + 2 + int(o)*2 + 2
	l.bodyEnd = len(m.text) - 2
	if l.bodyStart > l.bodyEnd || len(m.text)%2 != 0 {
		return matchLayout{}, errors.New("stored search text: parts out of range")
	}
	return l, nil
}

// parts returns the headline, attribution and body of m in match form.
func (m storedMatch) parts() (head, org, body string, err error) {
	l, err := m.layout()
	if err != nil {
		return "", "", "", err
	}
	return decodeUTF16(m.text[:l.headEnd]), decodeUTF16(m.text[l.headEnd+2 : l.bodyStart-2]),
		decodeUTF16(m.text[l.bodyStart:l.bodyEnd]), nil
}

// body rebuilds the body of the record.
func (m storedMatch) body() (string, error) {
	l, err := m.layout()
	if err != nil {
		return "", err
	}
	return applyEdits(decodeUTF16(m.text[l.bodyStart:l.bodyEnd]), m.patch[l.edits:])
}

// Edits turn a text's match form back into the text. Each is a gap (the
// characters of the match form it skips) and an operation: a character to
// insert (kept<<1) or one to put in place of the next (kept<<1 | 1).

// bodyEdits returns the edits that turn match (ingest.MatchText(raw)) into
// raw, or false if its alignment of the two fails.
func bodyEdits(raw, match string) ([]byte, bool) {
	var out []byte
	gap := 0
	j := 0
	for _, r := range raw {
		m, size := utf8.DecodeRuneInString(match[j:])
		switch {
		case j < len(match) && r == m:
			gap++
			j += size
			continue
		case j < len(match) && (ingest.Fold(string(r)) == string(m) || isBlank(r) && m == ' '):
			out = binary.AppendUvarint(out, uint64(gap))
			out = binary.AppendUvarint(out, uint64(r)<<1|1)
			j += size
		default:
			out = binary.AppendUvarint(out, uint64(gap))
			out = binary.AppendUvarint(out, uint64(r)<<1)
		}
		gap = 0
	}
	return out, j == len(match)
}

func isBlank(r rune) bool { return ingest.CleanSpaces(string(r)) == "" }

// applyEdits applies edits to match.
func applyEdits(match string, edits []byte) (string, error) {
	var b []byte
	for len(edits) > 0 {
		gap, n := binary.Uvarint(edits)
		op, n2 := binary.Uvarint(edits[max(n, 0):])
		if n <= 0 || n2 <= 0 {
			return "", errors.New("stored body: bad patch")
		}
		edits = edits[n+n2:]
		for ; gap > 0; gap-- {
			_, size := utf8.DecodeRuneInString(match)
			if size == 0 {
				return "", errors.New("stored body: patch past the text")
			}
			b, match = append(b, match[:size]...), match[size:]
		}
		b = utf8.AppendRune(b, rune(op>>1))
		if op&1 == 1 {
			_, size := utf8.DecodeRuneInString(match)
			if size == 0 {
				return "", errors.New("stored body: patch past the text")
			}
			match = match[size:]
		}
	}
	return string(append(b, match...)), nil
}
