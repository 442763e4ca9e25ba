package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// OCR modes for Options.OCR.
const (
	OCRAuto  = "auto"  // OCR pages that have no text layer, when tesseract is installed
	OCROff   = "off"   // never OCR; such pages are reported missing
	OCRForce = "force" // OCR every page, ignoring text layers
)

// Statuses of a PageNote.
const (
	PageStatusPDFToText = "pdftotext"
	PageStatusOCR       = "ocr"
	PageStatusMissing   = "missing"
)

// Defaults of the per-file guards on PDF reading.
const (
	DefaultPDFTimeout  = 5 * time.Minute
	DefaultMaxPDFPages = 500
	DefaultMaxPDFBytes = 256 << 20
)

// ErrPDF is wrapped by every error that stops a PDF from being read.
var ErrPDF = errors.New("unreadable PDF")

// pdfInfo is what reading a PDF adds to a record and its warnings.
type pdfInfo struct {
	pages       int
	notes       []PageNote
	warns       ErrorList
	corrections []Correction // of lines read by OCR
}

// readPDF extracts the pages of a PDF as text for Normalize: one line per
// paragraph, heading, attribution or footer field, each on the page where
// it starts. Pages come from their text layer through ledongthuc/pdf;
// pages that do not decode from pdftotext, scanned pages from tesseract
// (opts.OCR), a file the library cannot open from pdftotext, all when
// installed; the info notes every page so read or missing.
//
// It runs the extraction under opts' time guard, in a goroutine, so that
// one file cannot stall a batch: when the guard fires an error is returned
// at once, external tools are killed and the extraction stops at its next
// page. A call into the library that never returns cannot be stopped and
// runs on in the background; the known ways to make it loop (unclosed hex
// strings in content streams, cyclic page trees) and to make it allocate
// without bound (huge cross-reference sections) are refused beforehand.
func readPDF(ctx context.Context, data []byte, opts Options) ([]Page, pdfInfo, error) {
	maxBytes := opts.MaxPDFBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxPDFBytes
	}
	if len(data) > maxBytes {
		return nil, pdfInfo{}, fmt.Errorf("%w: %d bytes, more than the limit of %d", ErrPDF, len(data), maxBytes)
	}
	timeout := opts.PDFTimeout
	if timeout <= 0 {
		timeout = DefaultPDFTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		pages []Page
		info  pdfInfo
		err   error
	}
	done := make(chan result, 1)
	go func() {
		x := &pdfExtractor{data: repairPDF(data), opts: opts, log: opts.logger()}
		defer x.cleanup()
		pages, info, err := x.run(ctx)
		done <- result{pages, info, err}
	}()
	// The reader may see the deadline itself and return first: either way
	// the user is told the time limit stopped it.
	stopped := func(err error) error {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%w: reading stopped after %s", ErrPDF, timeout)
		}
		return err
	}
	select {
	case r := <-done:
		if r.err != nil {
			return nil, pdfInfo{}, stopped(r.err)
		}
		return r.pages, r.info, nil
	case <-ctx.Done():
		return nil, pdfInfo{}, stopped(ctx.Err())
	}
}

// repairPDF returns data, or a repaired copy: bytes before "%PDF-" (a BOM,
// white space, mail headers) and after the last "%%EOF" dropped, a
// "%PDF-2.x" header read as 1.7, whose syntax the library knows, and a
// header followed by a space (as libtiff's tiff2pdf writes) by a newline.
func repairPDF(data []byte) []byte {
	start := bytes.Index(data[:min(len(data), 4096)], []byte("%PDF-"))
	end := bytes.LastIndex(data, []byte("%%EOF"))
	spaced := start == 0 && len(data) > 8 && (data[8] == ' ' || data[8] == '\t')
	if start <= 0 && (end < 0 || len(bytes.TrimRight(data[end+5:], "\r\n")) == 0) && !bytes.HasPrefix(data, []byte("%PDF-2.")) && !spaced {
		return data
	}
	if start < 0 {
		start = 0
	}
	out := data[start:]
	if end >= start {
		out = out[:end-start+5]
	}
	out = append([]byte(nil), out...)
	if bytes.HasPrefix(out, []byte("%PDF-2.")) {
		copy(out, "%PDF-1.7")
	}
	if len(out) > 8 && (out[8] == ' ' || out[8] == '\t') {
		out[8] = '\n'
	}
	if end >= start {
		out = append(out, '\n')
	}
	return out
}

