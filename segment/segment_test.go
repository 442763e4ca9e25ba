package segment

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-ego/gse"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

type tok struct {
	term       string
	start, end int
	pos        int
}

func tokens(ts analysis.TokenStream) []tok {
	out := make([]tok, len(ts))
	for i, t := range ts {
		out[i] = tok{string(t.Term), t.Start, t.End, t.Position}
	}
	return out
}

func analyzer(t testing.TB, name string) analysis.Analyzer {
	t.Helper()
	a, err := registry.NewCache().AnalyzerNamed(name)
	if err != nil {
		t.Fatalf("analyzer %s: %v", name, err)
	}
	return a
}

func TestGramAnalyzers(t *testing.T) {
	tests := []struct {
		name, analyzer, in string
		want               []tok
	}{
		{"bigrams repeated", BigramPositions, "文明文明", []tok{{"文明", 0, 0, 1}, {"明文", 0, 0, 2}, {"文明", 0, 0, 3}}},
		{"bigrams mixed widths", BigramPositions, "a1万,", []tok{{"a1", 0, 0, 1}, {"1万", 0, 0, 2}, {"万,", 0, 0, 3}}},
		{"bigrams one char", BigramPositions, "实", []tok{}},
		{"bigrams empty", BigramPositions, "", []tok{}},
		{"bigrams separator", BigramPositions, "区委\x1f文明\x1f", []tok{{"区委", 0, 0, 1}, {"委\x1f", 0, 0, 2}, {"\x1f文", 0, 0, 3}, {"文明", 0, 0, 4}, {"明\x1f", 0, 0, 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tokens(analyzer(t, tt.analyzer).Analyze([]byte(tt.in)))
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("token %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// newSegmenter returns a Segmenter with words.
func newSegmenter(t testing.TB, words ...Word) *Segmenter {
	t.Helper()
	s, err := New(words)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWordsAnalyzer(t *testing.T) {
	tests := []struct {
		in   string
		want []tok
	}{
		// Repeated words are words each time; punctuation is not a word.
		// Offsets are those in the word list.
		{"海淀区文明办，海淀区文明办。", []tok{
			{"海淀区", 0, 9, 1}, {"文明办", 10, 19, 2},
			{"海淀区", 20, 29, 3}, {"文明办", 30, 39, 4}}},
		{"垃圾分类垃圾分类", []tok{{"垃圾分类", 0, 12, 1}, {"垃圾分类", 13, 25, 2}}},
		{"新时代文明实践中心ABC与1500余人", []tok{
			{"新时代文明实践中心", 0, 27, 1}, {"ABC", 28, 31, 2}, {"与", 32, 35, 3},
			{"1500", 36, 40, 4}, {"余", 41, 44, 5}, {"人", 45, 48, 6}}},
		{"，。", []tok{}},
	}
	a := analyzer(t, Words)
	s := newSegmenter(t)
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := tokens(a.Analyze([]byte(s.WordList(tt.in))))
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("token %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestCutDomainWords(t *testing.T) {
	s := newSegmenter(t)
	for _, w := range []string{"文明城区", "新时代文明实践", "垃圾分类", "石景山区", "首都精神文明办", "天安门地区文明委"} {
		text := "本市推进" + w + "工作"
		if got := s.Cut(text); !slices.Contains(got, w) {
			t.Errorf("Cut(%q) = %q, want the word %q", text, got, w)
		}
	}
}

func TestCutConcatenates(t *testing.T) {
	text := "我市举办文明城区创建工作第一期培训班。ABC abc iPhone 2021年3月23日，（海淀区文明办）"
	if got := strings.Join(newSegmenter(t).Cut(text), ""); got != text {
		t.Errorf("pieces join to %q, want %q", got, text)
	}
}

// TestCutLeavesGseAlone: cutting changes none of gse's package settings
// (its ToLower applies to every gse user in the process).
func TestCutLeavesGseAlone(t *testing.T) {
	before := gse.ToLower
	newSegmenter(t, Word{Text: "ABC中心", Freq: 100000}).Cut("组建ABC中心")
	if gse.ToLower != before {
		t.Errorf("gse.ToLower changed from %v to %v", before, gse.ToLower)
	}
}

// TestCutMatchesGse: without user words a Segmenter cuts as gse's own
// Segment does with the built-in dictionaries, on every sample bulletin.
func TestCutMatchesGse(t *testing.T) {
	files, err := filepath.Glob("../testdata/sample/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample bulletins: %v", err)
	}
	s := newSegmenter(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.SplitSeq(string(data), "\n") {
			if got, want := s.Cut(line), gseCut(line); !slices.Equal(got, want) {
				t.Fatalf("%s: Cut(%q)\n= %q\nwant gse's %q", f, line, got, want)
			}
		}
	}
}

// TestTokenInfo: what cut knows of a token found at its place in the
// dictionary (the fast path) is what it measures of the same token
// elsewhere (the fallback, for a gse that would copy its tokens), for every
// token of the built-in dictionaries and of a user word.
func TestTokenInfo(t *testing.T) {
	s := newSegmenter(t, Word{Text: "街坊议事厅", Freq: 100000})
	for name, d := range map[string]*dictionary{"builtin": builtin().dictionary, "user": s.user} {
		if len(d.info) != len(d.dict.Tokens) || len(d.info) == 0 {
			t.Fatalf("%s: %d infos for %d tokens", name, len(d.info), len(d.dict.Tokens))
		}
		for i := range d.dict.Tokens {
			tok := &d.dict.Tokens[i]
			copied := *tok
			fast, slow := d.infoOf(tok), d.infoOf(&copied)
			if fast != d.info[i] || slow != fast {
				t.Fatalf("%s: token %q: in place %+v, copied %+v, indexed %+v", name, tok.Text(), fast, slow, d.info[i])
			}
		}
	}
}

// gseCut cuts text with gse's Segment over the built-in dictionaries,
// taking each word from text at gse's offsets.
func gseCut(text string) []string {
	var out []string
	for _, sg := range builtin().split.Segment([]byte(text)) {
		out = append(out, text[sg.Start():sg.End()])
	}
	return out
}

// TestUserWords: a Segmenter's user words are words, and only its own:
// Segmenters with other words, made before or after, keep theirs.
func TestUserWords(t *testing.T) {
	a, b := "街坊抗疫队", "楼门议事会"
	text := "组建" + a + "伍和" + b + "伍"
	none := newSegmenter(t)
	if got := none.Cut(text); slices.Contains(got, a) || slices.Contains(got, b) {
		t.Fatalf("already words: %q", got)
	}
	withA := newSegmenter(t, Word{Text: a, Freq: 100000})
	withB := newSegmenter(t, Word{Text: b, Freq: 100000})
	if got := withA.Cut(text); !slices.Contains(got, a) || slices.Contains(got, b) {
		t.Errorf("with %s: Cut = %q", a, got)
	}
	if got := withB.Cut(text); slices.Contains(got, a) || !slices.Contains(got, b) {
		t.Errorf("with %s: Cut = %q", b, got)
	}
	if got := none.Cut(text); slices.Contains(got, a) || slices.Contains(got, b) {
		t.Errorf("without user words, after others were made: Cut = %q", got)
	}
	if got := withA.WordList(text); !strings.Contains(got, a+" ") {
		t.Errorf("with %s: WordList = %q", a, got)
	}
	// A user word the built-in dictionary has: the higher frequency counts.
	if got := newSegmenter(t, Word{Text: "文明", Freq: 1}).Cut("文明城区"); !slices.Equal(got, []string{"文明城区"}) {
		t.Errorf("a rare user word 文明 changed the cut: %q", got)
	}
	for _, bad := range []string{"", "两个 词", "\xff"} {
		if _, err := New([]Word{{Text: bad}}); err == nil {
			t.Errorf("New with the word %q: no error", bad)
		}
	}
}

// TestLoaded: a Segmenter loads the built-in dictionaries only when it
// cuts (or is told to load).
func TestLoaded(t *testing.T) {
	s := newSegmenter(t, Word{Text: "街坊议事厅", Freq: 100000})
	if s.Loaded() {
		t.Fatal("a new Segmenter has loaded the dictionaries")
	}
	s.WordList("文明")
	if !s.Loaded() {
		t.Error("cutting did not count as loading")
	}
}

func TestParseDict(t *testing.T) {
	words, err := ParseDict("# comment\n\n文明城区 100 n\n志愿者\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []Word{{"文明城区", 100, "n"}, {"志愿者", DefaultFreq, ""}}
	if empty, err := ParseDict("# none\n"); err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("a dictionary without words: %#v, %v; want an empty, non-nil list", empty, err)
	}
	if len(words) != len(want) || words[0] != want[0] || words[1] != want[1] {
		t.Errorf("got %+v, want %+v", words, want)
	}
	if _, err := ParseDict("好\n坏 x\n"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad frequency: err = %v, want one naming line 2", err)
	}
}

func TestBigram(t *testing.T) {
	tests := map[string][]string{
		"":     nil,
		"实":    nil,
		"惠，专":  {"惠，", "，专"},
		"1500": {"15", "50", "00"},
		"a文明b": {"a文", "文明", "明b"},
	}
	for in, want := range tests {
		got := Bigram(in)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("Bigram(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDictVersion: the version names the embedded dictionaries, and any
// change to either (one word more, a frequency changed) changes it.
func TestDictVersion(t *testing.T) {
	if got, want := DictVersion(), dictVersion(zhS, domain); got != want || !strings.HasPrefix(got, "zh_s16+") {
		t.Errorf("DictVersion = %q, want %q", got, want)
	}
	base := dictVersion(zhS, domain)
	for name, v := range map[string]string{
		"a domain word more":      dictVersion(zhS, domain+"街坊议事厅 3000\n"),
		"a general frequency":     dictVersion(strings.Replace(zhS, "1", "2", 1), domain),
		"a word moved across":     dictVersion(zhS+"文明城区 100\n", strings.Replace(domain, "文明城区", "", 1)),
		"the two swapped, joined": dictVersion(zhS+domain, ""),
	} {
		if v == base {
			t.Errorf("%s: the version stays %s", name, v)
		}
	}
}
