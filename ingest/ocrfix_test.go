package ingest

import (
	"context"
	"errors"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestFixSection(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"[工作交流]", "【工作交流】", true},
		{"【工作交流]", "【工作交流】", true},
		{"【工作交流]】", "【工作交流】", true},
		{"[工作交流】", "【工作交流】", true},
		{"〖文明创建〗", "【文明创建】", true},
		{"【工作交琉]", "【工作交流】", true},         // one character off a known name
		{"(工作动态)", "【工作动态】", true},         // round brackets, but a known name
		{"[专题报道]", "【专题报道】", true},         // unknown, but heading brackets
		{"【文明创建】", "", false},              // already right
		{"(海淀区文明办)", "", false},            // an attribution
		{"(一)", "", false},                 // an enumeration
		{"[2021]", "", false},              // not Chinese
		{"我市举办文明城区创建工作第一期培训班。", "", false}, // text
		{"(专题报道)", "", false},              // round brackets and no known name
	}
	for _, tt := range tests {
		got, ok := fixSection(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("fixSection(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFixAttribution(t *testing.T) {
	c := newFixContext("")
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"《海淀区文明办》", "（海淀区文明办）", true},
		{"〈密云区文明办〉", "（密云区文明办）", true},
		{"(海淀区文明办》", "（海淀区文明办）", true},
		{"《精神文明创建活动指导处)", "（精神文明创建活动指导处）", true},
		{"工作合力。《海淀区文明办》", "工作合力。（海淀区文明办）", true},
		{"海淀区文明办)", "（海淀区文明办）", true},        // alone on its line, its opening lost
		{"(海淀区文明办)", "", false},              // already an attribution
		{"《民法典》", "", false},                 // a book, not a body
		{"学习《关于深化文明城区创建的三年行动计划》", "", false}, // a title inside a sentence
		{"〈图为志愿者〉", "", false},               // names no body
	}
	for _, tt := range tests {
		got, ok := c.fixAttribution(tt.in, false)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("fixAttribution(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFixAttributionAfterOpenBracket(t *testing.T) {
	if got, ok := newFixContext("").fixAttribution("海淀区文明办)", true); ok {
		t.Errorf("the end of a bracket opened on the line before was taken for an attribution: %q", got)
	}
}

func TestLooksLikePageNumber(t *testing.T) {
	for _, s := range []string{"一1]一", "一2一", "-3一", "【4】", "一 5 一", "— 6 ]"} {
		if !looksLikePageNumber(s) {
			t.Errorf("%q is a misread page number", s)
		}
	}
	for _, s := range []string{"— 3 —", "一、", "2021年", "一1234一", "第1页", "(一)", "一二三"} {
		if looksLikePageNumber(s) {
			t.Errorf("%q is not a misread page number", s)
		}
	}
}

func TestFixDistricts(t *testing.T) {
	// The issue reads 海淀区 right somewhere, and 东城区 nowhere.
	c := newFixContext("海淀区永定路街道建立机制。西城区")
	tests := []struct {
		name, in, want string
	}{
		{"attribution", "(海洗区文明办)", "(海淀区文明办)"},
		{"attribution short name", "(海演文明办)", "(海淀文明办)"},
		{"attribution, district unseen", "(密去区文明办)", "(密云区文明办)"},
		{"attribution with 北京市", "(北京市海注区文明办)", "(北京市海淀区文明办)"},
		{"before 区委", "海演区委宣传部组织", "海淀区委宣传部组织"},
		{"body, district seen", "海演区各街道开展", "海淀区各街道开展"},
		{"body, district unseen", "在东成区开展", "在东成区开展"},
		{"ambiguous: 老城区", "老城区改造", "老城区改造"},
		{"a word: 浅山区", "浅山区生态", "浅山区生态"},
		{"right already", "海淀区开展", "海淀区开展"},
		{"another district, one off a seen one", "市残联与东城区签订", "市残联与东城区签订"},
		{"attribution of a municipal body", "(市文明办)", "(市文明办)"},
	}
	for _, tt := range tests {
		var got string
		if _, org, ok := attribution(tt.in); ok {
			got = c.fixDistricts(tt.in, org, true)
		} else {
			got = c.fixDistricts(tt.in, tt.in, false)
		}
		if got != tt.want {
			t.Errorf("%s: fixDistricts(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestFixOrgs(t *testing.T) {
	c := newFixContext("天安门地区消防救援支队参加。毛主席纪念堂管理局")
	tests := []struct{ in, want string }{
		{"天安门地区消防救授支队", "天安门地区消防救援支队"},
		{"毛主席纪念党管理局", "毛主席纪念堂管理局"},
		{"首都精神文明建设", "首都精神文明建设"}, // 首都精神文明办 differs at its end
		{"天安门地区消防救援支队", "天安门地区消防救援支队"},
	}
	for _, tt := range tests {
		if got, _ := c.fixOrgs(tt.in); got != tt.want {
			t.Errorf("fixOrgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := c.fixAttributionOrg("门头沟区潭相寺镇"); got != "门头沟区潭柘寺镇" {
		t.Errorf("a town of the district one off: %q", got)
	}
	if got := c.fixAttributionOrg("海淀区潭相寺镇"); got != "海淀区潭相寺镇" {
		t.Errorf("a town of another district: %q", got)
	}
	if got := c.fixAttributionOrg("北京市重点站区管委含"); got != "北京市重点站区管委含" {
		t.Errorf("an attribution one off no gazetteer name ending alike stays: %q", got)
	}
	for in, want := range map[string]string{
		"通州区文明兴":  "通州区文明办", // 办 misread
		"延庆文明从":   "延庆文明办",  // the short name
		"通州区文明委":  "通州区文明委", // a body of its own
		"通州区文明办":  "通州区文明办",
		"通州区文明实践": "通州区文明实践", // longer: another body
		"首都文明兴":   "首都文明兴",   // no district
	} {
		if got := c.fixAttributionOrg(in); got != want {
			t.Errorf("fixAttributionOrg(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFixTitle(t *testing.T) {
	for in, want := range map[string]string{"首都精神文明建设情况向报": "首都精神文明建设情况简报", "首都文明委工作人简报": "首都文明委工作简报",
		"首都精神文明办": "首都精神文明办", "首都精神文明建设情况简报": "首都精神文明建设情况简报",
		"院再粒神文鹃建设情况简报": "首都精神文明建设情况简报", // a third off, ending as the title does
		"手侣文明魏工作简报":    "首都文明委工作简报",
		"院再粒神文鹃建设情况简极": "院再粒神文鹃建设情况简极", // a third off, its end misread too
		"首都精神文明建设工作会议": "首都精神文明建设工作会议", // a third off, but another ending
	} {
		if got := fixTitle(in); got != want {
			t.Errorf("fixTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFixIssueNumber(t *testing.T) {
	for in, want := range map[string]string{"第14其": "第14期", "第 14 斯": "第14期", "第14期": "第14期", "其他": "其他", "第]期": "第1期", "第 l 其": "第1期"} {
		if got := fixIssueNumber(in); got != want {
			t.Errorf("fixIssueNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// ocrLines makes the visual lines of a page read by OCR.
func ocrLines(page int, text string) []visualLine { return textLines(page, text) }

func TestFixOCRLines(t *testing.T) {
	pages := [][]visualLine{
		ocrLines(1, "首都精神文明建设情况简报\n第14其\n2021年3月23日\n[工作交流]\n海淀区永定路街道建立机制。\n《海洗区文明办》\n\n云区依托实践中心开展活动。\n〈密云区文明办〉\n一1]一\n"),
		ocrLines(2, "(海洗区文明办)\n"), // a text layer page: never corrected
	}
	got := fixOCRLines(pages, []bool{true, false}, nil)
	var b strings.Builder
	for _, c := range got {
		b.WriteString(c.Kind + ":" + c.From + "→" + c.To + "\n")
	}
	want := "masthead:第14其→第14期\nsection:[工作交流]→【工作交流】\nattribution:《海洗区文明办》→（海洗区文明办）\ndistrict:（海洗区文明办）→（海淀区文明办）\ndistrict:云区依托实践中心开展活动。→密云区依托实践中心开展活动。\nattribution:〈密云区文明办〉→（密云区文明办）\npage-number:一1]一→\n"
	if b.String() != want {
		t.Errorf("corrections:\n%s\nwant:\n%s", b.String(), want)
	}
	if n := len(pages[0]); n != 8 {
		t.Errorf("%d lines left on page 1, want 8 (the page number dropped)", n)
	}
	if pages[1][0].text != "(海洗区文明办)" {
		t.Errorf("a text-layer line was changed: %q", pages[1][0].text)
	}
	for _, c := range got {
		if c.Page != 1 || c.Line < 1 {
			t.Errorf("correction without its place: %+v", c)
		}
	}
}

func TestParseTSV(t *testing.T) {
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t96\t首都\n" +
		"5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t40\t文明\n" +
		"5\t1\t1\t1\t2\t1\t0\t0\t10\t10\t90\t第 14\n" +
		"5\t1\t1\t2\t1\t1\t0\t0\t10\t10\t80\tjswm\n" +
		"5\t1\t1\t2\t1\t2\t0\t0\t10\t10\t80\t163.com\n" +
		"5\t1\t2\t1\t1\t1\t0\t0\t10\t10\t-1\t \n" +
		"bad line\n"
	r := parseTSV([]byte(tsv))
	if want := "首都文明\n第14\n\njswm 163.com\n"; r.Text != want {
		t.Errorf("text %q, want %q", r.Text, want)
	}
	// Weighted by characters as tesseract gives them ("第 14" is 4):
	// (96·2 + 40·2 + 90·4 + 80·4 + 80·7) / 19, and 2 of 19 doubtful.
	if r.Confidence != 79.6 || r.Doubtful != 0.105 {
		t.Errorf("confidence %v, doubtful %v", r.Confidence, r.Doubtful)
	}
	if r := parseTSV(nil); r.Text != "" || r.Confidence != 0 {
		t.Errorf("empty TSV: %+v", r)
	}
}

// speckled draws strokes on a white page and flips a share of its pixels.
func speckled(share float64, seed uint64) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for y := 20; y < 180; y += 20 {
		for x := 20; x < 180; x++ {
			for dy := 0; dy < 3; dy++ {
				g.Pix[(y+dy)*g.Stride+x] = 0
			}
		}
	}
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range g.Pix {
		if r.Float64() < share {
			g.Pix[i] = 255 - g.Pix[i]
		}
	}
	return g
}

func TestSpeckle(t *testing.T) {
	clean, noisy := speckled(0, 1), speckled(0.05, 1)
	if s := speckleScore(clean); s != 0 {
		t.Errorf("clean strokes score %v", s)
	}
	if s := speckleScore(noisy); s < noisyScore {
		t.Errorf("5%% salt and pepper scores %v, under %v", s, noisyScore)
	}
	out := despeckle(noisy)
	if s := speckleScore(out); s > 0.001 {
		t.Errorf("despeckled image scores %v", s)
	}
	// The strokes survive: almost every pixel agrees with the clean page.
	diff := 0
	for i := range out.Pix {
		if (out.Pix[i] < darkLevel) != (clean.Pix[i] < darkLevel) {
			diff++
		}
	}
	if diff > len(out.Pix)/100 {
		t.Errorf("%d of %d pixels differ from the clean page", diff, len(out.Pix))
	}
	if imageKey(clean) == imageKey(noisy) || imageKey(clean) != imageKey(speckled(0, 2)) {
		t.Error("image keys must follow the pixels")
	}
}

func TestAddMasthead(t *testing.T) {
	r := ocrResult{Lines: []ocrLine{
		{Text: "首都精神文明建设情况简报", Top: 180, Bottom: 250, ParEnd: true},
		{Text: "首都精神文明办2020年7月1日", Top: 580, Bottom: 640, ParEnd: true},
		{Text: "【经验交流】", Top: 750, Bottom: 810},
	}}
	if mastheadNumbered(r) {
		t.Fatal("no 第N期, yet numbered")
	}
	r.addMasthead(ocrResult{Lines: []ocrLine{
		{Text: "首都精神文明建设情况简报", Top: 180, Bottom: 250},
		{Text: "增刊", Top: 330, Bottom: 370},
		{Text: "第1期", Top: 400, Bottom: 440},
		{Text: "首都精神文明办2020年7月1日", Top: 580, Bottom: 640},
	}})
	want := "首都精神文明建设情况简报\n\n增刊\n\n第1期\n\n首都精神文明办2020年7月1日\n\n【经验交流】\n"
	if r.Text != want || !r.Masthead || !mastheadNumbered(r) {
		t.Errorf("text %q, masthead %v; want %q", r.Text, r.Masthead, want)
	}
}

func TestPGM(t *testing.T) {
	g := speckled(0.05, 3)
	got, err := decodePGM(encodePGM(g))
	if err != nil || !reflect.DeepEqual(got.Pix, g.Pix) || got.Rect != g.Rect {
		t.Fatalf("round trip: %v", err)
	}
	sub := g.SubImage(image.Rect(0, 0, 200, 80))
	if got, err := decodePGM(encodePGM(sub)); err != nil || got.Rect.Dy() != 80 || got.Pix[0] != g.Pix[0] {
		t.Errorf("sub-image: %v", err)
	}
	for _, bad := range []string{"", "P5", "P5\n2 2\n255\n\x00", "P6\n1 1\n255\n\x00\x00\x00", "P5\n1 1\n65535\n\x00\x00", "P5\n-1 1\n255\n\x00", "P5 # x\n"} {
		if _, err := decodePGM([]byte(bad)); err == nil {
			t.Errorf("decodePGM(%q) accepted", bad)
		}
	}
	if got, err := decodePGM([]byte("P5\n# a comment\n2 1\n255\n\x00\xff")); err != nil || got.Pix[1] != 255 {
		t.Errorf("comment in the header: %v", err)
	}
}

func TestThicken(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 5, 5))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	g.Pix[2*5+2] = 0 // one ink pixel in the middle
	out := thicken(g)
	for y := 0; y < 5; y++ {
		for x := 0; x < 5; x++ {
			ink := out.Pix[y*5+x] < darkLevel
			if want := x >= 1 && x <= 3 && y >= 1 && y <= 3; ink != want {
				t.Errorf("(%d,%d): ink %v, want %v", x, y, ink, want)
			}
		}
	}
}

func TestOCRCache(t *testing.T) {
	c := ocrCache{dir: t.TempDir()}
	key := strings.Repeat("ab", 32)
	if _, ok := c.get(key); ok {
		t.Fatal("hit in an empty cache")
	}
	want := ocrResult{Text: "首都\n", Confidence: 91.5, Cleaned: Despeckled}
	if err := c.put(key, want); err != nil {
		t.Fatal(err)
	}
	got, ok := c.get(key)
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("get = %+v, %v; want %+v", got, ok, want)
	}
	// A damaged entry is a miss, not an error.
	if err := os.WriteFile(c.path(key), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.get(key); ok {
		t.Error("a damaged entry was a hit")
	}
	if err := (ocrCache{}).put(key, want); err != nil {
		t.Errorf("no cache: %v", err)
	}
}

func TestOCRDate(t *testing.T) {
	tests := []struct{ in, name, want string }{
		{"2O21年3月23日", "x.pdf", "2021-03-23"},
		{"首都精神文明办2021年3月23", "x.pdf", "2021-03-23"},
		{"202T年3月23日", "bulletin-2021-014.pdf", "2021-03-23"},
		{"202T年3月23日", "scan.pdf", ""},              // a digit it cannot tell, no year in the name
		{"202T年3月23日", "bulletin-2019-014.pdf", ""}, // the name disagrees
		{"2021年13月2日", "x.pdf", ""},
		{"首都精神文明办2021年3月231", "x.pdf", "2021-03-23"}, // 日 read as 1
		{"2020年7月1H", "x.pdf", "2020-07-01"},
		{"2016年2月31", "x.pdf", "2016-02-03"}, // no 31 February: the 1 is 日
		{"2016年3月31", "x.pdf", "2016-03-31"}, // a day that exists is kept
		{"2016年2月31日", "x.pdf", ""},          // 日 read, no such day
		{"2016年2月30", "x.pdf", ""},
		{"2021年3月23 首都", "x.pdf", ""}, // text after the day and no 日
	}
	for _, tt := range tests {
		got, _, ok := ocrDate(tt.in, tt.name)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ocrDate(%q, %q) = %q, %v; want %q", tt.in, tt.name, got, ok, tt.want)
		}
	}
	loose := []struct{ in, name, want string }{
		{"首都精神文明办 2016 2 3", "bulletin-2016-004.pdf", "2016-02-03"},
		{"2016午2门31", "bulletin-2016-004.pdf", "2016-02-03"},
		{"2016午2门29", "bulletin-2016-004.pdf", "2016-02-29"},
		{"2015午2门29", "bulletin-2015-004.pdf", ""}, // no leap year
		{"2016午2门3", "bulletin-2019-004.pdf", ""},  // the name disagrees
	}
	for _, tt := range loose {
		got, _, ok := looseDate(tt.in, tt.name)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("looseDate(%q, %q) = %q, %v; want %q", tt.in, tt.name, got, ok, tt.want)
		}
	}
}

func TestStructurePartial(t *testing.T) {
	body := "【工作交流】\n海淀区永定路街道建立机制。\n（海淀区文明办）\n"
	sha := "0123456789abcdef0123"
	tests := []struct {
		name, text, file, id, date string
		issue                      int
	}{
		{"garbled year", "首都精神文明建设情况简报\n第14期\n首都精神文明办 202T年3月23日\n" + body, "bulletin-2021-014.pdf", "2021-014", "2021-03-23", 14},
		{"garbled 年月日", "首都精神文明建设情况简报\n第14期\n首肯精神文时沙2021华3绷23 1\n" + body, "bulletin-2021-014.pdf", "2021-014", "2021-03-23", 14},
		{"garbled 年月日, the name disagrees", "首都精神文明建设情况简报\n第14期\n首肯精神文时沙2021华3绷23 1\n" + body, "bulletin-2020-014.pdf", "2020-014", "", 14},
		{"no date, year from the name", "首都精神文明建设情况简报\n第14期\n首都精神文明办 ####\n" + body, "scan-2021-x.pdf", "2021-014", "", 14},
		{"no masthead, id from the name", "首都精神文明建设情况简报\n##\n" + body, "bulletin-2021-014.pdf", "2021-014", "", 14},
		{"nothing known", "###\n" + body, "scan.pdf", "unknown-0123456789ab", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := Normalize([]Page{{Number: 1, Text: tt.text}})
			_, why := Structure(lines)
			if !errors.Is(why, ErrNotBulletin) {
				t.Fatalf("Structure: %v, want not a bulletin", why)
			}
			iss, err := structurePartial(lines, tt.file, sha, why)
			if iss == nil {
				t.Fatalf("no record: %v", err)
			}
			if iss.ID != tt.id || iss.Date != tt.date || iss.Issue != tt.issue {
				t.Errorf("id %q date %q issue %d; want %q %q %d", iss.ID, iss.Date, iss.Issue, tt.id, tt.date, tt.issue)
			}
			if len(iss.Articles) != 1 || iss.Articles[0].District != "海淀区" || iss.Articles[0].Section != "工作交流" {
				t.Errorf("articles: %+v", iss.Articles)
			}
			var l ErrorList
			if !errors.As(err, &l) || !strings.Contains(l[0].Msg, "masthead not read whole") {
				t.Errorf("want a warning first that the masthead was not read, got %v", err)
			}
		})
	}
	lines := Normalize([]Page{{Number: 1, Text: "这是一段没有任何简报结构的文字。\n第二行。\n"}})
	_, why := Structure(lines)
	if iss, err := structurePartial(lines, "bulletin-2021-014.pdf", sha, why); iss != nil || !errors.Is(err, ErrNotBulletin) {
		t.Errorf("a text with no bulletin structure: %v, %v; want not a bulletin", iss, err)
	}
}

// TestOCRLive reads one page of the clean scan with tesseract and checks it
// against the committed OCR cache that TestScans relies on: the cache must
// be what this tesseract reads, give or take a character in a hundred.
func TestOCRLive(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR takes seconds")
	}
	t.Parallel()
	needTools(t, ToolTesseract, ToolPDFToPPM)
	data, err := os.ReadFile(filepath.Join(scansDir, "bulletin-2016-004.clean.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	x := &pdfExtractor{data: repairPDF(data), opts: Options{OCRCacheDir: t.TempDir()}, log: Options{}.logger()}
	defer x.cleanup()
	live, err := x.ocrPage(context.Background(), 1)
	if err != nil || live.cached {
		t.Fatalf("first reading: cached %v, %v", live.cached, err)
	}
	// Read again, the page comes from the cache, as it was read.
	again, err := x.ocrPage(context.Background(), 1)
	if err != nil || !again.cached || again.Text != live.Text || again.Confidence != live.Confidence {
		t.Errorf("second reading: cached %v, same text %v, %v", again.cached, again.Text == live.Text, err)
	}
	x.opts.OCRCacheDir, x.opts.LookPath = filepath.Join(scansDir, "ocr"), cacheOnly
	cached, err := x.ocrPage(context.Background(), 1)
	if err != nil || !cached.cached {
		t.Fatalf("page not in the committed cache (run make testdata-scans): %v", err)
	}
	w, g := []rune(cached.Text), []rune(live.Text)
	if d := editDistance(w, g); d*100 > len(w) {
		t.Errorf("tesseract reads %d characters differently from the cache (of %d)", d, len(w))
	}
	if live.Confidence < LowConfidence {
		t.Errorf("clean page read with confidence %v", live.Confidence)
	}
}

func TestFixFooterKey(t *testing.T) {
	for in, want := range map[string]string{
		"真编:梅雪峰":  "责编:梅雪峰",
		"责偏：梅雪峰":  "责编：梅雪峰",
		"核槁:王五":   "核稿:王五",
		"责任编揖:李四": "责任编辑:李四",
		"责编:梅雪峰":  "", // right already
		"汇编资料:两册": "", // no colon after two characters
		"真编梅雪峰":   "", // no colon
		"1编:梅雪峰":  "", // not a character of a key
	} {
		got, ok := fixFooterKey(in)
		if ok != (want != "") || got != want {
			t.Errorf("fixFooterKey(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestFixIssuer(t *testing.T) {
	for in, want := range map[string]string{
		"部精神文明办2022年11月14日":  "首都精神文明办2022年11月14日",
		"首都精神文明少2022年11月14日": "首都精神文明办2022年11月14日",
		"首痢精神文明办":            "首都精神文明办",
		"首部文明委办公室 2016年2月3日": "首都文明委办公室 2016年2月3日",
		"首都精神文明办2021年3月23日":  "首都精神文明办2021年3月23日",
		"首都精神文明建设情况简报":       "首都精神文明建设情况简报", // the title
		"第14期":               "第14期",
		"北京市文明办":             "北京市文明办",           // another body
		"泊融精神文明少2020年7月1口":   "泊融精神文明少2020年7月1口", // half off: only on a page read unsure
	} {
		if got := fixIssuer(in, false); got != want {
			t.Errorf("fixIssuer(%q) = %q, want %q", in, got, want)
		}
	}
	// On a page read unsure, half off on the line of the date.
	for in, want := range map[string]string{
		"泊融精神文明少2020年7月1口":  "首都精神文明办2020年7月1口",
		"涌邦文明委少公室2016年2月3日": "首都文明委办公室2016年2月3日",
		"泊融精神文明少":           "泊融精神文明少",         // no date after it
		"首都文明建设2016年2月3日":   "首都文明建设2016年2月3日", // as near two issuers
	} {
		if got := fixIssuer(in, true); got != want {
			t.Errorf("fixIssuer(%q, unsure) = %q, want %q", in, got, want)
		}
	}
}

func TestFixTotal(t *testing.T) {
	for in, want := range map[string]string{
		"(避第2180区)":   "（总第2180期）",
		"（总第2180基）":   "（总第2180期）",
		"(第1696期)":    "（总第1696期）",
		"（总第2180期）":   "（总第2180期）",   // right already
		"(第14期)":      "(第14期)",      // too few digits for a running total
		"(见第2180页)以下": "(见第2180页)以下", // text after it
	} {
		if got := fixTotal(in); got != want {
			t.Errorf("fixTotal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFixSpecial(t *testing.T) {
	for in, want := range map[string]string{
		"“我们的节日清明”专刊":  "“我们的节日·清明”专刊",
		"“我们的闻日清明”专改":  "“我们的节日·清明”专刊",
		"“我们的节日·端午”专刊": "“我们的节日·端午”专刊",
		"“我们的心声”专刊":    "“我们的心声”专刊",   // not the festivals
		"“我们的节日清明”活动":  "“我们的节日清明”活动", // not a special issue's line
	} {
		if got := fixSpecial(in); got != want {
			t.Errorf("fixSpecial(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNearTitle(t *testing.T) {
	title := "首都精神文明建设情况简报"
	for in, want := range map[string]bool{
		"首玫精神交时建刘情况沾批":        true, // half its characters in order
		"首大业神文明建直情况稍拱":        true,
		"首页彬伸福日建下全机和茶报":       true,  // a quarter
		"（通州区文明办）":            false, // an attribution
		"居民纷纷表示：很满意":          false, // punctuation
		"方案。此外，通州区还与顺义区建立了结对": false, // much longer
		"居民纷纷表示满意和支持":         false, // few in common
	} {
		if got := nearTitle(in, title); got != want {
			t.Errorf("nearTitle(%q) = %v, want %v", in, got, want)
		}
	}
	// Only a first line set right is taken for a misread running head.
	body := func(x0 float64) [][]visualLine {
		return [][]visualLine{
			{{page: 1, text: title, size: 30, left: 100}},
			{{page: 2, text: "首玫精神交时建刘情况沾批", x0: x0, size: 30, left: 100}, {page: 2, text: "【简讯】", x0: 100, size: 30, left: 100}},
		}
	}
	for x0, dropped := range map[float64]bool{900: true, 100: false} {
		pages := body(x0)
		fixOCRLines(pages, []bool{true, true}, nil)
		if got := len(pages[1]) == 1; got != dropped {
			t.Errorf("first line at x %v: dropped %v, want %v", x0, got, dropped)
		}
	}
	// One that ends as the title does is dropped wherever it starts.
	pages := body(100)
	pages[1][0].text = "和和交才本神文呈建设司训简报"
	if fixOCRLines(pages, []bool{true, true}, nil); len(pages[1]) != 1 {
		t.Errorf("a misread running head ending in 简报 was kept")
	}
}

func TestNearSigner(t *testing.T) {
	for in, want := range map[string]string{
		"平谷区文叫兴":     "平谷区文明办", // 文明办 and 文明委 as near: 文明办
		"经计区文明肛":     "经开区文明办",
		"北丰市海淀区文田四":  "北京市海淀区文明办",
		"北京市于应站区管委会": "北京市重点站区管委会", // the gazetteer's
		"延上大区文明办":    "延庆区文明办",
		"竹演区文明办":     "竹演区文明办", // as near several districts
		"半售区文时办":     "半售区文时办", // half off
		"海淀区文明委":     "海淀区文明委", // a signer itself
		"朝阳区团委":      "朝阳区团委",
		"北京师范大学":     "北京师范大学", // known
		"海淀区某某公司":    "海淀区某某公司",
	} {
		if got := nearSigner(in); got != want {
			t.Errorf("nearSigner(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNearDivision(t *testing.T) {
	for _, tt := range []struct{ name, district, want string }{
		{"潭本村镇", "门头沟区", "潭柘寺镇"},
		{"漂朽寺镇", "门头沟区", "潭柘寺镇"},
		{"潭柘寺镇", "门头沟区", ""}, // one of its own
		{"淖析地饥", "门头沟区", ""}, // no division's ending
		{"潭柘寺村", "门头沟区", ""}, // a village: no division's ending
		{"永定路街坊", "海淀区", ""}, // no division's ending
		{"永定璐街道", "海淀区", "永定路街道"},
		{"某某某某镇", "海淀区", ""}, // far from every town of the district
	} {
		if got := nearDivision(tt.name, tt.district); got != tt.want {
			t.Errorf("nearDivision(%q, %q) = %q, want %q", tt.name, tt.district, got, tt.want)
		}
	}
}

func TestFixEditorKey(t *testing.T) {
	for in, want := range map[string]string{
		"页网:梅汪峰":        "责编:梅汪峰",
		"下缩：柱峰":         "责编：柱峰",
		"电话:55569506":   "",              // a footer line
		"报:中央文明办":       "",              // a footer line
		"他说:谢谢大家的支持":    "",              // not a name after the colon
		"页网梅汪峰":         "",              // no colon
		"克纲:悔上汪峰核稿:H文恰": "责编:悔上汪峰核稿:H文恰", // the next key after the name
		"克纲:悔上汪峰核搞:H文恰": "责编:悔上汪峰核搞:H文恰", // itself one character off
		"他说:谢谢大家了吧":     "",              // more than a name
	} {
		got, ok := fixEditorKey(in)
		if ok != (want != "") || got != want {
			t.Errorf("fixEditorKey(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	// Only near the end of the last page, before the footer's lines.
	page := "【简讯】\n市教委召开专题会议。\n（海淀区文明办）\n页网:梅汪峰\n电话:55569506\n"
	pages := [][]visualLine{ocrLines(1, page)}
	corr := fixOCRLines(pages, []bool{true}, nil)
	if len(corr) != 1 || corr[0].Kind != CorrectFooter || corr[0].To != "责编:梅汪峰" {
		t.Errorf("corrections %+v, want the editor's key", corr)
	}
	pages = [][]visualLine{ocrLines(1, "电话:55569506\n页网:梅汪峰\n")}
	if corr := fixOCRLines(pages, []bool{true}, nil); len(corr) != 0 {
		t.Errorf("after a footer line: corrections %+v, want none", corr)
	}
}
