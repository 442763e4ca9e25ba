package index

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"

	"jianbao/segment"
)

// An article's three analysed fields (fText, fWords, fHead) hold most of
// its tokens. Rather than leave them to bleve's analyzers, which make a
// token stream and then count it, allocating every token and every term,
// the index counts them itself (segment.Tokens) while it prepares the
// document, on every CPU, and gives bleve the counts in a field of its own
// (analysedField). The counts are the analyzers', but for the words of a
// single character, which are left out of the words field (minRankingWord)
// while its length, and so its norm, counts them (TestAnalysedFields).
//
// The fields are mapped as before, with an empty value, so that the
// document's composite field and its field options stay the mapping's;
// each is then replaced, but only when the mapping gave it the analyzer
// whose counts the index computes and asks for nothing but the counts:
// otherwise it is mapped with its value and bleve analyses it.

// analysedField is an indexed, unstored text field whose tokens were
// counted before it reached bleve: Analyze has nothing left to do.
type analysedField struct {
	name   string
	opts   bindex.FieldIndexingOptions
	tokens segment.Tokens
}

func (f *analysedField) Name() string                         { return f.name }
func (f *analysedField) Value() []byte                        { return nil }
func (f *analysedField) ArrayPositions() []uint64             { return nil }
func (f *analysedField) EncodedFieldType() byte               { return 't' }
func (f *analysedField) Analyze()                             {}
func (f *analysedField) Options() bindex.FieldIndexingOptions { return f.opts }
func (f *analysedField) AnalyzedLength() int                  { return f.tokens.Length }
func (f *analysedField) NumPlainTextBytes() uint64            { return uint64(f.tokens.ValueBytes) }
func (f *analysedField) AnalyzedTokenFrequencies() bindex.TokenFrequencies {
	return f.tokens.Frequencies
}

// Size estimates the memory the field holds, as bleve's fields do.
func (f *analysedField) Size() int {
	n := 64 + len(f.name)
	for term, tf := range f.tokens.Frequencies {
		n += len(term) + tf.Size()
	}
	return n
}

// analysedValue is the value of an analysed field, and the analyzer whose
// tokens the index counts for it.
type analysedValue struct {
	field, analyzer string
	text            string // the value, or for fWords the text it is the WordList of
}

// tokens counts v's tokens, with frequencies when counts.
func (ix *Index) tokens(v analysedValue, counts bool) segment.Tokens {
	if v.field == fWords {
		return ix.seg.WordTokens(v.text, counts, minRankingWord)
	}
	return segment.BigramTokens(v.text, counts)
}

// value is v's value as bleve maps it.
func (ix *Index) value(v analysedValue) string {
	if v.field == fWords {
		return ix.seg.WordList(v.text)
	}
	return v.text
}

// articleAnalysed returns the analysed fields of an article whose search
// text is text and headline head (ingest.MatchText forms).
func articleAnalysed(text, head string) []analysedValue {
	return []analysedValue{
		{fText, segment.BigramPositions, text},
		{fWords, segment.Words, text},
		{fHead, segment.BigramPositions, head},
	}
}

// mapAnalysed maps fields and the analysed fields into doc, with the
// analysed fields' tokens counted by the index where the mapping allows
// (see above).
func (ix *Index) mapAnalysed(doc *document.Document, fields map[string]any, analysed []analysedValue) error {
	m := ix.bi.Mapping()
	for _, a := range analysed {
		fields[a.field] = ""
	}
	if err := m.MapDocument(doc, fields); err != nil {
		return err
	}
	var fallback map[string]any
	for _, a := range analysed {
		i, f := mappedText(doc, a.field)
		if f == nil || !sameAnalyzer(m, f.Analyzer(), a.analyzer) || !countsOnly(f.Options()) {
			if fallback == nil {
				fallback = map[string]any{}
			}
			fallback[a.field] = ix.value(a)
			if f != nil {
				doc.Fields = append(doc.Fields[:i], doc.Fields[i+1:]...)
			}
			continue
		}
		opts := f.Options()
		doc.Fields[i] = &analysedField{name: a.field, opts: opts, tokens: ix.tokens(a, !opts.SkipFreqNorm())}
	}
	if fallback == nil {
		return nil
	}
	// Mapped apart, they join the document's fields; its composite field
	// took them in or left them out by name when their empty values were
	// mapped above.
	alone := document.NewDocument(doc.ID())
	if err := m.MapDocument(alone, fallback); err != nil {
		return err
	}
	doc.Fields = append(doc.Fields, alone.Fields...)
	return nil
}

// countsOnly reports whether a field indexed with opts needs no more of
// bleve than its tokens' counts: it is indexed, and neither stored nor
// given term vectors or doc values.
func countsOnly(opts bindex.FieldIndexingOptions) bool {
	return opts.IsIndexed() && !opts.IsStored() && !opts.IncludeTermVectors() && !opts.IncludeDocValues()
}

// mappedText returns the text field named name among doc's fields, and
// its position, or nil.
func mappedText(doc *document.Document, name string) (int, *document.TextField) {
	for i, f := range doc.Fields {
		if f.Name() == name {
			t, _ := f.(*document.TextField)
			return i, t
		}
	}
	return -1, nil
}

// sameAnalyzer reports whether a is the analyzer m knows as name.
func sameAnalyzer(m mapping.IndexMapping, a analysis.Analyzer, name string) bool {
	want := m.AnalyzerNamed(name)
	return a != nil && want != nil && a == want
}
