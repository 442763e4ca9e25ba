package ingest

import (
	_ "embed"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// OCR misreads a few characters everywhere, but the structure of a
// bulletin lives in a few places where one character matters: the brackets
// of section headings and attribution lines, page numbers, 第N期 and the
// district names that give an article its reporting district. fixOCRLines
// corrects those places in lines read by OCR, where the context makes the
// reading safe, and records each change.

//go:embed sections.txt
var sectionsFile string

// knownSections are the section headings of the archive, without brackets.
var knownSections = func() []string {
	var out []string
	for line := range strings.Lines(sectionsFile) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}()

// Characters OCR reads for the brackets of a heading 【…】 and of an
// attribution （…）.
const (
	headOpen  = "【[［〖〔『「{|"
	headClose = "】]］〗〕』」}|"
	attrOpen  = "(（《〈<〔［[{「『"
	attrClose = ")）》〉>〕］]}」』"
)

// fixOCRLines corrects the lines of the pages read by OCR (ocr[i] for page
// i+1) in place and returns the corrections: page numbers that do not read
// as such are dropped; section headings and attribution lines with
// misread brackets are rewritten; 第N期 read with a wrong last character is
// restored on the first page; district names one character off are
// corrected in attributions and before 文明办/区委, and in other text only
// where the same district is read correctly elsewhere in the issue;
// gazetteer organisations one character off likewise. On pages read
// unsure (unsure[i]; nil for none), an attribution's name up to a third of
// its characters off one signing body is restored (see nearSigner).
func fixOCRLines(pages [][]visualLine, ocr, unsure []bool) []Correction {
	var all strings.Builder
	for _, p := range pages {
		for _, l := range p {
			all.WriteString(CleanSpaces(l.text))
			all.WriteByte('\n')
		}
	}
	ctx := newFixContext(all.String())
	// The title is the first line of the first page with a title's
	// characters: the running heads of later pages repeat it.
	title := ""
	if len(pages) > 0 {
		for _, l := range pages[0] {
			if t := CleanSpaces(l.text); strings.Contains(t, "简报") || strings.Contains(t, "文明") {
				title = fixTitle(t)
				break
			}
		}
	}
	var out []Correction
	for i := range pages {
		if !ocr[i] {
			continue
		}
		kept := pages[i][:0]
		n := len(pages[i])
		footerSeen := false
		for j, l := range pages[i] {
			t := CleanSpaces(l.text)
			at := Correction{Page: i + 1, Line: j + 1}
			if (j < 2 || j >= n-2) && looksLikePageNumber(t) {
				at.Kind, at.From = CorrectPageNumber, t
				out = append(out, at)
				continue
			}
			if isSpeck(t) {
				at.Kind, at.From = CorrectNoise, t
				out = append(out, at)
				continue
			}
			if i > 0 && j < 2 && (isRunningHead(t, title) || j == 0 && (setRight(l) || endsAsTitle(t, title)) && nearTitle(t, title)) && t != title {
				at.Kind, at.From = CorrectRunningHead, t
				out = append(out, at)
				continue
			}
			if i == len(pages)-1 {
				f, ok := fixFooterKey(t)
				if !ok && !footerSeen && n-j <= footerLines {
					f, ok = fixEditorKey(t)
				}
				if ok {
					out = append(out, Correction{Page: at.Page, Line: at.Line, Kind: CorrectFooter, From: t, To: f})
					t = f
				}
				footerSeen = footerSeen || footerLeadRe.MatchString(t)
			}
			if j == 0 || startsParagraph(pages[i][j-1]) {
				if d := ctx.lostFirstChar(t); d != "" {
					c := Correction{Page: at.Page, Line: at.Line, Kind: CorrectDistrict, From: t, To: d + strings.TrimPrefix(t, strings.TrimPrefix(d, prefixRunes(d, 1)))}
					out = append(out, c)
					t = c.To
				}
			}
			prevOpen := len(kept) > 0 && openBracket(kept[len(kept)-1].text)
			for _, c := range ctx.fixLine(t, i == 0 && j < headerWindow, prevOpen, i < len(unsure) && unsure[i]) {
				c.Page, c.Line = at.Page, at.Line
				out = append(out, c)
				t = c.To
			}
			if t != CleanSpaces(l.text) {
				l.text = t
			}
			kept = append(kept, l)
		}
		pages[i] = kept
	}
	return out
}

// footerKeys are the keys of a bulletin's footer that OCR misreads at the
// start of a line of the last page (真编:梅雪峰 for 责编:梅雪峰), which
// then reads as an article with no attribution.
var footerKeyNames = []string{"责任编辑", "责编", "核稿", "审核"}

// fixFooterKey returns t with its first characters restored to a footer
// key when they are one character off one and a colon follows.
func fixFooterKey(t string) (string, bool) {
	for _, k := range footerKeyNames {
		n := utf8.RuneCountInString(k)
		p := prefixRunes(t, n)
		rest := t[len(p):]
		if !oneOff(p, k) || !strings.HasPrefix(rest, ":") && !strings.HasPrefix(rest, "：") {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(p); !unicode.Is(unicode.Han, r) {
			continue
		}
		return k + rest, true
	}
	return "", false
}

// footerLines is how many lines from the end of the last page a
// bulletin's footer begins at most: 责编 and 核稿, 电话 and 邮箱, 报, 送 and
// 发, each of them wrapped at most once.
const footerLines = 9

// editorKeyRe matches the footer's first line with its key misread beyond
// one character: two characters, a colon and a name (页网:梅汪峰), and
// what follows the name.
var editorKeyRe = regexp.MustCompile(`^\p{Han}{2}\s*[:：]\s*\p{Han}{2,4}(.*)$`)

// fixEditorKey returns t, a line near the end of the last page before any
// footer line, with its key restored to 责编 when it reads as a key and a
// name, alone or before the next key (克纲:悔上汪峰核稿:…): the footer of
// every bulletin begins with the editor.
func fixEditorKey(t string) (string, bool) {
	m := editorKeyRe.FindStringSubmatch(t)
	if m == nil || footerLeadRe.MatchString(t) {
		return "", false
	}
	if rest := m[1]; rest != "" && !IsSpace([]rune(rest)[0]) && !footerLeadRe.MatchString(rest) {
		if _, ok := fixFooterKey(rest); !ok {
			return "", false
		}
	}
	k := strings.IndexAny(t, ":：")
	return "责编" + t[k:], true
}

// looksLikePageNumber reports whether t is a page number as OCR reads one:
// up to three digits among dashes, brackets and marks ("一1]一", "-2一"),
// and not already a page number Normalize drops.
func looksLikePageNumber(t string) bool {
	if utf8.RuneCountInString(t) > 10 || isPageNumber(t) {
		return false
	}
	digits := 0
	for _, r := range Fold(t) {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("-—–―−一_~=[]|【】()（）{}<>《》〈〉「」:.·。,'\"‘’“”丨 ", r):
		default:
			return false
		}
	}
	return digits >= 1 && digits <= 3
}

// openBracket reports whether t opens a round bracket it does not close.
func openBracket(t string) bool {
	return strings.Count(t, "(")+strings.Count(t, "（") > strings.Count(t, ")")+strings.Count(t, "）")
}

// startsParagraph reports whether the line after l starts a paragraph: l
// is followed by a blank line, or is a heading or an attribution.
func startsParagraph(l visualLine) bool {
	t := CleanSpaces(l.text)
	_, _, attr := attribution(t)
	return l.blankAfter || attr || isSection(t)
}

// lostFirstChar returns the district whose name, without its first
// character, starts t (云区依托… for 密云区), when the district is read
// correctly elsewhere in the issue and the rest is not a word itself
// (城区, 山区).
func (c *fixContext) lostFirstChar(t string) string {
	for _, d := range c.districts {
		rest := strings.TrimPrefix(d, prefixRunes(d, 1))
		if utf8.RuneCountInString(rest) < 2 || rest == "城区" || rest == "山区" || !strings.HasPrefix(t, rest) {
			continue
		}
		return d
	}
	return ""
}

// isSpeck reports whether a line read by OCR is a speck of the image read
// as text: at most three characters, none of them Han or a digit ("hy",
// "|", "、").
func isSpeck(t string) bool {
	if utf8.RuneCountInString(t) > 3 {
		return false
	}
	for _, r := range t {
		if unicode.Is(unicode.Han, r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// fixContext is what the corrections of one issue know of its whole text.
type fixContext struct {
	districts []string // districts read correctly somewhere in the issue
	orgs      []string // gazetteer organisations of 6 or more characters read correctly
}

// longOrgName is the length from which a gazetteer name one character off
// is corrected even where it is not read right elsewhere: so long a name
// with its first and last characters right is no other name.
const longOrgName = 8

// knownOrgNames are the names of the organisation gazetteer, read only.
var knownOrgNames = Organisations()

func newFixContext(text string) *fixContext {
	c := &fixContext{districts: districtsMentioned(text)}
	for _, o := range knownOrgNames {
		switch n := utf8.RuneCountInString(o); {
		case n >= longOrgName:
			c.orgs = append(c.orgs, o)
		case n >= 6 && strings.Contains(text, o):
			c.orgs = append(c.orgs, o)
		}
	}
	return c
}

// fixLine returns the corrections of one line, each applied to the result
// of the one before; unsure is whether its page was read unsure.
func (c *fixContext) fixLine(t string, masthead, prevOpen, unsure bool) []Correction {
	var out []Correction
	add := func(kind, to string) {
		if to != t {
			out = append(out, Correction{Kind: kind, From: t, To: to})
			t = to
		}
	}
	if masthead {
		add(CorrectMasthead, fixIssuer(fixTitle(fixSpecial(fixTotal(fixIssueNumber(t)))), unsure))
	}
	if h, ok := fixSection(t); ok {
		add(CorrectSection, h)
		return out
	}
	if a, ok := c.fixAttribution(t, prevOpen); ok {
		add(CorrectAttribution, a)
	}
	if _, org, ok := attribution(t); ok {
		add(CorrectDistrict, c.fixDistricts(t, org, true))
		_, org, _ = attribution(t) // with its district corrected
		if fixed := c.fixAttributionOrg(org); fixed != org {
			add(CorrectOrganisation, strings.Replace(t, org, fixed, 1))
			_, org, _ = attribution(t)
		}
		if unsure {
			if fixed := nearSigner(org); fixed != org {
				add(CorrectOrganisation, strings.Replace(t, org, fixed, 1))
			}
		}
		return out
	}
	add(CorrectDistrict, c.fixDistricts(t, t, false))
	return out
}

// fixOCRParagraphs corrects, in the assembled text of the pages read by
// OCR, gazetteer organisation names one character off (see fixOrgs): on
// paragraphs rather than lines, since a long name is often wrapped. Line
// is then the paragraph of the page, and From and To are the names alone.
func fixOCRParagraphs(pages []Page, ocr []bool) []Correction {
	var all strings.Builder
	for _, p := range pages {
		all.WriteString(p.Text)
	}
	c := newFixContext(all.String())
	var out []Correction
	for i := range pages {
		if pages[i].Number < 1 || pages[i].Number > len(ocr) || !ocr[pages[i].Number-1] {
			continue
		}
		var b strings.Builder
		k := 0
		for line := range strings.Lines(pages[i].Text) {
			k++
			t := strings.TrimSuffix(line, "\n")
			fixed, pairs := c.fixOrgs(t)
			for _, p := range pairs {
				out = append(out, Correction{Page: pages[i].Number, Line: k, Kind: CorrectOrganisation, From: p[0], To: p[1]})
			}
			t = fixed
			b.WriteString(t + "\n")
		}
		pages[i].Text = b.String()
	}
	return out
}

// issueNoMissRe matches 第N期 whose last character is misread.
var issueNoMissRe = regexp.MustCompile(`第\s*([0-9]{1,4})\s*([其斯朗甘基典共具棋欺胡萁项朝朋])`)

// knownTitles are the titles of the bulletins of the archive.
var knownTitles = []string{"首都精神文明建设情况简报", "首都文明委工作简报"}

// fixTitle returns the known title that t, a line of the masthead, is
// within a quarter of its characters of, or within a third when it ends as
// the title does (院再粒神文鹃建设情况简报: the heavy strokes of 简报 survive
// where a blur erased the thin ones of 首都), or t.
func fixTitle(t string) string {
	tr := []rune(t)
	for _, k := range knownTitles {
		kr := []rune(k)
		if t == k {
			return t
		}
		d := editDistance(tr, kr)
		if d*4 <= len(kr) || d*3 <= len(kr) && len(tr) >= 2 && string(tr[len(tr)-2:]) == string(kr[len(kr)-2:]) {
			return k
		}
	}
	return t
}

// totalMissRe matches the masthead's (总第N期) with 总 or 期 misread: a
// bracket, at most two characters, 第, three or more digits, at most two
// characters and the closing bracket, alone on the line.
var totalMissRe = regexp.MustCompile(`^[(（〈《\[]\s*[^0-9\s]{0,2}\s*第\s*([0-9]{3,5})\s*[^0-9\s]{0,2}\s*[)）〉》\]]?$`)

// fixTotal restores (总第N期) whose 总 or 期 OCR misread ((避第2180区)).
func fixTotal(t string) string {
	if totalNoRe.MatchString(t) {
		return t
	}
	if m := totalMissRe.FindStringSubmatch(t); m != nil {
		return "（总第" + m[1] + "期）"
	}
	return t
}

// festivalsRe matches the special issues of the 我们的节日 campaign (我们的节日·清明)
// with the middle dot lost or 节日 misread, and the 专刊 after them.
var festivalsRe = regexp.MustCompile(`^([“"]?)我们的(..)[·•・.]?(\p{Han}{2,3})([”"]?)\s*专(.)$`)

// fixSpecial restores the name of a 我们的节日 special issue: OCR drops its
// middle dot, which the name always has, and misreads a character of 节日
// or of 专刊.
func fixSpecial(t string) string {
	m := festivalsRe.FindStringSubmatch(t)
	if m == nil || !oneOff(m[2], "节日") && m[2] != "节日" {
		return t
	}
	return m[1] + "我们的节日·" + m[3] + m[4] + "专刊"
}

// knownIssuers are the bodies that issue the bulletins of the archive.
var knownIssuers = []string{"首都精神文明办", "首都文明委办公室", "首都精神文明建设委员会办公室"}

// fixIssuer returns t, a line of the masthead, with the issuer it starts
// with (up to a date or the end of the line) restored when that is within
// a third of its characters of a known issuer and ends as it does
// (部精神文明办, 首都精神文明少 for 首都精神文明办), or, on a page read unsure
// and on the line of the date (the issuer is before the date, digits after
// it), within half of them and nearer that issuer than any other by two
// (泊融精神文明少).
func fixIssuer(t string, unsure bool) string {
	head := t
	dated := false
	if k := strings.IndexFunc(t, unicode.IsDigit); k >= 0 {
		head, dated = t[:k], len(t)-k >= 4
	}
	head = strings.TrimSpace(head)
	hr := []rune(head)
	if len(hr) < 4 || slices.Contains(knownIssuers, head) || fixTitle(head) != head {
		return t
	}
	best, second, found := 1<<30, 1<<30, ""
	for _, k := range knownIssuers {
		kr := []rune(k)
		d := editDistance(hr, kr)
		if d*3 <= len(kr) && (hr[len(hr)-1] == kr[len(kr)-1] || hr[0] == kr[0]) {
			return k + strings.TrimPrefix(t, head)
		}
		if d*2 <= len(kr) && d < best {
			best, second, found = d, min(best, second), k
		} else if d < second {
			second = d
		}
	}
	if unsure && dated && found != "" && second-best >= 2 {
		return found + strings.TrimPrefix(t, head)
	}
	return t
}

// issueOneRe matches 第1期 whose 1 is read as a bar or bracket.
var issueOneRe = regexp.MustCompile(`第\s*[\]|Il丨!]\s*([期其斯朗甘基典共具棋欺胡萁项朝朋])`)

// fixIssueNumber restores 第N期 read as 第N其, 第]期 and the like.
func fixIssueNumber(t string) string {
	t = issueOneRe.ReplaceAllString(t, "第1${1}")
	return issueNoMissRe.ReplaceAllString(t, "第${1}期")
}

// fixSection returns the heading 【name】 when t is a section heading with
// misread brackets: a short line whose inside is a known section name (or
// one character off one, for names of four or more), or two to ten Han
// characters between bracket-like marks of a heading.
func fixSection(t string) (string, bool) {
	if m := sectionRe.FindStringSubmatch(t); m != nil && (m[2] != "" || allHan(m[1])) {
		return "", false // a heading already, or one with text after it
	}
	n := utf8.RuneCountInString(t)
	if n < 3 || n > 18 {
		return "", false
	}
	first, _ := utf8.DecodeRuneInString(t)
	last, _ := utf8.DecodeLastRuneInString(t)
	opened := strings.ContainsRune(headOpen+attrOpen, first)
	closed := strings.ContainsRune(headClose+attrClose, last)
	if !opened && !closed {
		return "", false
	}
	inner := strings.TrimFunc(t, func(r rune) bool {
		return strings.ContainsRune(headOpen+headClose+attrOpen+attrClose+" ", r)
	})
	if inner == "" || !allHan(inner) {
		return "", false
	}
	if name, ok := nearSection(inner); ok {
		return "【" + name + "】", true
	}
	m := utf8.RuneCountInString(inner)
	if strings.ContainsRune(headOpen, first) && strings.ContainsRune(headClose, last) && m >= 2 && m <= 10 {
		return "【" + inner + "】", true
	}
	return "", false
}

// nearSection returns the known section name s is, or is one character
// off when the name has four or more characters and no other name is as
// near.
func nearSection(s string) (string, bool) {
	if slices.Contains(knownSections, s) {
		return s, true
	}
	found := ""
	for _, k := range knownSections {
		if utf8.RuneCountInString(k) >= 4 && oneOff(s, k) {
			if found != "" {
				return "", false
			}
			found = k
		}
	}
	return found, found != ""
}

// attrMissRe matches an attribution with misread brackets, alone on its
// line or after the final punctuation of a paragraph.
var attrMissRe = regexp.MustCompile(`^(.*?[。！？!?”]|)\s*([` + regexp.QuoteMeta(attrOpen) + `]?)\s*([^()（）,，。;；:：!！?？《》〈〉<>]{2,40}?)\s*([` + regexp.QuoteMeta(attrClose) + `]?)$`)

// fixAttribution rewrites an attribution line whose brackets OCR misread
// (（ as 《 or 〈, a bracket lost) to （…）, when its inside names a body: a
// district, or a name ending as the names of bodies do. A name with only
// a closing bracket, alone on its line, is one unless the line before
// opened a bracket it did not close (prevOpen).
func (c *fixContext) fixAttribution(t string, prevOpen bool) (string, bool) {
	if _, _, ok := attribution(t); ok {
		return "", false
	}
	m := attrMissRe.FindStringSubmatch(t)
	if m == nil || m[2] == "" && m[4] == "" {
		return "", false
	}
	before, inner := m[1], m[3]
	if before == "" && m[2] == "" && prevOpen {
		// The end of a bracket opened on the line before.
		return "", false
	}
	if !allHanOrDigit(inner) || !namesBody(inner) {
		return "", false
	}
	fixed := before + "（" + inner + "）"
	if _, _, ok := attribution(fixed); !ok {
		return "", false
	}
	return fixed, true
}

// bodySuffixes end the names of the bodies that sign articles.
var bodySuffixes = []string{"文明办", "文明委", "办公室", "管委会", "委员会", "指导处", "处", "办", "委", "局", "部", "中心", "街道", "镇", "乡", "院", "站", "队", "团", "馆", "所", "社", "公司", "集团", "协会", "联合会", "学校", "大学"}

// namesBody reports whether s reads as the name of a body: it starts
// with a district (or is one character off one) or ends as names of bodies
// do.
func namesBody(s string) bool {
	if reportingDistrict(s) != "" || nearDistrictPrefix(s) != "" {
		return true
	}
	for _, suf := range bodySuffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

// nearDistrictPrefix returns the district whose full name is one character
// off the start of s (not in its final 区), or "" if none or several are.
func nearDistrictPrefix(s string) string {
	found := ""
	for _, d := range Districts {
		n := utf8.RuneCountInString(d)
		if p := prefixRunes(s, n); utf8.RuneCountInString(p) == n && strings.HasSuffix(p, "区") && oneOff(p, d) {
			if found != "" {
				return ""
			}
			found = d
		}
	}
	return found
}

// notDistrictWords are words one character off a district that are not
// misreadings of it.
var notDistrictWords = []string{"老城区", "新城区", "主城区", "旧城区", "北城区", "南城区", "中城区", "浅山区", "深山区", "高山区", "和平区", "新兴区", "石景区", "开发区"}

// districtFollowers are what follows a district name in the names of its
// bodies, which makes a near miss before them safe to correct.
var districtFollowers = []string{"文明办", "文明委", "区委", "委", "区政府", "政府", "融媒体"}

// fixDistricts corrects district names one character off in t. In an
// attribution (attr, with org its name), a district at the start of org is
// corrected; elsewhere a full name XY区 one character off a district is
// corrected where a district body's name follows it, or where the district
// is read correctly elsewhere in the issue, and a short name before
// 文明办/区委 likewise.
func (c *fixContext) fixDistricts(t, org string, attr bool) string {
	if attr {
		org = strings.TrimPrefix(org, "北京市")
		if d := nearDistrictPrefix(org); d != "" && reportingDistrict(org) == "" {
			return strings.Replace(t, prefixRunes(org, utf8.RuneCountInString(d)), d, 1)
		}
		short := ""
		for _, d := range Districts {
			s := ShortDistrict(d)
			p := prefixRunes(org, utf8.RuneCountInString(s))
			if oneOff(p, s) && followedByBody(org[len(p):]) && reportingDistrict(org) == "" {
				if short != "" {
					return t
				}
				short = s
			}
		}
		if short != "" {
			return strings.Replace(t, prefixRunes(org, utf8.RuneCountInString(short)), short, 1)
		}
		return t
	}
	rs := []rune(t)
	changed := false
	for i := 0; i < len(rs); i++ {
		for _, d := range Districts {
			dr := []rune(d)
			if i+len(dr) > len(rs) || rs[i+len(dr)-1] != '区' {
				continue
			}
			w := string(rs[i : i+len(dr)])
			if slices.Contains(Districts, w) || !oneOff(w, d) || slices.Contains(notDistrictWords, w) || nearDistrictPrefix(w) != d {
				continue
			}
			// A district read right just before (东城区) is no misreading.
			if i > 0 && reportingDistrict(string(rs[i-1:i+len(dr)])) != "" {
				continue
			}
			rest := string(rs[i+len(dr):])
			if followedByBody(rest) || slices.Contains(c.districts, d) {
				copy(rs[i:], dr)
				changed = true
				i += len(dr) - 1
				break
			}
		}
	}
	if changed {
		return string(rs)
	}
	return t
}

func followedByBody(rest string) bool {
	for _, f := range districtFollowers {
		if strings.HasPrefix(rest, f) {
			return true
		}
	}
	return false
}

// fixAttributionOrg corrects an attribution's name that is one character
// off exactly one gazetteer organisation of four or more characters.
func (c *fixContext) fixAttributionOrg(org string) string {
	if reportingDistrict(org) == "" && nearDistrictPrefix(org) != "" {
		return org
	}
	if slices.Contains(knownOrgNames, org) {
		return org
	}
	// A district's 文明办 whose last character is misread (通州区文明兴):
	// the district's office signs most articles; 文明委 is left alone.
	if d := reportingDistrict(org); d != "" {
		for _, name := range []string{d, ShortDistrict(d)} {
			rest := []rune(strings.TrimPrefix(org, name))
			if strings.HasPrefix(org, name) && len(rest) == 3 && string(rest[:2]) == "文明" && rest[2] != '办' && rest[2] != '委' && unicode.Is(unicode.Han, rest[2]) {
				return name + "文明办"
			}
		}
	}
	// A body of a district: the district, then the name of one of its
	// streets or towns (门头沟区潭柘寺镇).
	if d := reportingDistrict(org); d != "" && d != EconomicZone && strings.HasPrefix(org, d) {
		rest := strings.TrimPrefix(org, d)
		if fixed := c.fixAttributionOrg(rest); fixed != rest && slices.Contains(DivisionDistricts(fixed), d) {
			return d + fixed
		}
		if fixed := nearDivision(rest, d); fixed != "" {
			return d + fixed
		}
	}
	found := ""
	for _, o := range knownOrgNames {
		if utf8.RuneCountInString(o) >= 4 && oneOff(org, o) && lastRune(org) == lastRune(o) {
			if found != "" {
				return org
			}
			found = o
		}
	}
	if found == "" {
		return org
	}
	return found
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// fixOrgs corrects, in running text, names one character off a gazetteer
// organisation, with the first and last characters right: of eight or
// more characters, or of six or more that is read correctly elsewhere in
// the issue.
func (c *fixContext) fixOrgs(t string) (string, [][2]string) {
	if len(c.orgs) == 0 {
		return t, nil
	}
	var pairs [][2]string
	rs := []rune(t)
	changed := false
	for _, o := range c.orgs {
		or := []rune(o)
		for i := 0; i+len(or) <= len(rs); i++ {
			w := string(rs[i : i+len(or)])
			// The first and last characters must agree: a name that
			// differs there is another name (首都精神文明建 is not
			// 首都精神文明办).
			if w != o && oneOff(w, o) && rs[i] == or[0] && rs[i+len(or)-1] == or[len(or)-1] {
				pairs = append(pairs, [2]string{w, o})
				copy(rs[i:], or)
				changed = true
				i += len(or) - 1
			}
		}
	}
	if changed {
		return string(rs), pairs
	}
	return t, nil
}

// oneOff reports whether a and b have the same number of characters and
// differ in exactly one.
func oneOff(a, b string) bool {
	diff := 0
	for len(a) > 0 && len(b) > 0 {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			diff++
			if diff > 1 {
				return false
			}
		}
		a, b = a[na:], b[nb:]
	}
	return a == "" && b == "" && diff == 1
}

func prefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

func allHanOrDigit(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) && !unicode.IsDigit(r) && r != '·' {
			return false
		}
	}
	return true
}

// editDistance is the Levenshtein distance of a and b, in characters.
func editDistance(a, b []rune) int {
	prev := make([]int32, len(b)+1)
	cur := make([]int32, len(b)+1)
	for j := range prev {
		prev[j] = int32(j)
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = int32(i)
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return int(prev[len(b)])
}

// isRunningHead reports whether t, at the top of a page after the first,
// is the bulletin's title repeated as a running head and misread: within
// a third of its characters of the title.
func isRunningHead(t, title string) bool {
	if title == "" || utf8.RuneCountInString(t) > 2*utf8.RuneCountInString(title) {
		return false
	}
	tr := []rune(title)
	return editDistance([]rune(t), tr)*3 <= len(tr)
}

// setRight reports whether l starts well right of its text block's left
// edge, as a running head set to the right does and a line of text does
// not.
func setRight(l visualLine) bool {
	return l.size > 0 && l.x0 > l.left+4*l.size
}

// nearTitle reports whether t, the first line of a later page, set right,
// is the running head badly misread: about as long as the title, with no
// punctuation or brackets, and a quarter of its characters in order
// (首玫精神交时建刘情况沾批, 首页彬伸福日建下全机和茶报).
func nearTitle(t, title string) bool {
	tr, kr := []rune(t), []rune(title)
	if len(kr) == 0 || len(tr) < len(kr)-2 || len(tr) > len(kr)+2 {
		return false
	}
	for _, r := range tr {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return false
		}
	}
	return commonSubsequence(tr, kr)*4 >= len(kr)
}

// endsAsTitle reports whether t ends with the last two characters of the
// title (简报): a running head whose box a speck at the margin stretched
// to the left edge (和和交才本神文呈建设司训简报) is not set right.
func endsAsTitle(t, title string) bool {
	tr, kr := []rune(t), []rune(title)
	return len(tr) >= 2 && len(kr) >= 2 && string(tr[len(tr)-2:]) == string(kr[len(kr)-2:])
}

// commonSubsequence is the length of the longest common subsequence of a
// and b.
func commonSubsequence(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// signerSuffixes follow a district's name in the names of the bodies that
// sign articles or that a reading of one could be taken for.
var signerSuffixes = []string{"文明办", "文明委", "区委", "委宣传部", "区委宣传部", "融媒体中心", "团委", "妇联", "教委", "民政局", "文旅局", "政府", "人民政府"}

// signers are the names an attribution's body is restored to from a
// reading up to a third of its characters off (nearSigner): each
// district's bodies (海淀区文明办, 北京市海淀区文明办), its streets and towns
// after it (门头沟区潭柘寺镇), and the gazetteer's names of four or more
// characters. Read only.
var signers = func() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, d := range append(slices.Clone(Districts), EconomicZone) {
		for _, suf := range signerSuffixes {
			add(d + suf)
			add("北京市" + d + suf)
		}
	}
	for _, z := range economicZoneNames {
		if utf8.RuneCountInString(z) >= 4 {
			add(z + "文明办")
		}
	}
	for _, o := range knownOrgNames {
		if utf8.RuneCountInString(o) >= 4 {
			add(o)
		}
		for _, d := range DivisionDistricts(o) {
			add(d + o)
		}
	}
	return out
}()

// nearSigner returns the signing body an attribution's name, read unsure,
// stands for: the one of signers within a third of its characters of org
// and nearer than any other, or org itself when it is one of them, a
// known organisation, or no signer is that near.
func nearSigner(org string) string {
	if _, ok := CanonicalOrganisation(org); ok || slices.Contains(signers, org) || !allHanOrDigit(org) {
		return org
	}
	or := []rune(org)
	best := 1 << 30
	var found []string
	for _, s := range signers {
		sr := []rune(s)
		if len(sr) < len(or)-3 || len(sr) > len(or)+3 {
			continue
		}
		switch d := editDistance(or, sr); {
		case d < best:
			best, found = d, append(found[:0], s)
		case d == best:
			found = append(found, s)
		}
	}
	if len(found) > 1 {
		// A tie between the bodies of one district (平谷区文叫兴: 文明办 or
		// 文明委) goes to its 文明办, which signs most articles.
		office := ""
		for _, s := range found {
			if strings.HasSuffix(s, "文明办") {
				office = s
			}
		}
		base := strings.TrimSuffix(office, "文明办")
		for _, s := range found {
			if office == "" || !strings.HasPrefix(s, base) || !slices.Contains(signerSuffixes, strings.TrimPrefix(s, base)) {
				return org
			}
		}
		found = []string{office}
	}
	if len(found) == 0 || best*3 > utf8.RuneCountInString(found[0]) {
		return org
	}
	return found[0]
}

// divisionEndings end the names of streets, towns and townships.
var divisionEndings = []string{"街道", "地区", "镇", "乡"}

// nearDivision returns the street or town of district d that name, read
// after d in an attribution, stands for when it is none of d's: the one
// within half of its characters, ending as name does, nearer than any
// other. The list of a district's divisions is complete, so a name of
// that form that is not on it is misread (门头沟区潭本村镇).
func nearDivision(name, d string) string {
	end := ""
	for _, e := range divisionEndings {
		if strings.HasSuffix(name, e) {
			end = e
			break
		}
	}
	if end == "" || !allHan(name) || utf8.RuneCountInString(name) < 3 || slices.Contains(DivisionDistricts(name), d) {
		return ""
	}
	nr := []rune(name)
	best, second, found := 1<<30, 1<<30, ""
	for _, o := range knownOrgNames {
		if !strings.HasSuffix(o, end) || !slices.Contains(DivisionDistricts(o), d) {
			continue
		}
		switch dist := editDistance(nr, []rune(o)); {
		case dist < best:
			best, second, found = dist, min(best, second), o
		case dist < second:
			second = dist
		}
	}
	if found == "" || best*2 > utf8.RuneCountInString(found) || second == best {
		return ""
	}
	return found
}
