package ingest

import (
	"slices"
	"strings"
)

// Districts are Beijing's 16 districts, in the official order.
var Districts = []string{
	"东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区",
	"通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区",
}

// EconomicZone is the district value of the Beijing Economic-Technological
// Development Area (亦庄) when it is the reporting body.
const EconomicZone = "经开区"

// economicZoneNames are the names that make an attribution the zone's.
var economicZoneNames = []string{"北京经济技术开发区", "经济技术开发区", "经开区", "亦庄"}

// notDistrict lists words that begin with a district's short form but do not
// name the district (朝阳门 is a street of 东城区).
var notDistrict = []string{"朝阳门", "大兴安岭", "怀柔政策"}

// ShortDistrict returns the short form of a district name: 海淀区 → 海淀.
func ShortDistrict(d string) string { return strings.TrimSuffix(d, "区") }

// districtNames finds districts in full and short form; the words of
// notDistrict are found too, standing for no district, so that the longest
// match keeps 朝阳门 from being read as 朝阳.
var districtNames = func() *gazetteer {
	var entries []entry
	for _, d := range Districts {
		entries = append(entries, entry{d, d}, entry{ShortDistrict(d), d})
	}
	for _, w := range notDistrict {
		entries = append(entries, entry{w, ""})
	}
	return newGazetteer(entries)
}()

// reportingDistrict derives the reporting district from an attribution:
// "海淀区文明办" → "海淀区", "北京经济技术开发区文明办" → "经开区", and ""
// for municipal bodies.
func reportingDistrict(org string) string {
	org = strings.TrimPrefix(org, "北京市")
	for _, z := range economicZoneNames {
		if strings.HasPrefix(org, z) {
			return EconomicZone
		}
	}
	e, _ := districtNames.longest(org)
	return e.value
}

// districtsMentioned lists every district named in text, in full or short
// form, in order of first mention, each once. Collective names (十六区, 各区)
// name no district.
func districtsMentioned(text string) []string {
	found := []string{}
	districtNames.scan(text, func(e entry) {
		if e.value != "" && !slices.Contains(found, e.value) {
			found = append(found, e.value)
		}
	})
	return found
}

// reportingDistrictOf is reportingDistrict, and for an attribution that
// names no district the district of the street or town it names
// (学院路街道 → 海淀区).
func reportingDistrictOf(org string) string {
	if d := reportingDistrict(org); d != "" {
		return d
	}
	for _, o := range organisationsIn(org, orgContext{}) {
		if (o.Type == OrgStreet || o.Type == OrgTown || o.Type == OrgCommunity) && o.District != "" {
			return o.District
		}
	}
	return ""
}
