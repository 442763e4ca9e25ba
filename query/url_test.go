package query

import (
	"errors"
	"net/url"
	"reflect"
	"testing"
)

// TestParamsURLRoundTrip: what Values writes, ParamsFromURL reads back as
// it was, as the client and the server of a search rely on.
func TestParamsURLRoundTrip(t *testing.T) {
	for _, p := range []Params{
		{},
		{Q: "永定路"},
		{Q: `"复兴路 40 号" OR 志愿 -海淀`, District: "海淀", Section: "【工作动态】", Org: "海淀区文明办",
			Theme: "垃圾分类", OrgType: "学校", From: "2021-01", To: "2021-06", Sort: "-date",
			Limit: 20, Offset: 40, Facets: []string{"district", "year"}},
		{Q: "a&b=c?d#e", Limit: -1, Offset: 7},
	} {
		v := p.Values()
		got, err := ParamsFromURL(v)
		if err != nil {
			t.Errorf("%+v: %v", p, err)
			continue
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("%+v\nwent to %s\nand came back as %+v", p, v.Encode(), got)
		}
		for k := range v {
			if v.Get(k) == "" {
				t.Errorf("%+v: empty parameter %s written", p, k)
			}
		}
	}
}

func TestParamsFromURLErrors(t *testing.T) {
	for _, tt := range []struct{ raw, param string }{
		{"limit=ten", "limit"},
		{"offset=1.5", "offset"},
		{"q=a&limit=5&offset=", ""},
	} {
		v, err := url.ParseQuery(tt.raw)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ParamsFromURL(v)
		var pe *ParamError
		switch {
		case tt.param == "" && err != nil:
			t.Errorf("%s: %v, want no error", tt.raw, err)
		case tt.param != "" && (!errors.As(err, &pe) || pe.Param != tt.param):
			t.Errorf("%s: %v, want a *ParamError of %s", tt.raw, err, tt.param)
		}
	}
}
