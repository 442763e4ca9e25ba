package archive

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"jianbao/ingest"
)

// Expand turns paths as a user gives them into bulletin files: a directory
// gives its .txt and .pdf files, recursively; a pattern that names no file
// is expanded as a glob. It returns the files, sorted and without
// duplicates, and the arguments that gave none.
func Expand(args []string) (files, missing []string) {
	for _, arg := range args {
		before := len(files)
		matches := []string{arg}
		if _, err := os.Stat(arg); err != nil {
			// A malformed pattern matches nothing: the argument is missing.
			matches, _ = filepath.Glob(arg)
		}
		for _, m := range matches {
			st, err := os.Stat(m)
			switch {
			case err != nil:
			case st.IsDir():
				// A directory that cannot be read in part gives what
				// can be read; the rest is not there to ingest.
				_ = filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
					if err == nil && !d.IsDir() && IsBulletinFile(p) {
						files = append(files, p)
					}
					return nil
				})
			default:
				files = append(files, m)
			}
		}
		if len(files) == before {
			missing = append(missing, arg)
		}
	}
	slices.Sort(files)
	return slices.Compact(files), missing
}

// IsBulletinFile reports whether the name of the file at p is that of a
// bulletin: .txt or .pdf, in any case.
func IsBulletinFile(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == "."+ingest.FormatTXT || ext == "."+ingest.FormatPDF
}
