package index

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"jianbao/ingest"
)

// retagBatchDocs is the number of documents Retag writes at once.
const retagBatchDocs = 2000

// Retag applies the taxonomy tax to every stored issue, from the stored
// records (the source files are not read), with the organisations,
// districts and reporting district found again by this version's rules
// (ingest.Article.Recognise), and rewrites the issues whose articles
// change. It reads the index in one pass over a snapshot, an issue at a
// time, and writes in batches: memory does not grow with the archive, and
// after a crash or a cancellation each batch is in the index entirely or
// not at all, and a second run finishes the work. It returns the number of
// articles whose themes or organisations changed in the batches it
// committed.
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
	b := ix.NewBatch()
	pending := 0 // changed articles in b
	var before []ingest.Article
	err = sc.eachIssue(ctx, nil, func(iss *Issue) error {
		before = append(before[:0], iss.Articles...)
		for i := range iss.Articles {
			iss.Articles[i].Recognise()
		}
		tax.TagIssue(&iss.Issue)
		n := 0
		for i, a := range iss.Articles {
			b := before[i]
			if !slices.Equal(b.Themes, a.Themes) || !slices.Equal(b.OrgDetails, a.OrgDetails) ||
				!slices.Equal(b.Organisations, a.Organisations) || b.District != a.District ||
				!slices.Equal(b.DistrictsMentioned, a.DistrictsMentioned) {
				n++
			}
		}
		if n == 0 {
			return nil
		}
		old := *iss
		old.Articles = before
		if err := b.replace(iss, &old); err != nil {
			return fmt.Errorf("retag: %w", err)
		}
		pending += n
		if b.Len() >= retagBatchDocs {
			if err := ix.Commit(ctx, b); err != nil {
				return fmt.Errorf("retag: %w", err)
			}
			changed, pending = changed+pending, 0
		}
		return nil
	})
	if err != nil {
		return changed, err
	}
	if err := ix.Commit(ctx, b); err != nil {
		return changed, fmt.Errorf("retag: %w", err)
	}
	changed += pending
	if err := ix.setTaxonomy(taxonomyLabel(tax)); err != nil {
		return changed, fmt.Errorf("retag: %w", err)
	}
	if changed > 0 {
		ix.compact(ctx)
	}
	return changed, nil
}
