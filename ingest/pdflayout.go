package ingest

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// A textRun is a string shown by one text operator of a page, placed in
// page space (points, origin bottom left).
type textRun struct {
	x, y   float64 // start of the baseline
	x1     float64 // end of the baseline, from the glyph widths
	size   float64 // effective font size
	text   string
	spaced bool // a gap of more than a third of size before it
}

// A visualLine is the text of one baseline of a page, left to right.
type visualLine struct {
	page       int // 1-based
	x0, x1, y  float64
	size       float64
	text       string
	blankAfter bool // an empty line followed it (extracted or OCRed text)
	// left and right are the edges of the text block the line is set in.
	left, right float64
}

// affine is a PDF transformation matrix [a b c d e f].
type affine [6]float64

var identity = affine{1, 0, 0, 1, 0, 0}

// mul returns m × n: m applied first, then n.
func (m affine) mul(n affine) affine {
	return affine{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// pageFont is what the walker needs of a font: its decoding, code length
// and glyph widths (in thousandths of the font size).
type pageFont struct {
	enc      pdf.TextEncoding
	twoByte  bool
	first    int
	widths   []float64
	cidWidth map[int]float64
	dw       float64
}

func loadFont(f pdf.Font) *pageFont {
	pf := &pageFont{enc: f.Encoder(), dw: 1000}
	if f.V.Key("Subtype").Name() == "Type0" {
		pf.twoByte = true
		pf.cidWidth = map[int]float64{}
		d := f.V.Key("DescendantFonts").Index(0)
		if dw := d.Key("DW"); dw.Kind() != pdf.Null {
			pf.dw = dw.Float64()
		}
		w := d.Key("W")
		for i := 0; i+1 < w.Len() && len(pf.cidWidth) < 1<<16; {
			start := int(w.Index(i).Int64())
			if next := w.Index(i + 1); next.Kind() == pdf.Array {
				for j := 0; j < next.Len() && j < 1<<16; j++ {
					pf.cidWidth[start+j] = next.Index(j).Float64()
				}
				i += 2
				continue
			}
			if i+2 >= w.Len() {
				break
			}
			end, width := int(w.Index(i+1).Int64()), w.Index(i+2).Float64()
			for c := start; c <= end && c-start < 1<<16; c++ {
				pf.cidWidth[c] = width
			}
			i += 3
		}
		return pf
	}
	pf.first = f.FirstChar()
	pf.widths = f.Widths()
	return pf
}

// advance returns the width of the codes in raw, in text space units of a
// 1-point font, and how many of them are single-byte spaces.
func (f *pageFont) advance(raw string) (w float64, spaces int) {
	if f.twoByte {
		for i := 0; i+1 < len(raw); i += 2 {
			c := int(raw[i])<<8 | int(raw[i+1])
			cw, ok := f.cidWidth[c]
			if !ok {
				cw = f.dw
			}
			w += cw / 1000
		}
		return w, 0
	}
	for i := 0; i < len(raw); i++ {
		c := int(raw[i])
		cw := 0.0
		if j := c - f.first; j >= 0 && j < len(f.widths) {
			cw = f.widths[j]
		}
		if cw == 0 {
			cw = 500
		}
		w += cw / 1000
		if c == ' ' {
			spaces++
		}
	}
	return w, spaces
}

// limits of one page, so that a pathological page cannot exhaust memory.
const (
	maxPageRuns  = 200_000
	maxPageBytes = 4 << 20
)

// errPageTooBig stops the walk of a page over its limits.
type errPageTooBig struct{ what string }

func (e errPageTooBig) Error() string { return "page too large: " + e.what }

// pageRuns interprets the content stream of p and returns its text runs in
// the order drawn. It panics on malformed content; the caller recovers.
func pageRuns(p pdf.Page) []textRun {
	contents := p.V.Key("Contents")
	if p.V.IsNull() || contents.Kind() == pdf.Null {
		return nil
	}
	fonts := map[string]*pageFont{}
	type gstate struct {
		ctm  affine
		font *pageFont
		size float64
		tc   float64
		tw   float64
		th   float64
		tl   float64
		rise float64
	}
	g := gstate{ctm: identity, th: 1}
	var stack []gstate
	var tm, tlm affine
	var runs []textRun
	total := 0
	show := func(raw string) {
		if g.font == nil {
			g.font = &pageFont{enc: nopEncoding{}, dw: 1000}
		}
		text := g.font.enc.Decode(raw)
		trm := affine{g.size * g.th, 0, 0, g.size, 0, g.rise}.mul(tm).mul(g.ctm)
		x, y := trm[4], trm[5]
		size := math.Hypot(trm[2], trm[3])
		w, spaces := g.font.advance(raw)
		n := float64(utf8.RuneCountInString(text))
		if g.font.twoByte {
			n = float64(len(raw) / 2)
		} else {
			n = float64(len(raw))
		}
		tx := (w*g.size + n*g.tc + float64(spaces)*g.tw) * g.th
		tm = affine{1, 0, 0, 1, tx, 0}.mul(tm)
		end := affine{1, 0, 0, 1, 0, g.rise}.mul(tm).mul(g.ctm)
		if text == "" {
			return
		}
		runs = append(runs, textRun{x: x, y: y, x1: end[4], size: size, text: text})
		total += len(text)
		if len(runs) > maxPageRuns {
			panic(errPageTooBig{"too many text runs"})
		}
		if total > maxPageBytes {
			panic(errPageTooBig{"too much text"})
		}
	}
	nextLine := func() {
		tlm = affine{1, 0, 0, 1, 0, -g.tl}.mul(tlm)
		tm = tlm
	}
	pdf.Interpret(contents, func(stk *pdf.Stack, op string) {
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		switch op {
		case "q":
			if len(stack) < 1024 {
				stack = append(stack, g)
			}
		case "Q":
			if len(stack) > 0 {
				g = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "cm":
			if len(args) == 6 {
				g.ctm = affine{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(g.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tf":
			if len(args) == 2 {
				name := args[0].Name()
				f, ok := fonts[name]
				if !ok {
					f = loadFont(p.Font(name))
					fonts[name] = f
				}
				g.font, g.size = f, num(1)
			}
		case "Tc":
			g.tc = num(0)
		case "Tw":
			g.tw = num(0)
		case "Tz":
			g.th = num(0) / 100
		case "TL":
			g.tl = num(0)
		case "Ts":
			g.rise = num(0)
		case "Td", "TD":
			if len(args) == 2 {
				if op == "TD" {
					g.tl = -num(1)
				}
				tlm = affine{1, 0, 0, 1, num(0), num(1)}.mul(tlm)
				tm = tlm
			}
		case "Tm":
			if len(args) == 6 {
				tm = affine{num(0), num(1), num(2), num(3), num(4), num(5)}
				tlm = tm
			}
		case "T*":
			nextLine()
		case "'", "\"":
			if len(args) == 0 {
				return
			}
			if op == "\"" && len(args) == 3 {
				g.tw, g.tc = num(0), num(1)
			}
			nextLine()
			show(args[len(args)-1].RawString())
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			v := args[0]
			for i := 0; i < v.Len(); i++ {
				x := v.Index(i)
				if x.Kind() == pdf.String {
					show(x.RawString())
				} else {
					tx := -x.Float64() / 1000 * g.size * g.th
					tm = affine{1, 0, 0, 1, tx, 0}.mul(tm)
				}
			}
		}
	})
	return runs
}

// nopEncoding stands for a font the page does not define: bytes pass as
// they are, as ledongthuc/pdf does.
type nopEncoding struct{}

func (nopEncoding) Decode(raw string) string { return raw }

// groupLines gathers the runs of a page into visual lines: runs whose
// baselines lie within half a font size, ordered top to bottom and left to
// right. A bulletin page is one column, so this is its reading order.
func groupLines(page int, runs []textRun) []visualLine {
	type acc struct {
		y, size float64
		runs    []textRun
	}
	var lines []*acc
	for _, r := range runs {
		if strings.TrimSpace(r.text) == "" {
			continue
		}
		var home *acc
		// Most runs continue the line before them: look there first.
		for i := len(lines) - 1; i >= 0 && i >= len(lines)-8; i-- {
			l := lines[i]
			if math.Abs(l.y-r.y) < 0.5*math.Max(1, math.Min(l.size, r.size)) {
				home = l
				break
			}
		}
		if home == nil {
			home = &acc{y: r.y, size: r.size}
			lines = append(lines, home)
		}
		home.runs = append(home.runs, r)
		home.size = math.Max(home.size, r.size)
	}
	out := make([]visualLine, 0, len(lines))
	for _, l := range lines {
		slices.SortStableFunc(l.runs, func(a, b textRun) int { return cmp.Compare(a.x, b.x) })
		var b strings.Builder
		x1 := l.runs[0].x1
		for i, r := range l.runs {
			if i > 0 && r.x-x1 > 0.8*l.size {
				b.WriteByte(' ')
			}
			b.WriteString(r.text)
			x1 = math.Max(x1, r.x1)
		}
		text := strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == '\t' {
				return ' '
			}
			return r
		}, b.String())
		// A paragraph indented with leading spaces (two ideographic
		// spaces, as typed in many offices) starts where its text does.
		x0 := l.runs[0].x
		for _, r := range text {
			if r == '\u3000' {
				x0 += l.size
			} else if r == ' ' || r == '\u00A0' {
				x0 += l.size / 2
			} else {
				break
			}
		}
		out = append(out, visualLine{page: page, x0: x0, x1: x1, y: l.y, size: l.size, text: text})
	}
	slices.SortStableFunc(out, func(a, b visualLine) int { return cmp.Compare(b.y, a.y) })
	return out
}

// textLines turns text extracted by a tool (pdftotext, tesseract) into
// visual lines: one per line, sized one unit, its length measured in
// characters (CJK counting one, others a half). An empty line marks a
// paragraph break.
func textLines(page int, text string) []visualLine {
	var out []visualLine
	y := 0.0
	for raw := range strings.Lines(strings.ReplaceAll(text, "\f", "\n")) {
		t := strings.TrimRight(raw, "\r\n")
		indent := 0.0
		for _, r := range t {
			if r == ' ' {
				indent += 0.5
			} else if r == '\u3000' {
				indent++
			} else {
				break
			}
		}
		t = strings.TrimSpace(t)
		if t == "" {
			if len(out) > 0 {
				out[len(out)-1].blankAfter = true
			}
			continue
		}
		w := 0.0
		for _, r := range CleanSpaces(t) {
			if isCJK(r) {
				w++
			} else {
				w += 0.5
			}
		}
		y--
		out = append(out, visualLine{page: page, x0: indent, x1: indent + w, y: y, size: 1, text: t})
	}
	return out
}

// dropFurniture removes page numbers and running heads and feet: a line
// that stands first (on pages after the first) or last on two or more pages
// with the same text once digits are ignored, or a first line that repeats
// the first page's title.
func dropFurniture(pages [][]visualLine) {
	for i, p := range pages {
		pages[i] = slices.DeleteFunc(p, func(l visualLine) bool { return isPageNumber(CleanSpaces(l.text)) })
	}
	key := func(l visualLine) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) || IsSpace(r) {
				return -1
			}
			return r
		}, Fold(l.text))
	}
	heads, feet := map[string]int{}, map[string]int{}
	for i, p := range pages {
		if len(p) == 0 {
			continue
		}
		if i > 0 {
			heads[key(p[0])]++
		}
		feet[key(p[len(p)-1])]++
	}
	title := ""
	if len(pages) > 0 && len(pages[0]) > 0 {
		title = key(pages[0][0])
	}
	short := func(k string) bool { n := utf8.RuneCountInString(k); return n > 0 && n <= 40 }
	bodySize, leading := bodyMetrics(pages)
	// set apart: much smaller than the body text, or further from the
	// next line than lines of text are from each other, and no footer
	// field or end of a sentence, as a running head or foot is (nor a
	// sentence's end and the next's start: 方案。此外，…).
	apart := func(l, next visualLine) bool {
		t := CleanSpaces(l.text)
		if footerLeadRe.MatchString(t) || closingPunctRe.MatchString(t) || strings.ContainsAny(t, "。，；") {
			return false
		}
		return l.size < 0.8*bodySize || l.size < bodySize && math.Abs(l.y-next.y) > 1.6*leading
	}
	for i, p := range pages {
		if n := len(p); n > 1 {
			if k := key(p[n-1]); short(k) && (feet[k] >= 2 || apart(p[n-1], p[n-2])) {
				p = p[:n-1]
			}
		}
		if i > 0 && len(p) > 1 {
			if k := key(p[0]); short(k) && (heads[k] >= 2 || k == title || apart(p[0], p[1])) {
				p = p[1:]
			}
		}
		pages[i] = p
	}
}

