// Package worker reads untrusted bulletin files in child processes, so that
// nothing a file does to the readers reaches the process that ingests or
// serves: a crash that recover cannot catch (the PDF library recursing
// until the Go runtime's stack overflow), a loop that never returns, memory
// without end.
//
// A Pool starts up to its number of workers, each the jianbao binary
// re-executed in its hidden worker mode (Serve), and reuses them. A worker
// reads one file at a time and sends back its record over a pipe. The
// kernel bounds each worker: the memory it writes to (RLIMIT_DATA) and its CPU
// seconds for each file, scaled by the file's pages (RLIMIT_CPU); the pool
// kills one that runs over its wall-clock time. A worker that crashes,
// overruns or is killed takes only its file with it: the file fails with a
// plain reason ("the PDF library crashed: stack overflow", "over the memory
// limit of 1 GiB", "over the time limit of 2m0s") and the next file gets a
// new worker.
//
// The protocol, over two pipes given to the worker as file descriptors 3
// (requests) and 4 (answers), is a stream of JSON values each way: a hello
// with the worker's settings, then one request per file; the worker
// answers each with progress messages for a PDF (its format, then its
// pages) and a final one with the record or the reason there is none.
package worker
