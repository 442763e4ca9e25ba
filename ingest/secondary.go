package ingest

import (
	"slices"
	"strings"
)

// Secondary mentions. An article reports one main activity, which its
// headline names, and often mentions other themes' words in passing: as
// the outcome of the activity (食堂日均厨余垃圾减少约三成 after a 光盘行动),
// a quality of the people chosen (这些家庭中有坚持垃圾分类多年的), a point an
// inspection or a test checks (志愿服务站点的测评要点), a rule explained
// (讲解…防疫要求), the content of an exhibition
// (展出…冬奥服务、疫情防控…的照片), a deed of a person presented (好人讲述了
// 带领居民清扫楼道的经历), the people proposed for a selection (推荐村民、巡护
// 员和志愿者) or a problem raised (楼道堆物、垃圾桶站设置等问题). By the
// judged conventions a theme is tagged when the article reports work of it,
// not when its words are mentioned.
//
// Such a mention is told apart by two things together: the theme is not
// the article's main activity — the headline tells another theme of the
// article and not this one — and its evidence is weak: it fires in one
// sentence of the body only, and every phrase or pair that fires there
// stands in one of the roles above. A theme told in the headline, told in
// two sentences, or told once in a sentence of its own work (志愿者为老人
// 量血压) is kept, so the roles, which would cost true tags if they applied
// to every theme word, only decide where the article gives the theme no
// other support.

// Roles of a theme's phrase in its sentence that make it a secondary
// mention; secondaryRole names them.
const (
	roleDeed    = "a deed of a person presented"
	roleExhibit = "the content of an exhibition"
	roleOutcome = "an outcome"
	roleQuality = "a quality of people chosen"
	rolePoint   = "a point checked or a rule explained"
	roleChosen  = "people proposed or appraised"
	roleProblem = "a problem raised"
)

// tellVerbs open what a person tells of their own past (讲述了…的经历).
var tellVerbs = []string{"讲述", "介绍", "分享"}

// deedEnds close it: the experience or the deeds told.
var deedEnds = []string{"的经历", "的亲身经历", "的事迹"}

// exhibitVerbs open the content of an exhibition (展出…的照片150幅).
var exhibitVerbs = []string{"展出", "陈列"}

// outcomeVerbs tell a figure that changed as the result of an activity
// (日均厨余垃圾减少约三成).
var outcomeVerbs = []string{"减少", "下降", "降低"}

// doVerbs, before the phrase in its clause, tell what was done, whose
// outcome follows (开展垃圾分类后垃圾量减少三成: the sorting is reported).
var doVerbs = []string{"开展", "推行", "实行", "实施", "通过", "坚持", "落实", "推进"}

// qualityMarkers open the qualities of the people or families chosen
// (这些家庭中有三代同堂和睦相处的，有坚持垃圾分类多年的), to the sentence's
// end; not every 中有 does (活动中有20名志愿者为居民义诊 tells who served).
var qualityMarkers = []string{"家庭中有", "户中有", "人中有", "者中有", "单位中有", "集体中有"}

// chosenEnds, after the phrase in its clause, close the people chosen,
// described by what they did (一位坚持为社区居民义务讲授急救知识的医学教授、
// 一名在暴雨中转移被困群众的社区民警等6人入选): their deeds are who they
// are, as after qualityMarkers.
var chosenEnds = []string{"入选", "当选", "上榜"}

// pointHeads are the points a test or an inspection checks, which a phrase
// before them in the clause names (志愿服务站点的测评要点): a criterion, not
// work done. Points or harms explained in general (讲解垃圾分类要点; 讲解网络
// 谣言的危害) are not here: to explain a theme's points is most often that
// theme's publicity.
var pointHeads = []string{"测评要点", "检查要点", "考核要点", "评分要点", "验收要点"}

// explainVerbs explain or learn the rules that a phrase right before 要求
// names where that rule is an item of a list (讲解冰雪项目的观赛礼仪、防疫要求和
// 赛场禁止携带物品: a rule of the event among others). A rule explained alone
// (讲解垃圾分类要求) is the theme's publicity, and without such a verb the
// requirements are work: values' requirements written into a village's rules
// (把核心价值观要求融入村规民约) are the values' work.
var explainVerbs = []string{"讲解", "解读", "介绍", "掌握", "学习", "了解"}

