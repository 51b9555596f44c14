package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/internal/tooltest"
	"github.com/fundwatch/fundwatch/store"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

var binary string

// TestMain builds the real binary once: these tests exercise fundwatch the
// way a user does, through its command line.
func TestMain(m *testing.M) { tooltest.RunWithBinary(m, ".", &binary) }

func freePort(t *testing.T) string { return tooltest.FreeAddr(t) }

// The demo serves every repository of its world once its first collection
// is done. The wait follows the demo's progress (its log, at info level),
// not a guessed duration: a loaded machine that keeps collecting is
// waited for, a demo silent for a minute is stuck.
func TestDemoServesEveryRepository(t *testing.T) {
	addr := freePort(t)
	const endDate = "2026-11-01"
	cmd := exec.Command(binary, "demo", "--web.listen-address="+addr, "--demo.end="+endDate, "--log.level=info")
	start := time.Now()
	out := tooltest.Start(t, "demo", cmd)
	out.WaitFor(t, "demo", "Metrics: ", time.Minute)
	t.Logf("first collection done after %s", time.Since(start).Round(time.Millisecond))

	end, _ := time.Parse(time.DateOnly, endDate)
	world, err := scenario.Demo(end)
	if err != nil {
		t.Fatal(err)
	}
	summary := out.String()
	// The triage list is printed too, ranked, with its reasons.
	for _, want := range []string{"Grant triage as of 2026-11-01", "1. ", "Grant triage page: http://"} {
		if !strings.Contains(summary, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(body)
	// The grant triage of the same snapshot, served as a page.
	resp, err = http.Get("http://" + addr + "/triage")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("/triage: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	for _, r := range world.Repos {
		if !strings.Contains(string(page), `data-repo="`+r.FullName()+`"`) {
			t.Errorf("/triage lacks %s", r.FullName())
		}
	}
	// The demo's world is made up: no project links to a GitHub, neither
	// the fake one (a JSON 404 in a browser) nor github.com.
	if hrefs := regexp.MustCompile(`href="[^"]*"`).FindAllString(string(page), -1); len(hrefs) > 0 {
		t.Errorf("/triage of the demo links %q, want no link", hrefs)
	}
	for _, r := range world.Repos {
		name := r.FullName()
		if !strings.Contains(summary, name) {
			t.Errorf("summary table lacks %s", name)
		}
		// The default families (the detail is opt-in).
		for _, series := range []string{
			`fundwatch_repo_info{owner=`,
			`fundwatch_repo_drift_risk_score{repo="` + name + `"}`,
			`fundwatch_repo_funding_gap_score{repo="` + name + `"}`,
			`fundwatch_repo_lifecycle{repo="` + name + `",state=`,
			`fundwatch_repo_oldest_success_timestamp_seconds{repo="` + name + `"}`,
		} {
			if !strings.Contains(metrics, series) {
				t.Errorf("/metrics lacks %s", series)
			}
		}
	}
	if strings.Contains(metrics, "fundwatch_repo_stars{") {
		t.Error("/metrics serves an opt-in family by default")
	}
	for _, series := range []string{"fundwatch_build_info{", `fundwatch_collector_runs_total{collector="commits"} 1`, "fundwatch_github_requests_total{", "fundwatch_github_rate_limit_remaining{resource=\"core\"}", "process_resident_memory_bytes", "go_goroutines"} {
		if !strings.Contains(metrics, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
	problems, err := promlint.New(strings.NewReader(metrics)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "fundwatch_") {
			t.Errorf("promlint: %s: %s", p.Metric, p.Text)
		}
	}
	if promtool, err := exec.LookPath("promtool"); err == nil {
		check := exec.Command(promtool, "check", "metrics")
		check.Stdin = strings.NewReader(metrics)
		if out, err := check.CombinedOutput(); err != nil {
			// promtool flags the standard go_/process_ collectors too;
			// only fundwatch's own families must be clean.
			for _, l := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(l, "fundwatch_") {
					t.Errorf("promtool check metrics: %s", l)
				}
			}
		}
	}
	if strings.Contains(metrics, demoToken) || strings.Contains(out.String(), demoToken) || strings.Contains(summary, demoToken) {
		t.Error("the token appears in the output")
	}
}

func TestHelpOfEveryCommand(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"demo", "--help"}, {"serve", "--help"}, {"collect", "--help"}} {
		out, err := exec.Command(binary, args...).CombinedOutput()
		if err != nil {
			t.Errorf("%v: %v\n%s", args, err, out)
			continue
		}
		if !strings.Contains(string(out), "usage: fundwatch") {
			t.Errorf("%v: no usage text:\n%s", args, out)
		}
	}
	out, _ := exec.Command(binary, "serve", "--help").CombinedOutput()
	for _, flag := range []string{"--config", "--web.listen-address", "--web.telemetry-path", "--web.config.file", "--log.level"} {
		if !strings.Contains(string(out), flag) {
			t.Errorf("serve --help lacks %s", flag)
		}
	}
}

