package hostile

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
)

func deflate(b []byte) []byte {
	var out bytes.Buffer
	w, _ := zlib.NewWriterLevel(&out, zlib.BestCompression) // the level is valid
	w.Write(b)                                              // writes to a bytes.Buffer cannot fail
	w.Close()
	return out.Bytes()
}

// header is the masthead of a bulletin, enough for a parser to go on.
const header = "首都精神文明建设情况简报\n第14期\n首都精神文明建设委员会办公室    2021年3月23日\n【工作交流】\n"

// TinyArticles is a bulletin of n articles of one short sentence each,
// each closed by its attribution: about 300 bytes an article.
func TinyArticles(n int) []byte {
	var b strings.Builder
	b.WriteString(header)
	for i := range n {
		fmt.Fprintf(&b, "海淀区组织志愿者开展第%d次环境整治活动。\n（海淀区文明办）\n", i+1)
	}
	return []byte(b.String())
}

// OneCharLines is a bulletin header followed by size bytes of lines of one
// character each.
func OneCharLines(size int) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	line := []byte("文\n")
	for b.Len() < size {
		b.Write(line)
	}
	return b.Bytes()
}
