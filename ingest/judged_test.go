package ingest_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"jianbao/ingest"
)

var judgedReport = flag.Bool("judged", false, "print the judged set's scores, field by field and theme by theme")

// judgedArticle is one article of the judged set with what a reader found
// in it (see testdata/judged/README.md).
type judgedArticle struct {
	id, src, title string
	body           []string
	district       string
	mentioned      []string
	orgs           []ingest.Organisation
	themes         []string
}

// readJudged reads a file of the judged set.
func readJudged(tb testing.TB, path string) []judgedArticle {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []judgedArticle
	var cur *judgedArticle
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "# ") || line == "#" {
			continue
		}
		if id, ok := strings.CutPrefix(line, "## "); ok {
			out = append(out, judgedArticle{id: id})
			cur = &out[len(out)-1]
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok || cur == nil {
			tb.Fatalf("%s:%d: want key: value", path, n)
		}
		val = strings.TrimSpace(val)
		list := func(sep string) []string {
			var l []string
			for v := range strings.SplitSeq(val, sep) {
				if v = strings.TrimSpace(v); v != "" {
					l = append(l, v)
				}
			}
			return l
		}
		switch key {
		case "src":
			cur.src = val
		case "title":
			cur.title = val
		case "body":
			cur.body = append(cur.body, val)
		case "district":
			cur.district = val
		case "mentioned":
			cur.mentioned = list(" ")
		case "themes":
			cur.themes = list(";")
		case "orgs":
			for _, o := range list(";") {
				f := strings.Fields(o)
				if len(f) != 3 {
					tb.Fatalf("%s:%d: organisation %q: want name type district", path, n, o)
				}
				if !slices.Contains(ingest.OrgTypes, f[1]) {
					tb.Fatalf("%s:%d: unknown type %q", path, n, f[1])
				}
				if f[2] == "-" {
					f[2] = ""
				}
				cur.orgs = append(cur.orgs, ingest.Organisation{Name: f[0], Type: f[1], District: f[2]})
			}
		default:
			tb.Fatalf("%s:%d: unknown key %q", path, n, key)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// bulletin wraps articles as one bulletin, each under its own section with
// its attribution line, the way real bulletins print them.
func bulletin(arts []judgedArticle) string {
	var b strings.Builder
	b.WriteString("首都精神文明建设情况简报\n\n第 1 期\n\n首都精神文明办\n\n2023 年 5 月 8 日\n\n")
	for _, a := range arts {
		b.WriteString("【工作动态】\n\n" + a.title + "\n\n")
		for _, p := range a.body {
			b.WriteString(p + "\n\n")
		}
		b.WriteString("（" + a.src + "）\n\n")
	}
	b.WriteString("责编：张三    核稿：李四\n")
	return b.String()
}

// tally counts true positives, false positives and false negatives.
type tally struct{ tp, fp, fn int }

func (c tally) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c tally) recall() float64    { return ratio(c.tp, c.tp+c.fn) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func (c *tally) add(got, want []string) {
	for _, g := range got {
		if slices.Contains(want, g) {
			c.tp++
		} else {
			c.fp++
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			c.fn++
		}
	}
}

// judgedScores are the scores of a part of the judged set.
type judgedScores struct {
	district, mentioned, orgs, themes tally
	orgType, orgDistrict              [2]int // right, of organisations found and judged
	perTheme                          map[string]*tally
	perOrgType                        map[string]*tally
	misses                            []string
}

func scoreJudged(tb testing.TB, arts []judgedArticle) judgedScores {
	tb.Helper()
	s := judgedScores{perTheme: map[string]*tally{}, perOrgType: map[string]*tally{}}
	for _, typ := range ingest.OrgTypes {
		s.perOrgType[typ] = &tally{}
	}
	for _, th := range ingest.DefaultTaxonomy().Themes {
		s.perTheme[th.Name] = &tally{}
	}
	if len(arts) == 0 {
		return s
	}
	iss, err := ingest.Parse(context.Background(), "judged.txt", []byte(bulletin(arts)), ingest.Options{})
	if err != nil {
		tb.Fatalf("parse: %v", err)
	}
	if len(iss.Articles) != len(arts) {
		tb.Fatalf("parsed %d articles, want %d", len(iss.Articles), len(arts))
	}
	for i, a := range iss.Articles {
		j := arts[i]
		s.district.add(nonEmpty(a.District), nonEmpty(j.district))
		s.mentioned.add(a.DistrictsMentioned, j.mentioned)
		var got, want []string
		for _, o := range a.OrgDetails {
			got = append(got, o.Name)
		}
		for _, o := range j.orgs {
			want = append(want, o.Name)
		}
		s.orgs.add(got, want)
		for _, typ := range ingest.OrgTypes {
			var g, w []string
			for _, o := range a.OrgDetails {
				if o.Type == typ {
					g = append(g, o.Name)
				}
			}
			for _, o := range j.orgs {
				if o.Type == typ {
					w = append(w, o.Name)
				}
			}
			if s.perOrgType[typ] == nil {
				s.perOrgType[typ] = &tally{}
			}
			s.perOrgType[typ].add(g, w)
		}
		for _, o := range a.OrgDetails {
			k := slices.IndexFunc(j.orgs, func(w ingest.Organisation) bool { return w.Name == o.Name })
			if k < 0 {
				s.misses = append(s.misses, fmt.Sprintf("%s: extra organisation %s (%s)", j.id, o.Name, o.Type))
				continue
			}
			s.orgType[1]++
			s.orgDistrict[1]++
			if j.orgs[k].Type == o.Type {
				s.orgType[0]++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("%s: %s is %s, judged %s", j.id, o.Name, o.Type, j.orgs[k].Type))
			}
			if j.orgs[k].District == o.District {
				s.orgDistrict[0]++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("%s: %s in %q, judged %q", j.id, o.Name, o.District, j.orgs[k].District))
			}
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				s.misses = append(s.misses, fmt.Sprintf("%s: missed organisation %s", j.id, w))
			}
		}
		s.themes.add(a.Themes, j.themes)
		for _, th := range ingest.DefaultTaxonomy().Themes {
			if s.perTheme[th.Name] == nil {
				s.perTheme[th.Name] = &tally{}
			}
			s.perTheme[th.Name].add(filter(a.Themes, th.Name), filter(j.themes, th.Name))
		}
		for _, th := range a.Themes {
			if !slices.Contains(j.themes, th) {
				s.misses = append(s.misses, fmt.Sprintf("%s: extra theme %s", j.id, th))
			}
		}
		for _, th := range j.themes {
			if !slices.Contains(a.Themes, th) {
				s.misses = append(s.misses, fmt.Sprintf("%s: missed theme %s", j.id, th))
			}
		}
		if a.District != j.district {
			s.misses = append(s.misses, fmt.Sprintf("%s: district %q, judged %q", j.id, a.District, j.district))
		}
		if !slices.Equal(a.DistrictsMentioned, j.mentioned) && !(len(a.DistrictsMentioned) == 0 && len(j.mentioned) == 0) {
			s.misses = append(s.misses, fmt.Sprintf("%s: mentioned %q, judged %q", j.id, a.DistrictsMentioned, j.mentioned))
		}
	}
	return s
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func filter(l []string, x string) []string {
	if slices.Contains(l, x) {
		return []string{x}
	}
	return nil
}

