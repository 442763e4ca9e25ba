// Package query is what users of jianbao touch: it parses the search
// language (Parse) and the filters of a search (Params) into an
// index.Request, and serves searches, articles, issues and their source files
// over HTTP with an embedded web page (NewServer). In go the user's query and
// filters; out come index requests and JSON answers. It speaks only the types
// of package index and ingest; the index behind it is any Store.
package query
