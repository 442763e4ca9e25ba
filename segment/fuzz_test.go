package segment

import (
	"testing"
	"unicode/utf8"
)

// FuzzTokenize checks every tokenizer on arbitrary input: terms are the
// input bytes at their offsets, offsets and positions increase.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"文明文明", "海淀区文明办，海淀区文明办。", "1500余人", "a\x1fb", "\xff\xfe文"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // normalised text is valid UTF-8
		}
		for _, name := range []string{Bigrams, Words} {
			lastPos, lastStart := 0, -1
			for _, tk := range analyzer(t, name).Analyze([]byte(s)) {
				if tk.Start < 0 || tk.End > len(s) || tk.Start >= tk.End {
					t.Fatalf("%s: bad offsets %d..%d in %q", name, tk.Start, tk.End, s)
				}
				if string(tk.Term) != s[tk.Start:tk.End] {
					t.Fatalf("%s: term %q at %d..%d, text there %q", name, tk.Term, tk.Start, tk.End, s[tk.Start:tk.End])
				}
				if tk.Position <= lastPos || tk.Start <= lastStart {
					t.Fatalf("%s: token %q does not advance (pos %d after %d)", name, tk.Term, tk.Position, lastPos)
				}
				lastPos, lastStart = tk.Position, tk.Start
			}
		}
	})
}
