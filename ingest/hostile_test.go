package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"jianbao/internal/hostile"
)

// TestHostileFiles feeds ParseFile files that are not bulletins, or are
// absurd ones, and checks that each gets a clear error naming the file (or
// parses, for a well-formed giant).
func TestHostileFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	junk := make([]byte, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range junk {
		junk[i] = byte(r.UintN(256))
	}
	huge := filepath.Join(dir, "huge.txt")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(200 << 20); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	f.Close()
	// 5,000 articles of 900 bytes: each article and their number are
	// within bounds, their text is not.
	var big strings.Builder
	big.WriteString("首都精神文明建设情况简报\n第1期\n2021年1月1日\n【工作动态】\n")
	for range 5000 {
		big.WriteString(strings.Repeat("海淀区开展志愿服务活动。", 25) + "\n（海淀区文明办）\n")
	}
	bigIssue := []byte(big.String())
	long := append([]byte("首都精神文明建设情况简报\n第1期\n2021年1月1日\n【工作动态】\n"), bytes.Repeat([]byte("很长的一行没有标点"), 200000)...)

	tests := []struct {
		name, path, want string
	}{
		{"empty", write("empty.txt", nil), "empty file"},
		{"binary junk", write("junk.txt", junk), "offset"},
		{"200 MB", huge, "file too large: 209715200 bytes"},
		{"directory", dir, "not a regular file"},
		{"mixed encodings", write("mixed.txt", append([]byte("首都精神文明建设情况简报\n"), []byte{0xCA, 0xD7, 0xB6, 0xBC, 0x0A, 0xE9, 0xA6}...)), "neither UTF-8"},
		{"one long line, no attribution", write("long.txt", long), "article 2021-001-01 is 5400000 bytes long, over the limit of 1048576"},
		{"12,000 tiny articles", write("tiny.txt", hostile.TinyArticles(12_000)), "more than 10000 articles"},
		{"100,000 tiny articles", write("tiny100k.txt", hostile.TinyArticles(100_000)), "more than 100000 lines"},
		{"60 MB of one-character lines", write("lines.txt", hostile.OneCharLines(60<<20)), "more than 100000 lines"},
		{"4 MiB of text in articles", write("text.txt", bigIssue), "the articles hold more than 4194304 bytes of text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss, err := ParseFile(context.Background(), tt.path, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) {
				t.Fatalf("error = %v, want one naming %s and saying %q", err, tt.path, tt.want)
			}
			var warnings ErrorList
			if iss != nil && !errors.As(err, &warnings) {
				t.Errorf("an issue came with a non-warning error")
			}
		})
	}
}

// TestGiantBulletin parses a bulletin of 10,000 articles: it must come out
// whole, numbered in order.
func TestGiantBulletin(t *testing.T) {
	var b strings.Builder
	b.WriteString("首都精神文明建设情况简报\n第 9 期\n首都精神文明办\n2021年5月6日\n【简讯】\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "海淀区第%d项活动开展志愿服务,参与群众%d人。\n(海淀区文明办)\n", i, i*3)
	}
	b.WriteString("责编:梅雪峰\n")
	iss, err := Parse(context.Background(), "giant.txt", []byte(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(iss.Articles) != 10000 || iss.Articles[9999].ID != "2021-009-10000" || iss.Editor != "梅雪峰" {
		t.Errorf("got %d articles, last %q, editor %q", len(iss.Articles), iss.Articles[len(iss.Articles)-1].ID, iss.Editor)
	}
}

// TestLongRuns feeds the recognisers of organisations and themes an
// article that repeats one name or phrase thousands of times (a hostile
// file, or one whose line breaks were lost), in time that grows with the
// text: the themes must be those of a few repeats, and the organisations
// a few, of names no longer than a name's walk reaches. Before walks
// were bounded and spans looked up by position, 4,000 repeats of 市委 took
// the organisations 9 s and 16,000 took 2 min 10 s, 海淀区公安分局 never
// ended (walks within walks), and 8,000 of 志愿服务 took the themes 6 s;
// the whole test now takes about a second, so its time limit is what it
// asserts.
func TestLongRuns(t *testing.T) {
	tax := DefaultTaxonomy()
	for _, unit := range []string{"市委", "海淀区文明办", "海淀区公安分局", "北京燃气集团", "团市委", "窦店村、",
		"志愿服务", "垃圾分类，", "“雷锋车队”", "志愿服务队志愿服务志愿者学雷锋“学雷锋”", "以社会主义核心价值观为引领"} {
		short, long := strings.Repeat(unit, 20), strings.Repeat(unit, 8000)
		names := func(text string) []string {
			var out []string
			for _, o := range organisationsIn(text, orgContext{district: "海淀区"}) {
				out = append(out, o.Name)
			}
			return out
		}
		l := names(long)
		if len(l) > 4 {
			t.Errorf("%s × 8000 names %d organisations: %v", unit, len(l), l)
		}
		for _, n := range l {
			if len(n) > 2*maxNameBytes {
				t.Errorf("%s × 8000 names %q, longer than a name's walk reaches", unit, n)
			}
		}
		if s, l := tax.Tag("标题\n"+short), tax.Tag("标题\n"+long); !slices.Equal(s, l) {
			t.Errorf("%s × 8000 has themes %v, × 20 %v", unit, l, s)
		}
	}
}
