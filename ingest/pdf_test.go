package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// The PDF fixtures are made by testdata/pdf/make.sh (make testdata-pdf)
// from copies of some sample bulletins in testdata/pdf/src; see that
// script for what each one is.
const pdfDir = "testdata/pdf"

// noTools hides the optional external tools, so that a test sees the
// pure-Go path whatever is installed.
func noTools(string) (string, error) { return "", exec.ErrNotFound }

// needTools skips the test unless the named programs are installed.
func needTools(tb testing.TB, names ...string) {
	tb.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			tb.Skipf("%s is not installed: fallback not tested", n)
		}
	}
	if slicesContains(names, ToolTesseract) {
		out, _ := exec.Command("tesseract", "--list-langs").CombinedOutput()
		if !strings.Contains(string(out), "chi_sim") {
			tb.Skip("tesseract has no chi_sim data: OCR not tested")
		}
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func parseFixture(tb testing.TB, path string, opts Options) (*Issue, error) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return Parse(context.Background(), path, data, opts)
}

// recordJSON is the record without its source, as JSON, for comparison.
func recordJSON(tb testing.TB, iss *Issue, keepPages bool) string {
	tb.Helper()
	c := *iss
	c.Source = Source{}
	c.Articles = append([]Article(nil), iss.Articles...)
	if !keepPages {
		for i := range c.Articles {
			c.Articles[i].Page = 0
		}
	}
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// plainPages returns the library's own per-page plain text of a PDF, with
// spaces removed: an independent view of where text lies.
func plainPages(tb testing.TB, path string) []string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	data = repairPDF(data)
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for i := 1; i <= r.NumPage(); i++ {
		t, err := r.Page(i).GetPlainText(nil)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, strings.Join(strings.Fields(CleanSpaces(strings.ReplaceAll(t, "\n", ""))), ""))
	}
	return out
}

// TestPDFFixturesMatchTXT checks that each good fixture gives the record of
// its TXT on every field, and that each article's page is the page where
// its text starts.
func TestPDFFixturesMatchTXT(t *testing.T) {
	pdfs, _ := filepath.Glob(filepath.Join(pdfDir, "*.pdf"))
	if len(pdfs) < 4 {
		t.Fatalf("%d PDF fixtures; run make testdata-pdf", len(pdfs))
	}
	for _, path := range pdfs {
		name, producer, _ := strings.Cut(strings.TrimSuffix(filepath.Base(path), ".pdf"), ".")
		t.Run(name+"/"+producer, func(t *testing.T) {
			want, wantErr := parseFixture(t, filepath.Join(pdfDir, "src", name+".txt"), Options{})
			if want == nil {
				t.Fatalf("TXT: %v", wantErr)
			}
			got, err := parseFixture(t, path, Options{LookPath: noTools})
			if got == nil {
				t.Fatalf("parse: %v", err)
			}
			if g, w := warnings(err), warnings(wantErr); g != w {
				t.Errorf("warnings:\n%s\nwant (as the TXT):\n%s", g, w)
			}
			if g, w := recordJSON(t, got, false), recordJSON(t, want, false); g != w {
				t.Errorf("record differs from the TXT's:\n%s", pdfLineDiff(w, g))
			}
			if got.Source.Format != FormatPDF || len(got.Source.PageNotes) != 0 {
				t.Errorf("source = %+v, want format pdf, no notes", got.Source)
			}
			pages := plainPages(t, path)
			if got.Source.Pages != len(pages) {
				t.Errorf("source.pages = %d, the file has %d", got.Source.Pages, len(pages))
			}
			for _, a := range got.Articles {
				if a.Page < 1 || a.Page > len(pages) {
					t.Errorf("article %s: page %d out of range", a.ID, a.Page)
					continue
				}
				start := prefixRunes(a.Headline, 10)
				if !strings.Contains(pages[a.Page-1], start) {
					t.Errorf("article %s: page %d does not hold its start %q", a.ID, a.Page, start)
				}
				if a.Page > 1 && strings.Contains(pages[a.Page-2], start) {
					t.Errorf("article %s: starts on page %d, not %d", a.ID, a.Page-1, a.Page)
				}
			}
		})
	}
}

