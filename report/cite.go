package report

import (
	"jianbao/query"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"jianbao/index"
	"jianbao/ingest"
)

// Citation formats of WriteCitations.
const (
	FormatGBT7714 = "gbt7714"  // GB/T 7714-2015, one reference a line
	FormatRIS     = "ris"      // RIS, for EndNote, Zotero and most reference managers
	FormatBibTeX  = "bibtex"   // BibTeX/biblatex, for JabRef, LaTeX and pandoc
	FormatCSLJSON = "csl-json" // CSL-JSON, for pandoc --citeproc and Zotero
)

// CiteFormats are the citation formats, in the order shown to users.
var CiteFormats = []string{FormatGBT7714, FormatRIS, FormatBibTeX, FormatCSLJSON}

// MaxCiteIDs is the number of article ids one citation request may name.
const MaxCiteIDs = 1000

// Reference is what a citation of an article says: the article, the
// bulletin issue it is in, and where in the archive it was read.
type Reference struct {
	ID         string // the article id, 2021-014-02: the citation key
	Headline   string
	Section    string
	SourceOrg  string // the reporting body, cited as the article's author
	Title      string // of the bulletin, 首都精神文明建设情况简报
	Issuer     string // 首都精神文明办: the bulletin's author and publisher
	Issue      int    // 第 N 期
	TotalIssue int    // 总第 N 期, 0 if not printed
	Special    string // 专刊, 增刊 or the name of a special issue
	Date       string // YYYY-MM-DD
	Page       int    // of the source PDF where the article starts, 0 for none
	File       string // base name of the source file
	URL        string // of the source file (at Page), "" when the server's address is unknown
}

// NewReference returns the reference of the article v; base is the URL of
// the server that serves its source ("" for none).
func NewReference(v *ArticleView, source, base string) Reference {
	r := Reference{ID: v.ID, Headline: v.Headline, Section: v.Section, SourceOrg: v.SourceOrg,
		Title: v.Title, Issuer: v.Issuer, Issue: v.Issue, TotalIssue: v.TotalIssue, Special: v.Special,
		Date: v.Date, File: filepath.Base(source)}
	if source == "" {
		r.File = ""
	}
	if v.Format == ingest.FormatPDF {
		r.Page = v.Page
	}
	if base != "" {
		r.URL = strings.TrimSuffix(base, "/") + v.File
	}
	return r
}

// IssueStore returns the stored record of an issue; *index.Index and
// *live.Client are ones.
type IssueStore interface {
	Issue(ctx context.Context, id string) (*index.Issue, error)
}

