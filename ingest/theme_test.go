package ingest

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

const testTaxonomy = `
version = "t1"
[[theme]]
name = "垃圾分类"
any = ["垃圾分类", "桶站"]
[[theme]]
name = "志愿服务"
any = ["志愿者", "志愿服务"]
min = 2
[[theme]]
name = "文明交通"
all = ["礼让", "斑马线"]
[[theme]]
name = "节日"
any = ["春节"]
not = ["春节期间值班"]
`

func TestTaxonomyTag(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(testTaxonomy))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"建立7个垃圾分类志愿服务指导站", []string{"垃圾分类"}},
		{"志愿者开展志愿服务,桶站值守", []string{"垃圾分类", "志愿服务"}},
		{"志愿者志愿者", []string{"志愿服务"}},
		{"礼让行人", []string{}},
		{"礼让斑马线", []string{"文明交通"}},
		{"斑马线前礼让", []string{"文明交通"}},
		{"春节 联欢", []string{"节日"}},
		{"安排春节期间值班", []string{}},
		{"垃圾 分类", []string{"垃圾分类"}}, // spaces between CJK do not hide a phrase
	}
	for _, tt := range tests {
		if got := tax.Tag(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Tag(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestTaxonomyExplain(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(testTaxonomy))
	if err != nil {
		t.Fatal(err)
	}
	got := tax.Explain("街道建立垃圾分类指导站,桶站值守由团队承包,桶站名称由团队命名。")
	want := []Reason{
		{Theme: "垃圾分类", Rule: "any", Phrase: "垃圾分类", Count: 1, Context: "街道建立【垃圾分类】指导站,桶站值守由团队承"},
		{Theme: "垃圾分类", Rule: "any", Phrase: "桶站", Count: 2, Context: "街道建立垃圾分类指导站,【桶站】值守由团队承包,桶站名称"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Explain:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseTaxonomyErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "no [[theme]] tables"},
		{"[[theme]]\nname = \"a\"\nany = [\"x\"]\n[[theme]]\nname = \"a\"\nany = [\"y\"]", `theme "a" is defined twice`},
		{"[[theme]]\nname = \"a\"", `theme "a" has neither an any, a strong, an all nor a near rule`},
		{"[[theme]]\nname = \"a\"\n[[theme.near]]\na = [\"x\"]", `theme "a": near rule 1 needs phrases in both a and b`},
		{"[[theme]]\nname = \"a\"\n[[theme.near]]\na = [\"x\"]\nb = [\"\"]", `theme "a" has an empty phrase`},
		{"[[theme]]\nname = \"a\"\nany = [\"x\"]\n[[theme.unless]]\nb = [\"y\"]", `theme "a": unless rule 1 needs phrases in both a and b`},
		{"[[theme]]\nname = \"a\"\n[[theme.unless]]\na = [\"x\"]\nb = [\"y\"]", `theme "a" has neither an any`},
		{"[[theme]]\nname = \"a\"\n[[theme.near]]\na = [\"x\"]\nb = [\"y\"]\nwithin = -1", `theme "a": near rule 1: within must not be negative`},
		{"[[theme]]\nname = \"a\"\n[[theme.near]]\na = [\"x\"]\nb = [\"y\"]\nexcept = [\"z\"]", `theme "a": near rule 1: except is for unless rules`},
		{"[[theme]]\nname = \"a\"\nany = [\"x\"]\n[[theme.unless]]\na = [\"x\"]\nb = [\"y\"]\nexcept = [\"\"]", `theme "a" has an empty phrase`},
		{"[[theme]]\nany = [\"x\"]", "theme 1 has no name"},
		{"[[theme]]\nname = \"a\"\nany = [\"x\"]\npeople = [\"y\"]", `theme "a": people phrase "y" is no any, strong or all phrase of it`},
		{"[[theme]]\nname = \"a\"\nanny = [\"x\"]", `unknown key "theme.anny"`},
		{"[[theme]]\nname = \"a\"\nany = [\" \"]", `theme "a" has an empty phrase`},
		{"[[theme]]\nname = \"a\"\nany = [\"x\"", "line 3"},
	}
	for _, tt := range tests {
		_, err := ParseTaxonomy([]byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseTaxonomy(%q) error = %v, want %q", tt.src, err, tt.want)
		}
	}
}

func TestDefaultTaxonomy(t *testing.T) {
	tax := DefaultTaxonomy()
	if len(tax.Themes) < 15 {
		t.Errorf("default taxonomy has %d themes, want at least 15", len(tax.Themes))
	}
	for _, th := range tax.Themes {
		if th.Description == "" {
			t.Errorf("theme %q has no description", th.Name)
		}
	}
	if tax.Digest == "" || tax.Version == "" {
		t.Errorf("digest %q version %q", tax.Digest, tax.Version)
	}
}

const contextTaxonomy = `
version = "t2"
ignore = ["培育和践行社会主义核心价值观"]
[[theme]]
name = "核心价值观"
strong = ["核心价值观"]
[[theme]]
name = "志愿服务"
strong = ["志愿服务", "志愿活动"]
any = ["志愿者"]
min = 2
unlisted = ["志愿服务"]
teams = true
[[theme]]
name = "冬奥"
strong = ["冬奥"]
ignore = ["冬奥冠军"]
[[theme]]
name = "垃圾分类"
strong = ["垃圾分类"]
unlisted = ["垃圾分类"]
[[theme]]
name = "环境"
any = ["楼道"]
min = 2
unlisted = ["楼道"]
[[theme.near]]
a = ["清理", "清扫"]
b = ["楼道", "楼道堆物", "杂物"]
[[theme]]
name = "妇女"
any = ["妇联", "妇女"]
min = 2
unlisted = ["妇联"]
[[theme]]
name = "典型"
any = ["评选", "表彰", "最美"]
min = 2
[[theme.unless]]
a = ["评选"]
b = ["商户", "企业"]
[[theme]]
name = "庭院"
strong = ["最美庭院"]
`

// TestTaxonomyContext checks the rules that read context: strong phrases,
// ignored boilerplate and phrases, enumerations, titles of works and
// repeated sentences.
func TestTaxonomyContext(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(contextTaxonomy))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       []string
	}{
		{"boilerplate", "为培育和践行社会主义核心价值观，街道举办了运动会。", []string{}},
		{"outside boilerplate", "核心价值观主题公园开园。", []string{"核心价值观"}},
		{"one strong mention", "街道开展志愿服务。", []string{"志愿服务"}},
		{"one weak mention", "志愿者也来了。", []string{}},
		{"enumerated", "要求在垃圾分类、志愿服务等方面作表率。", []string{}},
		{"a short item of an enumeration", "介绍了垃圾分类做法、背街小巷治理等经验。", []string{}},
		{"a long item is no enumeration", "居民们在社区里认真学习垃圾分类的知识、参加值守。", []string{"垃圾分类"}},

		{"quoted items", "道具上印着“垃圾分类”“文明礼让”等标语。", []string{}},
		{"not enumerated", "社区开展垃圾分类宣传。", []string{"垃圾分类"}},
		{"ignored for one theme", "冬奥冠军走进校园。", []string{}},
		{"title of a work", "演出了情景剧《垃圾分类我先行》。", []string{}},
		{"slogan said twice", "志愿者加油。志愿者加油。", []string{}},
		{"two sentences", "志愿者加油。志愿者来了。", []string{"志愿服务"}},
		{"quoted item among quoted items", "展览分为“清朗网络空间”“网络文明志愿服务”等板块。", []string{}},
		{"quoted name alone", "社区成立了“邻里志愿服务队”。", []string{"志愿服务"}},
		{"a team's name is a brand for other themes", "“冬奥车队”免费接送老人。", []string{}},
		{"a theme's own words outside the name count", "“冬奥车队”为冬奥会服务。", []string{"冬奥"}},
		{"a quoted saying is no team's name", "喊出“冬奥来了，加油，我们是冬奥队”。", []string{"冬奥"}},
		{"near: one sentence", "组织居民清理楼道堆物。", []string{"环境"}},
		{"near: either order", "楼道里的杂物由居民清理。", []string{"环境"}},
		{"near: two sentences", "居民清理了自家阳台。楼道也亮了。", []string{}},
		{"near: overlapping phrases are one word", "楼道清扫", []string{"环境"}},
		{"near: inside a title of a work", "演出了小品《清理楼道》。", []string{}},
		{"near: a line break ends a sentence", "社区居民清理\n楼道灯亮了。", []string{}},
		{"near: the plot of a work", "小品《邻里》讲述了邻居们一起清理楼道的故事。", []string{}},
		{"near: after the plot of a work", "小品《邻里》讲述了邻里故事，演出后居民清理楼道。", []string{"环境"}},
		{"a phrase in two lists counts once", "妇联来了。", []string{}},
		{"two phrases", "妇联组织妇女学习。", []string{"妇女"}},
		{"unless: a selection of people", "街道开展好邻居评选，评选结果已公示。", []string{"典型"}},
		{"unless: a selection of shops", "街道开展诚信商户评选。评选结果已公示，并表彰了获评商户。", []string{}},
		{"unless: the shops' selection undone, the other counts once", "街道开展诚信商户评选。居民评选好邻居。", []string{}},
		{"unless: shops in another sentence", "居民评选好邻居。市场评出诚信商户，并予以表彰。", []string{"典型"}},
		{"enumeration: the last item after 和", "查看了村容村貌、卫生状况和志愿服务开展情况。", []string{}},
		{"enumeration: an item after 与", "把创城与垃圾分类、物业管理结合起来。", []string{}},
		{"enumeration: 和 without 、 is no list", "街道和社区开展志愿服务。", []string{"志愿服务"}},
		{"enumeration: a clause after 和", "组织党员、群众和志愿者开展志愿服务。", []string{"志愿服务"}},
		{"a past clause", "该村曾在冬奥会期间开展志愿服务。", []string{}},
		{"after a past clause", "该村曾获评示范村，今年开展志愿服务。", []string{"志愿服务"}},
		{"an honour held", "获评“冬奥之星”的居民老王搬来了。", []string{}},
		{"an honour without a holder after it", "老王获评冬奥之星。", []string{"冬奥"}},
		{"a weak word inside another theme's phrase is that theme's", "镇里开展最美庭院评选。", []string{"庭院"}},
		{"the weak word alone", "最美的是评选结果。", []string{"典型"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tax.Tag(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Tag(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
	rs := tax.Explain("街道开展志愿服务，志愿者参加。")
	if len(rs) != 2 || rs[0].Rule != "strong" || rs[0].Phrase != "志愿服务" || rs[1].Rule != "any" || !strings.Contains(rs[0].Context, "【志愿服务】") {
		t.Errorf("Explain = %+v", rs)
	}
	rs = tax.Explain("社区开会。居民们一起清理楼道里的杂物；物业清扫了杂物。")
	want := []Reason{
		{Theme: "环境", Rule: "any", Phrase: "楼道", Count: 1, Context: "社区开会。居民们一起清理【楼道】里的杂物;物业清扫了杂物"},
		{Theme: "环境", Rule: "near", Phrase: "清理…楼道", Count: 2, Context: "居民们一起【清理】【楼道】里的杂物"},
	}
	if !slices.Equal(rs, want) {
		t.Errorf("Explain near:\n got %+v\nwant %+v", rs, want)
	}
	rs = tax.Explain("楼道里的杂物和旧家具都由居民自己动手清理了")
	if len(rs) != 2 || rs[1].Phrase != "清理…楼道" || rs[1].Context != "【楼道】里的杂物和旧家具都由居民自己动手【清理】了" {
		t.Errorf("Explain near, b before a: %+v", rs)
	}
}

// TestTaxonomyNested checks that a phrase inside a longer phrase of the
// same theme counts as the longer one does.
func TestTaxonomyNested(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(`
[[theme]]
name = "志愿"
strong = ["志愿服务", "志愿"]
unlisted = ["志愿服务"]
[[theme]]
name = "妇女"
any = ["妇女", "巾帼"]
strong = ["巾帼志愿"]
min = 2
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"参与志愿服务、结对共建。", []string{}},
		{"开展志愿服务。", []string{"志愿"}},
		{"开展志愿活动。", []string{"志愿"}},
		{"巾帼志愿队出发。", []string{"志愿", "妇女"}}, // 志愿 of 妇女's 巾帼志愿 still counts for 志愿
		{"巾帼。", []string{}},
	}
	for _, tt := range tests {
		if got := tax.Tag(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Tag(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// FuzzTaxonomy tags text with a taxonomy read from outside input: neither
// may panic, and Explain gives reasons for exactly the themes Tag gives.
func FuzzTaxonomy(f *testing.F) {
	f.Add([]byte(contextTaxonomy), "组织居民清理楼道堆物。妇联组织妇女学习“垃圾分类”“文明礼让”。")
	f.Add([]byte(testTaxonomy), "志愿者开展志愿服务,桶站值守")
	f.Add(defaultThemes, "社区举办中秋亲子活动\n“雷锋车队”和“志愿队”接送亲子家庭。“队”")
	f.Add(defaultThemes, "为培育和践行社会主义核心价值观,街道清理楼道堆物,律师讲解法律规定。《红岩》")
	f.Add(defaultThemes, "水峪村曾获评全国文明村。获评“北京榜样”的居民查看了村容村貌、卫生和志愿服务开展情况；最美庭院评选曾")
	f.Add(defaultThemes, "召开工作会\n会议总结、。工作会总结志愿服务、文明实践站。这些家庭中有，展出冬奥，讲述了清扫楼道的经历，防疫要求")
	f.Add(defaultThemes, "对的意见。征集居民对背街小巷的意见，对、的满意度；座谈会要求各区用好志愿服务队伍；会议部署：清理楼道、整治占道经营。重点检查志愿服务、诚信经营、等方面")
	f.Add(defaultThemes, "有人。他们中有志愿者；其中一位被评为“文明旅游”。被评为“未闭合。复查内容包括诚信经营。居民代表和中学生400余人、1")
	f.Add(defaultThemes, "“北京榜样”刘桂英\n曾获评“北京榜样”的刘桂英。期间曾，时曾\n以为契机。以创建文明城区为契机，等要求和等要求。曾在冬奥会期间参与志愿服务的\n")
	f.Add([]byte("[[theme]]\nname = \"a\"\nany = [\"评选\"]\n[[theme.unless]]\na = [\"评选\"]\nb = [\"商户\"]\n[[theme.near]]\na = [\"学生\"]\nb = [\"为老人\"]\nordered = true\n"),
		"商户评选。学生为老人表演。\n小品《邻里》讲述了评选的故事")
	f.Fuzz(func(t *testing.T, src []byte, text string) {
		tax, err := ParseTaxonomy(src)
		if err != nil {
			return
		}
		got := tax.Tag(text)
		var explained []string
		for _, r := range tax.Explain(text) {
			if r.Count < 1 || r.Phrase == "" {
				t.Errorf("reason %+v has no phrase or count", r)
			}
			if !slices.Contains(explained, r.Theme) {
				explained = append(explained, r.Theme)
			}
		}
		if !slices.Equal(got, explained) && !(len(got) == 0 && len(explained) == 0) {
			t.Errorf("Tag = %q, Explain explains %q", got, explained)
		}
		for _, r := range tax.Dropped(text) {
			if r.Rule != "secondary" || r.Phrase == "" || !strings.Contains(r.Context, "【") {
				t.Errorf("dropped reason %+v has no rule, phrase or context", r)
			}
			if slices.Contains(got, r.Theme) {
				t.Errorf("Tag = %q has %s, which Dropped drops", got, r.Theme)
			}
		}
	})
}

// TestSecondaryMentions: a theme the headline does not tell, told in one
// sentence of the body only and there in a secondary role, is dropped
// where the headline tells another theme; told in the headline, in a
// sentence of its own or in two sentences, or where the headline tells no
// theme, it is kept.
func TestSecondaryMentions(t *testing.T) {
	tax := rulesOnly()
	tests := []struct {
		name, text string
		want       []string
		dropped    string // the role that drops a theme, "" for none
	}{
		{"outcome", "机关食堂开展光盘行动\n街道在机关食堂推行按需取餐。开展一个月来，食堂日均厨余垃圾减少约三成。",
			[]string{"光盘行动"}, roleOutcome},
		{"the same outcome without a headline theme", "机关食堂推行新办法\n街道在机关食堂推行按需取餐。开展一个月来，食堂日均厨余垃圾减少约三成。",
			[]string{"垃圾分类", "光盘行动"}, ""},
		{"sorting told as work", "机关食堂开展光盘行动\n街道在机关食堂推行按需取餐。食堂还在后厨设置厨余垃圾桶，指导员工分类投放。",
			[]string{"垃圾分类", "光盘行动"}, ""},
		{"a quality of families chosen", "街道开展“文明家庭”评选表彰\n街道评选出“文明家庭”30户。这些家庭中有三代同堂和睦相处的，有坚持垃圾分类多年的。",
			[]string{"文明单位创建"}, roleQuality},
		{"an exhibition's content", "区里举办“致敬志愿者”主题摄影展\n区文化馆举办摄影展，展出记录全区冬奥服务、疫情防控中的志愿者身影的照片150幅。",
			[]string{"志愿服务"}, roleExhibit},
		{"a deed told", "街道举办“八角好人”事迹宣讲会\n5名好人代表讲述了照顾孤寡老人、带领居民清扫楼道的经历。",
			[]string{"典型选树"}, roleDeed},
		{"a point of a test", "首都文明办开展全国文明城区创建测评培训\n测评员学习测评体系，重点掌握背街小巷环境和志愿服务站点的测评要点。",
			[]string{"文明城区创建"}, rolePoint},
		{"a rule explained", "区文明办开展冬奥会文明观赛培训\n讲解冰雪项目的观赛礼仪、防疫要求和赛场禁止携带物品。",
			[]string{"冬奥服务保障"}, rolePoint},
		{"a harm explained is publicity", "中关村第三小学开展安全教育课\n民警为四年级学生讲解网络谣言的危害。",
			[]string{"未成年人思想道德建设", "网络文明"}, ""},
		{"a rule explained alone is publicity", "街道开展新时代文明实践活动\n志愿者向居民讲解垃圾分类要求。",
			[]string{"新时代文明实践", "志愿服务", "垃圾分类"}, ""},
		{"sorting done with its outcome", "机关食堂开展光盘行动\n街道在机关食堂推行按需取餐。食堂开展垃圾分类后，日均垃圾量减少三成。",
			[]string{"垃圾分类", "光盘行动"}, ""},
		{"volunteers in an activity", "社区开展端午节包粽子活动\n居民一起包粽子。活动中有20名志愿者为居民义诊。",
			[]string{"志愿服务", "我们的节日"}, ""},
		{"books recommended", "社区开展亲子阅读活动\n馆员为家长推荐适合青少年阅读的书目。",
			[]string{"妇女与家庭", "未成年人思想道德建设"}, ""},
		{"points explained are publicity", "街道开展新时代文明实践活动\n志愿者向居民讲解垃圾分类要点。",
			[]string{"新时代文明实践", "志愿服务", "垃圾分类"}, ""},
		{"people proposed", "区里开展“最美水库守护人”推选\n面向各镇推荐在保水护水中作出贡献的村民、巡护员和志愿者，将评出20名最美守护人。",
			[]string{"典型选树"}, roleChosen},
		{"a problem raised", "街道召开创城居民议事会\n居民代表围绕小区停车难、楼道堆物、垃圾桶站设置等问题提出意见30余条。",
			[]string{"文明城区创建"}, roleProblem},
		{"volunteers who act", "街道开展文明交通劝导\n街道组织志愿者在路口开展文明交通劝导，提醒行人不闯红灯。",
			[]string{"志愿服务", "文明交通"}, ""},
		{"told in two sentences", "区里举办“致敬志愿者”主题摄影展\n展出冬奥服务的照片150幅。摄影展还请来冬奥会赛时在路口值守的城市志愿者讲述。",
			[]string{"志愿服务", "冬奥服务保障"}, ""},
		{"people chosen, described by their deeds", "海淀区推出第三季度“海淀榜样”\n一位坚持为社区居民义务讲授急救知识的医学教授、一名社区民警等6人入选。",
			[]string{"典型选树"}, roleQuality},
		{"families at another theme's workshop", "社区举办中秋亲子活动\n中秋节前，社区邀请30组亲子家庭一起制作月饼、猜灯谜。",
			[]string{"我们的节日"}, rolePeople},
		{"families with family work of their own", "社区举办中秋亲子活动\n中秋节前，社区邀请30组亲子家庭一起制作月饼，分享家风故事。",
			[]string{"我们的节日", "妇女与家庭"}, ""},
		{"families alone are the article's theme", "社区举办亲子活动\n社区邀请30组亲子家庭一起做手工，亲子之间更融洽了。",
			[]string{"妇女与家庭"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tax.Tag(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Tag = %q, want %q\ndropped %+v", got, tt.want, tax.Dropped(tt.text))
			}
			d := tax.Dropped(tt.text)
			switch {
			case tt.dropped == "" && len(d) > 0:
				t.Errorf("Dropped = %+v, want none", d)
			case tt.dropped != "" && (len(d) == 0 || !strings.HasPrefix(d[0].Context, tt.dropped+": ")):
				t.Errorf("Dropped = %+v, want one as %s", d, tt.dropped)
			}
		})
	}
}

func TestBlankTitles(t *testing.T) {
	for in, want := range map[string]string{
		"学习《北京市文明行为促进条例》":     "学习《北京市文明行为促进条例》",
		"表演《冰雪梦》":             "表演《○○○》",
		"《民法典》与《红岩》":          "《民法典》与《○○》",
		"《未闭合":                "《未闭合",
		"小品《彩礼》讲述了一对年轻人的故事。":  "小品《○○》○○○○○○○○○○○。",
		"小品《彩礼》，讲的是彩礼的故事；演出后": "小品《○○》，○○○○○○○○；演出后",
		"小品《彩礼》讲述了婚事新办":       "小品《○○》讲述了婚事新办",
		"《民法典》讲述了":            "《民法典》讲述了",
	} {
		if got := blankTitles(in); got != want {
			t.Errorf("blankTitles(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDefaultThemesRead checks the rules of the default taxonomy that read
// a sentence rather than a theme's own words: each sentence, written for
// this test, gets exactly the themes listed, so a rule that starts to fire
// on ordinary prose fails here as well as one that stops firing.
func TestDefaultThemesRead(t *testing.T) {
	tax := rulesOnly()
	tests := []struct {
		name, text string
		want       []string
	}{
		{"a service team and the old", "社区成立助老服务队，每周为高龄老人上门理发。", []string{"志愿服务"}},
		{"a mutual-help group and neighbours", "楼门里组建了互助小组，轮流帮空巢老人取快递。", []string{"志愿服务"}},
		{"a shock team for floods", "街道成立青年突击队，承担汛期巡查任务。", []string{}},
		// Pupils who perform for the old serve them: volunteering only (the
		// judged convention "the aim, not the people").
		{"pupils for the old", "少先队员们来到敬老院，为老人表演节目。", []string{"志愿服务"}},
		{"the old and children served", "社区为老人和孩子开设了书法课。", []string{}},
		{"a team with a village", "便民服务队走进村里，为村民磨刀、修家电。", []string{"志愿服务"}},
		{"party members and the oath", "村党支部组织党员来到平北抗日战争纪念馆，重温入党誓词。", []string{"党史学习教育"}},
		{"martyrs honoured at a cemetery", "清明前夕，党员和学生代表来到烈士陵园，向革命英烈敬献花篮。", []string{"我们的节日"}},
		{"a party meeting", "社区党委召开党员大会，选举产生新一届委员会。", []string{}},
		{"selection in plain words", "镇里评出孝老爱亲好儿女15名，在文化墙上张榜表扬。", []string{"典型选树"}},
		{"one selection", "村里评出了优秀种粮户。", []string{}},
		{"shared bicycles", "街道在地铁口施划共享单车停放区。", []string{"文明交通"}},
		{"cars in a yard", "小区内车辆乱停，居民意见很大。", []string{}},
		{"e-bikes against the traffic", "交警劝阻电动车逆行。", []string{"文明交通"}},
		{"a scenic area's disorder", "景区内有人攀爬古树，管理员当即劝阻。", []string{"文明旅游"}},
		{"a scenic area named twice", "景区周边的农家乐生意红火，景区门票也降了价。", []string{}},
		{"leftovers", "食堂提醒老人吃不完的饭菜可以打包。", []string{"光盘行动"}},
		{"a takeaway", "餐馆推出打包外卖服务。", []string{}},
		{"street disorder put right", "城管队员对乱摆摊、乱张贴问题逐一建立台账，限期整改。", []string{"背街小巷环境整治"}},
		{"a reminder to visitors", "提醒游客不要乱涂乱画。", []string{"文明旅游"}},
		{"stairwells renovated", "社区对三栋楼的楼道进行了改造。", []string{"背街小巷环境整治"}},
		{"family education given", "街道妇联举办家庭教育讲座，家长们认真听讲。", []string{"妇女与家庭"}},
		{"family education asked for", "会议要求加强家庭教育指导服务。", []string{}},
		{"in-laws named twice", "社区表彰了好婆婆、好媳妇各5名。", []string{"典型选树", "妇女与家庭"}},
		{"a law field in legal counsel", "律师现场解答了婚姻家庭、房屋租赁等方面的问题。", []string{"法治宣传"}},
		{"reading at home", "亲子阅读活动吸引了40组家庭参加。", []string{"妇女与家庭"}},
		{"children and books", "图书馆员为孩子们推荐暑期书目。", []string{"未成年人思想道德建设"}},
		{"weddings without show", "村里倡导红白事不攀比、不大摆宴席。", []string{"移风易俗"}},
		{"a wedding", "新人在村文化广场举行了婚礼。", []string{}},
		{"honest trade", "市场监管所组织商户签订诚信经营承诺书。", []string{"诚信建设"}},
		{"honest prices", "街道要求各摊位明码标价。", []string{"诚信建设"}},
		{"the four values", "倡导爱国、敬业、诚信、友善的企业文化。", []string{"社会主义核心价值观"}},
		{"crime publicity", "民警在广场设置扫黑除恶宣传展板。", []string{"法治宣传"}},
		{"a crime reported", "警方破获一起传销案件。", []string{}},
		{"the plot of a skit", "情景剧《团圆》讲述了一家人不再燃放烟花爆竹、改用鲜花祭扫的故事。", []string{}},
		{"an old title of a village", "水峪村建起村史馆。水峪村曾获评全国文明村。", []string{}},
		{"volunteers of past Games", "曾在北京冬奥会期间参与城市志愿服务的老人，如今为邻居理发。", []string{}},
		{"a campaign listed among duties", "会议要求在文明城区创建、垃圾分类、移风易俗等方面抓好落实。", []string{}},
		{"schools as speakers", "北京市第一六一中学、北京第二实验小学作了交流发言。", []string{}},
		{"civilised schools are no children's work", "区教委部署文明校园评选，各文明校园开展自查。", []string{"文明单位创建"}},
		{"an anti-fraud talk", "派出所民警开展反诈宣传，讲解常见骗局。", []string{"法治宣传"}},
		{"anti-fraud publicity of a theme", "民警开展反诈主题宣传。", []string{"法治宣传"}},
		{"anti-fraud in a list with another item's publicity", "组织防火防骗进社区、垃圾分类宣传等活动。", []string{}},
		{"an anti-fraud reminder switched on", "志愿者为老人演示如何在手机上开启防诈骗提醒。", []string{"志愿服务"}},
		{"values in village rules", "各村把爱国、敬业、诚信、友善写进村规民约。史家口村把村规民约印在墙上。", []string{"社会主义核心价值观"}},
		{"weddings in village rules", "各村修订村规民约，规定婚礼宴席不超过10桌。", []string{"移风易俗"}},
		{"household waste carried away", "社区工作者为居家健康监测的居民清运生活垃圾。", []string{"疫情防控"}},
		{"pairs of helpers", "低龄老人与独居老人结成对子，帮忙买菜取药。", []string{"志愿服务"}},
		{"units paired with communities", "12家文明单位与社区结对共建。", []string{"文明单位创建"}},
		{"villagers who persuade", "村民们自发组成护水队，沿库滨带劝阻钓鱼和野泳。", []string{"志愿服务"}},
		{"villagers persuaded", "镇干部在田间地头劝导村民不要焚烧秸秆。", []string{}},
		{"the city's officers", "城管队员们劝阻占道经营的商贩。", []string{"背街小巷环境整治"}},
		{"villagers hired", "镇里聘请48名村民担任长城保护员，劝阻攀爬野长城。", []string{}},
		{"residents recruited", "街道招募100名居民组成巡访队伍。", []string{"志愿服务"}},
		{"the war told by party members", "老党员为居民讲述卢沟桥畔的抗战往事。", []string{"党史学习教育"}},
		{"party members on the war's anniversary", "在全民族抗战爆发纪念日，街道组织党员群众来到卢沟桥。", []string{}},
		{"a meeting's requirements", "区里召开城市管理工作会，会议要求各街道抓好楼道清理和垃圾分类。", []string{}},
		{"a requirement without a meeting", "街道要求物业公司每周清理一次楼道杂物。", []string{"背街小巷环境整治"}},
		{"inspection points", "检查组重点检查各单位的志愿服务开展和文明交通情况。", []string{}},
		{"a meeting's task list", "街道召开动员会，部署三项任务：清理楼道堆物、整治占道经营。", []string{}},
		{"a campaign deployed", "区里部署开展垃圾分类专项行动。", []string{"垃圾分类"}},
		{"unpaid service", "退休教师每周两次义务为社区老人修理电器。", []string{"志愿服务"}},
		{"a model's deeds", "评出的好人中，有多年义务照顾孤寡老人的村民。", []string{"典型选树"}},
		{"a duty to the old", "律师讲解了子女对老人的赡养义务。赡养老人不仅是责任、义务，更是法律规定。", []string{"法治宣传"}},
		{"a meeting stresses", "街道召开推进会，会议强调要整治占道经营。", []string{}},
		{"a list of fields", "要求各单位在窗口服务、志愿服务、诚信经营等方面发挥示范作用。", []string{}},
		{"fields of legal counsel", "律师讲解土地承包、赡养老人等方面的问题。", []string{"法治宣传"}},
		{"fields without a list", "社区在垃圾分类方面做得很好。", []string{"垃圾分类"}},
		{"a list of fields at the start", "、等方面", []string{}},
		{"pupils on duty at the bins", "暑假里，小学生们在桶站值守，提醒居民把厨余垃圾分类投放。", []string{"垃圾分类"}},
		{"a festival as a date", "春节前夕，街道开展消防安全检查。", []string{}},
		{"a festival's customs on its eve", "端午节前夕，社区居民一起包粽子。", []string{"我们的节日"}},
		{"a festival's visits to the needy", "春节前夕，街道走访慰问困难家庭。", []string{"我们的节日"}},
		{"a festival named without a date", "社区举办重阳节书画展。", []string{"我们的节日"}},
		{"pupils taking part in another theme's work", "街道组织中学生到社区参加垃圾分类宣传，学生们向居民发放宣传单。", []string{"垃圾分类"}},
		{"pupils taking part in a study visit", "街道组织小学生参加研学活动。", []string{"未成年人思想道德建设"}},
		{"a civilised-family title as a reward", "社区把垃圾分类积分与评选文明家庭挂钩。", []string{"垃圾分类"}},
		{"a mutual-help team", "社区退休党员组成互助队，每天为独居老人送餐。", []string{"志愿服务"}},
		{"families of good tradition chosen", "村里评选“好家风”家庭，讲述他们的家风故事。", []string{"典型选树", "妇女与家庭"}},
		{"anti-fraud knowledge", "社区邀请民警为居民讲解防范电信诈骗知识。", []string{"法治宣传"}},
		{"an anti-fraud case", "警方破获一起电信诈骗案件。", []string{}},
		{"a school's course", "学校把垃圾分类纳入劳动教育课程，学生们每天在教室里分类投放垃圾。", []string{"垃圾分类", "未成年人思想道德建设"}},
		{"a class for parents without family education", "街道举办家长课堂，讲解如何培养孩子的劳动习惯。", []string{"妇女与家庭"}},
		{"parents trained as volunteers", "街道对家长志愿者进行了培训。", []string{"志愿服务"}},
		{"shared bicycles put in order", "街道整治共享单车乱停放，划设停放区。", []string{"文明交通"}},
		{"a model tells the story", "道德模范走进中学，为同学们讲述自己的故事。", []string{"典型选树", "未成年人思想道德建设"}},
		{"free tutoring by a retired teacher", "退休教师每周为社区孩子免费辅导作业。", []string{"志愿服务", "未成年人思想道德建设"}},
		{"pupils given a free check", "眼镜店为小学生免费检查视力。", []string{"志愿服务"}},
		{"a meeting deploys a list", "街道召开创城推进会，会议部署楼道清理、整治占道经营。", []string{"文明城区创建"}},
		{"a meeting reviews a list", "区里召开精神文明建设工作会，总结全区文明城区创建、新时代文明实践中心建设和志愿服务工作。", []string{}},
		{"a review without a meeting", "街道总结新时代文明实践中心建设、实践站运行的经验。", []string{"新时代文明实践"}},
		{"a meeting reviews one work", "区里召开工作会，总结新时代文明实践中心建设经验。", []string{"新时代文明实践"}},
		{"villagers who take a post of their own will", "社区建成图书角，由社区居民自愿担任图书管理员。", []string{"志愿服务"}},
		{"a meeting deploys one task", "街道召开例会，部署近期创城重点任务。", []string{"文明城区创建"}},
		{"the waste law studied", "社区组织居民学习《北京市生活垃圾管理条例》。", []string{"垃圾分类"}},
		{"parents nursing their child", "孩子住院期间，父母轮流照顾。", []string{}},
		{"opinions asked of an alley", "街道开展创城入户宣传，征集居民对背街小巷环境的意见。", []string{"文明城区创建"}},
		{"an alley put right after opinions", "根据居民意见，街道对背街小巷进行了整治，拆除违建3处。", []string{"背街小巷环境整治"}},
		{"a questionnaire on a clean-up", "街道发放问卷，了解居民对胡同环境整治的满意度。", []string{}},
		{"labour mobilised", "村里发动村民义务劳动，修整了村口的小路。", []string{}},
		{"a shop's free service", "小区门口的理发店每月为老人免费理发。", []string{"志愿服务"}},
		{"a service centre's free check-ups", "社区卫生服务中心为老人提供免费体检。", []string{}},
		{"parents on a roster", "家长们排好班次，每天早晚在路口值守。", []string{"志愿服务"}},
		{"snow cleared", "雪后，村干部清扫村内道路。", []string{}},
		{"bicycle parking in an alley renovation", "街道拆除胡同里的违规搭建，并增设共享单车停放区。", []string{"背街小巷环境整治"}},
		{"visitors at a service station", "服务站为市民和游客提供问询服务，游客们纷纷点赞。", []string{}},
		{"a festival's holiday as a date", "小讲解员将在春节假期为参观者讲解。", []string{}},
		{"courtyards as a reward", "村里把垃圾分类表现与评选美丽庭院挂钩。", []string{"垃圾分类"}},
		{"civilised families chosen", "区文明办评选表彰100户文明家庭。", []string{"文明单位创建"}},
		{"a class's star board", "学校评出“礼貌之星”，照片贴在教学楼的光荣榜上。", []string{}},
		{"minors in a pledge list", "平台承诺不传播低俗内容、不诱导未成年人打赏、不泄露隐私。", []string{}},
		{"a class for parents", "社区为家长举办家庭教育讲座，讲解如何陪孩子阅读。", []string{"妇女与家庭"}},
		{"pupils escorted", "民警在小学门口护送学生过马路，守护学生安全。", []string{}},
		{"honesty among story topics", "宣讲员把邻里互助、诚实守信的故事编成快板。", []string{}},
		{"families with children served", "志愿者与孤独症儿童家庭结对。", []string{"志愿服务"}},
		{"a red talk", "镇里开展“红色记忆”宣讲活动。", []string{"党史学习教育"}},
		{"passengers queueing", "志愿者提醒乘客排队候车、先下后上。", []string{"志愿服务", "文明交通"}},
		{"portraits of models", "镇里评出10名好人并张榜表扬，他们中有每周到养老院为老人读报的中学教师。", []string{"典型选树"}},
		{"a portrait after a colon", "好人讲述了自己的故事：有人在河边救起落水儿童。", []string{"典型选树"}},
		{"someone in the middle of a clause", "所有人都参加了垃圾分类培训。", []string{"垃圾分类"}},
		{"a quoted title held", "去年，一家农家院被评为“北京市文明旅游示范户”。", []string{}},
		{"points of a re-inspection", "复查内容包括志愿服务队伍建设、诚信经营等。", []string{}},
		{"a good life", "中小学开展“扣好人生第一粒扣子”主题教育。", []string{"未成年人思想道德建设"}},
		{"a school subject", "各校利用道德与法治课开展网络素养教育。", []string{}},
		{"units paired with a village", "结对以来，各单位帮村民销售板栗。", []string{}},
		{"after the festival", "志愿者一直服务到春节后的返程高峰结束。", []string{"志愿服务"}},
		{"pupils in an audience", "机关干部、居民代表和辖区中学生400余人聆听了报告。", []string{}},
		{"pupils recruited", "社区招募了20名小学生，当“小小分类员”。", []string{}},
		{"parking in a renovation", "街道完成背街小巷的整治提升，规范设置电动自行车停放区。", []string{"背街小巷环境整治"}},
		{"a selection tied to points", "社区把垃圾分类积分和“美丽阳台”评选挂起钩来。", []string{"垃圾分类"}},
		{"booked mourning", "清明节期间各公墓推行预约祭扫。", []string{}},
		{"a family's story", "5户文明家庭讲述了孝老爱亲的家庭故事。", []string{"文明单位创建", "妇女与家庭"}},
		{"epidemic prevention of poultry", "村集体统一购苗、统一防疫、统一销售林下柴鸡。", []string{}},
		{"epidemic prevention of people", "社区统一组织防疫物资发放。", []string{"疫情防控"}},
		{"a selection of streets", "本市公布年度“北京最美街巷”评选结果，100条街巷入选。", []string{"背街小巷环境整治"}},
		{"a selection of works", "微视频征集评出50部优秀作品，在地铁电视播出。", []string{}},
		{"a selection of people", "街道评选出10名“最美邻里”，并宣传他们的事迹。", []string{"典型选树"}},
		{"parents at a school gate", "洋桥学校门口家长排班站岗三年。", []string{"志愿服务"}},
		{"a class for parents", "社区为家长开设课堂，讲解亲子沟通。", []string{"妇女与家庭"}},
		{"an honorary title of 学雷锋", "镇里表彰30名“学雷锋标兵”，并刊登了他们的事迹。", []string{"典型选树"}},
		{"学雷锋 done", "学雷锋纪念日，志愿者在广场为居民义务理发。", []string{"志愿服务", "学雷锋"}},
		{"children with their mothers", "妇联组织母亲们带着孩子参观家训展。", []string{"妇女与家庭"}},
		{"pupils performing at a festival", "重阳节敬老宴上，小学生表演了剪纸和快板。", []string{"我们的节日"}},
		{"an honour in the headline read as the body tells it", "“北京榜样”刘桂英和她的互助队\n曾获评“北京榜样”的刘桂英在社区办起互助队，结对照顾独居老人。", []string{"志愿服务"}},
		{"an honour in the headline the body reports", "刘桂英入选“北京榜样”\n刘桂英近日入选“北京榜样”月榜。", []string{"典型选树"}},
		{"a headline beside a stock formula", "让核心价值观深入人心\n区里坚持以社会主义核心价值观为引领，推动精神文明建设。", []string{"社会主义核心价值观"}},
		{"a headline the body does not repeat", "“北京榜样”走进社区\n宣讲团为居民讲述身边故事。", []string{"典型选树"}},
		{"a time of the past", "他在村卫生室坚守28年，疫情防控期间曾连续两个月吃住在卫生室。", []string{}},
		{"the holder after a past", "曾在冬奥会期间参与城市志愿服务的街道志愿者团队，如今为独居老人送餐。", []string{"志愿服务"}},
		{"an occasion as a frame", "地区以创建全国文明城区为契机，完成了4条背街小巷的整治提升。", []string{"背街小巷环境整治"}},
		{"a requirement told", "向居民宣传创城的目标和“门前三包”等要求。", []string{"文明城区创建"}},
		{"pupils reporting to their community", "暑假期间，街道组织中学生到社区报到，参与楼道清扫。", []string{"背街小巷环境整治", "未成年人思想道德建设"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tax.Tag(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Tag(%q) = %q, want %q\n%+v", tt.text, got, tt.want, tax.Explain(tt.text))
			}
		})
	}
}

// TestTaxonomyNearRules checks how near rules read a sentence: an ordered
// rule needs A first, and the phrases of one near rule do not hide those
// of another (为村民 of one rule leaves 村民 to the other).
func TestTaxonomyNearRules(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(`
[[theme]]
name = "志愿"
[[theme.near]]
a = ["服务队"]
b = ["村民"]
[[theme.near]]
a = ["学生"]
b = ["为村民"]
ordered = true
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"服务队走进村里，为村民理发。", []string{"志愿"}},
		{"学生们为村民表演节目。", []string{"志愿"}},
		{"镇里为村民和学生开设讲座。", []string{}},
		{"服务队成立了。村民很高兴。", []string{}},
	}
	for _, tt := range tests {
		if got := tax.Tag(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Tag(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	rs := tax.Explain("服务队走进村里，为村民理发。")
	if len(rs) != 1 || rs[0].Rule != "near" || rs[0].Phrase != "服务队…村民" {
		t.Errorf("Explain = %+v", rs)
	}
}

// TestTaxonomyUnlessExcept checks an unless rule's exceptions: the phrases
// of a still count where the sentence has a phrase of except.
func TestTaxonomyUnlessExcept(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(`
[[theme]]
name = "节日"
strong = ["端午"]
[[theme.unless]]
a = ["端午"]
b = ["前夕"]
except = ["粽子"]
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"端午节前夕，社区开展消防检查。", []string{}},
		{"端午节前夕，居民一起包粽子。", []string{"节日"}},
		{"端午节前夕，社区开展消防检查。居民包粽子。", []string{}},
		{"社区举办端午诗会。", []string{"节日"}},
	}
	for _, tt := range tests {
		if got := tax.Tag(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Tag(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestListStart checks where a list of items joined by 、 starts.
func TestListStart(t *testing.T) {
	tests := []struct{ before, want string }{
		{"要求各单位在窗口服务、志愿服务、诚信经营", "在窗口服务、志愿服务、诚信经营"},
		{"律师讲解土地承包、赡养老人", "解土地承包、赡养老人"},
		{"会上，垃圾分类、志愿服务", "垃圾分类、志愿服务"},
		{"社区在垃圾分类", ""},
		{"、", "、"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := tt.before[listStart(tt.before):]; got != tt.want {
			t.Errorf("listStart(%q) keeps %q, want %q", tt.before, got, tt.want)
		}
	}
}

// rulesOnly returns the default taxonomy without its learned filter: the
// rules alone, which the tests of single sentences read (the filter is
// trained on whole articles and tested in TestThemeFilter).
func rulesOnly() *Taxonomy {
	t := *DefaultTaxonomy()
	t.filter = nil
	return &t
}

// TestThemeFilter checks the learned filter on articles of the judged set
// (development part O): the rules give a false tag beside the true ones,
// the filter drops it with its score, keeps the true ones, and Dropped
// says so.
func TestThemeFilter(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
		dropped    string
	}{
		{"o/r48 a purpose formula naming a past event",
			"雁栖地区对京加路沿线村庄开展环境整治\n为做好北京冬奥会服务保障，雁栖地区对京加路沿线的12个村开展环境整治，清理路边堆物堆料150余处，拆除违规广告牌40块，对沿线墙面统一粉刷，并在村口空地补种花草。",
			[]string{"背街小巷环境整治"}, "冬奥服务保障"},
		{"p/r78 parking dissuaded by a creation work's volunteers",
			"新村街道开展创城“百日攻坚”行动\n新村街道召开创建全国文明城区“百日攻坚”动员会，对照测评标准梳理出的86个问题点位逐一建立台账。一个多月来，街道清理小广告2000余处，修补破损路面和步道砖1500平方米，拆除废弃广告牌和违建棚亭24处，完成了6个老旧小区的楼道粉刷。\n街道还组建了由社区居民组成的文明劝导志愿服务队，每天在公交站、农贸市场周边劝导乱扔烟头、非机动车乱停乱放等行为。",
			[]string{"文明城区创建", "志愿服务", "背街小巷环境整治"}, "文明交通"},
	}
	tax := DefaultTaxonomy()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tax.Tag(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Tag = %q, want %q", got, tt.want)
			}
			if got := rulesOnly().Tag(tt.text); !slices.Contains(got, tt.dropped) {
				t.Errorf("the rules alone give %q, want %s among them", got, tt.dropped)
			}
			var found bool
			for _, r := range tax.Dropped(tt.text) {
				if r.Theme == tt.dropped {
					found = true
					if r.Rule != "filter" || r.Score <= 0 || r.Score >= tax.filter.Threshold {
						t.Errorf("dropped %s: %+v, want rule filter with a score under %v", tt.dropped, r, tax.filter.Threshold)
					}
				}
			}
			if !found {
				t.Errorf("Dropped does not give %s", tt.dropped)
			}
			var explained []string
			for _, r := range tax.Explain(tt.text) {
				if !slices.Contains(explained, r.Theme) {
					explained = append(explained, r.Theme)
				}
			}
			if !slices.Equal(explained, tt.want) {
				t.Errorf("Explain gives themes %q, want %q", explained, tt.want)
			}
		})
	}
}

func TestParseThemeFilter(t *testing.T) {
	n := featureCount(2)
	weights := strings.TrimSuffix(strings.Repeat("0.5,", n), ",")
	tests := []struct {
		name, data string
		ok         bool
	}{
		{"fits", `{"taxonomy":"1","themes":["a","b"],"threshold":0.1,"weights":[` + weights + `]}`, true},
		{"no themes", `{"taxonomy":"1","themes":[],"threshold":0.1,"weights":[]}`, false},
		{"too few weights", `{"taxonomy":"1","themes":["a","b","c"],"threshold":0.1,"weights":[` + weights + `]}`, false},
		{"not JSON", `taxonomy = 1`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseThemeFilter([]byte(tt.data))
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if tt.ok && f.Score(make([]float64, n)) != 0.5 {
				t.Errorf("score of zero features = %v, want 0.5", f.Score(make([]float64, n)))
			}
		})
	}
}

// TestDefaultDigestCoversFilter checks that the default taxonomy's digest
// covers its filter: a retrained filter with the same themes.toml marks an
// index's tags as stale.
func TestDefaultDigestCoversFilter(t *testing.T) {
	rules, err := ParseTaxonomy(defaultThemes)
	if err != nil {
		t.Fatal(err)
	}
	if DefaultTaxonomy().Digest == rules.Digest {
		t.Error("the default taxonomy's digest is that of themes.toml alone")
	}
	if DefaultTaxonomy().filter.Taxonomy != DefaultTaxonomy().Version {
		t.Errorf("themefilter.json was trained with themes.toml %s, not %s", DefaultTaxonomy().filter.Taxonomy, DefaultTaxonomy().Version)
	}
}

// TestSpanSet checks covers against a walk over the spans, on random sets
// of spans that overlap, nest and share starts.
func TestSpanSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var spans [][2]int
		for range rng.IntN(12) {
			a := rng.IntN(40)
			spans = append(spans, [2]int{a, a + rng.IntN(10)})
		}
		set := newSpanSet(spans)
		for i := range 45 {
			for end := i; end < i+12; end++ {
				want := slices.ContainsFunc(spans, func(s [2]int) bool { return s[0] <= i && end <= s[1] })
				if got := set.covers(i, end); got != want {
					t.Fatalf("spans %v: covers(%d, %d) = %v, want %v", spans, i, end, got, want)
				}
			}
		}
	}
}
