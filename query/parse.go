package query

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"jianbao/index"
	"jianbao/ingest"
)

// Limits of the query language, so that no query can make the parser or the
// index work without bound.
const (
	MaxQueryBytes = 1024 // longest query accepted
	maxDepth      = 16   // deepest nesting of parentheses
	maxTerms      = 64   // most words, phrases and filters in one query
)

// SyntaxError is a malformed query. Offset is the byte offset and Column the
// 1-based rune column in the query as the user typed it.
type SyntaxError struct {
	Query  string
	Offset int
	Column int
	Msg    string
}

// Error returns the message, the query and a caret under the position, on
// three lines:
//
//	query: column 4: unknown district "海"
//	district:海
//	         ^
func (e *SyntaxError) Error() string {
	pad := 0
	for _, r := range e.Query[:e.Offset] {
		pad += displayWidth(r)
	}
	return fmt.Sprintf("query: column %d: %s\n%s\n%s^", e.Column, e.Msg,
		strings.Map(flatten, e.Query), strings.Repeat(" ", pad))
}

// flatten keeps a query on one line when it is echoed in an error.
func flatten(r rune) rune {
	if r == '\n' || r == '\r' || r == '\t' {
		return ' '
	}
	return r
}

// displayWidth is the number of terminal columns r takes: two for wide CJK.
func displayWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// Parse turns a query typed by a user into an index expression. The language:
//
//	永定路            articles containing 永定路 (after ingest.MatchText)
//	垃圾分类 志愿     both words (several words = AND)
//	"复兴路 40 号"    the exact phrase, spaces and punctuation kept
//	-疫情 -"三八"     excludes
//	海淀 OR 密云      either; OR binds tighter than the implicit AND
//	(a OR b) -c       parentheses group
//	district:海淀区   (海淀 and 经开区/亦庄 accepted), section:, org:, theme:,
//	orgname:学院路街道 (an organisation the article names), orgtype:学校 (the
//	type of one: 街道 乡镇 社区村 机关事业单位 党组织 人民团体 学校 医院 企业 媒体 社会组织),
//	mentions:海淀     a district named in the body, issue:2021-014,
//	date:2021-01..2021-06 (months or days, open ends "..2021-06", "2021-01.."),
//	year:2021
//
// Full-width forms are accepted (district：海淀, （a OR b）). An empty query
// matches every article. A malformed query returns a *SyntaxError that points
// at the position; Parse never panics.
func Parse(q string) (index.Expr, error) {
	if len(q) > MaxQueryBytes {
		return nil, &SyntaxError{Query: q, Offset: 0, Column: 1,
			Msg: fmt.Sprintf("query is %d bytes long; the limit is %d", len(q), MaxQueryBytes)}
	}
	if !utf8.ValidString(q) {
		off := 0
		for off < len(q) {
			r, n := utf8.DecodeRuneInString(q[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		q = strings.ToValidUTF8(q, "\uFFFD")
		return nil, &SyntaxError{Query: q, Offset: off, Column: utf8.RuneCountInString(q[:off]) + 1, Msg: "query is not valid UTF-8"}
	}
	p := &parser{orig: q}
	p.runes, p.offs = foldRunes(q)
	expr, err := p.parseAnd(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.runes) {
		// parseAnd stops only at ')' or the end.
		return nil, p.errAt(p.pos, "')' without a matching '('")
	}
	return normalize(expr), nil
}

// foldRunes folds each rune of q to its narrow form on its own, so that runes
// of the folded query and of the original correspond one to one, and returns
// the folded runes with the byte offset of each in q.
func foldRunes(q string) (runes []rune, offs []int) {
	for off, r := range q {
		if f := []rune(width.Fold.String(string(r))); len(f) == 1 {
			r = f[0]
		}
		runes = append(runes, r)
		offs = append(offs, off)
	}
	return runes, offs
}

type parser struct {
	orig  string
	runes []rune // the query folded rune by rune
	offs  []int  // byte offset in orig of each rune
	pos   int    // index into runes
	terms int
}

func (p *parser) errAt(i int, format string, args ...any) error {
	off := len(p.orig)
	if i < len(p.offs) {
		off = p.offs[i]
	}
	return &SyntaxError{Query: p.orig, Offset: off, Column: i + 1, Msg: fmt.Sprintf(format, args...)}
}

// isSpace is the white space of the text, ingest.IsSpace.
func isSpace(r rune) bool { return ingest.IsSpace(r) }

func (p *parser) skipSpace() {
	for p.pos < len(p.runes) && isSpace(p.runes[p.pos]) {
		p.pos++
	}
}

// atOR reports whether the OR operator stands at the position: the word OR
// alone, followed by space.
func (p *parser) atOR() bool {
	i := p.pos
	return i+2 < len(p.runes) && p.runes[i] == 'O' && p.runes[i+1] == 'R' && isSpace(p.runes[i+2])
}

// parseAnd parses terms up to ')' or the end: an implicit AND.
func (p *parser) parseAnd(depth int) (index.Expr, error) {
	var terms index.And
	for {
		p.skipSpace()
		if p.pos >= len(p.runes) || (p.runes[p.pos] == ')' && depth > 0) {
			break
		}
		if p.runes[p.pos] == ')' {
			return nil, p.errAt(p.pos, "')' without a matching '('")
		}
		if p.atOR() {
			return nil, p.errAt(p.pos, "OR needs a term on its left")
		}
		t, err := p.parseOr(depth)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	switch len(terms) {
	case 0:
		return index.All{}, nil
	case 1:
		return terms[0], nil
	}
	return terms, nil
}

// parseOr parses unary ("OR" unary)*.
func (p *parser) parseOr(depth int) (index.Expr, error) {
	first, err := p.parseUnary(depth)
	if err != nil {
		return nil, err
	}
	alts := index.Or{first}
	for {
		save := p.pos
		p.skipSpace()
		if !p.atOR() {
			p.pos = save
			break
		}
		orAt := p.pos
		p.pos += 2
		p.skipSpace()
		if p.pos >= len(p.runes) || p.runes[p.pos] == ')' || p.atOR() {
			return nil, p.errAt(orAt, "OR needs a term on its right")
		}
		t, err := p.parseUnary(depth)
		if err != nil {
			return nil, err
		}
		alts = append(alts, t)
	}
	if len(alts) == 1 {
		return first, nil
	}
	return alts, nil
}

// parseUnary parses an optionally negated primary.
func (p *parser) parseUnary(depth int) (index.Expr, error) {
	if p.runes[p.pos] == '-' {
		at := p.pos
		p.pos++
		if p.pos >= len(p.runes) || isSpace(p.runes[p.pos]) || p.runes[p.pos] == ')' {
			return nil, p.errAt(at, "'-' needs a word, phrase or filter right after it")
		}
		if p.runes[p.pos] == '-' {
			return nil, p.errAt(p.pos, "'-' after '-': exclude a term once")
		}
		e, err := p.parsePrimary(depth)
		if err != nil {
			return nil, err
		}
		return index.Not{Expr: e}, nil
	}
	return p.parsePrimary(depth)
}

// parsePrimary parses a group, a phrase, a filter or a word.
func (p *parser) parsePrimary(depth int) (index.Expr, error) {
	switch p.runes[p.pos] {
	case '(':
		open := p.pos
		if depth >= maxDepth {
			return nil, p.errAt(open, "parentheses nested deeper than %d", maxDepth)
		}
		p.pos++
		e, err := p.parseAnd(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.pos >= len(p.runes) {
			return nil, p.errAt(open, "'(' is never closed")
		}
		p.pos++ // ')'
		if _, ok := e.(index.All); ok {
			return nil, p.errAt(open, "empty parentheses")
		}
		return e, nil
	case '"':
		start := p.pos
		s, err := p.phrase()
		if err != nil {
			return nil, err
		}
		if err := p.count(start); err != nil {
			return nil, err
		}
		return index.Text{Value: s, Exact: true}, nil
	}
	start := p.pos
	if name, ok := p.fieldName(); ok {
		return p.parseField(start, name)
	}
	w := p.word()
	if err := p.count(start); err != nil {
		return nil, err
	}
	v := ingest.MatchText(w)
	if v == "" {
		return nil, p.errAt(start, "empty word")
	}
	return index.Text{Value: v}, nil
}

// original returns the query as typed from rune i to rune j: filter values
// are matched as keywords, exactly as the index stores them.
func (p *parser) original(i, j int) string {
	off := func(k int) int {
		if k < len(p.offs) {
			return p.offs[k]
		}
		return len(p.orig)
	}
	return p.orig[off(i):off(j)]
}

func (p *parser) count(at int) error {
	p.terms++
	if p.terms > maxTerms {
		return p.errAt(at, "more than %d terms", maxTerms)
	}
	return nil
}

// phrase reads a "…" phrase at the position and returns its content, folded.
func (p *parser) phrase() (string, error) {
	open := p.pos
	p.pos++
	start := p.pos
	for p.pos < len(p.runes) && p.runes[p.pos] != '"' {
		p.pos++
	}
	if p.pos >= len(p.runes) {
		return "", p.errAt(open, "'\"' is never closed")
	}
	s := string(p.runes[start:p.pos])
	p.pos++
	if strings.TrimFunc(s, isSpace) == "" {
		return "", p.errAt(open, "empty phrase")
	}
	return s, nil
}

// word reads a bare word: everything up to space, '"', or ')'. A '(' inside a
// word is part of it, so 2万余册(件) is one word; a ')' ends the word only
// when it closes a group, which the caller checks.
func (p *parser) word() string {
	start := p.pos
	depth := 0
	for p.pos < len(p.runes) {
		r := p.runes[p.pos]
		if isSpace(r) || r == '"' {
			break
		}
		if r == '(' {
			depth++
		}
		if r == ')' {
			if depth == 0 {
				break
			}
			depth--
		}
		p.pos++
	}
	return string(p.runes[start:p.pos])
}

// fields maps the names of the filters to the index field they filter.
var fields = map[string]string{
	"district": "district",
	"mentions": "district_mentioned",
	"section":  "section",
	"org":      "org",
	"theme":    "theme",
	"orgtype":  "orgtype",
	"orgname":  "organisation",
	"issue":    "issue_id",
	"date":     "",
	"year":     "",
}

var fieldNameRe = regexp.MustCompile(`^[A-Za-z_]+$`)

// fieldName reports whether a filter name and ':' stand at the position and
// consumes them. Text with a colon after a non-Latin word (电话:5556) is not a
// filter; an unknown Latin name before ':' is an error reported by
// parseField.
func (p *parser) fieldName() (string, bool) {
	i := p.pos
	for i < len(p.runes) && i-p.pos < 20 && p.runes[i] < utf8.RuneSelf && (unicode.IsLetter(p.runes[i]) || p.runes[i] == '_') {
		i++
	}
	if i == p.pos || i >= len(p.runes) || p.runes[i] != ':' {
		return "", false
	}
	name := string(p.runes[p.pos:i])
	if !fieldNameRe.MatchString(name) {
		return "", false
	}
	p.pos = i + 1
	return strings.ToLower(name), true
}

func (p *parser) parseField(start int, name string) (index.Expr, error) {
	field, ok := fields[name]
	if !ok {
		return nil, p.errAt(start, "unknown filter %q: use district:, mentions:, section:, org:, orgname:, orgtype:, theme:, issue:, date: or year:, or quote the text", name)
	}
	if err := p.count(start); err != nil {
		return nil, err
	}
	valAt := p.pos
	var v string
	if p.pos < len(p.runes) && p.runes[p.pos] == '"' {
		if _, err := p.phrase(); err != nil {
			return nil, err
		}
		v = strings.TrimFunc(p.original(valAt+1, p.pos-1), isSpace)
	} else {
		p.word()
		v = p.original(valAt, p.pos)
	}
	if v == "" {
		return nil, p.errAt(valAt, "%s: needs a value", name)
	}
	e, msg := fieldExpr(name, field, v)
	if msg != "" {
		return nil, p.errAt(valAt, "%s", msg)
	}
	return e, nil
}

// fieldExpr builds the expression of filter name with value v, or returns a
// message saying what is wrong with v.
func fieldExpr(name, field, v string) (index.Expr, string) {
	switch name {
	case "issue", "date", "year":
		v = ingest.Fold(v)
	}
	switch name {
	case "district", "mentions":
		d, ok := District(v)
		if !ok {
			return nil, fmt.Sprintf("unknown district %q: want one of Beijing's 16 districts (海淀区 or 海淀) or 经开区", v)
		}
		return index.Field{Name: field, Value: d}, ""
	case "section":
		s := strings.Trim(v, "【】[]")
		if s == "" {
			return nil, fmt.Sprintf("section %q: needs a heading inside the brackets", v)
		}
		return index.Field{Name: field, Value: s}, ""
	case "issue":
		id, ok := IssueID(v)
		if !ok {
			return nil, fmt.Sprintf("bad issue id %q: want YEAR-NNN such as 2021-014", v)
		}
		return index.Field{Name: field, Value: id}, ""
	case "date":
		from, to, err := DateRange(v)
		if err != nil {
			return nil, err.Error()
		}
		return dateExpr(from, to), ""
	case "year":
		y, err := strconv.Atoi(v)
		if err != nil || len(v) != 4 || y < 1949 || y > 2200 {
			return nil, fmt.Sprintf("bad year %q: want four digits such as 2021", v)
		}
		return index.Field{Name: "year", Value: v}, ""
	}
	return index.Field{Name: field, Value: v}, ""
}

// District returns the full name of a district given in full or short form
// (海淀区, 海淀), or 经开区 for the economic zone under any of its names.
func District(v string) (string, bool) {
	v = strings.TrimPrefix(strings.TrimFunc(v, isSpace), "北京市")
	for _, d := range ingest.Districts {
		if v == d || v == ingest.ShortDistrict(d) {
			return d, true
		}
	}
	switch v {
	case ingest.EconomicZone, "亦庄", "经济技术开发区", "北京经济技术开发区", "经开":
		return ingest.EconomicZone, true
	}
	return "", false
}

var issueIDRe = regexp.MustCompile(`^(\d{4})-(?:(\d{1,3})|(zk|zengk)(\d{1,2}))$`)

// IssueID returns the canonical form of an issue id: 2021-14 → 2021-014,
// 2021-zk1 → 2021-zk01.
func IssueID(v string) (string, bool) {
	m := issueIDRe.FindStringSubmatch(strings.ToLower(v))
	if m == nil {
		return "", false
	}
	if m[2] != "" {
		n, _ := strconv.Atoi(m[2])
		return fmt.Sprintf("%s-%03d", m[1], n), true
	}
	n, _ := strconv.Atoi(m[4])
	return fmt.Sprintf("%s-%s%02d", m[1], m[3], n), true
}

// DateRange parses a date range: "2021-01..2021-06", "2021-03-23",
// "2021-03", "2021", "..2021-06" or "2021-01..". A month or year stands for
// all of its days. It returns inclusive ISO dates; an open end is "".
func DateRange(v string) (from, to string, err error) {
	lo, hi, isRange := strings.Cut(v, "..")
	if !isRange {
		hi = lo
	}
	if lo == "" && hi == "" {
		return "", "", fmt.Errorf("date range %q has no ends", v)
	}
	if lo != "" {
		if from, _, err = dateBounds(lo); err != nil {
			return "", "", err
		}
	}
	if hi != "" {
		if _, to, err = dateBounds(hi); err != nil {
			return "", "", err
		}
	}
	if from != "" && to != "" && from > to {
		return "", "", fmt.Errorf("date range %q ends before it starts", v)
	}
	return from, to, nil
}

// maxYearTerms is the most whole years dateExpr spells out as year terms.
const maxYearTerms = 50

// dateExpr returns the expression of the inclusive date range from..to
// (ISO dates, "" for an open end). The whole years inside a closed range
// become year terms and only the partial years at its ends stay date
// ranges: a date range costs the index one term per distinct date, a year
// one term.
func dateExpr(from, to string) index.Expr {
	if from == "" || to == "" {
		return index.DateRange{From: from, To: to}
	}
	fy, _ := strconv.Atoi(from[:4])
	ty, _ := strconv.Atoi(to[:4])
	if ty-fy > maxYearTerms {
		return index.DateRange{From: from, To: to}
	}
	year := func(y int) index.Expr { return index.Field{Name: "year", Value: strconv.Itoa(y)} }
	part := func(y int, lo, hi string) index.Expr {
		first, last := fmt.Sprintf("%04d-01-01", y), fmt.Sprintf("%04d-12-31", y)
		lo, hi = max(lo, first), min(hi, last)
		if lo == first && hi == last {
			return year(y)
		}
		return index.DateRange{From: lo, To: hi}
	}
	var parts index.Or
	for y := fy; y <= ty; y++ {
		parts = append(parts, part(y, from, to))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return parts
}

// dateBounds returns the first and last day of a year, month or day.
func dateBounds(s string) (first, last string, err error) {
	for _, l := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006-01-02", func(t time.Time) time.Time { return t }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, -1) }},
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, -1) }},
	} {
		if len(s) != len(l.layout) {
			continue
		}
		t, perr := time.Parse(l.layout, s)
		if perr != nil {
			break
		}
		return t.Format(time.DateOnly), l.next(t).Format(time.DateOnly), nil
	}
	return "", "", fmt.Errorf("bad date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
}

// normalize makes every Not stand in an And beside at least one positive
// term, as index.Not requires: -a becomes All AND NOT a.
func normalize(e index.Expr) index.Expr {
	switch e := e.(type) {
	case index.Not:
		return index.And{index.All{}, index.Not{Expr: normalize(e.Expr)}}
	case index.Or:
		out := make(index.Or, len(e))
		for i, t := range e {
			out[i] = normalize(t)
		}
		return out
	case index.And:
		out := make(index.And, 0, len(e)+1)
		positive := false
		for _, t := range e {
			if n, ok := t.(index.Not); ok {
				out = append(out, index.Not{Expr: normalize(n.Expr)})
				continue
			}
			positive = true
			out = append(out, normalize(t))
		}
		if !positive {
			out = append(index.And{index.All{}}, out...)
		}
		return out
	}
	return e
}
