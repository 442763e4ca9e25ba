package report

import (
	"jianbao/query"

	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jianbao/index"
)

// Feeds of searches. Every search is also an Atom feed (RFC 4287) of the
// articles it matches, those indexed last first, so that a feed reader
// polling after the nightly ingest sees what arrived, also an old bulletin
// added late. An entry's id is a tag URI (RFC 4151) of the article id,
// the same on every server and across re-ingests; updated is when jianbao
// indexed the article as it now reads; published is the bulletin's date.

// Feed sizes.
const (
	DefaultFeedLimit = 50
	feedTagPrefix    = "tag:jianbao,2026:"
	atomNS           = "http://www.w3.org/2005/Atom"
	feedTimeZone     = "+08:00" // bulletins are dated in Beijing time
)

// FeedParams returns the search of a feed: p with the feed's order and,
// if p has none, its default number of entries.
func FeedParams(p query.Params) query.Params {
	p.Sort, p.Offset, p.Facets = index.SortIndexedDesc, 0, nil
	if p.Limit == 0 {
		p.Limit = DefaultFeedLimit
	}
	return p
}

type atomFeed struct {
	XMLName xml.Name    `xml:"feed"`
	NS      string      `xml:"xmlns,attr"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Sub     string      `xml:"subtitle"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Gen     atomGen     `xml:"generator"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomGen struct {
	Name string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Author     *atomPerson    `xml:"author"` // nil: the feed's
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

// ArticleTag returns the tag URI that identifies article id in feeds.
func ArticleTag(id string) string { return feedTagPrefix + "article:" + id }

// WriteFeed writes the hits of resp, the answer to the search p (as
// FeedParams made it), as an Atom feed. base is the URL of the server
// (http://host:port) that the links point to.
func WriteFeed(w io.Writer, resp *query.Response, p query.Params, base string) error {
	base = strings.TrimSuffix(base, "/")
	v := p.Values()
	v.Del("sort")
	v.Del("limit")
	page := url.Values{}
	for k, vs := range v {
		page[k] = vs
	}
	self := url.Values{}
	for k, vs := range v {
		self[k] = vs
	}
	if p.Limit != DefaultFeedLimit && p.Limit != 0 {
		self.Set("limit", strconv.Itoa(p.Limit))
	}
	f := atomFeed{NS: atomNS, Lang: "zh-CN", ID: feedTagPrefix + "search:" + v.Encode(),
		Title: feedTitle(p), Sub: fmt.Sprintf("%d 篇文章，最新收录的 %d 篇", resp.Total, len(resp.Hits)),
		Author: atomPerson{"jianbao"}, Gen: atomGen{"jianbao"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + "/api/search.atom?" + self.Encode()},
			{Rel: "alternate", Type: "text/html", Href: base + "/?" + page.Encode()},
		}}
	updated := ""
	for _, h := range resp.Hits {
		e := feedEntry(h, base)
		updated = max(updated, e.Updated)
		f.Entries = append(f.Entries, e)
	}
	if updated == "" {
		updated = "1970-01-01T00:00:00Z" // an empty feed: nothing was ever indexed for it
	}
	f.Updated = updated
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("write feed: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// feedTitle names the search: its query and filters.
func feedTitle(p query.Params) string {
	var parts []string
	for _, s := range []string{p.Q, p.District, p.Section, p.Org, p.Theme} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if p.From != "" || p.To != "" {
		parts = append(parts, p.From+"…"+p.To)
	}
	if len(parts) == 0 {
		return "简报检索：全部文章"
	}
	return "简报检索：" + strings.Join(parts, " ")
}

func feedEntry(h index.Hit, base string) atomEntry {
	published := ""
	if _, err := time.Parse(time.DateOnly, h.Date); err == nil {
		published = h.Date + "T00:00:00" + feedTimeZone
	}
	updated := h.Indexed
	if updated == "" {
		updated = published // an index of an earlier version, not yet reindexed
	}
	if updated == "" {
		updated = "1970-01-01T00:00:00Z"
	}
	e := atomEntry{ID: ArticleTag(h.ID), Title: h.Headline, Updated: updated, Published: published,
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: base + "/?" + url.Values{"article": {h.ID}}.Encode()},
			{Rel: "related", Href: base + "/" + fileURL(h.IssueID, h.Page)},
		}}
	if h.SourceOrg != "" {
		e.Author = &atomPerson{h.SourceOrg} // the reporting body
	}
	if h.Section != "" {
		e.Categories = append(e.Categories, atomCategory{Term: h.Section})
	}
	if h.District != "" {
		e.Categories = append(e.Categories, atomCategory{Term: h.District})
	}
	var sum strings.Builder
	fmt.Fprintf(&sum, "<p>%s 第%d期 · %s</p>", h.Date, h.Issue, xmlEscape(strings.Join(nonEmpty(h.Section, h.SourceOrg), " · ")))
	// Snippets are HTML-escaped text with <mark>s; feed readers drop mark
	// (feedparser's sanitizer does), so matches are in bold.
	bold := strings.NewReplacer("<mark>", "<b>", "</mark>", "</b>")
	for _, s := range h.Snippets {
		sum.WriteString("<p>" + bold.Replace(s) + "</p>")
	}
	e.Summary = atomText{Type: "html", Text: sum.String()}
	return e
}

// fileURL is the path of an issue's source file, at a PDF page.
func fileURL(issueID string, page int) string {
	u := "files/" + url.PathEscape(issueID)
	if page > 0 {
		u += fmt.Sprintf("#page=%d", page)
	}
	return u
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func xmlEscape(s string) string {
	var b strings.Builder
	if err := xml.EscapeText(&b, []byte(s)); err != nil {
		return "" // a strings.Builder does not fail
	}
	return b.String()
}
