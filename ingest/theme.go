package ingest

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

//go:embed themes.toml
var defaultThemes []byte

//go:embed themefilter.json
var defaultFilter []byte

// Taxonomy is a set of themes with the rules that tag articles with them.
type Taxonomy struct {
	Version string  `toml:"version"`
	Themes  []Theme `toml:"theme"`
	// Ignore lists boilerplate: phrases whose words count for no theme
	// (培育和践行社会主义核心价值观 as a stock purpose formula).
	Ignore []string `toml:"ignore"`
	// Digest identifies the taxonomy's content: a changed file has a new
	// digest, so an index can tell that its tags are stale.
	Digest string `toml:"-"`

	phrases *gazetteer       // every phrase of every rule
	users   map[string][]int // phrase → the themes whose rules count it
	// starts has a bit set for the hash of the first two runes of each
	// phrase (and of a one-rune phrase's rune twice): most places in a text
	// where a phrase's first rune stands start none, and a bit test rules
	// them out before the first rune's phrases are compared.
	starts [1 << 16 / 64]uint64
	// filter drops the tags a model learned from the judged set scores
	// low (see ThemeFilter); nil keeps every tag the rules give.
	filter *ThemeFilter
	// filterAt maps a theme's index to its feature in filter (-1: none).
	filterAt []int
}

// startHash hashes the first two runes of a phrase into the bits of starts.
func startHash(r1, r2 rune) uint32 {
	return (uint32(r1)*0x9E3779B1 ^ uint32(r2)*0x85EBCA6B) >> 16
}

// mayStart reports whether a phrase may start at text[i:], whose first
// rune r is n bytes long.
func (t *Taxonomy) mayStart(text string, i int, r rune, n int) bool {
	h := startHash(r, r)
	if t.starts[h/64]&(1<<(h%64)) != 0 {
		return true // a one-rune phrase
	}
	r2, _ := utf8.DecodeRuneInString(text[i+n:])
	h = startHash(r, r2)
	return t.starts[h/64]&(1<<(h%64)) != 0
}

// Theme is one theme and its match rules; see themes.toml for their meaning.
type Theme struct {
	Name        string   `toml:"name"`
	Description string   `toml:"description"`
	Any         []string `toml:"any"`
	Min         int      `toml:"min"`
	// Strong phrases decide on their own: one occurrence tags the theme
	// whatever min says.
	Strong []string `toml:"strong"`
	All    []string `toml:"all"`
	Not    []string `toml:"not"`
	// Ignore lists phrases whose words do not count for this theme
	// (冬奥冠军 is no 冬奥 service).
	Ignore []string `toml:"ignore"`
	// Unlisted phrases do not count where they stand in an enumeration
	// (文明校园 in 走进机关、文明校园、社区).
	Unlisted []string `toml:"unlisted"`
	// People lists the phrases of the theme's rules that name the people
	// or families its work is for (孩子, 小学生, 亲子, 好媳妇), not the work:
	// where they are the theme's only evidence and another theme of the
	// article has evidence of its own, they are people taking part in,
	// chosen by or served by that theme's work, and the theme is dropped
	// (see peopleOnly).
	People []string `toml:"people"`
	// Teams makes the words of a team's quoted name count for the theme
	// (“巧手互助队”: what its members do). For the other themes a team's
	// name is a brand and its words do not count (see teamSpans).
	Teams bool `toml:"teams"`
	// Near rules read a sentence: one that has a phrase of A and a phrase
	// of B decides on its own, like a strong phrase (清理 and 楼道 in
	// 组织居民清理楼道堆物 is environment work; neither word is alone).
	Near []Near `toml:"near"`
	// Unless rules undo a word where it is about something else: in a
	// sentence that has a phrase of B, the phrases of A do not count for
	// the theme (评选 beside 商户 chooses shops, not exemplars).
	Unless []Near `toml:"unless"`

	// supers maps each phrase of the theme's rules to the longer any,
	// strong and all phrases of the theme that contain it. Near phrases
	// are no such phrases: they are read for where they meet, and one
	// rule's 为村民 must not hide the 村民 of another.
	supers map[string][]string
}

// Near is a rule of two phrase lists that must meet in one sentence.
type Near struct {
	A []string `toml:"a"`
	B []string `toml:"b"`
	// Ordered rules need the phrase of A before the phrase of B: who acts
	// before what they do (孩子们为老人表演节目), not after it (社区为老人和孩
	// 子开设课堂).
	Ordered bool `toml:"ordered"`
	// Within, when above 0, is the most characters that may stand between
	// the two phrases: the publicity of 反诈宣传 or 防诈骗知识讲座 is the
	// anti-fraud word's, that of 防骗进社区、垃圾分类宣传 another item's.
	Within int `toml:"within"`
	// Except, for an unless rule only, keeps the phrases of A counting in
	// a sentence that also has a phrase of Except: a festival with a word
	// of date (端午节前夕) is only the date unless the sentence tells of the
	// festival's customs (端午节前夕，社区居民一起包粽子).
	Except []string `toml:"except"`
}

