package ingest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ocrDPI is the resolution pages are rendered at for OCR: upscaling a
// 200-dpi scan to 300 or 400 dpi reads it worse with chi_sim.
const ocrDPI = 200

// ocrVersion names the way a page image is turned into OCR results; it is
// part of the cache key, so that a change to it invalidates old entries.
const ocrVersion = "jianbao-ocr/3 chi_sim tsv"

// Confidence thresholds, on tesseract's 0–100 scale.
const (
	// LowConfidence is the mean word confidence of a page under which
	// its text is flagged as unreliable and a despeckled image is tried.
	LowConfidence = 75
	// retryConfidence is the mean word confidence of a page under which
	// it is read again cleaned other ways (see retries). Clean scans of
	// the tuning set read at 88–94, those that lost strokes at 60–80.
	retryConfidence = 85
	// lowWordConf is a word's confidence under which it counts as doubtful.
	lowWordConf = 60
)

// noisyScore is the share of a page's dark pixels that are specks (dark
// pixels with no dark neighbour) above which the page is despeckled before
// OCR. Scans of the tuning set (make testdata-scans) score 0.0000–0.0009
// clean, at 150 and 300 dpi, skewed, as JPEG and photocopied; 6% salt and
// pepper noise scores 0.087.
const noisyScore = 0.02

// ocrResult is what OCR gives for one page.
type ocrResult struct {
	Text       string    `json:"text"`               // lines, paragraphs separated by blank lines
	Confidence float64   `json:"confidence"`         // mean word confidence, weighted by characters
	Doubtful   float64   `json:"doubtful"`           // share of characters in words under lowWordConf
	Noise      float64   `json:"noise"`              // speckle score of the rendered image
	Cleaned    string    `json:"cleaned,omitempty"`  // how the image read was cleaned: Stretched, Despeckled, Thickened, Widened, several of them joined by "+", or ""
	Skew       float64   `json:"skew,omitempty"`     // degrees the page was turned to level its lines
	Masthead   bool      `json:"masthead,omitempty"` // lines of the masthead read again alone
	Lines      []ocrLine `json:"lines"`              // the lines of Text with their place on the image
	cached     bool
}

// ocrLine is a line read by OCR and its box on the page image, in pixels
// from the top left.
type ocrLine struct {
	Text                     string
	Left, Right, Top, Bottom int
	ParEnd                   bool `json:",omitempty"` // the last line of a paragraph
}

// joinLines sets r.Text from r.Lines: a line each, a blank line after the
// last line of a paragraph.
func (r *ocrResult) joinLines() {
	var b strings.Builder
	for _, l := range r.Lines {
		b.WriteString(l.Text)
		b.WriteByte('\n')
		if l.ParEnd {
			b.WriteByte('\n')
		}
	}
	r.Text = b.String()
}

// visualLines returns the lines of an OCR result as the visual lines of
// page: placed as on the image (y grows upwards, as in PDF space), all of
// the page's median line height, so that paragraphs are told by indents,
// short lines and gaps as on a text page.
func (r ocrResult) visualLines(page int) []visualLine {
	if len(r.Lines) == 0 {
		return textLines(page, r.Text)
	}
	hs := make([]int, len(r.Lines))
	for i, l := range r.Lines {
		hs[i] = l.Bottom - l.Top
	}
	slices.Sort(hs)
	size := float64(max(hs[len(hs)/2], 1))
	// The text block: most lines start at its left edge or one indent in
	// and full lines end at its right edge, but a page of short items can
	// have more attribution lines set right than either; a tenth of the
	// lines from either side is clear of specks read as text.
	lefts := make([]int, len(r.Lines))
	rights := make([]int, len(r.Lines))
	for i, l := range r.Lines {
		lefts[i], rights[i] = l.Left, l.Right
	}
	slices.Sort(lefts)
	slices.Sort(rights)
	left, right := float64(lefts[len(lefts)/10]), float64(rights[len(rights)*9/10])
	out := make([]visualLine, len(r.Lines))
	for i, l := range r.Lines {
		out[i] = visualLine{page: page, x0: float64(l.Left), x1: float64(l.Right), y: -float64(l.Top), size: size, text: l.Text, blankAfter: l.ParEnd, left: left, right: right}
	}
	return out
}

