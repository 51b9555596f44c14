package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fundwatch/fundwatch/internal/tooltest"
)

// realData holds the real histories (history/testdata/real/README.md).
const realData = "../../history/testdata/real/"

const curlLog = realData + "curl__curl.commits.tsv.gz"

func TestAnalyzeRealHistory(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(binary, "analyze", "--log", curlLog, "--as-of", "2025-06-30", "--format", "json").Output()
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	var a struct {
		Repo      string `json:"repo"`
		AsOf      string `json:"as_of"`
		Commits   int    `json:"commits_total"`
		BusFactor struct {
			Value     float64
			Available bool
		} `json:"bus_factor"`
		ElephantFactor struct {
			Value     float64
			Available bool
		} `json:"elephant_factor"`
		PaidRatio struct {
			Value     float64
			Available bool
		} `json:"paid_ratio"`
		Lifecycle string `json:"lifecycle"`
		Risk      struct {
			Score       float64  `json:"score"`
			Unavailable []string `json:"unavailable"`
		} `json:"risk"`
	}
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if a.Repo != "curl/curl" || !strings.HasPrefix(a.AsOf, "2025-06-30T23:59:59") {
		t.Errorf("repo %q as of %q", a.Repo, a.AsOf)
	}
	// Only what was committed by the end of that day counts.
	if a.Commits < 30000 || a.Commits >= 39490 {
		t.Errorf("%d commits as of mid-2025, want most but not all of the 39,490", a.Commits)
	}
	if !a.BusFactor.Available || a.BusFactor.Value < 1 || !a.PaidRatio.Available || a.Lifecycle != "active" {
		t.Errorf("bus factor %+v, paid %+v, lifecycle %s", a.BusFactor, a.PaidRatio, a.Lifecycle)
	}
	// No issues in a git history: responsiveness is unavailable, not zero.
	if !strings.Contains(strings.Join(a.Risk.Unavailable, ","), "unresponsive") {
		t.Errorf("unresponsive should be unavailable without issues, unavailable=%v", a.Risk.Unavailable)
	}

	text, err := exec.Command(binary, "analyze", "--log", curlLog, "--as-of", "2025-06-30").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"fundwatch analysis of curl/curl as of 2025-06-30", "Who does the work", "paid share", "bus factor", "Drift risk"} {
		if !strings.Contains(string(text), s) {
			t.Errorf("text report lacks %q:\n%s", s, text)
		}
	}
}

// smallLog is five real commits in the TSV format, kept in the repository
// so the bad-input tests do not depend on ../shared being checked out.
const smallLog = "testdata/small.commits.tsv"

func TestAnalyzeBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	badAff := filepath.Join(dir, "aff.txt")
	os.WriteFile(badAff, []byte("# ok\nexample.com Example\nbroken-line-without-employer\n"), 0o644)
	badTSV := filepath.Join(dir, "x.commits.tsv")
	os.WriteFile(badTSV, []byte("not a header\n"), 0o644)
	notGit := filepath.Join(dir, "plain")
	os.Mkdir(notGit, 0o755)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"neither", []string{"analyze"}, "give exactly one of --git PATH or --log FILE"},
		{"both", []string{"analyze", "--log", smallLog, "--git", dir}, "give exactly one of --git PATH or --log FILE"},
		{"missing log", []string{"analyze", "--log", filepath.Join(dir, "nope.tsv.gz")}, "nope.tsv.gz"},
		{"bad header", []string{"analyze", "--log", badTSV}, badTSV},
		{"not a repository", []string{"analyze", "--git", notGit}, notGit},
		{"bad as-of", []string{"analyze", "--log", smallLog, "--as-of", "2025-13-01"}, `--as-of "2025-13-01": want YYYY-MM-DD`},
		{"bad affiliation file", []string{"analyze", "--log", smallLog, "--affiliations", badAff}, badAff + ":3:"},
		{"bad format", []string{"analyze", "--log", smallLog, "--format", "xml"}, "xml"},
		{"bad timeline start", []string{"analyze", "--log", smallLog, "--timeline", "--from", "2025-02-30"}, `--from "2025-02-30": want YYYY-MM-DD`},
		{"bad timeline end", []string{"analyze", "--log", smallLog, "--timeline", "--to", "soon"}, `--to "soon": want YYYY-MM-DD`},
		{"timeline backwards", []string{"analyze", "--log", smallLog, "--timeline", "--from", "2025-06-01", "--to", "2025-01-01"}, "--from 2025-06-01 is after --to 2025-01-01"},
		{"bad timeline step", []string{"analyze", "--log", smallLog, "--timeline", "--every", "3h"}, `--every "3h": want "month" or a number of days`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := exec.Command(binary, tc.args...).CombinedOutput()
			if err == nil {
				t.Fatalf("succeeded:\n%s", out)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("error output %q does not contain %q", out, tc.want)
			}
		})
	}
}

// analyze --git reads a real clone with git log, time-zone offsets
// included.
func TestAnalyzeGitClone(t *testing.T) {
	t.Parallel()
	git := tooltest.Require(t, "git", "git")
	dir := t.TempDir()
	run := func(env []string, args ...string) {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append([]string{"HOME=" + dir, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1"}, env...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run(nil, "init", "-q", "-b", "main")
	for i, c := range []struct{ who, date string }{
		{"Alice <alice@acme.example>", "2025-01-06T10:00:00+01:00"},
		{"Alice <alice@acme.example>", "2025-03-03T11:00:00+01:00"},
		{"Bob <bob@gmail.com>", "2025-03-04T23:30:00+05:30"},
		{"Alice <alice@acme.example>", "2025-05-05T09:30:00+01:00"},
	} {
		os.WriteFile(filepath.Join(dir, "f.txt"), []byte(fmt.Sprint(i)), 0o644)
		run(nil, "add", "f.txt")
		run([]string{"GIT_AUTHOR_DATE=" + c.date, "GIT_COMMITTER_DATE=" + c.date}, "-c", "user.name=x", "-c", "user.email=x@y", "commit", "-q", "--author", c.who, "-m", fmt.Sprint("c", i))
	}
	aff := filepath.Join(t.TempDir(), "aff.txt")
	os.WriteFile(aff, []byte("acme.example  Acme Corp\n"), 0o644)
	out, err := exec.Command(binary, "analyze", "--git", dir, "--repo", "acme/widget", "--affiliations", aff, "--format", "json").Output()
	if err != nil {
		t.Fatalf("analyze --git: %v", err)
	}
	var a struct {
		Repo      string `json:"repo"`
		Commits   int    `json:"commits_total"`
		PaidRatio struct {
			Value     float64 `json:"value"`
			Available bool    `json:"available"`
		} `json:"paid_ratio"`
		Windows []struct {
			Window       string `json:"window"`
			WorkingHours struct {
				Value     float64 `json:"value"`
				Available bool    `json:"available"`
			} `json:"working_hours_share"`
		} `json:"windows"`
	}
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatal(err)
	}
	if a.Repo != "acme/widget" || a.Commits != 4 || !a.PaidRatio.Available || a.PaidRatio.Value != 0.75 {
		t.Errorf("analysis: %+v", a)
	}
	// Offsets come from git: Bob's 23:30 in +05:30 is outside working
	// hours, Alice's three commits are inside.
	for _, w := range a.Windows {
		if w.Window == "year" && (!w.WorkingHours.Available || w.WorkingHours.Value != 0.75) {
			t.Errorf("working hours over the year = %+v, want 0.75", w.WorkingHours)
		}
	}
}
