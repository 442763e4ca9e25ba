package index

import (
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf8"

	"jianbao/ingest"
	"jianbao/segment"
)

func TestStoredMatch(t *testing.T) {
	tests := []struct {
		name, headline, org, body string
		inMatch                   bool // the patch rebuilds the body
	}{
		{"plain", "标题", "海淀区文明办", "正文。", true},
		{"paragraphs", "标题", "", "第一段。\n\n第二段。\n", true},
		{"full width", "２０２１年", "（海淀区）", "共有１２３名志愿者，参加“垃圾分类”活动：ＡＢＣ。", true},
		{"latin spaces", "Beijing  news", "", "the  quick \t brown\nfox 与 北京", true},
		{"ideographic space", "标　题", "", "北京　市\u00a0海淀", true},
		{"outside the BMP", "𠀀标题", "", "𠀀𠀁文明𪚥", true},
		{"empty", "", "", "", true},
		{"separator in text", "标\x1f题", "", "正\x1f文", true},
		{"invalid UTF-8", "标题", "", "正文\xff。", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, m, ok := encodeMatch(tt.headline, tt.org, tt.body)
			sep := string(segment.Separator)
			h, o, b := ingest.MatchText(tt.headline), ingest.MatchText(tt.org), ingest.MatchText(tt.body)
			if want := h + sep + o + sep + b + sep; text != want {
				t.Errorf("text %q, want %q", text, want)
			}
			if got := decodeUTF16(m.text); got != text && utf8.ValidString(text) {
				t.Errorf("stored text decodes to %q, want %q", got, text)
			}
			if ok != tt.inMatch {
				t.Fatalf("patch rebuilds the body: %v, want %v", ok, tt.inMatch)
			}
			gh, gorg, gb, err := m.parts()
			if err != nil || gh != h || gorg != o || gb != b && utf8.ValidString(b) {
				t.Errorf("parts %q %q %q, %v; want %q %q %q", gh, gorg, gb, err, h, o, b)
			}
			if ok {
				if got, err := m.body(); err != nil || got != tt.body {
					t.Errorf("body %q, %v; want %q", got, err, tt.body)
				}
			}
		})
	}
}

// TestDamagedMatch checks that a patch whose lengths do not fit the text is
// an error, not a panic.
func TestDamagedMatch(t *testing.T) {
	text := appendUTF16(nil, "标题\x1f\x1f正文\x1f")
	for _, lens := range [][2]uint64{{1 << 62, 0}, {0, 1 << 62}, {1 << 63, 1 << 63}, {9, 0}} {
		m := storedMatch{text: text, patch: binary.AppendUvarint(binary.AppendUvarint(nil, lens[0]), lens[1])}
		if _, _, _, err := m.parts(); err == nil {
			t.Errorf("lengths %v: no error", lens)
		}
		if _, err := m.body(); err == nil {
			t.Errorf("lengths %v: body, no error", lens)
		}
	}
}

// TestDecodeArticleFromMatch checks that a record whose body is in the
// search text decodes whole, and one whose body could not be (kept in
// fRecord) too.
func TestDecodeArticleFromMatch(t *testing.T) {
	for _, body := range []string{"正文，ＡＢＣ。\n\n第二段。", "正文\xff。"} {
		a := ingest.Article{ID: "2021-014-02", Seq: 2, Headline: "标题", SourceOrg: "海淀区文明办", Body: body}
		iss := &Issue{Issue: ingest.Issue{ID: "2021-014", Date: "2021-04-20", Issue: 14, Articles: []ingest.Article{a}}}
		dir := t.TempDir()
		ix, err := Open(dir, Options{Create: true})
		if err != nil {
			t.Fatal(err)
		}
		putIssue(t, ix, iss)
		// (Records are JSON: invalid UTF-8 reads back as U+FFFD.)
		got, err := ix.Article(t.Context(), a.ID)
		if want := strings.ToValidUTF8(body, "\uFFFD"); err != nil || got.Body != want {
			t.Errorf("body %q, %v; want %q", got.Body, err, want)
		}
		ix.Close()
	}
}

func TestOccurrences(t *testing.T) {
	u := func(s string) []byte { return appendUTF16(nil, s) }
	text := u("文明城区\x1f创建文明城区，文明城区文明\x1f")
	tests := []struct {
		q     string
		n     int
		first int // in characters
	}{
		{"文明城区", 3, 0},
		{"文明", 4, 0},
		{"创建", 1, 5},
		{"区文", 1, 15},
		{"城区\x1f", 1, 2},
		{"明文", 0, -1},
	}
	for _, tt := range tests {
		n, first := occurrences(text, u(tt.q))
		if n != tt.n || first != 2*tt.first && !(tt.first < 0 && first < 0) {
			t.Errorf("%q: %d at %d; want %d at %d", tt.q, n, first/2, tt.n, tt.first)
		}
	}
	// 丁万丁 is 01 4E 07 4E 01 4E: ݎŎ (4E 07 4E 01) is in its bytes, but
	// across characters.
	if n, _ := occurrences(u("丁万丁"), u("ݎŎ")); n != 0 {
		t.Errorf("a match across characters counted: %d", n)
	}
	// Repeats overlap: 哈哈哈 holds 哈哈 twice.
	if n, _ := occurrences(u("哈哈哈"), u("哈哈")); n != 2 {
		t.Errorf("哈哈 in 哈哈哈: %d, want 2", n)
	}
	// U+1F00 (00 1F) then U+0041 (41 00): 1F 00 at an odd offset is no
	// separator.
	for _, tt := range []struct {
		s    string
		want int
	}{{"标题\x1f正文", 4}, {"\u1f00A\x1f", 4}, {"无", 2}, {"", 0}} {
		if got := separatorAt(u(tt.s)); got != tt.want {
			t.Errorf("separator of %q at %d, want %d", tt.s, got, tt.want)
		}
	}
}

// FuzzStoredMatch checks that any body is stored so that it reads back
// whole (from the patch, or else from the record), and that a damaged
// patch is an error, never a panic.
func FuzzStoredMatch(f *testing.F) {
	for _, s := range []string{"正文。\n\n第二段。", "ＡＢＣ　１２３", "a  b\tc", "𠀀\x1f\xff", ""} {
		f.Add("标题", s, []byte{1, 2, 3})
	}
	f.Add("标题", "正文", binary.AppendUvarint(nil, 1<<62)) // a headline past any text
	f.Fuzz(func(t *testing.T, headline, body string, damage []byte) {
		_, m, ok := encodeMatch(headline, "", body)
		if ok {
			if got, err := m.body(); err != nil || got != body {
				t.Fatalf("body %q, %v; want %q", got, err, body)
			}
		}
		m.patch = append(m.patch, damage...)
		m.body()
		m.parts()
		m.text = damage
		m.body()
		m.parts()
		m.patch = damage
		m.body()
		m.parts()
	})
}
