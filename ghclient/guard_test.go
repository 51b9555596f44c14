package ghclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// A server that echoes the request's headers in its error bodies, as some
// proxies and misconfigured endpoints do: the token never reaches an error
// text (which is logged and stored), whatever the status, written as is or
// URL-encoded.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	t.Parallel()
	const token = "ghp_EchoEchoT0kenLeak1234567890abcdefghij"
	for _, status := range []int{http.StatusUnauthorized, http.StatusInternalServerError, http.StatusUnprocessableEntity, http.StatusNotFound} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var echo strings.Builder
				for k, v := range r.Header {
					fmt.Fprintf(&echo, "%s: %s; ", k, strings.Join(v, ","))
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				fmt.Fprintf(w, `{"message": "bad request: %s (query %s)", "documentation_url": "https://docs.github.com/rest?t=%s"}`,
					echo.String(), url.QueryEscape("token="+token), url.QueryEscape(token))
			}))
			defer srv.Close()
			c, err := New(Options{BaseURL: srv.URL, Token: token})
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = c.Repositories.Get(context.Background(), "o", "r")
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), token[4:20]) {
				t.Errorf("the token is in the error: %v", err)
			}
			if !strings.Contains(err.Error(), redactedText) {
				t.Errorf("the error does not show where the secret was: %v", err)
			}
		})
	}
}

// A REST body that never ends is refused at MaxBodyBytes with an error
// naming the route, rather than read into memory until the timeout.
func TestEndlessBodyIsRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"name": "`))
		chunk := []byte(strings.Repeat("a", 1<<16))
		for range MaxBodyBytes/len(chunk) + 2 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, err := New(Options{BaseURL: srv.URL, Token: "ghp_x1234567890"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Repositories.Get(context.Background(), "o", "r")
	if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "GET /repos/{owner}/{repo}") {
		t.Errorf("err = %v, want ErrBodyTooLarge naming the route", err)
	}
}