// pdfExtractor reads one PDF.
type pdfExtractor struct {
	data    []byte
	opts    Options
	log     *slog.Logger
	tmpDir  string // holds the PDF for the external tools, made on first use
	tmpFile string
	// streamBytes counts the decoded streams read so far, against
	// maxFileStreamBytes.
	streamBytes int
}

// errStreamBudget stops the reading of a file whose pages have decoded
// more than maxFileStreamBytes of streams.
var errStreamBudget = fmt.Errorf("%w: the pages' content streams decode to more than %d bytes", ErrPDF, maxFileStreamBytes)

func (x *pdfExtractor) cleanup() {
	if x.tmpDir != "" {
		os.RemoveAll(x.tmpDir)
	}
}

// guard runs f, which calls into the PDF library, and turns a panic into
// an error. The library reports malformed input by panicking.
func guard(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = fmt.Errorf("%w: %w", ErrPDF, e)
				return
			}
			err = fmt.Errorf("%w: %v", ErrPDF, r)
		}
	}()
	f()
	return nil
}

// Classes of page.
const (
	pageText    = iota // a usable text layer
	pageGarbled        // text that does not decode to Chinese
	pageNoText         // no text layer
)

func (x *pdfExtractor) run(ctx context.Context) ([]Page, pdfInfo, error) {
	list, err := x.openPages()
	if err != nil {
		if ctx.Err() != nil {
			return nil, pdfInfo{}, ctx.Err()
		}
		pages, info, ferr := x.wholeFile(ctx, err)
		if ferr != nil {
			x.log.Debug("pdftotext fallback", "err", ferr)
			return nil, pdfInfo{}, err
		}
		return pages, info, nil
	}
	return x.readPages(ctx, list)
}

// maxPages is the page limit of the options.
func (x *pdfExtractor) maxPages() int {
	if x.opts.MaxPDFPages > 0 {
		return x.opts.MaxPDFPages
	}
	return DefaultMaxPDFPages
}

// openPages opens the PDF with the library and lists its pages.
func (x *pdfExtractor) openPages() ([]pageRef, error) {
	if err := sizesSane(x.data); err != nil {
		return nil, err
	}
	var r *pdf.Reader
	var openErr error
	if err := guard(func() { r, openErr = pdf.NewReader(bytes.NewReader(x.data), int64(len(x.data))) }); err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	if openErr != nil {
		return nil, fmt.Errorf("%w: open: %w", ErrPDF, openErr)
	}
	var n int
	if err := guard(func() { n = r.NumPage() }); err != nil {
		return nil, fmt.Errorf("count pages: %w", err)
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: no pages found (damaged cross-reference table or trailer?)", ErrPDF)
	}
	maxPages := x.maxPages()
	if n > maxPages {
		return nil, fmt.Errorf("%w: %d pages, more than the limit of %d", ErrPDF, n, maxPages)
	}
	if x.opts.Progress != nil {
		x.opts.Progress(FormatPDF, n)
	}
	var list []pageRef
	var listErr error
	if err := guard(func() { list, listErr = pageList(r, maxPages) }); err != nil {
		return nil, fmt.Errorf("page tree: %w", err)
	}
	if listErr != nil {
		return nil, listErr
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("%w: no pages found in the page tree", ErrPDF)
	}
	if len(list) != n {
		x.log.Warn("page count differs from the page tree", "count", n, "pages", len(list))
	}
	return list, nil
}

