package index

import "time"

// Expr is a boolean search expression over articles. Package query parses
// the user's query language into an Expr; Index.Search evaluates it.
type Expr interface{ isExpr() }

// Text matches the articles whose headline, body or attribution contain
// Value, as grep would after ingest.MatchText normalisation of both sides.
// When Exact is false (a bare word) white space inside Value is ignored as in
// ingest.CleanSpaces; when true (a quoted phrase) it is kept.
type Text struct {
	Value string
	Exact bool
}

// Field matches the articles whose keyword field Name equals Value.
// Names: "district" (full form, e.g. 海淀区), "district_mentioned",
// "section", "org" (source_org), "organisation", "orgtype" (the type of an
// organisation the article names: 街道, 学校 …, see ingest.OrgTypes),
// "theme", "issue_id", "year", "special".
type Field struct {
	Name  string
	Value string
}

// DateRange matches the articles of issues dated From..To inclusive (ISO
// dates, YYYY-MM-DD); an empty end is open.
type DateRange struct {
	From, To string
}

// And matches what all of its terms match; Or what any matches; Not what its
// term does not match (within what the rest of the query matches).
type (
	And []Expr
	Or  []Expr
	Not struct{ Expr Expr }
	// All matches every article.
	All struct{}
)

func (Text) isExpr()      {}
func (Field) isExpr()     {}
func (DateRange) isExpr() {}
func (And) isExpr()       {}
func (Or) isExpr()        {}
func (Not) isExpr()       {}
func (All) isExpr()       {}

// Sort orders of a Request.
const (
	SortRelevance = "relevance"
	SortDate      = "date"  // oldest first
	SortDateDesc  = "-date" // newest first
	// SortIndexedDesc puts the articles indexed last first (then by date,
	// newest first): the order of a feed.
	SortIndexedDesc = "-indexed"
)

// Request is one search.
type Request struct {
	Expr   Expr
	Sort   string   // SortRelevance (default), SortDate or SortDateDesc
	Limit  int      // hits to return; 0 means 10
	Offset int      // hits to skip
	Facets []string // facet names: "district", "section", "org", "theme", "year", "orgtype", "organisation"
	// Snippets asks for highlighted KWIC snippets of the Text terms.
	Snippets bool
	// Texts asks for each hit's search text (Hit.Text).
	Texts bool
}

// Hit is one matching article.
type Hit struct {
	ID string `json:"id"`
	Citation
	Snippets []string `json:"snippets"` // "…<mark>永定路</mark>…", HTML-escaped around the marks
	Score    float64  `json:"score"`
	// Text is the search text of the article when the Request asked for it.
	Text *SearchText `json:"-"`
}

// SearchText is an article's headline, attribution and body in the form
// Text expressions are matched against (ingest.MatchText): the
// normalised text a match is a substring of.
type SearchText struct {
	Headline, SourceOrg, Body string
}

// Citation is what a reader cites an article by: its issue, date, section,
// reporting body and district, headline, and page of the source PDF.
type Citation struct {
	IssueID   string `json:"issue_id"`
	Date      string `json:"date"`
	Issue     int    `json:"issue"`
	Section   string `json:"section"`
	SourceOrg string `json:"source_org"`
	District  string `json:"district"`
	Headline  string `json:"headline"`
	Page      int    `json:"page,omitempty"`
	// Indexed is when jianbao indexed the article's issue as it now reads
	// (RFC 3339, UTC); "" in indexes of schema 7 and before.
	Indexed string `json:"indexed,omitempty"`
}

// FacetCount is the number of matching articles with one facet value.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result is the answer to a Request.
type Result struct {
	Total  int                     `json:"total"`
	Took   time.Duration           `json:"-"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets,omitempty"`
}