// ocrPage renders page i, and reads it with tesseract unless the cache
// holds the result for the same image (then tesseract is not needed): a
// faded image has its levels stretched first (see stretchLevels), a noisy
// one is despeckled, a tilted one levelled, and a page read under
// retryConfidence is read again cleaned other ways (see retries), keeping
// the surest reading.
func (x *pdfExtractor) ocrPage(ctx context.Context, i int) (ocrResult, error) {
	ppm, err := x.lookPath(ToolPDFToPPM)
	if err != nil {
		if _, terr := x.lookPath(ToolTesseract); terr != nil {
			return ocrResult{}, terr // OCR itself is what is missing
		}
		return ocrResult{}, err
	}
	f, err := x.pdfPath()
	if err != nil {
		return ocrResult{}, err
	}
	page := strconv.Itoa(i)
	// A PGM is three times faster to render than a PNG and needs no
	// decoding; tesseract reads it as it is.
	pgmData, err := runTool(ctx, ppm, "-q", "-f", page, "-l", page, "-r", strconv.Itoa(ocrDPI), "-gray", "-singlefile", f)
	if err != nil {
		return ocrResult{}, err
	}
	img, err := decodePGM(pgmData)
	if err != nil {
		return ocrResult{}, fmt.Errorf("rendered page %d: %w", i, err)
	}
	cache := ocrCache{dir: x.opts.OCRCacheDir}
	key := imageKey(img)
	if r, ok := cache.get(key); ok {
		r.cached = true
		return r, nil
	}
	// Only a page missing from the cache needs tesseract.
	tess, err := x.lookPath(ToolTesseract)
	if err != nil {
		return ocrResult{}, err
	}
	read := func(data []byte, args ...string) (ocrResult, error) {
		// A PGM carries no resolution: without --dpi tesseract takes
		// 70 and reads worse.
		tsv, err := runToolInput(ctx, data, tess, append([]string{"stdin", "stdout", "-l", "chi_sim", "--dpi", strconv.Itoa(ocrDPI)}, append(args, "tsv")...)...)
		if err != nil {
			return ocrResult{}, err
		}
		return parseTSV(tsv), nil
	}
	// A faded page's ink is made black first: the speckle score and the
	// cleanings tell ink by darkLevel.
	level, stretched := stretchLevels(img)
	plain := ""
	if stretched {
		plain = Stretched
	}
	noise := speckleScore(level)
	used, cleaned := level, plain
	despeckled := noise > noisyScore
	if despeckled {
		used, cleaned = despeckle(level), joinCleaned(plain, Despeckled)
	}
	// A tilted page is levelled after despeckling: specks blur into grey
	// when the page is turned.
	used, skew := deskew(used)
	var r ocrResult
	if used == img {
		r, err = read(pgmData)
	} else {
		r, err = read(encodePGM(used))
	}
	if err != nil {
		return ocrResult{}, err
	}
	r.Cleaned = cleaned
	// An unsure reading may be noise the speckle score missed (or grain
	// it took for noise), strokes a copier broke or thin strokes a low
	// resolution or a blur lost: read the page cleaned each way until one
	// reading is sure, and keep the surest reading.
	base := used
	for _, alt := range retries(despeckled) {
		if r.Confidence >= retryConfidence {
			break
		}
		im, how := level, plain
		if alt.clean == nil {
			if skew != 0 {
				im = rotate(level, skew)
			}
		} else {
			im, how = alt.clean(base), joinCleaned(cleaned, alt.how)
		}
		again, err := read(encodePGM(im))
		if err != nil {
			return ocrResult{}, err
		}
		// A surer reading that finds fewer of the page's marks of
		// structure has run lines together (an attribution into the text
		// before it): the marks are what the record is built from.
		if again.Confidence > r.Confidence && structureMarks(again) >= structureMarks(r) {
			r, used = again, im
			r.Cleaned = how
		}
	}
	r.Skew = skew
	if i == 1 && !mastheadNumbered(r) {
		// tesseract's page layout sometimes skips the short centred
		// lines of the masthead: read its top as one block.
		top, err := read(encodePGM(used.SubImage(image.Rect(0, 0, used.Bounds().Dx(), used.Bounds().Dy()*2/5))), "--psm", "6")
		if err != nil {
			return ocrResult{}, err
		}
		r.addMasthead(top)
	}
	r.Noise = math.Round(noise*1000) / 1000
	if err := cache.put(key, r); err != nil {
		x.log.Warn("ocr cache not written", "err", err)
	}
	return r, nil
}

