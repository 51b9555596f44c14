package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// TestWatchlistCommand resolves a config mixing every kind of source (an
// organisation of the demo world through the fake GitHub, and the
// watchlist package's go.mod, lockfile and SBOM fixtures) and prints it as
// a table and as JSON.
func TestWatchlistCommand(t *testing.T) {
	t.Parallel()
	end := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	world, err := scenario.Demo(end)
	if err != nil {
		t.Fatal(err)
	}
	var org string
	var orgRepos []string
	for _, r := range world.Repos {
		if u := world.Users[r.Owner]; u != nil && u.Type == "Organization" && !r.Fork && !r.Archived {
			if org == "" {
				org = r.Owner
			}
			if r.Owner == org {
				orgRepos = append(orgRepos, r.FullName())
			}
		}
	}
	if org == "" || len(orgRepos) == 0 {
		t.Fatal("the demo world has no organisation with a repository")
	}
	srv := httptest.NewServer(githubfake.New(world, githubfake.Options{Now: func() time.Time { return end }}))
	defer srv.Close()

	fixtures, err := filepath.Abs("../../watchlist/testdata")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "fundwatch.yaml")
	body := fmt.Sprintf(`github:
  api_url: %s/
watch:
  - repo: prometheus/client_golang
    tier: high
  - org: %s
    owner: platform-team
  - gomod: %s/gomod/go.mod
    tier: critical
    owner: platform-team
    indirect: false
  - npm: %s/npm/package-lock.json
    owner: web-team
  - sbom: %s/sbom/cyclonedx.json
    owner: security-team
`, srv.URL, org, fixtures, fixtures, fixtures)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(binary, append([]string{"watchlist", "--config", cfg, "--log.level", "error"}, args...)...)
		cmd.Env = append(os.Environ(), "GITHUB_TOKEN=ghp_watchlisttest")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("watchlist %v: %v\n%s", args, err, out)
		}
		return string(out)
	}

	text := run()
	for _, want := range []string{
		"REPO", "TIER", "OWNER", "FROM",
		"watch[0] repo",
		"watch[1] org " + org,
		"watch[2] gomod " + fixtures + "/gomod/go.mod: github.com/prometheus/client_golang",
		"watch[3] npm " + fixtures + "/npm/package-lock.json: express",
		"modernc.org/sqlite", "hosted on gitlab.com/cznic",
		"dependencies map to no GitHub repository",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}

	var out watchlistJSON
	if err := json.Unmarshal([]byte(run("--format", "json")), &out); err != nil {
		t.Fatal(err)
	}
	byRepo := map[string]watchlistRepo{}
	for _, r := range out.Repos {
		byRepo[strings.ToLower(r.Repo)] = r
	}
	for _, name := range orgRepos {
		if r, ok := byRepo[strings.ToLower(name)]; !ok || !slices.Contains(r.Owners, "platform-team") {
			t.Errorf("%s of org %s: %+v", name, org, r)
		}
	}
	cg := byRepo["prometheus/client_golang"]
	if cg.Tier != "critical" || cg.Owner != "platform-team,security-team" || len(cg.From) != 3 {
		t.Errorf("prometheus/client_golang: %+v", cg)
	}
	if _, ok := byRepo["beorn7/perks"]; ok {
		t.Error("indirect: false still watches indirect requirements")
	}
	var unmapped []string
	for _, u := range out.Unmapped {
		unmapped = append(unmapped, u.Kind+" "+u.Dependency)
	}
	for _, want := range []string{"gomod modernc.org/sqlite", "npm debug", "sbom pkg:npm/react"} {
		if !slices.Contains(unmapped, want) {
			t.Errorf("unmapped %v lacks %q", unmapped, want)
		}
	}
}

// TestWatchlistBadInput: a malformed source file stops watchlist (and
// collect, which resolves the same list) with the config line and the
// file's line.
func TestWatchlistBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(gomod, []byte("module x\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/c/d\n)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "fw.yaml")
	if err := os.WriteFile(cfg, []byte("store:\n  path: "+filepath.Join(dir, "fw.db")+"\nwatch:\n  - repo: a/b\n  - gomod: "+gomod+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"watchlist", "collect"} {
		out, err := exec.Command(binary, sub, "--config", cfg, "--log.level", "error").CombinedOutput()
		want := "fw.yaml:5: watch[1].gomod: " + gomod + ":5:"
		if err == nil || !strings.Contains(string(out), want) {
			t.Errorf("%s: err=%v, output lacks %q:\n%s", sub, err, want, out)
		}
	}
}

// A package name with terminal escapes (an npm manifest anyone can
// publish) is printed escaped: the table cannot retitle or clear the
// reader's terminal.
func TestWatchlistEscapesControlCharacters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pkg := filepath.Join(dir, "package.json")
	if err := os.WriteFile(pkg, []byte(`{"dependencies": {"evil\u001b]0;pwned\u0007\u001b[2J": "1.0.0", "left-pad": "1.3.0"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "fw.yaml")
	if err := os.WriteFile(cfg, []byte("store:\n  path: "+filepath.Join(dir, "fw.db")+"\nwatch:\n  - repo: a/b\n  - npm: "+pkg+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(binary, "watchlist", "--config", cfg, "--log.level", "error").Output()
	if err != nil {
		t.Fatalf("watchlist: %v\n%s", err, out)
	}
	if strings.ContainsAny(string(out), "\x1b\x07") {
		t.Errorf("raw control characters in the output:\n%q", out)
	}
	if !strings.Contains(string(out), `evil\x1b]0;pwned\x07\x1b[2J`) {
		t.Errorf("the package is not listed, escaped:\n%s", out)
	}
}
