// Package hostile builds files that attack a bulletin reader, for tests:
// PDFs that crash, hang or exhaust the PDF library, and TXT files whose
// shape makes a naive parser take gigabytes. Each builder returns the bytes
// of one file; the tests write them where they need them.
package hostile

import (
	"bytes"
	"fmt"
	"strings"
)

// pdfBuilder lays out the objects of a PDF and records their offsets.
type pdfBuilder struct {
	b       bytes.Buffer
	offsets map[int]int
}

func newPDF(version string) *pdfBuilder {
	p := &pdfBuilder{offsets: map[int]int{}}
	fmt.Fprintf(&p.b, "%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n", version)
	return p
}

// obj writes object n with body (a dictionary, or a dictionary and stream).
func (p *pdfBuilder) obj(n int, body string) {
	p.offsets[n] = p.b.Len()
	fmt.Fprintf(&p.b, "%d 0 obj\n%s\nendobj\n", n, body)
}

// xrefTable writes a classic cross-reference table for objects 0..size-1
// and its trailer with extra entries; it returns the table's offset.
func (p *pdfBuilder) xrefTable(size int, trailer string) int {
	at := p.b.Len()
	fmt.Fprintf(&p.b, "xref\n0 %d\n0000000000 65535 f \n", size)
	for n := 1; n < size; n++ {
		if off, ok := p.offsets[n]; ok {
			fmt.Fprintf(&p.b, "%010d 00000 n \n", off)
		} else {
			fmt.Fprintf(&p.b, "0000000000 00000 f \n")
		}
	}
	fmt.Fprintf(&p.b, "trailer\n<< /Size %d %s >>\n", size, trailer)
	return at
}

func (p *pdfBuilder) end(xrefAt int) []byte {
	fmt.Fprintf(&p.b, "startxref\n%d\n%%%%EOF\n", xrefAt)
	return p.b.Bytes()
}

// SelfReferencingObjectStream is a PDF whose cross-reference stream says
// that its page object lives in an object stream that is that same object:
// resolving the page recurses until the Go runtime's stack overflow, a
// fatal error that recover cannot catch. It is a few hundred bytes.
func SelfReferencingObjectStream() []byte {
	p := newPDF("1.5")
	p.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	p.obj(2, "<< /Type /Pages /Kids [5 0 R] /Count 1 >>")
	// Cross-reference stream, fields of 1, 4 and 2 bytes:
	// 0 free; 1, 2, 6 at their offsets; 3, 4 free; 5 in object stream 5.
	type entry struct{ typ, f2, f3 int }
	xrefAt := p.b.Len()
	entries := []entry{{0, 0, 65535}, {1, p.offsets[1], 0}, {1, p.offsets[2], 0}, {0, 0, 0}, {0, 0, 0}, {2, 5, 0}, {1, xrefAt, 0}}
	var data bytes.Buffer
	for _, e := range entries {
		data.Write([]byte{byte(e.typ), byte(e.f2 >> 24), byte(e.f2 >> 16), byte(e.f2 >> 8), byte(e.f2), byte(e.f3 >> 8), byte(e.f3)})
	}
	p.offsets[6] = xrefAt
	fmt.Fprintf(&p.b, "6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", data.Len())
	p.b.Write(data.Bytes())
	p.b.WriteString("\nendstream\nendobj\n")
	return p.end(xrefAt)
}

// blankPage starts a PDF 1.4 of one blank page: objects 1 to 3.
func blankPage() *pdfBuilder {
	p := newPDF("1.4")
	p.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	p.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	p.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
	return p
}

// LoopingPrev is a one-page PDF whose trailer's /Prev points back at its
// own cross-reference table: a reader that follows the chain never ends.
func LoopingPrev() []byte {
	p := blankPage()
	at := p.b.Len()
	return p.end(p.xrefTable(4, fmt.Sprintf("/Root 1 0 R /Prev %d", at)))
}

// SharedContentStream is a PDF of pages pages that all draw one content
// stream of streamBytes bytes, compressed to almost nothing: each page
// costs the reader the whole stream again. With 500 pages and 32 MiB it is
// about 200 KB on disk.
func SharedContentStream(pages, streamBytes int) []byte {
	p := newPDF("1.4")
	p.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	var kids strings.Builder
	for i := range pages {
		fmt.Fprintf(&kids, "%d 0 R ", 5+i)
	}
	p.obj(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.String(), pages))
	p.obj(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	// The content: one text operator repeated, deflated.
	op := []byte("BT /F1 12 Tf 72 712 Td (x) Tj ET\n")
	content := bytes.Repeat(op, streamBytes/len(op)+1)[:streamBytes]
	z := deflate(content)
	p.obj(4, fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(z), z))
	for i := range pages {
		p.obj(5+i, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
	}
	return p.end(p.xrefTable(5+pages, "/Root 1 0 R"))
}

// CommentedXrefHeader is a PDF whose cross-reference table ends with a
// subsection "90000000000 1" whose header line goes on in a comment: the
// PDF library reads the two numbers and, at the entry that follows, sizes
// its table to 90 billion entries (2.9 TB), and the Go runtime ends the
// process. A check that reads the table line by line sees three fields on
// that line and no header.
func CommentedXrefHeader() []byte {
	p := blankPage()
	at := p.b.Len()
	fmt.Fprintf(&p.b, "xref\n0 4\n0000000000 65535 f \n")
	for n := 1; n < 4; n++ {
		fmt.Fprintf(&p.b, "%010d 00000 n \n", p.offsets[n])
	}
	fmt.Fprintf(&p.b, "90000000000 1%% the rest of the line is a comment\n0000000009 00000 n \n")
	fmt.Fprintf(&p.b, "trailer\n<< /Size 4 /Root 1 0 R >>\n")
	return p.end(at)
}
