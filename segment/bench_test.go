package segment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleText returns the sample bulletins' text, one string.
func sampleText(tb testing.TB) string {
	tb.Helper()
	files, err := filepath.Glob("../testdata/sample/*.txt")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no sample bulletins: %v", err)
	}
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// BenchmarkLoad measures loading the built-in dictionaries, as the first
// Cut of a process does (each run loads them again, outside the cache).
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if d := loadBuiltin(); d.dict.NumTokens() == 0 {
			b.Fatal("empty dictionary")
		}
	}
}

// BenchmarkWordList measures cutting the sample bulletins into the word
// list an index stores, with and without user words.
func BenchmarkWordList(b *testing.B) {
	text := sampleText(b)
	for _, c := range []struct {
		name  string
		words []Word
	}{{"builtin", nil}, {"user-words", []Word{{Text: "街坊议事厅", Freq: 100000}, {Text: "楼门议事会", Freq: 50000}, {Text: "文明实践站", Freq: 5000}}}} {
		b.Run(c.name, func(b *testing.B) {
			s := newSegmenter(b, c.words...)
			s.Load()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				s.WordList(text)
			}
		})
	}
}

// BenchmarkNew measures making a Segmenter with 200 user words.
func BenchmarkNew(b *testing.B) {
	var words []Word
	for i := range 200 {
		words = append(words, Word{Text: "词语" + string(rune('一'+i)), Freq: 3000})
	}
	for b.Loop() {
		newSegmenter(b, words...)
	}
}