// chooseVerbs open the people proposed or appraised for a selection
// (推选; 组织评议身边的好媳妇、好婆婆): who they are is what they are chosen
// for, not work the article reports. 推荐 does too, in a sentence of a
// selection only (selectWords: 推荐在保水护水中作出贡献的村民、巡护员和志愿者，
// 经评审后将评出20名): books recommended to young readers (推荐适合青少年的书
// 目) are reading for them.
var chooseVerbs = []string{"评议", "推选"}

// selectWords tell a selection.
var selectWords = []string{"评选", "评出", "评审", "候选", "推选", "选树"}

// problemsMarker closes a list of the problems residents raise or an
// inspection finds (围绕小区停车难、楼道堆物、垃圾桶站设置等问题提出意见).
const problemsMarker = "等问题"

// secondary returns, by theme index, the themes of matched (the indices of
// the themes whose rules match) that are secondary mentions, each with a
// reason saying why it is dropped. It returns nil when the text has no
// headline or the headline tells none of the matched themes.
func (t *Taxonomy) secondary(o *occurrences, matched []int) map[int]Reason {
	if len(matched) < 2 {
		return nil
	}
	out := t.peopleOnly(o, matched)
	for i, r := range t.headlineSecondary(o, matched) {
		if _, ok := out[i]; !ok {
			if out == nil {
				out = map[int]Reason{}
			}
			out[i] = r
		}
	}
	return out
}

// rolePeople names the people of another theme's work.
const rolePeople = "the people of another theme's work"

// peopleOnly returns, by theme index, the themes of matched whose every
// spot is one of their people phrases (Theme.People), where another theme
// of matched has a spot that is not: pupils on duty at the bins (鲁谷街道
// 小学生当起“桶站小监督员”), families at a festival's workshop (中秋亲子活动),
// the daughters-in-law a town honours (表彰“好婆婆”“好媳妇”). By the judged
// convention "the aim, not the people" the article reports the other
// theme's work; the group's theme needs a word of its own work (家长课堂,
// 家风, 德育, a near rule: 为孩子辅导作业) or to be the article's only theme.
func (t *Taxonomy) peopleOnly(o *occurrences, matched []int) map[int]Reason {
	if !slices.ContainsFunc(matched, func(i int) bool { return len(t.Themes[i].People) > 0 }) {
		return nil // most texts: no theme of theirs has people phrases
	}
	only := make([]bool, len(matched))
	firsts := make([]spot, len(matched))
	any := false
	for k, i := range matched {
		th := &t.Themes[i]
		if len(th.People) == 0 {
			continue
		}
		var first spot
		only[k] = true
		o.eachSpot(th, len(o.text), func(sp spot) bool {
			if !slices.Contains(th.People, sp.phrase) {
				only[k] = false
				return false
			}
			if first.phrase == "" || sp.at[0] < first.at[0] {
				first = sp
			}
			return true
		})
		firsts[k] = first
		any = any || only[k]
	}
	if !any || !slices.Contains(only, false) {
		return nil
	}
	var out map[int]Reason
	for k, i := range matched {
		if !only[k] || firsts[k].phrase == "" {
			continue
		}
		if out == nil {
			out = map[int]Reason{}
		}
		out[i] = Reason{Theme: t.Themes[i].Name, Rule: "secondary", Phrase: firsts[k].phrase,
			Context: rolePeople + ": " + o.spanContext(firsts[k].at, 12)}
	}
	return out
}

// headlineSecondary returns the themes of matched that are secondary
// mentions by their role (see the roles above) where the headline tells
// another theme.
func (t *Taxonomy) headlineSecondary(o *occurrences, matched []int) map[int]Reason {
	if o.head == 0 {
		return nil
	}
	// The headline is short: whether it tells a theme is cheap to learn,
	// and most texts stop here.
	inHead := make([]bool, len(matched))
	anchored := false
	for k, i := range matched {
		o.eachSpot(&t.Themes[i], o.head, func(spot) bool {
			inHead[k] = true
			return false
		})
		anchored = anchored || inHead[k]
	}
	if !anchored {
		return nil
	}
	var out map[int]Reason
	for k, i := range matched {
		if inHead[k] {
			continue
		}
		// Every spot must stand in one sentence and in a role; the first
		// that does not ends the search.
		var first spot
		role, sent, n := "", -1, 0
		o.eachSpot(&t.Themes[i], len(o.text), func(sp spot) bool {
			s := o.sentence(sp.at[0])
			r := o.secondaryRole(sp.at)
			if r == "" || n > 0 && s != sent {
				role = ""
				return false
			}
			if n == 0 {
				first, role, sent = sp, r, s
			}
			n++
			return true
		})
		if role == "" {
			continue
		}
		if out == nil {
			out = map[int]Reason{}
		}
		out[i] = Reason{Theme: t.Themes[i].Name, Rule: "secondary", Phrase: first.phrase, Count: n,
			Context: role + ": " + o.spanContext(first.at, 12)}
	}
	return out
}

