package ingest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The degraded scans of testdata/scans are made by testdata/scans/make.sh
// (make testdata-scans) from the LibreOffice PDF fixtures; see that script
// for each degradation. The correction of OCR was developed on the tuning
// degradations. Two sets were held out and scored before anything was
// tuned on them, and are tuning data since: the first (its low vertical
// resolution and blurred tilt were then tuned on with the lowres and blur
// scans), and the second (scored at 74.1 % unseen; the corrections of
// heavier damage were then developed on it). The third, chosen before
// those corrections were finished by someone who did not write them, was
// scored once when it was added (90.5 %). A new held-out set is a new
// group of scanGroups, scored once before anything is tuned on it.
const scansDir = "testdata/scans"

var (
	tuningScans   = []string{"clean", "dpi150", "skew", "jpeg40", "speckle", "photocopy", "lowres", "blur"}
	heldOutScans  = []string{"fax", "skewblur", "blotches", "faded"}
	heldOut2Scans = []string{"fax98", "tilt", "speckle9", "smudge", "jpeg25"}
	heldOut3Scans = []string{"fax2", "tilt5", "coarse", "speckle11", "grey30"}
)

// fieldScore counts the checked fields of a record that match the
// reference.
type fieldScore struct {
	total, right int
	misses       []string
}

func (s *fieldScore) check(name string, want, got any) {
	s.total++
	w, _ := json.Marshal(want)
	g, _ := json.Marshal(got)
	if string(w) == string(g) {
		s.right++
		return
	}
	s.misses = append(s.misses, fmt.Sprintf("%s: want %s, got %s", name, clip(string(w), 60), clip(string(g), 60)))
}

func (s *fieldScore) add(o fieldScore) {
	s.total += o.total
	s.right += o.right
	s.misses = append(s.misses, o.misses...)
}

func (s fieldScore) pct() float64 {
	if s.total == 0 {
		return 0
	}
	return 100 * float64(s.right) / float64(s.total)
}

// scoreFields compares the checked fields of a record read from a scan
// with the record of the same bulletin's text layer: id, title, issue,
// total_issue, special, issuer and date; the number of articles; and for
// each article of the reference, the article at the same place: section,
// source_org, district, districts_mentioned, organisations, themes and
// page. Headline and body are measured by character error instead (see
// bodyCER), since OCR misreads a character or two in most paragraphs. A
// missing record scores nothing.
func scoreFields(want, got *Issue) fieldScore {
	var s fieldScore
	if got == nil {
		got = &Issue{}
	}
	s.check("id", want.ID, got.ID)
	s.check("title", want.Title, got.Title)
	s.check("issue", want.Issue, got.Issue)
	s.check("total_issue", want.TotalIssue, got.TotalIssue)
	s.check("special", want.Special, got.Special)
	s.check("issuer", want.Issuer, got.Issuer)
	s.check("date", want.Date, got.Date)
	s.check("articles", len(want.Articles), len(got.Articles))
	for i, w := range want.Articles {
		var g Article
		if i < len(got.Articles) {
			g = got.Articles[i]
		}
		p := fmt.Sprintf("articles[%d].", i)
		s.check(p+"section", w.Section, g.Section)
		s.check(p+"source_org", w.SourceOrg, g.SourceOrg)
		s.check(p+"district", w.District, g.District)
		s.check(p+"districts_mentioned", w.DistrictsMentioned, g.DistrictsMentioned)
		s.check(p+"organisations", w.Organisations, g.Organisations)
		s.check(p+"themes", w.Themes, g.Themes)
		s.check(p+"page", w.Page, g.Page)
	}
	return s
}

// bodyCER is the character error rate of the articles' text read from a
// scan against the reference: edit distance over reference length, the
// articles' headlines and bodies joined.
func bodyCER(want, got *Issue) (dist, n int) {
	join := func(iss *Issue) []rune {
		var b strings.Builder
		if iss != nil {
			for _, a := range iss.Articles {
				b.WriteString(a.Body)
			}
		}
		return []rune(MatchText(b.String()))
	}
	w, g := join(want), join(got)
	return editDistance(w, g), len(w)
}

// cacheOnly finds the real tools but a tesseract that cannot run, so that
// a page missing from the OCR cache fails instead of being read.
func cacheOnly(name string) (string, error) {
	if name == ToolTesseract {
		return "/nonexistent/tesseract-not-run-by-make-test", nil
	}
	return exec.LookPath(name)
}

