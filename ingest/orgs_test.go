package ingest

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestOrganisationsIn(t *testing.T) {
	tests := []struct {
		name, text, district string
		want                 []Organisation
	}{
		{"nested party organ", "中共北京市委宣传部召开会议。", "",
			[]Organisation{{"中共北京市委宣传部", OrgParty, ""}}},
		{"short form to canonical", "市卫健委联合市城管委开展活动。", "",
			[]Organisation{{"北京市卫生健康委员会", OrgOffice, ""}, {"北京市城市管理委员会", OrgOffice, ""}}},
		{"relative to the reporting district", "区司法局和团区委走进社区。", "石景山区",
			[]Organisation{{"石景山区司法局", OrgOffice, "石景山区"}, {"共青团石景山区委", OrgPeople, "石景山区"}}},
		{"street and community", "组织志愿者走进西潞街道苏庄三里社区。", "",
			[]Organisation{{"苏庄三里社区", OrgCommunity, "房山区"}}},
		{"practice station of a town", "宋庄镇新时代文明实践所开展活动。", "",
			[]Organisation{{"宋庄镇新时代文明实践所", OrgOffice, "通州区"}}},
		{"former town name", "回龙观镇召开会议。", "",
			[]Organisation{{"回龙观街道", OrgStreet, "昌平区"}}},
		{"division of two districts", "八里庄街道开展活动。", "海淀区",
			[]Organisation{{"八里庄街道", OrgStreet, "海淀区"}}},
		{"division of two districts, no context", "八里庄街道开展活动。", "",
			[]Organisation{{"八里庄街道", OrgStreet, ""}}},
		{"school, hospital, company", "北京协和医院、北京同仁堂股份有限公司和清华大学附属小学参加。", "",
			[]Organisation{{"北京协和医院", OrgHospital, ""}, {"北京同仁堂股份有限公司", OrgCompany, ""}, {"清华大学附属小学", OrgSchool, "海淀区"}}},
		{"media and social organisation", "海淀区融媒体中心报道了大兴区见义勇为基金会的表彰。", "",
			[]Organisation{{"海淀区融媒体中心", OrgMedia, "海淀区"}, {"大兴区见义勇为基金会", OrgSocial, "大兴区"}}},
		{"quoted team name", "在社区，“回天有我”志愿服务队每周服务。", "",
			[]Organisation{{"回天有我志愿服务队", OrgSocial, ""}}},
		{"social organisation of a town keeps it", "后沙峪地区学雷锋志愿服务队和雁栖地区民宿协会走进养老院。", "",
			[]Organisation{{"后沙峪地区学雷锋志愿服务队", OrgSocial, "顺义区"}, {"雁栖地区民宿协会", OrgSocial, "怀柔区"}}},
		{"quoted social organisation starts at its name", "燕园街道“燕园之家”社工事务所开展活动。", "",
			[]Organisation{{"燕园之家社工事务所", OrgSocial, "海淀区"}}},
		{"post names its body", "延庆区委常委出席。", "",
			[]Organisation{{"中共延庆区委", OrgParty, "延庆区"}}},
		{"generic mentions", "各社区、辖区学校和物业公司参加，走进社区，推进农村环境整治，中小学生参加。", "", []Organisation{}},
		{"no district from 朝阳门", "朝阳门街道开展活动。", "",
			[]Organisation{{"朝阳门街道", OrgStreet, "东城区"}}},
		{"titles of works name none", "演出了《北京日报社的故事》和《学院路小学》。", "", []Organisation{}},
		{"road is no school", "学院路街道位于学院路。", "",
			[]Organisation{{"学院路街道", OrgStreet, "海淀区"}}},
		{"a district body with and without 北京市", "北京市房山区生态环境局联合社区，区生态环境局表示。", "房山区",
			[]Organisation{{"房山区生态环境局", OrgOffice, "房山区"}}},
		{"short name of a street", "西城区广内街道开展活动。", "",
			[]Organisation{{"广安门内街道", OrgStreet, "西城区"}}},
		{"each once, first mention first", "首都文明办、首都精神文明办和首都文明委。", "",
			[]Organisation{{"首都文明办", OrgOffice, ""}, {"首都文明委", OrgOffice, ""}}},
		{"a verb before a village ends the name", "镇里推荐涧沟村参评，清理村内垃圾。", "",
			[]Organisation{{"涧沟村", OrgCommunity, ""}}},
		{"a place after a verb is no name", "考核结果纳入社区评比，申报学校须自查，家庭可获得社区积分，发现问题及时上报社区。", "", []Organisation{}},
		{"checks and selections of places", "检查组抽查社区台账，专家组考核社区工作，干部摸排村内隐患，街道改造社区车棚，评出社区好人，居民自觉维护社区环境，活动吸引社区居民参加。", "", []Organisation{}},
		{"an area a street is named after is no village", "中关村的企业和崔村镇崔村的村民参加。", "",
			[]Organisation{{"崔村", OrgCommunity, "昌平区"}}},
		{"a community after its district", "北京市朝阳区劲松社区和延庆区石峡村结对。", "",
			[]Organisation{{"劲松社区", OrgCommunity, "朝阳区"}, {"石峡村", OrgCommunity, "延庆区"}}},
		{"titles of villages and communities", "该村获评首都卫生村、国家级生态村，社区获评北京市绿色社区。", "", []Organisation{}},
		{"将军 in a village name", "大华山镇将军庙村成立议事会。", "",
			[]Organisation{{"将军庙村", OrgCommunity, "平谷区"}}},
		{"a town's central school keeps its town", "怀北镇中心小学和长子营镇第一中心小学结对。", "",
			[]Organisation{{"怀北镇中心小学", OrgSchool, "怀柔区"}, {"长子营镇第一中心小学", OrgSchool, "大兴区"}}},
		{"a rural school's programme is no body", "北房镇中心小学的乡村少年宫开放。", "",
			[]Organisation{{"北房镇中心小学", OrgSchool, "怀柔区"}}},
		{"kinds of villages, teams and cooperatives", "全镇12个行政村和3个自然村组建应急救援志愿队，村里成立民宿合作社，地区卫生院参加。", "", []Organisation{}},
		{"a town's cooperatives are a kind", "北房镇合作社开展直播，延庆区绿富隆合作社参加。", "",
			[]Organisation{{"北房镇", OrgTown, "怀柔区"}, {"延庆区绿富隆合作社", OrgSocial, "延庆区"}}},
		{"a volunteers' post is a place", "宋庄镇学雷锋志愿服务站和城市志愿服务站开始值守。", "",
			[]Organisation{{"宋庄镇", OrgTown, "通州区"}}},
		{"a village banquet and a doctor's round", "推广“简约村宴”，医生走村入户。", "", []Organisation{}},
		{"a one-character village after its town or in a list", "韩村河镇东村、窦店村、芦村参加，山村和进村不算。", "",
			[]Organisation{{"东村", OrgCommunity, "房山区"}, {"窦店村", OrgCommunity, ""}, {"芦村", OrgCommunity, ""}}},
		{"a quoted team name", "妇女们组成“巾帼护绿队”，开展“文明排队”活动，“排好队”，组建护绿队。", "",
			[]Organisation{{"巾帼护绿队", OrgSocial, ""}}},
		{"a relative party department", "中共朝阳区委网信办召开会议，区委网信办表示。", "朝阳区",
			[]Organisation{{"中共朝阳区委网信办", OrgParty, "朝阳区"}}},
		{"a count names a kind of body", "辖区5所小学、两支青年志愿服务队和67所乡村学校少年宫参加。", "", []Organisation{}},
		{"a school and the verb 会", "怀北镇中心小学会继续开放。", "",
			[]Organisation{{"怀北镇中心小学", OrgSchool, "怀柔区"}}},
		{"a unit of a body with units", "西城公安分局德胜门派出所、丰台区交通支队花乡大队和北京燃气集团东城分公司参加，海淀区公安分局和紫竹院派出所也来了。", "",
			[]Organisation{{"西城区公安分局德胜门派出所", OrgOffice, "西城区"}, {"丰台区交通支队花乡大队", OrgOffice, "丰台区"},
				{"北京燃气集团东城分公司", OrgCompany, "东城区"}, {"海淀区公安分局", OrgOffice, "海淀区"}, {"紫竹院派出所", OrgOffice, ""}}},
		{"a community after a police station", "紫竹院派出所博雅社区民警走访。", "",
			[]Organisation{{"紫竹院派出所", OrgOffice, ""}, {"博雅社区", OrgCommunity, ""}}},
		{"a group's institute is a company", "中国航天科工集团第二研究院开放实验室。", "",
			[]Organisation{{"中国航天科工集团第二研究院", OrgCompany, ""}}},
		{"the League's committee of a street", "八角街道团工委组织青年，妇女学会了剪纸，老人到城区医院体检，小区物业公司清理楼道，区少工委参加。", "石景山区",
			[]Organisation{{"八角街道团工委", OrgPeople, "石景山区"}, {"石景山区少工委", OrgPeople, "石景山区"}}},
		{"companies of an enumeration that says what they are", "组织京客隆、美廉美和超市发等企业签订承诺，在全聚德等老字号推广公筷。", "",
			[]Organisation{{"京客隆", OrgCompany, ""}, {"美廉美", OrgCompany, ""}, {"超市发", OrgCompany, ""}, {"全聚德", OrgCompany, ""}}},
		{"trades and kinds of shop are no companies", "辖区餐饮、零售等企业和快递物流、连锁便利店等企业参加，新发地等批发市场也来了，中关村、酒仙桥等企业集聚区。", "", []Organisation{}},
		{"a company's name with 服务", "北京京铁列车服务有限公司参加。", "",
			[]Organisation{{"北京京铁列车服务有限公司", OrgCompany, ""}}},
		{"the city's civilisation office by its short name", "市文明办会同北京市文明委召开会议，组织镇域内学校、辖内社区和区内三甲医院参加。", "",
			[]Organisation{{"首都文明办", OrgOffice, ""}, {"首都文明委", OrgOffice, ""}}},
		{"a relative body without a district names none", "结果纳入区委书记点评会。", "", []Organisation{}},
		{"a verb before a community is no part of its name", "目前已完成云景里社区等小区的改造，党员和志愿者坚守社区防疫一线，在职党员编入社区防控小组。", "",
			[]Organisation{{"云景里社区", OrgCommunity, ""}}},
		{"a verb inside the own part ends it", "测评组走进课堂，查看学校的德育工作，邀请专家解读文明实践中心的规范。", "", []Organisation{}},
		{"a verb that starts a place's name is the place's", "走访安定门外社区，在展览路社区开展活动。", "",
			[]Organisation{{"安定门外社区", OrgCommunity, ""}, {"展览路社区", OrgCommunity, ""}}},
		{"a street's name is a place's whatever its words", "在北下关社区和迎风社区开展活动。", "",
			[]Organisation{{"北下关社区", OrgCommunity, ""}, {"迎风社区", OrgCommunity, ""}}},
		{"a name that no verb starts keeps its place", "甘家口街道增光社区和石园南区社区参加，“银发互助队”也来了。", "",
			[]Organisation{{"增光社区", OrgCommunity, "海淀区"}, {"石园南区社区", OrgCommunity, ""}, {"银发互助队", OrgSocial, ""}}},
		{"places counted, roads, village doctors and mountain villages", "建成两处社区图书角，在西黄村路设点，巴园子村村医入选，走进山区村，在所辖村建立理事会。", "",
			[]Organisation{{"巴园子村", OrgCommunity, ""}}},
		{"generic towns' bodies", "部分镇街文明实践所所长参加，镇中心小学的学生演出。", "", []Organisation{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := organisationsIn(tt.text, orgContext{district: tt.district})
			if !slices.Equal(got, tt.want) {
				t.Errorf("organisationsIn(%q) =\n %v, want\n %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestRecognise(t *testing.T) {
	a := Article{Headline: "学院路街道开展活动", Body: "区妇联和学院路街道城市学院社区参加。", SourceOrg: "学院路街道"}
	a.Recognise()
	if a.District != "海淀区" {
		t.Errorf("district %q: a street's attribution places the article in its district", a.District)
	}
	want := []string{"学院路街道", "海淀区妇联", "城市学院社区"}
	if !slices.Equal(a.Organisations, want) || len(a.OrgDetails) != len(want) {
		t.Errorf("organisations %q (%v), want %q", a.Organisations, a.OrgDetails, want)
	}
	b := Article{Body: "没有机构。"}
	b.Recognise()
	if b.OrgDetails != nil || b.Organisations == nil {
		t.Errorf("no organisations: details %v (want nil), names %v (want empty)", b.OrgDetails, b.Organisations)
	}
}

func TestOrgData(t *testing.T) {
	for _, tt := range []struct{ orgs, divs, err string }{
		{"甲 | 学校 | 乙 | 海淀区\n", "海淀区 甲街道\n", ""},
		{"甲 | 学堂\n", "", "unknown type"},
		{"甲\n", "", "want name | type"},
		{"", "海淀 甲街道\n", "not a district"},
	} {
		_, err := parseOrgData(tt.orgs, tt.divs)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("parseOrgData(%q, %q) error %v, want %q", tt.orgs, tt.divs, err, tt.err)
		}
	}
	if got := DivisionDistricts("八里庄街道"); !slices.Equal(got, []string{"朝阳区", "海淀区"}) {
		t.Errorf("八里庄街道 in %v", got)
	}
	if got := DivisionDistricts("清华大学"); got != nil {
		t.Errorf("清华大学 is no division: %v", got)
	}
	if o, ok := KnownOrganisation("市委宣传部"); !ok || o.Name != "中共北京市委宣传部" || o.Type != OrgParty {
		t.Errorf("市委宣传部: %v %v", o, ok)
	}
	if c, ok := CanonicalOrganisation("团市委"); !ok || c != "共青团北京市委员会" {
		t.Errorf("团市委 → %q %v", c, ok)
	}
	// Every district has its streets and towns, each of one type.
	for _, d := range Districts {
		n := 0
		for name, k := range orgs.known {
			if slices.Contains(k.districts, d) && (k.typ == OrgStreet || k.typ == OrgTown) && name == k.name {
				n++
			}
		}
		if n < 3 {
			t.Errorf("%s has %d streets and towns in divisions.txt", d, n)
		}
	}
}

// FuzzOrganisations checks the recogniser on any text: no panic, and every
// organisation has a name found in the text or canonical, a known type and
// a district of Beijing or none.
func FuzzOrganisations(f *testing.F) {
	for _, s := range []string{"中共北京市委宣传部", "区司法局联合西潞街道苏庄三里社区", "“回天有我”志愿服务队", "《北京日报》", "市", "区委", "村",
		"窦店村、芦村", "“巾帼护绿队”", "长子营镇第一中心小学", "“队”"} {
		f.Add(s, "海淀区")
	}
	f.Fuzz(func(t *testing.T, text, district string) {
		if !utf8.ValidString(text) {
			return
		}
		for _, o := range organisationsIn(text, orgContext{district: district}) {
			if o.Name == "" || !slices.Contains(OrgTypes, o.Type) {
				t.Fatalf("%q: organisation %+v", text, o)
			}
			if o.District != "" && !slices.Contains(Districts, o.District) && o.District != district {
				t.Fatalf("%q: district %q", text, o.District)
			}
		}
	})
}
