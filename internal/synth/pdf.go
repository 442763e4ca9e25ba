package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/signintech/gopdf"

	"jianbao/ingest"
)

// PDF layout: A4 in points, one font, body text in 15 points with a first
// line indent of two characters, as bulletins are printed.
const (
	pdfPageW, pdfPageH = 595.28, 841.89
	pdfLeft, pdfRight  = 80.0, 80.0
	pdfTop, pdfBottom  = 72.0, 80.0
	pdfBodySize        = 15.0
	pdfFootSize        = 12.0
	pdfLeading         = 1.6
)

// WritePDF lays out the bulletin whose record is iss as a PDF written by
// gopdf and writes it to w: a centred title, the masthead, 【section】
// headings, explicit headlines centred, paragraphs indented by two
// characters, attributions set right, the footer fields and distribution
// lists, a page number "- N -" at the foot of each page. font is the path
// of a TrueType font with Chinese and ASCII glyphs (fonts-arphic-gbsn00lp's
// gbsn00lp.ttf, say). It returns, for each article of iss, the 1-based page
// where it starts, and the number of pages.
func WritePDF(w io.Writer, iss *ingest.Issue, font string) (pages []int, total int, err error) {
	l := &pdfLayout{pdf: &gopdf.GoPdf{}}
	l.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	l.pdf.SetInfo(gopdf.PdfInfo{Producer: "jianbao synth (gopdf)", Title: iss.Title})
	if err := l.pdf.AddTTFFont("f", font); err != nil {
		return nil, 0, fmt.Errorf("load font %s: %w", font, err)
	}
	if err := l.newPage(); err != nil {
		return nil, 0, err
	}
	red := func() { l.pdf.SetTextColor(200, 16, 46) }
	black := func() { l.pdf.SetTextColor(0, 0, 0) }

	red()
	l.err = l.centred(iss.Title, 24)
	l.y += 10
	black()
	if iss.Special != "" {
		l.centred(iss.Special, pdfBodySize+1)
	}
	l.centred(fmt.Sprintf("第 %d 期", iss.Issue), pdfBodySize)
	if iss.TotalIssue > 0 {
		l.centred(fmt.Sprintf("（总第 %d 期）", iss.TotalIssue), pdfBodySize)
	}
	l.issuerDate(iss.Issuer, isoToChinese(iss.Date))
	l.y += 12
	section := ""
	for _, a := range iss.Articles {
		if a.Section != section && a.Section != "" {
			section = a.Section
			l.y += 6
			l.line("【"+section+"】", pdfLeft, pdfBodySize+1)
		}
		// The article starts on the page of its first line: its
		// headline, or its first paragraph (the section heading, which
		// may end the page before, is not part of it).
		body := a.Body
		start := 0
		if explicitHeadline(a.Headline, body) {
			l.centred(a.Headline, pdfBodySize)
			start = l.page
		}
		for _, para := range strings.Split(body, "\n\n") {
			if para = strings.TrimSpace(para); para == "" {
				continue
			}
			l.wrap(para, 2*pdfBodySize, pdfBodySize)
			if start == 0 {
				start = l.firstLinePage
			}
		}
		pages = append(pages, max(start, 1))
		if a.SourceOrg != "" {
			l.setRight("（"+a.SourceOrg+"）", pdfBodySize)
		}
	}
	l.y += 10
	var fields []string
	if iss.Editor != "" {
		fields = append(fields, "责编："+iss.Editor)
	}
	if iss.Reviewer != "" {
		fields = append(fields, "核稿："+iss.Reviewer)
	}
	if len(fields) > 0 {
		l.wrap(strings.Join(fields, "　　"), 0, pdfFootSize)
	}
	fields = nil
	for _, f := range []struct{ key, v string }{{"电话：", iss.Contact.Phone}, {"传真：", iss.Contact.Fax}, {"邮箱：", iss.Contact.Email}} {
		if f.v != "" {
			fields = append(fields, f.key+f.v)
		}
	}
	if len(fields) > 0 {
		l.wrap(strings.Join(fields, "　　"), 0, pdfFootSize)
	}
	for _, d := range []struct {
		key  string
		list []string
	}{{"报：", iss.Distribution.ReportTo}, {"送：", iss.Distribution.SendTo}, {"发：", iss.Distribution.IssueTo}} {
		if len(d.list) > 0 {
			l.wrap(d.key+strings.Join(d.list, "，")+"。", 0, pdfFootSize)
		}
	}
	if l.err != nil {
		return nil, 0, l.err
	}
	if err := l.pdf.Write(w); err != nil {
		return nil, 0, fmt.Errorf("write pdf: %w", err)
	}
	return pages, l.page, nil
}

