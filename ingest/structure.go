package ingest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Structure builds an Issue from normalised lines. A text whose first lines
// hold no issue number (第N期) or no date is not a bulletin: the error wraps
// ErrNotBulletin and says what is missing. Otherwise the Issue is returned,
// and problems in its parts (an article with no attribution line, a footer
// line not understood) are reported as an ErrorList alongside it. Source and
// themes are left for the caller to fill.
func Structure(lines []Line) (*Issue, error) {
	iss, body, err := parseHeader(lines)
	if err != nil {
		return nil, err
	}
	var errs ErrorList
	if err := structureBody(iss, body, &errs); err != nil {
		return nil, err
	}
	return iss, errs.Err()
}

// structureBody reads the articles and the footer after the header. An
// error, as of parseArticles, stops the whole record; problems in its parts
// are added to errs.
func structureBody(iss *Issue, body []Line, errs *ErrorList) error {
	end := footerStart(body)
	var err error
	iss.Articles, err = parseArticles(iss.ID, body[:end], errs)
	if err != nil {
		return err
	}
	parseFooter(iss, body[end:], errs)
	if len(iss.Articles) == 0 {
		errs.Add(firstPos(body), "no articles found")
	}
	return nil
}

func firstPos(lines []Line) Pos {
	if len(lines) == 0 {
		return Pos{}
	}
	return lines[0].Pos
}

// headerWindow bounds how far into a text the header is looked for.
const headerWindow = 16

var (
	issueNoRe  = regexp.MustCompile(`第\s*([0-9]+|[〇零一二两三四五六七八九十百]+)\s*期`)
	totalNoRe  = regexp.MustCompile(`[(（]?\s*总\s*第\s*([0-9]+)\s*期\s*[)）]?`)
	dateRe     = regexp.MustCompile(`([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日`)
	hanDateRe  = regexp.MustCompile(`([〇零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日`)
	specialRe  = regexp.MustCompile(`[^\s()（）期]*(?:专刊|增刊|特刊)`)
	bracketsRe = regexp.MustCompile(`^[(（]\s*(.*?)\s*[)）]$`)
)

// parseHeader reads the masthead: title, special issue, 第N期, (总第N期),
// issuer and date, which ends it. It returns the Issue and the lines after
// the header.
func parseHeader(lines []Line) (*Issue, []Line, error) {
	iss := &Issue{}
	var date string
	for i, l := range lines {
		if i >= headerWindow || isSection(l.Text) {
			break
		}
		t := Fold(l.Text)
		if m := totalNoRe.FindStringSubmatch(t); m != nil && strings.Contains(t, "总") {
			iss.TotalIssue, _ = strconv.Atoi(m[1])
			t = strings.TrimSpace(strings.Replace(t, m[0], "", 1))
		}
		if m := specialRe.FindString(t); m != "" && iss.Special == "" {
			iss.Special = strings.Trim(m, "()（）")
			t = strings.TrimSpace(strings.Replace(t, m, "", 1))
			t = strings.TrimSpace(strings.Trim(t, "()（）"))
		}
		if m := issueNoRe.FindStringSubmatchIndex(t); m != nil && iss.Issue == 0 {
			iss.Issue = parseNumber(t[m[2]:m[3]])
			if iss.Title == "" && m[0] > 0 {
				iss.Title = strings.TrimSpace(t[:m[0]])
			}
			t = strings.TrimSpace(t[:m[0]] + t[m[1]:])
			if t == iss.Title {
				t = ""
			}
		}
		if d, rest, ok := findDate(t); ok {
			if err := checkYear(d); err != nil {
				return nil, nil, fmt.Errorf("%w: %w at %s", ErrNotBulletin, err, l.Pos)
			}
			date = d
			if rest != "" && iss.Issuer == "" && rest != iss.Title {
				iss.Issuer = rest
			}
			if iss.Issue == 0 {
				return nil, nil, fmt.Errorf("%w: no issue number (第N期) before the date at %s", ErrNotBulletin, l.Pos)
			}
			iss.Date = date
			iss.ID = issueID(iss)
			return iss, lines[i+1:], nil
		}
		switch {
		case t == "":
		case iss.Title == "" && iss.Issue == 0:
			iss.Title = l.Text
		case iss.Issue > 0 && iss.Issuer == "":
			iss.Issuer = t
		}
	}
	if iss.Issue == 0 {
		return nil, nil, fmt.Errorf("%w: no issue number (第N期) in the first %d lines", ErrNotBulletin, headerWindow)
	}
	return nil, nil, fmt.Errorf("%w: no date (YYYY年M月D日) in the header", ErrNotBulletin)
}

