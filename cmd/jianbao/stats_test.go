package main

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"jianbao/report"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// wholeSampleIndex indexes every bulletin of the sample archive.
func wholeSampleIndex(tb testing.TB) (dir string, files []string) {
	tb.Helper()
	return indexOf(tb, "../../testdata/sample/bulletin-*.txt")
}

var (
	headerNumber = regexp.MustCompile(`第\s*(\d+)\s*期`)
	headerYear   = regexp.MustCompile(`(\d{4})\s*年\s*\d{1,2}\s*月`)
)

// expectedGaps reads the 第N期 number and the year of every regular issue
// of files straight from their text (GB18030 when not UTF-8), and returns
// the numbers missing from 1 to each year's highest, and the number of
// special issues (专刊, 增刊).
func expectedGaps(t *testing.T, files []string) (gaps map[string][]int, special int) {
	t.Helper()
	numbers := map[string][]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(data) {
			if data, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		text := string(data)
		num := headerNumber.FindStringSubmatchIndex(text)
		year := headerYear.FindStringSubmatch(text)
		if num == nil || year == nil {
			t.Fatalf("%s: no 第N期 or date in the header", f)
		}
		if head := text[:num[0]]; strings.Contains(head, "专刊") || strings.Contains(head, "增刊") {
			special++
			continue
		}
		n, _ := strconv.Atoi(text[num[2]:num[3]])
		numbers[year[1]] = append(numbers[year[1]], n)
	}
	gaps = map[string][]int{}
	for y, nums := range numbers {
		for n := 1; n <= slices.Max(nums); n++ {
			if !slices.Contains(nums, n) {
				gaps[y] = append(gaps[y], n)
			}
		}
	}
	return gaps, special
}

// TestStatsGaps checks that stats reports exactly the holes in the issue
// numbers of the sample archive, in JSON and in text.
func TestStatsGaps(t *testing.T) {
	dir, files := wholeSampleIndex(t)
	want, special := expectedGaps(t, files)
	code, out, stderr := run(t, "stats", "--index", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var st report.Stats
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	got := map[string][]int{}
	for _, g := range st.Gaps {
		got[g.Year] = g.Missing
		if slices.Contains(g.Missing, g.Highest) {
			t.Errorf("%s: the highest number %d, which is present, is reported missing", g.Year, g.Highest)
		}
	}
	if len(got) != len(want) {
		t.Errorf("gaps in %d years, want %d: %v, want %v", len(got), len(want), got, want)
	}
	for y, w := range want {
		if !slices.Equal(got[y], w) {
			t.Errorf("%s: missing %v, want %v", y, got[y], w)
		}
	}
	issues := 0
	for _, y := range st.Years {
		issues += y.Issues
	}
	if st.Issues != len(files) || issues != len(files) || st.Special != special {
		t.Errorf("%d issues (%d by year, %d special), want %d files of which %d special", st.Issues, issues, st.Special, len(files), special)
	}

	code, out, stderr = run(t, "stats", "--index", dir, "--top", "3")
	if code != 0 {
		t.Fatalf("text: exit %d: %s", code, stderr)
	}
	for y, w := range want {
		if !strings.Contains(out, "  "+y+": "+strconv.Itoa(len(w))+" of 1–") {
			t.Errorf("text lacks the gap of %s:\n%s", y, out)
		}
	}
	if !strings.Contains(out, "themes (") || !strings.Contains(out, "more\n") {
		t.Errorf("text output:\n%s", out)
	}
	if code, _, _ := run(t, "stats", "--index", dir, "--format", "csv"); code != exitUsage {
		t.Errorf("--format csv: exit %d, want usage error", code)
	}
}
