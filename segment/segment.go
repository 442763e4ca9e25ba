// Package segment cuts Chinese text into words and provides the bleve
// analysis jianbao indexes with.
//
// In: text already normalised by ingest.MatchText. Out: words (Cut) and
// bleve token streams with 1-based positions, from two analyzers registered
// in init under exported names: Words (gse dictionary words with their
// exact UTF-8 byte offsets, for ranking) and BigramPositions (every pair of
// adjacent characters, for exact substring candidates).
//
// One gse segmenter is shared by the process and loaded on first use only,
// from an embedded simplified-Chinese dictionary (gse's zh_s, entries of
// frequency 16 and above), the domain dictionary dict/domain.txt and the
// user words of the index in use (SetWords). A loaded segmenter is never
// changed: new words make a new one.
package segment

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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

var (
	mu      sync.RWMutex   // guards seg and extra
	seg     *gse.Segmenter // nil until loaded; read-only once loaded
	extra   []Word         // the user words, in order
	loadCnt int            // how many times the dictionary was loaded (tests)
)

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
func ParseDict(src string) ([]Word, error) {
	var words []Word
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

// SetWords makes words the user words of the shared segmenter, in place of
// those set before: an index sets its own when it is opened, so that
// reindexing with another dictionary does not keep the old one's words.
// Setting the words it has costs nothing; other words are loaded with the
// dictionary on next use.
func SetWords(words []Word) {
	mu.Lock()
	defer mu.Unlock()
	if slices.Equal(extra, words) {
		return
	}
	extra = slices.Clone(words)
	seg = nil
}

// Loaded reports whether the shared segmenter has been loaded. A process
// that only answers queries never needs it.
func Loaded() bool {
	mu.RLock()
	defer mu.RUnlock()
	return seg != nil
}

// load returns the shared segmenter, loading it if it is not loaded.
func load() *gse.Segmenter {
	mu.RLock()
	s := seg
	mu.RUnlock()
	if s != nil {
		return s
	}
	mu.Lock()
	defer mu.Unlock()
	if seg != nil {
		return seg
	}
	// Offsets are computed as a running sum of the pieces, which holds only
	// when gse does not lower-case them.
	gse.ToLower = false
	s = &gse.Segmenter{SkipLog: true, NotLoadHMM: true, MinTokenFreq: 16}
	var b strings.Builder
	b.Grow(len(zhS) + len(domain) + 64*len(extra))
	b.WriteString(zhS)
	dw, err := ParseDict(domain)
	if err != nil {
		panic(fmt.Sprintf("segment: embedded domain dictionary: %v", err))
	}
	for _, w := range append(dw, extra...) {
		fmt.Fprintf(&b, "%s %g %s\n", w.Text, max(w.Freq, 16), w.Pos)
	}
	if err := s.LoadDictStr(b.String()); err != nil {
		panic(fmt.Sprintf("segment: load embedded dictionary: %v", err))
	}
	seg = s
	loadCnt++
	return s
}

// Preload loads the shared segmenter now, if it is not loaded: a writer
// that will need it can load it while it does other work.
func Preload() { load() }

// Cut splits text into words, loading the shared segmenter on first use.
// The words concatenate back to text exactly.
func Cut(text string) []string {
	if text == "" {
		return nil
	}
	return load().Cut(text)
}

var (
	versionOnce sync.Once
	version     string
)

// DictVersion identifies the built-in dictionaries (general and domain). An
// index records it: words indexed with one dictionary are not those another
// would give, so a change needs a reindex.
func DictVersion() string {
	versionOnce.Do(func() { version = dictVersion(zhS, domain) })
	return version
}

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