// spot is where a rule of a theme fires: a phrase that counts, or the
// span from the first to the last phrase of a near rule's pair.
type spot struct {
	at     [2]int
	phrase string
}

// eachSpot calls fn, in no particular order, for every occurrence of th's
// any, strong and all phrases that counts for th and every pair of its
// near rules that holds, whose start is before limit, until fn returns
// false.
func (o *occurrences) eachSpot(th *Theme, limit int, fn func(spot) bool) {
	valid := o.validFor(th).of
	for _, list := range [][]string{th.Any, th.Strong, th.All} {
		for _, p := range list {
			if len(o.at[p]) == 0 || o.at[p][0] >= limit {
				continue
			}
			for _, i := range valid(p) {
				if i < limit && !fn(spot{[2]int{i, i + len(p)}, p}) {
					return
				}
			}
		}
	}
	for _, n := range th.Near {
		for _, a := range n.A {
			if len(o.at[a]) == 0 {
				continue
			}
			for _, b := range n.B {
				if len(o.at[b]) == 0 || min(o.at[a][0], o.at[b][0]) >= limit {
					continue
				}
				for _, i := range valid(a) {
					for _, j := range valid(b) {
						if i < j+len(b) && j < i+len(a) || n.Ordered && j < i || min(i, j) >= limit ||
							n.Within > 0 && gap(o.text, i, i+len(a), j, j+len(b)) > n.Within ||
							o.sentence(i) != o.sentence(j) {
							continue
						}
						if !fn(spot{[2]int{min(i, j), max(i+len(a), j+len(b))}, a + "…" + b}) {
							return
						}
					}
				}
			}
		}
	}
}

// secondaryRole returns the role that makes the span at of the text a
// secondary mention (see the roles above), or "" when it has none.
func (o *occurrences) secondaryRole(at [2]int) string {
	text := o.text
	i, end := at[0], at[1]
	s := o.sentence(i)
	lo, hi := 0, len(text)
	if s > 0 {
		lo = o.stops[s-1]
	}
	if s < len(o.stops) {
		hi = o.stops[s]
	}
	cl, ch := lo, hi // the clause
	if k := strings.LastIndexFunc(text[lo:i], clauseEnd); k >= 0 {
		cl = lo + k
	}
	if k := strings.IndexFunc(text[end:hi], clauseEnd); k >= 0 {
		ch = end + k
	}
	before, after := text[cl:i], text[end:ch]
	// A deed: a telling verb before, in the clause, and the experience
	// told after (讲述了照顾孤寡老人、带领居民清扫楼道的经历).
	if containsAny(before, tellVerbs) && containsAny(after, deedEnds) {
		return roleDeed
	}
	if containsAny(before, exhibitVerbs) {
		return roleExhibit
	}
	if containsAny(after, outcomeVerbs) && !containsAny(before, doVerbs) {
		return roleOutcome
	}
	if containsAny(text[lo:i], qualityMarkers) || containsAny(after, chosenEnds) {
		return roleQuality
	}
	if containsAny(after, pointHeads) ||
		containsAny(before, explainVerbs) && strings.HasPrefix(text[end:], "要求") && enumerated(text[lo:hi], i-lo, end-lo) {
		return rolePoint
	}
	if containsAny(before, chooseVerbs) || strings.Contains(before, "推荐") && containsAny(text[lo:hi], selectWords) {
		return roleChosen
	}
	if strings.Contains(after, problemsMarker) {
		return roleProblem
	}
	return ""
}

// containsAny reports whether s contains one of the words.
func containsAny(s string, words []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(s, w) })
}

// spanContext returns the span at of the text with up to n characters
// either side, the span marked with 【】.
func (o *occurrences) spanContext(at [2]int, n int) string {
	before := []rune(o.text[:at[0]])
	after := []rune(o.text[at[1]:])
	before = before[max(0, len(before)-n):]
	after = after[:min(len(after), n)]
	return strings.ReplaceAll(string(before)+"【"+o.text[at[0]:at[1]]+"】"+string(after), "\n", " ")
}
