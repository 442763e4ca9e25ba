package main

import (
	"github.com/spf13/pflag"

	"jianbao/query"
)

// addIndexFlag adds --index, the index directory of every command that
// reads or writes one (see indexDir for the default).
func addIndexFlag(f *pflag.FlagSet, dir *string) {
	f.StringVar(dir, "index", "", "index directory (default $JIANBAO_INDEX, else ./jianbao-data)")
}

// addFilterFlags adds the filters that narrow a search, the same for
// search, trend and export.
func addFilterFlags(f *pflag.FlagSet, p *query.Params) {
	f.StringVar(&p.District, "district", "", "reporting district: 海淀区 or 海淀, or 经开区")
	f.StringVar(&p.Section, "section", "", "section heading, e.g. 工作交流")
	f.StringVar(&p.Org, "org", "", "reporting body, exactly, e.g. 海淀区文明办")
	f.StringVar(&p.Theme, "theme", "", "theme, e.g. 垃圾分类")
	f.StringVar(&p.OrgType, "orgtype", "", "type of an organisation the article names, e.g. 学校 or 街道")
	f.StringVar(&p.From, "from", "", "first date: YYYY, YYYY-MM or YYYY-MM-DD")
	f.StringVar(&p.To, "to", "", "last date (inclusive): YYYY, YYYY-MM or YYYY-MM-DD")
}