// readPages reads each listed page from its text layer, or by a fallback.
// Pages that need OCR are read after the others, several at once
// (opts.OCRWorkers), and their lines are corrected where the structure of
// a bulletin is misread (see fixOCRLines).
func (x *pdfExtractor) readPages(ctx context.Context, list []pageRef) ([]Page, pdfInfo, error) {
	var info pdfInfo
	n := len(list)
	info.pages = n
	mode := x.opts.OCR
	if mode == "" {
		mode = OCRAuto
	}
	pages := make([][]visualLine, n)
	fromTool := make([]bool, n)
	notes := make([]*PageNote, n)
	note := func(no int, status, reason string) {
		notes[no-1] = &PageNote{Page: no, Status: status, Reason: reason}
	}
	// textLayer says, for a page to OCR, whether its text layer is a
	// usable fallback.
	type ocrJob struct {
		page      int
		reason    string
		textLayer bool
	}
	var jobs []ocrJob
	for i := 1; i <= n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, info, err
		}
		start := time.Now()
		lines, class, hasImage, err := x.layoutPage(list[i-1], i)
		x.log.Debug("pdf page", "page", i, "lines", len(lines), "class", class, "image", hasImage, "took", time.Since(start))
		if errors.Is(err, errStreamBudget) {
			return nil, info, err
		}
		if err != nil && lines == nil {
			note(i, PageStatusMissing, err.Error())
			continue
		}
		switch {
		case mode == OCRForce:
			jobs = append(jobs, ocrJob{page: i, reason: "OCR forced", textLayer: class == pageText})
		case class == pageGarbled:
			text, err := x.pdftotext(ctx, i)
			if err == nil && classify(text) == pageText {
				lines, fromTool[i-1] = textLines(i, text), true
				note(i, PageStatusPDFToText, "text layer does not decode (no usable ToUnicode map)")
				break
			}
			if ctx.Err() != nil {
				return nil, info, ctx.Err()
			}
			why := "text layer does not decode (no usable ToUnicode map)"
			if err != nil {
				why += "; " + err.Error()
			} else {
				why += "; pdftotext gives no better text"
			}
			note(i, PageStatusMissing, why)
			lines = nil
		case class == pageNoText && hasImage:
			if mode == OCROff {
				note(i, PageStatusMissing, "no text layer (scanned image) and OCR is off")
				lines = nil
				break
			}
			jobs = append(jobs, ocrJob{page: i, reason: "no text layer (scanned image)"})
			lines = nil
		}
		pages[i-1] = lines
	}
	if len(jobs) > 0 {
		if _, err := x.pdfPath(); err != nil {
			return nil, info, err
		}
		nums := make([]int, len(jobs))
		for k, j := range jobs {
			nums[k] = j.page
		}
		results := x.ocrPages(ctx, nums)
		if err := ctx.Err(); err != nil {
			return nil, info, err
		}
		ocrPage, unsure := make([]bool, n), make([]bool, n)
		for k, j := range jobs {
			r, err := results[k].r, results[k].err
			if err == nil && classify(r.Text) != pageText {
				err = errNoOCRText
			}
			if err != nil {
				if j.textLayer {
					x.log.Warn("ocr failed, text layer used", "page", j.page, "err", err)
					continue
				}
				why := err.Error()
				if j.reason != "OCR forced" {
					why = j.reason + "; " + why
				}
				note(j.page, PageStatusMissing, why)
				pages[j.page-1] = nil
				continue
			}
			pages[j.page-1], fromTool[j.page-1], ocrPage[j.page-1] = r.visualLines(j.page), true, true
			unsure[j.page-1] = r.Confidence < retryConfidence
			pn := &PageNote{Page: j.page, Status: PageStatusOCR, Reason: j.reason,
				Confidence: r.Confidence, Doubtful: r.Doubtful, Cleaned: r.Cleaned, Skew: r.Skew}
			pn.LowConfidence = r.Confidence < LowConfidence
			if r.Skew != 0 {
				pn.Reason += fmt.Sprintf("; image levelled (%.1f°)", r.Skew)
			}
			if r.Cleaned != "" {
				pn.Reason += "; image " + strings.ReplaceAll(r.Cleaned, "+", ", ")
			}
			notes[j.page-1] = pn
			x.log.Debug("ocr page", "page", j.page, "confidence", r.Confidence, "cached", r.cached, "despeckled", r.Cleaned)
		}
		if !x.opts.OCRRaw {
			info.corrections = fixOCRLines(pages, ocrPage, unsure)
		}
	}
	for _, pn := range notes {
		if pn == nil {
			continue
		}
		info.notes = append(info.notes, *pn)
		if pn.Status == PageStatusMissing {
			info.warns.Add(Pos{Page: pn.Page}, "page not read: %s", pn.Reason)
		}
		if pn.LowConfidence {
			info.warns.Add(Pos{Page: pn.Page}, "page read by OCR with low confidence (%.0f of 100): check its text", pn.Confidence)
		}
	}
	out := assemble(pages, fromTool)
	if len(jobs) > 0 && !x.opts.OCRRaw {
		ocr := make([]bool, n)
		for _, pn := range info.notes {
			ocr[pn.Page-1] = pn.Status == PageStatusOCR
		}
		info.corrections = append(info.corrections, fixOCRParagraphs(out, ocr)...)
		slices.SortStableFunc(info.corrections, func(a, b Correction) int { return a.Page - b.Page })
	}
	return out, info, nil
}