// PDFFile returns f laid out as a PDF by WritePDF, with the record it must
// give: f's expected record with the source of a PDF and each article's
// page.
func PDFFile(f File, font string) (File, error) {
	var buf bytes.Buffer
	pages, total, err := WritePDF(&buf, f.Expected, font)
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", f.Name, err)
	}
	exp := *f.Expected
	exp.Articles = append([]ingest.Article(nil), f.Expected.Articles...)
	for i := range exp.Articles {
		exp.Articles[i].Page = pages[i]
	}
	name := strings.TrimSuffix(f.Name, ".txt") + ".pdf"
	sum := sha256.Sum256(buf.Bytes())
	exp.Source = ingest.Source{Path: name, Format: ingest.FormatPDF, SHA256: hex.EncodeToString(sum[:]), Pages: total}
	return File{Name: name, Data: buf.Bytes(), Expected: &exp}, nil
}

// explicitHeadline reports whether an article's headline is a title line
// of its own rather than the first sentence of its body (which ends with
// its full stop, or is the whole first paragraph).
func explicitHeadline(headline, body string) bool {
	if headline == "" {
		return false
	}
	if !strings.HasPrefix(body, headline) {
		return true
	}
	rest := body[len(headline):]
	return !(rest == "" || strings.HasPrefix(rest, "\n\n") || strings.ContainsAny(lastRune(headline), "。！？!?”’」』"))
}

func lastRune(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	return string(r[len(r)-1])
}

// isoToChinese turns "2021-03-23" into "2021年3月23日".
func isoToChinese(iso string) string {
	var y, m, d int
	if _, err := fmt.Sscanf(iso, "%d-%d-%d", &y, &m, &d); err != nil {
		return iso
	}
	return fmt.Sprintf("%d年%d月%d日", y, m, d)
}

// pdfLayout places lines on pages, top to bottom. The first error stops
// all further drawing and is kept in err.
type pdfLayout struct {
	pdf           *gopdf.GoPdf
	page          int
	y             float64
	firstLinePage int // page of the first line of the last wrap
	err           error
}

func (l *pdfLayout) newPage() error {
	l.pdf.AddPage()
	l.page++
	if err := l.pdf.SetFont("f", "", 11); err != nil {
		return fmt.Errorf("set font: %w", err)
	}
	no := fmt.Sprintf("- %d -", l.page)
	w, err := l.pdf.MeasureTextWidth(no)
	if err != nil {
		return fmt.Errorf("measure: %w", err)
	}
	l.pdf.SetXY((pdfPageW-w)/2, pdfPageH-50)
	if err := l.pdf.Cell(nil, no); err != nil {
		return fmt.Errorf("page number: %w", err)
	}
	l.y = pdfTop
	return nil
}

// line draws text at x on the next line, starting a page when this one is
// full.
func (l *pdfLayout) line(text string, x, size float64) error {
	if l.err != nil {
		return l.err
	}
	if l.y+size*pdfLeading > pdfPageH-pdfBottom {
		if l.err = l.newPage(); l.err != nil {
			return l.err
		}
	}
	if l.err = l.pdf.SetFont("f", "", size); l.err != nil {
		return l.err
	}
	l.pdf.SetXY(x, l.y)
	if l.err = l.pdf.Cell(nil, text); l.err != nil {
		return l.err
	}
	l.y += size * pdfLeading
	return nil
}

func (l *pdfLayout) width(text string, size float64) float64 {
	if l.err != nil {
		return 0
	}
	if l.err = l.pdf.SetFont("f", "", size); l.err != nil {
		return 0
	}
	w, err := l.pdf.MeasureTextWidth(text)
	if err != nil {
		l.err = err
	}
	return w
}

func (l *pdfLayout) centred(text string, size float64) error {
	w := l.width(text, size)
	return l.line(text, pdfLeft+(pdfPageW-pdfLeft-pdfRight-w)/2, size)
}

func (l *pdfLayout) setRight(text string, size float64) error {
	w := l.width(text, size)
	return l.line(text, pdfPageW-pdfRight-w, size)
}

// issuerDate draws the issuer at the left and the date at the right of one
// line.
func (l *pdfLayout) issuerDate(issuer, date string) error {
	if l.err != nil {
		return l.err
	}
	w := l.width(date, pdfBodySize)
	if issuer != "" {
		l.pdf.SetXY(pdfLeft, l.y)
		if l.err = l.pdf.Cell(nil, issuer); l.err != nil {
			return l.err
		}
	}
	return l.line(date, pdfPageW-pdfRight-w, pdfBodySize)
}

// wrap draws a paragraph in lines as wide as the text block, the first
// indented by indent.
func (l *pdfLayout) wrap(text string, indent, size float64) error {
	width := pdfPageW - pdfLeft - pdfRight
	var cur []rune
	dx := indent
	first := true
	emit := func() {
		if l.y+size*pdfLeading > pdfPageH-pdfBottom && l.err == nil {
			l.err = l.newPage()
		}
		if first {
			l.firstLinePage = l.page
			first = false
		}
		l.line(string(cur), pdfLeft+dx, size)
		cur, dx = nil, 0
	}
	for _, r := range text {
		if w := l.width(string(append(cur, r)), size); w > width-dx && len(cur) > 0 {
			emit()
		}
		cur = append(cur, r)
	}
	if len(cur) > 0 {
		emit()
	}
	return l.err
}
