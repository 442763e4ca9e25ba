// Command gen writes the documents from which make.sh builds the PDF
// fixtures of jianbao's ingest tests. It reads a bulletin TXT and lays it
// out as a bulletin is printed: a centred red title, the masthead, 【section】
// headings, paragraphs indented by two characters, right-aligned attribution
// lines and the footer fields.
//
//	gen fodt IN.txt OUT.fodt          flat OpenDocument text for LibreOffice
//	gen gopdf IN.txt OUT.pdf FONT.ttf a PDF written by gopdf
//	gen scan OUT.pdf PAGE.png...      an image-only PDF, one page per image
//	gen strip IN.pdf OUT.pdf          rename /ToUnicode in an uncompressed PDF
package main

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/signintech/gopdf"

	"jianbao/ingest"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 3 {
		return fmt.Errorf("usage: gen fodt|gopdf|scan|strip ARGS")
	}
	switch args[0] {
	case "fodt":
		blocks, err := readBulletin(args[1])
		if err != nil {
			return err
		}
		return os.WriteFile(args[2], []byte(fodt(blocks)), 0o644)
	case "gopdf":
		if len(args) != 4 {
			return fmt.Errorf("usage: gen gopdf IN.txt OUT.pdf FONT.ttf")
		}
		blocks, err := readBulletin(args[1])
		if err != nil {
			return err
		}
		return writeGopdf(blocks, args[2], args[3])
	case "scan":
		return writeScan(args[1], args[2:])
	case "strip":
		data, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		if !bytes.Contains(data, []byte("/ToUnicode")) {
			return fmt.Errorf("%s has no /ToUnicode to strip", args[1])
		}
		// Same length, so the cross-reference offsets stay right.
		data = bytes.ReplaceAll(data, []byte("/ToUnicode"), []byte("/XoUnicode"))
		return os.WriteFile(args[2], data, 0o644)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// Kinds of block in a bulletin.
const (
	kTitle = iota
	kMast
	kMastLast // issuer and date, on one line
	kSection
	kHeadline
	kPara
	kAttr
	kFooter
)

type block struct {
	kind int
	text string
}

var (
	attrRe   = regexp.MustCompile(`^[(（][^()（）]{2,40}[)）]$`)
	footerRe = regexp.MustCompile(`^(责编|核稿|电话|传真|邮箱|报|送|发)\s*[:：]`)
	pageNoRe = regexp.MustCompile(`^(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页.*|\d{1,3})$`)
	dateRe   = regexp.MustCompile(`[0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日`)
)

// readBulletin reads a bulletin TXT into blocks. Paragraphs split by a page
// break of the original (a line not ending in closing punctuation) are
// joined again, as the printed document had them.
func readBulletin(path string) ([]block, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	text, _, err := ingest.Decode(data) // UTF-8 with or without BOM, UTF-16, GBK
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var lines []string
	for l := range strings.Lines(strings.ReplaceAll(text, "\r\n", "\n")) {
		// Page numbers of the original stand between lines; the new
		// layout numbers its own pages.
		if l = strings.TrimSpace(l); l != "" && !pageNoRe.MatchString(l) {
			lines = append(lines, l)
		}
	}
	var blocks []block
	header := true
	articleStart := true
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "【"):
			header = false
			blocks = append(blocks, block{kSection, l})
			articleStart = true
		case header:
			k := kMast
			if len(blocks) == 0 {
				k = kTitle
			}
			if dateRe.MatchString(l) && len(blocks) > 0 && blocks[len(blocks)-1].kind == kMast && !strings.Contains(blocks[len(blocks)-1].text, "期") {
				blocks[len(blocks)-1] = block{kMastLast, blocks[len(blocks)-1].text + "\t" + l}
				continue
			}
			blocks = append(blocks, block{k, l})
		case attrRe.MatchString(l):
			blocks = append(blocks, block{kAttr, l})
			articleStart = true
		case footerRe.MatchString(l):
			blocks = append(blocks, block{kFooter, l})
		default:
			if articleStart && isTitle(l) {
				blocks = append(blocks, block{kHeadline, l})
				articleStart = false
				continue
			}
			articleStart = false
			for !closes(l) && i+1 < len(lines) && !attrRe.MatchString(lines[i+1]) && !strings.HasPrefix(lines[i+1], "【") {
				i++
				l += lines[i]
			}
			blocks = append(blocks, block{kPara, l})
		}
	}
	// Footer: 责编 and 核稿 share a line, as do 电话, 传真 and 邮箱.
	var out []block
	for _, b := range blocks {
		if b.kind == kFooter && len(out) > 0 && out[len(out)-1].kind == kFooter {
			prev := out[len(out)-1].text
			if pair(prev, b.text, "责编", "核稿") || pair(prev, b.text, "电话", "传真") || pair(prev, b.text, "传真", "邮箱") {
				out[len(out)-1].text = prev + "\u3000\u3000" + b.text
				continue
			}
		}
		out = append(out, b)
	}
	return out, nil
}

