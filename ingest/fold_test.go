package ingest

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// TestFoldEveryRune checks Fold against width.Fold on every rune, alone and
// between Han characters, and that mayFold's byte test marks every rune
// that width.Fold changes.
func TestFoldEveryRune(t *testing.T) {
	changed := 0
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		want := width.Fold.String(s)
		if want != s {
			changed++
			if !mayFold(s) {
				t.Errorf("mayFold(%U) = false, but width.Fold changes it to %q", r, want)
			}
		}
		if got := Fold("文明" + s + "城区"); got != "文明"+want+"城区" {
			t.Errorf("Fold(%U between Han) = %q, want %q", r, got, "文明"+want+"城区")
		}
	}
	if changed < 200 {
		t.Errorf("width.Fold changes %d runes: the test no longer sees the forms it is about", changed)
	}
}

// TestSentenceStop checks sentenceStop against strings.IndexAny on random
// strings of stops, runes that share their lead bytes, other CJK text and
// broken UTF-8.
func TestSentenceStop(t *testing.T) {
	parts := []string{"。", "！", "？", "!", "?", "\n", "、", "，", "：", "ａ", "\u3000", "文明", "志愿", "a", " ",
		"\xe3", "\xe3\x80", "\xef", "\xef\xbc", "\xbc\x81", "\x82"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if got, want := sentenceStop(s), strings.IndexAny(s, "。！？!?\n"); got != want {
			t.Fatalf("sentenceStop(%q) = %d, want %d", s, got, want)
		}
	}
}

// FuzzFold checks Fold against width.Fold, and sentenceStop against
// strings.IndexAny, on any bytes.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"，２０２１年", "文明\u3000城区", "ﾊﾝｶｸ", "￥１００", "\xef\xbc", "首都。好！吗？"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), width.Fold.String(s); got != want {
			t.Errorf("Fold(%q) = %q, width.Fold gives %q", s, got, want)
		}
		if got, want := sentenceStop(s), strings.IndexAny(s, "。！？!?\n"); got != want {
			t.Errorf("sentenceStop(%q) = %d, want %d", s, got, want)
		}
	})
}
