// Package report turns searches into what researchers and analysts take
// away: counts of a search per period (ComputeTrend, with its table, CSV
// and SVG chart), an overview of the archive (ComputeStats), the
// concordance of a search (ComputeConcordance, with its CSV), citations of
// articles (References, WriteCitations: GB/T 7714, RIS, BibTeX, CSL-JSON),
// a search as an Atom feed (WriteFeed), an article with the fields needed
// to cite it (FindArticle) and CSV that spreadsheets cannot run
// (CSVWriter). In go a query.Params and an index (any Searcher or
// IssueStore); out come values and their text forms. The command line and
// the server (package server) share it; it has no HTTP of its own.
package report
