package index

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search/query"

	"golang.org/x/sync/errgroup"

	"jianbao/ingest"
)

// File is one source file of an issue as the index knows it.
type File struct {
	ingest.Source
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mtime"`
}

// Issue is an issue as the index keeps it: the record (from its primary
// source: the TXT if there is one, for its exact text, else the PDF) and
// every file it was read from. Articles are in order.
type Issue struct {
	ingest.Issue
	Files []File `json:"files"`
	// Indexed is when the issue was indexed as it now reads: set by
	// Batch.Put, kept while its articles' text stays the same.
	Indexed time.Time `json:"indexed,omitzero"`
}

// storedArticle is the record of an article document. It is stored in
// parts that decode into it in turn (decodeArticle): its Citation (fHit:
// no search decodes a record to list its hits), the rest but the body
// (fRecord: encodeRecord), and the body within the search text
// (fMatch, fPatch: see matchtext.go).
type storedArticle struct {
	IssueID string `json:"issue_id"`
	Date    string `json:"date"`
	Issue   int    `json:"issue"`
	ingest.Article
}

// restFields is the fRecord part of an article's record. Its body is empty
// when the search text holds it.
type restFields struct {
	ID                 string   `json:"id"`
	Seq                int      `json:"seq"`
	Body               string   `json:"body"`
	DistrictsMentioned []string `json:"districts_mentioned"`
	Organisations      []string `json:"organisations"`
	// OrgDetails is absent in the records of indexes written before
	// organisation types.
	OrgDetails []ingest.Organisation `json:"organisation_details,omitempty"`
	Themes     []string              `json:"themes"`
}

// articleFields are the stored fields that hold an article's record.
var articleFields = []string{fHit, fRecord, fMatch, fPatch}

// decodeArticle returns the record of an article from its stored fields.
// (Indexes of schemas 4–6 kept the body in fRecord, schema 4 the whole
// record: reindex reads them.)
func decodeArticle(fields map[string]any) (storedArticle, error) {
	hit, _ := fields[fHit].(string)
	rec, _ := fields[fRecord].(string)
	m, ok := storedMatchOf(fields)
	return decodeArticleParts([]byte(hit), []byte(rec), m, ok)
}

// decodeArticleParts returns the record of an article from the values of
// its stored fields fHit and fRecord and its search text m, if stored.
func decodeArticleParts(hit, rec []byte, m storedMatch, hasMatch bool) (storedArticle, error) {
	var a storedArticle
	c, err := decodeCitation(hit)
	if err != nil {
		return a, fmt.Errorf("decode record: %w", err)
	}
	a.IssueID, a.Date, a.Issue = c.IssueID, c.Date, c.Issue
	a.Section, a.SourceOrg, a.District, a.Headline, a.Page = c.Section, c.SourceOrg, c.District, c.Headline, c.Page
	if err := decodeRecord(rec, &a); err != nil {
		return a, err
	}
	if a.Body != "" || !hasMatch {
		return a, nil
	}
	body, err := m.body()
	if err != nil {
		return a, fmt.Errorf("decode record: %w", err)
	}
	a.Body = body
	return a, nil
}

// storedMatchOf returns the stored search text among fields, if there.
func storedMatchOf(fields map[string]any) (storedMatch, bool) {
	text, ok := fields[fMatch].(string)
	patch, _ := fields[fPatch].(string)
	return storedMatch{text: []byte(text), patch: []byte(patch)}, ok
}

// ErrNotFound is wrapped by the error of Article and Issue for an unknown id.
var ErrNotFound = errors.New("not found")

// Batch collects changes that Commit applies at once: after a crash either
// all of them are in the index or none.
type Batch struct {
	ix   *Index
	b    *bleve.Batch
	docs int
}

// NewBatch returns an empty batch for ix.
func (ix *Index) NewBatch() *Batch { return &Batch{ix: ix, b: ix.bi.NewBatch()} }

// Len returns the number of documents the batch writes or deletes.
func (b *Batch) Len() int { return b.docs }

// Put adds iss, replacing the issue of the same ID and its articles
// (articles that the new record no longer has are deleted).
func (b *Batch) Put(ctx context.Context, iss *Issue) error {
	w, err := b.ix.prepare(ctx, iss)
	if err != nil {
		return err
	}
	return b.apply(w)
}