func TestBadConfigFailsWithAClearMessage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, body string
		want       []string
	}{
		{"badrepo.yaml", "watch:\n  - repo: not-a-repo\n", []string{"badrepo.yaml:2", "watch[0].repo", "not-a-repo"}},
		{"badcron.yaml", "collectors:\n  commits:\n    schedule: \"every hour\"\nwatch:\n  - repo: a/b\n", []string{"badcron.yaml:3", "collectors.commits.schedule"}},
		{"unknown.yaml", "watch:\n  - repo: a/b\n    teir: critical\n", []string{"unknown.yaml:3", "teir"}},
	}
	for _, c := range cases {
		path := write(c.name, c.body)
		for _, sub := range []string{"collect", "serve"} {
			cmd := exec.Command(binary, sub, "--config", path, "--web.listen-address=127.0.0.1:0")
			if sub == "collect" {
				cmd = exec.Command(binary, sub, "--config", path)
			}
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Errorf("%s %s: succeeded", sub, c.name)
				continue
			}
			for _, w := range c.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("%s %s: message lacks %q:\n%s", sub, c.name, w, out)
				}
			}
		}
	}
	out, err := exec.Command(binary, "collect", "--config", filepath.Join(dir, "missing.yaml")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "missing.yaml") {
		t.Errorf("missing config file: err=%v\n%s", err, out)
	}
}

// A telemetry path that clashes with a route fundwatch serves, or is not a
// path at all, is refused with a message naming it, by flag or in the
// config, before anything starts: never a panic.
func TestTelemetryPathClashes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		flag string // "" = set in the config instead
		cfg  string
		want string
	}{
		{"flag: triage", "/triage", "", `--web.telemetry-path: "/triage" is served by fundwatch already`},
		{"flag: triage.json", "/triage.json", "", `"/triage.json" is served by fundwatch already`},
		{"flag: healthy", "/-/healthy", "", `"/-/healthy" is served by fundwatch already`},
		{"flag: relative", "metrics", "", `--web.telemetry-path: "metrics" must start with /`},
		{"flag: empty", "", "", `--web.telemetry-path: "" must start with /`},
		{"config: triage.csv", "-", "web:\n  telemetry_path: /triage.csv\n", `web.telemetry_path: "/triage.csv" is served by fundwatch already`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_", ":", "").Replace(tc.name)+".yaml")
			os.WriteFile(cfg, []byte(tc.cfg+"watch: [a/b]\n"), 0o644)
			args := []string{"serve", "--config", cfg, "--web.listen-address", freePort(t)}
			if tc.flag != "-" {
				args = append(args, "--web.telemetry-path="+tc.flag)
			}
			out, err := exec.Command(binary, args...).CombinedOutput()
			if err == nil {
				t.Fatalf("serve started:\n%s", out)
			}
			if !strings.Contains(string(out), tc.want) || strings.Contains(string(out), "goroutine") {
				t.Errorf("output %q, want it to contain %q (and no panic)", out, tc.want)
			}
		})
	}
}

// --web.grafana-url sets where the triage page links each project's
// drill-down, overriding web.grafana_url as the other web flags override
// their keys; a URL the config would refuse is refused by flag too, before
// anything starts, without echoing a password.
func TestGrafanaURLFlag(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(demoFake(t))
	defer srv.Close()
	const drillDown = `/d/fundwatch-project/?var-repo=fastjson%2Ffastjson"`
	for _, tt := range []struct {
		name, cfg, flag string
		want, not       string // in the page, or in the error when the flag is refused
		refused         bool
	}{
		{"flag", "", "http://localhost:3000/", `href="http://localhost:3000` + drillDown, "", false},
		{"flag over config", "web:\n  grafana_url: https://config.example.org/\n", "http://localhost:3000/",
			`href="http://localhost:3000` + drillDown, "config.example.org", false},
		{"config", "web:\n  grafana_url: https://config.example.org/\n", "", `href="https://config.example.org` + drillDown, "", false},
		{"relative", "", "grafana.example.org", `--web.grafana-url: "grafana.example.org" is not an absolute http or https URL`, "", true},
		{"password", "", "https://admin:S3cretPw@g.example.org/", "--web.grafana-url: must not contain a user name or password", "S3cretPw", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := restConfig(t, srv.URL, "fastjson/fastjson")
			if tt.cfg != "" {
				f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				f.WriteString(tt.cfg)
				f.Close()
			}
			addr := freePort(t)
			args := []string{"serve", "--config", cfg, "--web.listen-address", addr}
			if tt.flag != "" {
				args = append(args, "--web.grafana-url="+tt.flag)
			}
			cmd := exec.Command(binary, args...)
			cmd.Env = append(os.Environ(), "GITHUB_TOKEN=ghp_grafanaflag00000000000000000000000000")
			if tt.refused {
				out, err := cmd.CombinedOutput()
				if err == nil || !strings.Contains(string(out), tt.want) || tt.not != "" && strings.Contains(string(out), tt.not) {
					t.Errorf("serve %v: err %v, output %q; want it refused with %q, never showing %q", args, err, out, tt.want, tt.not)
				}
				return
			}
			tooltest.Start(t, "serve", cmd).WaitFor(t, "serve", "Listening on", time.Minute)
			resp, err := http.Get("http://" + addr + "/triage")
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), tt.want) ||
				tt.not != "" && strings.Contains(string(page), tt.not) {
				t.Errorf("/triage: %s; want a link %s, and none to %q", resp.Status, tt.want, tt.not)
			}
		})
	}
}