func (s judgedScores) report(tb testing.TB, name string, n int) {
	tb.Helper()
	tb.Logf("%s: %d articles", name, n)
	row := func(field string, c tally) {
		tb.Logf("  %-22s precision %.3f recall %.3f (tp %d fp %d fn %d)", field, c.precision(), c.recall(), c.tp, c.fp, c.fn)
	}
	row("district", s.district)
	row("districts_mentioned", s.mentioned)
	row("organisations", s.orgs)
	tb.Logf("  organisation type right %d/%d, district right %d/%d", s.orgType[0], s.orgType[1], s.orgDistrict[0], s.orgDistrict[1])
	for _, typ := range ingest.OrgTypes {
		row("  "+typ, *s.perOrgType[typ])
	}
	row("themes", s.themes)
	var names []string
	for th := range s.perTheme {
		names = append(names, th)
	}
	sort.Strings(names)
	for _, th := range names {
		row("  "+th, *s.perTheme[th])
	}
	if *judgedReport {
		for _, m := range s.misses {
			tb.Log("  " + m)
		}
	}
}

// Floors of TestJudged. The newest held-out part (text the rules were
// not tuned on) must reach the targets, organisations precision 0.90 and
// recall 0.80, themes 0.93 and 0.93, districts 1.000, or where a target
// is not met on first sight, what it reached then, written here when the
// part is added. The development parts (every dev-*.txt together) hold
// the figures they reached when the tagging was last changed (A–P,
// themes.toml 2026.12.11 with the learned filter of themefilter.json,
// trained on A–P, and the organisation recogniser of 2026-12-06 that
// reads verbs, social organisations keeping their place: organisations
// 0.975/0.986, themes 0.968/0.955), so a
// change that loses on them is seen at once.
var (
	heldOutFloors = judgedFloors{orgsP: 0.90, orgsR: 0.80, themesP: 0.93, themesR: 0.93, districts: 1}
	devFloors     = judgedFloors{orgsP: 0.974, orgsR: 0.985, themesP: 0.967, themesR: 0.954, districts: 1}
)