// bodyMetrics returns the most common font size of the lines and the
// median distance between consecutive lines of a page.
func bodyMetrics(pages [][]visualLine) (size, leading float64) {
	sizes := map[float64]int{}
	var gaps []float64
	for _, p := range pages {
		for j, l := range p {
			sizes[math.Round(l.size*2)/2]++
			if j > 0 {
				gaps = append(gaps, math.Abs(p[j-1].y-l.y))
			}
		}
	}
	n := 0
	for s, c := range sizes {
		if c > n || c == n && s > size {
			size, n = s, c
		}
	}
	if len(gaps) == 0 {
		return size, math.Inf(1)
	}
	slices.Sort(gaps)
	return size, gaps[len(gaps)/2]
}

// margins estimates the left and right edges of the text block: the most
// common start of a line, and the most common end of the lines that reach
// near the right (justified full lines and lines set right end there;
// compressed punctuation can make a few overshoot).
func margins(lines []visualLine) (left, right float64) {
	if len(lines) == 0 {
		return 0, 0
	}
	mode := func(vals []float64) float64 {
		count := map[int]int{}
		best, n := 0, -1
		for _, v := range vals {
			k := int(math.Round(v / 2))
			count[k]++
		}
		for k, c := range count {
			if c > n || c == n && k < best {
				best, n = k, c
			}
		}
		// The mean of the values in the winning bin.
		sum, m := 0.0, 0
		for _, v := range vals {
			if int(math.Round(v/2)) == best {
				sum += v
				m++
			}
		}
		return sum / float64(m)
	}
	var starts, ends []float64
	maxEnd := math.Inf(-1)
	for _, l := range lines {
		starts = append(starts, l.x0)
		maxEnd = math.Max(maxEnd, l.x1)
	}
	left = mode(starts)
	for _, l := range lines {
		if l.x1 > left+(maxEnd-left)*0.75 {
			ends = append(ends, l.x1)
		}
	}
	return left, mode(ends)
}