// scanResult is the record of one scan and how long it took.
type scanResult struct {
	name, degradation string
	iss               *Issue
	err               error
	took              time.Duration
	pages             int
}

// scanRun parses every scan of testdata/scans with opts and scores it.
func scanRun(t *testing.T, opts Options) []scanResult {
	t.Helper()
	var out []scanResult
	for _, d := range allScans {
		files, _ := filepath.Glob(filepath.Join(scansDir, "*."+d+".pdf"))
		if len(files) == 0 {
			t.Fatalf("no scans of degradation %s in %s: run make testdata-scans", d, scansDir)
		}
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), "."+d+".pdf")
			start := time.Now()
			iss, err := parseFixture(t, f, opts)
			r := scanResult{name: name, degradation: d, iss: iss, err: err, took: time.Since(start)}
			if iss != nil {
				r.pages = iss.Source.Pages
			}
			out = append(out, r)
		}
	}
	return out
}

// scanReference is the record of a scan's bulletin from its text layer.
func scanReference(t *testing.T, name string) *Issue {
	t.Helper()
	want, err := parseFixture(t, filepath.Join(pdfDir, name+".lo.pdf"), Options{LookPath: noTools})
	if want == nil {
		t.Fatalf("reference %s: %v", name, err)
	}
	return want
}

// scanGroups are the sets of degradations scored together, each with its
// floor: the share of fields right, a little under what the set reaches
// now, so that a change that loses fields fails. The target is 90 % on
// scans not tuned on; see the README for what each set reaches.
var scanGroups = []struct {
	name  string
	degs  []string
	floor float64
}{
	{"tuning", tuningScans, 91},
	{"held-out 1 (tuned on since)", heldOutScans, 83},
	{"held-out 2 (tuned on since)", heldOut2Scans, 81},
	{"held-out 3", heldOut3Scans, 90},
}

// allScans are the degradations of every group, in order.
var allScans = func() []string {
	var out []string
	for _, g := range scanGroups {
		out = append(out, g.degs...)
	}
	return out
}()

// scoreScans scores the results, logs a table by degradation and checks
// the targets: every field of the clean scan of the real bulletin, no scan
// rejected, and the floors of the tuning and of the held-out degradations.
func scoreScans(t *testing.T, results []scanResult) map[string]fieldScore {
	t.Helper()
	byDeg := map[string]fieldScore{}
	cer := map[string][2]int{}
	refs := map[string]*Issue{}
	for _, r := range results {
		want := refs[r.name]
		if want == nil {
			want = scanReference(t, r.name)
			refs[r.name] = want
		}
		if r.iss == nil {
			t.Errorf("%s.%s: rejected: %v", r.name, r.degradation, r.err)
		}
		for _, n := range sourceNotes(r.iss) {
			if n.Status == PageStatusMissing {
				t.Errorf("%s.%s: page %d not read: %s (not in the OCR cache? run make testdata-scans)", r.name, r.degradation, n.Page, n.Reason)
			}
		}
		s := scoreFields(want, r.iss)
		acc := byDeg[r.degradation]
		acc.add(s)
		byDeg[r.degradation] = acc
		d, n := bodyCER(want, r.iss)
		c := cer[r.degradation]
		cer[r.degradation] = [2]int{c[0] + d, c[1] + n}
		if r.name == "bulletin-2021-014" && r.degradation == "clean" && s.right != s.total {
			t.Errorf("clean scan of the real bulletin: %d of %d fields:\n%s", s.right, s.total, strings.Join(s.misses, "\n"))
		}
		if testing.Verbose() && len(s.misses) > 0 {
			t.Logf("%s.%s misses:\n  %s", r.name, r.degradation, strings.Join(s.misses, "\n  "))
		}
	}
	var b strings.Builder
	for _, d := range allScans {
		s, c := byDeg[d], cer[d]
		fmt.Fprintf(&b, "%-10s %4d/%4d fields %5.1f%%   body CER %5.2f%%\n", d, s.right, s.total, s.pct(), 100*float64(c[0])/float64(max(c[1], 1)))
	}
	for _, g := range scanGroups {
		var sum fieldScore
		for _, d := range g.degs {
			sum.add(byDeg[d])
		}
		fmt.Fprintf(&b, "%-28s %4d/%4d fields %5.1f%%\n", g.name, sum.right, sum.total, sum.pct())
		if sum.pct() < g.floor {
			t.Errorf("fields right on the %s scans: %.1f%%, want at least %v%%", g.name, sum.pct(), g.floor)
		}
	}
	t.Logf("fields right by degradation:\n%s", b.String())
	return byDeg
}

