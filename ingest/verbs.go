package ingest

import (
	_ "embed"
	"strings"
	"sync"
)

// verbsFile lists the two-character words that gse's simplified-Chinese
// dictionary (segment/dict/zh_s.txt) tags as verbs or adverbs (v, vd, d, ad)
// with a frequency of 100 or more, one a line: 完成, 坚守, 涵盖, 编入 ….
// TestVerbsFile checks that it is what the dictionary gives; regenerate it
// with `go test ./ingest -run TestVerbsFile -update-verbs`.
//
//go:embed verbs.txt
var verbsFile string

// verbs returns the words of verbsFile, read on first use: only the
// organisation recogniser needs them, not a process that only searches. A
// common verb or adverb is no part of a community's, a village's or a
// school's own name: in 已完成云景里社区 or 党员坚守社区防疫一线 the verb takes
// the place as its object, and the name, if any, starts after it.
var verbs = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(verbsFile) {
		if !strings.HasPrefix(w, "#") {
			m[w] = true
		}
	}
	return m
})
