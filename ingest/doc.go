// Package ingest turns bulletin files into Issue records.
//
// The pipeline has four stages, each usable on its own:
//
//	Decode     bytes of a TXT file → text (UTF-8 with or without BOM, GB18030/GBK)
//	readPDF    bytes of a PDF → the text of each page, laid out in lines, with
//	           pdftotext and tesseract as fallbacks for garbled or scanned pages
//	Normalise  text → Lines: spaces that extraction puts between CJK
//	           characters, digits and Latin letters removed, page furniture dropped
//	Structure  Lines → Issue: header, sections, articles, footer
//
// Parse and ParseFile run them all and tag the articles with the themes of a
// Taxonomy (themes.toml by default). Structure keeps going past a damaged part
// and returns the partial Issue with an ErrorList of positioned problems; a
// text with no recognisable bulletin header is an error wrapping
// ErrNotBulletin.
package ingest
