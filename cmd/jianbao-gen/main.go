// Command jianbao-gen writes an archive of synthetic bulletins, each with
// the record jianbao must make of it, for tests and benchmarks.
//
//	go run ./cmd/jianbao-gen -n 500 -seed 1 -out DIR
//
// DIR receives the bulletins and DIR/expected/<name>.json their expected
// records. The same -n and -seed always give the same files.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"jianbao/internal/synth"
)

func main() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) }

// Main runs the command with args and returns its exit status: 0 on
// success, 1 when the archive could not be written, 2 for bad usage.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("jianbao-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 500, "number of bulletins to generate")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same files")
	out := fs.String("out", "", "directory to write the bulletins into (required)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: jianbao-gen -n 500 -seed 1 -out DIR\n\n"+
			"Writes n synthetic bulletins into DIR and their expected records into DIR/expected.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || *n < 1 || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	files := synth.Generate(*n, *seed)
	if err := synth.Write(*out, files); err != nil {
		fmt.Fprintf(stderr, "jianbao-gen: %v\n", err)
		return 1
	}
	size := 0
	for _, f := range files {
		size += len(f.Data)
	}
	fmt.Fprintf(stdout, "wrote %d bulletins (%d bytes) to %s\n", len(files), size, *out)
	return 0
}
