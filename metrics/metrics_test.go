package metrics

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/store"
)

var update = flag.Bool("update", false, "rewrite the README's metric list from the catalogue")

const (
	readme    = "../docs/metrics.md"
	beginMark = "<!-- metrics:begin -->\n"
	endMark   = "<!-- metrics:end -->"
)

func TestReadmeListsTheCatalogue(t *testing.T) {
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i, j := strings.Index(s, beginMark), strings.Index(s, endMark)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q ... %q section", readme, beginMark, endMark)
	}
	want := s[:i+len(beginMark)] + Markdown() + s[j:]
	if *update {
		if err := os.WriteFile(readme, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if s != want {
		t.Errorf("%s's metric list is out of date with metrics/catalogue.go; run go test ./metrics -update", readme)
	}
}

func TestCatalogueNamesAreUniqueAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Catalogue() {
		if seen[f.Name] {
			t.Errorf("%s declared twice", f.Name)
		}
		seen[f.Name] = true
		if !strings.HasPrefix(f.Name, "fundwatch_") || f.Help == "" {
			t.Errorf("%s: want fundwatch_ prefix and help", f.Name)
		}
	}
}

func testSnapshot() *analysis.Snapshot {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	return &analysis.Snapshot{
		At:   at,
		Took: 42 * time.Millisecond,
		Runs: []store.Run{{Collector: "commits", Finished: at.Add(-time.Minute), OK: true}},
		Repos: []analysis.Repo{
			{
				Target: analysis.Target{Repo: "acme/widget", Tier: "critical", Owner: "platform"}, Collected: true,
				Meta:             store.Repo{Stars: 120, Forks: 7, OpenIssues: 3, PushedAt: at.Add(-time.Hour)},
				CommitsCollected: true,
				Analysis: &analysis.Analysis{
					LastCommit: at.Add(-2 * time.Hour),
					Windows:    []analysis.WindowStats{{Window: "recent", Commits: 40, Authors: 5}, {Window: "year", Commits: 200, Authors: 9}},
					Lifecycle:  analysis.Active,
				},
				Status: []store.RepoStatus{
					{Repo: "acme/widget", Collector: "commits", LastAttempt: at, LastSuccess: at},
					{Repo: "acme/widget", Collector: "issues", LastAttempt: at, LastSuccess: at.Add(-24 * time.Hour), LastError: "boom"},
				},
			},
			// Never collected: the failure must not turn into zeros.
			{Target: analysis.Target{Repo: "gone/away"},
				Status: []store.RepoStatus{{Repo: "gone/away", Collector: "repo", LastAttempt: at, LastError: "404"}}},
		},
	}
}

func TestSnapshotExposition(t *testing.T) {
	s := allFamilies()
	s.Update(testSnapshot())
	want := `
# HELP fundwatch_repo_commits Commits on the default branch authored in the window, bots included (recent, year: trailing windows.recent and windows.year, 90 and 365 days by default; baseline: the windows.baseline before the year).
# TYPE fundwatch_repo_commits gauge
fundwatch_repo_commits{repo="acme/widget",window="recent"} 40
fundwatch_repo_commits{repo="acme/widget",window="year"} 200
# HELP fundwatch_repo_last_attempt_success 1 if the collector's last attempt on the repository succeeded, 0 if it failed (values stay at their last good level).
# TYPE fundwatch_repo_last_attempt_success gauge
fundwatch_repo_last_attempt_success{collector="commits",repo="acme/widget"} 1
fundwatch_repo_last_attempt_success{collector="issues",repo="acme/widget"} 0
fundwatch_repo_last_attempt_success{collector="repo",repo="gone/away"} 0
# HELP fundwatch_repo_stars Stargazers of the repository.
# TYPE fundwatch_repo_stars gauge
fundwatch_repo_stars{repo="acme/widget"} 120
# HELP fundwatch_repo_commits_available 1 once the repository's commit history has been collected completely at least once, else 0; commit signals are absent while 0.
# TYPE fundwatch_repo_commits_available gauge
fundwatch_repo_commits_available{repo="acme/widget"} 1
fundwatch_repo_commits_available{repo="gone/away"} 0
`
	if err := testutil.CollectAndCompare(s, strings.NewReader(want),
		"fundwatch_repo_commits", "fundwatch_repo_last_attempt_success", "fundwatch_repo_stars", "fundwatch_repo_commits_available"); err != nil {
		t.Error(err)
	}
	problems, err := testutil.CollectAndLint(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
}

func TestSelfMetricsLint(t *testing.T) {
	self := NewSelf([]string{"commits"})
	self.RunStarted("commits")
	self.RunFinished("commits", time.Second, 1, errors.New("x"))
	self.Request("/repos/{owner}/{repo}", 304, time.Millisecond)
	self.RateLimit("core", 5000, 4999, time.Unix(1700000000, 0))
	reg := NewRegistry(allFamilies(), self)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := promlint.NewWithMetricFamilies(mfs).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "fundwatch_") {
			t.Errorf("promlint: %s: %s", p.Metric, p.Text)
		}
	}
	// Every family the registry exports under our prefix is catalogued.
	known := map[string]bool{}
	for _, f := range Catalogue() {
		known[f.Name] = true
	}
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "fundwatch_") && !known[mf.GetName()] {
			t.Errorf("%s is exported but not in the catalogue", mf.GetName())
		}
	}
}

func TestWatchUnmapped(t *testing.T) {
	s := allFamilies()
	many := make([]string, MaxUnmappedInfo+10)
	for i := range many {
		many[i] = fmt.Sprintf("pkg%03d", i)
	}
	s.UpdateWatch(map[string][]string{
		"gomod:go.mod":          {"modernc.org/sqlite", "go.example.org/auth"},
		"npm:package-lock.json": many,
		"sbom:bom.json":         nil,
	})
	want := `
# HELP fundwatch_watch_unmapped Dependencies a watch-list source (kind:file) lists that map to no GitHub repository, so are not watched.
# TYPE fundwatch_watch_unmapped gauge
fundwatch_watch_unmapped{source="gomod:go.mod"} 2
fundwatch_watch_unmapped{source="npm:package-lock.json"} 60
fundwatch_watch_unmapped{source="sbom:bom.json"} 0
`
	if err := testutil.CollectAndCompare(s, strings.NewReader(want), "fundwatch_watch_unmapped"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(s, "fundwatch_watch_unmapped_info"); n != 2+MaxUnmappedInfo {
		t.Errorf("%d unmapped_info series, want %d", n, 2+MaxUnmappedInfo)
	}
	problems, err := testutil.CollectAndLint(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
}

// allFamilies is a Snapshot serving every family, opt-in ones included:
// what the tests of the encoding check.
func allFamilies() *Snapshot {
	sel, err := NewSelection([]string{OptInAll})
	if err != nil {
		panic(err)
	}
	return NewSnapshotSelecting(sel)
}
