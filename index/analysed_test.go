package index

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"

	"jianbao/ingest"
	"jianbao/segment"
)

// TestAnalysedFields checks that an article's document, with its analysed
// fields counted by the index, is the one bleve's analyzers make of the
// same values: every field's options, length, tokens and frequencies, and
// the composite field's; but the words field, which leaves out the words
// of one character and keeps the length that counts them. It runs over
// the bundled sample archive and a few odd texts, with the index's mapping
// and with one that gives fHead another analyzer, stores fText and counts
// fWords without frequencies (the fallbacks, and the option followed).
func TestAnalysedFields(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "sample", "*.txt"))
	if len(paths) == 0 {
		t.Fatal("no sample bulletins")
	}
	var articles []ingest.Article
	var issue ingest.Issue
	for _, p := range paths {
		r := ingest.ReadFile(context.Background(), p, ingest.Options{})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		issue = *r.Issue
		articles = append(articles, r.Issue.Articles...)
	}
	articles = append(articles,
		ingest.Article{ID: "x-1", Body: "甲"},
		ingest.Article{ID: "x-2", Headline: "乙", Body: ""},
		ingest.Article{ID: "x-3", Headline: "ab", Body: "北京 Beijing 2021年 ，，。\xff\xfe 复兴路40号复兴路"},
	)

	other := newMapping()
	other.DefaultMapping.Properties[fHead].Fields[0].Analyzer = standard.Name
	other.DefaultMapping.Properties[fWords].Fields[0].SkipFreqNorm = true
	other.DefaultMapping.Properties[fText].Fields[0].Store = true
	for name, m := range map[string]*mapping.IndexMappingImpl{"index": newMapping(), "other": other} {
		t.Run(name, func(t *testing.T) {
			bi, err := bleve.NewMemOnly(m)
			if err != nil {
				t.Fatal(err)
			}
			defer bi.Close()
			seg, err := segment.New(nil)
			if err != nil {
				t.Fatal(err)
			}
			ix := &Index{bi: bi, seg: seg}
			for _, a := range articles {
				got, err := ix.articleDocument(&issue, a, "2026-12-06T00:00:00Z")
				if err != nil {
					t.Fatal(err)
				}
				want := bleveDocument(t, ix, &issue, a)
				// The index leaves the words of one character out.
				short := func(f bindex.Field) {
					if f.Name() == fWords {
						maps.DeleteFunc(f.AnalyzedTokenFrequencies(), func(w string, _ *bindex.TokenFreq) bool {
							return utf8.RuneCountInString(w) < minRankingWord
						})
					}
				}
				if g, w := describeDocument(got, nil), describeDocument(want, short); g != w {
					t.Fatalf("article %s:\n got %s\nwant %s", a.ID, g, w)
				}
			}
		})
	}
}

// bleveDocument is the document of a that bleve maps and analyses from
// every field's value.
func bleveDocument(t *testing.T, ix *Index, iss *ingest.Issue, a ingest.Article) *document.Document {
	t.Helper()
	fields, analysed, err := articleValues(iss, a, "2026-12-06T00:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range analysed {
		fields[v.field] = ix.value(v)
	}
	want := document.NewDocument(a.ID)
	if err := ix.bi.Mapping().MapDocument(want, fields); err != nil {
		t.Fatal(err)
	}
	return want
}

// describeDocument analyses doc as scorch does, with adjust (if not nil)
// called on each field analysed, and describes every field and composite
// field, in name order.
func describeDocument(doc *document.Document, adjust func(bindex.Field)) string {
	var fields []string
	doc.VisitFields(func(f bindex.Field) {
		if f.Options().IsIndexed() {
			f.Analyze()
			if adjust != nil {
				adjust(f)
			}
			doc.VisitComposite(func(cf bindex.CompositeField) {
				cf.Compose(f.Name(), f.AnalyzedLength(), f.AnalyzedTokenFrequencies())
			})
		}
	})
	describe := func(f bindex.Field) string {
		var b strings.Builder
		fmt.Fprintf(&b, "%s type %c opts %d len %d bytes %d pos %v", f.Name(), f.EncodedFieldType(), f.Options(), f.AnalyzedLength(), f.NumPlainTextBytes(), f.ArrayPositions())
		if f.Options().IsStored() {
			fmt.Fprintf(&b, " value %q", f.Value())
		}
		var terms []string
		for k, tf := range f.AnalyzedTokenFrequencies() {
			terms = append(terms, fmt.Sprintf("%s=%s:%d/%d", k, tf.Term, tf.Frequency(), len(tf.Locations)))
		}
		slices.Sort(terms)
		fmt.Fprintf(&b, " terms %v", terms)
		return b.String()
	}
	doc.VisitFields(func(f bindex.Field) { fields = append(fields, describe(f)) })
	doc.VisitComposite(func(f bindex.CompositeField) { fields = append(fields, "composite "+describe(f)) })
	slices.Sort(fields)
	return strings.Join(fields, "\n")
}
