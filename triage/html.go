package triage

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
)

var (
	//go:embed page.html.tmpl
	pageTemplate string
	//go:embed page.css
	pageCSS string
	//go:embed page.js
	pageJS string
)

// pageCSP is the page's Content-Security-Policy: nothing loads from
// anywhere, and only the page's own stylesheet and script run, pinned by
// their hashes (no 'unsafe-inline': an injected <script> or style
// attribute is refused).
var pageCSP = "default-src 'none'; style-src '" + cspHash(pageCSS) + "'; script-src '" + cspHash(pageJS) + "'; base-uri 'none'; form-action 'none'"

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

var page = template.Must(template.New("triage").Funcs(template.FuncMap{
	"pct":   pct,
	"days":  days,
	"date":  date,
	"num":   num,
	"seen":  fundingSeen,
	"f2":    func(v float64) string { return fmt.Sprintf("%.2f", v) },
	"usd":   usd,
	"sortv": sortValue,
	"chart": chart,
	"join":  strings.Join,
	// The stylesheet and the script are inserted as they are, byte for
	// byte: their hashes are in the CSP.
	"csp":     func() string { return pageCSP },
	"css":     func() template.CSS { return template.CSS(pageCSS) },
	"script":  func() template.JS { return template.JS(pageJS) },
	"release": lastRelease,
}).Parse(pageTemplate))

// grafanaProjectUID is the uid of the project drill-down dashboard
// (dashboards.ProjectUID; a test keeps them equal, without this package
// importing the dashboards' SDK) and grafanaRepoVar its variable naming the
// repository.
const (
	grafanaProjectUID = "fundwatch-project"
	grafanaRepoVar    = "repo"
)

// DefaultGitHub is where repositories are linked when Links.GitHub is not
// set.
const DefaultGitHub = "https://github.com/"

// Links says where the HTML page links each project.
type Links struct {
	// GitHub is the web address repositories live under: "https://HOST/"
	// of a GitHub Enterprise Server; DefaultGitHub when empty.
	GitHub string
	// NoGitHub: the projects are on no GitHub a reader can open (the
	// demo's world is made up, served by a fake that is gone when the demo
	// ends), so the page names them without linking them anywhere.
	NoGitHub bool
	// Grafana is the base URL of the Grafana serving fundwatch's
	// dashboards (config web.grafana_url); when set, each project links to
	// its drill-down dashboard. Empty: no Grafana links.
	Grafana string
}

// Option changes how the report is written.
type Option func(*options)

type options struct {
	links Links
}

// WithLinks sets where the HTML page links each project (the other formats
// have no links).
func WithLinks(l Links) Option { return func(o *options) { o.links = l } }

// pageData is what the template renders: the report, and the links.
type pageData struct {
	Report
	links Links
}

// RepoURL is the repository's page on GitHub, "" if it has none
// (Links.NoGitHub).
func (d pageData) RepoURL(repo string) string {
	if d.links.NoGitHub {
		return ""
	}
	base := d.links.GitHub
	if base == "" {
		base = DefaultGitHub
	}
	var parts []string
	for _, p := range strings.Split(repo, "/") {
		parts = append(parts, url.PathEscape(p))
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.Join(parts, "/")
}

// DrillDownURL is the repository's drill-down dashboard in Grafana, "" if
// no Grafana is configured.
func (d pageData) DrillDownURL(repo string) string {
	if d.links.Grafana == "" {
		return ""
	}
	return strings.TrimSuffix(d.links.Grafana, "/") + "/d/" + grafanaProjectUID + "/?" +
		url.Values{"var-" + grafanaRepoVar: {repo}}.Encode()
}

// WriteHTML writes a self-contained page: a compact table ranking the
// projects, sortable, and per project a full-width section (a <details>)
// with its reasons, its figures and a chart of paid vs volunteer work over
// the last three years; a print stylesheet shows every section. It loads
// nothing from anywhere (inline CSS, script and SVG, and a
// Content-Security-Policy that forbids anything else). The links to GitHub
// and Grafana are set with WithLinks.
func WriteHTML(w io.Writer, r Report, opts ...Option) error {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return page.Execute(w, pageData{Report: r, links: o.links})
}

// sortValue is the number a column sorts by; unavailable sorts last.
func sortValue(v analysis.Value) string {
	if !v.OK {
		return ""
	}
	return fmt.Sprintf("%g", v.V)
}

// usd formats whole dollars with thousands separators: $12,500.
func usd(v float64) string {
	s := strconv.FormatFloat(v, 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-$" + b.String()
	}
	return "$" + b.String()
}

// chart draws the quarters as stacked bars (paid, unknown, volunteer, bot)
// in inline SVG, scaled to the project's busiest quarter, each bar with its
// total above it and its quarter (and, at each year's first quarter, the
// year) below. It is drawn at 1:1 and shrinks with its container.
func chart(qs []analysis.Quarter) template.HTML {
	if len(qs) == 0 {
		return template.HTML(`<p class="muted nochart">No chart: who does the work and who pays for it is not known yet.</p>`)
	}
	const (
		pitch  = 28 // a quarter's width
		bar    = 20
		top    = 13 // room for the busiest quarter's total
		plot   = 96 // height of the busiest quarter's bar
		labels = 26 // the quarter and the year below the axis
	)
	max := 1
	for _, q := range qs {
		if t := q.Paid + q.Volunteer + q.Unknown + q.Bot; t > max {
			max = t
		}
	}
	w, h := len(qs)*pitch, top+plot+labels
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" width="%d" height="%d" viewBox="0 0 %d %d"><title>Commits per quarter from %s to %s: paid (blue), unknown (grey), volunteer (orange), bots (light); busiest quarter %d commits</title>`,
		w, h, w, h, quarterName(qs[0].Start), quarterName(qs[len(qs)-1].Start), max)
	fmt.Fprintf(&b, `<line class="axis" x1="0" y1="%d" x2="%d" y2="%d"></line>`, top+plot, w, top+plot)
	for i, q := range qs {
		x := i*pitch + (pitch-bar)/2
		mid := i*pitch + pitch/2
		y := float64(top + plot)
		total := 0
		for _, part := range []struct {
			n     int
			class string
		}{{q.Paid, "paid"}, {q.Unknown, "unknown"}, {q.Volunteer, "volunteer"}, {q.Bot, "bot"}} {
			if part.n == 0 {
				continue
			}
			total += part.n
			bh := float64(part.n) / float64(max) * plot
			y -= bh
			fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%.1f" width="%d" height="%.1f"><title>%s: %d %s</title></rect>`,
				part.class, x, y, bar, bh, quarterName(q.Start), part.n, part.class)
		}
		fmt.Fprintf(&b, `<text class="count" x="%d" y="%.1f">%d</text>`, mid, y-3, total)
		fmt.Fprintf(&b, `<text x="%d" y="%d">Q%d</text>`, mid, top+plot+11, quarter(q.Start))
		if i == 0 || quarter(q.Start) == 1 {
			fmt.Fprintf(&b, `<text x="%d" y="%d">%d</text>`, mid, top+plot+23, q.Start.Year())
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func quarter(t time.Time) int { return (int(t.Month())-1)/3 + 1 }

func quarterName(t time.Time) string {
	return fmt.Sprintf("%d Q%d", t.Year(), quarter(t))
}
