package ingest

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Organisation types, the values of Organisation.Type.
const (
	OrgStreet    = "街道"     // a street office (街道办事处)
	OrgTown      = "乡镇"     // a town, township or area office (镇, 乡, 地区)
	OrgCommunity = "社区村"    // a residents' community or a village, and their committees
	OrgOffice    = "机关事业单位" // a government office or public institution
	OrgParty     = "党组织"    // a party committee or its department
	OrgPeople    = "人民团体"   // a people's organisation (妇联, 工会, 共青团 …)
	OrgSchool    = "学校"
	OrgHospital  = "医院"
	OrgCompany   = "企业"
	OrgMedia     = "媒体"
	OrgSocial    = "社会组织" // associations, foundations, volunteer teams
)

// OrgTypes lists the organisation types in the order pages show them.
var OrgTypes = []string{OrgStreet, OrgTown, OrgCommunity, OrgOffice, OrgParty, OrgPeople, OrgSchool, OrgHospital, OrgCompany, OrgMedia, OrgSocial}

// Organisation is an organisation an article names: its canonical name, its
// type, and the district it belongs to when the name or its context tells
// ("" for municipal and central bodies and when unknown).
type Organisation struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	District string `json:"district,omitempty"`
}

//go:embed orgs.txt
var orgsFile string

//go:embed divisions.txt
var divisionsFile string

// knownOrg is an organisation of orgs.txt or divisions.txt.
type knownOrg struct {
	name, typ string
	districts []string // one, or several for a division name used in more than one district
}

// orgData holds the known names: orgs.txt and the divisions of
// divisions.txt, by every name they are written with.
type orgData struct {
	known   map[string]knownOrg // any name → its organisation
	names   []string            // every name of known, longest first
	anchors *gazetteer          // names a longer name may start with, by last rune
	byFirst *gazetteer          // the names of known, by first rune
}

// orgs is the parsed orgs.txt and divisions.txt.
var orgs = mustOrgData(orgsFile, divisionsFile)

func mustOrgData(orgsSrc, divSrc string) *orgData {
	d, err := parseOrgData(orgsSrc, divSrc)
	if err != nil {
		panic("ingest: " + err.Error())
	}
	return d
}

// parseOrgData reads orgs.txt and divisions.txt.
func parseOrgData(orgsSrc, divSrc string) (*orgData, error) {
	d := &orgData{known: map[string]knownOrg{}}
	add := func(name string, k knownOrg) {
		if _, dup := d.known[name]; !dup {
			d.names = append(d.names, name)
		}
		d.known[name] = k
	}
	n := 0
	for line := range strings.Lines(orgsSrc) {
		n++
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) < 2 || len(f) > 4 {
			return nil, fmt.Errorf("orgs.txt:%d: want name | type | other names | district", n)
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if !slices.Contains(OrgTypes, f[1]) {
			return nil, fmt.Errorf("orgs.txt:%d: unknown type %q", n, f[1])
		}
		var aliases []string
		if len(f) > 2 && f[2] != "" {
			for a := range strings.SplitSeq(f[2], ",") {
				aliases = append(aliases, strings.TrimSpace(a))
			}
		}
		var district string
		if len(f) > 3 {
			district = f[3]
		}
		expand := []string{""}
		if strings.Contains(line, "{区}") {
			expand = Districts
		}
		for _, dist := range expand {
			sub := func(s string) string {
				return strings.NewReplacer("{区}", dist, "{短}", ShortDistrict(dist)).Replace(s)
			}
			k := knownOrg{name: sub(f[0]), typ: f[1]}
			switch {
			case dist != "":
				k.districts = []string{dist}
			case district != "":
				k.districts = []string{district}
			}
			add(k.name, k)
			for _, a := range aliases {
				add(sub(a), k)
			}
		}
	}
	n = 0
	for line := range strings.Lines(divSrc) {
		n++
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if !slices.Contains(Districts, f[0]) {
			return nil, fmt.Errorf("divisions.txt:%d: %q is not a district", n, f[0])
		}
		for _, div := range f[1:] {
			alias, name, isAlias := strings.Cut(div, "=")
			if !isAlias {
				name = alias
			}
			typ := OrgTown
			if strings.HasSuffix(name, "街道") {
				typ = OrgStreet
			}
			for _, nm := range []string{alias, name} {
				k, ok := d.known[nm]
				if !ok {
					k = knownOrg{name: name, typ: typ}
				}
				if !slices.Contains(k.districts, f[0]) {
					k.districts = append(k.districts, f[0])
				}
				add(nm, k)
			}
		}
	}
	sort.SliceStable(d.names, func(i, j int) bool { return len(d.names[i]) > len(d.names[j]) })
	var entries []entry
	for _, nm := range d.names {
		entries = append(entries, entry{nm, "known"})
	}
	d.byFirst = newGazetteer(slices.Clone(entries))
	for _, dist := range Districts {
		entries = append(entries, entry{dist, "district"}, entry{ShortDistrict(dist), "district"})
	}
	for _, z := range economicZoneNames {
		entries = append(entries, entry{z, "zone"})
	}
	for _, c := range []string{"北京市", "北京", "首都", "中共", "共青团", "中国", "中华", "国家", "全国"} {
		entries = append(entries, entry{c, "city"})
	}
	for _, c := range []string{"市", "区"} {
		entries = append(entries, entry{c, "relative"})
	}
	d.anchors = newSuffixGazetteer(entries)
	return d, nil
}

// Organisations returns every name of the known organisations (canonical
// names and the other names they are written with), longest first.
func Organisations() []string { return slices.Clone(orgs.names) }

// CanonicalOrganisation returns the canonical name of a known organisation
// written as name, and whether it is known.
func CanonicalOrganisation(name string) (string, bool) {
	k, ok := orgs.known[name]
	return k.name, ok
}

// KnownOrganisation returns the organisation of orgs.txt or divisions.txt
// written as name: its canonical name, its type, and its district when the
// name belongs to one district only.
func KnownOrganisation(name string) (Organisation, bool) {
	k, ok := orgs.known[name]
	if !ok {
		return Organisation{}, false
	}
	o := Organisation{Name: k.name, Type: k.typ}
	if len(k.districts) == 1 {
		o.District = k.districts[0]
	}
	return o, true
}

// DivisionDistricts returns the districts that have a street, town or
// township called name (a division's current or former name); most names
// belong to one district, a few (八里庄街道) to two.
func DivisionDistricts(name string) []string {
	k, ok := orgs.known[name]
	if !ok || (k.typ != OrgStreet && k.typ != OrgTown) {
		return nil
	}
	return slices.Clone(k.districts)
}

// suffix is a type suffix of organisation names: 委员会, 小学, 社区 ….
type suffix struct {
	text string
	typ  string
	// anchored suffixes make a name only after a place or body (市, 海淀区,
	// 学院路街道, 北京市委 …): 卫健委 alone is no name, 区卫健委 is.
	anchored bool
	// notBefore lists runes that, right after the suffix, show it to be
	// part of a longer word (小学生, 学院路).
	notBefore string
	maxOwn    int // the most characters of the name's own part
	// notAfter lists runes that, right before the suffix, show it to
	// name no body (中小学, 农村, 进社区).
	notAfter string
	// quoted suffixes make a name only as the end of a whole quoted term:
	// “巾帼护绿队” is a team's proper name, 护绿队 alone a task.
	quoted bool
}

