// Package segment cuts Chinese text into dictionary words and provides the
// bleve analysis jianbao indexes with.
//
// In: text already normalised by ingest.MatchText. Out: words (a
// Segmenter's Cut and WordList) and bleve token streams with 1-based
// positions from two stateless analyzers registered in init under exported
// names: Words (a word list made by WordList, split at its spaces, for
// ranking) and BigramPositions (every pair of adjacent characters, for
// exact substring candidates).
//
// A Segmenter is a value: the built-in dictionaries (gse's simplified
// Chinese, entries of frequency 16 and above, and the domain dictionary
// dict/domain.txt) and the user words it was made with. Each index makes
// its own from the user words it keeps. The built-in dictionaries are
// parsed once per process, on the first Cut of any Segmenter, and never
// changed afterwards; a process that only searches never parses them.
package segment

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/go-ego/gse"
)

// zhS is gse's simplified-Chinese dictionary (data/dict/zh/s_1.txt of
// github.com/go-ego/gse v0.80.3, Apache-2.0, derived from jieba, MIT) without
// the entries of frequency below 16: `awk '$2>=16' s_1.txt`. Loading it takes
// a quarter of the time and memory of the full one; the words it drops are
// rare and only ever served ranking.
//
//go:embed dict/zh_s.txt
var zhS string

// domain is jianbao's own dictionary: districts, bodies, campaign words.
//
//go:embed dict/domain.txt
var domain string

// minFreq is the lowest frequency of a dictionary word: gse drops the
// entries below it (its MinTokenFreq), so user words are raised to it.
const minFreq = 16

// Word is one dictionary entry.
type Word struct {
	Text string
	Freq float64 // relative frequency; common words of the general dictionary have 1,000–100,000
	Pos  string  // part of speech, optional
}

// DefaultFreq is the frequency given to a user word that names none.
const DefaultFreq = 3000

// ParseDict reads a dictionary in gse's text form: one word a line,
// optionally followed by a frequency and a part of speech, separated by
// white space; blank lines and lines starting with "#" are skipped. A word
// without a frequency gets DefaultFreq. The error names the first bad line.
// A dictionary without words gives an empty, non-nil slice.
func ParseDict(src string) ([]Word, error) {
	words := []Word{}
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		w := Word{Text: f[0], Freq: DefaultFreq}
		if len(f) > 1 {
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil || v <= 0 {
				return nil, fmt.Errorf("line %d: frequency %q is not a positive number", line, f[1])
			}
			w.Freq = v
		}
		if len(f) > 2 {
			w.Pos = f[2]
		}
		if !utf8.ValidString(w.Text) {
			return nil, fmt.Errorf("line %d: word is not valid UTF-8", line)
		}
		words = append(words, w)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read dictionary: %w", err)
	}
	return words, nil
}

// Segmenter cuts text into words with the built-in dictionaries and its
// user words. It is made by New, never changes, and may be used by several
// goroutines at once.
type Segmenter struct {
	words   []Word
	user    *dictionary // the user words; nil for none
	used    atomic.Bool // the built-in dictionaries were asked for (Loaded)
	scratch sync.Pool   // of *cutScratch
}

// New returns a Segmenter with words as user words. A user word counts
// as a word of the dictionary with its frequency (at least 16; a single
// character has 2, as gse gives it); a word that the built-in dictionaries
// have too keeps the higher of the two frequencies. Making a Segmenter
// costs microseconds for a few hundred user words: the built-in
// dictionaries are shared. It is an error for a word to be empty, not
// valid UTF-8, or to hold white space.
func New(words []Word) (*Segmenter, error) {
	s := &Segmenter{words: slices.Clone(words)}
	if len(words) == 0 {
		return s, nil
	}
	var split gse.Segmenter // gse's default splitting, as the built-in dictionary's
	d := &dictionary{dict: gse.NewDict()}
	for _, w := range words {
		if w.Text == "" || !utf8.ValidString(w.Text) || strings.ContainsFunc(w.Text, unicode.IsSpace) {
			return nil, fmt.Errorf("user word %q: not a word (empty, white space or not UTF-8)", w.Text)
		}
		f := max(w.Freq, minFreq)
		if utf8.RuneCountInString(w.Text) == 1 {
			f = 2
		}
		if err := d.dict.AddToken(split.ToToken(w.Text, f, w.Pos)); err != nil {
			return nil, fmt.Errorf("user word %q: %w", w.Text, err)
		}
	}
	if err := d.index(); err != nil {
		return nil, err
	}
	s.user = d
	return s, nil
}

// Words returns the user words of s.
func (s *Segmenter) Words() []Word { return slices.Clone(s.words) }

// Loaded reports whether s has needed the built-in dictionaries: an index
// that only answers queries never does.
func (s *Segmenter) Loaded() bool { return s.used.Load() }

// Load loads the built-in dictionaries now, if this process has not: a
// writer that will need them can load them while it does other work.
func (s *Segmenter) Load() {
	s.used.Store(true)
	builtin()
}

