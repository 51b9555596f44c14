package analysis

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/internal/synthstore"
	"github.com/fundwatch/fundwatch/internal/tooltest"
	"github.com/fundwatch/fundwatch/store"
)

// peakRSS resets the process's resident high-water mark and returns a
// function reading it in MB; -1 where the kernel does not offer it.
func peakRSS() func() float64 {
	if !tooltest.ResetPeak() {
		return func() float64 { return -1 }
	}
	return func() float64 {
		m, err := tooltest.MemoryOf(0)
		if err != nil {
			return -1
		}
		return float64(m.HWM) / 1e6
	}
}

// BenchmarkRefresh is what serve does after collections, at
// FUNDWATCH_BENCH_REPOS (1,000 by default) mid-sized repositories with
// distinct facts in a real store: a full refresh (every repository read
// from the store and analysed, one at a time), then, after a collection
// that changed 10% of the repositories (a new commit each), the refresh
// that follows. It reports both durations, their ratio, the analyses
// held, and the whole process's peak resident memory during the
// refreshes (building the store is not counted). The store is kept under
// FUNDWATCH_BENCH_STORE when set, so that large runs build it once.
// Run with -benchtime=1x.
func BenchmarkRefresh(b *testing.B) { benchRefresh(b, synthstore.BenchRepos(b, 1000)) }

// BenchmarkRefresh10k is BenchmarkRefresh at the size, 10,000
// repositories, under the names its report asks for: peak-rss-MB,
// refresh-s (a full refresh) and incremental-s (after 10% changed).
// Building the store takes minutes; FUNDWATCH_BENCH_STORE keeps it.
func BenchmarkRefresh10k(b *testing.B) { benchRefresh(b, 10_000) }

func benchRefresh(b *testing.B, n int) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	st, err := store.Open(synthstore.BenchStore(b, n, at))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	// FUNDWATCH_BENCH_TARGETS analyses only the first repositories of a
	// stored world (the others' people and profiles still loaded): what
	// one repository costs in a large store.
	if s := os.Getenv("FUNDWATCH_BENCH_TARGETS"); s != "" {
		if v, err := strconv.Atoi(s); err == nil && v > 0 && v < n {
			n = v
		}
	}
	var targets []Target
	for i := range n {
		targets = append(targets, Target{Repo: synthstore.Name(i)})
	}
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		runtime.GC()
		peak := peakRSS()
		r := NewRefresher(st, Options{})
		start := time.Now()
		snap, stats, err := r.Compute(ctx, targets, at)
		if err != nil {
			b.Fatal(err)
		}
		full := time.Since(start)
		if stats.Analysed != n || snap.Repos[n-1].Analysis == nil || snap.Repos[n-1].Analysis.Commits < 1500 {
			b.Fatalf("full refresh analysed %d of %d", stats.Analysed, n)
		}
		// A collection touches 10%: one new commit each.
		b.StopTimer()
		changed := 0
		for i := 0; i < n; i += 10 {
			c := store.Commit{Repo: targets[i].Repo, SHA: fmt.Sprintf("new-%d-%d", i, time.Now().UnixNano()),
				AuthorLogin: "u1", AuthorEmail: "u1@users.noreply.github.com", AuthorName: "Person u1", AuthorTime: at.Add(-time.Hour)}
			if err := st.UpsertCommits(ctx, []store.Commit{c}); err != nil {
				b.Fatal(err)
			}
			changed++
		}
		b.StartTimer()
		start = time.Now()
		_, stats, err = r.Compute(ctx, targets, at.Add(time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		incr := time.Since(start)
		if stats.Analysed != changed {
			b.Fatalf("after changing %d, analysed %d", changed, stats.Analysed)
		}
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b.ReportMetric(full.Seconds(), "refresh-s")
		b.ReportMetric(incr.Seconds(), "incremental-s")
		b.ReportMetric(incr.Seconds()/full.Seconds(), "ratio")
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "held-MiB")
		b.ReportMetric(peak(), "peak-rss-MB")
		runtime.KeepAlive(snap)
	}
}
