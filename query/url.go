package query

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// ParamsFromURL reads Params from URL parameters (q, district, section,
// org, theme, orgtype, from, to, sort, limit, offset, facets); a limit or
// offset that is not a number is a *ParamError. The values are not checked
// further: Request does that.
func ParamsFromURL(v url.Values) (Params, error) {
	p := Params{
		Q: v.Get("q"), District: v.Get("district"), Section: v.Get("section"),
		Org: v.Get("org"), Theme: v.Get("theme"), OrgType: v.Get("orgtype"), From: v.Get("from"), To: v.Get("to"),
		Sort: v.Get("sort"),
	}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"limit", &p.Limit}, {"offset", &p.Offset}} {
		s := v.Get(n.name)
		if s == "" {
			continue
		}
		i, err := strconv.Atoi(s)
		if err != nil {
			return p, &ParamError{n.name, fmt.Sprintf("%q is not a number", s)}
		}
		*n.dst = i
	}
	for _, f := range v["facets"] {
		p.Facets = append(p.Facets, strings.Split(f, ",")...)
	}
	return p, nil
}

// Values returns p as URL parameters, the ones ParamsFromURL reads back;
// empty and zero fields are left out.
func (p Params) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": p.Q, "district": p.District, "section": p.Section, "org": p.Org,
		"theme": p.Theme, "orgtype": p.OrgType, "from": p.From, "to": p.To, "sort": p.Sort, "facets": strings.Join(p.Facets, ",")} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if p.Limit != 0 {
		v.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.Offset != 0 {
		v.Set("offset", strconv.Itoa(p.Offset))
	}
	return v
}
