package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