// paragraph is a run of visual lines that belong together, with the page
// of its first line.
type paragraph struct {
	page int
	text string
}

var (
	footerLeadRe   = regexp.MustCompile(`^(?:责任编辑|责编|核稿|审核|联系电话|电话|传真|电子邮箱|邮箱|报送|抄送|报|送|发)\s*[:：]`)
	enumeratedRe   = regexp.MustCompile(`^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])`)
	closingPunctRe = regexp.MustCompile(`[。！？!?；;：:…”’」』)）]$`)
)

// paragraphs joins visual lines into paragraphs. A line starts a paragraph when it is indented, centred
// or set right, when the line before it ended short of the right edge, when
// the font size changes, after a wide vertical gap (or an empty extracted
// line), or when it opens a section heading 【…】 or a footer field. A page
// break alone does not end a paragraph, so text split by a break is one
// paragraph, on the page where it starts.
func paragraphs(lines []visualLine) []paragraph {
	var out []paragraph
	var cur strings.Builder
	curPage := 0
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			out = append(out, paragraph{page: curPage, text: t})
		}
		cur.Reset()
	}
	// Typical leading per page, for the gap rule.
	leading := map[int]float64{}
	{
		gaps := map[int][]float64{}
		for i := 1; i < len(lines); i++ {
			if lines[i].page == lines[i-1].page {
				gaps[lines[i].page] = append(gaps[lines[i].page], lines[i-1].y-lines[i].y)
			}
		}
		for p, g := range gaps {
			slices.Sort(g)
			leading[p] = g[len(g)/2]
		}
	}
	isolated := func(l visualLine) bool {
		em := math.Max(l.size, 1)
		in, out := l.x0-l.left, l.right-l.x1
		centred := in > 2.5*em && out > 2.5*em && math.Abs(in-out) < 2*em
		setRight := in > 4.5*em && out < 1.2*em
		return centred || setRight
	}
	for i, l := range lines {
		em := math.Max(l.size, 1)
		left, right := l.left, l.right
		width := right - left
		text := CleanSpaces(l.text)
		start := i == 0
		if i > 0 {
			p := lines[i-1]
			pem := math.Max(p.size, 1)
			in := l.x0 - left
			switch {
			case in > 0.7*em && in < 4.5*em && l.x1-l.x0 < width-0.5*em+1:
				start = true // indented first line
			case isolated(l) || isolated(p):
				start = true
			case p.right-p.x1 > 1.5*pem && p.right-p.left > 6*pem:
				start = true // the line before ended short
			case math.Abs(l.size-p.size) > 0.12*math.Max(l.size, p.size):
				start = true
			case p.blankAfter:
				start = true
			case l.page == p.page && leading[l.page] > 0 && p.y-l.y > 1.7*leading[l.page]:
				start = true
			case strings.HasPrefix(text, "【") || footerLeadRe.MatchString(text) && closingPunctRe.MatchString(CleanSpaces(p.text)):
				start = true
			case enumeratedRe.MatchString(text) && closingPunctRe.MatchString(CleanSpaces(p.text)):
				start = true
			}
		}
		if start {
			flush()
			curPage = l.page
		} else if cur.Len() > 0 && needsSpace(cur.String(), text) {
			cur.WriteByte(' ')
		}
		cur.WriteString(text)
	}
	flush()
	return out
}

// needsSpace reports whether joining a and b needs a space: between two
// pieces of Latin text, not at a CJK boundary.
func needsSpace(a, b string) bool {
	r1, _ := utf8.DecodeLastRuneInString(a)
	r2, _ := utf8.DecodeRuneInString(b)
	return !isCJK(r1) && !isCJK(r2) && unicode.IsLetter(r1) && unicode.IsLetter(r2)
}
