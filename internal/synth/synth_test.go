package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"jianbao/ingest"
)

var update = flag.Bool("update", false, "rewrite the generated part of testdata/sample")

// sampleDir is the bundled sample archive; sampleSize generated bulletins
// (seed 1) sit there beside the real seed bulletin.
const (
	sampleDir  = "../../testdata/sample"
	sampleSize = 40
	sampleSeed = 1
)

// fieldDiff is one field of one record that differs from the expected one.
type fieldDiff struct {
	file, field string
	want, got   string
}

// compareFields compares the JSON forms of want and got field by field:
// top-level fields, and each field of each article except those named in
// skip. It returns the number of fields compared and the differences.
func compareFields(file string, want, got *ingest.Issue, skip ...string) (int, []fieldDiff) {
	w, g := jsonFields(want), jsonFields(got)
	var diffs []fieldDiff
	n := 0
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "articles" {
			continue
		}
		n++
		if !bytes.Equal(w[k], g[k]) {
			diffs = append(diffs, fieldDiff{file, k, string(w[k]), string(g[k])})
		}
	}
	var wa, ga []map[string]json.RawMessage
	_ = json.Unmarshal(w["articles"], &wa)
	_ = json.Unmarshal(g["articles"], &ga)
	for i := range max(len(wa), len(ga)) {
		var wi, gi map[string]json.RawMessage
		if i < len(wa) {
			wi = wa[i]
		}
		if i < len(ga) {
			gi = ga[i]
		}
		for _, k := range articleFields(wi, gi) {
			if slices.Contains(skip, k) {
				continue
			}
			n++
			if !bytes.Equal(wi[k], gi[k]) {
				diffs = append(diffs, fieldDiff{file, fmt.Sprintf("articles[%d].%s", i, k), string(wi[k]), string(gi[k])})
			}
		}
	}
	return n, diffs
}

