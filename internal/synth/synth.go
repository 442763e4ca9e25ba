// Package synth generates synthetic bulletins, each with the record that
// ingest must make of it, to test the parser at scale and to feed the
// benchmarks of the index.
//
// Generate takes a count and a seed and returns files in the form of the
// bulletins of the archive (as PDF extraction leaves them): the header,
// sections of articles closed by their attributions, the footer, and the
// artefacts of real files: lines split by page breaks (also inside district
// names), page numbers, spaces between CJK characters and digits, GBK, CRLF
// and byte-order marks, missing footer fields, articles without attribution.
// The same count and seed give the same bytes.
//
// Each article is written about 0–2 intended themes of the default taxonomy
// (see theme.go) and its expected record lists those, not what the tagger
// makes of the text, so that comparing the parser's themes with them
// measures the taxonomy.
package synth

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jianbao/ingest"
)

// File is one generated bulletin file and the record the parser must
// produce for it.
type File struct {
	Name     string        // e.g. "bulletin-2019-007.txt", unique within a run
	Data     []byte        // the file's bytes (UTF-8/GBK, BOM/CRLF variants)
	Expected *ingest.Issue // Source.Path == Name, Format "txt", SHA256 of Data, Pages 0; article themes intended, not tagged
}

// Generate returns n bulletins of the years 2016–2025 (earlier years too
// when n exceeds 9,000, back to 1949 at most), in order of date, with
// distinct IDs. The result is
// the same for the same n and seed (math/rand/v2 PCG seeded by seed).
func Generate(n int, seed uint64) []File {
	files, _ := generate(n, seed)
	return files
}

// stats counts what a run generated, for tests.
type stats struct {
	articles int // articles generated
	rejected int // drafts refused: filler formed a name by accident, or a title was too long
	splits   int // paragraphs split by a page break
	inName   int // splits inside a district name
	noAttr   int // articles without attribution
	passing  int // articles naming a theme in passing
}

type generator struct {
	r     *rand.Rand
	guard *guard
	stats stats
}

var (
	leadTemplates      = parseTemplates(leads)
	sentenceTemplates  = parseTemplates(sentences)
	briefTemplates     = parseTemplates(briefs)
	briefTailTemplates = parseTemplates(briefTails)
	headlineTemplates  = parseTemplates(headlines)
	sharedGuard        = newGuard()
)

func generate(n int, seed uint64) ([]File, stats) {
	g := &generator{r: rand.New(rand.NewPCG(seed, 0x6a69616e62616f)), guard: sharedGuard}
	if n <= 0 {
		return nil, g.stats
	}
	issues := g.plan(n)
	files := make([]File, 0, n)
	for _, is := range issues {
		files = append(files, g.bulletin(is))
	}
	return files, g.stats
}

// Write writes files into dir and each expected record as
// dir/expected/<Name>.json (indented), creating the directories.
func Write(dir string, files []File) error {
	exp := filepath.Join(dir, "expected")
	if err := os.MkdirAll(exp, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", exp, err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return fmt.Errorf("write bulletin: %w", err)
		}
		js, err := ExpectedJSON(f.Expected)
		if err != nil {
			return fmt.Errorf("encode expected record of %s: %w", f.Name, err)
		}
		if err := os.WriteFile(filepath.Join(exp, f.Name+".json"), js, 0o644); err != nil {
			return fmt.Errorf("write expected record: %w", err)
		}
	}
	return nil
}

// ExpectedJSON returns the JSON form in which Write stores an expected
// record: indented by two spaces, HTML characters not escaped, a final
// newline.
func ExpectedJSON(iss *ingest.Issue) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(iss); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// issueSlot is a planned bulletin: its place in the archive.
type issueSlot struct {
	id      string
	date    time.Time
	issue   int    // 第N期
	total   int    // 总第N期, 0 when not printed
	special string // the special-issue line, "" for a normal issue
}

