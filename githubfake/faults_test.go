package githubfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	t.Parallel()
	got, err := ParseFaults("502=0.05, secondary429(2s)@/repos/{owner}/{repo}/issues=0.01 slow(3s)=0.5,secondary403(none), primary403(10s)@/graphql, shift(7)@/repos/*/*/commits=0.2")
	if err != nil {
		t.Fatal(err)
	}
	want := []Fault{
		{Kind: Fault502, Rate: 0.05},
		{Kind: FaultSecondary429, Rate: 0.01, Route: "/repos/{owner}/{repo}/issues", RetryAfter: 2 * time.Second},
		{Kind: FaultSlow, Rate: 0.5, Delay: 3 * time.Second},
		{Kind: FaultSecondary403, Rate: 1, RetryAfter: -1},
		{Kind: FaultPrimary403, Rate: 1, Route: "/graphql", Reset: 10 * time.Second},
		{Kind: FaultShift, Rate: 0.2, Route: "/repos/*/*/commits", Shift: 7},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseFaults:\n got %+v\nwant %+v", got, want)
	}
	for _, f := range want {
		back, err := ParseFaults(f.String())
		if err != nil || len(back) != 1 || back[0] != f {
			t.Errorf("%+v: String %q parses back as %+v, %v", f, f.String(), back, err)
		}
	}
	for _, bad := range []string{"504", "502=2", "502=x", "slow(fast)", "500(1s)", "shift(0)", "502@repos", "slow(1s"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("ParseFaults(%q) accepted", bad)
		}
	}
}

// Each kind, served alone at rate 1, looks as documented from the client.
func TestFaultKinds(t *testing.T) {
	t.Parallel()
	client := &http.Client{Timeout: 300 * time.Millisecond}
	tests := []struct {
		spec   string
		path   string
		status int
		check  func(t *testing.T, resp *http.Response, body []byte, err error)
	}{
		{"500", "/repos/acme/widget", 500, nil},
		{"502", "/repos/acme/widget", 502, nil},
		{"503", "/repos/acme/widget", 503, nil},
		{"secondary403(3s)", "/repos/acme/widget", 403, func(t *testing.T, resp *http.Response, body []byte, _ error) {
			if resp.Header.Get("Retry-After") != "3" || resp.Header.Get("X-RateLimit-Remaining") == "0" ||
				!strings.Contains(string(body), "secondary rate limit") || !strings.Contains(string(body), "secondary-rate-limits") {
				t.Errorf("secondary 403: headers %v body %s", resp.Header, body)
			}
		}},
		{"secondary429(none)", "/repos/acme/widget", 429, func(t *testing.T, resp *http.Response, _ []byte, _ error) {
			if _, ok := resp.Header["Retry-After"]; ok {
				t.Errorf("Retry-After sent although none was asked for")
			}
		}},
		{"primary403(5s)", "/repos/acme/widget", 403, func(t *testing.T, resp *http.Response, body []byte, _ error) {
			reset := resp.Header.Get("X-RateLimit-Reset")
			if resp.Header.Get("X-RateLimit-Remaining") != "0" || reset == "" || !strings.Contains(string(body), "API rate limit exceeded") {
				t.Errorf("primary 403: headers %v body %s", resp.Header, body)
			}
		}},
		{"primary429", "/repos/acme/widget", 429, nil},
		{"malformed", "/repos/acme/widget", 200, func(t *testing.T, _ *http.Response, body []byte, _ error) {
			if json.Valid(body) {
				t.Errorf("malformed body is valid JSON: %s", body)
			}
		}},
		{"truncate", "/repos/acme/widget/commits", 200, func(t *testing.T, _ *http.Response, body []byte, err error) {
			if err != nil || len(body) == 0 || json.Valid(body) {
				t.Errorf("truncated body (%d bytes, err %v) should be framed, non-empty and invalid", len(body), err)
			}
		}},
		{"abort", "/repos/acme/widget/commits", 200, func(t *testing.T, _ *http.Response, _ []byte, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("aborted body read: %v, want unexpected EOF", err)
			}
		}},
		{"slow(2s)", "/repos/acme/widget", 0, nil},
		{"reset", "/repos/acme/widget", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			t.Parallel()
			s, srv := newTestServer(t, Options{Faults: MustParseFaults(tt.spec)})
			req, _ := http.NewRequest(http.MethodGet, srv.URL+tt.path, nil)
			req.Close = true // no transparent retry on a fresh connection
			resp, err := client.Do(req)
			if tt.status == 0 {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("got status %d, want a transport error", resp.StatusCode)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				body, rerr := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
				}
				if tt.check != nil {
					tt.check(t, resp, body, rerr)
				}
			}
			kind := FaultKind(strings.SplitN(tt.spec, "(", 2)[0])
			if got := s.Faults(); len(got) != 1 || got[0] != (FaultCount{kind, 1}) {
				t.Errorf("Faults() = %v, want one %s", got, kind)
			}
			// Faulted requests are counted like any other.
			deadline := time.Now().Add(3 * time.Second)
			for s.Total() != 1 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond) // a slow handler notices the client left
			}
			if s.Total() != 1 {
				t.Errorf("counted %v, want one request", s.Requests())
			}
		})
	}
}