// suffixes, longest first within a type where it matters; the longest
// suffix that ends at a position is the one used.
var suffixes = func() []suffix {
	var s []suffix
	add := func(typ string, anchored bool, maxOwn int, notBefore string, texts ...string) {
		for _, t := range texts {
			s = append(s, suffix{text: t, typ: typ, anchored: anchored, notBefore: notBefore, maxOwn: maxOwn})
		}
	}
	add(OrgOffice, true, 12, "员托屈婉", "委员会", "管委会", "委")
	add(OrgOffice, true, 12, "面势长", "局", "分局", "管理局", "执法局")
	add(OrgOffice, true, 6, "法理公事好实的学案结完", "办")
	add(OrgOffice, false, 6, "", "派出所", "推广站", "管理站", "监测站")
	add(OrgOffice, true, 10, "", "办公室", "政府", "人民政府", "法院", "人民法院", "检察院", "人民检察院",
		"司法所", "支队", "大队", "总队", "办事处", "管理处", "服务站", "工作站", "指挥部",
		"服务中心", "活动中心", "文化中心", "综治中心", "文化站", "党群服务中心")
	add(OrgOffice, false, 10, "长员", "图书馆", "文化馆", "博物馆", "纪念馆", "科技馆", "美术馆", "档案馆", "少年宫", "青少年活动中心")
	add(OrgOffice, false, 10, "", "新时代文明实践中心", "新时代文明实践所", "新时代文明实践站",
		"文明实践中心", "文明实践所", "文明实践站")
	add(OrgParty, true, 8, "", "宣传部", "组织部", "统战部", "政法委", "社会工委", "社会工作部", "教育工委",
		"工委", "党工委", "党委", "党组", "党支部", "党总支", "纪委", "纪委监委", "网信办")
	// 团工委, the Youth League's committee of a street or a park, and 少工委,
	// its Young Pioneers' committee, are the League's as 团委 is, not the
	// party's 工委.
	add(OrgPeople, true, 6, "", "妇联", "妇女联合会", "总工会", "工会", "团委", "团工委", "少工委", "残联", "残疾人联合会", "科协", "文联", "侨联", "工商联", "红十字会")
	// 村 followed by these makes a longer word (村民, 村规, 村宴, 村医, a
	// village doctor), or a road named after a village (西黄村路, 后厂村路:
	// the road, no village), and after 走 it is the idiom 走村入户, a
	// doctor's rounds, no village.
	add(OrgCommunity, false, 4, "民庄落级干里容貌委两镇规街口务头大宴医路", "村")
	add(OrgCommunity, false, 6, "化", "社区")
	add(OrgCommunity, false, 6, "", "社区居委会", "居委会", "村委会", "村民委员会", "居民委员会", "社区居民委员会")
	add(OrgSchool, false, 10, "生路派长", "校区", "分校", "大学", "学院", "中学", "小学", "学校", "幼儿园", "附中", "附小", "职业学校", "实验学校")
	for _, n := range []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"} {
		add(OrgSchool, false, 6, "心国华队央共层级小等间学文", n+"中")
	}
	add(OrgOffice, false, 6, "", "党校", "天文馆", "科学技术馆", "展览馆", "艺术馆")
	add(OrgOffice, true, 8, "有以在属谓得", "所")
	add(OrgOffice, true, 8, "", "中队")
	add(OrgOffice, false, 10, "", "科学院", "研究院", "研究所", "研究中心", "剧院", "歌剧院", "话剧院")
	add(OrgCompany, false, 12, "", "律师事务所", "会计师事务所")
	add(OrgPeople, false, 6, "", "科学技术协会")
	add(OrgHospital, false, 10, "", "医院", "卫生院", "社区卫生服务中心", "社区卫生服务站", "中医院", "妇幼保健院")
	add(OrgCompany, false, 14, "卡账", "有限公司", "有限责任公司", "股份有限公司", "公司", "分公司", "集团", "银行", "分行", "支行", "饭店", "酒店")
	// 报社 before 区 is 报|社区 (及时上报社区).
	add(OrgMedia, false, 6, "区", "融媒体中心", "电视台", "广播电视台", "广播电台", "日报社", "报社", "新闻中心")
	add(OrgSocial, false, 12, "", "协会", "学会", "研究会", "促进会", "联合会", "基金会", "商会",
		"志愿服务队", "志愿者服务队", "志愿服务总队", "志愿服务团", "志愿者协会", "志愿服务联合会", "志愿者联合会",
		"服务队", "志愿队", "舞蹈队", "秧歌队", "合唱队", "文艺队", "理事会", "红白理事会", "事务所", "社工事务所", "服务社", "合作社", "艺术团", "合唱团")
	notAfter := map[string]string{
		"小学": "中", "中学": "初高大", "村": "乡农渔全各本该驻进邻古整一两每险订走”", "社区": "进个型化级各全本该驻邻式性”届", "学校": "各全本该驻进所",
		"大学": "上考", "所": "场厕住诊务究践法出", "商会": "协", "银行": "间", "社区合唱团": "", "办": "举承主协开兴买包代督操筹合停试新简创", "医院": "各全本该进", "公司": "各全本该子分", "局": "分当结格布骗", "委": "常编", "集团": "小",
		// A volunteers' post (志愿服务站, 城市志愿服务站) is a booth or counter
		// where volunteers take turns, a place rather than a body; a town's
		// or a district's 合作社 is a kind (北务镇合作社: the town's
		// cooperatives), a named one has a name of its own (昌平区供销合作社);
		// a 乡村(学校)少年宫 is a programme run in a rural school, the
		// school's room, no body of its own.
		"服务站": "愿", "合作社": "镇乡", "少年宫": "村校",
		// 小学会 is a school and the verb 会 (中心小学会让你…), no 学会.
		"学会": "小中大",
	}
	for i := range s {
		s[i].notAfter = notAfter[s[i].text]
		// 学校少年宫 is the programme 乡村学校少年宫, not a school's name;
		// 学会了 is the verb, learnt (妇女学会了剪窗花).
		s[i].notBefore += map[string]string{"学校": "少", "学会": "了"}[s[i].text]
	}
	// A team that has a proper name, written in quotes: “银发助老队”,
	// “雷锋车队”; not a queue or a place in one (“文明排队”, “不插队”).
	s = append(s, suffix{text: "队", typ: OrgSocial, maxOwn: 8, quoted: true, notAfter: "排插站列带组整领入归"})
	sort.SliceStable(s, func(i, j int) bool { return len(s[i].text) > len(s[j].text) })
	return s
}()

// suffixesByLast indexes suffixes by their last rune, longest first.
var suffixesByLast = func() map[rune][]suffix {
	m := map[rune][]suffix{}
	for _, s := range suffixes {
		r, _ := utf8.DecodeLastRuneInString(s.text)
		m[r] = append(m[r], s)
	}
	return m
}()