// ocrOutcome is the result of OCR of one page.
type ocrOutcome struct {
	r   ocrResult
	err error
}

// ocrPages reads the pages numbered nums by OCR, opts.OCRWorkers at once
// (GOMAXPROCS when 0), and returns their outcomes in the same order. It
// returns when every page is done or ctx is cancelled.
func (x *pdfExtractor) ocrPages(ctx context.Context, nums []int) []ocrOutcome {
	out := make([]ocrOutcome, len(nums))
	workers := x.opts.OCRWorkers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(nums))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				r, err := x.ocrPage(ctx, nums[k])
				out[k] = ocrOutcome{r, err}
			}
		}()
	}
	for k := range nums {
		if ctx.Err() != nil {
			break
		}
		next <- k
	}
	close(next)
	wg.Wait()
	return out
}

// wholeFile reads the whole file with pdftotext, for a PDF the library
// cannot open (a damaged cross-reference table, AES-256 encryption with an
// empty password). openErr is why the library failed; every page is noted.
func (x *pdfExtractor) wholeFile(ctx context.Context, openErr error) ([]Page, pdfInfo, error) {
	bin, err := x.lookPath(ToolPDFToText)
	if err != nil {
		return nil, pdfInfo{}, err
	}
	f, err := x.pdfPath()
	if err != nil {
		return nil, pdfInfo{}, err
	}
	out, err := runTool(ctx, bin, "-q", "-enc", "UTF-8", f, "-")
	if err != nil {
		return nil, pdfInfo{}, err
	}
	chunks := strings.Split(string(out), "\f")
	if len(chunks) > 0 && strings.TrimSpace(chunks[len(chunks)-1]) == "" {
		chunks = chunks[:len(chunks)-1]
	}
	if len(chunks) > x.maxPages() {
		return nil, pdfInfo{}, fmt.Errorf("%d pages, more than the limit of %d", len(chunks), x.maxPages())
	}
	info := pdfInfo{pages: len(chunks)}
	pages := make([][]visualLine, len(chunks))
	fromTool := make([]bool, len(chunks))
	read := 0
	for i, c := range chunks {
		if classify(c) != pageText {
			info.notes = append(info.notes, PageNote{Page: i + 1, Status: PageStatusMissing, Reason: "no text from pdftotext"})
			info.warns.Add(Pos{Page: i + 1}, "page not read: no text from pdftotext")
			continue
		}
		pages[i], fromTool[i] = textLines(i+1, c), true
		read++
		info.notes = append(info.notes, PageNote{Page: i + 1, Status: PageStatusPDFToText, Reason: "the PDF library cannot read the file: " + openErr.Error()})
	}
	if read == 0 {
		return nil, pdfInfo{}, errors.New("pdftotext found no text")
	}
	x.log.Warn("pdf read by pdftotext", "pages", len(chunks), "reason", openErr)
	return assemble(pages, fromTool), info, nil
}

// assemble turns the visual lines of the pages into the text of each page
// for Normalize: furniture dropped, paragraphs joined across lines and page
// breaks, and the pieces of the bulletin split in running text.
func assemble(pages [][]visualLine, fromTool []bool) []Page {
	n := len(pages)
	dropFurniture(pages)
	// Margins of the text block: over all pages read from their text layer
	// (one geometry), per page for text from tools.
	var all []visualLine
	var layoutLines []visualLine
	for i, p := range pages {
		if !fromTool[i] {
			layoutLines = append(layoutLines, p...)
		}
	}
	left, right := margins(layoutLines)
	for i, p := range pages {
		l, r := left, right
		switch {
		case fromTool[i] && len(p) > 0 && p[0].right > 0:
			l, r = p[0].left, p[0].right // OCR lines know their text block
		case fromTool[i]:
			l, r = margins(p)
		}
		for j := range p {
			p[j].left, p[j].right = l, r
		}
		all = append(all, p...)
	}
	paras := splitRunning(paragraphs(all))
	out := make([]Page, 0, n)
	for _, p := range paras {
		if len(out) == 0 || out[len(out)-1].Number != p.page {
			out = append(out, Page{Number: p.page})
		}
		out[len(out)-1].Text += p.text + "\n"
	}
	return out
}

