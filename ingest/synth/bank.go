package synth

// The word banks the generator draws from. Templates are written with
// half-width , ( ) : ; which a file using full-width punctuation turns into
// ，（）：；. Other punctuation (。、“”《》) is always full-width, and no
// template holds a sentence stop (。！？) except at its end, so the first
// sentence of a paragraph is exactly its first template.
//
// Slots, replaced when a template is rendered:
//
//	{D}   the article's district, full form (海淀区)
//	{D2}  another district, full form
//	{d}   the article's district, short form (海淀), followed by a word
//	{DO}  a body of the article's district from the gazetteer (海淀区文明办)
//	{S}   a street or town of the article's district from the gazetteer,
//	      sometimes after its district (海淀区永定路街道); {DS} always after it
//	{O}   a municipal body from the gazetteer; {O:name} a given one
//	{U}   a university from the gazetteer
//	{F}   a traditional festival
//	{N}   a number; {Y} the bulletin's year, {Y2} two years later;
//	      {M} a month, {DD} a day of the month

// sectionNames are the 【…】 headings of normal sections.
var sectionNames = []string{
	"文明创建", "工作交流", "工作动态", "志愿服务", "新时代文明实践", "典型选树",
	"文明风尚", "经验交流", "基层实践", "理论宣讲", "未成年人思想道德建设",
	"文明交通", "垃圾分类", "精神文明建设",
}

// briefSection holds short items, each with its own attribution.
const briefSection = "简讯"

// titles are bulletin titles other than the usual one.
var titles = []string{"朝阳区精神文明建设简报", "首都文明委工作简报", "首都精神文明建设工作简报", "精神文明建设简报"}

const usualTitle = "首都精神文明建设情况简报"

var issuers = []string{"首都文明委办公室", "首都精神文明建设委员会办公室"}

const usualIssuer = "首都精神文明办"

// namedSpecials are the named special issues (专刊); "%s" is a festival.
var namedSpecials = []string{"“我们的节日·%s”专刊", "学雷锋志愿服务专刊", "文明城区创建专刊", "垃圾分类专刊", "志愿服务专刊"}

var festivals = []string{"春节", "元宵", "清明", "端午", "七夕", "中秋", "重阳"}

// districtStreets are streets and towns of each district named in the
// gazetteer. A town named after its district (怀柔镇) mentions the district.
var districtStreets = map[string][]string{
	"东城区":  {"东华门街道", "景山街道", "前门街道", "永定门外街道"},
	"西城区":  {"金融街街道", "什刹海街道", "天桥街道", "新街口街道"},
	"朝阳区":  {"建外街道", "朝外街道", "三里屯街道", "望京街道", "八里庄街道"},
	"海淀区":  {"永定路街道", "羊坊店街道", "学院路街道", "中关村街道", "万寿路街道"},
	"丰台区":  {"卢沟桥街道"},
	"石景山区": {"八角街道", "古城街道"},
	"门头沟区": {"潭柘寺镇", "永定镇"},
	"房山区":  {"良乡镇", "长阳镇", "十渡镇"},
	"通州区":  {"梨园镇", "宋庄镇", "张家湾镇"},
	"顺义区":  {"仁和镇", "后沙峪镇"},
	"昌平区":  {"回龙观镇", "天通苑北街道"},
	"大兴区":  {"旧宫镇", "亦庄镇"},
	"怀柔区":  {"怀柔镇", "雁栖镇"},
	"平谷区":  {"平谷镇", "金海湖镇"},
	"密云区":  {"密云镇", "溪翁庄镇", "古北口镇"},
	"延庆区":  {"延庆镇", "八达岭镇"},
}

// districtOrgSuffixes make gazetteer names with a district: 海淀区 + 文明办.
var districtOrgSuffixes = []string{
	"文明办", "文明办", "文明委", "委宣传部", "委社会工委", "妇联", "教委", "民政局", "团委",
	"志愿者联合会", "新时代文明实践中心", "融媒体中心", "城管委", "卫生健康委",
}

