package segment

import (
	"bytes"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names under which the tokenizers and analyzers are registered with bleve.
// Each analyzer is its tokenizer alone: the text reaching it is already
// normalised (ingest.MatchText), and nothing may move its offsets.
const (
	// Words emits the dictionary words of gse's Cut that contain a letter or
	// a digit, positions counting the words emitted.
	Words = "jianbao_words"
	// Bigrams emits every pair of adjacent characters at the position of
	// its first character: a phrase of a query's bigrams matches exactly
	// where the text contains the query.
	Bigrams = "jianbao_bigrams"
	// Unigrams emits every character, for one-character queries.
	Unigrams = "jianbao_unigrams"
)

// AnalyzerVersion changes whenever a tokenizer of this package would emit
// different tokens for the same text. An index records it.
const AnalyzerVersion = "3"

// Separator joins several texts into one field value. No token spans it, so
// no phrase matches across it; it never occurs in normalised text.
const Separator = '\x1f'

func init() {
	for name, tok := range map[string]analysis.Tokenizer{
		Words:    wordTokenizer{},
		Bigrams:  gramTokenizer{n: 2},
		Unigrams: gramTokenizer{n: 1},
	} {
		registry.RegisterTokenizer(name, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
			return tok, nil
		})
		registry.RegisterAnalyzer(name, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
			return &analysis.DefaultAnalyzer{Tokenizer: tok}, nil
		})
	}
}

// gramTokenizer emits the n-character grams of its input (n is 1 or 2).
// Position i (1-based) is the gram starting at the i-th character, so the
// grams of a text sit at consecutive positions. Grams touching Separator
// are skipped, leaving a gap in the positions.
type gramTokenizer struct{ n int }

func (g gramTokenizer) Tokenize(input []byte) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, utf8.RuneCount(input))
	pos := 0
	for i := 0; i < len(input); {
		r, size := utf8.DecodeRune(input[i:])
		pos++
		end := i + size
		if g.n == 2 {
			if end >= len(input) {
				break
			}
			r2, size2 := utf8.DecodeRune(input[end:])
			if r != Separator && r2 != Separator {
				out = append(out, &analysis.Token{Start: i, End: end + size2, Term: input[i : end+size2],
					Position: pos, Type: analysis.Ideographic})
			}
		} else if r != Separator {
			out = append(out, &analysis.Token{Start: i, End: end, Term: input[i:end],
				Position: pos, Type: analysis.Ideographic})
		}
		i = end
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

// Bigram returns the bigram terms of s in order: the terms of the phrase
// that matches s under the Bigrams analyzer. A text of fewer than two
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
