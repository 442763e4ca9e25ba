package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// addSeeds adds every bulletin under the test data as a fuzz seed.
func addSeeds(f *testing.F) {
	f.Helper()
	for _, pattern := range []string{"../testdata/sample/*.txt", "testdata/edge/*.txt"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// FuzzParse checks that no input makes Parse panic, and that what it returns
// holds together: an Issue comes only with no error or with positioned
// warnings, and its articles are numbered in order.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		// Inputs holding %PDF- take the PDF path: no external tools there,
		// and a short time guard, so that one input cannot stall the run.
		iss, err := Parse(context.Background(), "fuzz.txt", data, Options{LookPath: noTools, PDFTimeout: 3 * time.Second})
		if iss == nil {
			if err == nil {
				t.Fatal("no issue and no error")
			}
			if !strings.HasPrefix(err.Error(), "fuzz.txt: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		var warnings ErrorList
		if err != nil && !errors.As(err, &warnings) {
			t.Fatalf("issue returned with a non-warning error: %v", err)
		}
		for _, w := range warnings {
			if w.Pos.Line < 0 {
				t.Fatalf("warning with a bad position: %v", w)
			}
		}
		if iss.Issue <= 0 || len(iss.Date) != len("2006-01-02") || !strings.HasPrefix(iss.ID, iss.Date[:4]+"-") {
			t.Fatalf("bad header: id=%q issue=%d date=%q", iss.ID, iss.Issue, iss.Date)
		}
		for i, a := range iss.Articles {
			if a.Seq != i+1 || a.ID != fmt.Sprintf("%s-%02d", iss.ID, i+1) {
				t.Fatalf("article %d: seq %d id %q", i, a.Seq, a.ID)
			}
			if a.Body == "" && a.Headline == "" {
				t.Fatalf("article %s is empty", a.ID)
			}
			if !utf8.ValidString(a.Body) {
				t.Fatalf("article %s body is not UTF-8", a.ID)
			}
		}
	})
}

// FuzzDecode checks that Decode never panics, returns valid UTF-8, and
// returns UTF-8 input without a byte-order mark unchanged.
func FuzzDecode(f *testing.F) {
	addSeeds(f)
	f.Add([]byte{0xFF, 0xFE, 0x00})
	f.Add([]byte{0x81, 0x30, 0x81})
	f.Add([]byte("简报\u009b2J"))                       // C1 CSI in UTF-8
	f.Add([]byte{0xB2, 0xE2, 0x81, 0x30, 0x83, 0x37}) // C1 CSI in GB18030
	f.Add([]byte{0xFF, 0xFE, 0x80, 0x7B, 0x9B, 0x00}) // C1 CSI in UTF-16
	f.Fuzz(func(t *testing.T, data []byte) {
		text, enc, err := Decode(data)
		if err != nil {
			if !strings.Contains(err.Error(), "offset") && !strings.Contains(err.Error(), "UTF-16") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		if !utf8.ValidString(text) {
			t.Fatalf("Decode returned invalid UTF-8 (%s)", enc)
		}
		if utf8.Valid(data) && !strings.HasPrefix(string(data), "\uFEFF") && enc == EncodingUTF8 && text != string(data) {
			t.Fatal("UTF-8 input changed")
		}
	})
}
