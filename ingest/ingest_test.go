package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestCleanSpaces(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2021 年 3 月 23 日", "2021年3月23日"},
		{"累计招募志愿者 1500 余人,定向支援", "累计招募志愿者1500余人,定向支援"},
		{"喜迎建党百年 书写巾帼故事", "喜迎建党百年书写巾帼故事"},
		{"  复兴路 40 号社区“跑腿组” ", "复兴路40号社区“跑腿组”"},
		{"“ 蓝马甲 ”", "“蓝马甲”"},
		{"使用 APP 平台", "使用APP平台"},
		{"Beijing  Daily 2021", "Beijing Daily 2021"},
		{"第\u3000１４\u3000期", "第１４期"},
		{"邮箱: jswmzhxtc@163.com", "邮箱: jswmzhxtc@163.com"},
		{"邮箱 :jswmzhxtc@163.com", "邮箱:jswmzhxtc@163.com"},
		{"复兴路\u2003 40\u2009号", "复兴路40号"},
		{"Beijing\u2009\u00a0Daily\u2003", "Beijing Daily"},
		{"文明\u200b城区", "文明\u200b城区"}, // zero width space: not white space
		{"", ""},
	}
	for _, tt := range tests {
		if got := CleanSpaces(tt.in); got != tt.want {
			t.Errorf("CleanSpaces(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestIsSpace pins the one definition of white space: Unicode White_Space.
func TestIsSpace(t *testing.T) {
	for _, r := range []rune{' ', '\t', '\n', '\r', '\v', '\f', 0x85, 0xa0, 0x1680, 0x2000, 0x2003, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000} {
		if !IsSpace(r) {
			t.Errorf("IsSpace(%U) = false", r)
		}
	}
	for _, r := range []rune{'a', '文', 0x200b, 0xfeff, 0x180e, 0} {
		if IsSpace(r) {
			t.Errorf("IsSpace(%U) = true", r)
		}
	}
}

func TestMatchText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"送实惠，专业健康", "送实惠,专业健康"},
		{"（总第２１８０期）", "(总第2180期)"},
		{"2021 年", "2021年"},
		{"１５００余人", "1500余人"},
	}
	for _, tt := range tests {
		if got := MatchText(tt.in); got != tt.want {
			t.Errorf("MatchText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	pages := []Page{{Number: 1, Text: "第 1 页\r\n标题 一\r\n\r\n— 2 —\r\n正文 2021 年\f- 3 -\n末行"}}
	got := Normalize(pages)
	want := []Line{
		{Text: "标题一", Raw: "标题 一", Pos: Pos{Line: 2, Page: 1}},
		{Text: "正文2021年", Raw: "正文 2021 年", Pos: Pos{Line: 5, Page: 1}},
		{Text: "末行", Raw: "末行", Pos: Pos{Line: 7, Page: 1}},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Normalize:\n got %+v\nwant %+v", got, want)
	}
	// Control characters of a PDF's text layer (ESC, DEL, C1 such as the
	// CSI U+009B) do not reach the text; white space among them stays.
	got = Normalize([]Page{{Number: 1, Text: "标\x1b[2J题\u009b31m 一\x7f\u0085二\x00"}})
	want = []Line{{Text: "标[2J题31m一二", Raw: "标\x1b[2J题\u009b31m 一\x7f\u0085二\x00", Pos: Pos{Line: 1, Page: 1}}}
	if !slices.Equal(got, want) {
		t.Errorf("Normalize of control characters:\n got %+q\nwant %+q", got, want)
	}
}

func TestEndsParagraph(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"促进志愿服务工作良性循环。", true},
		{"这是问题？", true},
		{"具体做法如下：", true},
		{"他说：“要把好事办好。”", true},
		{"打造了长安街上的“蓝马甲”", false},
		{"将新", false},
		{"帮助农", false},
		{"(2021—2023年)", false},
	}
	for _, tt := range tests {
		if got := endsParagraph(tt.in); got != tt.want {
			t.Errorf("endsParagraph(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestIsTitle(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"朝阳区推选身边好人", true},
		{"海淀区：以服务换服务激活志愿力量", true},
		{"在新一届创建周期中,为统筹推进全市文明城区创建工作,首", false},
		{"我市举办文明城区创建工作第一期培训班。", false},
		{"门头沟区妙峰山镇组织志愿者开展清山护林行动为保护首都西部生态屏障贡献力量共计三百余人参与其中", false},
	}
	for _, tt := range tests {
		if got := isTitle(tt.in); got != tt.want {
			t.Errorf("isTitle(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFirstSentence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"我市举办培训班。为贯彻落实……", "我市举办培训班。"},
		{"他说：“好！”然后离开。", "他说：“好！”"},
		{"没有句号的段落", "没有句号的段落"},
		{"Is it? Yes.", "Is it?"},
	}
	for _, tt := range tests {
		if got := firstSentence(tt.in); got != tt.want {
			t.Errorf("firstSentence(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAttribution(t *testing.T) {
	tests := []struct {
		in, before, org string
		ok              bool
	}{
		{"(海淀区文明办)", "", "海淀区文明办", true},
		{"（ 密云区文明办 ）", "", "密云区文明办", true},
		{"凝聚强大的工作合力。(海淀区文明办)", "凝聚强大的工作合力。", "海淀区文明办", true},
		{"解读了《全国文明城区创建测评体系》(2018版)", "", "", false},
		{"(一)加强组织领导", "", "", false},
		{"(此文有删节,仅供参考)", "", "", false},
		{"活动吸引300余人参加。（图为活动现场）", "", "", false},
		{"(记者 张三)", "", "", false},
	}
	for _, tt := range tests {
		before, org, ok := attribution(tt.in)
		if before != tt.before || org != tt.org || ok != tt.ok {
			t.Errorf("attribution(%q) = %q, %q, %v; want %q, %q, %v", tt.in, before, org, ok, tt.before, tt.org, tt.ok)
		}
	}
}

func TestReportingDistrict(t *testing.T) {
	tests := []struct{ org, want string }{
		{"海淀区文明办", "海淀区"},
		{"海淀文明办", "海淀区"},
		{"北京市石景山区委宣传部", "石景山区"},
		{"北京经济技术开发区文明办", EconomicZone},
		{"亦庄镇", EconomicZone},
		{"朝阳门街道", ""},
		{"精神文明创建活动指导处", ""},
		{"天安门地区管委会", ""},
		{"北京市重点站区管委会", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := reportingDistrict(tt.org); got != tt.want {
			t.Errorf("reportingDistrict(%q) = %q, want %q", tt.org, got, tt.want)
		}
	}
}

func TestDistrictsMentioned(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"延庆区委常委结合延庆区创建工作,十六区区委常委参加", []string{"延庆区"}},
		{"海淀街坊与朝阳群众、西城大妈、海淀区志愿者", []string{"海淀区", "朝阳区", "西城区"}},
		{"东城区朝阳门街道,各区创城办", []string{"东城区"}},
		{"海\n\n淀区", []string{}},
		{"全市16区开展活动", []string{}},
	}
	for _, tt := range tests {
		if got := districtsMentioned(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("districtsMentioned(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestOrganisationsNamed(t *testing.T) {
	text := "天安门地区文明委召开会议,首都文明委、清华大学参加;天安门地区管委会和首都文明委再次出席,海淀区文明办、永定路街道"
	want := []string{"天安门地区文明委", "首都文明委", "清华大学", "天安门地区管委会", "海淀区文明办", "永定路街道"}
	var got []string
	for _, o := range organisationsIn(text, orgContext{}) {
		got = append(got, o.Name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("organisationsIn = %q, want %q", got, want)
	}
}

func TestSplitList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"中央文明办,首都文明委主任、副主任,市委、市人大、市政府、市政协。", []string{"中央文明办", "首都文明委主任、副主任", "市委", "市人大", "市政府", "市政协"}},
		{"首都文明委委员，市委、市政府各部委办局，各总公司、高等院校；市级群众团体。", []string{"首都文明委委员", "市委、市政府各部委办局", "各总公司", "高等院校", "市级群众团体"}},
		{"各区委书记、区长、宣传部长,各区文明办,有关新闻单位。", []string{"各区委书记、区长、宣传部长", "各区文明办", "有关新闻单位"}},
		{"。", nil},
	}
	for _, tt := range tests {
		if got := splitList(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHeaderVariants(t *testing.T) {
	tests := []struct {
		name, header              string
		id, special, date, issuer string
		issue, total              int
	}{
		{"seed", "首都精神文明建设情况简报\n第 14 期\n(总第 2180 期)\n首都精神文明办\n2021 年 3 月 23 日", "2021-014", "", "2021-03-23", "首都精神文明办", 14, 2180},
		{"han numerals", "首都精神文明建设情况简报\n第十四期\n首都精神文明办\n二〇二一年三月二十三日", "2021-014", "", "2021-03-23", "首都精神文明办", 14, 0},
		{"one line", "首都精神文明建设情况简报 第114期（总第2280期）\n首都精神文明办 2023年12月5日", "2023-114", "", "2023-12-05", "首都精神文明办", 114, 2280},
		{"zengkan", "首都精神文明建设情况简报\n增刊\n第 3 期\n首都精神文明办\n2020年5月1日", "2020-zengk03", "增刊", "2020-05-01", "首都精神文明办", 3, 0},
		{"zhuankan in brackets", "朝阳区精神文明建设简报\n第1期(专刊)\n朝阳区文明办\n2019年1月2日", "2019-zk01", "专刊", "2019-01-02", "朝阳区文明办", 1, 0},
		{"full width digits", "首都精神文明建设情况简报\n第１４期\n首都精神文明办\n２０２１年３月２３日", "2021-014", "", "2021-03-23", "首都精神文明办", 14, 0},
		{"earliest year", "简报\n第1期\n某办\n1949年10月1日", "1949-001", "", "1949-10-01", "某办", 1, 0},
		{"next year", fmt.Sprintf("简报\n第1期\n某办\n%d年1月2日", time.Now().Year()+1), fmt.Sprintf("%d-001", time.Now().Year()+1), "", fmt.Sprintf("%d-01-02", time.Now().Year()+1), "某办", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.header + "\n【工作动态】\n某区开展活动。\n(某区文明办)\n"
			iss, err := Structure(Normalize([]Page{{Text: text}}))
			if iss == nil {
				t.Fatalf("Structure: %v", err)
			}
			if iss.ID != tt.id || iss.Special != tt.special || iss.Date != tt.date || iss.Issuer != tt.issuer ||
				iss.Issue != tt.issue || iss.TotalIssue != tt.total || iss.Title == "" {
				t.Errorf("got id=%q special=%q date=%q issuer=%q issue=%d total=%d title=%q",
					iss.ID, iss.Special, iss.Date, iss.Issuer, iss.Issue, iss.TotalIssue, iss.Title)
			}
		})
	}
}

func TestNotBulletin(t *testing.T) {
	tests := []struct{ name, text, reason string }{
		{"notice", "关于做好春节期间安全工作的通知\n各单位：\n请认真做好安全工作。", "no issue number"},
		{"no date", "首都精神文明建设情况简报\n第 3 期\n首都精神文明办\n【工作动态】\n内容。", "no date"},
		{"empty", "", "no issue number"},
		{"year 1000", "首都精神文明建设情况简报\n第 3 期\n首都精神文明办\n1000年1月1日\n【工作动态】\n内容。", "implausible date 1000-01-01: a bulletin is dated from 1949 to"},
		{"year 9999", "首都精神文明建设情况简报\n第 3 期\n首都精神文明办\n9999年12月31日\n【工作动态】\n内容。", "implausible date 9999-12-31"},
		{"year 1948", "简报\n第 3 期\n某办\n一九四八年三月一日\n【工作动态】\n内容。", "implausible date 1948-03-01"},
		{"year after next", fmt.Sprintf("简报\n第 3 期\n某办\n%d年1月1日\n【工作动态】\n内容。", time.Now().Year()+2), "implausible date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss, err := Structure(Normalize([]Page{{Text: tt.text}}))
			if iss != nil || !errors.Is(err, ErrNotBulletin) || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("Structure = %v, %v; want ErrNotBulletin with %q", iss, err, tt.reason)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("首都精神文明建设情况简报\n第 14 期"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      []byte
		want    string
		enc     string
		wantErr string
	}{
		{"utf8", []byte("简报\n"), "简报\n", EncodingUTF8, ""},
		{"utf8 bom", []byte("\xEF\xBB\xBF简报"), "简报", EncodingUTF8, ""},
		{"utf16 le bom", []byte{0xFF, 0xFE, 0x80, 0x7B, 0xA5, 0x62}, "简报", EncodingUTF16, ""},
		{"gbk", gbk, "首都精神文明建设情况简报\n第 14 期", EncodingGB18030, ""},
		{"gb18030 four byte", []byte{0x81, 0x30, 0x84, 0x36}, "¥", EncodingGB18030, ""},
		{"neither", []byte("简报\x80\xFF"), "", "", "neither UTF-8 (invalid byte at offset 6) nor GB18030 (invalid byte at offset 2)"},
		{"truncated gbk", append(gbk[:24:24], 0x81), "", "", "nor GB18030 (invalid byte at offset 24)"},
		{"binary", []byte("简报\x00\x01"), "", "", "binary data (control byte 0x00) at byte offset 6"},
		{"binary after bom", []byte("\xEF\xBB\xBFab\x02"), "", "", "at byte offset 5"},
		{"escape", []byte("简报\x1b[2J"), "", "", "binary data (control byte 0x1B) at byte offset 6"},
		// C1 controls: U+009B is a terminal's CSI, as ESC [ is
		{"c1 csi utf8", []byte("简报\u009b2J"), "", "", "binary data (control character U+009B) at byte offset 6"},
		{"c1 first utf8", []byte("\u0080简报"), "", "", "control character U+0080) at byte offset 0"},
		{"c1 last utf8", []byte("简报\u009f"), "", "", "control character U+009F) at byte offset 6"},
		{"c1 nel utf8", []byte("简报\u0085"), "", "", "control character U+0085) at byte offset 6"},
		{"c1 after bom", []byte("\xEF\xBB\xBF简\u009b"), "", "", "control character U+009B) at byte offset 6"},
		{"c1 utf16", []byte{0xFF, 0xFE, 0x80, 0x7B, 0x9B, 0x00}, "", "", "control character U+009B) in the UTF-16 text"},
		{"c1 gb18030", append(slices.Clone(gbk[:4]), 0x81, 0x30, 0x83, 0x37), "", "", "binary data (C1 control character) at byte offset 4"},
		{"latin-1 is not c1", []byte("\u00a0\u00a5\u00ff"), "\u00a0\u00a5\u00ff", EncodingUTF8, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc, err := Decode(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Decode error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want || enc != tt.enc {
				t.Errorf("Decode = %q, %q, %v; want %q, %q", got, enc, err, tt.want, tt.enc)
			}
		})
	}
}

func TestParseErrorsNameTheFile(t *testing.T) {
	for _, name := range []string{"testdata/edge/not-a-bulletin.txt", "testdata/edge/latin1-junk.txt"} {
		_, err := ParseFile(context.Background(), name, Options{})
		if err == nil || !strings.HasPrefix(err.Error(), name+": ") {
			t.Errorf("ParseFile(%s) error = %v, want it to start with the file name", name, err)
		}
	}
	if _, err := ParseFile(context.Background(), "testdata/edge/missing.txt", Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error = %v, want os.ErrNotExist", err)
	}
}
