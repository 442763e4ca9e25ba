package ingest

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// readByOCR reports whether any page of a source was read by OCR.
func readByOCR(notes []PageNote) bool {
	for _, n := range notes {
		if n.Status == PageStatusOCR {
			return true
		}
	}
	return false
}

var (
	// ocrDateRe matches a date whose digits OCR may have misread as
	// letters, or whose 日 it lost or misread at the end of the line:
	// 2O21年3月23日, 202T年, 2021年3月23, 2021年3月231, 2020年7月1H.
	ocrDateRe = regexp.MustCompile(`([0-9OoIlTZSB]{4})\s*年\s*([0-9OoIl]{1,2})\s*月\s*([0-9OoIl]{1,2})\s*(?:[日曰目]|[1lIH|]?\s*$)`)
	// nameIDRe finds year and issue number in a file name:
	// bulletin-2021-014.pdf, 2021_14.pdf.
	nameIDRe   = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2})[-_ .第]*([0-9]{1,3})(?:[^0-9]|$)`)
	nameYearRe = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2})(?:[^0-9]|$)`)
)

// ocrDigits maps the letters OCR reads for digits to them; T stands for a
// digit it cannot tell.
var ocrDigits = strings.NewReplacer("O", "0", "o", "0", "I", "1", "l", "1", "Z", "2", "S", "5", "B", "8")

// structurePartial builds the record of a scanned bulletin whose masthead
// OCR could not read whole (why is Structure's error): what could be read
// of the masthead, the issue number and year taken from a date with
// misread digits or from the file name, and the articles and footer. The
// ID is YYYY-NNN when year and number are known, else "unknown-" and the
// start of the file's hash, so that it is stable. Each guess is a warning.
// A text with no masthead, section heading or attribution at all is still
// not a bulletin.
func structurePartial(lines []Line, name, sha string, why error) (*Issue, error) {
	iss := &Issue{}
	var errs ErrorList
	errs.Add(firstPos(lines), "masthead not read whole (%v): record kept in part", why)
	body := 0
	for i, l := range lines {
		if i >= headerWindow || isSection(l.Text) {
			break
		}
		t := Fold(l.Text)
		used := false
		if m := totalNoRe.FindStringSubmatch(t); m != nil && strings.Contains(t, "总") && iss.TotalIssue == 0 {
			iss.TotalIssue, _ = strconv.Atoi(m[1])
			t, used = strings.TrimSpace(strings.Replace(t, m[0], "", 1)), true
		}
		if m := specialRe.FindString(t); m != "" && iss.Special == "" {
			iss.Special = strings.Trim(m, "()（）")
			t, used = strings.TrimSpace(strings.Trim(strings.Replace(t, m, "", 1), "()（）")), true
		}
		if m := issueNoRe.FindStringSubmatchIndex(t); m != nil && iss.Issue == 0 {
			iss.Issue = parseNumber(t[m[2]:m[3]])
			if iss.Title == "" && m[0] > 0 {
				iss.Title = strings.TrimSpace(t[:m[0]])
			}
			t, used = strings.TrimSpace(t[:m[0]]+t[m[1]:]), true
		}
		if d, rest, ok := findDate(t); ok && iss.Date == "" {
			iss.Date, t, used = d, rest, true
		} else if d, rest, ok := ocrDate(t, name); ok && iss.Date == "" {
			errs.Add(l.Pos, "date read as %q, taken as %s", l.Text, d)
			iss.Date, t, used = d, rest, true
		} else if d, rest, ok := looseDate(t, name); ok && iss.Date == "" {
			errs.Add(l.Pos, "date read as %q, taken as %s", l.Text, d)
			iss.Date, t, used = d, rest, true
		}
		switch {
		case t == "" || t == iss.Title:
		case iss.Title == "" && iss.Issue == 0 && strings.Contains(t, "简报"):
			iss.Title, used = t, true
		case iss.Issue > 0 && iss.Issuer == "":
			// The issuer, before a date that could not be read, or a
			// line of its own; not a second reading of 第N期 (第]期).
			if k := slices.IndexFunc(knownIssuers, func(k string) bool { return strings.HasPrefix(t, k) }); k >= 0 {
				iss.Issuer, used = knownIssuers[k], true
			} else if len([]rune(t)) <= 20 && !strings.ContainsAny(t, "0123456789期") {
				iss.Issuer, used = t, true
			}
		}
		if used {
			body = i + 1
		}
	}
	// Garbled masthead lines before the first heading are skipped.
	for i, l := range lines {
		if isSection(l.Text) {
			if i <= headerWindow {
				body = i
			}
			break
		}
	}
	if iss.Issue == 0 && iss.Date == "" && !hasStructure(lines) {
		return nil, why
	}
	base := filepath.Base(name)
	year := ""
	if iss.Date != "" {
		year = iss.Date[:4]
	} else if m := nameYearRe.FindStringSubmatch(base); m != nil {
		year = m[1]
		errs.Add(firstPos(lines), "no date read: year %s taken from the file name", year)
	} else {
		errs.Add(firstPos(lines), "no date read")
	}
	if iss.Issue == 0 {
		if m := nameIDRe.FindStringSubmatch(base); m != nil && (year == "" || m[1] == year) {
			iss.Issue, _ = strconv.Atoi(m[2])
			year = m[1]
			errs.Add(firstPos(lines), "no issue number read: %d taken from the file name", iss.Issue)
		} else {
			errs.Add(firstPos(lines), "no issue number read")
		}
	}
	if year != "" && iss.Issue > 0 {
		iss.ID = issueIDYear(iss, year)
	} else {
		iss.ID = "unknown-" + sha[:min(len(sha), 12)]
		errs.Add(firstPos(lines), "issue unknown: recorded as %s", iss.ID)
	}
	if err := structureBody(iss, lines[body:], &errs); err != nil {
		return nil, err
	}
	return iss, errs
}

