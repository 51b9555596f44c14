package triage

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
)

//go:embed page.html.tmpl
var pageTemplate string

var page = template.Must(template.New("triage").Funcs(template.FuncMap{
	"pct":     pct,
	"days":    days,
	"date":    date,
	"tier":    tier,
	"num":     num,
	"seen":    fundingSeen,
	"f2":      func(v float64) string { return fmt.Sprintf("%.2f", v) },
	"sortv":   sortValue,
	"unixOr":  unixOr,
	"chart":   chart,
	"join":    strings.Join,
	"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"release": lastRelease,
}).Parse(pageTemplate))

// WriteHTML writes a self-contained page: a sortable table, each project's
// reasons, and a small chart of paid vs volunteer work over the last three
// years. It loads nothing from anywhere (inline CSS, script and SVG, and a
// Content-Security-Policy that forbids anything else).
func WriteHTML(w io.Writer, r Report) error {
	return page.Execute(w, r)
}

// sortValue is the number a column sorts by; unavailable sorts last.
func sortValue(v analysis.Value) string {
	if !v.OK {
		return ""
	}
	return fmt.Sprintf("%g", v.V)
}

func unixOr(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprint(t.Unix())
}

// chart draws the quarters as stacked bars (paid, unknown, volunteer, bot)
// in inline SVG, scaled to the project's busiest quarter.
func chart(qs []analysis.Quarter) template.HTML {
	if len(qs) == 0 {
		return template.HTML(`<span class="muted">no chart: who pays is not known yet</span>`)
	}
	const w, h, gap = 12, 40, 2
	max := 1
	for _, q := range qs {
		if t := q.Paid + q.Volunteer + q.Unknown + q.Bot; t > max {
			max = t
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" width="%d" height="%d" viewBox="0 0 %d %d"><title>Commits per quarter since %s: paid (blue), unknown (grey), volunteer (orange), bots (light)</title>`,
		len(qs)*(w+gap), h, len(qs)*(w+gap), h, qs[0].Start.Format("2006-01"))
	for i, q := range qs {
		y := float64(h)
		for _, part := range []struct {
			n     int
			class string
		}{{q.Paid, "paid"}, {q.Unknown, "unknown"}, {q.Volunteer, "volunteer"}, {q.Bot, "bot"}} {
			if part.n == 0 {
				continue
			}
			bh := float64(part.n) / float64(max) * h
			y -= bh
			fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%.1f" width="%d" height="%.1f"><title>%s: %d %s</title></rect>`,
				part.class, i*(w+gap), y, w, bh, quarterName(q.Start), part.n, part.class)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func quarterName(t time.Time) string {
	return fmt.Sprintf("%d Q%d", t.Year(), (int(t.Month())-1)/3+1)
}