// stopWords end a name on its left: a name never contains them, so the
// name starts right after the nearest one (组织志愿者走进|和平里社区).
var stopWords = newSuffixGazetteer(func() []entry {
	words := strings.Fields(`
		在 到 与 及 同 向 对 由 把 将 被 让 给 为 是 了 的 等 各 每 该 并 也 都 还 从 以 和 或 又 即 其 这 那 此
		个 名 位 次 项 件 就 已 均 再 请 使 据 若 但 而 且 则 去 跟 替 往 沿 按 凭 啊 吧 呢 吗 着 经过 位于 至于 对于 关于 由于
		进 驻 走进 来到 深入 前往 组织 联合 携手 开展 举办 召开 邀请 依托 位于 辖区 所属 所辖 协同 会同 联手
		指导 带领 动员 发动 督促 推动 支持 慰问 走访 看望 参观 参加 参与 成立 建立 组建 设立 入选 获评
		荣获 评为 命名 表彰 授予 作为 来自 包括 其中 通过 围绕 针对 结合 面向 进入 进驻 回到 下沉 走出
		帮助 服务 覆盖 涉及 包含 发布 通报 介绍 表示 主办 承办 协办 牵头 指出 要求 部署 印发 以来 近日
		日前 今年 目前 同时 此外 先后 分别 相继 陆续 积极 主动 持续 不断 广泛 集中 专门 首批 首届 全体
		全 本 多 各级 各类 所在 周边 附近 当地 属地 相关 有关 所有 一些 部分 全部 多家 多个 多所 每个
		文明单位 文明校园 文明社区 文明村镇 文明家庭 称号 荣誉 单位 以及 还有 我们 他们 大家 群众 居民
		村民 党员 干部 职工 学生 师生 老人 志愿者 市民 游客 同学 孩子 家长 记者 负责人 书记 主任 局长
		近年 当天 期间 前夕 之际 活动 工作 现场 今天 昨天 上午 下午 晚上 联系 对接 派出 选派 抽调 配合
		协助 帮扶 结对 共建 到达 赶到 举行 开放 打造 启动 推出 实施 落实 签订 签约 表演 宣传 讲解 讲述
		例如 比如 譬如 创建 无障碍 展出 展示 展演 走入 筑牢 守好 守牢 织密 扎牢 构筑 夯实 批 座 壮大 发展 扩大 加强 建强 充实 依靠 深化 提升 完善 加快 优化 规范 全面 做好 抓好 用好 管好 推进
		支援 定向 制定 建成 建起 建好 按照 依照 遵照 参照 对照 不要 不 倡导 排查 提醒 要 让 请 希望 号召 推进 推广 建设 开设 设置 举行 组成
		捐赠 捐助 资助 送到 送去 送来 走入 走遍 遍布 辐射 带动 号召 倡议 呼吁 鼓励 引导 培训 培育 
		`)
	words = append(words, strings.Fields(placeVerbs)...)
	var e []entry
	for _, w := range words {
		e = append(e, entry{w, w})
	}
	return e
}())

// placeVerbs are verbs that take a place or a body as their object in
// reports of selections, checks and clean-ups, and words that locate what
// follows inside a place (镇域内学校, 辖内社区, 区内三甲医院): 推荐炭厂村参评, 评选重点考察学校,
// 结果纳入社区考核, 家庭可获得社区发放的纪念品, 清理村内垃圾, 及时上报社区. No name
// contains them, so a name after one starts right after it, and a type
// word right after one (纳入|社区) is a place in general, no name.
const placeVerbs = `域内 辖内 境内 区内 市内 镇内 推荐 评选 考察 纳入 获得 清理 清扫 上报 申报 改成 转战
	推选 遴选 评出 选出 列为 确定 认定 公布 检查 抽查 暗访 考核 验收 视察 摸排 改造 包联 分包
	入驻 搬进 住进 赶赴 奔赴 扎根 落户 报名 申请 维护 吸引 陪伴 融入 惠及 回馈 造福`

// keepWords hold a stop word but belong to names (社会组织服务中心, 和平里);
// 将军 is the noun of many village names (将军关村, 将军坟), not the
// particle 将.
var keepWords = []string{"各庄", "法律服务", "政务服务", "社区服务", "便民服务", "为民服务", "发展改革", "发展和改革", "文化和旅游", "住房和城乡", "发展和改革", "人力资源和社会保障", "见义勇为", "协和", "和睦", "和顺", "为公", "社会组织", "和平", "和义", "和苑", "对外", "为民", "中国人民", "人民", "一二", "向阳", "同仁", "同心", "长子", "将军", "全聚德", "服务有限", "服务股份"}

// newSuffixGazetteer indexes entries by their last rune, longest first, for
// ending; byFirst then holds last runes and bmp is unused, so the prefix
// methods (candidates, longest, scan, count) do not apply to it.
func newSuffixGazetteer(entries []entry) *gazetteer {
	g := &gazetteer{byFirst: make(map[rune][]entry)}
	for _, e := range entries {
		r, _ := utf8.DecodeLastRuneInString(e.name)
		g.byFirst[r] = append(g.byFirst[r], e)
	}
	for _, list := range g.byFirst {
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].name) > len(list[j].name) })
	}
	return g
}

// ending returns the longest entry of a suffix gazetteer that text[:j]
// ends with.
func (g *gazetteer) ending(text string, j int) (entry, bool) {
	r, _ := utf8.DecodeLastRuneInString(text[:j])
	for _, e := range g.byFirst[r] {
		if strings.HasSuffix(text[:j], e.name) {
			return e, true
		}
	}
	return entry{}, false
}

// orgSpan is an organisation found in text, at text[start:end].
type orgSpan struct {
	start, end int
	org        Organisation
}

// orgContext is what an article tells about the organisations it names.
type orgContext struct {
	district  string   // the reporting district, for 区委宣传部 and the like
	mentioned []string // the districts the article names, for division names of two districts
}

// organisationsIn lists the organisations text names, in order of first
// mention, each once: names recognised by their structure (a place or body
// and a type suffix) and the known names of orgs.txt and divisions.txt.
// A nested name gives its most specific body (中共北京市委宣传部, not
// 北京市委).
func organisationsIn(text string, ctx orgContext) []Organisation {
	titles := titleSpans(text)
	var spans []orgSpan
	for i, r := range text {
		// A suffix ends after r.
		if _, ok := suffixesByLast[r]; !ok {
			continue
		}
		if sp, ok := structuralAt(text, i+utf8.RuneLen(r), titles, ctx); ok {
			spans = append(spans, sp)
		}
	}
	spans = append(spans, knownSpans(text, titles, ctx)...)
	spans = append(spans, enumeratedCompanies(text, titles)...)
	// The longest of overlapping spans wins: it is the most specific body.
	slices.SortStableFunc(spans, func(a, b orgSpan) int {
		if la, lb := a.end-a.start, b.end-b.start; la != lb {
			return lb - la
		}
		return a.start - b.start
	})
	// Marking the bytes of the spans chosen keeps a text that names
	// thousands of bodies linear: each span looks at its own bytes, not at
	// every span chosen before it.
	taken := make([]bool, len(text))
	var chosen []orgSpan
	for _, sp := range spans {
		if sp.start >= sp.end || slices.Contains(taken[sp.start:sp.end], true) {
			continue
		}
		for i := sp.start; i < sp.end; i++ {
			taken[i] = true
		}
		chosen = append(chosen, sp)
	}
	slices.SortFunc(chosen, func(a, b orgSpan) int { return a.start - b.start })
	out := []Organisation{}
	named := map[string]bool{}
	for _, sp := range chosen {
		if !named[sp.org.Name] {
			named[sp.org.Name] = true
			out = append(out, sp.org)
		}
	}
	return out
}

