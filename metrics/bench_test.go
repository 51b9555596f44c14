package metrics

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	rtmetrics "runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis"
	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/internal/tooltest"
	"github.com/fundwatch/fundwatch/store"
)

// snapshot10k is 10,000 watched repositories, each with a full analysis of
// a mid-sized history (two employers, volunteers, issues, releases), so
// every per-repository family is present, and values of its own (scores,
// shares, bus factor, last commit): distinct series values, not one
// analysis shared.
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
		// Each repository its own values (what Prometheus compresses
		// per series), on the same shape of analysis.
		ai := *a
		f := float64(i%997) / 997
		ai.Risk.Score = f
		ai.Gap.Score = 1 - f
		ai.Criticality.OpenSSF.Score = f / 2
		ai.Windows = slices.Clone(a.Windows)
		for w := range ai.Windows {
			ai.Windows[w].BusFactor.V = float64(1 + i%9)
			ai.Windows[w].PaidShare.V = f
		}
		ai.LastCommit = at.Add(-time.Duration(i) * time.Minute)
		snap.Repos = append(snap.Repos, analysis.Repo{
			Target: analysis.Target{Repo: name, Tier: "critical", Owner: "team"}, Collected: true, CommitsCollected: true,
			Meta: store.Repo{FullName: name, Stars: i, PushedAt: at}, Analysis: &ai,
			Status: statuses(name, at),
		})
	}
	return snap
}

// statuses are a repository's collection statuses: every collector
// refreshed it at at.
func statuses(repo string, at time.Time) []store.RepoStatus {
	var out []store.RepoStatus
	for _, c := range []string{"comments", "commits", "issues", "releases", "repo", "sponsors", "users"} {
		out = append(out, store.RepoStatus{Repo: repo, Collector: c, LastAttempt: at, LastSuccess: at})
	}
	return out
}

// BenchmarkScrape10k is one /metrics scrape with 10,000 watched
// repositories: the exporter hands out the snapshot rendered when it
// arrived, so a scrape only writes bytes. Besides the scrape it reports
// what rendering them cost: the time of the first update (render-s) and
// of a refresh (refresh-s), the highest live heap during the two above
// the heap before them (peak-MiB), what they allocated (alloc-MiB), what
// stays held afterwards (snapshot-MiB), and the process's resident memory
// after the scrapes (rss-MB) and at its highest (hwm-MB), as Linux
// reports them in /proc/self/status.
// Run it alone (-run XXX -bench Scrape10k) so that nothing else in the
// process raises the high-water mark.
func BenchmarkScrape10k(b *testing.B) {
	snap := snapshot10k(b)
	s := NewSnapshot()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	stop := samplePeakHeap()
	start := time.Now()
	s.Update(snap)
	render := time.Since(start)
	// A refresh, as after every collector run: the last bytes stay served
	// while the new ones are made, so its peak is the higher one.
	start = time.Now()
	s.Update(snap)
	refresh := time.Since(start)
	peak := stop()
	runtime.GC()
	runtime.ReadMemStats(&after)
	if err := s.problems.err(); err != nil {
		b.Fatal(err)
	}
	h := s.Handler(NewLiveRegistry(NewSelf([]string{"commits"}), s), func(err error) { b.Fatal(err) })
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
	b.StopTimer()
	// Resident memory first: counting below allocates.
	mem, err := tooltest.MemoryOf(0)
	if err != nil {
		b.Fatal(err)
	}
	rss, hwm := mem.RSS, mem.HWM
	text, series := 0, 0
	for _, p := range s.enc.text {
		text += len(p)
		// Pieces end at line ends; every family has a HELP and a TYPE line.
		series += strings.Count(string(p), "\n") - 2*strings.Count(string(p), "# TYPE ")
	}
	b.ReportMetric(float64(bytes), "gzip-bytes/scrape")
	b.ReportMetric(float64(text), "text-bytes")
	b.ReportMetric(float64(series), "series")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "snapshot-MiB")
	b.ReportMetric(float64(peak-before.HeapAlloc)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), "alloc-MiB")
	b.ReportMetric(render.Seconds(), "render-s")
	b.ReportMetric(refresh.Seconds(), "refresh-s")
	b.ReportMetric(float64(rss)/1e6, "rss-MB")
	b.ReportMetric(float64(hwm)/1e6, "hwm-MB")
	runtime.KeepAlive(snap)
}

// samplePeakHeap reads the live heap (objects not yet freed) every
// millisecond until the returned function is called, which returns the
// highest reading. runtime/metrics, unlike ReadMemStats, does not stop
// the world, so sampling barely slows what it measures.
func samplePeakHeap() (stop func() uint64) {
	sample := []rtmetrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done, result := make(chan struct{}), make(chan uint64)
	go func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var peak uint64
		for {
			rtmetrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				result <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-result
	}
}