// warnings lists the messages of an ErrorList without their positions,
// which differ between a TXT and a PDF.
func warnings(err error) string {
	var l ErrorList
	if !errors.As(err, &l) {
		if err != nil {
			return err.Error()
		}
		return ""
	}
	var b strings.Builder
	for _, e := range l {
		b.WriteString(e.Msg + "\n")
	}
	return b.String()
}

// pdfLineDiff shows the first differing lines of two texts.
func pdfLineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 6; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, clip(wl, 80), clip(gl, 80))
			shown++
		}
	}
	return b.String()
}

func txtRecord(tb testing.TB) *Issue {
	tb.Helper()
	want, err := parseFixture(tb, filepath.Join(pdfDir, "src/bulletin-2021-014.txt"), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return want
}

// articleJSON is an article without ID, seq and page, for comparison
// across records.
func articleJSON(a Article) string {
	a.ID, a.Seq, a.Page = "", 0, 0
	b, _ := json.Marshal(a)
	return string(b)
}

func TestPDFBrokenFiles(t *testing.T) {
	broken := filepath.Join(pdfDir, "broken")
	tests := []struct {
		file string
		want string // in the error; "" for a file that parses
	}{
		{"encrypted.pdf", "encryption"},
		{"truncated.pdf", "%%EOF"},
		{"not-a-pdf.pdf", "not a PDF"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(broken, tt.file)
			iss, err := parseFixture(t, path, Options{LookPath: noTools})
			if err == nil || iss != nil {
				t.Fatalf("got %v, %v; want an error", iss, err)
			}
			if !errors.Is(err, ErrPDF) || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), path+": ") {
				t.Errorf("error %q: want ErrPDF, naming the file and saying %q", err, tt.want)
			}
		})
	}
}

// TestPDFMergedProducers checks that pages from different producers are
// each read with their own fonts: the library's whole-document text shares
// fonts by name across pages and garbles such files.
func TestPDFMergedProducers(t *testing.T) {
	merged := plainPages(t, filepath.Join(pdfDir, "broken/merged.pdf"))
	lo := plainPages(t, filepath.Join(pdfDir, "bulletin-2021-014.lo.pdf"))
	gp := plainPages(t, filepath.Join(pdfDir, "bulletin-2021-014.gopdf.pdf"))
	want := []string{lo[0], lo[1], gp[2], gp[3]}
	if len(merged) != len(want) {
		t.Fatalf("merged has %d pages, want %d", len(merged), len(want))
	}
	for i := range want {
		if merged[i] != want[i] {
			t.Errorf("page %d: text differs from its source page", i+1)
		}
	}
	iss, err := parseFixture(t, filepath.Join(pdfDir, "broken/merged.pdf"), Options{LookPath: noTools})
	if iss == nil {
		t.Fatalf("parse: %v", err)
	}
	txt := txtRecord(t)
	if iss.ID != txt.ID || iss.Source.Pages != 4 || len(iss.Source.PageNotes) != 0 {
		t.Errorf("id %s, source %+v", iss.ID, iss.Source)
	}
	if articleJSON(iss.Articles[0]) != articleJSON(txt.Articles[0]) {
		t.Errorf("first article (LibreOffice pages) differs:\n%s\n%s", articleJSON(iss.Articles[0]), articleJSON(txt.Articles[0]))
	}
	// The gopdf pages hold the ends of articles 2 and 3 and all of 4.
	last := iss.Articles[len(iss.Articles)-2]
	if last.SourceOrg != "天安门地区管委会" || articleJSON(last) != articleJSON(txt.Articles[3]) {
		t.Errorf("article from the gopdf pages differs: %s", articleJSON(last))
	}
}

func TestPDFNoToUnicode(t *testing.T) {
	path := filepath.Join(pdfDir, "broken/no-tounicode.pdf")
	iss, err := parseFixture(t, path, Options{LookPath: noTools})
	if iss == nil {
		t.Fatalf("parse: %v", err)
	}
	var list ErrorList
	if !errors.As(err, &list) || list[0].Pos.Page != 2 || !strings.Contains(list[0].Msg, "ToUnicode") {
		t.Errorf("want a warning about page 2's ToUnicode first, got %v", err)
	}
	notes := iss.Source.PageNotes
	if len(notes) != 1 || notes[0].Page != 2 || notes[0].Status != PageStatusMissing || !strings.Contains(notes[0].Reason, "pdftotext is not installed") {
		t.Errorf("page notes = %+v", notes)
	}
	txt := txtRecord(t)
	if iss.ID != txt.ID || iss.TotalIssue != txt.TotalIssue || iss.Issuer != txt.Issuer || iss.Date != txt.Date {
		t.Errorf("header %s %d %s %s", iss.ID, iss.TotalIssue, iss.Issuer, iss.Date)
	}
	if len(iss.Articles) != 1 || !strings.HasPrefix(txt.Articles[0].Body, iss.Articles[0].Body) {
		t.Errorf("want the part of article 1 on page 1, got %d articles", len(iss.Articles))
	}
	if strings.ContainsRune(iss.Articles[0].Body, '\uFFFD') {
		t.Error("garbled text reached the record")
	}
}