// --no-collector.<name> turns a collector off, whatever the config says,
// as node_exporter's flags do; the collectors declare the flags themselves.
func TestCollectorFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		flags []string
		users bool
	}{
		{"default", nil, true},
		{"users off", []string{"--no-collector.users"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := demoFake(t)
			srv := httptest.NewServer(fake)
			defer srv.Close()
			cfg, db := restConfig(t, srv.URL, "fastjson/fastjson")
			cmd := exec.Command(binary, append([]string{"collect", "--config", cfg, "--log.level", "warn"}, tt.flags...)...)
			cmd.Env = append(os.Environ(), "GITHUB_TOKEN=ghp_flagtest0000000000000000000000000000")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("collect: %v\n%s", err, out)
			}
			// Profiles come 50 to a GraphQL query: the users collector ran
			// if the store holds any.
			st, err := store.Open(db)
			if err != nil {
				t.Fatal(err)
			}
			us, err := st.Users(context.Background())
			st.Close()
			if err != nil {
				t.Fatal(err)
			}
			if n := len(us); (n > 0) != tt.users {
				t.Errorf("%d profiles stored", n)
			}
			if n := fake.Count("/repos/{owner}/{repo}/commits", http.StatusOK); n == 0 {
				t.Error("the other collectors did not run")
			}
		})
	}
}

// collect exits non-zero when a repository's refresh failed, saying what
// was kept; the others are collected all the same.
func TestCollectReportsFailures(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(demoFake(t))
	defer srv.Close()
	cfg, _ := restConfig(t, srv.URL, "fastjson/fastjson", "nobody/nothing")
	cmd := exec.Command(binary, "collect", "--config", cfg, "--log.level", "error")
	cmd.Env = append(os.Environ(), "GITHUB_TOKEN=ghp_failtest0000000000000000000000000000")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "refreshes failed (see the log); what was collected is stored") {
		t.Errorf("collect: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "fastjson/fastjson") {
		t.Errorf("the summary lacks the repository that was collected:\n%s", out)
	}
}

// An address in use is one clear line naming it and the flag to change,
// before anything starts: no collection, no noise.
func TestAddressInUse(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "fw.yaml")
	os.WriteFile(cfg, []byte("store:\n  path: "+filepath.Join(dir, "fw.db")+"\nwatch: [a/b]\n"), 0o644)
	for _, args := range [][]string{
		{"demo", "--web.listen-address", addr},
		{"serve", "--config", cfg, "--web.listen-address", addr},
	} {
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(), "GITHUB_TOKEN=ghp_portinuse0000000000000000000000000000")
		out, err := cmd.CombinedOutput()
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if err == nil || len(lines) != 1 || !strings.Contains(lines[0], "cannot listen on "+addr) || !strings.Contains(lines[0], "--web.listen-address") {
			t.Errorf("%s: %v\n%s", args[0], err, out)
		}
	}
}

// The small things a user notices first: no command is an error with the
// usage (not a silent success), --version says a version, and the
// container health check answers for a running fundwatch.
func TestUsageVersionAndHealthcheck(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "usage: fundwatch") {
		t.Errorf("no command: %v\n%s; want the usage and exit status 2", err, out)
	}
	out, err = exec.Command(binary, "--version").CombinedOutput()
	if err != nil || !regexp.MustCompile(`fundwatch, version \S+`).Match(out) {
		t.Errorf("--version: %v\n%s", err, out)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/-/healthy" {
			http.Error(w, "no", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	if out, err := exec.Command(binary, "healthcheck", "--url", srv.URL+"/-/healthy").CombinedOutput(); err != nil {
		t.Errorf("healthcheck of a healthy server: %v\n%s", err, out)
	}
	if out, err := exec.Command(binary, "healthcheck", "--url", srv.URL+"/-/ready").CombinedOutput(); err == nil || !strings.Contains(string(out), "503") {
		t.Errorf("healthcheck of a failing URL: %v\n%s; want a failure naming the status", err, out)
	}
}