// titleSpans returns the byte ranges inside 《》: titles of works, whose
// words name no organisation of the article.
func titleSpans(text string) [][2]int {
	var out [][2]int
	for i := 0; ; {
		a := strings.Index(text[i:], "《")
		if a < 0 {
			return out
		}
		a += i
		b := strings.Index(text[a:], "》")
		if b < 0 {
			return out
		}
		out = append(out, [2]int{a, a + b + len("》")})
		i = a + b + len("》")
	}
}

func inSpans(spans [][2]int, i int) bool {
	for _, s := range spans {
		if i > s[0] && i < s[1] {
			return true
		}
	}
	return false
}

// knownSpans finds the known names of text that stand on their own.
func knownSpans(text string, titles [][2]int, ctx orgContext) []orgSpan {
	var out []orgSpan
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		found := false
		for _, c := range orgs.byFirst.candidates(r) {
			nm := c.name
			if !strings.HasPrefix(text[i:], nm) {
				continue
			}
			k := orgs.known[nm]
			if inSpans(titles, i) && !(k.typ == OrgMedia && strings.HasSuffix(text[:i], "《") && strings.HasPrefix(text[i+len(nm):], "》")) {
				break // a title of a work, but for a newspaper's: 《北京日报》
			}
			if (r == '市' || r == '区') && !relativeBoundary(text, i) {
				break
			}
			if k.typ == OrgCompany && !strings.HasSuffix(nm, "公司") && !strings.HasSuffix(nm, "集团") && runOn(text, i+len(nm)) {
				break // 京东物流, 京东方: a longer name
			}
			if !continuesWord(text, i+len(nm)) {
				out = append(out, orgSpan{i, i + len(nm), Organisation{Name: k.name, Type: k.typ, District: pickDistrict(k.districts, "", ctx)}})
				i += len(nm)
				found = true
			}
			break
		}
		if !found {
			i += n
		}
	}
	return out
}

// enumeratedCompanies finds the companies of an enumeration that says
// what its items are: 京东物流、顺丰速运等企业, 内联升、瑞蚨祥等老字号,
// 北京国际饭店、中粮置地等10家企业. Brands have no type suffix, but the
// class word after 等 names each item a company. Items that are trades
// or kinds of shop rather than names (餐饮、零售等企业, 快递企业, 便利店)
// are left out: an item needs three characters of a name, none of them a
// generic word before, and no ending of a kind of place or trade.
func enumeratedCompanies(text string, titles [][2]int) []orgSpan {
	var out []orgSpan
	for i := 0; ; {
		k := strings.Index(text[i:], "等")
		if k < 0 {
			return out
		}
		at := i + k
		i = at + len("等")
		rest := strings.TrimLeft(text[i:], "0123456789一二三四五六七八九十百余多")
		rest = strings.TrimPrefix(rest, "家")
		if !strings.HasPrefix(rest, "企业") && !strings.HasPrefix(rest, "老字号") {
			continue
		}
		// The items, from the last back to the first, separated by 、 or
		// a conjunction; the enumeration ends at other punctuation or at a
		// stop word before its first item.
		end := at
		for end > 0 {
			st := end
			for st > 0 {
				if _, found := stopWords.ending(text, st); found && !inKeepWord(text, st-utf8.RuneLen(lastRune(text[:st])), st) {
					break
				}
				r := lastRune(text[:st])
				if !unicode.Is(unicode.Han, r) {
					break
				}
				st -= utf8.RuneLen(r)
			}
			if name := text[st:end]; st < end && !inSpans(titles, st) && brandName(name) {
				out = append(out, orgSpan{st, end, Organisation{Name: name, Type: OrgCompany}})
			}
			switch {
			case strings.HasSuffix(text[:st], "、"):
				end = st - len("、")
			case strings.HasSuffix(text[:st], "和") || strings.HasSuffix(text[:st], "及") || strings.HasSuffix(text[:st], "与"):
				end = st - len("和")
			default:
				end = 0
			}
		}
	}
}

// divisionStem reports whether name is what a division of divisions.txt
// of one of the types kinds is named after: 中关村 (中关村街道), 酒仙桥
// (酒仙桥街道).
func divisionStem(name string, kinds ...string) bool {
	for _, t := range kinds {
		if k, ok := orgs.known[name+t]; ok && (k.typ == OrgStreet || k.typ == OrgTown) {
			return true
		}
	}
	return false
}

// brandName reports whether an item of an enumeration of companies is a
// name: three to twelve characters, not a trade, a kind of shop or a place
// (中关村、望京等企业集聚区).
func brandName(name string) bool {
	n := utf8.RuneCountInString(name)
	if n < 3 || n > 12 || genericName(name) || divisionStem(name, "街道", "镇", "地区", "乡") {
		return false
	}
	for _, g := range genericNames {
		if utf8.RuneCountInString(g) >= 2 && strings.HasPrefix(name, g) {
			return false // 快递物流, 餐饮门店
		}
	}
	return !strings.ContainsRune("店场超业台户类商点所市村镇街路", lastRune(name))
}

// runOn reports whether a name that ends at text[:j] runs on into more
// characters of a name: a Han character that starts no stop word.
func runOn(text string, j int) bool {
	r, _ := utf8.DecodeRuneInString(text[j:])
	if !unicode.Is(unicode.Han, r) {
		return false
	}
	for k := j + utf8.RuneLen(r); k <= len(text) && k <= j+12; {
		if w, ok := stopWords.ending(text, k); ok && k-len(w.name) == j {
			return false
		}
		_, n := utf8.DecodeRuneInString(text[k:])
		if n == 0 {
			break
		}
		k += n
	}
	return true
}

// continuesWord reports whether the name that ends at text[:j] is part of
// a longer word: a known name followed by 路 or 大街 is a road (学院路).
func continuesWord(text string, j int) bool {
	for _, w := range []string{"路", "大街", "街", "桥", "站", "门"} {
		if strings.HasPrefix(text[j:], w) {
			return true
		}
	}
	return false
}

// pickDistrict chooses the district of a name that may be in several:
// the one a district named with it says, else the reporting district,
// else a district the article names.
func pickDistrict(candidates []string, named string, ctx orgContext) string {
	switch {
	case len(candidates) == 1:
		return candidates[0]
	case len(candidates) == 0:
		return ""
	case slices.Contains(candidates, named):
		return named
	case slices.Contains(candidates, ctx.district):
		return ctx.district
	}
	for _, d := range ctx.mentioned {
		if slices.Contains(candidates, d) {
			return d
		}
	}
	return ""
}

