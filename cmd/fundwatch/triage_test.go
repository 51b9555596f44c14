package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// TestTriageOnDemo: on the demo, the grant triage puts the critical
// volunteer-only project and the critical project its employer left at the
// top, the healthy corporate-backed ones at the bottom, each with the
// reasons that put it there.
func TestTriageOnDemo(t *testing.T) {
	t.Parallel()
	const end = "2026-11-25"
	out, err := exec.Command(binary, "triage", "--demo", "--demo.end", end, "--format", "json", "--log.level", "warn").Output()
	if err != nil {
		t.Fatalf("triage --demo: %v", err)
	}
	var report struct {
		Projects []struct {
			Rank      int      `json:"rank"`
			Repo      string   `json:"repo"`
			Available bool     `json:"available"`
			Gap       float64  `json:"funding_gap"`
			Reasons   []string `json:"reasons"`
			Sponsors  int      `json:"sponsors"`
			Known     bool     `json:"sponsors_known"`
		} `json:"projects"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatal(err)
	}
	at, _ := time.Parse(time.DateOnly, end)
	world, err := scenario.Demo(at)
	if err != nil {
		t.Fatal(err)
	}
	story := map[string]string{}
	for _, r := range world.Repos {
		story[r.FullName()] = r.Truth.Story
	}
	if len(report.Projects) != len(world.Repos) {
		t.Fatalf("%d projects ranked, want %d", len(report.Projects), len(world.Repos))
	}
	rank := map[string]int{}
	reasons := map[string]string{}
	for _, p := range report.Projects {
		if !p.Available || len(p.Reasons) == 0 || !p.Known {
			t.Errorf("%s: available=%v sponsors known=%v reasons=%v", p.Repo, p.Available, p.Known, p.Reasons)
		}
		if _, seen := rank[story[p.Repo]]; !seen { // projects come best-ranked first
			rank[story[p.Repo]] = p.Rank
		}
		reasons[story[p.Repo]] += strings.Join(p.Reasons, "\n")
		t.Logf("%2d %-28s %-18s gap %.2f", p.Rank, p.Repo, story[p.Repo], p.Gap)
	}
	for _, s := range []string{"volunteer-critical", "employer-exit"} {
		if rank[s] > 3 {
			t.Errorf("the %s project ranks %d, want it in the top 3", s, rank[s])
		}
	}
	var worstHealthy int
	for _, p := range report.Projects {
		if story[p.Repo] == "healthy-corporate" {
			worstHealthy = max(worstHealthy, len(report.Projects)-p.Rank+1)
		}
	}
	if worstHealthy == 0 || worstHealthy > 4 {
		t.Errorf("a healthy corporate-backed project is %d from the bottom, want among the last 4", worstHealthy)
	}
	for story, want := range map[string][]string{
		"volunteer-critical": {"declared critical", "Volunteer-only maintenance", "Bus factor 1", "almost no visible funding"},
		"employer-exit":      {"declared critical", "Employer exit: acme"},
	} {
		for _, w := range want {
			if !strings.Contains(reasons[story], w) {
				t.Errorf("%s project's reasons lack %q:\n%s", story, w, reasons[story])
			}
		}
	}
}

// triage only reads: a store that was never collected is not created, and
// the user is told to collect first.
func TestTriageOfANeverCollectedStore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "fw.yaml")
	db := filepath.Join(dir, "never.db")
	if err := os.WriteFile(cfg, []byte("store:\n  path: "+db+"\nwatch:\n  - repo: a/b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "triage", "--config", cfg)
	cmd.Env = append(os.Environ(), "GITHUB_TOKEN=ghp_triagetest00000000000000000000000000")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "collect first") {
		t.Errorf("triage of a never-collected store: %v\n%s", err, out)
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the store was created: %v", err)
	}
}

// triage and backfill only read the store: a config without a GitHub
// token is no matter for them, and they do not warn of it; serve's
// commands that ask GitHub still do (watchlist here).
func TestOfflineCommandsNeedNoToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "fw.yaml")
	if err := os.WriteFile(cfg, []byte("store:\n  path: "+filepath.Join(dir, "never.db")+"\nwatch:\n  - repo: a/b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "GITHUB_TOKEN=") {
			env = append(env, e)
		}
	}
	for _, tt := range []struct {
		args []string
		warn bool
	}{
		{[]string{"triage", "--config", cfg}, false},
		{[]string{"backfill", "--config", cfg, "--output", filepath.Join(dir, "h.om")}, false},
		{[]string{"watchlist", "--config", cfg}, true},
	} {
		cmd := exec.Command(binary, tt.args...)
		cmd.Env = env
		out, _ := cmd.CombinedOutput()
		if got := strings.Contains(string(out), "no token"); got != tt.warn {
			t.Errorf("%s: warns of no token: %v, want %v\n%s", tt.args[0], got, tt.warn, out)
		}
	}
}

// triage --format html links each project as serve's page does: to its
// repository on the configured GitHub and to its Grafana drill-down when
// web.grafana_url is set.
func TestTriageHTMLLinks(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(demoFake(t))
	defer srv.Close()
	cfg, _ := restConfig(t, srv.URL, "fastjson/fastjson")
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("web:\n  grafana_url: https://grafana.example.org/\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	env := append(os.Environ(), "GITHUB_TOKEN=ghp_linktest0000000000000000000000000000")
	collect := exec.Command(binary, "collect", "--config", cfg, "--log.level", "warn")
	collect.Env = env
	if out, err := collect.CombinedOutput(); err != nil {
		t.Fatalf("collect: %v\n%s", err, out)
	}
	cmd := exec.Command(binary, "triage", "--config", cfg, "--format", "html")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("triage: %v", err)
	}
	for _, want := range []string{
		`href="https://grafana.example.org/d/fundwatch-project/?var-repo=fastjson%2Ffastjson"`,
		`href="` + srv.URL + `/fastjson/fastjson"`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}
