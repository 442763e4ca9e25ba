package index

import (
	"context"
	"slices"
	"testing"
	"time"

	"jianbao/ingest"
)

// TestIndexedTime: Put stamps an issue with the time it is indexed, keeps
// it while the articles' text stays the same (a re-ingest, a retagging),
// renews it when the text changes; SortIndexedDesc lists the articles
// indexed last first; Texts returns the search texts.
func TestIndexedTime(t *testing.T) {
	_, ix := smallArchive(t, 0, 1)
	ctx := context.Background()
	clock := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	ix.now = func() time.Time { return clock }
	issue := func(id, date, body string) *Issue {
		return &Issue{Issue: ingest.Issue{ID: id, Date: date, Articles: []ingest.Article{
			{ID: id + "-01", Seq: 1, Headline: "标题", Body: body}, {ID: id + "-02", Seq: 2, Body: "Ｂ 乙"}}}}
	}
	putIssue(t, ix, issue("2021-001", "2021-01-05", "甲"))
	clock = clock.Add(time.Hour)
	putIssue(t, ix, issue("2020-009", "2020-05-05", "丙")) // an old bulletin indexed later
	clock = clock.Add(time.Hour)
	retagged := issue("2021-001", "2021-01-05", "甲")
	retagged.Articles[0].Themes = []string{"志愿服务"}
	putIssue(t, ix, retagged)

	feed := func() []string {
		t.Helper()
		res, err := ix.Search(ctx, Request{Expr: All{}, Sort: SortIndexedDesc, Limit: 10, Texts: true})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID+" "+h.Indexed)
		}
		return out
	}
	want := []string{"2020-009-01 2026-03-01T09:00:00Z", "2020-009-02 2026-03-01T09:00:00Z",
		"2021-001-01 2026-03-01T08:00:00Z", "2021-001-02 2026-03-01T08:00:00Z"}
	if got := feed(); !slices.Equal(got, want) {
		t.Errorf("after a retagging: got %q, want %q", got, want)
	}
	iss, err := ix.Issue(ctx, "2021-001")
	if err != nil || !iss.Indexed.Equal(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("issue record: indexed %v, %v", iss.Indexed, err)
	}
	putIssue(t, ix, issue("2021-001", "2021-01-05", "甲，改过")) // corrected: new again
	want = []string{"2021-001-01 2026-03-01T10:00:00Z", "2021-001-02 2026-03-01T10:00:00Z",
		"2020-009-01 2026-03-01T09:00:00Z", "2020-009-02 2026-03-01T09:00:00Z"}
	if got := feed(); !slices.Equal(got, want) {
		t.Errorf("after a correction: got %q, want %q", got, want)
	}
	res, err := ix.Search(ctx, Request{Expr: Text{Value: "B乙"}, Texts: true})
	if err != nil || len(res.Hits) != 2 {
		t.Fatalf("texts: %v, %v", res, err)
	}
	if got := *res.Hits[0].Text; got != (SearchText{Body: "B乙"}) {
		t.Errorf("search text: %+v", got)
	}
	if got := TextValues(And{Text{Value: "甲 乙"}, Not{Text{Value: "丙"}}, Or{Text{Value: "丁"}, Text{Value: "甲乙"}}}); !slices.Equal(got, []string{"甲乙", "丁"}) {
		t.Errorf("TextValues: %q", got)
	}
}
