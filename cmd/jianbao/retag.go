package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"jianbao/index"
	"jianbao/ingest"
)

type retagOptions struct {
	index  string
	themes string
}

func newRetagCmd(a *app) *cobra.Command {
	opts := retagOptions{}
	cmd := &cobra.Command{
		Use:   "retag",
		Short: "Re-apply a theme taxonomy and the organisation rules to every article of the index",
		Long: `retag tags every article of the index again with the theme taxonomy of
--themes FILE (default: the one built into jianbao), and finds its
organisations (with their types), districts and reporting district again
with this version's rules, from the records stored in the index; the source
files are not read. Run it after changing the taxonomy, and after upgrading
jianbao (after 'jianbao reindex' when it asks for one), so that theme:,
orgtype: and orgname: searches, trends and stats follow the new rules.
Issues whose articles do not change are left alone. The index is read in one
pass, an issue at a time, and written in batches, so memory does not grow
with the archive; an interrupted retag leaves each batch complete or absent,
and running it again finishes the work.

The taxonomy file is TOML; see 'jianbao show ID --why' for the rules that
tagged an article. ingest and parse take the same --themes flag. A running
jianbao serve owns the index: stop it for the retag.`,
		Example: `  jianbao retag --themes my-themes.toml
  jianbao retag --index /srv/jianbao          # back to the built-in taxonomy
  jianbao retag --themes my-themes.toml && jianbao stats`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 0 {
				return usageError{errors.New("retag takes no arguments")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runRetag(cmd.Context(), a, opts) },
	}
	addIndexFlag(cmd.Flags(), &opts.index)
	cmd.Flags().StringVar(&opts.themes, "themes", "", "theme taxonomy `FILE` (TOML; default: the built-in one)")
	return cmd
}

func runRetag(ctx context.Context, a *app, opts retagOptions) error {
	tax, err := loadThemes(opts.themes)
	if err != nil {
		return err
	}
	if tax == nil {
		tax = ingest.DefaultTaxonomy()
	}
	dir := indexDir(opts.index)
	ix, err := index.Open(dir, index.Options{Logger: a.log, Command: "jianbao retag"})
	var inUse *index.InUseError
	if errors.As(err, &inUse) {
		return fmt.Errorf("%w: retag writes the index itself, stop the server and run it again", err)
	}
	if err != nil {
		return err
	}
	defer ix.Close()
	n, err := ix.Retag(ctx, tax)
	if err != nil {
		return err
	}
	if err := ix.Close(); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "%s: themes or organisations of %d articles changed (taxonomy %s, %d themes)\n", dir, n, orDash(tax.Version), len(tax.Themes))
	return nil
}

// loadThemes reads the taxonomy file of a --themes flag; "" gives nil, which
// means the built-in taxonomy.
func loadThemes(path string) (*ingest.Taxonomy, error) {
	if path == "" {
		return nil, nil
	}
	tax, err := ingest.LoadTaxonomy(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("--themes: %w", err)}
	}
	return tax, nil
}
