package segment

import (
	"testing"
	"unicode/utf8"
)

// FuzzTokenize checks the analyzers the index uses on arbitrary input.
// Words: terms are the input bytes at their offsets, offsets and positions
// increase. BigramPositions: the token at position i is the i-th and the
// (i+1)-th characters of the input, and there is one for every character
// but the last.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"文明文明", "海淀区文明办，海淀区文明办。", "1500余人", "a\x1fb", "\xff\xfe文"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // normalised text is valid UTF-8
		}
		lastPos, lastStart := 0, -1
		for _, tk := range analyzer(t, Words).Analyze([]byte(s)) {
			if tk.Start < 0 || tk.End > len(s) || tk.Start >= tk.End {
				t.Fatalf("words: bad offsets %d..%d in %q", tk.Start, tk.End, s)
			}
			if string(tk.Term) != s[tk.Start:tk.End] {
				t.Fatalf("words: term %q at %d..%d, text there %q", tk.Term, tk.Start, tk.End, s[tk.Start:tk.End])
			}
			if tk.Position <= lastPos || tk.Start <= lastStart {
				t.Fatalf("words: token %q does not advance (pos %d after %d)", tk.Term, tk.Position, lastPos)
			}
			lastPos, lastStart = tk.Position, tk.Start
		}
		rs := []rune(s)
		toks := analyzer(t, BigramPositions).Analyze([]byte(s))
		if want := max(len(rs)-1, 0); len(toks) != want {
			t.Fatalf("bigrams: %d tokens for %d characters", len(toks), len(rs))
		}
		for i, tk := range toks {
			if want := string(rs[i : i+2]); tk.Position != i+1 || string(tk.Term) != want {
				t.Fatalf("bigrams: token %d is %q at %d, want %q at %d", i, tk.Term, tk.Position, want, i+1)
			}
		}
	})
}