// Cut splits text into words. The words concatenate back to text exactly:
// each is text's own bytes, whatever case the dictionary matched them in.
func (s *Segmenter) Cut(text string) []string {
	if text == "" {
		return nil
	}
	ends := s.cut(text)
	out := make([]string, len(ends))
	start := 0
	for i, end := range ends {
		out[i] = text[start:end]
		start = end
	}
	return out
}

// WordList returns the words of text that contain a letter or a digit,
// in order, each followed by a space: the value of an index's word field,
// which the Words analyzer splits into the same words. No word holds a
// space: text cut is normalised text, whose only white space is the space
// between Latin words, and no dictionary word holds one.
func (s *Segmenter) WordList(text string) string {
	if text == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(text) + len(text)/4)
	start := 0
	for _, end := range s.cut(text) {
		if w := text[start:end]; isWordToken(w) {
			b.WriteString(w)
			b.WriteByte(wordSep)
		}
		start = end
	}
	return b.String()
}

// cut returns the byte offsets at which the words of text end, the last
// being len(text). It is gse's shortest path (Segmenter.Segment: each word
// costs log2 of the total frequency over its own; a character that starts
// no dictionary word costs 32) over two dictionaries, the built-in and the
// user words.
func (s *Segmenter) cut(text string) []int {
	s.used.Store(true)
	b := builtin()
	sc, _ := s.scratch.Get().(*cutScratch)
	if sc == nil {
		sc = new(cutScratch)
	}
	defer s.scratch.Put(sc)
	sc.text = append(sc.text[:0], text...)
	sc.units = splitUnits(sc.text, sc.units[:0])
	units := sc.units
	n := len(units)
	// off[i] is where units[i] starts in text: lower-casing Latin letters
	// (gse's global ToLower, left as it is) changes no byte count, so
	// offsets into text hold whatever the case.
	sc.off = append(sc.off[:0], make([]int, n+1)...)
	off := sc.off
	for i, u := range units {
		off[i+1] = off[i] + len(u)
	}
	if off[n] != len(text) {
		// Not expected: every byte of text is in one unit.
		return []int{len(text)}
	}
	total := b.total
	dicts := []*dictionary{b.dictionary}
	if s.user != nil {
		total += s.user.total
		dicts = append(dicts, s.user)
	}
	logTotal := float32(math.Log2(total))
	sc.jumps = append(sc.jumps[:0], make([]jump, n)...)
	jumps := sc.jumps
	maxLen := 0
	for _, d := range dicts {
		maxLen = max(maxLen, d.dict.MaxTokenLen())
	}
	sc.found = append(sc.found[:0], make([]*gse.Token, maxLen)...)
	found := sc.found
	update := func(at int, dist float32, units int) {
		if j := &jumps[at]; j.dist == 0 || j.dist > dist {
			j.dist, j.units = dist, units
		}
	}
	for cur := range n {
		var base float32
		if cur > 0 {
			base = jumps[cur-1].dist
		}
		single := false
		for _, d := range dicts {
			k := d.dict.LookupTokens(units[cur:min(cur+d.dict.MaxTokenLen(), n)], found)
			for _, t := range found[:k] {
				in := d.infoOf(t)
				update(cur+in.units-1, base+(logTotal-in.logFreq), in.units) // as gse rounds
				single = single || in.units == 1
			}
		}
		if !single {
			update(cur, base+32, 1)
		}
	}
	count := 0
	for at := n - 1; at >= 0; at -= jumps[at].units {
		count++
	}
	ends := make([]int, count)
	for at := n - 1; at >= 0; at -= jumps[at].units {
		count--
		ends[count] = off[at+1]
	}
	return ends
}

// jump is a step of cut's shortest path: to the end of a unit.
type jump struct {
	dist  float32 // of the shortest path to the end of this unit
	units int     // of the last word of that path
}

// cutScratch is what a cut uses and leaves behind: its buffers, kept for
// the Segmenter's next cut, as a cut allocated as many bytes as it read
// eight times over.
type cutScratch struct {
	text  []byte
	units []gse.Text
	off   []int
	jumps []jump
	found []*gse.Token
}

// splitUnits appends the units of text to out, as gse's SplitTextToWords
// splits them with its default settings: a run of letters and digits of
// one or two bytes (Latin, Greek, Cyrillic, …) is one unit, lower-cased,
// and every other character is a unit of its own. Units are text's own
// bytes but for a run with an upper-case letter, which is copied.
func splitUnits(text []byte, out []gse.Text) []gse.Text {
	lower := func(run []byte) gse.Text {
		if !slices.ContainsFunc(run, func(c byte) bool { return 'A' <= c && c <= 'Z' }) {
			return run
		}
		low := make([]byte, len(run))
		for i, c := range run {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			low[i] = c
		}
		return low
	}
	current, start := 0, 0
	inRun := true // as gse starts
	for current < len(text) {
		r, size := utf8.DecodeRune(text[current:])
		if size <= 2 && (unicode.IsLetter(r) || unicode.IsNumber(r)) {
			if !inRun {
				start, inRun = current, true
			}
		} else {
			if inRun {
				inRun = false
				if current != 0 {
					out = append(out, lower(text[start:current]))
				}
			}
			out = append(out, text[current:current+size])
		}
		current += size
	}
	if inRun && current != 0 {
		out = append(out, lower(text[start:current]))
	}
	return out
}

