package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/live"
	"jianbao/segment"
)

// defaultIndexDir is the index used when neither --index nor
// $JIANBAO_INDEX names one.
const defaultIndexDir = "jianbao-data"

// indexDir returns the index directory: the flag, else $JIANBAO_INDEX,
// else ./jianbao-data.
func indexDir(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv("JIANBAO_INDEX"); env != "" {
		return env
	}
	return defaultIndexDir
}

type ingestOptions struct {
	index  string
	read   readerOptions
	prune  bool
	json   bool
	dict   string
	batch  int
	themes string
	paths  []string
}

func newIngestCmd(a *app) *cobra.Command {
	opts := ingestOptions{}
	cmd := &cobra.Command{
		Use:   "ingest PATH...",
		Short: "Add bulletin files to the search index, or bring it up to date",
		Long: `ingest parses bulletin files (.txt and .pdf; directories are searched
recursively, and glob patterns are expanded) and writes their records into the
index. It is incremental: a file whose size, time and content are unchanged is
skipped without parsing, a changed file replaces its issue's articles, and the
TXT and the PDF of one issue make one issue that lists both files. With
--prune, files that no longer exist are removed from the index, and issues left
without files too. A file that fails is reported and the others go on; the
exit status is then 1.

Every file is read in a worker process of its own (--workers at once), with
bounds the kernel enforces: a file that crashes the reader, or takes more
than --max-memory, --max-cpu or --max-time, fails with that reason and
nothing else is lost. Failed files are listed by jianbao stats until they
are ingested.

The index is --index, else $JIANBAO_INDEX, else ./jianbao-data; it is created
if missing. --dict adds a user dictionary of words (one a line, optionally
with a frequency) to the word segmentation used for ranking; it is kept in
the index, and changing it needs jianbao reindex. --themes tags the articles
with the theme taxonomy of FILE instead of the built-in one; jianbao retag
applies a taxonomy to what is already in the index.`,
		Example: `  jianbao ingest archive/
  jianbao ingest --index /srv/jianbao 'archive/2021/*.pdf' archive/2022
  jianbao ingest --prune --json archive/ > last-run.json   # from cron`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("ingest needs at least one PATH")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.paths = args
			return runIngest(cmd, a, opts)
		},
	}
	addIndexFlag(cmd.Flags(), &opts.index)
	addReaderFlags(cmd.Flags(), &opts.read)
	cmd.Flags().BoolVar(&opts.prune, "prune", false, "remove files that no longer exist, and issues left without files")
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the summary as JSON")
	cmd.Flags().IntVar(&opts.batch, "batch-docs", 2000, "documents written to the index at once")
	cmd.Flags().StringVar(&opts.dict, "dict", "", "user dictionary `FILE` for the word segmentation")
	cmd.Flags().StringVar(&opts.themes, "themes", "", "theme taxonomy `FILE` to tag articles with (default: the built-in one)")
	return cmd
}