// layoutPage reads page i from its text layer: visual lines, the page's
// class and whether it shows an image. When the content stream cannot be
// walked, the library's plain text is used without positions.
func (x *pdfExtractor) layoutPage(ref pageRef, i int) ([]visualLine, int, bool, error) {
	if ref.err != nil {
		return nil, pageNoText, false, fmt.Errorf("page %d: %w", i, ref.err)
	}
	p := ref.page
	hasImage := false
	_ = guard(func() { hasImage = pageHasImage(p) })
	var unsafe error
	var streamBytes int
	if err := guard(func() { streamBytes, unsafe = pageStreamsSafe(p) }); err != nil {
		return nil, pageNoText, hasImage, fmt.Errorf("page %d: %w", i, err)
	}
	if x.streamBytes += streamBytes; x.streamBytes > maxFileStreamBytes {
		return nil, pageNoText, hasImage, fmt.Errorf("page %d: %w", i, errStreamBudget)
	}
	if unsafe != nil {
		return nil, pageNoText, hasImage, fmt.Errorf("page %d: %w", i, unsafe)
	}
	var runs []textRun
	err := guard(func() { runs = pageRuns(p) })
	if err == nil {
		lines := groupLines(i, runs)
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(l.text)
			b.WriteByte('\n')
		}
		return lines, classify(b.String()), hasImage, nil
	}
	x.log.Debug("pdf page layout failed; trying plain text", "page", i, "err", err)
	var text string
	var textErr error
	if gerr := guard(func() { text, textErr = p.GetPlainText(nil) }); gerr != nil || textErr != nil {
		return nil, pageNoText, hasImage, fmt.Errorf("text of page %d: %w", i, err)
	}
	return textLines(i, text), classify(text), hasImage, nil
}

// sizesSane checks the numbers of data by which the PDF library sizes its
// tables and buffers before it reads what they hold: the object numbers of
// the cross-reference tables and streams (it allocates one entry per
// number up to the highest, so a single bogus subsection "4000000000 1"
// would take hundreds of gigabytes; a file of n bytes cannot hold more
// than about n objects), the widths of a cross-reference stream's fields
// (/W) and the row length (/Columns) of a stream's predictor. Such an
// allocation is a fatal error that recover cannot catch. It scans by hand,
// reading tokens as the library's lexer does (white space and comments
// between them, escapes in names): a regular expression over the whole
// file would cost more than the extraction, and miss what the lexer reads.
func sizesSane(data []byte) error {
	limit := int64(len(data)) + 10_000
	tooMany := func(start, count int64) error {
		return fmt.Errorf("%w: cross-reference section %d %d names more objects than a file of %d bytes can hold", ErrPDF, start, count, len(data))
	}
	// Classic tables: the library reads one after the keyword xref
	// wherever a cross-reference offset points, even inside startxref, so
	// every xref is followed.
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("xref"))
		if j < 0 {
			break
		}
		i += j + len("xref")
		if start, count, ok := xrefTableFits(data, i, limit); !ok {
			return tooMany(start, count)
		}
	}
	// Cross-reference streams: a table of /Size entries, filled by the
	// subsections of /Index [start count …], each entry read into a buffer
	// of the bytes its fields' widths /W [a b c] add up to; a predictor's
	// two buffers of /Columns bytes. Every name is read, so that an
	// escaped /S#69ze is seen too.
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '/')
		if j < 0 {
			return nil
		}
		name, end := pdfName(data, i+j+1)
		i = end
		switch string(name) {
		case "Size":
			if n, ok := pdfIntAt(data, end); ok && (n < 0 || n > limit) {
				return tooMany(0, n)
			}
		case "Columns":
			if n, ok := pdfIntAt(data, end); ok && (n < 0 || n > maxColumns) {
				return fmt.Errorf("%w: a stream's rows of %d bytes (/Columns) are longer than %d", ErrPDF, n, maxColumns)
			}
		case "W":
			// A CID font's /W of glyph widths is a /W too, a run of CIDs
			// and widths below 65,536 each, so the bound is not the
			// file's size but what a bogus stream may make the library
			// allocate.
			var total int64
			for w := range pdfArrayInts(data, end) {
				if w > maxWidths-max(total, 0) {
					return fmt.Errorf("%w: cross-reference stream fields (/W) wider than %d bytes together", ErrPDF, maxWidths)
				}
				total += w
			}
		case "Index":
			// Pairs of start and count; the library stops at a pair
			// that is not one.
			var start int64
			pair := false
			for n := range pdfArrayInts(data, end) {
				if pair = !pair; pair {
					start = n
					continue
				}
				if start < 0 || n < 0 || start > limit-n {
					return tooMany(start, n)
				}
			}
		}
	}
}

