package report

import (
	"fmt"
	"regexp"
	"strconv"

	"jianbao/index"
	"jianbao/ingest"
	"jianbao/query"
)

// articleIDPattern is the form of an article id: its issue's id and its
// number in the issue.
var articleIDPattern = regexp.MustCompile(`^(\d{4}-(?:\d{3}|zk\d{2}|zengk\d{2}))-\d{2,3}$`)

// ArticleView is an article with the fields of its issue that a reader
// needs to cite it, as returned by /api/articles/{id} and `jianbao show`.
type ArticleView struct {
	ingest.Article
	IssueID    string `json:"issue_id"`
	Title      string `json:"title"`
	Issue      int    `json:"issue"`
	TotalIssue int    `json:"total_issue,omitempty"`
	Special    string `json:"special"`
	Date       string `json:"date"`
	Issuer     string `json:"issuer"`
	Format     string `json:"format"` // of the source file: "txt" or "pdf"
	File       string `json:"file"`   // URL path of the source file, with #page=N for a PDF page
	// OCR is how the article's first page was read when OCR read it.
	OCR *ingest.PageNote `json:"ocr,omitempty"`
}

// FindArticle returns the article id of iss with its issue's fields.
func FindArticle(iss *index.Issue, id string) (*ArticleView, error) {
	for _, a := range iss.Articles {
		if a.ID != id {
			continue
		}
		src, rec := SourceOf(iss), &iss.Issue
		v := &ArticleView{Article: a, IssueID: rec.ID, Title: rec.Title, Issue: rec.Issue,
			TotalIssue: rec.TotalIssue, Special: rec.Special, Date: rec.Date, Issuer: rec.Issuer,
			Format: src.Format, File: "/files/" + rec.ID}
		if a.Page > 0 && src.Format == ingest.FormatPDF {
			v.File += "#page=" + strconv.Itoa(a.Page)
		}
		v.OCR = ocrNote(rec.Source, a.Page)
		return v, nil
	}
	return nil, fmt.Errorf("no article %s: %w", id, index.ErrNotFound)
}

// ArticleIssueID returns the id of the issue of an article id, and whether
// id is an article id at all.
func ArticleIssueID(id string) (string, bool) {
	m := articleIDPattern.FindStringSubmatch(id)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// SourceOf returns the source file of iss that readers are sent to: its
// PDF when there is one (it opens at an article's page), else its TXT.
func SourceOf(iss *index.Issue) ingest.Source {
	for _, f := range iss.Files {
		if f.Format == ingest.FormatPDF {
			return f.Source
		}
	}
	if len(iss.Files) > 0 {
		return iss.Files[0].Source
	}
	return iss.Source
}

// HitIDs returns the article ids of the hits of resp, in order.
func HitIDs(resp *query.Response) []string {
	ids := make([]string, len(resp.Hits))
	for i, h := range resp.Hits {
		ids[i] = h.ID
	}
	return ids
}

// ocrNote returns the note of page of src when the page was read by OCR,
// so that readers can tell text to check against the scan; nil otherwise.
func ocrNote(src ingest.Source, page int) *ingest.PageNote {
	for _, n := range src.PageNotes {
		if n.Page == page && n.Status == ingest.PageStatusOCR {
			return &n
		}
	}
	return nil
}