// MinYear is the earliest year of a bulletin's date; the latest is next
// year. A date outside them (1000年, 9999年) is a typo or a file that is
// not a bulletin, and would stretch every trend over centuries.
const MinYear = 1949

// checkYear reports an ISO date whose year is before MinYear or after next
// year.
func checkYear(iso string) error {
	y, err := strconv.Atoi(iso[:4])
	if next := time.Now().Year() + 1; err != nil || y < MinYear || y > next {
		return fmt.Errorf("implausible date %s: a bulletin is dated from %d to %d", iso, MinYear, next)
	}
	return nil
}

// findDate finds a date in t and returns it in ISO form with the rest of t.
func findDate(t string) (iso, rest string, ok bool) {
	var y, m, d int
	loc := dateRe.FindStringSubmatchIndex(t)
	if loc != nil {
		y, _ = strconv.Atoi(t[loc[2]:loc[3]])
		m, _ = strconv.Atoi(t[loc[4]:loc[5]])
		d, _ = strconv.Atoi(t[loc[6]:loc[7]])
	} else if loc = hanDateRe.FindStringSubmatchIndex(t); loc != nil {
		y = hanDigits(t[loc[2]:loc[3]])
		m = parseNumber(t[loc[4]:loc[5]])
		d = parseNumber(t[loc[6]:loc[7]])
	} else {
		return "", "", false
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return "", "", false
	}
	rest = strings.TrimSpace(t[:loc[0]] + " " + t[loc[1]:])
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), rest, true
}

// issueID forms the stable ID: "2021-014", "2021-zk01", "2021-zengk01".
func issueID(iss *Issue) string {
	year := iss.Date[:4]
	switch {
	case strings.Contains(iss.Special, "增刊"):
		return fmt.Sprintf("%s-zengk%02d", year, iss.Issue)
	case iss.Special != "":
		return fmt.Sprintf("%s-zk%02d", year, iss.Issue)
	}
	return fmt.Sprintf("%s-%03d", year, iss.Issue)
}

var hanDigitValue = map[rune]int{'〇': 0, '零': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// parseNumber reads an Arabic number or a Chinese one up to 999 (十四, 一百零二).
func parseNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	total, cur := 0, 0
	for _, r := range s {
		switch r {
		case '十':
			if cur == 0 {
				cur = 1
			}
			total += cur * 10
			cur = 0
		case '百':
			total += cur * 100
			cur = 0
		default:
			cur = hanDigitValue[r]
		}
	}
	return total + cur
}

// hanDigits reads digit by digit: 二〇二一 → 2021.
func hanDigits(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + hanDigitValue[r]
	}
	return n
}

var sectionRe = regexp.MustCompile(`^【\s*([^【】]+?)\s*】\s*(.*)$`)

func isSection(t string) bool { return strings.HasPrefix(t, "【") && sectionRe.MatchString(t) }

// attributionRe matches an attribution: a short name in brackets, alone on
// its line or closing a paragraph after its final punctuation.
var attributionRe = regexp.MustCompile(`(^|[。！？!?”])\s*[(（]\s*([^()（）,，。;；:：!！?？]{2,40}?)\s*[)）]$`)