// DefaultTaxonomy returns the taxonomy embedded in jianbao (themes.toml).
// It is parsed once; callers must not modify it.
// Its tags pass the learned filter of themefilter.json (see ThemeFilter),
// and its digest covers that file too.
var DefaultTaxonomy = sync.OnceValue(func() *Taxonomy {
	t, err := ParseTaxonomy(defaultThemes)
	if err != nil {
		panic("ingest: embedded themes.toml: " + err.Error())
	}
	f, err := ParseThemeFilter(defaultFilter)
	if err != nil {
		panic("ingest: embedded themefilter.json: " + err.Error())
	}
	if f.Taxonomy != t.Version {
		panic("ingest: embedded themefilter.json was trained with themes.toml " + f.Taxonomy + ", not " + t.Version)
	}
	t.filter = f
	for _, th := range t.Themes {
		t.filterAt = append(t.filterAt, slices.Index(f.Themes, th.Name))
	}
	sum := sha256.Sum256(slices.Concat(defaultThemes, defaultFilter))
	t.Digest = hex.EncodeToString(sum[:8])
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
		case len(th.Any) == 0 && len(th.All) == 0 && len(th.Strong) == 0 && len(th.Near) == 0:
			return nil, fmt.Errorf("theme %q has neither an any, a strong, an all nor a near rule", th.Name)
		case th.Min < 0:
			return nil, fmt.Errorf("theme %q: min must not be negative", th.Name)
		}
		seen[th.Name] = true
		if th.Min == 0 {
			th.Min = 1
		}
		for k, n := range th.Near {
			if len(n.A) == 0 || len(n.B) == 0 {
				return nil, fmt.Errorf("theme %q: near rule %d needs phrases in both a and b", th.Name, k+1)
			}
			if n.Within < 0 {
				return nil, fmt.Errorf("theme %q: near rule %d: within must not be negative", th.Name, k+1)
			}
		}
		for k, n := range th.Unless {
			if len(n.A) == 0 || len(n.B) == 0 {
				return nil, fmt.Errorf("theme %q: unless rule %d needs phrases in both a and b", th.Name, k+1)
			}
		}
		for k, n := range th.Near {
			if len(n.Except) > 0 {
				return nil, fmt.Errorf("theme %q: near rule %d: except is for unless rules", th.Name, k+1)
			}
		}
		for _, list := range th.lists() {
			for j, p := range list {
				if list[j] = MatchText(p); list[j] == "" {
					return nil, fmt.Errorf("theme %q has an empty phrase", th.Name)
				}
			}
		}
		for _, p := range th.People {
			if !slices.Contains(slices.Concat(th.Any, th.Strong, th.All), p) {
				return nil, fmt.Errorf("theme %q: people phrase %q is no any, strong or all phrase of it", th.Name, p)
			}
		}
		th.supers = supersOf(slices.Concat(th.Any, th.Strong, th.All))
	}
	lendWords(t.Themes)
	for j, p := range t.Ignore {
		if t.Ignore[j] = MatchText(p); t.Ignore[j] == "" {
			return nil, errors.New("ignore has an empty phrase")
		}
	}
	// Each phrase once: a phrase in two lists (志愿服务 is strong and
	// unlisted) or two themes is one phrase, and each occurrence counts once.
	var entries []entry
	seenPhrase := map[string]bool{}
	add := func(p string) {
		if !seenPhrase[p] {
			seenPhrase[p] = true
			entries = append(entries, entry{p, p})
		}
	}
	for _, th := range t.Themes {
		for _, list := range th.lists() {
			for _, p := range list {
				add(p)
			}
		}
	}
	for _, p := range t.Ignore {
		add(p)
	}
	for _, p := range slices.Concat(pastMarkers, pastTimeMarkers, honourMarkers, pointMarkers, portraitMarkers, requireMarkers, opinionMarkers, fieldsMarkers, []string{deployMarker, reviewMarker, frameMarker}) {
		add(p)
	}
	t.phrases = newGazetteer(entries)
	for _, e := range entries {
		r1, n := utf8.DecodeRuneInString(e.name)
		r2 := r1
		if n < len(e.name) {
			r2, _ = utf8.DecodeRuneInString(e.name[n:])
		}
		h := startHash(r1, r2)
		t.starts[h/64] |= 1 << (h % 64)
	}
	t.users = map[string][]int{}
	for k := range t.Themes {
		for _, p := range t.Themes[k].words() {
			if u := t.users[p]; len(u) == 0 || u[len(u)-1] != k {
				t.users[p] = append(u, k)
			}
		}
	}
	sum := sha256.Sum256(data)
	t.Digest = hex.EncodeToString(sum[:8])
	return &t, nil
}

// words returns the phrases of th's rules: any, strong, all and near.
func (th *Theme) words() []string {
	w := slices.Concat(th.Any, th.Strong, th.All)
	for _, n := range th.Near {
		w = append(w, n.A...)
		w = append(w, n.B...)
	}
	return w
}

// supersOf maps each phrase to the longer phrases of words that contain it.
func supersOf(words []string) map[string][]string {
	m := map[string][]string{}
	for _, p := range words {
		for _, q := range words {
			if len(q) > len(p) && strings.Contains(q, p) && !slices.Contains(m[p], q) {
				m[p] = append(m[p], q)
			}
		}
	}
	return m
}

// lendWords adds to each theme's supers, for its any phrases, the longer
// any, strong and all phrases of the other themes that contain them: a
// weak word inside another theme's phrase is that phrase's, and counts for
// its theme only (校园 in 文明校园 is the civilised-units scheme's, not
// the schools'; 最美 in 最美庭院 is the women's federations' courtyards,
// not an exemplar). Strong phrases are not lent: they decide on their own
// wherever they stand.
func lendWords(themes []Theme) {
	for i := range themes {
		th := &themes[i]
		own := slices.Concat(th.Any, th.Strong, th.All)
		for k := range themes {
			if k == i {
				continue
			}
			for _, q := range slices.Concat(themes[k].Any, themes[k].Strong, themes[k].All) {
				if slices.Contains(own, q) {
					continue
				}
				for _, p := range th.Any {
					if len(q) > len(p) && strings.Contains(q, p) && !slices.Contains(th.supers[p], q) {
						th.supers[p] = append(th.supers[p], q)
					}
				}
			}
		}
	}
}

// lists returns every phrase list of th, near and unless rules' too.
func (th *Theme) lists() [][]string {
	l := [][]string{th.Any, th.Strong, th.All, th.Not, th.Ignore, th.Unlisted, th.People}
	for _, n := range slices.Concat(th.Near, th.Unless) {
		l = append(l, n.A, n.B, n.Except)
	}
	return l
}

// Reason says why an article has a theme: which rule matched which phrase,
// with the text around its first occurrence.
type Reason struct {
	Theme   string `json:"theme"`
	Rule    string `json:"rule"`    // "any", "strong", "all" or "near"
	Phrase  string `json:"phrase"`  // for a near rule the two phrases, "清理…楼道"
	Count   int    `json:"count"`   // occurrences of the phrase; sentences for a near rule
	Context string `json:"context"` // the first occurrence with up to 12 characters either side
	// Score is the learned filter's score of a tag it dropped (Rule "filter").
	Score float64 `json:"score,omitempty"`
}

// Tag returns the names of the themes that text has, in taxonomy order.
func (t *Taxonomy) Tag(text string) []string {
	names := []string{}
	occ, kept, evidence, nDropped := t.candidates(text, t.filter != nil)
	filtered := t.filterDrops(occ, kept, evidence, nDropped)
	for _, i := range kept {
		if _, ok := filtered[i]; !ok {
			names = append(names, t.Themes[i].Name)
		}
	}
	return names
}