// municipalOrgs are gazetteer names of municipal bodies (no district in them).
var municipalOrgs = []string{
	"首都文明委", "首都文明办", "首都精神文明办", "中央文明办", "市委宣传部", "市委社会工委",
	"市民政局", "市教委", "市妇联", "团市委", "市志愿服务联合会", "北京志愿服务发展研究会",
	"天安门地区管委会", "北京市重点站区管委会", "市城市管理委", "市生态环境局",
	"北京市新时代文明实践中心", "北京广播电视台", "北京日报社", "市卫生健康委",
	"市文化和旅游局", "市交通委", "市总工会", "市残联", "市科协", "市商务局",
}

var universities = []string{
	"清华大学", "北京大学", "中国人民大学", "北京师范大学", "北京航空航天大学", "北京理工大学",
	"中国农业大学", "北京交通大学", "首都师范大学", "首都医科大学", "北京工业大学", "北京联合大学",
}

// municipalAttributions close articles of municipal bodies: no district.
var municipalAttributions = []string{
	"精神文明创建活动指导处", "志愿服务工作处", "首都文明办宣传教育处", "首都文明办调研处",
	"天安门地区管委会", "北京市重点站区管委会", "市委社会工委", "市志愿服务联合会",
	"市教委", "团市委", "市民政局", "未成年人思想道德建设处",
}

// zoneAttributions close articles of the economic-technological zone.
var zoneAttributions = []string{"北京经济技术开发区文明办", "经开区文明办", "亦庄新城文明办"}

// leads open an article: the first sentence, which becomes its headline
// when it has no title line.
var leads = []string{
	"{D}召开{Y}年精神文明建设工作会议,总结去年工作,部署今年重点任务。",
	"近日,{DO}组织开展“我们的节日·{F}”主题活动。",
	"{DS}建立以服务换服务的双向供给机制,将新时代文明实践工作做实做活。",
	"{S}创新推出志愿服务积分兑换机制,激发居民参与社区治理的热情。",
	"为深入推进文明城区创建工作,{DO}聚焦群众急难愁盼问题,开展专项整治行动。",
	"{O}联合{U}举办志愿服务骨干培训班。",
	"{Y}年以来,{D}坚持以社会主义核心价值观为引领,扎实推进新时代文明实践中心建设。",
	"{D}依托新时代文明实践中心组织全区巾帼志愿服务队开展丰富多彩的实践活动。",
	"近日,{O}召开全市精神文明建设工作推进会。",
	"{U}志愿者走进{DS},开展“文明实践进社区”志愿服务活动。",
	"{D}以垃圾分类为切入点,推动居民文明习惯养成。",
	"{DO}深入开展“文明交通你我同行”主题宣传活动。",
	"{D}持续深化“光盘行动”,倡导文明餐桌新风尚。",
	"{Y}年{M}月{DD}日,{O}在{D}举办“北京榜样”发布活动。",
	"{S}充分发挥党建引领作用,打造“红色管家”志愿服务品牌。",
	"{D}开展“文明家庭”“最美家庭”评选表彰活动。",
	"{O}印发《关于深化新时代文明实践中心建设的实施意见》。",
	"{DO}组织开展“学雷锋志愿服务月”系列活动。",
	"{D}把未成年人思想道德建设作为文明创建的重要内容,推动校内外协同育人。",
	"日前,{DS}举办邻里节活动,促进邻里和睦。",
	"{d}街坊志愿服务队在社区治理中发挥了重要作用。",
	"近日,{O:天安门地区文明委}召开了{Y}年精神文明建设工作会议。",
	"近日,重点站区召开{Y}年精神文明建设暨环境整治提升动员部署大会。",
	"{D}推出“文明实践云平台”,实现志愿服务供需精准对接。",
	"如何让文明实践更接地气？{D}给出了自己的答案。",
	"我市举办文明城区创建工作第{N}期培训班。",
	"{DO}联合辖区单位开展“文明餐桌”主题宣传活动,倡导节约用餐。",
	"{D}召开文明城区创建工作推进会,对下一阶段重点工作进行部署。",
	"“家门口的文明实践站,让我们的日子更有滋味。”{D}一位老党员这样说。",
	"{d}街坊们常说:“有事找志愿者,准没错！”",
	"垃圾分类,{D}在行动！",
}

