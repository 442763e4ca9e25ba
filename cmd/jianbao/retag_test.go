package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"jianbao/ingest"
	"jianbao/report"
)

// customThemes writes a small taxonomy and returns its path.
func customThemes(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "themes.toml")
	err := os.WriteFile(path, []byte(`version = "test-1"
[[theme]]
name = "街道工作"
description = "articles about 街道"
any = ["街道"]

[[theme]]
name = "志愿服务"
all = ["志愿者", "招募"]
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// searchIDs returns the IDs search finds for args, sorted.
func searchIDs(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, stderr := run(t, append([]string{"search", "--format", "json", "--limit", "1000"}, args...)...)
	if code != 0 {
		t.Fatalf("search %v: exit %d: %s", args, code, stderr)
	}
	var r struct {
		Hits []struct{ ID string } `json:"hits"`
	}
	json.Unmarshal([]byte(out), &r)
	ids := []string{}
	for _, h := range r.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestRetagChangesThemeSearches retags the sample index with a custom
// taxonomy and checks theme: searches against text searches that state the
// same rules, then retags back.
func TestRetagChangesThemeSearches(t *testing.T) {
	dir := sampleIndex(t)
	themes := customThemes(t)
	volunteers := searchIDs(t, "--index", dir, "theme:志愿服务")
	if len(searchIDs(t, "--index", dir, "theme:街道工作")) != 0 {
		t.Fatal("the built-in taxonomy has a theme 街道工作")
	}
	code, out, stderr := run(t, "retag", "--index", dir, "--themes", themes)
	if code != 0 || !strings.Contains(out, "organisations of ") || !strings.Contains(out, "test-1") {
		t.Fatalf("retag: exit %d: %s%s", code, out, stderr)
	}
	// The rules read the headline and body (not the attribution).
	var street, volunteer []string
	for _, raw := range exportJSONL(t, "--index", dir) {
		var a struct{ ID, Headline, Body string }
		json.Unmarshal(raw, &a)
		text := a.Headline + "\n" + a.Body
		if strings.Contains(text, "街道") {
			street = append(street, a.ID)
		}
		if strings.Contains(text, "志愿者") && strings.Contains(text, "招募") {
			volunteer = append(volunteer, a.ID)
		}
	}
	slices.Sort(street)
	slices.Sort(volunteer)
	if got := searchIDs(t, "--index", dir, "theme:街道工作"); len(street) == 0 || !slices.Equal(got, street) {
		t.Errorf("theme:街道工作 finds %v, want %v", got, street)
	}
	if got := searchIDs(t, "--index", dir, "theme:志愿服务"); len(volunteer) == 0 || !slices.Equal(got, volunteer) {
		t.Errorf("theme:志愿服务 finds %v, want %v", got, volunteer)
	}
	if got := searchIDs(t, "--index", dir, "theme:垃圾分类"); len(got) != 0 {
		t.Errorf("theme:垃圾分类 still finds %v", got)
	}
	code, out, _ = run(t, "retag", "--index", dir, "--themes", themes)
	if code != 0 || !strings.Contains(out, "themes or organisations of 0 articles changed") {
		t.Errorf("second retag: %s", out)
	}
	if code, _, stderr := run(t, "retag", "--index", dir); code != 0 {
		t.Fatalf("retag back: %s", stderr)
	}
	if got := searchIDs(t, "--index", dir, "theme:志愿服务"); !slices.Equal(got, volunteers) {
		t.Errorf("after retagging back, theme:志愿服务 finds %d articles, before %d", len(got), len(volunteers))
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[[theme]]\nname = \"x\"\nanny = [\"y\"]\n"), 0o644)
	if code, _, stderr := run(t, "retag", "--index", dir, "--themes", bad); code != exitUsage || !strings.Contains(stderr, "anny") {
		t.Errorf("bad taxonomy: exit %d, %s", code, stderr)
	}
	startServe(t, serveOptions{index: dir})
	if code, _, stderr := run(t, "retag", "--index", dir); code != exitFailure || !strings.Contains(stderr, "stop the server") {
		t.Errorf("retag while serving: exit %d, %s", code, stderr)
	}
}

// TestThemesFlag checks that parse and ingest tag with --themes FILE.
func TestThemesFlag(t *testing.T) {
	themes := customThemes(t)
	file := "../../testdata/sample/bulletin-2021-014.txt"
	code, out, stderr := run(t, "parse", "--format", "json", "--themes", themes, file)
	var rec struct {
		Articles []struct {
			ID     string   `json:"id"`
			Themes []string `json:"themes"`
		} `json:"articles"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rec) != nil {
		t.Fatalf("parse: exit %d: %s", code, stderr)
	}
	tagged := map[string][]string{}
	for _, a := range rec.Articles {
		tagged[a.ID] = a.Themes
		for _, th := range a.Themes {
			if th != "街道工作" && th != "志愿服务" {
				t.Errorf("%s: theme %q is not in the taxonomy", a.ID, th)
			}
		}
	}
	if !slices.Contains(tagged["2021-014-02"], "街道工作") {
		t.Errorf("2021-014-02 (永定路街道) has %v", tagged["2021-014-02"])
	}
	dir := t.TempDir()
	if code, _, stderr := run(t, "ingest", "--index", dir, "--themes", themes, file); code != 0 {
		t.Fatalf("ingest: %s", stderr)
	}
	if got := searchIDs(t, "--index", dir, "theme:街道工作"); !slices.Contains(got, "2021-014-02") {
		t.Errorf("theme:街道工作 after ingest --themes: %v", got)
	}
	if code, _, stderr := run(t, "parse", "--themes", "/nonexistent.toml", file); code != exitUsage || !strings.Contains(stderr, "--themes") {
		t.Errorf("missing taxonomy: exit %d, %s", code, stderr)
	}
}