// candidates returns the occurrences of text and, in taxonomy order, the
// indices of the themes its rules give, after secondary mentions, with the
// number of those dropped as secondary mentions: the tags the learned
// filter decides on. With evidence set it also returns, by position in
// kept, the reasons of each kept theme as the filter reads them (a near rule's
// first pair only, without contexts).
func (t *Taxonomy) candidates(text string, evidence bool) (occ *occurrences, kept []int, reasons [][]Reason, nDropped int) {
	occ = t.occurrences(themeText(matchLines(text)))
	c := map[string]int{}
	touched := t.touched(occ)
	var matched []int
	var rs []Reason
	var at []int // where each matched theme's reasons start in rs
	for i := range t.Themes {
		th := &t.Themes[i]
		if !touched[i] {
			continue
		}
		var into *[]Reason
		if evidence {
			into = &rs
		}
		n := len(rs)
		if th.matches(occ.countsInto(c, th), occ.near(th, false), into) {
			matched = append(matched, i)
			at = append(at, n)
		} else {
			rs = rs[:n]
		}
	}
	dropped := t.secondary(occ, matched)
	for k, i := range matched {
		if _, ok := dropped[i]; ok {
			continue
		}
		kept = append(kept, i)
		if evidence {
			end := len(rs)
			if k+1 < len(at) {
				end = at[k+1]
			}
			reasons = append(reasons, rs[at[k]:end])
		}
	}
	return occ, kept, reasons, len(dropped)
}

// Explain returns, for every theme that text has, the phrases that made it
// match.
func (t *Taxonomy) Explain(text string) []Reason {
	reasons, _ := t.explain(text)
	return reasons
}

// Dropped returns, for every theme whose rules match text but which is
// dropped as a secondary mention (see secondary) or by the learned filter
// (see ThemeFilter), why: for a secondary mention Rule is "secondary",
// Phrase the phrase or pair that fired and Context its sentence's text
// around it, after the role that drops it; for the filter Rule is
// "filter" and Score the filter's score.
func (t *Taxonomy) Dropped(text string) []Reason {
	_, dropped := t.explain(text)
	return dropped
}

// explain returns the reasons for the themes text has and for those
// dropped as secondary mentions.
func (t *Taxonomy) explain(text string) (reasons, dropped []Reason) {
	norm := themeText(matchLines(text))
	occ := t.occurrences(norm)
	touched := t.touched(occ)
	var matched []int
	byTheme := map[int][]Reason{}
	for i := range t.Themes {
		var rs []Reason
		th := &t.Themes[i]
		if touched[i] && th.matches(occ.countsInto(map[string]int{}, th), occ.near(th, true), &rs) {
			for j := range rs {
				if rs[j].Rule != "near" {
					rs[j].Context = occ.context(th, rs[j].Phrase, 12)
				}
			}
			matched = append(matched, i)
			byTheme[i] = rs
		}
	}
	drop := t.secondary(occ, matched)
	var kept []int
	for _, i := range matched {
		if d, ok := drop[i]; ok {
			dropped = append(dropped, d)
			continue
		}
		kept = append(kept, i)
	}
	var filtered map[int]Reason
	if t.filter != nil && len(kept) > 0 {
		// The filter reads the evidence as Tag gathers it.
		_, _, evidence, _ := t.candidates(text, true)
		filtered = t.filterDrops(occ, kept, evidence, len(drop))
	}
	for _, i := range kept {
		if d, ok := filtered[i]; ok {
			dropped = append(dropped, d)
			continue
		}
		reasons = append(reasons, byTheme[i]...)
	}
	return reasons, dropped
}

// touched reports, by theme, whether a phrase of its rules occurs in the
// text: a theme that none of its phrases touches cannot match.
func (t *Taxonomy) touched(o *occurrences) []bool {
	touched := make([]bool, len(t.Themes))
	for p := range o.at {
		for _, k := range t.users[p] {
			touched[k] = true
		}
	}
	return touched
}

// matchLines applies MatchText to each line of text and keeps the line
// breaks, which end sentences: a headline has no full stop, and its last
// words are no part of the body's first sentence.
func matchLines(text string) string {
	if !strings.Contains(text, "\n") {
		return MatchText(text)
	}
	var b strings.Builder
	b.Grow(len(text))
	for line := range strings.SplitSeq(text, "\n") {
		if m := MatchText(line); m != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(m)
		}
	}
	return b.String()
}

// themeText prepares normalised text for tagging: the titles of works in
// 《》 are blanked out (a song or a book named 《冰雪梦》 is no theme of the
// article; laws and rules such as 《北京市文明行为促进条例》 stay), and a
// sentence that repeats an earlier one word for word is dropped (a slogan
// said twice is one mention).
func themeText(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	seen := make(map[string]bool, 16)
	for rest := text; rest != ""; {
		i := sentenceStop(rest)
		var sent string
		if i < 0 {
			sent, rest = rest, ""
		} else {
			_, n := utf8.DecodeRuneInString(rest[i:])
			sent, rest = rest[:i+n], rest[i+n:]
		}
		key := strings.TrimSpace(sent)
		if utf8.RuneCountInString(key) >= 4 && seen[key] {
			b.WriteString("\n")
			continue
		}
		seen[key] = true
		b.WriteString(sent)
	}
	return blankTitles(b.String())
}

// sentenceStop returns the index of the first of 。！？!? and the line
// break in s, or -1: strings.IndexAny(s, "。！？!?\n"), which for a set with
// runes beyond ASCII decodes every rune of s. The lead bytes E3 and EF of
// 。 (E3 80 82), ！ (EF BC 81) and ？ (EF BC 9F) and the ASCII bytes are
// never inside another rune's encoding.
func sentenceStop(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '!', '?', '\n':
			return i
		case 0xE3:
			if strings.HasPrefix(s[i:], "。") {
				return i
			}
		case 0xEF:
			if strings.HasPrefix(s[i:], "！") || strings.HasPrefix(s[i:], "？") {
				return i
			}
		}
	}
	return -1
}

// legalTitle ends the titles of laws, rules and plans, which name what an
// article is about.
var legalTitle = []string{"条例", "法", "法典", "办法", "规定", "纲要", "意见", "公约", "决定", "通知", "方案", "计划", "体系", "标准", "守则", "规范"}