func articleFields(a, b map[string]json.RawMessage) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func jsonFields(iss *ingest.Issue) map[string]json.RawMessage {
	if iss == nil {
		return nil
	}
	js, err := json.Marshal(iss)
	if err != nil {
		panic(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(js, &m); err != nil {
		panic(err)
	}
	return m
}

// TestRoundTrip parses 500 generated bulletins and compares every field of
// every record with the expected one, except the themes of articles: those
// are the intended themes, which TestThemeTagging compares. The only
// warnings allowed are for the articles generated without an attribution
// line.
func TestRoundTrip(t *testing.T) {
	files, st := generate(500, 1)
	ctx := context.Background()
	total, bad := 0, 0
	var shown []fieldDiff
	failedFiles := 0
	for _, f := range files {
		got, err := ingest.Parse(ctx, f.Name, f.Data, ingest.Options{})
		if err != nil && got == nil {
			t.Errorf("%s: %v", f.Name, err)
			failedFiles++
			continue
		}
		checkWarnings(t, f, err)
		n, diffs := compareFields(f.Name, f.Expected, got, "themes")
		total += n
		bad += len(diffs)
		if len(diffs) > 0 {
			failedFiles++
		}
		for _, d := range diffs {
			if len(shown) < 8 {
				shown = append(shown, d)
			}
		}
	}
	for _, d := range shown {
		t.Errorf("%s: %s\n want %s\n  got %s", d.file, d.field, d.want, d.got)
	}
	pct := 100 * float64(total-bad) / float64(max(total, 1))
	t.Logf("%d bulletins, %d articles (%d without attribution, %d page-break splits of which %d inside district names, %d drafts rejected): %d of %d fields match (%.3f%%), %d files differ",
		len(files), st.articles, st.noAttr, st.splits, st.inName, st.rejected, total-bad, total, pct, failedFiles)
	if bad > 0 {
		t.Errorf("%d of %d fields differ (%.3f%% match)", bad, total, pct)
	}
}

// FuzzRoundTrip runs the round trip over bulletins of any seed:
// go test ./internal/synth -run '^$' -fuzz '^FuzzRoundTrip$' explores seeds
// beyond the one TestRoundTrip checks.
func FuzzRoundTrip(f *testing.F) {
	for _, seed := range []uint64{0, 2, 42, 1 << 40, 1<<40 - 1} { // 1<<40 - 1: a quoted saying before a school's name
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		for _, file := range Generate(4, seed) {
			got, err := ingest.Parse(context.Background(), file.Name, file.Data, ingest.Options{})
			if got == nil {
				t.Fatalf("seed %d, %s: %v", seed, file.Name, err)
			}
			checkWarnings(t, file, err)
			if _, diffs := compareFields(file.Name, file.Expected, got, "themes"); len(diffs) > 0 {
				d := diffs[0]
				t.Fatalf("seed %d, %s: %s (and %d more differences)\n want %s\n  got %s", seed, d.file, d.field, len(diffs)-1, d.want, d.got)
			}
		}
	})
}

// checkWarnings asserts that the parser warned exactly about the articles
// generated without attribution, and about nothing else.
func checkWarnings(t *testing.T, f File, err error) {
	t.Helper()
	want := 0
	for _, a := range f.Expected.Articles {
		if a.SourceOrg == "" {
			want++
		}
	}
	var list ingest.ErrorList
	if err != nil && !errors.As(err, &list) {
		t.Errorf("%s: error is not a list of warnings: %v", f.Name, err)
		return
	}
	attr := 0
	for _, e := range list {
		if strings.Contains(e.Msg, "no attribution") {
			attr++
			continue
		}
		t.Errorf("%s: unexpected warning: %v", f.Name, e)
	}
	if attr != want {
		t.Errorf("%s: %d warnings about missing attribution, want %d", f.Name, attr, want)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, b := Generate(60, 7), Generate(60, 7)
	if len(a) != 60 || len(b) != 60 {
		t.Fatalf("got %d and %d files, want 60", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("file %d differs between runs with the same seed: %s, %s", i, a[i].Name, b[i].Name)
		}
		ja, _ := ExpectedJSON(a[i].Expected)
		jb, _ := ExpectedJSON(b[i].Expected)
		if !bytes.Equal(ja, jb) {
			t.Fatalf("expected record of %s differs between runs", a[i].Name)
		}
	}
	c := Generate(60, 8)
	same := 0
	for i := range c {
		if bytes.Equal(a[i].Data, c[i].Data) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 7 and 8 gave %d identical files", same)
	}
}

// TestGenerateArchive checks the shape of a generated archive: unique names
// and IDs, dates and issue numbers in order within a year, and the share of
// each variant the parser must handle.
func TestGenerateArchive(t *testing.T) {
	files, st := generate(1000, 3)
	if len(files) != 1000 {
		t.Fatalf("got %d files, want 1000", len(files))
	}
	names, ids := map[string]bool{}, map[string]bool{}
	var gbk, bom, crlf, special, untitled, titled, split int
	lastIssue := map[int]int{}
	lastDate := ""
	for _, f := range files {
		iss := f.Expected
		if names[f.Name] || ids[iss.ID] {
			t.Fatalf("duplicate name or ID: %s %s", f.Name, iss.ID)
		}
		names[f.Name], ids[iss.ID] = true, true
		if f.Name != "bulletin-"+iss.ID+".txt" || iss.Source.Path != f.Name {
			t.Errorf("name %s, ID %s, source path %s do not agree", f.Name, iss.ID, iss.Source.Path)
		}
		if iss.Date < lastDate {
			t.Errorf("%s: date %s before the previous file's %s", f.Name, iss.Date, lastDate)
		}
		lastDate = iss.Date
		year, _ := time.Parse(time.DateOnly, iss.Date)
		if y := year.Year(); y < 2016 || y > 2025 {
			t.Errorf("%s: year %d outside 2016–2025", f.Name, y)
		}
		if iss.Special == "" {
			if iss.Issue <= lastIssue[year.Year()] {
				t.Errorf("%s: issue %d not after %d", f.Name, iss.Issue, lastIssue[year.Year()])
			}
			lastIssue[year.Year()] = iss.Issue
		} else {
			special++
		}
		switch {
		case bytes.HasPrefix(f.Data, []byte{0xEF, 0xBB, 0xBF}):
			bom++
		case !utf8.Valid(f.Data):
			gbk++
		}
		if bytes.Contains(f.Data, []byte("\r\n")) {
			crlf++
		}
		for _, a := range iss.Articles {
			if strings.HasPrefix(a.Body, a.Headline) {
				untitled++
			} else {
				titled++
			}
		}
	}
	split = st.splits
	share := func(what string, n, of int, lo, hi float64) {
		t.Helper()
		if p := float64(n) / float64(of); p < lo || p > hi {
			t.Errorf("%s: %d of %d (%.2f), want between %.2f and %.2f", what, n, of, p, lo, hi)
		}
	}
	share("GBK files", gbk, len(files), 0.10, 0.20)
	share("files with a byte-order mark", bom, len(files), 0.06, 0.14)
	share("CRLF files", crlf, len(files), 0.10, 0.20)
	share("special issues", special, len(files), 0.05, 0.11)
	share("articles with a title line", titled, titled+untitled, 0.10, 0.25)
	share("articles without attribution", st.noAttr, st.articles, 0.02, 0.08)
	share("page-break splits per file", split, len(files), 0.6, 1.0)
	share("splits inside district names", st.inName, split, 0.05, 0.4)
	share("drafts rejected for accidental names", st.rejected, st.articles, 0, 0.05)
}

// TestGBK checks that GBK files really are GBK: not valid UTF-8, and decoded
// by ingest to the same text as their expected bodies.
func TestGBK(t *testing.T) {
	n := 0
	for _, f := range Generate(200, 5) {
		if utf8.Valid(f.Data) || bytes.HasPrefix(f.Data, []byte{0xEF, 0xBB, 0xBF}) {
			continue
		}
		n++
		text, enc, err := ingest.Decode(f.Data)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if enc != ingest.EncodingGB18030 {
			t.Errorf("%s: decoded as %s, want %s", f.Name, enc, ingest.EncodingGB18030)
		}
		if !strings.Contains(text, f.Expected.Title) {
			t.Errorf("%s: decoded text lacks the title %q", f.Name, f.Expected.Title)
		}
	}
	if n == 0 {
		t.Fatal("no GBK file among 200")
	}
}

// TestGuard checks that the guard finds accidental names and respects the
// exceptions, so that drafts forming names are really rejected.
func TestGuard(t *testing.T) {
	g := newGuard()
	tests := []struct {
		text      string
		districts []string
		orgs      []string
	}{
		{"海淀区妇联组织活动", []string{"海淀区"}, []string{"海淀区妇联"}},
		{"朝阳门街道和海淀街坊", []string{"海淀区"}, []string{"朝阳门街道"}},
		{"怀柔镇开展活动,十六区、各区和全市同步", []string{"怀柔区"}, []string{"怀柔镇"}},
		{"天安门地区文明委召开会议", nil, []string{"天安门地区文明委"}},
		{"首都文明委首都文明办", nil, []string{"首都文明委", "首都文明办"}},
		{"石景山区八角街道与东城", []string{"石景山区", "东城区"}, []string{"八角街道"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := g.districts(tt.text); !slices.Equal(got, tt.districts) {
				t.Errorf("districts = %v, want %v", got, tt.districts)
			}
			if got := g.orgs(tt.text); !slices.Equal(got, tt.orgs) {
				t.Errorf("orgs = %v, want %v", got, tt.orgs)
			}
		})
	}
}

func TestValidCut(t *testing.T) {
	long := []rune("海淀区永定路街道建立以服务换服务的双向供给机制,将新时代文明实践工作做实做活。一、摸准新需求。")
	tests := []struct {
		pos           int
		firstUntitled bool
		want          bool
	}{
		{10, false, false}, // fewer than 26 characters
		{28, false, true},
		{28, true, true},                            // has a comma
		{39, false, false},                          // right after 。
		{40, false, false},                          // second part starts with 一、
		{len(long) - 1, false, false},               // second part too short
		{slices.Index(long, ',') + 1, false, false}, // right after a comma
	}
	for _, tt := range tests {
		if got := validCut(long, tt.pos, tt.firstUntitled); got != tt.want {
			t.Errorf("validCut at %d (%q|%q) = %v, want %v", tt.pos, string(long[:min(tt.pos, len(long))]), string(long[min(tt.pos, len(long)):]), got, tt.want)
		}
	}
	noComma := []rune("海淀区永定路街道建立以服务换服务的双向供给机制将新时代文明实践工作做实做活。")
	if validCut(noComma, 30, true) {
		t.Error("a first part of 30 characters without a comma could pass for a title line")
	}
	if !validCut(noComma, 30, false) {
		t.Error("cut at 30 of a later paragraph refused")
	}
}

// TestSampleUpToDate regenerates the sample archive and compares it with
// testdata/sample, so that the sample cannot drift from the generator; run
// with -update to rewrite it.
func TestSampleUpToDate(t *testing.T) {
	files := Generate(sampleSize, sampleSeed)
	if *update {
		if err := Write(sampleDir, files); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(sampleDir, f.Name))
		if err != nil {
			t.Errorf("%v (run go test ./internal/synth -run TestSampleUpToDate -update)", err)
			continue
		}
		if !bytes.Equal(data, f.Data) {
			t.Errorf("%s differs from the generator's output (run with -update)", f.Name)
		}
		want, err := ExpectedJSON(f.Expected)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(sampleDir, "expected", f.Name+".json"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("expected record of %s is missing or stale (run with -update)", f.Name)
		}
	}
	// Every expected record belongs to a bulletin of the sample.
	recs, _ := filepath.Glob(filepath.Join(sampleDir, "expected", "*.json"))
	for _, rec := range recs {
		txt := strings.TrimSuffix(filepath.Base(rec), ".json")
		if _, err := os.Stat(filepath.Join(sampleDir, txt)); err != nil {
			t.Errorf("%s has no bulletin %s", rec, txt)
		}
	}
}

// TestSampleIDsDistinct checks that the generated sample does not reuse the
// ID or name of a real bulletin bundled beside it.
func TestSampleIDsDistinct(t *testing.T) {
	real, err := filepath.Glob(filepath.Join(sampleDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	gen := map[string]bool{}
	ids := map[string]bool{}
	for _, f := range Generate(sampleSize, sampleSeed) {
		gen[f.Name] = true
		ids[f.Expected.ID] = true
	}
	for _, path := range real {
		if gen[filepath.Base(path)] {
			continue
		}
		iss, err := ingest.ParseFile(context.Background(), path, ingest.Options{})
		if iss == nil {
			t.Fatalf("%s: %v", path, err)
		}
		if ids[iss.ID] {
			t.Errorf("generated sample reuses ID %s of %s", iss.ID, path)
		}
	}
}

// BenchmarkParse measures parsing throughput, single core, over a generated
// archive of 500 bulletins.
func BenchmarkParse(b *testing.B) {
	files := Generate(500, 1)
	size := 0
	for _, f := range files {
		size += len(f.Data)
	}
	ctx := context.Background()
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, f := range files {
			if iss, err := ingest.Parse(ctx, f.Name, f.Data, ingest.Options{}); iss == nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(files))/b.Elapsed().Seconds(), "bulletins/s")
}

// BenchmarkGenerate measures generation, which benchmarks of the index use.
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(500, 1)
	}
	b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "bulletins/s")
}