// attribution splits a line into the text before an attribution and the
// attribution itself; ok is false when the line has none.
func attribution(t string) (before, org string, ok bool) {
	if !strings.HasSuffix(t, ")") && !strings.HasSuffix(t, "）") {
		return "", "", false
	}
	m := attributionRe.FindStringSubmatchIndex(t)
	if m == nil || notAttributionRe.MatchString(t[m[4]:m[5]]) {
		return "", "", false
	}
	return t[:m[3]], t[m[4]:m[5]], true
}

// notAttributionRe matches bracketed asides that close a paragraph like an
// attribution but name no body: captions, notes, bylines, (完), and what
// starts with a digit ((2018版), (2021—2023年)).
var notAttributionRe = regexp.MustCompile(`^(?:图为|图片|图:|注|摄影|记者|通讯员|完|待续|续|[0-9])`)

// parseArticles reads the body: sections, and articles closed by their
// attribution lines. The error is for a body over the bounds of limits.go,
// found as soon as an article passes one.
func parseArticles(issueID string, lines []Line, errs *ErrorList) ([]Article, error) {
	var (
		arts      []Article
		section   string
		paras     []Line
		paraBytes int // text in paras
		budget    textBudget
	)
	flush := func(org string, pos Pos) error {
		if len(paras) == 0 {
			if org != "" {
				errs.Add(pos, "attribution (%s) closes no article", org)
			}
			return nil
		}
		id := fmt.Sprintf("%s-%02d", issueID, len(arts)+1)
		if err := budget.add(id, paraBytes); err != nil {
			return err
		}
		if org == "" {
			errs.Add(paras[0].Pos, "article %q has no attribution line", clip(paras[0].Text, 20))
		}
		a := buildArticle(paras, section, org)
		a.Seq = len(arts) + 1
		a.ID = id
		arts = append(arts, a)
		paras, paraBytes = nil, 0
		return nil
	}
	add := func(l Line) error {
		paras = append(paras, l)
		paraBytes += len(l.Text)
		if paraBytes > MaxArticleBytes {
			// Refused before the article is built.
			return budget.add(fmt.Sprintf("%s-%02d", issueID, len(arts)+1), paraBytes)
		}
		return nil
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		// A section heading or attribution split by a page break.
		if open := unclosed(l.Text); open && i+1 < len(lines) {
			joined := l.Text + lines[i+1].Text
			if _, _, ok := attribution(joined); ok || isSection(joined) {
				l.Text = joined
				i++
			}
		}
		if m := sectionRe.FindStringSubmatch(l.Text); m != nil {
			if err := flush("", l.Pos); err != nil {
				return nil, err
			}
			section = m[1]
			if m[2] != "" {
				l.Text = m[2]
				if err := add(l); err != nil {
					return nil, err
				}
			}
			continue
		}
		if before, org, ok := attribution(l.Text); ok {
			if before = strings.TrimSpace(before); before != "" {
				l.Text = before
				if err := add(l); err != nil {
					return nil, err
				}
			}
			if err := flush(org, l.Pos); err != nil {
				return nil, err
			}
			continue
		}
		if err := add(l); err != nil {
			return nil, err
		}
	}
	if err := flush("", Pos{}); err != nil {
		return nil, err
	}
	return arts, nil
}

// unclosed reports whether t opens a bracket of a heading or attribution
// that it does not close.
func unclosed(t string) bool {
	switch {
	case strings.HasPrefix(t, "【"):
		return !strings.Contains(t, "】")
	case strings.HasPrefix(t, "(") || strings.HasPrefix(t, "（"):
		return !strings.ContainsAny(t, ")）")
	}
	return false
}