func pair(prev, cur, a, b string) bool {
	return strings.Contains(prev, a) && strings.HasPrefix(cur, b)
}

// isTitle is Structure's rule for an article's title line.
func isTitle(l string) bool {
	n := utf8.RuneCountInString(l)
	return !closes(l) && (n <= 24 || n <= 40 && !strings.ContainsAny(l, "，,；;。"))
}

func closes(l string) bool {
	r, _ := utf8.DecodeLastRuneInString(l)
	return strings.ContainsRune("。！？!?；;：:…”’)）", r)
}

// fodt lays the blocks out as a flat OpenDocument text: A4, Noto Serif CJK,
// page numbers "— N —" in the footer and a running header from page 2 on.
func fodt(blocks []block) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="Serif" svg:font-family="'Noto Serif CJK SC'"/>
 <style:font-face style:name="Sans" svg:font-family="'Noto Sans CJK SC'"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:line-height="150%"/>
  <style:text-properties style:font-name="Serif" style:font-name-asian="Serif" fo:font-size="14pt" style:font-size-asian="14pt" fo:language="zh" fo:country="CN" style:language-asian="zh" style:country-asian="CN"/>
 </style:default-style>
 <style:style style:name="Title" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-top="0.5cm" fo:margin-bottom="0.6cm"/><style:text-properties fo:color="#c8102e" fo:font-size="28pt" style:font-size-asian="28pt" fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
 <style:style style:name="Mast" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="15pt" style:font-size-asian="15pt"/></style:style>
 <style:style style:name="MastLast" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.3cm" fo:margin-bottom="0.6cm" fo:border-bottom="1.5pt solid #c8102e" fo:padding-bottom="0.1cm"><style:tab-stops><style:tab-stop style:position="15.6cm" style:type="right"/></style:tab-stops></style:paragraph-properties></style:style>
 <style:style style:name="Section" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.3cm" fo:margin-bottom="0.1cm"/><style:text-properties style:font-name="Sans" style:font-name-asian="Sans" fo:font-size="15pt" style:font-size-asian="15pt" fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
 <style:style style:name="Headline" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
 <style:style style:name="Body" style:family="paragraph"><style:paragraph-properties fo:text-align="justify" fo:text-indent="0.99cm"/></style:style>
 <style:style style:name="Attr" style:family="paragraph"><style:paragraph-properties fo:text-align="end"/></style:style>
 <style:style style:name="Foot" style:family="paragraph"><style:paragraph-properties fo:text-align="start" fo:line-height="130%"/><style:text-properties fo:font-size="12pt" style:font-size-asian="12pt"/></style:style>
 <style:style style:name="PageNo" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="12pt" style:font-size-asian="12pt"/></style:style>
 <style:style style:name="RunHead" style:family="paragraph"><style:paragraph-properties fo:text-align="end" fo:border-bottom="0.5pt solid #000000"/><style:text-properties fo:font-size="10pt" style:font-size-asian="10pt"/></style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2.7cm" fo:margin-right="2.7cm"/><style:header-style><style:header-footer-properties fo:min-height="0.8cm" fo:margin-bottom="0.4cm"/></style:header-style><style:footer-style><style:header-footer-properties fo:min-height="0.8cm" fo:margin-top="0.4cm"/></style:footer-style></style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="First" style:page-layout-name="pm1" style:next-style-name="Rest"><style:footer><text:p text:style-name="PageNo">— <text:page-number text:select-page="current"/> —</text:p></style:footer></style:master-page>
 <style:master-page style:name="Rest" style:page-layout-name="pm1"><style:header><text:p text:style-name="RunHead">首都精神文明建设情况简报</text:p></style:header><style:footer><text:p text:style-name="PageNo">— <text:page-number text:select-page="current"/> —</text:p></style:footer></style:master-page>
</office:master-styles>
<office:body><office:text>
`)
	styles := map[int]string{kTitle: "Title", kMast: "Mast", kMastLast: "MastLast", kSection: "Section", kHeadline: "Headline", kPara: "Body", kAttr: "Attr", kFooter: "Foot"}
	first := true
	for _, bl := range blocks {
		style := styles[bl.kind]
		if first {
			// The first paragraph starts the page style with the title page.
			b.WriteString(`<text:p text:style-name="FirstTitle">`)
			first = false
		} else {
			fmt.Fprintf(&b, `<text:p text:style-name="%s">`, style)
		}
		text := html.EscapeString(bl.text)
		text = strings.ReplaceAll(text, "\t", "<text:tab/>")
		b.WriteString(text)
		b.WriteString("</text:p>\n")
	}
	b.WriteString("</office:text></office:body></office:document>\n")
	out := b.String()
	// A paragraph style bound to the first master page.
	out = strings.Replace(out, "</office:automatic-styles>",
		` <style:style style:name="FirstTitle" style:family="paragraph" style:parent-style-name="Title" style:master-page-name="First"/>