// relativeBoundary reports whether 市 or 区 at text[i] can begin a name
// that stands for the city's or the district's body (市卫健委, 区司法局):
// it must follow punctuation, the start, or a word that ends a name; not
// 各区, 全市, 本区, 城区.
func relativeBoundary(text string, i int) bool {
	if i == 0 {
		return true
	}
	p, _ := utf8.DecodeLastRuneInString(text[:i])
	if !unicode.Is(unicode.Han, p) {
		return true
	}
	if strings.ContainsRune("各全本该每两多外城社小景园山郊市辖驻街县省乡镇村十六", p) {
		return false
	}
	if p == '团' {
		return true // 团区委, 团市委
	}
	_, ok := stopWords.ending(text, i)
	return ok
}

// level is a place or body a name is built from: 海淀区 | 学院路街道 |
// 城市学院社区 | 新时代文明实践站.
type level struct {
	start, end int
	kind       string // "district", "zone", "city", "relative", "known", "community"
}

// structuralAt recognises a name that ends at text[:e] with a type suffix.
func structuralAt(text string, e int, titles [][2]int, ctx orgContext) (orgSpan, bool) {
	if e == 0 || inSpans(titles, e-1) {
		return orgSpan{}, false
	}
	r, _ := utf8.DecodeLastRuneInString(text[:e])
	cands := suffixesByLast[r]
	if len(cands) == 0 {
		return orgSpan{}, false
	}
	var suf suffix
	found := false
	for _, s := range cands {
		if strings.HasSuffix(text[:e], s.text) {
			suf, found = s, true
			break
		}
	}
	if !found {
		return orgSpan{}, false
	}
	if next, _ := utf8.DecodeRuneInString(text[e:]); next != utf8.RuneError && strings.ContainsRune(suf.notBefore, next) {
		return orgSpan{}, false
	}
	s := e - len(suf.text)
	if prev, _ := utf8.DecodeLastRuneInString(text[:s]); strings.ContainsRune(suf.notAfter, prev) {
		return orgSpan{}, false
	}
	if suf.quoted && !strings.HasPrefix(text[e:], "”") {
		return orgSpan{}, false
	}
	digits := suf.typ == OrgSchool || suf.typ == OrgCompany || suf.typ == OrgCommunity
	start, levels, own, ok := walkLeft(text, s, suf.maxOwn, digits, true)
	if !ok {
		return orgSpan{}, false
	}
	if verbLed(suf) && len(levels) == 0 {
		// A name of its own holds no common verb or adverb (gse's parts of
		// speech, verbs.txt): in 已完成云景里社区, 党员坚守社区防疫一线,
		// 查看学校的…, 邀请专家解读文明实践中心… the verb takes the place or
		// the body as its object, so the name, if any, starts after it. A
		// street's or a town's name is a place's, whatever its words
		// (北下关社区, 迎风社区, 安定村: 北下关街道, 迎风街道, 安定镇).
		if v := lastVerb(text, start, s); v > start && !divisionStem(text[start:s], "街道", "地区", "镇", "乡") {
			own -= utf8.RuneCountInString(text[start:v])
			start = v
			if own < 2 {
				return orgSpan{}, false
			}
		}
	}
	if suf.anchored && len(levels) == 0 {
		// A community or village anchors a body too: 六渡村党支部.
		levels = communityLevels(text, start, s, nil)
	}
	village1 := suf.text == "村" && own == 1 && oneRuneVillage(text, start, s, levels)
	switch {
	case suf.typ == OrgCommunity && own > 0 && len(levels) > 0 && levels[len(levels)-1].kind == "city":
		// No community or village is named on the city or the nation:
		// 首都卫生村, 国家级生态村, 北京市绿色社区 are titles.
		return orgSpan{}, false
	case suf.text == "村" && divisionStem(text[start:e], "街道", "地区"):
		// An area that a street is named after, no village: 中关村,
		// 亚运村 (中关村街道, 亚运村街道); a town named after its village
		// (崔村镇) does not make the village an area.
		return orgSpan{}, false
	case suf.quoted && (!strings.HasSuffix(text[:start], "“") || own < 3):
		// Three characters of a name at least: “排好队” is a slogan.
		return orgSpan{}, false
	case own == 0 && len(levels) == 0:
		return orgSpan{}, false
	case suf.anchored && len(levels) == 0:
		return orgSpan{}, false
	case !suf.anchored && len(levels) == 0 && own < 2 && !village1:
		return orgSpan{}, false
	case !suf.anchored && len(levels) == 0 && genericName(text[start:s]):
		return orgSpan{}, false
	case suf.typ == OrgCommunity && own < 2 && !strings.HasSuffix(suf.text, "会") && !village1:
		return orgSpan{}, false
	case suf.typ == OrgCommunity && own == 0:
		return orgSpan{}, false
	case suf.typ == OrgCommunity && genericName(text[s-ownBytes(text, s, own):s]):
		return orgSpan{}, false
	}
	// Communities inside the span are levels too: 城市学院社区 in
	// 学院路街道城市学院社区新时代文明实践站.
	if !slices.ContainsFunc(levels, func(l level) bool { return l.kind == "community" }) {
		levels = append(levels, communityLevels(text, start, s, levels)...)
	}
	slices.SortFunc(levels, func(a, b level) int { return a.start - b.start })
	org := buildOrganisation(text, start, e, suf, levels, ctx)
	if org.Name == "" {
		return orgSpan{}, false
	}
	return orgSpan{start, e, org}, true
}

// verbLed reports whether a name with suffix suf is one whose own part
// holds no verb: a community's or village's, a school's, an institution's
// (文明实践中心). Bodies built on a place (区卫健委) are anchored and have
// levels instead; teams and companies carry their task or brand in their
// name (党校理论宣讲志愿服务队, “银发互助队”, 联想集团), verbs included.
func verbLed(suf suffix) bool {
	return !suf.anchored && (suf.typ == OrgCommunity || suf.typ == OrgSchool || suf.typ == OrgOffice)
}

// lastVerb returns where the name's own part text[start:s] goes on after
// the last two-character verb or adverb of verbs.txt in it, or start when
// it has none. A verb right before a character that ends a place name is
// part of that name, as places are named (安定门外社区, 展览路社区).
func lastVerb(text string, start, s int) int {
	v := start
	vs := verbs()
	for i := start; i < s; {
		_, n := utf8.DecodeRuneInString(text[i:])
		if _, m := utf8.DecodeRuneInString(text[i+n:]); i+n+m <= s && vs[text[i:i+n+m]] {
			if next, _ := utf8.DecodeRuneInString(text[i+n+m : s]); !strings.ContainsRune(placeEnds, next) {
				v = i + n + m
			}
		}
		i += n
	}
	return v
}