// References returns the references of the articles ids, in their order,
// reading each issue once; an issue id (2021-014) stands for all its
// articles. An unknown or malformed id is an error wrapping index.ErrNotFound;
// more than MaxCiteIDs ids, or articles, is a *ParamError.
func References(ctx context.Context, s IssueStore, ids []string, base string) ([]Reference, error) {
	tooMany := &query.ParamError{Param: "ids", Msg: fmt.Sprintf("more than %d articles, the most at once", MaxCiteIDs)}
	if len(ids) > MaxCiteIDs {
		return nil, tooMany
	}
	issues := map[string]*index.Issue{}
	issue := func(id, issueID string) (*index.Issue, error) {
		if iss, ok := issues[issueID]; ok {
			return iss, nil
		}
		iss, err := s.Issue(ctx, issueID)
		if errors.Is(err, index.ErrNotFound) {
			if id == issueID {
				return nil, fmt.Errorf("no issue %s in the index: %w", issueID, index.ErrNotFound)
			}
			return nil, fmt.Errorf("no article %s: its issue %s is not in the index: %w", id, issueID, index.ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("cite %s: %w", id, err)
		}
		issues[issueID] = iss
		return iss, nil
	}
	refs := make([]Reference, 0, len(ids))
	for _, id := range ids {
		if issueID, ok := query.IssueID(id); ok && issueID == id {
			iss, err := issue(id, issueID)
			if err != nil {
				return nil, err
			}
			for _, a := range iss.Articles {
				v, err := FindArticle(iss, a.ID)
				if err != nil {
					return nil, err
				}
				refs = append(refs, NewReference(v, SourceOf(iss).Path, base))
			}
			if len(refs) > MaxCiteIDs {
				return nil, tooMany
			}
			continue
		}
		issueID, ok := ArticleIssueID(id)
		if !ok {
			return nil, fmt.Errorf("%q is neither an article id (2021-014-02) nor an issue id (2021-014): %w", id, index.ErrNotFound)
		}
		iss, err := issue(id, issueID)
		if err != nil {
			return nil, err
		}
		v, err := FindArticle(iss, id)
		if err != nil {
			return nil, err
		}
		refs = append(refs, NewReference(v, SourceOf(iss).Path, base))
	}
	if len(refs) > MaxCiteIDs {
		return nil, tooMany
	}
	return refs, nil
}

// WriteCitations writes refs to w in format, one of CiteFormats.
func WriteCitations(w io.Writer, refs []Reference, format string) error {
	var err error
	switch format {
	case FormatGBT7714:
		err = writeGBT7714(w, refs)
	case FormatRIS:
		err = writeRIS(w, refs)
	case FormatBibTeX:
		err = writeBibTeX(w, refs)
	case FormatCSLJSON:
		err = writeCSLJSON(w, refs)
	default:
		return &query.ParamError{Param: "format", Msg: fmt.Sprintf("unknown citation format %q: want %s", format, strings.Join(CiteFormats, ", "))}
	}
	if err != nil {
		return fmt.Errorf("write citations: %w", err)
	}
	return nil
}

// CiteContentType returns the media type of a citation format.
func CiteContentType(format string) string {
	switch format {
	case FormatRIS:
		return "application/x-research-info-systems; charset=utf-8"
	case FormatBibTeX:
		return "application/x-bibtex; charset=utf-8"
	case FormatCSLJSON:
		return "application/vnd.citationstyles.csl+json; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// CiteFileExt returns the usual file extension of a citation format.
func CiteFileExt(format string) string {
	switch format {
	case FormatRIS:
		return ".ris"
	case FormatBibTeX:
		return ".bib"
	case FormatCSLJSON:
		return ".json"
	}
	return ".txt"
}

// title returns the headline as a title: without the sentence's closing
// punctuation when the headline is the article's first sentence.
func (r Reference) title() string {
	return strings.TrimRight(strings.TrimSpace(r.Headline), "。．.！!？?；;，,：:")
}

// issueLabel is the issue as printed: 第14期, 增刊第1期, or the issue
// number alone for the issue field of a reference manager (14, 增刊1).
func (r Reference) issueLabel(printed bool) string {
	if !printed {
		return r.Special + strconv.Itoa(r.Issue)
	}
	return r.Special + "第" + strconv.Itoa(r.Issue) + "期"
}

// totalLabel is 总第N期, or "" when the issue has none.
func (r Reference) totalLabel() string {
	if r.TotalIssue <= 0 {
		return ""
	}
	return "总第" + strconv.Itoa(r.TotalIssue) + "期"
}

// locator is where the article is in the archive: its source file, and
// page when it came from a PDF page.
func (r Reference) locator() string {
	s := r.File
	if r.Page > 0 {
		s += ", p. " + strconv.Itoa(r.Page)
	}
	return s
}

// note is what a reference manager keeps beside the fields: the total
// issue number.
func (r Reference) note() string { return r.totalLabel() }

// year, month and day of the date; 0 where the date lacks them.
func (r Reference) dateParts() []int {
	var parts []int
	for _, s := range strings.SplitN(r.Date, "-", 3) {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			break
		}
		parts = append(parts, n)
	}
	return parts
}

// GB/T 7714-2015 ("信息与文献 参考文献著录规则"). A bulletin such as
// 首都精神文明建设情况简报 is an internal document (内部资料): it has issue
// numbers like a serial but no CN or ISSN number, and is not found in
// libraries under a journal's title, year and volume. The standard's
// serial codes are for published periodicals ([J] 期刊) and newspapers
// ([N] 报纸); a document of a type that Appendix B does not list is [Z]
// (其他). Its issue is cited as the host of the article, like a part of a
// monograph (4.2, 析出文献): the reporting body is the article's author
// (8.1.1: a body may be a 主要责任者; without one the entry opens with the
// title, as a numbered list may, 8.1.4), "//" joins the host, whose author
// and publisher is the issuer; the issue (第N期, 总第N期) is the host's
// other title information (8.2); no place of publication is printed, so it
// is "[出版地不详]" (8.4.1.3); the date is given in full, YYYY-MM-DD (8.6,
// a bulletin appears on a day, like a newspaper); the page is the one the
// article starts on in the PDF (8.8.2), omitted for a TXT source. Punctuation
// is that of the standard (. , : // []), half-width, each followed by a
// space where the standard's examples have one.

// GBT7714 returns the reference of r by GB/T 7714-2015.
func (r Reference) GBT7714() string {
	var b strings.Builder
	if org := strings.TrimSpace(r.SourceOrg); org != "" {
		b.WriteString(org + ". ")
	}
	b.WriteString(r.title() + "[Z]//")
	if r.Issuer != "" {
		b.WriteString(r.Issuer + ". ")
	}
	b.WriteString(r.Title + ": ")
	if parts := r.dateParts(); len(parts) > 0 {
		b.WriteString(strconv.Itoa(parts[0]) + "年")
	}
	b.WriteString(r.issueLabel(true))
	if t := r.totalLabel(); t != "" {
		b.WriteString("(" + t + ")")
	}
	b.WriteString(". [出版地不详]: ")
	publisher := r.Issuer
	if publisher == "" {
		publisher = "[出版者不详]"
	}
	b.WriteString(publisher + ", ")
	date := r.Date
	if date == "" {
		date = "[出版年不详]"
	}
	b.WriteString(date)
	if r.Page > 0 {
		b.WriteString(": " + strconv.Itoa(r.Page))
	}
	b.WriteString(".")
	return b.String()
}

func writeGBT7714(w io.Writer, refs []Reference) error {
	var b strings.Builder
	for i, r := range refs {
		if len(refs) > 1 {
			fmt.Fprintf(&b, "[%d] ", i+1)
		}
		b.WriteString(r.GBT7714())
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RIS: a periodical article (MGZN: RIS's journal type JOUR has no
// publisher), the reporting body as author (AU takes a body's name as
// one), the issuer as publisher, the total issue number as note, the
// source file and page as call number (CN).
func writeRIS(w io.Writer, refs []Reference) error {
	var b strings.Builder
	line := func(tag, v string) {
		if v = oneLine(v); v != "" {
			fmt.Fprintf(&b, "%s  - %s\r\n", tag, v)
		}
	}
	for _, r := range refs {
		line("TY", "MGZN")
		line("ID", r.ID)
		line("AU", r.SourceOrg)
		line("TI", r.title())
		line("T2", r.Title)
		line("IS", r.issueLabel(false))
		if parts := r.dateParts(); len(parts) == 3 {
			line("DA", fmt.Sprintf("%04d/%02d/%02d/", parts[0], parts[1], parts[2]))
		}
		if parts := r.dateParts(); len(parts) > 0 {
			line("PY", strconv.Itoa(parts[0]))
		}
		if r.Page > 0 {
			line("SP", strconv.Itoa(r.Page))
		}
		line("PB", r.Issuer)
		line("LA", "zh-CN")
		line("N1", r.note())
		line("AN", r.ID)
		line("CN", r.locator())
		line("UR", r.URL)
		b.WriteString("ER  - \r\n\r\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// oneLine makes v a value of one line.
func oneLine(v string) string {
	return strings.Join(strings.Fields(v), " ")
}

// BibTeX: an @article (biblatex and BibTeX alike) with the reporting body
// as a corporate author (in braces, so that it is not split into names),
// journal, number, date and year, pages, publisher, language, the total
// issue number as note and the source file and page as library.
func writeBibTeX(w io.Writer, refs []Reference) error {
	var b strings.Builder
	for _, r := range refs {
		fmt.Fprintf(&b, "@article{%s,\n", r.ID)
		field := func(name, v string) {
			if v = oneLine(v); v != "" {
				fmt.Fprintf(&b, "  %s = {%s},\n", name, bibEscape(v))
			}
		}
		if org := oneLine(r.SourceOrg); org != "" {
			fmt.Fprintf(&b, "  author = {{%s}},\n", bibEscape(org))
		}
		field("title", r.title())
		field("journal", r.Title)
		field("number", r.issueLabel(false))
		if parts := r.dateParts(); len(parts) > 0 {
			field("year", strconv.Itoa(parts[0]))
			if len(parts) == 3 {
				field("date", r.Date)
			}
		}
		if r.Page > 0 {
			field("pages", strconv.Itoa(r.Page))
		}
		field("publisher", r.Issuer)
		field("language", "zh-CN")
		field("note", r.note())
		field("library", r.locator())
		field("url", r.URL)
		b.WriteString("}\n\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// bibEscape escapes the characters that (La)TeX reads as commands.
var bibEscape = strings.NewReplacer(
	`\`, `\textbackslash{}`, `{`, `\{`, `}`, `\}`, `%`, `\%`, `&`, `\&`, `#`, `\#`, `$`, `\$`, `_`, `\_`,
	`~`, `\textasciitilde{}`, `^`, `\textasciicircum{}`,
).Replace

// cslItem is a CSL-JSON item.
type cslItem struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	Title          string    `json:"title"`
	ContainerTitle string    `json:"container-title,omitempty"`
	Author         []cslName `json:"author,omitempty"`
	Publisher      string    `json:"publisher,omitempty"`
	Issue          string    `json:"issue,omitempty"`
	Issued         *cslDate  `json:"issued,omitempty"`
	Page           string    `json:"page,omitempty"`
	Section        string    `json:"section,omitempty"`
	Language       string    `json:"language"`
	Note           string    `json:"note,omitempty"`
	CallNumber     string    `json:"call-number,omitempty"`
	URL            string    `json:"URL,omitempty"`
	Source         string    `json:"source"`
}

type cslName struct {
	Literal string `json:"literal"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

// CSL-JSON: a periodical article (article-magazine) with the reporting body
// as a literal (institutional) author, the bulletin's section, and the
// fields of the other formats.
func writeCSLJSON(w io.Writer, refs []Reference) error {
	items := make([]cslItem, 0, len(refs))
	for _, r := range refs {
		it := cslItem{ID: r.ID, Type: "article-magazine", Title: r.title(), ContainerTitle: r.Title,
			Publisher: r.Issuer, Issue: r.issueLabel(false), Section: r.Section, Language: "zh-CN",
			Note: r.note(), CallNumber: r.locator(), URL: r.URL, Source: "jianbao"}
		if org := oneLine(r.SourceOrg); org != "" {
			it.Author = []cslName{{org}}
		}
		if parts := r.dateParts(); len(parts) > 0 {
			it.Issued = &cslDate{[][]int{parts}}
		}
		if r.Page > 0 {
			it.Page = strconv.Itoa(r.Page)
		}
		items = append(items, it)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(items)
}