// PutAll puts every issue of issues, in order, preparing their documents
// on every CPU at once: what Put does for each, in the time of a few.
func (b *Batch) PutAll(ctx context.Context, issues []*Issue) error {
	writes := make([]issueWrite, len(issues))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, iss := range issues {
		g.Go(func() error {
			w, err := b.ix.prepare(gctx, iss)
			writes[i] = w
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, w := range writes {
		if err := b.apply(w); err != nil {
			return err
		}
	}
	return nil
}

// issueWrite is what putting one issue writes: the documents it deletes
// and those it indexes, mapped to bleve's fields. Making one reads the
// index but changes nothing, so several are made at once.
type issueWrite struct {
	deletes []string
	docs    []*document.Document
}

// prepare makes the write that puts iss in place of what the index holds
// under its ID.
func (ix *Index) prepare(ctx context.Context, iss *Issue) (issueWrite, error) {
	if iss.ID == "" {
		return issueWrite{}, errors.New("put issue: empty id")
	}
	old, err := ix.Issue(ctx, iss.ID)
	if errors.Is(err, ErrNotFound) {
		old = nil
	} else if err != nil {
		return issueWrite{}, err
	}
	return ix.writeOf(iss, old)
}

// writeOf makes the write that puts iss in place of old (nil for none).
func (ix *Index) writeOf(iss, old *Issue) (issueWrite, error) {
	var w issueWrite
	indexed := iss.Indexed
	if old != nil {
		if indexed.IsZero() && sameText(old, iss) {
			indexed = old.Indexed
		}
		keep := map[string]bool{}
		for _, a := range iss.Articles {
			keep[a.ID] = true
		}
		for _, a := range old.Articles {
			if !keep[a.ID] {
				w.deletes = append(w.deletes, a.ID)
			}
		}
	}
	if indexed.IsZero() {
		indexed = ix.now().UTC().Truncate(time.Second)
	}
	head := *iss
	head.Articles = nil
	head.Indexed = indexed
	rec, err := encodeRecord(head)
	if err != nil {
		return w, fmt.Errorf("put issue %s: %w", iss.ID, err)
	}
	files, err := json.Marshal(iss.Files)
	if err != nil {
		return w, fmt.Errorf("put issue %s: %w", iss.ID, err)
	}
	doc, err := ix.document(iss.ID, map[string]any{
		fType: typeIssue, fIssueID: iss.ID, fDate: iss.Date, fYear: year(iss.Date),
		fRecord: rec, fFiles: string(files),
	})
	if err != nil {
		return w, fmt.Errorf("put issue %s: %w", iss.ID, err)
	}
	w.docs = append(w.docs, doc)
	for _, a := range iss.Articles {
		doc, err := ix.articleDocument(&iss.Issue, a, indexed.Format(time.RFC3339))
		if err != nil {
			return w, err
		}
		w.docs = append(w.docs, doc)
	}
	return w, nil
}

// apply adds w to the batch.
func (b *Batch) apply(w issueWrite) error {
	for _, id := range w.deletes {
		b.b.Delete(id)
		b.docs++
	}
	for _, doc := range w.docs {
		if err := b.b.IndexAdvanced(doc); err != nil {
			return fmt.Errorf("put %s: %w", doc.ID(), err)
		}
		b.docs++
	}
	return nil
}

// document maps the fields of one document as bleve's Batch.Index would.
func (ix *Index) document(id string, fields map[string]any) (*document.Document, error) {
	doc := document.NewDocument(id)
	if err := ix.bi.Mapping().MapDocument(doc, fields); err != nil {
		return nil, err
	}
	return doc, nil
}

// sameText reports whether the issue new has the articles of old, with
// the same headlines, attributions and bodies: a re-ingest of an unchanged
// bulletin, or a retagging, keeps the time it was indexed.
func sameText(old, new *Issue) bool {
	return slices.EqualFunc(old.Articles, new.Articles, func(a, b ingest.Article) bool {
		return a.ID == b.ID && a.Headline == b.Headline && a.SourceOrg == b.SourceOrg && a.Body == b.Body
	})
}

// articleDocument makes the document of article a of iss.
func (ix *Index) articleDocument(iss *ingest.Issue, a ingest.Article, indexed string) (*document.Document, error) {
	fields, analysed, err := articleValues(iss, a, indexed)
	if err != nil {
		return nil, err
	}
	d := document.NewDocument(a.ID)
	if err := ix.mapAnalysed(d, fields, analysed); err != nil {
		return nil, fmt.Errorf("put article %s: %w", a.ID, err)
	}
	return d, nil
}

// articleValues returns the fields of article a's document: the values of
// those bleve maps, and those whose tokens the index counts.
func articleValues(iss *ingest.Issue, a ingest.Article, indexed string) (map[string]any, []analysedValue, error) {
	text, m, inMatch := encodeMatch(a.Headline, a.SourceOrg, a.Body)
	rest := restFields{ID: a.ID, Seq: a.Seq, Body: a.Body,
		DistrictsMentioned: a.DistrictsMentioned, Organisations: a.Organisations, OrgDetails: a.OrgDetails, Themes: a.Themes}
	if inMatch {
		rest.Body = ""
	}
	rec, err := encodeRecord(rest)
	if err != nil {
		return nil, nil, fmt.Errorf("put article %s: %w", a.ID, err)
	}
	hit := appendCitation(nil, Citation{IssueID: iss.ID, Date: iss.Date, Issue: iss.Issue, Section: a.Section,
		SourceOrg: a.SourceOrg, District: a.District, Headline: a.Headline, Page: a.Page, Indexed: indexed})
	doc := map[string]any{
		fType: typeArticle, fIssueID: iss.ID, fDate: iss.Date, fYear: year(iss.Date),
		fSection: a.Section, fOrg: a.SourceOrg, fDistrict: a.District,
		fMention: a.DistrictsMentioned, fOrganis: a.Organisations, fOrgType: orgTypes(a.OrgDetails), fTheme: a.Themes,
		fSpecial: iss.Special,
		fIndexed: indexed,
		fRecord:  rec,
		fHit:     string(hit),
		fMatch:   string(m.text),
		fPatch:   string(m.patch),
	}
	return doc, articleAnalysed(text, ingest.MatchText(a.Headline)), nil
}

// Delete removes the issue id and its articles.
func (b *Batch) Delete(ctx context.Context, id string) error {
	old, err := b.ix.Issue(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, a := range old.Articles {
		b.b.Delete(a.ID)
		b.docs++
	}
	b.b.Delete(id)
	b.docs++
	return nil
}

// Commit writes the batch and waits until it is on disk.
func (ix *Index) Commit(ctx context.Context, b *Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if b.docs == 0 {
		return nil
	}
	if err := ix.write(ctx, b.b); err != nil {
		return fmt.Errorf("write index %s: %w", ix.dir, err)
	}
	// A new batch, not Reset: scorch may still be ranging over the old
	// one's operations in a goroutine of its own when Batch returns.
	b.b = ix.bi.NewBatch()
	b.docs = 0
	return nil
}

func year(date string) string {
	if len(date) >= 4 {
		return date[:4]
	}
	return ""
}

// stored returns the stored fields of document id if it is of type typ,
// else an error wrapping ErrNotFound.
func (ix *Index) stored(id, typ string, fields ...string) (map[string]any, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{id}), 1, 0, false)
	req.Fields = append([]string{fType}, fields...)
	req.Score = "none"
	res, err := ix.bi.Search(req)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", id, err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Fields[fType] != typ {
		return nil, fmt.Errorf("%s %s: %w", typ, id, ErrNotFound)
	}
	return res.Hits[0].Fields, nil
}

// issueRecord returns the stored record of issue id, without its articles.
func (ix *Index) issueRecord(id string) (*Issue, error) {
	fields, err := ix.stored(id, typeIssue, fRecord)
	if err != nil {
		return nil, err
	}
	rec, _ := fields[fRecord].(string)
	var iss Issue
	if err := decodeRecord([]byte(rec), &iss); err != nil {
		return nil, fmt.Errorf("read issue %s: %w", id, err)
	}
	return &iss, nil
}

// Article returns the stored record of article id, an error wrapping
// ErrNotFound if there is none.
func (ix *Index) Article(ctx context.Context, id string) (*ingest.Article, error) {
	fields, err := ix.stored(id, typeArticle, articleFields...)
	if err != nil {
		return nil, err
	}
	a, err := decodeArticle(fields)
	if err != nil {
		return nil, fmt.Errorf("read article %s: %w", id, err)
	}
	return &a.Article, nil
}

// Issue returns the stored record of issue id with its articles in order,
// an error wrapping ErrNotFound if there is none.
func (ix *Index) Issue(ctx context.Context, id string) (*Issue, error) {
	iss, err := ix.issueRecord(id)
	if err != nil {
		return nil, err
	}
	q := bleve.NewConjunctionQuery(term(fType, typeArticle), term(fIssueID, id))
	arts, err := collect(ix, ctx, q, articleFields, decodeArticle)
	if err != nil {
		return nil, fmt.Errorf("read issue %s: %w", id, err)
	}
	slices.SortFunc(arts, func(a, b storedArticle) int { return a.Seq - b.Seq })
	iss.Articles = make([]ingest.Article, len(arts))
	for i, a := range arts {
		iss.Articles[i] = a.Article
	}
	return iss, nil
}

// IssueFiles is an issue and the files it was read from.
type IssueFiles struct {
	ID    string `json:"id"`
	Date  string `json:"date"`
	Files []File `json:"files"`
}

// Issues lists every issue with its source files, in ID order. The server
// uses it to serve the files that were ingested (and only those); ingest to
// skip unchanged files.
func (ix *Index) Issues(ctx context.Context) ([]IssueFiles, error) {
	type item struct {
		id, date string
		files    []File
	}
	req := bleve.NewSearchRequestOptions(term(fType, typeIssue), 0, 0, false)
	total, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list issues: %w", err)
	}
	out := make([]IssueFiles, 0, total.Total)
	req = bleve.NewSearchRequestOptions(term(fType, typeIssue), int(total.Total), 0, false)
	req.Fields = []string{fFiles, fDate}
	req.SortBy([]string{"_id"})
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list issues: %w", err)
	}
	for _, h := range res.Hits {
		it := IssueFiles{ID: h.ID}
		it.Date, _ = h.Fields[fDate].(string)
		if s, ok := h.Fields[fFiles].(string); ok {
			if err := json.Unmarshal([]byte(s), &it.Files); err != nil {
				return nil, fmt.Errorf("list issues: files of %s: %w", h.ID, err)
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// collect runs q and decodes the stored fields of every hit.
func collect[T any](ix *Index, ctx context.Context, q query.Query, fields []string, decode func(map[string]any) (T, error)) ([]T, error) {
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	req = bleve.NewSearchRequestOptions(q, int(res.Total), 0, false)
	req.Fields = fields
	res, err = ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(res.Hits))
	for _, h := range res.Hits {
		v, err := decode(h.Fields)
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", h.ID, err)
		}
		out = append(out, v)
	}
	return out, nil
}

func term(field, value string) query.Query {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	return q
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:16]
}

