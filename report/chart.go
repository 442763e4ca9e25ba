package report

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// Chart sizes, in SVG user units.
const (
	chartWidth  = 720
	chartHeight = 260
	chartMargin = 40
	barRowH     = 22
)

// WriteTrendSVG draws t as a self-contained SVG: bars for the articles of
// each period of the whole archive, a line for the issues, and, when t is
// split, a horizontal bar chart of the groups' totals beneath. It uses no
// script and no external resource, so it can be embedded in the page or
// opened as a file.
func WriteTrendSVG(w io.Writer, t *Trend) error {
	var b strings.Builder
	groupsH := 0
	if len(t.Groups) > 0 {
		groupsH = chartMargin + barRowH*len(t.Groups)
	}
	height := chartHeight + groupsH
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" font-family="sans-serif" font-size="11">`, chartWidth, height)
	title := fmt.Sprintf("%s · %s", orAll(t.Query), t.By)
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(title))
	writeSeries(&b, t.Series)
	if len(t.Groups) > 0 {
		writeGroupBars(&b, t.Groups, chartHeight)
	}
	b.WriteString(`</svg>`)
	_, err := io.WriteString(w, b.String())
	return err
}

func orAll(q string) string {
	if strings.TrimSpace(q) == "" {
		return "全部文章"
	}
	return q
}

// writeSeries draws the period bars (articles) and the issues line.
func writeSeries(b *strings.Builder, series []TrendPoint) {
	plotW := float64(chartWidth - 2*chartMargin)
	plotH := float64(chartHeight - 2*chartMargin)
	top := 1
	for _, p := range series {
		top = max(top, p.Articles, p.Issues)
	}
	x0, y0 := float64(chartMargin), float64(chartHeight-chartMargin)
	fmt.Fprintf(b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#888"/>`, x0, y0, x0+plotW, y0)
	fmt.Fprintf(b, `<text x="%g" y="%g" text-anchor="end">%d</text>`, x0-4, float64(chartMargin)+4, top)
	fmt.Fprintf(b, `<text x="%g" y="%g" text-anchor="end">0</text>`, x0-4, y0+4)
	if len(series) == 0 {
		return
	}
	step := plotW / float64(len(series))
	// Label every k-th period so that labels (up to 7 characters at about
	// 6.5 units each, font-size 11) keep a gap between them.
	labelW := 6.5*float64(len(series[0].Period)) + 8
	labelEvery := max(1, int(math.Ceil(labelW/step)))
	var line []string
	for i, p := range series {
		h := plotH * float64(p.Articles) / float64(top)
		x := x0 + step*float64(i)
		fmt.Fprintf(b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#c0392b"><title>%s: %d 篇文章, %d 期</title></rect>`,
			x+step*0.1, y0-h, step*0.8, h, p.Period, p.Articles, p.Issues)
		if i%labelEvery == 0 {
			fmt.Fprintf(b, `<text x="%.1f" y="%g" text-anchor="middle">%s</text>`, x+step/2, y0+14, p.Period)
		}
		line = append(line, fmt.Sprintf("%.1f,%.1f", x+step/2, y0-plotH*float64(p.Issues)/float64(top)))
	}
	fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="#2c3e50" stroke-width="1.5"/>`, strings.Join(line, " "))
	fmt.Fprintf(b, `<text x="%g" y="14"><tspan fill="#c0392b">■ 文章</tspan> <tspan fill="#2c3e50">— 期数</tspan></text>`, x0)
}

// writeGroupBars draws one horizontal bar per group: its total articles.
func writeGroupBars(b *strings.Builder, groups []TrendGroup, top int) {
	totals := make([]int, len(groups))
	most := 1
	for i, g := range groups {
		for _, p := range g.Series {
			totals[i] += p.Articles
		}
		most = max(most, totals[i])
	}
	labelW := 90.0
	barMax := float64(chartWidth-2*chartMargin) - labelW - 40
	for i, g := range groups {
		y := float64(top+chartMargin/2) + float64(i*barRowH)
		w := barMax * float64(totals[i]) / float64(most)
		fmt.Fprintf(b, `<text x="%g" y="%.1f" text-anchor="end">%s</text>`, float64(chartMargin)+labelW-6, y+14, html.EscapeString(g.Group))
		fmt.Fprintf(b, `<rect class="group" x="%g" y="%.1f" width="%.1f" height="%d" fill="#e67e22"/>`, float64(chartMargin)+labelW, y+3, w, barRowH-6)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f">%d</text>`, float64(chartMargin)+labelW+w+4, y+14, totals[i])
	}
}
