package triage

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/dashboards"
)

func renderString(t *testing.T, r Report, opts ...Option) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, r, opts...); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The CSP allows the page's own stylesheet and script by their hashes, and
// nothing else: no 'unsafe-inline', no other source.
func TestPageCSPPinsItsStyleAndScript(t *testing.T) {
	t.Parallel()
	p := renderString(t, Build(testSnapshot()))
	meta := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(p)
	if meta == nil {
		t.Fatal("no CSP")
	}
	csp := html.UnescapeString(meta[1])
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	between := func(open, close string) string {
		t.Helper()
		if strings.Count(p, open) != 1 {
			t.Fatalf("want one %s, got %d", open, strings.Count(p, open))
		}
		_, rest, _ := strings.Cut(p, open)
		body, _, ok := strings.Cut(rest, close)
		if !ok {
			t.Fatalf("%s not closed", open)
		}
		return body
	}
	want := "default-src 'none'; style-src " + hash(between("<style>", "</style>")) + "; script-src " + hash(between("<script>", "</script>")) +
		"; base-uri 'none'; form-action 'none'"
	if csp != want {
		t.Errorf("CSP\n%s\nwant (the hashes of what the page holds)\n%s", csp, want)
	}
	if regexp.MustCompile(`\s(style|on[a-z]+)=`).MatchString(p) {
		t.Error("the page has an inline style or event handler attribute, which its CSP refuses")
	}
}

func TestPageLinks(t *testing.T) {
	t.Parallel()
	r := Report{AsOf: asOf, Rows: []Row{
		{Rank: 1, Repo: "acme/json", Available: true, Reasons: []string{"r"}},
		{Rank: 2, Repo: `evil/"><script>alert(1)</script>`, Reasons: []string{"not analysed yet"}},
	}}
	hrefs := func(p string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(p, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
		return out
	}

	// By default: GitHub only, twice a project (its name, its details).
	p := renderString(t, r)
	want := []string{"https://github.com/acme/json", "https://github.com/acme/json",
		"https://github.com/evil/%22%3E%3Cscript%3Ealert%281%29%3C/script%3E", "https://github.com/evil/%22%3E%3Cscript%3Ealert%281%29%3C/script%3E"}
	if got := hrefs(p); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("links\n%q\nwant\n%q", got, want)
	}
	if strings.Count(p, "<script>") != 1 || strings.Contains(p, "Grafana") {
		t.Error("a hostile name is not escaped, or a Grafana link without a Grafana")
	}

	// GitHub Enterprise Server and a Grafana under a path (with or without
	// the final slash): the drill-down dashboard, its repo variable set.
	for _, grafana := range []string{"https://example.org/grafana", "https://example.org/grafana/"} {
		p := renderString(t, r, WithLinks(Links{GitHub: "https://ghe.example.com/", Grafana: grafana}))
		want := []string{
			"https://ghe.example.com/acme/json", "https://example.org/grafana/d/fundwatch-project/?var-repo=acme%2Fjson",
			"https://ghe.example.com/acme/json", "https://example.org/grafana/d/fundwatch-project/?var-repo=acme%2Fjson",
		}
		if got := hrefs(p)[:4]; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("with Grafana %s: links\n%q\nwant\n%q", grafana, got, want)
		}
		if !strings.Contains(p, `?var-repo=evil%2F%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"`) {
			t.Errorf("with Grafana %s: the hostile name is not escaped in its drill-down link", grafana)
		}
	}

	// A made-up world (the demo's): no GitHub link at all, the names
	// still shown; the Grafana drill-down only, when there is a Grafana.
	for _, grafana := range []string{"", "https://example.org/grafana/"} {
		p := renderString(t, r, WithLinks(Links{NoGitHub: true, Grafana: grafana}))
		var want []string
		if grafana != "" {
			want = []string{"https://example.org/grafana/d/fundwatch-project/?var-repo=acme%2Fjson", "https://example.org/grafana/d/fundwatch-project/?var-repo=acme%2Fjson"}
		}
		if got := hrefs(p); len(got) < len(want) || strings.Join(got[:len(want)], " ") != strings.Join(want, " ") ||
			strings.Contains(strings.Join(got, " "), "github") || strings.Contains(p, "on GitHub") {
			t.Errorf("without GitHub, Grafana %q: links\n%q\nwant only\n%q", grafana, got, want)
		}
		if !strings.Contains(p, `<span class="name">acme/json</span>`) {
			t.Errorf("without GitHub, Grafana %q: the project is not named", grafana)
		}
		if grafana == "" && strings.Contains(p, `class="links"`) {
			t.Error("without GitHub or Grafana, an empty paragraph of links")
		}
	}

	// What html/template refuses in a URL stays refused.
	p = renderString(t, r, WithLinks(Links{GitHub: "javascript:alert(1)//", Grafana: "javascript:alert(2)//"}))
	if strings.Contains(p, "javascript:") {
		t.Error("a javascript: link got through")
	}
}

// The drill-down links go to the dashboard the dashboards package builds.
func TestGrafanaProjectDashboard(t *testing.T) {
	t.Parallel()
	if grafanaProjectUID != dashboards.ProjectUID {
		t.Errorf("the triage page links to dashboard %q, the project drill-down is %q", grafanaProjectUID, dashboards.ProjectUID)
	}
}

func TestChart(t *testing.T) {
	t.Parallel()
	if got := string(chart(nil)); !strings.Contains(got, "No chart") || strings.Contains(got, "<svg") {
		t.Errorf("no quarters: %s", got)
	}
	q := func(y int, m time.Month, paid, vol int) analysis.Quarter {
		return analysis.Quarter{Start: time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), Paid: paid, Volunteer: vol}
	}
	got := string(chart([]analysis.Quarter{q(2025, 10, 10, 30), q(2026, 1, 0, 20), q(2026, 4, 0, 0)}))
	for _, want := range []string{
		`<svg class="chart" role="img" width="84" height="135" viewBox="0 0 84 135">`,
		"Commits per quarter from 2025 Q4 to 2026 Q2", "busiest quarter 40 commits",
		`<title>2025 Q4: 10 paid</title>`, `<title>2026 Q1: 20 volunteer</title>`,
		`>40</text>`, `>20</text>`, `>0</text>`, `>Q4</text>`, `>Q1</text>`, `>2025</text>`, `>2026</text>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("chart lacks %s:\n%s", want, got)
		}
	}
}

func TestUSD(t *testing.T) {
	t.Parallel()
	for v, want := range map[float64]string{0: "$0", 999: "$999", 1000: "$1,000", 12500.4: "$12,500", 1234567: "$1,234,567", -1500: "-$1,500"} {
		if got := usd(v); got != want {
			t.Errorf("usd(%v) = %s, want %s", v, got, want)
		}
	}
}
