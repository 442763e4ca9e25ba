package ingest

// Issue is one bulletin: its header, footer, distribution lists and articles.
// It is the record of record-schema.md; field names and JSON tags are a
// contract with researchers' scripts and must not change.
type Issue struct {
	ID           string       `json:"id"` // year of Date + "-" + 3-digit issue, e.g. "2021-014"; "2021-zk01" (专刊), "2021-zengk01" (增刊)
	Title        string       `json:"title"`
	Issue        int          `json:"issue"`                 // 第 N 期
	TotalIssue   int          `json:"total_issue,omitempty"` // (总第 N 期); 0 when absent
	Special      string       `json:"special"`               // "专刊", "增刊", a named special issue, or ""
	Issuer       string       `json:"issuer"`
	Date         string       `json:"date"` // ISO 8601, YYYY-MM-DD
	Editor       string       `json:"editor,omitempty"`
	Reviewer     string       `json:"reviewer,omitempty"`
	Contact      Contact      `json:"contact"`
	Distribution Distribution `json:"distribution"`
	Source       Source       `json:"source"`
	Articles     []Article    `json:"articles"`
}

// Contact holds the footer's contact fields; absent fields are empty.
type Contact struct {
	Phone string `json:"phone,omitempty"`
	Fax   string `json:"fax,omitempty"`
	Email string `json:"email,omitempty"`
}

// Distribution holds the 报 / 送 / 发 lists of the footer, in their order.
type Distribution struct {
	ReportTo []string `json:"report_to,omitempty"` // 报
	SendTo   []string `json:"send_to,omitempty"`   // 送
	IssueTo  []string `json:"issue_to,omitempty"`  // 发
}

// Source says where a record came from.
type Source struct {
	Path   string `json:"path"`
	Format string `json:"format"` // "txt" or "pdf"
	SHA256 string `json:"sha256"` // hex digest of the file's bytes
	Pages  int    `json:"pages"`  // pages of a PDF; 0 for TXT
	// PageNotes lists the PDF pages that were not read from their text
	// layer: recovered by a fallback, or missing.
	PageNotes []PageNote `json:"page_notes,omitempty"`
	// Corrections lists what was changed in text read by OCR to recover
	// the structure of the bulletin, in order of page and line.
	Corrections []Correction `json:"corrections,omitempty"`
}

// Kinds of Correction.
const (
	CorrectSection      = "section"      // a section heading's brackets or name
	CorrectAttribution  = "attribution"  // an attribution line's brackets
	CorrectPageNumber   = "page-number"  // a misread page number, dropped
	CorrectNoise        = "noise"        // a speck read as a line of its own, dropped
	CorrectRunningHead  = "running-head" // the title repeated atop a later page, misread, dropped
	CorrectMasthead     = "masthead"     // 第N期 or the date of the masthead
	CorrectDistrict     = "district"     // a district name one character off
	CorrectOrganisation = "organisation" // a gazetteer name one character off
	CorrectFooter       = "footer"       // a footer's key (责编:, 核稿:) one character off
)

// Correction is one change made to text read by OCR.
type Correction struct {
	Page int    `json:"page"`           // 1-based PDF page
	Line int    `json:"line,omitempty"` // 1-based line of the OCR text of the page, when known
	Kind string `json:"kind"`           // one of the Correct* kinds
	From string `json:"from"`           // the text as read
	To   string `json:"to"`             // the text after correction; "" for a dropped line
}

// PageNote records how one page of a PDF was read when its text layer could
// not be used as it was.
type PageNote struct {
	Page   int    `json:"page"`   // 1-based
	Status string `json:"status"` // "pdftotext", "ocr" or "missing"
	Reason string `json:"reason"`
	// Confidence is tesseract's mean word confidence of an OCR page, 0–100,
	// weighted by characters; Doubtful the share of its characters in words
	// read with confidence under 60.
	Confidence float64 `json:"confidence,omitempty"`
	Doubtful   float64 `json:"doubtful,omitempty"`
	// LowConfidence is set when Confidence is under ingest.LowConfidence
	// (75): the page's text needs checking against the scan.
	LowConfidence bool `json:"low_confidence,omitempty"`
	// Cleaned says how the page image was cleaned before it was read, when
	// that read it better: "stretched" (a faded page's grey levels
	// stretched), "despeckled" (speckle noise removed), "thickened"
	// (strokes broken by a copier mended), "widened" (thin horizontal
	// strokes a low resolution or a blur broke, joined), "softened"
	// (widened, then blurred into grey), or several of them joined by "+".
	Cleaned string `json:"cleaned,omitempty"`
	// Skew is the angle in degrees by which the page's lines descended to
	// the right (negative: rose) and the page was turned to level them
	// before it was read; 0 for a level page.
	Skew float64 `json:"skew,omitempty"`
}

// Article is one item of a bulletin, closed by its attribution line.
type Article struct {
	ID                 string   `json:"id"`  // issue ID + "-" + 2-digit Seq
	Seq                int      `json:"seq"` // from 1, in order of appearance
	Section            string   `json:"section"`
	Headline           string   `json:"headline"` // the explicit title line, else the first sentence
	Body               string   `json:"body"`     // paragraphs separated by "\n\n"
	SourceOrg          string   `json:"source_org"`
	District           string   `json:"district"` // reporting district from SourceOrg; "" for municipal bodies
	DistrictsMentioned []string `json:"districts_mentioned"`
	Organisations      []string `json:"organisations"` // canonical names, in order of first mention
	// OrgDetails gives each organisation of Organisations, in the same
	// order, with its type and district; absent in records of earlier
	// versions.
	OrgDetails []Organisation `json:"organisation_details,omitempty"`
	Themes     []string       `json:"themes"`
	Page       int            `json:"page,omitempty"` // 1-based PDF page where the article starts; 0 for TXT
}
