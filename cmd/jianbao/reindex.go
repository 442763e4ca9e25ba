package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"jianbao/index"
)

type reindexOptions struct {
	index string
	dict  string
}

func newReindexCmd(a *app) *cobra.Command {
	opts := reindexOptions{}
	cmd := &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the index from its stored records",
		Long: `reindex rebuilds the index with this version of jianbao (its schema,
analyzers and dictionaries) from the records stored in it; the source files
are not read. Run it when jianbao says the index was built by another version,
or to change the user dictionary (--dict). The new index replaces the old one
only when it is complete.`,
		Example: `  jianbao reindex --index /srv/jianbao
  jianbao reindex --dict words.txt`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 0 {
				return usageError{errors.New("reindex takes no arguments")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runReindex(cmd.Context(), a, opts) },
	}
	addIndexFlag(cmd.Flags(), &opts.index)
	cmd.Flags().StringVar(&opts.dict, "dict", "", "user dictionary `FILE` to use from now on (default: the index's)")
	return cmd
}

func runReindex(ctx context.Context, a *app, opts reindexOptions) error {
	defer collectLess(writeGCPercent, writeMemoryLimit)()
	words, err := readDict(opts.dict)
	if err != nil {
		return err
	}
	dir := indexDir(opts.index)
	n, err := index.Reindex(ctx, dir, index.Options{Logger: a.log, Words: words, Command: "jianbao reindex"})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.out, "%s: reindexed %d issues\n", dir, n)
	return nil
}