func TestPDFScanned(t *testing.T) {
	path := filepath.Join(pdfDir, "broken/scanned.pdf")
	iss, err := parseFixture(t, path, Options{LookPath: noTools})
	if iss != nil || !errors.Is(err, ErrNotBulletin) || !strings.Contains(err.Error(), "page 1: page not read: no text layer") ||
		!strings.Contains(err.Error(), "tesseract is not installed") {
		t.Errorf("without OCR: got %v, %v; want not a bulletin, page 1 not read", iss, err)
	}
	iss, err = parseFixture(t, path, Options{OCR: OCROff})
	if iss != nil || !strings.Contains(err.Error(), "OCR is off") {
		t.Errorf("OCR off: got %v", err)
	}
}

func TestPDFScannedOCR(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR takes seconds")
	}
	t.Parallel()
	needTools(t, ToolTesseract, ToolPDFToPPM)
	iss, err := parseFixture(t, filepath.Join(pdfDir, "broken/scanned.pdf"), Options{})
	if iss == nil {
		t.Fatalf("parse: %v", err)
	}
	txt := txtRecord(t)
	if iss.ID != txt.ID || iss.Issue != txt.Issue || iss.Date != txt.Date || iss.TotalIssue != txt.TotalIssue {
		t.Errorf("OCR header: %s %d %s %d", iss.ID, iss.Issue, iss.Date, iss.TotalIssue)
	}
	if n := iss.Source.PageNotes; len(n) != 1 || n[0].Status != PageStatusOCR || n[0].Page != 1 {
		t.Errorf("page notes = %+v", n)
	}
	if len(iss.Articles) == 0 || iss.Articles[0].Section != "文明创建" {
		t.Errorf("OCR articles = %+v", iss.Articles)
	}
}

func TestPDFMixedTextAndScan(t *testing.T) {
	path := filepath.Join(pdfDir, "broken/mixed.pdf")
	txt := txtRecord(t)
	iss, err := parseFixture(t, path, Options{LookPath: noTools})
	if iss == nil {
		t.Fatalf("parse: %v", err)
	}
	var list ErrorList
	if !errors.As(err, &list) || list[0].Pos.Page != 2 {
		t.Errorf("want a warning for page 2, got %v", err)
	}
	if n := iss.Source.PageNotes; len(n) != 1 || n[0].Page != 2 || n[0].Status != PageStatusMissing {
		t.Errorf("page notes = %+v", n)
	}
	// Page 2 holds the end of article 1, the heading 【工作交流】 and the
	// start of article 2; the articles after them are whole (the first of
	// them under the section before the lost heading).
	if len(iss.Articles) != len(txt.Articles)-1 {
		t.Fatalf("%d articles, want %d", len(iss.Articles), len(txt.Articles)-1)
	}
	for i := 1; i <= 3; i++ {
		g, w := iss.Articles[len(iss.Articles)-i], txt.Articles[len(txt.Articles)-i]
		if i == 3 {
			g.Section, w.Section = "", ""
		}
		if articleJSON(g) != articleJSON(w) || g.Page < 3 {
			t.Errorf("article %d from the end differs or has page %d:\n%s\n%s", i, g.Page, articleJSON(g), articleJSON(w))
		}
	}
}

