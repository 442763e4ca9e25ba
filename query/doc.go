// Package query is what users of jianbao touch: it parses the search
// language (Parse) and the filters of a search (Params) into an
// index.Request, and serves searches, articles, issues and their source files
// over HTTP with an embedded web page (NewServer). In go the user's query and
// filters; out come index requests and JSON answers, and for researchers
// citations of articles (References, WriteCitations: GB/T 7714, RIS, BibTeX,
// CSL-JSON), a search as an Atom feed (WriteFeed) and its concordance
// (ComputeConcordance). It speaks only the types of package index and
// ingest; the index behind it is any Store.
package query
