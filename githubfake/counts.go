package githubfake

import (
	"sort"
	"sync"
)

// RequestCount is how many requests one templated route answered with one
// status, e.g. {"/repos/{owner}/{repo}/commits", 200, 12}.
type RequestCount struct {
	Route  string
	Status int
	Count  int
}

type countKey struct {
	route  string
	status int
}

// counter records every answered request, so tests can assert on the cost
// of a collector run (requests, 304s, 403s) without a proxy.
type counter struct {
	mu sync.Mutex
	m  map[countKey]int
}

func (c *counter) add(route string, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[countKey]int{}
	}
	c.m[countKey{route, status}]++
}

// Requests returns the counts so far, sorted by Route, then Status.
func (s *Server) Requests() []RequestCount {
	s.counts.mu.Lock()
	out := make([]RequestCount, 0, len(s.counts.m))
	for k, n := range s.counts.m {
		out = append(out, RequestCount{Route: k.route, Status: k.status, Count: n})
	}
	s.counts.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Route != out[j].Route {
			return out[i].Route < out[j].Route
		}
		return out[i].Status < out[j].Status
	})
	return out
}

// Count returns how many requests route answered with status; status 0
// means any status. Unserved paths are counted under route "unknown".
func (s *Server) Count(route string, status int) int {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	n := 0
	for k, v := range s.counts.m {
		if k.route == route && (status == 0 || k.status == status) {
			n += v
		}
	}
	return n
}

// Total returns the number of requests answered, whatever their status.
func (s *Server) Total() int {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	n := 0
	for _, v := range s.counts.m {
		n += v
	}
	return n
}

// ResetCounts forgets all counted requests (rate-limit buckets are kept).
func (s *Server) ResetCounts() {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	s.counts.m = nil
}
