package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fundwatch/fundwatch/config"
	"github.com/fundwatch/fundwatch/service"
)

// docFiles are the documents a newcomer reads, from the repository root.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{"../../README.md"}, files...)
}

// Every relative link of the README and docs/ leads to a file that
// exists.
func TestDocLinks(t *testing.T) {
	t.Parallel()
	link := regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)
	for _, f := range docFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(data), -1) {
			target := m[1]
			if regexp.MustCompile(`^(https?:|mailto:|#)`).MatchString(target) {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			if _, err := os.Stat(filepath.Join(filepath.Dir(f), target)); err != nil {
				t.Errorf("%s: link to %s: %v", f, m[1], err)
			}
		}
	}
}

// The offline commands the docs show (fundwatch analyze on the histories
// kept in the repository) run as written from a clone.
func TestDocCommandsRun(t *testing.T) {
	t.Parallel()
	block := regexp.MustCompile("(?s)```sh\n(.*?)```")
	ran := 0
	for _, f := range docFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range block.FindAllStringSubmatch(string(data), -1) {
			// Join continued lines, then take each command.
			text := strings.ReplaceAll(b[1], "\\\n", " ")
			for _, line := range strings.Split(text, "\n") {
				line = strings.TrimSpace(line)
				args, ok := strings.CutPrefix(line, "go run ./cmd/fundwatch analyze ")
				if !ok {
					continue
				}
				cmd := exec.Command(binary, append([]string{"analyze"}, strings.Fields(args)...)...)
				cmd.Dir = "../.." // the repository root, as a reader runs it
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("%s: %s: %v\n%s", f, line, err, out)
				}
				ran++
			}
		}
	}
	if ran == 0 {
		t.Error("no analyze command found in the docs: the test tests nothing")
	}
}

// The starting config the README copies works as it is with only
// GITHUB_TOKEN set: no warning, and its watch list resolves.
func TestStartingConfig(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary, "watchlist", "--config", "examples/fundwatch.yaml")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "GITHUB_TOKEN=ghp_startingconfig000000000000000000000000")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "level=WARN") || !strings.Contains(string(out), "curl/curl") {
		t.Errorf("watchlist on the starting config: %v\n%s", err, out)
	}
}

// The README's "In short" config is a config fundwatch loads as it is,
// from the repository's root (where its gomod path is), with GITHUB_TOKEN
// set, as the README says: no error, no warning.
func TestReadmeConfigLoads(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(data), "In short")
	m := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindStringSubmatch(after)
	if !ok || m == nil {
		t.Fatal(`README.md: no yaml block after "In short"`)
	}
	cfgPath := filepath.Join(t.TempDir(), "fundwatch.yaml")
	if err := os.WriteFile(cfgPath, []byte(m[1]), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..") // its paths are the reader's, from the repository's root
	env := func(k string) string {
		if k == "GITHUB_TOKEN" {
			return "ghp_readmeconfig000000000000000000000000"
		}
		return ""
	}
	cfg, err := config.Load(cfgPath, env, service.ConfigOptions()...)
	if err != nil {
		t.Fatalf("README.md's config (In short): %v", err)
	}
	if len(cfg.Warnings) > 0 {
		t.Errorf("README.md's config (In short) warns: %q", cfg.Warnings)
	}
}

// The Go version the README asks for is go.mod's go line.
func TestReadmeGoVersion(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go ([0-9.]+)$`).FindSubmatch(gomod)
	said := regexp.MustCompile(`\bGo ([0-9.]+[0-9]) or later`).FindAllSubmatch(readme, -1)
	if goLine == nil || len(said) == 0 {
		t.Fatalf("go.mod's go line %q, the README's \"Go X or later\" %q", goLine, said)
	}
	for _, s := range said {
		if string(s[1]) != string(goLine[1]) {
			t.Errorf("README.md asks for Go %s or later, go.mod for %s", s[1], goLine[1])
		}
	}
}
