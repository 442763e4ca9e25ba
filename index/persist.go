package index

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// write applies b to the index and waits until it is on disk.
//
// The index is opened with scorch's unsafe_batch (config), so that Batch
// returns once b is in the index's snapshot, and write waits for b's
// persisted callback itself. Left to Batch, that wait went wrong when
// persisting failed (a full disk): scorch closed the batch's segment while
// the snapshot still held it, and the next search of the process, or one
// under way, crashed it. This way the segment stays, scorch tries again,
// and the failure is seen in the count of failures of the background work
// (backgroundStats), with the cause storeWriteError finds.
func (ix *Index) write(ctx context.Context, b *bleve.Batch) error {
	before, _ := backgroundStats(ix.bi)
	persisted := make(chan struct{})
	var once sync.Once
	b.SetPersistedCallback(func(error) { once.Do(func() { close(persisted) }) })
	if err := ix.bi.Batch(b); err != nil {
		return err
	}
	tick := time.NewTicker(persistPoll)
	defer tick.Stop()
	for {
		select {
		case <-persisted:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			if st, _ := backgroundStats(ix.bi); st.failures > before.failures {
				return storeWriteError(ix.dir)
			}
			if ix.isClosed() {
				return errors.New("index closed before the write was on disk")
			}
		}
	}
}

// persistPoll is how often write looks for a failure while it waits.
const persistPoll = 20 * time.Millisecond

// setInternal records val under key and waits until it is on disk.
func (ix *Index) setInternal(key, val []byte) error {
	b := ix.bi.NewBatch()
	b.SetInternal(key, val)
	if err := ix.write(context.Background(), b); err != nil {
		return fmt.Errorf("write index %s: %w", ix.dir, err)
	}
	return nil
}

// isClosed reports whether Close has been called.
func (ix *Index) isClosed() bool {
	ix.life.RLock()
	defer ix.life.RUnlock()
	return ix.closed
}
