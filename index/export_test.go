package index

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestEachArticle checks that EachArticle yields exactly the articles that
// match, each once, in date and ID order, past the size of a page, with the
// stored records and the headers of their issues.
func TestEachArticle(t *testing.T) {
	a := sharedArchive(t)
	ctx := context.Background()
	district := firstOf(a, func(at articleText) []string { return []string{at.district} })
	for _, tt := range []struct {
		name string
		expr Expr
	}{
		{"all", All{}},
		{"text", Text{Value: "志愿"}},
		{"district", Field{Name: "district", Value: district}},
		{"not", And{Text{Value: "文明"}, Not{Text{Value: "志愿"}}}},
		{"none", Text{Value: "不存在的词语组合"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := allIDs(t, a.ix, tt.expr)
			var got []string
			var prevDate, prevID string
			err := a.ix.EachArticle(ctx, tt.expr, func(head *Issue, rec *ArticleRecord) error {
				if rec.Date < prevDate || rec.Date == prevDate && rec.ID <= prevID {
					t.Errorf("%s %s after %s %s", rec.Date, rec.ID, prevDate, prevID)
				}
				prevDate, prevID = rec.Date, rec.ID
				if head.ID != rec.IssueID || head.Date != rec.Date || head.Issue.Issue != rec.Issue || head.Articles != nil || len(head.Files) == 0 {
					t.Errorf("%s: header %s %s %d (%d articles, %d files), record %s %s %d", rec.ID, head.ID, head.Date, head.Issue.Issue,
						len(head.Articles), len(head.Files), rec.IssueID, rec.Date, rec.Issue)
				}
				if len(got)%97 == 0 {
					stored, err := a.ix.Article(ctx, rec.ID)
					if err != nil || stored.Body != rec.Body || !slices.Equal(stored.Themes, rec.Themes) {
						t.Errorf("%s: record differs from the stored one: %v", rec.ID, err)
					}
				}
				got = append(got, rec.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "all" && len(got) <= pagedExportPage {
				t.Fatalf("%d articles: the archive does not fill two pages", len(got))
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%d articles, want %d", len(got), len(want))
			}
		})
	}
	stop := errors.New("stop")
	n := 0
	err := a.ix.EachArticle(ctx, All{}, func(*Issue, *ArticleRecord) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("the error of fn: %v after %d calls", err, n)
	}
	if err := a.ix.EachArticle(ctx, Field{Name: "nope", Value: "x"}, nil); err == nil {
		t.Error("an unknown field is no error")
	}
}

// TestEachIssue checks that EachIssue yields the issues with a matching
// article, with all their articles.
func TestEachIssue(t *testing.T) {
	a := sharedArchive(t)
	ctx := context.Background()
	expr := Text{Value: "志愿"}
	want := map[string]bool{}
	for _, id := range allIDs(t, a.ix, expr) {
		want[id[:len(id)-3]] = true
	}
	n := 0
	err := a.ix.EachIssue(ctx, expr, func(iss *Issue) error {
		n++
		if !want[iss.ID] || len(iss.Articles) == 0 {
			t.Errorf("issue %s (%d articles) has no matching article", iss.ID, len(iss.Articles))
		}
		return nil
	})
	if err != nil || n != len(want) {
		t.Errorf("%d issues, want %d: %v", n, len(want), err)
	}
	list, _ := a.ix.Issues(ctx)
	n = 0
	a.ix.EachIssue(ctx, All{}, func(*Issue) error { n++; return nil })
	if n != len(list) {
		t.Errorf("All: %d issues of %d", n, len(list))
	}
}