</office:automatic-styles>`, 1)
	return out
}

// writeGopdf lays the blocks out with gopdf: A4, one font, the page number
// written first on each page (so it comes first in the text), no running
// header.
func writeGopdf(blocks []block, out, font string) error {
	const (
		pageW, pageH = 595.28, 841.89
		left, right  = 80.0, 80.0
		top, bottom  = 72.0, 80.0
		size         = 15.0
		lead         = size * 1.6
	)
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Producer: "gopdf", Title: "首都精神文明建设情况简报"})
	if err := pdf.AddTTFFont("song", font); err != nil {
		return fmt.Errorf("font %s: %w", font, err)
	}
	page := 0
	y := 0.0
	newPage := func() error {
		pdf.AddPage()
		page++
		if err := pdf.SetFont("song", "", 11); err != nil {
			return err
		}
		pdf.SetTextColor(0, 0, 0)
		no := fmt.Sprintf("- %d -", page)
		w, err := pdf.MeasureTextWidth(no)
		if err != nil {
			return err
		}
		pdf.SetXY((pageW-w)/2, pageH-50)
		if err := pdf.Cell(nil, no); err != nil {
			return err
		}
		y = top
		return nil
	}
	if err := newPage(); err != nil {
		return err
	}
	width := pageW - left - right
	line := func(text string, x float64, fs float64) error {
		if y+fs*1.6 > pageH-bottom {
			if err := newPage(); err != nil {
				return err
			}
		}
		if err := pdf.SetFont("song", "", fs); err != nil {
			return err
		}
		pdf.SetXY(x, y)
		if err := pdf.Cell(nil, text); err != nil {
			return err
		}
		y += fs * 1.6
		return nil
	}
	centred := func(text string, fs float64) error {
		if err := pdf.SetFont("song", "", fs); err != nil {
			return err
		}
		w, err := pdf.MeasureTextWidth(text)
		if err != nil {
			return err
		}
		return line(text, left+(width-w)/2, fs)
	}
	for _, bl := range blocks {
		pdf.SetTextColor(0, 0, 0)
		var err error
		switch bl.kind {
		case kTitle:
			pdf.SetTextColor(200, 16, 46)
			err = centred(bl.text, 24)
			y += 10
		case kMast, kHeadline:
			err = centred(bl.text, size)
		case kMastLast:
			parts := strings.SplitN(bl.text, "\t", 2)
			if err = pdf.SetFont("song", "", size); err != nil {
				return err
			}
			w, _ := pdf.MeasureTextWidth(parts[1])
			pdf.SetXY(left, y)
			if err = pdf.Cell(nil, parts[0]); err != nil {
				return err
			}
			err = line(parts[1], left+width-w, size)
			y += 12
		case kAttr:
			if err = pdf.SetFont("song", "", size); err != nil {
				return err
			}
			w, _ := pdf.MeasureTextWidth(bl.text)
			err = line(bl.text, left+width-w, size)
		case kSection:
			y += 6
			err = line(bl.text, left, size+1)
		case kPara, kFooter:
			fs, indent := size, 2*size
			if bl.kind == kFooter {
				fs, indent = 12, 0
			}
			if err = pdf.SetFont("song", "", fs); err != nil {
				return err
			}
			err = wrap(pdf, bl.text, width, indent, func(s string, dx float64) error { return line(s, left+dx, fs) })
		}
		if err != nil {
			return err
		}
	}
	return pdf.WritePdf(out)
}

// wrap breaks text into lines of at most width points, the first indented
// by indent, and passes each to emit.
func wrap(pdf *gopdf.GoPdf, text string, width, indent float64, emit func(string, float64) error) error {
	var cur []rune
	dx := indent
	for _, r := range text {
		w, err := pdf.MeasureTextWidth(string(append(cur, r)))
		if err != nil {
			return err
		}
		if w > width-dx && len(cur) > 0 {
			if err := emit(string(cur), dx); err != nil {
				return err
			}
			cur, dx = nil, 0
		}
		cur = append(cur, r)
	}
	if len(cur) > 0 {
		return emit(string(cur), dx)
	}
	return nil
}

// writeScan writes an image-only PDF with each image filling an A4 page.
func writeScan(out string, images []string) error {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Producer: "scanner"})
	for _, img := range images {
		pdf.AddPage()
		if err := pdf.Image(img, 0, 0, gopdf.PageSizeA4); err != nil {
			return fmt.Errorf("image %s: %w", img, err)
		}
	}
	return pdf.WritePdf(out)
}
