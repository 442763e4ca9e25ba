package index

import (
	"path/filepath"
	"testing"

	"jianbao/segment"
)

// BenchmarkOpen measures opening and closing an index with user words:
// for reading, for writing, and for writing one article, which cuts its
// words with the index's Segmenter (the built-in dictionaries, loaded once
// a process, are loaded before).
func BenchmarkOpen(b *testing.B) {
	words := []segment.Word{{Text: "街坊议事厅", Freq: 100000}, {Text: "楼门议事会", Freq: 50000}}
	dir := filepath.Join(b.TempDir(), "index")
	put := func(ix *Index) { putBody(b, ix, "2021-001", "本区组建街坊议事厅和楼门议事会") }
	ix, err := Open(dir, Options{Create: true, Words: words})
	if err != nil {
		b.Fatal(err)
	}
	put(ix)
	ix.seg.Load() // once a process: not what is measured
	ix.Close()
	for _, c := range []struct {
		name  string
		opts  Options
		write bool
	}{{"read", Options{ReadOnly: true}, false}, {"write", Options{Words: words}, false}, {"write-one", Options{Words: words}, true}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				ix, err := Open(dir, c.opts)
				if err != nil {
					b.Fatal(err)
				}
				if c.write {
					put(ix)
				}
				ix.Close()
			}
		})
	}
}
