package synth

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"jianbao/ingest"
)

// segment is a piece of a template: literal text in both punctuation
// widths, or a slot.
type segment struct {
	half, full string // literal text with half- and full-width , ( ) : ;
	slot       string // slot name, "" for a literal
	arg        string // {O:name}: the given name
}

type template []segment

// toFull turns the half-width punctuation of templates into full width.
var toFull = strings.NewReplacer(",", "，", "(", "（", ")", "）", ":", "：", ";", "；")

// parseTemplates parses each template; a malformed template or an unknown
// slot is a bug of the bank and panics.
func parseTemplates(srcs []string) []template {
	ts := make([]template, len(srcs))
	for i, s := range srcs {
		ts[i] = parseTemplate(s)
	}
	return ts
}

func parseTemplate(s string) template {
	var t template
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			t = append(t, segment{half: s, full: toFull.Replace(s)})
			break
		}
		if i > 0 {
			t = append(t, segment{half: s[:i], full: toFull.Replace(s[:i])})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			panic(fmt.Sprintf("synth: unclosed slot in template %q", s))
		}
		name, arg, _ := strings.Cut(s[i+1:i+j], ":")
		switch name {
		case "S", "DS":
			if _, ok := streetBodies[arg]; arg != "" && !ok {
				panic(fmt.Sprintf("synth: %q is not a body of streetBodies", arg))
			}
		case "D", "d":
			if _, ok := districtBodies[arg]; arg != "" && !ok {
				panic(fmt.Sprintf("synth: %q is not a body of districtBodies", arg))
			}
		case "D2", "U", "F", "N", "Y", "Y2", "M", "DD":
		case "DO":
			if arg != "" && !slices.Contains(districtOrgSuffixes, arg) {
				panic(fmt.Sprintf("synth: %q is not a suffix of district bodies", arg))
			}
		case "O":
			if arg != "" && !slices.Contains(ingest.Organisations(), arg) {
				panic(fmt.Sprintf("synth: %q is not in the gazetteer", arg))
			}
		default:
			panic(fmt.Sprintf("synth: unknown slot {%s} in template %q", name, s))
		}
		t = append(t, segment{slot: name, arg: arg})
		s = s[i+j+1:]
	}
	return t
}

// mentions records, in order, the districts and gazetteer organisations
// that rendered text names, and the district of each street or town.
type mentions struct {
	districts []string
	orgs      []string
	orgIn     map[string]place // street or town, or a body named after one → where it is
	nested    map[string]ingest.Organisation
}

// place is the street or town an organisation is, or is named after: in
// district, whose name was written right before it when named.
type place struct {
	street, district string
	named            bool
}

// knownDistrict returns the district of p that a reader of the article can
// tell, as the parser tells it: p's own when only one district has such a
// street, else the one written with it, else the reporting district, else
// the first district the article names that has one; "" when none does.
func (p place) knownDistrict(reporting string, mentioned []string) string {
	ds := ingest.DivisionDistricts(p.street)
	switch {
	case len(ds) <= 1 || p.named:
		return p.district
	case slices.Contains(ds, reporting):
		return reporting
	}
	for _, d := range mentioned {
		if slices.Contains(ds, d) {
			return d
		}
	}
	return ""
}

func (m *mentions) district(d string) { m.districts = append(m.districts, d) }
func (m *mentions) org(o string)      { m.orgs = append(m.orgs, o) }

// street records a street or town of district d, named with d or not.
func (m *mentions) street(s, d string, named bool) {
	m.org(s)
	m.placeOf(s, place{s, d, named})
}

// body records the body of street s (in district d, named with it or
// not) named after it.
func (m *mentions) body(s, body, d string, named bool) {
	st, ok := ingest.KnownOrganisation(s)
	if !ok {
		panic(fmt.Sprintf("synth: %q is not in the gazetteer", s))
	}
	o := ingest.Organisation{Name: st.Name + body, Type: streetBodies[body], District: d}
	m.orgs = append(m.orgs, o.Name)
	if m.nested == nil {
		m.nested = map[string]ingest.Organisation{}
	}
	m.nested[o.Name] = o
	m.placeOf(o.Name, place{s, d, named})
}

func (m *mentions) placeOf(name string, p place) {
	if m.orgIn == nil {
		m.orgIn = map[string]place{}
	}
	m.orgIn[name] = p
}

