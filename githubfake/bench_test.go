package githubfake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fundwatch/fundwatch/githubfake/scenario"
)

// bigWorld is demo-sized: 20,000 commits and 3,000 issues with comments.
func bigWorld() *scenario.World {
	w := testWorld()
	r := w.Repos[1]
	r.Commits, r.Issues, r.Comments = nil, nil, nil
	for i := range 20000 {
		at := base.Add(time.Duration(i) * 30 * time.Minute)
		r.Commits = append(r.Commits, scenario.Commit{SHA: fmt.Sprintf("%040x", i+1), AuthorName: "A", AuthorEmail: "a@x.example", AuthorLogin: []string{"alice", "bob", ""}[i%3], AuthorDate: at, CommitterDate: at})
	}
	for n := 1; n <= 3000; n++ {
		at := base.Add(time.Duration(n) * 3 * time.Hour)
		is := scenario.Issue{Number: n, Title: "t", User: "bob", CreatedAt: at, IsPull: n%2 == 0}
		if n%3 == 0 {
			is.ClosedAt = at.Add(48 * time.Hour)
		}
		r.Issues = append(r.Issues, is)
		for k := range 3 {
			c := at.Add(time.Duration(k+1) * 5 * time.Hour)
			r.Comments = append(r.Comments, scenario.Comment{ID: int64(n*10 + k), IssueNumber: n, User: "alice", CreatedAt: c, UpdatedAt: c})
		}
	}
	w.End = base.Add(20000 * 30 * time.Minute)
	return w
}

func BenchmarkSetHorizon(b *testing.B) {
	s := New(bigWorld(), Options{})
	for i := 0; b.Loop(); i++ {
		s.SetHorizon(base.Add(time.Duration(i%400) * 24 * time.Hour))
	}
}

func BenchmarkPage(b *testing.B) {
	s := New(bigWorld(), Options{Limit: 1 << 30})
	for _, path := range []string{
		"/repos/acme/widget/commits?per_page=100&page=150&since=2020-06-01T00:00:00Z",
		"/repos/acme/widget/issues?state=all&sort=updated&direction=asc&since=2020-06-01T00:00:00Z&per_page=100&page=3",
		"/repos/acme/widget/issues/comments?sort=updated&since=2020-06-01T00:00:00Z&per_page=100&page=5",
	} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Authorization", "token bench")
			for b.Loop() {
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code, rec.Body.String())
				}
			}
		})
	}
}