// maxColumns bounds the row length of a stream's predictor: 16 MiB, a
// row of an image four million pixels wide. maxWidths bounds the sum of a
// run of numbers after /W, for the buffer of a cross-reference stream's
// entry: 1 GiB, where a stream's fields take a few bytes and a CID font's
// widths, ranges "first last width" of CIDs below 65,536, reach it only
// past 8,000 ranges at the top of the CIDs (a worker, bounded to 1 GiB,
// fails such a buffer; it is not fatal to a process that can have it).
const (
	maxColumns = 16 << 20
	maxWidths  = 1 << 30
)

// xrefTableFits reads the cross-reference table that starts at data[i]
// as the library does (subsections of a "start count" header and count
// entries "offset generation f|n", up to trailer) and reports whether
// every entry the library would take has an object number below limit: it
// sizes its table to each entry it reads. Where the library would find the
// table malformed, it stops reading, and so does this. A subsection that
// does not fit is returned.
func xrefTableFits(data []byte, i int, limit int64) (start, count int64, ok bool) {
	next := func() []byte {
		var tok []byte
		tok, i = pdfToken(data, i)
		return tok
	}
	for {
		tok := next()
		if string(tok) == "trailer" {
			return 0, 0, true
		}
		start, ok1 := pdfInt(tok)
		count, ok2 := pdfInt(next())
		if !ok1 || !ok2 {
			return 0, 0, true
		}
		for k := int64(0); k < count; k++ {
			_, ok1 := pdfInt(next())
			_, ok2 := pdfInt(next())
			if kw := string(next()); !ok1 || !ok2 || kw != "f" && kw != "n" {
				return 0, 0, true
			}
			if start < 0 || start > limit-1-k {
				return start, count, false
			}
		}
	}
}

// pdfToken returns the token at data[i], after white space and comments,
// as the library's lexer splits it, and where the token ends: a run of
// regular characters, or a delimiter alone (what the lexer makes of one,
// a string, name, array or dictionary, is never a number or a keyword of a
// cross-reference table). It is nil at the end of data.
func pdfToken(data []byte, i int) (tok []byte, end int) {
	for i < len(data) {
		switch c := data[i]; {
		case pdfSpace(c):
			i++
		case c == '%':
			for i < len(data) && data[i] != '\r' && data[i] != '\n' {
				i++
			}
		case pdfDelim(c):
			return data[i : i+1], i + 1
		default:
			j := i
			for j < len(data) && !pdfSpace(data[j]) && !pdfDelim(data[j]) {
				j++
			}
			return data[i:j], j
		}
	}
	return nil, i
}

// pdfInt reads tok as the library reads an integer: digits after an
// optional sign, within 64 bits.
func pdfInt(tok []byte) (int64, bool) {
	digits := bytes.TrimLeft(tok, "+-")
	if len(digits) == 0 || len(tok)-len(digits) > 1 || bytes.ContainsFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) {
		return 0, false
	}
	n, err := strconv.ParseInt(string(tok), 10, 64)
	return n, err == nil
}

// pdfIntAt reads the token at data[i] as an integer (pdfToken, pdfInt).
func pdfIntAt(data []byte, i int) (int64, bool) {
	tok, _ := pdfToken(data, i)
	return pdfInt(tok)
}

// pdfArrayInts yields the integers that open the array at data[i], up to
// the first token that is not one; nothing when no array starts there.
func pdfArrayInts(data []byte, i int) iter.Seq[int64] {
	return func(yield func(int64) bool) {
		tok, k := pdfToken(data, i)
		if string(tok) != "[" {
			return
		}
		for {
			tok, k = pdfToken(data, k)
			n, ok := pdfInt(tok)
			if !ok || !yield(n) {
				return
			}
		}
	}
}

