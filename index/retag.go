package index

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"jianbao/ingest"
)

// Retag applies the taxonomy tax to every stored issue, from the stored
// records (the source files are not read), with the organisations,
// districts and reporting district found again by this version's rules
// (ingest.Article.Recognise), and rewrites the issues whose articles
// change. It reads the index in one pass over a snapshot, tagging a few
// issues at a time in parallel and preparing their documents there too,
// and writes in batches (rewriteEach): memory does not grow with the
// archive, and after a crash or a cancellation each batch is in the index
// entirely or not at all, and a second run finishes the work. It returns
// the number of articles whose themes or organisations changed in the
// batches it committed.
func (ix *Index) Retag(ctx context.Context, tax *ingest.Taxonomy) (changed int, err error) {
	if ix.ro {
		return 0, errors.New("retag: index is open read-only")
	}
	if tax == nil {
		return 0, errors.New("retag: no taxonomy")
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	sc, err := ix.openScan(ctx)
	if err != nil {
		return 0, fmt.Errorf("retag: %w", err)
	}
	defer sc.close() // nothing to report: reading is done
	changed, err = ix.rewriteEach(ctx, sc, func(iss *Issue) (rewrite, error) {
		r := retagIssue(iss, tax)
		if r.changed == 0 {
			return rewrite{}, nil
		}
		w, err := ix.writeOf(r.iss, r.old)
		return rewrite{w, r.changed}, err
	}, rewriteBatchDocs)
	if err != nil {
		return changed, fmt.Errorf("retag: %w", err)
	}
	if err := ix.setTaxonomy(taxonomyLabel(tax)); err != nil {
		return changed, fmt.Errorf("retag: %w", err)
	}
	if changed > 0 {
		if err := ix.compact(ctx); err != nil {
			return changed, fmt.Errorf("retag: %w", err)
		}
	}
	return changed, nil
}

// retagged is an issue tagged again, as it was, and the number of its
// articles that changed.
type retagged struct {
	iss, old *Issue
	changed  int
}

// retagIssue tags iss again with tax and this version's recognition rules.
func retagIssue(iss *Issue, tax *ingest.Taxonomy) retagged {
	old := *iss
	old.Articles = slices.Clone(iss.Articles)
	for i := range iss.Articles {
		iss.Articles[i].Recognise()
	}
	tax.TagIssue(&iss.Issue)
	n := 0
	for i, a := range iss.Articles {
		b := old.Articles[i]
		if !slices.Equal(b.Themes, a.Themes) || !slices.Equal(b.OrgDetails, a.OrgDetails) ||
			!slices.Equal(b.Organisations, a.Organisations) || b.District != a.District ||
			!slices.Equal(b.DistrictsMentioned, a.DistrictsMentioned) {
			n++
		}
	}
	return retagged{iss: iss, old: &old, changed: n}
}
