package segment

import (
	"bytes"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names under which the analyzers are registered with bleve. The text
// reaching them is already normalised (ingest.MatchText), and nothing may
// move its offsets, so each analyzer is its tokenizer alone.
const (
	// Words emits the dictionary words of gse's Cut that contain a letter or
	// a digit, positions counting the words emitted, with their byte
	// offsets.
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
const AnalyzerVersion = "4"

// Separator ends each of several texts joined into one field value. The
// bigrams that contain it are emitted (so that the last character of a text
// starts a bigram too), but no query contains it, so no phrase matches
// across it.
const Separator = '\x1f'

func init() {
	for name, a := range map[string]analysis.Analyzer{
		Words:           &analysis.DefaultAnalyzer{Tokenizer: wordTokenizer{}},
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

// wordTokenizer emits gse's words with exact byte offsets: Cut's pieces
// concatenate back to the input, so each offset is the sum of the lengths
// before it (gse's Analyze gets them wrong for repeated words).
type wordTokenizer struct{}

func (wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	pieces := Cut(string(input))
	out := make(analysis.TokenStream, 0, len(pieces))
	off, pos := 0, 0
	for _, p := range pieces {
		start := off
		if !bytes.HasPrefix(input[off:], []byte(p)) {
			// Not expected with ToLower off; keep offsets true regardless.
			j := bytes.Index(input[off:], []byte(p))
			if j < 0 {
				continue
			}
			start += j
		}
		off = start + len(p)
		if !isWordToken(p) {
			continue
		}
		pos++
		out = append(out, &analysis.Token{Start: start, End: off, Term: input[start:off],
			Position: pos, Type: analysis.Ideographic})
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
