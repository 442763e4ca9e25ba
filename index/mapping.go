package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"jianbao/segment"
)

// Document types.
const (
	typeArticle = "article"
	typeIssue   = "issue"
)

// Field names of the bleve documents.
const (
	fType     = "type"
	fIssueID  = "issue_id"
	fDate     = "date"
	fYear     = "year"
	fSection  = "section"
	fOrg      = "org"
	fDistrict = "district"
	fMention  = "district_mentioned"
	fOrganis  = "organisation"
	fOrgType  = "orgtype" // the types of the organisations an article names
	fTheme    = "theme"
	fSpecial  = "special"
	fIndexed  = "indexed" // when the article's issue was indexed (RFC 3339, UTC), for feeds
	fText     = "text"    // bigrams of headline␟attribution␟body␟ (MatchText form), documents and frequencies
	fWords    = "words"   // dictionary words of the same (the index's Segmenter's WordList), for ranking
	fHead     = "head"    // bigrams of the headline, documents only, for ranking
	fRecord   = "rec"     // the stored record (encodeRecord), not indexed
	fFiles    = "files"   // an issue's sources (JSON), stored
	fHit      = "hit"     // an article's fields shown in a hit (JSON), stored
	fMatch    = "match"   // an article's fText value (UTF-16LE), stored: see matchtext.go
	fPatch    = "patch"   // what rebuilds an article's body from fMatch, stored
)

// keywordFields are the exact-value fields usable in Field expressions.
var keywordFields = []string{fIssueID, fDate, fYear, fSection, fOrg, fDistrict, fMention, fOrganis, fOrgType, fTheme, fSpecial}

// newMapping returns the index mapping: a static mapping of the fields
// above, with doc values only where sorting needs them and without the
// composite _all field.
func newMapping() *mapping.IndexMappingImpl {
	kw := func(docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues
		return f
	}
	// text: documents, with or without term frequencies and norms; no
	// positions.
	text := func(name, analyzer string, freqNorms bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.SkipFreqNorm = !freqNorms
		f.DocValues = false
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}

	doc := bleve.NewDocumentStaticMapping()
	typ := kw(false)
	typ.Store = true // tells Article and Issue which kind a stored document is
	doc.AddFieldMappingsAt(fType, typ)
	// Facets are counted from postings (facets.go): only the date, which
	// results are sorted by, needs doc values.
	for _, name := range []string{fIssueID, fYear, fSection, fOrg, fDistrict, fTheme, fMention, fOrganis, fOrgType, fSpecial} {
		doc.AddFieldMappingsAt(name, kw(false))
	}
	date := kw(true)
	date.Store = true // Issues lists the dates
	doc.AddFieldMappingsAt(fDate, date)
	doc.AddFieldMappingsAt(fIndexed, kw(true)) // feeds sort by it
	// No positions: a phrase's candidates are checked against the stored
	// search text (fMatch): about 0.6 × the text on disk, where positions
	// took 2.2 ×.
	doc.AddFieldMappingsAt(fText, text(fText, segment.BigramPositions, true))
	// The words are cut by the index's own Segmenter (its user words), so
	// the analyzer only splits them.
	doc.AddFieldMappingsAt(fWords, text(fWords, segment.Words, true))
	doc.AddFieldMappingsAt(fHead, text(fHead, segment.BigramPositions, false))
	doc.AddFieldMappingsAt(fRecord, stored())
	doc.AddFieldMappingsAt(fFiles, stored())
	doc.AddFieldMappingsAt(fHit, stored())
	doc.AddFieldMappingsAt(fMatch, stored())
	doc.AddFieldMappingsAt(fPatch, stored())
	// No field is in the composite field _all, and no query reads it:
	// disabled, bleve adds none to each document for its segments to walk.
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = keyword.Name
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	return m
}
