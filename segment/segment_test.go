package segment

import (
	"strings"
	"testing"

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

func TestWordsAnalyzer(t *testing.T) {
	tests := []struct {
		in   string
		want []tok
	}{
		// Repeated words keep their own offsets (gse's Analyze would give
		// the first occurrence's); punctuation is not a word but moves the
		// offsets.
		{"海淀区文明办，海淀区文明办。", []tok{
			{"海淀区", 0, 9, 1}, {"文明办", 9, 18, 2},
			{"海淀区", 21, 30, 3}, {"文明办", 30, 39, 4}}},
		{"垃圾分类垃圾分类", []tok{{"垃圾分类", 0, 12, 1}, {"垃圾分类", 12, 24, 2}}},
		{"新时代文明实践中心ABC与1500余人", []tok{
			{"新时代文明实践中心", 0, 27, 1}, {"ABC", 27, 30, 2}, {"与", 30, 33, 3},
			{"1500", 33, 37, 4}, {"余", 37, 40, 5}, {"人", 40, 43, 6}}},
		{"，。", []tok{}},
	}
	a := analyzer(t, Words)
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := tokens(a.Analyze([]byte(tt.in)))
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
	for _, w := range []string{"文明城区", "新时代文明实践", "垃圾分类", "石景山区", "首都精神文明办", "天安门地区文明委"} {
		text := "本市推进" + w + "工作"
		if got := Cut(text); !contains(got, w) {
			t.Errorf("Cut(%q) = %q, want the word %q", text, got, w)
		}
	}
}

func TestCutConcatenates(t *testing.T) {
	text := "我市举办文明城区创建工作第一期培训班。ABC abc 2021年3月23日，（海淀区文明办）"
	if got := strings.Join(Cut(text), ""); got != text {
		t.Errorf("pieces join to %q, want %q", got, text)
	}
}

// TestSetWords: the user words set are words; words set before and not
// again are not.
func TestSetWords(t *testing.T) {
	defer SetWords(nil)
	a, b := "街坊抗疫队", "楼门议事会"
	text := "组建" + a + "伍和" + b + "伍"
	if got := Cut(text); contains(got, a) || contains(got, b) {
		t.Fatalf("already words: %q", got)
	}
	SetWords([]Word{{Text: a, Freq: 100000}})
	if got := Cut(text); !contains(got, a) || contains(got, b) {
		t.Errorf("with %s: Cut = %q", a, got)
	}
	SetWords([]Word{{Text: b, Freq: 100000}})
	if got := Cut(text); contains(got, a) || !contains(got, b) {
		t.Errorf("with %s in place of %s: Cut = %q", b, a, got)
	}
	n := loadCnt
	SetWords([]Word{{Text: b, Freq: 100000}})
	Cut(text)
	if loadCnt != n {
		t.Errorf("setting the same words again loaded the dictionary again")
	}
}

func TestParseDict(t *testing.T) {
	words, err := ParseDict("# comment\n\n文明城区 100 n\n志愿者\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []Word{{"文明城区", 100, "n"}, {"志愿者", DefaultFreq, ""}}
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
