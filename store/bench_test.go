package store

import (
	"fmt"
	"testing"
	"time"
)

func benchCommits(n int, tag string) []Commit {
	cs := make([]Commit, n)
	for i := range cs {
		at := t0.Add(time.Duration(i) * time.Minute)
		cs[i] = Commit{
			Repo: fmt.Sprintf("org%d/repo%d", i%10, i%10), SHA: fmt.Sprintf("%s%038x", tag, i),
			AuthorName: "Some Author", AuthorEmail: fmt.Sprintf("dev%d@example.com", i%500),
			AuthorLogin: fmt.Sprintf("dev%d", i%500), AuthorTime: at, AuthorTZKnown: i%2 == 0, AuthorTZOffset: 120,
			CommitterName: "GitHub", CommitterEmail: "noreply@github.com", CommitterLogin: "web-flow",
			CommitterTime: at, Parents: 1, Message: "Fix the frobnicator when the widget is empty (#1234)",
		}
	}
	return cs
}

// BenchmarkUpsertCommits measures one UpsertCommits call of a full history:
// "insert" writes new commits into a growing database, "reupsert" writes a
// batch that is already stored (the re-sync path).
func BenchmarkUpsertCommits(b *testing.B) {
	for _, n := range []int{20_000, 143_000} {
		b.Run(fmt.Sprintf("insert/n=%d", n), func(b *testing.B) {
			s := openTest(b)
			batches := make([][]Commit, 0, 4)
			i := 0
			for b.Loop() {
				b.StopTimer()
				if i == len(batches) {
					batches = append(batches, benchCommits(n, fmt.Sprintf("%02x", i%256)))
				}
				cs := batches[i]
				i++
				b.StartTimer()
				must(b, s.UpsertCommits(ctx, cs))
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "commits/s")
		})
		b.Run(fmt.Sprintf("reupsert/n=%d", n), func(b *testing.B) {
			s := openTest(b)
			cs := benchCommits(n, "aa")
			must(b, s.UpsertCommits(ctx, cs))
			for b.Loop() {
				must(b, s.UpsertCommits(ctx, cs))
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "commits/s")
		})
	}
}

// BenchmarkCommitsRead reads one repository's 14,300 commits, as analysis does.
func BenchmarkCommitsRead(b *testing.B) {
	s := openTest(b)
	must(b, s.UpsertCommits(ctx, benchCommits(143_000, "aa")))
	for b.Loop() {
		cs, err := s.Commits(ctx, "org3/repo3", time.Time{}, time.Time{})
		must(b, err)
		if len(cs) != 14_300 {
			b.Fatalf("read %d commits", len(cs))
		}
	}
}

// BenchmarkActiveLogins scans 143k commits for logins active in the last year.
func BenchmarkActiveLogins(b *testing.B) {
	s := openTest(b)
	must(b, s.UpsertCommits(ctx, benchCommits(143_000, "aa")))
	since := t0.Add(100_000 * time.Minute)
	for b.Loop() {
		_, err := s.ActiveLogins(ctx, since)
		must(b, err)
	}
}
