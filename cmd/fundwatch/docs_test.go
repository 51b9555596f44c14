package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

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

// docCommand is one command of a sh block of the docs, as a reader would
// type it: continued lines joined, the trailing comment cut, and
// "go run ./cmd/fundwatch" written "fundwatch" (the same program).
type docCommand struct {
	where string // file:line
	line  string
}

// docCommands are the commands of the sh blocks of the README and docs/,
// in the order a reader meets them.
func docCommands(t *testing.T) []docCommand {
	t.Helper()
	var out []docCommand
	for _, f := range docFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inSh, pending, from := false, "", 0
		for i, l := range strings.Split(string(data), "\n") {
			switch {
			case !inSh:
				inSh = strings.TrimSpace(l) == "```sh"
				continue
			case strings.TrimSpace(l) == "```":
				inSh = false
				continue
			}
			if pending == "" {
				from = i + 1
			}
			if c, ok := strings.CutSuffix(l, "\\"); ok {
				pending += c + " "
				continue
			}
			line := strings.TrimSpace(pending + l)
			pending = ""
			if j := strings.Index(line, " #"); j >= 0 {
				line = strings.TrimSpace(line[:j])
			}
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if rest, ok := strings.CutPrefix(line, "go run ./cmd/fundwatch "); ok {
				line = "fundwatch " + rest
			}
			out = append(out, docCommand{fmt.Sprintf("%s:%d", strings.TrimPrefix(f, "../../"), from), strings.Join(strings.Fields(line), " ")})
		}
	}
	return out
}

// skippedDocCommands are the docs' commands TestDocCommandsRun does not
// run, each with why: they need the network, a token, Docker or a
// directory of the reader's, or they run until stopped. Each must still
// match a command of the docs.
var skippedDocCommands = []struct {
	pattern *regexp.Regexp
	why     string
}{
	{regexp.MustCompile(`^(\w+=\S+ )*go test\b`), "runs the tests, this one among them"},
	{regexp.MustCompile(`^go install \S+@latest$`), "fetches a release over the network"},
	{regexp.MustCompile(`^go install \./cmd/fundwatch$`), "builds what TestMain built for these tests, with go build ./cmd/fundwatch"},
	{regexp.MustCompile(`^fundwatch demo\b`), "serves until stopped; TestDemoServesEveryRepository runs it to its first collection"},
	{regexp.MustCompile(`^fundwatch (serve|collect) `), "reads GitHub: the network and a real token (serve also runs until stopped); the tests run both on a fake GitHub"},
	{regexp.MustCompile(`^fundwatch (triage|backfill) --config `), "reads a store that fundwatch collect filled from GitHub (the network, a real token); TestTriageHTMLLinks runs triage --config on a fake's"},
	{regexp.MustCompile(`^promtool tsdb create-blocks-from openmetrics \S+ /path/to/`), "writes into the reader's Prometheus data directory; the e2e test imports a backfill with the real promtool"},
	{regexp.MustCompile(`^docker compose `), "needs Docker; deploy/deploy_test.go checks the stack's files with the real promtool and amtool"},
}

// The commands the README and docs/ show run as written from a fresh
// clone: analyze on the histories kept in the repository, triage and
// backfill of the demo, the watch list of the starting config the README
// copies. They run with the built binary (bare "fundwatch" and "go run
// ./cmd/fundwatch" alike) in a copy of the repository, as one reader's
// shell session: cp and export take effect in the docs' order, for the
// commands after them. Every other command is skipped by name with why
// (skippedDocCommands), never ignored: a new command the test cannot place
// fails it. The fundwatch commands run as parallel subtests after the
// session is set up: the docs' commands depend on one another only through
// cp and export (make one read what another wrote, and this test must run
// them in order).
func TestDocCommandsRun(t *testing.T) {
	t.Parallel()
	dir := cleanClone(t)
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITHUB_TOKEN=") { // the docs' export sets it, or nothing does
			env = append(env, kv)
		}
	}
	used := make([]bool, len(skippedDocCommands))
	ran := map[string]int{}
	for _, c := range docCommands(t) {
		skip := ""
		for i, s := range skippedDocCommands {
			if s.pattern.MatchString(c.line) {
				skip, used[i] = s.why, true
				break
			}
		}
		f := strings.Fields(c.line)
		switch {
		case skip != "":
			t.Run(c.where, func(t *testing.T) { t.Skipf("%s: %s", c.line, skip) })
		case f[0] == "cp" && len(f) == 3:
			data, err := os.ReadFile(filepath.Join(dir, f[1]))
			if err == nil {
				err = os.WriteFile(filepath.Join(dir, f[2]), data, 0o644)
			}
			if err != nil {
				t.Errorf("%s: %s: %v", c.where, c.line, err)
			}
		case f[0] == "export" && len(f) == 2 && strings.Contains(f[1], "="):
			env = append(env, f[1])
		case f[0] == "fundwatch" && !strings.ContainsAny(c.line, "'\"$|<>&;`*?"):
			ran[f[1]]++
			cmdEnv := slices.Clone(env)
			t.Run(c.where, func(t *testing.T) {
				t.Parallel()
				cmd := exec.CommandContext(t.Context(), binary, f[1:]...)
				cmd.Dir, cmd.Env = dir, cmdEnv
				start := time.Now()
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%s: %v\n%s", c.line, err, out)
				}
				t.Logf("%s: %s", c.line, time.Since(start).Round(10*time.Millisecond))
			})
		default:
			t.Errorf("%s: %s: neither run by this test nor listed in skippedDocCommands with why", c.where, c.line)
		}
	}
	for i, s := range skippedDocCommands {
		if !used[i] {
			t.Errorf("skippedDocCommands: %s matches no command of the docs any more: remove it", s.pattern)
		}
	}
	for _, verb := range []string{"analyze", "triage", "backfill", "watchlist"} {
		if ran[verb] == 0 {
			t.Errorf("no fundwatch %s command of the docs ran: the test no longer tests what a reader runs offline", verb)
		}
	}
}

// cleanClone copies the repository into a temporary directory as a fresh
// clone has it: without .git, and without what .gitignore leaves out (a
// developer's own fundwatch.yaml, store or git-mirror cache would hide
// what a reader lacks). Patterns starting with / match from the root,
// others any name.
func cleanClone(t *testing.T) string {
	t.Helper()
	const root = "../.."
	ignore, err := os.ReadFile(filepath.Join(root, ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	ignored := func(rel string) bool {
		if rel == ".git" {
			return true
		}
		for _, p := range strings.Split(string(ignore), "\n") {
			p = strings.TrimSuffix(strings.TrimSpace(p), "/")
			if p == "" || strings.HasPrefix(p, "#") {
				continue
			}
			name := filepath.Base(rel)
			if anchored, ok := strings.CutPrefix(p, "/"); ok {
				name = rel
				p = anchored
			}
			if ok, _ := filepath.Match(p, name); ok {
				return true
			}
		}
		return false
	}
	dir := t.TempDir()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil || rel == "." {
			return err
		}
		if ignored(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		dst := filepath.Join(dir, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(dst, 0o755)
		case !d.Type().IsRegular():
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
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