// pdfName reads the name whose text starts at data[i] (after its /) as
// the lexer does, #xx escapes decoded, and returns where it ends. A name
// without escapes is data's own bytes.
func pdfName(data []byte, i int) ([]byte, int) {
	j := i
	for j < len(data) && !pdfSpace(data[j]) && !pdfDelim(data[j]) {
		j++
	}
	raw := data[i:j]
	if bytes.IndexByte(raw, '#') < 0 {
		return raw, j
	}
	var b []byte
	for k := 0; k < len(raw); k++ {
		if raw[k] != '#' {
			b = append(b, raw[k])
			continue
		}
		x, err := strconv.ParseUint(string(raw[k+1:min(k+3, len(raw))]), 16, 8)
		if err != nil || k+3 > len(raw) {
			return nil, j // the lexer fails on a malformed name
		}
		b = append(b, byte(x))
		k += 2
	}
	return b, j
}

// pdfSpace reports whether c is white space to the lexer.
func pdfSpace(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

// pdfDelim reports whether c is a delimiter to the lexer.
func pdfDelim(c byte) bool {
	switch c {
	case '<', '>', '(', ')', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// pageRef is a page of the page tree, or why it cannot be read.
type pageRef struct {
	page pdf.Page
	err  error
}

// maxTreeDepth bounds the depth of the page tree and the length of a
// page's chain of parents.
const maxTreeDepth = 64

// pageList returns the pages of r in order. It walks the page tree itself,
// because the library's Page loops forever on a tree with a cycle, and
// checks that each page's chain of parents, where the library looks up
// inherited resources, ends.
func pageList(r *pdf.Reader, maxPages int) ([]pageRef, error) {
	var pages []pageRef
	visits := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		visits++
		if depth > maxTreeDepth || visits > 4*maxPages+maxTreeDepth {
			return fmt.Errorf("%w: page tree too deep or cyclic", ErrPDF)
		}
		kids := v.Key("Kids")
		if v.Key("Type").Name() == "Page" || kids.Kind() != pdf.Array {
			if v.Kind() != pdf.Dict {
				return nil
			}
			if len(pages) >= maxPages {
				return fmt.Errorf("%w: more than %d pages", ErrPDF, maxPages)
			}
			ref := pageRef{page: pdf.Page{V: v}}
			up := v
			for d := 0; !up.IsNull(); d++ {
				if d > maxTreeDepth {
					ref.err = fmt.Errorf("%w: cyclic chain of parents", ErrPDF)
					break
				}
				up = up.Key("Parent")
			}
			pages = append(pages, ref)
			return nil
		}
		for i := 0; i < kids.Len(); i++ {
			if err := walk(kids.Index(i), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	err := walk(r.Trailer().Key("Root").Key("Pages"), 0)
	return pages, err
}

// maxStreamBytes bounds the decoded size of a content stream or ToUnicode
// map that is read. The library interprets content at about 3 MB/s, so a
// page at this bound takes it seconds; a page of a bulletin has tens of
// kilobytes.
const maxStreamBytes = 8 << 20

// maxFileStreamBytes bounds the decoded streams read for all pages of a
// file together, those refused included: pages may share one huge stream,
// which the library would decode and interpret again for each of them.
const maxFileStreamBytes = 128 << 20

// pageStreamsSafe checks the streams that the library interprets for a
// page, its content and its fonts' ToUnicode maps, for what would make it
// loop forever: a hex string "<…" that is never closed (its lexer reads
// past the end of a stream as an endless run of newlines).
// It returns the number of decoded bytes it read.
func pageStreamsSafe(p pdf.Page) (int, error) {
	total, err := streamSafe(p.V.Key("Contents"))
	if err != nil {
		return total, fmt.Errorf("content stream: %w", err)
	}
	fonts := p.Resources().Key("Font")
	for _, name := range fonts.Keys() {
		n, err := streamSafe(fonts.Key(name).Key("ToUnicode"))
		total += n
		if err != nil {
			return total, fmt.Errorf("font %s: ToUnicode map: %w", name, err)
		}
	}
	return total, nil
}

// streamSafe reads a stream, or an array of them as one, and scans it as
// the library's lexer would for an unterminated hex string.
func streamSafe(v pdf.Value) (int, error) {
	var data []byte
	read := func(s pdf.Value) error {
		if s.Kind() != pdf.Stream {
			return nil
		}
		rc := s.Reader()
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxStreamBytes+1-int64(len(data))))
		data = append(data, b...)
		if len(data) > maxStreamBytes {
			return fmt.Errorf("more than %d bytes", maxStreamBytes)
		}
		return err
	}
	switch v.Kind() {
	case pdf.Stream:
		if err := read(v); err != nil {
			return len(data), err
		}
	case pdf.Array:
		for i := 0; i < v.Len(); i++ {
			if err := read(v.Index(i)); err != nil {
				return len(data), err
			}
		}
	default:
		return 0, nil
	}
	return len(data), hexStringsClosed(data)
}

// hexStringsClosed reports an error if PDF content holds a hex string that
// is not closed before its end. Comments and literal strings, where "<"
// means nothing, are skipped.
func hexStringsClosed(b []byte) error {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '%':
			for i < len(b) && b[i] != '\r' && b[i] != '\n' {
				i++
			}
		case '(':
			depth := 1
			for i++; i < len(b) && depth > 0; i++ {
				switch b[i] {
				case '\\':
					i++
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			i--
		case '<':
			if i+1 < len(b) && b[i+1] == '<' {
				i++
				continue
			}
			j := bytes.IndexByte(b[i+1:], '>')
			if j < 0 {
				return fmt.Errorf("%w: hex string at byte %d is not closed", ErrPDF, i)
			}
			i += j + 1
		}
	}
	return nil
}

// pageHasImage reports whether p draws an image XObject, directly or in a
// form.
func pageHasImage(p pdf.Page) bool {
	xo := p.Resources().Key("XObject")
	for _, k := range xo.Keys() {
		v := xo.Key(k)
		switch v.Key("Subtype").Name() {
		case "Image":
			return true
		case "Form":
			inner := v.Key("Resources").Key("XObject")
			for _, k2 := range inner.Keys() {
				if inner.Key(k2).Key("Subtype").Name() == "Image" {
					return true
				}
			}
		}
	}
	return false
}

// classify tells a usable text layer from garbled text (more than a fifth
// U+FFFD, control, Latin-1 or private-use characters, or almost no Chinese
// in a page of some length) and from no text at all.
func classify(text string) int {
	total, han, bad := 0, 0, 0
	for _, r := range text {
		if IsSpace(r) {
			continue
		}
		total++
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r == '\uFFFD', r < 0x20, r >= 0x7F && r < 0x100, r >= 0xE000 && r <= 0xF8FF:
			bad++
		}
	}
	switch {
	case total < 8 && han == 0:
		return pageNoText
	case bad*5 > total, total >= 40 && han*10 < total:
		return pageGarbled
	}
	return pageText
}

// pdfPath writes the PDF to a temporary file for the external tools.
func (x *pdfExtractor) pdfPath() (string, error) {
	if x.tmpFile != "" {
		return x.tmpFile, nil
	}
	dir, err := os.MkdirTemp("", "jianbao-pdf-")
	if err != nil {
		return "", fmt.Errorf("temporary directory: %w", err)
	}
	x.tmpDir = dir
	f := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(f, x.data, 0o600); err != nil {
		return "", fmt.Errorf("temporary file: %w", err)
	}
	x.tmpFile = f
	return f, nil
}

func (x *pdfExtractor) lookPath(name string) (string, error) {
	look := x.opts.LookPath
	if look == nil {
		look = exec.LookPath
	}
	p, err := look(name)
	if err != nil {
		return "", fmt.Errorf("%s is not installed", name)
	}
	return p, nil
}

// pdftotext reads page i with poppler's pdftotext.
func (x *pdfExtractor) pdftotext(ctx context.Context, i int) (string, error) {
	bin, err := x.lookPath(ToolPDFToText)
	if err != nil {
		return "", err
	}
	f, err := x.pdfPath()
	if err != nil {
		return "", err
	}
	page := fmt.Sprint(i)
	out, err := runTool(ctx, bin, "-q", "-enc", "UTF-8", "-f", page, "-l", page, f, "-")
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// runTool runs an external program and returns its standard output; the
// error carries the end of its standard error.
func runTool(ctx context.Context, bin string, args ...string) ([]byte, error) {
	return runToolInput(ctx, nil, bin, args...)
}

// runToolInput runs an external program with input on its standard input
// (none when input is nil).
func runToolInput(ctx context.Context, input []byte, bin string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	if input != nil {
		cmd.Stdin = bytes.NewReader(input)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 200 {
			msg = msg[len(msg)-200:]
		}
		if msg != "" {
			return nil, fmt.Errorf("%s: %w: %s", filepath.Base(bin), err, msg)
		}
		return nil, fmt.Errorf("%s: %w", filepath.Base(bin), err)
	}
	return out, nil
}
