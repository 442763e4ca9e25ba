// Command jianbao turns an archive of Chinese government bulletins into
// structured records and a full-text index, and searches it.
package main

import "os"

func main() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) }
