package query

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"jianbao/index"
)

type (
	T  = index.Text
	A  = index.And
	O  = index.Or
	AL = index.All
)

func f(name, value string) index.Field  { return index.Field{Name: name, Value: value} }
func d(from, to string) index.DateRange { return index.DateRange{From: from, To: to} }
func n(e index.Expr) index.Not          { return index.Not{Expr: e} }

func TestParse(t *testing.T) {
	tests := []struct {
		q    string
		want index.Expr
	}{
		{"", AL{}},
		{"   　", AL{}},
		{"永定路", T{Value: "永定路"}},
		{"垃圾分类 志愿", A{T{Value: "垃圾分类"}, T{Value: "志愿"}}},
		{"垃圾分类　志愿", A{T{Value: "垃圾分类"}, T{Value: "志愿"}}}, // ideographic space
		{"１５００余人", T{Value: "1500余人"}},                   // width folded
		{"2万余册(件)", T{Value: "2万余册(件)"}},                 // '(' inside a word is text
		{"2万余册（件）", T{Value: "2万余册(件)"}},
		{`"复兴路 40 号"`, T{Value: "复兴路 40 号", Exact: true}},
		{`"送实惠，专业健康"`, T{Value: "送实惠,专业健康", Exact: true}},
		{`“蓝马甲”`, T{Value: "“蓝马甲”"}}, // curly quotes are text
		{"-疫情", A{AL{}, n(T{Value: "疫情"})}},
		{`志愿 -"三八"`, A{T{Value: "志愿"}, n(T{Value: "三八", Exact: true})}},
		{"海淀 OR 密云", O{T{Value: "海淀"}, T{Value: "密云"}}},
		{"a OR b OR c", O{T{Value: "a"}, T{Value: "b"}, T{Value: "c"}}},
		{"志愿 海淀 OR 密云", A{T{Value: "志愿"}, O{T{Value: "海淀"}, T{Value: "密云"}}}},
		{"ORB or", A{T{Value: "ORB"}, T{Value: "or"}}},
		{"(垃圾 OR 厨余) -疫情", A{O{T{Value: "垃圾"}, T{Value: "厨余"}}, n(T{Value: "疫情"})}},
		{"（垃圾 OR 厨余）", O{T{Value: "垃圾"}, T{Value: "厨余"}}},
		{"((志愿))", T{Value: "志愿"}},
		{"a OR -b", O{T{Value: "a"}, A{AL{}, n(T{Value: "b"})}}},
		{"(-a -b)", A{AL{}, n(T{Value: "a"}), n(T{Value: "b"})}},
		{"district:海淀区", f("district", "海淀区")},
		{"district:海淀", f("district", "海淀区")},
		{"district：石景山", f("district", "石景山区")},
		{"District:亦庄", f("district", "经开区")},
		{"district:经开区", f("district", "经开区")},
		{"mentions:延庆", f("district_mentioned", "延庆区")},
		{"-district:海淀", A{AL{}, n(f("district", "海淀区"))}},
		{"section:工作交流", f("section", "工作交流")},
		{"section:【工作交流】", f("section", "工作交流")},
		{`org:"海淀区文明办"`, f("org", "海淀区文明办")},
		{"org:北京市重点站区管委会", f("org", "北京市重点站区管委会")},
		{"theme:垃圾分类", f("theme", "垃圾分类")},
		{"orgtype:学校", f("orgtype", "学校")},
		{"orgname:学院路街道", f("organisation", "学院路街道")},
		{"issue:2021-014", f("issue_id", "2021-014")},
		{"issue:2021-14", f("issue_id", "2021-014")},
		{"issue:２０２１-０１４", f("issue_id", "2021-014")},
		{"issue:2021-zk1", f("issue_id", "2021-zk01")},
		{"issue:2021-zengk02", f("issue_id", "2021-zengk02")},
		{"date:2021-01..2021-06", d("2021-01-01", "2021-06-30")},
		{"date:2020-02..2020-02", d("2020-02-01", "2020-02-29")},
		{"date:2021-03-23", d("2021-03-23", "2021-03-23")},
		{"date:2021-03-01..2021-03-23", d("2021-03-01", "2021-03-23")},
		{"date:..2021-06", d("", "2021-06-30")},
		{"date:2021-01..", d("2021-01-01", "")},
		{"date:2021", f("year", "2021")},
		{"year:2021", f("year", "2021")},
		{"date:2020-11..2022-02", O{d("2020-11-01", "2020-12-31"), f("year", "2021"), d("2022-01-01", "2022-02-28")}},
		{"date:2019..2021-06-15", O{f("year", "2019"), f("year", "2020"), d("2021-01-01", "2021-06-15")}},
		{"date:1900..2021", d("1900-01-01", "2021-12-31")},
		{"电话:55569506", T{Value: "电话:55569506"}}, // a colon after Chinese is text
		{"电话：55569506", T{Value: "电话:55569506"}},
		{"永定路 district:海淀 year:2021", A{T{Value: "永定路"}, f("district", "海淀区"), f("year", "2021")}},
		{"(district:海淀 OR district:密云) 志愿", A{O{f("district", "海淀区"), f("district", "密云区")}, T{Value: "志愿"}}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, err := Parse(tt.q)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.q, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %#v\nwant %#v", tt.q, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		q      string
		offset int // byte offset of the error
		msg    string
	}{
		{`"永定路`, 0, "never closed"},
		{`志愿 "永定路`, 7, "never closed"},
		{`""`, 0, "empty phrase"},
		{"(志愿", 0, "never closed"},
		{"志愿)", 6, "without a matching"},
		{"()", 0, "empty parentheses"},
		{"-", 0, "'-' needs"},
		{"志愿 - 海淀", 7, "'-' needs"},
		{"--a", 1, "exclude a term once"},
		{"OR 海淀", 0, "OR needs a term on its left"},
		{"海淀 OR )", 7, "OR needs a term on its right"},
		{"district:", 9, "needs a value"},
		{"district:海", 9, "unknown district"},
		{"district:朝阳门", 9, "unknown district"},
		{"distrct:海淀", 0, `unknown filter "distrct"`},
		{"issue:14", 6, "bad issue id"},
		{"date:2021-13", 5, "bad date"},
		{"date:2021-02-30", 5, "bad date"},
		{"date:2021-06..2021-01", 5, "ends before it starts"},
		{"date:..", 5, "no ends"},
		{"year:21", 5, "bad year"},
		{`org:"`, 4, "never closed"},
		{strings.Repeat("(", 20) + "a" + strings.Repeat(")", 20), 16, "nested deeper"},
		{strings.Repeat("a ", 65), 128, "more than 64 terms"},
		{strings.Repeat("永", 400), 0, "limit is 1024"},
		{"永定\xff路", 6, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			_, err := Parse(tt.q)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, want a *SyntaxError", tt.q, err)
			}
			if se.Offset != tt.offset {
				t.Errorf("Parse(%q): offset %d, want %d (%v)", tt.q, se.Offset, tt.offset, err)
			}
			if !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("Parse(%q): message %q, want it to contain %q", tt.q, se.Msg, tt.msg)
			}
			if want := utf8.RuneCountInString(se.Query[:se.Offset]) + 1; se.Column != want {
				t.Errorf("Parse(%q): column %d, want %d", tt.q, se.Column, want)
			}
		})
	}
}