func TestFaultRouteSelectionAndSeed(t *testing.T) {
	t.Parallel()
	run := func() string {
		s, srv := newTestServer(t, Options{FaultSeed: 42, Faults: MustParseFaults("503@/repos/{owner}/{repo}/commits=0.5")})
		var b strings.Builder
		for range 40 {
			resp, _ := get(t, srv.URL+"/repos/acme/widget/commits")
			b.WriteString(fmt.Sprint(resp.StatusCode / 100))
			if resp, _ := get(t, srv.URL+"/repos/acme/widget"); resp.StatusCode != 200 {
				t.Fatalf("a route the fault does not select answered %d", resp.StatusCode)
			}
		}
		if n := s.Count("/repos/{owner}/{repo}/commits", 503); n < 10 || n > 30 {
			t.Errorf("rate 0.5 faulted %d of 40", n)
		}
		return b.String()
	}
	if a, b := run(), run(); a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	s, srv := newTestServer(t, Options{})
	s.SetFaults(MustParseFaults("500@/repos/acme/widget/issues"))
	if resp, _ := get(t, srv.URL+"/repos/acme/widget/issues"); resp.StatusCode != 500 {
		t.Errorf("a concrete path did not select: %d", resp.StatusCode)
	}
	if resp, _ := get(t, srv.URL+"/repos/alice/tool/issues"); resp.StatusCode != 200 {
		t.Errorf("another repository was faulted: %d", resp.StatusCode)
	}
	s.SetFaults(nil)
	if resp, _ := get(t, srv.URL+"/repos/acme/widget/issues"); resp.StatusCode != 200 {
		t.Errorf("SetFaults(nil) left faults: %d", resp.StatusCode)
	}
}

// A list read while items are inserted at its head shows some items twice
// and never skips one.
func TestFaultShiftNeverSkips(t *testing.T) {
	t.Parallel()
	s, srv := newTestServer(t, Options{FaultSeed: 7, Faults: MustParseFaults("shift(4)=0.6")})
	seen := map[string]int{}
	reads := 0
	for url := srv.URL + "/repos/acme/widget/commits?per_page=10"; url != ""; {
		var page []struct{ SHA string }
		resp := getJSON(t, url, 200, &page)
		reads++
		for _, c := range page {
			seen[c.SHA]++
		}
		url = ""
		for _, l := range strings.Split(resp.Header.Get("Link"), ",") {
			if strings.Contains(l, `rel="next"`) {
				url = strings.Trim(strings.TrimSpace(strings.Split(l, ";")[0]), "<>")
			}
		}
	}
	dups := 0
	for _, n := range seen {
		dups += n - 1
	}
	if len(seen) != testCommits {
		t.Errorf("read %d distinct commits, the list has %d", len(seen), testCommits)
	}
	if dups == 0 || len(s.Faults()) == 0 {
		t.Errorf("no shift happened (faults %v); the test proves nothing", s.Faults())
	}
	if want := (testCommits + 9) / 10; reads <= want {
		t.Errorf("%d pages read, want more than %d after insertions", reads, want)
	}
}

func TestRepoStates(t *testing.T) {
	t.Parallel()
	s, srv := newTestServer(t, Options{RepoStates: map[string]RepoState{
		"acme/old-widget": {Condition: RepoRenamed, To: "acme/widget"},
		"alice/tool":      {Condition: RepoDeleted},
	}})
	s.SetRepoState("acme/empty", RepoState{Condition: RepoBlocked})

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(srv.URL + "/repos/acme/old-widget/commits?per_page=5&page=2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := srv.URL + "/repositories/5001/commits?per_page=5&page=2"; resp.StatusCode != 301 || resp.Header.Get("Location") != want {
		t.Errorf("renamed: %d Location %q, want 301 %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	var repo struct {
		FullName string `json:"full_name"`
	}
	getJSON(t, srv.URL+"/repos/acme/old-widget", 200, &repo) // followed
	if repo.FullName != "acme/widget" {
		t.Errorf("after the redirect: full_name %q", repo.FullName)
	}
	var commits []any
	getJSON(t, srv.URL+"/repositories/5001/commits?per_page=5", 200, &commits)
	if len(commits) != 5 {
		t.Errorf("/repositories/{id}/commits gave %d commits", len(commits))
	}
	getJSON(t, srv.URL+"/repositories/999999", 404, nil)
	getJSON(t, srv.URL+"/repos/alice/tool", 404, nil)
	getJSON(t, srv.URL+"/repos/alice/tool/issues", 404, nil)
	var blocked struct {
		Message string
		Block   struct{ Reason string }
	}
	getJSON(t, srv.URL+"/repos/acme/empty", 451, &blocked)
	if blocked.Block.Reason == "" {
		t.Errorf("451 without a block reason: %+v", blocked)
	}
	s.SetRepoState("acme/empty", RepoState{})
	s.SetRepoState("acme/widget", RepoState{Condition: RepoEmpty})
	getJSON(t, srv.URL+"/repos/acme/widget/commits", 409, nil)
	getJSON(t, srv.URL+"/repos/acme/widget", 200, nil)
	getJSON(t, srv.URL+"/repos/acme/empty", 200, nil)
	for _, rc := range []struct {
		route  string
		status int
	}{{"/repos/{owner}/{repo}/commits", 301}, {"/repositories/{id}/commits", 200}, {"/repositories/{id}", 404}, {"/repos/{owner}/{repo}", 451}} {
		if s.Count(rc.route, rc.status) == 0 {
			t.Errorf("no %d counted on %s: %v", rc.status, rc.route, s.Requests())
		}
	}
}
