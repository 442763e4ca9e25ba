package index

import (
	"encoding/json"
	"testing"
)

func TestCitationRoundTrip(t *testing.T) {
	for _, c := range []Citation{
		{},
		{IssueID: "2021-014", Date: "2021-04-20", Issue: 14, Section: "工作交流", SourceOrg: "海淀区文明办",
			District: "海淀区", Headline: "海淀区“文明城区”创建", Page: 3, Indexed: "2026-12-06T09:30:00Z"},
		{IssueID: "2017-zk01", Issue: -1, Headline: "\x00\xff"},
	} {
		got, err := decodeCitation(appendCitation(nil, c))
		if err != nil || got != c {
			t.Errorf("%+v: got %+v, %v", c, got, err)
		}
		// As schemas 4–6 stored it.
		js, _ := json.Marshal(c)
		if got, err := decodeCitation(js); err != nil || got != c && c.Headline != "\x00\xff" {
			t.Errorf("JSON %s: got %+v, %v", js, got, err)
		}
	}
	// As schema 7 stored it: version 1, without the time indexed.
	v1 := []byte{citationV1, 8}
	v1 = append(v1, "2021-014"...)
	v1 = append(v1, 0, 0, 0, 0, 6)
	v1 = append(v1, "标题"...)
	v1 = append(v1, 28, 4) // varints of 14 and 2
	if got, err := decodeCitation(v1); err != nil || got != (Citation{IssueID: "2021-014", Headline: "标题", Issue: 14, Page: 2}) {
		t.Errorf("version 1: got %+v, %v", got, err)
	}
	good := appendCitation(nil, Citation{IssueID: "2021-014", Headline: "标题", Page: 2, Indexed: "2026-12-06T09:30:00Z"})
	for name, b := range map[string][]byte{
		"empty": nil, "version": append([]byte{9}, good[1:]...), "cut": good[:len(good)-1],
		"long": append(good, 0), "length past the end": {citationV1, 200},
		"indexed past the end": append(good[:len(good)-21], 200), "v1 with indexed": append([]byte{citationV1}, good[1:]...),
	} {
		if _, err := decodeCitation(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzDecodeCitation(f *testing.F) {
	f.Add(appendCitation(nil, Citation{IssueID: "2021-014", Headline: "标题", Page: 2}))
	f.Add([]byte(`{"issue_id":"2021-014"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeCitation(b)
		if err == nil && len(b) > 0 && b[0] == citationV2 {
			if again, err := decodeCitation(appendCitation(nil, c)); err != nil || again != c {
				t.Fatalf("%+v does not round-trip: %+v, %v", c, again, err)
			}
		}
	})
}
