package ingest

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

//go:embed themes.toml
var defaultThemes []byte

// Taxonomy is a set of themes with the rules that tag articles with them.
type Taxonomy struct {
	Version string  `toml:"version"`
	Themes  []Theme `toml:"theme"`
	// Digest identifies the taxonomy's content: a changed file has a new
	// digest, so an index can tell that its tags are stale.
	Digest string `toml:"-"`

	phrases *gazetteer // every phrase of every rule
}

// Theme is one theme and its match rules; see themes.toml for their meaning.
type Theme struct {
	Name        string   `toml:"name"`
	Description string   `toml:"description"`
	Any         []string `toml:"any"`
	Min         int      `toml:"min"`
	All         []string `toml:"all"`
	Not         []string `toml:"not"`
}

// DefaultTaxonomy returns the taxonomy embedded in jianbao (themes.toml).
// It is parsed once; callers must not modify it.
var DefaultTaxonomy = sync.OnceValue(func() *Taxonomy {
	t, err := ParseTaxonomy(defaultThemes)
	if err != nil {
		panic("ingest: embedded themes.toml: " + err.Error())
	}
	return t
})

// LoadTaxonomy reads a taxonomy file; errors name the file and, for syntax
// errors, the line.
func LoadTaxonomy(path string) (*Taxonomy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := ParseTaxonomy(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// ParseTaxonomy parses and checks a taxonomy in TOML: every theme needs a
// unique name and an any or all rule; phrases may not be empty; unknown keys
// are errors, so a misspelt rule is not silently ignored.
func ParseTaxonomy(data []byte) (*Taxonomy, error) {
	var t Taxonomy
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&t)
	if err != nil {
		return nil, err
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		return nil, fmt.Errorf("unknown key %q", keys[0].String())
	}
	if len(t.Themes) == 0 {
		return nil, errors.New("no [[theme]] tables")
	}
	seen := map[string]bool{}
	for i := range t.Themes {
		th := &t.Themes[i]
		switch {
		case th.Name == "":
			return nil, fmt.Errorf("theme %d has no name", i+1)
		case seen[th.Name]:
			return nil, fmt.Errorf("theme %q is defined twice", th.Name)
		case len(th.Any) == 0 && len(th.All) == 0:
			return nil, fmt.Errorf("theme %q has neither an any nor an all rule", th.Name)
		case th.Min < 0:
			return nil, fmt.Errorf("theme %q: min must not be negative", th.Name)
		}
		seen[th.Name] = true
		if th.Min == 0 {
			th.Min = 1
		}
		for _, list := range [][]string{th.Any, th.All, th.Not} {
			for j, p := range list {
				if list[j] = MatchText(p); list[j] == "" {
					return nil, fmt.Errorf("theme %q has an empty phrase", th.Name)
				}
			}
		}
	}
	var entries []entry
	for _, th := range t.Themes {
		for _, list := range [][]string{th.Any, th.All, th.Not} {
			for _, p := range list {
				entries = append(entries, entry{p, p})
			}
		}
	}
	t.phrases = newGazetteer(entries)
	sum := sha256.Sum256(data)
	t.Digest = hex.EncodeToString(sum[:8])
	return &t, nil
}

// Reason says why an article has a theme: which rule matched which phrase,
// with the text around its first occurrence.
type Reason struct {
	Theme   string `json:"theme"`
	Rule    string `json:"rule"` // "any" or "all"
	Phrase  string `json:"phrase"`
	Count   int    `json:"count"`   // occurrences of the phrase
	Context string `json:"context"` // the first occurrence with up to 12 characters either side
}

// Tag returns the names of the themes that text has, in taxonomy order.
func (t *Taxonomy) Tag(text string) []string {
	names := []string{}
	counts := t.phrases.count(MatchText(text))
	for i := range t.Themes {
		if t.Themes[i].matches(counts, nil) {
			names = append(names, t.Themes[i].Name)
		}
	}
	return names
}

// Explain returns, for every theme that text has, the phrases that made it
// match.
func (t *Taxonomy) Explain(text string) []Reason {
	var reasons []Reason
	norm := MatchText(text)
	counts := t.phrases.count(norm)
	for i := range t.Themes {
		var rs []Reason
		if t.Themes[i].matches(counts, &rs) {
			for j := range rs {
				rs[j].Context = around(norm, rs[j].Phrase, 12)
			}
			reasons = append(reasons, rs...)
		}
	}
	return reasons
}

// TagIssue sets the themes of every article of iss from its headline and body.
func (t *Taxonomy) TagIssue(iss *Issue) {
	for i := range iss.Articles {
		a := &iss.Articles[i]
		a.Themes = t.Tag(articleText(a))
	}
}

// articleText is the text themes are looked for in: the headline when it is
// a title line, and the body.
func articleText(a *Article) string {
	if strings.HasPrefix(a.Body, a.Headline) {
		return a.Body
	}
	return a.Headline + "\n" + a.Body
}

// ExplainArticle returns the reasons for the themes of a.
func (t *Taxonomy) ExplainArticle(a *Article) []Reason { return t.Explain(articleText(a)) }

// matches applies th's rules to the phrase counts of a text, appending the
// reasons to rs when it is not nil.
func (th *Theme) matches(counts map[string]int, rs *[]Reason) bool {
	for _, p := range th.Not {
		if counts[p] > 0 {
			return false
		}
	}
	var found []Reason
	for _, p := range th.All {
		if counts[p] == 0 {
			return false
		}
		found = append(found, Reason{Theme: th.Name, Rule: "all", Phrase: p, Count: counts[p]})
	}
	if len(th.Any) > 0 {
		total := 0
		for _, p := range th.Any {
			if n := counts[p]; n > 0 {
				total += n
				found = append(found, Reason{Theme: th.Name, Rule: "any", Phrase: p, Count: n})
			}
		}
		if total < th.Min {
			return false
		}
	}
	if rs != nil {
		*rs = append(*rs, found...)
	}
	return true
}

// around returns the first occurrence of phrase in text with up to n
// characters either side, the phrase marked with 【】.
func around(text, phrase string, n int) string {
	i := strings.Index(text, phrase)
	if i < 0 {
		return ""
	}
	before := []rune(text[:i])
	after := []rune(text[i+len(phrase):])
	before = before[max(0, len(before)-n):]
	after = after[:min(len(after), n)]
	return strings.ReplaceAll(string(before)+"【"+phrase+"】"+string(after), "\n", " ")
}
