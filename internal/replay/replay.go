// Package replay serves HTTP exchanges recorded from the real
// api.github.com (see fixtures/SOURCES.md), so that fundwatch's client is
// tested against how GitHub really answers, not only against its own fake:
// Link headers on /repositories/{id}, 301 and 307 redirects of renamed
// repositories, rate-limit headers, ETags, error bodies. For tests only.
package replay

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
)

//go:embed fixtures/*.json
var fixtures embed.FS

// Exchange is one recorded request and its response (nock's normalised
// form, as @octokit/fixtures stores it).
type Exchange struct {
	Method   string          `json:"method"`
	Path     string          `json:"path"`
	Body     json.RawMessage `json:"body"`
	Status   int             `json:"status"`
	Response json.RawMessage `json:"response"`
	Headers  map[string]any  `json:"headers"` // strings, and numbers where nock wrote them so
}

// Scenario loads a recorded scenario by name ("paginate-issues").
func Scenario(name string) ([]Exchange, error) {
	data, err := fixtures.ReadFile("fixtures/" + name + ".json")
	if err != nil {
		return nil, err
	}
	var xs []Exchange
	if err := json.Unmarshal(data, &xs); err != nil {
		return nil, fmt.Errorf("fixtures/%s.json: %w", name, err)
	}
	return xs, nil
}

// recordedHost is the origin the recordings name in Link and Location.
const recordedHost = "https://api.github.com"

// Server answers each request with the first unused recorded exchange of
// the same method and path (query parameters in any order). GitHub serves
// a repository's paths under /repos/{owner}/{repo} and /repositories/{id}
// alike; Aliases maps the one to the other ("/repositories/1000" →
// "/repos/octokit-fixture-org/paginate-issues") so that a client asking
// either form is answered. A request nothing matches gets 599 and is
// listed by Unmatched.
type Server struct {
	*httptest.Server
	Aliases map[string]string

	mu        sync.Mutex
	xs        []Exchange
	used      []bool
	unmatched []string
}

// New starts a server replaying xs; it stops when the test ends.
func New(t testing.TB, xs []Exchange) *Server {
	s := &Server{xs: xs, used: make([]bool, len(xs)), Aliases: map[string]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Unmatched lists the requests no recording answered.
func (s *Server) Unmatched() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.unmatched...)
}

func (s *Server) canonical(method, pathAndQuery string) string {
	p, q, _ := strings.Cut(pathAndQuery, "?")
	for from, to := range s.Aliases {
		if p == from || strings.HasPrefix(p, from+"/") {
			p = to + strings.TrimPrefix(p, from)
		}
	}
	vals, _ := url.ParseQuery(q)
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range vals[k] {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.ToUpper(method) + " " + p + "?" + strings.Join(parts, "&")
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	want := s.canonical(r.Method, r.URL.RequestURI())
	s.mu.Lock()
	var x *Exchange
	for i := range s.xs {
		if !s.used[i] && s.canonical(s.xs[i].Method, s.xs[i].Path) == want {
			s.used[i], x = true, &s.xs[i]
			break
		}
	}
	if x == nil {
		s.unmatched = append(s.unmatched, want)
	}
	s.mu.Unlock()
	if x == nil {
		http.Error(w, "no recorded exchange for "+want, 599)
		return
	}
	for k, v := range x.Headers {
		switch strings.ToLower(k) {
		case "content-length", "connection", "transfer-encoding":
			continue
		}
		// Links and redirects lead back here.
		w.Header().Set(k, strings.ReplaceAll(fmt.Sprint(v), recordedHost, s.URL))
	}
	w.WriteHeader(x.Status)
	var text string
	if json.Unmarshal(x.Response, &text) == nil {
		io.WriteString(w, text) // a recorded string body ("" for none)
		return
	}
	w.Write(x.Response)
}
