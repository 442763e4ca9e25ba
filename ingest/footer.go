package ingest

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// footerKeyRe finds the keys of footer fields: 责编:X 核稿:Y 电话:… and the
// 报/送/发 distribution lists, in either width of colon.
var footerKeyRe = regexp.MustCompile(footerKeys)

// footerLineRe matches a line that starts with a footer key.
var footerLineRe = regexp.MustCompile(`^` + footerKeys)

const footerKeys = `(责任编辑|责编|核稿|审核|联系电话|电话|传真|电子邮箱|邮箱|E-?mail|Email|报送|抄送|报|送|发)\s*[:：]`

// footerStart returns the index of the first footer line of body: the first
// line starting with a footer key after the last attribution line.
func footerStart(body []Line) int {
	from := 0
	for i, l := range body {
		if _, _, ok := attribution(l.Text); ok {
			from = i + 1
		}
	}
	for i := from; i < len(body); i++ {
		if footerLineRe.MatchString(body[i].Text) {
			return i
		}
	}
	return len(body)
}

// parseFooter reads the footer lines into iss. A line it cannot read is
// reported in errs and skipped.
func parseFooter(iss *Issue, lines []Line, errs *ErrorList) {
	for _, l := range lines {
		keys := footerKeyRe.FindAllStringSubmatchIndex(l.Text, -1)
		if len(keys) == 0 || keys[0][0] != 0 {
			errs.Add(l.Pos, "footer line not understood: %q", clip(strings.TrimSpace(l.Raw), 30))
			continue
		}
		for i, k := range keys {
			end := len(l.Text)
			if i+1 < len(keys) {
				end = keys[i+1][0]
			}
			key, value := l.Text[k[2]:k[3]], strings.TrimSpace(l.Text[k[1]:end])
			if value == "" {
				errs.Add(l.Pos, "footer field %s is empty", key)
				continue
			}
			setFooterField(iss, key, value)
		}
	}
}

func setFooterField(iss *Issue, key, value string) {
	switch key {
	case "责任编辑", "责编":
		iss.Editor = value
	case "核稿", "审核":
		iss.Reviewer = value
	case "联系电话", "电话":
		iss.Contact.Phone = strings.ReplaceAll(value, " ", "")
	case "传真":
		iss.Contact.Fax = strings.ReplaceAll(value, " ", "")
	case "电子邮箱", "邮箱", "E-mail", "Email", "Email:":
		iss.Contact.Email = strings.ReplaceAll(value, " ", "")
	case "报", "报送":
		iss.Distribution.ReportTo = append(iss.Distribution.ReportTo, splitList(value)...)
	case "送", "抄送":
		iss.Distribution.SendTo = append(iss.Distribution.SendTo, splitList(value)...)
	case "发":
		iss.Distribution.IssueTo = append(iss.Distribution.IssueTo, splitList(value)...)
	}
}

// roleRe matches a part of a list item that names a post, not a body:
// "副主任", "区长", "宣传部长".
var roleRe = regexp.MustCompile(`^(?:副)?(?:主任|书记|区长|市长|部长|宣传部长|局长|委员|主席|秘书长)$`)

// splitList splits a distribution list on its separators. Items are
// separated by commas or semicolons; an item is split further on 、 unless
// one of its parts is a post of the body before it (首都文明委主任、副主任)
// or a long description (市委、市政府各部委办局), which keep it whole.
func splitList(s string) []string {
	s = strings.TrimRight(s, "。.")
	var items []string
	for item := range strings.FieldsFuncSeq(s, func(r rune) bool { return strings.ContainsRune(",，;；", r) }) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		parts := strings.Split(item, "、")
		whole := false
		for i, p := range parts {
			if p == "" || i > 0 && roleRe.MatchString(p) || utf8.RuneCountInString(p) > 6 {
				whole = true
				break
			}
		}
		if whole {
			items = append(items, item)
			continue
		}
		items = append(items, parts...)
	}
	return items
}
