package report

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"testing"
)

func TestSafeCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"志愿服务", "志愿服务"},
		{"2021-014-01", "2021-014-01"},
		{"=HYPERLINK(\"http://evil.example\",\"点击\")", "'=HYPERLINK(\"http://evil.example\",\"点击\")"},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
		{" =1", " =1"},
		{"＝1", "＝1"}, // full-width: not a formula to a spreadsheet
		{"'=1", "'=1"},
	} {
		if got := SafeCell(tc.in); got != tc.want {
			t.Errorf("SafeCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCSVWriter checks that every cell of every row is made safe and that
// the output still parses back as CSV with the same shape.
func TestCSVWriter(t *testing.T) {
	rows := [][]string{
		{"id", "headline", "body"},
		{"1", "=1+2", "text, with \"quotes\"\nand a line"},
		{"2", "@x", "-3"},
	}
	var b bytes.Buffer
	w := NewCSVWriter(&b)
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "headline", "body"},
		{"1", "'=1+2", "text, with \"quotes\"\nand a line"},
		{"2", "'@x", "'-3"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
