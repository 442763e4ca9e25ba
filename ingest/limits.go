package ingest

import (
	"errors"
	"fmt"
	"strings"
)

// Bounds on what one file may hold. A bulletin is a few hundred lines and
// tens of articles; an archive's largest special issues are far below these
// bounds. A file over one of them is refused as soon as it is seen, before
// it costs more: structuring and indexing take memory in proportion to the
// text, and a file of millions of tiny articles or lines would take
// gigabytes.
const (
	// MaxLines bounds the lines of text of a file (all pages of a PDF).
	MaxLines = 100_000
	// MaxArticles bounds the articles of one issue.
	MaxArticles = 10_000
	// MaxArticleBytes bounds the text (headline and body) of one article.
	MaxArticleBytes = 1 << 20
	// MaxIssueTextBytes bounds the text of all articles of one issue:
	// indexing an issue, written as one batch, takes about a hundred bytes
	// of memory for each byte of its text.
	MaxIssueTextBytes = 4 << 20
)

// ErrLimit is wrapped by the error for a file over one of the bounds above:
// whatever it is, it is not a bulletin that can be indexed.
var ErrLimit = errors.New("not a bulletin that can be indexed")

// checkLines refuses pages of more than MaxLines lines, counted before the
// lines are split and normalised.
func checkLines(pages []Page) error {
	n := 0
	for _, p := range pages {
		n += strings.Count(p.Text, "\n") + 1
		if n > MaxLines {
			return fmt.Errorf("%w: more than %d lines", ErrLimit, MaxLines)
		}
	}
	return nil
}

// textBudget counts the text of an issue's articles as they are built.
type textBudget struct {
	articles, bytes int
}

// add counts one more article of n bytes and says which bound it breaks.
func (b *textBudget) add(id string, n int) error {
	b.articles++
	b.bytes += n
	switch {
	case n > MaxArticleBytes:
		return fmt.Errorf("%w: article %s is %d bytes long, over the limit of %d (lost line breaks?)", ErrLimit, id, n, MaxArticleBytes)
	case b.articles > MaxArticles:
		return fmt.Errorf("%w: more than %d articles", ErrLimit, MaxArticles)
	case b.bytes > MaxIssueTextBytes:
		return fmt.Errorf("%w: the articles hold more than %d bytes of text", ErrLimit, MaxIssueTextBytes)
	}
	return nil
}
