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
	fTheme    = "theme"
	fSpecial  = "special"
	fText     = "text"  // bigrams of headline␟attribution␟body␟ (MatchText form), with positions only
	fWords    = "words" // dictionary words of the same, for ranking
	fHead     = "head"  // bigrams of the headline, documents only, for ranking
	fRecord   = "rec"   // the stored record (deflated JSON), not indexed
	fFiles    = "files" // an issue's sources (JSON), stored
	fHit      = "hit"   // an article's fields shown in a hit (JSON), stored
)

// keywordFields are the exact-value fields usable in Field expressions.
var keywordFields = []string{fIssueID, fDate, fYear, fSection, fOrg, fDistrict, fMention, fOrganis, fTheme, fSpecial}

// newMapping returns the index mapping: a static mapping of the fields
// above, with doc values only where facets and sorting need them and
// nothing in the composite _all field.
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
	// text: with positions, or term frequencies and norms, or neither
	// (bigramPhrase reads no frequencies: it scores from positions).
	text := func(name, analyzer string, positions, freqNorms bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = positions
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
	for _, name := range []string{fMention, fOrganis, fSpecial} {
		doc.AddFieldMappingsAt(name, kw(false))
	}
	for _, name := range []string{fIssueID, fDate, fYear, fSection, fOrg, fDistrict, fTheme} {
		f := kw(true)           // facets (issue_id: trends) and sorting
		f.Store = name == fDate // Issues lists the dates
		doc.AddFieldMappingsAt(name, f)
	}
	doc.AddFieldMappingsAt(fText,
		text(fText, segment.BigramPositions, true, false),
		text(fWords, segment.Words, false, true))
	doc.AddFieldMappingsAt(fHead, text(fHead, segment.BigramPositions, false, false))
	doc.AddFieldMappingsAt(fRecord, stored())
	doc.AddFieldMappingsAt(fFiles, stored())
	doc.AddFieldMappingsAt(fHit, stored())

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = keyword.Name
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	return m
}
