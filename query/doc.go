// Package query is jianbao's search language. It parses a user's query
// (Parse) and the filters of a search (Params, also read from and written
// to URL parameters) into an index.Request, and runs it on any Searcher
// (Search), answering with a Response. In go the query and filters as a
// user states them; out come index requests, or positioned *SyntaxError
// and *ParamError values and ErrTooLarge that say what is wrong with them.
// It speaks only the types of packages index and ingest, and knows nothing
// of HTTP: the server is package server, its client package live.
package query
