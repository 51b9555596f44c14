package service

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/metrics"
	"github.com/prometheus/common/expfmt"
)

// TestAppExportsTheResolvedWatchList: the app collects and exports what
// the watch list resolves to, with joined owners on fundwatch_repo_info,
// and exports the unmapped dependencies.
func TestAppExportsTheResolvedWatchList(t *testing.T) {
	t.Parallel()
	fixtures, err := filepath.Abs("../watchlist/testdata")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	body := fmt.Sprintf("store:\n  path: %s/fw.db\nwatch:\n  - repo: golang/net\n    owner: security-team\n    tier: low\n"+
		"  - gomod: %s/gomod/go.mod\n    owner: platform-team\n    tier: high\n    indirect: false\n  - sbom: %s/sbom/spdx.json\n",
		dir, fixtures, fixtures)
	a := newApp(t, body)
	repos := a.Repos()
	if len(repos) != 19 || repos[0].String() != "golang/net" {
		t.Errorf("repos = %v", repos)
	}
	if err := a.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	mfs, err := metrics.NewRegistry(a.snap, a.self).Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			t.Fatal(err)
		}
	}
	text := b.String()
	for _, want := range []string{
		`fundwatch_repo_info{owner="platform-team,security-team",repo="golang/net",tier="high"} 1`,
		`fundwatch_repo_info{owner="",repo="curl/curl",tier=""} 1`,
		`fundwatch_watch_unmapped{source="gomod:` + fixtures + `/gomod/go.mod"} 3`,
		`fundwatch_watch_unmapped{source="sbom:` + fixtures + `/sbom/spdx.json"} 3`,
		`fundwatch_watch_unmapped_info{dependency="modernc.org/sqlite",source="gomod:` + fixtures + `/gomod/go.mod"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// Every route the handler serves beside the telemetry path is reserved in
// the config, so a clash is caught when the config is read.
func TestReservedPathsAreTheFixedRoutes(t *testing.T) {
	t.Parallel()
	var routes []string
	for path := range (&App{}).fixedRoutes() {
		routes = append(routes, path)
	}
	sort.Strings(routes)
	reserved := append([]string(nil), config.ReservedPaths...)
	sort.Strings(reserved)
	if strings.Join(routes, " ") != strings.Join(reserved, " ") {
		t.Errorf("fixed routes %v, config.ReservedPaths %v", routes, reserved)
	}
	if _, err := (&App{}).Handler("/triage"); err == nil {
		t.Error("the handler accepted a telemetry path that clashes")
	}
}

// The server closes what a client holds too long: headers, requests and
// idle keep-alive connections all have limits.
func TestHTTPServerTimeouts(t *testing.T) {
	t.Parallel()
	s := newHTTPServer(http.NotFoundHandler())
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.IdleTimeout <= 0 || s.WriteTimeout <= 0 || s.MaxHeaderBytes <= 0 {
		t.Errorf("unbounded server: %+v", s)
	}
}

// newApp is the App of a config (its YAML), closed when the test ends.
func newApp(t *testing.T, yaml string) *App {
	t.Helper()
	cfg, err := config.Parse("fw.yaml", []byte(yaml), nil, ConfigOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// servingApp is an App watching what watch lists (the lines under
// watch:), its store in dir, refreshed once, and the handler serve mounts
// at the default telemetry path.
func servingApp(t *testing.T, dir, watch string) (*App, http.Handler) {
	t.Helper()
	a := newApp(t, fmt.Sprintf("store:\n  path: %s/fw.db\nwatch:\n%s", dir, watch))
	if err := a.Refresh(context.Background()); err != nil { // readiness and the triage need a snapshot
		t.Fatal(err)
	}
	h, err := a.Handler(config.DefaultTelemetryPath)
	if err != nil {
		t.Fatal(err)
	}
	return a, h
}

// Metrics, health, readiness and the triage never wait for a refresh
// under way: the refresh computes holding only its own lock, and the
// exporter swaps in what it encoded. (How fast they answer while a real
// refresh of thousands of repositories runs is a benchmark's:
// analysis BenchmarkRefresh10k; this checks that they do not wait.)
func TestReadersDoNotWaitForARefresh(t *testing.T) {
	t.Parallel()
	a, h := servingApp(t, t.TempDir(), "  - repo: golang/net\n")
	a.refreshing.Lock() // a refresh is computing
	defer a.refreshing.Unlock()
	for _, path := range []string{"/metrics", "/-/ready", "/-/healthy", "/triage", "/triage.json"} {
		done := make(chan *httptest.ResponseRecorder)
		go func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			done <- rec
		}()
		select {
		case rec := <-done:
			if rec.Code != http.StatusOK {
				t.Errorf("%s: %d during a refresh", path, rec.Code)
			}
			if path == "/metrics" && !strings.Contains(rec.Body.String(), "fundwatch_watched_repos 1") {
				t.Errorf("/metrics during a refresh lacks the last snapshot:\n%s", rec.Body)
			}
		case <-time.After(30 * time.Second): // a failure bound: it answers at once or hangs
			t.Fatalf("%s waited for the refresh", path)
		}
	}
}

// The triage page links each project to the GitHub the API belongs to,
// and to its Grafana drill-down when web.grafana_url is set.
func TestTriagePageLinks(t *testing.T) {
	t.Parallel()
	snap := &analysis.Snapshot{Repos: []analysis.Repo{{Target: analysis.Target{Repo: "acme/json"}}}}
	for _, tt := range []struct {
		api, grafana, github, drillDown string
		fictional                       bool
	}{
		{config.DefaultAPIURL, "", "https://github.com/acme/json", "", false},
		{"https://ghe.example.com/api/v3/", "https://example.org/grafana", "https://ghe.example.com/acme/json",
			"https://example.org/grafana/d/fundwatch-project/?var-repo=acme%2Fjson", false},
		// The demo: its fake GitHub answers no browser, and its world is
		// made up: no GitHub link, neither to the fake nor to github.com.
		{"http://127.0.0.1:41234/", "http://localhost:3000/", "", "http://localhost:3000/d/fundwatch-project/?var-repo=acme%2Fjson", true},
	} {
		cfg := &config.Config{GitHub: config.GitHub{APIURL: tt.api}, Web: config.Web{GrafanaURL: tt.grafana}}
		a := &App{cfg: cfg, last: snap}
		if tt.fictional {
			a.SetFictional()
		}
		rec := httptest.NewRecorder()
		a.fixedRoutes()["/triage"].ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/triage", nil))
		page := rec.Body.String()
		if rec.Code != http.StatusOK || tt.github != "" && !strings.Contains(page, `href="`+tt.github+`"`) {
			t.Errorf("API %s: %d, no link to %s", tt.api, rec.Code, tt.github)
		}
		if tt.github == "" && (strings.Contains(page, "127.0.0.1") || strings.Contains(page, "github.com/acme") || strings.Contains(page, "on GitHub")) {
			t.Errorf("API %s, a made-up world: the page links it to a GitHub", tt.api)
		}
		if tt.drillDown != "" && !strings.Contains(page, `href="`+tt.drillDown+`"`) || tt.drillDown == "" && strings.Contains(page, "/d/fundwatch-project/") {
			t.Errorf("Grafana %q: want a drill-down link %q", tt.grafana, tt.drillDown)
		}
	}
}

// An opt-in list naming a family that does not exist is refused, naming
// it and the setting; a known one is served.
func TestMetricOptIn(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct {
		optIn   string
		wantErr string
		serves  string
	}{
		{`[fundwatch_repo_starz]`, "web.metric_opt_in (--metric-opt-in-list): metric opt-in: no metric family fundwatch_repo_starz", ""},
		{`[fundwatch_repo_stars]`, "", "fundwatch_repo_stars"},
	} {
		body := fmt.Sprintf("store:\n  path: %s/fw.db\nweb:\n  metric_opt_in: %s\nwatch:\n  - repo: golang/net\n", dir, tt.optIn)
		cfg, err := config.Parse("fw.yaml", []byte(body), nil, ConfigOptions()...)
		if err != nil {
			t.Fatal(err)
		}
		a, err := New(cfg, slog.New(slog.DiscardHandler))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want %q", tt.optIn, err, tt.wantErr)
			}
			if a != nil {
				a.Close()
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range metrics.Catalogue() {
			if f.Name == tt.serves {
				found = a.Selection().Keeps(f)
			}
		}
		if !found {
			t.Errorf("%s: %s not served", tt.optIn, tt.serves)
		}
		a.Close()
	}
}

// A watch-list resolution that fails while serving keeps the previous
// list, collected and exported as before, and says so in
// fundwatch_watch_resolve_success (the log alone fired no alert); the
// next one that works sets it back.
func TestFailedRewatchIsExported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	good := "module example.com/m\n\ngo 1.22\n\nrequire (\n\tgithub.com/acme/widget v1.0.0\n\tgithub.com/bob/tool v0.1.0\n)\n"
	if err := os.WriteFile(gomod, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	a, h := servingApp(t, dir, "  - gomod: "+gomod+"\n")
	scrape := func() string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		return rec.Body.String()
	}
	value := func(text, name string) string {
		m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("/metrics lacks %s", name)
		}
		return m[1]
	}
	const (
		ok   = "fundwatch_watch_resolve_success"
		when = "fundwatch_watch_last_resolve_success_timestamp_seconds"
	)
	watched := []string{`repo="acme/widget"`, `repo="bob/tool"`}
	before := scrape()
	if value(before, ok) != "1" || value(before, when) == "0" {
		t.Fatalf("after start: %s %s, %s %s", ok, value(before, ok), when, value(before, when))
	}

	// The file turns bad: a byte that is not UTF-8 in a module path.
	bad := strings.Replace(good, "bob/tool", "bob/t\xffol", 1)
	if err := os.WriteFile(gomod, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := a.Rewatch(context.Background()); err == nil {
		t.Fatal("Rewatch of a bad go.mod worked")
	}
	after := scrape()
	if value(after, ok) != "0" {
		t.Errorf("after a failed resolution %s = %s, want 0", ok, value(after, ok))
	}
	if value(after, when) != value(before, when) {
		t.Errorf("%s moved on a failure: %s, was %s", when, value(after, when), value(before, when))
	}
	if got := fmt.Sprint(a.Repos()); got != "[acme/widget bob/tool]" {
		t.Errorf("watched after the failure: %s, want the previous list", got)
	}
	for _, r := range watched {
		if !regexp.MustCompile(`fundwatch_repo_info\{[^}]*` + regexp.QuoteMeta(r)).MatchString(after) {
			t.Errorf("the previous list is no longer exported: no fundwatch_repo_info{%s}", r)
		}
	}

	// Fixed: the next resolution sets it back.
	if err := os.WriteFile(gomod, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := a.Rewatch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := value(scrape(), ok); v != "1" {
		t.Errorf("after a resolution that worked again %s = %s, want 1", ok, v)
	}
}

// Every link of the landing page answers: a newcomer's first click must
// not be a 404 (it once linked the pprof endpoints, which are not served).
func TestLandingPageLinksAnswer(t *testing.T) {
	t.Parallel()
	_, h := servingApp(t, t.TempDir(), "  - repo: golang/net\n")
	srv := httptest.NewServer(h)
	defer srv.Close()
	base, _ := url.Parse(srv.URL + "/")
	get := func(u string) (int, string) {
		t.Helper()
		resp, err := srv.Client().Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, page := get(base.String())
	if code != http.StatusOK {
		t.Fatalf("landing page: %d", code)
	}
	links := regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1)
	if len(links) < 4 {
		t.Fatalf("the landing page has %d links, want metrics, triage, health and readiness:\n%s", len(links), page)
	}
	for _, m := range links {
		ref, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil {
			t.Errorf("link %q: %v", m[1], err)
			continue
		}
		u := base.ResolveReference(ref)
		if u.Host != base.Host {
			t.Errorf("link %s leaves fundwatch: the test cannot follow it, and a newcomer should not need to", u)
			continue
		}
		if code, _ := get(u.String()); code != http.StatusOK {
			t.Errorf("link %s answers %d", m[1], code)
		}
	}
}
