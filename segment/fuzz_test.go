package segment

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/go-ego/gse"
)

// FuzzTokenize checks what the index makes of arbitrary text. Its units
// are those of gse's SplitTextToWords. Cut: the
// words join back to the text, and without user words they are gse's
// own Segment's. Words over WordList: the
// terms are Cut's words with a letter or a digit, in order, at positions
// 1, 2, … and at their offsets in the list. BigramPositions: the token at
// position i is the i-th and the (i+1)-th characters of the input, and
// there is one for every character but the last. BigramTokens and
// WordTokens: what bleve counts of those tokens, and WordTokens without
// the single characters.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"文明文明", "海淀区文明办，海淀区文明办。", "1500余人", "a\x1fb", "\xff\xfe文", "组建街坊议事厅ABC abc", "卡拉OK 卡拉ok", "ÀB Ωmega 12ab", "ABC", "x"} {
		f.Add(s)
	}
	plain := newSegmenter(f)
	user := newSegmenter(f, Word{Text: "街坊议事厅", Freq: 100000}, Word{Text: "ABC中心", Freq: 50}, Word{Text: "文", Freq: 10})
	words := analyzer(f, Words)
	bigrams := analyzer(f, BigramPositions)
	f.Fuzz(func(t *testing.T, s string) {
		units, want := splitUnits([]byte(s), nil), builtin().split.SplitTextToWords([]byte(s))
		if !slices.EqualFunc(units, want, func(a, b gse.Text) bool { return string(a) == string(b) }) {
			t.Fatalf("units of %q: %q, gse's %q", s, units, want)
		}
		if !utf8.ValidString(s) {
			return // normalised text is valid UTF-8
		}
		if got, want := plain.Cut(s), gseCut(s); !slices.Equal(got, want) {
			t.Fatalf("Cut(%q) = %q, gse's Segment %q", s, got, want)
		}
		for _, seg := range []*Segmenter{plain, user} {
			pieces := seg.Cut(s)
			if strings.Join(pieces, "") != s {
				t.Fatalf("pieces %q do not join to %q", pieces, s)
			}
			list := seg.WordList(s)
			toks := words.Analyze([]byte(list))
			var want []string
			for _, p := range pieces {
				if isWordToken(p) {
					want = append(want, p)
				}
			}
			if len(toks) != len(want) {
				t.Fatalf("words of %q: %d tokens from %q, want %q", s, len(toks), list, want)
			}
			for i, tk := range toks {
				if string(tk.Term) != want[i] || tk.Position != i+1 || list[tk.Start:tk.End] != want[i] {
					t.Fatalf("words of %q: token %d is %q at %d (%d..%d), want %q at %d", s, i, tk.Term, tk.Position, tk.Start, tk.End, want[i], i+1)
				}
			}
		}
		rs := []rune(s)
		toks := bigrams.Analyze([]byte(s))
		if want := max(len(rs)-1, 0); len(toks) != want {
			t.Fatalf("bigrams: %d tokens for %d characters", len(toks), len(rs))
		}
		for i, tk := range toks {
			if want := string(rs[i : i+2]); tk.Position != i+1 || string(tk.Term) != want {
				t.Fatalf("bigrams: token %d is %q at %d, want %q at %d", i, tk.Term, tk.Position, want, i+1)
			}
		}
		// The counted tokens are what bleve's TokenFrequency makes of the
		// analyzers' streams.
		for _, counts := range []bool{true, false} {
			opts := index.IndexField
			if !counts {
				opts |= index.SkipFreqNorm
			}
			same(t, "bigrams of "+s, BigramTokens(s, counts), toks, len(s), opts)
			for _, seg := range []*Segmenter{plain, user} {
				list := seg.WordList(s)
				stream := words.Analyze([]byte(list))
				same(t, "words of "+s, seg.WordTokens(s, counts, 0), stream, len(list), opts)
				// Without the single characters, of the same length.
				long := seg.WordTokens(s, counts, 2)
				var longer analysis.TokenStream
				for _, tk := range stream {
					if utf8.RuneCount(tk.Term) >= 2 {
						longer = append(longer, tk)
					}
				}
				if long.Length != len(stream) {
					t.Fatalf("words of %q without single characters: length %d, want %d", s, long.Length, len(stream))
				}
				long.Length = len(longer)
				same(t, "longer words of "+s, long, longer, len(list), opts)
			}
		}
	})
}

// same fails t unless got is what bleve counts of stream, a field value
// of n bytes indexed with opts.
func same(t *testing.T, what string, got Tokens, stream analysis.TokenStream, n int, opts index.FieldIndexingOptions) {
	t.Helper()
	want := analysis.TokenFrequency(stream, nil, opts)
	if got.Length != len(stream) || got.ValueBytes != n || len(got.Frequencies) != len(want) {
		t.Fatalf("%s: %d tokens, %d distinct, %d bytes; want %d, %d, %d", what, got.Length, len(got.Frequencies), got.ValueBytes, len(stream), len(want), n)
	}
	for k, w := range want {
		g := got.Frequencies[k]
		if g == nil || string(g.Term) != string(w.Term) || g.Frequency() != w.Frequency() || len(g.Locations) != 0 {
			t.Fatalf("%s: token %q is %+v, want %+v", what, k, g, w)
		}
	}
}
