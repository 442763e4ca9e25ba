// Package server serves an index over HTTP: the JSON API, the source files
// of issues and the embedded web page (NewHandler, NewServer, Serve), with
// one table from errors to statuses, checks of the Host header and of the
// origin of writes, and limits on every request. Searches are parsed by
// package query and their answers computed by package report; the
// endpoints through which other jianbao processes hand their ingests and
// backups to the server (POST /api/ingest, /api/backup) are here, their
// client is package live. In go HTTP requests and a Store (*index.Index);
// out come JSON, CSV, SVG, Atom and the files.
package server