// sentences continue a paragraph.
var sentences = []string{
	"活动共吸引{N}余名居民参与,发放宣传资料{N}余份。",
	"累计招募志愿者{N}余人,开展志愿服务{N}余场次。",
	"聚焦地区工作实际和居民需求,提供精准化服务,提高志愿服务工作的针对性、实效性。",
	"各新时代文明实践所站联合司法所、平安办等单位,开展普法宣传活动{N}场。",
	"定期开展调研指导,根据各区在文明创建中的重点难点问题,会同相关成员单位深入一线,面对面解决问题。",
	"通过“线上+线下”相结合的方式,让文明实践活动覆盖更多群众。",
	"下一步,{D}将继续深化文明城区创建,推动形成崇德向善的良好社会风尚。",
	"{O}有关负责同志出席活动并讲话。",
	"会议强调,要坚持以人民为中心,把群众满意作为检验创建成效的根本标准。",
	"会议通报表彰了{Y}年度精神文明建设先进单位和先进个人。",
	"与会人员围绕深化文明实践、加强基层治理等议题进行了深入交流。",
	"活动现场,{d}街坊志愿者热情服务,赢得群众广泛好评。",
	"此次活动得到了{D2}的大力支持。",
	"十六区同步开展系列宣传活动,营造了浓厚氛围。",
	"全市各区积极响应,形成了比学赶超的良好局面。",
	"朝阳门街道的志愿者也参与其中,为居民提供义诊、理发等便民服务。",
	"目前,已有{N}个社区完成垃圾分类示范片区创建。",
	"截至{M}月底,全区共建成新时代文明实践站{N}个。",
	"居民纷纷表示:“这样的活动办到了大家的心坎上。”",
	"志愿者王阿姨说:“能为邻居们做点事,我心里特别踏实。”",
	"一是强化组织领导;二是完善工作机制;三是加强督导检查。",
	"在{S},志愿者每日上岗,引导居民文明停车、垃圾分类。",
	"{U}的师生志愿者带来了精彩的文艺演出。",
	"下一步,将持续深化“光盘行动”,让节约用餐成为自觉。",
	"按照《关于深化文明城区创建的三年行动计划({Y}—{Y2}年)》部署,各项工作有序推进。",
	"活动还设置了垃圾分类知识问答、亲子手工制作等互动环节。",
	"通过红色引领力激发志愿服务源动力,壮大志愿服务队伍。",
	"{DO}相关负责同志表示,将以此次活动为契机,进一步擦亮文明底色。",
	"经过{N}余天的集中整治,背街小巷环境面貌焕然一新。",
	"此外,{D}还与{D2}建立了结对帮扶机制,共享志愿服务资源。",
	"全区{N}支志愿服务队伍、{N}余名志愿者参与其中。",
	"活动持续至{M}月{DD}日。",
	"{O}对此次活动给予了充分肯定。",
	"北京经济技术开发区同步开展了“文明出行”宣传活动。",
	"亦庄地区的企业职工也纷纷加入志愿者队伍。",
	"以庆祝建党百年为契机,以红色党建活动为抓手,引导更多社会组织融入基层治理。",
	"针对老旧小区停车难问题,社区召开议事会,广泛听取居民意见;经过多轮协商,形成了停车自治公约。",
	"各区文明办结合实际,制定了具体实施方案。",
	"{DO}还组织了“小手拉大手”文明实践活动,引导青少年争做文明使者。",
	"活动中,{N}名道德模范、身边好人代表讲述了自己的感人故事。",
	"同时,{D}将文明创建与城市更新相结合,推动老旧小区综合整治。",
	"据统计,{Y}年全市共评选出“首都最美家庭”{N}户。",
	"文明新风吹遍京城大地！",
	"你知道垃圾应该怎么分类吗？",
	"参加培训的同志纷纷表示,将把所学所得运用到实际工作中。",
	"{O}与{D}签订了共建协议,双方将在志愿服务、文明实践等方面深化合作。",
	"疫情期间,{S}志愿者坚守岗位,为居民代购生活物资{N}余次。",
}