// plan spreads n bulletins over the years: each year publishes 20–45 normal
// issues (more when n needs it), of which a random subset is generated, so
// numbers have holes; about 8% are special issues numbered on their own.
// A year holds about 900 bulletins until the years reach back to
// ingest.MinYear; past that (n over 69,300) each year holds more.
func (g *generator) plan(n int) []issueSlot {
	r := g.r
	years := min(max(10, (n+899)/900), 2025-ingest.MinYear+1)
	first := 2025 - years + 1
	counts := make([]int, years)
	for i := range counts {
		counts[i] = n / years
	}
	for range n % years {
		counts[r.IntN(years)]++
	}
	var out []issueSlot
	total := 1600 + r.IntN(300)
	for yi, c := range counts {
		year := first + yi
		jan1 := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		specials := 0
		for range c {
			if r.IntN(100) < 8 {
				specials++
			}
		}
		normals := c - specials
		span := 20 + r.IntN(26)
		if span < normals {
			span = normals + normals/10
		}
		step := max(1, 365/span)
		for _, no := range sample(r, span, normals) {
			s := issueSlot{
				id:    fmt.Sprintf("%d-%03d", year, no),
				date:  jan1.AddDate(0, 0, (no-1)*365/span+r.IntN(step)),
				issue: no,
			}
			if r.IntN(100) < 85 {
				s.total = total + no
			}
			out = append(out, s)
		}
		total += span
		zk, zengk := 0, 0
		for range specials {
			s := issueSlot{date: jan1.AddDate(0, 0, r.IntN(365))}
			switch k := r.IntN(10); {
			case k < 3:
				zengk++
				s.issue, s.special = zengk, "增刊"
				s.id = fmt.Sprintf("%d-zengk%02d", year, zengk)
			default:
				zk++
				s.issue, s.special = zk, "专刊"
				if k >= 6 {
					s.special = pick(r, namedSpecials)
					if strings.Contains(s.special, "%s") {
						s.special = fmt.Sprintf(s.special, pick(r, festivals))
					}
				}
				s.id = fmt.Sprintf("%d-zk%02d", year, zk)
			}
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b issueSlot) int {
		return cmp.Or(a.date.Compare(b.date), cmp.Compare(a.id, b.id))
	})
	return out
}