// placeEnds end the names of places a community is named after: a gate, a
// road, a street, a lane, a bridge, a garden, a village, a camp ….
const placeEnds = "门路街里巷桥园庄营坊口湖河寺苑府院坡屯台池井"

// oneRuneVillage reports whether the 村 at text[s:] ends a village named by
// one character of its own, text[start:s] (芦村): only where the place
// around it shows a village, right after its town or street (窦店镇芦村)
// or next in a list of villages (窦店村、芦村). Elsewhere one character
// before 村 is a word (山村, 进村).
func oneRuneVillage(text string, start, s int, levels []level) bool {
	if strings.HasSuffix(text[:start], "村、") {
		return true
	}
	if len(levels) == 0 {
		return false
	}
	l := levels[len(levels)-1]
	if l.kind != "known" || l.end != s-ownBytes(text, s, 1) {
		return false
	}
	typ := orgs.known[text[l.start:l.end]].typ
	return typ == OrgStreet || typ == OrgTown
}

// walkLeft finds where a name that ends before text[s] begins: it goes left
// over the name's own characters and over the places and bodies it is
// built on, and stops at punctuation or a stop word (and at Latin letters
// and digits unless digits is set: schools, companies and communities
// have them, 101中学, 复兴路40号社区). own counts the
// characters after the last place or body. ok is false when the name would
// be longer than maxOwn characters of its own. A name is never longer than
// maxNameBytes: the walk goes no further left, so that a run of places and
// bodies (市委市委…) costs each suffix a bounded walk, not one back to the
// start of the text. With parents set it goes over a parent body too
// (parentBody), whose own walk does not: the parent of a parent is never
// needed, and walks within walks would cost each suffix exponentially
// many steps in a run of parent bodies (海淀区公安分局海淀区公安分局…).
func walkLeft(text string, s, maxOwn int, digits, parents bool) (start int, levels []level, own int, ok bool) {
	j := s
	seg := 0 // own characters since the last level met
	own = -1 // own characters between the nearest level and s, once one is met
	for j > 0 {
		if s-j > maxNameBytes {
			// The name starts at the farthest level within reach, if any.
			for len(levels) > 0 && s-levels[len(levels)-1].start > maxNameBytes {
				levels = levels[:len(levels)-1]
			}
			if len(levels) == 0 {
				return 0, nil, 0, false
			}
			j = levels[len(levels)-1].start
			break
		}
		if a, found := orgs.anchors.ending(text, j); found {
			as := j - len(a.name)
			notDistrict := a.value == "district" && strings.HasPrefix(text[j:], "门")
			if a.value == "relative" && (strings.HasPrefix(text[j:], "场") || strings.HasPrefix(text[j:], "域")) {
				notDistrict = true // 市场, 区域
			}
			quantified := false // 全区, 各市: no name starts with them
			if as > 0 {
				p, _ := utf8.DecodeLastRuneInString(text[:as])
				quantified = strings.ContainsRune("各全本该每两多", p)
			}
			if a.value == "relative" && !notDistrict && quantified {
				break
			}
			if !notDistrict && (a.value != "relative" || relativeBoundary(text, as)) {
				levels = append(levels, level{as, j, a.value})
				if own < 0 {
					own = seg
				}
				seg = 0
				j = as
				continue
			}
		}
		if parents && j < s {
			if ps, kind, found := parentBody(text, j); found {
				levels = append(levels, level{ps, j, kind})
				if own < 0 {
					own = seg
				}
				seg = 0
				j = ps
				continue
			}
		}
		if w, found := stopWords.ending(text, j); found && !inKeepWord(text, j-len(w.name), j) {
			break
		}
		if counted(text[:j]) || endsBody(text[:j]) {
			break
		}
		r, n := utf8.DecodeLastRuneInString(text[:j])
		if r == '”' || r == '"' {
			q := strings.LastIndexAny(text[:j-n], "“\"")
			if q < 0 || utf8.RuneCountInString(text[q:j]) > 14 {
				break
			}
			_, qn := utf8.DecodeRuneInString(text[q:])
			if strings.ContainsFunc(text[q+qn:j-n], unicode.IsPunct) {
				// A quoted saying, not a quoted name: “有事找志愿者，准没错！”清华大学.
				break
			}
			seg += utf8.RuneCountInString(text[q:j]) - 2
			j = q
			continue
		}
		if !unicode.Is(unicode.Han, r) && !(digits && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')) {
			break
		}
		seg++
		if seg > maxOwn {
			if len(levels) == 0 {
				return 0, nil, 0, false
			}
			// Too long to be part of the name: it starts at its first level.
			seg = 0
			j = levels[len(levels)-1].start
			break
		}
		j -= n
	}
	if own < 0 {
		own = seg
	}
	slices.Reverse(levels)
	if len(levels) > 0 && utf8.RuneCountInString(text[j:levels[0].start]) < 2 && text[j:levels[0].start] != "团" {
		// A name starts at its first place or body (按照|首都文明委) or
		// at two characters of its own before it (周口店北京人遗址博物馆).
		j = levels[0].start
	}
	return j, levels, own, true
}

// maxNameBytes bounds the length of a name that walkLeft finds: 50
// characters of Chinese, over twice the longest name in orgs.txt (中共北京市委
// 网络安全和信息化委员会办公室, 20).
const maxNameBytes = 50 * 3

// parentSuffixes end the names of bodies that have named units of their
// own: a district's police bureau its stations (海淀区公安分局紫竹院派出所), a
// traffic detachment its brigades (丰台区交通支队花乡大队), a group its
// branches and institutes (北京燃气集团西城分公司).
var parentSuffixes = []string{"公安分局", "分局", "支队", "总队", "集团", "总公司"}

// parentBody reports whether a body that has units of its own ends at
// text[:j], built on a district or the city (海淀区公安分局, 西城公安分局,
// 北京燃气集团), and where it starts; kind is "company" for a group or
// company, "body" otherwise. A unit named after it is one organisation with
// it, the unit of that body.
func parentBody(text string, j int) (start int, kind string, ok bool) {
	for _, p := range parentSuffixes {
		if !strings.HasSuffix(text[:j], p) {
			continue
		}
		st, levels, _, ok := walkLeft(text, j-len(p), 8, false, false)
		if !ok || len(levels) == 0 || levels[0].start != st {
			return 0, "", false
		}
		if k := levels[0].kind; k != "district" && k != "city" {
			return 0, "", false
		}
		kind = "body"
		if strings.HasSuffix(p, "集团") || strings.HasSuffix(p, "公司") {
			kind = "company"
		}
		return st, kind, true
	}
	return 0, "", false
}

// endBodies end names that no other name is built on: what follows one
// starts a name of its own (紫竹院派出所|博雅社区民警).
var endBodies = []string{"派出所", "司法所", "办事处", "居委会", "村委会"}

// endsBody reports whether text ends with one of endBodies.
func endsBody(text string) bool {
	for _, b := range endBodies {
		if strings.HasSuffix(text, b) {
			return true
		}
	}
	return false
}