// blankTitles replaces the text inside 《》 by ○, but for the titles of laws
// and rules.
func blankTitles(text string) string {
	if !strings.Contains(text, "《") {
		return text
	}
	var b strings.Builder
	for {
		a := strings.Index(text, "《")
		if a < 0 {
			break
		}
		z := strings.Index(text[a:], "》")
		if z < 0 {
			break
		}
		title := text[a+len("《") : a+z]
		b.WriteString(text[:a+len("《")])
		legal := false
		for _, l := range legalTitle {
			if strings.HasSuffix(strings.TrimRight(title, "()（）0123456789年版—-"), l) {
				legal = true
			}
		}
		if legal {
			b.WriteString(title)
		} else {
			b.WriteString(strings.Repeat("○", utf8.RuneCountInString(title)))
		}
		b.WriteString("》")
		text = text[a+z+len("》"):]
		if !legal {
			if i, j := plotSpan(text); j > 0 {
				b.WriteString(text[:i])
				b.WriteString(strings.Repeat("○", utf8.RuneCountInString(text[i:j])))
				text = text[j:]
			}
		}
	}
	b.WriteString(text)
	return b.String()
}

// plotVerbs start the plot of a work right after its title: 小品《彩礼》讲述了
// 一对年轻人说服父母的故事.
var plotVerbs = []string{"讲述了", "讲述", "讲的是", "讲了", "演绎了", "再现了", "描绘了", "描述了", "展现了", "反映了"}

// plotSpan returns the byte span [i, j) of the plot that text, which
// follows the title of a work, starts with: a plot verb, after a comma or
// nothing, up to 的故事 within the sentence; j is 0 when text starts no
// plot. What a skit or a film tells (邻居们一起清理楼道的故事) is no work of
// the article.
func plotSpan(text string) (i, j int) {
	for _, comma := range []string{"，", ","} {
		if strings.HasPrefix(text, comma) {
			i = len(comma)
		}
	}
	verb := false
	for _, v := range plotVerbs {
		if strings.HasPrefix(text[i:], v) {
			verb = true
			break
		}
	}
	if !verb {
		return 0, 0
	}
	end := len(text)
	if k := strings.IndexAny(text[i:], "。！？!?；;\n"); k >= 0 {
		end = i + k
	}
	k := strings.LastIndex(text[i:end], "的故事")
	if k < 0 {
		return 0, 0
	}
	return i, i + k + len("的故事")
}

// occurrences holds where each phrase of a taxonomy occurs in a text.
type occurrences struct {
	text      string
	at        map[string][]int // phrase → byte offsets, overlapping ones too
	inStock   spanSet          // the spans of the taxonomy's ignore phrases
	inIgnored spanSet          // those and the spans of asides
	stops     []int            // the offsets of the sentence ends, in order
	head      int              // the end of the headline, 0 when there is none
	teams     [][2]int         // the words of teams' quoted names (see teamSpans)
	runes     int              // the number of characters of text
}

// sentenceEnd reports whether r ends a sentence for near rules: a full
// stop, a question or exclamation mark, a semicolon or a line break.
func sentenceEnd(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '\n':
		return true
	}
	return false
}

func (t *Taxonomy) occurrences(text string) *occurrences {
	o := &occurrences{text: text, at: make(map[string][]int, 32)}
	for i, r := range text {
		o.runes++
		if sentenceEnd(r) {
			o.stops = append(o.stops, i)
		}
		cands := t.phrases.candidates(r)
		if len(cands) == 0 {
			continue
		}
		if _, n := utf8.DecodeRuneInString(text[i:]); !t.mayStart(text, i, r, n) {
			continue
		}
		for _, e := range cands {
			if strings.HasPrefix(text[i:], e.name) {
				o.at[e.name] = append(o.at[e.name], i)
			}
		}
	}
	var stock [][2]int
	for _, p := range t.Ignore {
		for _, i := range o.at[p] {
			stock = append(stock, [2]int{i, i + len(p)})
		}
	}
	o.inStock = newSpanSet(stock)
	o.inIgnored = newSpanSet(o.asideSpans(stock))
	o.head = headlineEnd(text)
	o.teams = teamSpans(text)
	return o
}

// teamSpans returns the spans of the words of teams' quoted names, before
// their 队 (“雷锋车队”, “银发学雷锋小分队”, “巧手互助队”): a name of up to
// 12 characters without punctuation (a quoted saying is no name). A team's
// name is its brand, chosen once: the article reports what the team does,
// not the campaign its name recalls (“雷锋车队”免费接送高龄老人 drives the old
// for free, no 学雷锋 activity, by the judged convention that a theme word
// in a brand or a team's name does not make the theme). Only themes whose
// Teams is set read those words (see Theme.Teams).
func teamSpans(text string) [][2]int {
	var spans [][2]int
	for off := 0; ; {
		z := strings.Index(text[off:], "队”")
		if z < 0 {
			return spans
		}
		z += off
		off = z + len("队”")
		a := strings.LastIndex(text[:z], "“")
		if a < 0 {
			continue
		}
		name := text[a+len("“") : z]
		if utf8.RuneCountInString(name) > 12 || strings.ContainsFunc(name, unicode.IsPunct) {
			continue
		}
		spans = append(spans, [2]int{a + len("“"), z})
	}
}

// headlineEnd returns the end of the text's headline: its first line,
// where a body follows and the line has no full stop (a body's first
// paragraph, standing alone, ends with one); 0 when there is none.
func headlineEnd(text string) int {
	k := strings.IndexByte(text, '\n')
	if k < 0 || strings.ContainsAny(text[:k], "。！？!?") {
		return 0
	}
	return k
}

// pastMarkers open a clause about the past: what a place or a person did
// or was given before (水峪村曾获评全国文明村; 曾在北京冬奥会期间参与城市志
// 愿服务的志愿者团队) is no activity the article reports.
var pastMarkers = []string{"曾经", "曾在", "曾获", "曾荣获", "曾被", "曾参与", "曾参加", "曾是", "曾先后", "曾多次", "曾作为", "曾为"}

// pastTimeMarkers close a time of the past that opens its clause (疫情防控期
// 间曾连续两个月吃住在卫生室; 冬奥会时曾担任志愿者): the time and what was
// done then are the past, so the clause counts from its start.
var pastTimeMarkers = []string{"期间曾", "时曾"}

// frameMarker closes the occasion an activity is framed by (以创建全国文明城
// 区为契机，完成了4条背街小巷的整治提升): the occasion, from the 以 before it
// in the clause, is a stock frame like the purpose formulas, not the work
// the sentence reports.
const frameMarker = "为契机"

