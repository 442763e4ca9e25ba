package index

import "context"

// rewriteBatchDocs is the number of documents Retag and Reindex write at
// once.
const rewriteBatchDocs = 2000

// rewrite is the write that remaking one issue leaves to make, and what
// it counts for; a write of no documents is skipped.
type rewrite struct {
	w issueWrite
	n int
}

// rewriteEach reads the issues of sc in one pass, in index order, and
// writes into ix what remake makes of each. remake runs on the goroutines
// that read the issues, in parallel, and so prepares the documents of the
// write on every CPU. The writes are committed in batches of whole issues,
// each of batchDocs documents or a little more, so that after a crash or a
// cancellation each batch is in ix entirely or not at all. It returns the
// sum of the counts of the writes in the batches it committed.
func (ix *Index) rewriteEach(ctx context.Context, sc *scan, remake func(*Issue) (rewrite, error), batchDocs int) (int, error) {
	b := ix.NewBatch()
	done, pending := 0, 0 // counts committed, and in b
	err := eachIssueOf(ctx, sc, nil, remake, func(r rewrite) error {
		if len(r.w.docs) == 0 && len(r.w.deletes) == 0 {
			return nil
		}
		if err := b.apply(r.w); err != nil {
			return err
		}
		pending += r.n
		if b.Len() < batchDocs {
			return nil
		}
		if err := ix.Commit(ctx, b); err != nil {
			return err
		}
		done, pending = done+pending, 0
		return nil
	})
	if err != nil {
		return done, err
	}
	if err := ix.Commit(ctx, b); err != nil {
		return done, err
	}
	return done + pending, nil
}
