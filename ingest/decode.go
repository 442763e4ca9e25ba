package ingest

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Encoding names reported by Decode.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF16   = "utf-16"
	EncodingGB18030 = "gb18030"
)

// Decode returns the text of a TXT file as UTF-8, detecting its encoding:
// UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark, or
// GB18030 (a superset of GBK and GB2312). Data in none of them, or holding
// binary control bytes, is an error naming the byte offset of the first
// offending byte.
func Decode(data []byte) (text, enc string, err error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if i := invalidUTF8(data); i >= 0 {
			return "", "", fmt.Errorf("invalid UTF-8 after byte-order mark at byte offset %d", i+3)
		}
		if err := controlByte(data, 3); err != nil {
			return "", "", err
		}
		if err := c1UTF8(data, 3); err != nil {
			return "", "", err
		}
		return string(data), EncodingUTF8, nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil {
			return "", "", fmt.Errorf("invalid UTF-16: %w", err)
		}
		if err := controlByte(out, -1); err != nil {
			return "", "", err
		}
		if err := c1UTF8(out, -1); err != nil {
			return "", "", err
		}
		return string(out), EncodingUTF16, nil
	}
	u := invalidUTF8(data)
	if u < 0 {
		if err := controlByte(data, 0); err != nil {
			return "", "", err
		}
		if err := c1UTF8(data, 0); err != nil {
			return "", "", err
		}
		return string(data), EncodingUTF8, nil
	}
	g := invalidGB18030(data)
	if g < 0 {
		if err := controlByte(data, 0); err != nil {
			return "", "", err
		}
		if i := c1GB18030(data); i >= 0 {
			return "", "", fmt.Errorf("binary data (C1 control character) at byte offset %d", i)
		}
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return "", "", fmt.Errorf("decode GB18030: %w", err)
		}
		return string(out), EncodingGB18030, nil
	}
	return "", "", fmt.Errorf("neither UTF-8 (invalid byte at offset %d) nor GB18030 (invalid byte at offset %d)", u, g)
}

// invalidUTF8 returns the byte offset of the first invalid UTF-8 sequence in
// b, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// invalidGB18030 returns the byte offset of the first byte sequence of b that
// GB18030 does not map to a character, or -1. The sequence structure (one,
// two or four bytes) is checked here; each multi-byte character is then
// decoded by x/text to catch unmapped codes.
func invalidGB18030(b []byte) int {
	dec := simplifiedchinese.GB18030.NewDecoder()
	for i := 0; i < len(b); {
		c := b[i]
		n := 0
		switch {
		case c < 0x80:
			i++
			continue
		case c == 0x80 || c == 0xFF:
			return i
		case i+1 < len(b) && (b[i+1] >= 0x40 && b[i+1] <= 0xFE && b[i+1] != 0x7F):
			n = 2
		case i+3 < len(b) && b[i+1] >= 0x30 && b[i+1] <= 0x39 &&
			b[i+2] >= 0x81 && b[i+2] <= 0xFE && b[i+3] >= 0x30 && b[i+3] <= 0x39:
			n = 4
		default:
			return i
		}
		out, err := dec.Bytes(b[i : i+n])
		if err != nil || decodesToReplacement(out, b[i:i+n]) {
			return i
		}
		i += n
	}
	return -1
}

// gbReplacement is U+FFFD encoded in GB18030: the one sequence that may
// legitimately decode to the replacement character.
var gbReplacement = mustEncode(simplifiedchinese.GB18030, "\uFFFD")

func decodesToReplacement(out, in []byte) bool {
	return string(out) == "\uFFFD" && !bytes.Equal(in, gbReplacement)
}

func mustEncode(e encoding.Encoding, s string) []byte {
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

// controlByte reports a control byte other than tab, line feed, carriage
// return and form feed: a file holding one is binary, not text. Bytes below
// 0x20 are single characters in UTF-8 and GB18030 alike. base is the offset
// of b in the file, or -1 when b was transcoded from UTF-16.
func controlByte(b []byte, base int) error {
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7F {
			if base < 0 {
				return fmt.Errorf("binary data (control character 0x%02X) in the UTF-16 text", c)
			}
			return fmt.Errorf("binary data (control byte 0x%02X) at byte offset %d", c, base+i)
		}
	}
	return nil
}

// isC1 reports whether r is a C1 control character, U+0080 to U+009F: a
// terminal takes U+009B as the start of a control sequence, as it takes
// ESC [, so text holding one is refused like text holding ESC.
func isC1(r rune) bool { return r >= 0x80 && r <= 0x9F }

// c1UTF8 reports a C1 control character in the UTF-8 text b. base is the
// offset of b in the file, or -1 when b was transcoded from UTF-16.
func c1UTF8(b []byte, base int) error {
	for i := 0; i+1 < len(b); i++ {
		// U+0080..U+009F are C2 80..C2 9F in UTF-8; C2 starts no other
		// sequence with such a second byte.
		if b[i] == 0xC2 && b[i+1] >= 0x80 && b[i+1] <= 0x9F {
			if base < 0 {
				return fmt.Errorf("binary data (control character U+%04X) in the UTF-16 text", b[i+1])
			}
			return fmt.Errorf("binary data (control character U+%04X) at byte offset %d", b[i+1], base+i)
		}
	}
	return nil
}

// c1GB18030 returns the byte offset of the first C1 control character in
// the GB18030 text b, or -1. GB18030 maps them to four-byte sequences; b is
// valid GB18030 (invalidGB18030 said so).
func c1GB18030(b []byte) int {
	dec := simplifiedchinese.GB18030.NewDecoder()
	for i := 0; i < len(b); {
		switch {
		case b[i] < 0x80:
			i++
		case i+3 < len(b) && b[i+1] >= 0x30 && b[i+1] <= 0x39:
			out, err := dec.Bytes(b[i : i+4])
			if r, _ := utf8.DecodeRune(out); err == nil && isC1(r) {
				return i
			}
			i += 4
		default:
			i += 2
		}
	}
	return -1
}