// structureMarks counts the lines of a reading that mark the structure of
// a bulletin: section headings and attribution lines, read right or with
// misread brackets.
func structureMarks(r ocrResult) int {
	n := 0
	for _, l := range r.Lines {
		t := CleanSpaces(l.Text)
		if _, _, ok := attribution(t); ok || isSection(t) {
			n++
			continue
		}
		if _, ok := fixSection(t); ok {
			n++
			continue
		}
		if m := attrMissRe.FindStringSubmatch(t); m != nil && m[1] == "" && (m[2] != "" || m[4] != "") && namesBody(m[3]) {
			n++
		}
	}
	return n
}

// mastheadNumbered reports whether the first lines of a first page hold
// 第N期, or a near miss of it that the corrections restore.
func mastheadNumbered(r ocrResult) bool {
	for k, l := range r.Lines {
		if k >= headerWindow {
			break
		}
		t := Fold(l.Text)
		if issueNoRe.MatchString(t) || issueNoMissRe.MatchString(t) {
			return true
		}
	}
	return false
}

// addMasthead adds the lines of a reading of the masthead alone (top) that
// name the issue (第N期, 专刊/增刊) and that the page's reading lacks, in
// their place by height.
func (r *ocrResult) addMasthead(top ocrResult) {
	for _, l := range top.Lines {
		t := Fold(l.Text)
		if !issueNoRe.MatchString(t) && !issueNoMissRe.MatchString(t) && !specialRe.MatchString(t) || utf8.RuneCountInString(t) > 24 {
			continue
		}
		if slices.ContainsFunc(r.Lines, func(x ocrLine) bool { return x.Text == l.Text }) {
			continue
		}
		k := 0
		for k < len(r.Lines) && r.Lines[k].Top < l.Top {
			k++
		}
		l.ParEnd = true
		if k > 0 {
			r.Lines[k-1].ParEnd = true
		}
		r.Lines = slices.Insert(r.Lines, k, l)
		r.Masthead = true
	}
	r.joinLines()
}