// honourMarkers start an honour held that describes who holds it, up to
// the 的 before the holder (获评“北京榜样”的社区居民; 荣获全国文明村称号的水
// 峪村), or a quoted title right after the marker (一家农家院被评为“北京市文明
// 旅游示范户”): the title names the holder, not the work of choosing or
// creating, nor the work its words name.
var honourMarkers = []string{"获评", "荣获", "被评为", "被授予"}

// pointMarkers open a list of inspection points (重点检查单位的志愿服务队伍建
// 设、窗口服务质量): what an inspection checks is the inspection's theme, not
// each item's, so the rest of the sentence counts for no theme.
var pointMarkers = []string{"重点检查", "重点查看", "重点复查", "检查内容", "督查内容", "考核内容", "复查内容", "测评内容", "检查项目"}

// portraitMarkers open the portraits of people an article presents (评出
// 十名“最美志愿者”，他们中有每周到养老院为老人读报的中学教师; 其中一位在
// 小学任教32年; 讲述了自己的故事：有人…救起落水儿童): what the people
// chosen or presented did is who they are, told to present them, not the
// work the article reports, so the rest of the sentence counts for no
// theme. 有人 opens a portrait only after a comma or a colon.
var portraitMarkers = []string{"他们中有", "她们中有", "他们当中有", "其中有", "其中一位", "另一位", "入选者中", "有人"}

// requireMarkers open a meeting's requirements where the sentence names a
// meeting before them (会议要求…; 会议强调…; 座谈会听取了…，要求各区用好志愿服
// 务队伍):
// the duties a meeting lists are its agenda, and make the meeting's theme
// (told by the headline or the sentence that names the meeting), not each
// item's. A street's own requirement (街道要求各摊位明码标价) names no
// meeting and is the work itself.
var requireMarkers = []string{"要求", "强调"}

// meetingWords name a meeting before its requirements.
var meetingWords = []string{"会议", "会上", "座谈会", "推进会", "动员会", "部署会", "工作会", "例会", "调度会", "专题会", "培训会"}

// deployMarker opens a meeting's task list where a colon follows it in the
// sentence (部署年度测评前的冲刺工作：…楼道清理…占道经营), or where the
// sentence names a meeting before it and a list of items after it (会议部署
// 楼道清理、整治占道经营): the tasks are the meeting's agenda, like its
// requirements. A single task (例会，部署近期创城重点任务) names the meeting's
// theme and counts.
const deployMarker = "部署"

// reviewMarker opens the list of the past year's work a meeting reviews
// (召开精神文明建设工作会，总结上一年文明城区创建、新时代文明实践中心建设和志愿服务
// 工作): like the tasks it deploys, the items name the meeting's agenda, not
// work the article reports, to the clause's end.
const reviewMarker = "总结"

// opinionMarkers end what people are asked their opinion of (征集居民对背
// 街小巷环境的意见; 了解居民对胡同整治的满意度): the subject of a question or a
// questionnaire is no work done, so from the 对 before the marker, in the
// same clause, to the marker the text counts for no theme, where a verb
// of asking (askVerbs) stands before that 对 in the sentence.
var opinionMarkers = []string{"的意见", "的建议", "的满意度", "的看法", "的评价"}

// askVerbs ask people for their opinion.
var askVerbs = []string{"征集", "收集", "听取", "征求", "了解", "调查", "问卷", "询问"}

// fieldsMarkers end a list of fields (在窗口服务、志愿服务、诚信经营等方面发挥示范
// 作用; 从环境卫生、停车秩序、邻里关系等方面打分) or of requirements (向居民宣传
// 创城的目标和“门前三包”等要求): the items name what is scored, asked for,
// required or talked about, not work done, so they count for no theme. A
// single item before the marker runs back to the clause's start or to a
// 和, 与 or 及 that joins it to another.
var fieldsMarkers = []string{"等方面", "等要求"}

// itemStart returns the byte offset in before where the item that ends
// there starts when no 、 joins items: after the last clause end, colon,
// 和, 与 or 及.
func itemStart(before string) int {
	start := 0
	if k := strings.LastIndexFunc(before, func(r rune) bool { return clauseEnd(r) || r == '：' || r == ':' }); k >= 0 {
		_, n := utf8.DecodeRuneInString(before[k:])
		start = k + n
	}
	for _, c := range []string{"和", "与", "及"} {
		if k := strings.LastIndex(before[start:], c); k >= 0 {
			start += k + len(c)
		}
	}
	return start
}

// listStart returns the byte offset in before, the text up to a list's
// end, where the list of items joined by 、 that ends there starts, or
// len(before) when no 、 joins items there. Items run back to a 、; the
// first item has no mark before it, so it is taken as long as the longest
// other item and one character more (讲解土地承包、赡养老人等方面: 解土地承包),
// never across a clause end.
func listStart(before string) int {
	const sep = "、"
	start, longest, items := len(before), 0, 0
	for {
		k := strings.LastIndex(before[:start], sep)
		if k < 0 {
			break
		}
		item := before[k+len(sep) : start]
		if strings.IndexFunc(item, clauseEnd) >= 0 {
			break
		}
		longest = max(longest, utf8.RuneCountInString(item))
		start, items = k, items+1
	}
	if items == 0 {
		return len(before)
	}
	// The first item: up to longest+1 characters before the first 、.
	first := start
	for n := 0; n <= longest && first > 0; n++ {
		r, w := utf8.DecodeLastRuneInString(before[:first])
		if clauseEnd(r) || r == '：' || r == ':' {
			break
		}
		first -= w
	}
	return first
}

// clauseEnd reports whether r ends a clause: a sentence end or a comma.
func clauseEnd(r rune) bool { return sentenceEnd(r) || r == ',' || r == '，' }

