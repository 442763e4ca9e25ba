package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

type backupOptions struct {
	index string
	dest  string
}

func newBackupCmd(a *app) *cobra.Command {
	opts := backupOptions{}
	cmd := &cobra.Command{
		Use:   "backup DEST",
		Short: "Copy the index into a new directory, also while it is served",
		Long: `backup writes a consistent copy of the index, as it is when the command
starts, into DEST, a directory that must not exist yet. When a jianbao serve
owns the index, the server makes the copy and goes on serving and ingesting
meanwhile. The copy is written beside DEST and renamed once complete, so DEST
is never half a copy. It is a whole index: copy it to another machine and
serve it there with 'jianbao serve --read-only --index DEST' (see
docs/serving.md for read-only replicas behind a load balancer).`,
		Example: `  jianbao backup /backup/jianbao-$(date +%F)
  jianbao backup --index /srv/jianbao-data /srv/replica-next`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errors.New("backup needs one DEST directory")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dest = args[0]
			return runBackup(cmd.Context(), a, opts)
		},
	}
	addIndexFlag(cmd.Flags(), &opts.index)
	return cmd
}

func runBackup(ctx context.Context, a *app, opts backupOptions) error {
	start := time.Now()
	src := indexDir(opts.index)
	ix, server, err := openReader(src, "jianbao backup", a)
	if err != nil {
		return err
	}
	if server != nil {
		err = server.Backup(ctx, opts.dest)
	} else {
		defer ix.Close()
		err = ix.Backup(opts.dest)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.out, "%s: copied into %s (%.1fs)\n", src, opts.dest, time.Since(start).Seconds())
	return nil
}