// counted reports whether text ends with a count: a numeral and a measure
// word that counts bodies or places (5所, 十家, 两支, 一处), so the name
// after it is a kind of body or place counted (辖区5所小学, 67所乡村学校少年宫,
// 建成两处社区图书角), no one name. Measure words that are no name's part
// are stop words already (个, 批).
func counted(text string) bool {
	m, n := utf8.DecodeLastRuneInString(text)
	if m != '所' && m != '家' && m != '支' && m != '处' {
		return false
	}
	d, _ := utf8.DecodeLastRuneInString(text[:len(text)-n])
	return d >= '0' && d <= '9' || strings.ContainsRune("一二三四五六七八九十百千万两几", d)
}

// inKeepWord reports whether the stop word at text[a:b] is part of a keep
// word.
func inKeepWord(text string, a, b int) bool {
	for _, k := range keepWords {
		for off := 0; off < len(k); {
			if strings.HasPrefix(k[off:], text[a:b]) && a-off >= 0 && strings.HasPrefix(text[a-off:], k) {
				return true
			}
			_, n := utf8.DecodeRuneInString(k[off:])
			off += n
		}
	}
	return false
}

// genericNames are words before a suffix that make no name: 各小学,
// 中小学, 物业公司, 示范社区, 行政村 and 自然村 (a kind of village), 地区卫生院
// (the area office's, named without the area), 城区医院 (the town's), 民宿合作社 and 应急救援志愿队
// (a trade or a task, no name), 镇中心小学 (a town's central school, the town
// unnamed), 镇街文明实践所 (those of the towns and streets), 山区村 (the
// mountain villages).
var genericNames = strings.Fields(`
	中 大中 中小 大中小 高等 职业 民办 公办 示范 重点 特殊教育 物业 物业服务 快递 外卖 餐饮 家政 保洁
	互联网 科技 国有 民营 大型 小型 文明 和谐 绿色 智慧 美丽 老旧 试点 城市 农 乡 山 新 渔 古 新农
	美丽乡 这所 一所 该所 这家 一家 一批 一支 这支 兄弟 友好 周边 附近 结对 共建 传统 特色 生态 旅游
	无废 蔬菜 果品 农机 养殖 种植 农民专业 专业 证券 冬奥 外籍 国际 示范性 老 新建 回迁 商品房 保障房 民俗 精品 星级 先进 优秀 模范 国际化 无疫 平安 安全 健康 书香 学习型 服务型 红色 基层 城乡 农村
	老年 社会 公益 慈善 青年 巾帼 党员 学雷锋 文明实践 区级 市级 街道 社区 村级 校外 校内 爱心 邻里
	志愿 志愿者 同心 便民 医疗 义务 专业 法律 红白 宣讲 文艺 体育 教育 培训 养老 助老 为老
	行政 自然 地区 城区 民宿 应急 应急救援 小区 三甲 二甲 综合 中心 镇中心 镇街 山区`)

// genericSet holds genericNames for lookups.
var genericSet = func() map[string]bool {
	m := map[string]bool{}
	for _, g := range genericNames {
		m[g] = true
	}
	return m
}()

func genericName(own string) bool {
	own = strings.Trim(own, "“”\"")
	if genericSet[own] {
		return true
	}
	for _, g := range []string{"文明", "示范", "先进", "美丽", "特色", "和谐", "绿色", "无障碍"} {
		if strings.HasSuffix(own, g) {
			return true
		}
	}
	// Two generic words are generic too: 小区物业 (公司), 社区志愿 (服务队).
	for i := range own { // i: where each rune starts
		if i > 0 && genericSet[own[:i]] && genericSet[own[i:]] {
			return true
		}
	}
	return false
}

// communityLevels finds communities and villages named inside
// text[start:s] (not at its end): each 社区 or 村 after at least two
// characters of its own name.
func communityLevels(text string, start, s int, levels []level) []level {
	var out []level
	from := start
	for _, l := range levels {
		if l.end <= s {
			from = max(from, l.end)
		}
	}
	for i := from; i < s; {
		rest := text[i:s]
		k := strings.Index(rest, "社区")
		w := len("社区")
		if v := strings.Index(rest, "村"); v >= 0 && (k < 0 || v < k) {
			k, w = v, len("村")
		}
		if k < 0 {
			break
		}
		end := i + k + w
		prev, _ := utf8.DecodeLastRuneInString(text[:i+k])
		notAfter := suffixNotAfter(text[i+k : end])
		name := text[i : i+k]
		if n := utf8.RuneCountInString(name); n >= 2 && n <= 6 && end <= s && !genericName(name) &&
			!strings.ContainsRune(notAfter, prev) && !strings.ContainsAny(name, "局委办院所队会司部厅") {
			out = append(out, level{i, end, "community"})
		}
		i = end
	}
	return out
}

// ownBytes returns the length in bytes of the n runes before text[s].
func ownBytes(text string, s, n int) int {
	i := s
	for ; n > 0 && i > 0; n-- {
		_, w := utf8.DecodeLastRuneInString(text[:i])
		i -= w
	}
	return s - i
}

// suffixNotAfter returns the notAfter runes of the suffix text.
func suffixNotAfter(text string) string {
	for _, s := range suffixes {
		if s.text == text {
			return s.notAfter
		}
	}
	return ""
}

// ordinalRe matches a name's own part that only numbers it: 第三 (小学).
var ordinalRe = regexp.MustCompile(`^第?[一二三四五六七八九十百零〇0-9]+$`)

// ordinalRunes write an ordinal before a body every place has: 第一
// (中心小学).
const ordinalRunes = "第一二三四五六七八九十百零〇0123456789"

// genericHeads are bodies that exist in every place, named by it:
// 学院路街道新时代文明实践所, 六渡村党支部, and a town's central school or
// health centre, 十三陵镇中心小学.
var genericHeads = strings.Fields(`
	新时代文明实践中心 新时代文明实践所 新时代文明实践站 文明实践中心 文明实践所 文明实践站 实践站 实践所
	党工委 工委 党委 党支部 党总支 妇联 工会 总工会 团委 居委会 村委会 居民委员会 村民委员会 司法所
	派出所 政府 人民政府 办事处 综治中心 文化中心 文化站 社区卫生服务中心 社区卫生服务站 卫生院
	退役军人服务站 学雷锋服务站 学雷锋志愿服务站 党群服务中心 市民活动中心 红白理事会 志愿服务队 志愿者服务队 志愿服务站 文明办
	宣传部 组织部 统战部 社会工委 政法委 城管执法队 执法队 社会组织联合会 残联 团工委 纪委 综治办
	社区服务中心 创城办 市民中心 服务中心 便民服务中心 养老驿站 议事会 理事会 协会 商会
	中心小学 中心校 中心学校 中心幼儿园 中心卫生院`)

