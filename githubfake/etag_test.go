package githubfake

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestConditionalRequests(t *testing.T) {
	t.Parallel()
	s, srv := newTestServer(t, Options{})
	paths := []string{
		"/repos/acme/widget",
		"/repos/acme/widget/commits?per_page=5",
		"/repos/acme/widget/issues?state=all&page=2",
		"/users/alice",
		"/repos/acme/widget/contents/.github/FUNDING.yml",
	}
	for _, p := range paths {
		resp, body := get(t, srv.URL+p)
		etag := resp.Header.Get("ETag")
		if !strings.HasPrefix(etag, `W/"`) || len(etag) != 3+64+1 {
			t.Fatalf("%s: ETag %q", p, etag)
		}
		tests := []struct {
			name, header string
			want         int
		}{
			{"exact", etag, http.StatusNotModified},
			{"strong form of weak tag", strings.TrimPrefix(etag, "W/"), http.StatusNotModified},
			{"list", `"nope", ` + etag, http.StatusNotModified},
			{"star", "*", http.StatusNotModified},
			{"other", `W/"0000"`, http.StatusOK},
		}
		for _, tt := range tests {
			resp2, body2 := get(t, srv.URL+p, "If-None-Match", tt.header)
			if resp2.StatusCode != tt.want {
				t.Errorf("%s %s: status %d, want %d", p, tt.name, resp2.StatusCode, tt.want)
			}
			if got := resp2.Header.Get("ETag"); got != etag {
				t.Errorf("%s %s: ETag %q, want %q", p, tt.name, got, etag)
			}
			if tt.want == http.StatusNotModified && len(body2) != 0 {
				t.Errorf("%s %s: 304 with body %q", p, tt.name, body2)
			}
			if tt.want == http.StatusOK && string(body2) != string(body) {
				t.Errorf("%s %s: body changed between identical requests", p, tt.name)
			}
		}
	}
	if n := s.Count("/repos/{owner}/{repo}", http.StatusNotModified); n != 4 {
		t.Errorf("counted %d repo 304s, want 4", n)
	}

	// A later horizon changes the repository (new commits): new ETag, 200.
	resp, _ := get(t, srv.URL+"/users/alice")
	userTag := resp.Header.Get("ETag")
	s.SetHorizon(base.Add(10 * 24 * time.Hour))
	resp, _ = get(t, srv.URL+"/repos/acme/widget")
	oldTag := resp.Header.Get("ETag")
	s.SetHorizon(base.Add(20 * 24 * time.Hour))
	resp, _ = get(t, srv.URL+"/repos/acme/widget", "If-None-Match", oldTag)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == oldTag {
		t.Errorf("after the horizon moved: status %d, ETag unchanged %v", resp.StatusCode, resp.Header.Get("ETag") == oldTag)
	}
	// ... while an unchanged profile still answers 304.
	if resp, _ := get(t, srv.URL+"/users/alice", "If-None-Match", userTag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("unchanged user after horizon move: %d", resp.StatusCode)
	}

	// If-Modified-Since against Last-Modified.
	resp, _ = get(t, srv.URL+"/repos/acme/widget")
	lm := resp.Header.Get("Last-Modified")
	if lm == "" {
		t.Fatal("repository without Last-Modified")
	}
	if resp, _ := get(t, srv.URL+"/repos/acme/widget", "If-Modified-Since", lm); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since = Last-Modified: %d", resp.StatusCode)
	}
	if resp, _ := get(t, srv.URL+"/repos/acme/widget", "If-Modified-Since", "Mon, 02 Jan 2006 15:04:05 GMT"); resp.StatusCode != http.StatusOK {
		t.Errorf("If-Modified-Since long ago: %d", resp.StatusCode)
	}
}
