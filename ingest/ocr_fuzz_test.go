package ingest

import (
	"strings"
	"testing"
)

// FuzzOCRText feeds tesseract TSV output (outside input) through parsing
// and the corrections of OCR text: no panic, confidences in range, every
// correction placed on a page read by OCR and changing what it says it
// changes, and the record still structured.
func FuzzOCRText(f *testing.F) {
	head := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
	word := func(par, line int, conf, text string) string {
		return "5\t1\t1\t" + string(rune('0'+par)) + "\t" + string(rune('0'+line)) + "\t1\t0\t0\t1\t1\t" + conf + "\t" + text + "\n"
	}
	f.Add([]byte(head + word(1, 1, "95", "首都精神文明建设情况简报") + word(1, 2, "90", "第14其") + word(2, 1, "80", "[工作交流]") +
		word(3, 1, "70", "海洗区永定路街道。") + word(3, 2, "60", "《海洗区文明办》") + word(4, 1, "50", "一1]一")))
	f.Add([]byte(head + word(1, 1, "-1", "") + word(1, 1, "abc", "x")))
	f.Add([]byte("5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t99\t〈密云区文明办〉\n5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t99\t云区依托\n"))
	f.Add([]byte(head + word(1, 1, "40", "院再粒神文鹃建设情况简报") + word(2, 1, "40", "泊融精神文明少2020年7月1口") + word(3, 1, "40", "(平谷区文叫兴)") +
		word(4, 1, "40", "(门头沟区潭本村镇)") + word(5, 1, "40", "页网:梅汪峰核稿:王") + word(6, 1, "40", "电话:55569506")))
	f.Fuzz(func(t *testing.T, tsv []byte) {
		r := parseTSV(tsv)
		if r.Confidence < 0 || r.Confidence > 100 || r.Doubtful < 0 || r.Doubtful > 1 {
			t.Fatalf("confidence %v, doubtful %v", r.Confidence, r.Doubtful)
		}
		pages := [][]visualLine{r.visualLines(1), r.visualLines(2)}
		_ = structureMarks(r)
		// Page 2 is unsure but not read by OCR: never corrected.
		corr := fixOCRLines(pages, []bool{true, false}, []bool{r.Confidence < retryConfidence, true})
		for _, c := range corr {
			if c.Page != 1 || c.From == c.To || c.Kind == "" {
				t.Fatalf("correction %+v", c)
			}
		}
		if len(pages[1]) != len(r.visualLines(2)) {
			t.Fatal("a page not read by OCR was changed")
		}
		var b strings.Builder
		for _, l := range append(pages[0], pages[1]...) {
			b.WriteString(l.text + "\n")
		}
		lines := Normalize([]Page{{Number: 1, Text: b.String()}})
		if _, err := Structure(lines); err != nil {
			_, _ = structurePartial(lines, "bulletin-2021-014.pdf", "0123456789abcdef", err)
		}
	})
}
