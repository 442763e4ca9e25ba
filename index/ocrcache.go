package index

// OCRCacheName is the directory of an index that keeps the OCR of scanned
// pages by page image, so that re-ingesting a scan, or another file with the
// same pages, does not read them again.
const OCRCacheName = "ocr-cache"
