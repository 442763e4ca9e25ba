package synth

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"jianbao/ingest"
)

// gbFont is the GB2312 TrueType font of fonts-arphic-gbsn00lp.
const gbFont = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"

func needFont(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(gbFont); err != nil {
		tb.Skipf("font %s absent (apt install fonts-arphic-gbsn00lp): PDFs not generated", gbFont)
	}
}

// TestPDFRoundTrip lays generated bulletins out as PDFs and checks that
// ingest reads each as it reads the TXT of the same bulletin, with the
// source of the PDF and each article's page where WritePDF put it.
func TestPDFRoundTrip(t *testing.T) {
	needFont(t)
	n := 12
	if v, err := strconv.Atoi(os.Getenv("JIANBAO_PDF_N")); err == nil {
		n = v
	}
	if testing.Short() {
		n = 4
	}
	noTools := ingest.Options{LookPath: func(string) (string, error) { return "", os.ErrNotExist }}
	for _, f := range Generate(n, 7) {
		pf, err := PDFFile(f, gbFont)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := ingest.Parse(context.Background(), f.Name, f.Data, noTools)
		if want == nil {
			t.Fatalf("%s: TXT not parsed", f.Name)
		}
		want.Source = pf.Expected.Source
		for i := range want.Articles {
			want.Articles[i].Page = pf.Expected.Articles[i].Page
		}
		got, err := ingest.Parse(context.Background(), pf.Name, pf.Data, noTools)
		if got == nil {
			t.Errorf("%s: %v", pf.Name, err)
			continue
		}
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		if string(g) != string(w) {
			t.Errorf("%s: record differs from the TXT's:\n%s", pf.Name, firstDiff(string(w), string(g)))
		}
	}
}

func firstDiff(want, got string) string {
	for i := 0; i < len(want) && i < len(got); i++ {
		if want[i] != got[i] {
			lo := max(0, i-80)
			return "want …" + want[lo:min(len(want), i+80)] + "\ngot  …" + got[lo:min(len(got), i+80)]
		}
	}
	return "lengths differ"
}

// BenchmarkWritePDF measures laying out one bulletin as a PDF.
func BenchmarkWritePDF(b *testing.B) {
	needFont(b)
	files := Generate(16, 1)
	i := 0
	for b.Loop() {
		if _, err := PDFFile(files[i%len(files)], gbFont); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
