package index

import (
	"jianbao/ingest"
)

// What the benchmarks of package index_test (which ingest through package
// archive, and so cannot be in package index) need of its internals.

// TextsInMemory returns the bytes of search text that ix keeps in memory.
func TextsInMemory(ix *Index) int { return ix.paths.texts.size() }

// SetPublic makes ix search through bleve's public API only (public), or
// through its fast path where it can.
func SetPublic(ix *Index, public bool) { ix.paths.public = public }

// BenchText is searchText, for the benchmarks.
func BenchText(a *ingest.Article) string { return searchText(a) }

// searchText is the normalised text of an article as a search sees it:
// headline, attribution and body, separated.
func searchText(a *ingest.Article) string {
	return ingest.MatchText(a.Headline) + "\x1f" + ingest.MatchText(a.SourceOrg) + "\x1f" + ingest.MatchText(a.Body)
}
