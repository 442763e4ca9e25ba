package index

import (
	"encoding/json"
	"testing"
)

func TestCitationRoundTrip(t *testing.T) {
	for _, c := range []Citation{
		{},
		{IssueID: "2021-014", Date: "2021-04-20", Issue: 14, Section: "工作交流", SourceOrg: "海淀区文明办",
			District: "海淀区", Headline: "海淀区“文明城区”创建", Page: 3},
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
	good := appendCitation(nil, Citation{IssueID: "2021-014", Headline: "标题", Page: 2})
	for name, b := range map[string][]byte{
		"empty": nil, "version": append([]byte{9}, good[1:]...), "cut": good[:len(good)-1],
		"long": append(good, 0), "length past the end": {citationV1, 200},
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
		if err == nil && len(b) > 0 && b[0] == citationV1 {
			if again, err := decodeCitation(appendCitation(nil, c)); err != nil || again != c {
				t.Fatalf("%+v does not round-trip: %+v, %v", c, again, err)
			}
		}
	})
}
