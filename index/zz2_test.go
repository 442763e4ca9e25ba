package index

import (
	"context"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

func BenchmarkZZFixed(b *testing.B) {
	ix, err := Open("/tmp/jianbao-bench-20k/index", Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ix.Warm(context.Background())
	paths, _ := filepath.Glob("/tmp/jianbao-bench-20k/src/*.txt")
	queries := benchQueries(articleTexts(paths), 300)
	var rare []string
	for _, q := range queries {
		if utf8.RuneCountInString(q.q) >= 3 && q.want < 300 {
			rare = append(rare, q.q)
		}
	}
	b.Logf("%d rare queries", len(rare))
	b.ResetTimer()
	for i := range b.N {
		q := rare[i%len(rare)]
		if _, err := ix.Search(context.Background(), Request{Expr: Text{Value: q}, Limit: 10}); err != nil {
			b.Fatal(err)
		}
	}
}