func TestPDFMixedOCR(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR takes seconds")
	}
	t.Parallel()
	needTools(t, ToolTesseract, ToolPDFToPPM)
	iss, err := parseFixture(t, filepath.Join(pdfDir, "broken/mixed.pdf"), Options{})
	if iss == nil {
		t.Fatalf("parse: %v", err)
	}
	txt := txtRecord(t)
	if n := iss.Source.PageNotes; len(n) != 1 || n[0].Page != 2 || n[0].Status != PageStatusOCR {
		t.Errorf("page notes = %+v", n)
	}
	if len(iss.Articles) != len(txt.Articles) {
		t.Fatalf("%d articles, want %d: %v", len(iss.Articles), len(txt.Articles), err)
	}
	for i, a := range iss.Articles {
		w := txt.Articles[i]
		if a.SourceOrg != w.SourceOrg || a.Section != w.Section {
			t.Errorf("article %d: %s/%s, want %s/%s", i+1, a.Section, a.SourceOrg, w.Section, w.SourceOrg)
		}
	}
	if iss.Articles[1].Page != 2 {
		t.Errorf("article 2 (on the scanned page) has page %d", iss.Articles[1].Page)
	}
}

func TestPDFToTextFallback(t *testing.T) {
	needTools(t, ToolPDFToText)
	data, err := os.ReadFile(filepath.Join(pdfDir, "bulletin-2021-014.lo.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	x := &pdfExtractor{data: data, log: Options{}.logger()}
	defer x.cleanup()
	text, err := x.pdftotext(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if classify(text) != pageText || !strings.Contains(CleanSpaces(strings.ReplaceAll(text, "\n", "")), "首都精神文明建设情况简报") {
		t.Errorf("pdftotext page 1: %q", clip(text, 60))
	}
	// Its lines make the same masthead as the text layer does.
	paras := splitRunning(paragraphs(withMargins(textLines(1, text))))
	if len(paras) < 5 || paras[1].text != "第14期" || paras[4].text != "2021年3月23日" {
		t.Errorf("masthead from pdftotext: %+v", paras[:min(5, len(paras))])
	}
}

func withMargins(lines []visualLine) []visualLine {
	l, r := margins(lines)
	for i := range lines {
		lines[i].left, lines[i].right = l, r
	}
	return lines
}

func TestPDFGuards(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(pdfDir, "bulletin-2021-014.lo.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"time", Options{PDFTimeout: time.Nanosecond}, "reading stopped after 1ns"},
		{"pages", Options{MaxPDFPages: 2}, "5 pages, more than the limit of 2"},
		{"bytes", Options{MaxPDFBytes: 1000}, "more than the limit of 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.LookPath = noTools
			iss, err := Parse(ctx, "a.pdf", data, tt.opts)
			if iss != nil || !errors.Is(err, ErrPDF) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, %v; want an error saying %q", iss, err, tt.want)
			}
		})
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Parse(cancelled, "a.pdf", data, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
}

func TestRepairPDF(t *testing.T) {
	body := "%PDF-1.4\nobjects\n%%EOF"
	tests := []struct {
		name, in, want string
	}{
		{"clean", body, body},
		{"clean with newline", body + "\n", body + "\n"},
		{"bom", "\uFEFF" + body, body + "\n"},
		{"junk before", "From: x\r\n\r\n" + body, body + "\n"},
		{"junk after", body + "\n--boundary--\n", body + "\n"},
		{"pdf 2.0", "%PDF-2.0\nobjects\n%%EOF", "%PDF-1.7\nobjects\n%%EOF\n"},
		{"no eof", "junk%PDF-1.4\nobj", "%PDF-1.4\nobj"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			orig := bytes.Clone(in)
			if got := string(repairPDF(in)); got != tt.want {
				t.Errorf("repairPDF(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !bytes.Equal(in, orig) {
				t.Error("input modified")
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name, text string
		want       int
	}{
		{"chinese", "首都精神文明建设情况简报 第14期", pageText},
		{"footer page", "电话:55569506 传真:55569505 邮箱:jswmzhxtc@163.com", pageText},
		{"empty", " \n ", pageNoText},
		{"page number only", "— 3 —", pageNoText},
		{"replacement chars", strings.Repeat("\uFFFD\uFFFD首", 10), pageGarbled},
		{"latin-1 junk", strings.Repeat("Ã©¿½Â ", 20), pageGarbled},
		{"control bytes", strings.Repeat("\x01\x02\x03ab", 10), pageGarbled},
		{"no chinese", strings.Repeat("᳨᪍Ᏺድಞ೗ਢᡷ", 10), pageGarbled},
	}
	for _, tt := range tests {
		if got := classify(tt.text); got != tt.want {
			t.Errorf("%s: classify = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestSplitRunning feeds the whole bulletin as one run of text, as a
// producer without line breaks or positions would give it, and checks that
// the masthead, sections, attributions and footer are found in it.
func TestSplitRunning(t *testing.T) {
	data, err := os.ReadFile("../testdata/sample/bulletin-2021-014.txt")
	if err != nil {
		t.Fatal(err)
	}
	var run strings.Builder
	for _, l := range Normalize([]Page{{Text: string(data)}}) {
		run.WriteString(l.Text)
	}
	paras := splitRunning([]paragraph{{page: 1, text: run.String()}})
	var b strings.Builder
	for _, p := range paras {
		b.WriteString(p.text + "\n")
	}
	got, err := Structure(Normalize([]Page{{Number: 1, Text: b.String()}}))
	if err != nil {
		t.Fatalf("structure: %v\n%s", err, b.String())
	}
	want := txtRecord(t)
	if got.ID != want.ID || got.Title != want.Title || got.TotalIssue != want.TotalIssue || got.Issuer != want.Issuer ||
		got.Editor != want.Editor || got.Reviewer != want.Reviewer || got.Contact != want.Contact {
		t.Errorf("header/footer: %+v", got)
	}
	if g, w := fmt.Sprint(got.Distribution), fmt.Sprint(want.Distribution); g != w {
		t.Errorf("distribution = %s, want %s", g, w)
	}
	if len(got.Articles) != len(want.Articles) {
		t.Fatalf("%d articles, want %d", len(got.Articles), len(want.Articles))
	}
	for i, a := range got.Articles {
		w := want.Articles[i]
		if a.Section != w.Section || a.SourceOrg != w.SourceOrg || a.Headline != w.Headline ||
			strings.ReplaceAll(w.Body, "\n\n", "") != a.Body {
			t.Errorf("article %d: %s %s %q", i+1, a.Section, a.SourceOrg, a.Headline)
		}
	}
}

// pdfObjects builds a small PDF from object bodies (object i+1 is objs[i];
// object 1 is the catalog) with a correct cross-reference table.
func pdfObjects(objs []string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

// A pdfLine is a line of text to place on a page of tinyPDF.
type pdfLine struct {
	x, y, size float64
	text       string
}

// tinyPDF writes pages of text in a non-embedded CJK font (UniGB-UCS2-H),
// each line placed where given: a small, exact PDF for tests and fuzz seeds.
func tinyPDF(pages [][]pdfLine) []byte {
	n := len(pages)
	kids := make([]string, n)
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
		"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>"}
	for i, p := range pages {
		var c strings.Builder
		for _, l := range p {
			var hex strings.Builder
			for _, u := range utf16.Encode([]rune(l.text)) {
				fmt.Fprintf(&hex, "%04X", u)
			}
			fmt.Fprintf(&c, "BT /F1 %g Tf 1 0 0 1 %g %g Tm <%s> Tj ET\n", l.size, l.x, l.y, hex.String())
		}
		pageObj := len(objs) + 1
		kids[i] = fmt.Sprintf("%d 0 R", pageObj)
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", pageObj+1),
			fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", c.Len(), c.String()))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n)
	return pdfObjects(objs)
}

// bulletinPages lays a short bulletin out on two pages of a text block
// from x=80 to x=416 (24 characters of 14 points): the page number drawn
// first on each page, a centred title, issuer and date on one line,
// paragraphs indented by two characters, one running over the page break
// after a full line that ends in a full stop, a paragraph break told only
// by the indent after a full line, attributions set right.
func bulletinPages() [][]pdfLine {
	const left, right, s = 80.0, 416.0, 14.0
	width := func(t string, size float64) float64 { return float64(len([]rune(t))) * size }
	at := func(x, y float64, t string) pdfLine { return pdfLine{x, y, s, t} }
	setRight := func(y float64, t string) pdfLine { return pdfLine{right - width(t, s), y, s, t} }
	centre := func(y, size float64, t string) pdfLine {
		return pdfLine{left + (right-left-width(t, size))/2, y, size, t}
	}
	return [][]pdfLine{{
		centre(40, 10, "— 1 —"),
		centre(780, 24, "首都精神文明建设情况简报"),
		centre(740, s, "第 3 期"),
		at(left, 710, "首都精神文明办"),
		setRight(710, "2024 年 5 月 6 日"),
		at(left, 670, "【工作动态】"),
		at(left+2*s, 645, "东城区召开会议。部署全年工作安排和重点任务，"),
		at(left, 620, "会议要求各街道认真抓好落实，做好宣传报送等工作。"),
		at(left+2*s, 595, "各街道表示将按要求推进。"),
		setRight(570, "（东城区文明办）"),
		at(left+2*s, 545, "西城区开展志愿服务活动，组织志愿者走进社区"),
		at(left, 520, "开展文明宣传和环境整治，参加人数达到三百余人次。"),
	}, {
		centre(40, 10, "— 2 —"),
		at(left, 780, "活动受到居民欢迎。"),
		setRight(755, "（西城区文明办）"),
		{left, 720, 12, "责编：张三　核稿：李四"},
		{left, 700, 12, "报：中央文明办，首都文明委主任、副主任。"},
	}}
}

func TestPDFTinyBulletin(t *testing.T) {
	// As laid out, and with the paragraphs indented by two ideographic
	// spaces typed at the margin instead of by their position.
	spaced := bulletinPages()
	for _, p := range spaced {
		for i, l := range p {
			if l.x == 80+2*14 {
				p[i].x, p[i].text = 80, "\u3000\u3000"+l.text
			}
		}
	}
	for name, pages := range map[string][][]pdfLine{"positioned": bulletinPages(), "spaces": spaced} {
		t.Run(name, func(t *testing.T) { testTinyBulletin(t, tinyPDF(pages)) })
	}
}

func testTinyBulletin(t *testing.T, data []byte) {
	iss, err := Parse(context.Background(), "tiny.pdf", data, Options{LookPath: noTools})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if iss.ID != "2024-003" || iss.Issuer != "首都精神文明办" || iss.Editor != "张三" || iss.Reviewer != "李四" {
		t.Errorf("header/footer: %s %q %q %q", iss.ID, iss.Issuer, iss.Editor, iss.Reviewer)
	}
	if g := fmt.Sprint(iss.Distribution.ReportTo); g != "[中央文明办 首都文明委主任、副主任]" {
		t.Errorf("report_to = %s", g)
	}
	want := []struct {
		org, body string
		page      int
	}{
		{"东城区文明办", "东城区召开会议。部署全年工作安排和重点任务，会议要求各街道认真抓好落实，做好宣传报送等工作。\n\n各街道表示将按要求推进。", 1},
		{"西城区文明办", "西城区开展志愿服务活动，组织志愿者走进社区开展文明宣传和环境整治，参加人数达到三百余人次。活动受到居民欢迎。", 1},
	}
	if len(iss.Articles) != len(want) {
		t.Fatalf("%d articles: %+v", len(iss.Articles), iss.Articles)
	}
	for i, w := range want {
		a := iss.Articles[i]
		if a.SourceOrg != w.org || a.Body != w.body || a.Page != w.page || a.Section != "工作动态" {
			t.Errorf("article %d = %q %q page %d", i+1, a.SourceOrg, a.Body, a.Page)
		}
	}
}

// TestPDFFixturesWithTools runs the good fixtures with the tools present
// (when they are installed): a good text layer must not call on them.
func TestPDFFixturesWithTools(t *testing.T) {
	needTools(t, ToolPDFToText)
	iss, err := parseFixture(t, filepath.Join(pdfDir, "bulletin-2021-014.gopdf.pdf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(iss.Source.PageNotes) != 0 {
		t.Errorf("notes on a good file: %+v", iss.Source.PageNotes)
	}
}

func TestHexStringsClosed(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"BT <4E00> Tj ET", true},
		{"<< /A 1 >> BDC (a<b) Tj EMC", true},
		{"% a comment with <\nBT (x) Tj", true},
		{`(nested (paren <) \) ) Tj`, true},
		{"BT <4E00", false},
		{"BT (str) Tj <00", false},
		{"<<", true},
	}
	for _, tt := range tests {
		if err := hexStringsClosed([]byte(tt.in)); (err == nil) != tt.ok {
			t.Errorf("hexStringsClosed(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}

// TestPDFForceOCR reads a one-page text PDF by OCR alone.
func TestPDFForceOCR(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR takes seconds")
	}
	t.Parallel()
	needTools(t, ToolTesseract, ToolPDFToPPM)
	path := filepath.Join(pdfDir, "bulletin-2016-004.lo.pdf")
	want, _ := parseFixture(t, filepath.Join(pdfDir, "src/bulletin-2016-004.txt"), Options{})
	iss, err := parseFixture(t, path, Options{OCR: OCRForce})
	if iss == nil {
		t.Fatalf("parse: %v", err)
	}
	if n := iss.Source.PageNotes; len(n) != iss.Source.Pages || n[0].Status != PageStatusOCR || n[0].Reason != "OCR forced" {
		t.Errorf("page notes = %+v", n)
	}
	if iss.ID != want.ID || iss.Date != want.Date || len(iss.Articles) == 0 {
		t.Errorf("OCR record: id %s date %s, %d articles", iss.ID, iss.Date, len(iss.Articles))
	}
}

func TestPDFForceOCRWithoutTesseract(t *testing.T) {
	iss, err := parseFixture(t, filepath.Join(pdfDir, "bulletin-2016-004.gopdf.pdf"), Options{OCR: OCRForce, LookPath: noTools})
	if iss == nil {
		t.Fatalf("parse: %v", err)
	}
	if len(iss.Source.PageNotes) != 0 || len(iss.Articles) == 0 {
		t.Errorf("without tesseract the text layer must be used: notes %+v", iss.Source.PageNotes)
	}
}

func TestSplitRunningPieces(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"masthead on one line",
			[]string{"首都精神文明建设情况简报第14期(总第2180期)首都精神文明办2021年3月23日【文明创建】我市举办培训班。"},
			[]string{"首都精神文明建设情况简报", "第14期", "(总第2180期)", "首都精神文明办", "2021年3月23日", "【文明创建】", "我市举办培训班。"}},
		{"quoted brackets stay",
			[]string{"2021年3月23日", "各区开展【我们的节日】主题活动。(海淀区文明办)【工作动态】近日召开会议。"},
			[]string{"2021年3月23日", "各区开展【我们的节日】主题活动。(海淀区文明办)", "【工作动态】", "近日召开会议。"}},
		{"attribution run into the next article",
			[]string{"2021年3月23日", "工作有序推进。（市文明办）近日召开会议。(东城区文明办)"},
			[]string{"2021年3月23日", "工作有序推进。（市文明办）", "近日召开会议。(东城区文明办)"}},
		{"footer run together",
			[]string{"2021年3月23日", "工作有序推进。(市文明办)责编:梅雪峰核稿:田文松电话:55569506邮箱:a@b.cn报:中央文明办。送:首都文明委委员。发:各区文明办。"},
			[]string{"2021年3月23日", "工作有序推进。(市文明办)", "责编:梅雪峰", "核稿:田文松", "电话:55569506", "邮箱:a@b.cn", "报:中央文明办。", "送:首都文明委委员。", "发:各区文明办。"}},
		{"wrapped footer field",
			[]string{"2021年3月23日", "工作有序推进。(市文明办)", "送:首都文明委委员,市级群众", "团体。", "情况简报:不是字段"},
			[]string{"2021年3月23日", "工作有序推进。(市文明办)", "送:首都文明委委员,市级群众团体。", "情况简报:不是字段"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in []paragraph
			for _, s := range tt.in {
				in = append(in, paragraph{page: 1, text: s})
			}
			var got []string
			for _, p := range splitRunning(in) {
				got = append(got, p.text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSizesSane(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(pdfDir, "bulletin-2021-014.gopdf.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		ok   bool
	}{
		{"gopdf fixture", good, true},
		{"tiny", tinyPDF(bulletinPages()), true},
		{"huge subsection", []byte("%PDF-1.4\nxref\n0 1\n0000000000 65535 f \n4000000000 1\n0000000010 00000 n \ntrailer\n<< /Size 2 >>\n"), false},
		{"huge xref stream index", []byte("%PDF-1.5\n1 0 obj << /Type /XRef /Index [0 3 900000000 2] /Size 5 /W [1 2 1] >>"), false},
		{"huge xref stream size", []byte("%PDF-1.5\n1 0 obj << /Type /XRef /Size 900000000 /W [1 2 1] >>"), false},
		{"xref stream, keys run together", []byte("%PDF-1.5\n1 0 obj <</Type/XRef/Size 5/Index[0 5]/W[1 2 1]>>"), true},
		{"startxref only", []byte("%PDF-1.4\nstartxref\n4000000000 1\n%%EOF"), true},
		// What the lexer reads and a line-by-line scan did not: a comment
		// in a header (found by FuzzParsePDF), a header across lines.
		{"comment in a subsection header", []byte("%PDF-1.4\nxref\n90000000000 6553% f \n0000000009 00000 n \ntrailer\n"), false},
		{"subsection header across lines", []byte("%PDF-1.4\nxref 4000000000 % c\n 1 0000000010 00000 n trailer"), false},
		{"huge header, no entry the library takes", []byte("%PDF-1.4\nxref\n4000000000 1\ntrailer\n<< /Size 2 >>"), true},
		{"startxref, then the next revision's object", []byte("%PDF-1.4\nstartxref\n500\n%%EOF\n9999999 0 obj\n<< >>\nendobj\n"), true},
		{"xref stream size escaped", []byte("%PDF-1.5\n1 0 obj << /Type /X#52ef /S#69ze 900000000 /W [1 2 1] >>"), false},
		{"xref stream size after a comment", []byte("%PDF-1.5\n1 0 obj << /Type /XRef /Size % c\n 900000000 /W [1 2 1] >>"), false},
		{"xref stream index with ] in a comment", []byte("%PDF-1.5\n1 0 obj << /Type /XRef /Size 5 /Index [0 1 % ]\n 900000000 2] >>"), false},
		{"xref stream fields wider than any buffer", []byte("%PDF-1.5\n1 0 obj\n<< /Type /XRef /Size 2 /W [9000000000000 1 1] /Length 0 >>\nstream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n"), false},
		{"predictor rows longer than any image's", []byte("%PDF-1.4\n4 0 obj\n<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Col#75mns 900000000000 >> /Length 9 >>\nstream\n"), false},
		{"predictor rows of an ordinary image", []byte("%PDF-1.4\n4 0 obj\n<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 9920 >> /Length 9 >>\nstream\n"), true},
		{"a CID font's widths, one range over every CID", []byte("%PDF-1.4\n4 0 obj\n<< /Type /Font /Subtype /CIDFontType0 /W [0 65535 1000] >>\nendobj\n"), true},
		{"a CID font's widths, thousands of ranges", append(append([]byte("%PDF-1.4\n4 0 obj\n<< /Type /Font /Subtype /CIDFontType0 /W ["), bytes.Repeat([]byte("30000 31000 1000 "), 2000)...), "] >>\nendobj\n"...), true},
		{"xref stream index, then a name", []byte("%PDF-1.5\n1 0 obj << /Type /XRef /Size 5 /Index [0 5 /X] /W [1 2 1] >>"), true},
	}
	for _, tt := range tests {
		if err := sizesSane(tt.data); (err == nil) != tt.ok {
			t.Errorf("%s: sizesSane = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

// TestPDFWholeFileFallback reads a file the library refuses (AES-256 with
// an empty password) with pdftotext when it is installed.
func TestPDFWholeFileFallback(t *testing.T) {
	path := filepath.Join(pdfDir, "broken/aes256-empty-password.pdf")
	iss, err := parseFixture(t, path, Options{LookPath: noTools})
	if iss != nil || !errors.Is(err, ErrPDF) || !strings.Contains(err.Error(), "256-bit encryption") {
		t.Errorf("without pdftotext: got %v, %v", iss, err)
	}
	needTools(t, ToolPDFToText)
	iss, err = parseFixture(t, path, Options{})
	if err != nil {
		t.Fatalf("with pdftotext: %v", err)
	}
	want, _ := parseFixture(t, filepath.Join(pdfDir, "src/bulletin-2016-004.txt"), Options{})
	if g, w := recordJSON(t, iss, false), recordJSON(t, want, false); g != w {
		t.Errorf("record differs from the TXT's:\n%s", pdfLineDiff(w, g))
	}
	notes := iss.Source.PageNotes
	if len(notes) != iss.Source.Pages || notes[0].Status != PageStatusPDFToText || !strings.Contains(notes[0].Reason, "256-bit") {
		t.Errorf("page notes = %+v", notes)
	}
}
