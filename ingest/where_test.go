package ingest_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"jianbao/ingest"
)

var whereReport = flag.Bool("where", false, "print where the judged set's true and false theme tags fire")

// whereRow counts tags by part, truth, where the theme is told first
// (headline, lead or later), in how many sentences, and by what rules.
type whereRow struct{ part, truth, zone, sentences, rules string }

// TestWhereThemesFire finds, for every theme jianbao gives an article of
// the judged set, the sentences where its rules fire: each tag must have
// one (show --why explains it from them). With -where it prints how true
// and false tags are told — in the headline, the lead (the body's first
// sentence) or only later, in how many sentences, by strong phrases and
// near rules or by weak phrases — for parts A–J, K, L and M apart, and
// what two candidate rules would cost: "a theme told once, outside the
// headline and lead, does not count" and "a theme told once, outside the
// headline, in a sentence of the headline's theme, is its means".
//
//	go test ./ingest -run TestWhereThemesFire -v -where
func TestWhereThemesFire(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "judged", "dev-*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no development part: %v", err)
	}
	tax := ingest.DefaultTaxonomy()
	rows := map[whereRow]int{}
	candidates := map[string]int{}
	for _, f := range files {
		part := "A–J"
		for _, p := range []string{"k", "l", "m"} {
			if strings.HasSuffix(f, "dev-"+p+".txt") {
				part = strings.ToUpper(p)
			}
		}
		arts := readJudged(t, f)
		iss, err := ingest.Parse(context.Background(), "judged.txt", []byte(bulletin(arts)), ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range iss.Articles {
			a := &iss.Articles[i]
			spots := tax.Spots(a)
			for _, th := range a.Themes {
				sp := spots[th]
				if len(sp) == 0 {
					t.Errorf("%s %s: tagged %s, but no rule of it fires", f, arts[i].id, th)
					continue
				}
				truth := "true"
				if !slices.Contains(arts[i].themes, th) {
					truth = "false"
				}
				zone, rules := "later", "weak"
				sents := map[int]bool{}
				for _, s := range sp {
					sents[s.Sentence] = true
					if s.Zone == "headline" || s.Zone == "lead" && zone == "later" {
						zone = s.Zone
					}
					if s.Strong {
						rules = "strong"
					}
				}
				n := fmt.Sprint(min(len(sents), 3))
				if n == "3" {
					n = "3+"
				}
				rows[whereRow{part, truth, zone, n, rules}]++
				if len(sents) != 1 || zone == "headline" {
					continue
				}
				if zone == "later" {
					candidates[part+" "+truth+" told once, later"]++
				}
				if beside(spots, a.Themes, th, sp[0].Sentence) {
					candidates[part+" "+truth+" told once beside the headline's theme"]++
				}
			}
		}
	}
	if !*whereReport {
		return
	}
	var keys []whereRow
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	t.Log("part truth zone sentences rules: tags")
	for _, k := range keys {
		t.Logf("  %s %s %s %s %s: %d", k.part, k.truth, k.zone, k.sentences, k.rules, rows[k])
	}
	var cs []string
	for c := range candidates {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	for _, c := range cs {
		t.Logf("  %s: %d", c, candidates[c])
	}
}

// beside reports whether sentence s, the only one where theme th fires,
// also tells another theme of the article that its headline tells.
func beside(spots map[string][]ingest.Spot, themes []string, th string, s int) bool {
	for _, other := range themes {
		if other == th {
			continue
		}
		inHead, inS := false, false
		for _, sp := range spots[other] {
			inHead = inHead || sp.Zone == "headline"
			inS = inS || sp.Sentence == s
		}
		if inHead && inS {
			return true
		}
	}
	return false
}
