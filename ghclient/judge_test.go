package ghclient

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// judge tells limits from the request's own outcome, and leaves the body
// whole for the caller.
func TestJudge(t *testing.T) {
	t.Parallel()
	const secondaryMsg = `{"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`
	long := `{"message": "Resource not accessible by integration", "pad": "` + strings.Repeat("x", 70<<10) + `"}`
	for _, tt := range []struct {
		name   string
		status int
		hdr    []string
		body   string
		want   verdict
		wait   time.Duration
	}{
		{"ok", 200, nil, `{}`, answered, 0},
		{"not found", 404, nil, `{"message": "Not Found"}`, answered, 0},
		{"bad credentials", 401, nil, `{"message": "Bad credentials"}`, refused, 0},
		{"primary, 403", 403, []string{"X-RateLimit-Remaining", "0"}, `{"message": "API rate limit exceeded"}`, exhausted, 0},
		{"primary, 429", 429, []string{"X-RateLimit-Remaining", "0"}, `{}`, exhausted, 0},
		{"secondary, Retry-After", 403, []string{"Retry-After", "30", "X-RateLimit-Remaining", "0"}, secondaryMsg, secondary, 30 * time.Second},
		{"secondary, 429", 429, nil, `{}`, secondary, 0},
		{"secondary, only the message", 403, []string{"X-RateLimit-Remaining", "4000"}, secondaryMsg, secondary, 0},
		{"a permission 403, long", 403, []string{"X-RateLimit-Remaining", "4000"}, long, answered, 0},
	} {
		rec := httptest.NewRecorder()
		for i := 0; i+1 < len(tt.hdr); i += 2 {
			rec.Header().Set(tt.hdr[i], tt.hdr[i+1])
		}
		rec.WriteHeader(tt.status)
		rec.WriteString(tt.body)
		resp := rec.Result()
		v, wait := judge(resp)
		if v != tt.want || wait != tt.wait {
			t.Errorf("%s: %d %s, want %d %s", tt.name, v, wait, tt.want, tt.wait)
		}
		if b, err := io.ReadAll(resp.Body); err != nil || string(b) != tt.body {
			t.Errorf("%s: body after judging: %d bytes, %v", tt.name, len(b), err)
		}
		resp.Body.Close()
	}
	if d, ok := retryAfterOf(http.Header{"Retry-After": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}); !ok || d < 59*time.Minute {
		t.Errorf("Retry-After as a date: %s %v", d, ok)
	}
}
