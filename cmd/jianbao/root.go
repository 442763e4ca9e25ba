package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // some input failed; the rest was processed
	exitUsage   = 2 // the command line was wrong
)

// errSomeFailed reports that a command processed its inputs but at least one
// of them failed; the failures were already reported.
var errSomeFailed = errors.New("some inputs failed")

// usageError marks an error in the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// app carries what every command needs: where output goes and the logger.
type app struct {
	out, errOut io.Writer
	log         *slog.Logger
	prof        profiles
}

// Main runs the jianbao command line with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	a := &app{out: stdout, errOut: stderr,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if perr := a.prof.stop(); perr != nil && err == nil {
		err = perr
	}
	return exitCode(err, stderr)
}

// exitCode maps an error to the process exit code, printing it if the
// command has not already reported it.
func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errSomeFailed):
		return exitFailure
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "jianbao: %v\nRun 'jianbao --help' for usage.\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "jianbao: %v\n", err)
		return exitFailure
	}
}

func newRootCmd(a *app) *cobra.Command {
	var verbose bool
	root := &cobra.Command{
		Use:   "jianbao",
		Short: "Structure and search an archive of Chinese government bulletins",
		Long: `jianbao turns an archive of bulletins such as 首都精神文明建设情况简报 (PDF and
TXT files) into structured records and a full-text index, and searches it.`,
		Example: `  jianbao parse testdata/sample/bulletin-2021-014.txt
  jianbao parse --format json testdata/sample/*.txt`,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if verbose {
				a.log = slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
			}
			return a.prof.start()
		},
	}
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log progress and details to stderr")
	root.PersistentFlags().StringVar(&a.prof.cpuPath, "cpuprofile", "", "write a CPU profile of the command to `FILE` (go tool pprof), and one of each worker process that reads files to FILE.worker-PID")
	root.PersistentFlags().StringVar(&a.prof.memPath, "memprofile", "", "write a memory profile (allocations and live heap at the end) to `FILE`")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newParseCmd(a))
	root.AddCommand(newDoctorCmd(a))
	root.AddCommand(newIngestCmd(a))
	root.AddCommand(newSearchCmd(a))
	root.AddCommand(newReindexCmd(a))
	root.AddCommand(newServeCmd(a))
	root.AddCommand(newShowCmd(a))
	root.AddCommand(newTrendCmd(a))
	root.AddCommand(newStatsCmd(a))
	root.AddCommand(newExportCmd(a))
	root.AddCommand(newRetagCmd(a))
	root.AddCommand(newBackupCmd(a))
	root.AddCommand(newWorkerCmd(a))
	root.AddCommand(newCiteCmd(a))
	root.AddCommand(newKWICCmd(a))
	return root
}
