package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestShow(t *testing.T) {
	dir := sampleIndex(t)
	tests := []struct {
		args []string
		code int
		want []string // parts of stdout, or of stderr when code != 0
	}{
		{[]string{"show", "2021-014-02"}, 0, []string{"2021-014-02  【工作交流】", "海淀区永定路街道建立以服务换服务的双向供给机制",
			"第14期 (总第2180期)  2021-03-23  首都精神文明办", "来源: 海淀区文明办 (海淀区)", "原文: ", "bulletin-2021-014.txt", "累计招募志愿者"}},
		{[]string{"show", "2021-014"}, 0, []string{"2021-014  首都精神文明建设情况简报  第14期 (总第2180期)", "【文明创建】", "【工作交流】",
			"2021-014-05", "(北京市重点站区管委会)", "责编: 梅雪峰"}},
		{[]string{"show", "2021-14"}, 0, []string{"2021-014  首都精神文明建设情况简报"}},
		{[]string{"show", "2021-014-99"}, exitFailure, []string{"no article 2021-014-99", "issue 2021-014 has 5 articles"}},
		{[]string{"show", "2030-001-01"}, exitFailure, []string{"no article 2030-001-01", "not in the index"}},
		{[]string{"show", "2030-001"}, exitFailure, []string{"no issue 2030-001"}},
		{[]string{"show", "../etc/passwd"}, exitUsage, []string{"neither an article id"}},
		{[]string{"show", "--format", "xml", "2021-014"}, exitUsage, []string{"unknown format"}},
		{[]string{"show"}, exitUsage, []string{"show needs one ID"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, stderr := run(t, append(tt.args, "--index", dir)...)
			got := out
			if tt.code != 0 {
				got = stderr
			}
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s%s", code, tt.code, out, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestShowJSON(t *testing.T) {
	dir := sampleIndex(t)
	code, out, stderr := run(t, "show", "--index", dir, "--format", "json", "2021-014-02")
	var a struct {
		ID, IssueID, Date, Headline, Body, File string
		Issue                                   int
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil || code != 0 {
		t.Fatalf("exit %d, %v: %s", code, err, stderr)
	}
	var raw map[string]any
	json.Unmarshal([]byte(out), &raw)
	if a.ID != "2021-014-02" || raw["issue_id"] != "2021-014" || a.Issue != 14 || raw["file"] != "/files/2021-014" || !strings.Contains(a.Body, "永定路") {
		t.Errorf("article %+v", raw)
	}
	code, out, _ = run(t, "show", "--index", dir, "--format", "json", "2021-014")
	var iss struct {
		ID       string            `json:"id"`
		Articles []json.RawMessage `json:"articles"`
		Files    []json.RawMessage `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &iss); err != nil || code != 0 || iss.ID != "2021-014" || len(iss.Articles) != 5 || len(iss.Files) != 1 {
		t.Errorf("issue: exit %d, %v, %+v", code, err, iss)
	}
}