func runIngest(cmd *cobra.Command, a *app, opts ingestOptions) error {
	defer collectLess(writeGCPercent, writeMemoryLimit)()
	if err := opts.read.check(); err != nil {
		return err
	}
	words, err := readDict(opts.dict)
	if err != nil {
		return err
	}
	themes, err := loadThemes(opts.themes)
	if err != nil {
		return err
	}
	files, missing := archive.Expand(opts.paths)
	dir := indexDir(opts.index)
	start := time.Now()
	ix, err := index.Open(dir, index.Options{Logger: a.log, Create: true, Words: words, Command: "jianbao ingest"})
	var inUse *index.InUseError
	if errors.As(err, &inUse) {
		// A `jianbao serve` owns the index: hand the files to it.
		if themes != nil {
			if _, ferr := live.FindServer(dir); ferr == nil {
				return fmt.Errorf("%w: the server tags with its own taxonomy, stop it to ingest with --themes", err)
			}
		}
		sum, herr := ingestViaServer(cmd.Context(), dir, files, opts.prune)
		if herr == nil {
			a.log.Debug("ingested through the server that owns the index", "index", dir)
			return reportIngest(a, opts, dir, sum, missing, start)
		}
		if !errors.Is(herr, live.ErrNoServer) {
			return herr
		}
	}
	if err != nil {
		return err
	}
	defer ix.Close()

	opts.read.ocrCache = cmp.Or(opts.read.ocrCache, filepath.Join(dir, index.OCRCacheName))
	pool, err := newPool(a, opts.read, themes)
	if err != nil {
		return err
	}
	defer pool.Close()
	prog := newProgress(a.errOut)
	sum, err := archive.Ingest(cmd.Context(), ix, files, archive.Options{
		Workers: opts.read.workers, Prune: opts.prune, Progress: prog.update, BatchDocs: opts.batch,
		Reader: pool, Themes: themes, Logger: a.log,
	})
	prog.done()
	if err != nil {
		return err
	}
	if err := ix.Close(); err != nil {
		return err
	}
	return reportIngest(a, opts, dir, sum, missing, start)
}

// reportIngest prints the summary of an ingest, as JSON with --json, and
// the failures; it returns errSomeFailed when any file failed.
func reportIngest(a *app, opts ingestOptions, dir string, sum *archive.Summary, missing []string, start time.Time) error {
	for _, m := range missing {
		sum.Failed++
		sum.Failures = append(sum.Failures, archive.Failure{Path: m, Err: "no such file or directory, or no .txt/.pdf file in it"})
	}
	if opts.json {
		enc := json.NewEncoder(a.out)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(a.out, "%s: %d added, %d updated, %d unchanged, %d failed", dir, sum.Added, sum.Updated, sum.Unchanged, sum.Failed)
		if opts.prune {
			fmt.Fprintf(a.out, ", %d pruned", sum.Pruned)
		}
		fmt.Fprintf(a.out, "; %d issues in the index (%.1fs)\n", sum.Issues, time.Since(start).Seconds())
		if sum.StaleThemes != "" {
			fmt.Fprintf(a.errOut, "warning: %s\n", sum.StaleThemes)
		}
		if sum.Warnings > 0 {
			fmt.Fprintf(a.errOut, "%d problems inside bulletins were worked around (see them with -v or jianbao parse)\n", sum.Warnings)
		}
	}
	if sum.Failed > 0 {
		for _, f := range sum.Failures {
			fmt.Fprintf(a.errOut, "error: %s: %s\n", f.Path, strings.TrimPrefix(f.Err, f.Path+": "))
		}
		fmt.Fprintf(a.errOut, "%d files failed\n", sum.Failed)
		return errSomeFailed
	}
	return nil
}

// readDict reads a user dictionary; "" means none.
func readDict(path string) ([]segment.Word, error) {
	if path == "" {
		return nil, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read dictionary: %w", err)
	}
	words, err := segment.ParseDict(string(src))
	if err != nil {
		return nil, fmt.Errorf("dictionary %s: %w", path, err)
	}
	return words, nil
}

// progress reports ingest progress: a bar redrawn in place on a terminal,
// a plain line every few seconds otherwise.
type progress struct {
	w     io.Writer
	tty   bool
	last  time.Time
	shown bool
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, last: time.Now()}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(done, total int) {
	now := time.Now()
	if p.tty {
		if now.Sub(p.last) < 100*time.Millisecond && done != total {
			return
		}
		const width = 30
		fill := width * done / max(total, 1)
		fmt.Fprintf(p.w, "\r[%s%s] %d/%d files", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, total)
		p.shown = true
	} else {
		if now.Sub(p.last) < 5*time.Second && done != total {
			return
		}
		fmt.Fprintf(p.w, "ingest: %d/%d files parsed\n", done, total)
	}
	p.last = now
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.w)
	}
}