func TestParseTrailingOR(t *testing.T) {
	// OR is an operator only between terms: a trailing OR is the word.
	got, err := Parse("海淀 OR")
	if err != nil {
		t.Fatal(err)
	}
	want := A{T{Value: "海淀"}, T{Value: "OR"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

func TestSyntaxErrorCaret(t *testing.T) {
	_, err := Parse("志愿 district:海")
	want := "query: column 13: unknown district \"海\": want one of Beijing's 16 districts (海淀区 or 海淀) or 经开区\n" +
		"志愿 district:海\n" +
		"              ^" // 志愿 is four columns wide
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

func TestParams(t *testing.T) {
	tests := []struct {
		name string
		p    Params
		want index.Request
	}{
		{"empty", Params{}, index.Request{Expr: AL{}, Sort: "relevance", Limit: 10, Snippets: true}},
		{"query and filters", Params{Q: "永定路 -疫情", District: "海淀", Section: "【工作交流】", From: "2021-01", To: "2021", Sort: "-date", Limit: 20, Offset: 40, Facets: []string{"district", "year", "district"}},
			index.Request{Expr: A{T{Value: "永定路"}, n(T{Value: "疫情"}), f("district", "海淀区"), f("section", "工作交流"), f("year", "2021")},
				Sort: "-date", Limit: 20, Offset: 40, Facets: []string{"district", "year"}, Snippets: true}},
		{"exclusion and a filter", Params{Q: "-疫情", Org: "海淀区文明办", Theme: "垃圾分类"},
			index.Request{Expr: A{n(T{Value: "疫情"}), f("org", "海淀区文明办"), f("theme", "垃圾分类")}, Sort: "relevance", Limit: 10, Snippets: true}},
		{"open end", Params{To: "2021-03-23", Sort: "date"}, index.Request{Expr: d("", "2021-03-23"), Sort: "date", Limit: 10, Snippets: true}},
		{"organisation type", Params{OrgType: " 学校 ", Facets: []string{"orgtype", "organisation"}},
			index.Request{Expr: f("orgtype", "学校"), Sort: "relevance", Limit: 10, Facets: []string{"orgtype", "organisation"}, Snippets: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.p.Request()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Request()\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestParamsErrors(t *testing.T) {
	tests := []struct {
		p     Params
		param string
	}{
		{Params{District: "海"}, "district"},
		{Params{From: "2021-1"}, "from"},
		{Params{To: "yesterday"}, "to"},
		{Params{From: "2021-06", To: "2021-01"}, "to"},
		{Params{Sort: "score"}, "sort"},
		{Params{Limit: -1}, "limit"},
		{Params{Limit: MaxLimit + 1}, "limit"},
		{Params{Offset: -1}, "offset"},
		{Params{Offset: MaxOffset + 1}, "offset"},
		{Params{Facets: []string{"colour"}}, "facets"},
		{Params{OrgType: "学堂"}, "orgtype"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.p), func(t *testing.T) {
			_, err := tt.p.Request()
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param != tt.param {
				t.Errorf("Request() = %v, want a *ParamError for %s", err, tt.param)
			}
		})
	}
	var se *SyntaxError
	if _, err := (Params{Q: `"`}).Request(); !errors.As(err, &se) {
		t.Errorf("bad query: %v, want a *SyntaxError", err)
	}
}

// FuzzParse checks that Parse never panics, that errors point inside the
// query at a rune boundary, and that every expression it returns is well
// formed.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"永定路", `"复兴路 40 号" -疫情`, "(a OR b) district:海淀 date:2021-01..", "year:2021 issue:2021-014", "电话：5556", "2万余册(件)", "((", `-"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		e, err := Parse(q)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): error %T, want *SyntaxError", q, err)
			}
			if se.Offset < 0 || se.Offset > len(se.Query) || !utf8.ValidString(se.Query[:se.Offset]) {
				t.Fatalf("Parse(%q): offset %d outside the query or inside a rune", q, se.Offset)
			}
			_ = se.Error()
			return
		}
		checkExpr(t, q, e, false)
	})
}

// checkExpr asserts that e is well formed: no nil, no empty text, no And or
// Or with fewer than two terms, and every Not inside an And beside a
// positive term.
func checkExpr(t *testing.T, q string, e index.Expr, inAnd bool) {
	t.Helper()
	switch e := e.(type) {
	case index.Text:
		if e.Value == "" {
			t.Fatalf("Parse(%q): empty text", q)
		}
	case index.Field:
		if e.Name == "" || e.Value == "" {
			t.Fatalf("Parse(%q): empty field %#v", q, e)
		}
	case index.DateRange:
		if e.From == "" && e.To == "" || e.To != "" && e.From > e.To {
			t.Fatalf("Parse(%q): bad range %#v", q, e)
		}
	case index.All:
	case index.Not:
		if !inAnd {
			t.Fatalf("Parse(%q): Not outside an And", q)
		}
		checkExpr(t, q, e.Expr, false)
	case index.And:
		positive := false
		for _, x := range e {
			if _, ok := x.(index.Not); !ok {
				positive = true
			}
			checkExpr(t, q, x, true)
		}
		if !positive || len(e) < 2 {
			t.Fatalf("Parse(%q): And %#v", q, e)
		}
	case index.Or:
		if len(e) < 2 {
			t.Fatalf("Parse(%q): Or %#v", q, e)
		}
		for _, x := range e {
			checkExpr(t, q, x, false)
		}
	default:
		t.Fatalf("Parse(%q): unexpected %T", q, e)
	}
}
