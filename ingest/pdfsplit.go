package ingest

import (
	"regexp"
	"strings"
)

// Producers differ in where their text breaks lines, and the layout may
// miss a break (a heading run into its paragraph, a masthead set on one
// line). splitRunning recognises the pieces of a bulletin in running text
// and puts each on its own line, as a TXT bulletin has them: the masthead's
// 第N期, (总第N期) and date; section headings 【…】; an attribution (…) that
// closes a paragraph; and, after the last attribution, each footer field.

var (
	// Masthead pieces.
	splitIssueRe = regexp.MustCompile(`第\s*(?:[0-9]+|[〇零一二两三四五六七八九十百]+)\s*期`)
	splitTotalRe = regexp.MustCompile(`[(（]\s*总\s*第\s*[0-9]+\s*期\s*[)）]`)
	splitDateRe  = regexp.MustCompile(`[0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日|[〇零一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月\s*[一二三四五六七八九十]{1,3}\s*日`)
	// A section heading, short, with no sentence punctuation inside.
	splitSectionRe = regexp.MustCompile(`【[^【】。，,；;]{1,20}】`)
	// An attribution after the end of a sentence, followed by more text.
	splitAttrRe = regexp.MustCompile(`[。！？!?”]\s*([(（]\s*[^()（）,，。;；:：!！?？]{2,40}?\s*[)）])`)
	// A footer key anywhere in a line; 报, 送 and 发 only where no Chinese
	// character stands before them (情况简报: is no key).
	splitFooterRe = regexp.MustCompile(`(?:责任编辑|责编|核稿|审核|联系电话|电话|传真|电子邮箱|邮箱|报送|抄送)\s*[:：]|(?:^|[^\p{Han}])((?:报|送|发)\s*[:：])`)
)

// splitRunning splits paragraphs at the pieces of a bulletin found in their
// running text; each piece keeps its paragraph's page.
func splitRunning(paras []paragraph) []paragraph {
	var out []paragraph
	header := true
	bodyStart := 0
	for _, p := range paras {
		t := p.text
		if header {
			// The masthead ends at its date or, failing one, at the first
			// section heading.
			end := len(t)
			if i := strings.Index(t, "【"); i >= 0 && splitSectionRe.MatchString(t[i:]) {
				end = i
				header = false
			}
			if m := splitDateRe.FindStringIndex(t[:end]); m != nil {
				end = m[1]
				header = false
			}
			for _, s := range splitAt(t[:end], headerCuts(t[:end])) {
				out = append(out, paragraph{p.page, s})
			}
			bodyStart = len(out)
			t = t[end:]
		}
		for _, s := range splitAt(t, bodyCuts(t)) {
			out = append(out, paragraph{p.page, s})
		}
	}
	return splitFooter(out, bodyStart)
}

// headerCuts returns where the masthead text t divides: before and after
// the issue number, the total number and the date.
func headerCuts(t string) []int {
	var cuts []int
	for _, re := range []*regexp.Regexp{splitIssueRe, splitTotalRe, splitDateRe} {
		if m := re.FindStringIndex(t); m != nil {
			if re == splitIssueRe {
				// Keep "(专刊)第1期"-like prefixes with the number only
				// when a total number follows in the same brackets.
				if tm := splitTotalRe.FindStringIndex(t); tm != nil && m[0] >= tm[0] && m[1] <= tm[1] {
					continue
				}
			}
			cuts = append(cuts, m[0], m[1])
		}
	}
	return cuts
}

// bodyCuts returns where body text t divides: around section headings and
// after attributions that close a paragraph with more text after them.
func bodyCuts(t string) []int {
	var cuts []int
	// A heading stands at the start or after the end of a sentence (or an
	// attribution); 【…】 inside a sentence is a quotation.
	for _, m := range splitSectionRe.FindAllStringIndex(t, -1) {
		if before := strings.TrimSpace(t[:m[0]]); before == "" || closingPunctRe.MatchString(before) {
			cuts = append(cuts, m[0], m[1])
		}
	}
	for _, m := range splitAttrRe.FindAllStringSubmatchIndex(t, -1) {
		if strings.TrimSpace(t[m[3]:]) != "" {
			cuts = append(cuts, m[3])
		}
	}
	return cuts
}

// splitFooter splits the paragraphs after the last attribution of the
// body (which starts at paras[from]) before each footer key.
func splitFooter(paras []paragraph, from int) []paragraph {
	last := -1
	for i := from; i < len(paras); i++ {
		if _, _, ok := attribution(paras[i].text); ok {
			last = i
		}
	}
	if last < 0 {
		return paras
	}
	out := append([]paragraph(nil), paras[:last+1]...)
	for _, p := range paras[last+1:] {
		var cuts []int
		for _, m := range splitFooterRe.FindAllStringSubmatchIndex(p.text, -1) {
			if m[2] >= 0 {
				cuts = append(cuts, m[2]) // after the character before 报/送/发
			} else {
				cuts = append(cuts, m[0])
			}
		}
		for _, s := range splitAt(p.text, cuts) {
			// A piece that starts with no key continues the field before
			// it, wrapped onto a line of its own.
			if n := len(out); n > last+1 && !footerLeadRe.MatchString(s) && footerLeadRe.MatchString(out[n-1].text) &&
				!closingPunctRe.MatchString(out[n-1].text) {
				out[n-1].text += s
				continue
			}
			out = append(out, paragraph{p.page, s})
		}
	}
	return out
}

// splitAt cuts t at the byte offsets cuts (in any order) and returns the
// non-blank pieces, trimmed.
func splitAt(t string, cuts []int) []string {
	if len(cuts) == 0 {
		if t = strings.TrimSpace(t); t == "" {
			return nil
		}
		return []string{t}
	}
	sorted := append([]int(nil), cuts...)
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	var out []string
	prev := 0
	for _, c := range append(sorted, len(t)) {
		if c < prev || c > len(t) {
			continue
		}
		if s := strings.TrimSpace(t[prev:c]); s != "" {
			out = append(out, s)
		}
		prev = c
	}
	return out
}
