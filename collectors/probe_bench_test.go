package collectors_test

import (
	"context"
	"testing"

	"github.com/fundwatch/fundwatch/collectors"
	"github.com/fundwatch/fundwatch/collectors/collectortest"
)

// peopleCollectors are the collectors of the people phase, as their
// registrations declare it.
func peopleCollectors() []collectors.Collector {
	var cs []collectors.Collector
	for _, s := range collectors.Specs() {
		if s.Phase == collectors.PhasePeople {
			c, _ := collectors.Get(s.Name)
			cs = append(cs, c)
		}
	}
	return cs
}

// BenchmarkDailyRefresh measures the API cost of watching 10,000 small
// repositories on one token: a first sync, then a refresh after 10% of
// them changed, each a pass of the repository collectors (with their
// change probe) and of the people collectors (profiles, sponsors: every
// collector counted). It reports requests per repository (REST requests of every
// status: 304s cost no quota but still take a request) and GraphQL points
// per repository, and the refresh's totals, which must fit one token's
// hour (5,000 counted REST requests, 5,000 points; 304s are not counted).
// Run it with -benchtime 1x: each iteration builds the world and syncs it
// from scratch.
func BenchmarkDailyRefresh(b *testing.B) {
	if testing.Short() {
		b.Skip("builds and syncs a 10,000-repository world")
	}
	const n, every = 10_000, 10
	for range b.N {
		b.StopTimer()
		w := collectortest.ManyReposWorld(n, every)
		h, rr := collectortest.NewMany(b, w)
		h.Fake.SetHorizon(end.Add(-collectortest.ProbeQuiet))
		b.StartTimer()
		runRepoCollectors(b, h)
		h.Runner.RunAll(context.Background(), peopleCollectors(), h.Repos)
		firstREST, firstPoints := collectortest.RESTRequests(h.Fake), h.Fake.GraphQLPoints()
		firstCounted := collectortest.CountedREST(h.Fake)

		h.Fake.SetHorizon(end)
		h.Fake.ResetCounts()
		rr.Reset()
		res := runRepoCollectors(b, h)
		h.Runner.RunAll(context.Background(), peopleCollectors(), h.Repos)
		rest, points := collectortest.RESTRequests(h.Fake), h.Fake.GraphQLPoints()-firstPoints
		counted := collectortest.CountedREST(h.Fake)
		b.StopTimer()
		if u := res["commits"].Unchanged; u != n-n/every {
			b.Fatalf("refresh spared %d repositories, want %d", u, n-n/every)
		}
		b.ReportMetric(float64(firstREST)/n, "first-sync-rest-requests/repo")
		b.ReportMetric(float64(firstCounted)/n, "first-sync-counted-rest/repo")
		b.ReportMetric(float64(counted)/n, "counted-rest/repo")
		b.ReportMetric(float64(counted), "refresh-counted-rest")
		b.ReportMetric(float64(points), "refresh-graphql-points")
		b.ReportMetric(float64(firstPoints)/n, "first-sync-graphql-points/repo")
		b.ReportMetric(float64(rest)/n, "rest-requests/repo")
		b.ReportMetric(float64(points)/n, "graphql-points/repo")
		b.ReportMetric(float64(rr.GraphQL), "refresh-graphql-queries")
	}
}