// briefs are short items of the 简讯 section: one paragraph each.
var briefs = []string{
	"近日,{DO}组织志愿者开展清洁家园活动,清理卫生死角{N}处。",
	"{DS}举办“邻里守望”主题活动,{N}余名居民参加。",
	"{O}召开专题会议,研究部署下一阶段重点工作。",
	"{U}组织{N}名大学生志愿者赴{D}开展支教活动。",
	"{D}开展文明养犬宣传进社区活动,发放倡议书{N}余份。",
	"日前,{DO}举办道德讲堂活动,{N}余名干部群众参加。",
	"{S}开展“文明楼门”评比活动,评选出文明楼门{N}个。",
	"{D}举办“{F}”民俗文化展,展出民俗作品{N}余件。",
	"{O}组织开展文明旅游宣传活动,引导游客文明出行。",
	"近日,{D}召开志愿服务工作推进会,部署志愿服务重点任务。",
}

// briefTails are the optional second sentences of brief items.
var briefTails = []string{
	"活动受到居民欢迎。",
	"{O}有关负责同志参加活动。",
	"下一步,将常态化开展此类活动。",
	"活动持续至{M}月{DD}日。",
}

// headlines are explicit title lines: at most 24 characters, no punctuation.
var headlines = []string{
	"{D}推进垃圾分类精细化管理",
	"{S}打造志愿服务新品牌",
	"{DO}开展文明交通宣传活动",
	"{U}志愿者走进社区",
	"{D}召开{Y}年精神文明建设工作会议",
	"{O}部署文明城区创建工作",
	"{d}街坊志愿服务队风采",
	"{D}深化新时代文明实践中心建设",
	"我们的节日{F}主题活动丰富多彩",
	"{D}评选表彰首批最美家庭",
	"{S}邻里节活动温暖人心",
	"{D}与{D2}开展结对共建",
	"{Y}年文明城区创建工作全面启动",
}

// Footer values.
var (
	editors   = []string{"梅雪峰", "李明华", "张慧", "刘红英", "赵静", "孙立新"}
	reviewers = []string{"田文松", "王建国", "陈晓燕", "周立"}
	phones    = []string{"55569506", "55569508", "66048115"}
	faxes     = []string{"55569505", "55569507"}
	emails    = []string{"jswmzhxtc@163.com", "sjwmb_jb@126.com", "wmbjianbao@bj.gov.cn"}
)

// Distribution lists: each list is groups of parts joined by 、, the groups
// separated by commas or semicolons.
var (
	reportTo = [][][]string{
		{{"中央文明办"}, {"首都文明委主任", "副主任"}, {"市委", "市人大", "市政府", "市政协"}},
		{{"中央文明办"}, {"首都文明委主任", "副主任"}},
		{{"中央文明办"}, {"市委", "市政府"}, {"首都文明委主任", "副主任", "秘书长"}},
	}
	sendTo = [][][]string{
		{{"首都文明委委员"}, {"市委", "市政府各部委办局"}, {"各总公司", "高等院校"}, {"市级群众团体"}},
		{{"首都文明委委员"}, {"各成员单位"}},
		{{"市委宣传部", "市委社会工委"}, {"市民政局", "市教委"}},
	}
	issueTo = [][][]string{
		{{"各区委书记", "区长", "宣传部长"}, {"各区文明办"}, {"有关新闻单位"}},
		{{"各区文明办"}, {"经开区文明办"}, {"有关新闻单位"}},
		{{"各区委宣传部", "各区文明办"}, {"天安门地区管委会"}},
	}
)

// posts are the parts of a distribution item that name a post of the body
// before them (首都文明委主任、副主任), which keeps the item whole.
var posts = map[string]bool{
	"主任": true, "副主任": true, "书记": true, "区长": true, "市长": true, "部长": true,
	"宣传部长": true, "局长": true, "委员": true, "主席": true, "秘书长": true,
}