// encodeRecord returns v as a stored record: JSON after the byte
// jsonRecord. Records are a few hundred bytes (an article's body is in its
// search text, fMatch), where deflating them cost 7% of an ingest's CPU
// for little room; the index compresses stored fields itself.
func encodeRecord(v any) (string, error) {
	buf := recordBufs.Get().(*bytes.Buffer)
	defer recordBufs.Put(buf)
	buf.Reset()
	buf.WriteByte(jsonRecord)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// jsonRecord begins a record that is JSON. It begins no deflate stream
// (its block type, 3, is reserved), so the deflated JSON records that
// earlier versions wrote, which decodeRecord reads too, are told apart.
const jsonRecord = 0x06

var (
	flateReaders sync.Pool
	recordBufs   = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// decodeRecord decodes a record stored by encodeRecord, or deflated JSON
// (as earlier versions of jianbao stored records), into v.
func decodeRecord(raw []byte, v any) error {
	if len(raw) > 0 && raw[0] == jsonRecord {
		if err := json.Unmarshal(raw[1:], v); err != nil {
			return fmt.Errorf("decode record: %w", err)
		}
		return nil
	}
	var r io.ReadCloser
	if x := flateReaders.Get(); x != nil {
		r = x.(io.ReadCloser)
		r.(flate.Resetter).Reset(bytes.NewReader(raw), nil)
	} else {
		r = flate.NewReader(bytes.NewReader(raw))
	}
	defer flateReaders.Put(r)
	buf := recordBufs.Get().(*bytes.Buffer)
	defer recordBufs.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return fmt.Errorf("decode record: %w", err)
	}
	if err := json.Unmarshal(buf.Bytes(), v); err != nil {
		return fmt.Errorf("decode record: %w", err)
	}
	return nil
}

// orgTypes returns the distinct types of orgs, in order of first mention.
func orgTypes(orgs []ingest.Organisation) []string {
	types := []string{}
	for _, o := range orgs {
		if o.Type != "" && !slices.Contains(types, o.Type) {
			types = append(types, o.Type)
		}
	}
	return types
}
