package query

import "jianbao/ingest"

// ocrNote returns the note of page of src when the page was read by OCR,
// so that readers can tell text to check against the scan; nil otherwise.
func ocrNote(src ingest.Source, page int) *ingest.PageNote {
	for _, n := range src.PageNotes {
		if n.Page == page && n.Status == ingest.PageStatusOCR {
			return &n
		}
	}
	return nil
}
