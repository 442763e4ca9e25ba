package server

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"

	"jianbao/query"
	"jianbao/report"
)

// TestKWICEndpoint: /api/kwic answers JSON and CSV with the lines of
// ComputeConcordance, and 400 for bad parameters.
func TestKWICEndpoint(t *testing.T) {
	ix := sharedIndex(t)
	srv := newTestServer(t, ix)
	want, err := report.ComputeConcordance(t.Context(), ix, report.KWICParams{Params: query.Params{Q: "志愿", District: "海淀"}, Width: 6, Order: report.KWICSortRight})
	if err != nil {
		t.Fatal(err)
	}
	var got report.Concordance
	if st := getJSON(t, srv.URL+"/api/kwic?q=志愿&district=海淀&width=6&sort=right", &got); st != 200 {
		t.Fatalf("status %d", st)
	}
	if got.Occurrences != want.Occurrences || !slices.Equal(got.Lines, want.Lines) || len(got.Lines) == 0 {
		t.Errorf("API: %d occurrences, %d lines; want %d, %d", got.Occurrences, len(got.Lines), want.Occurrences, len(want.Lines))
	}
	resp, err := http.Get(srv.URL + "/api/kwic?q=志愿&district=海淀&width=6&sort=right&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s, %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	if len(rows) != len(want.Lines)+1 || rows[1][0] != want.Lines[0].ID || rows[1][6] != want.Lines[0].Left || rows[1][7] != "志愿" {
		t.Errorf("CSV: %d rows, first %q", len(rows), rows[min(1, len(rows)-1)])
	}
	var b bytes.Buffer
	if err := report.WriteKWICCSV(&b, want); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"/api/kwic", "/api/kwic?q=文明&width=0x", "/api/kwic?q=文明&sort=up", "/api/kwic?q=文明&format=xml", "/api/kwic?q=文明&width=500"} {
		var e apiError
		if st := getJSON(t, srv.URL+u, &e); st != 400 || e.Error == "" {
			t.Errorf("%s: %d %q, want 400", u, st, e.Error)
		}
	}
}
