package index

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

	"jianbao/ingest"
	"jianbao/segment"
)

// facetFields maps the facet names of a Request to fields.
var facetFields = map[string]string{
	"district": fDistrict, "section": fSection, "org": fOrg, "theme": fTheme, "year": fYear,
	"orgtype": fOrgType, "organisation": fOrganis,
}

// exprFields maps the names of Field expressions to fields.
var exprFields = map[string]string{
	"district": fDistrict, "district_mentioned": fMention, "section": fSection, "org": fOrg,
	"organisation": fOrganis, "orgtype": fOrgType, "theme": fTheme, "issue_id": fIssueID, "year": fYear, "special": fSpecial,
}

// facetSize is the number of values returned per facet, except issue_id.
const facetSize = 200

// FacetIssueID counts the matching articles of every issue: trends add
// these up by period. It is not limited to facetSize values.
const FacetIssueID = "issue_id"

// BadRequestError reports a Request that cannot be evaluated (an unknown
// field or facet, a malformed date).
type BadRequestError struct{ Msg string }

func (e *BadRequestError) Error() string { return e.Msg }

// Search evaluates req. A Text expression matches exactly the articles whose
// normalised headline, attribution or body contains its normalised value.
// Errors in the request are *BadRequestError.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	q, err := ix.compile(req.Expr, true)
	if err != nil {
		return nil, err
	}
	limit := req.Limit
	if limit <= 0 {
		limit = 10
	}
	if !articlesOnly(req.Expr) {
		q = bleve.NewConjunctionQuery(unscored{term(fType, typeArticle), 0}, q)
	}
	br := bleve.NewSearchRequestOptions(q, limit, max(req.Offset, 0), false)
	switch req.Sort {
	case "", SortRelevance:
		br.SortBy([]string{"-_score"})
	case SortDate:
		br.SortBy([]string{fDate, "_id"})
		br.Score = "none" // no hit needs one
	case SortDateDesc:
		br.SortBy([]string{"-" + fDate, "_id"})
		br.Score = "none"
	case SortIndexedDesc:
		br.SortBy([]string{"-" + fIndexed, "-" + fDate, "_id"})
		br.Score = "none"
	default:
		return nil, &BadRequestError{fmt.Sprintf("unknown sort %q: want relevance, date, -date or -indexed", req.Sort)}
	}
	var facets *facetCounter
	if len(req.Facets) > 0 {
		facets = &facetCounter{cache: &ix.facets, public: ix.paths.public}
		for _, name := range req.Facets {
			field, ok := facetFields[name]
			if name == FacetIssueID {
				field, ok = fIssueID, true
			}
			if !ok {
				return nil, &BadRequestError{fmt.Sprintf("unknown facet %q: want district, section, org, theme, year, orgtype or organisation", name)}
			}
			facets.fields = append(facets.fields, field)
		}
		br.Query = facetTap{br.Query, facets}
	}
	// The hits' stored fields: bleve loads them (the public path), or the
	// fast path reads them by number from the snapshot searched, held
	// until they are read.
	held := &heldSnapshot{}
	defer held.release()
	if ix.paths.public {
		br.Fields = hitFields()
	} else {
		br.Query = snapshotTap{br.Query, held}
	}
	res, err := ix.bi.SearchInContext(ctx, br)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &Result{Total: int(res.Total), Hits: make([]Hit, 0, len(res.Hits))}
	if len(res.Hits) > 0 {
		var marks []string
		if req.Snippets {
			marks = textValues(req.Expr, false, nil)
		}
		stored, err := ix.hitStore(held, br.Fields != nil)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		for _, h := range res.Hits {
			hit, err := toHit(stored, h, marks, req.Texts)
			if err != nil {
				return nil, err
			}
			out.Hits = append(out.Hits, hit)
		}
	}
	if facets != nil {
		out.Facets = map[string][]FacetCount{}
		for i, name := range req.Facets {
			limit := facetSize
			if name == FacetIssueID {
				limit = math.MaxInt
			}
			out.Facets[name] = facets.result(i, limit)
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// hitFields returns the stored fields of an article that a hit shows.
func hitFields() []string { return []string{fHit, fMatch, fPatch} }

// storedFields calls fn with the stored fields of hit h (values valid
// during the call only) until fn returns false.
type storedFields func(h *search.DocumentMatch, fn func(field string, value []byte) bool) error

// hitStore returns how the stored fields of hits are read: from the held
// snapshot by number (the fast path), from the fields bleve loaded with
// them, or else from the index as it is now, by external id.
func (ix *Index) hitStore(held *heldSnapshot, loaded bool) (storedFields, error) {
	docs, ok, err := held.docs(&ix.paths.layout)
	if err != nil {
		return nil, err
	}
	if ok {
		return func(h *search.DocumentMatch, fn func(string, []byte) bool) error {
			return docs.visit(h.IndexInternalID, fn)
		}, nil
	}
	if loaded {
		return loadedFields, nil
	}
	return func(h *search.DocumentMatch, fn func(string, []byte) bool) error {
		return ix.visitStored(h.ID, fn)
	}, nil
}

// loadedFields reads the stored fields that bleve loaded with a hit.
func loadedFields(h *search.DocumentMatch, fn func(string, []byte) bool) error {
	for _, f := range hitFields() {
		if v, ok := h.Fields[f].(string); ok && !fn(f, []byte(v)) {
			break
		}
	}
	return nil
}

// reader opens a reader on the index's current snapshot, for what bleve's
// search API does not do (stored fields, term readers, the fast path's
// checks). Close it.
func (ix *Index) reader() (bindex.IndexReader, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// visitStored calls fn with the stored fields of document id of the index
// as it is now until fn returns false.
func (ix *Index) visitStored(id string, fn func(string, []byte) bool) error {
	r, err := ix.reader()
	if err != nil {
		return err
	}
	// A reader that was only read from: nothing of what it gave depends on
	// its closing.
	defer func() { _ = r.Close() }()
	doc, err := r.Document(id)
	if err != nil {
		return err
	}
	if doc == nil {
		return fmt.Errorf("document %s is no longer in the index", id)
	}
	more := true
	doc.VisitFields(func(f bindex.Field) {
		if more {
			more = fn(f.Name(), f.Value())
		}
	})
	return nil
}

// toHit returns the hit of match h, from its stored fields, with snippets
// of where marks are, and with its search text if texts.
func toHit(stored storedFields, h *search.DocumentMatch, marks []string, texts bool) (Hit, error) {
	var hit Hit
	var m storedMatch
	var decodeErr error
	err := stored(h, func(field string, value []byte) bool {
		switch field {
		case fHit:
			hit.Citation, decodeErr = decodeCitation(value)
		case fMatch:
			m.text = slices.Clone(value)
		case fPatch:
			m.patch = slices.Clone(value)
		}
		return true
	})
	if err = cmp.Or(err, decodeErr); err != nil {
		return Hit{}, fmt.Errorf("search: hit %s: %w", h.ID, err)
	}
	hit.ID, hit.Score, hit.Snippets = h.ID, h.Score, []string{}
	if len(marks) > 0 || texts {
		head, org, body, err := m.parts()
		if err != nil {
			return Hit{}, fmt.Errorf("search: hit %s: %w", h.ID, err)
		}
		if len(marks) > 0 {
			hit.Snippets = snippets([]string{body, head, org}, marks, 3)
		}
		if texts {
			hit.Text = &SearchText{Headline: head, SourceOrg: org, Body: body}
		}
	}
	return hit, nil
}

// snapshotTap matches what q matches, and holds the index snapshot that it
// is searched in until released (heldSnapshot).
type snapshotTap struct {
	q    query.Query
	held *heldSnapshot
}

// Searcher implements query.Query.
func (t snapshotTap) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	t.held.hold(r)
	return t.q.Searcher(ctx, r, m, opts)
}

// articlesOnly reports whether e can match article documents only (it
// requires text, which issue documents lack), so that the filter on the
// document type can be left out.
func articlesOnly(e Expr) bool {
	switch e := e.(type) {
	case Text:
		return NormalizeText(e) != ""
	case And:
		for _, s := range e {
			if articlesOnly(s) {
				return true
			}
		}
	case Or:
		for _, s := range e {
			if !articlesOnly(s) {
				return false
			}
		}
		return len(e) > 0
	}
	return false
}

// compile turns an expression into a bleve query over article documents.
// rank adds the clauses that only score (not under Not).
func (ix *Index) compile(e Expr, rank bool) (query.Query, error) {
	switch e := e.(type) {
	case nil, All:
		return bleve.NewMatchAllQuery(), nil
	case Text:
		return textQuery(NormalizeText(e), rank, &ix.paths, ix.splitMin), nil
	case Field:
		field, ok := exprFields[e.Name]
		if !ok {
			return nil, &BadRequestError{fmt.Sprintf("unknown field %q", e.Name)}
		}
		return unscored{term(field, e.Value), 0}, nil
	case DateRange:
		for _, d := range []string{e.From, e.To} {
			if d != "" && !isDate(d) {
				return nil, &BadRequestError{fmt.Sprintf("malformed date %q: want YYYY-MM-DD", d)}
			}
		}
		if e.From == "" && e.To == "" {
			return bleve.NewMatchAllQuery(), nil
		}
		yes := true
		q := bleve.NewTermRangeInclusiveQuery(e.From, e.To, &yes, &yes)
		q.SetField(fDate)
		return unscored{q, 0}, nil
	case And:
		if len(e) == 0 {
			return bleve.NewMatchAllQuery(), nil
		}
		b := bleve.NewBooleanQuery()
		must := 0
		for _, sub := range e {
			if n, ok := sub.(Not); ok {
				q, err := ix.compile(n.Expr, false)
				if err != nil {
					return nil, err
				}
				b.AddMustNot(unscored{q, 0})
				continue
			}
			q, err := ix.compile(sub, rank)
			if err != nil {
				return nil, err
			}
			b.AddMust(q)
			must++
		}
		if must == 0 {
			b.AddMust(bleve.NewMatchAllQuery())
		}
		return b, nil
	case Or:
		if len(e) == 0 {
			return bleve.NewMatchNoneQuery(), nil
		}
		qs := make([]query.Query, 0, len(e))
		for _, sub := range e {
			q, err := ix.compile(sub, rank)
			if err != nil {
				return nil, err
			}
			qs = append(qs, q)
		}
		return bleve.NewDisjunctionQuery(qs...), nil
	case Not:
		q, err := ix.compile(e.Expr, false)
		if err != nil {
			return nil, err
		}
		b := bleve.NewBooleanQuery()
		b.AddMust(bleve.NewMatchAllQuery())
		b.AddMustNot(unscored{q, 0})
		return b, nil
	}
	return nil, &BadRequestError{fmt.Sprintf("unknown expression %T", e)}
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// NormalizeText returns the form of t.Value that is looked for in the
// normalised text: ingest.MatchText, as the text itself was normalised, for
// a bare word and an exact phrase alike. A phrase keeps its punctuation and
// one space where white space stands between Latin letters or digits; white
// space beside a CJK character goes, as it went from the text, so that
// "复兴路 40 号" finds 复兴路40号.
func NormalizeText(t Text) string {
	v := ingest.MatchText(t.Value)
	return strings.Map(func(r rune) rune {
		if r == segment.Separator || r == utf8.RuneError {
			return -1
		}
		return r
	}, v)
}

// textQuery matches the articles whose text contains v: v's bigrams,
// checked against the search texts (bigramPhrase, which also ranks
// headline matches first), the bigrams that start with v for a single
// character. With rank, what scores without filtering is added: for a
// single character, its being in the headline; else the dictionary words
// that v contains, looked up as they stand, so that no word segmentation
// is needed at query time.
func textQuery(v string, rank bool, paths *readPaths, splitMin uint64) query.Query {
	switch utf8.RuneCountInString(v) {
	case 0:
		return bleve.NewMatchAllQuery()
	case 1:
		// Thousands of bigrams may start with v: ORed unscored.
		p := bleve.NewPrefixQuery(v)
		p.SetField(fText)
		if !rank {
			return unscored{p, 0}
		}
		h := bleve.NewPrefixQuery(v)
		h.SetField(fHead)
		return charQuery{text: p, head: h}
	}
	head, words := fHead, candidateWords(v)
	if !rank {
		head, words = "", nil
	}
	return newBigramPhrase(fText, head, v, words, paths, splitMin)
}

// candidateWords returns the substrings of v that may be dictionary words,
// whole v first, for a v of up to maxWordQuery characters. A longer v is
// specific enough as a phrase, and the terms would cost more than they rank.
func candidateWords(v string) []string {
	runes := []rune(v)
	if len(runes) > maxWordQuery {
		return nil
	}
	var out []string
	for l := len(runes); l >= minRankingWord; l-- {
		for i := 0; i+l <= len(runes); i++ {
			if w := string(runes[i : i+l]); !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// minRankingWord is the length of the shortest word that ranks, in
// characters: a query of one character is no phrase, and is ranked by
// where it occurs (charQuery). Shorter words are not indexed as words.
const minRankingWord = 2

// maxWordQuery is the longest Text value whose words are looked up for
// ranking.
const maxWordQuery = 6

// textValues returns the normalised values of the Text expressions in e
// that a match must contain or may contain (not those under Not).
func textValues(e Expr, negated bool, out []string) []string {
	switch e := e.(type) {
	case Text:
		if v := NormalizeText(e); !negated && v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	case And:
		for _, s := range e {
			out = textValues(s, negated, out)
		}
	case Or:
		for _, s := range e {
			out = textValues(s, negated, out)
		}
	case Not:
		out = textValues(e.Expr, !negated, out)
	}
	return out
}

// snippetContext is the number of characters shown on each side of a match.
const snippetContext = 30

// snippets returns up to n KWIC snippets showing where the values occur in
// the first of texts (an article's body, headline and attribution, in match
// form) that has any, each match wrapped in <mark>…</mark> and the rest
// HTML-escaped. Nearby matches share a snippet. None when no value occurs.
func snippets(texts []string, values []string, n int) []string {
	out := []string{}
	for _, text := range texts {
		out = append(out, kwic(text, values, n-len(out))...)
		if len(out) >= n || len(out) > 0 {
			break
		}
	}
	return out
}

type span struct{ start, end int } // byte offsets

func kwic(text string, values []string, n int) []string {
	if n <= 0 {
		return nil
	}
	var spans []span
	for _, v := range values {
		for off := 0; ; {
			i := strings.Index(text[off:], v)
			if i < 0 {
				break
			}
			spans = append(spans, span{off + i, off + i + len(v)})
			off += i + len(v)
		}
	}
	if len(spans) == 0 {
		return nil
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	// Merge overlapping matches.
	merged := spans[:1]
	for _, s := range spans[1:] {
		last := &merged[len(merged)-1]
		if s.start <= last.end {
			last.end = max(last.end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	var out []string
	for i := 0; i < len(merged) && len(out) < n; {
		from := backRunes(text, merged[i].start, snippetContext)
		to := fwdRunes(text, merged[i].end, snippetContext)
		var b strings.Builder
		if from > 0 {
			b.WriteString("…")
		}
		pos := from
		for ; i < len(merged) && merged[i].start < to; i++ {
			m := merged[i]
			b.WriteString(html.EscapeString(text[pos:m.start]))
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(text[m.start:m.end]))
			b.WriteString("</mark>")
			pos = m.end
			to = max(to, fwdRunes(text, m.end, snippetContext))
		}
		to = max(to, pos)
		b.WriteString(html.EscapeString(text[pos:to]))
		if to < len(text) {
			b.WriteString("…")
		}
		out = append(out, b.String())
	}
	return out
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

// TextValues returns the normalised values of the Text expressions of e
// that a match must or may contain (not those under Not), each once, in
// order: what a match of e is a substring of its search text for.
func TextValues(e Expr) []string { return textValues(e, false, nil) }