func sourceNotes(iss *Issue) []PageNote {
	if iss == nil {
		return nil
	}
	return iss.Source.PageNotes
}

// TestScans reads every degraded scan through the OCR results committed in
// testdata/scans/ocr (tesseract itself is not run: make scans does) and
// scores the records field by field against the text layer's.
func TestScans(t *testing.T) {
	needTools(t, ToolPDFToPPM)
	results := scanRun(t, Options{OCRCacheDir: filepath.Join(scansDir, "ocr"), LookPath: cacheOnly})
	scoreScans(t, results)
}

// TestScansLive OCRs every degraded scan with tesseract, without and then
// with a cache, and scores the records: make scans. It takes minutes.
func TestScansLive(t *testing.T) {
	if os.Getenv("JIANBAO_SCANS") == "" {
		t.Skip("set JIANBAO_SCANS=1 (make scans) to OCR every scan")
	}
	needTools(t, ToolTesseract, ToolPDFToPPM)
	dir := t.TempDir()
	opts := Options{OCRCacheDir: dir}
	uncached := scanRun(t, opts)
	cached := scanRun(t, opts)
	perPage := func(rs []scanResult) float64 {
		var d time.Duration
		pages := 0
		for _, r := range rs {
			d += r.took
			pages += r.pages
		}
		return d.Seconds() / float64(max(pages, 1))
	}
	t.Logf("OCR cost, %d pages at once: %.2f s/page uncached, %.3f s/page cached (wall time)", cmp.Or(opts.OCRWorkers, runtime.GOMAXPROCS(0)), perPage(uncached), perPage(cached))
	scoreScans(t, uncached)
	for i := range cached {
		if g, w := recordJSON(t, cached[i].iss, true), recordJSON(t, uncached[i].iss, true); g != w {
			t.Errorf("%s.%s: the cached reading differs from the first", cached[i].name, cached[i].degradation)
		}
	}
	logRaw(t, scanRun(t, Options{OCRCacheDir: dir, OCRRaw: true}))
}

// TestScansWithoutCorrection scores the scans read as tesseract gives
// them, from the committed OCR results: what the corrections and partial
// records add (make scans).
func TestScansWithoutCorrection(t *testing.T) {
	if os.Getenv("JIANBAO_SCANS") == "" {
		t.Skip("set JIANBAO_SCANS=1 (make scans) to score the scans without correction")
	}
	needTools(t, ToolPDFToPPM)
	logRaw(t, scanRun(t, Options{OCRCacheDir: filepath.Join(scansDir, "ocr"), LookPath: cacheOnly, OCRRaw: true}))
}

// logRaw logs the scores of scans read without correction.
func logRaw(t *testing.T, raw []scanResult) {
	t.Helper()
	var b strings.Builder
	rawScores := map[string]fieldScore{}
	rejected := map[string]int{}
	for _, r := range raw {
		s := scoreFields(scanReference(t, r.name), r.iss)
		acc := rawScores[r.degradation]
		acc.add(s)
		rawScores[r.degradation] = acc
		if r.iss == nil {
			rejected[r.degradation]++
		}
	}
	for _, d := range allScans {
		s := rawScores[d]
		fmt.Fprintf(&b, "%-10s %4d/%4d fields %5.1f%%, %d of %d files rejected\n", d, s.right, s.total, s.pct(), rejected[d], countDegradation(raw, d))
	}
	for _, g := range scanGroups {
		var sum fieldScore
		for _, d := range g.degs {
			sum.add(rawScores[d])
		}
		fmt.Fprintf(&b, "%-28s %4d/%4d fields %5.1f%%\n", g.name, sum.right, sum.total, sum.pct())
	}
	t.Logf("without OCR correction and partial records:\n%s", b.String())
}

func countDegradation(rs []scanResult, d string) int {
	n := 0
	for _, r := range rs {
		if r.degradation == d {
			n++
		}
	}
	return n
}
