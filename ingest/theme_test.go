package ingest

import (
	"slices"
	"strings"
	"testing"
)

const testTaxonomy = `
version = "t1"
[[theme]]
name = "垃圾分类"
any = ["垃圾分类", "桶站"]
[[theme]]
name = "志愿服务"
any = ["志愿者", "志愿服务"]
min = 2
[[theme]]
name = "文明交通"
all = ["礼让", "斑马线"]
[[theme]]
name = "节日"
any = ["春节"]
not = ["春节期间值班"]
`

func TestTaxonomyTag(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(testTaxonomy))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"建立7个垃圾分类志愿服务指导站", []string{"垃圾分类"}},
		{"志愿者开展志愿服务,桶站值守", []string{"垃圾分类", "志愿服务"}},
		{"志愿者志愿者", []string{"志愿服务"}},
		{"礼让行人", []string{}},
		{"礼让斑马线", []string{"文明交通"}},
		{"斑马线前礼让", []string{"文明交通"}},
		{"春节 联欢", []string{"节日"}},
		{"安排春节期间值班", []string{}},
		{"垃圾 分类", []string{"垃圾分类"}}, // spaces between CJK do not hide a phrase
	}
	for _, tt := range tests {
		if got := tax.Tag(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Tag(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestTaxonomyExplain(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(testTaxonomy))
	if err != nil {
		t.Fatal(err)
	}
	got := tax.Explain("街道建立垃圾分类指导站,桶站值守由团队承包,桶站名称由团队命名。")
	want := []Reason{
		{Theme: "垃圾分类", Rule: "any", Phrase: "垃圾分类", Count: 1, Context: "街道建立【垃圾分类】指导站,桶站值守由团队承"},
		{Theme: "垃圾分类", Rule: "any", Phrase: "桶站", Count: 2, Context: "街道建立垃圾分类指导站,【桶站】值守由团队承包,桶站名称"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Explain:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseTaxonomyErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "no [[theme]] tables"},
		{"[[theme]]\nname = \"a\"\nany = [\"x\"]\n[[theme]]\nname = \"a\"\nany = [\"y\"]", `theme "a" is defined twice`},
		{"[[theme]]\nname = \"a\"", `theme "a" has neither an any, a strong nor an all rule`},
		{"[[theme]]\nany = [\"x\"]", "theme 1 has no name"},
		{"[[theme]]\nname = \"a\"\nanny = [\"x\"]", `unknown key "theme.anny"`},
		{"[[theme]]\nname = \"a\"\nany = [\" \"]", `theme "a" has an empty phrase`},
		{"[[theme]]\nname = \"a\"\nany = [\"x\"", "line 3"},
	}
	for _, tt := range tests {
		_, err := ParseTaxonomy([]byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseTaxonomy(%q) error = %v, want %q", tt.src, err, tt.want)
		}
	}
}

func TestDefaultTaxonomy(t *testing.T) {
	tax := DefaultTaxonomy()
	if len(tax.Themes) < 15 {
		t.Errorf("default taxonomy has %d themes, want at least 15", len(tax.Themes))
	}
	for _, th := range tax.Themes {
		if th.Description == "" {
			t.Errorf("theme %q has no description", th.Name)
		}
	}
	if tax.Digest == "" || tax.Version == "" {
		t.Errorf("digest %q version %q", tax.Digest, tax.Version)
	}
}

const contextTaxonomy = `
version = "t2"
ignore = ["培育和践行社会主义核心价值观"]
[[theme]]
name = "核心价值观"
strong = ["核心价值观"]
[[theme]]
name = "志愿服务"
strong = ["志愿服务"]
any = ["志愿者"]
min = 2
unlisted = ["志愿服务"]
[[theme]]
name = "冬奥"
strong = ["冬奥"]
ignore = ["冬奥冠军"]
[[theme]]
name = "垃圾分类"
strong = ["垃圾分类"]
unlisted = ["垃圾分类"]
`

// TestTaxonomyContext checks the rules that read context: strong phrases,
// ignored boilerplate and phrases, enumerations, titles of works and
// repeated sentences.
func TestTaxonomyContext(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(contextTaxonomy))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       []string
	}{
		{"boilerplate", "为培育和践行社会主义核心价值观，街道举办了运动会。", []string{}},
		{"outside boilerplate", "核心价值观主题公园开园。", []string{"核心价值观"}},
		{"one strong mention", "街道开展志愿服务。", []string{"志愿服务"}},
		{"one weak mention", "志愿者也来了。", []string{}},
		{"enumerated", "要求在垃圾分类、志愿服务等方面作表率。", []string{}},
		{"quoted items", "道具上印着“垃圾分类”“文明礼让”等标语。", []string{}},
		{"not enumerated", "社区开展垃圾分类宣传。", []string{"垃圾分类"}},
		{"ignored for one theme", "冬奥冠军走进校园。", []string{}},
		{"title of a work", "演出了情景剧《垃圾分类我先行》。", []string{}},
		{"slogan said twice", "志愿者加油。志愿者加油。", []string{}},
		{"two sentences", "志愿者加油。志愿者来了。", []string{"志愿服务"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tax.Tag(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Tag(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
	rs := tax.Explain("街道开展志愿服务，志愿者参加。")
	if len(rs) != 2 || rs[0].Rule != "strong" || rs[0].Phrase != "志愿服务" || rs[1].Rule != "any" || !strings.Contains(rs[0].Context, "【志愿服务】") {
		t.Errorf("Explain = %+v", rs)
	}
}

func TestBlankTitles(t *testing.T) {
	for in, want := range map[string]string{
		"学习《北京市文明行为促进条例》": "学习《北京市文明行为促进条例》",
		"表演《冰雪梦》":         "表演《○○○》",
		"《民法典》与《红岩》":      "《民法典》与《○○》",
		"《未闭合":            "《未闭合",
	} {
		if got := blankTitles(in); got != want {
			t.Errorf("blankTitles(%q) = %q, want %q", in, got, want)
		}
	}
}