// sample returns k distinct numbers of 1..n in increasing order.
func sample(r *rand.Rand, n, k int) []int {
	all := make([]int, n)
	for i := range all {
		all[i] = i + 1
	}
	for i := range k {
		j := i + r.IntN(n-i)
		all[i], all[j] = all[j], all[i]
	}
	out := all[:k]
	slices.Sort(out)
	return out
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// number returns a count as bulletins print them: tens, hundreds or thousands.
func number(r *rand.Rand) int {
	switch r.IntN(3) {
	case 0:
		return 10 + r.IntN(40)
	case 1:
		return 50 + r.IntN(950)
	}
	return 1000 + r.IntN(9000)
}

// article is a generated article in clean (normalised) form.
type article struct {
	section  string
	title    string   // explicit title line, "" for none
	paras    []string // paragraphs, clean
	org      string   // attribution, "" for none
	district string   // reporting district of org
	themes   []string // intended themes, in taxonomy order
	m        mentions
	cut      map[int]cut // page-break splits by paragraph
}

// cut is where a page break splits a paragraph: at rune pos, with or
// without a page-number line between the parts.
type cut struct {
	pos    int
	number bool
}

func (a *article) body() string { return strings.Join(a.paras, "\n\n") }

// scanText is the text the parser scans for names: the title line and body.
func (a *article) scanText() string {
	if a.title != "" {
		return a.title + "\n" + a.body()
	}
	return a.body()
}

func (a *article) headline() string {
	if a.title != "" {
		return a.title
	}
	return firstSentence(a.paras[0])
}

// firstSentence returns p up to its first 。！？!? and a closing quote right
// after it.
func firstSentence(p string) string {
	i := strings.IndexAny(p, "。！？!?")
	if i < 0 {
		return p
	}
	_, n := utf8.DecodeRuneInString(p[i:])
	i += n
	if strings.HasPrefix(p[i:], "”") {
		i += len("”")
	}
	return p[:i]
}

// bulletin generates one bulletin for its slot.
func (g *generator) bulletin(s issueSlot) File {
	r := g.r
	st := g.style()
	name := "bulletin-" + s.id + ".txt"
	iss := &ingest.Issue{
		ID:         s.id,
		Title:      usualTitle,
		Issue:      s.issue,
		TotalIssue: s.total,
		Special:    s.special, // the line as printed, quotes and all
		Issuer:     usualIssuer,
		Date:       s.date.Format(time.DateOnly),
		Articles:   []ingest.Article{},
	}
	if r.IntN(100) < 15 {
		iss.Title = pick(r, titles)
	}
	if r.IntN(100) < 12 {
		iss.Issuer = pick(r, issuers)
	}
	w := &writer{st: st, r: r}
	w.header(iss, s)

	arts := g.sections(s.date.Year(), st)
	g.splits(arts)
	section := ""
	for i := range arts {
		a := &arts[i]
		if a.section != section {
			section = a.section
			w.line("【" + section + "】")
		}
		w.article(a)
		orgNames, orgDetails := a.m.organisations(a.district)
		iss.Articles = append(iss.Articles, ingest.Article{
			ID:                 fmt.Sprintf("%s-%02d", s.id, i+1),
			Seq:                i + 1,
			Section:            a.section,
			Headline:           a.headline(),
			Body:               a.body(),
			SourceOrg:          a.org,
			District:           a.district,
			DistrictsMentioned: unique(a.m.districts),
			Organisations:      orgNames,
			OrgDetails:         orgDetails,
			Themes:             a.themes,
		})
	}
	g.footer(w, iss)

	data := w.bytes()
	sum := sha256.Sum256(data)
	iss.Source = ingest.Source{Path: name, Format: ingest.FormatTXT, SHA256: hex.EncodeToString(sum[:])}
	return File{Name: name, Data: data, Expected: iss}
}

// sections generates the articles of a bulletin, section by section.
func (g *generator) sections(year int, st style) []article {
	r := g.r
	nsec := pick(r, []int{1, 2, 2, 2, 3, 3})
	names := slices.Clone(sectionNames)
	r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	names = names[:nsec]
	if r.IntN(5) == 0 {
		names = append(names, briefSection)
	}
	var arts []article
	for _, sec := range names {
		brief := sec == briefSection
		k := pick(r, []int{1, 1, 1, 2, 2, 2, 3, 4})
		if brief {
			k = 3 + r.IntN(6)
		}
		for i := range k {
			last := i == k-1
			arts = append(arts, g.article(year, st, sec, brief, last && r.IntN(10) == 0))
		}
	}
	return arts
}

// article generates one article, drafting again while its filler forms a
// name by accident or its title is too long.
func (g *generator) article(year int, st style, section string, brief, noAttr bool) article {
	for tries := 0; ; tries++ {
		a, ok := g.draft(year, st, section, brief, noAttr)
		if ok && g.guard.agrees(a.scanText(), &a.m) {
			g.stats.articles++
			if noAttr {
				g.stats.noAttr++
			}
			return a
		}
		g.stats.rejected++
		if tries > 1000 {
			panic("synth: cannot draft an article whose names are all intended")
		}
	}
}

func (g *generator) draft(year int, st style, section string, brief, noAttr bool) (article, bool) {
	r := g.r
	themes := g.drawThemes(year, brief)
	a := article{section: section, themes: taxonomyOrder(themes)}
	sc := &scene{g: g, district: pick(r, ingest.Districts), year: year, full: st.full, themes: themes}
	if !noAttr {
		a.org, a.district = g.attribution(sc)
	}
	bk := themeBanksParsed()
	var lead *parsedBank // the bank of the theme the article leads with
	if len(themes) > 0 {
		lead = bk.theme[themes[0]]
	}
	p := &picker{g: g, used: map[*template]bool{}}
	var b strings.Builder
	if brief {
		if lead != nil {
			sc.render(&b, pick(r, lead.briefs), &a.m)
		} else {
			sc.render(&b, pick(r, briefTemplates), &a.m)
		}
		if r.IntN(2) == 0 {
			sc.render(&b, pick(r, briefTailTemplates), &a.m)
		}
		a.paras = []string{b.String()}
		return a, true
	}
	if r.IntN(5) == 0 {
		if lead != nil {
			sc.render(&b, pick(r, lead.headlines), &a.m)
		} else {
			sc.render(&b, pick(r, headlineTemplates), &a.m)
		}
		a.title = b.String()
		b.Reset()
		if utf8.RuneCountInString(a.title) > 24 {
			return a, false
		}
	}
	np := pick(r, []int{1, 2, 2, 2, 3, 4})
	counts := make([]int, np)
	for i := range counts {
		counts[i] = 2 + r.IntN(4)
	}
	counts[0] = 1 + r.IntN(4)
	plan := g.sentencePlan(themes, counts)
	var passing []template // a theme named in passing
	if th := g.passingTheme(year, themes); th != "" {
		passing = themeBanksParsed().passing[th]
		at := r.IntN(len(plan) + 1)
		plan = slices.Insert(plan, at, inPassing)
		counts[r.IntN(len(counts))]++
		g.stats.passing++
	}
	if lead != nil {
		sc.render(&b, pick(r, lead.leads), &a.m)
	} else {
		sc.render(&b, pick(r, leadTemplates), &a.m)
	}
	k := 0
	for _, n := range counts {
		for range n {
			var t *template
			if plan[k] == inPassing {
				t = p.pick(passing)
			} else {
				t = g.sentence(p, themes, plan[k])
			}
			k++
			if t != nil {
				sc.render(&b, *t, &a.m)
			}
		}
		if b.Len() > 0 {
			a.paras = append(a.paras, b.String())
		}
		b.Reset()
	}
	return a, true
}

// Sentences of the plan that are about none of the article's themes.
const (
	neutral   = -1 // about no theme
	inPassing = -2 // naming a theme in passing
)

// sentencePlan says, for each sentence after the lead, which theme it is
// about (an index into themes) or neutral. As in the bulletins, an article
// about a theme is mostly about it: each theme gets at least two sentences
// besides the lead, and of the rest 30% are neutral, the others about the
// theme the article leads with (60%) or the second one, which comes after.
// counts may grow so that the required sentences fit.
func (g *generator) sentencePlan(themes []string, counts []int) []int {
	r := g.r
	var plan []int
	if len(themes) > 0 {
		plan = append(plan, 0, 0)
	}
	if len(themes) > 1 {
		plan = append(plan, 1, 1)
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if total < len(plan) {
		counts[len(counts)-1] += len(plan) - total
		total = len(plan)
	}
	for len(plan) < total {
		switch k := r.IntN(100); {
		case len(themes) == 0 || k < 30:
			plan = append(plan, neutral)
		case len(themes) == 1 || k < 72:
			plan = append(plan, 0)
		default:
			plan = append(plan, 1)
		}
	}
	r.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	// The lead theme's sentences first, then the second's, so that an
	// article takes its themes in turn; neutral ones stay where they fell.
	var at, about []int
	for i, w := range plan {
		if w != neutral {
			at = append(at, i)
			about = append(about, w)
		}
	}
	slices.Sort(about)
	for k, i := range at {
		plan[i] = about[k]
	}
	return plan
}

// sentence picks an unused sentence about themes[which], now and then one
// about both themes of a two-theme article; or a neutral one. It falls back
// to a neutral sentence when a bank is used up, and returns nil when the
// neutral bank is too.
func (g *generator) sentence(p *picker, themes []string, which int) *template {
	if which != neutral {
		bk := themeBanksParsed()
		if len(themes) == 2 && g.r.IntN(4) == 0 {
			if t := p.pick(bk.pair[makePairKey(themes[0], themes[1])]); t != nil {
				return t
			}
		}
		if t := p.pick(bk.theme[themes[which]].sentences); t != nil {
			return t
		}
	}
	return p.pick(sentenceTemplates)
}

// attribution chooses the body that closes an article and its reporting
// district: mostly a district's office, else a municipal body or the
// economic-technological zone. The scene's district follows a district's.
func (g *generator) attribution(sc *scene) (org, district string) {
	r := g.r
	switch k := r.IntN(100); {
	case k < 25:
		return pick(r, municipalAttributions), ""
	case k < 30:
		sc.district = "大兴区"
		return pick(r, zoneAttributions), ingest.EconomicZone
	}
	d := sc.district
	switch k := r.IntN(100); {
	case k < 60:
		org = d + "文明办"
	case k < 72:
		org = d + "委宣传部"
	case k < 87:
		org = d + pick(r, districtStreets[d])
	case k < 92:
		org = d + "新时代文明实践中心"
	case k < 97:
		org = ingest.ShortDistrict(d) + "文明办"
	default:
		org = "北京市" + d + "文明办"
	}
	return org, d
}

// splits cuts 1–3 paragraphs of 40% of bulletins by page breaks. A cut
// comes at least 26 characters into a paragraph, never right after closing
// punctuation nor before an enumerator or punctuation, and in the first
// paragraph of an untitled article leaves a first part with a comma or more
// than 40 characters, so that a reader can tell it from a paragraph end or a
// title line.
func (g *generator) splits(arts []article) {
	r := g.r
	if r.IntN(100) >= 40 {
		return
	}
	type ref struct{ a, p int }
	var cands []ref
	for i := range arts {
		for j := range arts[i].paras {
			cands = append(cands, ref{i, j})
		}
	}
	r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	want := 1 + r.IntN(3)
	for _, c := range cands {
		if want == 0 {
			break
		}
		a := &arts[c.a]
		pos, inName, ok := chooseCut(r, []rune(a.paras[c.p]), c.p == 0 && a.title == "")
		if !ok {
			continue
		}
		if inName {
			g.stats.inName++
		}
		if a.cut == nil {
			a.cut = map[int]cut{}
		}
		a.cut[c.p] = cut{pos: pos, number: r.IntN(100) < 30}
		want--
		g.stats.splits++
	}
}

// chooseCut picks a valid cut of p, inside a district name when it can
// (30% of the time), else anywhere valid.
func chooseCut(r *rand.Rand, p []rune, firstUntitled bool) (pos int, inName, ok bool) {
	if r.IntN(100) < 30 {
		s := string(p)
		var inside []int
		for _, d := range ingest.Districts {
			for off := 0; ; {
				i := strings.Index(s[off:], d)
				if i < 0 {
					break
				}
				at := utf8.RuneCountInString(s[:off+i])
				for k := 1; k < utf8.RuneCountInString(d); k++ {
					inside = append(inside, at+k)
				}
				off += i + len(d)
			}
		}
		r.Shuffle(len(inside), func(i, j int) { inside[i], inside[j] = inside[j], inside[i] })
		for _, pos := range inside {
			if validCut(p, pos, firstUntitled) {
				return pos, true, true
			}
		}
	}
	if len(p) < 28 {
		return 0, false, false
	}
	// Often early, where a first part could pass for a title line.
	span := len(p) - 27
	if r.IntN(100) < 30 {
		span = min(span, 16)
	}
	for range 30 {
		pos := 26 + r.IntN(span)
		if validCut(p, pos, firstUntitled) {
			return pos, false, true
		}
	}
	return 0, false, false
}

// closing are the characters after which a line ends a paragraph, and that
// do not begin a line.
const closing = "。！？!?；;：:…”’」』)）》】，,、."

func validCut(p []rune, pos int, firstUntitled bool) bool {
	if pos < 26 || pos > len(p)-2 {
		return false
	}
	before, after := p[pos-1], p[pos]
	if strings.ContainsRune(closing, before) || strings.ContainsRune(closing, after) {
		return false
	}
	if isASCIIAlnum(before) && isASCIIAlnum(after) {
		return false
	}
	rest := p[pos:]
	if startsEnumerator(rest) || strings.ContainsRune("(（【“《", after) {
		return false
	}
	for _, c := range rest[:min(6, len(rest))] {
		if c == ':' || c == '：' {
			return false // could read as a footer key (报: 发:)
		}
	}
	if firstUntitled && len(p[:pos]) <= 40 && !strings.ContainsAny(string(p[:pos]), "，,") {
		return false
	}
	return true
}

// startsEnumerator reports whether rs begins like an enumerated heading:
// 一、 (一) 1. 12、
func startsEnumerator(rs []rune) bool {
	i := 0
	for i < len(rs) && strings.ContainsRune("一二三四五六七八九十", rs[i]) {
		i++
	}
	if i > 0 && i < len(rs) && rs[i] == '、' {
		return true
	}
	i = 0
	for i < len(rs) && i < 3 && rs[i] >= '0' && rs[i] <= '9' {
		i++
	}
	return i > 0 && i < len(rs) && strings.ContainsRune(".、．", rs[i])
}

func isASCIIAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// footer writes the footer fields, some missing in 15% of bulletins, each on
// its own line or several to a line, then the distribution lists.
func (g *generator) footer(w *writer, iss *ingest.Issue) {
	r := g.r
	colon := ":"
	if w.st.full {
		colon = "："
	}
	type field struct{ key, value string }
	fields := []field{
		{"责编", pick(r, editors)}, {"核稿", pick(r, reviewers)}, {"电话", pick(r, phones)},
		{"传真", pick(r, faxes)}, {"邮箱", pick(r, emails)},
	}
	if r.IntN(100) < 15 {
		drop := r.IntN(len(fields))
		var kept []field
		for i, f := range fields {
			if i != drop && r.IntN(100) >= 30 {
				kept = append(kept, f)
			}
		}
		fields = kept
	}
	together := r.IntN(100) < 20
	var line []string
	for i, f := range fields {
		switch f.key {
		case "责编":
			iss.Editor = f.value
		case "核稿":
			iss.Reviewer = f.value
		case "电话":
			iss.Contact.Phone = f.value
		case "传真":
			iss.Contact.Fax = f.value
		case "邮箱":
			iss.Contact.Email = f.value
		}
		line = append(line, f.key+colon+f.value)
		if !together || len(line) == 3 || i == len(fields)-1 || r.IntN(3) == 0 {
			w.line(strings.Join(line, "  "))
			line = nil
		}
	}
	sep := ","
	if r.IntN(5) == 0 {
		sep = ";"
	}
	if w.st.full {
		sep = toFull.Replace(sep)
	}
	lists := []struct {
		key    string
		groups [][][]string
		dst    *[]string
	}{
		{"报", reportTo, &iss.Distribution.ReportTo},
		{"送", sendTo, &iss.Distribution.SendTo},
		{"发", issueTo, &iss.Distribution.IssueTo},
	}
	for _, l := range lists {
		if r.IntN(10) == 0 {
			continue
		}
		groups := pick(r, l.groups)
		var parts []string
		for _, gr := range groups {
			joined := strings.Join(gr, "、")
			parts = append(parts, joined)
			if keepsWhole(gr) {
				*l.dst = append(*l.dst, joined)
			} else {
				*l.dst = append(*l.dst, gr...)
			}
		}
		w.line(l.key + colon + strings.Join(parts, sep) + "。")
	}
}

// keepsWhole reports whether a distribution item stays whole: a part after
// the first names a post, or a part is longer than six characters.
func keepsWhole(parts []string) bool {
	for i, p := range parts {
		if i > 0 && posts[p] || utf8.RuneCountInString(p) > 6 {
			return true
		}
	}
	return false
}
