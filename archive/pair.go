package archive

import (
	"cmp"
	"slices"

	"jianbao/index"
	"jianbao/ingest"
)

// merge adds the record iss read from file f to cur (nil for a new issue).
// The primary record is the TXT's (exact text) when there is one, else the
// PDF's; a PDF's page numbers are kept on the articles of the same ID.
func merge(cur *index.Issue, iss *ingest.Issue, f index.File) *index.Issue {
	if cur == nil {
		return &index.Issue{Issue: *iss, Files: []index.File{f}}
	}
	files := slices.DeleteFunc(slices.Clone(cur.Files), func(x index.File) bool { return x.Path == f.Path })
	files = append(files, f)
	slices.SortFunc(files, func(a, b index.File) int { return cmp.Compare(a.Path, b.Path) })
	newPrimary := cur.Source.Path == f.Path || rank(f.Format) < rank(cur.Source.Format) ||
		(rank(f.Format) == rank(cur.Source.Format) && f.Path < cur.Source.Path)
	var out index.Issue
	pages := map[string]int{}
	if newPrimary {
		out.Issue = *iss
		for _, a := range cur.Articles {
			pages[a.ID] = a.Page
		}
	} else {
		out.Issue = cur.Issue
		out.Articles = slices.Clone(cur.Articles)
		if f.Format == ingest.FormatPDF {
			for _, a := range iss.Articles {
				pages[a.ID] = a.Page
			}
		}
	}
	for i, a := range out.Articles {
		if a.Page == 0 && pages[a.ID] > 0 {
			out.Articles[i].Page = pages[a.ID]
		}
	}
	out.Files = files
	return &out
}

// rank orders the formats of one issue's files: the TXT's record is the
// primary one.
func rank(format string) int {
	if format == ingest.FormatTXT {
		return 0
	}
	return 1
}