// TestWrite checks that Write stores each bulletin and an expected record
// that reads back as the one generated.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	files := Generate(5, 11)
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil || !bytes.Equal(data, f.Data) {
			t.Errorf("%s: not written as generated (%v)", f.Name, err)
		}
		js, err := os.ReadFile(filepath.Join(dir, "expected", f.Name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(js, []byte("{\n  \"id\"")) {
			t.Errorf("%s: record not indented:\n%.80s", f.Name, js)
		}
		var back ingest.Issue
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if _, diffs := compareFields(f.Name, f.Expected, &back); len(diffs) > 0 {
			t.Errorf("%s: record read back differs: %+v", f.Name, diffs[0])
		}
	}
	if err := Write(filepath.Join(dir, files[0].Name), files); err == nil {
		t.Error("Write into a path below a file succeeded")
	}
	js, err := ExpectedJSON(&ingest.Issue{Title: "<a&b>"})
	if err != nil || !bytes.Contains(js, []byte(`"title": "<a&b>"`)) {
		t.Errorf("ExpectedJSON escapes HTML characters: %s (%v)", js, err)
	}
}

// TestPlanYears checks that however many bulletins are planned, each is
// dated in a year ingest accepts, and their IDs are distinct: a
// million-article archive is about 182,000 bulletins.
func TestPlanYears(t *testing.T) {
	for _, n := range []int{1, 9_000, 69_300, 69_301, 182_000} {
		g := &generator{r: rand.New(rand.NewPCG(1, 2))}
		slots := g.plan(n)
		if len(slots) != n {
			t.Fatalf("n=%d: %d bulletins planned", n, len(slots))
		}
		ids := make(map[string]bool, n)
		for _, s := range slots {
			if y := s.date.Year(); y < ingest.MinYear || y > 2025 {
				t.Fatalf("n=%d: %s dated %s", n, s.id, s.date.Format(time.DateOnly))
			}
			if ids[s.id] {
				t.Fatalf("n=%d: %s twice", n, s.id)
			}
			ids[s.id] = true
		}
	}
}