// asideSpans appends to spans the parts of the text that report no
// activity of its own: the past, honours held, a meeting's requirements
// and task list, an inspection's points, a list of fields and what people
// are asked their opinion of (see pastMarkers, honourMarkers,
// requireMarkers, deployMarker, reviewMarker, pointMarkers, fieldsMarker and
// opinionMarkers, which the taxonomy's scan finds with its phrases). A past clause runs from its
// marker to the clause's end, an honour held from its marker to the 的
// after it when that comes within 16 characters in the clause, the
// requirements, tasks and points from their marker to the sentence's end,
// a list of fields over its items (see listStart), an opinion's subject
// from its 对.
func (o *occurrences) asideSpans(spans [][2]int) [][2]int {
	text := o.text
	for _, m := range pastMarkers {
		for _, i := range o.at[m] {
			end := len(text)
			if k := strings.IndexFunc(text[i:], clauseEnd); k >= 0 {
				end = i + k
			}
			// A past that describes its holder ends at the last 的 of the
			// clause: the holder after it is present (曾在冬奥会期间参与城市
			// 志愿服务的果园街道志愿者团队，如今…).
			if k := strings.LastIndex(text[i:end], "的"); k >= 0 {
				end = i + k + len("的")
			}
			spans = append(spans, [2]int{i, end})
		}
	}
	sentEnd := func(i int) int {
		if k := strings.IndexFunc(text[i:], sentenceEnd); k >= 0 {
			return i + k
		}
		return len(text)
	}
	sentStart := func(i int) int {
		if s := o.sentence(i); s > 0 {
			return o.stops[s-1]
		}
		return 0
	}
	for _, m := range pointMarkers {
		for _, i := range o.at[m] {
			spans = append(spans, [2]int{i, sentEnd(i)})
		}
	}
	for _, m := range portraitMarkers {
		for _, i := range o.at[m] {
			if m == "有人" {
				if r, _ := utf8.DecodeLastRuneInString(text[:i]); !clauseEnd(r) && r != '：' && r != ':' {
					continue
				}
			}
			spans = append(spans, [2]int{i, sentEnd(i)})
		}
	}
	for _, m := range requireMarkers {
		for _, i := range o.at[m] {
			before := text[sentStart(i):i]
			if containsAny(before, meetingWords) {
				spans = append(spans, [2]int{i, sentEnd(i)})
			}
		}
	}
	for _, i := range o.at[deployMarker] {
		end := sentEnd(i)
		listed := strings.Contains(text[i:end], "、") &&
			containsAny(text[sentStart(i):i], meetingWords)
		if listed || strings.ContainsAny(text[i:end], "：:") {
			spans = append(spans, [2]int{i, end})
		}
	}
	for _, i := range o.at[reviewMarker] {
		end := i + len(reviewMarker)
		if k := strings.IndexFunc(text[end:], clauseEnd); k >= 0 {
			end += k
		} else {
			end = len(text)
		}
		if strings.Contains(text[i:end], "、") &&
			containsAny(text[sentStart(i):i], meetingWords) {
			spans = append(spans, [2]int{i, end})
		}
	}
	for _, m := range opinionMarkers {
		for _, i := range o.at[m] {
			lo := sentStart(i)
			k := strings.LastIndex(text[lo:i], "对")
			if k < 0 || strings.IndexFunc(text[lo+k:i], clauseEnd) >= 0 {
				continue
			}
			asked := text[lo : lo+k]
			if containsAny(asked, askVerbs) {
				spans = append(spans, [2]int{lo + k, i})
			}
		}
	}
	for _, m := range fieldsMarkers {
		for _, i := range o.at[m] {
			start := listStart(text[:i])
			if start == i && m != "等方面" {
				start = itemStart(text[sentStart(i):i]) + sentStart(i)
			}
			if start < i {
				spans = append(spans, [2]int{start, i})
			}
		}
	}
	clauseStart := func(i int) int {
		lo := sentStart(i)
		if k := strings.LastIndexFunc(text[lo:i], clauseEnd); k >= 0 {
			_, n := utf8.DecodeRuneInString(text[lo+k:])
			return lo + k + n
		}
		return lo
	}
	for _, m := range pastTimeMarkers {
		for _, i := range o.at[m] {
			end := len(text)
			if k := strings.IndexFunc(text[i:], clauseEnd); k >= 0 {
				end = i + k
			}
			spans = append(spans, [2]int{clauseStart(i), end})
		}
	}
	for _, i := range o.at[frameMarker] {
		lo := clauseStart(i)
		if k := strings.LastIndex(text[lo:i], "以"); k >= 0 {
			spans = append(spans, [2]int{lo + k, i + len(frameMarker)})
		}
	}
	for _, m := range honourMarkers {
		for _, i := range o.at[m] {
			off, n, held := i+len(m), 0, false
			for j, r := range text[off:] {
				if clauseEnd(r) || n > 16 {
					break
				}
				if r == '的' {
					spans = append(spans, [2]int{i, off + j + len("的")})
					held = true
					break
				}
				n++
			}
			if !held && strings.HasPrefix(text[off:], "“") {
				if k := strings.Index(text[off:], "”"); k >= 0 && strings.IndexFunc(text[off:off+k], clauseEnd) < 0 {
					spans = append(spans, [2]int{i, off + k + len("”")})
				}
			}
		}
	}
	return spans
}

// counts reports whether the occurrence of phrase p at byte offset i
// counts for th: not inside an ignored phrase of the taxonomy or of th
// (ignored, th's ignore spans), nor inside a longer any, strong or all
// phrase of th (志愿 in 志愿服务 is that phrase, and counts as it does:
// not at all where 志愿服务 stands in an enumeration), nor, for th's
// unlisted phrases, in an enumeration.
func (o *occurrences) counts(th *Theme, ignored spanSet, p string, i int) bool {
	end := i + len(p)
	if o.inIgnored.covers(i, end) || ignored.covers(i, end) {
		return false
	}
	for _, q := range th.supers[p] {
		// The offsets are in order: the first that could hold [i, end).
		at := o.at[q]
		if k, _ := slices.BinarySearch(at, end-len(q)); k < len(at) && at[k] <= i {
			return false
		}
	}
	if i < o.head && !o.bodyCounts(th, ignored, p) {
		return false
	}
	if !slices.Contains(th.Unlisted, p) {
		return true
	}
	// Only the sentence matters to an enumeration: its ends bound the
	// searches, which then never run through the rest of the text.
	lo, hi := 0, len(o.text)
	if s := o.sentence(i); s > 0 {
		lo = o.stops[s-1]
	}
	if s := o.sentence(end); s < len(o.stops) {
		_, n := utf8.DecodeRuneInString(o.text[o.stops[s]:])
		hi = o.stops[s] + n
	}
	// Nor further than enumerationReach bytes either side (at least 64
	// characters): the items and quotes that make an enumeration are
	// short, and a sentence without end (a hostile file's) would make each
	// occurrence search it all.
	lo = max(lo, runeStart(o.text, i-enumerationReach))
	hi = min(hi, runeStart(o.text, end+enumerationReach))
	return !enumerated(o.text[lo:hi], i-lo, end-lo)
}

