package segment

import (
	"bytes"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names under which the analyzers are registered with bleve. Each is a
// tokenizer alone, and stateless: the text reaching BigramPositions is
// already normalised (ingest.MatchText), and nothing may move its offsets;
// the text reaching Words is a Segmenter's WordList of it, cut by the
// index's own Segmenter.
const (
	// Words emits the words of a WordList (the words of gse's Cut that
	// contain a letter or a digit, each followed by a space), positions
	// counting the words, with their byte offsets in the list. Indexes of
	// schema 9 and before gave it the text itself, which it cut with a
	// process-wide segmenter; they are refused for writing until rebuilt,
	// and reading them analyses nothing.
	Words = "jianbao_words"
	// BigramPositions emits every pair of adjacent characters at the
	// position of its first character, without offsets (the fields it
	// analyses keep none): the documents holding every bigram of a query
	// are the candidates that may contain it, and the bigrams starting with
	// a character are where it occurs.
	BigramPositions = "jianbao_bigram_positions"
)

// AnalyzerVersion changes whenever an analyzer of this package would emit
// different tokens for the same text. An index records it.
// 5: words are cut by the index's Segmenter before analysis (Words splits
// a WordList), and dictionary words match Latin letters in either case.
const AnalyzerVersion = "5"

// Separator ends each of several texts joined into one field value. The
// bigrams that contain it are emitted (so that the last character of a text
// starts a bigram too), but no query contains it, so no phrase matches
// across it.
const Separator = '\x1f'

func init() {
	for name, a := range map[string]analysis.Analyzer{
		Words:           &analysis.DefaultAnalyzer{Tokenizer: wordListTokenizer{}},
		BigramPositions: &analysis.DefaultAnalyzer{Tokenizer: bigramTokenizer{}},
	} {
		registry.RegisterAnalyzer(name, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
			return a, nil
		})
	}
}

// bigramTokenizer emits the bigrams of its input, without offsets.
// Position i (1-based) is the bigram starting at the i-th character, so the
// bigrams of a text sit at consecutive positions; the last character starts
// none.
type bigramTokenizer struct{}

func (bigramTokenizer) Tokenize(input []byte) analysis.TokenStream {
	n := utf8.RuneCount(input)
	if n < 2 {
		return analysis.TokenStream{}
	}
	// One allocation for all tokens: there is one per character.
	toks := make([]analysis.Token, n-1)
	out := make(analysis.TokenStream, n-1)
	i, pos := 0, 0
	_, size := utf8.DecodeRune(input)
	for end := size; end < len(input); {
		_, size2 := utf8.DecodeRune(input[end:])
		t := &toks[pos]
		pos++
		t.Term, t.Position, t.Type = input[i:end+size2], pos, analysis.Ideographic
		out[pos-1] = t
		i, end = end, end+size2
	}
	return out
}

// wordListTokenizer splits a WordList at its spaces: each run of other
// bytes is a word.
type wordListTokenizer struct{}

func (wordListTokenizer) Tokenize(input []byte) analysis.TokenStream {
	n := bytes.Count(input, []byte{wordSep}) + 1
	toks := make([]analysis.Token, 0, n)
	start := 0
	for start < len(input) {
		end := bytes.IndexByte(input[start:], wordSep)
		if end < 0 {
			end = len(input)
		} else {
			end += start
		}
		if end > start {
			toks = append(toks, analysis.Token{Start: start, End: end, Term: input[start:end],
				Position: len(toks) + 1, Type: analysis.Ideographic})
		}
		start = end + 1
	}
	out := make(analysis.TokenStream, len(toks))
	for i := range toks {
		out[i] = &toks[i]
	}
	return out
}

// Bigram returns the bigram terms of s in order: the terms that the
// BigramPositions analyzer emits for s. A text of fewer than two
// characters has none.
func Bigram(s string) []string {
	var terms []string
	prev := -1
	for i := range s {
		if prev >= 0 {
			_, size := utf8.DecodeRuneInString(s[i:])
			terms = append(terms, s[prev:i+size])
		}
		prev = i
	}
	return terms
}
