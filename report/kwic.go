package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"jianbao/query"

	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"jianbao/index"
)

// Limits of a concordance.
const (
	DefaultKWICWidth = 20      // characters of context on each side
	MaxKWICWidth     = 200     //
	MaxKWICLines     = 100_000 // lines kept; occurrences past them are counted only
	kwicPage         = 10000   // articles read per search (their texts are held meanwhile)
	// kwicContextBudget bounds the characters of context a concordance
	// keeps (about 6 bytes each, left and right): MaxKWICLines at widths up
	// to 40, fewer lines at larger widths.
	kwicContextBudget = 4_000_000
)

// Orders of concordance lines.
const (
	KWICSortLeft  = "left"  // by the left context, read leftwards from the match
	KWICSortRight = "right" // by the right context, read rightwards from the match
	KWICSortDate  = "date"  // by date, article and position (the default)
)

// KWICParams is a concordance request: the search whose articles are
// read, the width of the context and the order of the lines.
type KWICParams struct {
	query.Params        // Q must hold a word or phrase; Sort, Facets and paging are ignored
	Width        int    // characters each side; 0 means DefaultKWICWidth
	Order        string // KWICSortLeft, KWICSortRight or KWICSortDate ("" is date)
	Limit        int    // lines to return; 0 means all (up to MaxKWICLines)
	Offset       int    // lines to skip
}

// KWICLine is one occurrence of the query in an article's normalised text
// (ingest.MatchText form, the text search matches), with its context.
type KWICLine struct {
	ID       string `json:"id"` // article id
	IssueID  string `json:"issue_id"`
	Date     string `json:"date"`
	District string `json:"district"`
	Part     string `json:"part"`     // "headline", "source_org" or "body"
	Position int    `json:"position"` // of the match in the part, in characters from 0
	Left     string `json:"left"`     // up to Width characters before the match
	Match    string `json:"match"`
	Right    string `json:"right"` // up to Width characters after it
}

// Concordance is every occurrence of a query in the articles a search
// matches, with counts by year and by district of the reporting body.
type Concordance struct {
	Query       string      `json:"query"`
	Values      []string    `json:"values"`      // the normalised words or phrases looked for
	Occurrences int         `json:"occurrences"` // all of them, also those past MaxKWICLines
	Articles    int         `json:"articles"`    // articles with at least one
	Truncated   bool        `json:"truncated"`   // more occurrences than lines kept (MaxKWICLines, fewer at widths over 40): lines hold the first by date
	Width       int         `json:"width"`
	Order       string      `json:"sort"`
	ByYear      []KWICCount `json:"by_year"`     // occurrences per year, in order of years
	ByDistrict  []KWICCount `json:"by_district"` // occurrences per reporting district, most first; "" for municipal bodies
	Lines       []KWICLine  `json:"lines"`
	maxLines    int         // lines kept
}

// KWICCount is the number of occurrences with one value (a year, a
// district).
type KWICCount = index.FacetCount

// kwicParts are the parts of a search text in which occurrences are
// looked for, in the order they are listed.
var kwicParts = []string{"headline", "source_org", "body"}

// ComputeConcordance reads every article that p's search matches (in order
// of date) and lists every non-overlapping occurrence of each of the
// query's words or phrases in its normalised headline (when it is a title
// line, not the body's first sentence), attribution and body: as many
// lines as strings.Count finds. A query without a word or phrase is a
// *ParamError.
func ComputeConcordance(ctx context.Context, s query.Searcher, p KWICParams) (*Concordance, error) {
	width, err := kwicWidth(p.Width)
	if err != nil {
		return nil, err
	}
	order := cmp.Or(p.Order, KWICSortDate)
	if !slices.Contains([]string{KWICSortLeft, KWICSortRight, KWICSortDate}, order) {
		return nil, &query.ParamError{Param: "sort", Msg: fmt.Sprintf("unknown order %q: want left, right or date", order)}
	}
	if p.Limit < 0 || p.Offset < 0 {
		return nil, &query.ParamError{Param: "limit", Msg: "limit and offset must not be negative"}
	}
	sp := p.Params
	sp.Sort, sp.Facets, sp.Limit, sp.Offset = index.SortDate, nil, 0, 0
	req, err := sp.Request()
	if err != nil {
		return nil, err
	}
	values := index.TextValues(req.Expr)
	if len(values) == 0 {
		return nil, &query.ParamError{Param: "q", Msg: "a concordance needs a word or phrase to look for"}
	}
	req.Snippets, req.Texts, req.Limit = false, true, kwicPage
	c := &Concordance{Query: p.Q, Values: values, Width: width, Order: order, Lines: []KWICLine{},
		maxLines: min(MaxKWICLines, kwicContextBudget/width)}
	years, districts := map[string]int{}, map[string]int{}
	for req.Offset = 0; ; req.Offset += kwicPage {
		res, err := s.Search(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("concordance: %w", err)
		}
		for _, h := range res.Hits {
			if h.Text == nil {
				return nil, fmt.Errorf("concordance: hit %s without its text", h.ID)
			}
			n := c.addArticle(h, values, width)
			if n > 0 {
				c.Articles++
				years[yearOf(h.Date)] += n
				districts[h.District] += n
			}
		}
		if len(res.Hits) < kwicPage || req.Offset+kwicPage >= res.Total {
			break
		}
	}
	c.ByYear = sortedCounts(years, func(a, b index.FacetCount) int { return strings.Compare(a.Value, b.Value) })
	c.ByDistrict = sortedCounts(districts, func(a, b index.FacetCount) int {
		return cmp.Or(b.Count-a.Count, strings.Compare(a.Value, b.Value))
	})
	sortKWIC(c.Lines, order)
	c.Lines = c.Lines[min(p.Offset, len(c.Lines)):]
	if p.Limit > 0 && p.Limit < len(c.Lines) {
		c.Lines = c.Lines[:p.Limit]
	}
	return c, nil
}