// imageKey is the cache key of a page image: a hash of its pixels and of
// the way they are read, not of the PNG encoding.
func imageKey(img *image.Gray) string {
	h := sha256.New()
	h.Write([]byte(ocrVersion + "\n"))
	var dim [8]byte
	b := img.Bounds()
	binary.BigEndian.PutUint32(dim[:4], uint32(b.Dx()))
	binary.BigEndian.PutUint32(dim[4:], uint32(b.Dy()))
	h.Write(dim[:])
	for y := b.Min.Y; y < b.Max.Y; y++ {
		off := img.PixOffset(b.Min.X, y)
		h.Write(img.Pix[off : off+b.Dx()])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// decodePGM decodes a binary PGM (P5) of 8-bit grey, as pdftoppm -gray
// writes it.
func decodePGM(data []byte) (*image.Gray, error) {
	var w, h, maxv int
	rest := data
	fields := make([]string, 0, 4)
	for len(fields) < 4 {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if len(rest) > 0 && rest[0] == '#' {
			if k := bytes.IndexByte(rest, '\n'); k >= 0 {
				rest = rest[k+1:]
				continue
			}
			return nil, errors.New("pgm: truncated header")
		}
		k := bytes.IndexAny(rest, " \t\r\n")
		if k <= 0 {
			return nil, errors.New("pgm: truncated header")
		}
		fields = append(fields, string(rest[:k]))
		rest = rest[k:]
	}
	if len(rest) == 0 {
		return nil, errors.New("pgm: truncated header")
	}
	rest = rest[1:] // the single white space after the maximum value
	var err1, err2, err3 error
	w, err1 = strconv.Atoi(fields[1])
	h, err2 = strconv.Atoi(fields[2])
	maxv, err3 = strconv.Atoi(fields[3])
	if fields[0] != "P5" || err1 != nil || err2 != nil || err3 != nil || maxv != 255 || w <= 0 || h <= 0 || w > 1<<15 || h > 1<<15 {
		return nil, fmt.Errorf("pgm: unsupported header %q", strings.Join(fields, " "))
	}
	if len(rest) < w*h {
		return nil, fmt.Errorf("pgm: %d bytes of pixels, want %d", len(rest), w*h)
	}
	return &image.Gray{Pix: rest[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}, nil
}

// encodePGM encodes a grey image as a binary PGM, for tesseract.
func encodePGM(img image.Image) []byte {
	b := img.Bounds()
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "P5\n%d %d\n255\n", b.Dx(), b.Dy())
	g, ok := img.(*image.Gray)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if ok {
			off := g.PixOffset(b.Min.X, y)
			buf.Write(g.Pix[off : off+b.Dx()])
			continue
		}
		for x := b.Min.X; x < b.Max.X; x++ {
			buf.WriteByte(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
		}
	}
	return buf.Bytes()
}

// Ways a page image is cleaned before OCR.
const (
	Stretched  = "stretched"  // grey levels stretched: faded ink made black, grey paper white
	Despeckled = "despeckled" // salt and pepper noise removed
	Thickened  = "thickened"  // strokes grown by a pixel, closing breaks
	Widened    = "widened"    // strokes grown by a pixel sideways, joining broken horizontal strokes
	Softened   = "softened"   // widened, then blurred into grey: the steps of a low resolution smoothed
)

// cleaning is one way of cleaning a page image.
type cleaning struct {
	how   string
	clean func(*image.Gray) *image.Gray
}

// retries are the cleanings tried, in turn, on a page read unsure:
// despeckling, or when the page was despeckled, the page as it was before
// (a cleaning whose clean is nil: the speckle score can take the grain of
// a grey scan for noise, and despeckling then erases its strokes);
// thickening; widening.
func retries(despeckled bool) []cleaning {
	first := cleaning{Despeckled, despeckle}
	if despeckled {
		first = cleaning{"", nil}
	}
	return []cleaning{first, {Thickened, thicken}, {Widened, widen}, {Softened, soften}}
}

// joinCleaned names two cleanings done one after the other.
func joinCleaned(first, then string) string {
	if first == "" {
		return then
	}
	return first + "+" + then
}

// thicken returns a black-and-white copy of img with every stroke grown by
// a pixel: a pixel is ink when any of its 3×3 neighbourhood is. It mends
// the broken strokes of a light photocopy.
func thicken(img *image.Gray) *image.Gray { return dilate(img, 1, 1) }

// widen returns a black-and-white copy of img with every stroke grown by a
// pixel to the left and right only. It mends characters whose thin
// horizontal strokes a low resolution or a blur broke into dots, without
// closing the gaps between lines as thickening does.
func widen(img *image.Gray) *image.Gray { return dilate(img, 1, 0) }

// soften returns a grey copy of img widened (see widen) and blurred by a
// Gaussian of one pixel: the stair-stepped edges of a page scanned at a low
// vertical resolution (a fax's doubled rows) or thresholded after a blur
// become smooth grey edges, which tesseract reads better on such pages
// (make testdata-scans: a fax page's CER 17 % widened, 16 % softened; a
// lowres page's 9.5 % and 8.0 %).
func soften(img *image.Gray) *image.Gray { return blur1(widen(img)) }

// blur1 returns img blurred by a Gaussian of one pixel, rows then columns.
func blur1(img *image.Gray) *image.Gray {
	// exp(-d²/2) for d = 0…3, normalised to 1024.
	k := [4]int{409, 248, 55, 4}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	tmp := make([]int32, w*h)
	for y := 0; y < h; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := 0; x < w; x++ {
			v := k[0] * int(row[x])
			for d := 1; d < len(k); d++ {
				v += k[d] * (int(row[max(x-d, 0)]) + int(row[min(x+d, w-1)]))
			}
			tmp[y*w+x] = int32(v)
		}
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := k[0] * int(tmp[y*w+x])
			for d := 1; d < len(k); d++ {
				v += k[d] * (int(tmp[max(y-d, 0)*w+x]) + int(tmp[min(y+d, h-1)*w+x]))
			}
			out.Pix[y*w+x] = uint8(min((v+1<<19)>>20, 255))
		}
	}
	return out
}

// dilate returns a black-and-white copy of img where a pixel is ink when
// any pixel within rx columns and ry rows of it is.
func dilate(img *image.Gray, rx, ry int) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	// Rows first, then columns: a rectangle is the product of the two.
	across := make([]bool, w*h)
	for y := 0; y < h; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := 0; x < w; x++ {
			for nx := max(x-rx, 0); nx <= min(x+rx, w-1); nx++ {
				if row[nx] < darkLevel {
					across[y*w+x] = true
					break
				}
			}
		}
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			ink := false
			for ny := max(y-ry, 0); ny <= min(y+ry, h-1); ny++ {
				if across[ny*w+x] {
					ink = true
					break
				}
			}
			if ink {
				g.Pix[y*w+x] = 0
			} else {
				g.Pix[y*w+x] = 255
			}
		}
	}
	return g
}

// darkLevel is the grey level under which a pixel counts as ink.
const darkLevel = 128