// TestShowWhy checks that show --why gives, per theme of the article, the
// rule, the phrase and its context, and that they explain the stored themes.
func TestShowWhy(t *testing.T) {
	dir := sampleIndex(t)
	code, out, stderr := run(t, "show", "--index", dir, "--why", "--format", "json", "2021-014-02")
	var v struct {
		Themes []string `json:"themes"`
		Why    []struct {
			Theme, Rule, Phrase, Context string
			Count                        int
		} `json:"why"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil {
		t.Fatalf("exit %d: %s%s", code, out, stderr)
	}
	var explained []string
	for _, r := range v.Why {
		if !slices.Contains(explained, r.Theme) {
			explained = append(explained, r.Theme)
		}
		marked := true // every phrase of the reason is marked in its context
		for p := range strings.SplitSeq(r.Phrase, "…") {
			marked = marked && strings.Contains(r.Context, "【"+p+"】")
		}
		if r.Count < 1 || !slices.Contains([]string{"any", "all", "strong", "near"}, r.Rule) || !marked {
			t.Errorf("reason %+v", r)
		}
	}
	if len(v.Themes) == 0 || !slices.Equal(explained, v.Themes) {
		t.Errorf("explained %v, the article has %v", explained, v.Themes)
	}
	code, out, _ = run(t, "show", "--index", dir, "--why", "2021-014-02")
	if code != 0 || !strings.Contains(out, "\n垃圾分类\n  strong ") || !strings.Contains(out, "strong \"桶站\" ×") || !strings.Contains(out, "【桶站】") || strings.Contains(out, "note:") {
		t.Errorf("text:\n%s", out)
	}
	// A near rule names both phrases and marks them in their sentence.
	code, out, _ = run(t, "show", "--index", dir, "--why", "2021-007-06")
	if code != 0 || !strings.Contains(out, "near \"律师…解读\" ×1: ") || !strings.Contains(out, "【律师】结合真实案例,【解读】了") {
		t.Errorf("near rule:\n%s", out)
	}
	// Another taxonomy explains other themes, and says that the index's differ.
	code, out, _ = run(t, "show", "--index", dir, "--why", "--themes", customThemes(t), "2021-014-02")
	if code != 0 || !strings.Contains(out, "街道工作\n  any \"街道\"") || !strings.Contains(out, "note: taxonomy test-1 gives") {
		t.Errorf("custom taxonomy:\n%s", out)
	}
	if code, _, stderr := run(t, "show", "--index", dir, "--why", "2021-014"); code != exitUsage || !strings.Contains(stderr, "2021-014-01") {
		t.Errorf("--why of an issue: exit %d, %s", code, stderr)
	}
}

// TestShowWhyDropped checks that show --why names a theme whose rules
// match but that is dropped, in text and in JSON: as a secondary mention,
// with the role that drops it, or by the learned filter, with its score.
func TestShowWhyDropped(t *testing.T) {
	tests := []struct {
		name           string
		headline, body string
		kept, dropped  string
		rule           string   // the dropped reason's Rule in JSON
		text           []string // in the text output besides the two themes
	}{
		{
			name:     "secondary",
			headline: "机关食堂开展光盘行动",
			body:     "街道在机关食堂推行按需取餐。开展一个月来，食堂日均厨余垃圾减少约三成。",
			kept:     "光盘行动", dropped: "垃圾分类", rule: "secondary",
			text: []string{"dropped: 垃圾分类, a secondary mention", "an outcome: ", "【厨余】"},
		},
		{
			name:     "filter",
			headline: "雁栖地区对京加路沿线村庄开展环境整治",
			body:     "为做好北京冬奥会服务保障，雁栖地区对京加路沿线的12个村开展环境整治，清理路边堆物堆料150余处，拆除违规广告牌40块，对沿线墙面统一粉刷，并在村口空地补种花草。",
			kept:     "背街小巷环境整治", dropped: "冬奥服务保障", rule: "filter",
			text: []string{"dropped: 冬奥服务保障, by the learned filter (score 0.", "under its threshold"},
		},
	}
	tax := ingest.DefaultTaxonomy()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &report.ArticleView{Article: ingest.Article{
				ID: "2023-001-01", Headline: tt.headline, Body: tt.body, Themes: []string{tt.kept},
			}}
			var b strings.Builder
			if err := writeWhy(&b, "text", v, tax); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			ok := strings.Contains(out, "\n"+tt.kept+"\n") && !strings.Contains(out, "note:")
			for _, want := range tt.text {
				ok = ok && strings.Contains(out, want)
			}
			if !ok {
				t.Errorf("text:\n%s", out)
			}
			b.Reset()
			if err := writeWhy(&b, "json", v, tax); err != nil {
				t.Fatal(err)
			}
			var j struct {
				Why, Dropped []ingest.Reason
			}
			if err := json.Unmarshal([]byte(b.String()), &j); err != nil {
				t.Fatal(err)
			}
			if len(j.Why) == 0 || len(j.Dropped) != 1 || j.Dropped[0].Theme != tt.dropped || j.Dropped[0].Rule != tt.rule ||
				(tt.rule == "filter" && j.Dropped[0].Score <= 0) {
				t.Errorf("json: %s", b.String())
			}
		})
	}
}
