package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"jianbao/ingest"
	"jianbao/internal/synth"
)

// exportedArticles returns what each calls fn with, as JSON lines.
func exportedArticles(t *testing.T, each func(context.Context, Expr, func(*Issue, *ArticleRecord) error) error, expr Expr) []string {
	t.Helper()
	var out []string
	err := each(context.Background(), expr, func(head *Issue, rec *ArticleRecord) error {
		js, err := json.Marshal(struct {
			Head *Issue
			Rec  *ArticleRecord
		}{head, rec})
		out = append(out, string(js))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// exportedIssues returns what each calls fn with, as JSON lines.
func exportedIssues(t *testing.T, each func(context.Context, Expr, func(*Issue) error) error, expr Expr) []string {
	t.Helper()
	var out []string
	err := each(context.Background(), expr, func(iss *Issue) error {
		js, err := json.Marshal(iss)
		out = append(out, string(js))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// everyDate is EachArticle reading every date whatever the filter.
func everyDate(ix *Index) func(context.Context, Expr, func(*Issue, *ArticleRecord) error) error {
	return func(ctx context.Context, expr Expr, fn func(*Issue, *ArticleRecord) error) error {
		return ix.eachArticle(ctx, expr, 0, fn)
	}
}

// sameLines reports the first difference of two exports.
func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d records, the paged export has %d", what, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("%s: record %d differs:\n got %.300s\nwant %.300s", what, i, got[i], want[i])
			return
		}
	}
}

// exportFilters are the filters the equivalence tests export with.
func exportFilters(district string) []struct {
	name string
	expr Expr
} {
	return []struct {
		name string
		expr Expr
	}{
		{"all", All{}},
		{"nil", nil},
		{"text", Text{Value: "志愿"}},
		{"one character", Text{Value: "实"}},
		{"district", Field{Name: "district", Value: district}},
		{"dates", DateRange{From: "2019-01-01", To: "2020-06-30"}},
		{"year or text", Or{Field{Name: "year", Value: "2018"}, Text{Value: "垃圾分类"}}},
		{"not", And{Text{Value: "文明"}, Not{Text{Value: "志愿"}}}},
		{"not alone", Not{Field{Name: "district", Value: district}}},
		{"none", Text{Value: "不存在的词语组合"}},
	}
}

// TestEachArticleAsPaged checks that the streaming export gives what the
// paged export of earlier versions gave, record for record and in the same
// order, for every kind of filter; and EachIssue likewise; reading stored
// fields on the fast path and on the public path alone.
func TestEachArticleAsPaged(t *testing.T) {
	a := sharedArchive(t)
	district := firstOf(a, func(at articleText) []string { return []string{at.district} })
	for _, public := range []bool{false, true} {
		a.ix.paths.public = public
		defer func() { a.ix.paths.public = false }()
		for _, f := range exportFilters(district) {
			t.Run(fmt.Sprintf("%s/public=%v", f.name, public), func(t *testing.T) {
				want := exportedArticles(t, a.ix.eachArticlePaged, f.expr)
				got := exportedArticles(t, a.ix.EachArticle, f.expr)
				sameLines(t, "articles", got, want)
				// A filter read over every date, as for many matches.
				sameLines(t, "articles, every date", exportedArticles(t, everyDate(a.ix), f.expr), want)
				if f.name == "all" && len(want) <= pagedExportPage {
					t.Fatalf("%d articles: the archive does not fill two pages", len(want))
				}
				sameLines(t, "issues", exportedIssues(t, a.ix.EachIssue, f.expr), exportedIssues(t, a.ix.eachIssuePaged, f.expr))
			})
		}
	}
}

// TestExportChangedIssues exports an index whose issues were rewritten
// with fewer articles, moved to another date, deleted, stored without a
// date, or share a date with another issue, and whose files were replaced
// by other bulletins or removed and re-ingested, and checks the export
// against the paged one and the records left.
func TestExportChangedIssues(t *testing.T) {
	paths, ix := smallArchive(t, 40, 23)
	ctx := context.Background()
	mustPut(t, ix, paths)
	list, err := ix.Issues(ctx)
	if err != nil || len(list) < 10 {
		t.Fatalf("%d issues: %v", len(list), err)
	}
	// Four issues of two articles or more, and one to delete.
	var picked []*Issue
	for _, it := range list {
		iss, err := ix.Issue(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(iss.Articles) >= 2 && len(picked) < 5 {
			picked = append(picked, iss)
		}
	}
	if len(picked) < 5 {
		t.Fatalf("%d issues of two articles or more", len(picked))
	}
	shorter, moved, undated, twin, deleted := picked[0], picked[1], picked[2], picked[3], picked[4]
	shorter.Articles = shorter.Articles[:1] // a re-ingest found one article
	moved.Date = "2005-05-05"
	undated.ID, undated.Date = "unknown-0123456789ab", ""
	for i := range undated.Articles {
		undated.Articles[i].ID = fmt.Sprintf("%s-%02d", undated.ID, i+1)
	}
	twin.ID, twin.Special, twin.Date = "2005-zk01", "专刊", "2005-05-05" // beside moved
	for i := range twin.Articles {
		twin.Articles[i].ID = fmt.Sprintf("%s-%02d", twin.ID, i+1)
	}
	b := ix.NewBatch()
	for _, iss := range []*Issue{shorter, moved, undated, twin} {
		if err := b.Put(ctx, iss); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Delete(ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}
	if err := ix.Commit(ctx, b); err != nil {
		t.Fatal(err)
	}

	all := exportedArticles(t, ix.EachArticle, All{})
	sameLines(t, "articles", all, exportedArticles(t, ix.eachArticlePaged, All{}))
	sameLines(t, "issues", exportedIssues(t, ix.EachIssue, All{}), exportedIssues(t, ix.eachIssuePaged, All{}))
	for _, f := range []Expr{Text{Value: "文明"}, Or{Field{Name: "issue_id", Value: undated.ID}, Field{Name: "issue_id", Value: moved.ID}}} {
		want := exportedArticles(t, ix.eachArticlePaged, f)
		sameLines(t, fmt.Sprintf("articles of %v", f), exportedArticles(t, ix.EachArticle, f), want)
		sameLines(t, fmt.Sprintf("articles of %v, every date", f), exportedArticles(t, everyDate(ix), f), want)
	}

	var ids []string
	err = ix.EachArticle(ctx, All{}, func(head *Issue, rec *ArticleRecord) error {
		ids = append(ids, rec.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(ids, " ")
	for _, gone := range []string{shorter.ID + "-02", deleted.ID + "-01"} {
		if strings.Contains(joined, gone) {
			t.Errorf("%s is exported after its removal", gone)
		}
	}
	if !strings.Contains(joined, shorter.ID+"-01") {
		t.Errorf("%s-01 is missing", shorter.ID)
	}
	// Undated first (the empty date sorts first); then the two issues of
	// 2005-05-05, their articles in ID order.
	n := len(undated.Articles)
	if first := ids[:n]; !strings.HasPrefix(first[0], undated.ID) || !strings.HasPrefix(first[n-1], undated.ID) {
		t.Errorf("the undated issue's articles are not first: %v", first)
	}
	next := ids[n : n+len(moved.Articles)+len(twin.Articles)]
	if !slices.IsSorted(next) || !strings.HasPrefix(next[0], twin.ID) || !strings.HasPrefix(next[len(next)-1], moved.ID) {
		t.Errorf("the articles of 2005-05-05 come as %v", next)
	}

	// Files re-ingested with other bulletins in them, one removed: their
	// issues are replaced and pruned, leaving deleted documents in the
	// segments.
	other := synth.Generate(3, 99)
	for i, f := range other[:2] {
		if err := os.WriteFile(paths[10+i], f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var pruned string
	for _, it := range list {
		for _, f := range it.Files {
			if f.Path == paths[12] {
				pruned = it.ID
			}
		}
	}
	if err := os.Remove(paths[12]); err != nil {
		t.Fatal(err)
	}
	// As package archive writes it: the issues of the rewritten and the
	// removed files go, the rewritten files' new issues come.
	gone := map[string]bool{}
	for _, it := range list {
		for _, f := range it.Files {
			if f.Path == paths[10] || f.Path == paths[11] || f.Path == paths[12] {
				gone[it.ID] = true
			}
		}
	}
	if len(gone) != 3 {
		t.Fatalf("the files to replace and remove give %d issues, want 3", len(gone))
	}
	err = ix.Update(ctx, 0, func(tx *Tx) error {
		for id := range gone {
			if err := tx.Delete(id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, ix, paths[10:12])

	sameLines(t, "articles after re-ingest", exportedArticles(t, ix.EachArticle, All{}), exportedArticles(t, ix.eachArticlePaged, All{}))
	sameLines(t, "issues after re-ingest", exportedIssues(t, ix.EachIssue, All{}), exportedIssues(t, ix.eachIssuePaged, All{}))
	err = ix.EachArticle(ctx, All{}, func(head *Issue, rec *ArticleRecord) error {
		if pruned == "" || rec.IssueID == pruned {
			return fmt.Errorf("%s of the pruned issue %q is exported", rec.ID, pruned)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// TestEachArticleCancel checks that an export stops when its context is
// cancelled, before or during the pass, with the context's error, and
// leaves no goroutine behind.
func TestEachArticleCancel(t *testing.T) {
	a := sharedArchive(t)
	before := runtime.NumGoroutine()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	err := a.ix.EachArticle(done, All{}, func(*Issue, *ArticleRecord) error { calls++; return nil })
	if !errors.Is(err, context.Canceled) || calls != 0 {
		t.Errorf("cancelled before: %v after %d calls", err, calls)
	}
	if err := a.ix.EachIssue(done, All{}, func(*Issue) error { calls++; return nil }); !errors.Is(err, context.Canceled) || calls != 0 {
		t.Errorf("EachIssue cancelled before: %v after %d calls", err, calls)
	}
	for _, expr := range []Expr{All{}, Text{Value: "文明"}} {
		ctx, cancel := context.WithCancel(context.Background())
		calls = 0
		err = a.ix.EachArticle(ctx, expr, func(*Issue, *ArticleRecord) error {
			calls++
			if calls == 100 {
				cancel()
			}
			return nil
		})
		cancel()
		if !errors.Is(err, context.Canceled) || calls != 100 {
			t.Errorf("%v cancelled during: %v after %d calls", expr, err, calls)
		}
	}
	stop := errors.New("stop")
	err = a.ix.EachArticle(context.Background(), All{}, func(*Issue, *ArticleRecord) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("the error of fn: %v", err)
	}
	// The readers and the goroutines of the passes are gone.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after, %d before", n, before)
	}
}

// TestRetagAsPaged retags two copies of one index, streaming and as
// earlier versions did, and checks that they hold the same records after,
// and that the streaming retag changed as many articles.
func TestRetagAsPaged(t *testing.T) {
	paths, ix := smallArchive(t, 60, 31)
	ctx := context.Background()
	mustPut(t, ix, paths)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	dirs := []string{ix.Dir(), filepath.Join(t.TempDir(), "copy")}
	if out, err := exec.Command("cp", "-r", dirs[0], dirs[1]).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v: %s", err, out)
	}
	custom, err := ingest.ParseTaxonomy([]byte(`
version = "test"
[[theme]]
name = "街道"
any = ["街道"]
[[theme]]
name = "志愿服务"
all = ["志愿者", "社区"]
`))
	if err != nil {
		t.Fatal(err)
	}
	var records [2][]string
	var changed [2]int
	for i, retag := range []func(*Index, context.Context, *ingest.Taxonomy) (int, error){(*Index).Retag, (*Index).retagPaged} {
		ix, err := Open(dirs[i], Options{})
		if err != nil {
			t.Fatal(err)
		}
		if changed[i], err = retag(ix, ctx, custom); err != nil {
			t.Fatal(err)
		}
		records[i] = exportedIssues(t, ix.eachIssuePaged, All{})
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if changed[0] != changed[1] || changed[0] == 0 {
		t.Errorf("retag changed %d articles, the paged retag %d", changed[0], changed[1])
	}
	sameLines(t, "retagged issues", records[0], records[1])
}