// buildOrganisation names, types and places the organisation at
// text[start:e], built on levels, its suffix suf.
func buildOrganisation(text string, start, e int, suf suffix, levels []level, ctx orgContext) Organisation {
	org := Organisation{Type: suf.typ}
	var named string // a district the name says
	var divDistricts []string
	// The innermost place that is a street, town, community or village.
	last := -1
	unit := false // a unit of a body that has units: 海淀区公安分局紫竹院派出所
	for i, l := range levels {
		switch l.kind {
		case "body", "company":
			unit = true
			if l.kind == "company" {
				// A group's institute or branch is a company too.
				org.Type = OrgCompany
			}
		case "district":
			named = fullDistrict(text[l.start:l.end])
		case "known":
			if k := orgs.known[text[l.start:l.end]]; k.typ == OrgStreet || k.typ == OrgTown || k.typ == OrgCommunity {
				last = i
				divDistricts = k.districts
			}
		case "community":
			last = i
		}
	}
	name := text[start:e]
	if last >= 0 && !unit {
		// A unit keeps its body and the place it is named by (丰台区交通
		// 支队花乡大队); other names start at their innermost place.
		p := levels[last]
		rest := text[p.end:e]
		own := text[p.start:p.end]
		if k, ok := orgs.known[own]; ok && levels[last].kind == "known" {
			own = k.name
		}
		restOwn := strings.TrimSuffix(rest, suf.text)
		switch {
		case suf.typ == OrgCompany:
			// A company's name holds its places: 北京花乡花木集团有限公司.
		case slices.Contains(genericHeads, strings.Trim(rest, "“”")), restOwn == "", ordinalRe.MatchString(restOwn),
			slices.Contains(genericHeads, strings.TrimLeft(rest, ordinalRunes)), // 长子营镇第一中心小学
			suf.anchored && !strings.Contains(rest, "“"),
			suf.typ == OrgSocial && !strings.Contains(rest, "“"):
			// The offices of a place are its bodies: 霍营街道城市管理办公室;
			// a social organisation without a quoted name of its own is
			// known by its place: 雁栖地区民宿协会, not 民宿协会.
			name = own + rest
		default:
			name = rest
		}
	} else if len(levels) > 0 && levels[0].start > start {
		// Own characters before the first level: 中国人民抗日战争纪念馆.
		name = text[start:e]
	} else if l := levels; suf.typ == OrgCommunity && !unit && len(l) > 0 && (l[len(l)-1].kind == "district" || l[len(l)-1].kind == "city") {
		// A community or village is itself the innermost place: 朝阳区
		// 劲松社区 is 劲松社区, of 朝阳区.
		name = text[l[len(l)-1].end:e]
	}
	if strings.ContainsAny(name, "“”\"") {
		// Built only for quoted names: a replacer costs more than the rest.
		name = strings.NewReplacer("“", "", "”", "", "\"", "").Replace(name)
	}
	if _, isDiv := orgs.known[name]; !isDiv || !(orgs.known[name].typ == OrgStreet || orgs.known[name].typ == OrgTown) {
		name = canonicalForm(name, ctx.district, suf.anchored || unit)
		if suf.anchored && strings.HasPrefix(name, "区") {
			// A district's body in an article of no district (纳入区委书记
			// 月度点评会 in a municipal report) is every district's, no one
			// organisation.
			return Organisation{}
		}
	}
	org.Name = name
	// Party committees: 市委, 区委, 海淀区委 and their departments.
	if suf.typ == OrgOffice && len(levels) > 0 {
		lv := levels[len(levels)-1]
		if lv.end == e-len(suf.text) && suf.text == "委" && (lv.kind == "district" || lv.kind == "city" || lv.kind == "relative") {
			org.Type = OrgParty
		}
		if rest := text[lv.end:e]; strings.HasPrefix(rest, "委") && lv.kind != "known" {
			org.Type = OrgParty
		}
	}
	if k, ok := orgs.known[org.Name]; ok {
		org.Name, org.Type = k.name, k.typ
		if len(k.districts) > 0 {
			divDistricts = k.districts
		}
	}
	switch {
	case named != "":
		org.District = named
	case len(divDistricts) > 0:
		org.District = pickDistrict(divDistricts, named, ctx)
	case strings.HasPrefix(org.Name, ctx.district) && ctx.district != "":
		org.District = ctx.district
	}
	if org.District == "" {
		for _, d := range Districts {
			if strings.HasPrefix(org.Name, d) || strings.HasPrefix(org.Name, "中共"+d) || strings.HasPrefix(org.Name, "共青团"+d) {
				org.District = d
			}
		}
	}
	return org
}

// districtCommittee reports whether name is a department of a district's
// party committee: 大兴区委网信办.
func districtCommittee(name string) bool {
	for _, d := range Districts {
		if rest, ok := strings.CutPrefix(name, d+"委"); ok && rest != "" && !strings.HasPrefix(rest, "员") {
			return true
		}
	}
	return false
}

// districtPrefix returns the full district name that s starts with, or "".
func districtPrefix(s string) string {
	for _, d := range Districts {
		if strings.HasPrefix(s, d) {
			return d
		}
	}
	return ""
}

// fullDistrict returns the full name of a district written in full or
// short form.
func fullDistrict(s string) string {
	for _, d := range Districts {
		if s == d || s == ShortDistrict(d) {
			return d
		}
	}
	return ""
}

// canonicalForm writes a name the way orgs.txt does before it is looked
// up: a district's short form in full (怀柔公安分局 → 怀柔区公安分局), a
// body named relative to the reporting district with it (区司法局 →
// 海淀区司法局, 团区委 → 共青团海淀区委), a municipal one with 北京市
// (市水务局 → 北京市水务局, 市委X → 中共北京市委X), and a district's body
// without 北京市 (北京市房山区生态环境局 → 房山区生态环境局).
func canonicalForm(name, district string, body bool) string {
	if _, ok := orgs.known[name]; ok {
		return name
	}
	if rest, ok := strings.CutPrefix(name, "北京市"); ok && body && fullDistrict(districtPrefix(rest)) != "" {
		name = rest // 北京市房山区生态环境局 is 房山区生态环境局
	}
	for _, d := range Districts {
		short := ShortDistrict(d)
		if body && strings.HasPrefix(name, short) && !strings.HasPrefix(name, d) && !strings.HasPrefix(name[len(short):], "区") {
			name = d + name[len(short):]
			break
		}
		if strings.HasPrefix(name, short+"区团区委") || strings.HasPrefix(name, d+"团区委") {
			return "共青团" + d + "委"
		}
	}
	relative := false
	switch {
	case name == "团区委" && district != "" && district != EconomicZone:
		return "共青团" + district + "委"
	case strings.HasPrefix(name, "区") && district != "" && district != EconomicZone:
		name = district + name[len("区"):]
		// 区委网信办 is the reporting district's party department, as
		// 朝阳区委网信办 written in full is (中共朝阳区委网信办).
		relative = true
	case strings.HasPrefix(name, "市委"):
		name = "中共北京" + name
	case strings.HasPrefix(name, "北京市委"):
		name = "中共" + name
	case body && districtCommittee(name):
		name = "中共" + name
	case strings.HasPrefix(name, "市"):
		name = "北京" + name
	}
	if _, ok := orgs.known[name]; !ok && relative && body && districtCommittee(name) {
		name = "中共" + name
	}
	if k, ok := orgs.known[name]; ok {
		return k.name
	}
	return name
}