func kwicWidth(w int) (int, error) {
	switch {
	case w == 0:
		return DefaultKWICWidth, nil
	case w < 0 || w > MaxKWICWidth:
		return 0, &query.ParamError{Param: "width", Msg: fmt.Sprintf("%d is out of range 1..%d", w, MaxKWICWidth)}
	}
	return w, nil
}

func yearOf(date string) string {
	if len(date) >= 4 {
		return date[:4]
	}
	return ""
}

// addArticle adds the occurrences in h's text and returns their number.
// A headline that is the article's first sentence, not a title line of its
// own, is read once: in the body.
func (c *Concordance) addArticle(h index.Hit, values []string, width int) int {
	n := 0
	headline := h.Text.Headline
	if strings.HasPrefix(h.Text.Body, headline) {
		headline = ""
	}
	for i, part := range []string{headline, h.Text.SourceOrg, h.Text.Body} {
		for _, v := range values {
			pos, counted := 0, 0 // characters before byte counted
			for off := 0; ; {
				j := strings.Index(part[off:], v)
				if j < 0 {
					break
				}
				start := off + j
				off = start + len(v)
				n++
				c.Occurrences++
				if len(c.Lines) >= c.maxLines {
					c.Truncated = true
					continue
				}
				pos += utf8.RuneCountInString(part[counted:start])
				counted = start
				c.Lines = append(c.Lines, KWICLine{ID: h.ID, IssueID: h.IssueID, Date: h.Date, District: h.District,
					Part: kwicParts[i], Position: pos,
					Left: flat(part[backRunes(part, start, width):start]), Match: flat(v),
					Right: flat(part[off:fwdRunes(part, off, width)])})
			}
		}
	}
	return n
}

// flat puts a space for each line break, so that a line stays one line and
// keeps its number of characters.
func flat(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
}

func backRunes(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

func fwdRunes(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

func sortedCounts(m map[string]int, order func(a, b index.FacetCount) int) []index.FacetCount {
	out := make([]index.FacetCount, 0, len(m))
	for v, n := range m {
		out = append(out, index.FacetCount{Value: v, Count: n})
	}
	slices.SortFunc(out, order)
	return out
}

// sortKWIC orders lines as a concordancer does: by the left context read
// from the match leftwards (the character just before the match first),
// or by the right context read from the match rightwards, in the order of
// Chinese dictionaries (pinyin, by golang.org/x/text/collate); ties, and
// the date order, go by date, article and position.
func sortKWIC(lines []KWICLine, order string) {
	byPlace := func(a, b *KWICLine) int {
		return cmp.Or(strings.Compare(a.Date, b.Date), strings.Compare(a.ID, b.ID),
			strings.Compare(a.Part, b.Part), a.Position-b.Position)
	}
	if order == KWICSortDate {
		slices.SortFunc(lines, func(a, b KWICLine) int { return byPlace(&a, &b) })
		return
	}
	col := collate.New(language.SimplifiedChinese)
	var buf collate.Buffer
	keys := make([][]byte, len(lines))
	for i := range lines {
		s := lines[i].Match + lines[i].Right
		if order == KWICSortLeft {
			s = reverseRunes(lines[i].Left)
		}
		keys[i] = slices.Clone(col.KeyFromString(&buf, s))
		buf.Reset()
	}
	idx := make([]int, len(lines))
	for i := range idx {
		idx[i] = i
	}
	// byPlace breaks every tie: the order is total, no stable sort needed.
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Or(bytes.Compare(keys[a], keys[b]), byPlace(&lines[a], &lines[b]))
	})
	sorted := make([]KWICLine, len(lines))
	for i, j := range idx {
		sorted[i] = lines[j]
	}
	copy(lines, sorted)
}

// reverseRunes returns s read backwards, so that sorting by it sorts by
// the character nearest the match first.
func reverseRunes(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// WriteKWICCSV writes the lines of c as CSV with a header row: article id,
// issue id, date, district, part, position, left context, match, right
// context.
func WriteKWICCSV(w io.Writer, c *Concordance) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "issue_id", "date", "district", "part", "position", "left", "match", "right"}); err != nil {
		return err
	}
	for _, l := range c.Lines {
		if err := cw.Write([]string{l.ID, l.IssueID, l.Date, l.District, l.Part, strconv.Itoa(l.Position), l.Left, l.Match, l.Right}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
