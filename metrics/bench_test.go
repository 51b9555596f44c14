package metrics

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/store"
)

// snapshot10k is 10,000 watched repositories, each with a full analysis of
// a mid-sized history (two employers, volunteers, issues, releases), so
// every per-repository family is present.
func snapshot10k(b *testing.B) *analysis.Snapshot {
	b.Helper()
	at := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	var commits []store.Commit
	var users []store.User
	for p := range 20 {
		company := ""
		if p < 8 {
			company = []string{"Acme Corp", "@globex"}[p%2]
		}
		users = append(users, store.User{Login: fmt.Sprintf("u%d", p), Company: company})
	}
	for i := range 900 {
		p := (i * 7) % 20
		commits = append(commits, store.Commit{Repo: "o/r", SHA: fmt.Sprint(i), AuthorLogin: fmt.Sprintf("u%d", p),
			AuthorEmail: fmt.Sprintf("u%d@users.noreply.github.com", p), AuthorTime: at.Add(-time.Duration(900-i) * 26 * time.Hour)})
	}
	var issues []store.Issue
	for n := 1; n <= 100; n++ {
		opened := at.Add(-time.Duration(n) * 5 * 24 * time.Hour)
		issues = append(issues, store.Issue{Repo: "o/r", Number: n, IsPull: n%2 == 0, Author: "u15", CreatedAt: opened, ClosedAt: opened.Add(48 * time.Hour)})
	}
	people := analysis.NewPeople([][]store.Commit{commits}, users, nil, affiliation.NewResolver(affiliation.Options{}))
	a := analysis.Analyze(analysis.Facts{Repo: "o/r", Commits: commits, IssuesCollected: true, Issues: issues, ReleasesCollected: true,
		Releases: []store.Release{{Repo: "o/r", ID: 1, PublishedAt: at.AddDate(0, -2, 0)}}}, people, at, analysis.DefaultParams())
	snap := &analysis.Snapshot{At: at}
	for i := range 10000 {
		name := fmt.Sprintf("org%d/repo%d", i/10, i)
		snap.Repos = append(snap.Repos, analysis.Repo{
			Target: analysis.Target{Repo: name, Tier: "critical", Owner: "team"}, Collected: true, CommitsCollected: true,
			Meta: store.Repo{FullName: name, Stars: i, PushedAt: at}, Analysis: a,
			Status: []store.RepoStatus{{Repo: name, Collector: "commits", LastAttempt: at, LastSuccess: at}},
		})
	}
	return snap
}

// BenchmarkScrape10k is one /metrics scrape with 10,000 watched
// repositories: the exporter hands out the snapshot rendered when it
// arrived, so a scrape is encoding only. Reports bytes per scrape, series,
// and the heap the rendered snapshot holds.
func BenchmarkScrape10k(b *testing.B) {
	snap := snapshot10k(b)
	s := NewSnapshot()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	s.Update(snap)
	render := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	h := s.Handler(NewLiveRegistry(NewSelf([]string{"commits"})), func(err error) { b.Fatal(err) })
	// As Prometheus scrapes: gzip accepted.
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	var bytes int
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
		bytes = rec.Body.Len()
	}
	b.ReportMetric(float64(bytes), "gzip-bytes/scrape")
	b.ReportMetric(float64(len(s.enc.text)), "text-bytes")
	b.ReportMetric(float64(len(s.series)), "series")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "snapshot-MiB")
	b.ReportMetric(render.Seconds(), "render-s")
}
