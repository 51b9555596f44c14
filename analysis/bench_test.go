package analysis

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/analysis/affiliation"
	"github.com/fundwatch/fundwatch/history"
	"github.com/fundwatch/fundwatch/internal/synthstore"
	"github.com/fundwatch/fundwatch/store"
)

// syntheticFacts is a mid-sized repository (synthstore.MidSized): 40
// people, ~1,500 commits over three years, ~400 issues and pull requests
// with ~1,200 comments, 24 releases.
func syntheticFacts(seed uint64, repo string, at time.Time) (Facts, []store.User) {
	return factsOf(synthstore.MidSized(seed, repo, at))
}

// factsOf is a synthetic repository as the analysis reads it.
func factsOf(r synthstore.Repo) (Facts, []store.User) {
	meta := r.Meta
	return Facts{Repo: meta.FullName, IssuesCollected: true, ReleasesCollected: true, Meta: &meta,
		Commits: r.Commits, Issues: r.Issues, Comments: r.Comments, Releases: r.Releases}, r.Users
}

// BenchmarkRecompute10k is a full analysis recompute of 10,000 watched
// repositories of the synthetic size above (one op = all 10,000; the
// facts of 16 distinct repositories are reused so that memory holds only
// what one snapshot needs). Run with -benchtime=1x.
func BenchmarkRecompute10k(b *testing.B) {
	const repos, distinct = 10000, 16
	if testing.Short() {
		b.Skip("10,000 repositories: not in -short")
	}
	at := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	var facts []Facts
	var commits [][]store.Commit
	var users []store.User
	for i := range distinct {
		f, u := syntheticFacts(uint64(i), fmt.Sprintf("org%d/repo%d", i, i), at)
		facts = append(facts, f)
		commits = append(commits, f.Commits)
		users = u
	}
	people := NewPeople(commits, users, nil, affiliation.NewResolver(affiliation.Options{}))
	p := DefaultParams()
	b.ReportAllocs()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	// The analyses of the last pass are kept, as the snapshot the exporter
	// serves keeps them: what they hold is part of the exporter's resident
	// memory at 10,000 repositories.
	kept := make([]*Analysis, repos)
	for range b.N {
		for i := range repos {
			f := facts[i%distinct]
			a := Analyze(f, people, at, p)
			if a.Commits == 0 {
				b.Fatal("empty analysis")
			}
			kept[i] = a
		}
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*repos), "µs/repo")
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "held-MiB")
	runtime.KeepAlive(kept)
}

// BenchmarkAnalyzeRepo is one repository of the synthetic size above.
func BenchmarkAnalyzeRepo(b *testing.B) {
	at := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	f, users := syntheticFacts(1, "org/repo", at)
	people := NewPeople([][]store.Commit{f.Commits}, users, nil, affiliation.NewResolver(affiliation.Options{}))
	p := DefaultParams()
	b.ReportAllocs()
	for b.Loop() {
		Analyze(f, people, at, p)
	}
}

// BenchmarkTimeline is `analyze --timeline` over a real history: rethinkdb
// (33,538 commits), monthly over its five years around the shutdown. The
// history is loaded once; every instant is a full analysis of what was
// dated by then.
func BenchmarkTimeline(b *testing.B) {
	commits, err := history.ReadTSVFile("../history/testdata/real/rethinkdb__rethinkdb.commits.tsv.gz", "rethinkdb/rethinkdb")
	if err != nil {
		b.Fatal(err)
	}
	people := NewPeople([][]store.Commit{commits}, nil, nil, affiliation.NewResolver(affiliation.Options{Projects: []string{"rethinkdb"}}))
	from, to := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	instants := 0
	for t := from; !t.After(to); t = Monthly(t) {
		instants++
	}
	for b.Loop() {
		Timeline(Facts{Repo: "rethinkdb/rethinkdb", Commits: commits}, people, from, to, Monthly, DefaultParams())
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*instants), "ms/instant")
}
