package archive

import (
	"context"
	"time"
)

// Ingester brings an index up to date with files: an Archive, or what
// wraps one (a server prepares its searches after each ingest).
type Ingester interface {
	Ingest(ctx context.Context, paths []string, opts Options) (*Summary, error)
}

// Watch ingests the bulletins under dirs (Expand) with ing now and then
// every interval, until ctx is done. A file that failed is not read again
// until its size or time changes (Options.SkipFailed). After each round
// that ctx did not end, report is called with the round's summary, or its
// error: an ingest that failed is tried again at the next round. Watch
// returns once ctx is done and the round under way has ended.
func Watch(ctx context.Context, ing Ingester, dirs []string, interval time.Duration, report func(*Summary, error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		// Arguments that name nothing now may name files at the next round.
		files, _ := Expand(dirs)
		sum, err := ing.Ingest(ctx, files, Options{SkipFailed: true})
		if ctx.Err() != nil {
			return
		}
		report(sum, err)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
