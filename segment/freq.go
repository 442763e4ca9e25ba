package segment

import (
	"unicode/utf8"

	bindex "github.com/blevesearch/bleve_index_api"
)

// Tokens are a text field as bleve indexes it: what an analyzer of this
// package, and bleve's analysis.TokenFrequency after it, make of a value,
// computed without the token stream between them. The map's keys and the
// terms share one copy of the text, where bleve allocates each.
type Tokens struct {
	Length      int                     // tokens, repeats counted: the field length of bleve's norm
	Frequencies bindex.TokenFrequencies // each distinct token, with its frequency when counted
	ValueBytes  int                     // of the field value the analyzer would have read
}

// BigramTokens returns the tokens that the BigramPositions analyzer and
// TokenFrequency make of text, with frequencies when counts (bleve leaves
// them 0 for a field that skips frequencies and norms).
func BigramTokens(text string, counts bool) Tokens {
	n := utf8.RuneCountInString(text)
	if n < 2 {
		return Tokens{Frequencies: bindex.TokenFrequencies{}, ValueBytes: len(text)}
	}
	terms := []byte(text)
	// At most n-1 distinct bigrams: the slab never grows, so its pointers
	// stay valid.
	slab := make([]bindex.TokenFreq, 0, n-1)
	freqs := make(bindex.TokenFrequencies, n-1)
	start := 0
	_, size := utf8.DecodeRuneInString(text)
	for end := size; end < len(text); {
		_, size2 := utf8.DecodeRuneInString(text[end:])
		stop := end + size2
		tf := freqs[text[start:stop]]
		if tf == nil {
			slab = append(slab, bindex.TokenFreq{Term: terms[start:stop:stop]})
			tf = &slab[len(slab)-1]
			freqs[text[start:stop]] = tf
		}
		if counts {
			tf.SetFrequency(tf.Frequency() + 1)
		}
		start, end = end, stop
	}
	return Tokens{Length: n - 1, Frequencies: freqs, ValueBytes: len(text)}
}

// WordTokens returns the tokens that the Words analyzer and TokenFrequency
// make of s.WordList(text), with frequencies when counts, without making
// the list. Words of fewer than minRunes characters count in the length,
// so that a field's norm is the whole list's, but are left out of the
// frequencies, as words that no search looks up.
func (s *Segmenter) WordTokens(text string, counts bool, minRunes int) Tokens {
	if text == "" {
		return Tokens{Frequencies: bindex.TokenFrequencies{}}
	}
	ends := s.cut(text)
	terms := []byte(text)
	slab := make([]bindex.TokenFreq, 0, len(ends))
	freqs := make(bindex.TokenFrequencies, len(ends))
	t := Tokens{Frequencies: freqs}
	start := 0
	for _, end := range ends {
		w := text[start:end]
		if isWordToken(w) {
			t.Length++
			t.ValueBytes += len(w) + 1 // and its wordSep
			if minRunes > 1 && utf8.RuneCountInString(w) < minRunes {
				start = end
				continue
			}
			tf := freqs[w]
			if tf == nil {
				slab = append(slab, bindex.TokenFreq{Term: terms[start:end:end]})
				tf = &slab[len(slab)-1]
				freqs[w] = tf
			}
			if counts {
				tf.SetFrequency(tf.Frequency() + 1)
			}
		}
		start = end
	}
	return t
}