// buildArticle turns an article's lines into an Article: an explicit title
// line taken off, lines split by page breaks re-joined, paragraphs separated
// by blank lines.
func buildArticle(lines []Line, section, org string) Article {
	a := Article{
		Section:   section,
		SourceOrg: org,
		Page:      lines[0].Pos.Page,
		Themes:    []string{},
	}
	if len(lines) > 1 && isTitle(lines[0].Text) {
		a.Headline = lines[0].Text
		lines = lines[1:]
	}
	var paras []string
	var cur strings.Builder
	for _, l := range lines {
		cur.WriteString(l.Text)
		if endsParagraph(l.Text) || isHeading(l.Text) {
			paras = append(paras, cur.String())
			cur.Reset()
		}
	}
	if cur.Len() > 0 {
		paras = append(paras, cur.String())
	}
	a.Body = strings.Join(paras, "\n\n")
	if a.Headline == "" && len(paras) > 0 {
		a.Headline = firstSentence(paras[0])
	}
	a.Recognise()
	return a
}

// Recognise sets the fields that jianbao derives from an article's
// headline, body and attribution (District, DistrictsMentioned,
// Organisations, OrgDetails) as parsing does; retag applies it to the
// records of an index written by an earlier version.
func (a *Article) Recognise() {
	a.District = reportingDistrictOf(a.SourceOrg)
	scan := a.Body
	if !strings.HasPrefix(a.Body, a.Headline) {
		scan = a.Headline + "\n" + a.Body
	}
	a.DistrictsMentioned = districtsMentioned(scan)
	a.OrgDetails = organisationsIn(scan, orgContext{district: a.District, mentioned: a.DistrictsMentioned})
	a.Organisations = make([]string, len(a.OrgDetails))
	for i, o := range a.OrgDetails {
		a.Organisations[i] = o.Name
	}
	if len(a.OrgDetails) == 0 {
		a.OrgDetails = nil // omitted from the record, as it reads back
	}
}

// Title lines: a page holds at least one full line of about 26 characters
// before a break, so a shorter unpunctuated line at an article's start is a
// title, as is one of up to 40 characters with no sentence punctuation.
const (
	maxShortTitle = 24
	maxTitle      = 40
)

// isTitle reports whether t, the first line of an article, is a title line
// rather than the start of a paragraph.
func isTitle(t string) bool {
	if endsParagraph(t) {
		return false
	}
	n := utf8.RuneCountInString(t)
	return n <= maxShortTitle || n <= maxTitle && !strings.ContainsAny(t, "，,；;。")
}

// headingRe matches an enumerated sub-heading: 一、 (一) 1. 1、
var headingRe = regexp.MustCompile(`^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|[0-9]{1,2}[.、．])`)

// isHeading reports whether t is an enumerated sub-heading line, which
// stands as its own paragraph though it has no closing punctuation.
func isHeading(t string) bool {
	return utf8.RuneCountInString(t) <= maxTitle && headingRe.MatchString(t)
}

// endsParagraph reports whether t ends with closing punctuation: a full stop,
// question or exclamation mark, semicolon, colon or ellipsis, or a closing
// quote or bracket right after one of them.
func endsParagraph(t string) bool {
	r, n := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune("。！？!?；;：:…", r) {
		return true
	}
	if strings.ContainsRune("”’」』)）》", r) {
		p, _ := utf8.DecodeLastRuneInString(t[:len(t)-n])
		return strings.ContainsRune("。！？!?…", p)
	}
	return false
}

// maxHeadline bounds a headline taken from a paragraph with no sentence end.
const maxHeadline = 200

// firstSentence returns p up to and including its first full stop, question
// or exclamation mark (and a closing quote right after it), or all of p; a
// "sentence" of more than maxHeadline characters is cut there, with "…".
func firstSentence(p string) string {
	i := strings.IndexAny(p, "。！？!?")
	if i < 0 {
		return clip(p, maxHeadline)
	}
	_, n := utf8.DecodeRuneInString(p[i:])
	i += n
	for {
		r, n := utf8.DecodeRuneInString(p[i:])
		if n == 0 || !strings.ContainsRune("”’」』", r) {
			break
		}
		i += n
	}
	return p[:i]
}

func clip(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}
