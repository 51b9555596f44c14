package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const curlLog = "../../../shared/data/curl__curl.commits.tsv.gz"

func TestAnalyzeRealHistory(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(curlLog); err != nil {
		t.Skipf("%s not present: %v", curlLog, err)
	}
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
		{"both", []string{"analyze", "--log", curlLog, "--git", dir}, "give exactly one of --git PATH or --log FILE"},
		{"missing log", []string{"analyze", "--log", filepath.Join(dir, "nope.tsv.gz")}, "nope.tsv.gz"},
		{"bad header", []string{"analyze", "--log", badTSV}, badTSV},
		{"not a repository", []string{"analyze", "--git", notGit}, notGit},
		{"bad as-of", []string{"analyze", "--log", curlLog, "--as-of", "2025-13-01"}, `--as-of "2025-13-01": want YYYY-MM-DD`},
		{"bad affiliation file", []string{"analyze", "--log", curlLog, "--affiliations", badAff}, badAff + ":3:"},
		{"bad format", []string{"analyze", "--log", curlLog, "--format", "xml"}, "xml"},
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
