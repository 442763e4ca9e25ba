package archive

import (
	"context"
	"os"
	"sync"

	"jianbao/ingest"
)

// bytesPerReader is how much input makes another reader worth starting:
// a reader may be a worker process, whose start costs about what reading
// a megabyte of bulletins does, and a small batch is read while the word
// segmenter loads anyway.
const bytesPerReader = 1 << 20

// readers returns how many files to read at once: one per bytesPerReader
// of the files, at most max.
func readers(max int, files map[string]os.FileInfo) int {
	var total int64
	for _, st := range files {
		total += st.Size()
	}
	return int(min(int64(max), 1+total/bytesPerReader))
}

// readAll reads paths with n goroutines and yields the results in the order
// they finish, holding up to ahead of them that the caller has not taken
// yet: reading goes on while the caller writes what it took. The channel is
// closed once every goroutine has returned: after the last file, or soon
// after ctx ends.
func readAll(ctx context.Context, reader FileReader, paths []string, n, ahead int) <-chan ingest.FileResult {
	in := make(chan string)
	out := make(chan ingest.FileResult, max(n, ahead))
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for p := range in {
				r := reader.ReadFile(ctx, p)
				select {
				case out <- r:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	wg.Go(func() {
		defer close(in)
		for _, p := range paths {
			select {
			case in <- p:
			case <-ctx.Done():
				return
			}
		}
	})
	go func() { wg.Wait(); close(out) }()
	return out
}

// ReadInOrder reads files with reader, n at a time, and yields the results
// in the order of files. It stops starting reads when ctx ends; the
// channel is closed once every read has returned, so a caller that stops
// early cancels ctx and drains the channel.
func ReadInOrder(ctx context.Context, reader FileReader, files []string, n int) <-chan ingest.FileResult {
	n = max(n, 1)
	pending := make(chan chan ingest.FileResult, n)
	out := make(chan ingest.FileResult)
	go func() {
		defer close(pending)
		for _, f := range files {
			if ctx.Err() != nil {
				return
			}
			r := make(chan ingest.FileResult, 1)
			pending <- r
			go func() { r <- reader.ReadFile(ctx, f) }()
		}
	}()
	go func() {
		defer close(out)
		for r := range pending {
			out <- <-r
		}
	}()
	return out
}

// readAhead is how many files are read ahead of the index writer: about
// as many as its next batch of batchDocs documents takes (a bulletin has a
// few articles), so that the next batch is read while one is written.
func readAhead(batchDocs int) int {
	return batchDocs / 4
}
