package collectors_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/githubfake"
	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// criticalityScoreCost is what OpenSSF criticality_score spends on one
// repository of the demo, measured against the same fake (see
// githubfake.TestPeerQueries for the queries it sends): 5.9 REST
// requests, 1 search and 3 GraphQL points.
const criticalityScoreCost = 5.9 + 1 + 3

// The whole API cost of a first sync of the demo ecosystem, every
// collector counted (repository metadata, FUNDING.yml, commits, issues,
// comments, releases, the change probes, profiles and sponsors): REST
// requests counted against the quota, and GraphQL points. History is read
// over git, as serve does where git is usable (git fetches cost no
// quota), and over REST, where it is not. The clock is the demo's end, as
// `fundwatch demo` pins it: issues and comments are read back to the
// default floor from there (the analysis' year window and a month), and
// the open issues older than it.
func TestFirstSyncCostAgainstCriticalityScore(t *testing.T) {
	t.Parallel()
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, git := range []bool{true, false} {
		name := "rest-history"
		if git {
			name = "git-history"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, err := scenario.Demo(end)
			if err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, w, githubfake.Options{})
			if git {
				withGit(t, h)
			}
			h.NoRetryWaits.Store(true)
			h.Env.Now = func() time.Time { return end }
			h.SyncAll(t)
			n := float64(len(w.Repos))
			counted, points := countedREST(h.Fake), h.Fake.GraphQLPoints()
			users := h.Fake.Count("/users/{username}", http.StatusOK) + h.Fake.Count("/users/{username}/orgs", http.StatusOK)
			perRepo := (float64(counted) + float64(points)) / n
			issues := h.Fake.Count("/repos/{owner}/{repo}/issues", http.StatusOK) + h.Fake.Count("/repos/{owner}/{repo}/issues/comments", http.StatusOK)
			t.Logf("%s: %.1f counted REST requests and %.1f GraphQL points a repository (%.1f REST for profiles, %.1f for issues and comments); %.1f in all, %.2f× criticality_score's %.1f",
				name, float64(counted)/n, float64(points)/n, float64(users)/n, float64(issues)/n, perRepo, perRepo/criticalityScoreCost, criticalityScoreCost)
			// Profiles and organisations come in GraphQL batches (they were
			// 37.9 REST requests a repository); issues and comments are
			// read back to the floor, not over their whole history (19 and
			// 20 pages a repository, 4.3×; see docs/benchmarks.md). The
			// goal of issue 14: within twice criticality_score's cost,
			// with history over git, as serve reads it.
			if users != 0 {
				t.Errorf("%d REST requests for profiles", users)
			}
			if budget := 2 * criticalityScoreCost; git && perRepo > budget {
				t.Errorf("first sync costs %.1f a repository, over the budget of %.1f (2× criticality_score)", perRepo, budget)
			}
		})
	}
}