// districtBody records the body of district d named after it.
func (m *mentions) districtBody(d, body string) {
	o := ingest.Organisation{Name: d + body, Type: districtBodies[body], District: d}
	m.orgs = append(m.orgs, o.Name)
	if m.nested == nil {
		m.nested = map[string]ingest.Organisation{}
	}
	m.nested[o.Name] = o
}

// organisations returns the record's organisations and their details:
// the canonical names of the gazetteer names m holds, each once, in order,
// with the districts an article reporting for district tells.
func (m *mentions) organisations(reporting string) ([]string, []ingest.Organisation) {
	names := []string{}
	var details []ingest.Organisation
	for _, n := range m.orgs {
		o, ok := ingest.KnownOrganisation(n)
		if nb, isBody := m.nested[n]; isBody {
			o, ok = nb, true
		}
		if !ok {
			panic(fmt.Sprintf("synth: %q is not in the gazetteer", n))
		}
		if p, ok := m.orgIn[n]; ok {
			o.District = p.knownDistrict(reporting, m.districts)
		}
		if !slices.Contains(names, o.Name) {
			names = append(names, o.Name)
			details = append(details, o)
		}
	}
	return names, details
}

// unique returns the distinct elements of s in order of first appearance,
// as a non-nil slice.
func unique(s []string) []string {
	out := []string{}
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// scene is what an article is about: its district and year. Rendering a
// template in a scene records what it names.
type scene struct {
	g        *generator
	district string // full form
	year     int
	full     bool     // full-width punctuation
	themes   []string // intended themes: bodies about other themes are not named
}

// body picks a name from names whose theme, if any, is one the scene is
// about.
func (sc *scene) body(names []string) string {
	for {
		n := pick(sc.g.r, names)
		if th := orgThemes[n]; th == "" || slices.Contains(sc.themes, th) {
			return n
		}
	}
}

// render renders t and appends the names it inserts to m.
func (sc *scene) render(b *strings.Builder, t template, m *mentions) {
	r := sc.g.r
	for _, seg := range t {
		switch seg.slot {
		case "":
			if sc.full {
				b.WriteString(seg.full)
			} else {
				b.WriteString(seg.half)
			}
		case "D":
			b.WriteString(sc.district)
			m.district(sc.district)
			if seg.arg != "" {
				b.WriteString(seg.arg)
				m.districtBody(sc.district, seg.arg)
			}
		case "D2":
			d := sc.district
			for d == sc.district {
				d = pick(r, ingest.Districts)
			}
			b.WriteString(d)
			m.district(d)
		case "d":
			b.WriteString(ingest.ShortDistrict(sc.district))
			m.district(sc.district)
			if seg.arg != "" {
				b.WriteString(seg.arg)
				m.districtBody(sc.district, seg.arg)
			}
		case "DO":
			suffix := seg.arg
			if suffix == "" {
				suffix = sc.body(districtOrgSuffixes)
			}
			o := sc.district + suffix
			b.WriteString(o)
			m.district(sc.district)
			m.org(o)
		case "S", "DS":
			s := pick(r, districtStreets[sc.district])
			named := seg.slot == "DS" || r.IntN(2) == 0
			if named {
				b.WriteString(sc.district)
				m.district(sc.district)
			}
			b.WriteString(s)
			if strings.HasPrefix(s, ingest.ShortDistrict(sc.district)) {
				m.district(sc.district) // 怀柔镇 names 怀柔区
			}
			if seg.arg != "" {
				b.WriteString(seg.arg)
				m.body(s, seg.arg, sc.district, named)
			} else {
				m.street(s, sc.district, named)
			}
		case "O":
			o := seg.arg
			if o == "" {
				o = sc.body(municipalOrgs)
			}
			b.WriteString(o)
			m.org(o)
		case "U":
			u := pick(r, universities)
			b.WriteString(u)
			m.org(u)
		case "F":
			b.WriteString(pick(r, festivals))
		case "N":
			b.WriteString(strconv.Itoa(number(r)))
		case "Y":
			b.WriteString(strconv.Itoa(sc.year))
		case "Y2":
			b.WriteString(strconv.Itoa(sc.year + 2))
		case "M":
			b.WriteString(strconv.Itoa(1 + r.IntN(12)))
		case "DD":
			b.WriteString(strconv.Itoa(1 + r.IntN(28)))
		}
	}
}