// wordSep ends each word of a WordList.
const wordSep = ' '

// dictionary is a gse dictionary with what cut needs of each token.
type dictionary struct {
	dict  *gse.Dictionary
	info  []tokenInfo // of dict.Tokens[i], at i
	total float64     // the sum of the frequencies (gse's TotalFreq)
}

// infoOf returns what cut needs of t, a token of d.dict. gse's
// LookupTokens gives pointers into d.dict.Tokens: the token's place there,
// computed from its address and checked, finds its info at once, where a
// map keyed by pointer spent a fifth of the cut hashing. A token that is
// not in that slice (a gse that copied its tokens) is measured from its
// text and frequency, as index measures every token: slower, not wrong.
func (d *dictionary) infoOf(t *gse.Token) tokenInfo {
	if len(d.dict.Tokens) > 0 {
		off := uintptr(unsafe.Pointer(t)) - uintptr(unsafe.Pointer(&d.dict.Tokens[0]))
		if i := off / unsafe.Sizeof(*t); i < uintptr(len(d.info)) && &d.dict.Tokens[i] == t {
			return d.info[i]
		}
	}
	in, _ := measureToken(t)
	return in
}

// measureToken returns what cut needs of t, and false if t is empty or has
// no frequency.
func measureToken(t *gse.Token) (tokenInfo, bool) {
	var split gse.Segmenter
	units := len(split.SplitTextToWords([]byte(t.Text())))
	if units == 0 || t.Freq() <= 0 {
		return tokenInfo{units: max(units, 1)}, false
	}
	return tokenInfo{units: units, logFreq: float32(math.Log2(t.Freq()))}, true
}

// tokenInfo is what cut needs of a dictionary token.
type tokenInfo struct {
	units   int     // its length in gse's units (a character, or a run of Latin letters and digits)
	logFreq float32 // log2 of its frequency
}

// index fills d.info and d.total from d.dict.
func (d *dictionary) index() error {
	d.info = make([]tokenInfo, len(d.dict.Tokens))
	d.total = d.dict.TotalFreq()
	for i := range d.dict.Tokens {
		t := &d.dict.Tokens[i]
		in, ok := measureToken(t)
		if !ok {
			return fmt.Errorf("dictionary word %q: empty or without a frequency", t.Text())
		}
		d.info[i] = in
	}
	return nil
}

// builtinDict is the built-in dictionaries, loaded.
type builtinDict struct {
	*dictionary
	split *gse.Segmenter // splits text into units as the dictionary's words were
}

// builtin returns the built-in dictionaries, parsing them on the first
// call in the process (about half a second). This package-level value is
// immutable: sync.OnceValue builds it once and every Segmenter only reads
// it.
var builtin = sync.OnceValue(loadBuiltin)

// loadBuiltin parses the built-in dictionaries.
func loadBuiltin() *builtinDict {
	g := &gse.Segmenter{SkipLog: true, NotLoadHMM: true, MinTokenFreq: minFreq}
	var b strings.Builder
	b.Grow(len(zhS) + len(domain))
	b.WriteString(zhS)
	dw, err := ParseDict(domain)
	if err != nil {
		panic(fmt.Sprintf("segment: embedded domain dictionary: %v", err))
	}
	for _, w := range dw {
		fmt.Fprintf(&b, "%s %g %s\n", w.Text, max(w.Freq, minFreq), w.Pos)
	}
	if err := g.LoadDictStr(b.String()); err != nil {
		panic(fmt.Sprintf("segment: load embedded dictionary: %v", err))
	}
	d := &dictionary{dict: g.Dict}
	if err := d.index(); err != nil {
		panic(fmt.Sprintf("segment: embedded dictionary: %v", err))
	}
	return &builtinDict{dictionary: d, split: g}
}

// DictVersion identifies the built-in dictionaries (general and domain). An
// index records it: words indexed with one dictionary are not those another
// would give, so a change needs a reindex.
func DictVersion() string { return dictVersionOnce() }

// dictVersionOnce is DictVersion's value, computed once: immutable.
var dictVersionOnce = sync.OnceValue(func() string { return dictVersion(zhS, domain) })

// dictVersion names the dictionaries general and domain by their content.
func dictVersion(general, domain string) string {
	h := sha256.New()
	h.Write([]byte(general))
	h.Write([]byte{0})
	h.Write([]byte(domain))
	return "zh_s16+" + hex.EncodeToString(h.Sum(nil))[:12]
}

// isWordToken reports whether a piece of Cut's output is worth indexing as a
// word: it has a letter or a digit (not only spaces and punctuation).
func isWordToken(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) })
}
