package githubfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func rateHeaders(resp *http.Response) (limit, remaining, used int, reset int64) {
	limit, _ = strconv.Atoi(resp.Header.Get("X-RateLimit-Limit"))
	remaining, _ = strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
	used, _ = strconv.Atoi(resp.Header.Get("X-RateLimit-Used"))
	reset, _ = strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
	return
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	const token = "ghp_secretsecretsecret"
	tests := []struct {
		name    string
		auth    string
		limit   int
		message string
	}{
		{"token", "token " + token, 5, "API rate limit exceeded for user ID 1."},
		{"bearer", "Bearer " + token, 5, "API rate limit exceeded for user ID 1."},
		{"anonymous", "", 3, "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := &fakeClock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
			s, srv := newTestServer(t, Options{Limit: 5, UnauthenticatedLimit: 3, Window: time.Hour, Now: clock.now})
			hdr := []string{}
			if tt.auth != "" {
				hdr = []string{"Authorization", tt.auth}
			}
			wantReset := clock.t.Add(time.Hour).Unix()
			var seen strings.Builder
			for i := 1; i <= tt.limit; i++ {
				clock.advance(time.Minute) // the window starts at the first request
				if i == 1 {
					wantReset = clock.t.Add(time.Hour).Unix()
				}
				path := "/repos/acme/widget"
				if i == 2 {
					path = "/nope" // 404s count too
				}
				resp, body := get(t, srv.URL+path, hdr...)
				fmt.Fprint(&seen, resp.Header, string(body))
				limit, remaining, used, reset := rateHeaders(resp)
				if limit != tt.limit || remaining != tt.limit-i || used != i || reset != wantReset || resp.Header.Get("X-RateLimit-Resource") != "core" {
					t.Errorf("request %d: limit %d remaining %d used %d reset %d, want %d %d %d %d", i, limit, remaining, used, reset, tt.limit, tt.limit-i, i, wantReset)
				}
			}
			// /rate_limit is free and reports the bucket.
			var rl struct {
				Resources map[string]struct{ Limit, Remaining, Used int }
				Rate      struct {
					Limit, Remaining int
					Reset            int64
				}
			}
			getJSON(t, srv.URL+"/rate_limit", 200, &rl, hdr...)
			// Search: 30 a minute with a token, 10 without, as GitHub's.
			searchLimit := 30
			if tt.auth == "" {
				searchLimit = 10
			}
			if rl.Rate.Limit != tt.limit || rl.Rate.Remaining != 0 || rl.Rate.Reset != wantReset || rl.Resources["core"].Used != tt.limit ||
				rl.Resources["search"].Limit != searchLimit || rl.Resources["graphql"].Limit != 5000 {
				t.Errorf("/rate_limit = %+v", rl)
			}

			resp, body := get(t, srv.URL+"/repos/acme/widget", hdr...)
			fmt.Fprint(&seen, resp.Header, string(body))
			if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-RateLimit-Remaining") != "0" {
				t.Fatalf("exhausted: status %d remaining %q", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
			}
			var raw map[string]string
			if err := json.Unmarshal(body, &raw); err != nil {
				t.Fatal(err)
			}
			if raw["message"] != tt.message || raw["documentation_url"] != "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" {
				t.Errorf("403 body = %s", body)
			}
			if strings.Contains(seen.String(), token) {
				t.Error("the token was echoed in a response")
			}

			// The window ends: the quota is back.
			clock.t = time.Unix(wantReset, 0)
			resp, _ = get(t, srv.URL+"/repos/acme/widget", hdr...)
			if _, remaining, used, reset := rateHeaders(resp); resp.StatusCode != 200 || remaining != tt.limit-1 || used != 1 || reset != clock.t.Add(time.Hour).Unix() {
				t.Errorf("after reset: status %d remaining %d used %d reset %d", resp.StatusCode, remaining, used, reset)
			}
			if n := s.Count("/repos/{owner}/{repo}", http.StatusForbidden); n != 1 {
				t.Errorf("counted %d 403s, want 1", n)
			}
			if n := s.Count("/rate_limit", 200); n != 1 {
				t.Errorf("counted %d /rate_limit, want 1", n)
			}
		})
	}
}

// TestRateLimitBuckets checks callers do not share buckets and that only
// authorised 304s are free.
func TestRateLimitBuckets(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, srv := newTestServer(t, Options{Limit: 10, UnauthenticatedLimit: 10, Now: clock.now})
	a := []string{"Authorization", "token aaa"}
	resp, _ := get(t, srv.URL+"/repos/acme/widget", a...)
	etag := resp.Header.Get("ETag")
	for range 3 {
		resp, _ = get(t, srv.URL+"/repos/acme/widget", "Authorization", "token aaa", "If-None-Match", etag)
		if resp.StatusCode != http.StatusNotModified {
			t.Fatalf("status %d, want 304", resp.StatusCode)
		}
	}
	if _, remaining, used, _ := rateHeaders(resp); remaining != 9 || used != 1 {
		t.Errorf("authorised 304s charged: remaining %d used %d", remaining, used)
	}
	// Another token has its own bucket.
	resp, _ = get(t, srv.URL+"/repos/acme/widget", "Authorization", "token bbb")
	if _, remaining, _, _ := rateHeaders(resp); remaining != 9 {
		t.Errorf("token bbb remaining %d, want 9", remaining)
	}
	// Anonymous 304s are charged.
	get(t, srv.URL+"/repos/acme/widget")
	resp, _ = get(t, srv.URL+"/repos/acme/widget", "If-None-Match", etag)
	if _, remaining, _, _ := rateHeaders(resp); resp.StatusCode != http.StatusNotModified || remaining != 8 {
		t.Errorf("anonymous 304: status %d remaining %d, want 304 and 8", resp.StatusCode, remaining)
	}
}
