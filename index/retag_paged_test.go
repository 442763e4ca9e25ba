package index

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"jianbao/ingest"
)

// retagPaged is Retag as earlier versions did it, the reference that the
// streaming Retag is compared with (TestRetagAsPaged) and measured against
// (BenchmarkRetag): the issue list, then each issue read by Issue and
// written by Put.
func (ix *Index) retagPaged(ctx context.Context, tax *ingest.Taxonomy) (changed int, err error) {
	if ix.ro {
		return 0, errors.New("retag: index is open read-only")
	}
	if tax == nil {
		return 0, errors.New("retag: no taxonomy")
	}
	issues, err := ix.Issues(ctx)
	if err != nil {
		return 0, fmt.Errorf("retag: %w", err)
	}
	b := ix.NewBatch()
	pending := 0 // changed articles in b
	for _, it := range issues {
		if err := ctx.Err(); err != nil {
			return changed, err
		}
		iss, err := ix.Issue(ctx, it.ID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return changed, fmt.Errorf("retag: %w", err)
		}
		before := slices.Clone(iss.Articles)
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
			continue
		}
		if err := b.Put(ctx, iss); err != nil {
			return changed, fmt.Errorf("retag: %w", err)
		}
		pending += n
		if b.Len() >= rewriteBatchDocs {
			if err := ix.Commit(ctx, b); err != nil {
				return changed, fmt.Errorf("retag: %w", err)
			}
			changed, pending = changed+pending, 0
		}
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