// speckleScore is the share of the dark pixels of img that have no dark
// neighbour among their eight: ink of characters comes in strokes, salt
// and pepper noise in single pixels.
func speckleScore(img *image.Gray) float64 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dark, lone := 0, 0
	at := func(x, y int) bool { return img.Pix[y*img.Stride+x] < darkLevel }
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			if !at(x, y) {
				continue
			}
			dark++
			if !at(x-1, y-1) && !at(x, y-1) && !at(x+1, y-1) && !at(x-1, y) && !at(x+1, y) && !at(x-1, y+1) && !at(x, y+1) && !at(x+1, y+1) {
				lone++
			}
		}
	}
	if dark == 0 {
		return 0
	}
	return float64(lone) / float64(dark)
}

// despeckle returns a black-and-white copy of img with salt and pepper
// noise removed: an ink pixel with fewer than two inked neighbours turns to
// paper, a paper pixel with five or more to ink, then dark specks of a few
// pixels that touch nothing are erased.
func despeckle(img *image.Gray) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	in := make([]bool, w*h)
	for y := 0; y < h; y++ {
		row := img.Pix[(y)*img.Stride:]
		for x := 0; x < w; x++ {
			in[y*w+x] = row[x] < darkLevel
		}
	}
	out := make([]bool, w*h)
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			n := 0
			for dy := -1; dy <= 1; dy++ {
				i := (y+dy)*w + x
				if in[i-1] {
					n++
				}
				if in[i] {
					n++
				}
				if in[i+1] {
					n++
				}
			}
			// Ink stays with two inked neighbours, so that strokes one
			// pixel wide survive; paper turns to ink inside a stroke.
			if in[y*w+x] {
				out[y*w+x] = n >= 3
			} else {
				out[y*w+x] = n >= 5
			}
		}
	}
	removeSpecks(out, w, h, 6)
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i, d := range out {
		if d {
			g.Pix[i] = 0
		} else {
			g.Pix[i] = 255
		}
	}
	return g
}

// removeSpecks clears the 8-connected dark components of at most max
// pixels.
func removeSpecks(px []bool, w, h, max int) {
	seen := make([]bool, len(px))
	var comp, stack []int
	for start := range px {
		if !px[start] || seen[start] {
			continue
		}
		comp, stack = comp[:0], append(stack[:0], start)
		seen[start] = true
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			comp = append(comp, i)
			x, y := i%w, i/w
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						continue
					}
					j := ny*w + nx
					if px[j] && !seen[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		if len(comp) <= max {
			for _, i := range comp {
				px[i] = false
			}
		}
	}
}

// parseTSV reads tesseract's TSV output: the text, a line per line and a
// blank line between paragraphs, each line's box, and the confidence of
// its words.
func parseTSV(tsv []byte) ocrResult {
	var (
		r          ocrResult
		cur        *ocrLine
		words      []string
		lastPar    string
		lastLine   string
		sum, chars float64
		doubtful   float64
	)
	flushLine := func() {
		if cur != nil {
			cur.Text = CleanSpaces(strings.Join(words, " "))
			r.Lines = append(r.Lines, *cur)
			cur, words = nil, words[:0]
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 12 || f[0] != "5" {
			continue
		}
		word := strings.TrimSpace(f[11])
		conf, err := strconv.ParseFloat(f[10], 64)
		if word == "" || err != nil || !(conf >= 0) {
			continue // no word, or no confidence (-1, NaN)
		}
		conf = min(conf, 100)
		var box [4]int
		for k := range box {
			box[k], _ = strconv.Atoi(f[6+k]) // a malformed number places the word at 0
		}
		par := f[1] + "." + f[2] + "." + f[3]
		ln := par + "." + f[4]
		if ln != lastLine || cur == nil {
			flushLine()
			if par != lastPar && len(r.Lines) > 0 {
				r.Lines[len(r.Lines)-1].ParEnd = true
			}
			lastPar, lastLine = par, ln
			cur = &ocrLine{Left: box[0], Right: box[0] + box[2], Top: box[1], Bottom: box[1] + box[3]}
		}
		cur.Left, cur.Right = min(cur.Left, box[0]), max(cur.Right, box[0]+box[2])
		cur.Top, cur.Bottom = min(cur.Top, box[1]), max(cur.Bottom, box[1]+box[3])
		words = append(words, word)
		n := float64(utf8.RuneCountInString(word))
		sum += conf * n
		chars += n
		if conf < lowWordConf {
			doubtful += n
		}
	}
	flushLine()
	r.joinLines()
	if chars > 0 {
		r.Confidence = math.Round(sum/chars*10) / 10
		r.Doubtful = math.Round(doubtful/chars*1000) / 1000
	}
	return r
}

// errNoOCRText is returned for a page where OCR found no Chinese text.
var errNoOCRText = errors.New("OCR found no Chinese text")