// hasStructure reports whether lines hold a section heading or an
// attribution line, the marks of a bulletin's body.
func hasStructure(lines []Line) bool {
	for _, l := range lines {
		if isSection(l.Text) {
			return true
		}
		if _, _, ok := attribution(l.Text); ok {
			return true
		}
	}
	return false
}

// issueIDYear is issueID for a year known apart from the date.
func issueIDYear(iss *Issue, year string) string {
	c := *iss
	c.Date = year + "-01-01"
	return issueID(&c)
}

// ocrDate reads a date whose digits OCR misread as letters. A year digit
// it cannot tell (T) is taken from the year in the file name when the rest
// agrees; otherwise there is no date.
func ocrDate(t, name string) (iso, rest string, ok bool) {
	loc := ocrDateRe.FindStringSubmatchIndex(t)
	if loc == nil {
		return "", "", false
	}
	y := ocrDigits.Replace(t[loc[2]:loc[3]])
	if strings.Contains(y, "T") {
		m := nameYearRe.FindStringSubmatch(filepath.Base(name))
		if m == nil {
			return "", "", false
		}
		for i := range 4 {
			if y[i] != 'T' && y[i] != m[1][i] {
				return "", "", false
			}
		}
		y = m[1]
	}
	mo, err1 := strconv.Atoi(ocrDigits.Replace(t[loc[4]:loc[5]]))
	day := ocrDigits.Replace(t[loc[6]:loc[7]])
	d, err2 := strconv.Atoi(day)
	yr, err3 := strconv.Atoi(y)
	if err1 != nil || err2 != nil || err3 != nil {
		return "", "", false
	}
	if d, ok = realDay(yr, mo, day, t[loc[7]:loc[1]] == ""); !ok {
		return "", "", false
	}
	rest = strings.TrimSpace(t[:loc[0]] + " " + t[loc[1]:])
	return fmt.Sprintf("%04d-%02d-%02d", yr, mo, d), rest, true
}

// looseDateRe matches a masthead date whose 年, 月 and 日 OCR misread: a
// year of the file name's, then month and day, each after a character or
// two that are not digits.
var looseDateRe = regexp.MustCompile(`((?:19|20)[0-9]{2})[^0-9]{1,2}([0-9]{1,2})[^0-9]{1,2}([0-9]{1,2})(?:[^0-9]|$)`)

// looseDate reads such a date when its year is the year in the file name,
// which vouches for the rest.
func looseDate(t, name string) (iso, rest string, ok bool) {
	m := nameYearRe.FindStringSubmatch(filepath.Base(name))
	loc := looseDateRe.FindStringSubmatchIndex(t)
	if m == nil || loc == nil || t[loc[2]:loc[3]] != m[1] {
		return "", "", false
	}
	mo, _ := strconv.Atoi(t[loc[4]:loc[5]])
	yr, _ := strconv.Atoi(m[1])
	d, ok := realDay(yr, mo, t[loc[6]:loc[7]], strings.TrimSpace(t[loc[7]:]) == "")
	if !ok {
		return "", "", false
	}
	return fmt.Sprintf("%s-%02d-%02d", m[1], mo, d), strings.TrimSpace(t[:loc[0]]), true
}

// realDay returns the day of the month that day, read by OCR in a date of
// year and month, stands for: the number when the date exists; when it
// does not, the day has two digits, the second a 1 and nothing follows it
// (last), the 1 is 日 misread (2016年2月31 for 2月3日) and the first digit
// is the day. A month that does not exist has no days.
func realDay(year, month int, day string, last bool) (int, bool) {
	exists := func(d int) bool {
		return month >= 1 && month <= 12 && d >= 1 && time.Date(year, time.Month(month), d, 0, 0, 0, 0, time.UTC).Day() == d
	}
	d, err := strconv.Atoi(day)
	if err != nil {
		return 0, false
	}
	if exists(d) {
		return d, true
	}
	if last && len(day) == 2 && day[1] == '1' && exists(int(day[0]-'0')) {
		return int(day[0] - '0'), true
	}
	return 0, false
}