// spanSet tells whether a span lies within one of a set of spans in
// logarithmic time: an article that repeats a phrase thousands of times
// asks it of every occurrence. The spans are sorted by start, with the
// furthest end among each one and those before it.
type spanSet struct {
	starts []int
	reach  []int
}

func newSpanSet(spans [][2]int) spanSet {
	sorted := slices.Clone(spans)
	slices.SortFunc(sorted, func(a, b [2]int) int { return a[0] - b[0] })
	s := spanSet{starts: make([]int, len(sorted)), reach: make([]int, len(sorted))}
	for k, sp := range sorted {
		s.starts[k], s.reach[k] = sp[0], sp[1]
		if k > 0 {
			s.reach[k] = max(sp[1], s.reach[k-1])
		}
	}
	return s
}

// covers reports whether [i, end) lies within one of the spans.
func (s spanSet) covers(i, end int) bool {
	k, _ := slices.BinarySearch(s.starts, i+1) // the spans that start at i or before
	return k > 0 && s.reach[k-1] >= end
}

// enumerationReach is how many bytes either side of a phrase enumerated
// reads: 64 characters of up to four bytes, four times a long quoted item
// (“清朗网络空间”) and ten times the longest item it counts (6 characters).
const enumerationReach = 64 * utf8.UTFMax