// judgedFloors are the least figures a part of the judged set must reach.
type judgedFloors struct{ orgsP, orgsR, themesP, themesR, districts float64 }

// check reports every figure of s under its floor as an error.
func (f judgedFloors) check(t *testing.T, part string, s judgedScores) {
	t.Helper()
	checks := []struct {
		what      string
		got, want float64
	}{
		{"organisations precision", s.orgs.precision(), f.orgsP},
		{"organisations recall", s.orgs.recall(), f.orgsR},
		{"themes precision", s.themes.precision(), f.themesP},
		{"themes recall", s.themes.recall(), f.themesR},
		{"district precision", s.district.precision(), f.districts},
		{"district recall", s.district.recall(), f.districts},
		{"districts_mentioned precision", s.mentioned.precision(), f.districts},
		{"districts_mentioned recall", s.mentioned.recall(), f.districts},
	}
	for _, c := range checks {
		if c.got < c.want {
			t.Errorf("%s: %s = %.3f, want at least %.3f", part, c.what, c.got, c.want)
		}
	}
}

// heldOutNumber returns N of a file named heldout-N.txt, or -1.
func heldOutNumber(path string) int {
	s, ok := strings.CutPrefix(filepath.Base(path), "heldout-")
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSuffix(s, ".txt"))
	if err != nil {
		return -1
	}
	return n
}

// TestJudged scores organisations, themes and districts against the judged
// set: articles written to resemble real reporting and judged by reading.
// Every part is reported. The development parts must keep their regression
// floors; the newest held-out part (heldout-N.txt with the largest N), when
// there is one, must reach the targets.
// go test ./ingest -run TestJudged -v -judged lists every difference.
func TestJudged(t *testing.T) {
	devFiles, err := filepath.Glob(filepath.Join("testdata", "judged", "dev-*.txt"))
	if err != nil || len(devFiles) == 0 {
		t.Fatalf("no development part: %v", err)
	}
	heldFiles, err := filepath.Glob(filepath.Join("testdata", "judged", "heldout-*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(heldFiles, func(a, b string) int { return heldOutNumber(a) - heldOutNumber(b) })
	var dev []judgedArticle
	for _, f := range devFiles {
		part := readJudged(t, f)
		dev = append(dev, part...)
		s := scoreJudged(t, part)
		t.Logf("%s: %d articles, organisations %.3f/%.3f, themes %.3f/%.3f (tp %d fp %d fn %d)", filepath.Base(f), len(part),
			s.orgs.precision(), s.orgs.recall(), s.themes.precision(), s.themes.recall(), s.themes.tp, s.themes.fp, s.themes.fn)
	}
	sd := scoreJudged(t, dev)
	sd.report(t, "development parts", len(dev))
	devFloors.check(t, "development parts", sd)
	n := len(dev)
	if len(heldFiles) == 0 {
		t.Log("no held-out part is present: only the development floors are checked")
	}
	for k, f := range heldFiles {
		if heldOutNumber(f) < 0 {
			t.Fatalf("%s: want heldout-N.txt", f)
		}
		held := readJudged(t, f)
		n += len(held)
		sh := scoreJudged(t, held)
		sh.report(t, "held-out part "+filepath.Base(f), len(held))
		if k < len(heldFiles)-1 {
			continue
		}
		if len(held) < 50 {
			t.Errorf("the newest held-out part has %d articles, want at least 50", len(held))
		}
		heldOutFloors.check(t, "held-out "+filepath.Base(f), sh)
	}
	if n < 150 {
		t.Errorf("the judged set has %d articles, want at least 150", n)
	}
}

// BenchmarkTagJudged tags every article of the judged set (headline and
// body) once per iteration: the text where an article's headline tells
// its main activity, which the seed bulletin's five articles hardly
// exercise.
func BenchmarkTagJudged(b *testing.B) {
	files, err := filepath.Glob(filepath.Join("testdata", "judged", "*.txt"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no judged part: %v", err)
	}
	var texts []string
	for _, f := range files {
		for _, a := range readJudged(b, f) {
			texts = append(texts, a.title+"\n"+strings.Join(a.body, "\n"))
		}
	}
	tax := ingest.DefaultTaxonomy()
	b.ResetTimer()
	for range b.N {
		for _, text := range texts {
			tax.Tag(text)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(texts)), "µs/article")
}
