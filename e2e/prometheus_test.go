package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/dashboards"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
	"github.com/fundwatch/fundwatch/gitmirror"
	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// demoEnd pins the demo's history so the expected alerts do not depend on
// the day the test runs.
const demoEnd = "2026-11-25"

// storyAlerts says which alerts each story of the demo scenario must raise
// (for repositories of the given tier), and by omission which it must not:
// the healthy ones raise none.
var storyAlerts = map[string][]string{
	"healthy-corporate":  nil,
	"employer-exit":      {"FundwatchEmployerExit"},
	"volunteer-critical": {"FundwatchCriticalBusFactorOne", "FundwatchCriticalVolunteerOnly", "FundwatchUnresponsiveMaintainers"},
	"abandoned":          {"FundwatchProjectAbandoned", "FundwatchUnresponsiveMaintainers"},
	"finished":           nil,
	// A sole volunteer maintainer handed over to another volunteer.
	"handover":  {"FundwatchCriticalBusFactorOne", "FundwatchCriticalVolunteerOnly", "FundwatchMaintainerHandover"},
	"revived":   nil,
	"archived":  nil,
	"bot-heavy": nil,
	"ordinary":  nil,
}

// startStack starts the demo and a real Prometheus scraping it every
// second with the shipped rules, and returns the Prometheus API once it
// has scraped the completed first collection.
func startStack(t *testing.T) (promAPI, *scenario.World) {
	t.Helper()
	prometheus := tooltest.Require(t, "prometheus", "prometheus")
	end, err := time.Parse(time.DateOnly, demoEnd)
	if err != nil {
		t.Fatal(err)
	}
	world, err := scenario.Demo(end)
	if err != nil {
		t.Fatal(err)
	}

	fwAddr := freeAddr(t)
	// Info level: the demo's progress is what the waits below follow.
	fw := start(t, "fundwatch demo", binary, "demo", "--demo.end", demoEnd, "--web.listen-address", fwAddr, "--log.level", "info")

	dir := t.TempDir()
	rules, err := filepath.Abs("../dashboards/rules/fundwatch.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: fundwatch
    static_configs:
      - targets: [%q]
`, rules, fwAddr)
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	promAddr := freeAddr(t)
	start(t, "prometheus", prometheus, "--config.file", cfgPath, "--storage.tsdb.path", filepath.Join(dir, "data"),
		"--web.listen-address", promAddr, "--log.level", "warn")
	api := promAPI{base: "http://" + promAddr}

	fw.waitFor(t, "First collection done", 90*time.Second)
	done := time.Now()
	ctx := context.Background()
	// Wait until Prometheus has scraped the snapshot of the completed
	// first collection (a scrape just before it completed would still
	// hold a partial one), and a few scrapes more for the rate() queries
	// of the collector dashboard.
	eventually(t, 30*time.Second, "Prometheus scraping the analysed demo", func() error {
		r, err := api.query(ctx, `timestamp(up{job="fundwatch"})`, time.Time{})
		if err != nil {
			return err
		}
		if len(r) != 1 || r[0].float() < float64(done.Add(time.Second).Unix()) {
			return fmt.Errorf("no scrape since the first collection completed yet")
		}
		// ... and the recording rules have been evaluated on it.
		r, err = api.query(ctx, `min(timestamp(fundwatch:repos:count_by_lifecycle))`, time.Time{})
		if err != nil {
			return err
		}
		if len(r) != 1 || r[0].float() < float64(done.Add(2*time.Second).Unix()) {
			return fmt.Errorf("recording rules not evaluated since then yet")
		}
		r, err = api.query(ctx, `count(fundwatch_repo_drift_risk_score)`, time.Time{})
		if err != nil {
			return err
		}
		if len(r) != 1 || int(r[0].float()) != len(world.Repos) {
			return fmt.Errorf("drift risk scores: %v, want %d repositories", r, len(world.Repos))
		}
		r, err = api.query(ctx, `count_over_time(up{job="fundwatch"}[1m])`, time.Time{})
		if err != nil {
			return err
		}
		if len(r) != 1 || r[0].float() < 4 {
			return fmt.Errorf("only %v scrapes yet", r)
		}
		return nil
	})
	return api, world
}

// TestPrometheusAlertsOnDemo: with the shipped rules, exactly the alerts
// the demo's stories call for fire, each naming its repository, and the
// healthy projects raise none.
func TestPrometheusAlertsOnDemo(t *testing.T) {
	t.Parallel()
	api, world := startStack(t)
	var want []string
	for _, r := range world.Repos {
		alerts, ok := storyAlerts[r.Truth.Story]
		if !ok {
			t.Fatalf("story %q of %s: add what it should raise to storyAlerts", r.Truth.Story, r.FullName())
		}
		for _, a := range alerts {
			want = append(want, a+" "+r.FullName())
		}
	}
	sort.Strings(want)
	// The demo gives its critical repositories an owner (cmd/fundwatch
	// demo.go); the rules join it onto every alert for routing.
	wantOwner := map[string]string{}
	for _, r := range world.Repos {
		if r.Truth.Tier == "critical" {
			wantOwner[r.FullName()] = "platform-team"
		}
	}
	var got []string
	owners := map[string]string{} // alert and repo -> owner label
	eventually(t, 20*time.Second, "alerts", func() error {
		var data struct {
			Alerts []struct {
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
				State       string            `json:"state"`
			} `json:"alerts"`
		}
		if err := api.get(context.Background(), "/api/v1/alerts", url.Values{}, &data); err != nil {
			return err
		}
		got = got[:0]
		for _, a := range data.Alerts {
			got = append(got, a.Labels["alertname"]+" "+a.Labels["repo"])
			owners[a.Labels["alertname"]+" "+a.Labels["repo"]] = a.Labels["owner"]
			if a.State != "firing" {
				return fmt.Errorf("%s on %s is %s", a.Labels["alertname"], a.Labels["repo"], a.State)
			}
			for _, k := range []string{"summary", "description"} {
				if !strings.Contains(a.Annotations[k], a.Labels["repo"]) {
					t.Errorf("%s on %s: %s %q does not name the repository", a.Labels["alertname"], a.Labels["repo"], k, a.Annotations[k])
				}
			}
			if a.Annotations["runbook"] == "" {
				t.Errorf("%s: no runbook", a.Labels["alertname"])
			}
		}
		sort.Strings(got)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			return fmt.Errorf("firing:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		return nil
	})
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("firing alerts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	owned := 0
	for _, a := range got {
		repo := a[strings.IndexByte(a, ' ')+1:]
		if owners[a] != wantOwner[repo] {
			t.Errorf("%s: owner label %q, want %q", a, owners[a], wantOwner[repo])
		}
		if owners[a] == "platform-team" {
			owned++
		}
	}
	if owned == 0 {
		t.Error("no alert carries the owner label platform-team")
	}
}

// TestDashboardQueriesReturnData runs every query of every shipped
// dashboard (and its template variables) against the real Prometheus
// scraping the demo: each must parse and return data for at least one of
// the demo's repositories (per-repository panels are tried with each repo
// until one answers), except queries the dashboards mark optional.
func TestDashboardQueriesReturnData(t *testing.T) {
	t.Parallel()
	api, world := startStack(t)
	ctx := context.Background()
	var repos []string
	for _, r := range world.Repos {
		repos = append(repos, r.FullName())
	}
	// The drill-down's repo variable lists every watched repository.
	var values []string
	if err := api.get(ctx, "/api/v1/label/repo/values", url.Values{"match[]": {"fundwatch_repo_info"}}, &values); err != nil {
		t.Fatal(err)
	}
	sort.Strings(values)
	sorted := append([]string(nil), repos...)
	sort.Strings(sorted)
	if strings.Join(values, " ") != strings.Join(sorted, " ") {
		t.Errorf("repo variable values %v, want %v", values, sorted)
	}
	// The demo reads history over git where git is usable: the queries
	// that need it must then have data too.
	gitErr := gitmirror.Available()
	qs := dashboards.Queries()
	if len(qs) < 40 {
		t.Fatalf("only %d dashboard queries", len(qs))
	}
	for _, q := range qs {
		name := q.Dashboard + "/" + q.Panel + "/" + q.RefID
		var lastErr error
		ok := false
		for _, repo := range repos {
			expr := dashboards.Substitute(q.Expr, map[string]string{"repo": repo})
			r, err := api.query(ctx, expr, time.Time{})
			if err != nil {
				lastErr = err
				break // a parse error does not depend on the repository
			}
			if len(r) > 0 {
				ok = true
				break
			}
			if !strings.Contains(q.Expr, "$repo") && !strings.Contains(q.Expr, "${repo") {
				break // not per-repository: one try is enough
			}
		}
		switch {
		case lastErr != nil:
			t.Errorf("%s: %v\n%s", name, lastErr, q.Expr)
		case !ok && q.NeedsGit && gitErr != nil:
			t.Logf("%s: no data, as allowed without git (%v)", name, gitErr)
		case !ok && len(dashboards.OptIns(q.Expr)) > 0:
			// The demo serves the default families, as serve does.
			t.Logf("%s: no data, as allowed without opting in to %v", name, dashboards.OptIns(q.Expr))
		case ok && len(dashboards.OptIns(q.Expr)) > 0 && q.Dashboard != dashboards.ProjectUID:
			t.Errorf("%s: data from families served only when opted in (%v)?", name, dashboards.OptIns(q.Expr))
		case !ok && q.Optional == "":
			t.Errorf("%s: no data on the demo\n%s", name, q.Expr)
		case !ok:
			t.Logf("%s: no data, as allowed (%s)", name, q.Optional)
		}
	}
}