// runeStart returns the first offset of text at or after i that starts a
// character: 0 before the text, len(text) past it.
func runeStart(text string, i int) int {
	if i <= 0 {
		return 0
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	return min(i, len(text))
}

// bodyCounts reports whether the body lets a headline's phrase p count
// for th: a headline names what its body tells, so where the body repeats
// p only where it does not count (曾获评“北京榜样”的居民 under the headline
// “北京榜样”刘桂英和她的互助队: an honour held; 把垃圾分类纳入“美丽庭院”评比
// under 以“美丽庭院”评比推动垃圾分类: a means), the headline's p is read as the
// body reads it. A phrase the body does not repeat counts as it stands;
// nor is a stock formula (以社会主义核心价值观为引领) a repetition: it tells
// nothing of what the headline names.
func (o *occurrences) bodyCounts(th *Theme, ignored spanSet, p string) bool {
	repeated := false
	for _, j := range o.at[p] {
		if j < o.head || o.inStock.covers(j, j+len(p)) {
			continue
		}
		if o.counts(th, ignored, p, j) {
			return true
		}
		repeated = true
	}
	return !repeated
}

// valid returns the offsets of phrase p that count for th.
func (o *occurrences) valid(th *Theme, ignored spanSet, p string) []int {
	var out []int
	for _, i := range o.at[p] {
		if o.counts(th, ignored, p, i) {
			out = append(out, i)
		}
	}
	return out
}

// ignoredBy returns the spans of th's ignore phrases in the text, and of
// the phrases its unless rules undo: those of A in a sentence with a
// phrase of B that does not overlap them.
func (o *occurrences) ignoredBy(th *Theme) spanSet {
	var own [][2]int
	if !th.Teams {
		own = append(own, o.teams...)
	}
	for _, q := range th.Ignore {
		for _, j := range o.at[q] {
			own = append(own, [2]int{j, j + len(q)})
		}
	}
	for _, u := range th.Unless {
		for _, a := range u.A {
			for _, i := range o.at[a] {
				if o.meets(i, i+len(a), u.B) && (len(u.Except) == 0 || !o.meets(i, i+len(a), u.Except)) {
					own = append(own, [2]int{i, i + len(a)})
				}
			}
		}
	}
	return newSpanSet(own)
}

// meets reports whether a phrase of list occurs in the sentence of the
// span [i, end) without overlapping it.
func (o *occurrences) meets(i, end int, list []string) bool {
	s := o.sentence(i)
	for _, b := range list {
		for _, j := range o.at[b] {
			if (j+len(b) <= i || end <= j) && o.sentence(j) == s {
				return true
			}
		}
	}
	return false
}

// enumerated reports whether text[i:end] is an item of an enumeration: a
// 、 right before or after it, 等 after it, or inside a quoted item next
// to another quoted item (“垃圾分类”“文明礼让”等标语; the boards
// “清朗网络空间”“网络文明志愿服务” of an exhibition).
func enumerated(text string, i, end int) bool {
	before, after := text[:i], text[end:]
	if open, close := strings.LastIndex(before, "“"), strings.Index(after, "”"); open >= 0 && close >= 0 &&
		!strings.ContainsAny(before[open:], "”。！？\n") && !strings.ContainsAny(after[:close], "“。！？\n") {
		// Inside one quoted item: look at what stands around the quotes.
		qb, qa := before[:open], after[close+len("”"):]
		if strings.HasPrefix(qa, "“") || strings.HasSuffix(qb, "”") {
			return true
		}
		if close == 0 && open == len(before)-len("“") {
			before, after = qb, qa // the phrase is the whole item: “垃圾分类”、…
		}
	}
	if strings.HasSuffix(before, "、") || strings.HasPrefix(after, "、") || strings.HasPrefix(after, "等") {
		return true
	}
	// The phrase inside a short item of an enumeration: 背街小巷治理、志愿服务.
	// An item may also start after a conjunction: 把创城与背街小巷整治、垃圾分
	// 类结合起来; and the last item follows one: 村容村貌、村规民约执行和志愿
	// 服务开展情况. An item ends at a number too: 机关干部、居民代表和辖区中学生
	// 400余人聆听了报告 counts the people of a list.
	const stops = "、，,。；;：:！？!?“”《》（）()\n"
	b := max(strings.LastIndexAny(before, stops), 0)
	start, joined := b, false
	for _, c := range []string{"和", "与", "及"} {
		if k := strings.LastIndex(before[b:], c); k >= 0 && b+k > start {
			start, joined = b+k+len(c), true
		}
	}
	if !joined && b < len(before) && strings.HasPrefix(before[b:], "、") {
		start = b + len("、")
	}
	a := strings.IndexAny(after, stops+"等0123456789")
	if a < 0 {
		a = len(after)
	}
	lead := utf8.RuneCountInString(before[start:])
	if lead+utf8.RuneCountInString(after[:a]) > 6 || joined && lead > 2 {
		return false // an item after 和 starts with the phrase: 和志愿者开展志愿服务 is a clause
	}
	return strings.HasPrefix(before[b:], "、") || strings.HasPrefix(after[a:], "、") || strings.HasPrefix(after[a:], "等")
}

// sentence returns the index of the sentence that byte offset i is in.
func (o *occurrences) sentence(i int) int {
	n, _ := slices.BinarySearch(o.stops, i)
	return n
}

// near applies th's near rules: for each rule whose phrases meet in a
// sentence (not overlapping, each counting for th as valid says), a reason
// naming the first pair, with the number of such sentences and, when
// explain is set, the sentence's text around the pair. Without explain it
// stops at the first rule that holds.
func (o *occurrences) near(th *Theme, explain bool) []Reason {
	if len(th.Near) == 0 || len(o.at) == 0 {
		return nil
	}
	var rs []Reason
	valid := o.validFor(th).of
	for _, n := range th.Near {
		var first Reason
		var sentences []int
		for _, a := range n.A {
			if len(o.at[a]) == 0 {
				continue
			}
			for _, b := range n.B {
				if len(o.at[b]) == 0 {
					continue
				}
				for _, i := range valid(a) {
					for _, j := range valid(b) {
						if i < j+len(b) && j < i+len(a) {
							continue // overlapping: one word, not two
						}
						if n.Ordered && j < i {
							continue
						}
						if n.Within > 0 && gap(o.text, i, i+len(a), j, j+len(b)) > n.Within {
							continue
						}
						s := o.sentence(i)
						if s != o.sentence(j) || slices.Contains(sentences, s) {
							continue
						}
						if len(sentences) == 0 {
							first = Reason{Theme: th.Name, Rule: "near", Phrase: a + "…" + b}
							if explain {
								first.Context = o.around([2]int{i, i + len(a)}, [2]int{j, j + len(b)}, 12)
							}
						}
						sentences = append(sentences, s)
					}
				}
			}
		}
		if len(sentences) > 0 {
			first.Count = len(sentences)
			rs = append(rs, first)
			if !explain {
				return rs
			}
		}
	}
	return rs
}

// validSpots gives the offsets of a phrase that count for one theme
// (occurrences.valid), each phrase's computed once, since a phrase meets
// many, and the spans the theme's own ignore rules cover once, when first
// needed.
type validSpots struct {
	o     *occurrences
	th    *Theme
	own   spanSet
	ready bool
	at    map[string][]int
}

// validFor returns th's validSpots in o.
func (o *occurrences) validFor(th *Theme) *validSpots { return &validSpots{o: o, th: th} }

// of returns the offsets of p that count for the theme.
func (v *validSpots) of(p string) []int {
	if !v.ready {
		v.own, v.ready = v.o.ignoredBy(v.th), true
	}
	offs, ok := v.at[p]
	if !ok {
		if v.at == nil {
			v.at = make(map[string][]int, 8)
		}
		offs = v.o.valid(v.th, v.own, p)
		v.at[p] = offs
	}
	return offs
}

// gap returns the number of characters between two spans of text that do
// not overlap.
func gap(text string, i, iEnd, j, jEnd int) int {
	if j < i {
		i, iEnd, j, jEnd = j, jEnd, i, iEnd
	}
	return utf8.RuneCountInString(text[iEnd:j])
}

// around returns the sentence text around two spans x and y that do not
// overlap, each marked with 【】, with up to n characters either side.
func (o *occurrences) around(x, y [2]int, n int) string {
	if y[0] < x[0] {
		x, y = y, x
	}
	s := o.sentence(x[0])
	lo, hi := 0, len(o.text)
	if s > 0 {
		lo = o.stops[s-1]
		_, w := utf8.DecodeRuneInString(o.text[lo:])
		lo += w
	}
	if s < len(o.stops) {
		hi = o.stops[s]
	}
	before := []rune(o.text[lo:x[0]])
	after := []rune(o.text[y[1]:hi])
	before = before[max(0, len(before)-n):]
	after = after[:min(len(after), n)]
	t := string(before) + "【" + o.text[x[0]:x[1]] + "】" + o.text[x[1]:y[0]] + "【" + o.text[y[0]:y[1]] + "】" + string(after)
	return strings.ReplaceAll(t, "\n", " ")
}

// countsInto clears c and fills it with the occurrences that count for th,
// by phrase; phrases that do not occur are absent. It returns c.
func (o *occurrences) countsInto(c map[string]int, th *Theme) map[string]int {
	clear(c)
	if len(o.at) == 0 {
		return c
	}
	own := o.ignoredBy(th)
	for _, list := range [][]string{th.Any, th.Strong, th.All, th.Not} {
		for _, p := range list {
			if _, done := c[p]; !done && len(o.at[p]) > 0 {
				n := 0
				for _, i := range o.at[p] {
					if o.counts(th, own, p, i) {
						n++
					}
				}
				c[p] = n
			}
		}
	}
	return c
}

// context returns the first occurrence of phrase that counts for th with
// up to n characters either side, the phrase marked with 【】.
func (o *occurrences) context(th *Theme, phrase string, n int) string {
	v := o.valid(th, o.ignoredBy(th), phrase)
	if len(v) == 0 {
		return ""
	}
	return o.spanContext([2]int{v[0], v[0] + len(phrase)}, n)
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

// DroppedArticle returns the reasons for the themes of a dropped as
// secondary mentions.
func (t *Taxonomy) DroppedArticle(a *Article) []Reason { return t.Dropped(articleText(a)) }

// matches applies th's rules to the phrase counts of a text and the near
// rules that hold in it, appending the reasons to rs when it is not nil.
func (th *Theme) matches(counts map[string]int, near []Reason, rs *[]Reason) bool {
	for _, p := range th.Not {
		if counts[p] > 0 {
			return false
		}
	}
	var found []Reason
	strong := len(near) > 0
	for _, p := range th.Strong {
		if n := counts[p]; n > 0 {
			strong = true
			found = append(found, Reason{Theme: th.Name, Rule: "strong", Phrase: p, Count: n})
		}
	}
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
		if total < th.Min && !strong {
			return false
		}
	} else if len(th.All) == 0 && !strong {
		return false
	}
	if rs != nil {
		*rs = append(*rs, found...)
		*rs = append(*rs, near...)
	}
	return true
}
